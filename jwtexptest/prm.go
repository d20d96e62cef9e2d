package jwtexptest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// wellKnownPRM is the well-known URI suffix of protected resource metadata
// (RFC 9728 §3).
const wellKnownPRM = "/.well-known/oauth-protected-resource"

// prmCandidate is one URL where an MCP client looks for protected resource
// metadata, and the resource the document there must name (RFC 9728 §3.3).
type prmCandidate struct {
	url    string
	want   string // the resource the document must carry
	source string // how the client found the URL
}

// prmCandidates returns, in the order of the MCP authorization spec
// (Protected Resource Metadata Discovery Requirements) and go-sdk's client,
// the challenge's resource_metadata (if any), the path-inserted well-known
// URI and the root one (RFC 9728 §3.1). The first two must name the
// endpoint, the root one its origin; the URLs are built as go-sdk v1.8.0
// builds them.
func prmCandidates(ep *url.URL, endpoint, resourceMetadata string) []prmCandidate {
	var cs []prmCandidate
	if resourceMetadata != "" {
		cs = append(cs, prmCandidate{resourceMetadata, endpoint, "the 401's resource_metadata"})
	}
	u := *ep
	u.Fragment, u.RawFragment, u.RawPath = "", "", ""
	u.Path = wellKnownPRM + "/" + strings.TrimLeft(ep.Path, "/")
	cs = append(cs, prmCandidate{u.String(), endpoint, "the path-inserted well-known URI"})
	origin := ep.Scheme + "://" + ep.Host
	cs = append(cs, prmCandidate{origin + wellKnownPRM, origin, "the root well-known URI"})
	return cs
}

// prmOutcome is what one candidate held.
type prmOutcome struct {
	cand   prmCandidate
	found  bool   // a 200 came back
	usable bool   // the document passes every rule a client applies
	final  bool   // go-sdk stops here: resource matched, no authorization server
	what   string // what the URL held, for the detail
}

func (o prmOutcome) String() string { return o.cand.url + " (" + o.cand.source + "): " + o.what }

// fetchPRM GETs c without credentials, following redirects as clients do,
// and judges the document the way go-sdk's client does
// (oauthex.GetProtectedResourceMetadata): status 200, Content-Type
// application/json, a JSON object whose resource equals c.want exactly (RFC
// 9728 §3.3, "simple string comparison"), with authorization servers that
// are https URLs, or http on a loopback host.
func (p *probe) fetchPRM(c prmCandidate) prmOutcome {
	o := prmOutcome{cand: c}
	u, err := url.Parse(c.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		o.what = "not an absolute http(s) URL"
		return o
	}
	if why := goSDKRefuses(c.url); why != "" {
		o.what = "not fetched: it " + why + ", so go-sdk's client skips it (oauthex checkHTTPSOrLoopback)"
		return o
	}
	req, err := http.NewRequestWithContext(p.follow, http.MethodGet, c.url, nil)
	if err != nil {
		o.what = err.Error()
		return o
	}
	req.Header.Set("Accept", "application/json")
	res := do(p.follow, p.client, req)
	if res.err != nil || res.status != http.StatusOK {
		o.what = res.String()
		return o
	}
	o.found = true
	if mt, _, err := mime.ParseMediaType(res.header.Get("Content-Type")); err != nil || mt != "application/json" {
		o.what = fmt.Sprintf("200 with Content-Type %q; clients want application/json (RFC 9728 §3.2; go-sdk refuses anything else)", res.header.Get("Content-Type"))
		return o
	}
	var doc struct {
		Resource             *string  `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil {
		o.what = fmt.Sprintf("200 but not a JSON object with string resource and authorization_servers (%v), body %s", err, snippet(res.body))
		return o
	}
	switch {
	case doc.Resource == nil:
		o.what = fmt.Sprintf("a document without resource; RFC 9728 §3.3 has clients refuse it, as resource must equal %q", c.want)
		return o
	case *doc.Resource != c.want:
		o.what = fmt.Sprintf("resource %q, but RFC 9728 §3.3 wants %q here", *doc.Resource, c.want)
		if prefixMatch(*doc.Resource, c.want) {
			o.what += "; the TypeScript SDK's looser same-origin prefix rule accepts it, go-sdk's exact comparison does not"
		}
		return o
	case len(doc.AuthorizationServers) == 0:
		o.what = "authorization_servers is empty; clients cannot find where to authorize (MCP authorization spec), and go-sdk stops looking here"
		o.final = true
		return o
	}
	for i, as := range doc.AuthorizationServers {
		if why := goSDKRefuses(as); why != "" {
			o.what = fmt.Sprintf("authorization_servers[%d] %q %s, which go-sdk refuses", i, as, why)
			return o
		}
	}
	o.usable = true
	o.what = fmt.Sprintf("resource %q, authorization_servers %q", *doc.Resource, doc.AuthorizationServers)
	return o
}

// prefixMatch is the TypeScript SDK's looser resource rule
// (checkResourceAllowed): same origin, and the endpoint's path starts with
// the document's.
func prefixMatch(resource, endpoint string) bool {
	r, err1 := url.Parse(resource)
	e, err2 := url.Parse(endpoint)
	if err1 != nil || err2 != nil || r.Scheme != e.Scheme || r.Host != e.Host {
		return false
	}
	rp, ep := strings.TrimSuffix(r.Path, "/")+"/", strings.TrimSuffix(e.Path, "/")+"/"
	return strings.HasPrefix(ep, rp)
}

// goSDKRefuses says why go-sdk v1.8.0's client refuses the URL s, as a
// metadata URL or an authorization server (oauthex checkHTTPSOrLoopback),
// or returns "": s must be https, or http on a loopback host, and an IP
// literal host must not be private or reserved. go-sdk does not fetch a
// metadata URL it refuses, and neither does the probe.
func goSDKRefuses(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "is not an absolute URL"
	}
	h := u.Hostname()
	ip, ipErr := netip.ParseAddr(h)
	loopback := h == "localhost" || (ipErr == nil && ip.IsLoopback())
	if !loopback && u.Scheme != "https" {
		return "is not an https URL (http only on a loopback host)"
	}
	if ipErr == nil && privateOrReserved(ip) {
		return "is on a private or reserved address"
	}
	return ""
}

// cgnat is the RFC 6598 shared address space, which go-sdk counts as
// private.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// privateOrReserved is go-sdk v1.8.0's util.IsPrivateOrReserved: private
// (RFC 1918, RFC 4193), link-local, multicast, unspecified, or CGNAT.
func privateOrReserved(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() || cgnat.Contains(ip)
}

// discoverPRM tries the candidates in order until one is usable, or go-sdk
// would stop, and returns what each held.
func (p *probe) discoverPRM() []prmOutcome {
	var rm string
	for _, r := range []response{p.noToken, p.expired} {
		if r.status != http.StatusUnauthorized {
			continue
		}
		cs, _ := parseChallenges(r.header.Values("WWW-Authenticate"))
		if b, ok := bearer(cs); ok && b.params["resource_metadata"] != "" {
			rm = b.params["resource_metadata"]
			break
		}
	}
	var out []prmOutcome
	for _, c := range prmCandidates(p.u, p.endpoint, rm) {
		o := p.fetchPRM(c)
		out = append(out, o)
		if o.usable || o.final {
			break
		}
	}
	return out
}
