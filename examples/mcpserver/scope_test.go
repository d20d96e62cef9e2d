package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// TestExpiryBeforeScope: go-sdk v1.8.0's auth.RequireBearerToken checks a
// token's scopes before its expiry, so on its own it answers an expired
// token that lacks the required scope 403, and a client starts a step-up
// (asks for more scope) for a token it must replace. With jwtexp in front,
// as the demo mounts it, the same token gets 401 error="invalid_token":
// RFC 6750 §3.1 calls an expired token invalid_token, whatever its scope.
// Both servers are the demo's /mcp, one built with protect, the other with
// requireToken alone; the tokens are real HS256 JWTs the verifier accepts.
func TestExpiryBeforeScope(t *testing.T) {
	type answer struct {
		status int
		err    string // the challenge's error parameter; "" for none
	}
	const otherScope = "mcp:other"
	var (
		ok        = answer{http.StatusOK, ""}
		expired   = answer{http.StatusUnauthorized, "invalid_token"} // jwtexp's
		noErrCode = answer{http.StatusUnauthorized, ""}              // go-sdk#1134
		// go-sdk's 403 carries no error code either: its body says
		// "insufficient scope".
		forbidden = answer{http.StatusForbidden, ""}
	)
	for _, tt := range []struct {
		name          string
		scope         string
		expired       bool
		withJWTExp    answer
		withoutJWTExp answer
	}{
		{name: "expired, without the scope", scope: otherScope, expired: true, withJWTExp: expired, withoutJWTExp: forbidden},
		{name: "expired, no scope at all", scope: "", expired: true, withJWTExp: expired, withoutJWTExp: forbidden},
		{name: "expired, with the scope", scope: scope, expired: true, withJWTExp: expired, withoutJWTExp: noErrCode},
		{name: "fresh, without the scope", scope: otherScope, withJWTExp: forbidden, withoutJWTExp: forbidden},
		{name: "fresh, with the scope", scope: scope, withJWTExp: ok, withoutJWTExp: ok},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, withJWTExp := range []bool{true, false} {
				want := tt.withoutJWTExp
				if withJWTExp {
					want = tt.withJWTExp
				}
				var cfg config
				srv := e2e.Serve(t, func(baseURL string) http.Handler {
					cfg = config{baseURL: baseURL, key: testKey, jsonRPCError: true}
					server := mcp.NewServer(&mcp.Implementation{Name: "scope-test", Version: "v0"}, nil)
					h := requireToken(cfg)(streamable(cfg, server))
					if withJWTExp {
						h = protect(cfg, streamable(cfg, server))
					}
					mux := http.NewServeMux()
					mux.Handle(mcpPath, h)
					return mux
				})
				d := &demo{srv: srv, cfg: cfg}
				exp := time.Now().Add(time.Hour)
				if tt.expired {
					exp = time.Now().Add(-time.Hour)
				}
				tok, err := devjwt.Sign(testKey, devjwt.Claims{
					Subject: "alice", Audience: cfg.resource(), Scope: tt.scope,
					IssuedAt: exp.Add(-2 * time.Hour).Unix(), Expiry: exp.Unix(),
				})
				if err != nil {
					t.Fatal(err)
				}
				resp, body := post(t, d, tok)
				got := answer{status: resp.StatusCode}
				if resp.StatusCode != http.StatusOK {
					got.err = bearerChallenge(t, resp.Header)["error"]
				}
				if got != want {
					hint := ""
					if !withJWTExp {
						hint = "; go-sdk's RequireBearerToken changed: update docs/mcp-sdks.md (Expiry before scope)"
					}
					t.Errorf("jwtexp in front: %v: status %d, error %q; want %d, %q (body %s)%s",
						withJWTExp, got.status, got.err, want.status, want.err, body, hint)
				}
				if resp.StatusCode == http.StatusForbidden && !strings.Contains(string(body), "insufficient scope") {
					t.Errorf("jwtexp in front: %v: 403 body %q, want it to say insufficient scope", withJWTExp, body)
				}
			}
		})
	}
}
