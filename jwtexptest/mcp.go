package jwtexptest

import (
	"encoding/json"
	"net/http"
)

// The MCP protocol versions the probe speaks, each sent in the
// MCP-Protocol-Version header of its requests.
const (
	mcp20251125 = "2025-11-25"
	mcp20260728 = "2026-07-28"
)

// nonexistentTool is the tool every tools/call names, so that a server that
// wrongly accepts the token runs nothing real.
const nonexistentTool = "jwtexp-check-nonexistent"

// clientInfo names the probe in initialize and in 2026-07-28 _meta.
var clientInfo = map[string]string{"name": "jwtexp-check", "version": "1"}

// mcpRequest is one JSON-RPC message the probe POSTs to the endpoint.
type mcpRequest struct {
	version string // MCP protocol version of the body and headers
	method  string
	notify  bool // a notification: no id, and a 202 is what the server owes a valid one
}

// label names r in details: "tools/list (2026-07-28)".
func (r mcpRequest) label() string { return r.method + " (" + r.version + ")" }

// everyMethod is what expired-every-method sends: the methods a client sends
// before and after authorization, and a notification, in each protocol
// version. 2026-07-28 dropped initialize, ping and notifications/initialized
// (it is stateless: server/discover replaces the handshake), but a server
// still owes an expired token 401 before it looks at the method, so those
// are sent in both versions; the 2026-07-28 notification is
// notifications/cancelled, which both versions have.
var everyMethod = func() []mcpRequest {
	var rs []mcpRequest
	for _, v := range []string{mcp20251125, mcp20260728} {
		for _, m := range []string{"initialize", "server/discover", "tools/list", "tools/call", "resources/list", "prompts/list", "ping"} {
			rs = append(rs, mcpRequest{version: v, method: m})
		}
		n := "notifications/initialized"
		if v == mcp20260728 {
			n = "notifications/cancelled"
		}
		rs = append(rs, mcpRequest{version: v, method: n, notify: true})
	}
	return rs
}()

// initialize2025 is the request of the single-shot checks: the first one a
// client sends, with or without a token.
var initialize2025 = mcpRequest{version: mcp20251125, method: "initialize"}

// body returns r as JSON-RPC 2.0. 2025-11-25 bodies are shaped as that
// version's schema has them; 2026-07-28 bodies carry the per-request _meta
// the stateless protocol requires (protocolVersion, clientCapabilities and
// the optional clientInfo), as go-sdk v1.8.0 sends them.
func (r mcpRequest) body() []byte {
	params := map[string]any{}
	switch r.method {
	case "initialize":
		params["protocolVersion"] = r.version
		params["capabilities"] = map[string]any{}
		params["clientInfo"] = clientInfo
	case "tools/call":
		params["name"] = nonexistentTool
		params["arguments"] = map[string]any{}
	case "notifications/cancelled":
		params["requestId"] = 1
		params["reason"] = "jwtexp check"
	}
	if r.version == mcp20260728 {
		params["_meta"] = map[string]any{
			"io.modelcontextprotocol/protocolVersion":    r.version,
			"io.modelcontextprotocol/clientInfo":         clientInfo,
			"io.modelcontextprotocol/clientCapabilities": map[string]any{},
		}
	}
	msg := map[string]any{"jsonrpc": "2.0", "method": r.method}
	if len(params) > 0 {
		msg["params"] = params
	}
	if !r.notify {
		msg["id"] = 1
	}
	b, err := json.Marshal(msg)
	if err != nil {
		panic("jwtexptest: " + err.Error()) // maps of strings always marshal
	}
	return b
}

// setHeaders sets the headers of a Streamable HTTP POST (MCP transports):
// both media types in Accept, the version header, and for 2026-07-28 the
// Mcp-Method and Mcp-Name routing headers.
func (r mcpRequest) setHeaders(h http.Header) {
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json, text/event-stream")
	h.Set("MCP-Protocol-Version", r.version)
	if r.version == mcp20260728 {
		h.Set("Mcp-Method", r.method)
		if r.method == "tools/call" {
			h.Set("Mcp-Name", nonexistentTool)
		}
	}
}
