package oauth2exp

import (
	"time"

	"github.com/jwtexp/jwtexp"
	"golang.org/x/oauth2"
)

// Expiry returns when tok stops being usable as far as the client can tell:
// the earlier of tok.Expiry, when it is set, and the exp claim of
// tok.AccessToken, read WITHOUT verification by [jwtexp.UnverifiedExp], when
// the access token is a JWT whose exp can be read. It returns the zero
// [time.Time] when neither is known, and for a nil tok.
//
// An opaque or malformed access token, or a JWT without exp, leaves
// tok.Expiry alone. The exp fills a missing expires_in and wins when it is
// earlier, but never makes the result later than tok.Expiry: the unverified
// claim can only shorten a token's life.
//
// Expiry does not modify tok, allocates nothing and is safe for concurrent
// use.
func Expiry(tok *oauth2.Token) time.Time {
	exp, _ := expiry(tok)
	return exp
}

// expiry is [Expiry] with whether any expiry is known, since an exp at
// January 1, year 1 UTC is the zero time and yet known.
func expiry(tok *oauth2.Token) (time.Time, bool) {
	if tok == nil {
		return time.Time{}, false
	}
	exp, err := jwtexp.UnverifiedExp(tok.AccessToken)
	switch {
	case err != nil:
		return tok.Expiry, !tok.Expiry.IsZero()
	case tok.Expiry.IsZero() || exp.Before(tok.Expiry):
		return exp, true
	default:
		return tok.Expiry, true
	}
}
