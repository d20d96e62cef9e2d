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
	d    *demo
	w    *wire
	cs   *mcp.ClientSession
	conn error
}

func connectOAuth(t *testing.T, m mode, refresh bool, newTokenSource func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error)) *loop {
	t.Helper()
	return connectOAuthTo(t, startAuthDemo(t, m, shortTTL, refresh), m, newTokenSource)
}

// connectOAuthTo is connectOAuth to a demo already started.
func connectOAuthTo(t *testing.T, d *demo, m mode, newTokenSource func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error)) *loop {
	t.Helper()
	l := &loop{d: d, w: &wire{base: d.srv.Client().Transport, resource: d.cfg.resource()}}
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

// TestGoSDKOAuthReauthorizes: without refresh tokens, the expired token gets
// jwtexp's 401 invalid_token on the wire, go-sdk's handler runs the whole
// authorization again by itself, and the call succeeds, on the same session.
func TestGoSDKOAuthReauthorizes(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			l := connectOAuth(t, m, false, oauth2exp.NewTokenSource())
			if l.conn != nil {
				t.Fatalf("Connect: %v", l.conn)
			}
			lines, n := l.w.since(0)
			if lines[0] != "POST 401" || !slices.Contains(lines, "POST 200") {
				t.Errorf("connect on the wire: %q; want a 401 without an error code first (no token yet), then 200s", lines)
			}
			if tools, err := e2e.GoSDKTools(ctx, l.cs); err != nil || !slices.Equal(tools, demoTools) {
				t.Fatalf("ListTools = %v, %v", tools, err)
			}
			first, session := l.w.lastToken(), l.cs.ID()
			_, n = l.w.since(n)

			sleepPastExp(t, first)
			sub, exp, err := callWhoami(ctx, l.cs)
			if err != nil {
				t.Fatalf("whoami after expiry: %v", err)
			}
			if lines, _ := l.w.since(n); !slices.Equal(lines, []string{"POST 401 invalid_token", "POST 200"}) {
				t.Errorf("the call after expiry on the wire: %q; want jwtexp's 401 invalid_token, then 200", lines)
			}
			firstExp, _ := jwtexp.UnverifiedExp(first)
			if sub != devUser || !exp.After(firstExp) {
				t.Errorf("whoami = %q, exp %v; want %s with a token newer than the first (exp %v)", sub, exp, devUser, firstExp)
			}
			if got := l.cs.ID(); got != session || (got == "") != m.stateless {
				t.Errorf("session %q after re-authorization, want the same %q (none when stateless)", got, session)
			}
			if a, c := l.d.as.count("authorize"), l.d.as.count("authorization_code"); a != 2 || c != 2 {
				t.Errorf("authorizations %d, code grants %d; want 2 each", a, c)
			}
		})
	}
}

// TestGoSDKOAuthRefreshes: with -refresh-tokens, the second token comes from
// a refresh, before the server sees the expired token.
func TestGoSDKOAuthRefreshes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := connectOAuth(t, modes[0], true, oauth2exp.NewTokenSource())
	if l.conn != nil {
		t.Fatalf("Connect: %v", l.conn)
	}
	_, n := l.w.since(0)
	first := l.w.lastToken()
	sleepPastExp(t, first)
	if tools, err := e2e.GoSDKTools(ctx, l.cs); err != nil || !slices.Equal(tools, demoTools) {
		t.Fatalf("ListTools after expiry = %v, %v", tools, err)
	}
	if lines, _ := l.w.since(n); !slices.Equal(lines, []string{"POST 200"}) {
		t.Errorf("the call after expiry on the wire: %q; want one 200", lines)
	}
	if l.w.lastToken() == first {
		t.Error("the call after expiry sent the expired token")
	}
	if a, r := l.d.as.count("authorize"), l.d.as.count("refresh_token"); a != 1 || r != 1 {
		t.Errorf("authorizations %d, refresh grants %d; want 1 and 1", a, r)
	}
}

// TestGoSDKOAuthDefaultTokenSource measures go-sdk v1.8.0's default token
// source (oauth2.Config.TokenSource) against an authorization server that
// sends expires_in but no refresh token: x/oauth2 treats the token as
// expired 10 s before expires_in, cannot refresh it, and the transport fails
// the request without sending it. The server never gets to say 401, so the
// handler never re-authorizes. With a token lifetime under 10 s that
// happens right after the first authorization.
func TestGoSDKOAuthDefaultTokenSource(t *testing.T) {
	t.Parallel()
	l := connectOAuth(t, modes[0], false, nil)
	if l.conn == nil || !strings.Contains(l.conn.Error(), "token expired and refresh token is not set") {
		t.Fatalf("Connect = %v; want x/oauth2's \"token expired and refresh token is not set\"", l.conn)
	}
	if lines, _ := l.w.since(0); !slices.Equal(lines, []string{"POST 401"}) {
		t.Errorf("on the wire: %q; want only the first 401", lines)
	}
	if a := l.d.as.count("authorization_code"); a != 1 {
		t.Errorf("tokens issued: %d, want 1", a)
	}
}

// TestGoSDKOAuthNoExpiresIn: against an authorization server that leaves
// expires_in out (-expires-in=false), go-sdk's default token source has no
// expiry to act on early: it sends the token until the server rejects it,
// so jwtexp's 401 invalid_token is what starts the re-authorization, and the
// call succeeds, as with oauth2exp.NewTokenSource.
func TestGoSDKOAuthNoExpiresIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := serveDemo(t, config{key: testKey, jsonRPCError: true, authServer: true, tokenTTL: shortTTL, expiresIn: false})
	l := connectOAuthTo(t, d, modes[0], nil)
	if l.conn != nil {
		t.Fatalf("Connect: %v", l.conn)
	}
	_, n := l.w.since(0)
	first := l.w.lastToken()
	sleepPastExp(t, first)
	if sub, _, err := callWhoami(ctx, l.cs); err != nil || sub != devUser {
		t.Fatalf("whoami after expiry = %q, %v", sub, err)
	}
	if lines, _ := l.w.since(n); !slices.Equal(lines, []string{"POST 401 invalid_token", "POST 200"}) {
		t.Errorf("the call after expiry on the wire: %q; want jwtexp's 401 invalid_token, then 200", lines)
	}
	if a, c := d.as.count("authorize"), d.as.count("authorization_code"); a != 2 || c != 2 {
		t.Errorf("authorizations %d, code grants %d; want 2 each", a, c)
	}
}
