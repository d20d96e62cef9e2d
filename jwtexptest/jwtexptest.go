// Package jwtexptest checks how an MCP server answers missing, expired and
// malformed bearer tokens.
//
// [Check] sends the requests and returns a [Report]; it uses only the
// standard library and the root package.
package jwtexptest

import (
	"context"
	"errors"
	"net/http"
)

// Options configures [Check]. The zero value is ready to use.
type Options struct {
	// Client sends every request. nil means a client with a 10 s timeout
	// per request, no cookie jar, and no redirects followed.
	Client *http.Client

	// Token is an expired token the server itself issued; "" means a
	// self-minted one.
	Token string

	// Origin is the browser origin for the CORS checks; "" means
	// "http://localhost:6274".
	Origin string
}

// Report is the outcome of [Check]: data, for the caller to print.
type Report struct {
	Endpoint string
	Results  []Result // one per check, in a stable order
}

// Err is nil unless a required check failed; its text names each failed
// check's ID and detail.
func (r Report) Err() error { return nil }

// Result is the outcome of one check.
type Result struct {
	ID     string
	Status Status
	Detail string // what was sent, what came back, and the rule it breaks
}

// Status is the verdict of one check.
type Status string

// The statuses of a [Result].
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Warn Status = "warn"
	Skip Status = "skip"
)

// Check probes the MCP endpoint and returns one [Result] per check.
func Check(ctx context.Context, endpoint string, opts Options) (Report, error) {
	return Report{}, errors.New("jwtexptest: not implemented")
}
