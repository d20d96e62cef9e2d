package jwtexp

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/internal/oracle"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// header is {"alg":"RS256","typ":"JWT"}; it is never decoded.
const header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"

// jwt wraps claims, verbatim, into a compact JWS with a fake signature.
func jwt(claims string) string {
	return header + "." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + ".c2lnbmF0dXJl"
}

// nest wraps `{"a":` + inner + `}` in depth-1 further levels of arrays, so
// the whole payload is nested depth deep.
func nest(depth int, inner string) string {
	return `{"a":` + strings.Repeat("[", depth-1) + inner + strings.Repeat("]", depth-1) + `}`
}

// padded returns the padded base64url of claims, which must not be a
// multiple of 3 bytes long, so that the padding is there.
func padded(claims string) string {
	p := base64.URLEncoding.EncodeToString([]byte(claims))
	if !strings.HasSuffix(p, "=") {
		panic("no padding for " + claims)
	}
	return header + "." + p + ".sig"
}

// trailingBits returns a token whose payload's last character has the
// unused low bits of the final partial quantum set: {"exp":12} is 10 bytes,
// so 14 characters of which the last carries 4 unused bits.
func trailingBits() string {
	p := base64.RawURLEncoding.EncodeToString([]byte(`{"exp":12}`))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, p[len(p)-1])
	return header + "." + p[:len(p)-1] + string(alphabet[last|0xF]) + ".sig"
}

// notBase64Later returns a token whose claims are invalid JSON from their
// first bytes but whose payload segment strays from base64url only in a
// later chunk: it is still not a JWT.
func notBase64Later() string {
	p := []byte(base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1,]` + strings.Repeat(" ", 2*decodedChunk) + `}`)))
	p[encodedChunk+4] = '!'
	return header + "." + string(p) + ".sig"
}

type expCase struct {
	name  string
	token string
	want  time.Time // for err == nil
	err   error
}

func ok(name, token string, sec, nsec int64) expCase {
	return expCase{name: name, token: token, want: time.Unix(sec, nsec)}
}

func bad(name, token string, err error) expCase {
	return expCase{name: name, token: token, err: err}
}

// expCases covers every rule of UnverifiedExp, and the tokens users meet
// in the wild.
var expCases = []expCase{
	// Shape (RFC 7519 §7.2): three segments, only the payload is read.
	ok("integer", jwt(`{"exp":1700000000}`), 1700000000, 0),
	ok("surrounding whitespace", " \t\r\n"+jwt(`{"exp":1700000000}`)+"\r\n", 1700000000, 0),
	ok("header and signature not checked", "!!!."+base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1}`))+".***", 1, 0),
	ok("alg none, empty signature", "eyJhbGciOiJub25lIn0."+base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1}`))+".", 1, 0),
	ok("empty header", "."+base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1}`))+".", 1, 0),
	bad("empty", "", ErrNotJWT),
	bad("whitespace only", " \t\r\n", ErrNotJWT),
	bad("opaque token", "2YotnFZFEjr1zCsicMWpAA", ErrNotJWT),
	bad("two segments", header+"."+base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1}`)), ErrNotJWT),
	bad("four segments", jwt(`{"exp":1}`)+".x", ErrNotJWT),
	bad("JWE, five segments", "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ", ErrNotJWT),
	bad("empty payload", header+"..sig", ErrNotJWT),
	bad("only dots", "..", ErrNotJWT),
	bad("PASETO", "v4.public.eyJkYXRhIjoidGhpcyBpcyBhIHNpZ25lZCBtZXNzYWdlIiwiZXhwIjoiMjAyMi0wMS0wMVQwMDowMDowMCswMDowMCJ9v3Jt8mx_TdM2ceTGoqwrh4yDFn0XsHvvV_D0DtwQxVrJEBMl0F2caAdgnpKlt4p7xBnx1HcO-SPo8FPp214HDw.eyJraWQiOiJ6VmhNaVBCUDlmUmYyc25FY1Q3Z0ZUaW9lQTlDT2NOeTlEZmdMMVc2MGhhTiJ9", ErrNotJWT),
	ok("BOM before the token is in the unread header", "\ufeff"+jwt(`{"exp":1}`), 1, 0),
	ok("NUL after the token is in the unread signature", jwt(`{"exp":1}`)+"\x00", 1, 0),
	bad("NUL in the payload segment", header+".eyJleHAiOjF9\x00.sig", ErrNotJWT),

	// Base64url (RFC 7515 §2, RFC 4648 §5).
	ok("padded with one =", padded(`{"exp":170000000}`), 170000000, 0),
	ok("padded with two =", padded(`{"exp":1700000000 }`), 1700000000, 0),
	ok("non-zero trailing bits", trailingBits(), 12, 0),
	bad("plus sign", header+".eyJleHAiOjE+fQ.sig", ErrNotJWT),
	bad("slash", header+".eyJleHAiOjE/fQ.sig", ErrNotJWT),
	bad("newline inside payload", header+".eyJleHAi\nOjF9.sig", ErrNotJWT),
	bad("CRLF inside payload", header+".eyJleHAi\r\nOjF9.sig", ErrNotJWT),
	bad("space inside payload", header+".eyJleHAi OjF9.sig", ErrNotJWT),
	bad("length 4n+1", header+".eyJleHAiOjF9A.sig", ErrNotJWT),
	bad("padding on a full quantum", header+".eyJleHAiOjF9=.sig", ErrNotJWT),
	bad("three padding characters", header+".eyJleHAiOjE===.sig", ErrNotJWT),
	bad("padding too short", header+".eyJleHAiOjF9AA=.sig", ErrNotJWT),
	bad("padding too long", header+".eyJleHAiOjF9AAA==.sig", ErrNotJWT),
	bad("padding in the middle", header+".eyJl=HAiOjF9.sig", ErrNotJWT),
	bad("only padding", header+".====.sig", ErrNotJWT),
	bad("broken JSON, then not base64url in a later chunk", notBase64Later(), ErrNotJWT),
	bad("standard alphabet", header+"."+base64.StdEncoding.EncodeToString([]byte(`{"exp":1,"x":"???"}`))+".sig", ErrNotJWT),

	// The claims must be a JSON object (RFC 7519 §7.2 step 10).
	bad("array", jwt(`[{"exp":1}]`), ErrNotJWT),
	bad("string", jwt(`"exp"`), ErrNotJWT),
	bad("number", jwt(`1700000000`), ErrNotJWT),
	bad("BOM in the payload", jwt("\ufeff{\"exp\":1}"), ErrNotJWT),
	bad("payload only whitespace", jwt(" \n"), ErrNotJWT),
	bad("binary payload", jwt("\x00\x01\x02"), ErrNotJWT),
	ok("leading JSON whitespace", jwt(" \t\r\n{\"exp\":1}"), 1, 0),
	ok("trailing JSON whitespace", jwt("{\"exp\":1} \t\r\n"), 1, 0),
	ok("whitespace everywhere", jwt("{ \"a\" : [ 1 , { } , [ ] ] , \"exp\" : 1 }"), 1, 0),
	ok("CRLF-formatted claims", jwt("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"), 1300819380, 0),

	// Invalid JSON is ErrMalformed, exactly as json.Valid decides.
	bad("truncated", jwt(`{"exp":1`), ErrMalformed),
	bad("truncated string", jwt(`{"exp":1,"a":"x`), ErrMalformed),
	bad("trailing garbage", jwt(`{"exp":1}x`), ErrMalformed),
	bad("two objects", jwt(`{"exp":1}{}`), ErrMalformed),
	bad("trailing comma", jwt(`{"exp":1,}`), ErrMalformed),
	bad("single quotes", jwt(`{'exp':1}`), ErrMalformed),
	bad("unquoted key", jwt(`{exp:1}`), ErrMalformed),
	bad("control character in string", jwt("{\"a\":\"\t\",\"exp\":1}"), ErrMalformed),
	bad("bad escape", jwt(`{"a":"\x","exp":1}`), ErrMalformed),
	bad("short unicode escape", jwt(`{"a":"\u12","exp":1}`), ErrMalformed),
	bad("leading zero", jwt(`{"exp":01}`), ErrMalformed),
	bad("leading plus", jwt(`{"exp":+1}`), ErrMalformed),
	bad("bare dot", jwt(`{"exp":1.}`), ErrMalformed),
	bad("dot first", jwt(`{"exp":.5}`), ErrMalformed),
	bad("bare exponent", jwt(`{"exp":1e}`), ErrMalformed),
	bad("NaN", jwt(`{"exp":NaN}`), ErrMalformed),
	bad("Infinity", jwt(`{"exp":Infinity}`), ErrMalformed),
	bad("bad literal", jwt(`{"a":tru,"exp":1}`), ErrMalformed),
	bad("mismatched brackets", jwt(`{"a":[1},"exp":1}`), ErrMalformed),
	bad("nesting 10001 deep", jwt(nest(10001, "1")), ErrMalformed),
	ok("nesting 10000 deep", jwt(`{"exp":1,`+nest(10000, "1")[1:]), 1, 0),
	ok("invalid UTF-8 in a string", jwt("{\"a\":\"\xff\xfe\",\"exp\":1}"), 1, 0),
	ok("escapes", jwt(`{"a\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00":"\u0000","exp":1}`), 1, 0),

	// Duplicate exp (RFC 7519 §4): rejected, since parsers disagree.
	bad("duplicate exp", jwt(`{"exp":1,"exp":2}`), ErrMalformed),
	bad("duplicate exp, one escaped", jwt(`{"exp":1,"\u0065xp":1}`), ErrMalformed),
	bad("duplicate exp, one a string", jwt(`{"exp":1,"exp":"1"}`), ErrMalformed),
	ok("exp spelled \\u0065xp", jwt(`{"\u0065xp":1700000000}`), 1700000000, 0),
	ok("exp spelled e\\u0078\\u0070", jwt(`{"e\u0078\u0070":1700000000}`), 1700000000, 0),
	ok("duplicate nested exp", jwt(`{"a":{"exp":1,"exp":2},"exp":3}`), 3, 0),
	ok("duplicate other claim", jwt(`{"iat":1,"iat":2,"exp":3}`), 3, 0),

	// exp must be a JSON number (RFC 7519 §2 NumericDate).
	bad("exp as RFC 3339 string", jwt(`{"exp":"2023-11-14T22:13:20Z"}`), ErrMalformed),
	bad("exp as numeric string", jwt(`{"exp":"1700000000"}`), ErrMalformed),
	bad("exp null", jwt(`{"exp":null}`), ErrMalformed),
	bad("exp true", jwt(`{"exp":true}`), ErrMalformed),
	bad("exp false", jwt(`{"exp":false}`), ErrMalformed),
	bad("exp array", jwt(`{"exp":[1700000000]}`), ErrMalformed),
	bad("exp object", jwt(`{"exp":{"v":1700000000}}`), ErrMalformed),

	// |exp| >= 2^62 s, go-jose's bound.
	bad("1e19", jwt(`{"exp":1e19}`), ErrMalformed),
	bad("max int64", jwt(`{"exp":9223372036854775807}`), ErrMalformed),
	bad("1e400", jwt(`{"exp":1e400}`), ErrMalformed),
	bad("-1e400", jwt(`{"exp":-1e400}`), ErrMalformed),
	bad("2^62", jwt(`{"exp":4611686018427387904}`), ErrMalformed),
	bad("-2^62", jwt(`{"exp":-4611686018427387904}`), ErrMalformed),
	bad("2^62 as a fraction", jwt(`{"exp":4611686018427387.904e3}`), ErrMalformed),
	bad("huge exponent", jwt(`{"exp":1e99999999999999999999999}`), ErrMalformed),
	ok("2^62 - 1", jwt(`{"exp":4611686018427387903}`), 4611686018427387903, 0),
	ok("just below 2^62", jwt(`{"exp":4611686018427387903.999999999999}`), 4611686018427387903, 999999999),
	ok("just above -2^62", jwt(`{"exp":-4611686018427387903.5}`), -4611686018427387904, 500000000),

	// No exp at the top level.
	bad("empty object", jwt(`{}`), ErrNoExp),
	bad("nested exp", jwt(`{"sub":"x","ext":{"exp":1700000000}}`), ErrNoExp),
	bad("exp in an array", jwt(`{"a":[{"exp":1}]}`), ErrNoExp),
	bad("EXP is not exp", jwt(`{"EXP":1700000000}`), ErrNoExp),
	bad("Exp is not exp", jwt(`{"Exp":1700000000}`), ErrNoExp),
	bad("prefix", jwt(`{"ex":1}`), ErrNoExp),
	bad("longer", jwt(`{"expires":1}`), ErrNoExp),
	bad("exp as a value", jwt(`{"claim":"exp"}`), ErrNoExp),
	bad("escaped non-match", jwt(`{"\u0065x\u0070\n":1}`), ErrNoExp),
	bad("exp with NUL", jwt(`{"exp\u0000":1}`), ErrNoExp),

	// The number, exactly, floored to the nanosecond.
	ok("exponent", jwt(`{"exp":1.7e9}`), 1700000000, 0),
	ok("exponent with sign", jwt(`{"exp":17E+8}`), 1700000000, 0),
	ok("negative exponent", jwt(`{"exp":170000000000e-2}`), 1700000000, 0),
	ok("nanoseconds", jwt(`{"exp":1700000000.123456789}`), 1700000000, 123456789),
	ok("below a nanosecond is floored", jwt(`{"exp":1700000000.9999999999}`), 1700000000, 999999999),
	ok("Laravel fractional exp", jwt(`{"exp":1644948329.528239}`), 1644948329, 528239000),
	ok("float64 would round this", jwt(`{"exp":1700000000.000000001}`), 1700000000, 1),
	ok("negative", jwt(`{"exp":-1.5}`), -2, 500000000),
	ok("negative integer", jwt(`{"exp":-86400}`), -86400, 0),
	ok("negative below a nanosecond", jwt(`{"exp":-1e-10}`), -1, 999999999),
	ok("negative tiny", jwt(`{"exp":-1e-99999}`), -1, 999999999),
	// 19 digits before the point and 9 after are all that is kept; a nonzero
	// digit beyond them still floors a negative value down.
	ok("negative, nonzero digit beyond the kept ones", jwt(`{"exp":-1000000000000000000.0000000001}`), -1000000000000000001, 999999999),
	ok("negative, nonzero digit far beyond the kept ones", jwt(`{"exp":-1000000000000000000.000000000000000000001}`), -1000000000000000001, 999999999),
	ok("negative, zero digits beyond the kept ones", jwt(`{"exp":-1000000000000000000.000000000000000000000}`), -1000000000000000000, 0),
	ok("positive, nonzero digit beyond the kept ones", jwt(`{"exp":1000000000000000000.0000000001}`), 1000000000000000000, 0),
	ok("positive tiny", jwt(`{"exp":1e-99999}`), 0, 0),
	ok("one nanosecond", jwt(`{"exp":1e-9}`), 0, 1),
	ok("negative nanosecond", jwt(`{"exp":-0.000000001}`), -1, 999999999),
	ok("zero is the epoch", jwt(`{"exp":0}`), 0, 0),
	ok("negative zero", jwt(`{"exp":-0}`), 0, 0),
	ok("zero with exponent", jwt(`{"exp":0.0e999999}`), 0, 0),
	ok("many digits", jwt(`{"exp":1700000000.`+strings.Repeat("9", 1000)+`}`), 1700000000, 999999999),
	ok("many leading zeros", jwt(`{"exp":0.`+strings.Repeat("0", 1000)+`1e1010}`), 1000000000, 0),
	ok("many trailing zeros", jwt(`{"exp":1`+strings.Repeat("0", 1000)+`e-991}`), 1000000000, 0),
	// The exponent alone does not tell the magnitude: the digits count too.
	ok("many digits, exponent below -1000", jwt(`{"exp":17`+strings.Repeat("0", 1108)+`e-1100}`), 1700000000, 0),
	ok("many leading zeros, exponent above 1000", jwt(`{"exp":0.`+strings.Repeat("0", 1100)+`17e1110}`), 1700000000, 0),
	bad("10^99 written with exponent -1001", jwt(`{"exp":1`+strings.Repeat("0", 1100)+`e-1001}`), ErrMalformed),
	ok("10^-100 written with exponent 1001", jwt(`{"exp":0.`+strings.Repeat("0", 1100)+`1e1001}`), 0, 0),
	ok("-10^-100 written with exponent 1001", jwt(`{"exp":-0.`+strings.Repeat("0", 1100)+`1e1001}`), -1, 999999999),
	ok("other numbers around", jwt(`{"iat":-1e-5,"exp":1.5,"nbf":-2.5e-3}`), 1, 500000000),
	ok("realistic claims", jwt(`{"iss":"https://issuer.example","sub":"248289761001","aud":["mcp","api"],"exp":1700000000,"iat":1699996400,"nbf":1699996400,"scope":"tools:read tools:call","email":"jane@example.com","azp":"client","custom":{"exp":"nested","tags":[true,false,null]}}`), 1700000000, 0),
}

func TestUnverifiedExp(t *testing.T) {
	for _, tc := range expCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnverifiedExp(tc.token)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err, "UnverifiedExp")
				assert.Zero(t, got, "UnverifiedExp: the time on error")
				return
			}
			require.NoError(t, err, "UnverifiedExp")
			require.True(t, got.Equal(tc.want), "UnverifiedExp = %v (%d.%09d), want %v", got, got.Unix(), got.Nanosecond(), tc.want)
			assert.Equal(t, tc.want, got, "UnverifiedExp: the location, as time.Unix sets it")
		})
	}
}

// TestErrors checks that every error of the package names it.
func TestErrors(t *testing.T) {
	for _, err := range []error{ErrNotJWT, ErrMalformed, ErrNoExp, ErrExpired, ErrMissingToken, &ExpiredError{}} {
		assert.True(t, strings.HasPrefix(err.Error(), "jwtexp: "), "%T: Error() = %q, want it to start with jwtexp: ", err, err.Error())
	}
}

func TestExpiredAt(t *testing.T) {
	// The extreme skews are ±9223372036.854775807 s (and ...808 below).
	const maxSkewSeconds = math.MaxInt64 / int64(time.Second)
	exp := time.Unix(1700000000, 500000000)
	tok := jwt(`{"exp":1700000000.5}`)
	far := jwt(`{"exp":4611686018427387903.999999999}`)
	past := jwt(`{"exp":-4611686018427387903.999999999}`)
	epoch := time.Unix(0, 0)
	tests := []struct {
		name  string
		token string
		now   time.Time
		skew  time.Duration
		want  bool
	}{
		{"before exp", tok, exp.Add(-time.Nanosecond), 0, false},
		{"at exp: RFC 7519 says MUST be before", tok, exp, 0, true},
		{"after exp", tok, exp.Add(time.Hour), 0, true},
		{"within skew", tok, exp.Add(time.Minute - time.Nanosecond), time.Minute, false},
		{"at the end of skew", tok, exp.Add(time.Minute), time.Minute, true},
		{"negative skew, about to expire", tok, exp.Add(-30 * time.Second), -30 * time.Second, true},
		{"negative skew, not yet", tok, exp.Add(-30*time.Second - time.Nanosecond), -30 * time.Second, false},
		{"at exp, positive skew", tok, exp, time.Nanosecond, false},
		{"at exp, negative skew", tok, exp, -time.Nanosecond, true},
		{"1ns before exp, skew -1ns", tok, exp.Add(-time.Nanosecond), -time.Nanosecond, true},
		{"at exp, in another zone", tok, exp.In(time.FixedZone("UTC-7", -7*3600)), 0, true},
		{"zero now", tok, time.Time{}, 0, false},
		{"zero now, hugely negative skew", tok, time.Time{}, math.MinInt64, false},
		{"now 1000 years on", tok, exp.AddDate(1000, 0, 0), time.Hour, true},
		{"epoch is expired", jwt(`{"exp":0}`), epoch, 0, true},
		{"not a JWT is not expired", "opaque", exp.Add(time.Hour), 0, false},
		{"malformed is not expired", jwt(`{"exp":"1"}`), exp.Add(time.Hour), 0, false},
		{"no exp is not expired", jwt(`{}`), exp.Add(time.Hour), 0, false},
		{"max exp, max skew", far, epoch, math.MaxInt64, false},
		{"max exp, min skew, now epoch", far, epoch, math.MinInt64, false},
		{"min exp, min skew", past, epoch, math.MinInt64, true},
		{"min exp, max skew", past, epoch, math.MaxInt64, true},
		{"max exp, max skew, now just before", far, time.Unix(1<<62+maxSkewSeconds, 854775805), math.MaxInt64, false},
		{"max exp, max skew, now at the end", far, time.Unix(1<<62+maxSkewSeconds, 854775806), math.MaxInt64, true},
		{"min exp, min skew, now at the end", past, time.Unix(-1<<62-maxSkewSeconds, -854775807), math.MinInt64, true},
		{"min exp, min skew, now just before", past, time.Unix(-1<<62-maxSkewSeconds, -854775808), math.MinInt64, false},
		{"monotonic now", tok, time.Now(), 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ExpiredAt(tc.token, tc.now, tc.skew), "ExpiredAt(now %v, skew %v)", tc.now, tc.skew)
		})
	}
}

func TestExpired(t *testing.T) {
	assert.True(t, Expired(jwt(`{"exp":1600000000}`), time.Minute), "Expired(exp in 2020, skew 1m)")
	assert.False(t, Expired(jwt(`{"exp":4102444800}`), time.Minute), "Expired(exp in 2100, skew 1m)")
	assert.False(t, Expired("opaque", -time.Hour), "Expired(%q, skew -1h)", "opaque")
	now := time.Now().Unix()
	assert.True(t, Expired(jwt(fmt.Sprintf(`{"exp":%d}`, now+3600)), -2*time.Hour), "Expired(exp in 1h, skew -2h)")
	assert.False(t, Expired(jwt(fmt.Sprintf(`{"exp":%d}`, now-60)), 2*time.Hour), "Expired(exp 1m ago, skew 2h)")
}

// hostileTokens are the inputs from the security requirements: each must be
// handled in linear time without a heap allocation.
func hostileTokens() map[string]string {
	big := strings.Repeat("x", 1<<20)
	return map[string]string{
		"1 MiB string claim": jwt(`{"a":"` + big + `","exp":1}`),
		"1 MiB exp":          jwt(`{"exp":1.` + strings.Repeat("9", 1<<20) + `}`),
		"1 MiB token":        big[:1<<20-2] + "..",
		"100000 dots":        strings.Repeat(".", 100000),
		"100000 dots in JWT": jwt(`{"exp":1}`) + strings.Repeat(".", 100000),
		"nesting 10000 deep": jwt(nest(10000, "1")),
		"nesting 10001 deep": jwt(nest(10001, "1")),
		"nesting 500000":     jwt(`{"a":` + strings.Repeat("[", 500000)),
		"unclosed objects":   jwt(strings.Repeat(`{"a":`, 100000)),
		"1 MiB of digits":    jwt(`{"exp":` + strings.Repeat("9", 1<<20) + `}`),
		"1 MiB of zeros":     jwt(`{"exp":0.` + strings.Repeat("0", 1<<20) + `1}`),
		"1 MiB whitespace":   jwt("{" + strings.Repeat(" ", 1<<20) + `"exp":1}`),
		"1 MiB of escapes":   jwt(`{"a":"` + strings.Repeat(`\u0065`, 1<<18) + `","exp":1}`),
		"1 MiB bad base64":   header + "." + strings.Repeat("A", 1<<20) + "!.sig",
	}
}

// TestNoAllocations pins the zero-allocation promise: UnverifiedExp and
// ExpiredAt decode into a stack buffer and keep all state in a fixed-size
// struct, so no input, however large or deep, may cost a heap allocation.
// A regression here (say a []byte(string) conversion, or a buffer that
// escapes) would show up as allocations on the hot path of every request.
// The inputs are the table's, the real tokens of the peer libraries' test
// suites and the hostile ones.
func TestNoAllocations(t *testing.T) {
	inputs := map[string]string{}
	for _, tc := range expCases {
		inputs[tc.name] = tc.token
	}
	for i, tok := range peerTokens(t) {
		inputs[fmt.Sprintf("peer token %d", i+1)] = tok
	}
	for name, tok := range hostileTokens() {
		inputs[name] = tok
	}
	now := time.Now()
	for name, tok := range inputs {
		assert.Zero(t, testing.AllocsPerRun(5, func() { _, _ = UnverifiedExp(tok) }), "UnverifiedExp(%s): allocations", name)
		assert.Zero(t, testing.AllocsPerRun(5, func() { ExpiredAt(tok, now, time.Minute) }), "ExpiredAt(%s): allocations", name)
	}
}

func TestHostileInputs(t *testing.T) {
	want := map[string]error{
		"1 MiB string claim": nil,
		"1 MiB exp":          nil,
		"1 MiB token":        ErrNotJWT,
		"100000 dots":        ErrNotJWT,
		"100000 dots in JWT": ErrNotJWT,
		"nesting 10000 deep": ErrNoExp,
		"nesting 10001 deep": ErrMalformed,
		"nesting 500000":     ErrMalformed,
		"unclosed objects":   ErrMalformed,
		"1 MiB of digits":    ErrMalformed,
		"1 MiB of zeros":     nil,
		"1 MiB whitespace":   nil,
		"1 MiB of escapes":   nil,
		"1 MiB bad base64":   ErrNotJWT,
	}
	for name, tok := range hostileTokens() {
		t.Run(name, func(t *testing.T) {
			_, err := UnverifiedExp(tok)
			assert.Equal(t, errorClass(want[name]), errorClass(err), "UnverifiedExp: error class")
			requireMatchesOracle(t, tok)
		})
	}
}

// oracleExp is UnverifiedExp as the reference oracle reads it, with the
// same sentinel errors.
func oracleExp(token string) (time.Time, error) {
	r := oracle.Exp(token)
	switch r.Class {
	case oracle.NotJWT:
		return r.Exp, ErrNotJWT
	case oracle.Malformed:
		return r.Exp, ErrMalformed
	case oracle.NoExp:
		return r.Exp, ErrNoExp
	}
	return r.Exp, nil
}

// errorClass names which of the sentinels err is, for comparisons.
func errorClass(err error) string {
	for _, e := range []error{ErrNotJWT, ErrMalformed, ErrNoExp} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	if err != nil {
		return "unexpected: " + err.Error()
	}
	return "ok"
}

// requireMatchesOracle checks UnverifiedExp against the math/big oracle of
// internal/oracle: the same error class, and the same instant in the same
// location, which is the zero time on error.
func requireMatchesOracle(t testing.TB, token string) {
	t.Helper()
	got, gotErr := UnverifiedExp(token)
	want, wantErr := oracleExp(token)
	q := token
	if len(q) > 200 {
		q = q[:200] + "…"
	}
	require.Equal(t, errorClass(wantErr), errorClass(gotErr), "UnverifiedExp(%q): error class, against the oracle's", q)
	require.Equal(t, want, got, "UnverifiedExp(%q): exp %d.%09d, against the oracle's %d.%09d",
		q, got.Unix(), got.Nanosecond(), want.Unix(), want.Nanosecond())
}

func TestOracleAgreesWithTable(t *testing.T) {
	for _, tc := range expCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := oracleExp(tc.token)
			assert.Equal(t, errorClass(tc.err), errorClass(err), "oracle: error class")
			assert.Equal(t, tc.want, got, "oracle: exp")
			requireMatchesOracle(t, tc.token)
		})
	}
}

// TestPeerTokens runs the 220 real tokens from golang-jwt's and go-jose's
// test suites through both implementations.
func TestPeerTokens(t *testing.T) {
	tokens := peerTokens(t)
	require.Len(t, tokens, 220, "testdata/peer-tokens.txt")
	classes := map[string]int{}
	for _, tok := range tokens {
		requireMatchesOracle(t, tok)
		_, err := UnverifiedExp(tok)
		classes[errorClass(err)]++
	}
	t.Logf("peer tokens by class: %v", classes)
	// The corpus holds real JWTs with exp and non-JWT payloads both.
	assert.NotZero(t, classes["ok"], "peer tokens with an exp")
	assert.NotZero(t, classes[ErrNotJWT.Error()], "peer tokens that are not JWTs")
}

func peerTokens(t testing.TB) []string {
	f, err := os.Open("testdata/peer-tokens.txt")
	require.NoError(t, err, "opening testdata/peer-tokens.txt")
	defer f.Close()
	var tokens []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			tokens = append(tokens, line)
		}
	}
	require.NoError(t, sc.Err(), "reading testdata/peer-tokens.txt")
	return tokens
}

// TestStringBytes puts every byte but '"' and '\\' into member names and
// string values, at each position of an 8-byte word: RFC 8259 §7 rejects
// the control characters below 0x20, and json.Valid lets every other byte
// through, invalid UTF-8 included.
func TestStringBytes(t *testing.T) {
	for b := 0; b < 256; b++ {
		if b == '"' || b == '\\' {
			continue
		}
		var want error
		if b < 0x20 {
			want = ErrMalformed
		}
		t.Run(fmt.Sprintf("%#02x", b), func(t *testing.T) {
			for pad := 0; pad < 8; pad++ {
				s := strings.Repeat("x", pad) + string([]byte{byte(b)})
				for _, claims := range []string{
					`{"` + s + `":1,"exp":1}`,       // a top-level name, not exp
					`{"exp":1,"exp` + s + `":2}`,    // a top-level name that starts as exp
					`{"a":{"` + s + `":1},"exp":1}`, // a nested name
					`{"a":"` + s + `","exp":1}`,     // a value
				} {
					got, err := UnverifiedExp(jwt(claims))
					require.Equal(t, errorClass(want), errorClass(err), "UnverifiedExp of claims %q: error class", claims)
					if want == nil {
						require.Equal(t, time.Unix(1, 0), got, "UnverifiedExp of claims %q", claims)
					}
					requireMatchesOracle(t, jwt(claims))
				}
			}
		})
	}
}

// TestEscapes checks the two-character escapes of RFC 8259 §7 in names
// and values: each of \" \\ \/ \b \f \n \r \t is valid and stands for a
// byte that is none of the letters of exp, so that in place of any of them,
// or added anywhere, it makes another name; a backslash before any other
// byte is ErrMalformed. \u is TestUnicodeEscapes's.
func TestEscapes(t *testing.T) {
	check := func(claims string, want error) {
		t.Helper()
		_, err := UnverifiedExp(jwt(claims))
		assert.Equal(t, errorClass(want), errorClass(err), "UnverifiedExp of claims %s: error class", claims)
		requireMatchesOracle(t, jwt(claims))
	}
	for c := 0; c < 256; c++ {
		if c == 'u' {
			continue
		}
		esc := `\` + string([]byte{byte(c)})
		var want error
		valid := strings.IndexByte(`"\/bfnrt`, byte(c)) >= 0
		if !valid {
			want = ErrMalformed
		}
		check(`{"`+esc+`":1,"exp":1}`, want)       // a top-level name
		check(`{"a":{"`+esc+`":1},"exp":1}`, want) // a nested name
		check(`{"a":"`+esc+`","exp":1}`, want)     // a value
		if !valid {
			continue
		}
		for i := 0; i <= len("exp"); i++ {
			if i < len("exp") {
				check(`{"`+"exp"[:i]+esc+"exp"[i+1:]+`":1}`, ErrNoExp) // in place of a letter
			}
			check(`{"`+"exp"[:i]+esc+"exp"[i:]+`":1}`, ErrNoExp) // added
		}
	}
}

// TestUnicodeEscapes checks \u escapes in names and values: every hex
// digit, and every byte just outside a range of them, at each of the four
// positions; and that an escape in a name stands for its code unit, so that
// only \u0065 spells the e of exp.
func TestUnicodeEscapes(t *testing.T) {
	const hexDigits, nextToThem = "0123456789abcdefABCDEF", "/:@G`g"
	for pos := 0; pos < 4; pos++ {
		for _, c := range []byte(hexDigits + nextToThem) {
			digits := []byte("0000")
			digits[pos] = c
			esc := `\u` + string(digits)
			var want error
			if strings.IndexByte(nextToThem, c) >= 0 {
				want = ErrMalformed
			}
			for _, claims := range []string{
				`{"` + esc + `":1,"exp":1}`,       // a top-level name
				`{"a":{"` + esc + `":1},"exp":1}`, // a nested name
				`{"a":"` + esc + `","exp":1}`,     // a value
			} {
				_, err := UnverifiedExp(jwt(claims))
				assert.Equal(t, errorClass(want), errorClass(err), "UnverifiedExp of claims %s: error class", claims)
				requireMatchesOracle(t, jwt(claims))
			}
		}
	}
	for i := 0; i < len("exp"); i++ {
		for u := 0; u < 0x200; u++ {
			for _, format := range []string{`\u%04x`, `\u%04X`} {
				claims := `{"` + "exp"[:i] + fmt.Sprintf(format, u) + "exp"[i+1:] + `":1}`
				var want error = ErrNoExp
				if u == int("exp"[i]) {
					want = nil
				}
				_, err := UnverifiedExp(jwt(claims))
				assert.Equal(t, errorClass(want), errorClass(err), "UnverifiedExp of claims %s: error class", claims)
				requireMatchesOracle(t, jwt(claims))
			}
		}
	}
}

// TestStaleBytes cuts claims short after exp's value, with a last chunk
// of k bytes, shorter than the one before: the buffer still holds, just past
// the end, the bytes of that earlier chunk, here the '}' that would close
// the object. The end of the payload is the end, whatever the buffer holds
// beyond it, and whatever k: the decoder's eight-byte stores leave some
// positions zeroed and others stale.
func TestStaleBytes(t *testing.T) {
	for k := 5; k < 24; k++ {
		head, tail := `{"`+strings.Repeat("b", k-5)+`":{}`, `,"a":"`
		require.Equal(t, k, strings.IndexByte(head, '}'), "index of } in %q", head)
		claims := head + tail + strings.Repeat("x", decodedChunk+k-len(head)-len(tail)-len(`","exp":1`)) + `","exp":1`
		require.Len(t, claims, decodedChunk+k, "claims with a last chunk of %d bytes", k)
		_, err := UnverifiedExp(jwt(claims))
		assert.Equal(t, errorClass(ErrMalformed), errorClass(err), "UnverifiedExp with a last chunk of %d bytes: error class", k)
		requireMatchesOracle(t, jwt(claims))
	}
}

// TestChunkBoundaries slides every kind of token across the boundary
// between two decoded chunks, where the scanner must resume mid-token.
func TestChunkBoundaries(t *testing.T) {
	tails := []string{
		`"exp":1700000000.123456789e0}`,
		`"\u0065xp":-1.5E-3}`,
		`"e\u0078p":1,"exp":2}`,
		`"a":[true,false,null,{"b":"c\"\\"}],"exp":0}`,
		`"a":"\ud83d\ude00","exp":17e8}`,
		`"exp":"1700000000"}`,
		`"exp":1700000000} x`,
		`"exp":tru}`,
		`"exp":1e4611686018427387904}`,
	}
	for _, tail := range tails {
		for pad := decodedChunk - 80; pad <= decodedChunk+20; pad++ {
			claims := `{"p":"` + strings.Repeat("x", pad) + `",` + tail
			requireMatchesOracle(t, jwt(claims))
			claims = `{"p":` + strings.Repeat(" ", pad) + `0,` + tail
			requireMatchesOracle(t, jwt(claims))
		}
	}
}

// BenchmarkUnverifiedExp shows the cost per byte (MB/s) staying flat from a
// typical access token to hostile megabyte inputs: the time is linear in
// the token's length, and nothing is allocated. The comparison with other
// libraries is in the bench module.
func BenchmarkUnverifiedExp(b *testing.B) {
	hostile := hostileTokens()
	names := []string{"access token"}
	for name := range hostile {
		names = append(names, name)
	}
	sort.Strings(names[1:])
	hostile["access token"] = jwt(`{"iss":"https://issuer.example","sub":"248289761001","aud":["mcp","api"],"exp":1700000000,"iat":1699996400,"nbf":1699996400,"scope":"tools:read tools:call","email":"jane@example.com","azp":"client"}`)
	for _, name := range names {
		token := hostile[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(token)))
			for i := 0; i < b.N; i++ {
				_, _ = UnverifiedExp(token)
			}
		})
	}
}

// BenchmarkBase64URL compares the payload decoder with encoding/base64's on
// the same payload: the floor the bench module measures jwtexp against.
func BenchmarkBase64URL(b *testing.B) {
	payload := strings.Split(jwt(`{"iss":"https://issuer.example","sub":"248289761001","aud":["mcp","api"],"exp":1700000000,"iat":1699996400,"nbf":1699996400,"scope":"tools:read tools:call","email":"jane@example.com","azp":"client","custom":{"tenant":"acme","roles":["user","beta"]}}`), ".")[1]
	var dst [decodedChunk]byte
	b.Run("jwtexp", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for i := 0; i < b.N; i++ {
			if _, ok := decodeBase64URL(dst[:], payload); !ok {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("encoding/base64", func(b *testing.B) {
		src := []byte(payload)
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for i := 0; i < b.N; i++ {
			if _, err := base64.RawURLEncoding.Decode(dst[:], src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func FuzzUnverifiedExp(f *testing.F) {
	for _, tc := range expCases {
		f.Add(tc.token)
	}
	for _, tok := range peerTokens(f) {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, token string) {
		requireMatchesOracle(t, token)
	})
}

// FuzzClaims fuzzes the decoded payload, which random tokens rarely reach:
// the bytes are wrapped into a well-formed token, padded or not.
func FuzzClaims(f *testing.F) {
	for _, tc := range expCases {
		parts := strings.Split(strings.TrimSpace(tc.token), ".")
		if len(parts) == 3 {
			if claims, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
				f.Add(claims, false)
			}
		}
	}
	f.Fuzz(func(t *testing.T, claims []byte, pad bool) {
		enc := base64.RawURLEncoding
		if pad {
			enc = base64.URLEncoding
		}
		requireMatchesOracle(t, header+"."+enc.EncodeToString(claims)+".sig")
	})
}
