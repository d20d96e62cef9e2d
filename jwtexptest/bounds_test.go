package jwtexptest

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckErrors pins when Check returns an error instead of a report.
func TestCheckErrors(t *testing.T) {
	t.Parallel()
	good := newServer(t, serverConfig{})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name, endpoint, token, want string
	}{
		{"empty endpoint", "", "", "not an absolute http(s) URL"},
		{"relative endpoint", "/mcp", "", "not an absolute http(s) URL"},
		{"no scheme", "localhost:8080/mcp", "", "not an absolute http(s) URL"},
		{"other scheme", "ftp://example.com/mcp", "", "not an absolute http(s) URL"},
		{"no host", "http:///mcp", "", "not an absolute http(s) URL"},
		{"unparsable", "http://[::1/mcp", "", "not an absolute http(s) URL"},
		{"unreachable", closed.URL + "/mcp", "", "cannot reach"},
		{"live token", good, jwtAt(time.Now().Add(time.Hour)), "has not expired yet"},
		{"opaque token", good, "opaque-token", "no readable exp"},
		{"JWT without exp", good, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", "no readable exp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep, err := Check(context.Background(), tt.endpoint, Options{Token: tt.token})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "jwtexptest: "), "error %q", err)
			assert.Empty(t, rep.Results)
			if tt.token != "" {
				assert.NotContains(t, err.Error(), tt.token, "the error shows the token")
			}
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Check(ctx, good, Options{})
		require.ErrorIs(t, err, context.Canceled)
	})
}

// TestSuppliedToken runs Check with a token the server issued: it passes
// the good server, is never shown, and when a lenient server accepts one
// that expired only just, the detail says that clock skew may be why.
func TestSuppliedToken(t *testing.T) {
	t.Parallel()
	token := jwtAt(time.Now().Add(-2 * time.Hour))
	rep, err := Check(context.Background(), newServer(t, serverConfig{}), Options{Token: "  " + token + "\n"})
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	for _, r := range rep.Results {
		assert.Equal(t, Pass, r.Status, "%s: %s", r.ID, r.Detail)
		assert.NotContains(t, r.Detail, token, "%s shows the token", r.ID)
	}
	assert.Contains(t, rep.Results[3].Detail, "the supplied token (exp ")

	// A server that allows five minutes of skew.
	lenient := newServer(t, serverConfig{onBearer: func(w http.ResponseWriter, _ *http.Request, tok string, _ jsonrpcMsg) bool {
		if !isExpiredJWT(tok) || isExpiredJWTAt(tok, time.Now().Add(-5*time.Minute)) {
			return false
		}
		writeJSONRPCError(w)
		return true
	}})
	for _, tt := range []struct {
		ago      time.Duration
		wantNote bool
	}{{time.Minute, true}, {10 * time.Minute, false}} {
		rep, err := Check(context.Background(), lenient, Options{Token: jwtAt(time.Now().Add(-tt.ago))})
		require.NoError(t, err)
		r := rep.Results[3]
		require.Equal(t, "expired-401", r.ID)
		if tt.wantNote {
			assert.Equal(t, Fail, r.Status, r.Detail)
			assert.Contains(t, r.Detail, "the token expired only 1m", "expired %s ago", tt.ago)
		} else {
			assert.Equal(t, Pass, r.Status, r.Detail)
		}
	}
}

// TestTokenGoesToEndpointOnly records every Authorization the servers see:
// only requests to the endpoint carry one, redirects are not followed
// with it, and no detail shows a token.
func TestTokenGoesToEndpointOnly(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("a redirect carried the token to %s", r.URL)
		}
	}))
	t.Cleanup(other.Close)
	endpoint := newServer(t, serverConfig{onBearer: func(w http.ResponseWriter, r *http.Request, tok string, _ jsonrpcMsg) bool {
		mu.Lock()
		seen = append(seen, tok)
		mu.Unlock()
		http.Redirect(w, r, other.URL+"/mcp", http.StatusTemporaryRedirect)
		return true
	}})
	rep, err := Check(context.Background(), endpoint, Options{})
	require.NoError(t, err)
	assert.Equal(t, passExcept(tokenNotJudged), statuses(rep))
	assert.Contains(t, rep.Results[3].Detail, `307 redirecting to "`+other.URL+`/mcp", not followed`)
	require.NotEmpty(t, seen)
	for _, r := range rep.Results {
		for _, tok := range seen {
			if tok == malformedToken {
				continue // not a secret: the probe's own non-JWT
			}
			assert.NotContains(t, r.Detail, tok, "%s shows a token", r.ID)
		}
	}
}

// TestHostileEndpoint checks the bounds: a 100 MiB body is read no further
// than 1 MiB, and a body that trickles forever, or headers that never
// come, cost at most bodyTimeout or requestTimeout per request, whatever
// the client's own timeout. It lowers the two,
// so it does not run in parallel (the parallel tests wait for it).
func TestHostileEndpoint(t *testing.T) {
	saved, savedBody := requestTimeout, bodyTimeout
	t.Cleanup(func() { requestTimeout, bodyTimeout = saved, savedBody })

	t.Run("100 MiB body", func(t *testing.T) {
		var most atomic.Int64
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			chunk := make([]byte, 32<<10)
			var n int64
			for n < 100<<20 {
				m, err := w.Write(chunk)
				n += int64(m)
				if err != nil {
					break
				}
			}
			for old := most.Load(); n > old && !most.CompareAndSwap(old, n); old = most.Load() {
			}
		}))
		t.Cleanup(ts.Close)
		rep, err := Check(context.Background(), ts.URL+"/mcp", Options{})
		require.NoError(t, err)
		ts.Close() // waits for the handlers
		assert.Less(t, most.Load(), int64(32<<20), "bytes a handler wrote before the probe hung up")
		assert.Len(t, rep.Results, len(ids))
	})

	t.Run("trickling body", func(t *testing.T) {
		requestTimeout, bodyTimeout = saved, 100*time.Millisecond
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			for {
				if _, err := io.WriteString(w, " "); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}))
		t.Cleanup(ts.Close)
		start := time.Now()
		// A client without a timeout of its own: Check bounds each request.
		rep, err := Check(context.Background(), ts.URL+"/mcp", Options{Client: &http.Client{}})
		require.NoError(t, err)
		assert.Less(t, time.Since(start), 60*bodyTimeout, "Check took") // 24 requests; 240 s if bodyTimeout were ignored
		assert.Equal(t, Pass, rep.Results[3].Status, "expired-401 is judged on the status line: %s", rep.Results[3].Detail)
	})

	t.Run("do reads at most 1 MiB, for at most bodyTimeout", func(t *testing.T) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/huge" {
				w.Write(make([]byte, maxBody+1))
				return
			}
			w.Write(make([]byte, 10))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}))
		t.Cleanup(ts.Close)
		for _, tt := range []struct {
			path, wantErr string
			wantLen       int
		}{
			{"/huge", "body over 1 MiB", maxBody},
			{"/slow", "body still coming after 100ms", 10},
		} {
			requestTimeout, bodyTimeout = saved, savedBody
			if tt.path == "/slow" {
				bodyTimeout = 100 * time.Millisecond
			}
			req, err := http.NewRequest(http.MethodGet, ts.URL+tt.path, nil)
			require.NoError(t, err)
			r := do(context.Background(), defaultClient(), req)
			require.NoError(t, r.err, tt.path)
			assert.Equal(t, http.StatusOK, r.status, tt.path)
			assert.Len(t, r.body, tt.wantLen, tt.path)
			require.Error(t, r.bodyErr, tt.path)
			assert.Contains(t, r.bodyErr.Error(), tt.wantErr, tt.path)
			assert.Contains(t, r.String(), tt.wantErr, tt.path)
		}
	})

	t.Run("token requests hang", func(t *testing.T) {
		// The server answers requests without a token, never one with it:
		// after the first of expired-every-method's requests times out, the
		// other 15 are not sent.
		requestTimeout, bodyTimeout = 100*time.Millisecond, savedBody
		var hung atomic.Int32
		endpoint := newServer(t, serverConfig{onBearer: func(_ http.ResponseWriter, r *http.Request, _ string, _ jsonrpcMsg) bool {
			hung.Add(1)
			<-r.Context().Done()
			return true
		}})
		rep, err := Check(context.Background(), endpoint, Options{Client: &http.Client{}})
		require.NoError(t, err)
		assert.Equal(t, passExcept(tokenNotJudged), statuses(rep))
		// expired-401, expired-every-method's first, malformed-401, cors-expose.
		assert.Equal(t, int32(4), hung.Load(), "token requests sent")
		assert.Contains(t, rep.Results[3].Detail, "got no response (timed out after 100ms)")
		assert.Contains(t, rep.Results[5].Detail, "initialize (2025-11-25) got no response (timed out after 100ms); server/discover (2025-11-25), ")
		assert.Contains(t, rep.Results[5].Detail, "notifications/cancelled (2026-07-28) got no response (not sent: initialize (2025-11-25) had timed out)")
	})

	t.Run("only the first request is answered", func(t *testing.T) {
		// Every request after the first hangs: Check's budget ends the run,
		// and the checks whose requests it stopped say so.
		requestTimeout, bodyTimeout = 200*time.Millisecond, savedBody
		checkBudget = 300 * time.Millisecond
		t.Cleanup(func() { checkBudget = 60 * time.Second })
		var n atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) > 1 {
				// Read the body first: only then does the server notice
				// that the probe hung up, and end r's context.
				io.Copy(io.Discard, r.Body)
				<-r.Context().Done()
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="http://`+r.Host+`/.well-known/oauth-protected-resource/mcp"`)
			w.WriteHeader(http.StatusUnauthorized)
		}))
		t.Cleanup(ts.Close)
		start := time.Now()
		rep, err := Check(context.Background(), ts.URL+"/mcp", Options{Client: &http.Client{}})
		took := time.Since(start)
		require.NoError(t, err)
		// 8 requests hang: 1.6 s without the budget.
		assert.Less(t, took, time.Second, "Check took")
		assert.LessOrEqual(t, n.Load(), int32(3), "requests sent: the first, expired-401's and one or two GETs")
		st := statuses(rep)
		for id, s := range map[string]Status{"prm-discovery": Fail, "prm-valid": Skip, "expired-401": Fail, "expired-every-method": Fail, "malformed-401": Fail, "cors-preflight": Warn, "cors-expose": Warn} {
			assert.Equal(t, s, st[id], id)
		}
		for _, i := range []int{5, 6, 9, 10} {
			assert.Contains(t, rep.Results[i].Detail, "no response (not sent: the probe's 300ms budget ran out)", rep.Results[i].ID)
		}
		assert.Contains(t, rep.Results[1].Detail, "no response (not sent: the probe's 300ms budget ran out)", "the root well-known URI")
	})

	t.Run("headers never come", func(t *testing.T) {
		requestTimeout, bodyTimeout = 100*time.Millisecond, savedBody
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				t.Cleanup(func() { c.Close() })
			}
		}()
		start := time.Now()
		// A client without a timeout of its own: Check bounds each request.
		_, err = Check(context.Background(), "http://"+ln.Addr().String()+"/mcp", Options{Client: &http.Client{}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "cannot reach")
		assert.Less(t, time.Since(start), 10*requestTimeout, "Check took")
	})
}

// TestTokenNeverShown runs Check against a server that echoes the token it
// gets, whole and segment by segment, in WWW-Authenticate, in bodies (one
// long enough that the token straddles the 200-byte cut of a snippet) and
// in a Location: no detail, and not Err, shows the token or any 16
// characters of it.
func TestTokenNeverShown(t *testing.T) {
	t.Parallel()
	enc := base64.RawURLEncoding
	supplied := jwtAt(time.Now().Add(-time.Hour))
	supplied = supplied[:strings.LastIndexByte(supplied, '.')+1] + enc.EncodeToString([]byte("a signature of thirty-two bytes!"))
	for _, tt := range []struct{ name, token string }{
		{"self-minted", ""},
		{"supplied", supplied},
		{"supplied with a Bearer prefix", "Bearer " + supplied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var seen string // the JWT the server got
			endpoint := newServer(t, serverConfig{onBearer: func(w http.ResponseWriter, r *http.Request, tok string, msg jsonrpcMsg) bool {
				seg := strings.Split(tok, ".")
				if len(seg) != 3 {
					return false
				}
				mu.Lock()
				seen = tok
				mu.Unlock()
				switch msg.Method {
				case "initialize":
					w.Header().Add("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description="token %s is expired"`, tok))
					w.Header().Add("WWW-Authenticate", fmt.Sprintf(`Bearer error_description="header %s, payload %s, signature %s"`, seg[0], seg[1], seg[2]))
					w.WriteHeader(http.StatusUnauthorized)
				case "tools/call":
					http.Redirect(w, r, "/login?token="+tok, http.StatusTemporaryRedirect)
				case "tools/list":
					io.WriteString(w, `{"error":"token `+tok+`"}`)
				case "resources/list":
					io.WriteString(w, "signature "+seg[2])
				case "prompts/list":
					io.WriteString(w, "payload "+seg[1])
				default:
					io.WriteString(w, strings.Repeat("x ", 80)+"token "+tok)
				}
				return true
			}})
			rep, err := Check(context.Background(), endpoint, Options{Token: tt.token})
			require.NoError(t, err)
			mu.Lock()
			tok := seen
			mu.Unlock()
			require.NotEmpty(t, tok, "the server got no JWT")
			all := rep.Err().Error()
			for _, r := range rep.Results {
				all += "\n" + r.Detail
			}
			assert.Contains(t, all, "<the token>", "the echoes reach the details")
			assert.Contains(t, all, "<part of the token>", "the echoes reach the details")
			for i := 0; i+16 <= len(tok); i++ {
				if w := tok[i : i+16]; strings.Contains(all, w) {
					t.Errorf("a detail or Err shows %q, characters %d to %d of the token:\n%s", w, i, i+16, all)
					break
				}
			}
		})
	}
}

// TestSuppliedTokenBearerPrefix passes Options.Token as users paste it:
// the probe sends the token itself, never "Bearer Bearer …", so a server
// that checks scope before exp fails expired-401 whatever the form. Sent
// with the prefix, the token would get the server's answer to a malformed
// one, 401 here, and pass.
func TestSuppliedTokenBearerPrefix(t *testing.T) {
	t.Parallel()
	token := jwtAt(time.Now().Add(-time.Hour))
	var mu sync.Mutex
	got := map[string]bool{} // the tokens the server got
	endpoint := newServer(t, serverConfig{onBearer: func(w http.ResponseWriter, _ *http.Request, tok string, _ jsonrpcMsg) bool {
		mu.Lock()
		got[tok] = true
		mu.Unlock()
		if tok != token {
			return false // jwtexp.Middleware's 401
		}
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="write"`)
		w.WriteHeader(http.StatusForbidden)
		return true
	}})
	for _, in := range []string{
		token,
		"Bearer " + token,
		"bearer\t" + token,
		"BEARER " + token,
		"  Bearer  " + token + "\r\n",
		"\n" + token + " ",
	} {
		rep, err := Check(context.Background(), endpoint, Options{Token: in})
		require.NoError(t, err, "%q", in)
		r := rep.Results[3]
		require.Equal(t, "expired-401", r.ID)
		assert.Equal(t, Fail, r.Status, "Token %q: %s", in, r.Detail)
		assert.Contains(t, r.Detail, "got 403", "Token %q", in)
	}
	mu.Lock()
	defer mu.Unlock()
	delete(got, malformedToken)
	assert.Equal(t, map[string]bool{token: true}, got, "the tokens the server got")
}

// tokenNotJudged is what a server gets whose every request carrying the
// token ends without a verdict, redirected or unanswered: each check that
// sends the token fails or warns, and the 401's challenge is skipped.
var tokenNotJudged = map[string]Status{
	"expired-401": Fail, "expired-invalid-token": Skip, "expired-every-method": Fail,
	"malformed-401": Fail, "cors-expose": Warn,
}
