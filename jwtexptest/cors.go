package jwtexptest

import (
	"net/http"
	"strings"
)

// preflightHeaders are the request headers a browser MCP client sends,
// lower-case and sorted as the Fetch standard has a browser list them in
// Access-Control-Request-Headers.
const preflightHeaders = "authorization,content-type,mcp-protocol-version"

// corsPreflight: an OPTIONS preflight from Origin for a POST with
// Authorization gets 2xx, Access-Control-Allow-Origin, and
// Access-Control-Allow-Headers naming authorization (Fetch standard, CORS
// protocol). A bare "*" does not cover Authorization: the Fetch standard
// requires it by name. A preflight carries no credentials, so a 401 to it
// blocks every browser client.
func (p *probe) corsPreflight() Result {
	req, err := http.NewRequestWithContext(p.ctx, http.MethodOptions, p.endpoint, nil)
	if err != nil {
		return warn("%v", err)
	}
	req.Header.Set("Origin", p.origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", preflightHeaders)
	r := do(p.ctx, p.client, req)
	sent := "OPTIONS preflight from " + p.origin + " (POST; " + preflightHeaders + ")"
	if r.err != nil || r.status < 200 || r.status > 299 {
		return warn("%s got %s; browsers want 2xx to a preflight, which carries no credentials (Fetch standard, CORS protocol)", sent, r)
	}
	allowOrigin := r.header.Get("Access-Control-Allow-Origin")
	if allowOrigin != p.origin && allowOrigin != "*" {
		return warn("%s got %d with Access-Control-Allow-Origin %q; a browser at %s cannot call the server (Fetch standard)", sent, r.status, allowOrigin, p.origin)
	}
	allowHeaders := fieldList(r.header.Values("Access-Control-Allow-Headers"))
	if !contains(allowHeaders, "authorization") {
		why := ""
		if contains(allowHeaders, "*") {
			why = `: a bare "*" does not cover Authorization (Fetch standard, CORS protocol)`
		}
		return warn("%s got %d with Access-Control-Allow-Headers %q, which does not admit authorization%s", sent, r.status, strings.Join(allowHeaders, ", "), why)
	}
	return pass("%s got %d, Access-Control-Allow-Origin %q, Access-Control-Allow-Headers %q", sent, r.status, allowOrigin, strings.Join(allowHeaders, ", "))
}

// corsExpose: the expired token's 401, requested with Origin, lets the
// page read WWW-Authenticate through Access-Control-Expose-Headers (Fetch
// standard: it is not a CORS-safelisted response header), so a browser
// client sees invalid_token and resource_metadata. Judged on its own,
// whatever the preflight got.
func (p *probe) corsExpose() Result {
	r := p.post(initialize2025, p.token, p.origin)
	sent := "POST initialize from " + p.origin + " with " + p.tokenDesc
	if r.err != nil {
		return warn("%s got %s", sent, r)
	}
	allowOrigin := r.header.Get("Access-Control-Allow-Origin")
	if allowOrigin != p.origin && allowOrigin != "*" {
		return warn("%s got %d with Access-Control-Allow-Origin %q, so the browser hides the whole response (Fetch standard)", sent, r.status, allowOrigin)
	}
	expose := fieldList(r.header.Values("Access-Control-Expose-Headers"))
	switch {
	case contains(expose, "www-authenticate"):
		return pass("%s got %d exposing WWW-Authenticate", sent, r.status)
	case contains(expose, "*"):
		// "*" fails only for credentials mode "include" (cookies), as does
		// Access-Control-Allow-Origin "*", which both CORS checks accept: a
		// script-set Authorization does not make a request credentialed,
		// and browser MCP clients use fetch's default mode.
		return pass(`%s got %d with Access-Control-Expose-Headers "*", which exposes WWW-Authenticate to requests without credentials, as browser MCP clients send them (Fetch standard); clients using credentials: "include" would need it named`, sent, r.status)
	}
	return warn("%s got %d with Access-Control-Expose-Headers %q: a browser client cannot read WWW-Authenticate, so it never sees invalid_token or resource_metadata (Fetch standard)", sent, r.status, strings.Join(expose, ", "))
}

// fieldList splits the lines of a comma-separated field into lower-case
// elements (RFC 9110 §5.6.1).
func fieldList(lines []string) []string {
	var out []string
	for _, l := range lines {
		for _, e := range strings.Split(l, ",") {
			if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
