// Package bearer holds a bearer token that a test swaps between requests, so
// that one SDK client can be driven from a fresh token to an expired one and
// back. The token reaches the client either as an http.RoundTripper
// ([Transport], for the go-sdk, which takes an http.Client) or as a header
// function ([Token.Header], mcp-go's way to send a token it does not manage
// itself).
package bearer

import (
	"context"
	"net/http"
	"sync/atomic"
)

// Token is a bearer token that can be replaced while clients use it. The
// zero value holds no token. Safe for concurrent use; Set affects requests
// sent after it returns.
type Token struct {
	p atomic.Pointer[string]
}

// Set replaces the token; "" removes it.
func (t *Token) Set(token string) { t.p.Store(&token) }

// Get returns the current token, "" when none is set.
func (t *Token) Get() string {
	if p := t.p.Load(); p != nil {
		return *p
	}
	return ""
}

// Header returns the Authorization header for the current token, in the
// shape of mcp-go's transport.WithHTTPHeaderFunc and transport.WithHeaderFunc:
// {"Authorization": "Bearer <token>"}, or an empty map when no token is set.
func (t *Token) Header(context.Context) map[string]string {
	if tok := t.Get(); tok != "" {
		return map[string]string{"Authorization": "Bearer " + tok}
	}
	return map[string]string{}
}

// Transport sets "Authorization: Bearer <token>" on every request it sends
// through Base (http.DefaultTransport when nil), with the token current at
// that moment. With no token set, it sends no Authorization header. Safe for
// concurrent use.
type Transport struct {
	Base http.RoundTripper
	Token
}

// RoundTrip implements http.RoundTripper. It does not modify req (the
// RoundTripper contract); it sends a clone.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if tok := t.Get(); tok != "" {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return base.RoundTrip(req)
}

// Client returns an http.Client that sends through t.
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }
