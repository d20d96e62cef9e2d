package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/jwtexptest"
)

// Exit statuses of jwtexp check, documented in checkUsage and in the
// package comment.
const (
	exitCheckPass   = 0 // no required check failed
	exitCheckFail   = 1 // a required check failed
	exitCannotProbe = 2 // the reason is on stderr
)

// maxWait is the longest -wait waits: a token that lives longer is surely
// not the expired one the user meant.
const maxWait = time.Hour

// sleep is how -wait waits; a test replaces it, outside any parallel test.
var sleep = time.Sleep

// checkOptions are the parsed command line of jwtexp check.
type checkOptions struct {
	json      bool
	tokenFile string // "" for a self-minted token, "-" for stdin
	wait      bool
	skew      time.Duration
	origin    string
	endpoint  string
}

// runCheck is "jwtexp check": it runs jwtexptest.Check against the URL and
// prints the report. args follow "check".
func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, status, ok := parseCheckFlags(args, stderr)
	if !ok {
		return status
	}
	cannot := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "jwtexp check: "+format+"\n", a...)
		return exitCannotProbe
	}

	var token string
	if opts.tokenFile != "" {
		raw, err := readTokenFile(opts.tokenFile, stdin)
		if err != nil {
			return cannot("%v", err)
		}
		token = extractToken(raw)
		exp, err := jwtexp.UnverifiedExp(token)
		if err != nil {
			return cannot("the token has no readable exp: %v", err)
		}
		exp = exp.UTC()
		n := now().UTC()
		if !opts.wait && !jwtexp.ExpiredAt(token, n, 0) {
			return cannot("the token has not expired yet: exp %s, it %s; run again later, or add -wait", formatTime(exp), relative(exp, n))
		}
		// -wait waits whenever exp + skew is ahead, also for a token just
		// past exp: a server with that much leeway still accepts it.
		if d := exp.Add(opts.skew).Sub(n); opts.wait && d > 0 {
			if d > maxWait {
				return cannot("the token %s (exp %s): waiting %s until exp + skew is more than -wait's limit of 1h", relative(exp, n), formatTime(exp), d.Round(time.Second))
			}
			fmt.Fprintf(stderr, "jwtexp check: the token %s (exp %s); waiting %s, until exp + skew (%s)\n", relative(exp, n), formatTime(exp), d.Round(time.Second), opts.skew)
			sleep(d)
		}
	}

	rep, err := jwtexptest.Check(context.Background(), opts.endpoint, jwtexptest.Options{Token: token, Origin: opts.origin})
	if err != nil {
		return cannot("%v", err)
	}
	if opts.json {
		writeCheckJSON(stdout, rep)
	} else {
		writeCheckText(stdout, rep)
	}
	if rep.Err() != nil {
		return exitCheckFail
	}
	return exitCheckPass
}

// readTokenFile reads at most maxInput bytes of the file, or of stdin for "-".
func readTokenFile(name string, stdin io.Reader) (string, error) {
	if name == "-" {
		return readInput(nil, stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return "", fmt.Errorf("-token: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return "", fmt.Errorf("-token: %v", err)
	}
	if len(b) > maxInput {
		return "", fmt.Errorf("-token: %s is larger than 1 MiB", name)
	}
	return string(b), nil
}

// parseCheckFlags parses the arguments after "check". When ok is false the
// caller must return status: 0 after -h, exitUsage after a usage error
// (already reported on stderr). As in the main command, flags may follow
// the URL, and "--" ends the flags.
func parseCheckFlags(args []string, stderr io.Writer) (opts checkOptions, status int, ok bool) {
	fs := flag.NewFlagSet("jwtexp check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, checkUsageHead)
		fs.PrintDefaults()
		fmt.Fprint(stderr, checkUsageTail)
	}
	fs.BoolVar(&opts.json, "json", false, "print one JSON object on stdout instead of text")
	fs.StringVar(&opts.tokenFile, "token", "", "read an expired token the server issued from `FILE`, or from stdin with -; without it, a self-minted one")
	fs.BoolVar(&opts.wait, "wait", false, "when exp + skew of the -token is still ahead, wait until then (at most 1h), then probe")
	fs.DurationVar(&opts.skew, "skew", time.Minute, "how long -wait waits past exp, room for the server's leeway")
	fs.StringVar(&opts.origin, "origin", "", "browser `ORIGIN` of the CORS checks (default \"http://localhost:6274\", MCP Inspector's)")

	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, 0, false
		}
		return opts, exitUsage, false
	}

	usageErr := func(format string, a ...any) (checkOptions, int, bool) {
		fmt.Fprintf(stderr, "jwtexp check: "+format+"\n", a...)
		fs.Usage()
		return opts, exitUsage, false
	}
	if len(pos) != 1 {
		return usageErr("want one URL, got %d arguments", len(pos))
	}
	opts.endpoint = pos[0]
	if u, err := url.Parse(opts.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr("%q is not an absolute http(s) URL, such as http://localhost:8080/mcp", opts.endpoint)
	}
	if opts.skew < 0 {
		return usageErr("-skew %s is negative", opts.skew)
	}
	if opts.origin != "" && !isOrigin(opts.origin) {
		return usageErr("-origin %q is not an origin: want scheme://host[:port] with no path, such as http://localhost:6274", opts.origin)
	}
	return opts, 0, true
}

// isOrigin reports whether s is a serialized origin as a browser sends it
// in the Origin header (RFC 6454 §6.1, the Fetch standard):
// scheme://host[:port], no user info, path, query or fragment.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != "" && u.Opaque == "" && u.User == nil &&
		u.Path == "" && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" && !strings.HasSuffix(s, "#")
}

// writeCheckText writes one line per check (status, ID, detail) and a
// summary line.
func writeCheckText(w io.Writer, rep jwtexptest.Report) {
	count := map[jwtexptest.Status]int{}
	for _, r := range rep.Results {
		count[r.Status]++
		fmt.Fprintf(w, "%-4s  %-27s  %s\n", r.Status, r.ID, r.Detail)
	}
	verdict := "no required check failed"
	if count[jwtexptest.Fail] > 0 {
		verdict = "a required check failed"
	}
	fmt.Fprintf(w, "%s: %d pass, %d fail, %d warn, %d skip; %s\n", rep.Endpoint,
		count[jwtexptest.Pass], count[jwtexptest.Fail], count[jwtexptest.Warn], count[jwtexptest.Skip], verdict)
}

// writeCheckJSON writes rep as one JSON object:
// {"endpoint": ..., "results": [{"id": ..., "status": ..., "detail": ...}]}.
func writeCheckJSON(w io.Writer, rep jwtexptest.Report) {
	type result struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Detail string `json:"detail"`
	}
	out := struct {
		Endpoint string   `json:"endpoint"`
		Results  []result `json:"results"`
	}{Endpoint: rep.Endpoint, Results: []result{}}
	for _, r := range rep.Results {
		out.Results = append(out.Results, result{r.ID, string(r.Status), r.Detail})
	}
	// Encoding cannot fail: every field is a string.
	_ = json.NewEncoder(w).Encode(out)
}

const checkUsageHead = `Usage: jwtexp check [-json] [-token FILE|-] [-wait] [-skew D] [-origin ORIGIN] URL

jwtexp check tells whether the MCP server at URL answers missing, expired
and malformed bearer tokens with the 401 that MCP clients need. It sends
requests without a token, with an expired one (self-minted, or -token) and
with one that is not a JWT, looks for protected resource metadata, and tries
a browser's CORS preflight. The token goes to URL only and is never printed.
Each check is described in docs/check.md.

Flags:
`

const checkUsageTail = `
Exit status:
  0   no required check failed (warnings allowed)
  1   a required check failed
  2   it could not probe; the reason is on stderr (with -json, stdout is empty)
  64  usage error, including a URL that is not absolute http(s) (-h exits 0)
`
