// Package chi shows jwtexp on a chi router when a WithChallenge function
// reads path values (docs/middleware.md, "With chi"). chi runs the
// middleware of a top-level r.Use before it routes, so r.PathValue and
// chi.URLParam are still empty there; mounted inside the route, jwtexp runs
// after chi has matched it. The docs quote this file, and the docs test in
// examples/internal/mddoc fails when they drift apart.
package chi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/jwtexp/jwtexp"
)

// metadataURLs maps each configured tenant to its protected resource
// metadata URL: configuration, never r.Host.
var metadataURLs = map[string]string{
	"acme": "https://acme.example.com/.well-known/oauth-protected-resource/t/acme/mcp",
}

// rejectExpired is jwtexp with a challenge per tenant.
var rejectExpired = jwtexp.Middleware(jwtexp.WithChallenge(func(r *http.Request, err error) jwtexp.Challenge {
	return jwtexp.Challenge{ResourceMetadata: metadataURLs[r.PathValue("tenant")]}
}))

// WithRoute mounts jwtexp on one route with r.With.
func WithRoute(verify func(http.Handler) http.Handler, mcpHandler http.Handler) chi.Router {
	// Snippet for docs/middleware.md: With chi, r.With.
	r := chi.NewRouter()
	// Not r.Use(rejectExpired): at the top level it runs before chi routes,
	// and r.PathValue("tenant") is still "".
	r.With(rejectExpired).Handle("/t/{tenant}/mcp", verify(mcpHandler))
	return r
}

// InGroup mounts jwtexp with Use inside a route group, for several routes.
func InGroup(verify func(http.Handler) http.Handler, mcpHandler http.Handler) chi.Router {
	// Snippet for docs/middleware.md: With chi, r.Route.
	r := chi.NewRouter()
	r.Route("/t/{tenant}", func(r chi.Router) {
		r.Use(rejectExpired) // inside the route: {tenant} is matched by now
		r.Handle("/mcp", verify(mcpHandler))
	})
	return r
}
