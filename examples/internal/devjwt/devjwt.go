// Package devjwt mints and verifies HS256 JWTs (RFC 7519, RFC 7515) with a
// shared key, using only the standard library. It exists for the jwtexp demo
// server and the end-to-end tests.
//
// DEV ONLY. A shared, published key lets anyone mint tokens. A production MCP
// server verifies tokens issued by its authorization server: asymmetric keys
// from the issuer's JWKS, and the iss and aud claims (RFC 8725).
package devjwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// DevKey is the HMAC-SHA256 key of the demo server.
//
// DEV ONLY: it is public, so anyone can mint a token the demo accepts.
var DevKey = []byte("jwtexp-demo-dev-key-DO-NOT-USE-IN-PRODUCTION")

// ErrInvalid is wrapped by every error [Verify] returns.
var ErrInvalid = errors.New("devjwt: invalid token")

// Claims are the JWT claims the demo uses (RFC 7519 §4.1). Times are
// NumericDate values: integer seconds since the Unix epoch.
type Claims struct {
	Subject  string `json:"sub,omitempty"`
	Audience string `json:"aud,omitempty"`
	Scope    string `json:"scope,omitempty"` // space-separated (RFC 8693 §4.2)
	IssuedAt int64  `json:"iat,omitempty"`
	Expiry   int64  `json:"exp"`
}

// header is the only JOSE header Sign writes and Verify accepts.
const header = `{"alg":"HS256","typ":"JWT"}`

var b64 = base64.RawURLEncoding

// Sign returns the compact serialization of an HS256 JWT carrying c, signed
// with key.
func Sign(key []byte, c Claims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("devjwt: %w", err)
	}
	signingInput := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString(payload)
	return signingInput + "." + b64.EncodeToString(mac(key, signingInput)), nil
}

// Verify checks that token is an HS256 JWT signed with key and returns its
// claims. It does not look at exp: deciding expiry is the caller's job (in
// the demo, auth.RequireBearerToken does it). exp must be present, and aud, if
// present, must be a single string.
func Verify(key []byte, token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("%w: want 3 segments, got %d", ErrInvalid, len(parts))
	}
	rawHeader, err := b64.DecodeString(parts[0])
	if err != nil {
		return Claims{}, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(rawHeader, &h); err != nil {
		return Claims{}, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	// The algorithm is pinned, never taken from the token, so "none" or a
	// public-key algorithm cannot be substituted (RFC 8725 §2.1, §3.1).
	if h.Alg != "HS256" {
		return Claims{}, fmt.Errorf("%w: alg %q, want HS256", ErrInvalid, h.Alg)
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return Claims{}, fmt.Errorf("%w: signature: %v", ErrInvalid, err)
	}
	if !hmac.Equal(sig, mac(key, parts[0]+"."+parts[1])) {
		return Claims{}, fmt.Errorf("%w: bad signature", ErrInvalid)
	}
	rawPayload, err := b64.DecodeString(parts[1])
	if err != nil {
		return Claims{}, fmt.Errorf("%w: payload: %v", ErrInvalid, err)
	}
	var c struct {
		Claims
		Expiry *int64 `json:"exp"`
	}
	if err := json.Unmarshal(rawPayload, &c); err != nil {
		return Claims{}, fmt.Errorf("%w: payload: %v", ErrInvalid, err)
	}
	if c.Expiry == nil {
		return Claims{}, fmt.Errorf("%w: no exp claim", ErrInvalid)
	}
	c.Claims.Expiry = *c.Expiry
	return c.Claims, nil
}

func mac(key []byte, signingInput string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signingInput))
	return m.Sum(nil)
}
