package jwtexp

import (
	"encoding/binary"
	"math/bits"
)

// The scanner validates the decoded payload exactly as encoding/json's Valid
// does (RFC 8259 grammar, nesting at most 10 000 deep, invalid UTF-8 inside
// strings allowed) while it looks for the top-level exp member. It pulls
// bytes from a reader that decodes the payload a chunk at a time into a
// buffer on the stack, and it tracks nesting in a fixed bit stack instead
// of recursing, so neither the payload's size nor its depth costs heap
// memory.
//
// Two choices keep it fast. It is straight-line code over the grammar,
// member → value → after, rather than a table of states, so every
// transition has a branch of its own that the processor predicts well. And
// the read position i is passed and returned by every step instead of
// living in the reader, so it stays in a register rather than making each
// byte wait on a store to memory.

// maxDepth is encoding/json's maxNestingDepth: a payload nested deeper is
// invalid JSON to json.Valid, and so ErrMalformed here.
const maxDepth = 10000

type scanner struct {
	r     reader
	depth int
	// arrays has bit d set when the container at depth d is an array rather
	// than an object: 1.25 KiB that bound the nesting without the heap.
	arrays [maxDepth/64 + 1]uint64

	sawExp bool
	exp    decimal
}

// scan reads the whole payload. It returns ErrNotJWT when the payload is not
// base64url or does not start with '{', ErrMalformed when it is not valid
// JSON or its exp is not a single JSON number, and ErrNoExp when it has no
// top-level exp. The range of exp is checked later, by decimal.unix.
func (s *scanner) scan(payload string) error {
	if !s.r.reset(payload) {
		return ErrNotJWT
	}
	err := s.claims()
	if err != nil {
		s.r.drain() // a payload that is not base64url is not a JWT, however broken its JSON
	}
	if s.r.bad {
		return ErrNotJWT
	}
	return err
}

// claims scans the top-level object; see the grammar in RFC 8259 §2-§7.
// At the end of the payload, reader methods return the byte 0, which no
// rule of the grammar accepts.
func (s *scanner) claims() error {
	r := &s.r
	var ok bool
	c, i := r.token(0)
	// RFC 7519 §7.2 step 10: the claims are a JSON object. Anything else,
	// such as a JWS over arbitrary bytes, is not a JWT.
	if c != '{' {
		return ErrNotJWT
	}
	s.push(false)
	if c, i = r.token(i); c == '}' {
		goto closed
	}

member: // c is the first byte of an object member
	if c != '"' {
		return ErrMalformed
	}
	if s.depth == 1 {
		var isExp bool
		if isExp, i, ok = r.key(i, "exp"); !ok {
			return ErrMalformed
		}
		if isExp {
			if c, i = r.token(i); c != ':' {
				return ErrMalformed
			}
			c, i = r.token(i)
			if i, ok = s.expValue(c, i); !ok {
				return ErrMalformed
			}
			goto after
		}
	} else if i, ok = r.skipString(i); !ok {
		return ErrMalformed
	}
	if c, i = r.token(i); c != ':' {
		return ErrMalformed
	}
	c, i = r.token(i)

value: // c is the first byte of a value
	switch c {
	case '"':
		i, ok = r.skipString(i)
	case '{':
		if !s.push(false) {
			return ErrMalformed
		}
		if c, i = r.token(i); c != '}' {
			goto member
		}
		s.pop()
		ok = true
	case '[':
		if !s.push(true) {
			return ErrMalformed
		}
		if c, i = r.token(i); c != ']' {
			goto value
		}
		s.pop()
		ok = true
	case 't':
		i, ok = r.literal(i, "rue")
	case 'f':
		i, ok = r.literal(i, "alse")
	case 'n':
		i, ok = r.literal(i, "ull")
	default:
		i, ok = s.number(c, i, false)
	}
	if !ok {
		return ErrMalformed
	}

after: // a value is complete
	c, i = r.token(i)
	if s.inArray() {
		switch c {
		case ',':
			c, i = r.token(i)
			goto value
		case ']':
			s.pop()
			goto after
		}
		return ErrMalformed
	}
	switch c {
	case ',':
		c, i = r.token(i)
		goto member
	case '}':
		if s.pop(); s.depth > 0 {
			goto after
		}
		goto closed
	}
	return ErrMalformed

closed: // the top-level object is complete: only whitespace may follow
	if !r.onlySpaceLeft(i) {
		return ErrMalformed
	}
	if !s.sawExp {
		return ErrNoExp
	}
	return nil
}

// expValue checks that exp appears once and scans its value, starting
// with c, into s.exp.
func (s *scanner) expValue(c byte, i int) (int, bool) {
	// RFC 7519 §4 lets a parser reject duplicate claim names or take the
	// last; parsers disagree, so an attacker could show the real verifier
	// another exp than this one. Rejecting is the one safe choice.
	if s.sawExp {
		return i, false
	}
	s.sawExp = true
	// RFC 7519 §2: a NumericDate is a JSON number, never a string of one.
	if c != '-' && !isDigit(c) {
		return i, false
	}
	return s.number(c, i, true)
}

// number scans a number whose first byte c was already read; RFC 8259 §6:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. With exp set, the digits
// go to s.exp; other numbers are only validated.
func (s *scanner) number(c byte, i int, exp bool) (int, bool) {
	r := &s.r
	d := &s.exp
	if c == '-' {
		if exp {
			d.neg = true
		}
		c, i = r.next(i)
	}
	if !isDigit(c) {
		return i, false
	}
	if exp {
		d.digit(c-'0', false)
	}
	if c != '0' { // a leading 0 stands alone
		i = s.digits(i, exp, false)
	}
	// peek leaves i at the byte it returns, which a refill moves to 0.
	if c, i = r.peek(i); c == '.' {
		if c, i = r.next(i + 1); !isDigit(c) {
			return i, false
		}
		if exp {
			d.digit(c-'0', true)
		}
		i = s.digits(i, exp, true)
		c, i = r.peek(i)
	}
	if c == 'e' || c == 'E' {
		if c, i = r.peek(i + 1); c == '+' || c == '-' {
			if exp && c == '-' {
				d.expNeg = true
			}
			c, i = r.peek(i + 1)
		}
		if !isDigit(c) {
			return i, false
		}
		for ; isDigit(c); c, i = r.peek(i + 1) {
			if exp {
				d.exponentDigit(c - '0')
			}
		}
	}
	return i, true
}

// digits consumes a run of digits, recording them in s.exp if exp is set.
func (s *scanner) digits(i int, exp, frac bool) int {
	r := &s.r
	for {
		for i < r.n && isDigit(r.buf[i]) {
			if exp {
				s.exp.digit(r.buf[i]-'0', frac)
			}
			i++
		}
		if i < r.n || !r.more() {
			return i
		}
		i = 0
	}
}

func (s *scanner) push(array bool) bool {
	if s.depth == maxDepth {
		return false
	}
	s.depth++
	word, bit := s.depth/64, uint(s.depth%64)
	if array {
		s.arrays[word] |= 1 << bit
	} else {
		s.arrays[word] &^= 1 << bit
	}
	return true
}

func (s *scanner) pop() { s.depth-- }

func (s *scanner) inArray() bool {
	return s.arrays[s.depth/64]&(1<<(s.depth%64)) != 0
}

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
	_, i, ok := r.key(i, "")
	return i, ok
}

// key consumes a string after its opening quote and reports whether it
// equals name once unescaped; an empty name means no comparison, and
// equal is then false. Object member names are compared that way,
// so "\u0065xp" is exp, and case-sensitively, as RFC 7519 §4 requires.
func (r *reader) key(i int, name string) (equal bool, next int, ok bool) {
	matched := 0 // bytes of name matched so far, or -1
	if name == "" {
		matched = -1 // not comparing
	}
	for {
		j := r.stringRun(i)
		if matched >= 0 {
			if matched+j-i <= len(name) && string(r.buf[i:j]) == name[matched:matched+j-i] {
				matched += j - i
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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
