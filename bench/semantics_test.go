package bench

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	golangjwt "github.com/golang-jwt/jwt/v5"
	"github.com/jwtexp/jwtexp"
	jwxjwt "github.com/lestrrat-go/jwx/v3/jwt"
)

// TestSemantics builds the README's semantics table: how jwtexp and the peer
// libraries read exp on the edge cases of issue 2. Every cell is observed by
// running the library, then asserted against the expected string in
// semCases, so the test fails when a pinned library changes behaviour or
// jwtexp regresses. The observed table is then compared with the committed
// testdata/semantics.md (a golden file); `go test -run '^TestSemantics$'
// -update` rewrites it (the -update flag is declared in token_test.go), so the README table cannot drift from what the code does.
//
// The jwtexp column is written from issue 2's Semantics section, not from
// what the implementation happens to return.

// semGoldenFile is the generated Markdown table the README copies.
const semGoldenFile = "testdata/semantics.md"

// semKey signs every table token with HS256 (RFC 7518 §3.2). The libraries
// never verify it here (verification is off), but some decode the signature
// segment anyway, so it is real. A 32-byte key meets RFC 7518's minimum.
var semKey = []byte("jwtexp semantics table: test key")

// semExpiry is the exp of the tokens that do not test the number itself:
// 2023-11-14T22:13:20Z.
const semExpiry = 1700000000

// semShape says how a case's claims become a token, or what is checked.
type semShape int

const (
	semPlain       semShape = iota // header.payload.HS256-signature, base64url without padding
	semPadded                      // the payload segment keeps its '=' padding
	semNewline                     // a line feed in the middle of the payload segment
	semStdAlphabet                 // the payload in the standard alphabet, with '+' or '/'
	semJWE                         // a compact JWE: five segments
	semAlgNone                     // "alg":"none" and an empty signature: "header.payload."
	semAtExpiry                    // each library's own expiry check at now == exp, leeway 0
)

// semCells is one row of outcomes, one cell per column of the table.
type semCells struct {
	jwtexp    string
	golangMap string // golang-jwt ParseUnverified into MapClaims + GetExpirationTime
	golangReg string // the same into *RegisteredClaims
	jwx       string
	goJose    string
}

// semCase is one row of the table.
type semCase struct {
	name   string
	claims string // the payload JSON; unused for semJWE
	shape  semShape
	want   semCells
}

// semCases is the table. The cells use the vocabulary of semLegend; the
// jwtexp column is issue 2's Semantics, the others what the pinned versions
// were observed to do.
var semCases = []semCase{
	{name: "integer", claims: `{"exp":1700000000}`, want: semCells{
		jwtexp: "1700000000", golangMap: "1700000000", golangReg: "1700000000", jwx: "1700000000", goJose: "1700000000"}},
	{name: "zero", claims: `{"exp":0}`, want: semCells{
		jwtexp: "0", golangMap: "treated as absent", golangReg: "0", jwx: "0", goJose: "0"}},
	{name: "negative zero", claims: `{"exp":-0}`, want: semCells{
		jwtexp: "0", golangMap: "treated as absent", golangReg: "0", jwx: "0", goJose: "0"}},
	{name: "negative, fractional", claims: `{"exp":-1.5}`, want: semCells{
		jwtexp: "-1.5", golangMap: "-2 (floored to 1 s)", golangReg: "-2 (floored to 1 s)", jwx: "-2 (floored to 1 s)", goJose: "-1 (fraction dropped)"}},
	{name: "Laravel-style fraction", claims: `{"exp":1644948329.528239}`, want: semCells{
		jwtexp: "1644948329.528239", golangMap: "1644948329 (fraction dropped)", golangReg: "1644948329 (fraction dropped)", jwx: "1644948329 (fraction dropped)", goJose: "1644948329 (fraction dropped)"}},
	{name: "sub-nanosecond fraction", claims: `{"exp":1700000000.9999999999}`, want: semCells{
		jwtexp: "1700000000.999999999", golangMap: "1700000001 (rounded up)", golangReg: "1700000001 (rounded up)", jwx: "1700000000 (fraction dropped)", goJose: "1700000001 (rounded up)"}},
	{name: "exponent", claims: `{"exp":1.7e9}`, want: semCells{
		jwtexp: "1700000000", golangMap: "1700000000", golangReg: "1700000000", jwx: "1700000000", goJose: "1700000000"}},
	{name: "RFC 3339 string", claims: `{"exp":"2023-11-14T22:13:20Z"}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "error", golangReg: "error", jwx: "1700000000 (from string)", goJose: "error"}},
	{name: "numeric string", claims: `{"exp":"1700000000"}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "error", golangReg: "1700000000 (from string)", jwx: "1700000000 (from string)", goJose: "error"}},
	{name: "null", claims: `{"exp":null}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "error", golangReg: "treated as absent", jwx: "error", goJose: "treated as absent"}},
	{name: "boolean", claims: `{"exp":true}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "error", golangReg: "error", jwx: "error", goJose: "error"}},
	{name: "array", claims: `{"exp":[1700000000]}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "error", golangReg: "error", jwx: "error", goJose: "error"}},
	{name: "1e19", claims: `{"exp":1e19}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "wrong instant (overflow)", golangReg: "wrong instant (overflow)", jwx: "error", goJose: "error"}},
	{name: "max int64", claims: `{"exp":9223372036854775807}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "wrong instant (overflow)", golangReg: "wrong instant (overflow)", jwx: "error", goJose: "error"}},
	{name: "2^62", claims: `{"exp":4611686018427387904}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "4611686018427387904", golangReg: "4611686018427387904", jwx: "4611686018427387904", goJose: "error"}},
	{name: "1e400 (beyond float64)", claims: `{"exp":1e400}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "error", golangReg: "error", jwx: "error", goJose: "error"}},
	{name: "duplicate exp", claims: `{"exp":1,"exp":2}`, want: semCells{
		jwtexp: "ErrMalformed", golangMap: "2 (last wins)", golangReg: "2 (last wins)", jwx: "2 (last wins)", goJose: "error"}},
	{name: "escaped name", claims: `{"\u0065xp":1700000000}`, want: semCells{
		jwtexp: "1700000000", golangMap: "1700000000", golangReg: "1700000000", jwx: "1700000000", goJose: "1700000000"}},
	{name: "upper-case name only", claims: `{"EXP":1700000000}`, want: semCells{
		jwtexp: "ErrNoExp", golangMap: "absent", golangReg: `1700000000 (matched "EXP")`, jwx: "absent", goJose: "absent"}},
	{name: "capitalised name only", claims: `{"Exp":1700000000}`, want: semCells{
		jwtexp: "ErrNoExp", golangMap: "absent", golangReg: `1700000000 (matched "Exp")`, jwx: "absent", goJose: "absent"}},
	{name: "nested exp only", claims: `{"ctx":{"exp":1700000000}}`, want: semCells{
		jwtexp: "ErrNoExp", golangMap: "absent", golangReg: "absent", jwx: "absent", goJose: "absent"}},
	{name: "no exp", claims: `{"sub":"alice"}`, want: semCells{
		jwtexp: "ErrNoExp", golangMap: "absent", golangReg: "absent", jwx: "absent", goJose: "absent"}},
	{name: "padded payload (`=`)", claims: `{"sub":"a","exp":1700000000}`, shape: semPadded, want: semCells{
		jwtexp: "1700000000", golangMap: "error", golangReg: "error", jwx: "1700000000", goJose: "error"}},
	{name: "line feed inside the payload", claims: `{"sub":"alice","exp":1700000000}`, shape: semNewline, want: semCells{
		jwtexp: "ErrNotJWT", golangMap: "1700000000", golangReg: "1700000000", jwx: "1700000000", goJose: "1700000000"}},
	{name: "standard alphabet (`+`, `/`)", claims: `{"sub":"??>","exp":1700000000}`, shape: semStdAlphabet, want: semCells{
		jwtexp: "ErrNotJWT", golangMap: "error", golangReg: "error", jwx: "1700000000", goJose: "error"}},
	{name: "JWE (5 segments)", shape: semJWE, want: semCells{
		jwtexp: "ErrNotJWT", golangMap: "error", golangReg: "error", jwx: "error", goJose: "error"}},
	{name: "`alg: none`, empty signature", claims: `{"exp":1700000000}`, shape: semAlgNone, want: semCells{
		jwtexp: "1700000000", golangMap: "1700000000", golangReg: "1700000000", jwx: "1700000000", goJose: "error (refuses alg none)"}},
	{name: "expiry check at now == exp", claims: `{"exp":1700000000}`, shape: semAtExpiry, want: semCells{
		jwtexp: "expired", golangMap: "expired", golangReg: "expired", jwx: "expired", goJose: "not expired"}},
}

// semB64 is the JWS encoding of a segment (RFC 7515 §2: base64url, no '=').
var semB64 = base64.RawURLEncoding.EncodeToString

// semToken builds the token of a case. Every signature is HS256 over the
// exact signing input the token carries, whatever its encoding.
func semToken(tb testing.TB, c semCase) string {
	tb.Helper()
	header := semB64([]byte(`{"alg":"HS256","typ":"JWT"}`))
	payload := semB64([]byte(c.claims))
	switch c.shape {
	case semPlain, semAtExpiry:
	case semPadded:
		payload = base64.URLEncoding.EncodeToString([]byte(c.claims))
		if !strings.HasSuffix(payload, "=") {
			tb.Fatalf("%s: claims %s need no padding; pick a length that is not a multiple of 3", c.name, c.claims)
		}
	case semNewline:
		payload = payload[:len(payload)/2] + "\n" + payload[len(payload)/2:]
	case semStdAlphabet:
		payload = base64.RawStdEncoding.EncodeToString([]byte(c.claims))
		if !strings.ContainsAny(payload, "+/") {
			tb.Fatalf("%s: the standard encoding of %s has neither '+' nor '/'", c.name, c.claims)
		}
	case semJWE:
		// RFC 7516 §7.1 compact serialization: header, empty encrypted key
		// ("dir"), IV, ciphertext and tag. The bytes are fixed, not a real
		// encryption: no library here holds a key to decrypt it anyway.
		return strings.Join([]string{
			semB64([]byte(`{"alg":"dir","enc":"A128GCM"}`)),
			"",
			semB64([]byte("0123456789ab")),
			semB64([]byte(`{"exp":1700000000}`)),
			semB64([]byte("0123456789abcdef")),
		}, ".")
	case semAlgNone:
		// RFC 7519 §6.1: an unsecured JWT has an empty signature segment.
		return semB64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + payload + "."
	default:
		tb.Fatalf("%s: unknown shape %d", c.name, c.shape)
	}
	input := header + "." + payload
	mac := hmac.New(sha256.New, semKey)
	mac.Write([]byte(input))
	return input + "." + semB64(mac.Sum(nil))
}

// semKind is what a peer library made of a token's exp.
type semKind int

const (
	semRead    semKind = iota // it returned an instant
	semAbsent                 // it reported no exp
	semFailed                 // it returned an error
	semExpired                // semAtExpiry: its own check says expired
	semValid                  // semAtExpiry: its own check says not expired
)

// semResult is a peer library's answer for one token.
type semResult struct {
	kind semKind
	t    time.Time
	err  error
}

// semFromErr is a library's failure.
func semFromErr(err error) semResult { return semResult{kind: semFailed, err: err} }

// semGolangMap is golang-jwt's unverified read: ParseUnverified into
// MapClaims, then GetExpirationTime, which returns nil for an absent exp.
func semGolangMap(tok string) semResult {
	claims := golangjwt.MapClaims{}
	if _, _, err := golangjwt.NewParser().ParseUnverified(tok, claims); err != nil {
		return semFromErr(err)
	}
	return semGolangExp(claims)
}

// semGolangRegistered is the same with the struct most code decodes into.
func semGolangRegistered(tok string) semResult {
	claims := &golangjwt.RegisteredClaims{}
	if _, _, err := golangjwt.NewParser().ParseUnverified(tok, claims); err != nil {
		return semFromErr(err)
	}
	return semGolangExp(claims)
}

func semGolangExp(claims golangjwt.Claims) semResult {
	exp, err := claims.GetExpirationTime()
	switch {
	case err != nil:
		return semFromErr(err)
	case exp == nil:
		return semResult{kind: semAbsent}
	default:
		return semResult{kind: semRead, t: exp.Time}
	}
}

// semGolangAt is golang-jwt's own validation, signature included, with a
// fixed clock and no leeway.
func semGolangAt(tok string, claims golangjwt.Claims, now time.Time) semResult {
	p := golangjwt.NewParser(
		golangjwt.WithValidMethods([]string{"HS256"}),
		golangjwt.WithTimeFunc(func() time.Time { return now }),
		golangjwt.WithExpirationRequired(),
		golangjwt.WithLeeway(0),
	)
	_, err := p.ParseWithClaims(tok, claims, func(*golangjwt.Token) (any, error) { return semKey, nil })
	return semCheck(err, errors.Is(err, golangjwt.ErrTokenExpired))
}

// semJWX is jwx's read without verification or validation. Has tells an
// absent exp from a present one.
func semJWX(tok string) semResult {
	t, err := jwxjwt.Parse([]byte(tok), jwxjwt.WithVerify(false), jwxjwt.WithValidate(false))
	if err != nil {
		return semFromErr(err)
	}
	exp, ok := t.Expiration()
	if !t.Has(jwxjwt.ExpirationKey) || !ok {
		return semResult{kind: semAbsent}
	}
	return semResult{kind: semRead, t: exp}
}

// semJWXAt is jwx's own validation of the parsed token with a fixed clock
// and no skew.
func semJWXAt(tok string, now time.Time) semResult {
	t, err := jwxjwt.Parse([]byte(tok), jwxjwt.WithVerify(false), jwxjwt.WithValidate(false))
	if err != nil {
		return semFromErr(err)
	}
	err = jwxjwt.Validate(t,
		jwxjwt.WithClock(jwxjwt.ClockFunc(func() time.Time { return now })),
		jwxjwt.WithAcceptableSkew(0),
	)
	return semCheck(err, errors.Is(err, jwxjwt.TokenExpiredError()))
}

// semJoseAlgs are the algorithms go-jose's ParseSigned is told to accept.
// go-jose has no "none" algorithm to pass.
var semJoseAlgs = []jose.SignatureAlgorithm{jose.HS256}

// semJose is go-jose's read without verification.
func semJose(tok string) semResult {
	claims, err := semJoseClaims(tok)
	switch {
	case err != nil:
		return semFromErr(err)
	case claims.Expiry == nil:
		return semResult{kind: semAbsent}
	default:
		return semResult{kind: semRead, t: claims.Expiry.Time()}
	}
}

// semJoseClaims parses tok with go-jose and decodes its claims without
// verifying the signature.
func semJoseClaims(tok string) (josejwt.Claims, error) {
	var claims josejwt.Claims
	parsed, err := josejwt.ParseSigned(tok, semJoseAlgs)
	if err != nil {
		return claims, err
	}
	err = parsed.UnsafeClaimsWithoutVerification(&claims)
	return claims, err
}

// semJoseAt is go-jose's own time validation with a fixed clock and no
// leeway.
func semJoseAt(tok string, now time.Time) semResult {
	claims, err := semJoseClaims(tok)
	if err != nil {
		return semFromErr(err)
	}
	err = claims.ValidateWithLeeway(josejwt.Expected{Time: now}, 0)
	return semCheck(err, errors.Is(err, josejwt.ErrExpired))
}

// semCheck classifies the error of a library's expiry check.
func semCheck(err error, expired bool) semResult {
	switch {
	case err == nil:
		return semResult{kind: semValid}
	case expired:
		return semResult{kind: semExpired, err: err}
	default:
		return semFromErr(err)
	}
}

// semJwtexpCell is jwtexp's cell: the instant, or the sentinel's name.
func semJwtexpCell(tok string) string {
	t, err := jwtexp.UnverifiedExp(tok)
	switch {
	case err == nil:
		return semSeconds(t)
	case !t.IsZero():
		// Issue 2, rule 6.
		return fmt.Sprintf("non-zero time %s with %v", semSeconds(t), err)
	case errors.Is(err, jwtexp.ErrNotJWT):
		return "ErrNotJWT"
	case errors.Is(err, jwtexp.ErrMalformed):
		return "ErrMalformed"
	case errors.Is(err, jwtexp.ErrNoExp):
		return "ErrNoExp"
	default:
		return "unknown error: " + err.Error()
	}
}

// semSeconds writes t as exact decimal seconds since the epoch, with every
// significant nanosecond digit: the notation of a JWT NumericDate.
func semSeconds(t time.Time) string {
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	if nsec == 0 {
		return strconv.FormatInt(sec, 10)
	}
	sign := ""
	if sec < 0 {
		// sec + nsec/1e9 with sec < 0 is -((-sec-1) + (1e9-nsec)/1e9).
		sign, sec, nsec = "-", -(sec + 1), 1e9-nsec
	}
	frac := strings.TrimRight(fmt.Sprintf("%09d", nsec), "0")
	return sign + strconv.FormatInt(sec, 10) + "." + frac
}

// semInfo is what the test knows about a case's claims, to say what a
// library did with them.
type semInfo struct {
	exps     []json.RawMessage // top-level members named exactly "exp", unescaped, in order
	foldName string            // a top-level name equal to "exp" up to letter case, like "EXP"
}

// semAnalyze lists the top-level members of claims with encoding/json,
// which unescapes names ("\u0065xp" is "exp") and keeps duplicates.
func semAnalyze(tb testing.TB, claims string) semInfo {
	tb.Helper()
	var info semInfo
	if claims == "" {
		return info
	}
	dec := json.NewDecoder(strings.NewReader(claims))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		tb.Fatalf("claims %s: not an object (%v)", claims, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			tb.Fatalf("claims %s: %v", claims, err)
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			tb.Fatalf("claims %s: %v", claims, err)
		}
		switch {
		case name == "exp":
			info.exps = append(info.exps, raw)
		case strings.EqualFold(name, "exp"):
			info.foldName = name
		}
	}
	return info
}

// semCell writes a peer library's result in the vocabulary of semCases.
func semCell(r semResult, info semInfo) string {
	switch r.kind {
	case semFailed:
		return "error"
	case semAbsent:
		if len(info.exps) > 0 {
			return "treated as absent"
		}
		return "absent"
	case semExpired:
		return "expired"
	case semValid:
		return "not expired"
	}
	if len(info.exps) == 0 {
		if info.foldName != "" {
			return fmt.Sprintf("%s (matched %q)", semSeconds(r.t), info.foldName)
		}
		return semSeconds(r.t) + " (exp not in the payload)"
	}
	raw := info.exps[len(info.exps)-1]
	if len(info.exps) > 1 {
		for i, e := range info.exps {
			if semNote(r.t, e) != "" {
				continue
			}
			switch i {
			case 0:
				return semSeconds(r.t) + " (first wins)"
			case len(info.exps) - 1:
				return semSeconds(r.t) + " (last wins)"
			}
		}
	}
	note := semNote(r.t, raw)
	switch note {
	case "":
		return semSeconds(r.t)
	case "wrong instant":
		// The instant depends on how the platform converts an out-of-range
		// float64 to int64 (implementation-defined, Go spec "Conversions"),
		// so the golden file must not carry it.
		return "wrong instant (overflow)"
	}
	return semSeconds(r.t) + " (" + note + ")"
}

var (
	semBillion = big.NewInt(1e9)
	semOneS    = new(big.Rat).SetInt(semBillion)
)

// semNote compares the instant t a library returned with the JSON value raw
// it read it from: "" when t is raw's exact value floored to the
// nanosecond, otherwise how it differs.
func semNote(t time.Time, raw json.RawMessage) string {
	if raw[0] == '"' {
		return "from string"
	}
	exact, ok := new(big.Rat).SetString(string(raw))
	if !ok {
		return "from " + string(raw)
	}
	got := new(big.Int).Mul(big.NewInt(t.Unix()), semBillion)
	got.Add(got, big.NewInt(int64(t.Nanosecond())))

	exactNS := new(big.Rat).Mul(exact, semOneS)
	if got.Cmp(semFloor(exactNS)) == 0 {
		return ""
	}
	trunc := new(big.Int).Quo(exact.Num(), exact.Denom()) // toward zero
	switch {
	case got.Cmp(new(big.Int).Mul(trunc, semBillion)) == 0:
		return "fraction dropped"
	case got.Cmp(new(big.Int).Mul(semFloor(exact), semBillion)) == 0:
		return "floored to 1 s"
	}
	diff := new(big.Rat).Sub(new(big.Rat).SetInt(got), exactNS)
	if new(big.Rat).Abs(diff).Cmp(semOneS) >= 0 {
		return "wrong instant"
	}
	if diff.Sign() > 0 {
		return "rounded up"
	}
	return "rounded down"
}

// semFloor is ⌊r⌋: big.Int's DivMod is Euclidean, which floors for the
// positive denominator a big.Rat always has.
func semFloor(r *big.Rat) *big.Int {
	q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	return q
}

// semObserve runs every column on one case.
func semObserve(tb testing.TB, c semCase) semCells {
	tb.Helper()
	tok := semToken(tb, c)
	info := semAnalyze(tb, c.claims)
	if c.shape == semAtExpiry {
		now := time.Unix(semExpiry, 0)
		if len(info.exps) != 1 || string(info.exps[0]) != strconv.Itoa(semExpiry) {
			tb.Fatalf("%s: the claims must carry exp %d", c.name, semExpiry)
		}
		jwtexpCell := "not expired"
		if jwtexp.ExpiredAt(tok, now, 0) {
			jwtexpCell = "expired"
		}
		return semCells{
			jwtexp:    jwtexpCell,
			golangMap: semCell(semGolangAt(tok, golangjwt.MapClaims{}, now), info),
			golangReg: semCell(semGolangAt(tok, &golangjwt.RegisteredClaims{}, now), info),
			jwx:       semCell(semJWXAt(tok, now), info),
			goJose:    semCell(semJoseAt(tok, now), info),
		}
	}
	cell := func(read func(string) semResult) string {
		r := read(tok)
		if c.shape == semAlgNone && r.kind == semFailed {
			// Tell a refusal of "none" from a failure on the claims: the
			// same claims signed with HS256 must read.
			signed := c
			signed.shape = semPlain
			if read(semToken(tb, signed)).kind != semFailed {
				return "error (refuses alg none)"
			}
		}
		return semCell(r, info)
	}
	return semCells{
		jwtexp:    semJwtexpCell(tok),
		golangMap: cell(semGolangMap),
		golangReg: cell(semGolangRegistered),
		jwx:       cell(semJWX),
		goJose:    cell(semJose),
	}
}

func TestSemantics(t *testing.T) {
	var table bytes.Buffer
	for _, c := range semCases {
		got := semObserve(t, c)
		for _, col := range []struct{ name, got, want string }{
			{"jwtexp", got.jwtexp, c.want.jwtexp},
			{"golang-jwt MapClaims", got.golangMap, c.want.golangMap},
			{"golang-jwt RegisteredClaims", got.golangReg, c.want.golangReg},
			{"jwx", got.jwx, c.want.jwx},
			{"go-jose", got.goJose, c.want.goJose},
		} {
			if col.got != col.want {
				t.Errorf("%s, %s: got %q, want %q", c.name, col.name, col.got, col.want)
			}
		}
		semRow(&table, c, got)
	}

	md := semMarkdown(t, table.String())
	if *update {
		if err := os.WriteFile(semGoldenFile, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(semGoldenFile)
	if err != nil {
		t.Fatalf("%v; run go test -run '^TestSemantics$' -update in bench/", err)
	}
	if string(golden) != md {
		line, committed, generated := semFirstDiff(string(golden), md)
		t.Errorf("%s is stale (first difference on line %d); run go test -run '^TestSemantics$' -update in bench/ and copy the table into the README\ncommitted: %s\ngenerated: %s",
			semGoldenFile, line, committed, generated)
	}
}

// semRow writes one Markdown table row.
func semRow(w *bytes.Buffer, c semCase, cells semCells) {
	input := "`" + c.claims + "`"
	switch c.shape {
	case semJWE:
		input = "five segments, header `{\"alg\":\"dir\",…}`"
	case semAlgNone:
		input += ", header `{\"alg\":\"none\",…}`"
	case semAtExpiry:
		input += ", now = " + strconv.Itoa(semExpiry)
	}
	fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n",
		c.name, input, cells.jwtexp, cells.golangMap, cells.golangReg, cells.jwx, cells.goJose)
}

// semModules are the peers in column order: display name and module path.
var semModules = []struct{ name, path string }{
	{"golang-jwt", "github.com/golang-jwt/jwt/v5"},
	{"jwx", "github.com/lestrrat-go/jwx/v3"},
	{"go-jose", "github.com/go-jose/go-jose/v4"},
}

// semLegend explains the cells. semCell and semNote produce exactly these
// phrases.
const semLegend = `Cells: a number is the instant read, in exact seconds since the epoch, ` +
	`written to the nanosecond; "fraction dropped" means cut toward zero to a whole second, ` +
	`"floored to 1 s" rounded down to a whole second where that differs (below zero), ` +
	`"rounded up/down" neither exact nor a whole-second cut (float64 rounding); ` +
	`"wrong instant (overflow)" an instant nowhere near exp (an out-of-range int64 conversion, ` +
	`whose result Go leaves to the platform); "last wins" the last of duplicate members was used; ` +
	`"matched" a name other than "exp" was read as exp; "from string" a JSON string was parsed as the time; ` +
	`"treated as absent" exp is in the payload but the library reports none; "absent" there is no exp and ` +
	`the library reports none; "error" the library returned an error; ErrNotJWT, ErrMalformed and ErrNoExp ` +
	`are jwtexp's errors.`

// semMarkdown wraps the rows in the golden file's text. It names the
// versions this module requires (the test binary carries no module build
// info), so a version bump in go.mod fails the golden comparison until the
// table is regenerated.
func semMarkdown(tb testing.TB, rows string) string {
	tb.Helper()
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		tb.Fatal(err)
	}
	versions := map[string]string{}
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 {
			versions[f[0]] = f[1]
		}
	}
	var names []string
	for _, m := range semModules {
		v := versions[m.path]
		if v == "" {
			tb.Fatalf("go.mod does not require %s", m.path)
		}
		names = append(names, m.name+" "+v)
	}
	var b strings.Builder
	b.WriteString("<!-- Code generated by TestSemantics in bench/semantics_test.go; DO NOT EDIT.\n")
	b.WriteString("     Regenerate: cd bench && go test -run '^TestSemantics$' -update . -->\n\n")
	fmt.Fprintf(&b, "How each library reads `exp` without verifying the token (%s). ", strings.Join(names, ", "))
	b.WriteString("jwtexp: `UnverifiedExp`. ")
	b.WriteString("golang-jwt: `NewParser().ParseUnverified` into `MapClaims` or `*RegisteredClaims`, then `GetExpirationTime`. ")
	b.WriteString("jwx: `jwt.Parse` with `WithVerify(false)` and `WithValidate(false)`, then `Has(\"exp\")` and `Expiration()`. ")
	b.WriteString("go-jose: `jwt.ParseSigned` (HS256 allowed), then `UnsafeClaimsWithoutVerification` into `jwt.Claims`, `Expiry`. ")
	b.WriteString("Every token has the header `{\"alg\":\"HS256\",\"typ\":\"JWT\"}` and a real HS256 signature unless its row says otherwise. ")
	b.WriteString("The last row is each library's own expiry check with the clock at exactly `exp` and zero leeway: ")
	b.WriteString("jwtexp `ExpiredAt(tok, now, 0)`; golang-jwt `ParseWithClaims` with the key, `WithTimeFunc`, `WithExpirationRequired`, `WithLeeway(0)`; ")
	b.WriteString("jwx `jwt.Validate` with `WithClock` and `WithAcceptableSkew(0)`; go-jose `Claims.ValidateWithLeeway(jwt.Expected{Time: now}, 0)`.\n\n")
	b.WriteString("| Case | Claims | jwtexp | golang-jwt `MapClaims` | golang-jwt `RegisteredClaims` | jwx | go-jose |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	b.WriteString(rows)
	b.WriteString("\n" + semLegend + "\n")
	return b.String()
}

// semFirstDiff returns the first line where a and b differ, for a short
// failure message.
func semFirstDiff(a, b string) (line int, la, lb string) {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(as) || i < len(bs); i++ {
		la, lb = "", ""
		if i < len(as) {
			la = as[i]
		}
		if i < len(bs) {
			lb = bs[i]
		}
		if la != lb || i >= len(as) || i >= len(bs) {
			return i + 1, la, lb
		}
	}
	return 0, "", ""
}
