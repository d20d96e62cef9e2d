package jwtexp

import (
	"errors"
	"net/http"
	"time"
)

// Option configures [Middleware]. Options apply in order, so the later of
// two wins; a nil or invalid one makes Middleware panic.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set. The default of each field, that of
// Middleware() with no options, is its zero value, except for now, which
// [defaultConfig] sets.
type config struct {
	skew             time.Duration    // 0: never more lenient than a verifier without leeway
	now              func() time.Time // time.Now
	realm            string           // "": no realm parameter
	scope            string           // "": no scope parameter
	resourceMetadata string           // "": no resource_metadata parameter
	requireToken     bool             // false: a request without a bearer token passes
	strict           bool             // false: a malformed JWT passes
	jsonrpc          bool             // false: the 401 body is the OAuth error JSON

	// nil: the challenge comes from the options alone
	challengeFunc func(*http.Request, error) Challenge
	// nil: no call on a rejection
	rejectHook func(*http.Request, error)
	// nil: the built-in 401 writer
	errorHandler func(http.ResponseWriter, *http.Request, error)

	err error // the first invalid option value
}

// defaultConfig returns the configuration of Middleware() with no options:
// the zero config with the wall clock.
func defaultConfig() config {
	return config{now: time.Now}
}

func (c *config) invalid(err error) {
	if c.err == nil {
		c.err = err
	}
}

// check returns the first invalid option value, or an error for options
// that cannot be combined.
func (c *config) check() error {
	switch {
	case c.err != nil:
		return c.err
	case c.errorHandler != nil && c.jsonrpc:
		return errors.New("jwtexp: WithJSONRPCError cannot be combined with WithErrorHandler, which writes the whole response")
	case c.errorHandler != nil && c.challengeFunc != nil:
		return errors.New("jwtexp: WithChallenge cannot be combined with WithErrorHandler, which writes the whole response")
	}
	return nil
}

// WithSkew sets the clock-skew allowance d: a token is expired once
// now >= exp + d, the rule of [ExpiredAt]. The default is 0, and every
// value is valid. Never set d above the leeway of the verifier behind,
// whose own 401 may lack invalid_token. A negative d rejects tokens up to
// -d before they expire.
func WithSkew(d time.Duration) Option {
	return optionFunc(func(c *config) { c.skew = d })
}

// WithClock sets the clock, [time.Now] by default.
// It is called once per bearer token whose exp could be read, and must be
// safe for concurrent use. A nil now makes [Middleware] panic.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) {
		if now == nil {
			c.invalid(errors.New("jwtexp: WithClock: nil clock"))
			return
		}
		c.now = now
	})
}

// WithResourceMetadata sets the challenge's resource_metadata parameter
// (RFC 9728 §5.1), where MCP clients find the authorization server. The
// default is none. u must be
// an absolute http(s) URL with a host, in RFC 3986 characters, without
// userinfo (RFC 9110 §4.2.4) or fragment (RFC 9728 §1.2); anything else,
// "" included, makes [Middleware] panic.
func WithResourceMetadata(u string) Option {
	return optionFunc(func(c *config) {
		if err := checkResourceMetadata(u); err != nil {
			c.invalid(err)
			return
		}
		c.resourceMetadata = u
	})
}

// WithRealm sets the challenge's realm parameter (RFC 9110 §11.5), which
// is sent first. The default, "", sends none. A control character
// (0x00–0x1F or DEL) makes [Middleware] panic.
func WithRealm(realm string) Option {
	return optionFunc(func(c *config) {
		if err := checkParamValue("WithRealm", realm); err != nil {
			c.invalid(err)
			return
		}
		c.realm = realm
	})
}

// WithScope sets the challenge's scope parameter (RFC 6750 §3): the
// space-delimited scopes a token needs. The default, "", sends none. A
// control character (0x00–0x1F or DEL) makes [Middleware] panic.
func WithScope(scope string) Option {
	return optionFunc(func(c *config) {
		if err := checkParamValue("WithScope", scope); err != nil {
			c.invalid(err)
			return
		}
		c.scope = scope
	})
}

// WithRequireToken rejects requests without a bearer token too, with a
// 401 whose challenge has no error code (RFC 6750 §3.1) and whose body is
// empty unless [WithJSONRPCError] or [WithChallenge] gives it one. Off by
// default: such requests go to the next handler.
func WithRequireToken() Option {
	return optionFunc(func(c *config) { c.requireToken = true })
}

// WithStrict rejects bearer tokens that [UnverifiedExp] reports as
// [ErrMalformed] too, as invalid_token with "The access token is
// malformed". Off by default: the verifier rejects such tokens.
func WithStrict() Option {
	return optionFunc(func(c *config) { c.strict = true })
}

// WithChallenge sets f to build the challenge of each rejection, for
// servers whose challenge depends on the request. f runs once per rejection, with the error [WithErrorHandler]
// would get; build URLs from configuration, not from the client-supplied
// r.Host. Fields f leaves empty are filled from [WithRealm], [WithScope]
// and [WithResourceMetadata], then with "invalid_token" and the built-in
// description, except that a missing token gets no error code unless f
// sets one. Any value is sent, made valid by [Challenge.String]. The
// default is none.
// f must be safe for concurrent use. A nil f, or combining it with
// [WithErrorHandler], makes [Middleware] panic.
func WithChallenge(f func(r *http.Request, err error) Challenge) Option {
	return optionFunc(func(c *config) {
		if f == nil {
			c.invalid(errors.New("jwtexp: WithChallenge: nil function"))
			return
		}
		c.challengeFunc = f
	})
}

// WithRejectHook sets f to run once per rejection, before anything is
// written, with the error [WithErrorHandler] would get: to log or count
// rejections. It changes nothing in the response. The default is none. f
// must be safe for concurrent use; a nil f makes [Middleware] panic.
func WithRejectHook(f func(r *http.Request, err error)) Option {
	return optionFunc(func(c *config) {
		if f == nil {
			c.invalid(errors.New("jwtexp: WithRejectHook: nil function"))
			return
		}
		c.rejectHook = f
	})
}

// WithErrorHandler sets h to write the whole response of each rejection
// instead of the built-in 401; no header is set when it runs. h receives
// an [*ExpiredError], [ErrMissingToken], or an error matching
// [ErrMalformed], and can build the header with [Challenge]. If h leaves an
// HTTP/1.x body unread, the connection closes once h returns; an h that
// flushes must set "Connection: close" first. The default is the built-in
// writer. h must be safe for concurrent use. A nil h, or combining it with
// [WithJSONRPCError] or [WithChallenge], makes [Middleware] panic.
func WithErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return optionFunc(func(c *config) {
		if h == nil {
			c.invalid(errors.New("jwtexp: WithErrorHandler: nil handler"))
			return
		}
		c.errorHandler = h
	})
}

// WithJSONRPCError makes the 401 body a JSON-RPC 2.0 error response when
// the rejected request is a POST whose body is one JSON-RPC request with a
// string or number id:
//
//	{"jsonrpc":"2.0","id":<the request's id>,"error":{"code":-32001,"message":"The access token expired"}}
//
// The message is the challenge's error_description, or "The access token
// is missing"; status and challenge are the plain 401's. A go-sdk client
// then fails only that call and keeps its session, where a plain 401 ends
// it. Off by default, it reads at most 64 KiB of the body, for at most one
// second, on the reject path only; anything else (a larger or slower body,
// Expect: 100-continue over HTTP/1.1, a notification, a batch) gets the
// plain body.
func WithJSONRPCError() Option {
	return optionFunc(func(c *config) { c.jsonrpc = true })
}
