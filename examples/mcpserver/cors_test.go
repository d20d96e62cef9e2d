package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// testOrigin is the page a browser-based client runs on: MCP Inspector's.
const testOrigin = "http://localhost:6274"

// corsDo sends a request to d from a page on testOrigin, with the extra
// headers h, and returns the response with its body read.
func corsDo(t *testing.T, d *demo, method, path, body string, h map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, d.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", testOrigin)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := d.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// headerList is the comma-separated list in h's values for key, lowercased,
// as a browser reads it.
func headerList(h http.Header, key string) []string {
	var list []string
	for _, v := range h.Values(key) {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
				list = append(list, f)
			}
		}
	}
	return list
}

// TestCORSPreflight: a browser's preflight to the MCP endpoint or the
// authorization server gets a 2xx that allows the method and every header
// the MCP client sends, Authorization named explicitly (a "*" would not
// cover it) and no credentials. jwtexp and the verifier never see it: even
// a preflight with an expired token in it (which browsers never send) is
// answered.
func TestCORSPreflight(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	for _, tt := range []struct {
		name    string
		path    string
		method  string
		headers string // Access-Control-Request-Headers
		auth    string // an Authorization header on the preflight itself
	}{
		{"MCP POST", mcpPath, http.MethodPost, "authorization,content-type,mcp-protocol-version", ""},
		{"MCP POST, 2026-07-28", mcpPath, http.MethodPost, "authorization,content-type,mcp-method,mcp-name,mcp-protocol-version", ""},
		{"MCP POST in session", mcpPath, http.MethodPost, "accept,authorization,content-type,mcp-protocol-version,mcp-session-id", ""},
		{"MCP GET stream resumed", mcpPath, http.MethodGet, "accept,authorization,last-event-id,mcp-protocol-version,mcp-session-id", ""},
		{"MCP DELETE session", mcpPath, http.MethodDelete, "authorization,mcp-protocol-version,mcp-session-id", ""},
		{"MCP POST, expired token on the preflight", mcpPath, http.MethodPost, "authorization,content-type", "Bearer " + d.expired(t)},
		{"token", tokenPath, http.MethodPost, "content-type", ""},
		{"register", registerPath, http.MethodPost, "content-type", ""},
		{"authorization server metadata", asMetadataPath, http.MethodGet, "mcp-protocol-version", ""},
		{"protected resource metadata", metadataPath, http.MethodGet, "mcp-protocol-version", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{
				"Access-Control-Request-Method":  tt.method,
				"Access-Control-Request-Headers": tt.headers,
			}
			if tt.auth != "" {
				h["Authorization"] = tt.auth
			}
			resp := corsDo(t, d, http.MethodOptions, tt.path, "", h)
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				t.Fatalf("status %d, want 2xx", resp.StatusCode)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("Access-Control-Allow-Origin %q, want *", got)
			}
			if got := headerList(resp.Header, "Access-Control-Allow-Methods"); !slices.Contains(got, strings.ToLower(tt.method)) {
				t.Errorf("Access-Control-Allow-Methods %q, want %s in it", got, tt.method)
			}
			allowed := headerList(resp.Header, "Access-Control-Allow-Headers")
			for h := range strings.SplitSeq(tt.headers, ",") {
				if !slices.Contains(allowed, h) {
					t.Errorf("Access-Control-Allow-Headers %q, want %s named in it", allowed, h)
				}
			}
			if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("Access-Control-Allow-Credentials %q, want none: the token is a header, not a cookie", got)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != "" {
				t.Errorf("the preflight reached a token check: WWW-Authenticate %q", got)
			}
		})
	}
}

// TestCORSPreflightRefused: a header or method outside the lists gets no
// Access-Control-Allow-Origin, so the browser does not send the request.
func TestCORSPreflightRefused(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	for _, tt := range []struct {
		name, method, headers string
	}{
		{"unknown header", http.MethodPost, "authorization,x-unknown"},
		{"PUT", http.MethodPut, "authorization"},
	} {
		resp := corsDo(t, d, http.MethodOptions, mcpPath, "", map[string]string{
			"Access-Control-Request-Method":  tt.method,
			"Access-Control-Request-Headers": tt.headers,
		})
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want none", tt.name, got)
		}
	}
}

// TestCORSActualRequests: the responses a page gets from the MCP endpoint
// and the authorization server let it read what an MCP client needs:
// WWW-Authenticate on both kinds of 401 (jwtexp's for an expired token, the
// verifier's for none), Mcp-Session-Id on an initialize.
func TestCORSActualRequests(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	mcpHeaders := func(token string) map[string]string {
		h := map[string]string{
			"Content-Type":         "application/json",
			"Accept":               "application/json, text/event-stream",
			"Mcp-Protocol-Version": "2025-11-25",
		}
		if token != "" {
			h["Authorization"] = "Bearer " + token
		}
		return h
	}
	for _, tt := range []struct {
		name   string
		method string
		path   string
		body   string
		h      map[string]string
		status int
		read   []string // headers the page must be able to read; each must be present
		error  string   // for a 401: the error code of its Bearer challenge
	}{
		{"expired token: jwtexp's 401", http.MethodPost, mcpPath, initializeBody, mcpHeaders(d.expired(t)), http.StatusUnauthorized, []string{"WWW-Authenticate"}, "invalid_token"},
		{"no token: the verifier's 401", http.MethodPost, mcpPath, initializeBody, mcpHeaders(""), http.StatusUnauthorized, []string{"WWW-Authenticate"}, ""},
		{"initialize", http.MethodPost, mcpPath, initializeBody, mcpHeaders(d.fresh(t)), http.StatusOK, []string{"Mcp-Session-Id"}, ""},
		{"register", http.MethodPost, registerPath, `{"redirect_uris":["` + testRedirectURI + `"]}`, map[string]string{"Content-Type": "application/json"}, http.StatusCreated, nil, ""},
		{"token", http.MethodPost, tokenPath, "grant_type=authorization_code&code=nope", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusBadRequest, nil, ""},
		{"authorization server metadata", http.MethodGet, asMetadataPath, "", nil, http.StatusOK, nil, ""},
		{"protected resource metadata", http.MethodGet, metadataPath, "", nil, http.StatusOK, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp := corsDo(t, d, tt.method, tt.path, tt.body, tt.h)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusUnauthorized {
				if got := bearerChallenge(t, resp.Header)["error"]; got != tt.error {
					t.Errorf("challenge error=%q, want %q", got, tt.error)
				}
			}
			if got := resp.Header.Values("Access-Control-Allow-Origin"); !slices.Equal(got, []string{"*"}) {
				t.Errorf("Access-Control-Allow-Origin %q, want exactly *", got)
			}
			exposed := headerList(resp.Header, "Access-Control-Expose-Headers")
			for _, h := range tt.read {
				if resp.Header.Get(h) == "" {
					t.Errorf("no %s in the response", h)
				}
				if !slices.Contains(exposed, strings.ToLower(h)) {
					t.Errorf("Access-Control-Expose-Headers %q, want %s in it", exposed, h)
				}
			}
		})
	}
}
