// Quickstart is the README's quick start: an MCP endpoint behind jwtexp, with
// the RFC 9728 metadata route that the 401 challenge points to. Replace the
// two handlers with your token verifier and MCP server.
package main

import (
	"log"
	"net/http"

	"github.com/jwtexp/jwtexp"
)

func main() {
	const metadata = "http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp"

	mux := http.NewServeMux()
	mux.Handle("/mcp", verify(http.HandlerFunc(mcpHandler)))
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"resource":"http://127.0.0.1:8080/mcp","authorization_servers":["https://auth.example.com"]}`))
	})

	// Expired bearer JWTs get 401 invalid_token before verify runs;
	// everything else passes through untouched.
	protect := jwtexp.Middleware(
		jwtexp.WithResourceMetadata(metadata),
		jwtexp.WithScope("mcp:tools"),
	)
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", protect(mux)))
}

// verify stands for the real verifier (signature, iss, aud, scope), such as
// go-sdk's auth.RequireBearerToken: jwtexp only ever rejects. This stand-in
// accepts any token at all; never ship it.
func verify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func mcpHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}`))
}
