package oauth2exp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/jwtexp/jwtexp/oauth2exp"
	"golang.org/x/oauth2"
)

// The payloads below are base64url of the JSON shown beside them; the
// signatures are placeholders, since oauth2exp never checks them.
const (
	token2023 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln" // {"sub":"jane","exp":1700000000}
	token2020 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNjAwMDAwMDAwfQ.c2ln" // {"sub":"jane","exp":1600000000}
	token2100 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln" // {"sub":"jane","exp":4102444800}
)

func ExampleExpiry() {
	// The exp, 2023-11-14 22:13:20 UTC, is earlier than what expires_in said.
	tok := &oauth2.Token{AccessToken: token2023, Expiry: time.Date(2023, 11, 15, 0, 0, 0, 0, time.UTC)}
	fmt.Println(oauth2exp.Expiry(tok).UTC())

	// It fills a missing expires_in.
	fmt.Println(oauth2exp.Expiry(&oauth2.Token{AccessToken: token2023}).UTC())

	// A later exp never keeps a token longer than expires_in says.
	tok = &oauth2.Token{AccessToken: token2100, Expiry: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	fmt.Println(oauth2exp.Expiry(tok).UTC())

	// An opaque token has only its expires_in, here none.
	fmt.Println(oauth2exp.Expiry(&oauth2.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA"}).IsZero())
	// Output:
	// 2023-11-14 22:13:20 +0000 UTC
	// 2023-11-14 22:13:20 +0000 UTC
	// 2024-01-01 00:00:00 +0000 UTC
	// true
}

// go-sdk's auth.AuthorizationCodeHandlerConfig has a NewTokenSource field of
// this type, which it calls after the authorization code exchange. Here the
// authorization server sent no refresh token, and the access token has
// expired: the source returns it, so the request reaches the MCP server,
// whose 401 makes go-sdk authorize again.
func ExampleNewTokenSource() {
	config := struct { // as auth.AuthorizationCodeHandlerConfig{...}
		NewTokenSource func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error)
	}{
		NewTokenSource: oauth2exp.NewTokenSource(),
	}

	cfg := &oauth2.Config{
		ClientID: "mcp-client",
		Endpoint: oauth2.Endpoint{TokenURL: "https://auth.example.com/token"}, // never called
	}
	tok := &oauth2.Token{AccessToken: token2020, TokenType: "Bearer", Expiry: time.Unix(1600000000, 0)}

	ts, err := config.NewTokenSource(context.Background(), cfg, tok)
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := ts.Token()
	fmt.Println(got.AccessToken == token2020, got.Expiry.UTC(), err)

	// x/oauth2's own source fails instead, and the request is never sent.
	_, err = cfg.TokenSource(context.Background(), tok).Token()
	fmt.Println(err)
	// Output:
	// true 2020-09-13 12:26:40 +0000 UTC <nil>
	// oauth2: token expired and refresh token is not set
}

// With a refresh token, the source refreshes before the exp. This
// authorization server leaves out expires_in, so x/oauth2 alone would take
// the new token for one that never expires.
func ExampleTokenSource() {
	tokenEndpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("refresh with", r.PostFormValue("grant_type"), r.PostFormValue("refresh_token"))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"access_token": token2100, "token_type": "Bearer"})
	}))
	defer tokenEndpoint.Close()

	cfg := &oauth2.Config{
		ClientID: "mcp-client",
		Endpoint: oauth2.Endpoint{TokenURL: tokenEndpoint.URL, AuthStyle: oauth2.AuthStyleInParams},
	}
	ts := oauth2exp.TokenSource(context.Background(), cfg, &oauth2.Token{AccessToken: token2020, RefreshToken: "rt"})
	for range 2 {
		tok, err := ts.Token()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(tok.Expiry.UTC(), tok.RefreshToken)
	}
	// Output:
	// refresh with refresh_token rt
	// 2100-01-01 00:00:00 +0000 UTC rt
	// 2100-01-01 00:00:00 +0000 UTC rt
}

// tokenFunc makes a function an oauth2.TokenSource. ReuseTokenSource should
// ask a source that fetches a new token at each call, such as
// clientcredentials.Config.Token:
//
//	src := tokenFunc(func() (*oauth2.Token, error) { return cc.Token(ctx) })
type tokenFunc func() (*oauth2.Token, error)

func (f tokenFunc) Token() (*oauth2.Token, error) { return f() }

// A client credentials grant whose server sends 60-second JWTs without
// expires_in: the source refreshes 10 s before each exp.
func ExampleReuseTokenSource() {
	start := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	now := start
	fetches := 0
	src := tokenFunc(func() (*oauth2.Token, error) {
		fetches++
		return &oauth2.Token{AccessToken: jwtExp(now.Add(time.Minute)), TokenType: "Bearer"}, nil
	})

	ts := oauth2exp.ReuseTokenSource(nil, src, oauth2exp.WithClock(func() time.Time { return now }))
	for _, after := range []time.Duration{0, 49 * time.Second, 50 * time.Second, 99 * time.Second} {
		now = start.Add(after)
		tok, err := ts.Token()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("at %v: fetch %d, expires %s\n", after, fetches, tok.Expiry.UTC().Format(time.TimeOnly))
	}
	// Output:
	// at 0s: fetch 1, expires 12:01:00
	// at 49s: fetch 1, expires 12:01:00
	// at 50s: fetch 2, expires 12:01:50
	// at 1m39s: fetch 2, expires 12:01:50
}
