// Package clientexp holds the client recipes of docs/client.md as code
// that compiles and is tested against the demo server (examples/mcpserver):
//
//   - mcpgo.go: [ExpStore], a token store for mcp-go's OAuth client
//     (github.com/mark3labs/mcp-go v1.2.1) that times refreshes by the
//     access token's exp, read WITHOUT verification, as
//     github.com/jwtexp/jwtexp/oauth2exp does for go-sdk;
//   - example_test.go: ExpStore wired into mcp-go's OAuth client.
//
// The go-sdk client with oauth2exp, which docs/client.md shows whole, is
// examples/snippets/oauthclient.
//
// They are recipes, not a supported API: copy them. docs/client.md quotes
// them verbatim, and examples/internal/mddoc checks that it still does.
package clientexp
