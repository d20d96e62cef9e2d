package tenants

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jwtexp/jwtexp"
)

// Unsigned JWTs; jwtexp reads exp without verifying anything.
const (
	expired = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln" // {"sub":"jane","exp":1700000000}
	fresh   = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln" // {"sub":"jane","exp":4102444800}
)

// serve sends one POST with the token to url through h, whatever the Host.
func serve(h http.Handler, url, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, url, nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func passThrough(next http.Handler) http.Handler { return next }

var mcpOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "MCP for "+r.PathValue("tenant"))
})

// TestNewMuxChallengeFromConfiguration: the challenge names the configured
// metadata URL of the tenant in the path, whatever Host the client sent,
// and none for a tenant that is not configured.
func TestNewMuxChallengeFromConfiguration(t *testing.T) {
	mux := NewMux(passThrough, mcpOK)
	tests := []struct{ url, want string }{
		{"https://acme.example.com/t/acme/mcp",
			`Bearer error="invalid_token", error_description="Please sign in again", resource_metadata="https://acme.example.com/.well-known/oauth-protected-resource/t/acme/mcp"`},
		{"https://attacker.example/t/acme/mcp",
			`Bearer error="invalid_token", error_description="Please sign in again", resource_metadata="https://acme.example.com/.well-known/oauth-protected-resource/t/acme/mcp"`},
		{"https://acme.example.com/t/globex/mcp",
			`Bearer error="invalid_token", error_description="Please sign in again", resource_metadata="https://mcp.example.net/.well-known/oauth-protected-resource/t/globex/mcp"`},
		{"https://attacker.example/t/unknown/mcp",
			`Bearer error="invalid_token", error_description="Please sign in again"`},
	}
	for _, tc := range tests {
		w := serve(mux, tc.url, expired)
		if got := w.Header().Get("WWW-Authenticate"); w.Code != http.StatusUnauthorized || got != tc.want {
			t.Errorf("%s: %d %s\nwant 401 %s", tc.url, w.Code, got, tc.want)
		}
	}
	if w := serve(mux, "https://acme.example.com/t/acme/mcp", fresh); w.Code != http.StatusOK || w.Body.String() != "MCP for acme" {
		t.Errorf("fresh token: %d %q, want the MCP handler's 200", w.Code, w.Body)
	}
}

func TestSessionEnded(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/t/{tenant}/mcp", jwtexp.Middleware(SessionEnded())(mcpOK))
	w := serve(mux, "https://attacker.example/t/globex/mcp", expired)
	want := `Bearer error="invalid_token", error_description="Session ended at 2023-11-14T22:13:20Z, please sign in again", resource_metadata="https://mcp.example.net/.well-known/oauth-protected-resource/t/globex/mcp"`
	if got := w.Header().Get("WWW-Authenticate"); w.Code != http.StatusUnauthorized || got != want {
		t.Errorf("%d %s\nwant 401 %s", w.Code, got, want)
	}
}
