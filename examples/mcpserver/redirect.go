package main

import (
	"net/url"
	"slices"
	"strings"
)

// validRedirectURI: https anywhere, or http on a loopback host (a native or
// local client, RFC 8252 §7.3), never with a fragment (RFC 6749 §3.1.2).
// Any '#' counts: url.Parse drops an empty fragment, so "https://x/cb#"
// passed a check of u.Fragment, though RFC 6749 forbids the fragment
// component, empty or not, and the client would then get its code at a URI
// other than the one it registered.
func validRedirectURI(s string) bool {
	if strings.Contains(s, "#") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		return isLoopbackHost(u.Hostname())
	}
	return false
}

// isLoopbackHost reports whether host (as url.URL.Hostname returns it,
// without brackets) is one of the loopback hosts RFC 8252 §7.3 and §8.3
// name: 127.0.0.1, ::1, or localhost.
func isLoopbackHost(host string) bool {
	return host == "127.0.0.1" || host == "::1" || host == "localhost"
}

// redirectMatches reports whether the redirect URI requested in an
// authorization request matches one of the registered ones. The match is
// exact (RFC 9700 §4.1.3), except that a loopback redirect URI matches on
// any port: RFC 8252 §7.3 says the authorization server MUST allow any port
// for a loopback IP redirect URI, since a native client listens on a port
// it picks at each run. localhost gets the same rule (RFC 8252 §8.3 only
// advises against it, and CLIs use it). Scheme, host, path and query still
// match exactly, so another path is refused.
func redirectMatches(registered []string, requested string) bool {
	if slices.Contains(registered, requested) {
		return true
	}
	want, ok := withoutLoopbackPort(requested)
	if !ok {
		return false
	}
	for _, r := range registered {
		if got, ok := withoutLoopbackPort(r); ok && got == want {
			return true
		}
	}
	return false
}

// withoutLoopbackPort returns s with the port cut out of its authority,
// if s is an absolute URL on a loopback host without userinfo; the rest
// of s is returned as it is, so that the comparison stays exact.
func withoutLoopbackPort(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.Opaque != "" || !isLoopbackHost(u.Hostname()) {
		return "", false
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "", false
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host := rest[:end]
	if p := u.Port(); p != "" {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return scheme + "://" + host + rest[end:], true
}
