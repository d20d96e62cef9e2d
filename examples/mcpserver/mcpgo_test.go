package main

// End-to-end tests with the mark3labs/mcp-go client against the go-sdk demo
// server over loopback HTTP.

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// TestMCPGoClient drives one mcp-go client from a fresh token to an expired
// one and back: the expired token surfaces as an authorization-required
// error that names the resource metadata, and the same client works again
// once the token is replaced.
func TestMCPGoClient(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ctx := context.Background()
			d := startDemo(t, m, true)
			var token atomic.Pointer[string]
			setToken := func(s string) { token.Store(&s) }
			setToken(d.fresh(t))

			// mcp-go's way to send a token it does not manage itself: a
			// header function called for every request.
			c, err := client.NewStreamableHttpClient(d.cfg.resource(),
				transport.WithHTTPBasicClient(d.srv.Client()),
				transport.WithHTTPHeaderFunc(func(context.Context) map[string]string {
					return map[string]string{"Authorization": "Bearer " + *token.Load()}
				}),
			)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			if err := c.Start(ctx); err != nil {
				t.Fatalf("Start: %v", err)
			}
			init := mcpgo.InitializeRequest{}
			init.Params.ClientInfo = mcpgo.Implementation{Name: "e2e-mcp-go", Version: "v0"}
			if !m.stateless {
				// mcp-go v1.2.1 otherwise settles on 2026-07-28 through
				// server/discover, which a stateful go-sdk v1.8.0 server
				// answers, and then rejects every call as "unsupported
				// protocol version". Not a jwtexp matter.
				init.Params.ProtocolVersion = mcpgo.LATEST_LEGACY_PROTOCOL_VERSION
			}
			res, err := c.Initialize(ctx, init)
			if err != nil {
				t.Fatalf("Initialize: %v", err)
			}
			if res.ProtocolVersion != m.version {
				t.Fatalf("negotiated protocol version %s, want %s", res.ProtocolVersion, m.version)
			}
			callEcho := func() error {
				req := mcpgo.CallToolRequest{}
				req.Params.Name = "echo"
				req.Params.Arguments = map[string]any{"text": "hello"}
				res, err := c.CallTool(ctx, req)
				if err != nil {
					return err
				}
				if len(res.Content) != 1 || res.Content[0].(mcpgo.TextContent).Text != "hello" {
					t.Errorf("echo returned %+v, want one text \"hello\"", res.Content)
				}
				return nil
			}
			if err := callEcho(); err != nil {
				t.Fatalf("CallTool with a fresh token: %v", err)
			}

			setToken(d.expired(t))
			_, err = c.ListTools(ctx, mcpgo.ListToolsRequest{})
			if !client.IsAuthorizationRequiredError(err) {
				t.Fatalf("ListTools with an expired token = %v, want an authorization-required error", err)
			}
			if got := client.GetResourceMetadataURL(err); got != d.cfg.metadataURL() {
				t.Errorf("GetResourceMetadataURL = %q, want %q", got, d.cfg.metadataURL())
			}

			setToken(d.fresh(t))
			tools, err := c.ListTools(ctx, mcpgo.ListToolsRequest{})
			if err != nil {
				t.Fatalf("ListTools after the token was replaced: %v", err)
			}
			if len(tools.Tools) != 2 {
				t.Errorf("got %d tools, want 2", len(tools.Tools))
			}
			if err := callEcho(); err != nil {
				t.Fatalf("CallTool after the token was replaced: %v", err)
			}
		})
	}
}
