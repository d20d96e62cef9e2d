package jwtexp_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/jwtexp/jwtexp"
)

// The payloads below are base64url of the JSON shown beside them; the
// signatures are placeholders, since jwtexp never checks them.
const (
	token2023 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln"                 // {"sub":"jane","exp":1700000000}
	token2020 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNjAwMDAwMDAwfQ.c2ln"                 // {"sub":"jane","exp":1600000000}
	token2100 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln"                 // {"sub":"jane","exp":4102444800}
	noExp     = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2ln"                                        // {"sub":"jane"}
	stringExp = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoiMjAyMy0xMS0xNFQyMjoxMzoyMFoifQ.c2ln" // {"sub":"jane","exp":"2023-11-14T22:13:20Z"}
	laravel   = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE2NDQ5NDgzMjkuNTI4MjM5fQ.c2ln"                         // {"exp":1644948329.528239}
)

func ExampleUnverifiedExp() {
	exp, err := jwtexp.UnverifiedExp(token2023)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(exp.UTC())

	// Fractional exps are exact, to the nanosecond.
	exp, _ = jwtexp.UnverifiedExp(laravel)
	fmt.Println(exp.UTC().Format(time.RFC3339Nano))
	// Output:
	// 2023-11-14 22:13:20 +0000 UTC
	// 2022-02-15T18:05:29.528239Z
}

func ExampleExpired() {
	// Reject early, before the expensive verifier runs; a token that is
	// not expired must still be verified in full.
	for _, token := range []string{token2020, token2100, "opaque-access-token"} {
		if jwtexp.Expired(token, jwtexp.DefaultSkew) {
			fmt.Println("401: expired")
		} else {
			fmt.Println("pass to the verifier")
		}
	}
	// Output:
	// 401: expired
	// pass to the verifier
	// pass to the verifier
}

func ExampleExpiredAt() {
	exp := time.Unix(1700000000, 0)
	fmt.Println(jwtexp.ExpiredAt(token2023, exp.Add(-time.Second), 0))
	fmt.Println(jwtexp.ExpiredAt(token2023, exp, 0)) // RFC 7519: now must be before exp
	fmt.Println(jwtexp.ExpiredAt(token2023, exp.Add(30*time.Second), jwtexp.DefaultSkew))
	fmt.Println(jwtexp.ExpiredAt(token2023, exp.Add(-time.Minute), -5*time.Minute)) // expires within 5 minutes
	// Output:
	// false
	// true
	// false
	// true
}

// The three errors tell apart what a server should let pass from what it
// may reject.
func Example_errors() {
	for _, token := range []string{token2023, "2YotnFZFEjr1zCsicMWpAA", noExp, stringExp} {
		_, err := jwtexp.UnverifiedExp(token)
		switch {
		case err == nil:
			fmt.Println("has an exp")
		case errors.Is(err, jwtexp.ErrNotJWT):
			fmt.Println("opaque or not a JWT: let the verifier decide")
		case errors.Is(err, jwtexp.ErrNoExp):
			fmt.Println("a JWT without exp: let the verifier decide")
		case errors.Is(err, jwtexp.ErrMalformed):
			fmt.Println("a broken JWT:", err)
		}
	}
	// Output:
	// has an exp
	// opaque or not a JWT: let the verifier decide
	// a JWT without exp: let the verifier decide
	// a broken JWT: jwtexp: malformed JWT claims
}
