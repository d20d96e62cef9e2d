package main

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// expiredChallenge is the WWW-Authenticate jwtexp sends for an expired token,
// as parameters.
func expiredChallenge(cfg config) map[string]string {
	return map[string]string{
		"error":             "invalid_token",
		"error_description": "The access token expired",
		"resource_metadata": cfg.metadataURL(),
		"scope":             scope,
	}
}

// bearerChallenge parses the WWW-Authenticate values of h with the go-sdk's
// client-side parser and returns the parameters of its single Bearer
// challenge.
func bearerChallenge(t *testing.T, h http.Header) map[string]string {
	t.Helper()
	chs, err := oauthex.ParseWWWAuthenticate(h.Values("WWW-Authenticate"))
	if err != nil {
		t.Fatalf("ParseWWWAuthenticate(%q): %v", h.Values("WWW-Authenticate"), err)
	}
	if len(chs) != 1 || chs[0].Scheme != "bearer" {
		t.Fatalf("WWW-Authenticate %q: got challenges %+v, want exactly one Bearer challenge", h.Values("WWW-Authenticate"), chs)
	}
	return chs[0].Params
}

// post sends an MCP initialize POST with the given bearer token ("" for
// none) and returns the response with its body read.
func post(t *testing.T, d *demo, token string) (*http.Response, []byte) {
	t.Helper()
	return do(t, d, http.MethodPost, mcpPath, token, initializeBody)
}

func do(t *testing.T, d *demo, method, path, token, body string) (*http.Response, []byte) {
	t.Helper()
	return doWith(t, d, method, path, token, body, nil)
}

// doWith is do with the fields of header added to the request, after the
// ones do sets.
func doWith(t *testing.T, d *demo, method, path, token, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, d.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := d.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestHandlerFreshTokenInitializes(t *testing.T) {
	d := startDemo(t, modes[0], true)
	resp, body := post(t, d, d.fresh(t))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", resp.StatusCode, body)
	}
	var msg struct {
		ID     int `json:"id"`
		Result struct {
			ServerInfo struct{ Name string } `json:"serverInfo"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if msg.ID != 1 || msg.Result.ServerInfo.Name != "jwtexp-demo" {
		t.Errorf("initialize result %s, want id 1 from jwtexp-demo", body)
	}
}

// TestHandlerExpiredToken checks the transport-level answer to an expired
// token, with and without WithJSONRPCError, for each kind of POST body: the
// status and headers are always the same, the body is a JSON-RPC error only
// for a JSON-RPC request with the option on, and the MCP handler never runs.
func TestHandlerExpiredToken(t *testing.T) {
	const (
		request      = initializeBody // id 1
		notification = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
		malformed    = `{"jsonrpc":"2.0","id":1,"method":`
	)
	for _, jsonRPCError := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "jsonrpc"}[jsonRPCError], func(t *testing.T) {
			d := startDemo(t, modes[0], jsonRPCError)
			// The exact header the README's quick start and docs/demo.md quote.
			wantChallenge := `Bearer error="invalid_token", error_description="The access token expired", resource_metadata="` +
				d.cfg.metadataURL() + `", scope="mcp:tools"`
			for _, tt := range []struct {
				name    string
				body    string
				jsonRPC bool // whether the body must be a JSON-RPC error response
			}{
				{"request", request, jsonRPCError},
				{"notification", notification, false}, // no id to answer
				{"malformed", malformed, false},
			} {
				t.Run(tt.name, func(t *testing.T) {
					resp, body := do(t, d, http.MethodPost, mcpPath, d.expired(t), tt.body)
					if resp.StatusCode != http.StatusUnauthorized {
						t.Fatalf("status %d, want 401; body %s", resp.StatusCode, body)
					}
					if got := resp.Header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != wantChallenge {
						t.Errorf("WWW-Authenticate %q, want exactly %q", got, wantChallenge)
					}
					if got, want := bearerChallenge(t, resp.Header), expiredChallenge(d.cfg); !maps.Equal(got, want) {
						t.Errorf("challenge %v, want %v", got, want)
					}
					if got := resp.Header.Get("Cache-Control"); got != "no-store" {
						t.Errorf("Cache-Control %q, want no-store", got)
					}
					if got := resp.Header.Get("Content-Type"); got != "application/json" {
						t.Errorf("Content-Type %q, want application/json", got)
					}
					if resp.Header.Get("Mcp-Session-Id") != "" {
						t.Errorf("the MCP handler ran: Mcp-Session-Id %q", resp.Header.Get("Mcp-Session-Id"))
					}
					if !tt.jsonRPC {
						var got struct {
							Error            string `json:"error"`
							ErrorDescription string `json:"error_description"`
						}
						if err := json.Unmarshal(body, &got); err != nil || got.Error != "invalid_token" || got.ErrorDescription == "" {
							t.Errorf("body %s (%v), want an RFC 6750 error object with error invalid_token", body, err)
						}
						return
					}
					var got struct {
						JSONRPC string `json:"jsonrpc"`
						ID      int    `json:"id"`
						Error   struct {
							Code    int    `json:"code"`
							Message string `json:"message"`
						} `json:"error"`
					}
					if err := json.Unmarshal(body, &got); err != nil || got.JSONRPC != "2.0" || got.ID != 1 || got.Error.Code != -32001 || got.Error.Message == "" {
						t.Errorf("body %s (%v), want a JSON-RPC error response with id 1 and code -32001", body, err)
					}
				})
			}
		})
	}
}

// TestHandlerJustExpired: jwtexp and RequireBearerToken both allow no
// clock skew, and jwtexp runs first, so a token gets jwtexp's invalid_token
// challenge from the second its exp is reached, and never go-sdk's challenge
// without an error code.
func TestHandlerJustExpired(t *testing.T) {
	d := startDemo(t, modes[0], true)
	for _, tt := range []struct {
		age  time.Duration // since exp; negative: not yet expired
		want int
	}{
		{-30 * time.Second, http.StatusOK},
		{time.Second, http.StatusUnauthorized},
		{30 * time.Second, http.StatusUnauthorized},
		{time.Hour, http.StatusUnauthorized},
	} {
		t.Run(tt.age.String(), func(t *testing.T) {
			resp, body := do(t, d, http.MethodPost, mcpPath, d.token(t, "alice", time.Now().Add(-tt.age)), initializeBody)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d; WWW-Authenticate %q; body %s", resp.StatusCode, tt.want, resp.Header.Values("WWW-Authenticate"), body)
			}
			if tt.want == http.StatusUnauthorized {
				if got, want := bearerChallenge(t, resp.Header), expiredChallenge(d.cfg); !maps.Equal(got, want) {
					t.Errorf("challenge %v, want %v", got, want)
				}
			}
		})
	}
}

// TestHandlerWellKnownIsNotMCP: jwtexp lets clean /.well-known/ paths
// through untouched, so the MCP endpoint must not be reachable there. The
// demo mounts it on /mcp alone, with jwtexp inside that route; an expired
// token sent anywhere else reaches no MCP handler.
func TestHandlerWellKnownIsNotMCP(t *testing.T) {
	d := startDemo(t, modes[0], true)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/.well-known/mcp", http.StatusNotFound},
		{"/.well-known/x/mcp", http.StatusNotFound},
		{metadataPath, http.StatusMethodNotAllowed}, // the metadata handler answers GET only
		{metadataPath + "/mcp", http.StatusNotFound},
		{"/", http.StatusNotFound},
		{"/mcp/", http.StatusNotFound},
	} {
		resp, body := do(t, d, http.MethodPost, tt.path, d.expired(t), initializeBody)
		if resp.StatusCode != tt.status || resp.Header.Get("Mcp-Session-Id") != "" || strings.Contains(string(body), "serverInfo") {
			t.Errorf("POST %s with an expired token: status %d, Mcp-Session-Id %q, body %s; want %d and no MCP answer",
				tt.path, resp.StatusCode, resp.Header.Get("Mcp-Session-Id"), body, tt.status)
		}
	}
}

// TestHandlerOtherRejections shows that jwtexp decides only expiry:
// everything else is RequireBearerToken's answer, without
// error="invalid_token".
func TestHandlerOtherRejections(t *testing.T) {
	d := startDemo(t, modes[0], true)
	exp := time.Now().Add(time.Hour)
	sign := func(key []byte, c devjwt.Claims) string {
		tok, err := devjwt.Sign(key, c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"opaque token", "not-a-jwt", http.StatusUnauthorized},
		{"other key", sign([]byte("other"), devjwt.Claims{Subject: "alice", Audience: d.cfg.resource(), Scope: scope, Expiry: exp.Unix()}), http.StatusUnauthorized},
		{"other audience", sign(testKey, devjwt.Claims{Subject: "alice", Audience: "http://127.0.0.1:1/mcp", Scope: scope, Expiry: exp.Unix()}), http.StatusUnauthorized},
		{"no subject", sign(testKey, devjwt.Claims{Audience: d.cfg.resource(), Scope: scope, Expiry: exp.Unix()}), http.StatusUnauthorized},
		{"missing scope", sign(testKey, devjwt.Claims{Subject: "alice", Audience: d.cfg.resource(), Expiry: exp.Unix()}), http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, d, tt.token)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			ch := bearerChallenge(t, resp.Header)
			want := map[string]string{"resource_metadata": d.cfg.metadataURL(), "scope": scope}
			if !maps.Equal(ch, want) {
				t.Errorf("challenge %v, want RequireBearerToken's %v", ch, want)
			}
		})
	}
}

// TestWhyJWTExpGoesFirst pins the two reasons docs/mcp-sdks.md (Mounting) gives for putting
// jwtexp in front of auth.RequireBearerToken. On its own, RequireBearerToken
// (go-sdk v1.8.0) runs the verifier, which may be expensive, before it looks
// at the expiry, and then answers with a challenge that has no error code
// (modelcontextprotocol/go-sdk#1134), so a client cannot tell "expired, re-authorize" from
// "no token". With jwtexp in front, the verifier never runs for an expired
// token and the challenge says error="invalid_token".
func TestWhyJWTExpGoesFirst(t *testing.T) {
	d := startDemo(t, modes[0], false) // for cfg and token minting
	tests := []struct {
		name          string
		jwtexpInFront bool
		verifierCalls int
		errorCode     string
	}{
		{"RequireBearerToken alone", false, 1, ""},
		{"behind jwtexp", true, 0, "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			verify := verifier(d.cfg.key, d.cfg.resource())
			counting := func(ctx context.Context, token string, r *http.Request) (*auth.TokenInfo, error) {
				calls++
				return verify(ctx, token, r)
			}
			var h http.Handler = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				t.Error("an expired token got through")
			})
			h = auth.RequireBearerToken(counting, &auth.RequireBearerTokenOptions{ResourceMetadataURL: d.cfg.metadataURL()})(h)
			if tt.jwtexpInFront {
				h = jwtexp.Middleware(jwtexp.WithResourceMetadata(d.cfg.metadataURL()))(h)
			}
			req := httptest.NewRequest(http.MethodPost, d.cfg.resource(), strings.NewReader(initializeBody))
			req.Header.Set("Authorization", "Bearer "+d.expired(t))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			if calls != tt.verifierCalls {
				t.Errorf("verifier ran %d times, want %d", calls, tt.verifierCalls)
			}
			ch := bearerChallenge(t, rec.Result().Header)
			if ch["error"] != tt.errorCode {
				// If RequireBearerToken alone starts sending an error code,
				// modelcontextprotocol/go-sdk#1134 is fixed: revisit the rationale in docs/mcp-sdks.md.
				t.Errorf("challenge error=%q, want %q", ch["error"], tt.errorCode)
			}
			if ch["resource_metadata"] != d.cfg.metadataURL() {
				t.Errorf("challenge resource_metadata=%q, want %q", ch["resource_metadata"], d.cfg.metadataURL())
			}
		})
	}
}

func TestHandlerMetadata(t *testing.T) {
	d := startDemo(t, modes[0], true)
	for _, token := range []string{"", d.expired(t)} {
		// Discovery never needs a token, and an expired one does not hurt.
		resp, body := do(t, d, http.MethodGet, metadataPath, token, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("token %q: status %d, want 200; body %s", token, resp.StatusCode, body)
		}
		var prm oauthex.ProtectedResourceMetadata
		if err := json.Unmarshal(body, &prm); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		if prm.Resource != d.cfg.resource() || len(prm.ScopesSupported) != 1 || prm.ScopesSupported[0] != scope {
			t.Errorf("metadata %+v, want resource %q and scopes [%s]", prm, d.cfg.resource(), scope)
		}
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 9}, "http://[::1]:9"},
	}
	for _, tt := range tests {
		if got := baseURL(tt.addr); got != tt.want {
			t.Errorf("baseURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
