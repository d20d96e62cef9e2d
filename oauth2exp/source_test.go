package oauth2exp_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/oauth2exp"
	"golang.org/x/oauth2"
)

// constructors builds a source over tok with each constructor, for the rules
// that hold for all three. The endpoint answers TokenSource's and
// NewTokenSource's refreshes; ReuseTokenSource asks a source that fetches
// from the same endpoint with the refresh token it was given.
func constructors(t *testing.T, e *endpoint) map[string]func(tok *oauth2.Token, opts ...oauth2exp.Option) oauth2.TokenSource {
	return map[string]func(*oauth2.Token, ...oauth2exp.Option) oauth2.TokenSource{
		"TokenSource": func(tok *oauth2.Token, opts ...oauth2exp.Option) oauth2.TokenSource {
			return oauth2exp.TokenSource(ctx, e.config(), tok, opts...)
		},
		"NewTokenSource": func(tok *oauth2.Token, opts ...oauth2exp.Option) oauth2.TokenSource {
			ts, err := oauth2exp.NewTokenSource(opts...)(ctx, e.config(), tok)
			if err != nil {
				t.Fatalf("NewTokenSource: %v", err)
			}
			return ts
		},
		"ReuseTokenSource": func(tok *oauth2.Token, opts ...oauth2exp.Option) oauth2.TokenSource {
			src := &countingSource{next: func(int) (*oauth2.Token, error) {
				return e.config().TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			}}
			return oauth2exp.ReuseTokenSource(tok, src, opts...)
		},
	}
}

// Rule: the tokens a source returns are copies carrying Expiry(tok); the
// exp fills a missing expires_in and wins when earlier, never when later.
func TestSourceExpiry(t *testing.T) {
	hour := t0.Add(time.Hour)
	day := t0.Add(24 * time.Hour)
	tests := []struct {
		name string
		tok  oauth2.Token
		want time.Time
	}{
		{"exp fills a missing expires_in", oauth2.Token{AccessToken: jwtExp(hour)}, hour},
		{"exp earlier than expires_in", oauth2.Token{AccessToken: jwtExp(hour), Expiry: day}, hour},
		{"exp later than expires_in", oauth2.Token{AccessToken: jwtExp(day), Expiry: hour}, hour},
		{"opaque", oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA", Expiry: hour}, hour},
		{"opaque without expires_in", oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA"}, time.Time{}},
		{"malformed JWT", oauth2.Token{AccessToken: jwt(`{"exp":"tomorrow"}`), Expiry: day}, day},
	}
	for name, build := range constructors(t, newEndpoint(t, nil)) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				clk := newClock()
				tok := tt.tok
				tok.RefreshToken = "rt"
				tokp := tok.WithExtra(map[string]any{"scope": "mcp:tools"})
				before := *tokp
				ts := build(tokp, oauth2exp.WithClock(clk.Now))
				got, err := ts.Token()
				if err != nil {
					t.Fatalf("Token: %v", err)
				}
				if got == tokp {
					t.Fatal("Token returned the caller's token, not a copy")
				}
				if !got.Expiry.Equal(tt.want) || got.Expiry.IsZero() != tt.want.IsZero() {
					t.Errorf("Expiry = %v, want %v", got.Expiry, tt.want)
				}
				if got.AccessToken != tok.AccessToken || got.RefreshToken != "rt" || got.Extra("scope") != "mcp:tools" {
					t.Errorf("Token = %+v (scope %v), want a copy of %+v", *got, got.Extra("scope"), before)
				}
				if tokp.AccessToken != before.AccessToken || !tokp.Expiry.Equal(before.Expiry) || tokp.RefreshToken != before.RefreshToken {
					t.Errorf("the caller's token was modified: %+v, was %+v", *tokp, before)
				}
				if again, _ := ts.Token(); again != got {
					t.Error("a second call returned another pointer for the same cached token")
				}
			})
		}
	}
}

// Rule: a refreshed token carries Expiry of what the endpoint answered.
func TestRefreshedExpiry(t *testing.T) {
	clk := newClock()
	tests := []struct {
		name      string
		access    string
		expiresIn int
		// want is the expected Expiry; for expires_in, which x/oauth2 counts
		// from the real clock, wantIn is added to the real time instead.
		want   time.Time
		wantIn time.Duration
	}{
		{name: "exp, no expires_in", access: jwtExp(t0.Add(time.Hour)), want: t0.Add(time.Hour)},
		{name: "exp earlier than expires_in", access: jwtExp(t0.Add(time.Hour)), expiresIn: 1 << 30, want: t0.Add(time.Hour)},
		{name: "expires_in earlier than exp", access: jwtExp(time.Now().Add(48 * time.Hour)), expiresIn: 3600, wantIn: time.Hour},
		{name: "opaque, no expires_in", access: "2YotnFZFEjr1zCsicMWpAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, func(int, url.Values) (int, any) {
				body := map[string]any{"access_token": tt.access, "token_type": "Bearer"}
				if tt.expiresIn != 0 {
					body["expires_in"] = tt.expiresIn
				}
				return http.StatusOK, body
			})
			expired := &oauth2.Token{AccessToken: jwtExp(t0.Add(-time.Hour)), RefreshToken: "rt"}
			ts := oauth2exp.TokenSource(ctx, e.config(), expired, oauth2exp.WithClock(clk.Now))
			start := time.Now()
			got, err := ts.Token()
			end := time.Now()
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			if got.AccessToken != tt.access {
				t.Fatalf("AccessToken = %q, want the refreshed %q", got.AccessToken, tt.access)
			}
			if tt.wantIn != 0 {
				if got.Expiry.Before(start.Add(tt.wantIn).Add(-time.Second)) || got.Expiry.After(end.Add(tt.wantIn).Add(time.Second)) {
					t.Errorf("Expiry = %v, want about %v", got.Expiry, start.Add(tt.wantIn))
				}
				return
			}
			if !got.Expiry.Equal(tt.want) || got.Expiry.IsZero() != tt.want.IsZero() {
				t.Errorf("Expiry = %v, want %v", got.Expiry, tt.want)
			}
		})
	}
}

// Rule: a source refreshes at Expiry - min(early, (Expiry-obtained)/2), and
// not before.
func TestRefreshPoint(t *testing.T) {
	type probe struct {
		at   time.Duration // after t0, when the source got its token
		want int           // token endpoint requests so far
	}
	const ns = time.Nanosecond
	tests := []struct {
		name   string
		access string        // the access token; "" is replaced by a JWT with exp at t0+exp
		exp    time.Duration // the JWT's exp, after t0
		expiry time.Duration // tok.Expiry after t0 (expires_in); 0 for none
		opts   []oauth2exp.Option
		probes []probe
	}{
		{name: "1h JWT refreshes 10s early", exp: time.Hour,
			probes: []probe{{0, 0}, {time.Hour - 10*time.Second - ns, 0}, {time.Hour - 10*time.Second, 1}}},
		{name: "3s JWT is used for its first 1.5s", exp: 3 * time.Second,
			probes: []probe{{0, 0}, {time.Second, 0}, {1500*time.Millisecond - ns, 0}, {1500 * time.Millisecond, 1}}},
		{name: "20s JWT: half its life is the margin", exp: 20 * time.Second,
			probes: []probe{{10*time.Second - ns, 0}, {10 * time.Second, 1}}},
		{name: "WithEarly(0) refreshes at exp", exp: time.Hour, opts: []oauth2exp.Option{oauth2exp.WithEarly(0)},
			probes: []probe{{time.Hour - ns, 0}, {time.Hour, 1}}},
		{name: "WithEarly(1m)", exp: time.Hour, opts: []oauth2exp.Option{oauth2exp.WithEarly(time.Minute)},
			probes: []probe{{59*time.Minute - ns, 0}, {59 * time.Minute, 1}}},
		{name: "WithEarly(2h) is capped at half the life", exp: time.Hour, opts: []oauth2exp.Option{oauth2exp.WithEarly(2 * time.Hour)},
			probes: []probe{{30*time.Minute - ns, 0}, {30 * time.Minute, 1}}},
		{name: "later option wins", exp: time.Hour, opts: []oauth2exp.Option{oauth2exp.WithEarly(time.Minute), oauth2exp.WithEarly(0)},
			probes: []probe{{time.Hour - ns, 0}, {time.Hour, 1}}},
		{name: "expires_in earlier than exp", exp: time.Hour, expiry: 10 * time.Minute,
			probes: []probe{{10*time.Minute - 10*time.Second - ns, 0}, {10*time.Minute - 10*time.Second, 1}}},
		{name: "exp earlier than expires_in", exp: 10 * time.Minute, expiry: time.Hour,
			probes: []probe{{10*time.Minute - 10*time.Second - ns, 0}, {10*time.Minute - 10*time.Second, 1}}},
		{name: "opaque with expires_in", access: "2YotnFZFEjr1zCsicMWpAA", expiry: time.Hour,
			probes: []probe{{time.Hour - 10*time.Second - ns, 0}, {time.Hour - 10*time.Second, 1}}},
		{name: "no expiry known: kept, as x/oauth2 does", access: "2YotnFZFEjr1zCsicMWpAA",
			probes: []probe{{0, 0}, {100 * 365 * 24 * time.Hour, 0}}},
		{name: "already expired: refreshed at the first call", exp: -time.Minute,
			probes: []probe{{0, 1}, {time.Second, 1}}},
		{name: "expiring as obtained: refreshed at the first call", exp: 0,
			probes: []probe{{0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			e := newEndpoint(t, freshJWT(clk))
			tok := &oauth2.Token{AccessToken: tt.access, RefreshToken: "rt"}
			if tok.AccessToken == "" {
				tok.AccessToken = jwtExp(t0.Add(tt.exp))
			}
			if tt.expiry != 0 {
				tok.Expiry = t0.Add(tt.expiry)
			}
			ts := oauth2exp.TokenSource(ctx, e.config(), tok, append(tt.opts, oauth2exp.WithClock(clk.Now))...)
			for _, p := range tt.probes {
				clk.Set(t0.Add(p.at))
				got, err := ts.Token()
				if err != nil {
					t.Fatalf("Token at t0+%v: %v", p.at, err)
				}
				if n := e.requests(); n != p.want {
					t.Fatalf("at t0+%v: %d token requests, want %d", p.at, n, p.want)
				}
				if refreshed := got.AccessToken != tok.AccessToken; refreshed != (p.want > 0) {
					t.Fatalf("at t0+%v: got the refreshed token: %v, want %v", p.at, refreshed, p.want > 0)
				}
			}
		})
	}
}

// Rule: the refresh point holds for ReuseTokenSource too, which asks its
// source again at each refresh point, and for a token with an empty access
// token, which is replaced at the next call.
func TestReuseRefreshPoint(t *testing.T) {
	clk := newClock()
	src := &countingSource{next: func(n int) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: jwtExp(clk.Now().Add(time.Minute))}, nil
	}}
	ts := oauth2exp.ReuseTokenSource(&oauth2.Token{AccessToken: jwtExp(t0.Add(3 * time.Second))}, src, oauth2exp.WithClock(clk.Now))
	for _, p := range []struct {
		at   time.Duration
		want int
	}{
		{0, 0},
		{time.Second, 0},
		{1500 * time.Millisecond, 1}, // half the 3s token's life; the new one's exp is t0+61s
		{51*time.Second - time.Nanosecond, 1},
		{51 * time.Second, 2}, // 10s before its exp
	} {
		clk.Set(t0.Add(p.at))
		if _, err := ts.Token(); err != nil {
			t.Fatalf("Token at t0+%v: %v", p.at, err)
		}
		if n := src.count(); n != p.want {
			t.Fatalf("at t0+%v: %d calls to the source, want %d", p.at, n, p.want)
		}
	}

	empty := &countingSource{next: func(n int) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: strings.Repeat("x", n-1)}, nil // "" first
	}}
	ts = oauth2exp.ReuseTokenSource(nil, empty, oauth2exp.WithClock(clk.Now))
	for want := 1; want <= 2; want++ {
		if _, err := ts.Token(); err != nil {
			t.Fatal(err)
		}
		if n := empty.count(); n != want {
			t.Fatalf("%d calls to the source, want %d: an empty access token is replaced at the next call", n, want)
		}
	}
	if _, err := ts.Token(); err != nil || empty.count() != 2 {
		t.Fatalf("Token: %v after %d calls, want the opaque token kept after 2", err, empty.count())
	}
}

// Rule: a refresh sends the current refresh token, and a response without
// one keeps it, as x/oauth2 does.
func TestRefreshTokenRotation(t *testing.T) {
	clk := newClock()
	e := newEndpoint(t, func(n int, _ url.Values) (int, any) {
		body := map[string]any{"access_token": jwtExp(clk.Now().Add(time.Minute)), "token_type": "Bearer"}
		if n == 1 {
			body["refresh_token"] = "rt2"
		}
		return http.StatusOK, body
	})
	ts := oauth2exp.TokenSource(ctx, e.config(), &oauth2.Token{AccessToken: jwtExp(t0), RefreshToken: "rt1"}, oauth2exp.WithClock(clk.Now))
	for i, want := range []string{"rt1", "rt2", "rt2"} {
		clk.Set(t0.Add(time.Duration(i) * time.Hour))
		tok, err := ts.Token()
		if err != nil {
			t.Fatalf("Token %d: %v", i, err)
		}
		if got := e.form(i).Get("refresh_token"); got != want {
			t.Errorf("refresh %d sent refresh_token %q, want %q", i, got, want)
		}
		if got := e.form(i).Get("grant_type"); got != "refresh_token" {
			t.Errorf("refresh %d: grant_type %q", i, got)
		}
		if tok.RefreshToken != "rt2" {
			t.Errorf("after refresh %d the token's refresh token is %q, want rt2", i, tok.RefreshToken)
		}
	}
}

// Rule: without a refresh token, TokenSource and NewTokenSource return the
// token, expired or not, and never call the token endpoint.
func TestNoRefreshToken(t *testing.T) {
	tests := []struct {
		name string
		tok  oauth2.Token
	}{
		{"expired JWT", oauth2.Token{AccessToken: jwtExp(t0.Add(-time.Hour))}},
		{"JWT expiring", oauth2.Token{AccessToken: jwtExp(t0.Add(3 * time.Second))}},
		{"opaque past expires_in", oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA", Expiry: t0.Add(-time.Second)}},
		{"opaque without expiry", oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA"}},
		{"empty access token", oauth2.Token{}},
	}
	e := newEndpoint(t, func(int, url.Values) (int, any) {
		return http.StatusBadRequest, map[string]any{"error": "invalid_request"}
	})
	builds := constructors(t, e)
	for _, name := range []string{"TokenSource", "NewTokenSource"} {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				clk := newClock()
				tok := tt.tok
				ts := builds[name](&tok, oauth2exp.WithClock(clk.Now))
				// The last instant is past any refresh point a source can
				// compute, 2^62 s after the epoch.
				for _, at := range []time.Time{t0, t0.Add(time.Hour), t0.AddDate(100, 0, 0), time.Unix(1<<62, 0).Add(time.Hour)} {
					clk.Set(at)
					got, err := ts.Token()
					if err != nil {
						t.Fatalf("Token at %v: %v, want the token", at, err)
					}
					if got.AccessToken != tok.AccessToken || !got.Expiry.Equal(oauth2exp.Expiry(&tok)) {
						t.Fatalf("Token at %v = %+v, want %+v with Expiry %v", at, *got, tok, oauth2exp.Expiry(&tok))
					}
				}
				if n := e.requests(); n != 0 {
					t.Fatalf("%d token requests, want 0", n)
				}
			})
		}
	}

	// What this rule replaces: x/oauth2 fails, and the request never reaches
	// the server whose 401 would start re-authorization.
	expired := &oauth2.Token{AccessToken: jwtExp(t0), Expiry: time.Now().Add(-time.Second)}
	if _, err := e.config().TokenSource(ctx, expired).Token(); err == nil || !strings.Contains(err.Error(), "refresh token is not set") {
		t.Errorf("x/oauth2's source: %v, want its refresh-token-not-set error", err)
	}

	// ReuseTokenSource asks its source again instead.
	clk := newClock()
	src := &countingSource{next: func(int) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: jwtExp(clk.Now().Add(time.Hour))}, nil
	}}
	ts := oauth2exp.ReuseTokenSource(&oauth2.Token{AccessToken: jwtExp(t0.Add(-time.Hour))}, src, oauth2exp.WithClock(clk.Now))
	if _, err := ts.Token(); err != nil || src.count() != 1 {
		t.Errorf("ReuseTokenSource over an expired token without refresh token: %v, %d calls to its source, want 1", err, src.count())
	}
}

// Rule: a failed refresh returns the error as it came, an invalid_grant as
// the *oauth2.RetrieveError itself; the token stays and the next call tries
// again.
func TestRefreshErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   any
		check  func(t *testing.T, err error)
	}{
		{"invalid_grant", http.StatusBadRequest, map[string]any{"error": "invalid_grant", "error_description": "refresh token revoked"},
			func(t *testing.T, err error) {
				re, ok := err.(*oauth2.RetrieveError) // unwrapped, as go-sdk's errors.As also finds
				if !ok || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "refresh token revoked" {
					t.Errorf("error %T %v, want the *oauth2.RetrieveError with invalid_grant", err, err)
				}
				var as *oauth2.RetrieveError
				if !errors.As(err, &as) || as != re {
					t.Errorf("errors.As does not find the *oauth2.RetrieveError")
				}
			}},
		{"invalid_grant in a 200", http.StatusOK, map[string]any{"error": "invalid_grant"},
			func(t *testing.T, err error) {
				if re, ok := err.(*oauth2.RetrieveError); !ok || re.ErrorCode != "invalid_grant" {
					t.Errorf("error %T %v, want the *oauth2.RetrieveError with invalid_grant", err, err)
				}
			}},
		{"server error", http.StatusInternalServerError, "try later",
			func(t *testing.T, err error) {
				if re, ok := err.(*oauth2.RetrieveError); !ok || re.ErrorCode != "" || re.Response.StatusCode != http.StatusInternalServerError {
					t.Errorf("error %T %v, want x/oauth2's *oauth2.RetrieveError for a 500", err, err)
				}
			}},
		{"no access token", http.StatusOK, map[string]any{"token_type": "Bearer"},
			func(t *testing.T, err error) {
				if err == nil || !strings.Contains(err.Error(), "missing access_token") {
					t.Errorf("error %v, want x/oauth2's missing access_token", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			e := newEndpoint(t, func(int, url.Values) (int, any) { return tt.status, tt.body })
			tok := &oauth2.Token{AccessToken: jwtExp(t0.Add(time.Minute)), RefreshToken: "rt"}
			ts := oauth2exp.TokenSource(ctx, e.config(), tok, oauth2exp.WithClock(clk.Now))
			clk.Set(t0.Add(time.Hour))
			for i := 1; i <= 2; i++ {
				got, err := ts.Token()
				if got != nil {
					t.Errorf("Token = %+v with the error, want nil", *got)
				}
				tt.check(t, err)
				if n := e.requests(); n != i {
					t.Fatalf("%d token requests after %d calls, want %d: the next call tries again", n, i, i)
				}
			}
		})
	}

	t.Run("unreachable endpoint", func(t *testing.T) {
		e := newEndpoint(t, nil)
		cfg := e.config()
		e.srv.Close()
		ts := oauth2exp.TokenSource(ctx, cfg, &oauth2.Token{AccessToken: jwtExp(t0), RefreshToken: "rt"})
		var ue *url.Error
		if _, err := ts.Token(); !errors.As(err, &ue) {
			t.Errorf("error %T %v, want the *url.Error of the request", err, err)
		}
	})

	t.Run("ReuseTokenSource", func(t *testing.T) {
		sentinel := errors.New("custom source failed")
		src := &countingSource{next: func(int) (*oauth2.Token, error) { return nil, sentinel }}
		if _, err := oauth2exp.ReuseTokenSource(nil, src).Token(); err != sentinel {
			t.Errorf("error %v, want the source's own error value", err)
		}
		nilTok := &countingSource{next: func(int) (*oauth2.Token, error) { return nil, nil }}
		if tok, err := oauth2exp.ReuseTokenSource(nil, nilTok).Token(); tok != nil || err == nil || !strings.HasPrefix(err.Error(), "oauth2exp:") {
			t.Errorf("source returning (nil, nil): Token = %v, %v; want an oauth2exp error", tok, err)
		}
	})
}

// TestTokenAllocs pins that Token on a valid cached token allocates
// nothing. It runs before every request an MCP client sends, so an
// allocation there would be garbage per request; x/oauth2's own source
// allocates nothing there either.
func TestTokenAllocs(t *testing.T) {
	tok := &oauth2.Token{AccessToken: jwtExp(time.Now().Add(time.Hour)), RefreshToken: "rt"}
	for name, build := range constructors(t, newEndpoint(t, nil)) {
		ts := build(tok)
		if _, err := ts.Token(); err != nil {
			t.Fatal(err)
		}
		if allocs := testing.AllocsPerRun(1000, func() { ts.Token() }); allocs != 0 {
			t.Errorf("%s: Token allocates %v times per call on a valid token, want 0", name, allocs)
		}
	}
}

// Rule: bad input panics at construction with a message starting
// "oauth2exp:"; NewTokenSource's function returns an error instead.
func TestConstructionPanics(t *testing.T) {
	cfg := &oauth2.Config{}
	tok := &oauth2.Token{AccessToken: "a", RefreshToken: "rt"}
	src := oauth2.StaticTokenSource(tok)
	tests := []struct {
		name   string
		f      func()
		prefix string
	}{
		{"TokenSource nil config", func() { oauth2exp.TokenSource(ctx, nil, tok) }, "oauth2exp: TokenSource: "},
		{"TokenSource nil token", func() { oauth2exp.TokenSource(ctx, cfg, nil) }, "oauth2exp: TokenSource: "},
		{"ReuseTokenSource nil source", func() { oauth2exp.ReuseTokenSource(tok, nil) }, "oauth2exp: ReuseTokenSource: "},
		{"WithEarly negative", func() { oauth2exp.TokenSource(ctx, cfg, tok, oauth2exp.WithEarly(-time.Nanosecond)) }, "oauth2exp: WithEarly: "},
		{"WithEarly negative in NewTokenSource", func() { oauth2exp.NewTokenSource(oauth2exp.WithEarly(-time.Second)) }, "oauth2exp: WithEarly: "},
		{"WithEarly negative in ReuseTokenSource", func() { oauth2exp.ReuseTokenSource(nil, src, oauth2exp.WithEarly(-time.Second)) }, "oauth2exp: WithEarly: "},
		{"WithEarly negative then valid", func() { oauth2exp.ReuseTokenSource(nil, src, oauth2exp.WithEarly(-1), oauth2exp.WithEarly(1)) }, "oauth2exp: WithEarly: "},
		{"WithClock nil", func() { oauth2exp.TokenSource(ctx, cfg, tok, oauth2exp.WithClock(nil)) }, "oauth2exp: WithClock: "},
		{"nil Option in TokenSource", func() { oauth2exp.TokenSource(ctx, cfg, tok, nil) }, "oauth2exp: TokenSource: "},
		{"nil Option in NewTokenSource", func() { oauth2exp.NewTokenSource(oauth2exp.WithEarly(0), nil) }, "oauth2exp: NewTokenSource: "},
		{"nil Option in ReuseTokenSource", func() { oauth2exp.ReuseTokenSource(nil, src, nil) }, "oauth2exp: ReuseTokenSource: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, tt.prefix) {
					t.Errorf("panic %q, want a message starting %q", msg, tt.prefix)
				}
			}()
			tt.f()
		})
	}

	newTS := oauth2exp.NewTokenSource()
	for name, args := range map[string]struct {
		cfg *oauth2.Config
		tok *oauth2.Token
	}{"nil config": {nil, tok}, "nil token": {cfg, nil}} {
		ts, err := newTS(ctx, args.cfg, args.tok)
		if ts != nil || err == nil || !strings.HasPrefix(err.Error(), "oauth2exp: NewTokenSource: ") {
			t.Errorf("NewTokenSource()(%s) = %v, %v; want an oauth2exp error", name, ts, err)
		}
	}
	if ts, err := newTS(ctx, cfg, tok); ts == nil || err != nil {
		t.Errorf("NewTokenSource()(valid) = %v, %v", ts, err)
	}
}
