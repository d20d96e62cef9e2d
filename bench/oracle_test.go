package bench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jwtexp/jwtexp"
)

// This file is the bench module's own model of issue 2's semantics, written
// from the issue text with encoding/json and math/big only. The differential
// test uses it twice: to check that jwtexp returns exactly what the issue
// specifies on every corpus input, and to describe each input (padding,
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
		// Issue 2, rule 6: on any error the time is the zero time.
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

// member is one top-level member of the payload object, key unescaped.
type member struct {
	key string
	raw json.RawMessage
}

// tokenInfo is what the model learned about a token on the way to its
// expected result. Fields past the point where the model stopped are zero.
type tokenInfo struct {
	surroundingSpace bool   // leading or trailing space, tab, CR or LF
	breakInPayload   bool   // CR or LF inside the payload segment
	padded           bool   // the payload segment carries '='
	payload          []byte // the decoded payload, when it decodes
	members          []member
	expCount         int    // top-level members named exactly "exp" after unescaping
	foldVariant      bool   // a top-level key like "EXP" that is not "exp"
	expRaw           string // raw JSON of the last top-level exp
	expExact         *big.Rat
	expFloat         float64 // strconv.ParseFloat of expRaw, as golang-jwt sees it
	huge             bool    // |exp| >= 2^62
}

const jsonSpace = " \t\r\n"

var (
	twoTo53 = new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 53))
	twoTo62 = new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 62))
	nsPerS  = big.NewInt(1e9)
)

// expectedExp is issue 2's UnverifiedExp, rule by rule.
func expectedExp(tok string) (outcome, tokenInfo) {
	var info tokenInfo
	notJWT := outcome{kind: kindNotJWT}
	malformed := outcome{kind: kindMalformed}

	// Rule 1: surrounding ASCII whitespace is ignored; exactly three segments.
	trimmed := strings.Trim(tok, jsonSpace)
	info.surroundingSpace = trimmed != tok
	segs := strings.Split(trimmed, ".")
	if len(segs) != 3 || segs[1] == "" {
		return notJWT, info
	}
	seg := segs[1]
	info.breakInPayload = strings.ContainsAny(seg, "\r\n")
	info.padded = strings.Contains(seg, "=")

	// Rule 2: base64url alphabet only, correct '=' padding accepted.
	body := strings.TrimRight(seg, "=")
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return notJWT, info
		}
	}
	var payload []byte
	var err error
	if pad := len(seg) - len(body); pad > 0 {
		if pad > 2 || len(seg)%4 != 0 {
			return notJWT, info
		}
		payload, err = base64.URLEncoding.DecodeString(seg)
	} else {
		payload, err = base64.RawURLEncoding.DecodeString(seg)
	}
	if err != nil {
		return notJWT, info
	}
	info.payload = payload
	if p := bytes.TrimLeft(payload, jsonSpace); len(p) == 0 || p[0] != '{' {
		return notJWT, info
	}

	// Rule 3: json.Valid decides validity.
	if !json.Valid(payload) {
		return malformed, info
	}
	info.members = topLevelMembers(payload)
	for _, m := range info.members {
		switch {
		case m.key == "exp":
			info.expCount++
			info.expRaw = string(m.raw)
		case strings.EqualFold(m.key, "exp"):
			info.foldVariant = true
		}
	}
	switch {
	case info.expCount > 1:
		return malformed, info
	case info.expCount == 0: // rule 4
		return outcome{kind: kindNoExp}, info
	}
	if c := info.expRaw[0]; c != '-' && (c < '0' || c > '9') {
		return malformed, info
	}

	// Rule 5: the exact decimal value, floored to the nanosecond.
	exact, huge := exactDecimal(info.expRaw)
	info.huge = huge || new(big.Rat).Abs(exact).Cmp(twoTo62) >= 0
	if info.huge {
		return malformed, info
	}
	info.expExact = exact
	info.expFloat, _ = strconv.ParseFloat(info.expRaw, 64)
	ns := new(big.Int).Mul(exact.Num(), nsPerS)
	ns.Div(ns, exact.Denom()) // Euclidean division: the floor, as Denom > 0
	sec, nsec := new(big.Int).DivMod(ns, nsPerS, new(big.Int))
	return outcome{kind: kindOK, t: time.Unix(sec.Int64(), nsec.Int64())}, info
}

// topLevelMembers lists the members of a JSON object that json.Valid has
// accepted, duplicates included and in order, with keys unescaped.
func topLevelMembers(payload []byte) []member {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if _, err := dec.Token(); err != nil { // '{'
		panic(err)
	}
	var ms []member
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			panic(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			panic(err)
		}
		ms = append(ms, member{key: key.(string), raw: raw})
	}
	return ms
}

// exactDecimal converts a JSON number literal to an exact rational. When the
// exponent is far outside any time value (so big.Rat would be enormous, or
// the exponent overflows an int) it returns huge for magnitudes >= 1e21 and
// a value that floors identically for magnitudes below 1e-12.
func exactDecimal(lit string) (r *big.Rat, huge bool) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(lit), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return new(big.Rat), false // zero, whatever the exponent
	}
	e := -len(frac)
	if hasExp {
		x, err := strconv.Atoi(strings.TrimPrefix(expPart, "+"))
		if err != nil || x > 1000 || x < -1000 {
			if strings.HasPrefix(expPart, "-") {
				// Far below a nanosecond: floors to 0 or to -1 ns.
				tiny := big.NewRat(1, 1e15)
				if neg {
					tiny.Neg(tiny)
				}
				return tiny, false
			}
			return nil, true
		}
		e += x
	}
	// The value is digits × 10^e, with len(digits)+e decimal places before
	// the point.
	if len(digits)+e > 21 {
		return nil, true
	}
	if len(digits)+e < -12 {
		tiny := big.NewRat(1, 1e15)
		if neg {
			tiny.Neg(tiny)
		}
		return tiny, false
	}
	n, _ := new(big.Int).SetString(digits, 10)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(e))), nil)
	r = new(big.Rat)
	if e >= 0 {
		r.SetInt(n.Mul(n, pow))
	} else {
		r.SetFrac(n, pow)
	}
	if neg {
		r.Neg(r)
	}
	return r, false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
