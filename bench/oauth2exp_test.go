package bench

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/oauth2exp"
	"golang.org/x/oauth2"
)

var sinkToken *oauth2.Token

// failingSource stands for the token endpoint: a benchmark that reaches it
// is timing a refresh, not the cached path, and fails.
type failingSource struct{}

func (failingSource) Token() (*oauth2.Token, error) {
	return nil, errors.New("bench: the cached token was not used")
}

// BenchmarkTokenSource times Token on a valid cached token, the call an MCP
// client makes before every request, with x/oauth2's sources and with
// oauth2exp's over the same realistic RS256 access token and expires_in an
// hour away. oauth2exp reads the exp once per token, when it gets it, so the
// cached path is a mutex and one time comparison, as x/oauth2's is. Each
// sub-benchmark first checks, outside the timed loop, that it returns the
// token without asking for a new one.
func BenchmarkTokenSource(b *testing.B) {
	tok := &oauth2.Token{
		AccessToken:  loadAccessToken(b),
		TokenType:    "Bearer",
		RefreshToken: "rt",
		Expiry:       time.Now().Add(time.Hour),
	}
	cfg := &oauth2.Config{ClientID: "bench", Endpoint: oauth2.Endpoint{TokenURL: "http://127.0.0.1:1/token"}}
	ctx := context.Background()

	for _, bm := range []struct {
		name string
		ts   oauth2.TokenSource
	}{
		{"oauth2.ReuseTokenSource", oauth2.ReuseTokenSource(tok, failingSource{})},
		{"oauth2exp.ReuseTokenSource", oauth2exp.ReuseTokenSource(tok, failingSource{})},
		{"oauth2.Config.TokenSource", cfg.TokenSource(ctx, tok)},
		{"oauth2exp.TokenSource", oauth2exp.TokenSource(ctx, cfg, tok)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			got, err := bm.ts.Token()
			if err != nil || got.AccessToken != tok.AccessToken {
				b.Fatalf("Token = %v, %v; want the cached token", got, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkToken, sinkErr = bm.ts.Token()
			}
		})
	}
}
