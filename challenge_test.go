package jwtexp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parsedChallenge is one challenge as parseChallenge reads it.
type parsedChallenge struct {
	Scheme string
	Names  []string          // parameter names, lower-cased, in order
	Params map[string]string // lower-cased name → value, quoted-pairs undone
}

// parseChallenge is a strict parser for a WWW-Authenticate field value that
// must hold exactly one challenge with auth-params (RFC 9110 §11.2, §11.6.1,
// §5.6):
//
//	challenge   = auth-scheme [ 1*SP #auth-param ]
//	auth-param  = token BWS "=" BWS ( token / quoted-string )
//	#rule       = element *( OWS "," OWS element )   ; no empty elements
//
// It also rejects leading or trailing whitespace, token68 credentials, a
// repeated parameter name (compared case-insensitively, RFC 9110 §11.2) and
// a second challenge. Test code only.
func parseChallenge(s string) (parsedChallenge, error) {
	var pc parsedChallenge
	i := 0
	scheme := scanToken(s, i)
	if scheme == "" {
		return pc, fmt.Errorf("no auth-scheme at %d in %q", i, s)
	}
	pc.Scheme = scheme
	pc.Params = map[string]string{}
	i += len(scheme)
	if i == len(s) {
		return pc, nil
	}
	if s[i] != ' ' {
		return pc, fmt.Errorf("byte %q after auth-scheme at %d in %q", s[i], i, s)
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	for {
		name := scanToken(s, i)
		if name == "" {
			return pc, fmt.Errorf("want auth-param name at %d in %q", i, s)
		}
		i += len(name)
		j := skipOWS(s, i)
		if j == len(s) || s[j] != '=' {
			if j > i || j == len(s) {
				return pc, fmt.Errorf("token68 or second challenge %q at %d in %q", name, i-len(name), s)
			}
			return pc, fmt.Errorf("want '=' at %d in %q", j, s)
		}
		i = skipOWS(s, j+1)
		var value string
		if i < len(s) && s[i] == '"' {
			v, n, err := scanQuotedString(s, i)
			if err != nil {
				return pc, fmt.Errorf("%v in %q", err, s)
			}
			value, i = v, i+n
		} else {
			value = scanToken(s, i)
			if value == "" {
				return pc, fmt.Errorf("want token or quoted-string at %d in %q", i, s)
			}
			i += len(value)
		}
		lname := strings.ToLower(name)
		if _, dup := pc.Params[lname]; dup {
			return pc, fmt.Errorf("repeated parameter %q in %q", name, s)
		}
		pc.Params[lname] = value
		pc.Names = append(pc.Names, lname)
		if i == len(s) {
			return pc, nil
		}
		i = skipOWS(s, i)
		if i == len(s) {
			return pc, fmt.Errorf("trailing whitespace in %q", s)
		}
		if s[i] != ',' {
			return pc, fmt.Errorf("want ',' at %d in %q", i, s)
		}
		i = skipOWS(s, i+1)
	}
}

// isTchar reports whether ch is an RFC 9110 §5.6.2 tchar.
func isTchar(ch byte) bool {
	return 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0
}

func scanToken(s string, i int) string {
	j := i
	for j < len(s) && isTchar(s[j]) {
		j++
	}
	return s[i:j]
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// scanQuotedString reads the RFC 9110 §5.6.4 quoted-string at s[i] and
// returns its value and length:
//
//	quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//	qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//	quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
func scanQuotedString(s string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		ch := s[j]
		switch {
		case ch == '"':
			return b.String(), j + 1 - i, nil
		case ch == '\\':
			j++
			if j == len(s) || s[j] != '\t' && (s[j] < 0x20 || s[j] == 0x7f) {
				return "", 0, fmt.Errorf("bad quoted-pair at %d", j-1)
			}
			b.WriteByte(s[j])
		case ch == '\t' || ch >= 0x20 && ch != 0x7f:
			b.WriteByte(ch)
		default:
			return "", 0, fmt.Errorf("control byte %#02x in quoted-string at %d", ch, j)
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted-string at %d", i)
}

// checkBearerChallenge parses v strictly and checks the RFC 6750 §3 rules
// on top: scheme "Bearer", realm first when present, quoted-strings only
// (RFC 6750 §3 uses quoted-string for every attribute; RFC 9110 §11.5 for
// realm), and error / error_description limited to %x20-21 / %x23-5B /
// %x5D-7E.
func checkBearerChallenge(v string) (parsedChallenge, error) {
	pc, err := parseChallenge(v)
	if err != nil {
		return pc, err
	}
	if pc.Scheme != "Bearer" {
		return pc, fmt.Errorf("scheme %q, want Bearer in %q", pc.Scheme, v)
	}
	if i := indexOf(pc.Names, "realm"); i > 0 {
		return pc, fmt.Errorf("realm is parameter %d, want first in %q", i, v)
	}
	if strings.Count(v, `="`) != len(pc.Names) {
		return pc, fmt.Errorf("not every value is a quoted-string in %q", v)
	}
	for _, name := range []string{"error", "error_description"} {
		for _, ch := range []byte(pc.Params[name]) {
			if ch < 0x20 || ch == '"' || ch == '\\' || ch > 0x7e {
				return pc, fmt.Errorf("%s has byte %#02x that RFC 6750 §3 forbids in %q", name, ch, v)
			}
		}
	}
	return pc, nil
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}

// The parser must itself be able to fail, or it proves nothing.
func TestParseChallenge(t *testing.T) {
	valid := []struct {
		in   string
		want parsedChallenge
	}{
		{`Bearer`, parsedChallenge{Scheme: "Bearer", Params: map[string]string{}}},
		{`Bearer realm="a"`, parsedChallenge{"Bearer", []string{"realm"}, map[string]string{"realm": "a"}}},
		{`Bearer  realm = "a" ,error=invalid_token`, parsedChallenge{"Bearer", []string{"realm", "error"}, map[string]string{"realm": "a", "error": "invalid_token"}}},
		{`Bearer realm="a\"b\\c"`, parsedChallenge{"Bearer", []string{"realm"}, map[string]string{"realm": `a"b\c`}}},
		{"Bearer REALM=\"\t\xc3\xa9\"", parsedChallenge{"Bearer", []string{"realm"}, map[string]string{"realm": "\t\xc3\xa9"}}},
		{`Bearer realm=""`, parsedChallenge{"Bearer", []string{"realm"}, map[string]string{"realm": ""}}},
	}
	for _, tc := range valid {
		got, err := parseChallenge(tc.in)
		if !assert.NoError(t, err, "parseChallenge(%q)", tc.in) {
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("parseChallenge(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
	invalid := []string{
		``,
		` Bearer`,
		`Bearer `,
		`Bearer realm="a" `,
		"Bearer\trealm=\"a\"",
		`Bearer realm="a", Basic realm="b"`,
		`Bearer realm="a", Basic`,
		`Bearer, Basic`,
		`Bearer realm="a", realm="b"`,
		`Bearer realm="a", REALM="b"`,
		`Bearer realm="a",`,
		`Bearer realm="a",,error="b"`,
		`Bearer realm="a" error="b"`,
		`Bearer realm="a`,
		`Bearer realm="a\`,
		`Bearer realm=`,
		`Bearer realm`,
		`Bearer abc==`,
		`Bearer realm=a"b`,
		"Bearer realm=\"a\nb\"",
		"Bearer realm=\"a\x7fb\"",
		"Bearer realm=\"a\\\x01\"",
		`Bear(er`,
		`Bearer =x`,
	}
	for _, in := range invalid {
		got, err := parseChallenge(in)
		assert.Error(t, err, "parseChallenge(%q) = %+v", in, got)
	}
	bearerInvalid := []string{
		`Basic realm="a"`,
		`Bearer error="invalid_token", realm="a"`,
		`Bearer error=invalid_token`,
		`Bearer error_description="a\"b"`,
		"Bearer error_description=\"caf\xc3\xa9\"",
	}
	for _, in := range bearerInvalid {
		_, err := checkBearerChallenge(in)
		assert.Error(t, err, "checkBearerChallenge(%q)", in)
	}
}

func TestChallengeString(t *testing.T) {
	tests := []struct {
		name string
		c    Challenge
		want string
	}{
		{"zero value", Challenge{}, `Bearer`},
		{"realm only", Challenge{Realm: "mcp"}, `Bearer realm="mcp"`},
		{"bare RFC 6750 §3.1 challenge", Challenge{Realm: "mcp", Scope: "files:read", ResourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource"},
			`Bearer realm="mcp", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", scope="files:read"`},
		{"fixed order", Challenge{Scope: "s", ErrorDescription: "d", ResourceMetadata: "https://m/", Error: "invalid_token", Realm: "r"},
			`Bearer realm="r", error="invalid_token", error_description="d", resource_metadata="https://m/", scope="s"`},
		{"error without realm", Challenge{Error: "invalid_token", ErrorDescription: "The access token expired"},
			`Bearer error="invalid_token", error_description="The access token expired"`},
		{"escapes quote and backslash", Challenge{Realm: `a"b\c`, Scope: `"\`}, `Bearer realm="a\"b\\c", scope="\"\\"`},
		{"control characters become spaces", Challenge{Realm: "a\r\nb\tc\x00d\x7f"}, `Bearer realm="a  b c d "`},
		{"obs-text passes", Challenge{Realm: "café"}, `Bearer realm="café"`},
		{"commas and equals stay inside the quotes", Challenge{Realm: `x", error="forged`}, `Bearer realm="x\", error=\"forged"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.c.String()
			require.Equal(t, tc.want, got, "String()")
			_, err := parseChallenge(got)
			require.NoError(t, err)
		})
	}
}

// FuzzChallengeString checks that String always yields exactly one
// challenge that the strict parser accepts and that carries every non-empty
// field back, control characters turned into spaces.
func FuzzChallengeString(f *testing.F) {
	f.Add("mcp", "files:read", "https://m.example/.well-known/x", "invalid_token", "The access token expired")
	f.Add(`"\`, "a\nb", "", "", "\x00\x7f")
	f.Add("", "", "", "", "")
	f.Fuzz(func(t *testing.T, realm, scope, rm, code, desc string) {
		c := Challenge{Realm: realm, Scope: scope, ResourceMetadata: rm, Error: code, ErrorDescription: desc}
		s := c.String()
		pc, err := parseChallenge(s)
		require.NoError(t, err, "%+v", c)
		require.Equal(t, "Bearer", pc.Scheme, "scheme of %q", s)
		want := map[string]string{}
		for name, v := range map[string]string{"realm": realm, "scope": scope, "resource_metadata": rm, "error": code, "error_description": desc} {
			if v != "" {
				want[name] = ctlToSpace(v)
			}
		}
		if diff := cmp.Diff(want, pc.Params); diff != "" {
			t.Fatalf("%+v: params (-want +got):\n%s", c, diff)
		}
	})
}

// ctlToSpace replaces every control byte with a space, byte by byte, as
// String is documented to.
func ctlToSpace(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if ch < 0x20 || ch == 0x7f {
			b[i] = ' '
		}
	}
	return string(b)
}

func TestCheckParamValue(t *testing.T) {
	for _, v := range []string{"", "mcp", `a"b\c`, "café", "files:read files:write", "~!#$%&'()*+,-./:;<=>?@[]^_`{|}"} {
		assert.NoError(t, checkParamValue("WithRealm", v), "checkParamValue(%q)", v)
	}
	for _, v := range []string{"a\nb", "a\rb", "\x00", "a\tb", "del\x7f", "\x1f"} {
		err := checkParamValue("WithRealm", v)
		if assert.Error(t, err, "checkParamValue(%q)", v) {
			assert.True(t, strings.HasPrefix(err.Error(), "jwtexp: WithRealm: "),
				"checkParamValue(%q) = %v, want a jwtexp: WithRealm: error", v, err)
		}
	}
}

func TestCheckResourceMetadata(t *testing.T) {
	valid := []string{
		"https://mcp.example.com/.well-known/oauth-protected-resource",
		"https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
		"http://127.0.0.1:8080/.well-known/oauth-protected-resource",
		"HTTPS://Example.COM",
		"https://[::1]:8443/m?x=1&y=%20",
		"https://example.com/m?redirect=https://other.example/a@b", // '@' in the query is no userinfo
	}
	for _, v := range valid {
		assert.NoError(t, checkResourceMetadata(v), "checkResourceMetadata(%q)", v)
	}
	invalid := []string{
		"",
		"/.well-known/oauth-protected-resource",
		"example.com/.well-known/oauth-protected-resource",
		"//example.com/m",
		"ftp://example.com/m",
		"urn:ietf:params:oauth",
		"https:opaque",
		"https://",
		"https://:443/m",
		"https://example.com/a b",
		"https://example.com/\x00",
		"https://example.com/\x7f",
		"https://example.com/\n",
		`https://example.com/"x"`,
		`https://example.com/a\b`,
		"https://exämple.com/",
		"https://example.com/%zz",
		"https://[::1/m",
		"https://user@example.com/m",      // userinfo: RFC 9110 §4.2.4
		"https://user:pass@example.com/m", // userinfo with a password
		"https://@example.com/m",          // empty userinfo is still userinfo
		"https://example.com/m#frag",      // fragment: RFC 9728 §1.2
		"https://example.com/m#",          // empty fragment
	}
	for _, v := range invalid {
		err := checkResourceMetadata(v)
		if assert.Error(t, err, "checkResourceMetadata(%q)", v) {
			assert.True(t, strings.HasPrefix(err.Error(), "jwtexp: WithResourceMetadata: "),
				"checkResourceMetadata(%q) = %v, want a jwtexp: WithResourceMetadata: error", v, err)
		}
	}
}
