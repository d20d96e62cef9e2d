package jwtexp

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
		if isExp, i, ok = r.str(i, true); !ok {
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
