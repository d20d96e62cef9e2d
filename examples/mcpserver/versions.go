package main

import "net/http"

// sessionlessVersion is the first MCP protocol version without sessions
// (SEP-2575): a client starts with server/discover instead of initialize and
// sends the MCP-Protocol-Version header on every request.
const sessionlessVersion = "2026-07-28"

// byProtocolVersion serves a request whose MCP-Protocol-Version header names
// sessionlessVersion or later with stateless, and every other request with
// stateful. This is how the demo serves the clients of both MCP 2025-11-25
// and 2026-07-28 with its default flags (docs/demo.md, "Both protocol
// versions").
//
// Why two handlers: go-sdk v1.8.0 serves 2026-07-28 only from a stateless
// StreamableHTTPHandler. Its stateful one answers a 2026-07-28 request with
// -32022 (unsupported protocol version), and a server/discover with the
// older versions alone, so its own client falls back to initialize and
// 2025-11-25.
//
// Why not stateless for all, the other way the issue allowed: a stateless
// handler serves 2025-11-25 requests too, but without what that version
// gives a client: an Mcp-Session-Id bound to the token's user, the GET
// stream, requests from the server. The TypeScript SDK 1.32.2 (so Inspector
// 2.12.0) speaks 2025-11-25 at most, and keeps its sessions here.
//
// Why the header alone, and not the body: a 2026-07-28 request must carry it
// (go-sdk refuses one without it), a request of an older version after
// initialize carries its own version, and the first request of a 2025-11-25
// session, initialize, carries none. So no body is read here. An initialize
// that asks for 2026-07-28 without the header goes to the stateful handler,
// which negotiates 2025-11-25: the client is still served. The header is
// compared as go-sdk v1.8.0 compares versions, as a string: a version after
// 2026-07-28 goes to the stateless handler, which refuses what it does not
// know with -32022 and the versions it supports.
func byProtocolVersion(stateful, stateless http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("MCP-Protocol-Version") >= sessionlessVersion {
			stateless.ServeHTTP(w, r)
			return
		}
		stateful.ServeHTTP(w, r)
	})
}
