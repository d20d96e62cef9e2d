package clientexp_test

import (
	"log"

	"github.com/jwtexp/jwtexp/examples/clientexp"
	"github.com/mark3labs/mcp-go/client"
)

const (
	endpoint    = "http://127.0.0.1:8080/mcp"      // the MCP server, e.g. the demo
	redirectURL = "http://127.0.0.1:3000/callback" // where your application gets the code
)

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
