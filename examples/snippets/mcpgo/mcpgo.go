// Package mcpgo holds the snippets of docs/mcp-sdks.md for
// mark3labs/mcp-go, server and client, as compiled code: the docs quote
// this file, and the docs test in examples/internal/mddoc fails when they
// drift apart.
package mcpgo

import (
	"context"
	"net/http"

	"github.com/jwtexp/jwtexp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Server mounts mcp-go's streamable HTTP server on its two paths behind
// jwtexp and verify.
func Server(mcpServer *server.MCPServer, verify func(http.Handler) http.Handler) http.Handler {
	// Snippet for docs/mcp-sdks.md: mark3labs/mcp-go.
	resource := "https://mcp.example.com/mcp"
	metadataPath := server.ProtectedResourceMetadataPath(resource)
	httpServer := server.NewStreamableHTTPServer(mcpServer,
		server.WithEndpointPath("/mcp"),
		server.WithProtectedResourceMetadata(server.ProtectedResourceMetadataConfig{
			Resource:             resource,
			AuthorizationServers: []string{"https://auth.example.com"},
		}),
	)
	mux := http.NewServeMux()
	mux.Handle("/mcp", verify(httpServer)) // your verifier: mcp-go does not check tokens
	mux.Handle(metadataPath, httpServer)
	handler := jwtexp.Middleware(
		jwtexp.WithResourceMetadata("https://mcp.example.com" + metadataPath),
	)(mux)
	return handler
}

// Tokens is the application's token store.
type Tokens interface {
	Current() string                                           // the access token to send
	Reauthorize(ctx context.Context, metadataURL string) error // run the OAuth flow again
}

// Call calls a tool with mcp-go's client and, when the token has expired,
// gets a new one for the next call on the same client.
func Call(ctx context.Context, url string, tokens Tokens, req mcp.CallToolRequest) error {
	// Snippet for docs/mcp-sdks.md: mark3labs/mcp-go, the client side.
	c, _ := client.NewStreamableHttpClient(url,
		transport.WithHTTPHeaderFunc(func(ctx context.Context) map[string]string {
			return map[string]string{"Authorization": "Bearer " + tokens.Current()}
		}))
	// ...
	if _, err := c.CallTool(ctx, req); client.IsAuthorizationRequiredError(err) {
		metadataURL := client.GetResourceMetadataURL(err) // the configured resource_metadata
		tokens.Reauthorize(ctx, metadataURL)              // then retry with the same client
	}
	return c.Close()
}
