package jwtexp_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jwtexp/jwtexp"
)

// The payloads below are base64url of the JSON shown beside them; the
// signatures are placeholders, since jwtexp never checks them.
const (
	token2023 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln"                 // {"sub":"jane","exp":1700000000}
	token2020 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNjAwMDAwMDAwfQ.c2ln"                 // {"sub":"jane","exp":1600000000}
	token2100 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln"                 // {"sub":"jane","exp":4102444800}
	noExp     = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2ln"                                        // {"sub":"jane"}
	stringExp = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoiMjAyMy0xMS0xNFQyMjoxMzoyMFoifQ.c2ln" // {"sub":"jane","exp":"2023-11-14T22:13:20Z"}
	laravel   = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE2NDQ5NDgzMjkuNTI4MjM5fQ.c2ln"                         // {"exp":1644948329.528239}
)

func ExampleUnverifiedExp() {
	exp, err := jwtexp.UnverifiedExp(token2023)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exp.UTC())

	// Fractional exps are exact, to the nanosecond.
	exp, _ = jwtexp.UnverifiedExp(laravel)
	fmt.Println(exp.UTC().Format(time.RFC3339Nano))
	// Output:
	// 2023-11-14 22:13:20 +0000 UTC
	// 2022-02-15T18:05:29.528239Z
}

func ExampleExpired() {
	// Reject early, before the expensive verifier runs; a token that is
	// not expired must still be verified in full.
	for _, token := range []string{token2020, token2100, "opaque-access-token"} {
		if jwtexp.Expired(token, 0) {
			fmt.Println("401: expired")
		} else {
			fmt.Println("pass to the verifier")
		}
	}
	// Output:
	// 401: expired
	// pass to the verifier
	// pass to the verifier
}

func ExampleExpiredAt() {
	exp := time.Unix(1700000000, 0)
	fmt.Println(jwtexp.ExpiredAt(token2023, exp.Add(-time.Second), 0))
	fmt.Println(jwtexp.ExpiredAt(token2023, exp, 0))                                // RFC 7519: now must be before exp
	fmt.Println(jwtexp.ExpiredAt(token2023, exp.Add(30*time.Second), time.Minute))  // within a 1-minute skew
	fmt.Println(jwtexp.ExpiredAt(token2023, exp.Add(-time.Minute), -5*time.Minute)) // expires within 5 minutes
	// Output:
	// false
	// true
	// false
	// true
}

// The three errors tell apart what a server should let pass from what it
// may reject.
func ExampleUnverifiedExp_errors() {
	for _, token := range []string{token2023, "2YotnFZFEjr1zCsicMWpAA", noExp, stringExp} {
		_, err := jwtexp.UnverifiedExp(token)
		switch {
		case err == nil:
			fmt.Println("has an exp")
		case errors.Is(err, jwtexp.ErrNotJWT):
			fmt.Println("opaque or not a JWT: let the verifier decide")
		case errors.Is(err, jwtexp.ErrNoExp):
			fmt.Println("a JWT without exp: let the verifier decide")
		case errors.Is(err, jwtexp.ErrMalformed):
			fmt.Println("a broken JWT:", err)
		}
	}
	// Output:
	// has an exp
	// opaque or not a JWT: let the verifier decide
	// a JWT without exp: let the verifier decide
	// a broken JWT: jwtexp: malformed JWT claims
}

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

// Without the middleware: a handler reads each Authorization line with
// BearerToken, as Middleware does, calls Expired itself and writes the
// challenge with Challenge.
func ExampleChallenge() {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, v := range r.Header.Values("Authorization") {
			if token, ok := jwtexp.BearerToken(v); ok && jwtexp.Expired(token, 0) {
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
		}
		fmt.Fprint(w, "hello") // the real verifier goes here
	})

	for _, auth := range []string{"Bearer " + exampleExpired, "bearer " + exampleExpired, "Bearer " + exampleFresh} {
		r := httptest.NewRequest("GET", "/mcp", nil)
		r.Header.Set("Authorization", auth)
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
	// log: POST /mcp jwtexp: bearer token expired at 2023-11-14T22:13:20Z
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

// A multi-tenant MCP server adopts the middleware whole: each tenant has its
// own protected resource metadata, looked up in configuration by the tenant
// path, the server words its own error_description, and requests
// that carry another credential (an API key here) skip the expiry check
// by plain handler composition.
func ExampleWithChallenge() {
	// Each tenant's resource comes from configuration: a URL built from the
	// client-supplied Host header would let a client choose where the
	// challenge sends it.
	resources := map[string]string{
		"acme":   "https://acme.example.com/mcp/acme",
		"globex": "https://mcp.example.net/mcp/globex",
	}
	metadataURL := func(tenant string) string {
		if res, ok := resources[tenant]; ok {
			return res + "/.well-known/oauth-protected-resource"
		}
		return "" // an unknown tenant: no resource_metadata
	}
	mcpHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "MCP for %s", r.PathValue("tenant")) // the real verifier and MCP handler go here
	})
	metadata := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"resource":%q}`, resources[r.PathValue("tenant")])
	})

	rejectExpired := jwtexp.Middleware(
		jwtexp.WithChallenge(func(r *http.Request, err error) jwtexp.Challenge {
			c := jwtexp.Challenge{
				// The mux has matched {tenant} before the middleware runs.
				ResourceMetadata: metadataURL(r.PathValue("tenant")),
			}
			var e *jwtexp.ExpiredError
			if errors.As(err, &e) {
				c.ErrorDescription = "Session ended at " + e.Exp.UTC().Format(time.RFC3339) + ", please sign in again"
			}
			return c // empty fields get the built-in values
		}),
	)
	bearerOnly := rejectExpired(mcpHandler)
	mcp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-Key") != "" {
			mcpHandler.ServeHTTP(w, r) // another credential: its own check
			return
		}
		bearerOnly.ServeHTTP(w, r)
	})

	mux := http.NewServeMux()
	mux.Handle("/mcp/{tenant}", mcp)
	mux.Handle("GET /mcp/{tenant}/.well-known/oauth-protected-resource", metadata)

	for _, req := range []struct{ method, url, token, apiKey string }{
		{"POST", "https://acme.example.com/mcp/acme", exampleExpired, ""},
		{"POST", "https://mcp.example.net/mcp/globex", exampleExpired, ""},
		{"POST", "https://acme.example.com/mcp/acme", exampleFresh, ""},
		{"POST", "https://acme.example.com/mcp/acme", exampleExpired, "k-123"},
		{"GET", "https://acme.example.com/mcp/acme/.well-known/oauth-protected-resource", exampleExpired, ""},
	} {
		r := httptest.NewRequest(req.method, req.url, nil)
		r.Header.Set("Authorization", "Bearer "+req.token)
		if req.apiKey != "" {
			r.Header.Set("X-API-Key", req.apiKey)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body)
		if c := w.Header().Get("WWW-Authenticate"); c != "" {
			fmt.Println("    WWW-Authenticate:", c)
		}
	}
	// Output:
	// 401 {"error":"invalid_token","error_description":"Session ended at 2023-11-14T22:13:20Z, please sign in again"}
	//     WWW-Authenticate: Bearer error="invalid_token", error_description="Session ended at 2023-11-14T22:13:20Z, please sign in again", resource_metadata="https://acme.example.com/mcp/acme/.well-known/oauth-protected-resource"
	// 401 {"error":"invalid_token","error_description":"Session ended at 2023-11-14T22:13:20Z, please sign in again"}
	//     WWW-Authenticate: Bearer error="invalid_token", error_description="Session ended at 2023-11-14T22:13:20Z, please sign in again", resource_metadata="https://mcp.example.net/mcp/globex/.well-known/oauth-protected-resource"
	// 200 MCP for acme
	// 200 MCP for acme
	// 200 {"resource":"https://acme.example.com/mcp/acme"}
}

// Logging every rejection with log/slog, without changing the response.
func ExampleWithRejectHook() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{} // no timestamp, for a stable example
			}
			return a
		},
	}))
	handler := jwtexp.Middleware(
		jwtexp.WithRequireToken(),
		jwtexp.WithRejectHook(func(r *http.Request, err error) {
			attrs := []any{"path", r.URL.Path, "err", err}
			var e *jwtexp.ExpiredError
			if errors.As(err, &e) {
				attrs = append(attrs, "exp", e.Exp.UTC())
			}
			logger.Info("jwtexp: rejected", attrs...)
		}),
	)(http.NotFoundHandler())

	for _, auth := range []string{"Bearer " + exampleExpired, ""} {
		r := httptest.NewRequest("POST", "/mcp", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	// Output:
	// level=INFO msg="jwtexp: rejected" path=/mcp err="jwtexp: bearer token expired at 2023-11-14T22:13:20Z" exp=2023-11-14T22:13:20.000Z
	// 401
	// level=INFO msg="jwtexp: rejected" path=/mcp err="jwtexp: no bearer token"
	// 401
}
