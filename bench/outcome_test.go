package bench

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/internal/oracle"
)

// The differential test checks jwtexp against the reference oracle of
// internal/oracle, the root module's own, which reads the semantics of the
// package documentation with encoding/json and math/big only. It uses the
// oracle twice: to check that jwtexp returns exactly what the semantics
// specify on every corpus input, and to describe each input (padding,
// duplicate exp, case variants, ...) so that a disagreement with golang-jwt
// can be attributed to a documented rule instead of waved through.

// outcomeKind is the class of a result. jwtexp produces kindOK, kindNoExp,
// kindNotJWT and kindMalformed; golang-jwt produces kindOK, kindNoExp (its
// "exp absent") and kindError.
type outcomeKind int

const (
	kindOK outcomeKind = iota
	kindNoExp
	kindNotJWT
	kindMalformed
	kindError
)

// outcome is one library's answer for one token.
type outcome struct {
	kind outcomeKind
	t    time.Time // only for kindOK
	err  error     // the library's error, for messages and stage checks
}

func (o outcome) String() string {
	switch o.kind {
	case kindOK:
		return "exp " + o.t.UTC().Format(time.RFC3339Nano)
	case kindNoExp:
		return "no exp"
	case kindNotJWT:
		return "ErrNotJWT"
	case kindMalformed:
		return "ErrMalformed"
	default:
		return fmt.Sprintf("error (%v)", o.err)
	}
}

// same reports whether a and b are the same result (same class, same
// instant). Errors compare by class only.
func (o outcome) same(b outcome) bool {
	return o.kind == b.kind && (o.kind != kindOK || o.t.Equal(b.t))
}

// jwtexpOutcome runs the implementation under test.
func jwtexpOutcome(tok string) outcome {
	t, err := jwtexp.UnverifiedExp(tok)
	switch {
	case err == nil:
		return outcome{kind: kindOK, t: t}
	case !t.IsZero():
		// On any error the time is the zero time.
		return outcome{kind: kindError, err: fmt.Errorf("non-zero time %v with error %w", t, err)}
	case errors.Is(err, jwtexp.ErrNotJWT):
		return outcome{kind: kindNotJWT, err: err}
	case errors.Is(err, jwtexp.ErrMalformed):
		return outcome{kind: kindMalformed, err: err}
	case errors.Is(err, jwtexp.ErrNoExp):
		return outcome{kind: kindNoExp, err: err}
	default:
		return outcome{kind: kindError, err: fmt.Errorf("error outside the three sentinels: %w", err)}
	}
}

// tokenInfo is what the oracle learned about a token on the way to its
// expected result, and exp as golang-jwt sees it.
type tokenInfo struct {
	oracle.Result
	expFloat float64 // strconv.ParseFloat of ExpRaw
}

// jsonSpace is JSON's insignificant whitespace (RFC 8259 §2).
const jsonSpace = " \t\r\n"

var twoTo53 = new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 53))

// expectedExp is the oracle's UnverifiedExp.
func expectedExp(tok string) (outcome, tokenInfo) {
	info := tokenInfo{Result: oracle.Exp(tok)}
	switch info.Class {
	case oracle.NotJWT:
		return outcome{kind: kindNotJWT}, info
	case oracle.Malformed:
		return outcome{kind: kindMalformed}, info
	case oracle.NoExp:
		return outcome{kind: kindNoExp}, info
	}
	info.expFloat, _ = strconv.ParseFloat(info.ExpRaw, 64)
	return outcome{kind: kindOK, t: info.Exp}, info
}
