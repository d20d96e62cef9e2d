package oauth2exp_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// t0 is the instant the tests' clocks start at.
var t0 = time.Unix(1700000000, 0)

// jwt returns a JWT-shaped token with the given JSON claims. The header and
// signature are placeholders: oauth2exp never looks at them.
func jwt(claims string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claims)) + ".c2ln"
}

// jwtExp returns a JWT whose exp is exp, to the second.
func jwtExp(exp time.Time) string {
	return jwt(fmt.Sprintf(`{"sub":"jane","exp":%d}`, exp.Unix()))
}

// clock is a clock the test moves by hand, for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// endpoint is a token endpoint on 127.0.0.1 that records the forms of the
// requests it gets and answers each with reply.
type endpoint struct {
	srv   *httptest.Server
	mu    sync.Mutex
	forms []url.Values
	reply func(n int, form url.Values) (status int, body any) // n counts from 1
}

func newEndpoint(t testing.TB, reply func(n int, form url.Values) (int, any)) *endpoint {
	t.Helper()
	e := &endpoint{reply: reply}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		e.mu.Lock()
		e.forms = append(e.forms, r.PostForm)
		n := len(e.forms)
		e.mu.Unlock()
		status, body := e.reply(n, r.PostForm)
		if s, ok := body.(string); ok {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			fmt.Fprint(w, s)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// config returns the client configuration for the endpoint. The auth style
// is fixed so that a failed request is not retried with the other style.
func (e *endpoint) config() *oauth2.Config {
	return &oauth2.Config{
		ClientID: "client",
		Endpoint: oauth2.Endpoint{TokenURL: e.srv.URL, AuthStyle: oauth2.AuthStyleInParams},
	}
}

func (e *endpoint) requests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.forms)
}

func (e *endpoint) form(i int) url.Values {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.forms[i]
}

// freshJWT answers a refresh with a JWT that expires an hour after clk's
// now, without expires_in or refresh_token.
func freshJWT(clk *clock) func(int, url.Values) (int, any) {
	return func(n int, _ url.Values) (int, any) {
		return http.StatusOK, map[string]any{
			"access_token": jwtExp(clk.Now().Add(time.Hour)),
			"token_type":   "Bearer",
			"n":            n,
		}
	}
}

// ctx is the context of the sources under test; the endpoint's server is
// reached with http.DefaultClient.
var ctx = context.Background()

// countingSource is a custom oauth2.TokenSource for ReuseTokenSource that
// counts its calls.
type countingSource struct {
	mu    sync.Mutex
	calls int
	next  func(n int) (*oauth2.Token, error)
}

func (s *countingSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	return s.next(s.calls)
}

func (s *countingSource) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}
