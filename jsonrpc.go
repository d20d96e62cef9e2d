package jwtexp

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// jsonrpcErrorCode is the code of the body [WithJSONRPCError] writes, from
// the range -32000 to -32099 that JSON-RPC 2.0 §5.1 leaves to servers. MCP
// assigns no code to authentication (the HTTP 401 and its challenge signal
// it), so clients should not branch on it.
const jsonrpcErrorCode = -32001

// maxJSONRPCBody is how much of a rejected request's body [WithJSONRPCError]
// reads, in bytes. MCP requests are small; a larger body, whose reading
// would cost the server for a token anyone can mint, gets the plain OAuth
// error body instead.
const maxJSONRPCBody = 64 << 10

// jsonrpcReadTimeout is how long [WithJSONRPCError] waits for a rejected
// request's body. A client that sends part of a body and stalls would
// otherwise hold the handler, and its goroutine, for as long as it likes.
const jsonrpcReadTimeout = time.Second

// readJSONRPCBody reads the body of r, a rejected request, for
// [WithJSONRPCError], and reports whether it read it to its end. It reads
// none of the body of a method other than POST, of a request that expects
// 100 Continue, or of one whose Content-Length is over [maxJSONRPCBody];
// it reads at most maxJSONRPCBody+1 bytes, within [jsonrpcReadTimeout],
// and a body longer than maxJSONRPCBody, unreadable or not all read in time
// is not read to its end. It is called only on the reject path, after which
// the next handler never runs.
func readJSONRPCBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	// Reading the body of a request with "Expect: 100-continue" (RFC 9110
	// §10.1.1, the only expectation defined) makes net/http send 100
	// Continue: it would ask for a body only to refuse the request.
	if r.Method != http.MethodPost || r.Body == nil || r.ContentLength > maxJSONRPCBody || len(r.Header["Expect"]) > 0 {
		return nil, false
	}
	// The deadline replaces the one Server.ReadTimeout set, which may have
	// been sooner: by at most a second, for a request already rejected. A
	// writer that cannot set one (ErrNotSupported: not net/http's, and no
	// Unwrap to it) leaves the read bounded in bytes only, and in time by
	// Server.ReadTimeout.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(jsonrpcReadTimeout))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONRPCBody+1))
	if err != nil || len(body) > maxJSONRPCBody {
		return nil, false
	}
	return body, true
}

// jsonrpcError returns the JSON-RPC 2.0 error response, with the given
// message, to the single request in body, and false when body holds no such
// request: anything but one JSON-RPC 2.0 request object (JSON-RPC 2.0 §4),
// or one whose id is not a number or a string of valid UTF-8 (a
// notification, a null id). The id is copied byte for byte.
//
// encoding/json matches member names case-insensitively and keeps the last
// of duplicate members; such requests get the same 401 either way, so the
// difference only picks the body.
func jsonrpcError(body []byte, message string) ([]byte, bool) {
	var req struct {
		JSONRPC string          `json:"jsonrpc"`
		Method  *string         `json:"method"`
		ID      json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &req) != nil || req.JSONRPC != "2.0" || req.Method == nil || !isID(req.ID) {
		return nil, false
	}
	msg, _ := json.Marshal(message) // a string always marshals
	out := []byte(`{"jsonrpc":"2.0","id":`)
	out = append(out, req.ID...)
	out = append(out, `,"error":{"code":`+strconv.Itoa(jsonrpcErrorCode)+`,"message":`...)
	out = append(out, msg...)
	return append(out, "}}"...), true
}

// isID reports whether the raw JSON value v may be a request id: a number,
// or a string of valid UTF-8 (encoding/json lets invalid UTF-8 through, and
// the response must be UTF-8, RFC 8259 §8.1).
func isID(v json.RawMessage) bool {
	if len(v) == 0 {
		return false // no id: a notification
	}
	switch c := v[0]; {
	case c == '"':
		return utf8.Valid(v)
	case c == '-' || '0' <= c && c <= '9':
		return true
	}
	return false // null, true, false, an object or an array
}
