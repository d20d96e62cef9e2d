// Package interop holds end-to-end tests, over loopback HTTP, of jwtexp in
// front of MCP servers other than the demo: mark3labs/mcp-go's streamable
// HTTP server with its own discovery and CORS handling, and the legacy SSE
// transports of both the official go-sdk and mcp-go, each driven by that
// SDK's own client. It has no non-test code.
package interop
