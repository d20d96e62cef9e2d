// Quickstart is the README's quick start: an MCP server on the official Go
// SDK, with jwtexp in front of the SDK's bearer-token check. Replace
// verifyToken with your real verifier.
package main

import (
	"context"
	"log"
	"net/http"

	"github.com/jwtexp/jwtexp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

const (
	resource = "http://127.0.0.1:8080/mcp"
	metadata = "http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp"
)

func main() {
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", newMux()))
}

// newMux returns the server's whole handler: the MCP endpoint with jwtexp in
// front of the SDK's verifier, and the protected resource metadata its
// challenges point to.
func newMux() *http.ServeMux {
	server := mcp.NewServer(&mcp.Implementation{Name: "quickstart", Version: "v0.1.0"}, nil)
	// mcp.AddTool(server, ...): your tools.
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil)

	// The real verifier: signature, iss, aud, scope and exp.
	verify := auth.RequireBearerToken(verifyToken, &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: metadata,
		Scopes:              []string{"mcp:tools"},
	})
	// In front of it, jwtexp answers an expired JWT with 401 and
	// error="invalid_token", unverified: it only ever rejects.
	rejectExpired := jwtexp.Middleware(
		jwtexp.WithResourceMetadata(metadata),
		jwtexp.WithScope("mcp:tools"),
		// A JSON-RPC error body with the call's id: a go-sdk client
		// without an OAuthHandler fails that call but keeps its session.
		jwtexp.WithJSONRPCError(),
	)

	mux := http.NewServeMux()
	mux.Handle("/mcp", rejectExpired(verify(handler)))
	mux.Handle("/.well-known/oauth-protected-resource/mcp", auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
		Resource:             resource,
		AuthorizationServers: []string{"https://auth.example.com"},
		ScopesSupported:      []string{"mcp:tools"},
	}))
	return mux
}

// verifyToken stands for your verifier: check the signature, iss, aud (this
// resource) and scope with your JWT library, or ask your authorization
// server's introspection endpoint. This placeholder accepts no token.
func verifyToken(ctx context.Context, token string, r *http.Request) (*auth.TokenInfo, error) {
	return nil, auth.ErrInvalidToken
}
