// Package jwtexptest checks how an MCP server answers missing, expired and
// malformed bearer tokens.
//
// [Check] sends an MCP endpoint the requests a client sends, without a
// token, with an expired one and with one that is not a JWT, looks for its
// protected resource metadata as clients do, and tries a browser's CORS
// requests. Each [Result] of the [Report] says what was sent, what came
// back, and the rule it keeps or breaks: RFC 6750 §3 and §3.1, RFC 9728 §3,
// §3.3 and §5, the MCP authorization spec and the Fetch standard. Use it in
// a server's own tests (see the example), or run it as `jwtexp check URL`.
//
// The token is sent only to the endpoint, never to the metadata URLs, and
// no Result shows it: at most its exp. Where a server echoes the token, or
// one of its segments, the detail shows "<the token>" or "<part of the
// token>" instead. Every response is read with bounds
// on size (1 MiB) and time (10 s per request, 2 s of it for the body once
// the headers have come, and 60 s for the whole Check), so a hostile
// endpoint cannot hang the probe or exhaust its memory.
//
// It uses only the standard library and the root package.
package jwtexptest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jwtexp/jwtexp"
)

// Options configures [Check]. The zero value is ready to use.
type Options struct {
	// Client sends every request; nil means a client with a 10 s timeout and
	// no cookie jar. Check uses a copy that never follows a redirect of a
	// request carrying a token, so the token reaches the endpoint only, and
	// bounds each request to 10 s (2 s for the body) whatever the client's
	// own timeout.
	Client *http.Client

	// Token is an expired token the server itself issued, which also tests
	// the server's own exp handling and its order against scope; "" means a
	// self-minted one (an RS256 JWT with a random signature, aud the
	// endpoint, exp an hour past). Surrounding whitespace and a pasted
	// "Bearer " prefix (RFC 6750 §2.1, the scheme in any case) are
	// dropped, as [jwtexp.BearerToken] drops them: the probe adds its own.
	// A token with no readable exp, or one that has not expired, makes
	// Check return an error.
	Token string

	// Origin is the browser origin for the CORS checks; "" means
	// "http://localhost:6274", MCP Inspector's.
	Origin string
}

// Report is the outcome of [Check]: data, for the caller to print or test.
type Report struct {
	Endpoint string   // the endpoint probed, as passed to Check
	Results  []Result // one per check, in a stable order
}

// Err is nil unless a required check failed; its text names each failed
// check's ID and detail, one per line.
func (r Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Status == Fail {
			errs = append(errs, fmt.Errorf("jwtexptest: %s: %s", res.ID, res.Detail))
		}
	}
	return errors.Join(errs...)
}

// Result is the outcome of one check.
type Result struct {
	ID     string // the check, such as "expired-401"; see docs/check.md
	Status Status
	Detail string // what was sent, what came back, and the rule it breaks
}

// Status is the verdict of one check.
type Status string

// The statuses of a [Result]. Only required checks fail; advisory ones
// warn instead.
const (
	Pass Status = "pass" // the rule is kept
	Fail Status = "fail" // a required rule is broken: Report.Err is non-nil
	Warn Status = "warn" // an advisory rule is broken
	Skip Status = "skip" // a precondition failed; the detail says which
)

// Check probes the MCP endpoint, an absolute http(s) URL, and returns one
// [Result] per check: no-token-401, prm-discovery, prm-valid, expired-401,
// expired-invalid-token, expired-every-method, malformed-401,
// no-token-no-error, challenge-resource-metadata, cors-preflight and
// cors-expose, in that order (docs/check.md says what each sends and
// why). The first seven are required: a [Fail] among them makes
// [Report.Err] non-nil. The last four are advisory: they [Warn], never
// fail. A check whose precondition failed is [Skip].
//
// Check returns an error and no report when it cannot probe: the endpoint
// is not an absolute http(s) URL, the server cannot be reached, ctx ends
// before the checks do, or opts.Token has no exp that
// [jwtexp.UnverifiedExp] can read or has not expired yet. It sends 22 to 24
// requests, one at a time, and is safe for concurrent use.
//
// Check takes at most 60 s, whatever the server does. Each request gets
// 10 s; when one of expired-every-method's requests gets no response in
// that time, the rest of them are not sent; and once the 60 s are spent,
// the request in flight is stopped and no other is sent. Each check whose
// requests were stopped or not sent says so in its detail: a required one
// fails, an advisory one warns.
func Check(ctx context.Context, endpoint string, opts Options) (Report, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Report{}, fmt.Errorf("jwtexptest: endpoint %q is not an absolute http(s) URL", endpoint)
	}
	// The budget bounds the whole run, on top of each request's own bound;
	// the requests it stops report it, and Check still returns a report.
	budget, cancel := context.WithTimeoutCause(ctx, checkBudget, fmt.Errorf("the probe's %v budget ran out", checkBudget))
	defer cancel()
	p := &probe{ctx: budget, follow: context.WithValue(budget, followKey{}, true), u: u, endpoint: endpoint, origin: opts.Origin}
	if p.origin == "" {
		p.origin = defaultOrigin
	}
	client := opts.Client
	if client == nil {
		client = defaultClient()
	}
	p.client = noTokenRedirects(client)

	now := time.Now()
	if opts.Token == "" {
		if p.token, p.exp, err = mintExpired(endpoint, now); err != nil {
			return Report{}, fmt.Errorf("jwtexptest: minting a token: %w", err)
		}
		p.tokenDesc = fmt.Sprintf("a self-minted RS256 token (exp %s)", p.exp.UTC().Format(time.RFC3339))
	} else {
		p.token, p.supplied = suppliedToken(opts.Token), true
		if p.exp, err = jwtexp.UnverifiedExp(p.token); err != nil {
			return Report{}, fmt.Errorf("jwtexptest: Options.Token has no readable exp: %w", err)
		}
		if !jwtexp.ExpiredAt(p.token, now, 0) {
			return Report{}, fmt.Errorf("jwtexptest: Options.Token has not expired yet: exp %s is %s from now", p.exp.UTC().Format(time.RFC3339), p.exp.Sub(now).Round(time.Second))
		}
		p.tokenDesc = fmt.Sprintf("the supplied token (exp %s)", p.exp.UTC().Format(time.RFC3339))
	}
	p.expiredAgo = now.Sub(p.exp)

	p.noToken = p.post(initialize2025, "", "")
	if p.noToken.err != nil {
		if ctx.Err() != nil {
			return Report{}, fmt.Errorf("jwtexptest: %w", ctx.Err())
		}
		return Report{}, fmt.Errorf("jwtexptest: cannot reach %s: %w", endpoint, p.noToken.err)
	}
	p.expired = p.post(initialize2025, p.token, "")

	results := make([]Result, 0, len(checks))
	redact := redactor(p.token)
	for _, c := range checks {
		r := c.run(p)
		r.ID = c.id
		r.Detail = redact.Replace(r.Detail)
		results = append(results, r)
	}
	if ctx.Err() != nil {
		return Report{}, fmt.Errorf("jwtexptest: %w", ctx.Err())
	}
	return Report{Endpoint: endpoint, Results: results}, nil
}

// probe is the state of one Check: the requests every check shares are
// sent once, first.
type probe struct {
	ctx      context.Context // Check's ctx, bounded by checkBudget
	follow   context.Context // ctx, marked for requests whose redirects may be followed
	client   *http.Client
	u        *url.URL
	endpoint string
	origin   string

	token      string
	tokenDesc  string // how details name the token: never the token itself
	exp        time.Time
	expiredAgo time.Duration
	supplied   bool // Options.Token, not self-minted

	noToken response // initialize without Authorization
	expired response // initialize with the expired token

	prm []prmOutcome // discovered on first use
}

// suppliedToken is Options.Token without surrounding whitespace or a
// pasted Bearer scheme. Left in, the scheme would be sent as "Bearer
// Bearer eyJ…", which [jwtexp.UnverifiedExp] still reads (it skips the
// header segment) but a server does not: the probe would judge its answer
// to a malformed token, and could pass a server whose answer to the token
// itself is wrong.
func suppliedToken(s string) string {
	if tok, ok := jwtexp.BearerToken(s); ok {
		return tok
	}
	return strings.TrimSpace(s)
}

// minRedactedSegment is the length from which a segment of the token is
// redacted on its own: 16 base64url characters carry 96 bits, which no
// text in a detail repeats by chance, while a shorter segment (such as a
// test token's) could match ordinary words.
const minRedactedSegment = 16

// redactor replaces token, and each of its dot-separated segments of at
// least minRedactedSegment characters, with a placeholder. Every detail
// goes through it as Check collects the results: a server may echo the
// token, or its payload or signature alone, in a WWW-Authenticate
// error_description, a body or a Location, and details print those as
// they came. %q leaves base64url and dots as they are, so the token shows
// verbatim wherever it was echoed; snippet never cuts a body inside it.
func redactor(token string) *strings.Replacer {
	// The whole token comes first: at a given position, strings.Replacer
	// tries the pairs in argument order.
	pairs := []string{token, "<the token>"}
	for _, seg := range strings.Split(token, ".") {
		if len(seg) >= minRedactedSegment {
			pairs = append(pairs, seg, "<part of the token>")
		}
	}
	return strings.NewReplacer(pairs...)
}

// post sends r to the endpoint with token (none if "") and an Origin (none
// if "").
func (p *probe) post(r mcpRequest, token, origin string) response {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, p.endpoint, strings.NewReader(string(r.body())))
	if err != nil {
		return response{err: err}
	}
	r.setHeaders(req.Header)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	r2 := do(p.ctx, p.client, req)
	r2.token = token != ""
	return r2
}
