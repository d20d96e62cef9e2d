package main

// A dev-only OAuth 2.1 authorization server, in the same process as the demo
// MCP server, so that a real MCP client can run the whole loop jwtexp is for:
// 401 → discovery → registration → authorization → token → call → expiry →
// 401 invalid_token → re-authorization.
//
// DEV ONLY. It approves every authorization request at once, for one fixed
// user, without asking anyone; it signs with the demo's published HS256 key;
// it keeps everything in memory. See docs/demo.md for why it is hand-written.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
)

// Paths of the authorization server. The issuer is the demo's base URL, so
// its RFC 8414 metadata lives at the root well-known URI.
const (
	asMetadataPath = "/.well-known/oauth-authorization-server"
	authorizePath  = "/authorize"
	tokenPath      = "/token"
	registerPath   = "/register"

	// devUser is the subject of every token: the authorization endpoint
	// approves at once, as this user.
	devUser = "demo-user"
	// codeTTL is how long an authorization code can be exchanged.
	codeTTL = time.Minute
)

// Caps on what the authorization server stores. Registration and
// authorization are open to anyone who can reach the server, and everything
// is kept in memory until it exits, so a runaway client or script must not
// grow it without bound. The caps are far above what a developer's session
// needs (a client registers once per start, with one or two redirect URIs,
// and redeems its code within seconds). The worst case of each store, full,
// measured with runtime.ReadMemStats (heap in use after a GC, full store
// minus empty; Go 1.26, linux/amd64):
//
//   - clients: maxClients, each registered with a 16 KiB body of 10
//     redirect URIs (1619 bytes each): 17.7 MiB;
//   - codes: maxCodes unredeemed codes, whatever the length of their
//     redirect URI (a code keeps its SHA-256): 3.3 MiB;
//   - refresh token families: maxFamilies: 3.1 MiB;
//   - client metadata documents (cimd.go): cimdCacheMax cached, each with
//     a URL of cimdMaxURL bytes and a document of nearly cimdMaxBody bytes
//     with 10 redirect URIs: 6.2 MiB.
const (
	// maxClients is how many clients can be registered. Past it,
	// registration is refused; restarting the demo starts afresh.
	maxClients = 1000
	// maxRedirectURIs is how many redirect URIs one client may register.
	maxRedirectURIs = 10
	// maxRegistrationBody is the largest registration request body. A
	// larger one gets 413 with an RFC 7591 error body.
	maxRegistrationBody = 16 << 10
	// maxFamilies is how many refresh token families are kept. Refresh
	// tokens do not expire, and each code exchange starts a family, so
	// past it a new family pushes out an arbitrary old one, whose client
	// then re-authorizes when its refresh is refused.
	maxFamilies = 10000
	// maxCodes is how many unredeemed authorization codes are kept. Past
	// it, a new code pushes out the oldest: during a flood, a code older
	// than the last maxCodes may be refused at the token endpoint, and
	// the flood cannot grow memory.
	maxCodes = 10000
)

// authServer is the dev authorization server. Its fields are set by
// newAuthServer; the counters are for the tests and the startup log.
type authServer struct {
	issuer    string
	resource  string // the only RFC 8707 resource it issues tokens for
	key       []byte
	ttl       time.Duration
	refresh   bool      // issue refresh tokens
	expiresIn bool      // put expires_in in token responses
	log       io.Writer // one line per code and token issued; nil: none
	now       func() time.Time

	mu       sync.Mutex
	clients  map[string][]string // client_id → registered redirect URIs
	codes    *store[grant]       // authorization code → what it grants
	families map[string]family   // refresh token family ID → its state
	counts   map[string]int      // "authorize", "authorization_code", "refresh_token"
	cimd     *cimdFetcher        // for client_ids that are URLs
}

// grant is what a code or refresh token stands for. A code also carries its
// PKCE challenge and the SHA-256 of its redirect URI: a hash of fixed size
// rather than the URI, which may be kilobytes long, so that a code's size
// does not depend on what the client registered.
type grant struct {
	clientID     string
	scope        string
	challenge    string
	redirectHash [sha256.Size]byte
}

// family is a refresh token family: the refresh tokens that descend, by
// rotation, from one code exchange. Only the newest one works. A refresh
// token is "FAMILY.RANDOM", so a rotated one that comes back still names
// its family, which is then revoked (RFC 9700 §4.14.2): someone other than
// the client may hold the newest token. One entry per family, however
// often it rotates.
type family struct {
	current string // the refresh token that works
	grant   grant
}

func newAuthServer(cfg config) *authServer {
	return &authServer{
		issuer:    cfg.baseURL,
		resource:  cfg.resource(),
		key:       cfg.key,
		ttl:       cfg.tokenTTL,
		refresh:   cfg.refreshTokens,
		expiresIn: cfg.expiresIn,
		log:       cfg.oauthLog,
		now:       time.Now,
		clients:   map[string][]string{},
		codes:     newStore[grant](maxCodes, codeTTL),
		families:  map[string]family{},
		counts:    map[string]int{},
		cimd:      newCIMDFetcher(cimdTimeout, cimdMaxFetches),
	}
}

// count returns how often event happened: "authorize" (codes issued),
// "authorization_code" and "refresh_token" (tokens issued by that grant).
func (a *authServer) count(event string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.counts[event]
}

// register mounts the authorization server's endpoints on mux. They are not
// behind jwtexp or any token check; newHandler's CORS layer (withCORS) lets
// a browser-based client call them from its page.
func (a *authServer) register(mux *http.ServeMux) {
	mux.HandleFunc(asMetadataPath, a.metadata)
	mux.HandleFunc(registerPath, a.registerClient)
	mux.HandleFunc(authorizePath, a.authorize)
	mux.HandleFunc(tokenPath, a.token)
}

// asMetadata is the RFC 8414 document.
type asMetadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	ClientIDMetadataDocumentSupported bool     `json:"client_id_metadata_document_supported"`
}

func (a *authServer) grantTypes() []string {
	if a.refresh {
		return []string{"authorization_code", "refresh_token"}
	}
	return []string{"authorization_code"}
}

func (a *authServer) metadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, asMetadata{
		Issuer:                            a.issuer,
		AuthorizationEndpoint:             a.issuer + authorizePath,
		TokenEndpoint:                     a.issuer + tokenPath,
		RegistrationEndpoint:              a.issuer + registerPath,
		ScopesSupported:                   []string{scope},
		ResponseTypesSupported:            []string{"code"},
		GrantTypesSupported:               a.grantTypes(),
		TokenEndpointAuthMethodsSupported: []string{"none"},
		CodeChallengeMethodsSupported:     []string{"S256"},
		ClientIDMetadataDocumentSupported: true,
	})
}

// registerClient is RFC 7591 dynamic client registration. Every client is a
// public client (token_endpoint_auth_method "none"): PKCE protects its codes.
// Its refusals are RFC 7591 §3.2.2 error responses: 400, except 413 for a
// body over maxRegistrationBody.
func (a *authServer) registerClient(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRegistrationBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			oauthError(w, http.StatusRequestEntityTooLarge, "invalid_client_metadata",
				fmt.Sprintf("the registration request is over %d bytes", maxRegistrationBody))
			return
		}
		oauthError(w, http.StatusBadRequest, "invalid_client_metadata", "the body could not be read")
		return
	}
	var req struct {
		RedirectURIs []string `json:"redirect_uris"`
		ClientName   string   `json:"client_name"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_client_metadata", "body is not a JSON object")
		return
	}
	if len(req.RedirectURIs) == 0 {
		oauthError(w, http.StatusBadRequest, "invalid_redirect_uri", "redirect_uris is required")
		return
	}
	if len(req.RedirectURIs) > maxRedirectURIs {
		oauthError(w, http.StatusBadRequest, "invalid_redirect_uri",
			fmt.Sprintf("at most %d redirect URIs per client", maxRedirectURIs))
		return
	}
	for _, u := range req.RedirectURIs {
		if !validRedirectURI(u) {
			oauthError(w, http.StatusBadRequest, "invalid_redirect_uri", "redirect URIs must be absolute https URLs or http URLs on a loopback host, without a fragment")
			return
		}
	}
	id := rand.Text()
	a.mu.Lock()
	full := len(a.clients) >= maxClients
	if !full {
		a.clients[id] = req.RedirectURIs
	}
	a.mu.Unlock()
	if full {
		oauthError(w, http.StatusBadRequest, "invalid_client_metadata",
			fmt.Sprintf("the dev authorization server holds at most %d clients; restart it to start afresh", maxClients))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"client_id":                  id,
		"client_id_issued_at":        a.now().Unix(),
		"client_name":                req.ClientName,
		"redirect_uris":              req.RedirectURIs,
		"grant_types":                a.grantTypes(),
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "none",
	})
}

// authorize is the authorization endpoint. It approves at once: no login,
// no consent screen. What it checks is what the MCP authorization spec asks
// of a client: PKCE with S256, and a resource parameter (RFC 8707) naming
// this MCP server.
func (a *authServer) authorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "GET or POST only", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		q = r.Form
	}
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	a.mu.Lock()
	uris, known := a.clients[clientID]
	cimd := a.cimd
	a.mu.Unlock()
	// keep is the client_id a code keeps: a copy, not a substring of the
	// query (see below), and for a metadata document client, the one copy
	// its cache entry holds.
	keep := ""
	// Until the redirect URI is known to be the client's, errors go to the
	// browser, never to the redirect URI (RFC 6749 §4.1.2.1): a plain text
	// 400 page, or 503 when too many documents are being fetched.
	switch {
	case known:
		keep = strings.Clone(clientID)
	case isClientIDURL(clientID):
		c, err := cimd.client(r.Context(), clientID, a.now())
		if err != nil {
			a.mu.Lock()
			a.logf("oauth: authorize: client %q: %v", clientID, err) // quoted: any text
			a.mu.Unlock()
			status := http.StatusBadRequest
			if errors.Is(err, errCIMDBusy) {
				status = http.StatusServiceUnavailable
				w.Header().Set("Retry-After", "1")
			}
			http.Error(w, err.Error(), status)
			return
		}
		keep, uris = c.id, c.redirectURIs
	default:
		http.Error(w, "unknown client_id: register (POST "+registerPath+") or use the URL of a client metadata document", http.StatusBadRequest)
		return
	}
	// redirect_uri is required, as OAuth 2.1 does, so that the token
	// request can always be checked against it (RFC 6749 §4.1.3). It is
	// checked again, not only matched: the code must never be sent to a
	// URI with a fragment, whatever was registered.
	if !redirectMatches(uris, redirectURI) {
		http.Error(w, "redirect_uri is not registered for this client", http.StatusBadRequest)
		return
	}
	if !validRedirectURI(redirectURI) {
		http.Error(w, "redirect_uri must be an absolute https URL or an http URL on a loopback host, without a fragment", http.StatusBadRequest)
		return
	}
	back := func(params url.Values) {
		if s := q.Get("state"); s != "" {
			params.Set("state", s)
		}
		u, _ := url.Parse(redirectURI) // validated at registration
		qq := u.Query()
		for k, v := range params {
			qq[k] = v
		}
		u.RawQuery = qq.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	fail := func(code, desc string) {
		back(url.Values{"error": {code}, "error_description": {desc}})
	}
	reqScope, ok := a.scope(q.Get("scope"))
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "only response_type=code")
	case q.Get("code_challenge") == "":
		fail("invalid_request", "PKCE is required: code_challenge is missing")
	case q.Get("code_challenge_method") != "S256":
		// An absent method means plain (RFC 7636 §4.3); OAuth 2.1 clients
		// use S256.
		fail("invalid_request", "code_challenge_method must be S256; plain is refused")
	case !validChallenge(q.Get("code_challenge")):
		fail("invalid_request", "code_challenge must be 43 base64url characters without padding: the S256 of the code_verifier")
	case q.Get("resource") != a.resource:
		fail("invalid_target", "resource must be "+a.resource)
	case !ok:
		fail("invalid_scope", "the only scope is "+scope)
	default:
		code := rand.Text()
		a.mu.Lock()
		// Clones: a query value may be a substring of the whole query
		// string, which a code kept for a minute would then keep alive
		// (measured: 10 000 codes pinned 159 MiB of 16 KiB queries).
		dropped := a.codes.put(code, grant{
			clientID:     keep,
			scope:        reqScope,
			challenge:    strings.Clone(q.Get("code_challenge")),
			redirectHash: sha256.Sum256([]byte(redirectURI)),
		}, a.now())
		if dropped && a.counts["authorize"]%maxCodes == 0 {
			// Once per maxCodes codes, not per code: a flood is what
			// fills the store, and a line per request would be a flood too.
			a.logf("oauth: authorize: %d unredeemed codes kept at most: dropping the oldest", maxCodes)
		}
		a.counts["authorize"]++
		a.logf("oauth: authorize: approved client %s as %s at once (authorization #%d)", clientID, devUser, a.counts["authorize"])
		a.mu.Unlock()
		back(url.Values{"code": {code}})
	}
}

// scope returns the scope to grant for a requested one: "" means the
// default, and nothing but mcp:tools is known. offline_access is accepted
// and dropped: refresh tokens depend on -refresh-tokens alone.
func (a *authServer) scope(requested string) (string, bool) {
	for _, s := range strings.Fields(requested) {
		if s != scope && s != "offline_access" {
			return "", false
		}
	}
	return scope, true
}

// token is the token endpoint: the authorization_code grant, and the
// refresh_token grant when refresh tokens are on.
func (a *authServer) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form body")
		return
	}
	if res := r.PostForm.Get("resource"); res != "" && res != a.resource {
		oauthError(w, http.StatusBadRequest, "invalid_target", "resource must be "+a.resource)
		return
	}
	clientID := r.PostForm.Get("client_id")
	if u, _, ok := r.BasicAuth(); ok && clientID == "" {
		clientID = u
	}
	switch gt := r.PostForm.Get("grant_type"); {
	case gt == "authorization_code":
		// A missing or malformed verifier makes the request malformed
		// (RFC 6749 §5.2), and is refused before the code is looked at;
		// a well-formed one that does not match is invalid_grant below.
		if !validVerifier(r.PostForm.Get("code_verifier")) {
			oauthError(w, http.StatusBadRequest, "invalid_request", "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)")
			return
		}
		code := r.PostForm.Get("code")
		a.mu.Lock()
		g, ok := a.codes.take(code, a.now()) // single use, whatever happens next
		a.mu.Unlock()
		switch {
		case !ok || g.clientID != clientID:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired code, or another client's")
			return
		case sha256.Sum256([]byte(r.PostForm.Get("redirect_uri"))) != g.redirectHash:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
			return
		case s256(r.PostForm.Get("code_verifier")) != g.challenge:
			oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match code_challenge")
			return
		}
		rt := ""
		if a.refresh {
			a.mu.Lock()
			if len(a.families) >= maxFamilies {
				for old := range a.families {
					delete(a.families, old)
					a.logf("oauth: token: %d refresh token families kept at most: dropped one", maxFamilies)
					break
				}
			}
			rt = a.rotateLocked(rand.Text(), g)
			a.mu.Unlock()
		}
		a.issue(w, gt, g, rt)
	case gt == "refresh_token" && a.refresh:
		rt := r.PostForm.Get("refresh_token")
		id, _, _ := strings.Cut(rt, ".")
		// Check and rotate under one lock, so that two requests with the
		// same token cannot both succeed.
		a.mu.Lock()
		f, ok := a.families[id]
		next := ""
		switch {
		case !ok:
			// Unknown, or its family was revoked.
		case rt != f.current:
			// A rotated token came back: whoever holds the newest one may
			// not be the client.
			delete(a.families, id)
			a.logf("oauth: token: client %s sent a rotated refresh token: revoked its family", clientID)
		case f.grant.clientID != clientID:
			delete(a.families, id)
			a.logf("oauth: token: client %s sent another client's refresh token: revoked its family", clientID)
		default:
			next = a.rotateLocked(id, f.grant)
		}
		a.mu.Unlock()
		if next == "" {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or revoked refresh token, or another client's")
			return
		}
		a.issue(w, gt, f.grant, next)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be "+strings.Join(a.grantTypes(), " or "))
	}
}

// rotateLocked makes a new refresh token for g the only one of the family
// id that works, and returns it. Call it with a.mu held.
func (a *authServer) rotateLocked(id string, g grant) string {
	rt := id + "." + rand.Text()
	a.families[id] = family{current: rt, grant: grant{clientID: g.clientID, scope: g.scope}}
	return rt
}

// issue writes a token response for g, counting it under grantType: an
// HS256 JWT access token whose aud is the resource and whose exp is now plus
// the TTL, and the refresh token rt unless it is "".
func (a *authServer) issue(w http.ResponseWriter, grantType string, g grant, rt string) {
	now := a.now()
	exp := now.Add(a.ttl)
	tok, err := devjwt.Sign(a.key, devjwt.Claims{
		Subject:  devUser,
		Audience: a.resource,
		Scope:    g.scope,
		IssuedAt: now.Unix(),
		Expiry:   exp.Unix(),
	})
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	resp := map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"scope":        g.scope,
	}
	if a.expiresIn {
		// expires_in never overstates the lifetime: exp is whole seconds,
		// so round down what is left of it. A client that refreshes on
		// expires_in then never sends a token jwtexp already calls expired.
		resp["expires_in"] = int64(time.Unix(exp.Unix(), 0).Sub(now) / time.Second)
	}
	if rt != "" {
		resp["refresh_token"] = rt
	}
	a.mu.Lock()
	a.counts[grantType]++
	a.logf("oauth: token: %s grant #%d for client %s, access token expires %s", grantType, a.counts[grantType], g.clientID, time.Unix(exp.Unix(), 0).Format(time.TimeOnly))
	a.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

// logf writes one line to a.log, if set. Call it with a.mu held, so that
// lines do not interleave.
func (a *authServer) logf(format string, args ...any) {
	if a.log != nil {
		fmt.Fprintf(a.log, format+"\n", args...)
	}
}

// validVerifier reports whether v is a code_verifier as RFC 7636 §4.1
// defines it: 43 to 128 characters, each unreserved (A-Z a-z 0-9 - . _ ~).
func validVerifier(v string) bool {
	return len(v) >= 43 && len(v) <= 128 && onlyOf(v, "-._~")
}

// validChallenge reports whether c can be an S256 code_challenge: the
// unpadded base64url encoding of a SHA-256 hash, 43 characters of
// A-Z a-z 0-9 - _ (RFC 7636 §4.2).
func validChallenge(c string) bool {
	return len(c) == 43 && onlyOf(c, "-_")
}

// onlyOf reports whether s is made of ASCII letters and digits and the
// characters in extra.
func onlyOf(s, extra string) bool {
	for _, r := range s {
		alnum := 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
		if !alnum && !strings.ContainsRune(extra, r) {
			return false
		}
	}
	return true
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// oauthError writes an RFC 6749 §5.2 error response.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
