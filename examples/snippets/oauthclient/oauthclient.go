// Package oauthclient is the go-sdk client of docs/client.md, whole: go-sdk's
// authorization code handler with oauth2exp's token source and a headless
// auth.AuthorizationCodeFetcher. The docs quote this file, and the docs test
// in examples/internal/mddoc fails when they drift apart.
package oauthclient

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/jwtexp/jwtexp/oauth2exp"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// connect connects to the MCP server at endpoint, authorizing through the
// OAuth flow that the server's 401 starts; the user is asked on prompt,
// such as os.Stderr.
func connect(ctx context.Context, endpoint string, prompt io.Writer) (*mcp.ClientSession, error) {
	// The redirect comes back to a loopback port of this machine (RFC 8252
	// §7.3); port 0 picks a free one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	handler, err := newHandler(ln, prompt)
	if err != nil {
		return nil, err
	}
	transport := &mcp.StreamableClientTransport{Endpoint: endpoint, OAuthHandler: handler}
	client := mcp.NewClient(&mcp.Implementation{Name: "my-client", Version: "v1.0.0"}, nil)
	return client.Connect(ctx, transport, nil)
}

// newHandler returns go-sdk's authorization code handler for a client that
// registers itself (RFC 7591) with the redirect URL of ln, gets each code
// with fetchCode, and lets oauth2exp time its refreshes.
func newHandler(ln net.Listener, prompt io.Writer) (*auth.AuthorizationCodeHandler, error) {
	redirectURL := "http://" + ln.Addr().String() + "/callback"
	return auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{
			Metadata: &oauthex.ClientRegistrationMetadata{RedirectURIs: []string{redirectURL}},
		},
		AuthorizationCodeFetcher: fetchCode(ln, prompt),
		NewTokenSource:           oauth2exp.NewTokenSource(),
	})
}

// fetchCode returns a headless auth.AuthorizationCodeFetcher: it launches
// no browser, but prints the authorization URL to prompt for the user to
// open, and serves ln, where the authorization server redirects that
// browser with the code, for as long as the program runs. go-sdk checks
// the state.
func fetchCode(ln net.Listener, prompt io.Writer) auth.AuthorizationCodeFetcher {
	redirects := make(chan url.Values)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/callback" { // such as the browser's /favicon.ico
				http.NotFound(w, r)
				return
			}
			select {
			case redirects <- r.URL.Query():
				fmt.Fprintln(w, "Done: you may close this window.")
			case <-r.Context().Done():
			}
		})}
	go srv.Serve(ln)
	return func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		fmt.Fprintf(prompt, "To authorize, open in a browser on this machine:\n%s\n", args.URL)
		select {
		case q := <-redirects:
			if e := q.Get("error"); e != "" {
				return nil, fmt.Errorf("authorization: %s %s", e, q.Get("error_description"))
			}
			return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
