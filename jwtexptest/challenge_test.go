package jwtexptest

import (
	"errors"
	"testing"

	"github.com/jwtexp/jwtexp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseChallenges pins the RFC 9110 §11.6.1 grammar: token68 against
// auth-params, quoted-string escapes, several challenges in one field line
// and across lines.
func TestParseChallenges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		lines  []string
		want   []challenge
		badSyn bool // a syntax error after the challenges in want
	}{
		{"empty", nil, nil, false},
		{"bare scheme", []string{"Bearer"}, []challenge{{scheme: "Bearer"}}, false},
		{"params", []string{`Bearer realm="mcp", error="invalid_token"`},
			[]challenge{{scheme: "Bearer", params: map[string]string{"realm": "mcp", "error": "invalid_token"}}}, false},
		{"token values and BWS", []string{`Bearer error = invalid_token ,scope=read`},
			[]challenge{{scheme: "Bearer", params: map[string]string{"error": "invalid_token", "scope": "read"}}}, false},
		{"names are case-insensitive", []string{`bearer ERROR="invalid_token"`},
			[]challenge{{scheme: "bearer", params: map[string]string{"error": "invalid_token"}}}, false},
		{"quoted-pair escapes", []string{`Bearer error_description="a \"quoted\" \\ word, and a comma"`},
			[]challenge{{scheme: "Bearer", params: map[string]string{"error_description": `a "quoted" \ word, and a comma`}}}, false},
		{"obs-text passes", []string{"Bearer realm=\"caf\xc3\xa9\""},
			[]challenge{{scheme: "Bearer", params: map[string]string{"realm": "caf\xc3\xa9"}}}, false},
		{"token68", []string{"Negotiate abc+/def=="}, []challenge{{scheme: "Negotiate", token68: "abc+/def=="}}, false},
		{"token68 then a challenge", []string{"Negotiate abc=, Bearer realm=x"},
			[]challenge{{scheme: "Negotiate", token68: "abc="}, {scheme: "Bearer", params: map[string]string{"realm": "x"}}}, false},
		{"two challenges on one line", []string{`Basic realm="a", Bearer error="invalid_token", resource_metadata="https://x/.well-known/oauth-protected-resource"`},
			[]challenge{
				{scheme: "Basic", params: map[string]string{"realm": "a"}},
				{scheme: "Bearer", params: map[string]string{"error": "invalid_token", "resource_metadata": "https://x/.well-known/oauth-protected-resource"}},
			}, false},
		{"challenges across lines", []string{`Basic realm="a"`, `Bearer error="invalid_token"`},
			[]challenge{
				{scheme: "Basic", params: map[string]string{"realm": "a"}},
				{scheme: "Bearer", params: map[string]string{"error": "invalid_token"}},
			}, false},
		{"a challenge continued on the next line (RFC 9110 §5.3)", []string{`Bearer realm="a"`, `error="invalid_token"`},
			[]challenge{{scheme: "Bearer", params: map[string]string{"realm": "a", "error": "invalid_token"}}}, false},
		{"empty list elements", []string{` , Bearer realm=a,, ,error=b ,`},
			[]challenge{{scheme: "Bearer", params: map[string]string{"realm": "a", "error": "b"}}}, false},
		{"bare schemes", []string{"Basic, Bearer"}, []challenge{{scheme: "Basic"}, {scheme: "Bearer"}}, false},
		{"a repeated name keeps the first", []string{`Bearer error="a", error="b"`},
			[]challenge{{scheme: "Bearer", params: map[string]string{"error": "a"}}}, false},
		{"unterminated quoted-string", []string{`Basic realm=a, Bearer error="invalid_token`},
			[]challenge{{scheme: "Basic", params: map[string]string{"realm": "a"}}}, true},
		{"control character in a quoted-string", []string{"Bearer error=\"a\x01\""}, nil, true},
		{"no space after the scheme", []string{`Bearer"x"`}, nil, true},
		{"a lone token with '=' is a token68", []string{`Bearer error=`}, []challenge{{scheme: "Bearer", token68: "error="}}, false},
		{"missing value", []string{`Bearer realm=a, error=`}, nil, true},
		{"junk after a value", []string{`Bearer error="a" b`}, nil, true},
		{"quoted-string where a scheme belongs", []string{`"Bearer"`}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseChallenges(tt.lines)
			if tt.badSyn {
				require.ErrorIs(t, err, errChallengeSyntax, "parse %q", tt.lines)
			} else {
				require.NoError(t, err, "parse %q", tt.lines)
			}
			// testify, not go-cmp: cmp.AllowUnexported of go-cmp v0.1.0
			// trips checkptr under -race.
			assert.Equal(t, tt.want, got, "parse %q", tt.lines)
		})
	}
}

// FuzzParseChallenges checks that the parser never panics, and uses
// jwtexp.Challenge.String, written independently, as a differential oracle:
// a challenge it formats parses back to the same parameters, alone, after
// another challenge on the same line, and on a line of its own.
func FuzzParseChallenges(f *testing.F) {
	f.Add("mcp", "read write", "https://x/.well-known/oauth-protected-resource", "invalid_token", `a "b" \c`, `Basic realm="x", Negotiate abc==`)
	f.Add("", "", "", "", "", "")
	f.Add("\x00\t\x7f", "\xff", ",", "=", `\`, `Bearer error="`)
	f.Fuzz(func(t *testing.T, realm, scope, rm, code, desc, raw string) {
		// No panic, and bounded output, on anything.
		cs, _ := parseChallenges([]string{raw, realm})
		require.LessOrEqual(t, len(cs), len(raw)+len(realm)+2)

		c := jwtexp.Challenge{Realm: realm, Scope: scope, ResourceMetadata: rm, Error: code, ErrorDescription: desc}
		want := challenge{scheme: "Bearer"}
		for name, v := range map[string]string{"realm": realm, "scope": scope, "resource_metadata": rm, "error": code, "error_description": desc} {
			if v == "" {
				continue
			}
			if want.params == nil {
				want.params = map[string]string{}
			}
			// String turns control characters into spaces.
			b := []byte(v)
			for i, ch := range b {
				if ch < 0x20 || ch == 0x7f {
					b[i] = ' '
				}
			}
			want.params[name] = string(b)
		}
		s := c.String()
		for _, lines := range [][]string{{s}, {`Basic realm="x", ` + s}, {"Negotiate abc==", s}} {
			got, err := parseChallenges(lines)
			require.NoError(t, err, "parse %q", lines)
			b, ok := bearer(got)
			require.True(t, ok, "parse %q: no Bearer challenge", lines)
			require.Equal(t, want, b, "parse %q", lines)
		}
	})
}

func TestParseChallengesErrorIsWrapped(t *testing.T) {
	t.Parallel()
	_, err := parseChallenges([]string{`Bearer error="`})
	assert.True(t, errors.Is(err, errChallengeSyntax))
	assert.Contains(t, err.Error(), "jwtexptest:")
}
