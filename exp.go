package jwtexp

import (
	"errors"
	"strings"
	"time"
)

// The errors of [UnverifiedExp]; compare with errors.Is.
var (
	// ErrNotJWT means the token is not a compact JWT: not three
	// dot-separated segments, or a payload that is empty, not base64url, or
	// whose first non-blank byte is not '{'. Opaque tokens, PASETO and JWE
	// land here, for the real verifier.
	ErrNotJWT = errors.New("jwtexp: not a JWT")

	// ErrMalformed means the payload starts as a JSON object but is not
	// valid JSON (as json.Valid decides), or its exp is not a number,
	// appears twice, or is 2^62 s or more away from the epoch.
	ErrMalformed = errors.New("jwtexp: malformed JWT claims")

	// ErrNoExp means the payload is a JSON object without a top-level exp.
	ErrNoExp = errors.New("jwtexp: JWT has no exp claim")
)

// UnverifiedExp returns the exp claim of a compact JWT, verifying nothing.
// The result is exp exactly, floored to the nanosecond, as [time.Unix]
// returns it (in the local time zone); exp 0 is the epoch, not an absent
// claim. Whitespace around the token is ignored. On error the time is zero and the error is [ErrNotJWT],
// [ErrMalformed] or [ErrNoExp]. UnverifiedExp allocates nothing and is safe
// for concurrent use.
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

// Expired reports whether token's exp is at least skew in the past:
// [ExpiredAt] at [time.Now]. It allocates nothing and is safe for
// concurrent use.
func Expired(token string, skew time.Duration) bool {
	return ExpiredAt(token, time.Now(), skew)
}

// ExpiredAt reports whether [UnverifiedExp] reads an exp from token and
// now >= exp + skew; at now == exp a token is expired (RFC 7519 §4.1.4). A
// token whose exp cannot be read gives false, for the real verifier to
// judge. On choosing skew, see [WithSkew]. ExpiredAt
// allocates nothing and is safe for concurrent use.
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
