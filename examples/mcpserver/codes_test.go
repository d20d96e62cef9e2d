package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// authorizeInProcess runs one authorization request through d's
// authorization server without a round trip, and returns the code.
func authorizeInProcess(t *testing.T, d *demo, clientID string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	d.as.authorize(rec, httptest.NewRequest(http.MethodGet, authorizePath+"?"+authorizeParams(d, clientID).Encode(), nil))
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: status %d, Location %q; want 302 with a code", rec.Code, rec.Header().Get("Location"))
	}
	return loc.Query().Get("code")
}

// TestAuthServerCodeCap: unredeemed codes are capped at maxCodes. Past it,
// each new code pushes out the oldest, so a flood of authorizations that
// are never redeemed holds the store at maxCodes, and a flow right after
// it works.
func TestAuthServerCodeCap(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clientID := registerClient(t, d)
	const n = maxCodes + 100
	codes := make([]string, n)
	for i := range codes {
		codes[i] = authorizeInProcess(t, d, clientID)
	}
	if got := len(codesStored(d)); got != maxCodes {
		t.Errorf("%d codes stored after %d authorizations, want %d", got, n, maxCodes)
	}
	for _, tt := range []struct {
		name string
		code string
		want int
	}{
		{"oldest, dropped", codes[0], http.StatusBadRequest},
		{"last one dropped", codes[n-maxCodes-1], http.StatusBadRequest},
		{"oldest one kept", codes[n-maxCodes], http.StatusOK},
		{"newest", codes[n-1], http.StatusOK},
	} {
		if st, tr := tokenReq(t, d, codeForm(d, clientID, tt.code)); st != tt.want {
			t.Errorf("%s: token status %d, %+v; want %d", tt.name, st, tr, tt.want)
		}
	}
	// A fresh flow, over the network, right after the flood.
	st, q := authorize(t, d, authorizeParams(d, clientID))
	if st != http.StatusFound || q.Get("code") == "" {
		t.Fatalf("authorize after the flood: status %d, %v", st, q)
	}
	if st, tr := tokenReq(t, d, codeForm(d, clientID, q.Get("code"))); st != http.StatusOK || tr.AccessToken == "" {
		t.Errorf("token after the flood: status %d, %+v; want 200", st, tr)
	}
}

// TestAuthServerCodeTTL: a code can be exchanged for codeTTL (one minute),
// and not after.
func TestAuthServerCodeTTL(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	clock := setClock(d)
	clientID := registerClient(t, d)
	for _, tt := range []struct {
		age  time.Duration
		want int
	}{
		{0, http.StatusOK},
		{codeTTL, http.StatusOK},
		{codeTTL + time.Second, http.StatusBadRequest},
	} {
		code := authorizeInProcess(t, d, clientID)
		clock.advance(tt.age)
		if st, tr := tokenReq(t, d, codeForm(d, clientID, code)); st != tt.want || (st == http.StatusBadRequest) != (tr.Error == "invalid_grant") {
			t.Errorf("code exchanged %v after it was issued: status %d, %+v; want %d", tt.age, st, tr, tt.want)
		}
	}
	if codeTTL != time.Minute {
		t.Errorf("codeTTL %v, want one minute", codeTTL)
	}
}

// TestAuthServerCodesDoNotPinQueries: a code keeps copies of what it needs
// from the authorization request, not substrings of its query, which would
// keep the whole query alive for the code's minute. 1000 codes, each from
// a query of over 16 KiB, must grow the heap by far less than the 16 MiB
// of those queries (measured: about 0.3 MiB; with substrings, 16 MiB).
func TestAuthServerCodesDoNotPinQueries(t *testing.T) {
	d := startAuthDemo(t, modes[0], time.Minute, false)
	long := testRedirectURI + "?pad=" + strings.Repeat("x", 16<<10)
	d.as.mu.Lock()
	d.as.clients["long"] = []string{long}
	d.as.mu.Unlock()
	q := authorizeParams(d, "long")
	q.Set("redirect_uri", long)
	target := authorizePath + "?" + q.Encode()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for range 1000 {
		rec := httptest.NewRecorder()
		d.as.authorize(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusFound {
			t.Fatalf("authorize: status %d, %s", rec.Code, rec.Body)
		}
	}
	grown := int64(heap()) - int64(before)
	if n := len(codesStored(d)); n != 1000 {
		t.Fatalf("%d codes stored, want 1000", n)
	}
	if grown > 4<<20 {
		t.Errorf("1000 codes grew the heap by %.1f MiB, want under 4 MiB", float64(grown)/(1<<20))
	}
}
