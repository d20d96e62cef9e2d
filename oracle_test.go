package jwtexp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"time"
)

// oracleExp is the reference implementation of UnverifiedExp: the rules of
// the package documentation written the slow, obvious way, on
// encoding/base64, encoding/json and math/big only. It allocates freely and
// shares no code with the scanner, so the differential tests and fuzz
// targets compare two independent readings of the same rules.
func oracleExp(token string) (time.Time, error) {
	parts := strings.Split(strings.Trim(token, " \t\r\n"), ".")
	if len(parts) != 3 || parts[1] == "" {
		return time.Time{}, ErrNotJWT
	}
	payload := parts[1]
	for _, c := range []byte(payload) {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '=') {
			return time.Time{}, ErrNotJWT // encoding/base64 would skip CR and LF
		}
	}
	enc := base64.RawURLEncoding
	if strings.Contains(payload, "=") {
		enc = base64.URLEncoding
	}
	claims, err := enc.DecodeString(payload)
	if err != nil {
		return time.Time{}, ErrNotJWT
	}
	if trimmed := bytes.TrimLeft(claims, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return time.Time{}, ErrNotJWT
	}
	if !json.Valid(claims) {
		return time.Time{}, ErrMalformed
	}

	dec := json.NewDecoder(bytes.NewReader(claims))
	if _, err := dec.Token(); err != nil { // '{'
		panic(err)
	}
	var exp json.RawMessage
	count := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			panic(err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			panic(err)
		}
		if key.(string) == "exp" {
			count++
			exp = value
		}
	}
	switch {
	case count == 0:
		return time.Time{}, ErrNoExp
	case count > 1:
		return time.Time{}, ErrMalformed
	case exp[0] != '-' && (exp[0] < '0' || exp[0] > '9'):
		return time.Time{}, ErrMalformed
	}
	return oracleNumericDate(string(exp))
}

// oracleNumericDate turns a valid JSON number into the instant it names,
// floored to the nanosecond, exactly, with math/big.
func oracleNumericDate(lit string) (time.Time, error) {
	mantissa, exponent := lit, "0"
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mantissa, exponent = lit[:i], strings.TrimPrefix(lit[i+1:], "+")
	}
	neg := strings.HasPrefix(mantissa, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(mantissa, "-"), ".")
	digits, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		panic("bad mantissa " + lit)
	}
	e, ok := new(big.Int).SetString(exponent, 10)
	if !ok {
		panic("bad exponent " + lit)
	}
	if digits.Sign() == 0 {
		return time.Unix(0, 0), nil
	}
	// value = digits × 10^scale, with digits >= 1.
	scale := e.Sub(e, big.NewInt(int64(len(frac))))
	if scale.Cmp(big.NewInt(19)) > 0 {
		return time.Time{}, ErrMalformed // >= 10^20 > 2^62
	}
	if scale.Cmp(big.NewInt(-int64(len(whole+frac))-30)) < 0 {
		// Below 10^-30 s: floors to the epoch, or 1 ns before it.
		if neg {
			return time.Unix(0, -1), nil
		}
		return time.Unix(0, 0), nil
	}
	value := new(big.Rat).SetInt(digits)
	pow := new(big.Int).Exp(big.NewInt(10), new(big.Int).Abs(scale), nil)
	if scale.Sign() >= 0 {
		value.Mul(value, new(big.Rat).SetInt(pow))
	} else {
		value.Quo(value, new(big.Rat).SetInt(pow))
	}
	if neg {
		value.Neg(value)
	}
	limit := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 62))
	if new(big.Rat).Abs(value).Cmp(limit) >= 0 {
		return time.Time{}, ErrMalformed
	}
	// Int.Div and Int.DivMod are Euclidean: with a positive divisor they
	// floor, and the modulus is never negative.
	nanos := new(big.Int).Mul(value.Num(), big.NewInt(1e9))
	nanos.Div(nanos, value.Denom())
	sec, nsec := new(big.Int).DivMod(nanos, big.NewInt(1e9), new(big.Int))
	return time.Unix(sec.Int64(), nsec.Int64()), nil
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
