// Package gosdkclient is the go-sdk client side of docs/mcp-sdks.md: an
// auth.OAuthHandler that authorizes again when jwtexp answers an expired
// token with 401 and error="invalid_token". The docs quote this file, and
// the docs test in examples/internal/mddoc fails when they drift apart.
package gosdkclient

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// Snippet for docs/mcp-sdks.md: Official Go SDK, the client side.

// myHandler is an auth.OAuthHandler. getToken runs your OAuth flow:
// discovery from the resource metadata URL (RFC 9728, then RFC 8414),
// registration, authorization, token.
type myHandler struct {
	getToken func(ctx context.Context, resourceMetadata string) (*oauth2.Token, error)

	mu     sync.Mutex
	tokens oauth2.TokenSource // nil until the first authorization
}

var _ auth.OAuthHandler = (*myHandler)(nil)

// TokenSource is asked for the token of every request. A static source
// sends the token until the server rejects it, so that jwtexp's 401, not a
// client-side guess, starts the next authorization.
func (h *myHandler) TokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tokens, nil
}

// Authorize is called with the 401; the transport retries the request once
// it returns nil.
func (h *myHandler) Authorize(ctx context.Context, req *http.Request, resp *http.Response) error {
	defer resp.Body.Close()
	chs, err := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate"))
	if err != nil {
		return err
	}
	for _, c := range chs {
		// No error code: no token yet. invalid_token: it expired.
		if c.Scheme == "bearer" && (c.Params["error"] == "" || c.Params["error"] == "invalid_token") {
			tok, err := h.getToken(ctx, c.Params["resource_metadata"])
			if err != nil {
				return err
			}
			h.mu.Lock()
			h.tokens = oauth2.StaticTokenSource(tok)
			h.mu.Unlock()
			return nil
		}
	}
	return fmt.Errorf("not a challenge to authorize: %v", chs)
}

func connect(ctx context.Context, endpoint string, h *myHandler) (*mcp.ClientSession, error) {
	client := mcp.NewClient(&mcp.Implementation{Name: "my-client", Version: "v0.1.0"}, nil)
	transport := &mcp.StreamableClientTransport{Endpoint: endpoint, OAuthHandler: h}
	return client.Connect(ctx, transport, nil)
}
