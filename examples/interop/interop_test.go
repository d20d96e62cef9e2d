package interop

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// server is an MCP server under test on a loopback httptest server.
type server struct {
	srv         *httptest.Server
	endpoint    string // where the MCP client connects
	metadataURL string // the resource_metadata jwtexp is configured with
}

// protect puts jwtexp in front of h, pointing clients to metadataURL, with
// WithJSONRPCError when jsonRPCError is set.
func protect(h http.Handler, metadataURL string, jsonRPCError bool) http.Handler {
	opts := []jwtexp.Option{jwtexp.WithResourceMetadata(metadataURL)}
	if jsonRPCError {
		opts = append(opts, jwtexp.WithJSONRPCError())
	}
	return jwtexp.Middleware(opts...)(h)
}

// forBothBodies runs f as a subtest with and without WithJSONRPCError.
func forBothBodies(t *testing.T, f func(t *testing.T, jsonRPCError bool)) {
	for _, jsonRPCError := range []bool{false, true} {
		t.Run(fmt.Sprintf("jsonrpc=%v", jsonRPCError), func(t *testing.T) { f(t, jsonRPCError) })
	}
}

// forEachMCPGoCase runs f as a subtest for each protocol generation mcp-go
// v1.2.1 speaks with itself, with and without WithJSONRPCError.
func forEachMCPGoCase(t *testing.T, f func(t *testing.T, version string, jsonRPCError bool)) {
	for _, version := range []string{mcpgo.LATEST_PROTOCOL_VERSION, mcpgo.LATEST_LEGACY_PROTOCOL_VERSION} {
		t.Run(version, func(t *testing.T) {
			forBothBodies(t, func(t *testing.T, jsonRPCError bool) { f(t, version, jsonRPCError) })
		})
	}
}

// token returns a JWT expiring at exp. jwtexp does not verify signatures, and
// these servers verify nothing else, so any key does.
func token(t *testing.T, exp time.Time) string {
	t.Helper()
	tok, err := devjwt.Sign([]byte("interop-test-key"), devjwt.Claims{Subject: "alice", Expiry: exp.Unix()})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Fresh and expired are an hour away from now, so the tests do not depend
// on timing.
func fresh(t *testing.T) string   { return token(t, time.Now().Add(time.Hour)) }
func expired(t *testing.T) string { return token(t, time.Now().Add(-time.Hour)) }
