package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// docPath is where the tests' document servers serve a client metadata
// document.
const docPath = "/client.json"

// docServer serves a client metadata document on 127.0.0.1 with serve,
// which gets the document's URL (its client_id), and counts the fetches.
type docServer struct {
	*httptest.Server
	url     string // the document's URL
	fetches atomic.Int32
}

func newDocServer(t *testing.T, serve func(w http.ResponseWriter, r *http.Request, docURL string)) *docServer {
	t.Helper()
	s := &docServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		serve(w, r, s.url)
	}))
	t.Cleanup(s.Close)
	s.url = s.URL + docPath
	return s
}

// goodDoc is a valid document for a client whose client_id is docURL.
func goodDoc(docURL string) map[string]any {
	return map[string]any{
		"client_id":                  docURL,
		"client_name":                "CIMD test client",
		"redirect_uris":              []string{testRedirectURI},
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"token_endpoint_auth_method": "none",
	}
}

// serveJSON serves doc, built from the document's URL, as JSON.
func serveJSON(doc func(docURL string) map[string]any) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, _ *http.Request, docURL string) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc(docURL))
	}
}

// cimdAuthorize sends an authorization request for the URL client_id
// clientID, and returns the response, its body read.
func cimdAuthorize(t *testing.T, d *demo, clientID, redirectURI string) (*http.Response, string) {
	t.Helper()
	q := authorizeParams(d, clientID)
	q.Set("redirect_uri", redirectURI)
	c := noRedirects(d)
	c.Timeout = 10 * time.Second // a test that breaks fails, not hangs
	resp, err := c.Get(d.srv.URL + authorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// cimdCode runs an authorization request that must succeed, and returns
// the code.
func cimdCode(t *testing.T, d *demo, clientID, redirectURI string) string {
	t.Helper()
	resp, body := cimdAuthorize(t, d, clientID, redirectURI)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), redirectURI+"?") || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: status %d, Location %q, body %q; want 302 to %s with a code", resp.StatusCode, resp.Header.Get("Location"), body, redirectURI)
	}
	return loc.Query().Get("code")
}

// setCIMD gives d's authorization server a fetcher with a fetch timeout and
// a bound on fetches at once of the test's choosing, kept to loopback by
// loopbackOnly, and returns it.
func setCIMD(t *testing.T, d *demo, timeout time.Duration, maxFetches int) *cimdFetcher {
	f := newCIMDFetcher(timeout, maxFetches)
	loopbackOnly(t, f)
	d.as.mu.Lock()
	d.as.cimd = f
	d.as.mu.Unlock()
	return f
}

// loopbackOnly keeps f's connections on this machine whatever its dial
// guard (refuseSpecialUse, which the tests check) does: the guard runs
// first, and any address it lets through other than 127.0.0.1 and ::1
// fails t and is refused before connect(2). A broken guard then fails the
// tests that name 10.0.0.1 and the like as client_id instead of sending
// packets off the machine. Names are not looked up at all: the lookup
// would reach the DNS server before the guard sees an address, and the
// tests' documents are on 127.0.0.1. Call it before f's first fetch.
func loopbackOnly(t *testing.T, f *cimdFetcher) {
	f.dialer.Resolver = &net.Resolver{PreferGo: true, Dial: func(_ context.Context, network, address string) (net.Conn, error) {
		t.Errorf("the fetcher looked a name up through %s %s; the tests name 127.0.0.1 and ::1 only", network, address)
		return nil, fmt.Errorf("test: not looking names up (%s %s)", network, address)
	}}
	control, controlContext := f.dialer.Control, f.dialer.ControlContext
	f.dialer.Control = nil // ControlContext, when set, is the one used
	f.dialer.ControlContext = func(ctx context.Context, network, address string, c syscall.RawConn) error {
		var err error
		switch {
		case controlContext != nil:
			err = controlContext(ctx, network, address, c)
		case control != nil:
			err = control(network, address, c)
		}
		if err != nil {
			return err
		}
		host, _, _ := net.SplitHostPort(address)
		if a, err := netip.ParseAddr(host); err != nil || a != netip.IPv6Loopback() && a.Unmap() != netip.AddrFrom4([4]byte{127, 0, 0, 1}) {
			t.Errorf("the dial guard let %s %s through; the tests connect to 127.0.0.1 and ::1 only", network, address)
			return fmt.Errorf("test: not connecting to %s", address)
		}
		return nil
	}
}

func TestAuthServerMetadataCIMD(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	var m map[string]any
	if st := jsonReq(t, d, http.MethodGet, asMetadataPath, "", "", &m); st != http.StatusOK || m["client_id_metadata_document_supported"] != true {
		t.Errorf("metadata: status %d, client_id_metadata_document_supported %v; want true", st, m["client_id_metadata_document_supported"])
	}
	if m["registration_endpoint"] != d.srv.URL+registerPath {
		t.Errorf("registration_endpoint %v: DCR must stay", m["registration_endpoint"])
	}
}

// TestAuthServerCIMDFlow: a client whose client_id is the URL of its
// metadata document, on a loopback server, completes authorize (on another
// port of its loopback redirect URI) and token with PKCE as a public
// client, calls the MCP endpoint, and refreshes.
func TestAuthServerCIMDFlow(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, true)
	doc := newDocServer(t, serveJSON(goodDoc))
	const redirect = "http://127.0.0.1:54321/callback" // registered on port 1
	code := cimdCode(t, d, doc.url, redirect)

	f := codeForm(d, doc.url, code)
	f.Set("redirect_uri", redirect)
	st, tr := tokenReq(t, d, f)
	if st != http.StatusOK || tr.AccessToken == "" || tr.RefreshToken == "" {
		t.Fatalf("token: status %d, %+v; want 200 with an access and a refresh token", st, tr)
	}
	if resp, body := post(t, d, tr.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("MCP initialize with the token: status %d, %s", resp.StatusCode, body)
	}
	if st, tr := tokenReq(t, d, refreshForm(doc.url, tr.RefreshToken)); st != http.StatusOK || tr.AccessToken == "" {
		t.Errorf("refresh: status %d, %+v; want 200", st, tr)
	}
	// PKCE is required as for any public client.
	code = cimdCode(t, d, doc.url, redirect)
	f = codeForm(d, doc.url, code)
	f.Set("redirect_uri", redirect)
	f.Set("code_verifier", strings.Repeat("v", 43))
	if st, tr := tokenReq(t, d, f); st != http.StatusBadRequest || tr.Error != "invalid_grant" {
		t.Errorf("token with the wrong verifier: status %d, %+v; want 400 invalid_grant", st, tr)
	}
	// The code is the URL client's: a registered client cannot redeem it.
	code = cimdCode(t, d, doc.url, redirect)
	f = codeForm(d, registerClient(t, d), code)
	f.Set("redirect_uri", redirect)
	if st, tr := tokenReq(t, d, f); st != http.StatusBadRequest || tr.Error != "invalid_grant" {
		t.Errorf("token for another client: status %d, %+v; want 400 invalid_grant", st, tr)
	}
	if n := doc.fetches.Load(); n != 1 {
		t.Errorf("%d fetches of the document for 3 authorizations, want 1 (cached)", n)
	}
}

// TestAuthServerCIMDRefusals: every refusal of a client_id URL or of its
// document is a plain text 400 page that says why, never a redirect
// (RFC 6749 §4.1.2.1), and issues no code. Draft sections are those of
// draft-ietf-oauth-client-id-metadata-document-02.
func TestAuthServerCIMDRefusals(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	setCIMD(t, d, 300*time.Millisecond, cimdMaxFetches)
	with := func(change func(doc map[string]any, docURL string)) func(http.ResponseWriter, *http.Request, string) {
		return serveJSON(func(docURL string) map[string]any {
			doc := goodDoc(docURL)
			change(doc, docURL)
			return doc
		})
	}
	raw := func(status int, body string) func(http.ResponseWriter, *http.Request, string) {
		return func(w http.ResponseWriter, _ *http.Request, _ string) {
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	// ofSize is a good document of exactly n bytes.
	ofSize := func(docURL string, n int) string {
		b, _ := json.Marshal(goodDoc(docURL))
		return strings.Replace(string(b), `"client_name":"`, `"client_name":"`+strings.Repeat("x", n-len(b)), 1)
	}
	for _, tt := range []struct {
		name  string
		serve func(http.ResponseWriter, *http.Request, string)
		// clientID makes the client_id from the document's URL; nil: the
		// URL itself.
		clientID func(docURL string) string
		want     error  // the sentinel the page must carry; nil: success
		detail   string // what the page must also say
	}{
		{"good", with(func(map[string]any, string) {}), nil, nil, ""},
		{"5 KiB exactly", func(w http.ResponseWriter, _ *http.Request, u string) { io.WriteString(w, ofSize(u, cimdMaxBody)) }, nil, nil, ""},

		// The URL (draft §3).
		{"fragment", nil, func(u string) string { return u + "#x" }, errCIMDURL, "fragment"},
		{"empty fragment", nil, func(u string) string { return u + "#" }, errCIMDURL, "fragment"},
		{"userinfo", nil, func(u string) string { return strings.Replace(u, "http://", "http://user:pass@", 1) }, errCIMDURL, "userinfo"},
		{"empty userinfo", nil, func(u string) string { return strings.Replace(u, "http://", "http://@", 1) }, errCIMDURL, "userinfo"},
		{"dot-dot segment", nil, func(u string) string { return strings.Replace(u, docPath, "/x/.."+docPath, 1) }, errCIMDURL, "dot segment"},
		{"dot segment", nil, func(u string) string { return strings.Replace(u, docPath, "/."+docPath, 1) }, errCIMDURL, "dot segment"},
		{"encoded dot-dot segment", nil, func(u string) string { return strings.Replace(u, docPath, "/x/%2e%2E"+docPath, 1) }, errCIMDURL, "dot segment"},
		{"trailing dot-dot segment", nil, func(u string) string { return u + "/.." }, errCIMDURL, "dot segment"},
		{"no path", nil, func(u string) string { return strings.TrimSuffix(u, docPath) }, errCIMDURL, "no path"},
		{"http not on loopback", nil, func(string) string { return "http://example.com" + docPath }, errCIMDURL, "loopback"},
		{"too long", nil, func(u string) string { return u + "?" + strings.Repeat("x", cimdMaxURL) }, errCIMDURL, "longer than"},
		// Draft §8.6: no special-use address but loopback. The dial is
		// refused before any packet is sent.
		{"private address", nil, func(string) string { return "https://10.0.0.1" + docPath }, errCIMDFetch, "special-use"},
		{"link-local address", nil, func(string) string { return "https://169.254.169.254" + docPath }, errCIMDFetch, "special-use"},
		{"IPv6 unique local address", nil, func(string) string { return "https://[fd00::1]" + docPath }, errCIMDFetch, "special-use"},

		// The fetch (draft §5, §8.7).
		{"404", raw(http.StatusNotFound, "{}"), nil, errCIMDFetch, "status 404"},
		{"500", raw(http.StatusInternalServerError, "{}"), nil, errCIMDFetch, "status 500"},
		{"201", raw(http.StatusCreated, "{}"), nil, errCIMDFetch, "status 201"},
		{"redirect to a good document", func(w http.ResponseWriter, r *http.Request, u string) {
			if r.URL.Path == docPath {
				http.Redirect(w, r, "/elsewhere", http.StatusFound)
				return
			}
			serveJSON(goodDoc)(w, r, u)
		}, nil, errCIMDFetch, "status 302"},
		{"over 5 KiB", func(w http.ResponseWriter, _ *http.Request, u string) { io.WriteString(w, ofSize(u, cimdMaxBody+1)) }, nil, errCIMDDocument, "over 5120 bytes"},
		{"over 5 KiB, chunked", func(w http.ResponseWriter, _ *http.Request, u string) {
			doc := ofSize(u, cimdMaxBody+1)
			io.WriteString(w, doc[:100])
			w.(http.Flusher).Flush() // no Content-Length
			io.WriteString(w, doc[100:])
		}, nil, errCIMDDocument, "over 5120 bytes"},
		{"timeout", func(_ http.ResponseWriter, r *http.Request, _ string) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, nil, errCIMDFetch, "Timeout"},

		// The document (draft §4, §4.1).
		{"not JSON", raw(http.StatusOK, "client_id: x"), nil, errCIMDDocument, "not a JSON object"},
		{"a JSON array", raw(http.StatusOK, "[]"), nil, errCIMDDocument, "not a JSON object"},
		{"JSON null", raw(http.StatusOK, "null"), nil, errCIMDDocument, "not a JSON object"},
		{"trailing data", func(w http.ResponseWriter, _ *http.Request, u string) {
			b, _ := json.Marshal(goodDoc(u))
			w.Write(append(b, " x"...))
		}, nil, errCIMDDocument, "not a JSON object"},
		{"client_id differs from the URL", with(func(doc map[string]any, u string) { doc["client_id"] = u + "x" }), nil, errCIMDDocument, "client_id must be the URL"},
		{"client_id with the default port", with(func(doc map[string]any, u string) { doc["client_id"] = strings.Replace(u, "/client", ":80/client", 1) }), nil, errCIMDDocument, "client_id must be the URL"},
		{"client_id missing", with(func(doc map[string]any, _ string) { delete(doc, "client_id") }), nil, errCIMDDocument, "client_id must be the URL"},
		{"client_id in capitals", with(func(doc map[string]any, u string) { delete(doc, "client_id"); doc["CLIENT_ID"] = u }), nil, errCIMDDocument, "client_id must be the URL"},
		{"redirect_uri not listed", with(func(doc map[string]any, _ string) { doc["redirect_uris"] = []string{"http://127.0.0.1:1/other"} }), nil, nil, "redirect_uri is not registered"},
		{"redirect_uris empty", with(func(doc map[string]any, _ string) { doc["redirect_uris"] = []string{} }), nil, errCIMDDocument, "redirect_uris"},
		{"redirect_uris missing", with(func(doc map[string]any, _ string) { delete(doc, "redirect_uris") }), nil, errCIMDDocument, "redirect_uris"},
		{"redirect_uris not strings", with(func(doc map[string]any, _ string) { doc["redirect_uris"] = []int{1} }), nil, errCIMDDocument, "redirect_uris"},
		{"a redirect URI with a fragment", with(func(doc map[string]any, _ string) {
			doc["redirect_uris"] = []string{testRedirectURI, testRedirectURI + "#"}
		}), nil, errCIMDDocument, "redirect_uris"},
		{"too many redirect URIs", with(func(doc map[string]any, _ string) {
			uris := []string{testRedirectURI}
			for i := range maxRedirectURIs {
				uris = append(uris, fmt.Sprintf("http://127.0.0.1/%d", i))
			}
			doc["redirect_uris"] = uris
		}), nil, errCIMDDocument, "redirect_uris"},
		{"client_secret", with(func(doc map[string]any, _ string) { doc["client_secret"] = "s3cret" }), nil, errCIMDDocument, "client_secret"},
		{"client_secret null", with(func(doc map[string]any, _ string) { doc["client_secret"] = nil }), nil, errCIMDDocument, "client_secret"},
		{"client_secret_expires_at", with(func(doc map[string]any, _ string) { doc["client_secret_expires_at"] = 0 }), nil, errCIMDDocument, "client_secret_expires_at"},
		{"auth method client_secret_basic", with(func(doc map[string]any, _ string) { doc["token_endpoint_auth_method"] = "client_secret_basic" }), nil, errCIMDDocument, "token_endpoint_auth_method"},
		{"auth method private_key_jwt", with(func(doc map[string]any, _ string) { doc["token_endpoint_auth_method"] = "private_key_jwt" }), nil, errCIMDDocument, "token_endpoint_auth_method"},
		{"auth method not a string", with(func(doc map[string]any, _ string) { doc["token_endpoint_auth_method"] = []string{"none"} }), nil, errCIMDDocument, "token_endpoint_auth_method"},
		{"auth method absent", with(func(doc map[string]any, _ string) { delete(doc, "token_endpoint_auth_method") }), nil, nil, ""},
		{"a private key in jwks", with(func(doc map[string]any, _ string) {
			doc["jwks"] = map[string]any{"keys": []map[string]string{{"kty": "EC", "crv": "P-256", "x": "x", "y": "y", "d": "d"}}}
		}), nil, errCIMDDocument, "jwks"},
		{"a symmetric key in jwks", with(func(doc map[string]any, _ string) {
			doc["jwks"] = map[string]any{"keys": []map[string]string{{"kty": "oct", "k": "k"}}}
		}), nil, errCIMDDocument, "jwks"},
		{"a public key in jwks", with(func(doc map[string]any, _ string) {
			doc["jwks"] = map[string]any{"keys": []map[string]string{{"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}}}
		}), nil, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			serve := tt.serve
			if serve == nil {
				serve = with(func(map[string]any, string) {})
			}
			doc := newDocServer(t, serve)
			clientID := doc.url
			if tt.clientID != nil {
				clientID = tt.clientID(doc.url)
			}
			before := d.as.count("authorize")
			start := time.Now()
			resp, body := cimdAuthorize(t, d, clientID, testRedirectURI)
			if tt.want == nil && tt.detail == "" {
				if resp.StatusCode != http.StatusFound || d.as.count("authorize") != before+1 {
					t.Fatalf("status %d, body %q; want 302 with a code", resp.StatusCode, body)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
				t.Errorf("status %d, Location %q, Content-Type %q; want a 400 text page, no redirect",
					resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Content-Type"))
			}
			if (tt.want != nil && !strings.Contains(body, tt.want.Error())) || !strings.Contains(body, tt.detail) {
				t.Errorf("page %q; want it to say %q and %q", body, tt.want, tt.detail)
			}
			if n := d.as.count("authorize"); n != before {
				t.Errorf("a code was issued")
			}
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("took %v", elapsed)
			}
		})
	}
}

// TestCIMDLimits pins the limits the issue and the draft name.
func TestCIMDLimits(t *testing.T) {
	if cimdTimeout != 5*time.Second || cimdMaxBody != 5<<10 {
		t.Errorf("timeout %v, body %d; want 5s and 5 KiB", cimdTimeout, cimdMaxBody)
	}
	if f := newCIMDFetcher(cimdTimeout, 1); f.http.Timeout != cimdTimeout || f.http.CheckRedirect == nil || f.http.Transport.(*http.Transport).Proxy != nil {
		t.Errorf("fetch client %+v: want the timeout, no redirects, no proxy", f.http)
	}
}

// TestCheckClientIDURL: draft §3, with http allowed on loopback only.
func TestCheckClientIDURL(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"https://client.example.com/client.json", true},
		{"https://client.example.com:8443/c", true},
		{"https://client.example.com/", true}, // NOT RECOMMENDED, not refused
		{"https://client.example.com/c?v=1", true},
		{"http://127.0.0.1:8080/client.json", true},
		{"http://[::1]/c", true},
		{"http://localhost:3000/c", true},
		{"https://client.example.com", false},
		{"https://client.example.com/c#", false},
		{"https://client.example.com/c#x", false},
		{"https://u@client.example.com/c", false},
		{"https://u:p@client.example.com/c", false},
		{"https://client.example.com/./c", false},
		{"https://client.example.com/a/../c", false},
		{"https://client.example.com/a/%2E%2e/c", false},
		{"https://client.example.com/..", false},
		{"http://client.example.com/c", false},
		{"http://127.0.0.2/c", false},
		{"ftp://client.example.com/c", false},
		{"https:client.example.com/c", false},
		{"https:///c", false},
		{"https://client.example.com/%zz", false},
		{"", false},
	} {
		err := checkClientIDURL(tt.url)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, errCIMDURL)) {
			t.Errorf("checkClientIDURL(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

// TestFetchAllowed: draft §8.6 and RFC 6890.
func TestFetchAllowed(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"::ffff:127.0.0.1", true},
		{"93.184.215.14", true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true},
		{"0.0.0.0", false},
		{"10.1.2.3", false},
		{"100.64.0.1", false},
		{"169.254.169.254", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.0.2.1", false},
		{"192.168.1.1", false},
		{"198.18.0.1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::ffff:10.0.0.1", false},
		{"::", false},
		{"fd00::1", false},
		{"fe80::1", false},
		{"ff02::1", false},
		{"2001:db8::1", false},
		{"64:ff9b::a00:1", false},
	} {
		if got := fetchAllowed(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("fetchAllowed(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

// TestAuthServerCIMDCache: a good document is cached for cimdCacheTTL,
// then fetched again; a refused one is never cached (draft §5.2); the
// cache holds at most cimdCacheMax documents, the oldest dropped first.
func TestAuthServerCIMDCache(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clock := setClock(d)
	var broken atomic.Bool
	doc := newDocServer(t, func(w http.ResponseWriter, r *http.Request, u string) {
		if broken.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		serveJSON(goodDoc)(w, r, u)
	})
	cimdCode(t, d, doc.url, testRedirectURI)
	cimdCode(t, d, doc.url, testRedirectURI)
	if n := doc.fetches.Load(); n != 1 {
		t.Errorf("%d fetches for two flows, want 1", n)
	}
	clock.advance(cimdCacheTTL + time.Second)
	cimdCode(t, d, doc.url, testRedirectURI)
	if n := doc.fetches.Load(); n != 2 {
		t.Errorf("%d fetches after the TTL, want 2", n)
	}

	// Not cached: a failure, then the next request fetches again.
	clock.advance(cimdCacheTTL + time.Second)
	broken.Store(true)
	if resp, _ := cimdAuthorize(t, d, doc.url, testRedirectURI); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("document down: status %d, want 400", resp.StatusCode)
	}
	broken.Store(false)
	cimdCode(t, d, doc.url, testRedirectURI)
	if n := doc.fetches.Load(); n != 4 {
		t.Errorf("%d fetches, want 4: a failure is not cached", n)
	}

	// The cap.
	d.as.cimd.mu.Lock()
	for i := 0; d.as.cimd.cache.len() < cimdCacheMax; i++ {
		d.as.cimd.cache.put(fmt.Sprintf("https://filler.example/%d", i), cimdClient{}, clock.now())
	}
	d.as.cimd.mu.Unlock()
	clock.advance(time.Second) // the fillers are newer than doc.url's entry
	other := newDocServer(t, serveJSON(goodDoc))
	cimdCode(t, d, other.url, testRedirectURI)
	d.as.cimd.mu.Lock()
	n := d.as.cimd.cache.len()
	_, kept := d.as.cimd.cache.items[doc.url]
	d.as.cimd.mu.Unlock()
	if n != cimdCacheMax || kept {
		t.Errorf("cache of %d, oldest kept %v; want %d, the oldest dropped", n, kept, cimdCacheMax)
	}
}

// TestAuthServerCIMDConcurrency: at most maxFetches documents are fetched
// at once; one more authorization that needs a fetch gets 503 at once,
// while the others complete.
func TestAuthServerCIMDConcurrency(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	const maxFetches = 2
	setCIMD(t, d, 5*time.Second, maxFetches)
	arrived := make(chan struct{}, maxFetches+1)
	release := make(chan struct{})
	var once sync.Once
	releaseAll := func() { once.Do(func() { close(release) }) }
	// Each authorization names its own URL, so that none is cached.
	doc := newDocServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		arrived <- struct{}{}
		<-release
		serveJSON(goodDoc)(w, r, "http://"+r.Host+r.URL.Path)
	})
	t.Cleanup(releaseAll) // runs before the document server's Close
	var wg sync.WaitGroup
	statuses := make([]int, maxFetches)
	for i := range maxFetches {
		wg.Go(func() {
			resp, _ := cimdAuthorize(t, d, fmt.Sprintf("%s/%d", doc.url, i), testRedirectURI)
			statuses[i] = resp.StatusCode
		})
	}
	for range maxFetches {
		<-arrived
	}
	start := time.Now()
	resp, body := cimdAuthorize(t, d, doc.url+"/extra", testRedirectURI)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, errCIMDBusy.Error()) {
		t.Errorf("one fetch too many: status %d, Retry-After %q, body %q; want 503 saying %q", resp.StatusCode, resp.Header.Get("Retry-After"), body, errCIMDBusy)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the refusal took %v: it must not wait for a slot", elapsed)
	}
	releaseAll()
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusFound {
			t.Errorf("authorization %d: status %d, want 302", i, st)
		}
	}
	if n := doc.fetches.Load(); n != maxFetches {
		t.Errorf("%d fetches, want %d", n, maxFetches)
	}
}

// FuzzCheckClientIDURL checks the URLs checkClientIDURL accepts against
// url.Parse, and its dot-segment rule against RFC 3986 §5.2.4 as
// url.URL.ResolveReference implements it: an accepted path has no dot
// segment to remove.
func FuzzCheckClientIDURL(f *testing.F) {
	for _, s := range []string{
		"https://client.example.com/client.json", "http://127.0.0.1:8080/c", "http://[::1]/c?x=1",
		"https://u@client.example.com/c", "https://client.example.com/a/../c", "https://client.example.com/%2e",
		"https://client.example.com/c#", "http://example.com/c", "https://client.example.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := checkClientIDURL(s)
		if err != nil {
			if !errors.Is(err, errCIMDURL) {
				t.Fatalf("%q: error %v does not wrap errCIMDURL", s, err)
			}
			return
		}
		u, perr := url.Parse(s)
		if perr != nil || strings.Contains(s, "#") || u.User != nil || u.Path == "" || len(s) > cimdMaxURL ||
			!(u.Scheme == "https" || u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
			t.Fatalf("%q accepted, but url.Parse sees %+v (%v)", s, u, perr)
		}
		if r := u.ResolveReference(&url.URL{Path: u.Path}); r.Path != u.Path {
			t.Fatalf("%q accepted, but its path %q has dot segments: %q once removed", s, u.Path, r.Path)
		}
	})
}

// FuzzParseClientMetadata: no input panics, and what is accepted holds up
// when decoded another way, as a generic JSON value.
func FuzzParseClientMetadata(f *testing.F) {
	const id = "http://127.0.0.1:1/client.json"
	good, _ := json.Marshal(goodDoc(id))
	f.Add(id, good)
	f.Add(id, []byte(`{"client_id":"`+id+`","redirect_uris":["https://x/cb"],"client_secret":null}`))
	f.Add(id, []byte(`{"client_id":"`+id+`","redirect_uris":["https://x/cb"],"jwks":{"keys":[{"d":1}]}}`))
	f.Add(id, []byte(`[]`))
	f.Fuzz(func(t *testing.T, clientID string, body []byte) {
		uris, err := parseClientMetadata(clientID, body)
		if err != nil {
			if !errors.Is(err, errCIMDDocument) {
				t.Fatalf("error %v does not wrap errCIMDDocument", err)
			}
			return
		}
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("accepted, but not a JSON object: %v", err)
		}
		_, secret := doc["client_secret"]
		method, hasMethod := doc["token_endpoint_auth_method"]
		if doc["client_id"] != clientID || secret || hasMethod && method != "none" || len(uris) == 0 || len(uris) > maxRedirectURIs {
			t.Fatalf("accepted %s for %q", body, clientID)
		}
		for _, u := range uris {
			if !validRedirectURI(u) {
				t.Fatalf("accepted the redirect URI %q", u)
			}
		}
	})
}
