package oauth2exp_test

import (
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/oauth2exp"
	"golang.org/x/oauth2"
)

func TestExpiry(t *testing.T) {
	hour := t0.Add(time.Hour)
	day := t0.Add(24 * time.Hour)
	tests := []struct {
		name string
		tok  *oauth2.Token
		want time.Time
	}{
		{"nil token", nil, time.Time{}},
		{"opaque with expires_in", &oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA", Expiry: hour}, hour},
		{"opaque without expires_in", &oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA"}, time.Time{}},
		{"empty access token", &oauth2.Token{Expiry: hour}, hour},
		{"exp earlier than expires_in wins", &oauth2.Token{AccessToken: jwtExp(hour), Expiry: day}, hour},
		{"exp later than expires_in loses", &oauth2.Token{AccessToken: jwtExp(day), Expiry: hour}, hour},
		{"exp equal to expires_in", &oauth2.Token{AccessToken: jwtExp(hour), Expiry: hour}, hour},
		{"exp fills a missing expires_in", &oauth2.Token{AccessToken: jwtExp(hour)}, hour},
		{"exp 0 is the epoch, not unknown", &oauth2.Token{AccessToken: jwt(`{"exp":0}`)}, time.Unix(0, 0)},
		{"fractional exp", &oauth2.Token{AccessToken: jwt(`{"exp":1700000000.25}`)}, t0.Add(250 * time.Millisecond)},
		{"JWT without exp", &oauth2.Token{AccessToken: jwt(`{"sub":"jane"}`), Expiry: hour}, hour},
		{"JWT without exp nor expires_in", &oauth2.Token{AccessToken: jwt(`{"sub":"jane"}`)}, time.Time{}},
		{"malformed exp", &oauth2.Token{AccessToken: jwt(`{"exp":"soon"}`), Expiry: hour}, hour},
		{"malformed JSON", &oauth2.Token{AccessToken: jwt(`{"exp":1700000000`), Expiry: hour}, hour},
		{"JWE, five segments", &oauth2.Token{AccessToken: "a.b.c.d.e", Expiry: hour}, hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before oauth2.Token
			if tt.tok != nil {
				before = *tt.tok
			}
			got := oauth2exp.Expiry(tt.tok)
			if !got.Equal(tt.want) || got.IsZero() != tt.want.IsZero() {
				t.Errorf("Expiry = %v, want %v", got, tt.want)
			}
			if tt.tok != nil && (tt.tok.AccessToken != before.AccessToken || !tt.tok.Expiry.Equal(before.Expiry)) {
				t.Errorf("Expiry modified the token: %+v, was %+v", *tt.tok, before)
			}
		})
	}
}

// TestExpiryAllocs pins that Expiry allocates nothing: it runs once per
// token a source obtains, and callers may use it per request.
func TestExpiryAllocs(t *testing.T) {
	tok := &oauth2.Token{AccessToken: jwtExp(t0), Expiry: t0.Add(time.Hour)}
	if allocs := testing.AllocsPerRun(100, func() { oauth2exp.Expiry(tok) }); allocs != 0 {
		t.Errorf("Expiry allocates %v times per call, want 0", allocs)
	}
}

// peerTokens are real tokens from the JWT libraries' test suites, as in the
// root module's testdata/peer-tokens.txt.
var peerTokens = []string{
	// RFC 7519 §3.1: {"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}
	"eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	// {"foo":"bar"}: no exp
	"eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJmb28iOiJiYXIifQ.feG39E-bn8HXAKhzDZq7yEAPWYDhZlwTn3sePJnU9VrGMmwdXAIEyoOnrjreYlVM_Z4N13eK9-TmMTWyfKJtHQ",
	// {"foo":"bar","iss":"test","exp":1516239022}
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmb28iOiJiYXIiLCJpc3MiOiJ0ZXN0IiwiZXhwIjoxNTE2MjM5MDIyfQ.xVuY2FZ_MRXMIEgVQ7J-TFtaucVFRXUzHm9LmV41goM",
	// {"aud":["aud1","aud2"],"exp":2000000000,...}
	"eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOlsiYXVkMSIsImF1ZDIiXSwiZXhwIjoyMDAwMDAwMDAwLCJpYXQiOjEwMDAwMDAwMDAsImlzcyI6Imlzc3VlciIsImp0aSI6ImlkIiwibmJmIjoxMDAwMDAwMDAwLCJzdWIiOiJzdWJqZWN0In0.mtKneR2QLqqpxZp62CWgoARW5IZZ-6oJEI4SlrWdtyk",
	// {"exp":-1}
	"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOi0xfQ.b-wfRTDWpxIJlTZ6HhqixoEVjpOwbXH9X06A5P_EXTk",
	// {"exp":"notanumber"}
	"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOiJub3RhbnVtYmVyIn0.kouStcxIDI_0iZKh5BGtIKcPmQruOSLqEPGtKvrVOFg",
	// {"exp":1e10}
	"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjFlMTB9.32Uk1ulghgLYrtage12J7qQmrFzCAIeR_m35oBxOnkk",
	// {"exp":9223372036854775807}: out of range, malformed
	"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjkyMjMzNzIwMzY4NTQ3NzU4MDd9.z-hjKKWLsbISH5EWCuztWkHCW3UBYeoNci5C-6XAr2k",
	// {"exp":1.30081938e+09,...}
	"eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJleHAiOjEuMzAwODE5MzhlKzA5LCJodHRwOi8vZXhhbXBsZS5jb20vaXNfcm9vdCI6dHJ1ZSwiaXNzIjoiam9lIn0.KWZEuOD5lbBxZ34g7F-SlVLAQ_r5KApWNWlZIIMyQVz5Zs58a7XdNzj5_0EcNoOy",
}

// FuzzExpiry checks Expiry against its definition, the earlier of the
// known ones among jwtexp.UnverifiedExp and tok.Expiry, and that sources
// built over any token return that expiry on a copy and never panic.
func FuzzExpiry(f *testing.F) {
	for i, tok := range peerTokens {
		f.Add(tok, int64(1300819380-i), int64(0), i%2 == 0)
		f.Add(tok, int64(2000000000+i), int64(999999999), true)
	}
	f.Add("2YotnFZFEjr1zCsicMWpAA", int64(1700000000), int64(0), true)
	f.Add("", int64(0), int64(0), false)
	f.Add(jwt(`{"exp":1700000000.5}`), int64(1700000000), int64(500000000), true)
	f.Add(jwt(`{"exp":-62135596800}`), int64(-62135596800), int64(0), false)
	f.Fuzz(func(t *testing.T, access string, sec, nsec int64, has bool) {
		tok := &oauth2.Token{AccessToken: access, TokenType: "Bearer"}
		if has {
			tok.Expiry = time.Unix(sec, nsec)
		}
		before := *tok

		var want time.Time
		exp, err := jwtexp.UnverifiedExp(access)
		switch {
		case err != nil:
			want = tok.Expiry
		case tok.Expiry.IsZero() || exp.Before(tok.Expiry):
			want = exp
		default:
			want = tok.Expiry
		}
		got := oauth2exp.Expiry(tok)
		if !got.Equal(want) {
			t.Fatalf("Expiry = %v, want %v (exp %v, %v; tok.Expiry %v)", got, want, exp, err, tok.Expiry)
		}
		if err == nil && got.After(exp) || !tok.Expiry.IsZero() && got.After(tok.Expiry) {
			t.Fatalf("Expiry = %v is later than a known expiry (exp %v, tok.Expiry %v)", got, exp, tok.Expiry)
		}

		// No refresh token, so TokenSource never calls the (absent) endpoint.
		clk := newClock()
		sources := map[string]oauth2.TokenSource{
			"TokenSource": oauth2exp.TokenSource(ctx, &oauth2.Config{}, tok, oauth2exp.WithClock(clk.Now)),
			"ReuseTokenSource": oauth2exp.ReuseTokenSource(tok, oauth2.StaticTokenSource(tok),
				oauth2exp.WithClock(clk.Now)),
		}
		for name, ts := range sources {
			for _, now := range []time.Time{t0, time.Unix(sec, nsec), got} {
				clk.Set(now)
				res, err := ts.Token()
				if err != nil {
					t.Fatalf("%s: Token at %v: %v", name, now, err)
				}
				if res == tok {
					t.Fatalf("%s: Token returned the caller's token, not a copy", name)
				}
				if res.AccessToken != access || !res.Expiry.Equal(want) {
					t.Fatalf("%s: Token = %q expiring %v, want %q expiring %v", name, res.AccessToken, res.Expiry, access, want)
				}
			}
		}
		if tok.AccessToken != before.AccessToken || !tok.Expiry.Equal(before.Expiry) {
			t.Fatalf("the token was modified: %+v, was %+v", *tok, before)
		}
	})
}
