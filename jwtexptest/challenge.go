package jwtexptest

import (
	"errors"
	"fmt"
	"strings"
)

// challenge is one challenge of a WWW-Authenticate field (RFC 9110 §11.6.1):
// a scheme and either a token68 or auth-params.
type challenge struct {
	scheme  string            // as sent; compare with strings.EqualFold
	token68 string            // the token68 form, if the challenge used it
	params  map[string]string // auth-params, names lower-cased, values unquoted
}

// errChallengeSyntax means a WWW-Authenticate field does not follow RFC 9110
// §11.6.1; the challenges before the error are still returned.
var errChallengeSyntax = errors.New("jwtexptest: WWW-Authenticate syntax")

// parseChallenges parses the WWW-Authenticate field lines of a response.
// The lines are combined with ", " first, as RFC 9110 §5.3 defines for a
// list-based field, so one challenge may continue on the next line.
//
// The grammar (RFC 9110 §11.2, §11.6.1, §5.6):
//
//	WWW-Authenticate = #challenge
//	challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-param = token BWS "=" BWS ( token / quoted-string )
//	token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// A comma separates both challenges and auth-params: a list element of the
// form token "=" belongs to the challenge before it, anything else starts a
// new challenge. Parameter names are case-insensitive (§11.2) and so are
// lower-cased; when one repeats in a challenge, which §11.2 forbids, the
// first is kept. On a syntax error parseChallenges returns the challenges
// completed before it and an error matching errChallengeSyntax. It never
// panics and takes time linear in the input.
func parseChallenges(lines []string) ([]challenge, error) {
	p := &challengeParser{s: strings.Join(lines, ", ")}
	return p.parse()
}

type challengeParser struct {
	s   string
	pos int
}

func (p *challengeParser) parse() ([]challenge, error) {
	var out []challenge
	for {
		p.skipListSeparators()
		if p.pos == len(p.s) {
			return out, nil
		}
		scheme := p.token()
		if scheme == "" {
			return out, p.errorf("want an auth-scheme")
		}
		c := challenge{scheme: scheme}
		// auth-scheme [ 1*SP ( token68 / #auth-param ) ]
		if p.pos == len(p.s) || p.s[p.pos] == ',' {
			out = append(out, c)
			continue
		}
		if p.s[p.pos] != ' ' {
			return out, p.errorf("want a space after the auth-scheme")
		}
		p.skipOWS()
		if t, ok := p.tryToken68(); ok {
			c.token68 = t
			out = append(out, c)
			continue
		}
		if err := p.params(&c); err != nil {
			return out, err
		}
		out = append(out, c)
	}
}

// params parses the #auth-param list of c, stopping before a list element
// that is not an auth-param (the next challenge) or at the end.
func (p *challengeParser) params(c *challenge) error {
	for {
		if p.pos == len(p.s) {
			return nil
		}
		save := p.pos
		name := p.token()
		p.skipOWS()
		if name == "" || p.pos == len(p.s) || p.s[p.pos] != '=' {
			// Not an auth-param: the start of the next challenge.
			p.pos = save
			return nil
		}
		p.pos++ // '='
		p.skipOWS()
		var value string
		if p.pos < len(p.s) && p.s[p.pos] == '"' {
			v, err := p.quotedString()
			if err != nil {
				return err
			}
			value = v
		} else if value = p.token(); value == "" {
			return p.errorf("want a token or quoted-string value for %q", name)
		}
		if c.params == nil {
			c.params = make(map[string]string)
		}
		key := strings.ToLower(name)
		if _, dup := c.params[key]; !dup {
			c.params[key] = value
		}
		p.skipOWS()
		if p.pos == len(p.s) {
			return nil
		}
		if p.s[p.pos] != ',' {
			return p.errorf("want ',' after the value of %q", name)
		}
		p.skipListSeparators()
	}
}

// tryToken68 reads a token68 if one stands alone in its list element (a
// token68 followed by OWS and then ',' or the end); otherwise it consumes
// nothing.
func (p *challengeParser) tryToken68() (string, bool) {
	i := p.pos
	for i < len(p.s) && isToken68Char(p.s[i]) {
		i++
	}
	if i == p.pos {
		return "", false
	}
	for i < len(p.s) && p.s[i] == '=' {
		i++
	}
	end := i
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t') {
		i++
	}
	if i < len(p.s) && p.s[i] != ',' {
		return "", false
	}
	t := p.s[p.pos:end]
	p.pos = i
	return t, true
}

// quotedString reads a quoted-string (RFC 9110 §5.6.4) at p.pos and returns
// its value with the quoted-pairs undone.
func (p *challengeParser) quotedString() (string, error) {
	var b strings.Builder
	for i := p.pos + 1; i < len(p.s); i++ {
		switch ch := p.s[i]; {
		case ch == '"':
			p.pos = i + 1
			return b.String(), nil
		case ch == '\\':
			i++
			if i == len(p.s) {
				return "", p.errorf("unterminated quoted-pair")
			}
			if !isQuotedPairChar(p.s[i]) {
				return "", p.errorf("byte %#02x cannot be quoted", p.s[i])
			}
			b.WriteByte(p.s[i])
		case isQdtext(ch):
			b.WriteByte(ch)
		default:
			return "", p.errorf("byte %#02x in a quoted-string", ch)
		}
	}
	return "", p.errorf("unterminated quoted-string")
}

func (p *challengeParser) token() string {
	start := p.pos
	for p.pos < len(p.s) && isTchar(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *challengeParser) skipOWS() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// skipListSeparators skips OWS and commas: RFC 9110 §5.6.1 has recipients
// accept empty list elements.
func (p *challengeParser) skipListSeparators() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == ',') {
		p.pos++
	}
}

func (p *challengeParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s at byte %d", errChallengeSyntax, fmt.Sprintf(format, args...), p.pos)
}

// isTchar reports whether ch is a tchar (RFC 9110 §5.6.2).
func isTchar(ch byte) bool {
	switch {
	case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0
}

// isToken68Char reports whether ch may appear in a token68 before its
// trailing '=' padding (RFC 9110 §11.2).
func isToken68Char(ch byte) bool {
	switch {
	case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", ch) >= 0
}

// isQdtext reports whether ch may stand unescaped in a quoted-string:
// HTAB, SP, VCHAR except '"' and '\', and obs-text (RFC 9110 §5.6.4).
func isQdtext(ch byte) bool {
	return ch == '\t' || ch == ' ' || (0x21 <= ch && ch <= 0x7e && ch != '"' && ch != '\\') || ch >= 0x80
}

// isQuotedPairChar reports whether ch may follow '\' in a quoted-pair:
// HTAB, SP, VCHAR and obs-text (RFC 9110 §5.6.4).
func isQuotedPairChar(ch byte) bool {
	return ch == '\t' || ch == ' ' || (0x21 <= ch && ch <= 0x7e) || ch >= 0x80
}

// bearer returns the first challenge with the Bearer scheme (RFC 6750 §3;
// schemes are case-insensitive, RFC 9110 §11.1).
func bearer(cs []challenge) (challenge, bool) {
	for _, c := range cs {
		if strings.EqualFold(c.scheme, "Bearer") {
			return c, true
		}
	}
	return challenge{}, false
}
