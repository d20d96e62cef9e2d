package checksdk

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/jwtexp/jwtexp/jwtexptest"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// The go-sdk server's paths and the one scope it requires. The metadata path
// is the RFC 9728 §3.1 well-known URI for the resource http://HOST/mcp.
const (
	mcpPath      = "/mcp"
	metadataPath = "/.well-known/oauth-protected-resource/mcp"
	scope        = "mcp:tools"
)

// key signs and verifies the go-sdk server's HS256 tokens.
var key = []byte("checksdk-test-key")

// startGoSDK starts an MCP server on go-sdk v1.8.0 as its documentation
// shows one: the streamable handler behind auth.RequireBearerToken, with a
// verifier of HS256 JWTs signed with key and the scope required, and the
// protected resource metadata served by auth.ProtectedResourceMetadataHandler.
// With withJWTExp, jwtexp.Middleware is in front of RequireBearerToken, as in
// the README's quick start. No CORS middleware: neither SDK nor jwtexp adds
// one. It returns the MCP endpoint.
func startGoSDK(t *testing.T, withJWTExp bool) string {
	srv := e2e.Serve(t, func(baseURL string) http.Handler {
		resource, metadataURL := baseURL+mcpPath, baseURL+metadataPath
		server := mcp.NewServer(&mcp.Implementation{Name: "checksdk-go-sdk", Version: "v0"}, nil)
		var h http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)
		h = auth.RequireBearerToken(verifier(resource), &auth.RequireBearerTokenOptions{
			ResourceMetadataURL: metadataURL,
			Scopes:              []string{scope},
		})(h)
		if withJWTExp {
			h = jwtexp.Middleware(jwtexp.WithResourceMetadata(metadataURL), jwtexp.WithScope(scope))(h)
		}
		mux := http.NewServeMux()
		mux.Handle(mcpPath, h)
		mux.Handle(metadataPath, auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
			Resource: resource,
			// Listed, never called: the probe reads no authorization
			// server metadata.
			AuthorizationServers: []string{baseURL},
			ScopesSupported:      []string{scope},
		}))
		return mux
	})
	return srv.URL + mcpPath
}

// verifier returns an auth.TokenVerifier that accepts HS256 JWTs signed with
// key whose aud is resource, and leaves exp and scope to
// RequireBearerToken.
func verifier(resource string) auth.TokenVerifier {
	return func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		c, err := devjwt.Verify(key, token)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		if c.Audience != resource {
			return nil, fmt.Errorf("%w: aud %q, want %q", auth.ErrInvalidToken, c.Audience, resource)
		}
		return &auth.TokenInfo{Scopes: strings.Fields(c.Scope), Expiration: time.Unix(c.Expiry, 0), UserID: c.Subject}, nil
	}
}

// serverToken returns a token the go-sdk server issued for endpoint, with
// the given scope claim, that expires at exp.
func serverToken(t *testing.T, endpoint, scopeClaim string, exp time.Time) string {
	t.Helper()
	tok, err := devjwt.Sign(key, devjwt.Claims{
		Subject:  "alice",
		Audience: endpoint,
		Scope:    scopeClaim,
		IssuedAt: exp.Add(-time.Hour).Unix(),
		Expiry:   exp.Unix(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// expiredToken returns a token the go-sdk server issued for endpoint, with
// the given scope claim, that expired an hour ago.
func expiredToken(t *testing.T, endpoint, scopeClaim string) string {
	return serverToken(t, endpoint, scopeClaim, time.Now().Add(-time.Hour))
}

// TestGoSDKServes checks that the server the probe judges below verifies
// tokens and requires the scope: a live token with the scope gets an
// initialize result, one without it 403. Without this, a server that
// refused every token would get the same reports.
func TestGoSDKServes(t *testing.T) {
	for _, withJWTExp := range []bool{false, true} {
		t.Run(fmt.Sprintf("jwtexp=%v", withJWTExp), func(t *testing.T) {
			endpoint := startGoSDK(t, withJWTExp)
			live := time.Now().Add(time.Hour)
			for _, tc := range []struct {
				scope string
				want  int
			}{{scope, http.StatusOK}, {"", http.StatusForbidden}} {
				req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(initialize))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+serverToken(t, endpoint, tc.scope, live))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Errorf("initialize with a live token, scope %q: %s, want %d", tc.scope, resp.Status, tc.want)
				}
			}
		})
	}
}

// initialize is an MCP initialize request.
const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"checksdk","version":"0"}}}`

// The headings in docs/check.md's Reports of the go-sdk reports.
const (
	goSDKAlone  = "go-sdk v1.8.0 `auth.RequireBearerToken`, alone"
	goSDKJWTExp = "go-sdk v1.8.0 behind jwtexp"
)

// checkIDs are the probe's checks in the order of its report.
var checkIDs = []string{
	"no-token-401",
	"prm-discovery",
	"prm-valid",
	"expired-401",
	"expired-invalid-token",
	"expired-every-method",
	"malformed-401",
	"no-token-no-error",
	"challenge-resource-metadata",
	"cors-preflight",
	"cors-expose",
}

// statuses is what a report holds per check ID: pass, except for the IDs
// that others name.
func statuses(others ...map[string]jwtexptest.Status) map[string]jwtexptest.Status {
	m := make(map[string]jwtexptest.Status, len(checkIDs))
	for _, id := range checkIDs {
		m[id] = jwtexptest.Pass
	}
	for _, o := range others {
		maps.Copy(m, o)
	}
	return m
}

// noCORS is what a server without CORS handling gets: a browser-based
// client can neither send it a token nor read its challenge.
var noCORS = map[string]jwtexptest.Status{
	"cors-preflight": jwtexptest.Warn,
	"cors-expose":    jwtexptest.Warn,
}

func TestGoSDKReports(t *testing.T) {
	tests := []struct {
		name       string
		withJWTExp bool
		// token is the expired token probed with, "" for the self-minted
		// one.
		token func(t *testing.T, endpoint string) string
		want  map[string]jwtexptest.Status
		// doc is where docs/check.md shows this report.
		doc docReport
	}{{
		// The self-minted token fails go-sdk's signature check: 401, and
		// a challenge without error="invalid_token".
		name: "alone/self-minted",
		doc:  docReport{goSDKAlone, 0},
		want: statuses(map[string]jwtexptest.Status{
			"expired-invalid-token": jwtexptest.Fail,
		}, noCORS),
	}, {
		// A real expired token with the scope: go-sdk's own exp check
		// gives the same bare challenge.
		name:  "alone/expired-with-scope",
		token: func(t *testing.T, endpoint string) string { return expiredToken(t, endpoint, scope) },
		doc:   docReport{goSDKAlone, 2},
		want: statuses(map[string]jwtexptest.Status{
			"expired-invalid-token": jwtexptest.Fail,
		}, noCORS),
	}, {
		// Without the scope: go-sdk checks scope before exp, so 403.
		name:  "alone/expired-without-scope",
		token: func(t *testing.T, endpoint string) string { return expiredToken(t, endpoint, "") },
		doc:   docReport{goSDKAlone, 1},
		want: statuses(map[string]jwtexptest.Status{
			"expired-401":           jwtexptest.Fail,
			"expired-invalid-token": jwtexptest.Skip,
			"expired-every-method":  jwtexptest.Fail,
		}, noCORS),
	}, {
		name:       "jwtexp/self-minted",
		withJWTExp: true,
		want:       statuses(noCORS),
		doc:        docReport{goSDKJWTExp, 0},
	}, {
		name:       "jwtexp/expired-without-scope",
		withJWTExp: true,
		token:      func(t *testing.T, endpoint string) string { return expiredToken(t, endpoint, "") },
		want:       statuses(noCORS),
		doc:        docReport{goSDKJWTExp, 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			endpoint := startGoSDK(t, tt.withJWTExp)
			var token string
			if tt.token != nil {
				token = tt.token(t, endpoint)
			}
			report, err := jwtexptest.Check(context.Background(), endpoint, jwtexptest.Options{Token: token})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			checkReport(t, report, endpoint, tt.want)

			// The command says the same, by its exit status.
			res := runCheck(t, endpoint, token)
			t.Logf("jwtexp check %s (exit %d):\n%s%s", endpoint, res.code, res.stdout, res.stderr)
			if want := wantExit(tt.want); res.code != want {
				t.Errorf("jwtexp check: exit %d, want %d; stderr: %s", res.code, want, res.stderr)
			}
			checkDocReport(t, tt.doc, tt.want)
		})
	}
}

// checkReport checks that report has a result for each check, in order,
// with the statuses in want, and that Err names each failed check and only
// those.
func checkReport(t *testing.T, report jwtexptest.Report, endpoint string, want map[string]jwtexptest.Status) {
	t.Helper()
	if report.Endpoint != endpoint {
		t.Errorf("Report.Endpoint = %q, want %q", report.Endpoint, endpoint)
	}
	var ids []string
	for _, r := range report.Results {
		ids = append(ids, r.ID)
		if r.Status != want[r.ID] {
			t.Errorf("%s: %s (%s), want %s", r.ID, r.Status, r.Detail, want[r.ID])
		}
	}
	if strings.Join(ids, " ") != strings.Join(checkIDs, " ") {
		t.Errorf("report checks\n%v\nwant\n%v", ids, checkIDs)
	}
	err := report.Err()
	if (err != nil) != (wantExit(want) == 1) {
		t.Errorf("Report.Err() = %v with statuses %v", err, want)
	}
	for _, id := range checkIDs {
		if err != nil && want[id] == jwtexptest.Fail && !strings.Contains(err.Error(), id) {
			t.Errorf("Report.Err() = %q does not name the failed %s", err, id)
		}
	}
}

// wantExit is jwtexp check's exit status for a report with statuses s: 1 if
// a check failed, else 0.
func wantExit(s map[string]jwtexptest.Status) int {
	for _, st := range s {
		if st == jwtexptest.Fail {
			return 1
		}
	}
	return 0
}
