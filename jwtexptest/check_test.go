package jwtexptest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jwtexp/jwtexp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validToken is the one token the test servers' verifier accepts.
const validToken = "valid-opaque-token"

// serverConfig describes a test MCP server; the zero value is a good one,
// which passes every check with no warning. Each other field breaks one
// rule.
type serverConfig struct {
	noResourceMetadata bool   // the challenges name no resource_metadata
	resourceMetadata   string // the challenges' resource_metadata; "" is the path-inserted URI
	// prm maps a path to the protected resource metadata served there; nil
	// serves a good document at the path-inserted well-known URI.
	prm          func(base string) map[string]prmDoc
	allowHeaders string                      // Access-Control-Allow-Headers of a preflight; "" is a good list
	preflight401 bool                        // preflights get 401
	noToken      func(w http.ResponseWriter) // answers a request without a token, if set
	onBearer     func(w http.ResponseWriter, r *http.Request, token string, msg jsonrpcMsg) bool
}

// prmDoc is one response of a well-known URI.
type prmDoc struct {
	contentType, body string
}

// jsonrpcMsg is what a test server reads of a request body.
type jsonrpcMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// newServer starts a test MCP server at /mcp, built as a server author
// would: CORS outermost, then jwtexp.Middleware, then a verifier. Every
// request that reaches a well-known URI with Authorization fails the test:
// the token must go to the endpoint only.
func newServer(t *testing.T, c serverConfig) (endpoint string) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	endpoint = base + "/mcp"

	var opts []jwtexp.Option
	opts = append(opts, jwtexp.WithRequireToken())
	rm := base + wellKnownPRM + "/mcp"
	if c.resourceMetadata != "" {
		rm = c.resourceMetadata
	}
	if !c.noResourceMetadata {
		opts = append(opts, jwtexp.WithResourceMetadata(rm))
	}
	verifier := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := jwtexp.BearerToken(r.Header.Get("Authorization"))
		if tok != validToken {
			ch := jwtexp.Challenge{Error: "invalid_token", ErrorDescription: "The access token is invalid"}
			if !c.noResourceMetadata {
				ch.ResourceMetadata = rm
			}
			w.Header().Set("WWW-Authenticate", ch.String())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":{}}`)
	})
	mcp := jwtexp.Middleware(opts...)(verifier)

	docs := map[string]prmDoc{wellKnownPRM + "/mcp": {"application/json", fmt.Sprintf(`{"resource":%q,"authorization_servers":[%q]}`, endpoint, base)}}
	if c.prm != nil {
		docs = c.prm(base)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the well-known URI %s got Authorization", r.URL.Path)
		}
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", d.contentType)
		io.WriteString(w, d.body)
	})
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		tok, hasToken := jwtexp.BearerToken(r.Header.Get("Authorization"))
		if !hasToken && c.noToken != nil && r.Method == http.MethodPost {
			c.noToken(w)
			return
		}
		if hasToken && c.onBearer != nil {
			body, _ := io.ReadAll(r.Body)
			var msg jsonrpcMsg
			json.Unmarshal(body, &msg)
			if c.onBearer(w, r, tok, msg) {
				return
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		mcp.ServeHTTP(w, r)
	})
	ts.Config.Handler = cors(c, mux)
	ts.Start()
	t.Cleanup(ts.Close)
	return endpoint
}

// cors answers preflights and sets Access-Control-Allow-Origin, as rs/cors
// would; jwtexp.Middleware exposes WWW-Authenticate on its own 401s, and the
// verifier's are exposed here.
func cors(c serverConfig, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if c.preflight401 {
				next.ServeHTTP(w, r) // the auth layer sees the preflight
				return
			}
			allow := c.allowHeaders
			if allow == "" {
				allow = "Authorization, Content-Type, MCP-Protocol-Version"
			}
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
			w.Header().Set("Access-Control-Allow-Headers", allow)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", origin)
		next.ServeHTTP(w, r)
	})
}

// isExpiredJWT reports whether tok is a JWT with an exp in the past.
func isExpiredJWT(tok string) bool { return jwtexp.Expired(tok, 0) }

// jwtAt is an HS256-headed JWT with exp at t and a fake signature.
func jwtAt(t time.Time) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(fmt.Sprintf(`{"sub":"alice","scope":"read","exp":%d}`, t.Unix()))) + ".c2lnbmF0dXJl"
}

// ids are the check IDs in the order of the issue: a contract.
var ids = []string{
	"no-token-401", "prm-discovery", "prm-valid", "expired-401", "expired-invalid-token",
	"expired-every-method", "malformed-401", "no-token-no-error", "challenge-resource-metadata",
	"cors-preflight", "cors-expose",
}

// statuses returns the status of each check, by ID.
func statuses(rep Report) map[string]Status {
	m := map[string]Status{}
	for _, r := range rep.Results {
		m[r.ID] = r.Status
	}
	return m
}

// writeJSONRPCError answers as many servers answer an expired token: 200
// and a JSON-RPC error, which no client treats as "authorize again".
func writeJSONRPCError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"token expired"}}`)
}

// TestCheck runs every check against the good server and against servers
// that each break one rule the way servers in the field do; every case pins
// the status of every check, so a check that judges the wrong thing shows.
func TestCheck(t *testing.T) {
	t.Parallel()
	onExpired := func(f func(w http.ResponseWriter)) func(http.ResponseWriter, *http.Request, string, jsonrpcMsg) bool {
		return func(w http.ResponseWriter, _ *http.Request, tok string, _ jsonrpcMsg) bool {
			if !isExpiredJWT(tok) {
				return false
			}
			f(w)
			return true
		}
	}
	goodDoc := func(resource string, base string) prmDoc {
		return prmDoc{"application/json", fmt.Sprintf(`{"resource":%q,"authorization_servers":[%q]}`, resource, base)}
	}
	tests := []struct {
		name   string
		config serverConfig
		want   map[string]Status // the checks that do not pass
		detail map[string]string // a phrase the detail of a check must hold
	}{
		{name: "good server", detail: map[string]string{"prm-valid": "/.well-known/oauth-protected-resource/mcp (the 401's resource_metadata)"}},
		{
			name:   "expired token gets 200 and a JSON-RPC error",
			config: serverConfig{onBearer: onExpired(writeJSONRPCError)},
			want:   map[string]Status{"expired-401": Fail, "expired-invalid-token": Skip, "expired-every-method": Fail, "cors-expose": Warn},
			detail: map[string]string{"expired-401": "got 200", "expired-invalid-token": "got no 401"},
		},
		{
			name: "expired token gets 403 insufficient_scope",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) {
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="write"`)
				w.WriteHeader(http.StatusForbidden)
			})},
			want:   map[string]Status{"expired-401": Fail, "expired-invalid-token": Skip, "expired-every-method": Fail, "cors-expose": Warn},
			detail: map[string]string{"expired-401": "check exp before scope"},
		},
		{
			name:   "expired token gets 500",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })},
			want:   map[string]Status{"expired-401": Fail, "expired-invalid-token": Skip, "expired-every-method": Fail, "cors-expose": Warn},
			detail: map[string]string{"expired-401": "got 500"},
		},
		{
			name: "expired token's 401 has no error code (go-sdk RequireBearerToken)",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) {
				w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="x"`)
				w.Header().Set("Access-Control-Expose-Headers", "WWW-Authenticate")
				w.WriteHeader(http.StatusUnauthorized)
			})},
			want:   map[string]Status{"expired-invalid-token": Fail},
			detail: map[string]string{"expired-invalid-token": `without error="invalid_token"`},
		},
		{
			name: "the Bearer challenge follows a Basic one, on a second field line",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) {
				w.Header().Add("WWW-Authenticate", `Basic realm="legacy, \"old\" clients"`)
				w.Header().Add("WWW-Authenticate", `Negotiate abc==, bearer Error=invalid_token`)
				w.Header().Set("Access-Control-Expose-Headers", "WWW-Authenticate")
				w.WriteHeader(http.StatusUnauthorized)
			})},
		},
		{
			name: "expired token's 401 has no WWW-Authenticate",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) {
				w.WriteHeader(http.StatusUnauthorized)
			})},
			want:   map[string]Status{"expired-invalid-token": Fail, "cors-expose": Warn},
			detail: map[string]string{"expired-invalid-token": "no WWW-Authenticate"},
		},
		{
			name: "no-token challenge carries an error code (TypeScript SDK requireBearerAuth)",
			config: serverConfig{noToken: func(w http.ResponseWriter) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="Missing Authorization header"`)
				w.WriteHeader(http.StatusUnauthorized)
			}},
			want:   map[string]Status{"no-token-no-error": Warn, "challenge-resource-metadata": Warn},
			detail: map[string]string{"no-token-no-error": `error "invalid_token"`},
		},
		{
			name:   "the no-token 401 has no WWW-Authenticate",
			config: serverConfig{noToken: func(w http.ResponseWriter) { w.WriteHeader(http.StatusUnauthorized) }},
			want:   map[string]Status{"no-token-no-error": Warn, "challenge-resource-metadata": Warn},
			detail: map[string]string{"no-token-no-error": "the no-token 401 carries no WWW-Authenticate;"},
		},
		{
			name: "no token gets a redirect",
			config: serverConfig{noToken: func(w http.ResponseWriter) {
				w.Header().Set("Location", "/login")
				w.WriteHeader(http.StatusFound)
			}},
			want:   map[string]Status{"no-token-401": Fail, "no-token-no-error": Skip, "challenge-resource-metadata": Skip},
			detail: map[string]string{"no-token-401": `got 302 redirecting to "/login", not followed: the probe judges the endpoint's own answer`},
		},
		{
			name:   "no token gets 200",
			config: serverConfig{noToken: writeJSONRPCError},
			want:   map[string]Status{"no-token-401": Fail, "no-token-no-error": Skip, "challenge-resource-metadata": Skip},
			detail: map[string]string{"no-token-401": "got 200", "prm-discovery": "(the 401's resource_metadata)"},
		},
		{
			name:   "no resource_metadata, but the path-inserted well-known URI works",
			config: serverConfig{noResourceMetadata: true},
			want:   map[string]Status{"challenge-resource-metadata": Warn},
			detail: map[string]string{"prm-valid": "(the path-inserted well-known URI)"},
		},
		{
			name: "root-only metadata naming the origin",
			config: serverConfig{noResourceMetadata: true, prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM: goodDoc(base, base)}
			}},
			want:   map[string]Status{"challenge-resource-metadata": Warn},
			detail: map[string]string{"prm-valid": "(the path-inserted well-known URI): 404"},
		},
		{
			name: "root metadata naming the endpoint, not the origin",
			config: serverConfig{noResourceMetadata: true, prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM: goodDoc(base+"/mcp", base)}
			}},
			want:   map[string]Status{"prm-valid": Fail, "challenge-resource-metadata": Warn},
			detail: map[string]string{"prm-valid": "RFC 9728 §3.3 wants"},
		},
		{
			name: "resource is a prefix of the endpoint (TypeScript SDK's looser rule)",
			config: serverConfig{prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM + "/mcp": goodDoc(base+"/", base)}
			}},
			want:   map[string]Status{"prm-valid": Fail},
			detail: map[string]string{"prm-valid": "TypeScript SDK's looser same-origin prefix rule accepts it"},
		},
		{
			name: "metadata is not JSON",
			config: serverConfig{prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM + "/mcp": {"text/html", "<html>login</html>"}}
			}},
			want:   map[string]Status{"prm-valid": Fail},
			detail: map[string]string{"prm-valid": `Content-Type "text/html"`},
		},
		{
			name: "metadata is JSON with the wrong types",
			config: serverConfig{prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM + "/mcp": {"application/json", `{"resource":1}`}}
			}},
			want:   map[string]Status{"prm-valid": Fail},
			detail: map[string]string{"prm-valid": "not a JSON object"},
		},
		{
			name: "empty authorization_servers",
			config: serverConfig{prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{
					wellKnownPRM + "/mcp": {"application/json", fmt.Sprintf(`{"resource":%q,"authorization_servers":[]}`, base+"/mcp")},
					wellKnownPRM:          goodDoc(base, base), // go-sdk stops before this one
				}
			}},
			want:   map[string]Status{"prm-valid": Fail},
			detail: map[string]string{"prm-valid": "authorization_servers is empty"},
		},
		{
			name: "an authorization server over plain http, not on loopback",
			config: serverConfig{prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM + "/mcp": goodDoc(base+"/mcp", "http://as.example.com")}
			}},
			want:   map[string]Status{"prm-valid": Fail},
			detail: map[string]string{"prm-valid": `authorization_servers[0] "http://as.example.com" is not an https URL`},
		},
		{
			// Never fetched: the rule is judged on the URL alone.
			name:   "resource_metadata over plain http, not on loopback",
			config: serverConfig{resourceMetadata: "http://mcp.example.com/.well-known/oauth-protected-resource/mcp"},
			detail: map[string]string{"prm-valid": `before it: http://mcp.example.com/.well-known/oauth-protected-resource/mcp (the 401's resource_metadata): not fetched: it is not an https URL (http only on a loopback host), so go-sdk's client skips it`},
		},
		{
			name: "resource_metadata on a private address, the only metadata",
			config: serverConfig{resourceMetadata: "https://10.1.2.3/.well-known/oauth-protected-resource/mcp", prm: func(string) map[string]prmDoc {
				return nil
			}},
			want:   map[string]Status{"prm-discovery": Fail, "prm-valid": Skip},
			detail: map[string]string{"prm-discovery": "https://10.1.2.3/.well-known/oauth-protected-resource/mcp (the 401's resource_metadata): not fetched: it is on a private or reserved address"},
		},
		{
			name: "an authorization server on a private address",
			config: serverConfig{prm: func(base string) map[string]prmDoc {
				return map[string]prmDoc{wellKnownPRM + "/mcp": goodDoc(base+"/mcp", "https://192.168.1.10")}
			}},
			want:   map[string]Status{"prm-valid": Fail},
			detail: map[string]string{"prm-valid": `authorization_servers[0] "https://192.168.1.10" is on a private or reserved address`},
		},
		{
			name:   "no metadata anywhere",
			config: serverConfig{prm: func(string) map[string]prmDoc { return nil }},
			want:   map[string]Status{"prm-discovery": Fail, "prm-valid": Skip},
			detail: map[string]string{"prm-discovery": "/.well-known/oauth-protected-resource (the root well-known URI): 404"},
		},
		{
			name: "tools/list is not rejected",
			config: serverConfig{onBearer: func(w http.ResponseWriter, _ *http.Request, _ string, msg jsonrpcMsg) bool {
				if msg.Method != "tools/list" {
					return false
				}
				writeJSONRPCError(w)
				return true
			}},
			want:   map[string]Status{"expired-every-method": Fail},
			detail: map[string]string{"expired-every-method": "2 of 16 requests"},
		},
		{
			name: "2026-07-28 requests are not rejected",
			config: serverConfig{onBearer: func(w http.ResponseWriter, r *http.Request, _ string, _ jsonrpcMsg) bool {
				if r.Header.Get("MCP-Protocol-Version") != "2026-07-28" {
					return false
				}
				writeJSONRPCError(w)
				return true
			}},
			want:   map[string]Status{"expired-every-method": Fail},
			detail: map[string]string{"expired-every-method": "8 of 16 requests"},
		},
		{
			name: "tools/list is not rejected, and notifications get 202",
			config: serverConfig{onBearer: func(w http.ResponseWriter, _ *http.Request, _ string, msg jsonrpcMsg) bool {
				switch {
				case msg.ID == nil:
					w.WriteHeader(http.StatusAccepted)
				case msg.Method == "tools/list":
					writeJSONRPCError(w)
				default:
					return false
				}
				return true
			}},
			want: map[string]Status{"expired-every-method": Fail},
			// Each distinct answer is named once, with the requests that got it.
			detail: map[string]string{"expired-every-method": `tools/list (2026-07-28) got 200, body "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"token expired\"}}"; notifications/initialized (2025-11-25), notifications/cancelled (2026-07-28) got 202`},
		},
		{
			name: "a notification gets 202",
			config: serverConfig{onBearer: func(w http.ResponseWriter, _ *http.Request, _ string, msg jsonrpcMsg) bool {
				if msg.ID != nil {
					return false
				}
				w.WriteHeader(http.StatusAccepted)
				return true
			}},
			want: map[string]Status{"expired-every-method": Fail},
			// Requests that got the same answer are named together.
			detail: map[string]string{"expired-every-method": "notifications/initialized (2025-11-25), notifications/cancelled (2026-07-28) got 202"},
		},
		{
			name: "a malformed token is accepted",
			config: serverConfig{onBearer: func(w http.ResponseWriter, _ *http.Request, tok string, _ jsonrpcMsg) bool {
				if strings.Count(tok, ".") == 2 {
					return false
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":{}}`)
				return true
			}},
			want:   map[string]Status{"malformed-401": Fail},
			detail: map[string]string{"malformed-401": "got 200"},
		},
		{
			name:   "the preflight gets 401",
			config: serverConfig{preflight401: true},
			want:   map[string]Status{"cors-preflight": Warn},
			detail: map[string]string{"cors-preflight": "got 401"},
		},
		{
			name:   "Access-Control-Allow-Headers is a bare *",
			config: serverConfig{allowHeaders: "*"},
			want:   map[string]Status{"cors-preflight": Warn},
			detail: map[string]string{"cors-preflight": `a bare "*" does not cover Authorization`},
		},
		{
			name: "the 401 exposes every header with *",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				w.Header().Set("Access-Control-Expose-Headers", "*")
				w.WriteHeader(http.StatusUnauthorized)
			})},
			detail: map[string]string{"cors-expose": `credentials: "include" would need it named`},
		},
		{
			name: "the 401 does not expose WWW-Authenticate",
			config: serverConfig{onBearer: onExpired(func(w http.ResponseWriter) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				w.WriteHeader(http.StatusUnauthorized)
			})},
			want:   map[string]Status{"cors-expose": Warn},
			detail: map[string]string{"cors-expose": "cannot read WWW-Authenticate"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			endpoint := newServer(t, tt.config)
			rep, err := Check(context.Background(), endpoint, Options{})
			require.NoError(t, err)
			want := passExcept(tt.want)
			if diff := cmp.Diff(want, statuses(rep)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s\nresults: %+v", diff, rep.Results)
			}
			for id, phrase := range tt.detail {
				for _, r := range rep.Results {
					if r.ID == id {
						assert.Contains(t, r.Detail, phrase, "detail of %s", id)
					}
				}
			}
			assert.Equal(t, endpoint, rep.Endpoint)
			failed := false
			for _, s := range tt.want {
				failed = failed || s == Fail
			}
			if failed {
				assert.Error(t, rep.Err())
			} else {
				assert.NoError(t, rep.Err())
			}
		})
	}
}

// TestCheckOrder pins the IDs and their order: a contract.
func TestCheckOrder(t *testing.T) {
	t.Parallel()
	rep, err := Check(context.Background(), newServer(t, serverConfig{}), Options{})
	require.NoError(t, err)
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.ID)
	}
	assert.Equal(t, ids, got)
}

// isExpiredJWTAt reports whether tok is a JWT whose exp is at or before at.
func isExpiredJWTAt(tok string, at time.Time) bool { return jwtexp.ExpiredAt(tok, at, 0) }

// passExcept returns the status of every check: Pass, but for those that
// except names.
func passExcept(except map[string]Status) map[string]Status {
	want := map[string]Status{}
	for _, id := range ids {
		want[id] = Pass
	}
	for id, s := range except {
		want[id] = s
	}
	return want
}
