package jwtexp

import (
	"encoding/binary"
	"math/bits"
)

// reader hands out the decoded payload, decoding the next chunk of
// base64url whenever the buffer runs dry. Its methods take the read
// position i in buf and return the next one; when they refill buf, the
// position starts again at 0.
type reader struct {
	src string // base64url not yet decoded
	// buf[:n] is the decoded chunk. The 8 bytes to spare let stringRun load
	// a whole word at any position below n.
	buf [decodedChunk + 8]byte
	n   int
	bad bool // src held something that is not base64url
}

// reset starts reading payload, reporting whether its length and padding
// can be base64url at all.
func (r *reader) reset(payload string) bool {
	src, ok := unpad(payload)
	r.src, r.n, r.bad = src, 0, !ok
	return ok
}

// more decodes the next chunk into buf, whose bytes must all be read, and
// reports whether there is anything to read.
func (r *reader) more() bool {
	if len(r.src) == 0 || r.bad {
		return false
	}
	k := min(len(r.src), encodedChunk)
	n, ok := decodeBase64URL(r.buf[:decodedChunk], r.src[:k])
	r.src = r.src[k:]
	r.n, r.bad = n, !ok
	return ok
}

// drain decodes the rest of the payload, only to validate it.
func (r *reader) drain() {
	for r.more() {
	}
}

// next returns the byte at i and the position after it, or 0 at the end
// of the payload.
func (r *reader) next(i int) (byte, int) {
	if i < r.n {
		return r.buf[i], i + 1
	}
	if !r.more() {
		return 0, i
	}
	return r.buf[0], 1
}

// peek returns the byte at i, or 0 at the end of the payload, and the
// position of that byte, which moves to 0 when buf is refilled.
func (r *reader) peek(i int) (byte, int) {
	if i < r.n {
		return r.buf[i], i
	}
	if !r.more() {
		return 0, i
	}
	return r.buf[0], 0
}

// token returns the next byte that is not JSON whitespace (RFC 8259 §2)
// and the position after it, or 0 at the end of the payload.
func (r *reader) token(i int) (byte, int) {
	if i < r.n {
		// The common case: no whitespace, which is all at or below ' '.
		if c := r.buf[i]; c > ' ' {
			return c, i + 1
		}
	}
	for {
		c, j := r.next(i)
		if !isSpace(c) { // a token, or 0 at the end
			return c, j
		}
		i = j
	}
}

// onlySpaceLeft reports whether nothing but whitespace follows i.
func (r *reader) onlySpaceLeft(i int) bool {
	for {
		for ; i < r.n; i++ {
			if !isSpace(r.buf[i]) {
				return false
			}
		}
		if !r.more() {
			return true
		}
		i = 0
	}
}

// literal consumes rest, the remainder of true, false or null.
func (r *reader) literal(i int, rest string) (int, bool) {
	for k := 0; k < len(rest); k++ {
		var c byte
		if c, i = r.next(i); c != rest[k] {
			return i, false
		}
	}
	return i, true
}

// skipString consumes a string after its opening quote.
func (r *reader) skipString(i int) (int, bool) {
	_, i, ok := r.str(i, false)
	return i, ok
}

// str consumes a string after its opening quote and, if compare is set,
// reports whether it is "exp" once unescaped. Object member names are
// compared that way, so "\u0065xp" is exp, and case-sensitively, as RFC 7519
// §4 requires.
func (r *reader) str(i int, compare bool) (isExp bool, next int, ok bool) {
	const name = "exp"
	matched := -1 // bytes of name matched so far, or -1: no match, or not comparing
	if compare {
		matched = 0
	}
	for {
		j := r.stringRun(i)
		for k := i; k < j && matched >= 0; k++ {
			if matched < len(name) && r.buf[k] == name[matched] {
				matched++
			} else {
				matched = -1
			}
		}
		if j == r.n {
			if !r.more() {
				return false, j, false
			}
			i = 0
			continue
		}
		switch r.buf[j] {
		case '"':
			return matched == len(name), j + 1, true
		case '\\':
			var u rune
			if u, i, ok = r.escape(j + 1); !ok {
				return false, i, false
			}
			if matched >= 0 && matched < len(name) && u == rune(name[matched]) {
				matched++
			} else {
				matched = -1
			}
		default:
			return false, j, false // a raw control character
		}
	}
}

// escape consumes an escape sequence after its backslash (RFC 8259 §7)
// and returns the code unit it stands for.
func (r *reader) escape(i int) (rune, int, bool) {
	c, i := r.next(i)
	switch c {
	case '"', '\\', '/':
		return rune(c), i, true
	case 'b', 'f', 'n', 'r', 't':
		return '\b', i, true // which control character does not matter here
	case 'u':
		var u rune
		for k := 0; k < 4; k++ {
			c, i = r.next(i)
			v, ok := hexValue(c)
			if !ok {
				return 0, i, false
			}
			u = u<<4 | rune(v)
		}
		return u, i, true
	}
	return 0, i, false
}

// stringRun returns the position of the first byte from i on that a
// string may not hold as it is, or n: RFC 8259 §7 excludes '"', '\' and
// the control characters below 0x20. Bytes from 0x80 up pass whether or
// not they form valid UTF-8, as in json.Valid. Eight bytes are tested at a
// time with the SWAR "has a zero byte" trick, whose lowest flagged byte is
// always a true hit. The last load may reach past n into stale bytes of
// buf; they are never counted.
func (r *reader) stringRun(i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i < r.n; i += 8 {
		x := binary.LittleEndian.Uint64(r.buf[i : i+8])
		quote, backslash := x^(ones*'"'), x^(ones*'\\')
		special := (quote-ones)&^quote | (backslash-ones)&^backslash | (x-ones*0x20)&^x
		if special &= highs; special != 0 {
			return min(i+bits.TrailingZeros64(special)/8, r.n)
		}
	}
	return r.n
}

// isSpace reports JSON's insignificant whitespace (RFC 8259 §2).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
