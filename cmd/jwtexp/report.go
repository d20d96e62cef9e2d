package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/jwtexp/jwtexp"
)

// Reasons, the "reason" member of -json output. The last five go with exit
// status 2.
const (
	reasonNotExpired = "not_expired"
	reasonExpired    = "expired"
	reasonNotJWT     = "not_jwt"
	reasonMalformed  = "malformed"
	reasonNoExp      = "no_exp"
	reasonTooLarge   = "too_large"
	reasonReadError  = "read_error"
)

// report is the outcome of one run; its exported fields are the -json object.
// Exp, ExpUnix and ExpNanos are null when there is no usable exp.
type report struct {
	Reason   string  `json:"reason"`
	Expired  bool    `json:"expired"`
	Exp      *string `json:"exp"`
	ExpUnix  *int64  `json:"exp_unix"`
	ExpNanos *int    `json:"exp_nanos"`
	At       string  `json:"at"`
	Skew     string  `json:"skew"`

	err error     // why there is no usable exp; nil on success
	exp time.Time // valid when err is nil
	at  time.Time
}

// judge reads token's exp and decides the verdict at at under skew.
func judge(token string, at time.Time, skew time.Duration) report {
	if token == "" {
		// An unset $TOKEN or an empty pipe: say so, rather than only that
		// nothing is not a JWT.
		return failed(fmt.Errorf("%w: the input holds no token", jwtexp.ErrNotJWT), at, skew)
	}
	exp, err := jwtexp.UnverifiedExp(token)
	if err != nil {
		return failed(err, at, skew)
	}
	exp = exp.UTC()
	// The verdict is the library's own, so the command can never disagree
	// with a server using jwtexp.ExpiredAt at the same instant and skew.
	expired := jwtexp.ExpiredAt(token, at, skew)
	reason := reasonNotExpired
	if expired {
		reason = reasonExpired
	}
	// Unix rounds down and Nanosecond is then in [0, 1e9), so exp_unix and
	// exp_nanos represent every instant exactly, including negative and
	// fractional ones, with no float rounding and no int64 nanosecond
	// overflow (which UnixNano has beyond the year 2262).
	rfc := formatTime(exp)
	unix := exp.Unix()
	nanos := exp.Nanosecond()
	return report{
		Reason:   reason,
		Expired:  expired,
		Exp:      &rfc,
		ExpUnix:  &unix,
		ExpNanos: &nanos,
		At:       formatTime(at),
		Skew:     skew.String(),
		exp:      exp,
		at:       at,
	}
}

// failed is the report for a run without a usable exp.
func failed(err error, at time.Time, skew time.Duration) report {
	return report{
		Reason: reasonFor(err),
		At:     formatTime(at),
		Skew:   skew.String(),
		err:    err,
		at:     at,
	}
}

// reasonFor maps an error from readInput or jwtexp.UnverifiedExp to a reason.
func reasonFor(err error) string {
	switch {
	case errors.Is(err, jwtexp.ErrNotJWT):
		return reasonNotJWT
	case errors.Is(err, jwtexp.ErrNoExp):
		return reasonNoExp
	case errors.Is(err, errTooLarge):
		return reasonTooLarge
	case errors.Is(err, errRead):
		return reasonReadError
	default:
		// jwtexp.ErrMalformed, and anything a future library version might
		// add: it was a JWT whose exp could not be used.
		return reasonMalformed
	}
}

// formatTime is RFC 3339 in UTC, with fractional seconds only when present.
// It does not use time.Time's MarshalJSON, which fails outside years 0-9999;
// exp may be up to 2^62 seconds away.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// writeJSON writes r as one line of JSON.
func (r report) writeJSON(w io.Writer) {
	// Encoding cannot fail: every field is a string, a bool or an integer.
	_ = json.NewEncoder(w).Encode(r)
}

// writeText writes the human-readable report of a usable exp. showAt says
// whether the judging instant came from -at and is worth printing; otherwise
// it is "now".
func (r report) writeText(w io.Writer, showAt bool) {
	verdict := "not expired"
	if r.Expired {
		verdict = "expired"
	}
	when := "now"
	if showAt {
		when = "at " + r.At
	}
	fmt.Fprintf(w, "exp:       %s (%s)\n", *r.Exp, relative(r.exp, r.at))
	fmt.Fprintf(w, "verdict:   %s %s (skew %s)\n", verdict, when, r.Skew)
	fmt.Fprintln(w, "signature: NOT verified; this tells when the token expires, not whether it is genuine")
}

// relative describes exp as seen from at, ignoring skew: "expires in 14m20s"
// or "expired 3h12m ago". at == exp counts as expired, as in RFC 7519
// §4.1.4. It does not use time.Time.Sub, which saturates at about 292 years
// while exp may be up to 2^62 seconds away.
func relative(exp, at time.Time) string {
	later, earlier := exp, at
	past := !at.Before(exp)
	if past {
		later, earlier = at, exp
	}
	// Both instants are within 2^62 seconds plus a few thousand years of the
	// epoch, so the difference fits an int64.
	sec := later.Unix() - earlier.Unix()
	nsec := later.Nanosecond() - earlier.Nanosecond()
	if nsec < 0 {
		nsec += 1e9
		sec--
	}
	var amount string
	switch {
	case sec == 0 && nsec == 0:
		amount = "0s"
	case sec == 0 && nsec < 5e8:
		amount = "less than 1s"
	default:
		if nsec >= 5e8 { // round half up to whole seconds
			sec++
		}
		amount = humanDuration(uint64(sec))
	}
	if past {
		return "expired " + amount + " ago"
	}
	return "expires in " + amount
}

// units are the ones humanDuration uses, largest first. A year is 365 days,
// good enough for a rough distance; the RFC 3339 line is exact.
var units = []struct {
	name string
	sec  uint64
}{
	{"y", 365 * 86400},
	{"d", 86400},
	{"h", 3600},
	{"m", 60},
	{"s", 1},
}

// humanDuration formats sec with its two most significant units, rounded half
// up to the smaller one: "14m20s", "3h12m", "2d5h", "1y17d"; a zero smaller
// unit is left out ("3h"). Unlike time.Duration.String it has no ±292-year
// limit and no noise below what the reader needs.
func humanDuration(sec uint64) string {
	i := leadingUnit(sec)
	if i == len(units)-1 {
		return strconv.FormatUint(sec, 10) + "s"
	}
	step := units[i+1].sec
	if sec <= math.MaxUint64-step/2 {
		sec = (sec + step/2) / step * step
	} else {
		sec = sec / step * step // rounding up would overflow
	}
	// Rounding may carry into a larger unit (23h59m40s is 1d); the result is
	// then exactly one of that unit, so rounding again is not needed.
	i = leadingUnit(sec)
	big, small := units[i], units[i+1]
	s := strconv.FormatUint(sec/big.sec, 10) + big.name
	if n := sec % big.sec / small.sec; n != 0 {
		s += strconv.FormatUint(n, 10) + small.name
	}
	return s
}

// leadingUnit is the index in units of the largest unit not above sec, or
// of seconds when sec is 0.
func leadingUnit(sec uint64) int {
	for i, u := range units {
		if sec >= u.sec {
			return i
		}
	}
	return len(units) - 1
}
