package oauth2exp_test

import (
	"errors"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/oauth2exp"
	"golang.org/x/oauth2"
)

// results are what calls made at once by [callAtOnce] got, by caller.
type results struct {
	toks   []*oauth2.Token
	errs   []error
	panics []any  // the value a call panicked with, or nil
	exited []bool // the call ended its goroutine with runtime.Goexit
}

// callAtOnce calls ts.Token from n goroutines released together, once all
// have started, and sends their results when every call has ended.
func callAtOnce(ts oauth2.TokenSource, n int) <-chan *results {
	r := &results{
		toks:   make([]*oauth2.Token, n),
		errs:   make([]error, n),
		panics: make([]any, n),
		exited: make([]bool, n),
	}
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			returned := false
			defer func() {
				r.panics[i] = recover()
				r.exited[i] = !returned && r.panics[i] == nil
			}()
			ready.Done()
			<-start
			r.toks[i], r.errs[i] = ts.Token()
			returned = true
		}()
	}
	ch := make(chan *results, 1)
	go func() {
		ready.Wait()
		close(start)
		done.Wait()
		ch <- r
	}()
	return ch
}

// await returns the results of ch, and fails the test if some call is still
// blocked after timeout.
func await(t *testing.T, ch <-chan *results, timeout time.Duration) *results {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(timeout):
		t.Fatalf("calls still blocked after %v", timeout)
		return nil
	}
}

// Rule: calls that find the token due while a refresh is in flight wait for
// it and share its result, error included: one upstream request, and one
// token or one error value for all. The cached token stays as it was after
// a failure, and the next call tries again with a new request.
func TestSharedRefresh(t *testing.T) {
	const (
		callers = 64
		delay   = 200 * time.Millisecond // the token endpoint's response time
		// hold bounds how long the endpoint waits for every caller to
		// enter Token, so that a source that keeps them out fails the
		// test rather than hanging it.
		hold = 10 * time.Second
	)
	fresh := jwtExp(t0.Add(2 * time.Hour))
	tests := []struct {
		name     string
		status   int
		body     any
		wantCode string // the RetrieveError's error code; "" with wantErr for none
		wantErr  bool
	}{
		{"success", http.StatusOK, map[string]any{"access_token": fresh, "token_type": "Bearer"}, "", false},
		{"server error", http.StatusInternalServerError, "try later", "", true},
		{"invalid_grant", http.StatusBadRequest, map[string]any{"error": "invalid_grant"}, "invalid_grant", true},
	}
	for _, tt := range tests {
		// Every Token call reads the clock first, under the source's lock;
		// arrived counts the reads since the calls began.
		var arrived atomic.Int32
		var stuck atomic.Bool    // the endpoint gave up waiting for the callers
		var entered atomic.Int32 // arrived when it gave up
		e := newEndpoint(t, func(int, url.Values) (int, any) {
			// Answer once every caller has entered Token, so that none can
			// find the refresh over and start another, however long the
			// scheduler leaves a goroutine aside: one request, not a race
			// against delay.
			for deadline := time.Now().Add(hold); !stuck.Load() && arrived.Load() < callers; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					entered.Store(arrived.Load())
					stuck.Store(true)
				}
			}
			time.Sleep(delay)
			return tt.status, tt.body
		})
		for name, build := range constructors(t, e) {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				clk := newClock()
				now := func() time.Time { arrived.Add(1); return clk.Now() }
				orig := &oauth2.Token{AccessToken: jwtExp(t0.Add(time.Minute)), RefreshToken: "rt"}
				ts := build(orig, oauth2exp.WithClock(now))
				clk.Set(t0.Add(time.Minute))
				before := e.requests()
				arrived.Store(0) // the constructor's read is not a call's
				stuck.Store(false)

				r := await(t, callAtOnce(ts, callers), time.Minute)
				if stuck.Load() {
					t.Errorf("%d of %d calls had entered Token %v after the refresh began; want all, waiting on it", entered.Load(), callers, hold)
				}
				if n := e.requests() - before; n != 1 {
					t.Errorf("%d calls at once made %d token requests, want 1", callers, n)
				}
				for i := range r.toks {
					if r.toks[i] != r.toks[0] || r.errs[i] != r.errs[0] {
						t.Fatalf("caller %d got %p, %v; caller 0 got %p, %v: want one result for all",
							i, r.toks[i], r.errs[i], r.toks[0], r.errs[0])
					}
				}

				if !tt.wantErr {
					if r.errs[0] != nil || r.toks[0] == nil || r.toks[0].AccessToken != fresh {
						t.Fatalf("Token = %v, %v; want the refreshed token", r.toks[0], r.errs[0])
					}
					if tok, err := ts.Token(); tok != r.toks[0] || err != nil || e.requests()-before != 1 {
						t.Errorf("call after the refresh: %p, %v, %d requests; want the same token and no request", tok, err, e.requests()-before)
					}
					return
				}
				var re *oauth2.RetrieveError
				if r.toks[0] != nil || !errors.As(r.errs[0], &re) || re.Response.StatusCode != tt.status || re.ErrorCode != tt.wantCode {
					t.Fatalf("Token = %v, %v; want the RetrieveError of the %d", r.toks[0], r.errs[0], tt.status)
				}
				_, err := ts.Token()
				// Fatal before e.form indexes the retry: a source that does
				// not retry fails here with a message, not a panic.
				if n := e.requests() - before; n != 2 {
					t.Fatalf("call after the failure: %v, %d requests in all; want a new request, 2 in all", err, n)
				}
				if err == nil || err == r.errs[0] {
					t.Errorf("call after the failure: %v; want the new request's own error", err)
				}
				if name != "ReuseTokenSource" {
					if rt := e.form(before + 1).Get("refresh_token"); rt != "rt" {
						t.Errorf("retry sent refresh_token %q, want the cached token's %q", rt, "rt")
					}
				}
				clk.Set(t0) // before the refresh point: the cached token, unchanged
				if tok, err := ts.Token(); err != nil || tok.AccessToken != orig.AccessToken || e.requests()-before != 2 {
					t.Errorf("cached token after the failure: %v, %v; want the original", tok, err)
				}
			})
		}
	}
}

// Rule: a refresh that panics, or ends its goroutine with runtime.Goexit,
// does so in the call that made it, as without the sharing; the calls that
// waited on it get ErrRefreshPanicked instead of blocking for good, and the
// next call starts a new refresh.
func TestSharedRefreshPanic(t *testing.T) {
	const callers = 64
	boom := errors.New("custom source bug")
	for _, tt := range []struct {
		name  string
		abort func()
	}{
		{"panic", func() { panic(boom) }},
		{"Goexit", runtime.Goexit},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var arrived atomic.Int32 // calls that read the clock: every call does, first
			now := func() time.Time { arrived.Add(1); return t0 }
			release := make(chan struct{})
			src := &countingSource{next: func(n int) (*oauth2.Token, error) {
				if n == 1 {
					<-release
					tt.abort()
				}
				return &oauth2.Token{AccessToken: jwtExp(t0.Add(time.Hour))}, nil
			}}
			ts := oauth2exp.ReuseTokenSource(nil, src, oauth2exp.WithClock(now))

			ch := callAtOnce(ts, callers)
			// Abort once every call waits on the refresh, or after a while if
			// they do not get that far.
			for deadline := time.Now().Add(2 * time.Second); arrived.Load() < callers && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			close(release)
			r := await(t, ch, 10*time.Second)

			if n := src.count(); n != 1 {
				t.Errorf("%d calls at once asked the source %d times, want 1", callers, n)
			}
			aborted, wrong := 0, 0
			for i := range r.toks {
				switch {
				case r.panics[i] != nil || r.exited[i]:
					aborted++
					if tt.name == "panic" && r.panics[i] != boom {
						t.Errorf("caller %d panicked with %v, want the source's own %v", i, r.panics[i], boom)
					}
				case r.toks[i] != nil || !errors.Is(r.errs[i], oauth2exp.ErrRefreshPanicked):
					if wrong++; wrong == 1 {
						t.Errorf("caller %d got %v, %v; want ErrRefreshPanicked", i, r.toks[i], r.errs[i])
					}
				}
			}
			if wrong > 1 {
				t.Errorf("%d callers in all did not get ErrRefreshPanicked", wrong)
			}
			if aborted != 1 {
				t.Errorf("%d calls ended in the %s, want 1: the one that asked the source", aborted, tt.name)
			}
			if tok, err := ts.Token(); tok == nil || err != nil || src.count() != 2 {
				t.Errorf("call after the %s: %v, %v, %d calls to the source; want a new token from a new call", tt.name, tok, err, src.count())
			}
		})
	}
}
