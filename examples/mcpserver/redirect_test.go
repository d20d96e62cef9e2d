package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRedirectMatches: exact match, except that a loopback redirect URI
// matches on any port (RFC 8252 §7.3); scheme, host, path and query still
// match exactly.
func TestRedirectMatches(t *testing.T) {
	for _, tt := range []struct {
		name       string
		registered []string
		requested  string
		want       bool
	}{
		{"exact", []string{testRedirectURI}, testRedirectURI, true},
		{"127.0.0.1, another port", []string{testRedirectURI}, "http://127.0.0.1:54321/callback", true},
		{"127.0.0.1, no port", []string{testRedirectURI}, "http://127.0.0.1/callback", true},
		{"127.0.0.1, registered without a port", []string{"http://127.0.0.1/callback"}, "http://127.0.0.1:54321/callback", true},
		{"[::1], another port", []string{"http://[::1]/cb"}, "http://[::1]:8080/cb", true},
		{"localhost, another port", []string{"http://localhost:3000/cb"}, "http://localhost:9/cb", true},
		{"https on loopback, another port", []string{"https://127.0.0.1:8443/cb"}, "https://127.0.0.1:9443/cb", true},
		{"same query, another port", []string{"http://127.0.0.1/cb?a=1"}, "http://127.0.0.1:7/cb?a=1", true},
		{"the second registered one", []string{"https://example.com/cb", testRedirectURI}, "http://127.0.0.1:2/callback", true},
		{"another path", []string{testRedirectURI}, "http://127.0.0.1:1/other", false},
		{"another path and port", []string{testRedirectURI}, "http://127.0.0.1:2/other", false},
		{"a longer path", []string{testRedirectURI}, "http://127.0.0.1:2/callback/x", false},
		{"a trailing slash", []string{testRedirectURI}, "http://127.0.0.1:2/callback/", false},
		{"a path differently escaped", []string{testRedirectURI}, "http://127.0.0.1:2/%63allback", false},
		{"a query added", []string{testRedirectURI}, "http://127.0.0.1:2/callback?x=1", false},
		{"an empty query added", []string{testRedirectURI}, "http://127.0.0.1:2/callback?", false},
		{"another query", []string{"http://127.0.0.1/cb?a=1"}, "http://127.0.0.1:7/cb?a=2", false},
		{"a fragment added", []string{testRedirectURI}, "http://127.0.0.1:2/callback#x", false},
		{"another loopback host", []string{testRedirectURI}, "http://localhost:1/callback", false},
		{"another loopback address", []string{testRedirectURI}, "http://127.0.0.2:1/callback", false},
		{"localhost in capitals", []string{"http://localhost:3000/cb"}, "http://LOCALHOST:9/cb", false},
		{"another scheme", []string{testRedirectURI}, "https://127.0.0.1:2/callback", false},
		{"scheme in capitals", []string{testRedirectURI}, "HTTP://127.0.0.1:2/callback", false},
		{"userinfo", []string{testRedirectURI}, "http://u@127.0.0.1:2/callback", false},
		{"a port that is not a number", []string{testRedirectURI}, "http://127.0.0.1:x/callback", false},
		{"an empty port", []string{testRedirectURI}, "http://127.0.0.1:/callback", false},
		{"not loopback: another port", []string{"https://example.com:443/cb"}, "https://example.com:8443/cb", false},
		{"not loopback: no port", []string{"https://example.com:443/cb"}, "https://example.com/cb", false},
		{"not loopback: exact", []string{"https://example.com/cb"}, "https://example.com/cb", true},
		{"nothing registered", nil, testRedirectURI, false},
		{"empty", []string{testRedirectURI}, "", false},
	} {
		if got := redirectMatches(tt.registered, tt.requested); got != tt.want {
			t.Errorf("%s: redirectMatches(%q, %q) = %v, want %v", tt.name, tt.registered, tt.requested, got, tt.want)
		}
	}
}

// TestAuthServerLoopbackAnyPort: a client registered with
// http://127.0.0.1:1/callback gets its code on another port, and exchanges
// it with that redirect URI; another path is refused in the browser.
func TestAuthServerLoopbackAnyPort(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clientID := registerClient(t, d)
	get := func(redirectURI string) *http.Response {
		t.Helper()
		q := authorizeParams(d, clientID)
		q.Set("redirect_uri", redirectURI)
		resp, err := noRedirects(d).Get(d.srv.URL + authorizePath + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	const other = "http://127.0.0.1:54321/callback"
	resp := get(other)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), other+"?") || loc.Query().Get("code") == "" {
		t.Fatalf("authorize on port 54321: status %d, Location %q; want 302 to %s with a code", resp.StatusCode, resp.Header.Get("Location"), other)
	}
	code := loc.Query().Get("code")
	// The token request names the redirect URI of the authorization
	// request, port included (RFC 6749 §4.1.3).
	f := codeForm(d, clientID, code)
	f.Set("redirect_uri", testRedirectURI)
	if st, tr := tokenReq(t, d, f); st != http.StatusBadRequest || tr.Error != "invalid_grant" {
		t.Errorf("token with the registered port instead of the one used: status %d, %+v; want 400 invalid_grant", st, tr)
	}
	resp = get(other)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	f = codeForm(d, clientID, loc.Query().Get("code"))
	f.Set("redirect_uri", other)
	if st, tr := tokenReq(t, d, f); st != http.StatusOK || tr.AccessToken == "" {
		t.Errorf("token with the port used: status %d, %+v; want 200", st, tr)
	}

	if resp := get("http://127.0.0.1:54321/other"); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("another path: status %d, Location %q; want 400 shown, not redirected", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// FuzzRedirectMatches checks redirectMatches against url.Parse: a URI
// always matches itself, matching is symmetric, and two different URIs
// that match are both on the same loopback host and agree on everything
// url.Parse sees but the port.
func FuzzRedirectMatches(f *testing.F) {
	for _, s := range [][2]string{
		{testRedirectURI, "http://127.0.0.1:54321/callback"},
		{"http://[::1]/cb", "http://[::1]:8/cb"},
		{"http://localhost:3/cb?a=1", "http://localhost/cb?a=1"},
		{"https://example.com/cb", "https://example.com:443/cb"},
		{testRedirectURI, "http://127.0.0.1:2/other"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, registered, requested string) {
		if !redirectMatches([]string{registered}, registered) {
			t.Fatalf("%q does not match itself", registered)
		}
		got := redirectMatches([]string{registered}, requested)
		if got != redirectMatches([]string{requested}, registered) {
			t.Fatalf("not symmetric: %q, %q", registered, requested)
		}
		if !got || registered == requested {
			return
		}
		r, err1 := url.Parse(registered)
		q, err2 := url.Parse(requested)
		if err1 != nil || err2 != nil || !isLoopbackHost(r.Hostname()) || r.Hostname() != q.Hostname() ||
			r.Scheme != q.Scheme || r.User != nil || q.User != nil || r.EscapedPath() != q.EscapedPath() ||
			r.RawQuery != q.RawQuery || r.ForceQuery != q.ForceQuery || r.Fragment != q.Fragment || r.Port() == q.Port() {
			t.Fatalf("%q matches %q, which url.Parse sees as differing in more than the port", registered, requested)
		}
	})
}
