package gosdkclient

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2"
)

// TestMyHandler runs the snippet's handler against a go-sdk server behind
// jwtexp and auth.RequireBearerToken: the first request gets the verifier's
// 401 without an error code and authorizes; once jwtexp's clock has passed
// the token's exp, the next call gets jwtexp's 401 invalid_token, authorizes
// again, and succeeds on the same session. jwtexp's clock is moved instead
// of waiting; the verifier behind it checks the signature only.
func TestMyHandler(t *testing.T) {
	base := time.Now()
	var (
		mu  sync.Mutex
		now = base
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }

	var metadataURL string
	srv := e2e.Serve(t, func(baseURL string) http.Handler {
		metadataURL = baseURL + "/.well-known/oauth-protected-resource/mcp"
		server := mcp.NewServer(&mcp.Implementation{Name: "test", Version: "v0.0.1"}, nil)
		verify := auth.RequireBearerToken(func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
			c, err := devjwt.Verify(devjwt.DevKey, token)
			if err != nil {
				return nil, auth.ErrInvalidToken
			}
			return &auth.TokenInfo{Expiration: time.Unix(c.Expiry, 0), UserID: c.Subject}, nil
		}, &auth.RequireBearerTokenOptions{ResourceMetadataURL: metadataURL})
		mux := http.NewServeMux()
		mux.Handle("/mcp", jwtexp.Middleware(jwtexp.WithClock(clock), jwtexp.WithResourceMetadata(metadataURL))(
			verify(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return server }, nil))))
		return mux
	})

	var asked []string // the resource_metadata of each authorization
	h := &myHandler{getToken: func(ctx context.Context, resourceMetadata string) (*oauth2.Token, error) {
		asked = append(asked, resourceMetadata)
		// Each token expires an hour after jwtexp's clock.
		tok, err := devjwt.Sign(devjwt.DevKey, devjwt.Claims{Subject: "jane", Expiry: clock().Add(time.Hour).Unix()})
		return &oauth2.Token{AccessToken: tok}, err
	}}

	ctx := context.Background()
	cs, err := connect(ctx, srv.URL+"/mcp", h)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = base.Add(2 * time.Hour) // the first token has expired for jwtexp
	mu.Unlock()
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if want := []string{metadataURL, metadataURL}; !slices.Equal(asked, want) {
		t.Errorf("authorizations for %q, want %q", asked, want)
	}
}
