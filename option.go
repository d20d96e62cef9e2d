package jwtexp

import (
	"errors"
	"net/http"
	"time"
)

// Option configures [Middleware]. Options are applied in order, so when an
// option is given twice the later one wins; an invalid value anywhere makes
// Middleware panic. Obtain options from the With functions; a nil Option is
// invalid.
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

// WithSkew sets the clock-skew allowance d: a token counts as expired once
// now >= exp + d, the rule of [ExpiredAt]. The default is 0. Every value is
// valid.
//
// A reject-only filter must never be more lenient than the verifier behind
// it, or that verifier answers the tokens in between with its own 401, which
// may lack the error="invalid_token" that makes MCP clients re-authorize.
// With 0, every expired token gets this challenge whatever non-negative
// leeway the verifier has. Set d at or below the verifier's leeway, never
// above it. A negative d rejects tokens up to -d before they expire, for
// example to leave them time to reach a slow downstream service.
func WithSkew(d time.Duration) Option {
	return optionFunc(func(c *config) { c.skew = d })
}

// WithClock sets the function that tells the current time. The default is
// [time.Now]. Tests pass a fixed clock. now is called once per bearer
// credential examined whose exp could be read, and not at all for other
// requests; a request with several Authorization field lines may call it
// once per line (see [Middleware]). It must be safe for concurrent use. A
// nil now makes [Middleware] panic.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) {
		if now == nil {
			c.invalid(errors.New("jwtexp: WithClock: nil clock"))
			return
		}
		c.now = now
	})
}

// WithResourceMetadata sets the resource_metadata parameter of the challenge
// (RFC 9728 §5.1): the URL of this server's OAuth protected resource
// metadata, from which an MCP client finds the authorization server (the
// MCP authorization spec's authorization server discovery). The default
// is none. u must be an absolute http or https URL with a host, written with
// RFC 3986 characters only, without userinfo (RFC 9110 §4.2.4: a sender
// must not generate it in an http(s) URI) and without a fragment (the
// metadata URL is built from a resource identifier, which RFC 9728 §1.2
// forbids to have one). Anything else, including "", makes [Middleware]
// panic.
func WithResourceMetadata(u string) Option {
	return optionFunc(func(c *config) {
		if err := checkResourceMetadata(u); err != nil {
			c.invalid(err)
			return
		}
		c.resourceMetadata = u
	})
}

// WithRealm sets the realm parameter of the challenge (RFC 9110 §11.5),
// which is sent first. The default is none, and "" means none. A realm with
// a control character (0x00–0x1F or DEL) makes [Middleware] panic; `"` and `\`
// are escaped.
func WithRealm(realm string) Option {
	return optionFunc(func(c *config) {
		if err := checkParamValue("WithRealm", realm); err != nil {
			c.invalid(err)
			return
		}
		c.realm = realm
	})
}

// WithScope sets the scope parameter of the challenge (RFC 6750 §3): the
// space-delimited scopes a token for this resource needs. The default is
// none, and "" means none. A scope with a control character (0x00–0x1F or
// DEL) makes [Middleware] panic.
func WithScope(scope string) Option {
	return optionFunc(func(c *config) {
		if err := checkParamValue("WithScope", scope); err != nil {
			c.invalid(err)
			return
		}
		c.scope = scope
	})
}

// WithRequireToken makes a request without a bearer token fail with a 401
// whose challenge carries realm, resource_metadata and scope but no error
// code, as RFC 6750 §3.1 asks for a request without credentials; its body is
// empty (Content-Length: 0) unless [WithJSONRPCError] or an error code from
// [WithChallenge] gives it one. The default is off: such requests pass, and
// the downstream handler decides. CORS preflights and clean paths under
// /.well-known/ pass either way (see [Middleware]).
func WithRequireToken() Option {
	return optionFunc(func(c *config) { c.requireToken = true })
}

// WithStrict makes a bearer token that [UnverifiedExp] reports as
// [ErrMalformed] fail with a 401 invalid_token challenge whose
// error_description is "The access token is malformed" (or what
// [WithChallenge] says). The default is off:
// such tokens pass, and the downstream verifier rejects them. Tokens that are
// [ErrNotJWT] (opaque) or [ErrNoExp] pass either way.
func WithStrict() Option {
	return optionFunc(func(c *config) { c.strict = true })
}

// WithChallenge sets f to tell the challenge of each rejection, for servers
// whose realm, scope, resource_metadata or wording depend on the request
// (the serving host, a tenant in the path) or change at run time. The
// default is nil: the challenge comes from the options alone.
//
// f is called once per rejection, never on the pass path, with the request
// and the error that [WithErrorHandler] would receive. The [Challenge] it
// returns is the one sent; each field it leaves empty is filled from
// [WithRealm], [WithScope] and [WithResourceMetadata], then, for an expired
// or malformed token, Error with "invalid_token" and ErrorDescription with
// the built-in description. A missing token ([WithRequireToken]) gets no
// error code unless f sets one (RFC 6750 §3.1). The rest of the built-in
// response stays; its OAuth JSON body carries the challenge's Error and
// ErrorDescription, and the [WithJSONRPCError] message its ErrorDescription.
// Values from f are never rejected: [Challenge.String] makes any value a
// valid header.
//
// f must be safe for concurrent use. A nil f makes [Middleware] panic, and
// so does combining it with [WithErrorHandler], which writes the whole
// response.
func WithChallenge(f func(r *http.Request, err error) Challenge) Option {
	return optionFunc(func(c *config) {
		if f == nil {
			c.invalid(errors.New("jwtexp: WithChallenge: nil function"))
			return
		}
		c.challengeFunc = f
	})
}

// WithRejectHook sets f to be called exactly once per rejection, before
// anything is written, with the request and the error that [WithErrorHandler]
// would receive: to log or count rejections. It changes nothing in the
// response, and works with the built-in writer and with [WithErrorHandler],
// which it runs before. The default is nil, no call. f must be safe for
// concurrent use. A nil f makes [Middleware] panic.
func WithRejectHook(f func(r *http.Request, err error)) Option {
	return optionFunc(func(c *config) {
		if f == nil {
			c.invalid(errors.New("jwtexp: WithRejectHook: nil function"))
			return
		}
		c.rejectHook = f
	})
}

// WithErrorHandler replaces the built-in 401 writer by h. The default is
// nil, which means the built-in writer. h runs instead of the next handler
// and receives an [*ExpiredError], [ErrMissingToken] (under
// [WithRequireToken]) or, under [WithStrict], an error matching
// [ErrMalformed]. When h runs, the middleware has set no header and written
// nothing: h owns the whole response, and can build the WWW-Authenticate
// value with [Challenge]. h must be safe for concurrent use. A nil h makes
// [Middleware] panic, and so does combining it with [WithJSONRPCError] or
// [WithChallenge], whose results h would replace.
func WithErrorHandler(h func(w http.ResponseWriter, r *http.Request, err error)) Option {
	return optionFunc(func(c *config) {
		if h == nil {
			c.invalid(errors.New("jwtexp: WithErrorHandler: nil handler"))
			return
		}
		c.errorHandler = h
	})
}

// WithJSONRPCError makes the 401 body a JSON-RPC 2.0 error response when the
// rejected request is a POST whose body is a single JSON-RPC 2.0 request
// with a string or number id:
//
//	{"jsonrpc":"2.0","id":<the request's id, byte for byte>,"error":{"code":-32001,"message":"The access token expired"}}
//
// The message is the challenge's error_description, or "The access token is
// missing" when it has none. Status and headers stay those of the plain 401.
// The default is off. An MCP go-sdk client fails only the one call on such a
// body and keeps its session, where a plain 401 ends the session.
//
// Only on the reject path, at most 64 KiB of the body is read, for at most
// one second; a larger or slower body, a request with "Expect:
// 100-continue" (whose body is never asked for), a notification, a batch or
// anything else gets the plain body, and the request is still rejected.
func WithJSONRPCError() Option {
	return optionFunc(func(c *config) { c.jsonrpc = true })
}
