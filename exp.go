// Package jwtexp reads the expiry of a JWT bearer token WITHOUT verifying its
// signature, so that a server may reject an expired token early but must
// never use the result to accept one.
//
// # Security
//
// Nothing here is verified: not the signature, not the issuer, not the
// audience. Anyone can mint a token with any exp. The only safe use of
// [UnverifiedExp], [Expired] and [ExpiredAt] is to turn a request away
// before the real verifier runs (a token that claims to be expired is
// useless to its holder either way); a token that is not expired must still
// go through full verification. [Middleware] follows that rule: it only ever
// rejects.
//
// # Semantics
//
// A token is three base64url segments separated by dots (RFC 7519 §7.2,
// RFC 7515 §7.1). Only the payload is read; the header and signature are
// neither decoded nor checked, so the same rules cover JWS of any alg,
// "none" included. The exp claim is a NumericDate (RFC 7519 §2, §4.1.4):
// a JSON number of seconds since the Unix epoch, possibly fractional. jwtexp
// takes its exact decimal value, floored to the nanosecond, with no float
// rounding. The errors tell apart what cannot be a JWT at all ([ErrNotJWT],
// for opaque tokens, which callers should let pass), a JWT whose claims are
// broken ([ErrMalformed]) and one without exp ([ErrNoExp]).
//
// # Cost
//
// [UnverifiedExp], [Expired] and [ExpiredAt] run in time linear in the
// token's length, with no heap allocation and a fixed amount of stack,
// whatever the input: a 1 MiB token, 100 000 dots or JSON nested 10 000
// deep cost what their length costs.
package jwtexp

import (
	"errors"
	"strings"
	"time"
)

// Errors returned by [UnverifiedExp]. They are distinct sentinels: compare
// with errors.Is.
var (
	// ErrNotJWT means the token cannot be told to be a JWT: not three
	// dot-separated segments, a payload segment that is empty or not
	// base64url, or a decoded payload whose first non-whitespace byte is
	// not '{'. Opaque access tokens, PASETO and JWE (five segments) land
	// here. Callers should let such tokens pass to the real verifier.
	ErrNotJWT = errors.New("jwtexp: not a JWT")

	// ErrMalformed means the decoded payload starts with '{' but is not
	// valid JSON as encoding/json's Valid decides, or its exp is not a JSON
	// number, appears more than once, or is 2^62 seconds or more away from
	// the epoch in either direction.
	ErrMalformed = errors.New("jwtexp: malformed JWT claims")

	// ErrNoExp means the payload is a valid JSON object without a top-level
	// "exp" member. An exp nested inside another claim does not count.
	ErrNoExp = errors.New("jwtexp: JWT has no exp claim")
)

// UnverifiedExp returns the exp claim of a compact JWT without verifying
// anything; see the package documentation for why the result may only be
// used to reject a token.
//
// Surrounding whitespace is ignored, since it can only fall in the header or
// the signature, which are never read. The result is the exact value of exp,
// floored to the nanosecond, as [time.Unix] returns it (in the local time
// zone). exp 0 and -0 are the epoch, not an
// absent claim. On error the result is the zero [time.Time] and the error is
// [ErrNotJWT], [ErrMalformed] or [ErrNoExp].
//
// UnverifiedExp does not allocate and is safe for concurrent use.
func UnverifiedExp(token string) (time.Time, error) {
	payload, ok := payloadSegment(token)
	if !ok {
		return time.Time{}, ErrNotJWT
	}
	var s scanner
	if err := s.scan(payload); err != nil {
		return time.Time{}, err
	}
	sec, nsec, ok := s.exp.unix()
	if !ok {
		return time.Time{}, ErrMalformed
	}
	return time.Unix(sec, nsec), nil
}

// Expired reports whether token carries an exp that is at least skew in the
// past, by the wall clock. It is ExpiredAt(token, time.Now(), skew); see
// [ExpiredAt]. Expired does not allocate and is safe for concurrent use.
func Expired(token string, skew time.Duration) bool {
	return ExpiredAt(token, time.Now(), skew)
}

// ExpiredAt reports whether, at the instant now, token has been expired for
// at least skew: whether [UnverifiedExp] succeeds and now >= exp + skew.
//
// At now == exp the token is expired: RFC 7519 §4.1.4 requires the current
// time to be before exp. A positive skew forgives clocks that run ahead of
// the issuer's, but must not exceed the leeway of the verifier behind (see
// [WithSkew]); a negative skew treats tokens about to expire as expired. Any
// error from [UnverifiedExp] gives false: a token whose expiry cannot be
// read is left to the real verifier.
// No skew overflows, whatever the exp.
//
// ExpiredAt does not allocate and is safe for concurrent use.
func ExpiredAt(token string, now time.Time, skew time.Duration) bool {
	exp, err := UnverifiedExp(token)
	return err == nil && expiredAt(exp, now, skew)
}

// expiredAt is the expiry rule of [ExpiredAt] and [Middleware]: whether
// now >= exp + skew. At now == exp, and skew 0, the token is expired: RFC
// 7519 §4.1.4 requires the current time to be before exp.
func expiredAt(exp, now time.Time, skew time.Duration) bool {
	// |exp| < 2^62 s and |skew| < 2^34 s, so exp.Add(skew) cannot overflow
	// time.Time's 64-bit seconds, where now.Sub(exp) could saturate.
	return !now.Before(exp.Add(skew))
}

// payloadSegment returns the middle of exactly three dot-separated segments
// (the JWS compact serialization, RFC 7515 §7.1), if it is not empty.
func payloadSegment(token string) (string, bool) {
	first := strings.IndexByte(token, '.')
	if first < 0 {
		return "", false
	}
	rest := token[first+1:]
	second := strings.IndexByte(rest, '.')
	if second <= 0 || strings.IndexByte(rest[second+1:], '.') >= 0 {
		return "", false
	}
	return rest[:second], true
}
