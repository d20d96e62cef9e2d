package jwtexp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// JSONRPCErrorCode is the JSON-RPC 2.0 error code of the body that
// [WithJSONRPCError] writes. It lies in the range -32000 to -32099 that
// JSON-RPC 2.0 §5.1 reserves for implementation-defined server errors.
//
// No released MCP revision assigns it: MCP defines no JSON-RPC code for
// authentication, which it signals with the HTTP 401 and its challenge, and
// clients should act on those rather than on this code. The 2026-07-28
// revision calls -32000 to -32019 a legacy sub-range whose codes receivers
// must not give a specific meaning, reserves -32020 to -32099 for itself,
// and asks that new codes be allocated outside -32768 to -32000. The MCP
// go-sdk uses -32001 internally for its "unknown error" (jsonrpc2.ErrUnknown)
// and branches on it nowhere; it fails only the one call on any JSON-RPC
// error body of a non-2xx response.
const JSONRPCErrorCode = -32001

// maxJSONRPCBody is how much of a rejected request's body [WithJSONRPCError]
// reads, in bytes (1 MiB). A larger body gets the plain OAuth error body.
const maxJSONRPCBody = 1 << 20

// jsonrpcBody builds the 401 body of [WithJSONRPCError] for one rejection
// reason: everything but the id is precomputed at construction, so only the
// request's id is spliced in per response.
type jsonrpcBody struct {
	suffix []byte // `,"error":{"code":-32001,"message":"..."}}`
}

const jsonrpcPrefix = `{"jsonrpc":"2.0","id":`

func newJSONRPCBody(message string) jsonrpcBody {
	m, _ := json.Marshal(message) // a string always marshals
	return jsonrpcBody{suffix: []byte(`,"error":{"code":` + strconv.Itoa(JSONRPCErrorCode) + `,"message":` + string(m) + `}}`)}
}

// with returns the JSON-RPC error response for the request id, copied byte
// for byte from the request.
func (j jsonrpcBody) with(id []byte) []byte {
	b := make([]byte, 0, len(jsonrpcPrefix)+len(id)+len(j.suffix))
	b = append(b, jsonrpcPrefix...)
	b = append(b, id...)
	return append(b, j.suffix...)
}

// readJSONRPCID reads at most [maxJSONRPCBody] bytes of r's body and returns
// the raw bytes of the id of the single JSON-RPC 2.0 request it holds. It
// reports false for anything else: another method than POST, no body, a
// Content-Length over the limit (the body is then not read at all), a read
// error, a body over the limit, or a body [jsonrpcRequestID] refuses. The
// caller then falls back to the OAuth error body, so no answer here ever
// lets a request through.
//
// It consumes the body; it is called only on the reject path, after which the
// next handler never runs.
func readJSONRPCID(r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody || r.ContentLength > maxJSONRPCBody {
		return nil, false
	}
	body, ok := readBounded(r.Body, r.ContentLength)
	if !ok {
		return nil, false
	}
	return jsonrpcRequestID(body)
}

// readBounded reads rd to EOF into one buffer and reports false on a read
// error or when rd holds more than [maxJSONRPCBody] bytes, of which it reads
// at most one more than the limit. size is the announced length
// (Content-Length, -1 when unknown): when it is within the limit the buffer
// is allocated once with room for it and for the byte that would show the
// body to be longer, so a truthful Content-Length costs a single allocation.
// Otherwise the buffer starts small and doubles, capped at the limit.
func readBounded(rd io.Reader, size int64) ([]byte, bool) {
	const limit = maxJSONRPCBody + 1 // reading this many bytes proves the body too long
	n := 512
	if 0 < size && size <= maxJSONRPCBody {
		n = int(size) + 1
	}
	buf := make([]byte, 0, n)
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), limit-len(buf)))
		}
		k, err := rd.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, len(buf) <= maxJSONRPCBody
		}
		if err != nil {
			return nil, false
		}
	}
	return nil, false
}

// jsonrpcRequestID returns the raw id of body when body is exactly one
// JSON-RPC 2.0 request object (JSON-RPC 2.0 §4): a member jsonrpc whose
// value is the string "2.0", a member method whose value is a string, and a
// member id whose value is a number or a string of valid UTF-8 (the id is
// copied byte for byte into the response, which RFC 8259 §8.1 requires to
// be UTF-8). Member names are matched exactly, case-sensitively, after JSON
// unescaping; other members are skipped.
//
// It refuses an object that repeats jsonrpc, method or id, rather than
// picking one occurrence as encoding/json would (the last), since a
// duplicate makes the request ambiguous (RFC 8259 §4). That is also why it
// does not decode with json.Unmarshal, which in addition matches member
// names case-insensitively ("ID" would fill id).
//
// Cost: one pass of [scanRequestID], then, only when it finds an id, one
// pass of [json.Valid] (whose scanner encoding/json pools), which is most of
// the time spent on a large body. Neither copies the body. Batches,
// notifications and most other refusals end in the scan, often at its first
// bytes.
func jsonrpcRequestID(body []byte) ([]byte, bool) {
	id, ok := scanRequestID(body)
	if !ok || !json.Valid(body) {
		return nil, false
	}
	return id, true
}

// scanRequestID does the work of [jsonrpcRequestID] except validation: on
// valid JSON its answer is right, and on anything else it may answer
// anything, which the caller discards, but it checks every index, so no
// input makes it panic. It scans the top-level object once, skipping
// strings with [bytes.IndexByte] and nested values by counting brackets,
// and allocates nothing, except to unescape a member name or a jsonrpc
// value that contains a backslash and is short enough to be one of the
// names or "2.0".
func scanRequestID(body []byte) ([]byte, bool) {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return nil, false // a batch, or not an object
	}
	i++
	var id []byte
	var sawVersion, sawMethod, sawID bool
	for {
		i = skipSpace(body, i)
		if i == len(body) {
			return nil, false
		}
		switch body[i] {
		case '}':
			if !sawVersion || !sawMethod || !sawID {
				return nil, false
			}
			return id, true
		case ',':
			i = skipSpace(body, i+1)
		}
		end := skipString(body, i)
		if end < 0 {
			return nil, false
		}
		name := body[i:end]
		i = skipSpace(body, end)
		if i == len(body) || body[i] != ':' {
			return nil, false
		}
		i = skipSpace(body, i+1)
		end = skipValue(body, i)
		if end < 0 {
			return nil, false
		}
		value := body[i:end]
		i = end
		switch memberOf(name) {
		case memberJSONRPC:
			if sawVersion || !isVersion(value) {
				return nil, false
			}
			sawVersion = true
		case memberMethod:
			if sawMethod || value[0] != '"' {
				return nil, false
			}
			sawMethod = true
		case memberID:
			if sawID || !isID(value) {
				return nil, false
			}
			sawID, id = true, value
		}
	}
}

// The members of a JSON-RPC request that [jsonrpcRequestID] looks at.
const (
	memberOther = iota
	memberJSONRPC
	memberMethod
	memberID
)

// memberOf tells which member the raw JSON string name (quotes included)
// names, after unescaping.
func memberOf(name []byte) int {
	// The longest escaped spelling of "jsonrpc" is 7 \uXXXX escapes.
	const maxEscaped = len(`""`) + 6*len("jsonrpc")
	s := name
	if bytes.IndexByte(name, '\\') >= 0 {
		var u string
		if len(name) > maxEscaped || json.Unmarshal(name, &u) != nil {
			return memberOther
		}
		s = []byte(u)
	} else {
		s = s[1 : len(s)-1]
	}
	switch string(s) { // the compiler does not allocate for a switch
	case "jsonrpc":
		return memberJSONRPC
	case "method":
		return memberMethod
	case "id":
		return memberID
	}
	return memberOther
}

// isVersion reports whether the raw JSON value v is the string "2.0".
func isVersion(v []byte) bool {
	if string(v) == `"2.0"` {
		return true
	}
	const maxEscaped = len(`""`) + 6*len("2.0")
	var u string
	return len(v) <= maxEscaped && v[0] == '"' && bytes.IndexByte(v, '\\') >= 0 && json.Unmarshal(v, &u) == nil && u == "2.0"
}

// isID reports whether the raw JSON value v may be a request id: a number,
// or a string of valid UTF-8 (json.Valid lets invalid UTF-8 through).
func isID(v []byte) bool {
	switch c := v[0]; {
	case c == '"':
		return utf8.Valid(v)
	case c == '-' || '0' <= c && c <= '9':
		return true
	}
	return false // null, true, false, an object or an array
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space (RFC 8259 §2), or len(b).
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just past the JSON string that starts at
// b[i], or -1 when there is none. A quote ends the string unless an odd
// number of backslashes precedes it; each backslash is looked at once, so
// the scan is linear.
func skipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return -1
		}
		q += j
		escaped := false
		for k := q - 1; k > i && b[k] == '\\'; k-- {
			escaped = !escaped
		}
		if !escaped {
			return q + 1
		}
		j = q + 1
	}
	return -1
}

// skipValue returns the index just past the JSON value that starts at b[i],
// which must be valid JSON, or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); {
			switch b[j] {
			case '"':
				j = skipString(b, j)
				if j < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
			j++
		}
		return -1
	}
	// A number, true, false or null: up to the next delimiter.
	j := i
	for j < len(b) && !isDelimiter(b[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// isDelimiter reports whether c ends a number, true, false or null.
func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || isSpace(c)
}
