package jwtexp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// Middleware returns a net/http middleware, in the constructor shape of alice
// and chi, that answers a request carrying an expired bearer JWT with a 401
// and the Bearer challenge MCP clients act on, and passes every other request
// to the next handler untouched.
//
// The signature is not verified: Middleware only ever rejects. A token it
// lets through must still be verified downstream.
//
// The token is the credential of each Authorization header field line whose
// scheme is "Bearer", matched case-insensitively (RFC 9110 §11.1). RFC 9110
// §11.4 puts one or more SP between scheme and credential; Middleware accepts
// any run of white space as [unicode.IsSpace] defines it (SP and HTAB, but
// also VT, FF, CR, LF, U+0085, U+00A0, U+3000 and the other Unicode spaces),
// because common downstream verifiers (the MCP go-sdk's RequireBearerToken
// splits with [strings.Fields]) accept it, and a reject-only filter must
// recognise at least every token the verifier would take. White space of
// the same kind around the line and the token is trimmed. Other schemes and
// an empty credential mean "no bearer token". A token in the query string is
// never read: MCP forbids it.
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
//   - every request whose URL path, as decoded by net/http, starts with
//     /.well-known/ and is clean: no empty ("//"), "." or ".." segment, a
//     trailing slash aside. OAuth discovery (RFC 8414, RFC 9728) must never
//     need a token, and discovery clients ask for clean paths. An unclean
//     path such as "/.well-known//x", "/.well-known/a/./b" or
//     "/.well-known/../mcp" is not exempt: it is judged like any other
//     request, whatever it would clean to, so no dot segment can lead out of
//     the exemption. The check never calls [path.Clean] and allocates
//     nothing. A percent-encoded "/%2Ewell-known/x" decodes to an exempt
//     path. Only '/' separates segments: a backslash is an ordinary byte
//     here, so a router behind Middleware must not treat it as a separator
//     (net/http's ServeMux does not).
//
// Because of that exemption the MCP endpoint itself must not be reachable
// under /.well-known/: requests there bypass Middleware by design. Mount
// the MCP handler on its own path (for example "/mcp" in an
// [http.ServeMux]) rather than as the root handler when it answers every
// path, as mcp-go's StreamableHTTPServer does when used as the whole
// server's handler.
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
// headers, are kept. When the request has an Origin header,
// WWW-Authenticate is added to Access-Control-Expose-Headers, so that
// browser clients can read the challenge: the header becomes one field line,
// the outer middleware's non-empty values joined with ", " and followed by
// WWW-Authenticate, so that Header.Get sees it too; when one of the values
// already lists it (case-insensitively; "*" does not count, since it is no
// wildcard for credentialed requests), the header is left as it is. An
// outer CORS middleware still has to send Access-Control-Allow-Origin.
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
// scheme or an empty token. White space is what [unicode.IsSpace] says, as
// in [strings.Fields] (see [Middleware]); [strings.TrimSpace] has an ASCII
// fast path, and the separator is decoded as a rune only when its first byte
// is not ASCII. It allocates nothing.
func bearerToken(v string) (string, bool) {
	const scheme = "Bearer"
	v = strings.TrimSpace(v)
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
		return "", false
	}
	rest := v[len(scheme):]
	if c := rest[0]; c < utf8.RuneSelf {
		if asciiSpace[c] == 0 {
			return "", false
		}
	} else if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsSpace(r) {
		return "", false
	}
	token := strings.TrimSpace(rest)
	return token, token != ""
}

// asciiSpace marks the ASCII bytes for which unicode.IsSpace is true.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

const wellKnownPrefix = "/.well-known/"

// isWellKnown reports whether u's path is exempt as discovery: it starts
// with /.well-known/ and has no empty, "." or ".." segment, a trailing slash
// aside (see [Middleware]). Unlike path.Clean, it allocates nothing.
func isWellKnown(u *url.URL) bool {
	if u == nil || !strings.HasPrefix(u.Path, wellKnownPrefix) {
		return false
	}
	p := u.Path[len(wellKnownPrefix)-1:] // from the slash after .well-known
	return !strings.Contains(p, "//") && !strings.Contains(p, "/./") && !strings.Contains(p, "/../") &&
		!strings.HasSuffix(p, "/.") && !strings.HasSuffix(p, "/..")
}

// The response.

// response is everything the built-in writer sends for one verdict, built
// once by [newPolicy].
type response struct {
	challenge     string // WWW-Authenticate
	contentType   string // "" when there is no body
	contentLength string
	body          []byte
	jsonrpc       jsonrpcBody
}

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
	p.responses[expired] = newResponse(ch, "The access token expired", "The access token expired")
	p.responses[malformed] = newResponse(ch, "The access token is malformed", "The access token is malformed")
	return p
}

// newResponse builds the response for the challenge ch with the
// error_description desc, where an empty desc means no error code and an
// empty body; rpcMessage is the message of the [WithJSONRPCError] body.
func newResponse(ch Challenge, desc, rpcMessage string) response {
	ch.ErrorDescription = desc
	r := response{challenge: ch.String()}
	if desc != "" {
		// Both strings are fixed ASCII without `"` or `\`, so plain
		// concatenation is valid JSON.
		r.body = []byte(`{"error":"` + ch.Error + `","error_description":"` + desc + `"}`)
		r.contentType = "application/json"
	}
	r.contentLength = strconv.Itoa(len(r.body))
	r.jsonrpc = newJSONRPCBody(rpcMessage)
	return r
}

// reject writes the built-in 401 for the verdict v.
func (p *policy) reject(w http.ResponseWriter, r *http.Request, v verdict) {
	resp := &p.responses[v]
	body, contentType, contentLength := resp.body, resp.contentType, resp.contentLength
	if p.jsonrpc {
		if id, ok := readJSONRPCID(r); ok {
			body = resp.jsonrpc.with(id)
			contentType = "application/json"
			contentLength = strconv.Itoa(len(body))
		}
	}
	// Every value slice is fresh, so that nothing a handler or ResponseWriter
	// later does to one response's header values reaches another response.
	// One backing array serves them all; each slice is capped at one element,
	// so an append copies instead of writing into its neighbour.
	vals := [...]string{resp.challenge, "no-store", contentLength, contentType}
	fresh := vals[:] // one allocation, as vals escapes
	h := w.Header()
	// Direct map writes with canonical keys: Set would allocate once per key.
	h["Www-Authenticate"] = fresh[0:1:1]
	h["Cache-Control"] = fresh[1:2:2]
	h["Content-Length"] = fresh[2:3:3]
	if contentType != "" {
		h["Content-Type"] = fresh[3:4:4]
	}
	if _, ok := r.Header["Origin"]; ok {
		exposeWWWAuthenticate(h)
	}
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(body) // an error means the client is gone; nothing is left to do
}

// exposeWWWAuthenticate adds WWW-Authenticate to the
// Access-Control-Expose-Headers of h unless one of its values already lists
// it. The result is a single field line, so that Header.Get, which reads
// only the first, sees the name: browsers combine the lines anyway
// (RFC 9110 §5.3). It never writes into the old slice, which an outer CORS
// middleware may share across responses.
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
	var b strings.Builder
	for _, v := range old {
		if strings.Trim(v, " \t,") != "" { // an empty value lists nothing
			b.WriteString(v)
			b.WriteString(", ")
		}
	}
	b.WriteString(name)
	h[key] = []string{b.String()}
}
