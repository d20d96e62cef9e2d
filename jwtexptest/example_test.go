package jwtexptest_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/jwtexptest"
)

var key = []byte("test key")

// sign returns an HS256 JWT, the kind of token the server under test
// issues.
func sign(claims string) string {
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claims))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(unsigned))
	return unsigned + "." + enc.EncodeToString(mac.Sum(nil))
}

// verify is the server's real verifier: it checks the signature (and, in
// a real server, exp, audience and scope).
func verify(next http.Handler, resourceMetadata string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := jwtexp.BearerToken(r.Header.Get("Authorization"))
		i := strings.LastIndexByte(tok, '.')
		mac := hmac.New(sha256.New, key)
		if i >= 0 {
			mac.Write([]byte(tok[:i]))
		}
		if sig, err := base64.RawURLEncoding.DecodeString(tok[i+1:]); i < 0 || err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
			ch := jwtexp.Challenge{Error: "invalid_token", ResourceMetadata: resourceMetadata}
			w.Header().Set("WWW-Authenticate", ch.String())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cors lets browser clients such as MCP Inspector call the server.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "WWW-Authenticate")
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// In a server's own test, Check runs against an httptest server with a
// token that the test signs itself and lets expire: here an hour ago. In a
// testing.T test, the last lines become
//
//	if err := rep.Err(); err != nil {
//		t.Fatal(err)
//	}
func Example() {
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	rm := base + "/.well-known/oauth-protected-resource/mcp"

	mcpHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"jsonrpc":"2.0","id":1,"result":{}}`) // the MCP server
	})
	mux := http.NewServeMux()
	mux.Handle("/mcp", jwtexp.Middleware(jwtexp.WithRequireToken(), jwtexp.WithResourceMetadata(rm))(verify(mcpHandler, rm)))
	mux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"resource":%q,"authorization_servers":[%q]}`, base+"/mcp", base)
	})
	ts.Config.Handler = cors(mux)
	ts.Start()
	defer ts.Close()

	expired := sign(fmt.Sprintf(`{"sub":"alice","exp":%d}`, time.Now().Add(-time.Hour).Unix()))
	rep, err := jwtexptest.Check(context.Background(), base+"/mcp", jwtexptest.Options{Token: expired})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Results {
		fmt.Println(r.Status, r.ID)
	}
	fmt.Println("err:", rep.Err())
	// Output:
	// pass no-token-401
	// pass prm-discovery
	// pass prm-valid
	// pass expired-401
	// pass expired-invalid-token
	// pass expired-every-method
	// pass malformed-401
	// pass no-token-no-error
	// pass challenge-resource-metadata
	// pass cors-preflight
	// pass cors-expose
	// err: <nil>
}
