package main

import (
	"net/http/httptest"
	"testing"
	"time"
)

// testKey signs the tests' tokens; the demo's key is configurable, and the
// tests do not depend on the published dev key.
var testKey = []byte("mcpserver-test-key")

// demo is the demo handler served on a loopback httptest server.
type demo struct {
	srv *httptest.Server
	cfg config
}

// mode is how the demo serves MCP, and what the SDK clients negotiate
// with it.
type mode struct {
	name      string
	stateless bool
	version   string // the protocol version a client ends up with
}

// modes covers both protocol generations: a stateful server (sessions,
// Mcp-Session-Id, a standalone SSE stream), on which clients fall back to
// 2025-11-25, and a stateless one, on which they speak 2026-07-28.
var modes = []mode{
	{name: "stateful", stateless: false, version: "2025-11-25"},
	{name: "stateless", stateless: true, version: "2026-07-28"},
}

// startDemo serves newHandler on 127.0.0.1 and closes it when t ends.
func startDemo(t *testing.T, m mode, jsonRPCError bool) *demo {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	// The resource identifier, and so every token's aud, contains the port,
	// which is known only once the listener exists.
	cfg := config{baseURL: "http://" + srv.Listener.Addr().String(), key: testKey, jsonRPCError: jsonRPCError, stateless: m.stateless}
	h, closeSessions := newHandler(cfg)
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		closeSessions()
	})
	return &demo{srv: srv, cfg: cfg}
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

// Fresh and expired are an hour away from now on either side, far beyond
// jwtexp's default 60 s skew, so the tests do not depend on timing.
func (d *demo) fresh(t *testing.T) string   { return d.token(t, "alice", time.Now().Add(time.Hour)) }
func (d *demo) expired(t *testing.T) string { return d.token(t, "alice", time.Now().Add(-time.Hour)) }
