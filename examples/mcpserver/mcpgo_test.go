package main

// End-to-end tests with the mark3labs/mcp-go client against the go-sdk demo
// server over loopback HTTP.

import (
	"testing"

	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// TestMCPGoClient drives one mcp-go client from a fresh token to an expired
// one and back: the expired token surfaces as an authorization-required
// error that names the resource metadata, and the same client works again
// once the token is replaced. mcp-go looks at the status, not the body, so
// WithJSONRPCError makes no difference.
func TestMCPGoClient(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		d := startDemo(t, m, jsonRPCError)
		var tok bearer.Token
		tok.Set(d.fresh(t))
		c := e2e.NewMCPGoStreamable(t, d.cfg.resource(), d.srv.Client(), &tok)
		ask := "" // mcp-go's default
		if !m.stateless {
			// mcp-go v1.2.1 otherwise settles on 2026-07-28 through
			// server/discover, which a stateful go-sdk v1.8.0 server
			// answers, and then rejects every call as "unsupported
			// protocol version". Not a jwtexp matter.
			ask = mcpgo.LATEST_LEGACY_PROTOCOL_VERSION
		}
		e2e.StartMCPGo(t, c, ask, m.version)
		e2e.CheckMCPGoExpiry(t, c, e2e.Expiry{
			Token:       &tok,
			Fresh:       d.fresh(t),
			Expired:     d.expired(t),
			MetadataURL: d.cfg.metadataURL(),
			Tools:       demoTools,
		})
	})
}
