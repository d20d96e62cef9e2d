package jwtexp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// The errors a handler given to [WithErrorHandler] receives. Under
// [WithStrict] it may also receive an error for which
// errors.Is(err, [ErrMalformed]) is true. Compare with errors.Is.
var (
	// ErrExpired means a bearer JWT's exp claim has passed: [ExpiredAt] is
	// true for it under the configured clock and skew.
	ErrExpired = errors.New("jwtexp: bearer token expired")
	// ErrMissingToken means the request carried no bearer token while
	// [WithRequireToken] was set.
	ErrMissingToken = errors.New("jwtexp: no bearer token")
)

// Option configures [Middleware]. Options are applied in order, so when an
// option is given twice the later one wins; an invalid value anywhere makes
// Middleware panic. Obtain options from the With functions; a nil Option is
// invalid.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set. Every default lives in [defaultConfig].
type config struct {
	skew             time.Duration
	now              func() time.Time
	realm            string
	scope            string
	resourceMetadata string
	requireToken     bool
	strict           bool
	jsonrpc          bool
	errorHandler     func(http.ResponseWriter, *http.Request, error)
	err              error // the first invalid option value
}

// defaultConfig returns the configuration of Middleware() with no options.
func defaultConfig() config {
	return config{
		skew:             DefaultSkew,
		now:              time.Now,
		realm:            "",    // no realm parameter
		scope:            "",    // no scope parameter
		resourceMetadata: "",    // no resource_metadata parameter
		requireToken:     false, // a request without a bearer token passes
		strict:           false, // a malformed JWT passes
		jsonrpc:          false, // the 401 body is the OAuth error JSON
		errorHandler:     nil,   // the built-in 401 writer
	}
}

func (c *config) invalid(err error) {
	if c.err == nil {
		c.err = err
	}
}

// WithSkew sets the clock-skew allowance d: a token counts as expired once
// now >= exp + d, the rule of [ExpiredAt]. The default is [DefaultSkew]
// (60 seconds), which tolerates a client clock that runs slightly fast. A
// negative d rejects tokens d before they expire, for example to leave them
// time to reach a slow downstream service. Every value is valid.
func WithSkew(d time.Duration) Option {
	return optionFunc(func(c *config) { c.skew = d })
}

// WithClock sets the function that tells the current time. The default is
// [time.Now]. Tests pass a fixed clock. now is called at most once per
// request, only for a bearer token whose exp could be read, and must be safe
// for concurrent use. A nil now makes [Middleware] panic.
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
// RFC 3986 characters only; anything else, including "", makes [Middleware]
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
// empty (Content-Length: 0). The default is off: such requests pass, and the
// downstream handler decides. OPTIONS requests and paths under /.well-known/
// pass either way.
func WithRequireToken() Option {
	return optionFunc(func(c *config) { c.requireToken = true })
}

// WithStrict makes a bearer token that [UnverifiedExp] reports as
// [ErrMalformed] fail with a 401 invalid_token challenge whose
// error_description is "The access token is malformed". The default is off:
// such tokens pass, and the downstream verifier rejects them. Tokens that are
// [ErrNotJWT] (opaque) or [ErrNoExp] pass either way.
func WithStrict() Option {
	return optionFunc(func(c *config) { c.strict = true })
}

// WithErrorHandler replaces the built-in 401 writer by h. The default is
// nil, which means the built-in writer. h runs instead of the next handler
// and receives [ErrExpired], [ErrMissingToken] (under [WithRequireToken]) or,
// under [WithStrict], an error matching [ErrMalformed]. When h runs, the
// middleware has set no header and written nothing: h owns the whole
// response, and can build the WWW-Authenticate value with [Challenge]. h must
// be safe for concurrent use. A nil h makes [Middleware] panic, and so does
// combining it with [WithJSONRPCError], whose body h would replace.
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
// The code is [JSONRPCErrorCode]; the message is the error_description of
// the challenge, or "The access token is missing" under [WithRequireToken].
// Status and headers stay those of the plain 401, with Content-Type
// application/json. The default is off.
//
// Why: an MCP go-sdk streamable client that gets a non-2xx response whose
// body is a JSON-RPC error fails only that call and keeps its session;
// after a plain 401 it closes the session for good.
//
// At most 1 MiB of the body is read, and only on the reject path. A
// notification (no id), a null id, a batch, anything not JSON, a body over
// 1 MiB, or a body that cannot be read gets the plain OAuth error body; the
// request is still rejected with 401.
func WithJSONRPCError() Option {
	return optionFunc(func(c *config) { c.jsonrpc = true })
}

// Middleware returns a net/http middleware, in the constructor shape of alice
// and chi, that answers a request carrying an expired bearer JWT with a 401
// and the Bearer challenge MCP clients act on, and passes every other request
// to the next handler untouched.
//
// The signature is not verified: Middleware only ever rejects. A token it
// lets through must still be verified downstream.
//
// The token is the credential of each Authorization header field line whose
// scheme is "Bearer", matched case-insensitively (RFC 9110 §11.1). The
// scheme must be followed by at least one space; a tab is accepted too,
// because common downstream verifiers (the MCP go-sdk's RequireBearerToken
// splits with strings.Fields) accept it, and a reject-only filter must
// recognise at least every token the verifier would take. Surrounding spaces
// and tabs are trimmed. Other schemes and an empty credential mean "no
// bearer token". A token in the query string is never read: MCP forbids it.
//
// When a request has several Authorization field lines, each bearer
// credential among them is examined, and the request is rejected if any one
// would be; the first rejected line, in order, decides the error. Verifiers
// differ in which line they read (Header.Get reads the first), so rejecting
// on any line is the only choice that never lets an expired token through
// by position. The downstream verifier must itself refuse duplicates.
//
// These requests pass untouched, without a look at the token:
//   - every OPTIONS request, since CORS preflights carry no credentials;
//   - every request whose URL path, as decoded by net/http and cleaned by
//     [path.Clean], is /.well-known or under /.well-known/, since OAuth
//     discovery (RFC 8414, RFC 9728) must never need a token. The path must
//     already start with /.well-known/ before cleaning, so
//     "/.well-known/../mcp" is not exempt, while a percent-encoded
//     "/%2Ewell-known/x" decodes to an exempt path.
//
// Otherwise fresh tokens, opaque tokens ([ErrNotJWT]), JWTs without exp
// ([ErrNoExp]) and malformed JWTs ([ErrMalformed], unless [WithStrict]) pass,
// and so do requests without a bearer token unless [WithRequireToken] is set.
//
// A request with a bearer token for which [ExpiredAt] is true, under the
// configured clock and skew, is rejected. Unless [WithErrorHandler] replaces
// the writer, the response is status 401 with
//
//	WWW-Authenticate: Bearer realm="…", error="invalid_token", error_description="The access token expired", resource_metadata="…", scope="…"
//	Cache-Control: no-store
//	Content-Type: application/json
//
//	{"error":"invalid_token","error_description":"The access token expired"}
//
// where realm, resource_metadata and scope appear only when configured (see
// [Challenge.String]), and the header carries exactly one challenge,
// replacing any WWW-Authenticate an outer handler set. The next handler is
// not called. Headers an outer middleware set on the response, such as CORS
// headers, are kept. When the request has an Origin header, the value
// WWW-Authenticate is added to Access-Control-Expose-Headers, unless already
// listed, so that browser clients can read the challenge; an outer CORS
// middleware still has to send Access-Control-Allow-Origin.
//
// Middleware reads its options once and panics, with a message starting
// "jwtexp:", on an invalid one. The returned middleware and every handler it
// wraps are safe for concurrent use. On the pass path they allocate nothing.
func Middleware(opts ...Option) func(http.Handler) http.Handler {
	c := defaultConfig()
	for i, o := range opts {
		if o == nil {
			panic(fmt.Sprintf("jwtexp: Middleware: option %d is nil", i))
		}
		o.apply(&c)
	}
	if c.err != nil {
		panic(c.err.Error())
	}
	if c.errorHandler != nil && c.jsonrpc {
		panic("jwtexp: WithJSONRPCError cannot be combined with WithErrorHandler, which writes the whole response")
	}
	p := newPolicy(c)
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("jwtexp: Middleware: nil next handler")
		}
		return &handler{policy: p, next: next}
	}
}

type handler struct {
	*policy
	next http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v, err := h.decide(r)
	switch {
	case v == pass:
		h.next.ServeHTTP(w, r)
	case h.errorHandler != nil:
		h.errorHandler(w, r, err)
	default:
		h.reject(w, r, v)
	}
}

// policy is the immutable state of one [Middleware]: the decision settings
// and every response precomputed.
type policy struct {
	skew         time.Duration
	now          func() time.Time
	requireToken bool
	strict       bool
	jsonrpc      bool
	errorHandler func(http.ResponseWriter, *http.Request, error)
	responses    [numVerdicts]response
}

// verdict is the decision for one request.
type verdict uint8

const (
	pass verdict = iota
	missingToken
	expired
	malformed
	numVerdicts
)

// The decision.

// decide tells what to do with r, and for a rejection the error for the
// handler of [WithErrorHandler]. It allocates nothing.
func (p *policy) decide(r *http.Request) (verdict, error) {
	if r.Method == http.MethodOptions || isWellKnown(r.URL) {
		return pass, nil
	}
	found := false
	for _, line := range r.Header["Authorization"] {
		token, ok := bearerToken(line)
		if !ok {
			continue
		}
		found = true
		if v, err := p.judge(token); v != pass {
			return v, err
		}
	}
	if !found && p.requireToken {
		return missingToken, ErrMissingToken
	}
	return pass, nil
}

// judge decides on one bearer token. It reads exp once, with
// [UnverifiedExp], and applies the rule of [ExpiredAt] to the result.
func (p *policy) judge(token string) (verdict, error) {
	exp, err := UnverifiedExp(token)
	switch {
	case err == nil:
		if !p.now().Before(exp.Add(p.skew)) {
			return expired, ErrExpired
		}
	case p.strict && errors.Is(err, ErrMalformed):
		return malformed, err
	}
	return pass, nil
}

// bearerToken returns the token of an Authorization field value with the
// Bearer scheme (RFC 6750 §2.1, RFC 9110 §11.4), and false for any other
// scheme or an empty token.
func bearerToken(v string) (string, bool) {
	const scheme = "Bearer"
	v = strings.TrimLeft(v, " \t")
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) || v[len(scheme)] != ' ' && v[len(scheme)] != '\t' {
		return "", false
	}
	token := strings.Trim(v[len(scheme):], " \t")
	return token, token != ""
}

const wellKnownPrefix = "/.well-known/"

// isWellKnown reports whether u's path is /.well-known/ or below it, both
// before and after cleaning (see [Middleware]).
func isWellKnown(u *url.URL) bool {
	if u == nil || !strings.HasPrefix(u.Path, wellKnownPrefix) {
		return false
	}
	clean := path.Clean(u.Path) // allocates only for an unclean path
	return clean == wellKnownPrefix[:len(wellKnownPrefix)-1] || strings.HasPrefix(clean, wellKnownPrefix)
}

// The response.

// response is everything the built-in writer sends for one verdict, built
// once by [newPolicy]. The []string values go straight into the header map;
// each has len == cap, so a later Header().Add copies instead of writing into
// the shared array.
type response struct {
	challenge     []string // WWW-Authenticate
	contentType   []string // nil when there is no body
	contentLength []string
	body          []byte
	jsonrpc       jsonrpcBody
}

var (
	noStore         = []string{"no-store"}
	jsonContentType = []string{"application/json"}
)

func newPolicy(c config) *policy {
	p := &policy{
		skew:         c.skew,
		now:          c.now,
		requireToken: c.requireToken,
		strict:       c.strict,
		jsonrpc:      c.jsonrpc,
		errorHandler: c.errorHandler,
	}
	ch := Challenge{Realm: c.realm, Scope: c.scope, ResourceMetadata: c.resourceMetadata}
	p.responses[missingToken] = newResponse(ch, "", "The access token is missing")
	ch.Error = "invalid_token"
	p.responses[expired] = newResponse(ch, "The access token expired", "")
	p.responses[malformed] = newResponse(ch, "The access token is malformed", "")
	return p
}

// newResponse builds the response for the challenge ch with the
// error_description desc; an empty desc means no error and an empty body,
// and rpcMessage then is the JSON-RPC error message.
func newResponse(ch Challenge, desc, rpcMessage string) response {
	ch.ErrorDescription = desc
	r := response{challenge: []string{ch.String()}}
	if desc != "" {
		// Both strings are fixed ASCII without `"` or `\`, so plain
		// concatenation is valid JSON.
		r.body = []byte(`{"error":"` + ch.Error + `","error_description":"` + desc + `"}`)
		r.contentType = jsonContentType
		rpcMessage = desc
	}
	r.contentLength = []string{strconv.Itoa(len(r.body))}
	r.jsonrpc = newJSONRPCBody(rpcMessage)
	return r
}

// reject writes the built-in 401 for the verdict v.
func (p *policy) reject(w http.ResponseWriter, r *http.Request, v verdict) {
	resp := &p.responses[v]
	h := w.Header()
	// Direct map writes with canonical keys: Set would allocate a new slice.
	h["Www-Authenticate"] = resp.challenge
	h["Cache-Control"] = noStore
	if _, ok := r.Header["Origin"]; ok {
		exposeWWWAuthenticate(h)
	}
	body, contentType, contentLength := resp.body, resp.contentType, resp.contentLength
	if p.jsonrpc {
		if id, ok := readJSONRPCID(r); ok {
			body = resp.jsonrpc.with(id)
			contentType = jsonContentType
			contentLength = []string{strconv.Itoa(len(body))}
		}
	}
	if contentType != nil {
		h["Content-Type"] = contentType
	}
	h["Content-Length"] = contentLength
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(body) // an error means the client is gone; nothing is left to do
}

// exposeWWWAuthenticate adds WWW-Authenticate to the
// Access-Control-Expose-Headers of h unless one of its values already lists
// it. It never appends in place: an outer CORS middleware may share one
// slice across responses, so the values are copied into a new slice.
func exposeWWWAuthenticate(h http.Header) {
	const key, name = "Access-Control-Expose-Headers", "WWW-Authenticate"
	old := h[key]
	for _, v := range old {
		for _, e := range strings.Split(v, ",") {
			if strings.EqualFold(strings.Trim(e, " \t"), name) {
				return
			}
		}
	}
	vals := make([]string, len(old), len(old)+1)
	copy(vals, old)
	h[key] = append(vals, name)
}
