package interop

// jwtexp in front of the legacy HTTP+SSE transport (MCP 2024-11-05), which
// both SDKs still ship: a hanging GET for server-to-client events and POSTs
// to a per-session message endpoint.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpgoserver "github.com/mark3labs/mcp-go/server"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type echoArgs struct {
	Text string `json:"text"`
}

// startGoSDKSSE serves go-sdk's SSEHandler behind jwtexp, with
// WithJSONRPCError, to show that the option cannot help on this transport.
func startGoSDKSSE(t *testing.T) *server {
	t.Helper()
	gs := mcp.NewServer(&mcp.Implementation{Name: "go-sdk-sse-behind-jwtexp", Version: "v0"}, nil)
	mcp.AddTool(gs, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, a echoArgs) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: a.Text}}}, nil, nil
	})
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	metadataURL := base + "/.well-known/oauth-protected-resource/sse"
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return gs }, nil)
	srv.Config.Handler = jwtexp.Middleware(jwtexp.WithResourceMetadata(metadataURL), jwtexp.WithJSONRPCError())(sse)
	srv.Start()
	t.Cleanup(srv.Close)
	return &server{srv: srv, endpoint: base + "/sse", metadataURL: metadataURL}
}

func TestGoSDKSSE(t *testing.T) {
	ctx := context.Background()
	s := startGoSDKSSE(t)
	tr := &bearer.Transport{Base: s.srv.Client().Transport}
	connect := func() (*mcp.ClientSession, error) {
		c := mcp.NewClient(&mcp.Implementation{Name: "e2e-go-sdk-sse", Version: "v0"}, nil)
		cs, err := c.Connect(ctx, &mcp.SSEClientTransport{Endpoint: s.endpoint, HTTPClient: tr.Client()}, nil)
		if err == nil {
			t.Cleanup(func() { cs.Close() })
		}
		return cs, err
	}
	echo := func(cs *mcp.ClientSession) error {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "hello"}})
		if err == nil && (len(res.Content) != 1 || res.Content[0].(*mcp.TextContent).Text != "hello") {
			t.Errorf("echo returned %+v, want one text \"hello\"", res.Content)
		}
		return err
	}

	// An expired token is refused at the GET that opens the stream.
	tr.SetToken(expired(t))
	if _, err := connect(); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("Connect with an expired token = %v, want an Unauthorized error", err)
	}

	tr.SetToken(fresh(t))
	cs, err := connect()
	if err != nil {
		t.Fatalf("Connect with a fresh token: %v", err)
	}
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	if err := echo(cs); err != nil {
		t.Fatalf("CallTool: %v", err)
	}

	// The token expires mid-session: the POST gets the 401. go-sdk's SSE
	// client does not read the body of a failed POST, so even a JSON-RPC
	// error body cannot save the session: it is closed, and the client must
	// reconnect.
	tr.SetToken(expired(t))
	if err := echo(cs); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("CallTool with an expired token = %v, want an error carrying 401", err)
	}
	tr.SetToken(fresh(t))
	if err := echo(cs); !errors.Is(err, mcp.ErrConnectionClosed) {
		t.Fatalf("CallTool on the same SSE session after the 401 = %v, want mcp.ErrConnectionClosed", err)
	}
	cs2, err := connect()
	if err != nil {
		t.Fatalf("reconnect with a fresh token: %v", err)
	}
	if err := echo(cs2); err != nil {
		t.Fatalf("CallTool after reconnecting: %v", err)
	}
}

// startMCPGoSSE serves mcp-go's SSEServer behind jwtexp.
func startMCPGoSSE(t *testing.T) *server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	metadataURL := base + "/.well-known/oauth-protected-resource/sse"
	sse := mcpgoserver.NewSSEServer(newMCPGoServer(), mcpgoserver.WithBaseURL(base))
	srv.Config.Handler = jwtexp.Middleware(jwtexp.WithResourceMetadata(metadataURL))(sse)
	srv.Start()
	t.Cleanup(func() {
		sse.CloseSessions()
		srv.Close()
	})
	return &server{srv: srv, endpoint: base + "/sse", metadataURL: metadataURL}
}

func TestMCPGoSSE(t *testing.T) {
	ctx := context.Background()
	s := startMCPGoSSE(t)
	var tok atomic.Pointer[string]
	setToken := func(s string) { tok.Store(&s) }
	newClient := func() *client.Client {
		c, err := client.NewSSEMCPClient(s.endpoint,
			transport.WithHTTPClient(s.srv.Client()),
			transport.WithHeaderFunc(func(context.Context) map[string]string {
				return map[string]string{"Authorization": "Bearer " + *tok.Load()}
			}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	// An expired token is refused at the GET that opens the stream, with the
	// metadata URL for the client to start re-authorization from.
	setToken(expired(t))
	err := newClient().Start(ctx)
	if !client.IsAuthorizationRequiredError(err) {
		t.Fatalf("Start with an expired token = %v, want an authorization-required error", err)
	}
	if got := client.GetResourceMetadataURL(err); got != s.metadataURL {
		t.Errorf("GetResourceMetadataURL = %q, want %q", got, s.metadataURL)
	}

	setToken(fresh(t))
	c := newClient()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("Start with a fresh token: %v", err)
	}
	init := mcpgo.InitializeRequest{}
	init.Params.ClientInfo = mcpgo.Implementation{Name: "e2e-mcp-go-sse", Version: "v0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if _, err := c.ListTools(ctx, mcpgo.ListToolsRequest{}); err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	// Mid-session expiry fails the POST, and mcp-go's SSE client, unlike
	// go-sdk's, keeps the stream: the same client works again with a new
	// token.
	checkMCPGoClient(t, c, setToken, s.metadataURL)
}
