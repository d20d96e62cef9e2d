package jwtexp

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mwNow is the fixed instant every middleware test judges at.
var mwNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

func mwClock() time.Time { return mwNow }

// mwJWT returns a realistic RS256-shaped access token (about 1,070 bytes) whose
// payload carries the claims of a typical IdP token and, unless expClaim is
// empty, `"exp":<expClaim>` written verbatim. The signature is 256
// deterministic bytes, the size of an RSA-2048 signature; it is never checked.
func mwJWT(expClaim string) string {
	header := `{"alg":"RS256","typ":"at+jwt","kid":"2025-06-rsa-key-01"}`
	exp := ""
	if expClaim != "" {
		exp = `"exp":` + expClaim + `,`
	}
	payload := `{"iss":"https://auth.example.com/realms/mcp","sub":"f3b2c1d0-9a8b-4c7d-8e6f-5a4b3c2d1e0f",` +
		`"aud":["https://mcp.example.com/mcp","account"],` + exp +
		`"iat":1749985200,"nbf":1749985200,"jti":"8d7c6b5a-4e3f-4a1b-9c8d-7e6f5a4b3c2d",` +
		`"scope":"openid profile email mcp:tools mcp:resources","email":"ada@example.com","email_verified":true,` +
		`"azp":"mcp-inspector","sid":"0a1b2c3d-4e5f-4607-8192-a3b4c5d6e7f8",` +
		`"realm_access":{"roles":["offline_access","uma_authorization"]},"tenant":"acme"}`
	var sig []byte
	for block := sha256.Sum256([]byte(payload)); len(sig) < 256; block = sha256.Sum256(block[:]) {
		sig = append(sig, block[:]...)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sig[:256])
}

func mwExpAt(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

var (
	mwFresh     = mwJWT(mwExpAt(mwNow.Add(time.Hour)))
	mwExpired   = mwJWT(mwExpAt(mwNow.Add(-time.Hour)))
	mwNoExp     = mwJWT("")
	mwMalformed = mwJWT(`"2025-06-15T13:00:00Z"`) // exp must be a number
	mwOpaque    = "2YotnFZFEjr1zCsicMWpAA"        // RFC 6749 §4.1.3 example
	mwMetadata  = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
)

// Expected responses.
const (
	mwExpiredBody   = `{"error":"invalid_token","error_description":"The access token expired"}`
	mwMalformedBody = `{"error":"invalid_token","error_description":"The access token is malformed"}`
)

// mwNext is the wrapped handler: it records that it ran and sets headers
// that must never appear on a rejection.
type mwNext struct{ called atomic.Int32 }

func (n *mwNext) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.called.Add(1)
	w.Header().Set("X-Next", "1")
	w.Header().Set("Www-Authenticate", `Next realm="leak"`)
	w.Header().Set("Cache-Control", "max-age=3600")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "next")
}

type mwResult struct {
	next   bool
	status int
	header http.Header
	body   string
}

// mwServe runs req through Middleware(opts...) in front of mwNext and
// records the outcome.
func mwServe(t testing.TB, req *http.Request, opts ...Option) mwResult {
	t.Helper()
	next := &mwNext{}
	rec := httptest.NewRecorder()
	Middleware(opts...)(next).ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return mwResult{next: next.called.Load() > 0, status: res.StatusCode, header: res.Header, body: string(body)}
}

// mwSplitPayload inserts sep in the middle of tok's payload segment.
func mwSplitPayload(tok, sep string) string {
	i := strings.IndexByte(tok, '.') + 10
	return tok[:i] + sep + tok[i:]
}

// mwRequest builds a request with one Authorization field line per entry
// of auth.
func mwRequest(method, target string, auth ...string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	for _, a := range auth {
		req.Header.Add("Authorization", a)
	}
	return req
}

// mwWhat formats the optional msgAndArgs of checkPassed and checkRejected,
// which name the request when no subtest does, as a prefix of their
// messages.
func mwWhat(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if format, ok := msgAndArgs[0].(string); ok {
		return fmt.Sprintf(format, msgAndArgs[1:]...) + ": "
	}
	return fmt.Sprint(msgAndArgs...) + ": "
}

// checkPassed fails the test unless the request reached next and the
// response is exactly what next wrote.
func checkPassed(t testing.TB, got mwResult, msgAndArgs ...any) {
	t.Helper()
	what := mwWhat(msgAndArgs)
	require.True(t, got.next, "%snext handler not called: status %d, header %v, body %q", what, got.status, got.header, got.body)
	require.Equal(t, http.StatusOK, got.status, "%sstatus", what)
	require.Equal(t, "next", got.body, "%sbody", what)
	require.Equal(t, `Next realm="leak"`, got.header.Get("Www-Authenticate"), "%sWWW-Authenticate", what)
}

// checkRejected fails the test unless got is the built-in 401 with exactly
// one well-formed challenge whose parameters are wantParams, and the body
// wantBody (Content-Type application/json, or no Content-Type for an empty
// body).
func checkRejected(t testing.TB, got mwResult, wantParams map[string]string, wantBody string, msgAndArgs ...any) {
	t.Helper()
	what := mwWhat(msgAndArgs)
	require.False(t, got.next, "%snext handler called on a rejection", what)
	require.Equal(t, http.StatusUnauthorized, got.status, "%sstatus", what)
	require.Len(t, got.header["Www-Authenticate"], 1, "%sWWW-Authenticate field lines", what)
	pc, err := checkBearerChallenge(got.header.Get("Www-Authenticate"))
	require.NoError(t, err, "%sWWW-Authenticate", what)
	if diff := cmp.Diff(wantParams, pc.Params); diff != "" {
		t.Fatalf("%schallenge params (-want +got):\n%s", what, diff)
	}
	if diff := cmp.Diff([]string{"no-store"}, got.header["Cache-Control"]); diff != "" {
		t.Fatalf("%sCache-Control (-want +got):\n%s", what, diff)
	}
	wantType := []string{"application/json"}
	if wantBody == "" {
		wantType = nil
	}
	if diff := cmp.Diff(wantType, got.header["Content-Type"]); diff != "" {
		t.Fatalf("%sContent-Type (-want +got):\n%s", what, diff)
	}
	require.Equal(t, strconv.Itoa(len(wantBody)), got.header.Get("Content-Length"), "%sContent-Length", what)
	require.Equal(t, wantBody, got.body, "%sbody", what)
	require.Empty(t, got.header.Get("X-Next"), "%sX-Next: a header of the next handler leaked", what)
}

// Challenge parameters of the three rejections with only
// WithResourceMetadata set.
var (
	mwExpiredParams   = map[string]string{"error": "invalid_token", "error_description": "The access token expired", "resource_metadata": mwMetadata}
	mwMalformedParams = map[string]string{"error": "invalid_token", "error_description": "The access token is malformed", "resource_metadata": mwMetadata}
	mwMissingParams   = map[string]string{"resource_metadata": mwMetadata}
)

// TestMiddleware covers, one row per rule: where the token comes from,
// what passes untouched, and what is rejected how.
func TestMiddleware(t *testing.T) {
	const (
		passes    = "pass"
		expired   = "expired"
		malformed = "malformed"
		missing   = "missing"
	)
	strict := []Option{WithStrict()}
	required := []Option{WithRequireToken()}
	tests := []struct {
		name   string
		method string
		target string
		auth   []string
		opts   []Option
		want   string
	}{
		// Tokens.
		{"fresh token", "POST", "/mcp", []string{"Bearer " + mwFresh}, nil, passes},
		{"expired token", "POST", "/mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"expired token on GET", "GET", "/mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"expired token on DELETE", "DELETE", "/mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"expired token on any path", "GET", "/tools/list?x=1", []string{"Bearer " + mwExpired}, nil, expired},
		{"opaque token", "POST", "/mcp", []string{"Bearer " + mwOpaque}, nil, passes},
		{"opaque token, strict", "POST", "/mcp", []string{"Bearer " + mwOpaque}, strict, passes},
		{"JWT without exp", "POST", "/mcp", []string{"Bearer " + mwNoExp}, nil, passes},
		{"JWT without exp, strict", "POST", "/mcp", []string{"Bearer " + mwNoExp}, strict, passes},
		{"malformed JWT", "POST", "/mcp", []string{"Bearer " + mwMalformed}, nil, passes},
		{"malformed JWT, strict", "POST", "/mcp", []string{"Bearer " + mwMalformed}, strict, malformed},
		{"truncated JSON payload", "POST", "/mcp", []string{"Bearer e30." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1`)) + ".c2ln"}, nil, passes},
		{"truncated JSON payload, strict", "POST", "/mcp", []string{"Bearer e30." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1`)) + ".c2ln"}, strict, malformed},
		{"expired token, strict", "POST", "/mcp", []string{"Bearer " + mwExpired}, strict, expired},

		// The Authorization header.
		{"scheme lower case", "POST", "/mcp", []string{"bearer " + mwExpired}, nil, expired},
		{"scheme upper case", "POST", "/mcp", []string{"BEARER " + mwExpired}, nil, expired},
		{"scheme mixed case", "POST", "/mcp", []string{"bEaReR " + mwExpired}, nil, expired},
		{"several spaces after the scheme", "POST", "/mcp", []string{"Bearer    " + mwExpired}, nil, expired},
		{"tab after the scheme", "POST", "/mcp", []string{"Bearer\t" + mwExpired}, nil, expired},
		{"trailing spaces and tabs trimmed", "POST", "/mcp", []string{"Bearer " + mwExpired + " \t "}, nil, expired},
		{"leading whitespace before the scheme", "POST", "/mcp", []string{"  Bearer " + mwExpired}, nil, expired},
		{"no separator after the scheme", "POST", "/mcp", []string{"Bearer" + mwExpired}, nil, passes},
		// White space is unicode.IsSpace, as strings.Fields (go-sdk) splits.
		{"VT after the scheme", "POST", "/mcp", []string{"Bearer\v" + mwExpired}, nil, expired},
		{"FF after the scheme", "POST", "/mcp", []string{"Bearer\f" + mwExpired}, nil, expired},
		{"U+00A0 NO-BREAK SPACE after the scheme", "POST", "/mcp", []string{"Bearer\u00a0" + mwExpired}, nil, expired},
		{"U+0085 NEXT LINE after the scheme", "POST", "/mcp", []string{"Bearer\u0085" + mwExpired}, nil, expired},
		{"U+3000 IDEOGRAPHIC SPACE after the scheme", "POST", "/mcp", []string{"Bearer\u3000" + mwExpired}, nil, expired},
		{"mixed ASCII and Unicode spaces after the scheme", "POST", "/mcp", []string{"Bearer \u3000\t\u00a0" + mwExpired}, nil, expired},
		{"Unicode spaces around the line trimmed", "POST", "/mcp", []string{"\u3000\u0085Bearer " + mwExpired + "\u00a0\u2003"}, nil, expired},
		{"zero-width space is not white space", "POST", "/mcp", []string{"Bearer\u200b" + mwExpired}, nil, passes},
		{"non-space letter after the scheme", "POST", "/mcp", []string{"Bearer\u00e9" + mwExpired}, nil, passes},
		{"lone UTF-8 lead byte after the scheme", "POST", "/mcp", []string{"Bearer\xc2" + mwExpired}, nil, passes},
		{"invalid UTF-8 for U+00A0 without its lead byte", "POST", "/mcp", []string{"Bearer\xa0" + mwExpired}, nil, passes},
		{"other scheme with a JWT", "POST", "/mcp", []string{"Basic " + mwExpired}, nil, passes},
		{"DPoP scheme", "POST", "/mcp", []string{"DPoP " + mwExpired}, nil, passes},
		{"token without scheme", "POST", "/mcp", []string{mwExpired}, nil, passes},
		{"scheme only", "POST", "/mcp", []string{"Bearer"}, nil, passes},
		{"scheme and spaces only", "POST", "/mcp", []string{"Bearer   "}, nil, passes},
		{"space inside the payload: not a JWT", "POST", "/mcp", []string{"Bearer " + mwSplitPayload(mwExpired, " ")}, nil, passes},
		{"space inside the header segment: still expired", "POST", "/mcp", []string{"Bearer " + mwExpired[:10] + " " + mwExpired[10:]}, nil, expired},
		{"query-string token is never read", "POST", "/mcp?access_token=" + mwExpired, nil, nil, passes},
		{"query-string token, token required", "POST", "/mcp?access_token=" + mwFresh, nil, required, missing},

		// Several Authorization field lines: reject if any bearer line would be.
		{"comma-joined credentials in one line are not a JWT", "POST", "/mcp", []string{"Bearer " + mwExpired + ", Bearer " + mwFresh}, nil, passes},
		{"two fresh lines", "POST", "/mcp", []string{"Bearer " + mwFresh, "Bearer " + mwFresh}, nil, passes},
		{"fresh then expired", "POST", "/mcp", []string{"Bearer " + mwFresh, "Bearer " + mwExpired}, nil, expired},
		{"expired then fresh", "POST", "/mcp", []string{"Bearer " + mwExpired, "Bearer " + mwFresh}, nil, expired},
		{"Basic then expired", "POST", "/mcp", []string{"Basic dXNlcjpwYXNz", "Bearer " + mwExpired}, nil, expired},
		{"malformed then expired, strict: first decides", "POST", "/mcp", []string{"Bearer " + mwMalformed, "Bearer " + mwExpired}, strict, malformed},
		{"expired then malformed, strict: first decides", "POST", "/mcp", []string{"Bearer " + mwExpired, "Bearer " + mwMalformed}, strict, expired},
		{"fresh then malformed, strict", "POST", "/mcp", []string{"Bearer " + mwFresh, "Bearer " + mwMalformed}, strict, malformed},
		{"Basic lines only, token required", "POST", "/mcp", []string{"Basic dXNlcjpwYXNz", "Basic YTpi"}, required, missing},
		{"Basic and fresh lines, token required", "POST", "/mcp", []string{"Basic dXNlcjpwYXNz", "Bearer " + mwFresh}, required, passes},

		// No credentials.
		{"no Authorization", "POST", "/mcp", nil, nil, passes},
		{"no Authorization, token required", "POST", "/mcp", nil, required, missing},
		{"empty Authorization, token required", "POST", "/mcp", []string{""}, required, missing},
		{"Basic, token required", "POST", "/mcp", []string{"Basic dXNlcjpwYXNz"}, required, missing},
		{"scheme only, token required", "POST", "/mcp", []string{"Bearer"}, required, missing},
		{"fresh token, token required", "POST", "/mcp", []string{"Bearer " + mwFresh}, required, passes},
		{"opaque token, token required", "POST", "/mcp", []string{"Bearer " + mwOpaque}, required, passes},
		{"expired token, token required", "POST", "/mcp", []string{"Bearer " + mwExpired}, required, expired},

		// Exempt requests.
		// A CORS preflight carries no credentials; an OPTIONS request with
		// an Authorization field is judged like any other.
		{"OPTIONS without Authorization, token required", "OPTIONS", "/mcp", nil, required, passes},
		{"OPTIONS with an expired token", "OPTIONS", "/mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"OPTIONS with a fresh token", "OPTIONS", "/mcp", []string{"Bearer " + mwFresh}, required, passes},
		{"OPTIONS with a malformed token, strict", "OPTIONS", "/mcp", []string{"Bearer " + mwMalformed}, strict, malformed},
		{"OPTIONS with Basic, token required", "OPTIONS", "/mcp", []string{"Basic dXNlcjpwYXNz"}, required, missing},
		{"OPTIONS with an empty Authorization, token required", "OPTIONS", "/mcp", []string{""}, required, missing},
		{"lower-case options is another method", "options", "/mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"well-known metadata with an expired token", "GET", "/.well-known/oauth-protected-resource/mcp", []string{"Bearer " + mwExpired}, nil, passes},
		{"well-known AS metadata, token required", "GET", "/.well-known/oauth-authorization-server", nil, required, passes},
		{"well-known root", "GET", "/.well-known/", []string{"Bearer " + mwExpired}, nil, passes},
		{"well-known with a query", "GET", "/.well-known/openid-configuration?x=1", []string{"Bearer " + mwExpired}, nil, passes},
		// Percent-encoding that changes the path (URL.RawPath set) ends the
		// exemption: a router that matches the raw path may not route it to
		// discovery.
		{"percent-encoded dot is not exempt", "GET", "/%2Ewell-known/oauth-protected-resource", []string{"Bearer " + mwExpired}, nil, expired},
		{"percent-encoded letter is not exempt", "GET", "/.well-known/%6Fauth-protected-resource", []string{"Bearer " + mwExpired}, nil, expired},
		{"lower-case percent-encoding is not exempt", "GET", "/.well-known/a%5cb", []string{"Bearer " + mwExpired}, nil, expired},
		{"percent-encoded dot, fresh token", "GET", "/%2Ewell-known/oauth-protected-resource", []string{"Bearer " + mwFresh}, nil, passes},
		{"percent-encoded dot, token required", "GET", "/%2Ewell-known/oauth-protected-resource", nil, required, missing},
		{"encoding that changes nothing stays exempt", "GET", "/.well-known/a%20b", []string{"Bearer " + mwExpired}, nil, passes},
		{"well-known without trailing slash", "GET", "/.well-known", []string{"Bearer " + mwExpired}, nil, expired},
		{"well-known prefix of a longer name", "GET", "/.well-known-x/y", []string{"Bearer " + mwExpired}, nil, expired},
		{"well-known not at the root", "GET", "/mcp/.well-known/x", []string{"Bearer " + mwExpired}, nil, expired},
		{"dot-dot out of well-known", "GET", "/.well-known/../mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"encoded dot-dot out of well-known", "GET", "/.well-known/%2E%2E/mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"encoded slashes out of well-known", "GET", "/.well-known/x%2F..%2F..%2Fmcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"well-known is case-sensitive", "GET", "/.Well-Known/x", []string{"Bearer " + mwExpired}, nil, expired},
		{"double slash before well-known", "GET", "//.well-known/x", []string{"Bearer " + mwExpired}, nil, expired},
		{"well-known with a trailing slash", "GET", "/.well-known/oauth-protected-resource/", []string{"Bearer " + mwExpired}, nil, passes},
		// Unclean paths are judged like any other request, even when they
		// would clean to a path under /.well-known/.
		{"unclean: empty segment", "GET", "/.well-known//x", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: dot segment", "GET", "/.well-known/a/./b", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: dot-dot segment staying inside", "GET", "/.well-known/a/../b", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: trailing dot", "GET", "/.well-known/x/.", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: trailing dot-dot", "GET", "/.well-known/x/..", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: well-known dot", "GET", "/.well-known/.", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: well-known double slash", "GET", "/.well-known//", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean: encoded dot segment", "GET", "/.well-known/a/%2E/b", []string{"Bearer " + mwExpired}, nil, expired},
		{"unclean path, token required", "GET", "/.well-known//x", nil, required, missing},
		{"unclean path, fresh token", "GET", "/.well-known/a/../b", []string{"Bearer " + mwFresh}, nil, passes},
		{"dots inside a segment are not dot segments", "GET", "/.well-known/a..b/.c/..d", []string{"Bearer " + mwExpired}, nil, passes},
		// A backslash is no separator here: "..\mcp" is one segment. Sent
		// raw, it is not the default encoding, so RawPath ends the exemption.
		{"raw backslash after dot-dot", "GET", "/.well-known/..\\mcp", []string{"Bearer " + mwExpired}, nil, expired},
		{"encoded backslash after dot-dot is one segment", "GET", "/.well-known/..%5Cmcp", []string{"Bearer " + mwExpired}, nil, passes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]Option{WithClock(mwClock), WithResourceMetadata(mwMetadata)}, tc.opts...)
			got := mwServe(t, mwRequest(tc.method, tc.target, tc.auth...), opts...)
			switch tc.want {
			case passes:
				checkPassed(t, got)
			case expired:
				checkRejected(t, got, mwExpiredParams, mwExpiredBody)
			case malformed:
				checkRejected(t, got, mwMalformedParams, mwMalformedBody)
			case missing:
				checkRejected(t, got, mwMissingParams, "")
			}
		})
	}
}

// TestMiddlewareChallenge checks the exact WWW-Authenticate value for each
// combination of the challenge options.
func TestMiddlewareChallenge(t *testing.T) {
	const desc = `error="invalid_token", error_description="The access token expired"`
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"no options", nil, `Bearer ` + desc},
		{"realm", []Option{WithRealm("mcp")}, `Bearer realm="mcp", ` + desc},
		{"resource_metadata", []Option{WithResourceMetadata(mwMetadata)}, `Bearer ` + desc + `, resource_metadata="` + mwMetadata + `"`},
		{"scope", []Option{WithScope("mcp:tools mcp:resources")}, `Bearer ` + desc + `, scope="mcp:tools mcp:resources"`},
		{"all, realm first", []Option{WithScope("s"), WithResourceMetadata(mwMetadata), WithRealm("r")},
			`Bearer realm="r", ` + desc + `, resource_metadata="` + mwMetadata + `", scope="s"`},
		{"escaping", []Option{WithRealm(`say "hi" \o/`), WithScope(`a"b\c`)},
			`Bearer realm="say \"hi\" \\o/", ` + desc + `, scope="a\"b\\c"`},
		{"forged parameter stays inside the value", []Option{WithRealm(`x", error="none`)},
			`Bearer realm="x\", error=\"none", ` + desc},
		{"empty realm and scope mean none", []Option{WithRealm(""), WithScope("")}, `Bearer ` + desc},
		{"later option wins", []Option{WithRealm("a"), WithRealm("b")}, `Bearer realm="b", ` + desc},
		{"non-ASCII realm passes as obs-text", []Option{WithRealm("café")}, `Bearer realm="café", ` + desc},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mwServe(t, mwRequest("POST", "/mcp", "Bearer "+mwExpired), append([]Option{WithClock(mwClock)}, tc.opts...)...)
			if diff := cmp.Diff([]string{tc.want}, got.header["Www-Authenticate"]); diff != "" {
				t.Fatalf("WWW-Authenticate (-want +got):\n%s", diff)
			}
			_, err := parseChallenge(tc.want)
			require.NoError(t, err, "parseChallenge(%q)", tc.want)
		})
	}
	// Without an error code (RFC 6750 §3.1).
	got := mwServe(t, mwRequest("POST", "/mcp"), WithRequireToken(), WithRealm("r"), WithScope("s"), WithResourceMetadata(mwMetadata))
	want := `Bearer realm="r", resource_metadata="` + mwMetadata + `", scope="s"`
	if diff := cmp.Diff([]string{want}, got.header["Www-Authenticate"]); diff != "" {
		t.Errorf("missing token: WWW-Authenticate (-want +got):\n%s", diff)
	}
	got = mwServe(t, mwRequest("POST", "/mcp"), WithRequireToken())
	if diff := cmp.Diff([]string{"Bearer"}, got.header["Www-Authenticate"]); diff != "" {
		t.Fatalf("missing token, no options: WWW-Authenticate (-want +got):\n%s", diff)
	}
}

// TestMiddlewareSkew checks the boundary now >= exp + skew, for default,
// zero, positive and negative skew, and fractional exp.
func TestMiddlewareSkew(t *testing.T) {
	tests := []struct {
		name    string
		exp     string
		opts    []Option
		expired bool
	}{
		{"default skew is 0: exp now", mwExpAt(mwNow), nil, true},
		{"default skew is 0: exp 1ns ago", mwExpAt(mwNow.Add(-time.Second)) + ".999999999", nil, true},
		{"default skew is 0: exp 1ns ahead", mwExpAt(mwNow) + ".000000001", nil, false},
		{"60s skew: exp 61s ago", mwExpAt(mwNow.Add(-61 * time.Second)), []Option{WithSkew(time.Minute)}, true},
		{"60s skew: exp 60s ago is the boundary", mwExpAt(mwNow.Add(-60 * time.Second)), []Option{WithSkew(time.Minute)}, true},
		{"60s skew: exp 59s ago", mwExpAt(mwNow.Add(-59 * time.Second)), []Option{WithSkew(time.Minute)}, false},
		{"zero skew: exp now", mwExpAt(mwNow), []Option{WithSkew(0)}, true},
		{"zero skew: exp 1s ahead", mwExpAt(mwNow.Add(time.Second)), []Option{WithSkew(0)}, false},
		{"zero skew: exp 1ns ahead", mwExpAt(mwNow) + ".000000001", []Option{WithSkew(0)}, false},
		{"zero skew: exp 1ns ago", mwExpAt(mwNow.Add(-time.Second)) + ".999999999", []Option{WithSkew(0)}, true},
		{"5m skew: exp 4m ago", mwExpAt(mwNow.Add(-4 * time.Minute)), []Option{WithSkew(5 * time.Minute)}, false},
		{"5m skew: exp 5m ago", mwExpAt(mwNow.Add(-5 * time.Minute)), []Option{WithSkew(5 * time.Minute)}, true},
		{"negative skew: exp 30s ahead", mwExpAt(mwNow.Add(30 * time.Second)), []Option{WithSkew(-time.Minute)}, true},
		{"negative skew: exp 61s ahead", mwExpAt(mwNow.Add(61 * time.Second)), []Option{WithSkew(-time.Minute)}, false},
		{"exp 0 is long expired", "0", nil, true},
		{"huge skew", "0", []Option{WithSkew(1<<63 - 1)}, false},
		{"hugely negative skew", mwExpAt(mwNow.AddDate(200, 0, 0)), []Option{WithSkew(-1 << 63)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mwServe(t, mwRequest("GET", "/mcp", "Bearer "+mwJWT(tc.exp)), append([]Option{WithClock(mwClock)}, tc.opts...)...)
			if tc.expired {
				checkRejected(t, got, map[string]string{"error": "invalid_token", "error_description": "The access token expired"}, mwExpiredBody)
			} else {
				checkPassed(t, got)
			}
		})
	}
}

// TestMiddlewareClock checks that the clock is read at most once per
// request, and only when there is an exp to compare with.
func TestMiddlewareClock(t *testing.T) {
	var calls atomic.Int32
	clock := func() time.Time { calls.Add(1); return mwNow }
	h := Middleware(WithClock(clock), WithRequireToken(), WithStrict())(&mwNext{})
	tests := []struct {
		req  *http.Request
		want int32
	}{
		{mwRequest("GET", "/mcp", "Bearer "+mwFresh), 1},
		{mwRequest("GET", "/mcp", "Bearer "+mwExpired), 1},
		{mwRequest("GET", "/mcp", "Bearer "+mwFresh, "Bearer "+mwFresh), 2},
		{mwRequest("GET", "/mcp", "Bearer "+mwOpaque), 0},
		{mwRequest("GET", "/mcp", "Bearer "+mwNoExp), 0},
		{mwRequest("GET", "/mcp", "Bearer "+mwMalformed), 0},
		{mwRequest("GET", "/mcp"), 0},
		{mwRequest("OPTIONS", "/mcp"), 0},
		{mwRequest("OPTIONS", "/mcp", "Bearer "+mwFresh), 1},
	}
	for i, tc := range tests {
		calls.Store(0)
		h.ServeHTTP(httptest.NewRecorder(), tc.req)
		assert.Equal(t, tc.want, calls.Load(), "request %d: clock reads", i)
	}
}

// TestMiddlewareOptionsReadOnce checks that changing the options slice
// after construction changes nothing.
func TestMiddlewareOptionsReadOnce(t *testing.T) {
	opts := []Option{WithClock(mwClock), WithRealm("first")}
	h := Middleware(opts...)(&mwNext{})
	opts[1] = WithRealm("second")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, mwRequest("GET", "/mcp", "Bearer "+mwExpired))
	got := rec.Header().Get("Www-Authenticate")
	require.True(t, strings.HasPrefix(got, `Bearer realm="first"`), "WWW-Authenticate %q, want realm first", got)
}

// TestMiddlewareOuterHeaders checks that headers an outer middleware set are
// kept on the 401 and that WWW-Authenticate is added to
// Access-Control-Expose-Headers for requests with an Origin, as one field
// line that Header.Get reads, without writing into the outer slice.
func TestMiddlewareOuterHeaders(t *testing.T) {
	shared := []string{"Mcp-Session-Id"}
	shared = append(shared[:1:1], "X-Spare")[:1] // spare capacity behind a shared slice
	tests := []struct {
		name       string
		origin     []string
		expose     []string // set by the outer middleware
		wantExpose []string
	}{
		{"no Origin: untouched", nil, []string{"Mcp-Session-Id"}, []string{"Mcp-Session-Id"}},
		{"no Origin, nothing exposed", nil, nil, nil},
		{"Origin, nothing exposed yet", []string{"https://inspector.example"}, nil, []string{"WWW-Authenticate"}},
		{"Origin, others exposed: joined into one line", []string{"https://inspector.example"}, []string{"Mcp-Session-Id, Mcp-Protocol-Version"},
			[]string{"Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate"}},
		{"Origin, several lines: joined into one", []string{"https://inspector.example"}, []string{"Mcp-Session-Id", "Mcp-Protocol-Version"},
			[]string{"Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate"}},
		{"Origin, shared slice with spare capacity", []string{"https://inspector.example"}, shared, []string{"Mcp-Session-Id, WWW-Authenticate"}},
		{"Origin, already listed", []string{"https://inspector.example"}, []string{"Mcp-Session-Id, WWW-Authenticate"}, []string{"Mcp-Session-Id, WWW-Authenticate"}},
		{"Origin, already listed in other case and line", []string{"null"}, []string{"Mcp-Session-Id", " www-authenticate "}, []string{"Mcp-Session-Id", " www-authenticate "}},
		{"Origin, wildcard does not count", []string{"https://a.example"}, []string{"*"}, []string{"*, WWW-Authenticate"}},
		{"Origin, empty outer value", []string{"https://a.example"}, []string{""}, []string{"WWW-Authenticate"}},
		{"Origin, empty values among others", []string{"https://a.example"}, []string{" ", "A", ",", "B"}, []string{"A, B, WWW-Authenticate"}},
		{"Origin, empty outer slice", []string{"https://a.example"}, []string{}, []string{"WWW-Authenticate"}},
		{"empty Origin value", []string{""}, nil, []string{"WWW-Authenticate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			jwtexp := Middleware(WithClock(mwClock))(&mwNext{})
			outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Access-Control-Allow-Origin", "*")
				w.Header().Set("Vary", "Origin")
				w.Header().Set("Www-Authenticate", `Basic realm="outer"`)
				if tc.expose != nil {
					w.Header()["Access-Control-Expose-Headers"] = tc.expose
				}
				jwtexp.ServeHTTP(w, r)
			})
			req := mwRequest("POST", "/mcp", "Bearer "+mwExpired)
			if tc.origin != nil {
				req.Header["Origin"] = tc.origin
			}
			rec := httptest.NewRecorder()
			outer.ServeHTTP(rec, req)
			got := mwResult{status: rec.Code, header: rec.Result().Header, body: rec.Body.String()}
			checkRejected(t, got, map[string]string{"error": "invalid_token", "error_description": "The access token expired"}, mwExpiredBody)
			assert.Equal(t, "*", got.header.Get("Access-Control-Allow-Origin"), "the outer middleware's Access-Control-Allow-Origin")
			assert.Equal(t, "Origin", got.header.Get("Vary"), "the outer middleware's Vary")
			if diff := cmp.Diff(tc.wantExpose, got.header["Access-Control-Expose-Headers"]); diff != "" {
				t.Errorf("Access-Control-Expose-Headers (-want +got):\n%s", diff)
			}
		})
	}
	// Written through, the shared slice would show it in either place.
	assert.Equal(t, "Mcp-Session-Id", shared[0], "the outer middleware's shared slice, its value")
	assert.Equal(t, "X-Spare", shared[:2][1], "the outer middleware's shared slice, its spare capacity")
}

// TestMiddlewareSharedResponseSlices checks that whatever a handler or
// ResponseWriter does to the header values of one 401, appending to them or
// writing into them in place, does not change the next 401: every rejection
// gets fresh value slices.
func TestMiddlewareSharedResponseSlices(t *testing.T) {
	h := Middleware(WithClock(mwClock))(&mwNext{})
	first := httptest.NewRecorder()
	h.ServeHTTP(first, mwRequest("GET", "/mcp", "Bearer "+mwExpired))
	fh := first.Header()
	fh.Add("Www-Authenticate", "Basic")
	fh.Add("Cache-Control", "private")
	fh.Add("Content-Type", "charset=utf-8")
	for _, k := range []string{"Www-Authenticate", "Cache-Control", "Content-Type", "Content-Length"} {
		fh[k][0] = "overwritten"
	}
	second := httptest.NewRecorder()
	h.ServeHTTP(second, mwRequest("GET", "/mcp", "Bearer "+mwExpired))
	got := mwResult{status: second.Code, header: second.Result().Header, body: second.Body.String()}
	checkRejected(t, got, map[string]string{"error": "invalid_token", "error_description": "The access token expired"}, mwExpiredBody,
		"the 401 after one whose header values were changed")
}

// TestMiddlewareWire checks the 401 as a real client reads it over
// loopback HTTP.
func TestMiddlewareWire(t *testing.T) {
	srv := httptest.NewServer(Middleware(WithClock(mwClock), WithRealm("mcp"), WithResourceMetadata(mwMetadata))(&mwNext{}))
	defer srv.Close()
	for _, method := range []string{"POST", "GET", "HEAD"} {
		req, err := http.NewRequest(method, srv.URL+"/mcp", strings.NewReader(`{}`))
		require.NoError(t, err, "NewRequest(%s)", method)
		req.Header.Set("Authorization", "Bearer "+mwExpired)
		req.Header.Set("Origin", "https://inspector.example")
		res, err := srv.Client().Do(req)
		require.NoError(t, err, "%s request", method)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err, "%s: reading the body", method)
		want := mwExpiredBody
		if method == "HEAD" {
			want = ""
		}
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s: status", method)
		assert.Equal(t, want, string(body), "%s: body", method)
		assert.Equal(t, int64(len(mwExpiredBody)), res.ContentLength, "%s: Content-Length", method)
		wantHeader := map[string][]string{
			"Www-Authenticate":              {`Bearer realm="mcp", error="invalid_token", error_description="The access token expired", resource_metadata="` + mwMetadata + `"`},
			"Cache-Control":                 {"no-store"},
			"Content-Type":                  {"application/json"},
			"Content-Length":                {strconv.Itoa(len(mwExpiredBody))},
			"Access-Control-Expose-Headers": {"WWW-Authenticate"},
		}
		for k, v := range wantHeader {
			if diff := cmp.Diff(v, res.Header[k]); diff != "" {
				t.Errorf("%s: %s (-want +got):\n%s", method, k, diff)
			}
		}
		_, err = checkBearerChallenge(res.Header.Get("Www-Authenticate"))
		assert.NoError(t, err, "%s: WWW-Authenticate", method)
	}
}

// TestMiddlewareErrorHandler checks what the handler of WithErrorHandler
// receives, that no default header is set when it runs, and that it
// replaces the built-in writer entirely.
func TestMiddlewareErrorHandler(t *testing.T) {
	tests := []struct {
		name string
		req  *http.Request
		opts []Option
		want error // nil: the handler must not run
	}{
		{"expired", mwRequest("POST", "/mcp", "Bearer "+mwExpired), nil, ErrExpired},
		{"missing, token required", mwRequest("POST", "/mcp"), []Option{WithRequireToken()}, ErrMissingToken},
		{"malformed, strict", mwRequest("POST", "/mcp", "Bearer "+mwMalformed), []Option{WithStrict()}, ErrMalformed},
		{"malformed, not strict", mwRequest("POST", "/mcp", "Bearer "+mwMalformed), nil, nil},
		{"missing, not required", mwRequest("POST", "/mcp"), nil, nil},
		{"fresh", mwRequest("POST", "/mcp", "Bearer "+mwFresh), []Option{WithStrict(), WithRequireToken()}, nil},
		{"preflight, token required", mwRequest("OPTIONS", "/mcp"), []Option{WithRequireToken()}, nil},
		{"expired on OPTIONS", mwRequest("OPTIONS", "/mcp", "Bearer "+mwExpired), nil, ErrExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var gotErr error
			calls := 0
			eh := func(w http.ResponseWriter, r *http.Request, err error) {
				calls++
				gotErr = err
				assert.Empty(t, w.Header(), "headers already set when the error handler runs")
				assert.Same(t, tc.req, r, "the request the error handler got")
				w.Header().Set("Www-Authenticate", Challenge{Realm: "custom", Error: "invalid_token"}.String())
				w.WriteHeader(http.StatusTeapot)
				io.WriteString(w, "custom")
			}
			got := mwServe(t, tc.req, append([]Option{WithClock(mwClock), WithErrorHandler(eh)}, tc.opts...)...)
			if tc.want == nil {
				require.Equal(t, 0, calls, "error handler calls (the last with %v)", gotErr)
				checkPassed(t, got)
				return
			}
			require.Equal(t, 1, calls, "error handler calls")
			require.ErrorIs(t, gotErr, tc.want, "the error handler's error")
			// The response is the error handler's own, and only that.
			assert.False(t, got.next, "next handler called")
			assert.Equal(t, http.StatusTeapot, got.status, "status")
			assert.Equal(t, "custom", got.body, "body")
			assert.Empty(t, got.header.Get("Cache-Control"), "Cache-Control")
			assert.Equal(t, `Bearer realm="custom", error="invalid_token"`, got.header.Get("Www-Authenticate"), "WWW-Authenticate")
		})
	}
}

// TestMiddlewareInvalidOptions checks that Middleware panics at construction,
// with a message starting "jwtexp:", for every invalid option.
func TestMiddlewareInvalidOptions(t *testing.T) {
	eh := func(http.ResponseWriter, *http.Request, error) {}
	tests := []struct {
		name string
		opts []Option
		want string // a substring of the panic message
	}{
		{"realm with LF", []Option{WithRealm("a\nb")}, "WithRealm"},
		{"realm with CR", []Option{WithRealm("a\rb")}, "WithRealm"},
		{"realm with NUL", []Option{WithRealm("\x00")}, "WithRealm"},
		{"realm with HTAB", []Option{WithRealm("a\tb")}, "WithRealm"},
		{"realm with DEL", []Option{WithRealm("a\x7f")}, "WithRealm"},
		{"scope with LF", []Option{WithScope("a\nb")}, "WithScope"},
		{"scope with DEL", []Option{WithScope("\x7f")}, "WithScope"},
		{"resource_metadata with LF", []Option{WithResourceMetadata("https://m.example/\n")}, "WithResourceMetadata"},
		{"resource_metadata with DEL", []Option{WithResourceMetadata("https://m.example/\x7f")}, "WithResourceMetadata"},
		{"resource_metadata relative", []Option{WithResourceMetadata("/.well-known/oauth-protected-resource")}, "WithResourceMetadata"},
		{"resource_metadata without scheme", []Option{WithResourceMetadata("mcp.example.com/.well-known/x")}, "WithResourceMetadata"},
		{"resource_metadata ftp", []Option{WithResourceMetadata("ftp://mcp.example.com/x")}, "WithResourceMetadata"},
		{"resource_metadata without host", []Option{WithResourceMetadata("https:///x")}, "WithResourceMetadata"},
		{"resource_metadata empty", []Option{WithResourceMetadata("")}, "WithResourceMetadata"},
		{"resource_metadata with a quote", []Option{WithResourceMetadata(`https://m.example/"`)}, "WithResourceMetadata"},
		{"nil clock", []Option{WithClock(nil)}, "WithClock"},
		{"nil error handler", []Option{WithErrorHandler(nil)}, "WithErrorHandler"},
		{"nil option", []Option{WithRealm("r"), nil}, "option 1 is nil"},
		{"JSON-RPC body with an error handler", []Option{WithJSONRPCError(), WithErrorHandler(eh)}, "WithJSONRPCError"},
		{"challenge with an error handler", []Option{WithErrorHandler(eh), WithChallenge(mwChallengeFunc)}, "WithChallenge"},
		{"nil challenge function", []Option{WithChallenge(nil)}, "WithChallenge"},
		{"nil reject hook", []Option{WithRejectHook(nil)}, "WithRejectHook"},
		{"bad value before a good one", []Option{WithRealm("\n"), WithRealm("ok")}, "WithRealm"},
		{"bad value after a good one", []Option{WithResourceMetadata(mwMetadata), WithResourceMetadata("x")}, "WithResourceMetadata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := mwPanic(func() { Middleware(tc.opts...) })
			assert.True(t, strings.HasPrefix(msg, "jwtexp: "), "panic %q, want one starting jwtexp: ", msg)
			assert.Contains(t, msg, tc.want, "panic message")
		})
	}
	msg := mwPanic(func() { Middleware()(nil) })
	assert.True(t, strings.HasPrefix(msg, "jwtexp: "), "nil next handler: panic %q, want a jwtexp: message", msg)
	// Valid extremes do not panic.
	valid := [][]Option{
		nil,
		{WithSkew(-1 << 63), WithSkew(1<<63 - 1)},
		{WithRealm(`"\`), WithScope("~!#$%&'()*+,-./:;<=>?@[]^_`{|}"), WithResourceMetadata("http://127.0.0.1:8080/.well-known/oauth-protected-resource")},
		{WithRequireToken(), WithStrict(), WithJSONRPCError(), WithClock(time.Now)},
		{WithErrorHandler(eh), WithRequireToken(), WithStrict(), WithRejectHook(func(*http.Request, error) {})},
		{WithChallenge(mwChallengeFunc), WithRejectHook(func(*http.Request, error) {}), WithJSONRPCError()},
	}
	for i, opts := range valid {
		assert.Empty(t, mwPanic(func() { Middleware(opts...)(&mwNext{}) }), "valid options %d: panic", i)
	}
}

func mwPanic(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestMiddlewareConcurrent serves many requests in parallel through one
// handler; run under -race it shows that the middleware shares no mutable
// state between requests.
func TestMiddlewareConcurrent(t *testing.T) {
	var handled atomic.Int32
	eh := func(w http.ResponseWriter, r *http.Request, err error) {
		handled.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	}
	handlers := []http.Handler{
		Middleware(WithClock(mwClock), WithResourceMetadata(mwMetadata), WithStrict(), WithRequireToken(), WithJSONRPCError())(&mwNext{}),
		Middleware(WithClock(mwClock), WithErrorHandler(eh), WithStrict())(&mwNext{}),
	}
	expose := []string{"Mcp-Session-Id"}
	cases := []struct {
		auth string
		want int
	}{
		{"Bearer " + mwFresh, 200},
		{"Bearer " + mwExpired, 401},
		{"Bearer " + mwMalformed, 401},
		{"Bearer " + mwOpaque, 200},
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				c := cases[(g+i)%len(cases)]
				req := httptest.NewRequest("POST", "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":`+strconv.Itoa(i)+`,"method":"tools/list"}`))
				req.Header.Set("Authorization", c.auth)
				req.Header.Set("Origin", "https://a.example")
				rec := httptest.NewRecorder()
				rec.Header()["Access-Control-Expose-Headers"] = expose
				handlers[i%2].ServeHTTP(rec, req)
				if !assert.Equal(t, c.want, rec.Code, "handler %d, %.20s…: status", i%2, c.auth) {
					return
				}
				if c.want == 401 && i%2 == 0 {
					rec.Header().Add("Www-Authenticate", "Basic")
					if !assert.Contains(t, rec.Body.String(), `"id":`+strconv.Itoa(i)+`,`, "handler 0, %.20s…: JSON-RPC body of request %d", c.auth, i) {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	assert.NotZero(t, handled.Load(), "error handler calls")
}

// mwDiscard is a ResponseWriter that allocates nothing, so that
// AllocsPerRun measures the handler chain alone.
type mwDiscard struct{ h http.Header }

func (d *mwDiscard) Header() http.Header         { return d.h }
func (d *mwDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (d *mwDiscard) WriteHeader(int)             {}

// mwNoop is the no-op handler of the pass-path measurements.
var mwNoop = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

// TestMiddlewarePassAllocs pins the claim that the pass path adds zero
// allocations to the wrapped handler, for every kind of request that passes:
// the decision must not escape the token, build strings or call anything
// that allocates.
func TestMiddlewarePassAllocs(t *testing.T) {
	// Every option is set, in the three combinations the options allow:
	// none may cost anything before a rejection. WithRequireToken turns
	// requests without a bearer token into rejections, so the last two
	// measure only the requests they pass (the hooks panic on a rejection).
	reject := func(*http.Request, error) { panic("rejected") }
	common := []Option{WithClock(mwClock), WithSkew(time.Second), WithResourceMetadata(mwMetadata), WithRealm("mcp"), WithScope("s"), WithStrict(), WithRejectHook(reject)}
	withRequire := append(common[:len(common):len(common)], WithRequireToken())
	middlewares := []struct {
		name string
		h    http.Handler
	}{
		{"built-in writer", Middleware(append(common, WithJSONRPCError(), WithChallenge(mwChallengeFunc))...)(mwNoop)},
		{"built-in writer, token required", Middleware(append(withRequire, WithJSONRPCError(), WithChallenge(mwChallengeFunc))...)(mwNoop)},
		{"error handler, token required", Middleware(append(withRequire, WithErrorHandler(func(http.ResponseWriter, *http.Request, error) { panic("rejected") }))...)(mwNoop)},
	}
	requests := map[string]*http.Request{
		"fresh token":        mwRequest("POST", "/mcp", "Bearer "+mwFresh),
		"two fresh lines":    mwRequest("POST", "/mcp", "Bearer "+mwFresh, "bearer\t"+mwFresh+" "),
		"opaque token":       mwRequest("POST", "/mcp", "Bearer "+mwOpaque),
		"JWT without exp":    mwRequest("POST", "/mcp", "Bearer "+mwNoExp),
		"Basic credentials":  mwRequest("POST", "/mcp", "Basic dXNlcjpwYXNz"),
		"no credentials":     mwRequest("POST", "/mcp"),
		"preflight":          mwRequest("OPTIONS", "/mcp"),
		"well-known":         mwRequest("GET", "/.well-known/oauth-protected-resource/mcp", "Bearer "+mwExpired),
		"well-known root":    mwRequest("GET", "/.well-known/", "Bearer "+mwExpired),
		"query-string token": mwRequest("GET", "/mcp?access_token="+mwExpired),
		"U+00A0 separator":   mwRequest("POST", "/mcp", "Bearer\u00a0"+mwFresh),
		"U+0085 separator":   mwRequest("POST", "/mcp", "Bearer\u0085"+mwFresh),
		"U+3000 around":      mwRequest("POST", "/mcp", "\u3000Bearer\u3000"+mwFresh+"\u3000"),
		// Unclean paths under /.well-known/ are not exempt; judging them
		// must not allocate either (path.Clean would).
		"unclean well-known //, fresh":      mwRequest("GET", "/.well-known//x", "Bearer "+mwFresh),
		"unclean well-known /./, fresh":     mwRequest("GET", "/.well-known/a/./b", "Bearer "+mwFresh),
		"unclean well-known /../, fresh":    mwRequest("GET", "/.well-known/a/../b", "Bearer "+mwFresh),
		"unclean well-known, no token":      mwRequest("GET", "/.well-known/a/../b"),
		"well-known, trailing slash":        mwRequest("GET", "/.well-known/oauth-protected-resource/", "Bearer "+mwExpired),
		"percent-encoded well-known, fresh": mwRequest("GET", "/%2Ewell-known/x", "Bearer "+mwFresh),
	}
	measured := 0
	for name, req := range requests {
		w := &mwDiscard{h: http.Header{}}
		bare := testing.AllocsPerRun(100, func() { mwNoop.ServeHTTP(w, req) })
		for _, mw := range middlewares {
			if mwPanic(func() { mw.h.ServeHTTP(w, req) }) != "" {
				require.Contains(t, mw.name, "token required", "%s: rejected by the middleware %q", name, mw.name)
				continue // a request without a bearer token: a rejection
			}
			measured++
			wrapped := testing.AllocsPerRun(100, func() { mw.h.ServeHTTP(w, req) })
			assert.Equal(t, bare, wrapped, "%s, %s: allocations through the middleware, against the bare handler's: the pass path must add none", name, mw.name)
		}
	}
	assert.Equal(t, 3*len(requests)-2*4, measured, "pass paths measured") // 4 requests carry no bearer token
	// The malformed token passes without WithStrict, also allocation-free.
	lax := Middleware(WithClock(mwClock))(mwNoop)
	req := mwRequest("POST", "/mcp", "Bearer "+mwMalformed)
	w := &mwDiscard{h: http.Header{}}
	assert.Zero(t, testing.AllocsPerRun(100, func() { lax.ServeHTTP(w, req) }), "malformed token without WithStrict: allocations")
}

// FuzzMiddlewareAuthorization fuzzes the Authorization header value. The
// middleware must never panic, and must either pass the request to next
// untouched or answer with one of the built-in 401s and a well-formed
// challenge.
//
// Its oracle reads the header as the MCP go-sdk's RequireBearerToken does,
// with strings.Fields: exactly two fields, the first "Bearer" in any case.
// Whenever that reading finds a token, the verifier downstream would take
// it, so the middleware must have read the same token and decide on it as
// the core does: reject if ExpiredAt (or, under strict, ErrMalformed) says
// so, and otherwise pass. When the oracle finds no token the middleware may
// still reject (it reads "Bearer a b" as the token "a b", which go-sdk
// refuses anyway), but only with a well-formed 401.
func FuzzMiddlewareAuthorization(f *testing.F) {
	for _, v := range []string{
		"Bearer " + mwFresh, "Bearer " + mwExpired, "Bearer " + mwMalformed, "Bearer " + mwNoExp, "Bearer " + mwOpaque,
		"bearer\t" + mwExpired + " ", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "", "Bearer e30.e30.", "Bearer a.b.c",
		"Bearer eyJhbGciOiJub25lIn0.eyJleHAiOjB9.", "BEARER  eyJhbGciOiJub25lIn0.eyJleHAiOiIwIn0.", "Bearer\x00x", "Bearer é",
		"Bearer\u00a0" + mwExpired, "\u3000Bearer\u0085" + mwExpired + "\u2028", "Bearer\v" + mwExpired, "Bearer\xc2" + mwExpired,
		"Bearer " + mwExpired[:20] + " " + mwExpired[20:],
	} {
		f.Add(v, uint8(0))
		f.Add(v, uint8(7))
	}
	handlers := make([]http.Handler, 8)
	next := &mwNext{}
	for mode := range handlers {
		opts := []Option{WithClock(mwClock), WithRealm(`r"\`), WithResourceMetadata(mwMetadata), WithScope("a b")}
		if mode&1 != 0 {
			opts = append(opts, WithStrict())
		}
		if mode&2 != 0 {
			opts = append(opts, WithRequireToken())
		}
		if mode&4 != 0 {
			opts = append(opts, WithJSONRPCError())
		}
		handlers[mode] = Middleware(opts...)(next)
	}
	const (
		expiredDesc   = "The access token expired"
		malformedDesc = "The access token is malformed"
		missing       = "missing"
	)
	f.Fuzz(func(t *testing.T, value string, mode uint8) {
		mode %= 8
		req := httptest.NewRequest("POST", "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Header["Authorization"] = []string{value}
		before := next.called.Load()
		rec := httptest.NewRecorder()
		handlers[mode].ServeHTTP(rec, req)
		called := next.called.Load() != before
		got := mwResult{next: called, status: rec.Code, header: rec.Result().Header, body: rec.Body.String()}

		// What the middleware did, read from the response.
		did := ""
		if !called {
			did = missing
			if pc, err := checkBearerChallenge(got.header.Get("Www-Authenticate")); err == nil && pc.Params["error_description"] != "" {
				did = pc.Params["error_description"]
			}
		}

		// What it must have done where the oracle finds a token.
		tok, ok := fieldsBearer(value)
		if ok {
			_, err := UnverifiedExp(tok)
			want := ""
			switch {
			case ExpiredAt(tok, mwNow, 0): // the default skew
				want = expiredDesc
			case mode&1 != 0 && errors.Is(err, ErrMalformed):
				want = malformedDesc
			}
			require.Equal(t, want, did, "%q (mode %d): what the middleware did, where the verifier would take token %q (UnverifiedExp: %v)",
				value, mode, tok, err)
		}
		if did == "" {
			checkPassed(t, got, "%q (mode %d)", value, mode)
			return
		}
		require.Contains(t, []string{expiredDesc, malformedDesc, missing}, did, "%q (mode %d): error_description", value, mode)
		params := map[string]string{"realm": `r"\`, "resource_metadata": mwMetadata, "scope": "a b"}
		body := ""
		msg := "The access token is missing"
		switch did {
		case expiredDesc, malformedDesc:
			params["error"] = "invalid_token"
			params["error_description"] = did
			body = `{"error":"invalid_token","error_description":"` + did + `"}`
			msg = did
		case missing:
			require.True(t, mode&2 != 0, "%q (mode %d): 401 without an error code, but WithRequireToken is off", value, mode)
		}
		if mode&4 != 0 {
			body = `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"` + msg + `"}}`
		}
		checkRejected(t, got, params, body, "%q (mode %d)", value, mode)
		if did == malformedDesc {
			require.True(t, mode&1 != 0, "%q (mode %d): malformed rejection without WithStrict", value, mode)
		}
	})
}

// fieldsBearer is the fuzz oracle's reading of an Authorization value,
// built like the MCP go-sdk's RequireBearerToken and independent of
// bearerToken: strings.Fields, exactly two fields, the first "Bearer" in
// any case.
func fieldsBearer(v string) (string, bool) {
	fields := strings.Fields(v)
	if len(fields) != 2 || !strings.EqualFold(fields[0], "Bearer") {
		return "", false
	}
	return fields[1], true
}

// The benchmarks measure the pass path against its parts: the bare no-op
// handler, and UnverifiedExp alone on the same token. docs/performance.md quotes
// their ratios; compare with benchstat over -count 6.

func BenchmarkMiddleware(b *testing.B) {
	h := Middleware(WithResourceMetadata(mwMetadata))(mwNoop) // the real clock
	req := mwRequest("POST", "/mcp", "Bearer "+mwJWT(mwExpAt(time.Now().Add(24*time.Hour))))
	w := &mwDiscard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, req)
	}
}

// BenchmarkMiddlewareAllOptions is BenchmarkMiddleware with every option
// that can be combined set: none may cost anything on the pass path.
func BenchmarkMiddlewareAllOptions(b *testing.B) {
	h := Middleware(WithSkew(time.Second), WithClock(time.Now), WithRealm("mcp"), WithScope("mcp:tools"), WithResourceMetadata(mwMetadata),
		WithRequireToken(), WithStrict(), WithJSONRPCError(), WithChallenge(mwChallengeFunc), WithRejectHook(func(*http.Request, error) {}))(mwNoop)
	req := mwRequest("POST", "/mcp", "Bearer "+mwJWT(mwExpAt(time.Now().Add(24*time.Hour))))
	w := &mwDiscard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(w, req)
	}
}

func BenchmarkBareHandler(b *testing.B) {
	req := mwRequest("POST", "/mcp", "Bearer "+mwJWT(mwExpAt(time.Now().Add(24*time.Hour))))
	w := &mwDiscard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mwNoop.ServeHTTP(w, req)
	}
}

// BenchmarkMiddlewareUnverifiedExp is UnverifiedExp alone on the token of
// BenchmarkMiddleware: the floor the middleware's pass path is held to
// (at most 1.2× this).
func BenchmarkMiddlewareUnverifiedExp(b *testing.B) {
	tok := mwJWT(mwExpAt(time.Now().Add(24 * time.Hour)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := UnverifiedExp(tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMiddlewareReject measures the built-in 401 for an expired token.
func BenchmarkMiddlewareReject(b *testing.B) {
	h := Middleware(WithResourceMetadata(mwMetadata), WithRealm("mcp"))(mwNoop)
	req := mwRequest("POST", "/mcp", "Bearer "+mwJWT(mwExpAt(time.Now().Add(-time.Hour))))
	w := &mwDiscard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// mwChallengeFunc derives resource_metadata from the request's host, as a
// server behind several names does, and words its own description.
func mwChallengeFunc(r *http.Request, err error) Challenge {
	return Challenge{
		ResourceMetadata: "https://" + r.Host + "/.well-known/oauth-protected-resource/mcp",
		ErrorDescription: "Sign in again: " + err.Error(),
	}
}

// TestMiddlewareWithChallenge checks, one row per rule, how the challenge of
// WithChallenge is filled and what of the built-in response it changes.
func TestMiddlewareWithChallenge(t *testing.T) {
	const expiredAt = "jwtexp: bearer token expired at 2025-06-15T11:00:00Z"
	fixed := func(c Challenge) func(*http.Request, error) Challenge {
		return func(*http.Request, error) Challenge { return c }
	}
	options := []Option{WithRealm("mcp"), WithScope("mcp:tools"), WithResourceMetadata(mwMetadata)}
	tests := []struct {
		name       string
		auth       []string
		body       string // a JSON-RPC request body, with WithJSONRPCError
		opts       []Option
		f          func(*http.Request, error) Challenge
		wantParams map[string]string
		wantBody   string
	}{
		{"empty challenge: the built-in one, expired", []string{"Bearer " + mwExpired}, "", options, fixed(Challenge{}),
			map[string]string{"realm": "mcp", "scope": "mcp:tools", "resource_metadata": mwMetadata, "error": "invalid_token", "error_description": "The access token expired"},
			mwExpiredBody},
		{"empty challenge: the built-in one, malformed", []string{"Bearer " + mwMalformed}, "", append([]Option{WithStrict()}, options...), fixed(Challenge{}),
			map[string]string{"realm": "mcp", "scope": "mcp:tools", "resource_metadata": mwMetadata, "error": "invalid_token", "error_description": "The access token is malformed"},
			mwMalformedBody},
		{"empty challenge: the built-in one, missing", nil, "", append([]Option{WithRequireToken()}, options...), fixed(Challenge{}),
			map[string]string{"realm": "mcp", "scope": "mcp:tools", "resource_metadata": mwMetadata}, ""},
		{"per-request resource_metadata and wording win over the options", []string{"Bearer " + mwExpired}, "", options, mwChallengeFunc,
			map[string]string{"realm": "mcp", "scope": "mcp:tools", "resource_metadata": "https://tenant.example.com/.well-known/oauth-protected-resource/mcp",
				"error": "invalid_token", "error_description": "Sign in again: " + expiredAt},
			`{"error":"invalid_token","error_description":"Sign in again: ` + expiredAt + `"}`},
		{"every field from f", []string{"Bearer " + mwExpired}, "", options,
			fixed(Challenge{Realm: "r2", Scope: "s2", ResourceMetadata: "https://x.example/m", Error: "insufficient_scope", ErrorDescription: "d2"}),
			map[string]string{"realm": "r2", "scope": "s2", "resource_metadata": "https://x.example/m", "error": "insufficient_scope", "error_description": "d2"},
			`{"error":"insufficient_scope","error_description":"d2"}`},
		{"no options: filled from the built-in values only", []string{"Bearer " + mwExpired}, "", nil, fixed(Challenge{Scope: "a b"}),
			map[string]string{"scope": "a b", "error": "invalid_token", "error_description": "The access token expired"}, mwExpiredBody},
		{"user text is JSON-escaped in the body", []string{"Bearer " + mwExpired}, "", nil,
			fixed(Challenge{ErrorDescription: `Use <b>new</b> & 'fresh' tokens`}),
			map[string]string{"error": "invalid_token", "error_description": `Use <b>new</b> & 'fresh' tokens`},
			`{"error":"invalid_token","error_description":"Use \u003cb\u003enew\u003c/b\u003e \u0026 'fresh' tokens"}`},
		{"control characters become spaces in the header", []string{"Bearer " + mwExpired}, "", nil,
			fixed(Challenge{Realm: "a\r\nSet-Cookie: x", ErrorDescription: "tab\there"}),
			map[string]string{"realm": "a  Set-Cookie: x", "error": "invalid_token", "error_description": "tab here"},
			`{"error":"invalid_token","error_description":"tab\there"}`},
		{"missing token: no error code unless f sets one", nil, "", []Option{WithRequireToken()}, fixed(Challenge{ErrorDescription: "Sign in"}),
			map[string]string{"error_description": "Sign in"}, ""},
		{"missing token: f may set an error code", nil, "", []Option{WithRequireToken()}, fixed(Challenge{Error: "invalid_request"}),
			map[string]string{"error": "invalid_request"}, `{"error":"invalid_request"}`},
		{"JSON-RPC message is the challenge's description", []string{"Bearer " + mwExpired}, `{"jsonrpc":"2.0","id":"a","method":"tools/list"}`,
			[]Option{WithJSONRPCError()}, fixed(Challenge{ErrorDescription: `Token <gone>`}),
			map[string]string{"error": "invalid_token", "error_description": `Token <gone>`},
			`{"jsonrpc":"2.0","id":"a","error":{"code":-32001,"message":"Token \u003cgone\u003e"}}`},
		{"JSON-RPC message, missing token with a description", nil, `{"jsonrpc":"2.0","id":2,"method":"ping"}`,
			[]Option{WithJSONRPCError(), WithRequireToken()}, fixed(Challenge{ErrorDescription: "Sign in"}),
			map[string]string{"error_description": "Sign in"}, `{"jsonrpc":"2.0","id":2,"error":{"code":-32001,"message":"Sign in"}}`},
		{"JSON-RPC message, missing token without a description", nil, `{"jsonrpc":"2.0","id":2,"method":"ping"}`,
			[]Option{WithJSONRPCError(), WithRequireToken()}, fixed(Challenge{}),
			map[string]string{}, `{"jsonrpc":"2.0","id":2,"error":{"code":-32001,"message":"The access token is missing"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := mwRequest("POST", "https://tenant.example.com/mcp", tc.auth...)
			if tc.body != "" {
				req.Body = io.NopCloser(strings.NewReader(tc.body))
			}
			var calls int
			var gotErr error
			f := func(r *http.Request, err error) Challenge {
				calls++
				gotErr = err
				assert.Same(t, req, r, "the request f got")
				return tc.f(r, err)
			}
			got := mwServe(t, req, append([]Option{WithClock(mwClock), WithChallenge(f)}, tc.opts...)...)
			checkRejected(t, got, tc.wantParams, tc.wantBody)
			assert.Equal(t, 1, calls, "calls of f")
			assert.Error(t, gotErr, "the error f got")
		})
	}
	// Characters RFC 6750 §3 keeps out of error_description ('"', '\\',
	// non-ASCII) are the caller's to avoid; they still make one valid
	// quoted-string in the header and valid JSON in the bodies.
	const desc = `say "hi" \ ` + "\u00e9\xff"
	req := mwRequest("POST", "/mcp", "Bearer "+mwExpired)
	req.Body = io.NopCloser(strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"x"}`))
	got := mwServe(t, req, WithClock(mwClock), WithJSONRPCError(), WithChallenge(fixed(Challenge{ErrorDescription: desc})))
	wantHeader := `Bearer error="invalid_token", error_description="say \"hi\" \\ ` + "\u00e9\xff" + `"`
	assert.Equal(t, http.StatusUnauthorized, got.status, "description %q, JSON-RPC: status", desc)
	if diff := cmp.Diff([]string{wantHeader}, got.header["Www-Authenticate"]); diff != "" {
		t.Errorf("description %q: WWW-Authenticate (-want +got):\n%s", desc, diff)
	}
	pc, err := parseChallenge(wantHeader)
	require.NoError(t, err, "parseChallenge(%q)", wantHeader)
	assert.Equal(t, desc, pc.Params["error_description"], "error_description parsed back from %q", wantHeader)
	assert.Equal(t, `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"say \"hi\" \\ `+"\u00e9"+`\ufffd"}}`, got.body,
		"description %q: JSON-RPC body", desc)
	got = mwServe(t, mwRequest("POST", "/mcp", "Bearer "+mwExpired), WithClock(mwClock), WithChallenge(fixed(Challenge{ErrorDescription: desc})))
	assert.Equal(t, `{"error":"invalid_token","error_description":"say \"hi\" \\ `+"\u00e9"+`\ufffd"}`, got.body,
		"description %q: OAuth body", desc)

	// Never on the pass path.
	calls := 0
	f := func(*http.Request, error) Challenge { calls++; return Challenge{} }
	for _, auth := range []string{"Bearer " + mwFresh, "Bearer " + mwOpaque, "Bearer " + mwMalformed, ""} {
		checkPassed(t, mwServe(t, mwRequest("POST", "/mcp", auth), WithClock(mwClock), WithChallenge(f)), "Authorization %.30q", auth)
	}
	assert.Equal(t, 0, calls, "calls of f on the pass path")
}

// mwEvents is a ResponseWriter that records, in order, the hook's calls and
// the writes of the response.
type mwEvents struct {
	*httptest.ResponseRecorder
	events []string
}

func (e *mwEvents) WriteHeader(code int) {
	e.events = append(e.events, "WriteHeader")
	e.ResponseRecorder.WriteHeader(code)
}

func (e *mwEvents) Write(b []byte) (int, error) {
	e.events = append(e.events, "Write")
	return e.ResponseRecorder.Write(b)
}

// TestMiddlewareRejectHook checks that the hook runs exactly once per
// rejection, before anything is written, with the error the other
// functions get, and that it changes nothing in the response.
func TestMiddlewareRejectHook(t *testing.T) {
	eh := func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(http.StatusTeapot)
	}
	rpc := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	tests := []struct {
		name    string
		auth    []string
		opts    []Option
		wantErr error // nil: the request passes and the hook must not run
	}{
		{"expired, built-in writer", []string{"Bearer " + mwExpired}, nil, ErrExpired},
		{"expired on the second line", []string{"Bearer " + mwFresh, "Bearer " + mwExpired}, nil, ErrExpired},
		{"malformed, strict", []string{"Bearer " + mwMalformed}, []Option{WithStrict()}, ErrMalformed},
		{"missing, token required", nil, []Option{WithRequireToken()}, ErrMissingToken},
		{"expired, JSON-RPC body", []string{"Bearer " + mwExpired}, []Option{WithJSONRPCError()}, ErrExpired},
		{"expired, with a challenge function", []string{"Bearer " + mwExpired}, []Option{WithChallenge(mwChallengeFunc)}, ErrExpired},
		{"expired, error handler", []string{"Bearer " + mwExpired}, []Option{WithErrorHandler(eh)}, ErrExpired},
		{"fresh", []string{"Bearer " + mwFresh}, []Option{WithStrict(), WithRequireToken()}, nil},
		{"malformed, not strict", []string{"Bearer " + mwMalformed}, nil, nil},
		{"OPTIONS", []string{"Bearer " + mwExpired}, nil, ErrExpired},
		{"preflight", nil, []Option{WithRequireToken()}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.name == "OPTIONS" || tc.name == "preflight" {
				method = "OPTIONS"
			}
			newRequest := func() *http.Request {
				req := mwRequest(method, "/mcp", tc.auth...)
				req.Body = io.NopCloser(strings.NewReader(rpc))
				return req
			}
			opts := append([]Option{WithClock(mwClock), WithResourceMetadata(mwMetadata)}, tc.opts...)

			with := &mwEvents{ResponseRecorder: httptest.NewRecorder()}
			var seen []error
			hook := WithRejectHook(func(_ *http.Request, err error) {
				with.events = append(with.events, "hook")
				seen = append(seen, err)
			})
			Middleware(append(opts[:len(opts):len(opts)], hook)...)(&mwNext{}).ServeHTTP(with, newRequest())
			if tc.wantErr == nil {
				require.Empty(t, seen, "errors the hook got on the pass path")
			} else {
				require.Len(t, seen, 1, "errors the hook got")
				require.ErrorIs(t, seen[0], tc.wantErr, "the error the hook got")
				require.Equal(t, "hook", with.events[0], "first of the events %v: the hook must run before anything is written", with.events)
			}

			// The same request through the same options without the hook.
			without := httptest.NewRecorder()
			Middleware(opts...)(&mwNext{}).ServeHTTP(without, newRequest())
			assert.Equal(t, without.Code, with.Code, "status with the hook, against without it")
			assert.Equal(t, without.Body.String(), with.Body.String(), "body with the hook, against without it")
			if diff := cmp.Diff(without.Header(), with.Header()); diff != "" {
				t.Errorf("header (-without the hook +with it):\n%s", diff)
			}
		})
	}
	// With WithErrorHandler and WithChallenge, the hook gets the very error
	// value the other function gets, and runs first.
	var order []string
	var hookErr, handlerErr, challengeErr error
	h := Middleware(WithClock(mwClock),
		WithRejectHook(func(_ *http.Request, err error) { order = append(order, "hook"); hookErr = err }),
		WithErrorHandler(func(w http.ResponseWriter, _ *http.Request, err error) {
			order = append(order, "handler")
			handlerErr = err
		}),
	)(&mwNext{})
	h.ServeHTTP(httptest.NewRecorder(), mwRequest("GET", "/mcp", "Bearer "+mwExpired))
	require.Error(t, hookErr, "with WithErrorHandler: the hook's error")
	assert.Same(t, handlerErr, hookErr, "with WithErrorHandler: the hook's error, against the handler's")
	if diff := cmp.Diff([]string{"hook", "handler"}, order); diff != "" {
		t.Errorf("with WithErrorHandler: order of the calls (-want +got):\n%s", diff)
	}
	hookErr = nil
	h = Middleware(WithClock(mwClock),
		WithRejectHook(func(_ *http.Request, err error) { hookErr = err }),
		WithChallenge(func(_ *http.Request, err error) Challenge { challengeErr = err; return Challenge{} }),
	)(&mwNext{})
	h.ServeHTTP(httptest.NewRecorder(), mwRequest("GET", "/mcp", "Bearer "+mwExpired))
	require.Error(t, hookErr, "with WithChallenge: the hook's error")
	assert.Same(t, challengeErr, hookErr, "with WithChallenge: the hook's error, against the challenge function's")
}

// TestExpiredError checks the error an expired token is reported with. The
// local zone is not UTC while it runs, so that Error must convert to UTC
// itself: Exp is in the local zone, as UnverifiedExp returns it.
func TestExpiredError(t *testing.T) {
	local := time.Local
	t.Cleanup(func() { time.Local = local })
	time.Local = time.FixedZone("UTC+5", 5*3600)
	tests := []struct {
		exp     string
		wantExp time.Time
		want    string
	}{
		{mwExpAt(mwNow.Add(-time.Hour)), mwNow.Add(-time.Hour), "jwtexp: bearer token expired at 2025-06-15T11:00:00Z"},
		{"1749985200.25", time.Unix(1749985200, 250000000), "jwtexp: bearer token expired at 2025-06-15T11:00:00.25Z"},
		{"-1.5", time.Unix(-2, 500000000), "jwtexp: bearer token expired at 1969-12-31T23:59:58.5Z"},
		{"0", time.Unix(0, 0), "jwtexp: bearer token expired at 1970-01-01T00:00:00Z"},
	}
	for _, tc := range tests {
		var got error
		h := Middleware(WithClock(mwClock), WithRejectHook(func(_ *http.Request, err error) { got = err }))(&mwNext{})
		h.ServeHTTP(httptest.NewRecorder(), mwRequest("GET", "/mcp", "Bearer "+mwJWT(tc.exp)))
		var e *ExpiredError
		require.ErrorAs(t, got, &e, "exp %s: the hook's error", tc.exp)
		assert.True(t, e.Exp.Equal(tc.wantExp), "exp %s: Exp %v, want %v", tc.exp, e.Exp, tc.wantExp)
		assert.ErrorIs(t, got, ErrExpired, "exp %s", tc.exp)
		for _, other := range []error{ErrMissingToken, ErrMalformed, ErrNotJWT, ErrNoExp} {
			assert.NotErrorIs(t, got, other, "exp %s", tc.exp)
		}
		assert.EqualError(t, got, tc.want, "exp %s", tc.exp)
	}
}

// TestBearerToken checks the exported parser on its own; TestMiddleware
// covers it through the header.
func TestBearerToken(t *testing.T) {
	tests := []struct {
		in, token string
		ok        bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer\tabc ", "abc", true},
		{" BEARER \u00a0abc\u3000", "abc", true},
		{"Bearer a b", "a b", true}, // the middleware judges it; a verifier refuses it
		{"Bearer", "", false},
		{"Bearer   ", "", false},
		{"Bearerabc", "", false},
		{"Bearer\u200babc", "", false},
		{"Basic abc", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		token, ok := BearerToken(tc.in)
		assert.Equal(t, tc.token, token, "BearerToken(%q): token", tc.in)
		assert.Equal(t, tc.ok, ok, "BearerToken(%q): ok", tc.in)
	}
}
