package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"github.com/rs/cors"
)

// Paths of the demo server. The metadata path is the RFC 9728 §3.1
// well-known URI for the resource http://HOST/mcp.
const (
	mcpPath      = "/mcp"
	metadataPath = "/.well-known/oauth-protected-resource/mcp"
	// scope is the one scope the demo requires.
	scope = "mcp:tools"
)

// config is what newHandler needs. The zero value is not usable: baseURL and
// key must be set.
type config struct {
	// baseURL is the scheme and authority clients use, e.g.
	// "http://127.0.0.1:8080", without a trailing slash. The resource
	// identifier (the aud every token must carry) is baseURL+"/mcp".
	baseURL string
	// key verifies the HS256 signatures. DEV ONLY: see devjwt.DevKey.
	key []byte
	// jsonRPCError sets jwtexp.WithJSONRPCError, so that a go-sdk client
	// without an OAuthHandler keeps its session after an expiry 401.
	jsonRPCError bool
	// stateless serves every client without sessions. When false (the
	// default), MCP 2025-11-25 clients get sessions and MCP 2026-07-28
	// clients never do: see [byProtocolVersion].
	stateless bool
	// authServer runs the dev authorization server (authserver.go) in the
	// same handler, and lists it in the protected resource metadata.
	authServer bool
	// tokenTTL is the lifetime of the access tokens the authorization
	// server issues.
	tokenTTL time.Duration
	// refreshTokens makes the authorization server issue refresh tokens.
	refreshTokens bool
	// expiresIn makes the authorization server put expires_in in its token
	// responses. Without it, as with some providers, a client learns of the
	// expiry from the 401, unless it reads the token's exp.
	expiresIn bool
	// oauthLog, when set, gets a line for every authorization and token
	// the authorization server issues.
	oauthLog io.Writer
}

func (c config) resource() string    { return c.baseURL + mcpPath }
func (c config) metadataURL() string { return c.baseURL + metadataPath }

// newHandler returns the demo's whole HTTP handler, behind withCORS: the MCP
// endpoint at /mcp behind jwtexp and auth.RequireBearerToken, the protected
// resource metadata that the challenges point to and, when cfg.authServer is
// set, the dev authorization server (as, nil otherwise). closeSessions ends
// the MCP sessions still open; call it once the HTTP server has stopped,
// since a client that never sent its DELETE (its token had expired, say)
// leaves one behind.
func newHandler(cfg config) (h http.Handler, as *authServer, closeSessions func()) {
	server := mcp.NewServer(&mcp.Implementation{Name: "jwtexp-demo", Version: "v0.0.1"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "echo", Description: "Echo the text back."}, echo)
	mcp.AddTool(server, &mcp.Tool{Name: "whoami", Description: "Show the verified token's subject and expiry."}, whoami)

	mux := http.NewServeMux()
	mux.Handle(mcpPath, protect(cfg, streamable(cfg, server)))
	prm := &oauthex.ProtectedResourceMetadata{
		Resource:               cfg.resource(),
		ScopesSupported:        []string{scope},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "jwtexp demo MCP server",
	}
	if cfg.authServer {
		as = newAuthServer(cfg)
		as.register(mux)
		prm.AuthorizationServers = []string{as.issuer}
	}
	mux.Handle(metadataPath, auth.ProtectedResourceMetadataHandler(prm))
	return withCORS(mux), as, func() {
		for ss := range server.Sessions() {
			ss.Close()
		}
	}
}

// streamable returns the MCP endpoint for server: go-sdk's stateless handler
// alone with cfg.stateless, and otherwise both of its handlers, chosen per
// request by [byProtocolVersion].
func streamable(cfg config, server *mcp.Server) http.Handler {
	handler := func(stateless bool) http.Handler {
		return mcp.NewStreamableHTTPHandler(
			func(*http.Request) *mcp.Server { return server },
			&mcp.StreamableHTTPOptions{
				// JSON rather than SSE responses, so that the printed curl
				// commands show plain JSON.
				JSONResponse: true,
				Stateless:    stateless,
				// A client whose token expired cannot DELETE its session,
				// so idle sessions are ended by time.
				SessionTimeout: 30 * time.Minute,
			},
		)
	}
	if cfg.stateless {
		return handler(true)
	}
	return byProtocolVersion(handler(false), handler(true))
}

// protect puts h behind the demo's two token checks, jwtexp's
// [expiryCheck] outside go-sdk's [requireToken].
//
// The order also decides which answer an expired token without the
// required scope gets. RequireBearerToken (go-sdk v1.8.0) checks the scope
// before the expiry, and answers it 403 with no error code, so a client would
// start a step-up for a token it must replace. jwtexp in front answers it 401
// error="invalid_token" (RFC 6750 §3.1: an expired token is invalid_token,
// whatever its scope). TestExpiryBeforeScope pins both answers.
func protect(cfg config, h http.Handler) http.Handler {
	return expiryCheck(cfg)(requireToken(cfg)(h))
}

// requireToken is go-sdk's own check. It verifies the signature (possibly
// expensive: a JWKS fetch or an introspection call in real servers), and
// answers an expired token with a challenge that has no
// error="invalid_token" (modelcontextprotocol/go-sdk#1134), so a client
// cannot tell it should re-authorize.
//
// Its ClockSkew and jwtexp's skew are both 0, and jwtexp runs first, so
// every expired token gets jwtexp's invalid_token challenge.
func requireToken(cfg config) func(http.Handler) http.Handler {
	return auth.RequireBearerToken(verifier(cfg.key, cfg.resource()), &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: cfg.metadataURL(),
		Scopes:              []string{scope},
	})
}

// expiryCheck is jwtexp: it answers an expired token first, with
// error="invalid_token" and the same resource_metadata, before the verifier
// runs. It never accepts a token; everything else passes on to
// [requireToken].
func expiryCheck(cfg config) func(http.Handler) http.Handler {
	opts := []jwtexp.Option{
		jwtexp.WithResourceMetadata(cfg.metadataURL()),
		jwtexp.WithScope(scope),
	}
	if cfg.jsonRPCError {
		opts = append(opts, jwtexp.WithJSONRPCError())
	}
	return jwtexp.Middleware(opts...)
}

// withCORS lets browser-based MCP clients (a web page calling /mcp and the
// authorization server with fetch) use every endpoint of h.
//
// It wraps the whole mux, so it sits outside jwtexp and RequireBearerToken:
// a preflight is answered here and never reaches them (a browser sends no
// Authorization on a preflight, so a token check would refuse it), and the
// CORS headers are set before either writes its 401, so a page can read
// WWW-Authenticate from jwtexp's expired-token 401 and the verifier's
// no-token 401 alike, and Mcp-Session-Id from an initialize.
//
// Any origin: the demo is dev-only and on loopback, and MCP clients run on
// origins nobody can list in advance (Inspector on http://localhost:6274, a
// page of your own on any port). "*" rather than echoing the Origin, since
// the answer is the same for all. The requests carry the token in the
// Authorization header, not in cookies, so they are not credentialed in the
// CORS sense and "*" works for them: AllowCredentials stays off. What a
// browser does need for Authorization is a preflight whose
// Access-Control-Allow-Headers names it, since it is not a safelisted
// header and a "*" there would not cover it; rs/cors names each requested
// header that AllowedHeaders allows.
func withCORS(h http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodOptions},
		// Mcp-Method and Mcp-Name: every MCP 2026-07-28 request carries
		// the first, and a tools/call, resources/read or prompts/get the
		// second (go-sdk v1.8.0 refuses one without them).
		AllowedHeaders: []string{"Authorization", "Content-Type", "Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-ID", "Accept"},
		ExposedHeaders: []string{"WWW-Authenticate", "Mcp-Session-Id"},
	}).Handler(h)
}

// verifier returns an auth.TokenVerifier that accepts HS256 JWTs signed with
// key whose aud is resource (RFC 8707: a token for another resource must not
// be accepted here). Expiry is left to RequireBearerToken, which compares
// TokenInfo.Expiration with the clock.
func verifier(key []byte, resource string) auth.TokenVerifier {
	return func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		c, err := devjwt.Verify(key, token)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", auth.ErrInvalidToken, err)
		}
		if c.Audience != resource {
			return nil, fmt.Errorf("%w: aud %q, want %q", auth.ErrInvalidToken, c.Audience, resource)
		}
		if c.Subject == "" {
			return nil, fmt.Errorf("%w: no sub", auth.ErrInvalidToken)
		}
		return &auth.TokenInfo{
			Scopes:     strings.Fields(c.Scope),
			Expiration: time.Unix(c.Expiry, 0),
			// UserID binds a streamable session to its user: go-sdk refuses
			// a session ID presented with another user's token.
			UserID: c.Subject,
		}, nil
	}
}

// mintToken returns a demo token for subject, valid for resource, expiring at
// exp.
func mintToken(key []byte, resource, subject string, now, exp time.Time) (string, error) {
	return devjwt.Sign(key, devjwt.Claims{
		Subject:  subject,
		Audience: resource,
		Scope:    scope,
		IssuedAt: now.Unix(),
		Expiry:   exp.Unix(),
	})
}

type echoArgs struct {
	Text string `json:"text" jsonschema:"the text to echo back"`
}

func echo(_ context.Context, _ *mcp.CallToolRequest, args echoArgs) (*mcp.CallToolResult, any, error) {
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: args.Text}}}, nil, nil
}

type whoamiResult struct {
	Subject   string    `json:"subject" jsonschema:"the token's sub claim"`
	ExpiresAt time.Time `json:"expires_at" jsonschema:"the token's exp claim"`
}

// whoami reads the token from req.Extra.TokenInfo, verified for this very
// request. Not from ctx: on a session, go-sdk v1.8.0 runs every handler
// under the context of the session's initialize request
// (TestToolContextIsTheSessions, docs/mcp-sdks.md).
func whoami(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, whoamiResult, error) {
	var ti *auth.TokenInfo
	if req.Extra != nil {
		ti = req.Extra.TokenInfo
	}
	if ti == nil {
		// Unreachable behind RequireBearerToken; kept so that a miswired
		// chain fails loudly instead of answering for nobody.
		return nil, whoamiResult{}, errors.New("no verified token")
	}
	return nil, whoamiResult{Subject: ti.UserID, ExpiresAt: ti.Expiration.UTC()}, nil
}
