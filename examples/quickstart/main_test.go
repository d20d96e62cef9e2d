package main

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/jwtexp/jwtexp/examples/internal/mddoc"
)

// expiredToken is an unsigned JWT whose payload is {"sub":"jane","exp":1700000000}:
// jwtexp reads its exp without verifying anything, and rejects it before
// verifyToken runs.
const expiredToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln"

// toolsList is the JSON-RPC request the README's capture was taken with.
const toolsList = `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`

// TestREADME401 sends the quick start's server a tools/list call with an
// expired token, over a real connection, and requires the response to be
// byte for byte the README's ```http block, but for the Date header's value:
// status line, header names as net/http writes them, their order, and body.
func TestREADME401(t *testing.T) {
	srv := httptest.NewServer(newMux())
	defer srv.Close()

	mddoc.CheckWire(t, srv.Listener.Addr().String(), "POST /mcp HTTP/1.1\r\n"+
		"Host: 127.0.0.1:8080\r\n"+
		"Accept: application/json, text/event-stream\r\n"+
		"Authorization: Bearer "+expiredToken+"\r\n"+
		"Content-Type: application/json\r\n"+
		"Content-Length: "+strconv.Itoa(len(toolsList))+"\r\n"+
		"\r\n"+toolsList, "README.md")
}
