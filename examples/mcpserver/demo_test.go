package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/e2e"
)

// testKey signs the tests' tokens; the demo's key is configurable, and the
// tests do not depend on the published dev key.
var testKey = []byte("mcpserver-test-key")

// demo is the demo handler served on a loopback httptest server.
type demo struct {
	srv *httptest.Server
	cfg config
	as  *authServer // nil unless cfg.authServer
}

// demoTools are the names of the demo's tools, sorted.
var demoTools = []string{"echo", "whoami"}

// mode is how the demo serves MCP (its -stateless flag), which protocol
// version a client asks for, and what it then gets.
type mode struct {
	name      string
	stateless bool   // the demo's -stateless
	version   string // the protocol version a client asks for and ends up with
	session   bool   // whether the client gets an Mcp-Session-Id
}

// modes covers both protocol generations on the demo with its default
// flags, where 2025-11-25 clients get sessions and 2026-07-28 clients do not,
// and with -stateless, where no client gets one. modes[0] is the default
// demo with a 2025-11-25 client, as MCP Inspector 2.12.0 and the TypeScript
// SDK 1.32.2 connect.
var modes = []mode{
	{name: "default/2025-11-25", stateless: false, version: "2025-11-25", session: true},
	{name: "stateless/2026-07-28", stateless: true, version: "2026-07-28"},
	{name: "default/2026-07-28", stateless: false, version: "2026-07-28"},
	{name: "stateless/2025-11-25", stateless: true, version: "2025-11-25"},
}

// startDemo serves newHandler on 127.0.0.1 and closes it when t ends.
func startDemo(t *testing.T, m mode, jsonRPCError bool) *demo {
	t.Helper()
	return serveDemo(t, config{key: testKey, jsonRPCError: jsonRPCError, stateless: m.stateless})
}

// serveDemo serves newHandler(cfg) on 127.0.0.1, with cfg.baseURL set to
// the server's URL, and closes it when t ends.
func serveDemo(t *testing.T, cfg config) *demo {
	t.Helper()
	d := &demo{}
	d.srv = e2e.Serve(t, func(baseURL string) http.Handler {
		cfg.baseURL = baseURL
		d.cfg = cfg
		h, as, closeSessions := newHandler(cfg)
		if as != nil {
			loopbackOnly(t, as.cimd) // before the server takes requests
		}
		d.as = as
		t.Cleanup(closeSessions) // after the server has closed
		return h
	})
	return d
}

// forEachCase runs f as a subtest for each mode, with and without
// WithJSONRPCError.
func forEachCase(t *testing.T, f func(t *testing.T, m mode, jsonRPCError bool)) {
	for _, m := range modes {
		for _, jsonRPCError := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/jsonrpc=%v", m.name, jsonRPCError), func(t *testing.T) { f(t, m, jsonRPCError) })
		}
	}
}

// token mints a token for d's resource that expires at exp.
func (d *demo) token(t *testing.T, subject string, exp time.Time) string {
	t.Helper()
	tok, err := mintToken(d.cfg.key, d.cfg.resource(), subject, exp.Add(-time.Hour), exp)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Fresh and expired are an hour away from now on either side, so the tests
// do not depend on timing.
func (d *demo) fresh(t *testing.T) string   { return d.token(t, "alice", time.Now().Add(time.Hour)) }
func (d *demo) expired(t *testing.T) string { return d.token(t, "alice", time.Now().Add(-time.Hour)) }
