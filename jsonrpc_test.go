package jwtexp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

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
		{`{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1,"\u0069d":2,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"x","method":"y"}`, ""},
		{`{"jsonrpc":"1.0","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":2.0,"id":1,"method":"x"}`, ""},
		{`{"id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1}`, ""},                                            // no method
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, ""},                                // a response
		{`{"jsonrpc":"2.0","id":1,"method":1}`, ""},                                 // method not a string
		{`{"jsonrpc":"2.0","ID":1,"method":"x"}`, ""},                               // names are case-sensitive
		{`{"jsonrpc":"2.0","Id":1,"Method":"x"}`, ""},                               // names are case-sensitive
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
		{`{"jsonrpc":"2.0","\u0049D":1,"method":"x"}`, ""},                     // "ID": names are case-sensitive after unescaping too
		{`{"jsonrpc":"2.0","id":1,"\u0069\u0064":2,"method":"x"}`, ""},         // a repeat, escaped
		{`{"jsonrpc":"2.0 ","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"\u0032.0\u0020","id":1,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":null}`, ""},
		{`{"jsonrpc":"2.0","id":false,"method":"x"}`, ""},
		{`{"jsonrpc":"2.0","id":1,"method":"x"}` + "\x00", ""},
	}
	for _, tc := range tests {
		id, ok := jsonrpcRequestID([]byte(tc.body))
		if ok != (tc.id != "") || string(id) != tc.id {
			t.Errorf("jsonrpcRequestID(%s) = %s, %v; want %s", tc.body, id, ok, tc.id)
		}
	}
}

// TestJSONRPCRequestIDAllocs pins the claims that scanRequestID allocates
// nothing (no escaped names), and that readBounded reads a body with a
// truthful Content-Length into a single buffer: a 1 MiB body must not cost
// several copies. json.Valid, the other half of jsonrpcRequestID, is left
// out: its scanner comes from a sync.Pool, which the race detector
// randomly empties.
func TestJSONRPCRequestIDAllocs(t *testing.T) {
	const head, tail = `{"jsonrpc":"2.0","id":"req-1","method":"tools/call","params":{"name":"upload","arguments":{"data":"`, `"},"list":[1,[2,{"a":"]"}]]}}`
	body := []byte(head + strings.Repeat(`ab\"c\\`, (maxJSONRPCBody-len(head)-len(tail))/7) + tail)
	if id, ok := jsonrpcRequestID(body); !ok || string(id) != `"req-1"` {
		t.Fatalf("jsonrpcRequestID = %s, %v", id, ok)
	}
	if n := testing.AllocsPerRun(5, func() { scanRequestID(body) }); n != 0 {
		t.Errorf("scanRequestID: %v allocs for a %d-byte body, want 0", n, len(body))
	}
	r := bytes.NewReader(body)
	n := testing.AllocsPerRun(5, func() {
		r.Reset(body)
		if b, ok := readBounded(r, int64(len(body))); !ok || len(b) != len(body) {
			t.Fatalf("readBounded = %d bytes, %v", len(b), ok)
		}
	})
	if n != 1 {
		t.Errorf("readBounded with a truthful Content-Length: %v allocs, want 1", n)
	}
}

// TestReadBounded checks the limit and the growth of the buffer for every
// kind of announced length.
func TestReadBounded(t *testing.T) {
	tests := []struct {
		name string
		n    int   // body length
		size int64 // announced length
		ok   bool
	}{
		{"empty, unknown length", 0, -1, true},
		{"small, truthful", 100, 100, true},
		{"small, unknown", 100, -1, true},
		{"announced shorter than the body", 5000, 10, true},
		{"announced longer than the body", 10, 5000, true},
		{"at the limit, truthful", maxJSONRPCBody, maxJSONRPCBody, true},
		{"at the limit, unknown", maxJSONRPCBody, -1, true},
		{"one over, unknown", maxJSONRPCBody + 1, -1, false},
		{"one over, announced at the limit", maxJSONRPCBody + 1, maxJSONRPCBody, false},
		{"far over, announced small", 4 * maxJSONRPCBody, 10, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &mwCountingReader{n: tc.n}
			b, ok := readBounded(src, tc.size)
			if ok != tc.ok || ok && (len(b) != tc.n || strings.Count(string(b), "a") != tc.n) {
				t.Fatalf("readBounded = %d bytes, %v; want %d bytes, %v", len(b), ok, tc.n, tc.ok)
			}
			if src.read > maxJSONRPCBody+1 {
				t.Fatalf("read %d bytes, want at most %d", src.read, maxJSONRPCBody+1)
			}
		})
	}
	if _, ok := readBounded(io.MultiReader(strings.NewReader("abc"), mwErrReader{}), -1); ok {
		t.Fatal("readBounded ignored a read error")
	}
}

// mwRPCResponse is how an MCP client decodes the 401 body.
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

// TestMiddlewareJSONRPCErrorBounded checks that at most 1 MiB (plus the one
// byte that tells it is over) is read from a body of unknown length.
func TestMiddlewareJSONRPCErrorBounded(t *testing.T) {
	body := &mwCountingReader{n: 64 << 20}
	req := httptest.NewRequest("POST", "/mcp", body)
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+mwExpired)
	got := mwServe(t, req, WithClock(mwClock), WithJSONRPCError())
	checkRejected(t, got, map[string]string{"error": "invalid_token", "error_description": "The access token expired"}, mwExpiredBody)
	if body.read > maxJSONRPCBody+1 {
		t.Fatalf("read %d bytes of the body, want at most %d", body.read, maxJSONRPCBody+1)
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
		{"body exactly 1 MiB", "POST", strings.NewReader(atLimit), 0, mwExpired, nil, expiredParams,
			`{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"The access token expired"}}`},

		// Everything else: the plain OAuth body, still 401.
		{"notification", "POST", strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"null id", "POST", strings.NewReader(`{"jsonrpc":"2.0","id":null,"method":"x"}`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"batch", "POST", strings.NewReader(`[` + call + `]`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"not JSON", "POST", strings.NewReader(`id=1`), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"empty body", "POST", http.NoBody, 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"body over 1 MiB", "POST", strings.NewReader(big), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"body over 1 MiB, length unknown", "POST", strings.NewReader(big), -1, mwExpired, nil, expiredParams, mwExpiredBody},
		{"Content-Length over 1 MiB", "POST", strings.NewReader(call), maxJSONRPCBody + 1, mwExpired, nil, expiredParams, mwExpiredBody},
		{"read error", "POST", io.MultiReader(strings.NewReader(call[:10]), mwErrReader{}), -1, mwExpired, nil, expiredParams, mwExpiredBody},
		{"string id with invalid UTF-8", "POST", strings.NewReader("{\"jsonrpc\":\"2.0\",\"id\":\"\xff\",\"method\":\"x\"}"), 0, mwExpired, nil, expiredParams, mwExpiredBody},
		{"Content-Length shorter than the body", "POST", strings.NewReader(call), 10, mwExpired, nil, expiredParams, rpcExpired},
		{"body exactly 1 MiB, length unknown", "POST", strings.NewReader(atLimit), -1, mwExpired, nil, expiredParams,
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
				if err := json.Unmarshal([]byte(got.body), &resp); err != nil || resp.JSONRPC != "2.0" || resp.Error == nil || resp.Error.Code != JSONRPCErrorCode {
					t.Fatalf("body %s does not decode as a JSON-RPC error response: %v", got.body, err)
				}
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
	if seen != call {
		t.Fatalf("next read body %q, want %q", seen, call)
	}
}

// TestMiddlewareJSONRPCErrorHeaders checks that the option changes the
// body only: status and every header but Content-Length are those of the
// plain 401.
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
	if plain.Code != 401 || rpc.Code != 401 {
		t.Fatalf("status %d and %d, want 401", plain.Code, rpc.Code)
	}
	ph, rh := plain.Header().Clone(), rpc.Header().Clone()
	if rh.Get("Content-Length") != strconv.Itoa(rpc.Body.Len()) {
		t.Fatalf("Content-Length %q for a %d-byte body", rh.Get("Content-Length"), rpc.Body.Len())
	}
	ph.Del("Content-Length")
	rh.Del("Content-Length")
	if diff := cmp.Diff(ph, rh); diff != "" {
		t.Fatalf("headers (-plain +jsonrpc):\n%s", diff)
	}
}

// FuzzJSONRPCRequestID checks jsonrpcRequestID against an oracle built on
// encoding/json maps: never a panic; an id only for a JSON object with
// jsonrpc "2.0", a string method and a number id or a string id of valid
// UTF-8, copied byte for byte; and whenever the oracle sees such an object
// but the function says no, the object must repeat one of those three
// names. It also runs scanRequestID, which assumes valid JSON, on every
// input, to show that no input makes it panic.
func FuzzJSONRPCRequestID(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, `{"jsonrpc":"2.0","method":"x"}`, `{"jsonrpc":"2.0","id":null,"method":"x"}`,
		`[{"jsonrpc":"2.0","id":1,"method":"x"}]`, `{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}`, `{"\u0069d":"\u00e9","jsonrpc":"2.0","method":""}`,
		`{"jsonrpc":"2.0","id":-1e-7,"method":"x"}`, `{`, ``, `{"id":{"id":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		scanRequestID(body) // must not panic even on invalid JSON
		id, ok := jsonrpcRequestID(body)
		var m map[string]json.RawMessage
		var version, method string
		oracle := json.Unmarshal(body, &m) == nil && m != nil &&
			json.Unmarshal(m["jsonrpc"], &version) == nil && version == "2.0" && m["method"] != nil &&
			json.Unmarshal(m["method"], &method) == nil && len(m["id"]) > 0 && (m["id"][0] == '"' || m["id"][0] == '-' || '0' <= m["id"][0] && m["id"][0] <= '9') &&
			utf8.Valid(m["id"])
		if ok {
			if !oracle {
				t.Fatalf("id %s for %q, which the oracle refuses", id, body)
			}
			if !bytes.Equal(id, m["id"]) {
				t.Fatalf("id %s, oracle %s, for %q", id, m["id"], body)
			}
			out := newJSONRPCBody("The access token expired").with(id)
			var resp mwRPCResponse
			if err := json.Unmarshal(out, &resp); err != nil || !bytes.Equal(resp.ID, id) || resp.Error == nil {
				t.Fatalf("response %s does not decode with id %s: %v", out, id, err)
			}
			return
		}
		if oracle && !mwRepeatsMember(body, "jsonrpc", "method", "id") {
			t.Fatalf("no id for %q, which the oracle accepts with id %s", body, m["id"])
		}
	})
}

// mwRepeatsMember reports whether the top-level object in body has one of
// names more than once.
func mwRepeatsMember(body []byte, names ...string) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return false
	}
	count := map[string]int{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
		if name, _ := t.(string); indexOf(names, name) >= 0 {
			if count[name]++; count[name] > 1 {
				return true
			}
		}
	}
	return false
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

// BenchmarkJSONRPCReject1MiB measures the 401 with a JSON-RPC body for a
// tools/call request of exactly 1 MiB, the largest body WithJSONRPCError
// reads: the most an expired token can make one request cost.
func BenchmarkJSONRPCReject1MiB(b *testing.B) {
	h := Middleware(WithResourceMetadata(mwMetadata), WithJSONRPCError())(mwNoop)
	const head, tail = `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"upload","arguments":{"data":"`, `"}}}`
	body := []byte(head + strings.Repeat("A", maxJSONRPCBody-len(head)-len(tail)) + tail)
	auth := "Bearer " + mwJWT("1700000000")
	req := &http.Request{Method: "POST", Header: http.Header{"Authorization": {auth}}, ContentLength: int64(len(body))}
	r := bytes.NewReader(body)
	req.Body = io.NopCloser(r)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if !strings.HasPrefix(rec.Body.String(), `{"jsonrpc":"2.0","id":42,`) {
		b.Fatalf("body %.80s, want a JSON-RPC error response", rec.Body)
	}
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
