package jwtexptest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"time"
)

// rs256SigLen is the length in bytes of an RS256 signature with a 2048-bit
// key (RFC 7518 §3.3), the size servers most often see.
const rs256SigLen = 256

// mintExpired returns a JWT whose exp is an hour before now and whose aud
// is the endpoint (RFC 7519 §4.1.3), with an RS256 header and a random
// signature: no server holds the key that would verify it, so a server
// that checks signatures first still owes it 401 invalid_token.
func mintExpired(endpoint string, now time.Time) (token string, exp time.Time, err error) {
	exp = now.Add(-time.Hour).Truncate(time.Second)
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	if err != nil {
		return "", time.Time{}, err
	}
	claims, err := json.Marshal(map[string]any{
		"iss": "jwtexp-check",
		"sub": "jwtexp-check",
		"aud": endpoint,
		"iat": exp.Add(-time.Hour).Unix(),
		"exp": exp.Unix(),
	})
	if err != nil {
		return "", time.Time{}, err
	}
	sig := make([]byte, rs256SigLen)
	if _, err := rand.Read(sig); err != nil {
		return "", time.Time{}, err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString(sig), exp, nil
}
