package jwtexp

import (
	"fmt"
	"net/url"
	"strings"
)

// Challenge is one Bearer challenge of a WWW-Authenticate header (RFC 6750
// §3). Each non-empty field is one parameter; the zero value is "Bearer".
// [WithChallenge] returns one; a handler of your own writes one with
// [Challenge.String]. It is a plain value, safe to copy and share.
type Challenge struct {
	Realm string // the protection space (RFC 9110 §11.5), sent first
	Scope string // the space-delimited scopes the resource needs

	// ResourceMetadata is the URL of the protected resource metadata
	// (RFC 9728 §5.1), from which MCP clients find the authorization server.
	ResourceMetadata string

	// Error is an RFC 6750 §3.1 error code such as "invalid_token"; leave it
	// empty when the request carried no credentials.
	Error string

	ErrorDescription string // text for developers (RFC 6750 §3)
}

// String returns c as a WWW-Authenticate field value: "Bearer", then the
// non-empty parameters in the order realm, error, error_description,
// resource_metadata, scope, each a quoted-string (RFC 9110 §5.6.4) with `"`
// and `\` escaped. Control characters, which a quoted-string cannot carry,
// become spaces, so the result is always one valid line; bytes from 0x80
// pass as obs-text.
func (c Challenge) String() string {
	params := [...]struct{ name, value string }{
		{"realm", c.Realm},
		{"error", c.Error},
		{"error_description", c.ErrorDescription},
		{"resource_metadata", c.ResourceMetadata},
		{"scope", c.Scope},
	}
	n := len("Bearer")
	for _, p := range params {
		if p.value != "" {
			n += len(", ") + len(p.name) + len(`=""`) + len(p.value) + strings.Count(p.value, `"`) + strings.Count(p.value, `\`)
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString("Bearer")
	sep := " "
	for _, p := range params {
		if p.value == "" {
			continue
		}
		b.WriteString(sep)
		sep = ", "
		b.WriteString(p.name)
		b.WriteString(`="`)
		for i := 0; i < len(p.value); i++ {
			switch ch := p.value[i]; {
			case ch == '"' || ch == '\\':
				b.WriteByte('\\')
				b.WriteByte(ch)
			case isCTL(ch):
				b.WriteByte(' ')
			default:
				b.WriteByte(ch)
			}
		}
		b.WriteByte('"')
	}
	return b.String()
}

// isCTL reports whether ch is an ASCII control character (RFC 5234 CTL),
// which no header field value may carry except HTAB; HTAB is treated as a
// control character too, so that every value stays on one visible line.
func isCTL(ch byte) bool { return ch < 0x20 || ch == 0x7f }

// checkParamValue returns an error when v cannot be sent verbatim inside a
// quoted-string parameter of a challenge: it rejects control characters
// (including HTAB and DEL). `"` and `\` are fine, since [Challenge.String]
// escapes them.
func checkParamValue(option, v string) error {
	for i := 0; i < len(v); i++ {
		if isCTL(v[i]) {
			return fmt.Errorf("jwtexp: %s: control character %#02x at byte %d cannot be sent in a WWW-Authenticate header", option, v[i], i)
		}
	}
	return nil
}

// checkResourceMetadata returns an error unless v is an absolute http or
// https URL with a host, written with RFC 3986 characters only, without
// userinfo and without a fragment: an MCP client fetches it to discover the
// authorization server (RFC 9728 §5.1), so a relative, opaque or unparsable
// URL would break the re-authorization the 401 is meant to start. Userinfo
// is refused because RFC 9110 §4.2.4 forbids a sender to generate it in an
// http(s) URI (and it would publish a credential in every 401); a fragment,
// because the metadata URL is derived from a resource identifier, which RFC
// 9728 §1.2 defines as having none, and a fetch never sends it.
func checkResourceMetadata(v string) error {
	const option = "WithResourceMetadata"
	if v == "" {
		return fmt.Errorf("jwtexp: %s: empty URL; leave the option out to send no resource_metadata", option)
	}
	for i := 0; i < len(v); i++ {
		if !isURIChar(v[i]) {
			return fmt.Errorf("jwtexp: %s: %q: byte %#02x at %d is not allowed in a URL (RFC 3986)", option, v, v[i], i)
		}
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("jwtexp: %s: %v", option, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("jwtexp: %s: %q is not an absolute http or https URL", option, v)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("jwtexp: %s: %q has no host", option, v)
	}
	if u.User != nil {
		return fmt.Errorf("jwtexp: %s: %q has userinfo, which RFC 9110 §4.2.4 forbids in an http(s) URI", option, v)
	}
	// url.Parse drops an empty fragment ("…/m#"), so look for the delimiter
	// itself; RFC 3986 allows '#' nowhere else.
	if strings.IndexByte(v, '#') >= 0 {
		return fmt.Errorf("jwtexp: %s: %q has a fragment; RFC 9728 §1.2 resource identifiers have none", option, v)
	}
	return nil
}

// isURIChar reports whether ch may appear in an RFC 3986 URI: unreserved,
// reserved, or the '%' of a pct-encoding.
func isURIChar(ch byte) bool {
	switch {
	case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", ch) >= 0
}
