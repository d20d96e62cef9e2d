package jwtexp

import "encoding/binary"

// The payload is decoded encodedChunk characters at a time into a buffer of
// decodedChunk bytes on the stack: a typical access token in one go, a
// 1 MiB one in bounded memory. encodedChunk is a multiple of 8, the step of
// the fast loop, and so of 4, the base64 quantum.
const (
	encodedChunk = 1024
	decodedChunk = encodedChunk / 4 * 3
)

// invalid marks the bytes outside the alphabet in [base64url].
const invalid = 0xFF

// base64url maps the URL-safe alphabet of RFC 4648 §5, the one RFC 7515 §2
// prescribes, to 6-bit values. Everything else is invalid: unlike
// encoding/base64, which skips CR and LF, a line break, a space, '+' or '/'
// anywhere in the payload means it is not a JWT.
var base64url = func() (m [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range m {
		m[i] = invalid
	}
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = byte(i)
	}
	return m
}()

// shifted[k][c] is base64url[c] shifted to the place of the k-th of eight
// characters in a big-endian 48-bit group, or invalidGroup.
var shifted = func() (t [8][256]uint64) {
	for k := range t {
		for c := range t[k] {
			if v := base64url[c]; v == invalid {
				t[k][c] = invalidGroup
			} else {
				t[k][c] = uint64(v) << (58 - 6*k)
			}
		}
	}
	return t
}()

const invalidGroup = 0xFFFF

// unpad strips '=' padding where base64.URLEncoding would accept it: JWS
// forbids padding (RFC 7515 §2), but some issuers send it and the token is
// no less readable. The result's length is also checked: no padding makes
// a length of 4n+1 characters valid.
func unpad(s string) (string, bool) {
	if n := len(s); n > 0 && s[n-1] == '=' {
		if n%4 != 0 {
			return "", false
		}
		s = s[:n-1] // n >= 4, so one more character is there to look at
		if s[len(s)-1] == '=' {
			s = s[:len(s)-1]
		}
		// Any other '=' is rejected by decodeBase64URL as outside the
		// alphabet.
	}
	return s, len(s)%4 != 1
}

// decodeBase64URL decodes src, unpadded base64url of at most
// len(dst)/3*4 characters, into dst and returns the number of bytes
// written, or false if src holds a character outside the alphabet or has
// 4n+1 characters. Like base64.RawURLEncoding, it ignores the unused low
// bits of a final partial quantum.
func decodeBase64URL(dst []byte, src string) (int, bool) {
	n := 0
	// Eight characters make six bytes, written as one 8-byte store. Each
	// character's table holds its six bits already shifted into place, so
	// a group is eight loads and seven ORs; an invalid character sets the
	// low 16 bits, which no valid one touches.
	for len(src) >= 8 && len(dst)-n >= 8 {
		v := shifted[0][src[0]] | shifted[1][src[1]] | shifted[2][src[2]] | shifted[3][src[3]] |
			shifted[4][src[4]] | shifted[5][src[5]] | shifted[6][src[6]] | shifted[7][src[7]]
		if v&invalidGroup != 0 {
			return n, false
		}
		binary.BigEndian.PutUint64(dst[n:], v)
		n += 6
		src = src[8:]
	}
	for len(src) >= 4 {
		a, b, c, d := base64url[src[0]], base64url[src[1]], base64url[src[2]], base64url[src[3]]
		if a|b|c|d == invalid {
			return n, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst[n], dst[n+1], dst[n+2] = byte(v>>16), byte(v>>8), byte(v)
		n += 3
		src = src[4:]
	}
	switch len(src) {
	case 2:
		a, b := base64url[src[0]], base64url[src[1]]
		if a|b == invalid {
			return n, false
		}
		dst[n] = a<<2 | b>>4
		n++
	case 3:
		a, b, c := base64url[src[0]], base64url[src[1]], base64url[src[2]]
		if a|b|c == invalid {
			return n, false
		}
		dst[n], dst[n+1] = a<<2|b>>4, b<<4|c>>2
		n += 2
	case 1:
		return n, false
	}
	return n, true
}
