// Package gosdk holds the server snippets of docs/mcp-sdks.md for the
// official Go SDK, as compiled code: the docs quote this file, and the docs
// test in examples/internal/mddoc fails when they drift apart.
package gosdk

import (
	"net/http"

	"github.com/jwtexp/jwtexp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// Streamable mounts a streamable HTTP server behind jwtexp and go-sdk's
// verifier.
func Streamable(server *mcp.Server, verify auth.TokenVerifier) http.Handler {
	// Snippet for docs/mcp-sdks.md: Official Go SDK.
	const metadataURL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)

	handler := jwtexp.Middleware(
		jwtexp.WithResourceMetadata(metadataURL),
		jwtexp.WithJSONRPCError(), // go-sdk clients keep their session; see below
	)(auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: metadataURL,
	})(mcpHandler))

	mux := http.NewServeMux()
	mux.Handle("/mcp", handler)
	mux.Handle("/.well-known/oauth-protected-resource/mcp",
		auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
			Resource:             "https://mcp.example.com/mcp",
			AuthorizationServers: []string{"https://auth.example.com"},
		}))

	// For browser clients, CORS goes outermost, e.g. with github.com/rs/cors:
	//
	//	cors.New(cors.Options{
	//		AllowedOrigins: []string{"https://app.example"},
	//		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodDelete},
	//		AllowedHeaders: []string{"Authorization", "Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID"},
	//		ExposedHeaders: []string{"Mcp-Session-Id", "WWW-Authenticate"},
	//	}).Handler(mux)
	return mux
}

// SSE mounts the legacy HTTP+SSE transport on its own path behind jwtexp
// (and a verifier, left out here).
func SSE(server *mcp.Server, metadataURL string) http.Handler {
	// Snippet for docs/mcp-sdks.md: SSE transports.
	mux := http.NewServeMux()
	mux.Handle("/sse", mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return server }, nil))
	handler := jwtexp.Middleware(jwtexp.WithResourceMetadata(metadataURL))(mux)
	return handler
}
