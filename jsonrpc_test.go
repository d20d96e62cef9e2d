package jwtexp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rpcID returns the id that jsonrpcError copies from body into its
// response, and false when it answers with no JSON-RPC body.
func rpcID(t testing.TB, body string) (string, bool) {
	t.Helper()
	out, ok := jsonrpcError([]byte(body), "m")
	if !ok {
		return "", false
	}
	const prefix, suffix = `{"jsonrpc":"2.0","id":`, `,"error":{"code":-32001,"message":"m"}}`
	require.True(t, bytes.HasPrefix(out, []byte(prefix)), "jsonrpcError(%s) = %s, want it to start with %s", body, out, prefix)
	require.True(t, bytes.HasSuffix(out, []byte(suffix)), "jsonrpcError(%s) = %s, want it to end with %s", body, out, suffix)
	require.True(t, json.Valid(out), "jsonrpcError(%s) = %s, not valid JSON", body, out)
	return string(out[len(prefix) : len(out)-len(suffix)]), true
}

// TestJSONRPCRequestID checks which request bodies get a JSON-RPC error
// response, and with which id.
func TestJSONRPCRequestID(t *testing.T) {
	tests := []struct {
		body string
		id   string // "" means not eligible
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, `1`},
		{`{"jsonrpc":"2.0","id":"abc","method":"tools/call","params":{"name":"x","arguments":{"id":2}}}`, `"abc"`},
		{` { "method" : "ping" , "id" : -0.5e+3 , "jsonrpc" : "2.0" } ` + "\n", `-0.5e+3`},
		{`{"jsonrpc":"2.0","id":"a\"b\\c\u00e9\ud83d\ude00","method":"x"}`, `"a\"b\\c\u00e9\ud83d\ude00"`},
		{`{"jsonrpc":"2.0","id":"","method":""}`, `""`},
		{`{"jsonrpc":"2.0","id":12345678901234567890123,"method":"x"}`, `12345678901234567890123`},
		{`{"jsonrpc":"2.0","id":0,"method":"x","extra":[1,{"id":null}]}`, `0`},
		{`{"jsonrpc":"2\u002e0","\u0069d":7,"m\u0065thod":"x"}`, `7`},

		{`{"jsonrpc":"2.0","method":"notifications/initialized"}`, ""}, // notification
		{`{"jsonrpc":"2.0","id":null,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":true,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":[1],"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`, ""},
		{`[{"jsonrpc":"2.0","id":1,"method":"x"}]`, ""}, // batch
		{`[]`, ""},
		{`"x"`, ""},
		{`1`, ""},
		{``, ""},
		{`   `, ""},
		{`not json`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"x"`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"x"} {}`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"x"}x`, ""},
		{`{"jsonrpc":"2.0","id":01,"method":"x"}`, ""},
		{`{"jsonrpc":"1.0","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":2.0,"id":1,"method":"x"}`, ""},
		{`{"id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1}`, ""},                                            // no method
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, ""},                                // a response
		{`{"jsonrpc":"2.0","id":1,"method":1}`, ""},                                 // method not a string
		{`{"jsonrpc":"2.0","id":"é","method":"x"}`, `"é"`},                          // valid UTF-8 is copied as is
		{`{"jsonrpc":"2.0","id":"\\","method":"a\\"}`, `"\\"`},                      // escaped backslash before the closing quote
		{`{"jsonrpc":"2.0","id":"a\\\"b","method":"\\\\"}`, `"a\\\"b"`},             // backslash runs of odd and even length
		{`{"x":"\",\"id\":null","jsonrpc":"2.0","id":3,"method":"m"}`, `3`},         // a member name inside a string value
		{`{"p":{"s":"}]{[\"","id":null},"jsonrpc":"2.0","id":4,"method":"m"}`, `4`}, // brackets inside nested strings
		{`{"p":[[],[[{}]],{"a":[1,{"b":"]"}]}],"jsonrpc":"2.0","id":-5,"method":"m"}`, `-5`},
		{"\t\r\n{\t\"jsonrpc\"\n:\r\"2.0\"\t,\"id\" : 6 ,\"method\":\"m\"\n}\r\n", `6`},   // every JSON white space
		{`{"jsonrpc":"\u0032\u002e\u0030","id":8,"method":"m"}`, `8`},                     // a fully escaped version
		{`{"\u006a\u0073\u006f\u006e\u0072\u0070\u0063":"2.0","id":9,"method":"m"}`, `9`}, // the longest escaped name
		{`{"jsonrpc":"2.0","id":10,"method":"m","x":"` + "\xff" + `"}`, `10`},             // invalid UTF-8 elsewhere is not copied

		{"{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"x\"}", ""},         // json.Valid accepts invalid UTF-8; the response must be UTF-8
		{"{\"jsonrpc\":\"2.0\",\"id\":\"a\xc3\",\"method\":\"x\"}", ""},        // truncated sequence
		{"{\"jsonrpc\":\"2.0\",\"id\":\"\xed\xa0\x80\",\"method\":\"x\"}", ""}, // an encoded surrogate
		{`{"jsonrpc":"2.0 ","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"\u0032.0\u0020","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":null}`, ""},
		{`{"jsonrpc":"2.0","id":false,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"x"}` + "\x00", ""},

		// encoding/json keeps the last of repeated members and matches
		// names case-insensitively. Such requests are rejected all the same;
		// these rows pin which body they get.
		{`{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}`, `2`},
		{`{"jsonrpc":"2.0","id":1,"\u0069\u0064":2,"method":"x"}`, `2`},
		{`{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"x"}`, `1`},
		{`{"jsonrpc":"2.0","id":1,"method":"x","method":"y"}`, `1`},
		{`{"jsonrpc":"2.0","id":1,"method":"x","method":null}`, ""},
		{`{"jsonrpc":"2.0","ID":1,"method":"x"}`, `1`},
		{`{"jsonrpc":"2.0","Id":1,"Method":"x"}`, `1`},
	}
	for _, tc := range tests {
		id, ok := rpcID(t, tc.body)
		assert.Equal(t, tc.id, id, "id of %s (JSON-RPC body: %v)", tc.body, ok)
	}
}

type mwRPCResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// mwCountingReader yields n bytes of 'a' and counts what is read.
type mwCountingReader struct{ n, read int }

func (c *mwCountingReader) Read(p []byte) (int, error) {
	if c.read >= c.n {
		return 0, io.EOF
	}
	k := min(len(p), c.n-c.read)
	for i := range p[:k] {
		p[i] = 'a'
	}
	c.read += k
	return k, nil
}

// TestMiddlewareJSONRPCErrorBounded checks that at most 64 KiB (plus the one
// byte that tells it is over) is read from a body of unknown length.
func TestMiddlewareJSONRPCErrorBounded(t *testing.T) {
	body := &mwCountingReader{n: 64 << 20}
	req := httptest.NewRequest("POST", "/mcp", body)
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+mwExpired)
	got := mwServe(t, req, WithClock(mwClock), WithJSONRPCError())
	checkRejected(t, got, map[string]string{"error": "invalid_token", "error_description": "The access token expired"}, mwExpiredBody)
	require.LessOrEqual(t, body.read, maxJSONRPCBody+1, "bytes read of the body")
}

// TestMiddlewareJSONRPCErrorOneByteOver checks that a body of unknown
// length is too large by its byte past the limit, not by its content: a
// JSON-RPC request padded with whitespace to exactly maxJSONRPCBody gets
// the JSON-RPC body, and the same with one more space, still valid JSON,
// the plain one.
func TestMiddlewareJSONRPCErrorOneByteOver(t *testing.T) {
	const call = `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	atLimit := call + strings.Repeat(" ", maxJSONRPCBody-len(call))
	require.Len(t, atLimit, maxJSONRPCBody)
	tests := []struct {
		name, body, wantBody string
	}{
		{"at the limit", atLimit, `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"The access token expired"}}`},
		{"one byte over", atLimit + " ", mwExpiredBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/mcp", strings.NewReader(tc.body))
			req.ContentLength = -1
			req.Header.Set("Authorization", "Bearer "+mwExpired)
			got := mwServe(t, req, WithClock(mwClock), WithJSONRPCError())
			checkRejected(t, got, map[string]string{"error": "invalid_token", "error_description": "The access token expired"}, tc.wantBody)
		})
	}
}

type mwErrReader struct{}

func (mwErrReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestMiddlewareJSONRPCError(t *testing.T) {
	const call = `{"jsonrpc":"2.0","id":"req-\"7\"","method":"tools/list","params":{}}`
	const rpcExpired = `{"jsonrpc":"2.0","id":"req-\"7\"","error":{"code":-32001,"message":"The access token expired"}}`
	big := `{"jsonrpc":"2.0","id":1,"method":"x","params":"` + strings.Repeat("a", maxJSONRPCBody) + `"}`
	atLimit := `{"jsonrpc":"2.0","id":1,"method":"x","params":"` + strings.Repeat("a", maxJSONRPCBody-len(`{"jsonrpc":"2.0","id":1,"method":"x","params":""}`)) + `"}`
	expiredParams := map[string]string{"error": "invalid_token", "error_description": "The access token expired", "resource_metadata": mwMetadata}
	tests := []struct {
		name       string
		method     string
		body       io.Reader
		contentLen int64 // overrides the request's ContentLength when not 0
		auth       string
		opts       []Option
		wantParams map[string]string
		wantBody   string
	}{
		{"JSON-RPC call", "POST", strings.NewReader(call), 0, mwExpired, nil, expiredParams, rpcExpired},
		{"number id byte-exact", "POST", strings.NewReader(`{"jsonrpc":"2.0","method":"ping","id":1.50E+2}`), 0, mwExpired, nil, expiredParams,
			`{"jsonrpc":"2.0","id":1.50E+2,"error":{"code":-32001,"message":"The access token expired"}}`},
		{"malformed, strict", "POST", strings.NewReader(`{"jsonrpc":"2.0","id":9,"method":"ping"}`), 0, mwMalformed, []Option{WithStrict()},
			map[string]string{"error": "invalid_token", "error_description": "The access token is malformed", "resource_metadata": mwMetadata},
			`{"jsonrpc":"2.0","id":9,"error":{"code":-32001,"message":"The access token is malformed"}}`},
		{"missing, token required", "POST", strings.NewReader(`{"jsonrpc":"2.0","id":9,"method":"ping"}`), 0, "", []Option{WithRequireToken()},
			map[string]string{"resource_metadata": mwMetadata},
			`{"jsonrpc":"2.0","id":9,"error":{"code":-32001,"message":"The access token is missing"}}`},
		{"missing, token required, notification", "POST", strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`), 0, "", []Option{WithRequireToken()},
			map[string]string{"resource_metadata": mwMetadata}, ""},
		{"body exactly at the limit", "POST", strings.NewReader(atLimit), 0, mwExpired, nil, expiredParams,
			`{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"The access token expired"}}`},

		// Everything else: the plain OAuth body, still 401.
		{"notification", "POST", strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"null id", "POST", strings.NewReader(`{"jsonrpc":"2.0","id":null,"method":"x"}`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"batch", "POST", strings.NewReader(`[` + call + `]`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"not JSON", "POST", strings.NewReader(`id=1`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"empty body", "POST", http.NoBody, 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"body over the limit", "POST", strings.NewReader(big), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"body over the limit, length unknown", "POST", strings.NewReader(big), -1, mwExpired, nil, expiredParams, mwExpiredBody},
		{"Content-Length over the limit", "POST", strings.NewReader(call), maxJSONRPCBody + 1, mwExpired, nil, expiredParams, mwExpiredBody},
		{"read error", "POST", io.MultiReader(strings.NewReader(call[:10]), mwErrReader{}), -1, mwExpired, nil, expiredParams, mwExpiredBody},
		{"string id with invalid UTF-8", "POST", strings.NewReader("{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"x\"}"), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"Content-Length shorter than the body", "POST", strings.NewReader(call), 10, mwExpired, nil, expiredParams, rpcExpired},
		{"body exactly at the limit, length unknown", "POST", strings.NewReader(atLimit), -1, mwExpired, nil, expiredParams,
			`{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"The access token expired"}}`},
		{"GET with a JSON-RPC body", "GET", strings.NewReader(call), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"PUT with a JSON-RPC body", "PUT", strings.NewReader(call), 0, mwExpired, nil, expiredParams, mwExpiredBody},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "/mcp", tc.body)
			if tc.contentLen != 0 {
				req.ContentLength = tc.contentLen
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", "Bearer "+tc.auth)
			}
			opts := append([]Option{WithClock(mwClock), WithResourceMetadata(mwMetadata), WithJSONRPCError()}, tc.opts...)
			got := mwServe(t, req, opts...)
			checkRejected(t, got, tc.wantParams, tc.wantBody)
			if strings.HasPrefix(tc.wantBody, `{"jsonrpc"`) {
				var resp mwRPCResponse
				require.NoError(t, json.Unmarshal([]byte(got.body), &resp), "body %s", got.body)
				require.Equal(t, "2.0", resp.JSONRPC, "jsonrpc member of %s", got.body)
				require.NotNil(t, resp.Error, "error member of %s", got.body)
				require.Equal(t, jsonrpcErrorCode, resp.Error.Code, "error code in %s", got.body)
			}
		})
	}
	// The option leaves passing requests and their bodies alone.
	var seen string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = string(b)
	})
	req := httptest.NewRequest("POST", "/mcp", strings.NewReader(call))
	req.Header.Set("Authorization", "Bearer "+mwFresh)
	Middleware(WithClock(mwClock), WithJSONRPCError())(next).ServeHTTP(httptest.NewRecorder(), req)
	require.Equal(t, call, seen, "the body the next handler read")
}

// TestMiddlewareJSONRPCErrorHeaders checks that the option changes the
// body only: status and every header but Content-Length are those of the
// plain 401, and Connection: the plain 401 leaves the body unread and
// closes the connection, the JSON-RPC one reads it and keeps it.
func TestMiddlewareJSONRPCErrorHeaders(t *testing.T) {
	serve := func(opts ...Option) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`))
		req.Header.Set("Authorization", "Bearer "+mwExpired)
		req.Header.Set("Origin", "https://inspector.example")
		rec := httptest.NewRecorder()
		Middleware(append([]Option{WithClock(mwClock), WithRealm("r"), WithResourceMetadata(mwMetadata), WithScope("s")}, opts...)...)(&mwNext{}).ServeHTTP(rec, req)
		return rec
	}
	plain, rpc := serve(), serve(WithJSONRPCError())
	require.Equal(t, http.StatusUnauthorized, plain.Code, "status without the option")
	require.Equal(t, http.StatusUnauthorized, rpc.Code, "status with WithJSONRPCError")
	ph, rh := plain.Header().Clone(), rpc.Header().Clone()
	require.Equal(t, strconv.Itoa(rpc.Body.Len()), rh.Get("Content-Length"), "Content-Length of the JSON-RPC body")
	require.Equal(t, []string{"close"}, ph["Connection"], "Connection of the plain 401")
	require.Empty(t, rh["Connection"], "Connection of the JSON-RPC 401")
	ph.Del("Content-Length")
	rh.Del("Content-Length")
	ph.Del("Connection")
	if diff := cmp.Diff(ph, rh); diff != "" {
		t.Fatalf("headers (-plain +jsonrpc):\n%s", diff)
	}
}

// FuzzJSONRPCRequestID checks jsonrpcError against an oracle built on
// encoding/json maps, which match names exactly: never a panic; a JSON-RPC
// body only for a JSON object whose members jsonrpc, method and id (matched
// case-insensitively, the last of repeats) are "2.0", a string, and a
// number or a string of valid UTF-8, with that id copied byte for byte; and
// whenever the exact oracle accepts a body that names none of the three
// twice or in another case, so does jsonrpcError.
func FuzzJSONRPCRequestID(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, `{"jsonrpc":"2.0","method":"x"}`, `{"jsonrpc":"2.0","id":null,"method":"x"}`,
		`[{"jsonrpc":"2.0","id":1,"method":"x"}]`, `{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}`, `{"\u0069d":"\u00e9","jsonrpc":"2.0","method":""}`,
		`{"jsonrpc":"2.0","id":-1e-7,"method":"x"}`, `{`, ``, `{"id":{"id":1}}`, `{"JSONRPC":"2.0","Id":"x","METHOD":"y"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		out, ok := jsonrpcError(body, "m")
		members, valid, plain := mwMembers(body)
		if ok {
			var resp mwRPCResponse
			require.NoError(t, json.Unmarshal(out, &resp), "response %s to %q", out, body)
			require.Equal(t, "2.0", resp.JSONRPC, "jsonrpc member of the response %s to %q", out, body)
			require.NotNil(t, resp.Error, "error member of the response %s to %q", out, body)
			require.Equal(t, "m", resp.Error.Message, "error message in the response %s to %q", out, body)
			require.True(t, utf8.Valid(out), "response %s to %q is not UTF-8", out, body)
			require.True(t, valid, "response %s to %q, which the oracle does not accept", out, body)
			require.True(t, isID(members["id"]), "response %s to %q: the oracle's id %s is no id", out, body, members["id"])
			require.Equal(t, string(members["id"]), string(resp.ID), "id in the response %s to %q, against the oracle's", out, body)
			return
		}
		var m map[string]json.RawMessage
		var version, method string
		exact := json.Unmarshal(body, &m) == nil && m != nil &&
			json.Unmarshal(m["jsonrpc"], &version) == nil && version == "2.0" &&
			m["method"] != nil && json.Unmarshal(m["method"], &method) == nil && string(m["method"]) != "null" && isID(m["id"])
		require.False(t, exact && plain, "no JSON-RPC body for %q, which the oracle accepts with id %s", body, m["id"])
	})
}

// mwMembers returns the members of the top-level JSON object in body that
// name jsonrpc, method or id in any case, the last of repeats, keyed by the
// lower-case name; ok when body is such an object whose jsonrpc is "2.0"
// and method a string; plain when each of the three names appears at most
// once and only in lower case. It reads the object token by token, apart from
// jsonrpcError's struct decoding.
func mwMembers(body []byte) (members map[string]json.RawMessage, ok, plain bool) {
	if !json.Valid(body) {
		return nil, false, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false, false
	}
	members, plain = map[string]json.RawMessage{}, true
	for dec.More() {
		t, _ := dec.Token()
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return nil, false, false
		}
		for _, name := range []string{"jsonrpc", "method", "id"} {
			if !bytes.EqualFold([]byte(t.(string)), []byte(name)) {
				continue
			}
			if _, seen := members[name]; seen || t.(string) != name {
				plain = false
			}
			if name == "jsonrpc" && string(v) == "null" {
				continue // null leaves a string as it was
			}
			members[name] = v
		}
	}
	var version, method string
	ok = json.Unmarshal(members["jsonrpc"], &version) == nil && version == "2.0" &&
		members["method"] != nil && string(members["method"]) != "null" && json.Unmarshal(members["method"], &method) == nil
	return members, ok, plain
}

// BenchmarkMiddlewareRejectJSONRPC measures the 401 with a JSON-RPC body
// for a typical tools/call request.
func BenchmarkMiddlewareRejectJSONRPC(b *testing.B) {
	h := Middleware(WithResourceMetadata(mwMetadata), WithJSONRPCError())(mwNoop)
	body := []byte(`{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"search","arguments":{"query":"jwt exp"}}}`)
	auth := "Bearer " + mwJWT("1700000000")
	req := &http.Request{Method: "POST", Header: http.Header{"Authorization": {auth}}, ContentLength: int64(len(body))}
	r := bytes.NewReader(body)
	w := &mwDiscard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Reset(body)
		req.Body = io.NopCloser(r)
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// BenchmarkJSONRPCRejectLargest measures the 401 with a JSON-RPC body for a
// tools/call request of exactly maxJSONRPCBody bytes, the largest body WithJSONRPCError
// reads: the most an expired token can make one request cost.
func BenchmarkJSONRPCRejectLargest(b *testing.B) {
	h := Middleware(WithResourceMetadata(mwMetadata), WithJSONRPCError())(mwNoop)
	const head, tail = `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"upload","arguments":{"data":"`, `"}}}`
	body := []byte(head + strings.Repeat("A", maxJSONRPCBody-len(head)-len(tail)) + tail)
	auth := "Bearer " + mwJWT("1700000000")
	req := &http.Request{Method: "POST", Header: http.Header{"Authorization": {auth}}, ContentLength: int64(len(body))}
	r := bytes.NewReader(body)
	req.Body = io.NopCloser(r)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.True(b, strings.HasPrefix(rec.Body.String(), `{"jsonrpc":"2.0","id":42,`), "body %.80s, want a JSON-RPC error response", rec.Body)
	w := &mwDiscard{h: http.Header{}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.Reset(body)
		req.Body = io.NopCloser(r)
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// mwWireServer serves Middleware(WithClock(mwClock), WithJSONRPCError()) in
// front of mwNext on 127.0.0.1, over HTTP/2 (TLS) or HTTP/1.1, and counts
// the handler calls in flight.
func mwWireServer(t testing.TB, http2 bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var inFlight atomic.Int32
	h := Middleware(WithClock(mwClock), WithJSONRPCError())(&mwNext{})
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		h.ServeHTTP(w, r)
	}))
	if http2 {
		ts.EnableHTTP2 = true
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	return ts, &inFlight
}

// TestMiddlewareJSONRPCStalledBody checks that WithJSONRPCError's body read
// is bounded in time: 200 rejected POSTs that each send part of a body and
// then stall all get their 401 within a few seconds, and no handler is left
// waiting. Anyone can mint an expired token, so without the bound anyone
// could hold a goroutine per request for as long as they like.
func TestMiddlewareJSONRPCStalledBody(t *testing.T) {
	for _, proto := range []struct {
		name   string
		http2  bool
		wantHD int
	}{{"HTTP/1.1", false, 1}, {"HTTP/2", true, 2}} {
		t.Run(proto.name, func(t *testing.T) {
			const requests, sent = 200, 60000
			ts, inFlight := mwWireServer(t, proto.http2)
			client := ts.Client()
			goroutines := runtime.NumGoroutine()

			start := time.Now()
			var wg sync.WaitGroup
			errs := make(chan error, requests)
			stall := make(chan struct{})
			for range requests {
				pr, pw := io.Pipe()
				go func() {
					pw.Write(bytes.Repeat([]byte(" "), sent))
					<-stall // then never send the rest
					pw.CloseWithError(errors.New("client gave up"))
				}()
				req, err := http.NewRequest("POST", ts.URL+"/mcp", pr)
				require.NoError(t, err)
				req.Header.Set("Authorization", "Bearer "+mwExpired)
				req.Header.Set("Content-Type", "application/json")
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := client.Do(req)
					if err != nil {
						errs <- err
						return
					}
					defer res.Body.Close()
					body, err := io.ReadAll(res.Body)
					switch {
					case err != nil:
						errs <- err
					case res.ProtoMajor != proto.wantHD || res.StatusCode != http.StatusUnauthorized || string(body) != mwExpiredBody:
						errs <- fmt.Errorf("%s %d %s, want HTTP/%d 401 %s", res.Proto, res.StatusCode, body, proto.wantHD, mwExpiredBody)
					}
				}()
			}
			answered := make(chan struct{})
			go func() { wg.Wait(); close(answered) }()
			// The deadline is 1 s; the rest is slack for a slow machine.
			const patience = 10 * time.Second
			select {
			case <-answered:
			case <-time.After(patience):
			}
			elapsed := time.Since(start)
			close(stall) // let the clients give up, if they still wait
			<-answered
			require.Less(t, elapsed, patience, "the stalled requests were not all answered in time")
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Eventually(t, func() bool { return inFlight.Load() == 0 }, 5*time.Second, 10*time.Millisecond,
				"%d handlers still running after every request was answered", inFlight.Load())
			client.CloseIdleConnections()
			require.Eventually(t, func() bool { return runtime.NumGoroutine() <= goroutines+10 }, 10*time.Second, 10*time.Millisecond,
				"goroutines: %d before the requests, %d after", goroutines, runtime.NumGoroutine())
		})
	}
}

// mwReadSpy is a request body that records whether it was read.
type mwReadSpy struct {
	r    io.Reader
	read atomic.Int64
}

func (s *mwReadSpy) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.read.Add(int64(n))
	return n, err
}

// TestMiddlewareJSONRPCExpectContinue checks that a rejected request with
// "Expect: 100-continue" gets its 401, with the plain OAuth body, without the
// server asking for the body it is about to refuse. net/http's HTTP/2 server
// removes the Expect field before the handler runs and sends 100 Continue on
// the first read, so there the body is read, within the time bound, and
// gets the JSON-RPC body; the row pins that, so that a change in net/http
// shows.
func TestMiddlewareJSONRPCExpectContinue(t *testing.T) {
	const call = `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`
	const rpcExpired = `{"jsonrpc":"2.0","id":7,"error":{"code":-32001,"message":"The access token expired"}}`
	for _, tc := range []struct {
		name     string
		http2    bool
		wantBody string
		wantRead bool
	}{
		{"HTTP/1.1", false, mwExpiredBody, false},
		{"HTTP/2", true, rpcExpired, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := mwWireServer(t, tc.http2)
			client := ts.Client()
			// Wait for 100 Continue far longer than the test may take: the
			// body goes out only if the server asks for it.
			client.Transport.(*http.Transport).ExpectContinueTimeout = time.Minute
			body := &mwReadSpy{r: strings.NewReader(call)}
			req, err := http.NewRequest("POST", ts.URL+"/mcp", body)
			require.NoError(t, err)
			req.ContentLength = int64(len(call))
			req.Header.Set("Authorization", "Bearer "+mwExpired)
			req.Header.Set("Expect", "100-continue")
			res, err := client.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusUnauthorized, res.StatusCode)
			require.Equal(t, tc.wantBody, string(got))
			require.Equal(t, tc.wantRead, body.read.Load() > 0, "whether the body was sent")
		})
	}
}
