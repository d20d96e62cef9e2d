package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// testRedirectURI is where the tests' clients say they want the code. No one
// listens there: the tests read the code from the redirect's Location.
const testRedirectURI = "http://127.0.0.1:1/callback"

// testVerifier is the tests' PKCE code_verifier: 43 characters, the
// shortest RFC 7636 allows, with each of its non-alphanumeric characters.
const testVerifier = "test-verifier.with_each~kind-0123456789abcd"

// startAuthDemo serves the demo with its authorization server on, tokens
// living ttl.
func startAuthDemo(t *testing.T, m mode, ttl time.Duration, refresh bool) *demo {
	t.Helper()
	return serveDemo(t, config{key: testKey, jsonRPCError: true, stateless: m.stateless, authServer: true, tokenTTL: ttl, refreshTokens: refresh, expiresIn: true})
}

// noRedirects is an HTTP client for d's loopback server that returns
// redirects instead of following them.
func noRedirects(d *demo) *http.Client {
	return &http.Client{
		Transport:     d.srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// jsonReq sends a request to d and decodes the JSON answer into out (when
// non-nil); it returns the status.
func jsonReq(t *testing.T, d *demo, method, path, contentType, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, d.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := d.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: status %d, body not JSON: %v", method, path, resp.StatusCode, err)
		}
	}
	return resp.StatusCode
}

// registerClient registers a client with testRedirectURI and returns its id.
func registerClient(t *testing.T, d *demo) string {
	t.Helper()
	var reg struct {
		ClientID   string `json:"client_id"`
		AuthMethod string `json:"token_endpoint_auth_method"`
	}
	if st := jsonReq(t, d, http.MethodPost, registerPath, "application/json", `{"redirect_uris":["`+testRedirectURI+`"],"client_name":"test"}`, &reg); st != http.StatusCreated || reg.ClientID == "" || reg.AuthMethod != "none" {
		t.Fatalf("register: status %d, %+v; want 201, a client_id and auth method none", st, reg)
	}
	return reg.ClientID
}

// authorizeParams is a valid authorization request for clientID with the
// PKCE verifier testVerifier.
func authorizeParams(d *demo, clientID string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {testRedirectURI},
		"code_challenge":        {s256(testVerifier)},
		"code_challenge_method": {"S256"},
		"resource":              {d.cfg.resource()},
		"scope":                 {scope},
		"state":                 {"xyz"},
	}
}

// authorize sends the authorization request q and returns the status and,
// for a redirect, the query of its Location.
func authorize(t *testing.T, d *demo, q url.Values) (int, url.Values) {
	t.Helper()
	resp, err := noRedirects(d).Get(d.srv.URL + authorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, nil
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), testRedirectURI+"?") {
		t.Fatalf("redirect to %q (%v), want %s?...", resp.Header.Get("Location"), err, testRedirectURI)
	}
	return resp.StatusCode, loc.Query()
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
}

func tokenReq(t *testing.T, d *demo, form url.Values) (int, tokenResponse) {
	t.Helper()
	var tr tokenResponse
	st := jsonReq(t, d, http.MethodPost, tokenPath, "application/x-www-form-urlencoded", form.Encode(), &tr)
	return st, tr
}

// codeForm is the token request that exchanges code.
func codeForm(d *demo, clientID, code string) url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"client_id":     {clientID},
		"redirect_uri":  {testRedirectURI},
		"code_verifier": {testVerifier},
		"resource":      {d.cfg.resource()},
	}
}

func TestAuthServerMetadata(t *testing.T) {
	for _, refresh := range []bool{false, true} {
		d := startAuthDemo(t, modes[0], time.Minute, refresh)
		var asm oauthex.AuthServerMeta
		if st := jsonReq(t, d, http.MethodGet, asMetadataPath, "", "", &asm); st != http.StatusOK {
			t.Fatalf("metadata status %d", st)
		}
		base := d.srv.URL
		if asm.Issuer != base || asm.AuthorizationEndpoint != base+authorizePath || asm.TokenEndpoint != base+tokenPath ||
			asm.RegistrationEndpoint != base+registerPath || !slices.Equal(asm.CodeChallengeMethodsSupported, []string{"S256"}) {
			t.Errorf("metadata %+v", asm)
		}
		if got := slices.Contains(asm.GrantTypesSupported, "refresh_token"); got != refresh {
			t.Errorf("refresh=%v: grant_types_supported %v", refresh, asm.GrantTypesSupported)
		}
		var prm oauthex.ProtectedResourceMetadata
		jsonReq(t, d, http.MethodGet, metadataPath, "", "", &prm)
		if !slices.Equal(prm.AuthorizationServers, []string{base}) {
			t.Errorf("protected resource metadata lists authorization servers %v, want [%s]", prm.AuthorizationServers, base)
		}
	}
	// Without the authorization server, nothing is mounted or listed.
	d := startDemo(t, modes[0], true)
	if st := jsonReq(t, d, http.MethodGet, asMetadataPath, "", "", nil); st != http.StatusNotFound {
		t.Errorf("metadata without -auth-server: status %d, want 404", st)
	}
}

// TestAuthServerFlow runs the dance docs/demo.md shows with curl: register,
// authorize with PKCE, exchange the code, call the MCP endpoint; and then
// checks the token and the single use of codes and refresh tokens.
func TestAuthServerFlow(t *testing.T) {
	const ttl = 90 * time.Second
	d := startAuthDemo(t, modes[0], ttl, true)
	clientID := registerClient(t, d)

	st, q := authorize(t, d, authorizeParams(d, clientID))
	if st != http.StatusFound || q.Get("code") == "" || q.Get("state") != "xyz" {
		t.Fatalf("authorize: status %d, redirect query %v; want 302 with a code and state xyz", st, q)
	}
	before := time.Now()
	st, tr := tokenReq(t, d, codeForm(d, clientID, q.Get("code")))
	if st != http.StatusOK || tr.TokenType != "Bearer" || tr.Scope != scope || tr.RefreshToken == "" || tr.ExpiresIn < 89 || tr.ExpiresIn > 90 {
		t.Fatalf("token: status %d, %+v", st, tr)
	}
	c, err := devjwt.Verify(testKey, tr.AccessToken)
	if err != nil || c.Audience != d.cfg.resource() || c.Scope != scope || c.Subject != devUser {
		t.Fatalf("access token claims %+v, %v", c, err)
	}
	if exp, _ := jwtexp.UnverifiedExp(tr.AccessToken); exp.Before(before.Add(ttl).Truncate(time.Second)) || exp.After(time.Now().Add(ttl)) {
		t.Errorf("exp %v, want now + %v", exp, ttl)
	}
	if resp, body := post(t, d, tr.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("MCP initialize with the issued token: status %d, body %s", resp.StatusCode, body)
	}
	if st, tr := tokenReq(t, d, codeForm(d, clientID, q.Get("code"))); st != http.StatusBadRequest || tr.Error != "invalid_grant" {
		t.Errorf("second use of the code: status %d, %+v; want 400 invalid_grant", st, tr)
	}

	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}, "client_id": {clientID}}
	st, tr2 := tokenReq(t, d, refresh)
	if st != http.StatusOK || tr2.AccessToken == "" || tr2.RefreshToken == "" || tr2.RefreshToken == tr.RefreshToken {
		t.Fatalf("refresh: status %d, %+v; want a new access and refresh token", st, tr2)
	}
	if st, tr := tokenReq(t, d, refresh); st != http.StatusBadRequest || tr.Error != "invalid_grant" {
		t.Errorf("second use of a refresh token: status %d, %+v; want 400 invalid_grant", st, tr)
	}
	if a, c, r := d.as.count("authorize"), d.as.count("authorization_code"), d.as.count("refresh_token"); a != 1 || c != 1 || r != 1 {
		t.Errorf("counts: authorize %d, authorization_code %d, refresh_token %d; want 1 each", a, c, r)
	}
}

// TestAuthServerAuthorizeRejects: PKCE with S256 and the demo's resource are
// required. Errors about the client or its redirect URI are shown, never
// redirected; the others go back to the client.
func TestAuthServerAuthorizeRejects(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clientID := registerClient(t, d)
	for _, tt := range []struct {
		name   string
		change func(url.Values)
		status int
		error  string
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "nobody") }, http.StatusBadRequest, ""},
		{"unregistered redirect_uri", func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:2/cb") }, http.StatusBadRequest, ""},
		{"no redirect_uri", func(q url.Values) { q.Del("redirect_uri") }, http.StatusBadRequest, ""},
		{"redirect_uri with an empty fragment", func(q url.Values) { q.Set("redirect_uri", testRedirectURI+"#") }, http.StatusBadRequest, ""},
		{"no PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, http.StatusFound, "invalid_request"},
		{"PKCE plain", func(q url.Values) { q.Set("code_challenge_method", "plain") }, http.StatusFound, "invalid_request"},
		{"PKCE method absent", func(q url.Values) { q.Del("code_challenge_method") }, http.StatusFound, "invalid_request"},
		{"code_challenge too short", func(q url.Values) { q.Set("code_challenge", s256(testVerifier)[:42]) }, http.StatusFound, "invalid_request"},
		{"code_challenge padded", func(q url.Values) { q.Set("code_challenge", s256(testVerifier)+"=") }, http.StatusFound, "invalid_request"},
		{"code_challenge in hex", func(q url.Values) { q.Set("code_challenge", strings.Repeat("ab", 32)) }, http.StatusFound, "invalid_request"},
		{"code_challenge is the verifier", func(q url.Values) { q.Set("code_challenge", testVerifier) }, http.StatusFound, "invalid_request"},
		{"no resource", func(q url.Values) { q.Del("resource") }, http.StatusFound, "invalid_target"},
		{"other resource", func(q url.Values) { q.Set("resource", "http://127.0.0.1:1/mcp") }, http.StatusFound, "invalid_target"},
		{"unknown scope", func(q url.Values) { q.Set("scope", "admin") }, http.StatusFound, "invalid_scope"},
		{"implicit grant", func(q url.Values) { q.Set("response_type", "token") }, http.StatusFound, "unsupported_response_type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := authorizeParams(d, clientID)
			tt.change(q)
			st, back := authorize(t, d, q)
			if st != tt.status || back.Get("error") != tt.error || back.Get("code") != "" {
				t.Errorf("status %d, redirect query %v; want %d with error %q and no code", st, back, tt.status, tt.error)
			}
			if tt.error != "" && back.Get("state") != "xyz" {
				t.Errorf("error redirect without the state: %v", back)
			}
		})
	}
	if n := d.as.count("authorize"); n != 0 {
		t.Errorf("%d codes issued, want 0", n)
	}
}

func TestAuthServerTokenRejects(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clientID := registerClient(t, d)
	for _, tt := range []struct {
		name   string
		change func(url.Values)
		error  string
	}{
		{"wrong verifier", func(f url.Values) { f.Set("code_verifier", strings.Repeat("v", 43)) }, "invalid_grant"},
		{"no verifier", func(f url.Values) { f.Del("code_verifier") }, "invalid_request"},
		{"verifier too short", func(f url.Values) { f.Set("code_verifier", testVerifier[:42]) }, "invalid_request"},
		{"verifier too long", func(f url.Values) { f.Set("code_verifier", strings.Repeat("v", 129)) }, "invalid_request"},
		{"verifier not unreserved", func(f url.Values) { f.Set("code_verifier", testVerifier[:42]+"+") }, "invalid_request"},
		{"other redirect_uri", func(f url.Values) { f.Set("redirect_uri", "http://127.0.0.1:2/cb") }, "invalid_grant"},
		{"other client", func(f url.Values) { f.Set("client_id", "nobody") }, "invalid_grant"},
		{"other resource", func(f url.Values) { f.Set("resource", "http://127.0.0.1:1/mcp") }, "invalid_target"},
		{"refresh without -refresh-tokens", func(f url.Values) { f.Set("grant_type", "refresh_token") }, "unsupported_grant_type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, q := authorize(t, d, authorizeParams(d, clientID))
			f := codeForm(d, clientID, q.Get("code"))
			tt.change(f)
			if st, tr := tokenReq(t, d, f); st != http.StatusBadRequest || tr.Error != tt.error || tr.AccessToken != "" {
				t.Errorf("status %d, %+v; want 400 %s", st, tr, tt.error)
			}
		})
	}
	if n := d.as.count("authorization_code"); n != 0 {
		t.Errorf("%d tokens issued, want 0", n)
	}
}

func TestAuthServerRegisterRejects(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	// redirectURIs is a registration body with n redirect URIs.
	redirectURIs := func(n int) string {
		uris := make([]string, n)
		for i := range uris {
			uris[i] = fmt.Sprintf("%q", fmt.Sprintf("http://127.0.0.1:%d/cb", i+1))
		}
		return `{"redirect_uris":[` + strings.Join(uris, ",") + `]}`
	}
	// ofSize is a valid registration body of exactly n bytes.
	ofSize := func(n int) string {
		body := `{"redirect_uris":["` + testRedirectURI + `"],"client_name":""}`
		return strings.Replace(body, `""}`, `"`+strings.Repeat("x", n-len(body))+`"}`, 1)
	}
	for _, tt := range []struct {
		name   string
		body   string
		status int
		error  string // "" for a success
	}{
		{"no redirect_uris", `{}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"empty redirect_uris", `{"redirect_uris":[]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"http not on loopback", `{"redirect_uris":["http://example.com/cb"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"fragment", `{"redirect_uris":["https://example.com/cb#frag"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"empty fragment", `{"redirect_uris":["https://example.com/cb#"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"empty fragment on loopback", `{"redirect_uris":["` + testRedirectURI + `#"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"'#' in the query", `{"redirect_uris":["https://example.com/cb?a=#"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"fragment after a valid URI", `{"redirect_uris":["` + testRedirectURI + `","https://example.com/cb#"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"javascript", `{"redirect_uris":["javascript:alert(1)"]}`, http.StatusBadRequest, "invalid_redirect_uri"},
		{"not JSON", `not json`, http.StatusBadRequest, "invalid_client_metadata"},
		{"trailing data", `{"redirect_uris":["` + testRedirectURI + `"]} x`, http.StatusBadRequest, "invalid_client_metadata"},
		{"redirect URIs at the cap", redirectURIs(maxRedirectURIs), http.StatusCreated, ""},
		{"redirect URIs over the cap", redirectURIs(maxRedirectURIs + 1), http.StatusBadRequest, "invalid_redirect_uri"},
		{"body at the cap", ofSize(maxRegistrationBody), http.StatusCreated, ""},
		{"body over the cap", ofSize(maxRegistrationBody + 1), http.StatusRequestEntityTooLarge, "invalid_client_metadata"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				ClientID         string `json:"client_id"`
				Error            string `json:"error"`
				ErrorDescription string `json:"error_description"`
			}
			st := jsonReq(t, d, http.MethodPost, registerPath, "application/json", tt.body, &got)
			if st != tt.status || got.Error != tt.error || (got.ClientID == "") != (tt.error != "") {
				t.Fatalf("status %d, %+v; want %d with error %q", st, got, tt.status, tt.error)
			}
			if tt.error != "" && got.ErrorDescription == "" {
				t.Errorf("error %q without an error_description", got.Error)
			}
		})
	}
}

// TestAuthServerClientCap: once maxClients are registered, one more is
// refused with an RFC 7591 error, and the clients already registered still
// authorize and get tokens.
func TestAuthServerClientCap(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	first := registerClient(t, d)
	// Fill up to one short of the cap without maxClients round trips.
	d.as.mu.Lock()
	for len(d.as.clients) < maxClients-1 {
		d.as.clients[fmt.Sprintf("filler-%d", len(d.as.clients))] = []string{testRedirectURI}
	}
	d.as.mu.Unlock()
	last := registerClient(t, d) // the cap is reached

	var e struct {
		ClientID         string `json:"client_id"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	body := `{"redirect_uris":["` + testRedirectURI + `"]}`
	if st := jsonReq(t, d, http.MethodPost, registerPath, "application/json", body, &e); st != http.StatusBadRequest ||
		e.Error != "invalid_client_metadata" || !strings.Contains(e.ErrorDescription, fmt.Sprint(maxClients)) || e.ClientID != "" {
		t.Fatalf("registration past the cap: status %d, %+v; want 400 invalid_client_metadata naming the cap", st, e)
	}
	d.as.mu.Lock()
	n := len(d.as.clients)
	d.as.mu.Unlock()
	if n != maxClients {
		t.Errorf("%d clients stored, want %d", n, maxClients)
	}
	for _, clientID := range []string{first, last} {
		st, q := authorize(t, d, authorizeParams(d, clientID))
		if st != http.StatusFound || q.Get("code") == "" {
			t.Fatalf("client %s: authorize status %d, %v; want 302 with a code", clientID, st, q)
		}
		if st, tr := tokenReq(t, d, codeForm(d, clientID, q.Get("code"))); st != http.StatusOK || tr.AccessToken == "" {
			t.Errorf("client %s: token status %d, %+v; want 200 with a token", clientID, st, tr)
		}
	}
}

// fakeClock is an authServer.now that the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// setClock makes d's authorization server read the time from a fakeClock
// that starts now, and returns it.
func setClock(d *demo) *fakeClock {
	c := &fakeClock{t: time.Now()}
	d.as.mu.Lock()
	d.as.now = c.now
	d.as.mu.Unlock()
	return c
}

// codesStored returns the authorization codes d's server holds.
func codesStored(d *demo) []string {
	d.as.mu.Lock()
	defer d.as.mu.Unlock()
	return slices.Sorted(maps.Keys(d.as.codes.items))
}

// TestAuthServerSweepsCodes: codes that are never exchanged are deleted from
// memory once they have expired, on a later authorization or token request;
// codes that have not expired are kept and still work.
func TestAuthServerSweepsCodes(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clock := setClock(d)
	clientID := registerClient(t, d)
	code := func() string {
		t.Helper()
		st, q := authorize(t, d, authorizeParams(d, clientID))
		if st != http.StatusFound || q.Get("code") == "" {
			t.Fatalf("authorize: status %d, %v", st, q)
		}
		return q.Get("code")
	}

	const abandoned = 50
	for range abandoned {
		code()
	}
	if n := len(codesStored(d)); n != abandoned {
		t.Fatalf("%d codes stored, want %d", n, abandoned)
	}
	clock.advance(codeTTL / 2)
	young := code() // expires codeTTL/2 after the abandoned ones
	clock.advance(codeTTL/2 + time.Second)
	// The abandoned codes have expired; the next code issued sweeps them.
	last := code()
	if got, want := codesStored(d), slices.Sorted(slices.Values([]string{young, last})); !slices.Equal(got, want) {
		t.Fatalf("%d codes stored after expiry, want 2: the young code and the last", len(got))
	}
	if st, tr := tokenReq(t, d, codeForm(d, clientID, young)); st != http.StatusOK || tr.AccessToken == "" {
		t.Errorf("exchanging a code that survived the sweep: status %d, %+v; want 200", st, tr)
	}

	// A token request sweeps too: with no code issued after expiry, an
	// unknown code's exchange leaves no expired code behind.
	clock.advance(codeTTL + time.Second)
	if st, tr := tokenReq(t, d, codeForm(d, clientID, "unknown")); st != http.StatusBadRequest || tr.Error != "invalid_grant" {
		t.Errorf("unknown code: status %d, %+v; want 400 invalid_grant", st, tr)
	}
	if got := codesStored(d); len(got) != 0 {
		t.Errorf("codes stored after a token request past every expiry: %v, want none", got)
	}
}

func TestValidVerifier(t *testing.T) {
	for _, tt := range []struct {
		name     string
		verifier string
		want     bool
	}{
		{"43 characters", strings.Repeat("a", 43), true},
		{"128 characters", strings.Repeat("a", 128), true},
		{"every allowed kind", "AZaz09-._~" + strings.Repeat("x", 33), true},
		{"testVerifier", testVerifier, true},
		{"empty", "", false},
		{"42 characters", strings.Repeat("a", 42), false},
		{"129 characters", strings.Repeat("a", 129), false},
		{"plus", strings.Repeat("a", 42) + "+", false},
		{"slash", strings.Repeat("a", 42) + "/", false},
		{"padding", strings.Repeat("a", 42) + "=", false},
		{"space", strings.Repeat("a", 42) + " ", false},
		{"percent", strings.Repeat("a", 42) + "%", false},
		{"non-ASCII letter", strings.Repeat("a", 42) + "é", false},
		{"43 bytes of 42 characters", strings.Repeat("a", 41) + "é", false},
	} {
		if got := validVerifier(tt.verifier); got != tt.want {
			t.Errorf("%s: validVerifier(%q) = %v, want %v", tt.name, tt.verifier, got, tt.want)
		}
	}
}

func TestValidChallenge(t *testing.T) {
	for _, tt := range []struct {
		name      string
		challenge string
		want      bool
	}{
		{"S256 of testVerifier", s256(testVerifier), true},
		{"S256 of the empty string", s256(""), true},
		{"base64url alphabet", strings.Repeat("-_aZ09", 7) + "A", true},
		{"empty", "", false},
		{"42 characters", s256(testVerifier)[:42], false},
		{"44 characters", s256(testVerifier) + "A", false},
		{"padded", s256(testVerifier)[:42] + "=", false},
		{"standard base64 plus", "+" + s256(testVerifier)[1:], false},
		{"standard base64 slash", "/" + s256(testVerifier)[1:], false},
		{"unreserved but not base64url", "." + s256(testVerifier)[1:], false},
		{"hex", strings.Repeat("ab", 32), false},
	} {
		if got := validChallenge(tt.challenge); got != tt.want {
			t.Errorf("%s: validChallenge(%q) = %v, want %v", tt.name, tt.challenge, got, tt.want)
		}
	}
}

// TestAuthServerPKCEBoundaries: verifiers of the shortest and the longest
// length RFC 7636 allows, each with every kind of character, complete the
// exchange.
func TestAuthServerPKCEBoundaries(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clientID := registerClient(t, d)
	for _, verifier := range []string{
		"AZaz09-._~" + strings.Repeat("v", 33),
		"AZaz09-._~" + strings.Repeat("v", 118),
	} {
		t.Run(fmt.Sprint(len(verifier)), func(t *testing.T) {
			q := authorizeParams(d, clientID)
			q.Set("code_challenge", s256(verifier))
			st, back := authorize(t, d, q)
			if st != http.StatusFound || back.Get("code") == "" {
				t.Fatalf("authorize: status %d, %v; want 302 with a code", st, back)
			}
			f := codeForm(d, clientID, back.Get("code"))
			f.Set("code_verifier", verifier)
			if st, tr := tokenReq(t, d, f); st != http.StatusOK || tr.AccessToken == "" {
				t.Errorf("token: status %d, %+v; want 200 with a token", st, tr)
			}
		})
	}
}

// TestAuthServerRefreshReplay: a refresh token that has already been rotated
// and comes back revokes its whole family (RFC 9700 §4.14.2), so the newest
// refresh token, which an attacker may hold, stops working too. Other
// families, even of the same client, are not affected.
func TestAuthServerRefreshReplay(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, true)
	clientID := registerClient(t, d)
	// chain authorizes once and refreshes n times; it returns the refresh
	// tokens in order, the last one current.
	chain := func(n int) []string {
		t.Helper()
		_, q := authorize(t, d, authorizeParams(d, clientID))
		st, tr := tokenReq(t, d, codeForm(d, clientID, q.Get("code")))
		if st != http.StatusOK || tr.RefreshToken == "" {
			t.Fatalf("token: status %d, %+v; want a refresh token", st, tr)
		}
		rts := []string{tr.RefreshToken}
		for range n {
			st, tr := tokenReq(t, d, refreshForm(clientID, rts[len(rts)-1]))
			if st != http.StatusOK || tr.RefreshToken == "" {
				t.Fatalf("refresh: status %d, %+v; want a new refresh token", st, tr)
			}
			rts = append(rts, tr.RefreshToken)
		}
		return rts
	}
	for _, tt := range []struct {
		name   string
		sender string // who sends the token; "" for its own client
		token  int    // which token of the chain: 0, 1 rotated, 2 current
	}{
		{"first token replayed", "", 0},
		{"last rotated token replayed", "", 1},
		{"current token from another client", "nobody", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rts := chain(2)
			other := chain(1) // another family of the same client
			sender := cmp.Or(tt.sender, clientID)
			if st, tr := tokenReq(t, d, refreshForm(sender, rts[tt.token])); st != http.StatusBadRequest || tr.Error != "invalid_grant" || tr.AccessToken != "" {
				t.Fatalf("the bad refresh: status %d, %+v; want 400 invalid_grant", st, tr)
			}
			if st, tr := tokenReq(t, d, refreshForm(clientID, rts[len(rts)-1])); st != http.StatusBadRequest || tr.Error != "invalid_grant" || tr.AccessToken != "" {
				t.Errorf("the family's newest refresh token after it: status %d, %+v; want 400 invalid_grant", st, tr)
			}
			if st, tr := tokenReq(t, d, refreshForm(clientID, other[len(other)-1])); st != http.StatusOK || tr.AccessToken == "" {
				t.Errorf("another family's refresh token: status %d, %+v; want 200", st, tr)
			}
		})
	}
}

// TestAuthServerFamilyCap: refresh tokens never expire, so the families
// are capped; past maxFamilies a code exchange pushes out an old family,
// and the new refresh token works.
func TestAuthServerFamilyCap(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, true)
	clientID := registerClient(t, d)
	// Fill up to the cap without maxFamilies round trips.
	d.as.mu.Lock()
	for len(d.as.families) < maxFamilies {
		id := fmt.Sprintf("filler-%d", len(d.as.families))
		d.as.families[id] = family{current: id + ".x", grant: grant{clientID: clientID}}
	}
	d.as.mu.Unlock()

	_, q := authorize(t, d, authorizeParams(d, clientID))
	st, tr := tokenReq(t, d, codeForm(d, clientID, q.Get("code")))
	if st != http.StatusOK || tr.RefreshToken == "" {
		t.Fatalf("token past the cap: status %d, %+v; want 200 with a refresh token", st, tr)
	}
	d.as.mu.Lock()
	n := len(d.as.families)
	d.as.mu.Unlock()
	if n != maxFamilies {
		t.Errorf("%d families kept, want %d", n, maxFamilies)
	}
	if st, tr := tokenReq(t, d, refreshForm(clientID, tr.RefreshToken)); st != http.StatusOK || tr.AccessToken == "" {
		t.Errorf("the new family's refresh token: status %d, %+v; want 200", st, tr)
	}
}

// refreshForm is the token request that uses refresh token rt.
func refreshForm(clientID, rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {clientID}}
}

// TestAuthServerAuthorizeRefusesFragment: /authorize checks the redirect URI
// itself, not only that it was registered, so a code is never sent to a URI
// with a '#', even one that got into the client list some other way.
func TestAuthServerAuthorizeRefusesFragment(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	for _, uri := range []string{testRedirectURI + "#", testRedirectURI + "#x"} {
		d.as.mu.Lock()
		d.as.clients["legacy"] = []string{uri}
		d.as.mu.Unlock()
		q := authorizeParams(d, "legacy")
		q.Set("redirect_uri", uri)
		if st, back := authorize(t, d, q); st != http.StatusBadRequest {
			t.Errorf("redirect_uri %q: status %d, redirect query %v; want 400 shown, not redirected", uri, st, back)
		}
	}
	if n := d.as.count("authorize"); n != 0 {
		t.Errorf("%d codes issued, want 0", n)
	}
}

func TestValidRedirectURI(t *testing.T) {
	for _, tt := range []struct {
		uri  string
		want bool
	}{
		{"https://example.com/cb", true},
		{"https://example.com/cb?x=1", true},
		{"http://127.0.0.1:1/callback", true},
		{"http://localhost/cb", true},
		{"http://[::1]:8/cb", true},
		{"https://example.com/cb#", false},
		{"https://example.com/cb#frag", false},
		{"https://example.com/#", false},
		{"http://127.0.0.1:1/callback#", false},
		{"https://example.com/cb?a=#", false},
		{"http://example.com/cb", false},
		{"/cb", false},
		{"javascript:alert(1)", false},
		{"", false},
	} {
		if got := validRedirectURI(tt.uri); got != tt.want {
			t.Errorf("validRedirectURI(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}

// TestAuthServerExpiresIn: with -expires-in (the default) every token
// response carries expires_in; with -expires-in=false none does, from the
// code grant or the refresh grant, as with providers that leave it out.
func TestAuthServerExpiresIn(t *testing.T) {
	for _, expiresIn := range []bool{true, false} {
		t.Run(fmt.Sprintf("expiresIn=%v", expiresIn), func(t *testing.T) {
			d := serveDemo(t, config{key: testKey, authServer: true, tokenTTL: time.Minute, refreshTokens: true, expiresIn: expiresIn})
			clientID := registerClient(t, d)
			_, q := authorize(t, d, authorizeParams(d, clientID))
			var byCode, byRefresh map[string]any
			if st := jsonReq(t, d, http.MethodPost, tokenPath, "application/x-www-form-urlencoded", codeForm(d, clientID, q.Get("code")).Encode(), &byCode); st != http.StatusOK {
				t.Fatalf("code grant: status %d, %v", st, byCode)
			}
			rt, _ := byCode["refresh_token"].(string)
			if st := jsonReq(t, d, http.MethodPost, tokenPath, "application/x-www-form-urlencoded", refreshForm(clientID, rt).Encode(), &byRefresh); st != http.StatusOK {
				t.Fatalf("refresh grant: status %d, %v", st, byRefresh)
			}
			for grant, resp := range map[string]map[string]any{"authorization_code": byCode, "refresh_token": byRefresh} {
				v, ok := resp["expires_in"]
				if ok != expiresIn {
					t.Errorf("%s grant: expires_in present = %v, want %v; response %v", grant, ok, expiresIn, resp)
				}
				if ok && v != float64(60) && v != float64(59) {
					t.Errorf("%s grant: expires_in %v, want 59 or 60", grant, v)
				}
				if tok, _ := resp["access_token"].(string); tok == "" || resp["token_type"] != "Bearer" {
					t.Errorf("%s grant: response %v, want a Bearer access token", grant, resp)
				}
			}
		})
	}
}
