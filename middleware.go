package jwtexp

import (
	"cmp"
	"encoding/json"
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

// The errors [Middleware] passes to [WithRejectHook], [WithChallenge] and
// [WithErrorHandler]: an [*ExpiredError] for an expired token,
// [ErrMissingToken] under [WithRequireToken], and under [WithStrict] one
// that matches [ErrMalformed]. Compare with errors.Is.
var (
	// ErrExpired matches every [*ExpiredError].
	ErrExpired = errors.New("jwtexp: bearer token expired")
	// ErrMissingToken means the request carried no bearer token.
	ErrMissingToken = errors.New("jwtexp: no bearer token")
)

// ExpiredError is the error [Middleware] reports for an expired bearer JWT;
// it matches [ErrExpired]:
//
//	var e *jwtexp.ExpiredError
//	if errors.As(err, &e) { log.Println("expired at", e.Exp) }
type ExpiredError struct {
	// Exp is the token's unverified exp claim, as [UnverifiedExp] returns it.
	Exp time.Time
}

// Error names the instant the token expired, in RFC 3339 (UTC).
func (e *ExpiredError) Error() string {
	return ErrExpired.Error() + " at " + e.Exp.UTC().Format(time.RFC3339Nano)
}

// Is reports whether target is [ErrExpired].
func (e *ExpiredError) Is(target error) bool { return target == ErrExpired }

// Middleware returns middleware that answers a request carrying an expired
// bearer JWT with 401 and an invalid_token Bearer challenge (RFC 6750 §3),
// and passes every other request to the next handler untouched: it only
// ever rejects.
//
// Every Authorization field line is read with [BearerToken], and the
// request is rejected if any line's token is; the query string is never
// read. Opaque tokens, JWTs without exp and, unless [WithStrict], malformed
// JWTs pass, as do requests without a bearer token unless
// [WithRequireToken]. CORS preflights (OPTIONS without Authorization) and
// clean /.well-known/ paths (OAuth discovery) always pass unjudged, so the
// MCP endpoint must not be served there.
//
// The built-in rejection has status 401, one challenge, no call to the
// next handler, and keeps the headers an outer middleware set:
//
//	WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"
//	Cache-Control: no-store
//	Content-Type: application/json
//
//	{"error":"invalid_token","error_description":"The access token expired"}
//
// The options add to the challenge and change the body. For a request with
// an Origin, WWW-Authenticate is added to Access-Control-Expose-Headers.
// The 401 never waits for a body it did not read: over HTTP/1.x it then
// carries "Connection: close", and the connection closes after it.
//
// Middleware panics, with a message starting "jwtexp:", on an invalid
// option. The result is safe for concurrent use and allocates nothing to
// pass.
func Middleware(opts ...Option) func(http.Handler) http.Handler {
	c := defaultConfig()
	for i, o := range opts {
		if o == nil {
			panic(fmt.Sprintf("jwtexp: Middleware: option %d is nil", i))
		}
		o.apply(&c)
	}
	if err := c.check(); err != nil {
		panic(err.Error())
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic("jwtexp: Middleware: nil next handler")
		}
		return &handler{config: &c, next: next}
	}
}

type handler struct {
	*config // read-only once Middleware returns
	next    http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	err := h.decide(r)
	if err == nil {
		h.next.ServeHTTP(w, r)
		return
	}
	if h.rejectHook != nil {
		h.rejectHook(r, err)
	}
	if h.errorHandler != nil {
		h.handleError(w, r, err)
		return
	}
	h.reject(w, r, err)
}

// handleError runs the error handler for a rejection of r for err. If it
// leaves an HTTP/1.x body unread, the read deadline expires once it
// returns; see unreadbody.go.
func (c *config) handleError(w http.ResponseWriter, r *http.Request, err error) {
	if !bodyMayRemain(r) {
		c.errorHandler(w, r, err)
		return
	}
	// Replacing r.Body in place is what [http.MaxBytesReader]'s doc does.
	body := &eofBody{ReadCloser: r.Body}
	r.Body = body
	defer func() { r.Body = body.ReadCloser }()
	c.errorHandler(w, r, err)
	if !body.eof {
		letGo(w)
	}
}

// The decision.

// decide returns nil when r passes, or the reason to reject it. It allocates
// nothing unless it rejects.
func (c *config) decide(r *http.Request) error {
	if isPreflight(r) || isWellKnown(r.URL) {
		return nil
	}
	found := false
	for _, line := range r.Header["Authorization"] {
		token, ok := BearerToken(line)
		if !ok {
			continue
		}
		found = true
		// Reject on any line: verifiers differ in which line they read
		// (Header.Get reads the first), so this is the only choice that never
		// lets an expired token through by position.
		if err := c.judge(token); err != nil {
			return err
		}
	}
	if !found && c.requireToken {
		return ErrMissingToken
	}
	return nil
}

// judge decides on one bearer token. It reads exp once, with
// [UnverifiedExp], and applies the rule of [ExpiredAt] to the result.
func (c *config) judge(token string) error {
	exp, err := UnverifiedExp(token)
	switch {
	case err == nil:
		if expiredAt(exp, c.now(), c.skew) {
			return &ExpiredError{Exp: exp}
		}
	case c.strict && errors.Is(err, ErrMalformed):
		return err
	}
	// Fail open: a token whose exp cannot be read is the verifier's to judge.
	return nil
}

// BearerToken returns the token of an Authorization field value with the
// Bearer scheme (RFC 6750 §2.1), and false for another scheme or an empty
// token: the parser [Middleware] uses. The scheme is matched
// case-insensitively, and any Unicode white space may separate it from the
// token and surround both, as go-sdk's verifier accepts. BearerToken
// allocates nothing and is safe for concurrent use.
func BearerToken(authorization string) (token string, ok bool) {
	const scheme = "Bearer"
	v := strings.TrimSpace(authorization)
	if len(v) <= len(scheme) || !strings.EqualFold(v[:len(scheme)], scheme) {
		return "", false
	}
	rest := v[len(scheme):]
	// TrimSpace has an ASCII fast path; decode the separator as a rune only
	// when its first byte is not ASCII.
	if c := rest[0]; c < utf8.RuneSelf {
		if asciiSpace[c] == 0 {
			return "", false
		}
	} else if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsSpace(r) {
		return "", false
	}
	token = strings.TrimSpace(rest)
	return token, token != ""
}

// asciiSpace marks the ASCII bytes for which unicode.IsSpace is true.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// isPreflight reports whether r may be a CORS preflight: an OPTIONS request
// without an Authorization field. A preflight never carries credentials
// (Fetch standard, CORS-preflight request), so an OPTIONS request that does
// is an ordinary request and is judged like any other.
func isPreflight(r *http.Request) bool {
	_, auth := r.Header["Authorization"]
	return r.Method == http.MethodOptions && !auth
}

const wellKnownPrefix = "/.well-known/"

// isWellKnown reports whether u's path is exempt as discovery: it starts
// with /.well-known/, has no empty, "." or ".." segment (a trailing slash
// aside), and carries no percent-encoding that changes it (u.RawPath is
// empty). Such paths are judged like any other, so no dot segment can lead
// out of the exemption, and a router that matches the raw path (chi does)
// cannot send an exempt request such as "/%2Ewell-known/x" to a catch-all
// MCP handler. Only '/' separates segments: a router behind Middleware must
// not treat a backslash as one (net/http's ServeMux does not). Unlike
// path.Clean, it allocates nothing.
func isWellKnown(u *url.URL) bool {
	if u == nil || u.RawPath != "" || !strings.HasPrefix(u.Path, wellKnownPrefix) {
		return false
	}
	p := u.Path[len(wellKnownPrefix)-1:] // from the slash after .well-known
	return !strings.Contains(p, "//") && !strings.Contains(p, "/./") && !strings.Contains(p, "/../") &&
		!strings.HasSuffix(p, "/.") && !strings.HasSuffix(p, "/..")
}

// The response.

// The built-in error_description of each reason (RFC 6750 §3).
const (
	descExpired   = "The access token expired"
	descMalformed = "The access token is malformed"
	descMissing   = "The access token is missing" // JSON-RPC message only
)

// challenge returns the challenge for a rejection of r for err: the one of
// [WithChallenge], its empty fields filled from the options and then from
// the built-in values for err.
func (c *config) challenge(r *http.Request, err error) Challenge {
	var ch Challenge
	if c.challengeFunc != nil {
		ch = c.challengeFunc(r, err)
	}
	ch.Realm = cmp.Or(ch.Realm, c.realm)
	ch.Scope = cmp.Or(ch.Scope, c.scope)
	ch.ResourceMetadata = cmp.Or(ch.ResourceMetadata, c.resourceMetadata)
	if errors.Is(err, ErrMissingToken) {
		return ch // RFC 6750 §3.1: no error code when there were no credentials
	}
	desc := descMalformed
	if errors.Is(err, ErrExpired) {
		desc = descExpired
	}
	ch.Error = cmp.Or(ch.Error, "invalid_token")
	ch.ErrorDescription = cmp.Or(ch.ErrorDescription, desc)
	return ch
}

// reject writes the built-in 401 for a rejection of r for err.
func (c *config) reject(w http.ResponseWriter, r *http.Request, err error) {
	ch := c.challenge(r, err)
	var body []byte
	if ch.Error != "" {
		// RFC 6749 §5.2's error response, which OAuth clients already parse.
		body, _ = json.Marshal(struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description,omitempty"`
		}{ch.Error, ch.ErrorDescription})
	}
	read := false // whether r's body was read to its end
	if c.jsonrpc {
		var req []byte
		if req, read = readJSONRPCBody(w, r); read {
			if rpc, ok := jsonrpcError(req, cmp.Or(ch.ErrorDescription, descMissing)); ok {
				body = rpc
			}
		}
	}
	unread := !read && bodyMayRemain(r)
	h := w.Header()
	h.Set("Www-Authenticate", ch.String()) // replaces any an outer handler set
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	if _, ok := r.Header["Origin"]; ok {
		exposeWWWAuthenticate(h)
	}
	if unread {
		h.Set("Connection", "close") // see unreadbody.go
	}
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(body) // an error means the client is gone; nothing is left to do
	if unread {
		letGo(w)
	}
}

// exposeWWWAuthenticate adds WWW-Authenticate to the
// Access-Control-Expose-Headers of h unless one of its values already lists
// it ("*" does not count: it is no wildcard for credentialed requests). The
// result is a single field line, so that Header.Get, which reads only the
// first, sees the name: browsers combine the lines anyway (RFC 9110 §5.3).
// It never writes into the old slice, which an outer CORS middleware may
// share across responses.
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
