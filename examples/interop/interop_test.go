package interop

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
)

// server is an MCP server under test on a loopback httptest server.
type server struct {
	srv         *httptest.Server
	endpoint    string // where the client connects
	metadataURL string // the resource_metadata jwtexp is configured with
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

// Fresh and expired are an hour away from now, far beyond jwtexp's default
// 60 s skew, so the tests do not depend on timing.
func fresh(t *testing.T) string   { return token(t, time.Now().Add(time.Hour)) }
func expired(t *testing.T) string { return token(t, time.Now().Add(-time.Hour)) }
