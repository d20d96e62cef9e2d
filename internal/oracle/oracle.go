// Package oracle is the reference reading of a JWT's exp: the rules of the
// jwtexp package documentation written the slow, obvious way, on
// encoding/base64, encoding/json and math/big only. It allocates freely and
// shares no code with jwtexp's scanner, so the differential tests and fuzz
// targets of the root module and of the bench module compare two
// independent readings of the same rules.
//
// It must not import jwtexp: the root package's own tests import it.
package oracle

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"time"
)

// Class is the kind of a result, one per outcome of jwtexp.UnverifiedExp.
type Class int

const (
	OK        Class = iota // exp read: Result.Exp holds it
	NotJWT                 // jwtexp.ErrNotJWT
	Malformed              // jwtexp.ErrMalformed
	NoExp                  // jwtexp.ErrNoExp
)

func (c Class) String() string {
	switch c {
	case OK:
		return "ok"
	case NotJWT:
		return "ErrNotJWT"
	case Malformed:
		return "ErrMalformed"
	case NoExp:
		return "ErrNoExp"
	}
	return "Class(?)"
}

// Member is one top-level member of the claims object.
type Member struct {
	Key string          // unescaped
	Raw json.RawMessage // the value as written
}

// Result is the oracle's answer for one token, and what it learned about
// the token on the way, so that a test can tell which rule an input
// exercises. Fields past the rule that decided the class are zero.
type Result struct {
	Class Class
	Exp   time.Time // time.Unix(sec, nsec) of the floored exp when Class is OK, else zero

	SurroundingSpace bool     // leading or trailing space, tab, CR or LF
	BreakInPayload   bool     // CR or LF inside the payload segment
	Padded           bool     // the payload segment carries '='
	Payload          []byte   // the decoded payload, when it decodes
	Members          []Member // the top-level members, duplicates included, when the payload is a valid object
	ExpCount         int      // top-level members named exactly "exp" once unescaped
	FoldVariant      bool     // a top-level name like "EXP": not "exp", but equal to it case-insensitively
	ExpRaw           string   // the raw JSON value of the last top-level exp
	Huge             bool     // exp is a number of magnitude 2^62 or more

	// ExpValue is exp's exact value when Class is OK. A magnitude below
	// 10^-30 is replaced by ±10^-30, which floors to the same nanosecond.
	ExpValue *big.Rat
}

// jsonSpace is JSON's insignificant whitespace (RFC 8259 §2), which is also
// the whitespace UnverifiedExp ignores around a token.
const jsonSpace = " \t\r\n"

// Exp reads token as jwtexp.UnverifiedExp must, rule by rule.
func Exp(token string) Result {
	var r Result

	// Surrounding whitespace is ignored; a JWS has exactly three segments
	// (RFC 7515 §7.1) and the payload must not be empty.
	trimmed := strings.Trim(token, jsonSpace)
	r.SurroundingSpace = trimmed != token
	segs := strings.Split(trimmed, ".")
	if len(segs) != 3 || segs[1] == "" {
		r.Class = NotJWT
		return r
	}
	seg := segs[1]
	r.BreakInPayload = strings.ContainsAny(seg, "\r\n")
	r.Padded = strings.Contains(seg, "=")

	// base64url (RFC 4648 §5) only, with correct '=' padding accepted.
	// encoding/base64 would skip CR and LF, so the alphabet is checked
	// first.
	for _, c := range []byte(seg) {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '=') {
			r.Class = NotJWT
			return r
		}
	}
	enc := base64.RawURLEncoding
	if r.Padded {
		enc = base64.URLEncoding
	}
	payload, err := enc.DecodeString(seg)
	if err != nil {
		r.Class = NotJWT
		return r
	}
	r.Payload = payload

	// The claims are a JSON object (RFC 7519 §7.2 step 10): anything that
	// does not start with '{' is not a JWT; json.Valid decides the rest.
	if p := bytes.TrimLeft(payload, jsonSpace); len(p) == 0 || p[0] != '{' {
		r.Class = NotJWT
		return r
	}
	if !json.Valid(payload) {
		r.Class = Malformed
		return r
	}
	r.Members = members(payload)
	for _, m := range r.Members {
		switch {
		case m.Key == "exp":
			r.ExpCount++
			r.ExpRaw = string(m.Raw)
		case strings.EqualFold(m.Key, "exp"):
			r.FoldVariant = true
		}
	}

	// exactly one top-level exp, a JSON number (RFC 7519 §2, §4.1.4)
	switch {
	case r.ExpCount == 0:
		r.Class = NoExp
		return r
	case r.ExpCount > 1:
		r.Class = Malformed
		return r
	}
	if c := r.ExpRaw[0]; c != '-' && (c < '0' || c > '9') {
		r.Class = Malformed
		return r
	}

	// its exact value, below 2^62 s in magnitude, floored to the nanosecond
	r.ExpValue, r.Huge = value(r.ExpRaw)
	if r.Huge {
		r.Class = Malformed
		return r
	}
	// Int.Div and Int.DivMod are Euclidean: with a positive divisor they
	// floor, and the modulus is never negative.
	nanos := new(big.Int).Mul(r.ExpValue.Num(), big.NewInt(1e9))
	nanos.Div(nanos, r.ExpValue.Denom())
	sec, nsec := new(big.Int).DivMod(nanos, big.NewInt(1e9), new(big.Int))
	r.Exp = time.Unix(sec.Int64(), nsec.Int64())
	return r
}

// members lists the members of a JSON object that json.Valid has accepted,
// duplicates included and in order, with names unescaped.
func members(payload []byte) []Member {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if _, err := dec.Token(); err != nil { // '{'
		panic(err)
	}
	var ms []Member
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			panic(err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			panic(err)
		}
		ms = append(ms, Member{Key: key.(string), Raw: raw})
	}
	return ms
}

// value turns a valid JSON number into its exact value, or reports huge
// when its magnitude is 2^62 or more. A magnitude below 10^-30 comes back
// as ±10^-30, which floors alike, so that an exponent such as -1e20 costs
// nothing. The exponent is read whole, with math/big, whatever its size:
// how far the value is from 1 depends on it and on the number of digits
// both.
func value(lit string) (v *big.Rat, huge bool) {
	mantissa, exponent := lit, "0"
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mantissa, exponent = lit[:i], strings.TrimPrefix(lit[i+1:], "+")
	}
	neg := strings.HasPrefix(mantissa, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(mantissa, "-"), ".")
	digits, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		panic("oracle: bad mantissa in " + lit)
	}
	e, ok := new(big.Int).SetString(exponent, 10)
	if !ok {
		panic("oracle: bad exponent in " + lit)
	}
	if digits.Sign() == 0 {
		return new(big.Rat), false // 0, -0, 0e99: the epoch
	}
	// The value is digits × 10^scale, with 1 <= digits < 10^len(whole+frac).
	scale := e.Sub(e, big.NewInt(int64(len(frac))))
	if scale.Cmp(big.NewInt(19)) > 0 {
		return nil, true // >= 10^20 > 2^62
	}
	if scale.Cmp(big.NewInt(-int64(len(whole+frac))-30)) < 0 {
		// Below 10^-30: floors to the epoch, or 1 ns before it.
		v = new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil))
	} else {
		pow := new(big.Int).Exp(big.NewInt(10), new(big.Int).Abs(scale), nil)
		if scale.Sign() >= 0 {
			v = new(big.Rat).SetInt(digits.Mul(digits, pow))
		} else {
			v = new(big.Rat).SetFrac(digits, pow)
		}
	}
	if neg {
		v.Neg(v)
	}
	limit := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 62))
	if new(big.Rat).Abs(v).Cmp(limit) >= 0 {
		return nil, true
	}
	return v, false
}
