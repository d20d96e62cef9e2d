// Package checksdk runs jwtexp's conformance probe, [jwtexptest.Check] and
// the jwtexp check command, against MCP servers written as each SDK shows
// them: go-sdk v1.8.0's auth.RequireBearerToken alone and behind
// jwtexp.Middleware, and the demo server (examples/mcpserver). The
// TypeScript SDK's requireBearerAuth is probed from examples/ts, under
// node's test runner. docs/check.md quotes the reports these tests measure.
// It has no non-test code.
//
// [jwtexptest.Check]: https://pkg.go.dev/github.com/jwtexp/jwtexp/jwtexptest#Check
package checksdk
