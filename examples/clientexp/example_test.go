package clientexp_test

import (
	"context"
	"errors"
	"log"

	"github.com/jwtexp/jwtexp/examples/clientexp"
	"github.com/jwtexp/jwtexp/oauth2exp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

const (
	endpoint    = "http://127.0.0.1:8080/mcp"      // the MCP server, e.g. the demo
	redirectURL = "http://127.0.0.1:3000/callback" // where openBrowser gets the code
)

// openBrowser stands for the application's auth.AuthorizationCodeFetcher.
func openBrowser(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	return nil, errors.New("open args.URL in a browser; return the code and state of the redirect to redirectURL")
}

// go-sdk's authorization code handler, with its token source from
// oauth2exp: refreshes timed by the access token's exp, and without a
// refresh token the token is sent until the server's 401 starts the
// handler's re-authorization.
func Example_goSDK() {
	handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{
			Metadata: &oauthex.ClientRegistrationMetadata{RedirectURIs: []string{redirectURL}},
		},
		AuthorizationCodeFetcher: openBrowser,
		NewTokenSource:           oauth2exp.NewTokenSource(),
	})
	if err != nil {
		log.Fatal(err)
	}
	transport := &mcp.StreamableClientTransport{Endpoint: endpoint, OAuthHandler: handler}

	client := mcp.NewClient(&mcp.Implementation{Name: "my-client", Version: "v1.0.0"}, nil)
	session, err := client.Connect(context.Background(), transport, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer session.Close()
}

// mcp-go's OAuth client with ExpStore around its token store.
func ExampleExpStore() {
	c, err := client.NewOAuthStreamableHttpClient(endpoint, client.OAuthConfig{
		RedirectURI: redirectURL,
		PKCEEnabled: true,
		TokenStore:  clientexp.ExpStore{TokenStore: client.NewMemoryTokenStore()},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// c.Start, c.Initialize: on an authorization-required error, run the
	// flow with client.GetOAuthHandler(err) and retry.
}
