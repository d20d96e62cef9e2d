package main

// Client ID Metadata Documents (CIMD): a client whose client_id is an https
// URL publishes its metadata there, and the authorization server fetches it
// instead of asking the client to register (MCP authorization 2025-11-25
// and 2026-07-28; draft-ietf-oauth-client-id-metadata-document, whose
// section numbers below are those of -02, the rules being unchanged in
// -03).
//
// DEV ONLY: the server fetches a URL that anyone who can reach it names,
// which is server-side request forgery by design. The demo listens on
// loopback only, refuses special-use addresses other than loopback
// (draft §8.6), and bounds each fetch in time, size and number.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Limits of client metadata document fetching.
const (
	// cimdTimeout bounds a whole fetch: connection, headers and body.
	cimdTimeout = 5 * time.Second
	// cimdMaxBody is the largest document read (draft §8.7 recommends
	// 5 kilobytes). A larger one is refused, never cut short and parsed.
	cimdMaxBody = 5 << 10
	// cimdMaxURL is the longest client_id URL fetched, so that the cache
	// holds bounded keys.
	cimdMaxURL = 2 << 10
	// cimdMaxFetches is how many fetches may run at once. Past it an
	// authorization request that needs a fetch is refused with 503 at
	// once rather than queued, so a flood of slow documents holds at most
	// this many goroutines and connections.
	cimdMaxFetches = 8
	// cimdCacheMax and cimdCacheTTL bound the cache of good documents
	// (draft §5.2 lets the server choose the lifetime; the demo does not
	// read Cache-Control). Past cimdCacheMax the oldest is dropped.
	cimdCacheMax = 1000
	cimdCacheTTL = 5 * time.Minute
)

// Why a client_id URL or its document was refused. The error pages and the
// log carry the wrapped detail.
var (
	errCIMDURL      = errors.New("mcpserver: client_id is not a valid client metadata document URL")
	errCIMDFetch    = errors.New("mcpserver: the client metadata document could not be fetched")
	errCIMDDocument = errors.New("mcpserver: the client metadata document is refused")
	errCIMDBusy     = errors.New("mcpserver: too many client metadata documents are being fetched at once; try again")
)

// cimdFetcher fetches, checks and caches client metadata documents. It is
// safe for concurrent use.
type cimdFetcher struct {
	http *http.Client
	// dialer makes http's connections. Its Control is refuseSpecialUse;
	// the tests wrap it, before the first fetch, so that no connection
	// leaves loopback even when refuseSpecialUse is broken.
	dialer *net.Dialer
	sem    chan struct{} // one token per fetch in progress

	mu    sync.Mutex
	cache *store[cimdClient] // client_id URL → its client
}

// cimdClient is a client known by its metadata document.
type cimdClient struct {
	// id is the client_id URL: one copy, which every code and refresh
	// token family of the client shares, so that a long URL is not kept
	// once per code.
	id           string
	redirectURIs []string
}

// newCIMDFetcher returns a fetcher whose fetches time out after timeout,
// at most maxFetches at once.
func newCIMDFetcher(timeout time.Duration, maxFetches int) *cimdFetcher {
	dialer := &net.Dialer{Timeout: timeout, Control: refuseSpecialUse}
	return &cimdFetcher{
		http: &http.Client{
			Timeout: timeout,
			Transport: &http.Transport{
				// No proxy from the environment: the address checked by
				// refuseSpecialUse must be the document's.
				Proxy:                 nil,
				DialContext:           dialer.DialContext,
				TLSHandshakeTimeout:   timeout,
				ResponseHeaderTimeout: timeout,
				MaxIdleConns:          maxFetches,
				IdleConnTimeout:       time.Minute,
			},
			// Draft §5: the server MUST NOT follow redirects. The 3xx is
			// then the answer, and only a 200 counts.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		dialer: dialer,
		sem:    make(chan struct{}, maxFetches),
		cache:  newStore[cimdClient](cimdCacheMax, cimdCacheTTL),
	}
}

// isClientIDURL reports whether clientID is meant as a client metadata
// document URL rather than a registered client's ID (registered IDs are
// base32, never URLs; draft §7.1).
func isClientIDURL(clientID string) bool {
	return strings.HasPrefix(clientID, "https://") || strings.HasPrefix(clientID, "http://")
}

// client returns the client whose client_id is the URL clientID: from the
// cache, or fetched and checked. Errors wrap errCIMDURL, errCIMDFetch,
// errCIMDDocument or errCIMDBusy; none is cached (draft §5.2).
func (f *cimdFetcher) client(ctx context.Context, clientID string, now time.Time) (cimdClient, error) {
	if err := checkClientIDURL(clientID); err != nil {
		return cimdClient{}, err
	}
	f.mu.Lock()
	c, ok := f.cache.get(clientID, now)
	f.mu.Unlock()
	if ok {
		return c, nil
	}
	select {
	case f.sem <- struct{}{}:
		defer func() { <-f.sem }()
	default:
		return cimdClient{}, errCIMDBusy
	}
	uris, err := f.fetch(ctx, clientID)
	if err != nil {
		return cimdClient{}, err
	}
	c = cimdClient{id: strings.Clone(clientID), redirectURIs: uris}
	f.mu.Lock()
	f.cache.put(c.id, c, now)
	f.mu.Unlock()
	return c, nil
}

// checkClientIDURL applies draft §3: an https URL (or, for development,
// http on a loopback host, which §8.6 lets a dev server on loopback fetch)
// with a path, and without userinfo, dot segments or a fragment. A query
// is allowed: §3 only says SHOULD NOT.
func checkClientIDURL(s string) error {
	bad := func(why string) error { return fmt.Errorf("%w: %s", errCIMDURL, why) }
	if len(s) > cimdMaxURL {
		return bad(fmt.Sprintf("longer than %d bytes", cimdMaxURL))
	}
	// Any '#', even an empty fragment that url.Parse drops (§3: MUST NOT
	// contain a fragment).
	if strings.Contains(s, "#") {
		return bad("it has a fragment")
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return bad("not an absolute URL with a host")
	}
	switch {
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		return bad("http is allowed on a loopback host only (127.0.0.1, [::1], localhost); use https")
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("the scheme must be https")
	case u.User != nil:
		return bad("it has userinfo")
	case u.Path == "":
		return bad("it has no path")
	}
	// Decoded, so that %2e%2e counts as "..".
	for seg := range strings.SplitSeq(u.Path, "/") {
		if seg == "." || seg == ".." {
			return bad("its path has a dot segment")
		}
	}
	return nil
}

// fetch gets the document at clientID and checks it.
func (f *cimdFetcher) fetch(ctx context.Context, clientID string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, clientID, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCIMDURL, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := f.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errCIMDFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: status %d, want 200 (redirects are not followed)", errCIMDFetch, resp.StatusCode)
	}
	// One byte more than the limit tells a document that is too big
	// from one that is exactly at it.
	body, err := io.ReadAll(io.LimitReader(resp.Body, cimdMaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the body: %v", errCIMDFetch, err)
	}
	if len(body) > cimdMaxBody {
		return nil, fmt.Errorf("%w: over %d bytes", errCIMDDocument, cimdMaxBody)
	}
	return parseClientMetadata(clientID, body)
}

// parseClientMetadata checks a client metadata document fetched from
// clientID and returns its redirect_uris. Member names are matched exactly
// (encoding/json would match a struct field case-insensitively).
func parseClientMetadata(clientID string, body []byte) ([]string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{errCIMDDocument}, args...)...)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil || doc == nil {
		return nil, bad("not a JSON object")
	}
	var id string
	if err := json.Unmarshal(doc["client_id"], &id); err != nil || id != clientID {
		// Draft §4: simple string comparison with the URL fetched.
		return nil, bad("its client_id must be the URL it was fetched from, %q", clientID)
	}
	// Draft §4.1: no shared secret; the demo's clients are public, so the
	// only method is none (private_key_jwt is refused too).
	for _, m := range []string{"client_secret", "client_secret_expires_at"} {
		if _, ok := doc[m]; ok {
			return nil, bad("it must not carry %s", m)
		}
	}
	if raw, ok := doc["token_endpoint_auth_method"]; ok {
		var method string
		if err := json.Unmarshal(raw, &method); err != nil || method != "none" {
			return nil, bad(`token_endpoint_auth_method must be "none": the demo's clients are public`)
		}
	}
	if hasPrivateKey(doc["jwks"]) {
		return nil, bad("its jwks must not hold private or symmetric key material")
	}
	var uris []string
	if err := json.Unmarshal(doc["redirect_uris"], &uris); err != nil || len(uris) == 0 {
		return nil, bad("redirect_uris must be a non-empty array of strings")
	}
	if len(uris) > maxRedirectURIs {
		return nil, bad("at most %d redirect_uris", maxRedirectURIs)
	}
	for _, u := range uris {
		if !validRedirectURI(u) {
			return nil, bad("redirect_uris must be absolute https URLs or http URLs on a loopback host, without a fragment")
		}
	}
	return uris, nil
}

// hasPrivateKey reports whether jwks, a JWK Set (RFC 7517 §5), has a key
// with a private member (RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2) or a
// symmetric one (RFC 7518 §6.4.1), which draft §4.1 forbids. Anything that
// is not a JWK Set is left alone: the demo does not use jwks.
func hasPrivateKey(jwks json.RawMessage) bool {
	var set struct {
		Keys []map[string]json.RawMessage `json:"keys"`
	}
	if json.Unmarshal(jwks, &set) != nil {
		return false
	}
	for _, k := range set.Keys {
		for _, m := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
			if _, ok := k[m]; ok {
				return true
			}
		}
	}
	return false
}

// specialUse are the special-use prefixes of RFC 6890 (and its registry's
// later entries), plus multicast, other than loopback. Draft §8.6: the
// server MUST NOT fetch a document at such an address; a dev server on
// loopback MAY fetch from loopback, which is how the demo is used.
var specialUse = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.88.99.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001::/23"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("ff00::/8"),
}

// fetchAllowed reports whether a document may be fetched from addr:
// loopback, or an address outside specialUse.
func fetchAllowed(addr netip.Addr) bool {
	addr = addr.Unmap()
	if addr.IsLoopback() {
		return true
	}
	for _, p := range specialUse {
		if p.Contains(addr) {
			return false
		}
	}
	return addr.IsValid()
}

// refuseSpecialUse is a net.Dialer Control: it runs on the address each
// connection is about to use, after name resolution, so a name that
// resolves to a special-use address is refused too.
func refuseSpecialUse(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !fetchAllowed(addr) {
		return fmt.Errorf("%s is a special-use address (draft-ietf-oauth-client-id-metadata-document §8.6)", host)
	}
	return nil
}
