package main

// The whole loop with the go-sdk client's own OAuth support
// (auth.AuthorizationCodeHandler) against the demo's dev authorization
// server: 401 → discovery → registration → authorization → token → calls →
// the token expires → jwtexp's 401 invalid_token → re-authorization (or a
// refresh) → the call succeeds.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/jwtexp/jwtexp/oauth2exp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// shortTTL is the token lifetime of the loop tests: long enough for a
// connect and a call, short enough to wait out.
const shortTTL = 2 * time.Second

// wire records what the MCP endpoint answered, one line per response:
// "401 invalid_token", "200", and so on, and the access tokens sent.
type wire struct {
	base     http.RoundTripper
	resource string

	mu     sync.Mutex
	lines  []string
	tokens []string
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(req)
	if err != nil || req.URL.String() != w.resource {
		return resp, err
	}
	line := fmt.Sprint(resp.StatusCode)
	if chs, _ := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate")); len(chs) > 0 {
		line += " " + chs[0].Params["error"]
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, strings.TrimSpace(req.Method+" "+line))
	if tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer "); ok {
		w.tokens = append(w.tokens, tok)
	}
	return resp, nil
}

// since returns the lines recorded after the first n, and the count now.
func (w *wire) since(n int) ([]string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.lines[n:]), len(w.lines)
}

// sent returns the access tokens sent so far, one per request that carried
// one.
func (w *wire) sent() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.tokens)
}

// lastToken is the access token of the last request that carried one.
func (w *wire) lastToken() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.tokens) == 0 {
		return ""
	}
	return w.tokens[len(w.tokens)-1]
}

// fetchCode is an auth.AuthorizationCodeFetcher that does what a browser
// would: it opens the authorization URL and, since the dev authorization
// server approves at once, reads the code and state from the redirect.
func fetchCode(hc *http.Client) auth.AuthorizationCodeFetcher {
	return func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, args.URL, nil)
		if err != nil {
			return nil, err
		}
		c := *hc
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
			return nil, fmt.Errorf("authorization: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		q := loc.Query()
		return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
	}
}

// oauthHandler returns go-sdk's authorization code handler with dynamic
// client registration, sending through hc. newTokenSource is passed on as
// AuthorizationCodeHandlerConfig.NewTokenSource (nil: go-sdk's default).
func oauthHandler(t *testing.T, hc *http.Client, newTokenSource func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error)) *auth.AuthorizationCodeHandler {
	t.Helper()
	h, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{
			Metadata: &oauthex.ClientRegistrationMetadata{
				RedirectURIs: []string{testRedirectURI},
				ClientName:   "e2e-go-sdk",
			},
		},
		AuthorizationCodeFetcher: fetchCode(hc),
		Client:                   hc,
		NewTokenSource:           newTokenSource,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// loop is one go-sdk client connected through the OAuth flow.
type loop struct {
	w    *wire
	cs   *mcp.ClientSession
	conn error
}

// connectOAuth connects a go-sdk client with go-sdk's authorization code
// handler to d, recording the MCP endpoint's answers. newTokenSource is the
// handler's NewTokenSource (nil: go-sdk's default).
func connectOAuth(t *testing.T, d *demo, m mode, newTokenSource func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error)) *loop {
	t.Helper()
	l := &loop{w: &wire{base: d.srv.Client().Transport, resource: d.cfg.resource()}}
	hc := &http.Client{Transport: l.w}
	l.cs, l.conn = connectGoSDK(t, d, m, hc, oauthHandler(t, hc, newTokenSource))
	return l
}

// sleepPastExp waits until the token last sent has expired, by its exp.
func sleepPastExp(t *testing.T, tok string) {
	t.Helper()
	exp, err := jwtexp.UnverifiedExp(tok)
	if err != nil {
		t.Fatalf("the token sent has no readable exp: %v", err)
	}
	time.Sleep(time.Until(exp) + 100*time.Millisecond)
}

// oauthCell is one cell of the go-sdk OAuth matrix: how the demo's
// authorization server issues tokens, which token source go-sdk's
// authorization code handler uses, and what then happens, as measured with
// go-sdk v1.8.0 and tokens living shortTTL. docs/client.md has the table.
type oauthCell struct {
	refresh   bool // the demo issues refresh tokens (-refresh-tokens)
	expiresIn bool // its token responses carry expires_in (-expires-in)
	oauth2exp bool // NewTokenSource is oauth2exp.NewTokenSource(); false: go-sdk's default

	// connectErr, when set, is part of the error Connect fails with, after
	// the discovery 401 alone on the wire: nothing else is tried.
	connectErr string
	// afterExpiry is the wire of the call made once the token sent last
	// has expired.
	afterExpiry []string
	// authorizations is how many authorizations, and as many code grants,
	// the authorization server counts in all.
	authorizations int
	// refreshes is how many refresh grants the call after expiry costs.
	// With 0, there is none at all.
	refreshes int
	// perRequest: a refresh before every request. Otherwise, fewer refresh
	// grants than requests: a token is sent more than once.
	perRequest bool
}

func (c oauthCell) name() string {
	src := "default"
	if c.oauth2exp {
		src = "oauth2exp"
	}
	return fmt.Sprintf("refresh=%v/expires_in=%v/%s", c.refresh, c.expiresIn, src)
}

// The wire of the call after expiry: jwtexp's 401, then the retry after a
// re-authorization; or one request with a token refreshed beforehand.
var (
	reauthorized = []string{"POST 401 invalid_token", "POST 200"}
	refreshed    = []string{"POST 200"}
)

// reauthorizeCell is oauth2exp without refresh tokens: the token is sent
// until the server rejects it, and jwtexp's 401 invalid_token starts the
// handler's re-authorization, on the same session.
var reauthorizeCell = oauthCell{refresh: false, expiresIn: true, oauth2exp: true, afterExpiry: reauthorized, authorizations: 2}

// oauthMatrix is {refresh tokens on, off} × {expires_in on, off} × {go-sdk's
// default token source, oauth2exp}.
var oauthMatrix = []oauthCell{
	// No refresh token, expires_in: x/oauth2 takes the token for expired
	// 10 s before expires_in and, with nothing to refresh it with, fails
	// with "token expired and refresh token is not set". The transport
	// fails the request without sending it, so the server never answers
	// 401 and the handler never re-authorizes: every call fails from then
	// on. A token living under 10 s is dead at once: the initialize that
	// follows the first authorization never leaves the client.
	{refresh: false, expiresIn: true, connectErr: "oauth2: token expired and refresh token is not set", authorizations: 1},
	reauthorizeCell,
	// No refresh token, no expires_in: x/oauth2 takes the token for one
	// that never expires and sends it until the server rejects it, as
	// oauth2exp does: jwtexp's 401 starts the re-authorization.
	{refresh: false, expiresIn: false, afterExpiry: reauthorized, authorizations: 2},
	{refresh: false, expiresIn: false, oauth2exp: true, afterExpiry: reauthorized, authorizations: 2},
	// Refresh token and expires_in: x/oauth2 refreshes 10 s before
	// expires_in, so a token living under 10 s is refreshed before every
	// request, for good.
	{refresh: true, expiresIn: true, afterExpiry: refreshed, authorizations: 1, refreshes: 1, perRequest: true},
	// oauth2exp refreshes at exp - min(10 s, lifetime/2): a short-lived
	// token is used for half its life, and replaced before it expires.
	{refresh: true, expiresIn: true, oauth2exp: true, afterExpiry: refreshed, authorizations: 1, refreshes: 1},
	// Refresh token, no expires_in: x/oauth2 never refreshes. It sends the
	// expired token, jwtexp answers 401 invalid_token, and the handler runs
	// the whole authorization again: the refresh token is never used.
	{refresh: true, expiresIn: false, afterExpiry: reauthorized, authorizations: 2},
	// oauth2exp reads the exp that expires_in left out, and refreshes
	// before it.
	{refresh: true, expiresIn: false, oauth2exp: true, afterExpiry: refreshed, authorizations: 1, refreshes: 1},
}

// TestGoSDKOAuthMatrix runs the whole loop with go-sdk's authorization code
// handler against the demo in every cell of oauthMatrix, with a 2025-11-25
// client on the default demo, which gives it a session: connect (discovery
// 401, registration, authorization, token), list the tools, wait until the
// token sent last has expired by its exp, call whoami. It pins the wire of
// the MCP endpoint and the authorization server's counts.
func TestGoSDKOAuthMatrix(t *testing.T) {
	for _, c := range oauthMatrix {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			runOAuthCell(t, modes[0], c)
		})
	}
}

// TestGoSDKOAuthVersions: the expire → 401 → re-authorize loop under each
// protocol version, on the demo with its default flags (a 2025-11-25 client
// on a session, a 2026-07-28 client without) and with -stateless.
func TestGoSDKOAuthVersions(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			runOAuthCell(t, m, reauthorizeCell)
		})
	}
}

// runOAuthCell runs one cell of the matrix against a demo served in mode m.
func runOAuthCell(t *testing.T, m mode, c oauthCell) {
	ctx := context.Background()
	d := serveDemo(t, config{key: testKey, jsonRPCError: true, stateless: m.stateless, authServer: true,
		tokenTTL: shortTTL, refreshTokens: c.refresh, expiresIn: c.expiresIn})
	var newTokenSource func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error)
	if c.oauth2exp {
		newTokenSource = oauth2exp.NewTokenSource()
	}
	checkCounts := func(refreshes int) {
		t.Helper()
		a, code, r := d.as.count("authorize"), d.as.count("authorization_code"), d.as.count("refresh_token")
		if a != c.authorizations || code != c.authorizations || r != refreshes {
			t.Errorf("authorizations %d, code grants %d, refresh grants %d; want %d, %d, %d",
				a, code, r, c.authorizations, c.authorizations, refreshes)
		}
	}

	l := connectOAuth(t, d, m, newTokenSource)
	if c.connectErr != "" {
		if l.conn == nil || !strings.Contains(l.conn.Error(), c.connectErr) {
			t.Fatalf("Connect = %v; want an error with %q", l.conn, c.connectErr)
		}
		if lines, _ := l.w.since(0); !slices.Equal(lines, []string{"POST 401"}) {
			t.Errorf("on the wire: %q; want only the discovery 401", lines)
		}
		checkCounts(0)
		return
	}
	if l.conn != nil {
		t.Fatalf("Connect: %v", l.conn)
	}
	if tools, err := e2e.GoSDKTools(ctx, l.cs); err != nil || !slices.Equal(tools, demoTools) {
		t.Fatalf("ListTools = %v, %v", tools, err)
	}
	lines, n := l.w.since(0)
	if lines[0] != "POST 401" || slices.ContainsFunc(lines[1:], func(s string) bool { return strings.Contains(s, " 401") }) {
		t.Errorf("connect and ListTools on the wire: %q; want the discovery 401, without an error code, and no 401 after it", lines)
	}
	last, session := l.w.lastToken(), l.cs.ID()
	// The demo's tokens are whole-second JWTs: two issued within a second
	// can be equal, so it is the refresh grants that count, not the tokens.
	requests, refreshed := len(l.w.sent()), d.as.count("refresh_token")
	if perRequest := refreshed >= requests; perRequest != c.perRequest {
		t.Errorf("%d requests with a token, %d refresh grants; want a refresh before every request: %v", requests, refreshed, c.perRequest)
	}

	sleepPastExp(t, last)
	sub, exp, err := callWhoami(ctx, l.cs)
	if err != nil {
		t.Fatalf("whoami after expiry: %v", err)
	}
	if lines, _ := l.w.since(n); !slices.Equal(lines, c.afterExpiry) {
		t.Errorf("the call after expiry on the wire: %q; want %q", lines, c.afterExpiry)
	}
	lastExp, _ := jwtexp.UnverifiedExp(last)
	if sub != devUser || !exp.After(lastExp) {
		t.Errorf("whoami = %q, exp %v; want %s with a token newer than the expired one (exp %v)", sub, exp, devUser, lastExp)
	}
	if got := l.cs.ID(); got != session || (got != "") != m.session {
		t.Errorf("session %q after expiry, want the same %q (a session: %v)", got, session, m.session)
	}
	if c.refreshes == 0 {
		checkCounts(0)
	} else {
		checkCounts(refreshed + c.refreshes)
	}
}
