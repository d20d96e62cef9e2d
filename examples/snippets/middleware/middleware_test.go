package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/mddoc"
)

// expired is an unsigned JWT whose payload is {"sub":"jane","exp":1700000000}.
const expired = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln"

// TestThe401OnTheWire sends an expired token to the middleware configured
// as docs/middleware.md says, over a real connection, and requires the
// response to be the doc's ```http block byte for byte, but for the Date.
func TestThe401OnTheWire(t *testing.T) {
	srv := httptest.NewServer(jwtexp.Middleware(
		jwtexp.WithRealm("mcp"),
		jwtexp.WithResourceMetadata("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
		jwtexp.WithScope("mcp:tools"),
	)(http.NotFoundHandler()))
	defer srv.Close()

	mddoc.CheckWire(t, srv.Listener.Addr().String(), "GET /mcp HTTP/1.1\r\n"+
		"Host: mcp.example.com\r\n"+
		"Authorization: Bearer "+expired+"\r\n"+
		"\r\n", "docs/middleware.md")
}
