// Package bearer provides an http.RoundTripper that sends a bearer token the
// test can swap between requests, so one SDK client can be driven from a
// fresh token to an expired one and back.
package bearer

import (
	"net/http"
	"sync/atomic"
)

// Transport sets "Authorization: Bearer <token>" on every request it sends
// through Base (http.DefaultTransport when nil). With no token set, it sends
// no Authorization header. Safe for concurrent use; SetToken affects
// requests sent after it returns.
type Transport struct {
	Base  http.RoundTripper
	token atomic.Pointer[string]
}

// SetToken replaces the token; "" removes the Authorization header.
func (t *Transport) SetToken(token string) { t.token.Store(&token) }

// Token returns the current token, "" when none is set.
func (t *Transport) Token() string {
	if p := t.token.Load(); p != nil {
		return *p
	}
	return ""
}

// RoundTrip implements http.RoundTripper. It does not modify req (the
// RoundTripper contract); it sends a clone.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if tok := t.Token(); tok != "" {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return base.RoundTrip(req)
}

// Client returns an http.Client that sends through t.
func (t *Transport) Client() *http.Client { return &http.Client{Transport: t} }
