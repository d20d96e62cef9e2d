// Package e2e holds what the end-to-end tests of the demo server
// (examples/mcpserver) and of the other MCP servers behind jwtexp
// (examples/interop) share: a loopback test server that knows its own URL,
// and the calls and checks that drive each SDK's real client through a
// token expiry. Test files cannot be imported across packages, so these live
// in ordinary files; only tests use them.
//
// Every server is an httptest server on 127.0.0.1 (or [::1] on a machine
// without IPv4 loopback); nothing here opens or dials any other address.
package e2e

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// Serve starts a loopback test server whose handler is built from the
// server's own base URL, "http://127.0.0.1:PORT": an MCP server needs it for
// its resource identifier, its metadata URL and the aud of every token, and
// the port is known only once the listener exists. Serve closes the server
// when t ends. Cleanups that handler registers run after the server is
// closed; cleanups the caller registers after Serve returns run before.
func Serve(t testing.TB, handler func(baseURL string) http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = handler("http://" + srv.Listener.Addr().String())
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// EchoText is what the echo tool of every test server is called with, and
// so what it must answer.
const EchoText = "hello"

// sortedNames returns the name of each item, sorted.
func sortedNames[T any](items []T, name func(T) string) []string {
	names := make([]string, 0, len(items))
	for _, it := range items {
		names = append(names, name(it))
	}
	slices.Sort(names)
	return names
}
