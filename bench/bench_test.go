package bench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	golangjwt "github.com/golang-jwt/jwt/v5"
	"github.com/jwtexp/jwtexp"
	jwxjwt "github.com/lestrrat-go/jwx/v3/jwt"
)

// Sinks: every benchmark stores its result in a package-level variable so
// the compiler cannot prove the work unused and delete it.
var (
	sinkTime time.Time
	sinkErr  error
	sinkInt  int
)

// BenchmarkExp extracts exp from the same realistic RS256 access token with
// jwtexp and with each peer, in one run so that the numbers are comparable.
// Each sub-benchmark first checks, outside the timed loop, that it reads the
// right exp, so a broken comparison fails instead of timing an error path.
//
// Where a peer offers reusable state (a parser, the algorithm list, the token
// as []byte) it is built once outside the loop: that can only flatter the
// peer, never jwtexp.
func BenchmarkExp(b *testing.B) {
	tok := loadAccessToken(b)

	b.Run("jwtexp", func(b *testing.B) {
		exp, err := jwtexp.UnverifiedExp(tok)
		checkExp(b, exp, err)
		b.ReportAllocs()
		for b.Loop() {
			sinkTime, sinkErr = jwtexp.UnverifiedExp(tok)
		}
	})

	b.Run("golang-jwt", func(b *testing.B) {
		p := golangjwt.NewParser()
		golangJWTExp := func() (time.Time, error) {
			claims := golangjwt.MapClaims{}
			if _, _, err := p.ParseUnverified(tok, claims); err != nil {
				return time.Time{}, err
			}
			exp, err := claims.GetExpirationTime()
			if err != nil || exp == nil {
				return time.Time{}, err
			}
			return exp.Time, nil
		}
		exp, err := golangJWTExp()
		checkExp(b, exp, err)
		b.ReportAllocs()
		for b.Loop() {
			sinkTime, sinkErr = golangJWTExp()
		}
	})

	b.Run("jwx", func(b *testing.B) {
		raw := []byte(tok)
		jwxExp := func() (time.Time, error) {
			t, err := jwxjwt.Parse(raw, jwxjwt.WithVerify(false), jwxjwt.WithValidate(false))
			if err != nil {
				return time.Time{}, err
			}
			exp, _ := t.Expiration()
			return exp, nil
		}
		exp, err := jwxExp()
		checkExp(b, exp, err)
		b.ReportAllocs()
		for b.Loop() {
			sinkTime, sinkErr = jwxExp()
		}
	})

	b.Run("go-jose", func(b *testing.B) {
		algs := []jose.SignatureAlgorithm{jose.RS256}
		joseExp := func() (time.Time, error) {
			t, err := josejwt.ParseSigned(tok, algs)
			if err != nil {
				return time.Time{}, err
			}
			var claims josejwt.Claims
			if err := t.UnsafeClaimsWithoutVerification(&claims); err != nil {
				return time.Time{}, err
			}
			return claims.Expiry.Time(), nil
		}
		exp, err := joseExp()
		checkExp(b, exp, err)
		b.ReportAllocs()
		for b.Loop() {
			sinkTime, sinkErr = joseExp()
		}
	})

	// naive is what a hand-rolled reader usually looks like.
	b.Run("naive", func(b *testing.B) {
		naiveExp := func() (time.Time, error) {
			parts := strings.Split(tok, ".")
			if len(parts) != 3 {
				return time.Time{}, jwtexp.ErrNotJWT
			}
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil {
				return time.Time{}, err
			}
			var claims struct {
				Exp int64 `json:"exp"`
			}
			if err := json.Unmarshal(payload, &claims); err != nil {
				return time.Time{}, err
			}
			return time.Unix(claims.Exp, 0), nil
		}
		exp, err := naiveExp()
		checkExp(b, exp, err)
		b.ReportAllocs()
		for b.Loop() {
			sinkTime, sinkErr = naiveExp()
		}
	})

	// floor only base64-decodes the payload, already split off, into a
	// preallocated buffer: no reader can avoid looking at every payload byte
	// once, so this is the lower bound jwtexp is measured against.
	b.Run("floor", func(b *testing.B) {
		seg := []byte(strings.Split(tok, ".")[1])
		buf := make([]byte, base64.RawURLEncoding.DecodedLen(len(seg)))
		n, err := base64.RawURLEncoding.Decode(buf, seg)
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.Contains(buf[:n], []byte(`"exp":4102444800,`)) {
			b.Fatalf("decoded payload lacks the exp claim: %s", buf[:n])
		}
		b.ReportAllocs()
		for b.Loop() {
			sinkInt, sinkErr = base64.RawURLEncoding.Decode(buf, seg)
		}
	})
}

func checkExp(tb testing.TB, got time.Time, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("reading exp: %v", err)
	}
	if !got.Equal(accessTokenExp) {
		tb.Fatalf("exp = %v, want %v", got, accessTokenExp)
	}
}
