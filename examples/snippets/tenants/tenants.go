// Package tenants holds the per-tenant challenges that README.md and
// docs/middleware.md show for WithChallenge: each tenant's
// resource_metadata URL comes from configuration, never from the
// client-supplied Host. The docs quote this file, and the docs test in
// examples/internal/mddoc fails when they drift apart.
package tenants

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/jwtexp/jwtexp"
)

// metadataURLs maps each configured tenant to its protected resource
// metadata URL. It is configuration: a challenge never echoes r.Host.
var metadataURLs = map[string]string{
	"acme":   "https://acme.example.com/.well-known/oauth-protected-resource/t/acme/mcp",
	"globex": "https://mcp.example.net/.well-known/oauth-protected-resource/t/globex/mcp",
}

// NewMux serves each tenant's MCP endpoint at /t/{tenant}/mcp behind jwtexp
// and verify.
func NewMux(verify func(http.Handler) http.Handler, mcpHandler http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	// Snippet for README.md: WithChallenge.
	rejectExpired := jwtexp.Middleware(
		jwtexp.WithChallenge(func(r *http.Request, err error) jwtexp.Challenge {
			return jwtexp.Challenge{
				// From configuration, not r.Host; "" for an unknown tenant.
				ResourceMetadata: metadataURLs[r.PathValue("tenant")],
				ErrorDescription: "Please sign in again",
			}
		}),
		jwtexp.WithRejectHook(func(r *http.Request, err error) {
			slog.Info("jwtexp: rejected", "path", r.URL.Path, "err", err)
		}),
	)
	mux.Handle("/t/{tenant}/mcp", rejectExpired(verify(mcpHandler))) // inside the route: PathValue is set
	return mux
}

// SessionEnded is the same challenge, with the expiry in the description.
func SessionEnded() jwtexp.Option {
	// Snippet for docs/middleware.md: Per-request challenges.
	challenge := jwtexp.WithChallenge(func(r *http.Request, err error) jwtexp.Challenge {
		c := jwtexp.Challenge{
			ResourceMetadata: metadataURLs[r.PathValue("tenant")], // configuration, not r.Host
		}
		var e *jwtexp.ExpiredError
		if errors.As(err, &e) {
			c.ErrorDescription = "Session ended at " + e.Exp.UTC().Format(time.RFC3339) + ", please sign in again"
		}
		return c // empty fields get the option and built-in values
	})
	return challenge
}
