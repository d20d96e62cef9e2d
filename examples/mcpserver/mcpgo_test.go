package main

// End-to-end tests with the mark3labs/mcp-go client against the go-sdk demo
// server over loopback HTTP.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/clientexp"
	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/modelcontextprotocol/go-sdk/auth"
)

// TestMCPGoClient drives one mcp-go client from a fresh token to an expired
// one and back: the expired token surfaces as an authorization-required
// error that names the resource metadata, and the same client works again
// once the token is replaced. mcp-go looks at the status, not the body, so
// WithJSONRPCError makes no difference.
func TestMCPGoClient(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		d := startDemo(t, m, jsonRPCError)
		var tok bearer.Token
		tok.Set(d.fresh(t))
		c := e2e.NewMCPGoStreamable(t, d.cfg.resource(), d.srv.Client(), &tok)
		// mcp-go v1.2.1 asks for 2026-07-28 by default, with
		// server/discover. On the default demo that used to end in
		// 2026-07-28 with a stateful go-sdk server, which then refused
		// every call; the demo now routes by MCP-Protocol-Version.
		e2e.StartMCPGo(t, c, m.version, m.version)
		e2e.CheckMCPGoExpiry(t, c, e2e.Expiry{
			Token:       &tok,
			Fresh:       d.fresh(t),
			Expired:     d.expired(t),
			MetadataURL: d.cfg.metadataURL(),
			Tools:       demoTools,
		})
	})
}

// mcpGoAuthorize runs the authorization flow mcp-go v1.2.1 leaves to the
// application once a call fails with an OAuth authorization-required error:
// register (first time only), open the authorization URL (the dev server
// approves at once; the code is read from the redirect), exchange the code.
func mcpGoAuthorize(t *testing.T, d *demo, err error) {
	t.Helper()
	if !client.IsOAuthAuthorizationRequiredError(err) {
		t.Fatalf("error %v, want an OAuth authorization-required error", err)
	}
	h := client.GetOAuthHandler(err)
	ctx := context.Background()
	if h.GetClientID() == "" {
		if err := h.RegisterClient(ctx, "e2e-mcp-go"); err != nil {
			t.Fatalf("RegisterClient: %v", err)
		}
	}
	verifier, err := transport.GenerateCodeVerifier()
	if err != nil {
		t.Fatal(err)
	}
	state, err := transport.GenerateState()
	if err != nil {
		t.Fatal(err)
	}
	authURL, err := h.GetAuthorizationURL(ctx, state, transport.GenerateCodeChallenge(verifier))
	if err != nil {
		t.Fatalf("GetAuthorizationURL: %v", err)
	}
	res, err := fetchCode(d.srv.Client())(ctx, &auth.AuthorizationArgs{URL: authURL})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.ProcessAuthorizationResponse(ctx, res.Code, res.State, verifier); err != nil {
		t.Fatalf("ProcessAuthorizationResponse: %v", err)
	}
}

// startMCPGoOAuth starts mcp-go's OAuth streamable client on d with store,
// recording the MCP endpoint's answers, and initializes it, authorizing
// once as the application must.
func startMCPGoOAuth(t *testing.T, d *demo, store client.TokenStore) (*client.Client, *wire) {
	t.Helper()
	ctx := context.Background()
	w := &wire{base: d.srv.Client().Transport, resource: d.cfg.resource()}
	hc := &http.Client{Transport: w}
	c, err := client.NewOAuthStreamableHttpClient(d.cfg.resource(), client.OAuthConfig{
		RedirectURI: testRedirectURI,
		Scopes:      []string{scope},
		PKCEEnabled: true,
		TokenStore:  store,
		HTTPClient:  hc,
	}, transport.WithHTTPBasicClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = mcpgo.LATEST_LEGACY_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		mcpGoAuthorize(t, d, err)
		if _, err := c.Initialize(ctx, init); err != nil {
			t.Fatalf("Initialize after authorization: %v", err)
		}
	}
	return c, w
}

// TestMCPGoOAuth measures mcp-go v1.2.1's OAuth client against the dev
// authorization server. It keeps expires_in and checks it itself: once the
// token has expired it fails the call with an authorization-required error
// before sending anything, so it never sees jwtexp's 401, and the
// application runs the flow again and retries on the same client. With
// refresh tokens it refreshes by itself.
func TestMCPGoOAuth(t *testing.T) {
	for _, refresh := range []bool{false, true} {
		t.Run(fmt.Sprintf("refresh=%v", refresh), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := startAuthDemo(t, modes[0], shortTTL, refresh)
			c, w := startMCPGoOAuth(t, d, client.NewMemoryTokenStore())
			if err := e2e.MCPGoEcho(ctx, c); err != nil {
				t.Fatalf("echo: %v", err)
			}
			_, n := w.since(0)
			sleepPastExp(t, w.lastToken())

			_, err := e2e.MCPGoTools(ctx, c)
			lines, n := w.since(n)
			if refresh {
				if err != nil || !slices.Equal(lines, []string{"POST 200"}) {
					t.Fatalf("ListTools after expiry = %v, on the wire %q; want a refresh, then one 200", err, lines)
				}
			} else {
				if len(lines) != 0 {
					t.Errorf("ListTools after expiry sent %q, want nothing sent", lines)
				}
				mcpGoAuthorize(t, d, err)
				if _, err := e2e.MCPGoTools(ctx, c); err != nil {
					t.Fatalf("ListTools after re-authorization: %v", err)
				}
				if lines, _ := w.since(n); !slices.Equal(lines, []string{"POST 200"}) {
					t.Errorf("the retry on the wire: %q, want one 200", lines)
				}
			}
			wantAuth, wantRefresh := 2, 0
			if refresh {
				wantAuth, wantRefresh = 1, 1
			}
			if a, r := d.as.count("authorize"), d.as.count("refresh_token"); a != wantAuth || r != wantRefresh {
				t.Errorf("authorizations %d, refresh grants %d; want %d and %d", a, r, wantAuth, wantRefresh)
			}
		})
	}
}

// TestMCPGoOAuthExpStore: against an authorization server that issues
// refresh tokens but leaves expires_in out, mcp-go v1.2.1 takes its token
// for one that never expires: it sends it expired, gets jwtexp's
// 401 invalid_token, and fails the call with an authorization-required
// error, never using its refresh token. With the recipe of
// examples/clientexp as its token store, it refreshes before the exp
// instead: no 401 on the wire, one refresh grant.
func TestMCPGoOAuthExpStore(t *testing.T) {
	for _, recipe := range []bool{false, true} {
		t.Run(fmt.Sprintf("recipe=%v", recipe), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := serveDemo(t, config{key: testKey, jsonRPCError: true, authServer: true,
				tokenTTL: shortTTL, refreshTokens: true, expiresIn: false})
			var store client.TokenStore = client.NewMemoryTokenStore()
			if recipe {
				store = clientexp.ExpStore{TokenStore: store}
			}
			c, w := startMCPGoOAuth(t, d, store)
			if err := e2e.MCPGoEcho(ctx, c); err != nil {
				t.Fatalf("echo: %v", err)
			}
			lines, n := w.since(0)
			if slices.ContainsFunc(lines, func(s string) bool { return strings.Contains(s, " 401") }) {
				t.Errorf("before expiry on the wire: %q; want no 401", lines)
			}
			if recipe {
				// mcp-go refreshes once ExpiresAt has passed: before exp.
				tok, err := store.GetToken(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if exp, _ := jwtexp.UnverifiedExp(tok.AccessToken); !tok.ExpiresAt.Before(exp) {
					t.Errorf("stored ExpiresAt %v, want it before the exp %v", tok.ExpiresAt, exp)
				}
			}
			refreshed := d.as.count("refresh_token")
			sleepPastExp(t, w.lastToken())

			_, err := e2e.MCPGoTools(ctx, c)
			lines, _ = w.since(n)
			refreshes := d.as.count("refresh_token") - refreshed
			if recipe {
				if err != nil || !slices.Equal(lines, []string{"POST 200"}) || refreshes != 1 {
					t.Errorf("ListTools after expiry = %v, on the wire %q, %d refresh grants; want a refresh, then one 200", err, lines, refreshes)
				}
			} else {
				if !client.IsOAuthAuthorizationRequiredError(err) || !slices.Equal(lines, []string{"POST 401 invalid_token"}) || refreshes != 0 {
					t.Errorf("ListTools after expiry = %v, on the wire %q, %d refresh grants; want jwtexp's 401 invalid_token, no refresh, an authorization-required error", err, lines, refreshes)
				}
			}
			if a, r := d.as.count("authorize"), d.as.count("refresh_token"); a != 1 || (r == 0) == recipe {
				t.Errorf("authorizations %d, refresh grants %d; want 1, and refresh grants only with the recipe", a, r)
			}
		})
	}
}
