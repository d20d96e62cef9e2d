package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// NewMCPGoStreamable returns an mcp-go streamable HTTP client for endpoint
// that sends through hc and sets tok's current token on every request with
// mcp-go's header function, the way docs/mcp-sdks.md shows. The client is not
// started; it is closed when t ends.
func NewMCPGoStreamable(t testing.TB, endpoint string, hc *http.Client, tok *bearer.Token) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(endpoint,
		transport.WithHTTPBasicClient(hc),
		transport.WithHTTPHeaderFunc(tok.Header),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// NewMCPGoSSE is [NewMCPGoStreamable] for mcp-go's legacy SSE client.
func NewMCPGoSSE(t testing.TB, endpoint string, hc *http.Client, tok *bearer.Token) *client.Client {
	t.Helper()
	c, err := client.NewSSEMCPClient(endpoint,
		transport.WithHTTPClient(hc),
		transport.WithHeaderFunc(tok.Header),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// StartMCPGo starts an mcp-go client and initializes it, asking for the
// protocol version ask ("" for mcp-go's default), and fails t unless both
// succeed and the server settles on want.
func StartMCPGo(t testing.TB, c *client.Client, ask, want string) {
	t.Helper()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	init := mcpgo.InitializeRequest{}
	init.Params.ProtocolVersion = ask
	init.Params.ClientInfo = mcpgo.Implementation{Name: "e2e-mcp-go", Version: "v0"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if res.ProtocolVersion != want {
		t.Fatalf("negotiated protocol version %s, want %s", res.ProtocolVersion, want)
	}
}

// MCPGoTools returns the sorted names of the tools the server lists to c.
func MCPGoTools(ctx context.Context, c *client.Client) ([]string, error) {
	res, err := c.ListTools(ctx, mcpgo.ListToolsRequest{})
	if err != nil {
		return nil, err
	}
	return sortedNames(res.Tools, func(t mcpgo.Tool) string { return t.Name }), nil
}

// MCPGoEcho calls the echo tool with [EchoText]. It returns the call's error,
// or an error when the call succeeds with anything but that one text.
func MCPGoEcho(ctx context.Context, c *client.Client) error {
	req := mcpgo.CallToolRequest{}
	req.Params.Name = "echo"
	req.Params.Arguments = map[string]any{"text": EchoText}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return err
	}
	if len(res.Content) == 1 {
		if tc, ok := res.Content[0].(mcpgo.TextContent); ok && tc.Text == EchoText && !res.IsError {
			return nil
		}
	}
	return fmt.Errorf("echo succeeded with %+v (IsError %v), want one text %q", res.Content, res.IsError, EchoText)
}

// Expiry is what [CheckMCPGoExpiry] needs.
type Expiry struct {
	Token          *bearer.Token // the token the client sends
	Fresh, Expired string        // tokens the server accepts, and the same expired
	MetadataURL    string        // the resource_metadata jwtexp is configured with
	Tools          []string      // the names of the server's tools, sorted
}

// CheckMCPGoExpiry drives an initialized mcp-go client through a token
// expiry: with e.Fresh, the echo tool works; with e.Expired, both
// tools/list and tools/call fail with an error for which
// client.IsAuthorizationRequiredError is true and
// client.GetResourceMetadataURL is e.MetadataURL; once e.Fresh is back, the
// same client lists e.Tools and echoes again.
func CheckMCPGoExpiry(t testing.TB, c *client.Client, e Expiry) {
	t.Helper()
	ctx := context.Background()
	e.Token.Set(e.Fresh)
	if err := MCPGoEcho(ctx, c); err != nil {
		t.Fatalf("CallTool(echo) with a fresh token: %v", err)
	}

	e.Token.Set(e.Expired)
	_, listErr := MCPGoTools(ctx, c)
	callErr := MCPGoEcho(ctx, c)
	for _, r := range []struct {
		call string
		err  error
	}{{"ListTools", listErr}, {"CallTool(echo)", callErr}} {
		if !client.IsAuthorizationRequiredError(r.err) {
			t.Fatalf("%s with an expired token = %v, want an authorization-required error", r.call, r.err)
		}
		if got := client.GetResourceMetadataURL(r.err); got != e.MetadataURL {
			t.Errorf("%s with an expired token: GetResourceMetadataURL = %q, want %q", r.call, got, e.MetadataURL)
		}
	}

	e.Token.Set(e.Fresh)
	tools, err := MCPGoTools(ctx, c)
	if err != nil {
		t.Fatalf("ListTools after the token was replaced: %v", err)
	}
	if !slices.Equal(tools, e.Tools) {
		t.Errorf("ListTools after the token was replaced = %v, want %v", tools, e.Tools)
	}
	if err := MCPGoEcho(ctx, c); err != nil {
		t.Fatalf("CallTool(echo) after the token was replaced: %v", err)
	}
}
