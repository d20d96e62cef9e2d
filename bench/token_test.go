package bench

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

// update rewrites testdata/rs256-access-token.txt from the committed test key
// (go generate runs it). Without it the test checks that the committed token
// is exactly what the generator produces, so the two can never drift apart.
var update = flag.Bool("update", false, "rewrite "+accessTokenFile)

const (
	accessTokenFile = "testdata/rs256-access-token.txt"
	// testKeyFile is an RSA-2048 key made for this benchmark only. Committing
	// it makes the token deterministic: RS256 (RSASSA-PKCS1-v1_5, RFC 7518
	// §3.3) signatures are a pure function of key and input, whereas
	// crypto/rsa no longer derives keys from a caller-supplied seed.
	testKeyFile = "testdata/rs256-test-key.pem"
)

// accessTokenExp is the token's exp: 2100-01-01T00:00:00Z, far enough away
// that the benchmark token never expires.
var accessTokenExp = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

// accessTokenClaims is the payload of a typical OAuth 2.1 access token for an
// MCP server, in the member order IdPs commonly emit. A struct (not a map)
// keeps the JSON byte-for-byte stable.
type accessTokenClaims struct {
	Iss    string   `json:"iss"`
	Sub    string   `json:"sub"`
	Aud    []string `json:"aud"`
	Iat    int64    `json:"iat"`
	Nbf    int64    `json:"nbf"`
	Exp    int64    `json:"exp"`
	Azp    string   `json:"azp"`
	Scope  string   `json:"scope"`
	Email  string   `json:"email"`
	Tenant string   `json:"tid"`
	Roles  []string `json:"roles"`
}

// buildAccessToken signs the benchmark token with key. It is deterministic.
func buildAccessToken(key *rsa.PrivateKey) (string, error) {
	header, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
		Kid string `json:"kid"`
	}{"RS256", "at+jwt", "bench-2048-2025-01"})
	if err != nil {
		return "", err
	}
	iat := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC).Unix()
	payload, err := json.Marshal(accessTokenClaims{
		Iss:    "https://auth.example.com/",
		Sub:    "auth0|64f1c2a9e8b7d6c5b4a39281",
		Aud:    []string{"https://mcp.example.com/mcp", "https://api.example.com"},
		Iat:    iat,
		Nbf:    iat,
		Exp:    accessTokenExp.Unix(),
		Azp:    "mcp-client-6f1d2c3b",
		Scope:  "openid profile email mcp:tools mcp:resources",
		Email:  "ada@example.com",
		Tenant: "acme-research",
		Roles:  []string{"mcp.user", "reports.read"},
	})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signingInput := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signingInput + "." + enc.EncodeToString(sig), nil
}

func loadTestKey(tb testing.TB) *rsa.PrivateKey {
	tb.Helper()
	data, err := os.ReadFile(testKeyFile)
	if err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		tb.Fatalf("%s: no PEM block", testKeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok || rk.N.BitLen() != 2048 {
		tb.Fatalf("%s: want an RSA-2048 key, got %T", testKeyFile, k)
	}
	return rk
}

// loadAccessToken returns the committed benchmark token.
func loadAccessToken(tb testing.TB) string {
	tb.Helper()
	data, err := os.ReadFile(accessTokenFile)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

func TestAccessToken(t *testing.T) {
	key := loadTestKey(t)
	tok, err := buildAccessToken(key)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(accessTokenFile, []byte(tok+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := loadAccessToken(t); got != tok {
		t.Fatalf("%s is stale; run go generate in bench/\n got: %s\nwant: %s", accessTokenFile, got, tok)
	}

	// A realistic access token is about 900 characters.
	if n := len(tok); n < 850 || n > 950 {
		t.Errorf("token is %d characters, want about 900", n)
	}
	// The signature is real: it verifies under the key's public half.
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d segments", len(parts))
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	// The payload carries every claim a realistic access token has.
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"iss", "sub", "aud", "exp", "iat", "nbf", "scope", "email", "azp"} {
		if _, ok := claims[name]; !ok {
			t.Errorf("payload lacks %q", name)
		}
	}
	if aud, ok := claims["aud"].([]any); !ok || len(aud) < 2 {
		t.Errorf("aud = %v, want an array", claims["aud"])
	}
	if got := claims["exp"]; got != json.Number("4102444800") {
		t.Errorf("exp = %v, want 4102444800 (%s)", got, accessTokenExp)
	}
}
