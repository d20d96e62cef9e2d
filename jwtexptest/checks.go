package jwtexptest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// checks are the checks of [Check], in the order of the Report. Each says
// what it sends, what it expects and which rule decides.
var checks = []struct {
	id  string
	run func(*probe) Result
}{
	// Required: a fail makes Report.Err non-nil.
	{"no-token-401", (*probe).noToken401},
	{"prm-discovery", (*probe).prmDiscovery},
	{"prm-valid", (*probe).prmValid},
	{"expired-401", (*probe).expired401},
	{"expired-invalid-token", (*probe).expiredInvalidToken},
	{"expired-every-method", (*probe).expiredEveryMethod},
	{"malformed-401", (*probe).malformed401},
	// Advisory: these warn, never fail.
	{"no-token-no-error", (*probe).noTokenNoError},
	{"challenge-resource-metadata", (*probe).challengeResourceMetadata},
	{"cors-preflight", (*probe).corsPreflight},
	{"cors-expose", (*probe).corsExpose},
}

func pass(format string, args ...any) Result {
	return Result{Status: Pass, Detail: fmt.Sprintf(format, args...)}
}
func fail(format string, args ...any) Result {
	return Result{Status: Fail, Detail: fmt.Sprintf(format, args...)}
}
func warn(format string, args ...any) Result {
	return Result{Status: Warn, Detail: fmt.Sprintf(format, args...)}
}
func skip(format string, args ...any) Result {
	return Result{Status: Skip, Detail: fmt.Sprintf(format, args...)}
}

// noToken401: POST initialize without Authorization gets 401, which is how
// an MCP client learns that it must authorize (MCP authorization spec,
// Authorization Flow Steps; RFC 6750 §3).
func (p *probe) noToken401() Result {
	const sent = "POST initialize without Authorization"
	if p.noToken.status == http.StatusUnauthorized {
		return pass("%s got 401", sent)
	}
	return fail("%s got %s; the MCP authorization spec wants 401, which starts the client's authorization (RFC 6750 §3)", sent, p.noToken)
}

// prmDiscovery: protected resource metadata is at one of the URLs MCP
// clients try: the 401's resource_metadata, then the path-inserted and the
// root well-known URIs (RFC 9728 §3.1, §5.1; MCP authorization spec,
// Protected Resource Metadata Discovery Requirements). GETs carry no token.
func (p *probe) prmDiscovery() Result {
	outs := p.prmOutcomes()
	for _, o := range outs {
		if o.found {
			return pass("GET without a token found it: %s", joinOutcomes(outs))
		}
	}
	return fail("no protected resource metadata where MCP clients look (RFC 9728 §3.1, §5.1; MCP authorization spec): %s", joinOutcomes(outs))
}

// prmValid: a document found is one clients will use: JSON, a resource
// equal to the endpoint (for the challenge's URL and the path-inserted URI)
// or to its origin (for the root URI), as RFC 9728 §3.3 requires and
// go-sdk's client enforces, and authorization servers to go to.
func (p *probe) prmValid() Result {
	outs := p.prmOutcomes()
	found := false
	for i, o := range outs {
		if o.usable {
			r := pass("clients will use %s", o)
			if i > 0 {
				r.Detail += "; before it: " + joinOutcomes(outs[:i])
			}
			return r
		}
		found = found || o.found
	}
	if !found {
		return skip("no protected resource metadata was found (prm-discovery)")
	}
	return fail("no document that MCP clients will use (RFC 9728 §3.3; go-sdk's client): %s", joinOutcomes(outs))
}

func (p *probe) prmOutcomes() []prmOutcome {
	if p.prm == nil {
		p.prm = p.discoverPRM()
	}
	return p.prm
}

func joinOutcomes(outs []prmOutcome) string {
	s := make([]string, len(outs))
	for i, o := range outs {
		s[i] = o.String()
	}
	return strings.Join(s, "; ")
}

// expired401: POST initialize with the expired token gets 401: an MCP
// client re-authorizes only on a transport-level 401 (MCP authorization
// spec, Token Handling; RFC 6750 §3.1 invalid_token). A 200 carrying a
// JSON-RPC error, a 403 (insufficient_scope, for a valid token) or a 5xx
// leaves the client with a dead session.
func (p *probe) expired401() Result {
	sent := "POST initialize with " + p.tokenDesc
	r := p.expired
	if r.status == http.StatusUnauthorized {
		return pass("%s got 401", sent)
	}
	var why string
	switch {
	case r.status == http.StatusForbidden:
		why = "403 means a valid token lacks scope (RFC 6750 §3.1 insufficient_scope); an expired token is invalid_token, 401: check exp before scope"
	case r.status >= 200 && r.status < 300:
		why = "a 2xx (even with a JSON-RPC error) is not a transport-level 401, so MCP clients never re-authorize (MCP authorization spec; RFC 6750 §3.1)"
	default:
		why = "an expired token is invalid_token, which RFC 6750 §3.1 answers with 401"
	}
	res := fail("%s got %s; %s", sent, r, why)
	if p.supplied && p.expiredAgo < 5*time.Minute {
		res.Detail += fmt.Sprintf("; the token expired only %s ago, and servers may allow clock skew past exp (RFC 7519 §4.1.4; go-sdk's ClockSkew): check again once the server's leeway has passed (jwtexp check: -wait, with a -skew above that leeway)", p.expiredAgo.Round(time.Second))
	}
	return res
}

// expiredInvalidToken: that 401 carries a Bearer challenge with
// error="invalid_token" (RFC 6750 §3, §3.1), which MCP clients read as
// "authorize again".
func (p *probe) expiredInvalidToken() Result {
	if p.expired.status != http.StatusUnauthorized {
		return skip("the expired token got no 401 (expired-401)")
	}
	ww := p.expired.header.Values("WWW-Authenticate")
	if len(ww) == 0 {
		return fail("the expired token's 401 has no WWW-Authenticate; RFC 9110 §15.5.2 requires one, and RFC 6750 §3.1 a Bearer challenge with error=\"invalid_token\"")
	}
	cs, err := parseChallenges(ww)
	b, ok := bearer(cs)
	switch {
	case ok && b.params["error"] == "invalid_token":
		return pass("the 401 carries WWW-Authenticate %s", quoteAll(ww))
	case ok && b.params["error"] != "":
		return fail("the 401 carries WWW-Authenticate %s: error %q, but an expired token is \"invalid_token\" (RFC 6750 §3.1)", quoteAll(ww), b.params["error"])
	case ok:
		return fail("the 401 carries WWW-Authenticate %s, a Bearer challenge without error=\"invalid_token\" (RFC 6750 §3.1), so clients cannot tell an expired token from a missing one", quoteAll(ww))
	case err != nil:
		return fail("the 401 carries WWW-Authenticate %s, which has no Bearer challenge before a syntax error (%v); RFC 6750 §3.1 wants error=\"invalid_token\"", quoteAll(ww), err)
	}
	return fail("the 401 carries WWW-Authenticate %s, with no Bearer challenge (RFC 6750 §3)", quoteAll(ww))
}

// expiredEveryMethod: the expired token gets 401 whatever the method and
// protocol version, notifications included: a server must judge the token
// before the JSON-RPC message (MCP authorization spec: authorization is
// required on every request).
func (p *probe) expiredEveryMethod() Result {
	// The requests that got the same answer are named together, so that a
	// server answering all alike gets one description, not sixteen.
	var answers []string            // each distinct answer other than 401, in order
	labels := map[string][]string{} // answer -> the requests that got it
	bad := 0
	var stopped error // why the rest are not sent
	for _, m := range everyMethod {
		var r response
		if stopped != nil {
			r = notSent(stopped)
		} else {
			r = p.post(m, p.token, "")
		}
		if r.timedOut {
			// A server that hangs on the token would cost 16 timeouts.
			stopped = fmt.Errorf("%s had timed out", m.label())
		}
		if r.status != http.StatusUnauthorized {
			a := r.String()
			if labels[a] == nil {
				answers = append(answers, a)
			}
			labels[a] = append(labels[a], m.label())
			bad++
		}
	}
	if bad == 0 {
		return pass("%d requests with %s (%s) all got 401", len(everyMethod), p.tokenDesc, methodList())
	}
	got := make([]string, len(answers))
	for i, a := range answers {
		got[i] = fmt.Sprintf("%s got %s", strings.Join(labels[a], ", "), a)
	}
	return fail("%d of %d requests with %s did not get 401, as MCP authorization requires on every request: %s", bad, len(everyMethod), p.tokenDesc, strings.Join(got, "; "))
}

// methodList names what expired-every-method sends.
func methodList() string {
	var ms []string
	for _, m := range everyMethod {
		if m.version == mcp20251125 {
			ms = append(ms, m.method)
		}
	}
	return strings.Join(ms, ", ") + " as " + mcp20251125 + "; the same with notifications/cancelled as " + mcp20260728
}

// malformedToken is not a JWT: one segment, no dots. A server that lets
// unreadable tokens through to a handler would run it unauthenticated.
const malformedToken = "jwtexp-check-not-a-jwt"

// malformed401: a bearer token that is not a JWT gets 401 (RFC 6750 §3.1
// invalid_token: "malformed").
func (p *probe) malformed401() Result {
	r := p.post(initialize2025, malformedToken, "")
	const sent = "POST initialize with the bearer token " + malformedToken
	if r.status == http.StatusUnauthorized {
		return pass("%s got 401", sent)
	}
	return fail("%s got %s; a malformed token is invalid_token, 401 (RFC 6750 §3.1)", sent, r)
}

// noTokenNoError: the no-token challenge has no error code: RFC 6750 §3.1
// says a request without authentication information should get none.
func (p *probe) noTokenNoError() Result {
	if p.noToken.status != http.StatusUnauthorized {
		return skip("the request without a token got no 401 (no-token-401)")
	}
	ww := p.noToken.header.Values("WWW-Authenticate")
	cs, _ := parseChallenges(ww)
	b, ok := bearer(cs)
	switch {
	case len(ww) == 0:
		return warn("the no-token 401 carries no WWW-Authenticate; RFC 6750 §3 and RFC 9110 §15.5.2 want a Bearer challenge")
	case !ok:
		return warn("the no-token 401 carries no Bearer challenge (WWW-Authenticate %s); RFC 6750 §3 and RFC 9110 §15.5.2 want one", quoteAll(ww))
	case b.params["error"] != "":
		return warn("the no-token 401 carries error %q (WWW-Authenticate %s); RFC 6750 §3.1: a request without credentials should get no error code", b.params["error"], quoteAll(ww))
	}
	return pass("the no-token 401 carries WWW-Authenticate %s", quoteAll(ww))
}

// challengeResourceMetadata: the no-token 401 names resource_metadata (RFC
// 9728 §5.1), which the MCP authorization spec has clients try first;
// well-known discovery alone works but costs extra requests.
func (p *probe) challengeResourceMetadata() Result {
	if p.noToken.status != http.StatusUnauthorized {
		return skip("the request without a token got no 401 (no-token-401)")
	}
	cs, _ := parseChallenges(p.noToken.header.Values("WWW-Authenticate"))
	if b, ok := bearer(cs); ok && b.params["resource_metadata"] != "" {
		return pass("the no-token 401 names resource_metadata %q", b.params["resource_metadata"])
	}
	return warn("the no-token 401 names no resource_metadata (RFC 9728 §5.1); clients fall back to the well-known URIs, at the cost of extra requests")
}
