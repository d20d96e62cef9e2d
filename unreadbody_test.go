package jwtexp

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRejectConnectionClose pins when a rejection sends "Connection:
// close": exactly when an HTTP/1.x request's body may still be on the wire
// unread (unreadbody.go). A body read to its end, or none, keeps the
// connection; HTTP/2 never gets the header, which its server would turn
// into a GOAWAY.
func TestRejectConnectionClose(t *testing.T) {
	const call = `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	rpc := []Option{WithJSONRPCError()}
	tests := []struct {
		name      string
		method    string
		body      io.Reader // nil: none
		length    int64     // the request's ContentLength when body is not nil
		auth      bool      // whether to send the expired token
		proto     int       // ProtoMajor; 0 means 1
		expect    bool      // Expect: 100-continue
		opts      []Option
		wantClose bool
	}{
		{"no body", "GET", nil, 0, true, 0, false, nil, false},
		{"empty body", "POST", http.NoBody, 0, true, 0, false, nil, false},
		{"Content-Length, unread", "POST", strings.NewReader(call), int64(len(call)), true, 0, false, nil, true},
		{"chunked, unread", "POST", strings.NewReader(call), -1, true, 0, false, nil, true},
		{"HTTP/1.0, unread", "POST", strings.NewReader(call), int64(len(call)), true, 10, false, nil, true},
		{"HTTP/2, unread", "POST", strings.NewReader(call), int64(len(call)), true, 2, false, nil, false},
		{"HTTP/3, unread", "POST", strings.NewReader(call), int64(len(call)), true, 3, false, nil, false},
		{"missing token, required, unread", "POST", strings.NewReader(call), int64(len(call)), false, 0, false, []Option{WithRequireToken()}, true},
		{"missing token, required, no body", "GET", nil, 0, false, 0, false, []Option{WithRequireToken()}, false},
		{"JSON-RPC call read", "POST", strings.NewReader(call), int64(len(call)), true, 0, false, rpc, false},
		{"JSON-RPC, chunked call read", "POST", strings.NewReader(call), -1, true, 0, false, rpc, false},
		{"JSON-RPC, other body read", "POST", strings.NewReader(`not JSON`), 8, true, 0, false, rpc, false},
		{"JSON-RPC, body at the limit read", "POST", strings.NewReader(strings.Repeat(" ", maxJSONRPCBody)), -1, true, 0, false, rpc, false},
		{"JSON-RPC, body over the limit", "POST", strings.NewReader(strings.Repeat(" ", maxJSONRPCBody+1)), -1, true, 0, false, rpc, true},
		{"JSON-RPC, Content-Length over the limit", "POST", strings.NewReader(call), maxJSONRPCBody + 1, true, 0, false, rpc, true},
		{"JSON-RPC, read error", "POST", io.MultiReader(strings.NewReader(call[:5]), mwErrReader{}), -1, true, 0, false, rpc, true},
		{"JSON-RPC, GET with a body", "GET", strings.NewReader(call), int64(len(call)), true, 0, false, rpc, true},
		{"JSON-RPC, Expect: 100-continue", "POST", strings.NewReader(call), int64(len(call)), true, 0, true, rpc, true},
		{"JSON-RPC, HTTP/2 read error", "POST", io.MultiReader(strings.NewReader(call[:5]), mwErrReader{}), -1, true, 2, false, rpc, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/mcp", tc.body)
			if tc.body != nil {
				req.ContentLength = tc.length
			}
			if tc.auth {
				req.Header.Set("Authorization", "Bearer "+mwExpired)
			}
			if tc.expect {
				req.Header.Set("Expect", "100-continue")
			}
			switch tc.proto {
			case 10:
				req.ProtoMajor, req.ProtoMinor = 1, 0
			case 2, 3:
				req.ProtoMajor, req.ProtoMinor = tc.proto, 0
			}
			got := mwServe(t, req, append([]Option{WithClock(mwClock)}, tc.opts...)...)
			require.Equal(t, http.StatusUnauthorized, got.status, "status")
			var want []string
			if tc.wantClose {
				want = []string{"close"}
			}
			require.Equal(t, want, got.header["Connection"], "Connection")
		})
	}
	// The pass path leaves the connection alone.
	req := httptest.NewRequest("POST", "/mcp", strings.NewReader(call))
	req.Header.Set("Authorization", "Bearer "+mwFresh)
	got := mwServe(t, req, WithClock(mwClock))
	checkPassed(t, got)
	require.Empty(t, got.header["Connection"], "Connection of a passed request")
}

// mwPatience bounds every wait of the wire tests, so that a broken fix
// fails them rather than hanging.
const mwPatience = 5 * time.Second

// mwStalled is what a client saw of one request on a raw connection.
type mwStalled struct {
	res      *http.Response
	body     string
	answered time.Duration // from just before the request was written to the end of the response
	closed   time.Duration // from the end of the response to the server's close; -1: still open after a second
	closeErr error         // what the read after the response returned
}

// mwSendStalled writes raw, a request whose body is cut short, to a new
// connection to addr, then sends nothing more: it reads the response and
// waits up to a second for the server to close the connection.
func mwSendStalled(t *testing.T, addr, raw string) mwStalled {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(mwPatience)))
	// Before the write: the server may start its own wait (a read
	// deadline) as soon as the bytes arrive, before a clock read after the
	// write, and answered must not come out shorter than that wait.
	sent := time.Now()
	_, err = io.WriteString(conn, raw)
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "no response within %v", mwPatience)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err, "reading the response body")
	got := mwStalled{res: res, body: string(body), answered: time.Since(sent), closed: -1}
	answered := time.Now()
	require.NoError(t, conn.SetReadDeadline(answered.Add(time.Second)))
	_, got.closeErr = br.ReadByte()
	if !errors.Is(got.closeErr, os.ErrDeadlineExceeded) {
		got.closed = time.Since(answered)
	}
	return got
}

// mwRawRequest returns the head of a POST to /mcp with the given extra
// field lines, each ending in CRLF, and the empty line.
func mwRawRequest(fields string) string {
	return "POST /mcp HTTP/1.1\r\nHost: mcp.example.com\r\nContent-Type: application/json\r\n" + fields + "\r\n"
}

// TestRejectStalledBody checks, on a raw connection, that no rejection
// waits for a body the client never finishes: the 401 goes out at once (or,
// under WithJSONRPCError, when its one-second read gives up), and the
// server closes the connection right after it. Anyone can mint an expired
// token, so otherwise anyone could hold a server goroutine and connection
// for as long as they like (issue 19).
func TestRejectStalledBody(t *testing.T) {
	const part = `{"jsonrpc"` // 11 bytes of a body that never ends
	auth := "Authorization: Bearer " + mwExpired + "\r\n"
	clen := "Content-Length: 100000\r\n"
	small := "Content-Length: 1000\r\n" // within WithJSONRPCError's limit
	chunked := "Transfer-Encoding: chunked\r\n"
	chunk := strconv.FormatInt(int64(len(part)), 16) + "\r\n" + part + "\r\n"
	plain := []Option{}
	rpc := []Option{WithJSONRPCError()}
	tests := []struct {
		name     string
		opts     []Option
		raw      string
		wantBody string        // the plain one: the body is never all there
		wantWait time.Duration // the server's own wait before the 401
	}{
		{"Content-Length", plain, mwRawRequest(auth+clen) + part, mwExpiredBody, 0},
		{"chunked", plain, mwRawRequest(auth+chunked) + chunk, mwExpiredBody, 0},
		{"Expect: 100-continue, no body", plain, mwRawRequest(auth + clen + "Expect: 100-continue\r\n"), mwExpiredBody, 0},
		{"token required, none sent", []Option{WithRequireToken()}, mwRawRequest(clen) + part, "", 0},
		{"token required, none sent, chunked", []Option{WithRequireToken()}, mwRawRequest(chunked) + chunk, "", 0},
		{"JSON-RPC, Content-Length over its limit", rpc, mwRawRequest(auth+clen) + part, mwExpiredBody, 0},
		{"JSON-RPC, Expect: 100-continue", rpc, mwRawRequest(auth + small + "Expect: 100-continue\r\n"), mwExpiredBody, 0},
		{"JSON-RPC, Content-Length", rpc, mwRawRequest(auth+small) + part, mwExpiredBody, jsonrpcReadTimeout},
		{"JSON-RPC, chunked", rpc, mwRawRequest(auth+chunked) + chunk, mwExpiredBody, jsonrpcReadTimeout},
		{"JSON-RPC, token required, none sent", append([]Option{WithRequireToken()}, rpc...), mwRawRequest(small) + part, "", jsonrpcReadTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var inFlight atomic.Int32
			h := Middleware(append([]Option{WithClock(mwClock)}, tc.opts...)...)(&mwNext{})
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inFlight.Add(1)
				defer inFlight.Add(-1)
				h.ServeHTTP(w, r)
			}))
			defer ts.Close()
			got := mwSendStalled(t, ts.Listener.Addr().String(), tc.raw)
			require.Equal(t, http.StatusUnauthorized, got.res.StatusCode, "status")
			require.Equal(t, tc.wantBody, got.body, "body")
			require.True(t, got.res.Close, "the 401 says Connection: close")
			// At once: well under a second. WithJSONRPCError waits a second
			// for the body first.
			require.GreaterOrEqual(t, got.answered, tc.wantWait, "time to the 401")
			require.Less(t, got.answered, tc.wantWait+time.Second, "time to the 401")
			require.NotEqual(t, time.Duration(-1), got.closed, "connection still open a second after the 401 (read: %v)", got.closeErr)
			require.ErrorIs(t, got.closeErr, io.EOF, "the read after the 401")
			require.Eventually(t, func() bool { return inFlight.Load() == 0 }, mwPatience, 10*time.Millisecond, "handler still running")
		})
	}
}

// TestRejectKeepAlive checks that a rejection whose body was read to its end
// keeps the connection: after 200 such rejections on one connection, a
// request on it is answered, with a live context. An expired read deadline
// set after the body's end can fail net/http's background read (started at
// the end of the body) before finishRequest stops it, and that cancels the
// connection's context, so every later request's too: measured, a few
// times in a hundred.
func TestRejectKeepAlive(t *testing.T) {
	const call = `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	auth := "Authorization: Bearer " + mwExpired + "\r\n"
	full := "Content-Length: " + strconv.Itoa(len(call)) + "\r\n"
	readAll := WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusUnauthorized)
	})
	tests := []struct {
		name string
		opts []Option
		raw  string
	}{
		{"no body", nil, "GET /mcp HTTP/1.1\r\nHost: mcp.example.com\r\n" + auth + "\r\n"},
		{"empty body", nil, mwRawRequest(auth + "Content-Length: 0\r\n")},
		{"JSON-RPC call read", []Option{WithJSONRPCError()}, mwRawRequest(auth+full) + call},
		{"JSON-RPC, chunked call read", []Option{WithJSONRPCError()}, mwRawRequest(auth+"Transfer-Encoding: chunked\r\n") +
			strconv.FormatInt(int64(len(call)), 16) + "\r\n" + call + "\r\n0\r\n\r\n"},
		{"error handler read the body", []Option{readAll}, mwRawRequest(auth+full) + call},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := r.Context().Err(); err != nil {
					http.Error(w, err.Error(), http.StatusServiceUnavailable)
				}
			})
			ts := httptest.NewServer(Middleware(append([]Option{WithClock(mwClock)}, tc.opts...)...)(next))
			defer ts.Close()
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			require.NoError(t, err)
			defer conn.Close()
			require.NoError(t, conn.SetDeadline(time.Now().Add(mwPatience)))
			br := bufio.NewReader(conn)
			const rejections = 200
			for i := range rejections + 1 {
				raw, want := tc.raw, http.StatusUnauthorized
				if i == rejections {
					raw, want = "GET /mcp HTTP/1.1\r\nHost: mcp.example.com\r\nAuthorization: Bearer "+mwFresh+"\r\n\r\n", http.StatusOK
				}
				_, err := io.WriteString(conn, raw)
				require.NoError(t, err, "request %d", i+1)
				res, err := http.ReadResponse(br, nil)
				require.NoError(t, err, "response %d", i+1)
				_, err = io.Copy(io.Discard, res.Body)
				require.NoError(t, err, "response %d", i+1)
				require.False(t, res.Close, "response %d says Connection: close", i+1)
				require.Equal(t, want, res.StatusCode, "status of response %d", i+1)
			}
		})
	}
}

// TestRejectErrorHandlerStalledBody checks that a WithErrorHandler handler
// that leaves the body unread gets the same release after it returns: if
// it does not flush, net/http's own read of the body before it sends the
// response fails at once and adds Connection: close; if it flushes, it sets
// Connection: close first, as docs/middleware.md tells it to.
func TestRejectErrorHandlerStalledBody(t *testing.T) {
	const part = `{"jsonrpc"`
	raw := mwRawRequest("Authorization: Bearer "+mwExpired+"\r\nContent-Length: 100000\r\n") + part
	tests := []struct {
		name string
		h    func(w http.ResponseWriter, r *http.Request, err error)
	}{
		{"unflushed", func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Www-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
		}},
		{"flushed after Connection: close", func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Www-Authenticate", `Bearer error="invalid_token"`)
			if r.ProtoMajor == 1 {
				w.Header().Set("Connection", "close")
			}
			w.WriteHeader(http.StatusUnauthorized)
			assert.NoError(t, http.NewResponseController(w).Flush())
		}},
		{"partly read", func(w http.ResponseWriter, r *http.Request, _ error) {
			_, err := io.ReadFull(r.Body, make([]byte, len(part))) // what was sent
			assert.NoError(t, err, "reading the body")
			w.WriteHeader(http.StatusUnauthorized)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(Middleware(WithClock(mwClock), WithErrorHandler(tc.h))(&mwNext{}))
			defer ts.Close()
			got := mwSendStalled(t, ts.Listener.Addr().String(), raw)
			require.Equal(t, http.StatusUnauthorized, got.res.StatusCode, "status")
			require.True(t, got.res.Close, "the 401 says Connection: close")
			require.Less(t, got.answered, time.Second, "time to the 401")
			require.NotEqual(t, time.Duration(-1), got.closed, "connection still open a second after the 401 (read: %v)", got.closeErr)
			require.ErrorIs(t, got.closeErr, io.EOF, "the read after the 401")
		})
	}
}

// TestRejectErrorHandlerBody checks that the error handler reads the
// request's own body through r.Body, and that r.Body is the original again
// once Middleware returns.
func TestRejectErrorHandlerBody(t *testing.T) {
	const call = `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	req := httptest.NewRequest("POST", "/mcp", strings.NewReader(call))
	req.Header.Set("Authorization", "Bearer "+mwExpired)
	orig := req.Body
	var read string
	h := Middleware(WithClock(mwClock), WithErrorHandler(func(w http.ResponseWriter, r *http.Request, _ error) {
		assert.Same(t, req, r, "the request the error handler got")
		b, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		read = string(b)
		w.WriteHeader(http.StatusUnauthorized)
	}))(&mwNext{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, call, read, "the body the error handler read")
	require.Equal(t, orig, req.Body, "r.Body after the rejection")
	require.Empty(t, rec.Header()["Connection"], "Connection")
}

// TestRejectStalledBodyHTTP2 checks the rejection of a stalled body over
// HTTP/2: the 401 comes at once (under WithJSONRPCError, once its read of
// the body gives up), the handler returns and the server ends the stream
// (it resets it, RST_STREAM NO_ERROR, so the client stops sending), and
// nothing closes the connection: no Connection: close, which Go's server
// would turn into a GOAWAY. A stream that was open meanwhile completes, and
// the next request reuses the connection.
func TestRejectStalledBodyHTTP2(t *testing.T) {
	tests := []struct {
		name   string
		opts   []Option
		token  string
		length int64 // of the body, of which 11 bytes are sent
		wait   time.Duration
	}{
		{"Content-Length", nil, mwExpired, 100000, 0},
		{"length unknown", nil, mwExpired, -1, 0},
		{"token required, none sent", []Option{WithRequireToken()}, "", 100000, 0},
		{"JSON-RPC, Content-Length over its limit", []Option{WithJSONRPCError()}, mwExpired, 100000, 0},
		{"JSON-RPC, length unknown", []Option{WithJSONRPCError()}, mwExpired, -1, jsonrpcReadTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var inFlight atomic.Int32
			slow := make(chan struct{})
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/slow" {
					<-slow
				}
				io.WriteString(w, "next")
			})
			h := Middleware(append([]Option{WithClock(mwClock)}, tc.opts...)...)(next)
			ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inFlight.Add(1)
				defer inFlight.Add(-1)
				h.ServeHTTP(w, r)
			}))
			ts.EnableHTTP2 = true
			ts.StartTLS()
			defer ts.Close()
			client := ts.Client()
			client.Timeout = mwPatience

			// do sends a request and reports whether it reused a connection.
			do := func(method, path, token string, body io.Reader, length int64) (*http.Response, bool) {
				t.Helper()
				req, err := http.NewRequest(method, ts.URL+path, body)
				require.NoError(t, err)
				req.ContentLength = length
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				var reused bool
				req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
					GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
				}))
				res, err := client.Do(req)
				require.NoError(t, err, "%s %s", method, path)
				require.Equal(t, 2, res.ProtoMajor, "%s %s: protocol", method, path)
				return res, reused
			}

			// A stream that stays open while the stalled one is rejected.
			slowDone := make(chan string, 1)
			go func() {
				req, err := http.NewRequest("GET", ts.URL+"/slow", nil)
				if err != nil {
					slowDone <- err.Error()
					return
				}
				req.Header.Set("Authorization", "Bearer "+mwFresh)
				res, err := client.Do(req)
				if err != nil {
					slowDone <- err.Error()
					return
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				slowDone <- string(b)
			}()
			require.Eventually(t, func() bool { return inFlight.Load() == 1 }, mwPatience, time.Millisecond, "the slow stream")

			// 11 bytes, then a byte every 50 ms until the client stops
			// sending: the body never ends.
			pr, pw := io.Pipe()
			defer pw.Close()
			stopped := make(chan error, 1)
			go func() {
				_, err := io.WriteString(pw, `{"jsonrpc"`)
				for err == nil {
					time.Sleep(50 * time.Millisecond)
					_, err = io.WriteString(pw, " ")
				}
				stopped <- err
			}()
			start := time.Now()
			res, reused := do("POST", "/mcp", tc.token, pr, tc.length)
			res.Body.Close()
			answered := time.Since(start)
			require.Equal(t, http.StatusUnauthorized, res.StatusCode, "status")
			require.True(t, reused, "the stalled request did not share the slow stream's connection")
			require.False(t, res.Close, "the 401 closes the connection")
			require.GreaterOrEqual(t, answered, tc.wait, "time to the 401")
			require.Less(t, answered, tc.wait+time.Second, "time to the 401")
			select {
			case err := <-stopped:
				require.Error(t, err, "the client's body")
			case <-time.After(mwPatience):
				t.Fatal("the client is still sending the body of the rejected stream")
			}

			close(slow)
			select {
			case got := <-slowDone:
				require.Equal(t, "next", got, "the slow stream")
			case <-time.After(mwPatience):
				t.Fatal("the slow stream did not complete")
			}
			res, reused = do("GET", "/mcp", mwFresh, nil, 0)
			res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode, "status after the rejection")
			require.True(t, reused, "the request after the rejection needed a new connection: the server sent GOAWAY")
			require.Eventually(t, func() bool { return inFlight.Load() == 0 }, mwPatience, 10*time.Millisecond, "handlers still running")
		})
	}
}
