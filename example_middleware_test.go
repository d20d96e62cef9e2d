package jwtexp_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/jwtexp/jwtexp"
)

// middlewareExampleToken returns an unsigned JWT that expires at the Unix
// time exp; jwtexp never looks at the signature.
func middlewareExampleToken(exp int64) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"sub":"ada","exp":`+strconv.FormatInt(exp, 10)+`}`)) + ".c2lnbmF0dXJl"
}

var (
	exampleFresh   = middlewareExampleToken(4102444800) // 2100-01-01
	exampleExpired = middlewareExampleToken(1700000000) // 2023-11-14
)

const exampleMetadata = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"

// Middleware in front of an http.ServeMux that serves an MCP endpoint and
// its RFC 9728 metadata. The metadata stays reachable with an expired
// token, because OAuth discovery must never need one.
func ExampleMiddleware() {
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "MCP response") // the real verifier and MCP handler go here
	})
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"resource":"https://mcp.example.com/mcp"}`)
	})
	handler := jwtexp.Middleware(jwtexp.WithResourceMetadata(exampleMetadata))(mux)
	// A server would now run http.ListenAndServe(addr, handler).

	for _, req := range []struct{ path, token string }{
		{"/mcp", exampleFresh},
		{"/mcp", exampleExpired},
		{"/.well-known/oauth-protected-resource/mcp", exampleExpired},
	} {
		r := httptest.NewRequest("POST", req.path, nil)
		r.Header.Set("Authorization", "Bearer "+req.token)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body)
		if c := w.Header().Get("WWW-Authenticate"); c != "" {
			fmt.Println("    WWW-Authenticate:", c)
		}
	}
	// Output:
	// 200 MCP response
	// 401 {"error":"invalid_token","error_description":"The access token expired"}
	//     WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
	// 200 {"resource":"https://mcp.example.com/mcp"}
}

// Without the middleware: a handler calls Expired itself and writes the
// challenge with Challenge.
func ExampleChallenge() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if ok && jwtexp.Expired(token, jwtexp.DefaultSkew) {
			w.Header().Set("WWW-Authenticate", jwtexp.Challenge{
				Realm:            "mcp",
				Error:            "invalid_token",
				ErrorDescription: "The access token expired",
				ResourceMetadata: exampleMetadata,
			}.String())
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, "token expired")
			return
		}
		fmt.Fprint(w, "hello")
	})

	for _, token := range []string{exampleExpired, exampleFresh} {
		r := httptest.NewRequest("GET", "/mcp", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body)
		if c := w.Header().Get("WWW-Authenticate"); c != "" {
			fmt.Println("    WWW-Authenticate:", c)
		}
	}
	fmt.Println(jwtexp.Challenge{})
	fmt.Println(jwtexp.Challenge{Realm: `say "hi"`, Scope: "files:read"})
	// Output:
	// 401 token expired
	//     WWW-Authenticate: Bearer realm="mcp", error="invalid_token", error_description="The access token expired", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
	// 200 hello
	// Bearer
	// Bearer realm="say \"hi\"", scope="files:read"
}

// An error handler that logs the rejection and answers in plain text, with
// a challenge it builds from Challenge: the middleware has set no header
// when the handler runs.
func ExampleWithErrorHandler() {
	base := jwtexp.Challenge{Realm: "mcp", ResourceMetadata: exampleMetadata}
	handler := jwtexp.Middleware(
		jwtexp.WithRequireToken(),
		jwtexp.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
			fmt.Println("log:", r.Method, r.URL.Path, err)
			c := base
			if errors.Is(err, jwtexp.ErrExpired) {
				c.Error, c.ErrorDescription = "invalid_token", "The access token expired"
			}
			w.Header().Set("WWW-Authenticate", c.String())
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, "please sign in again")
		}),
	)(http.NotFoundHandler())

	for _, auth := range []string{"Bearer " + exampleExpired, ""} {
		r := httptest.NewRequest("POST", "/mcp", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"), w.Body)
	}
	// Output:
	// log: POST /mcp jwtexp: bearer token expired
	// 401 Bearer realm="mcp", error="invalid_token", error_description="The access token expired", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp" please sign in again
	// log: POST /mcp jwtexp: no bearer token
	// 401 Bearer realm="mcp", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp" please sign in again
}

// With WithJSONRPCError, a rejected JSON-RPC request gets a JSON-RPC error
// response with its own id, which keeps an MCP go-sdk client's session
// alive; a notification, which has no id, gets the OAuth error body. Both
// are 401 with the same challenge.
func ExampleWithJSONRPCError() {
	handler := jwtexp.Middleware(
		jwtexp.WithResourceMetadata(exampleMetadata),
		jwtexp.WithJSONRPCError(),
	)(http.NotFoundHandler())

	for _, body := range []string{
		`{"jsonrpc":"2.0","id":7,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
	} {
		r := httptest.NewRequest("POST", "/mcp", strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+exampleExpired)
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	// Output:
	// 401 application/json {"jsonrpc":"2.0","id":7,"error":{"code":-32001,"message":"The access token expired"}}
	// 401 application/json {"error":"invalid_token","error_description":"The access token expired"}
}
