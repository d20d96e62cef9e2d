// Package jwtexp reads the exp claim of a JWT without verifying it, so that a
// server can reject expired bearer tokens early; the result must never be used
// to accept a token.
package jwtexp

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// TEMPORARY naive implementation; the real scanner replaces it.

var (
	ErrNotJWT    = errors.New("jwtexp: not a JWT")
	ErrMalformed = errors.New("jwtexp: malformed JWT payload")
	ErrNoExp     = errors.New("jwtexp: JWT has no exp claim")
)

const DefaultSkew = 60 * time.Second

func UnverifiedExp(token string) (time.Time, error) {
	parts := strings.Split(strings.Trim(token, " \t\r\n"), ".")
	if len(parts) != 3 || parts[1] == "" {
		return time.Time{}, ErrNotJWT
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, ErrNotJWT
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return time.Time{}, ErrMalformed
	}
	raw, ok := m["exp"]
	if !ok {
		return time.Time{}, ErrNoExp
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return time.Time{}, ErrMalformed
	}
	return time.Unix(int64(f), 0), nil
}

func Expired(token string, skew time.Duration) bool {
	return ExpiredAt(token, time.Now(), skew)
}

func ExpiredAt(token string, now time.Time, skew time.Duration) bool {
	exp, err := UnverifiedExp(token)
	return err == nil && !now.Before(exp.Add(skew))
}
