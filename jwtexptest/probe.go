package jwtexptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// maxBody bounds what is read of each response body: PRM documents and
	// JSON-RPC errors are a few KiB.
	maxBody = 1 << 20

	// defaultOrigin is the origin of MCP Inspector, the browser client
	// most server authors try first.
	defaultOrigin = "http://localhost:6274"
)

// requestTimeout bounds each request, headers and body, whatever the
// client, and bodyTimeout the body once the headers have come: the bodies
// the checks read are a few KiB, so a body that trickles costs 2 s, not 10.
// checkBudget bounds a whole Check: the 24 requests of a server that
// answers none but the first would otherwise cost 4 minutes. Tests lower
// them.
var (
	requestTimeout = 10 * time.Second
	bodyTimeout    = 2 * time.Second
	checkBudget    = 60 * time.Second
)

// defaultClient is the client of a nil Options.Client: a timeout, no
// cookie jar.
func defaultClient() *http.Client { return &http.Client{Timeout: requestTimeout} }

// followKey marks the context of a request whose redirects may be followed.
type followKey struct{}

// noTokenRedirects returns a copy of c that follows redirects only for
// requests marked with followKey: those carry no token. A request that
// carries the token stops at the redirect, which the probe then reports,
// so the token never reaches a URL other than the endpoint.
func noTokenRedirects(c *http.Client) *http.Client {
	cc := *c
	next := c.CheckRedirect
	cc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.Context().Value(followKey{}) == nil {
			return http.ErrUseLastResponse
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}

// response is what one request got: a status and headers, or err.
type response struct {
	status   int
	header   http.Header
	body     []byte
	bodyErr  error // reading the body failed, or it was over maxBody
	err      error // no response at all
	timedOut bool  // err: no response within requestTimeout
	token    bool  // the request carried the token
}

// notSent is the response of a request that was not sent, and why.
func notSent(why error) response { return response{err: fmt.Errorf("not sent: %w", why)} }

// do sends req with its own deadlines and reads at most maxBody bytes of
// the body. Once ctx has ended (Check's budget spent), it sends nothing.
func do(ctx context.Context, c *http.Client, req *http.Request) response {
	if ctx.Err() != nil {
		return notSent(context.Cause(ctx))
	}
	timedOut := fmt.Errorf("timed out after %v", requestTimeout)
	ctx, cancel := context.WithTimeoutCause(ctx, requestTimeout, timedOut)
	defer cancel()
	ctx, cancelBody := context.WithCancelCause(ctx)
	defer cancelBody(nil)
	res, err := c.Do(req.WithContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			// Say which bound stopped it: this request's, Check's budget,
			// or the caller's ctx.
			err = context.Cause(ctx)
		}
		return response{err: err, timedOut: err == timedOut}
	}
	defer res.Body.Close()
	slow := fmt.Errorf("body still coming after %v, not read further", bodyTimeout)
	stop := time.AfterFunc(bodyTimeout, func() { cancelBody(slow) })
	defer stop.Stop()
	r := response{status: res.StatusCode, header: res.Header}
	r.body, r.bodyErr = io.ReadAll(io.LimitReader(res.Body, maxBody+1))
	switch {
	case len(r.body) > maxBody:
		r.body = r.body[:maxBody]
		r.bodyErr = errors.New("body over 1 MiB, not read further")
	case r.bodyErr != nil && context.Cause(ctx) == slow:
		r.bodyErr = slow
	}
	return r
}

// String describes r for a detail: the status, the headers that matter to
// the checks, and the start of the body.
func (r response) String() string {
	if r.err != nil {
		return "no response (" + r.err.Error() + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d", r.status)
	if loc := r.header.Get("Location"); loc != "" && r.status >= 300 && r.status < 400 {
		if r.token {
			fmt.Fprintf(&b, " redirecting to %q, not followed: the token goes to the endpoint only", loc)
		} else {
			fmt.Fprintf(&b, " redirecting to %q, not followed: the probe judges the endpoint's own answer", loc)
		}
	}
	if ww := r.header.Values("WWW-Authenticate"); len(ww) > 0 {
		fmt.Fprintf(&b, ` with WWW-Authenticate %s`, quoteAll(ww))
	} else if r.status == http.StatusUnauthorized {
		b.WriteString(" without WWW-Authenticate")
	}
	if s := snippet(r.body); s != "" {
		fmt.Fprintf(&b, ", body %s", s)
	}
	if r.bodyErr != nil {
		fmt.Fprintf(&b, " (%v)", r.bodyErr)
	}
	return b.String()
}

// quoteAll quotes each field line, so that odd bytes show.
func quoteAll(lines []string) string {
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = fmt.Sprintf("%q", l)
	}
	return strings.Join(q, ", ")
}

// snippet is the start of a body, quoted, at most 200 bytes. It never
// cuts inside a run of base64url characters and dots: a token echoed
// across the cut would leave a fragment that Check's redaction, which
// looks for whole segments, could not recognize.
func snippet(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return ""
	}
	const max = 200
	if len(body) <= max {
		return fmt.Sprintf("%q", body)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	if tokenByte(body[cut]) {
		for cut > 0 && tokenByte(body[cut-1]) {
			cut--
		}
	}
	return fmt.Sprintf("%q…", body[:cut])
}

// tokenByte reports whether c may occur in a JWT: base64url (RFC 4648 §5)
// or the dot between segments (RFC 7515 §7.1).
func tokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}
