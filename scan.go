package jwtexp

// The scanner validates the decoded payload exactly as encoding/json's Valid
// does (RFC 8259 grammar, nesting at most 10 000 deep, invalid UTF-8 inside
// strings allowed) while it looks for the top-level exp member. It is a
// state machine fed one chunk at a time, so neither the payload's size nor
// its nesting costs heap memory or recursion; each state that can span many
// bytes (strings, digits, whitespace) has a tight loop of its own.

// maxDepth is encoding/json's maxNestingDepth: a payload nested deeper is
// invalid JSON to json.Valid, and so ErrMalformed here.
const maxDepth = 10000

type scanState uint8

const (
	stStart      scanState = iota // before the payload's first byte, which must be '{'
	stKeyOrEnd                    // after '{'
	stKey                         // after ',' in an object
	stColon                       // after a key
	stValueOrEnd                  // after '['
	stValue                       // after ':', or ',' in an array
	stAfterValue                  // after a member's or element's value
	stEnd                         // after the closing '}': only whitespace may follow
	stString                      // inside a string
	stEscape                      // after '\' in a string
	stUnicode                     // inside the hex digits of \uXXXX
	stLiteral                     // inside true, false or null
	stMinus                       // after a number's '-'
	stZero                        // after a number's leading 0
	stInt                         // in a number's integer digits
	stDot                         // after a number's '.'
	stFrac                        // in a number's fraction digits
	stE                           // after a number's 'e' or 'E'
	stESign                       // after the exponent's sign
	stExpDigits                   // in a number's exponent digits
)

type scanner struct {
	state scanState
	depth int
	// arrays has bit d set when the container at depth d is an array rather
	// than an object: 1.25 KiB that bound the nesting without the heap.
	arrays [maxDepth/64 + 1]uint64

	key   bool   // the string being scanned is an object key
	match int    // how many bytes of "exp" a top-level key matched so far, or -1
	hex   uint16 // the code unit of a \uXXXX escape so far
	nhex  int    // how many of its hex digits were seen
	lit   string // what is still to come of true, false or null

	inExp  bool // the value being scanned is the top-level exp
	sawExp bool
	exp    decimal
}

// stringByte[c] is true for the bytes a string may hold as they are:
// RFC 8259 §7 excludes '"', '\' and the control characters below 0x20.
// Bytes from 0x80 up pass whether or not they form valid UTF-8, as in
// json.Valid.
var stringByte = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// feed scans the next chunk of the payload. It returns ErrNotJWT if the
// payload does not start with '{', and ErrMalformed as soon as the bytes
// cannot be valid JSON or the exp member cannot be a valid NumericDate.
func (s *scanner) feed(b []byte) error {
	for i := 0; i < len(b); {
		switch s.state {
		case stString:
			j := i
			for j < len(b) && stringByte[b[j]] {
				j++
			}
			if s.match >= 0 {
				s.matchKey(b[i:j])
			}
			if j == len(b) {
				return nil
			}
			i = j + 1
			switch b[j] {
			case '"':
				if err := s.endString(); err != nil {
					return err
				}
			case '\\':
				s.state = stEscape
			default:
				return ErrMalformed // a raw control character
			}
		case stEscape:
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.match = -1 // none of these unescapes to a letter of "exp"
				s.state = stString
			case 'u':
				s.hex, s.nhex = 0, 0
				s.state = stUnicode
			default:
				return ErrMalformed
			}
			i++
		case stUnicode:
			v, ok := hexValue(b[i])
			if !ok {
				return ErrMalformed
			}
			s.hex = s.hex<<4 | uint16(v)
			if s.nhex++; s.nhex == 4 {
				// A key is compared after unescaping, so "\u0065xp" is exp.
				if s.match >= 0 {
					if s.hex < 0x80 {
						s.matchByte(byte(s.hex))
					} else {
						s.match = -1
					}
				}
				s.state = stString
			}
			i++
		case stLiteral:
			if b[i] != s.lit[0] {
				return ErrMalformed
			}
			if s.lit = s.lit[1:]; s.lit == "" {
				s.state = stAfterValue
			}
			i++
		case stMinus, stZero, stInt, stDot, stFrac, stE, stESign, stExpDigits:
			var err error
			if i, err = s.number(b, i); err != nil {
				return err
			}
		default:
			c := b[i]
			i++
			if isSpace(c) {
				continue
			}
			if err := s.structural(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish reports whether the payload, now seen in full, was one complete
// JSON object.
func (s *scanner) finish() error {
	switch s.state {
	case stEnd:
		return nil
	case stStart:
		return ErrNotJWT // empty or only whitespace: no '{' to call it a JWT
	default:
		return ErrMalformed // truncated
	}
}

// structural handles a non-whitespace byte between tokens.
func (s *scanner) structural(c byte) error {
	switch s.state {
	case stStart:
		// RFC 7519 §7.2 step 10: the claims are a JSON object. Anything
		// else, such as a JWS over arbitrary bytes, is not a JWT.
		if c != '{' {
			return ErrNotJWT
		}
		return s.push(false)
	case stKeyOrEnd:
		if c == '}' {
			s.pop()
			return nil
		}
		fallthrough
	case stKey:
		if c != '"' {
			return ErrMalformed
		}
		s.beginString(true)
	case stColon:
		if c != ':' {
			return ErrMalformed
		}
		s.state = stValue
	case stValueOrEnd:
		if c == ']' {
			s.pop()
			return nil
		}
		return s.value(c)
	case stValue:
		return s.value(c)
	case stAfterValue:
		inArray := s.arrays[s.depth/64]&(1<<(s.depth%64)) != 0
		switch {
		case c == ',' && inArray:
			s.state = stValue
		case c == ',':
			s.state = stKey
		case c == ']' && inArray, c == '}' && !inArray:
			s.pop()
		default:
			return ErrMalformed
		}
	default: // stEnd
		return ErrMalformed
	}
	return nil
}

// value handles the first byte of a value.
func (s *scanner) value(c byte) error {
	// RFC 7519 §2: a NumericDate is a JSON number, never a string of one.
	if s.inExp && c != '-' && !isDigit(c) {
		return ErrMalformed
	}
	switch {
	case c == '{':
		return s.push(false)
	case c == '[':
		return s.push(true)
	case c == '"':
		s.beginString(false)
	case c == '-':
		if s.inExp {
			s.exp.neg = true
		}
		s.state = stMinus
	case c == '0':
		s.digit(c, false)
		s.state = stZero
	case isDigit(c):
		s.digit(c, false)
		s.state = stInt
	case c == 't':
		s.lit, s.state = "rue", stLiteral
	case c == 'f':
		s.lit, s.state = "alse", stLiteral
	case c == 'n':
		s.lit, s.state = "ull", stLiteral
	default:
		return ErrMalformed
	}
	return nil
}

func (s *scanner) push(array bool) error {
	if s.depth == maxDepth {
		return ErrMalformed
	}
	s.depth++
	word, bit := s.depth/64, uint(s.depth%64)
	if array {
		s.arrays[word] |= 1 << bit
		s.state = stValueOrEnd
	} else {
		s.arrays[word] &^= 1 << bit
		s.state = stKeyOrEnd
	}
	return nil
}

func (s *scanner) pop() {
	s.depth--
	if s.depth == 0 {
		s.state = stEnd
	} else {
		s.state = stAfterValue
	}
}

func (s *scanner) beginString(key bool) {
	s.key = key
	s.match = -1
	if key && s.depth == 1 {
		s.match = 0 // only top-level members count
	}
	s.state = stString
}

func (s *scanner) endString() error {
	if !s.key {
		s.state = stAfterValue
		return nil
	}
	s.state = stColon
	if s.match == len("exp") {
		// RFC 7519 §4 lets a parser reject duplicate claim names or take
		// the last; parsers disagree, so an attacker could show the real
		// verifier another exp than this one. Rejecting is the one safe
		// choice.
		if s.sawExp {
			return ErrMalformed
		}
		s.sawExp, s.inExp = true, true
	}
	return nil
}

// matchKey compares the next unescaped bytes of a top-level key with
// "exp", case-sensitively as RFC 7519 §4 requires.
func (s *scanner) matchKey(b []byte) {
	for _, c := range b {
		if s.matchByte(c); s.match < 0 {
			return
		}
	}
}

func (s *scanner) matchByte(c byte) {
	if s.match < len("exp") && c == "exp"[s.match] {
		s.match++
	} else {
		s.match = -1
	}
}

// number scans a number from b[i], in whatever state it was left at the
// end of the previous chunk, and returns the index of the first byte after
// it. Digits of the top-level exp go to s.exp.
func (s *scanner) number(b []byte, i int) (int, error) {
	for i < len(b) {
		c := b[i]
		switch s.state {
		case stMinus:
			if !isDigit(c) {
				return i, ErrMalformed
			}
			s.digit(c, false)
			s.state = stInt
			if c == '0' {
				s.state = stZero
			}
		case stInt, stFrac, stExpDigits:
			if isDigit(c) {
				if s.state == stExpDigits {
					s.exponentDigit(c)
				} else {
					s.digit(c, s.state == stFrac)
				}
				break
			}
			if c == '.' && s.state == stInt {
				s.state = stDot
				break
			}
			fallthrough
		case stZero:
			switch {
			case c == '.' && s.state == stZero:
				s.state = stDot
			case (c == 'e' || c == 'E') && s.state != stExpDigits:
				s.state = stE
			default:
				s.inExp = false
				s.state = stAfterValue
				return i, nil // c belongs to what follows
			}
		case stDot:
			if !isDigit(c) {
				return i, ErrMalformed
			}
			s.digit(c, true)
			s.state = stFrac
		case stE:
			if c == '+' || c == '-' {
				if s.inExp && c == '-' {
					s.exp.expNeg = true
				}
				s.state = stESign
				break
			}
			fallthrough
		case stESign:
			if !isDigit(c) {
				return i, ErrMalformed
			}
			s.state = stExpDigits
			s.exponentDigit(c)
		}
		i++
	}
	return i, nil
}

// digit and exponentDigit record a digit of the top-level exp's
// significand and exponent; other numbers are only validated.
func (s *scanner) digit(c byte, frac bool) {
	if s.inExp {
		s.exp.digit(c-'0', frac)
	}
}

func (s *scanner) exponentDigit(c byte) {
	if s.inExp {
		s.exp.exponentDigit(c - '0')
	}
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
