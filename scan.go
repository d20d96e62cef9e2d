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
// memory. It is written as straight-line code over the grammar, member →
// value → after, rather than a table of states: every transition has a
// branch of its own, which the processor predicts well.

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
// base64url or not a JSON object, and ErrMalformed when it is an object
// but not valid JSON, or its exp cannot be a NumericDate.
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
func (s *scanner) claims() error {
	r := &s.r
	c, ok := r.token()
	// RFC 7519 §7.2 step 10: the claims are a JSON object. Anything else,
	// such as a JWS over arbitrary bytes, is not a JWT.
	if !ok || c != '{' {
		return ErrNotJWT
	}
	s.push(false)
	if c, ok = r.token(); c == '}' {
		goto closed
	}

member: // c is the first byte of an object member
	if c != '"' {
		return ErrMalformed
	}
	if s.depth == 1 {
		if isExp, ok := s.topLevelKey(); !ok {
			return ErrMalformed
		} else if isExp {
			if c, ok = r.token(); c != ':' {
				return ErrMalformed
			}
			if c, ok = r.token(); !s.expValue(c) {
				return ErrMalformed
			}
			goto after
		}
	} else if !r.skipString() {
		return ErrMalformed
	}
	if c, ok = r.token(); c != ':' {
		return ErrMalformed
	}
	c, ok = r.token()

	// value: c is the first byte of a value
value:
	switch c {
	case '"':
		if !r.skipString() {
			return ErrMalformed
		}
	case '{':
		if !s.push(false) {
			return ErrMalformed
		}
		if c, ok = r.token(); c != '}' {
			goto member
		}
		s.pop()
	case '[':
		if !s.push(true) {
			return ErrMalformed
		}
		if c, ok = r.token(); c != ']' {
			goto value
		}
		s.pop()
	case 't':
		ok = r.literal("rue")
	case 'f':
		ok = r.literal("alse")
	case 'n':
		ok = r.literal("ull")
	default:
		ok = s.number(c, false)
	}
	if !ok {
		return ErrMalformed
	}

after: // a value is complete; c is unused
	c, ok = r.token()
	if s.inArray() {
		switch c {
		case ',':
			c, ok = r.token()
			goto value
		case ']':
			s.pop()
			goto after
		}
		return ErrMalformed
	}
	switch c {
	case ',':
		c, ok = r.token()
		goto member
	case '}':
		if s.pop(); s.depth > 0 {
			goto after
		}
		goto closed
	}
	return ErrMalformed

closed: // the top-level object is complete: only whitespace may follow
	if _, ok = r.token(); ok {
		return ErrMalformed
	}
	if !s.sawExp {
		return ErrNoExp
	}
	return nil
}

// topLevelKey scans a top-level member's name, after its opening quote,
// and reports whether it is "exp". Names are compared after unescaping, so
// "\u0065xp" is exp, and case-sensitively, as RFC 7519 §4 requires.
func (s *scanner) topLevelKey() (isExp, ok bool) {
	const name = "exp"
	r := &s.r
	matched := 0 // bytes of name matched so far, or -1
	for {
		n := r.stringRun()
		if matched >= 0 {
			// Compare the run with what is left of name; a longer run
			// cannot match.
			if matched+n <= len(name) && string(r.buf[r.i:r.i+n]) == name[matched:matched+n] {
				matched += n
			} else {
				matched = -1
			}
		}
		if r.i += n; r.i == r.n {
			if !r.more() {
				return false, false
			}
			continue
		}
		c := r.buf[r.i]
		r.i++
		switch c {
		case '"':
			return matched == len(name), true
		case '\\':
			u, ok := r.escape()
			if !ok {
				return false, false
			}
			if matched >= 0 && matched < len(name) && u == rune(name[matched]) {
				matched++
			} else {
				matched = -1
			}
		default:
			return false, false // a raw control character
		}
	}
}

// expValue checks that exp appears once and scans its value, starting
// with c, into s.exp.
func (s *scanner) expValue(c byte) bool {
	// RFC 7519 §4 lets a parser reject duplicate claim names or take the
	// last; parsers disagree, so an attacker could show the real verifier
	// another exp than this one. Rejecting is the one safe choice.
	if s.sawExp {
		return false
	}
	s.sawExp = true
	// RFC 7519 §2: a NumericDate is a JSON number, never a string of one.
	return (c == '-' || isDigit(c)) && s.number(c, true)
}

// number scans a number whose first byte c was already read; RFC 8259 §6:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. With exp set, the digits
// go to s.exp; other numbers are only validated.
func (s *scanner) number(c byte, exp bool) bool {
	r := &s.r
	d := &s.exp
	if c == '-' {
		if exp {
			d.neg = true
		}
		if c, _ = r.next(); !isDigit(c) {
			return false
		}
	} else if !isDigit(c) {
		return false
	}
	if exp {
		d.digit(c-'0', false)
	}
	if c != '0' { // a leading 0 stands alone
		s.digits(exp, false)
	}
	if c, ok := r.peek(); ok && c == '.' {
		r.i++
		if c, ok = r.peek(); !ok || !isDigit(c) {
			return false
		}
		s.digits(exp, true)
	}
	if c, ok := r.peek(); ok && (c == 'e' || c == 'E') {
		r.i++
		if c, ok = r.peek(); ok && (c == '+' || c == '-') {
			if exp && c == '-' {
				d.expNeg = true
			}
			r.i++
		}
		if c, ok = r.peek(); !ok || !isDigit(c) {
			return false
		}
		for c, ok := r.peek(); ok && isDigit(c); c, ok = r.peek() {
			if exp {
				d.exponentDigit(c - '0')
			}
			r.i++
		}
	}
	return true
}

// digits consumes a run of digits, recording them in s.exp if exp is set.
func (s *scanner) digits(exp, frac bool) {
	r := &s.r
	for {
		i := r.i
		for i < r.n && isDigit(r.buf[i]) {
			if exp {
				s.exp.digit(r.buf[i]-'0', frac)
			}
			i++
		}
		r.i = i
		if i < r.n || !r.more() {
			return
		}
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

// reader hands out the decoded payload byte by byte, decoding the next
// chunk of base64url whenever the buffer runs dry.
type reader struct {
	src  string // base64url not yet decoded
	buf  [decodedChunk]byte
	i, n int  // buf[i:n] is decoded and not yet read
	bad  bool // src held something that is not base64url
}

// reset starts reading payload, reporting whether its length and padding
// can be base64url at all.
func (r *reader) reset(payload string) bool {
	src, ok := unpad(payload)
	r.src, r.bad = src, !ok
	return ok
}

// more decodes the next chunk into buf, which must be fully read, and
// reports whether there is anything to read.
func (r *reader) more() bool {
	if len(r.src) == 0 || r.bad {
		return false
	}
	k := min(len(r.src), encodedChunk)
	n, ok := decodeBase64URL(r.buf[:], r.src[:k])
	r.src = r.src[k:]
	r.i, r.n, r.bad = 0, n, !ok
	return ok
}

// drain decodes the rest of the payload, only to validate it.
func (r *reader) drain() {
	for r.more() {
	}
}

// next returns the next byte, and false at the end of the payload.
func (r *reader) next() (byte, bool) {
	if r.i < r.n {
		c := r.buf[r.i]
		r.i++
		return c, true
	}
	return r.nextChunk()
}

func (r *reader) nextChunk() (byte, bool) {
	if !r.more() {
		return 0, false
	}
	r.i++
	return r.buf[0], true
}

// peek returns the next byte without consuming it.
func (r *reader) peek() (byte, bool) {
	if r.i == r.n && !r.more() {
		return 0, false
	}
	return r.buf[r.i], true
}

// token returns the next byte that is not JSON whitespace (RFC 8259 §2),
// and false at the end of the payload.
//
// At the end of the payload the byte is 0, which no rule of the grammar
// accepts, so most callers need not look at the bool.
func (r *reader) token() (byte, bool) {
	if r.i < r.n {
		// The common case: no whitespace, which is all at or below ' '.
		if c := r.buf[r.i]; c > ' ' {
			r.i++
			return c, true
		}
	}
	return r.tokenAfterSpace()
}

func (r *reader) tokenAfterSpace() (byte, bool) {
	for {
		c, ok := r.next()
		if !ok || !isSpace(c) {
			return c, ok
		}
	}
}

// literal consumes rest, the remainder of true, false or null.
func (r *reader) literal(rest string) bool {
	for i := 0; i < len(rest); i++ {
		if c, _ := r.next(); c != rest[i] {
			return false
		}
	}
	return true
}

// skipString consumes a string after its opening quote.
func (r *reader) skipString() bool {
	for {
		if r.i += r.stringRun(); r.i == r.n {
			if !r.more() {
				return false
			}
			continue
		}
		c := r.buf[r.i]
		r.i++
		switch c {
		case '"':
			return true
		case '\\':
			if _, ok := r.escape(); !ok {
				return false
			}
		default:
			return false // a raw control character
		}
	}
}

// escape consumes an escape sequence after its backslash (RFC 8259 §7)
// and returns the code unit it stands for.
func (r *reader) escape() (rune, bool) {
	c, _ := r.next()
	switch c {
	case '"', '\\', '/':
		return rune(c), true
	case 'b', 'f', 'n', 'r', 't':
		return '\b', true // which control character does not matter here
	case 'u':
		var u rune
		for range 4 {
			c, _ := r.next()
			v, ok := hexValue(c)
			if !ok {
				return 0, false
			}
			u = u<<4 | rune(v)
		}
		return u, true
	}
	return 0, false
}

// stringRun returns how many of the unread bytes a string may hold as they
// are: RFC 8259 §7 excludes '"', '\' and the control characters below 0x20.
// Bytes from 0x80 up pass whether or not they form valid UTF-8, as in
// json.Valid. Eight bytes are tested at a time with the SWAR "has a zero
// byte" trick, whose lowest flagged byte is always a true hit. The last
// eight-byte load may reach past r.n into stale bytes of buf; they are
// never counted.
func (r *reader) stringRun() int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	b, n := r.buf[r.i:], r.n-r.i
	i := 0
	for ; i < n && len(b)-i >= 8; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		quote, backslash := x^(ones*'"'), x^(ones*'\\')
		special := (quote-ones)&^quote | (backslash-ones)&^backslash | (x-ones*0x20)&^x
		if special &= highs; special != 0 {
			return min(i+bits.TrailingZeros64(special)/8, n)
		}
	}
	for ; i < n; i++ {
		if c := b[i]; c < 0x20 || c == '"' || c == '\\' {
			return i
		}
	}
	return n
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
