package jwtexp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// JSONRPCErrorCode is the JSON-RPC 2.0 error code of the body that
// [WithJSONRPCError] writes. It lies in the range -32000 to -32099 that
// JSON-RPC 2.0 §5.1 reserves for implementation-defined server errors, and
// clear of the codes MCP itself assigns.
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
// reports false for anything else: another method than POST, no body, a read
// error, a body over the limit, invalid JSON, a batch, a notification (no
// id), a null or non-scalar id, a response object, or a duplicated jsonrpc,
// method or id member. The caller then falls back to the OAuth error body, so
// no answer here ever lets a request through.
//
// It consumes the body; it is called only on the reject path, after which the
// next handler never runs.
func readJSONRPCID(r *http.Request) ([]byte, bool) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody || r.ContentLength > maxJSONRPCBody {
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONRPCBody+1))
	if err != nil || len(body) > maxJSONRPCBody {
		return nil, false
	}
	return jsonrpcRequestID(body)
}

// jsonrpcRequestID returns the raw id of body when body is exactly one
// JSON-RPC 2.0 request object (JSON-RPC 2.0 §4) whose id is a string or a
// number. Member names are matched exactly, after JSON unescaping.
func jsonrpcRequestID(body []byte) ([]byte, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false // a batch, or not an object
	}
	var id json.RawMessage
	var sawVersion, sawMethod, sawID bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, false
		}
		switch name {
		case "jsonrpc":
			var v string
			if sawVersion || json.Unmarshal(raw, &v) != nil || v != "2.0" {
				return nil, false
			}
			sawVersion = true
		case "method":
			var v string
			if sawMethod || json.Unmarshal(raw, &v) != nil {
				return nil, false
			}
			sawMethod = true
		case "id":
			if sawID || !(raw[0] == '"' || raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9') {
				return nil, false
			}
			sawID, id = true, raw
		}
	}
	if !sawVersion || !sawMethod || !sawID {
		return nil, false
	}
	return id, true
}
