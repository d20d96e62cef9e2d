package interop

// jwtexp in front of mcp-go's StreamableHTTPServer, which serves its own
// RFC 9728 metadata and answers CORS itself.

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	mcpgoserver "github.com/mark3labs/mcp-go/server"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// browserOrigin is the one origin mcp-go's CORS handling allows.
const browserOrigin = "https://inspector.example"

// mcpGoTools are the names of newMCPGoServer's tools, sorted.
var mcpGoTools = []string{"echo"}

// newMCPGoServer returns an mcp-go MCP server with one tool, echo.
func newMCPGoServer() *mcpgoserver.MCPServer {
	s := mcpgoserver.NewMCPServer("mcp-go-behind-jwtexp", "v0", mcpgoserver.WithToolCapabilities(false))
	s.AddTool(mcpgo.NewTool("echo", mcpgo.WithString("text", mcpgo.Required())),
		func(_ context.Context, req mcpgo.CallToolRequest) (*mcpgo.CallToolResult, error) {
			return mcpgo.NewToolResultText(req.GetString("text", "")), nil
		})
	return s
}

// startMCPGoStreamable serves mcp-go's StreamableHTTPServer, with its own
// metadata endpoint and CORS, behind jwtexp. The server answers any path, so
// it is mounted on its two paths only: requests under /.well-known/ pass
// jwtexp by design, and must not reach the MCP endpoint.
func startMCPGoStreamable(t *testing.T, jsonRPCError bool) *server {
	t.Helper()
	s := &server{}
	s.srv = e2e.Serve(t, func(base string) http.Handler {
		s.endpoint = base + "/mcp"
		metadataPath := mcpgoserver.ProtectedResourceMetadataPath(s.endpoint)
		s.metadataURL = base + metadataPath
		streamable := mcpgoserver.NewStreamableHTTPServer(newMCPGoServer(),
			mcpgoserver.WithEndpointPath("/mcp"),
			mcpgoserver.WithProtectedResourceMetadata(mcpgoserver.ProtectedResourceMetadataConfig{
				Resource:        s.endpoint,
				ScopesSupported: []string{"mcp:tools"},
			}),
			mcpgoserver.WithStreamableHTTPCORS(mcpgoserver.WithCORSAllowedOrigins(browserOrigin)),
		)
		mux := http.NewServeMux()
		mux.Handle("/mcp", streamable)
		mux.Handle(metadataPath, streamable)
		return protect(mux, s.metadataURL, jsonRPCError)
	})
	return s
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`

// TestMCPGoStreamableHTTP sends raw requests, as a browser client would, to
// show which of mcp-go's own answers survive jwtexp in front: preflights and
// discovery pass untouched whatever the token, CORS headers are on normal
// responses, and an expired token gets jwtexp's 401.
func TestMCPGoStreamableHTTP(t *testing.T) {
	s := startMCPGoStreamable(t, false)
	type want struct {
		status         int
		allowOrigin    string            // Access-Control-Allow-Origin
		challenge      map[string]string // nil: no WWW-Authenticate
		exposesWWWAuth bool              // WWW-Authenticate in Access-Control-Expose-Headers
		bodyHas        string
	}
	expiredChallenge := map[string]string{
		"error":             "invalid_token",
		"error_description": "The access token expired",
		"resource_metadata": s.metadataURL,
	}
	tests := []struct {
		name    string
		method  string
		path    string
		token   string
		headers map[string]string
		body    string
		want    want
	}{
		{
			// Browsers send no credentials on a preflight, and jwtexp
			// passes an OPTIONS request without Authorization untouched.
			name: "preflight", method: http.MethodOptions, path: "/mcp",
			headers: map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"},
			want:    want{status: http.StatusNoContent, allowOrigin: browserOrigin},
		},
		{
			// An OPTIONS request with credentials is no preflight: jwtexp
			// judges it like any other.
			name: "OPTIONS with expired token", method: http.MethodOptions, path: "/mcp", token: expired(t),
			headers: map[string]string{"Access-Control-Request-Method": "POST"},
			want:    want{status: http.StatusUnauthorized, challenge: expiredChallenge, exposesWWWAuth: true, bodyHas: `"invalid_token"`},
		},
		{
			name: "metadata", method: http.MethodGet, path: strings.TrimPrefix(s.metadataURL, s.srv.URL),
			// mcp-go's metadata handler allows any origin: the metadata is
			// public.
			want: want{status: http.StatusOK, allowOrigin: "*", bodyHas: `"resource":"` + s.endpoint + `"`},
		},
		{
			name: "metadata with expired token", method: http.MethodGet, path: strings.TrimPrefix(s.metadataURL, s.srv.URL), token: expired(t),
			want: want{status: http.StatusOK, allowOrigin: "*", bodyHas: `"resource":"` + s.endpoint + `"`},
		},
		{
			name: "initialize with fresh token", method: http.MethodPost, path: "/mcp", token: fresh(t), body: initializeBody,
			want: want{status: http.StatusOK, allowOrigin: browserOrigin, bodyHas: `"serverInfo"`},
		},
		{
			// mcp-go's CORS runs inside jwtexp, so the 401 has no
			// Access-Control-Allow-Origin and a browser client cannot read
			// it. This is why docs/mcp-sdks.md puts CORS outside jwtexp.
			name: "initialize with expired token", method: http.MethodPost, path: "/mcp", token: expired(t), body: initializeBody,
			want: want{status: http.StatusUnauthorized, challenge: expiredChallenge, exposesWWWAuth: true, bodyHas: `"invalid_token"`},
		},
		{
			// jwtexp lets /.well-known/ through untouched; mounted on its
			// own paths, the MCP server is not reachable there.
			name: "MCP under /.well-known/ with expired token", method: http.MethodPost, path: "/.well-known/mcp", token: expired(t), body: initializeBody,
			want: want{status: http.StatusNotFound},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, s.srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", browserOrigin)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := s.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()

			if resp.StatusCode != tt.want.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.want.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.want.allowOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.want.allowOrigin)
			}
			if tt.want.challenge == nil {
				if h := resp.Header.Values("WWW-Authenticate"); len(h) != 0 {
					t.Errorf("WWW-Authenticate %q, want none", h)
				}
			} else {
				chs, err := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate"))
				if err != nil || len(chs) != 1 || chs[0].Scheme != "bearer" || !maps.Equal(chs[0].Params, tt.want.challenge) {
					t.Errorf("challenges %+v (%v), want one Bearer %v", chs, err, tt.want.challenge)
				}
			}
			exposed := strings.Contains(strings.ToLower(strings.Join(resp.Header.Values("Access-Control-Expose-Headers"), ",")), "www-authenticate")
			if exposed != tt.want.exposesWWWAuth {
				t.Errorf("Access-Control-Expose-Headers %q: exposes WWW-Authenticate = %v, want %v", resp.Header.Values("Access-Control-Expose-Headers"), exposed, tt.want.exposesWWWAuth)
			}
			if !strings.Contains(string(body), tt.want.bodyHas) {
				t.Errorf("body %s, want it to contain %s", body, tt.want.bodyHas)
			}
			if tt.want.status == http.StatusOK && strings.Contains(tt.path, "well-known") {
				var prm map[string]any
				if err := json.Unmarshal(body, &prm); err != nil {
					t.Errorf("metadata %s: %v", body, err)
				}
			}
		})
	}
}

// TestMCPGoStreamableHTTPClient drives mcp-go's client against mcp-go's
// server behind jwtexp, with both protocol generations mcp-go speaks, and
// with and without WithJSONRPCError, which mcp-go's client does not need.
func TestMCPGoStreamableHTTPClient(t *testing.T) {
	forEachMCPGoCase(t, func(t *testing.T, version string, jsonRPCError bool) {
		s := startMCPGoStreamable(t, jsonRPCError)
		var tok bearer.Token
		tok.Set(fresh(t))
		c := e2e.NewMCPGoStreamable(t, s.endpoint, s.srv.Client(), &tok)
		e2e.StartMCPGo(t, c, version, version)
		e2e.CheckMCPGoExpiry(t, c, e2e.Expiry{Token: &tok, Fresh: fresh(t), Expired: expired(t), MetadataURL: s.metadataURL, Tools: mcpGoTools})
	})
}
