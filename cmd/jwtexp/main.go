// Jwtexp tells when a JWT expires, reading its exp claim locally so that no
// live credential has to be pasted into a website.
//
// The signature is NOT verified: the answer may be used to reject a token
// early, never to accept one.
//
// Usage:
//
//	jwtexp [-json] [-skew duration] [-at time] [token | -]
//	jwtexp check [-json] [-token FILE|-] [-wait] [-skew D] [-origin ORIGIN] URL
//
// The token is the argument, or standard input (at most 1 MiB) when there is
// no argument or the argument is "-". A pasted "Bearer <token>" (RFC 6750
// §2.1) or a whole "Authorization: Bearer <token>" header line is accepted;
// the header name and the scheme are case-insensitive (RFC 9110 §11.1).
//
// The flags are:
//
//	-json
//		Print one JSON object on standard output instead of text.
//	-skew duration
//		Clock skew tolerated after exp (default 0).
//		A negative skew counts tokens about to expire as expired.
//		Set it at or below the leeway of the verifier behind this check,
//		never above: a reject-only filter must never be more lenient than
//		that verifier, and with skew 0 every expired token is reported
//		expired whatever non-negative leeway the verifier has.
//	-at time
//		Judge at this RFC 3339 instant instead of now.
//	-version
//		Print the module version and exit 0: the tag installed, such as
//		v0.1.0 after "go install github.com/jwtexp/jwtexp/cmd/jwtexp@v0.1.0",
//		or "(devel)" or a pseudo-version when built from a checkout.
//
// The verdict is jwtexp.ExpiredAt's: expired when at >= exp + skew (RFC 7519
// §4.1.4).
//
// Exit status:
//
//	0   not expired
//	1   expired
//	2   no usable exp (not_jwt, malformed, no_exp, too_large, read_error); the reason is on stderr
//	64  usage error (EX_USAGE of sysexits(3)); -h exits 0
//
// # jwtexp check
//
// "jwtexp check URL" tells whether the MCP server at URL answers missing,
// expired and malformed bearer tokens with the 401 and invalid_token
// challenge that MCP clients need, running [jwtexptest.Check]: one line per
// check (status, ID, detail) and a summary line, or with -json one object,
// {"endpoint": ..., "results": [{"id": ..., "status": ..., "detail": ...}]}.
// docs/check.md describes each check.
//
// The expired token is self-minted unless -token names a file holding one
// the server issued, or "-" for stdin; a pasted "Bearer" prefix or header
// line is accepted, as above. It is sent to URL only and never printed. A
// token that has not expired yet is exit status 2, unless -wait: whenever
// exp plus -skew (default 1m, room for the server's leeway) is still
// ahead, also for a token just past exp, the time left goes to stderr and
// check waits until then, and probes; more than 1h to wait is exit status
// 2 at once. -origin sets the browser origin of the CORS checks
// (default http://localhost:6274, MCP Inspector's).
//
// Exit status of check:
//
//	0   no required check failed (warnings allowed)
//	1   a required check failed
//	2   it could not probe (unreachable server, live or unreadable token); the reason is on stderr, and with -json stdout is empty
//	64  usage error, including a URL that is not absolute http(s); -h exits 0
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// Exit statuses, documented in usageText and in the package comment.
const (
	exitNotExpired = 0
	exitExpired    = 1
	exitNoExp      = 2
	exitUsage      = 64 // EX_USAGE, sysexits(3)
)

// now is the clock judged against when -at is absent. Tests replace it once,
// in TestMain, before any run starts, so it is never written concurrently.
var now = time.Now

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the parsed command line.
type options struct {
	json  bool
	skew  time.Duration
	at    time.Time // judging instant; meaningful only when hasAt
	hasAt bool
	args  []string // positional arguments

	version bool // -version: print the module version, judge nothing
}

// run is main without the process: it returns the exit status instead of
// exiting, and takes its streams as arguments so that tests can drive it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "check" {
		return runCheck(args[1:], stdin, stdout, stderr)
	}
	opts, status, ok := parseFlags(args, stderr)
	if !ok {
		return status
	}
	if opts.version {
		fmt.Fprintln(stdout, version())
		return 0
	}
	at := opts.at
	if !opts.hasAt {
		at = now()
	}
	// UTC strips the monotonic reading, so that the verdict and the printed
	// instant are both the wall-clock value.
	at = at.UTC()

	input, err := readInput(opts.args, stdin)
	var rep report
	if err != nil {
		rep = failed(err, at, opts.skew)
	} else {
		rep = judge(extractToken(input), at, opts.skew)
	}

	if opts.json {
		rep.writeJSON(stdout)
	} else if rep.err == nil {
		rep.writeText(stdout, opts.hasAt)
	}
	if rep.err != nil {
		fmt.Fprintln(stderr, rep.err)
		return exitNoExp
	}
	if rep.Expired {
		return exitExpired
	}
	return exitNotExpired
}

// parseFlags parses args. When ok is false the caller must return status:
// 0 after -h, exitUsage after a usage error (already reported on stderr).
// Flags may follow the token ("jwtexp $TOKEN -json"): see parseInterspersed.
func parseFlags(args []string, stderr io.Writer) (opts options, status int, ok bool) {
	fs := flag.NewFlagSet("jwtexp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(fs) }
	fs.BoolVar(&opts.json, "json", false, "print one JSON object on stdout instead of text")
	fs.DurationVar(&opts.skew, "skew", 0,
		"clock skew `duration` tolerated after exp, 0 by default and never above the verifier's leeway; negative counts tokens about to expire as expired")
	fs.BoolVar(&opts.version, "version", false, "print the module version and exit 0: a tag such as v0.1.0 when installed from it, (devel) or a pseudo-version when built from a checkout")
	fs.Func("at", "judge at this RFC 3339 `time` instead of now", func(s string) error {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return errors.New("want RFC 3339, such as 2024-05-01T12:00:00Z")
		}
		opts.at, opts.hasAt = t, true
		return nil
	})

	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// Asked-for help is not an error; flag.ExitOnError exits 0 too.
			return opts, 0, false
		}
		return opts, exitUsage, false
	}
	opts.args = pos

	if len(opts.args) > 1 {
		hint := "quote a pasted header line, or pipe it on stdin"
		if opts.args[0] == "check" {
			// "jwtexp -json check URL": flags of check follow it.
			hint = "check must be the first argument: jwtexp check [flags] URL"
		}
		fmt.Fprintf(stderr, "jwtexp: want at most one token argument, got %d; %s\n", len(opts.args), hint)
		fs.Usage()
		return opts, exitUsage, false
	}
	return opts, 0, true
}

func printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, usageHead)
	fs.PrintDefaults()
	fmt.Fprint(w, usageTail)
}

const usageHead = `Usage: jwtexp [-json] [-skew duration] [-at time] [token | -]
       jwtexp check [flags] URL   (probe an MCP server; jwtexp check -h)

jwtexp reads the exp claim of a JWT and tells whether the token has expired.
The signature is NOT verified: use the answer to reject a token early, never
to accept one.

The token is the argument, or standard input (at most 1 MiB) when there is no
argument or the argument is "-". A pasted "Bearer <token>" or a whole
"Authorization: Bearer <token>" header line is accepted too. Flags may come
before or after the token.

Flags:
`

const usageTail = `
The verdict is expired when at >= exp + skew (RFC 7519 section 4.1.4), where
at is now or -at.

Exit status:
  0   not expired
  1   expired
  2   no usable exp; the reason is on stderr
  64  usage error (-h exits 0)

-json prints one object on stdout, also when the exit status is 2:
  reason     "not_expired" or "expired" (exit 0 or 1); otherwise exit 2 and
             "not_jwt"     not a JWT, cannot tell (opaque token, wrong shape)
             "malformed"   a JWT payload that is invalid or has a bad exp
             "no_exp"      a JWT payload without exp
             "too_large"   input over 1 MiB
             "read_error"  standard input could not be read
  expired    true only for reason "expired"
  exp        exp in RFC 3339 UTC, fractional seconds kept; null on exit 2
  exp_unix   exp in whole Unix seconds, rounded down; null on exit 2
  exp_nanos  nanoseconds past exp_unix, 0 to 999999999; null on exit 2
  at         the instant judged at, RFC 3339 UTC
  skew       the skew in force, as a Go duration such as "1m0s"
`
