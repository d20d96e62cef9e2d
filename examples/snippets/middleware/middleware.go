// Package middleware holds the Go snippets of docs/middleware.md and the
// README's hand-written check, as compiled code: the docs quote this file,
// and the docs test in examples/internal/mddoc fails when they drift apart.
// Each function stands for a part of a server; none of them is a server.
package middleware

import (
	"errors"
	"log"
	"log/slog"
	"net/http"

	"github.com/jwtexp/jwtexp"
	"github.com/rs/cors"
)

// Serve is the smallest use: jwtexp in front of the whole mux.
func Serve(addr string, mux http.Handler) {
	// Snippet for docs/middleware.md: the introduction.
	protect := jwtexp.Middleware(
		jwtexp.WithResourceMetadata("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
	)
	log.Fatal(http.ListenAndServe(addr, protect(mux))) // mux: your verifier + MCP handler, and the metadata route
}

// OwnHandler checks the token by hand, without the middleware, and then
// passes the request to verified.
func OwnHandler(metadataURL string, verified http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Snippet for README.md (In a handler of your own) and
		// docs/middleware.md (Reading the token).
		for _, v := range r.Header.Values("Authorization") {
			if token, ok := jwtexp.BearerToken(v); ok && jwtexp.Expired(token, 0) {
				w.Header().Set("WWW-Authenticate", jwtexp.Challenge{
					Error:            "invalid_token",
					ErrorDescription: "The access token expired",
					ResourceMetadata: metadataURL,
				}.String())
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		// the real verifier goes here
		verified.ServeHTTP(w, r)
	})
}

// LogExpiry logs the exp of an expired token: err is what WithRejectHook,
// WithChallenge and WithErrorHandler receive.
func LogExpiry(err error) {
	// Snippet for docs/middleware.md: The errors a rejection reports.
	var e *jwtexp.ExpiredError
	if errors.As(err, &e) {
		log.Println("token expired at", e.Exp)
	}
}

// RejectHook logs every rejection.
func RejectHook() jwtexp.Option {
	// Snippet for docs/middleware.md: Logging rejections.
	hook := jwtexp.WithRejectHook(func(r *http.Request, err error) {
		slog.Info("jwtexp: rejected", "path", r.URL.Path, "err", err)
	})
	return hook
}

// ErrorHandler writes its own 401 with WithErrorHandler.
func ErrorHandler(metadataURL string) jwtexp.Option {
	return jwtexp.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		// Snippet for docs/middleware.md: Your own 401.
		w.Header().Set("WWW-Authenticate", jwtexp.Challenge{
			Realm: "mcp", Error: "invalid_token", ErrorDescription: "The access token expired",
			ResourceMetadata: metadataURL,
		}.String())
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnauthorized)
	})
}

// CORS puts rs/cors outside jwtexp, which is outside the verifier and the
// MCP handler.
func CORS(verifierAndMCP http.Handler, opts ...jwtexp.Option) http.Handler {
	// Snippet for docs/middleware.md: CORS and browser clients.
	c := cors.New(cors.Options{
		AllowedOrigins: []string{"https://inspector.example"},
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodDelete},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID"},
		ExposedHeaders: []string{"WWW-Authenticate", "Mcp-Session-Id"},
	})
	handler := c.Handler(jwtexp.Middleware(opts...)(verifierAndMCP))
	return handler
}
