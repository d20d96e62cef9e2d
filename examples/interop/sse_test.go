package interop

// jwtexp in front of the legacy HTTP+SSE transport (MCP 2024-11-05), which
// both SDKs still ship: a hanging GET for server-to-client events and POSTs
// to a per-session message endpoint.

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/mark3labs/mcp-go/client"
	mcpgoserver "github.com/mark3labs/mcp-go/server"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type echoArgs struct {
	Text string `json:"text"`
}

// startGoSDKSSE serves go-sdk's SSEHandler behind jwtexp. The handler
// answers any path (v1.8.0 opens a session for a GET anywhere, and takes a
// POST anywhere that names a live session), so it is mounted on /sse only:
// requests under /.well-known/ pass jwtexp by design, and must not reach it.
// Its message endpoint is /sse?sessionid=…, so /sse is all it needs.
func startGoSDKSSE(t *testing.T, jsonRPCError bool) *server {
	t.Helper()
	gs := mcp.NewServer(&mcp.Implementation{Name: "go-sdk-sse-behind-jwtexp", Version: "v0"}, nil)
	mcp.AddTool(gs, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, a echoArgs) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: a.Text}}}, nil, nil
	})
	s := &server{}
	s.srv = e2e.Serve(t, func(base string) http.Handler {
		s.endpoint = base + "/sse"
		s.metadataURL = base + "/.well-known/oauth-protected-resource/sse"
		mux := http.NewServeMux()
		mux.Handle("/sse", mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return gs }, nil))
		return protect(mux, s.metadataURL, jsonRPCError)
	})
	return s
}

// TestGoSDKSSE shows that WithJSONRPCError cannot help on go-sdk's SSE
// transport: its client does not read the body of a failed POST, so the
// session ends after the 401 either way.
func TestGoSDKSSE(t *testing.T) {
	forBothBodies(t, func(t *testing.T, jsonRPCError bool) {
		ctx := context.Background()
		s := startGoSDKSSE(t, jsonRPCError)
		tr := &bearer.Transport{Base: s.srv.Client().Transport}
		connect := func() (*mcp.ClientSession, error) {
			c := mcp.NewClient(&mcp.Implementation{Name: "e2e-go-sdk-sse", Version: "v0"}, nil)
			cs, err := c.Connect(ctx, &mcp.SSEClientTransport{Endpoint: s.endpoint, HTTPClient: tr.Client()}, nil)
			if err == nil {
				t.Cleanup(func() { cs.Close() })
			}
			return cs, err
		}

		// An expired token is refused at the GET that opens the stream.
		tr.Set(expired(t))
		if _, err := connect(); err == nil || !strings.Contains(err.Error(), http.StatusText(http.StatusUnauthorized)) {
			t.Fatalf("Connect with an expired token = %v, want an Unauthorized error", err)
		}

		tr.Set(fresh(t))
		cs, err := connect()
		if err != nil {
			t.Fatalf("Connect with a fresh token: %v", err)
		}
		if tools, err := e2e.GoSDKTools(ctx, cs); err != nil || !slices.Equal(tools, []string{"echo"}) {
			t.Fatalf("ListTools = %v, %v; want [echo]", tools, err)
		}
		if err := e2e.GoSDKEcho(ctx, cs); err != nil {
			t.Fatalf("CallTool(echo): %v", err)
		}

		// The token expires mid-session: the POST gets the 401, and the
		// session is closed whatever the body says; the client must
		// reconnect.
		tr.Set(expired(t))
		if err := e2e.GoSDKEcho(ctx, cs); err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("CallTool with an expired token = %v, want an error carrying 401", err)
		}
		tr.Set(fresh(t))
		if err := e2e.GoSDKEcho(ctx, cs); !errors.Is(err, mcp.ErrConnectionClosed) {
			t.Fatalf("CallTool on the same SSE session after the 401 = %v, want mcp.ErrConnectionClosed", err)
		}
		cs2, err := connect()
		if err != nil {
			t.Fatalf("reconnect with a fresh token: %v", err)
		}
		if err := e2e.GoSDKEcho(ctx, cs2); err != nil {
			t.Fatalf("CallTool after reconnecting: %v", err)
		}
	})
}

// startMCPGoSSE serves mcp-go's SSEServer behind jwtexp. It answers its own
// two paths only (/sse and /message), so it can be the root handler;
// TestSSEWellKnownNeverReachesMCP checks that.
func startMCPGoSSE(t *testing.T, jsonRPCError bool) *server {
	t.Helper()
	s := &server{}
	var sse *mcpgoserver.SSEServer
	s.srv = e2e.Serve(t, func(base string) http.Handler {
		s.endpoint = base + "/sse"
		s.metadataURL = base + "/.well-known/oauth-protected-resource/sse"
		sse = mcpgoserver.NewSSEServer(newMCPGoServer(), mcpgoserver.WithBaseURL(base))
		return protect(sse, s.metadataURL, jsonRPCError)
	})
	t.Cleanup(sse.CloseSessions) // before the server closes
	return s
}

// TestMCPGoSSE: unlike go-sdk's, mcp-go's SSE client keeps its stream after
// a POST gets the 401, so the same client works again with a new token,
// with or without WithJSONRPCError. mcp-go v1.2.1 speaks both protocol
// generations with itself over this transport too.
func TestMCPGoSSE(t *testing.T) {
	forEachMCPGoCase(t, func(t *testing.T, version string, jsonRPCError bool) {
		s := startMCPGoSSE(t, jsonRPCError)
		var tok bearer.Token

		// An expired token is refused at the GET that opens the stream, with
		// the metadata URL for the client to start re-authorization from.
		tok.Set(expired(t))
		err := e2e.NewMCPGoSSE(t, s.endpoint, s.srv.Client(), &tok).Start(context.Background())
		if !client.IsAuthorizationRequiredError(err) {
			t.Fatalf("Start with an expired token = %v, want an authorization-required error", err)
		}
		if got := client.GetResourceMetadataURL(err); got != s.metadataURL {
			t.Errorf("GetResourceMetadataURL = %q, want %q", got, s.metadataURL)
		}

		tok.Set(fresh(t))
		c := e2e.NewMCPGoSSE(t, s.endpoint, s.srv.Client(), &tok)
		e2e.StartMCPGo(t, c, version, version)
		e2e.CheckMCPGoExpiry(t, c, e2e.Expiry{Token: &tok, Fresh: fresh(t), Expired: expired(t), MetadataURL: s.metadataURL, Tools: mcpGoTools})
	})
}

// TestSSEWellKnownNeverReachesMCP: jwtexp lets clean /.well-known/ paths
// through untouched, so neither SSE server may answer MCP there: it must not
// open a stream for an expired token, nor take a message for a live session
// that names it in the query.
func TestSSEWellKnownNeverReachesMCP(t *testing.T) {
	for _, tt := range []struct {
		name  string
		start func(*testing.T, bool) *server
	}{
		{"go-sdk", startGoSDKSSE},
		{"mcp-go", startMCPGoSSE},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.start(t, false)
			message := openSSE(t, s, fresh(t)) // a live session's message endpoint
			exp := expired(t)
			send := func(method, path string) int {
				t.Helper()
				u := *message
				u.Path = path
				req, err := http.NewRequest(method, u.String(), strings.NewReader(initializeBody))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+exp)
				req.Header.Set("Content-Type", "application/json")
				resp, err := s.srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}

			// The real endpoints refuse the expired token...
			if got := send(http.MethodPost, message.Path); got != http.StatusUnauthorized {
				t.Errorf("POST %s with an expired token: status %d, want 401", message.Path, got)
			}
			if got := send(http.MethodGet, "/sse"); got != http.StatusUnauthorized {
				t.Errorf("GET /sse with an expired token: status %d, want 401", got)
			}
			// ...and nothing under /.well-known/ is MCP.
			for _, path := range []string{"/.well-known/sse", "/.well-known/oauth-protected-resource/sse", "/.well-known/x" + message.Path} {
				for _, method := range []string{http.MethodGet, http.MethodPost} {
					if got := send(method, path); got != http.StatusNotFound {
						t.Errorf("%s %s?%s with an expired token: status %d, want 404", method, path, message.RawQuery, got)
					}
				}
			}
		})
	}
}

// openSSE opens an SSE stream at s.endpoint with token, as an SDK client
// would, and returns the message endpoint the server announces in its
// endpoint event. The stream stays open until t ends.
func openSSE(t *testing.T, s *server, token string) *url.URL {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.endpoint, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := s.srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { // before the server closes
		cancel()
		resp.Body.Close()
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s with a fresh token: status %d, want 200", s.endpoint, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	event := ""
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "event:"); ok {
			event = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(sc.Text(), "data:"); ok && event == "endpoint" {
			u, err := resp.Request.URL.Parse(strings.TrimSpace(v))
			if err != nil {
				t.Fatalf("endpoint event %q: %v", v, err)
			}
			return u
		}
	}
	t.Fatalf("no endpoint event on %s: %v", s.endpoint, sc.Err())
	return nil
}
