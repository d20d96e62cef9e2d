package devjwt

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

var testKey = []byte("test-key")

func TestSignVerifyRoundTrip(t *testing.T) {
	want := Claims{Subject: "alice", Audience: "http://127.0.0.1:1/mcp", Scope: "mcp:tools", IssuedAt: 1700000000, Expiry: 1700003600}
	tok, err := Sign(testKey, want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(testKey, tok)
	if err != nil {
		t.Fatalf("Verify(Sign(c)) = %v", err)
	}
	if got != want {
		t.Errorf("Verify(Sign(c)) = %+v, want %+v", got, want)
	}
}

// forge builds a token from raw header and payload JSON, signed with key.
func forge(key []byte, header, payload string) string {
	in := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	return in + "." + base64.RawURLEncoding.EncodeToString(mac(key, in))
}

// signRaw signs already-encoded segments, so that a bad encoding gets past
// the signature check.
func signRaw(key []byte, header64, payload64 string) string {
	in := header64 + "." + payload64
	return in + "." + base64.RawURLEncoding.EncodeToString(mac(key, in))
}

func TestVerifyRejects(t *testing.T) {
	good, err := Sign(testKey, Claims{Subject: "alice", Expiry: 1700003600})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"two segments", parts[0] + "." + parts[1]},
		{"four segments", good + ".x"},
		{"other key", forge([]byte("other"), header, `{"exp":1}`)},
		{"alg none unsigned", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."},
		{"alg none signed", forge(testKey, `{"alg":"none"}`, `{"exp":1}`)},
		{"alg HS512", forge(testKey, `{"alg":"HS512"}`, `{"exp":1}`)},
		{"alg lower case", forge(testKey, `{"alg":"hs256"}`, `{"exp":1}`)},
		{"header not JSON", forge(testKey, `alg`, `{"exp":1}`)},
		{"header not base64url", "*." + parts[1] + "." + parts[2]},
		{"signature not base64url", parts[0] + "." + parts[1] + ".*"},
		{"payload tampered", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"mallory","exp":1700003600}`)) + "." + parts[2]},
		{"payload not JSON", forge(testKey, header, `exp`)},
		{"payload not base64url", signRaw(testKey, parts[0], "*")},
		{"no exp", forge(testKey, header, `{"sub":"alice"}`)},
		{"exp null", forge(testKey, header, `{"exp":null}`)},
		{"exp fractional", forge(testKey, header, `{"exp":1.5}`)},
		{"exp string", forge(testKey, header, `{"exp":"1"}`)},
		{"aud array", forge(testKey, header, `{"exp":1,"aud":["a"]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Verify(testKey, tt.token)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify(%q) = %+v, %v; want an error wrapping ErrInvalid", tt.token, c, err)
			}
		})
	}
}

func TestVerifyIgnoresExpiry(t *testing.T) {
	// Expiry is the caller's decision; an exp long past still verifies.
	tok := forge(testKey, header, `{"exp":1}`)
	c, err := Verify(testKey, tok)
	if err != nil || c.Expiry != 1 {
		t.Fatalf("Verify(exp=1) = %+v, %v; want Expiry 1, nil", c, err)
	}
}

func FuzzVerify(f *testing.F) {
	good, err := Sign(testKey, Claims{Subject: "alice", Expiry: 1700003600})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("")
	f.Add("a.b.c")
	f.Add(forge(testKey, `{"alg":"none"}`, `{"exp":1}`))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := Verify(testKey, token)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Verify(%q) error %v does not wrap ErrInvalid", token, err)
			}
			return
		}
		// Anything accepted must carry a valid signature under testKey, so
		// re-signing its claims must also verify.
		again, err := Sign(testKey, c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(testKey, again); err != nil {
			t.Fatalf("re-signed claims of accepted %q do not verify: %v", token, err)
		}
	})
}
