package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testNow is the clock of every run in this package's tests except
// TestMainProcess, which runs the real main.
var testNow = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) // Unix 1714564800

// envRunMain makes the test binary behave as the command (see TestMainProcess).
const envRunMain = "JWTEXP_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main() // exits
	}
	// Set once before any test runs, so parallel tests only read it.
	now = func() time.Time { return testNow }
	os.Exit(m.Run())
}

// tok is a JWT with the given JSON payload and a fake signature; the command
// never looks at the header or the signature.
func tok(payload string) string {
	return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
		base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".ZmFrZS1zaWduYXR1cmU"
}

// tokAt is a JWT whose exp is testNow plus delta seconds.
func tokAt(delta int64) string {
	return tok(fmt.Sprintf(`{"sub":"alice","exp":%d}`, testNow.Unix()+delta))
}

type result struct {
	status         int
	stdout, stderr string
}

func runCmd(t testing.TB, stdin io.Reader, args ...string) result {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var stdout, stderr bytes.Buffer
	status := run(args, stdin, &stdout, &stderr)
	return result{status, stdout.String(), stderr.String()}
}

const notVerified = "signature: NOT verified; this tells when the token expires, not whether it is genuine\n"

// TestText pins the human-readable output and its exit status, including the
// boundary now == exp + skew (expired, RFC 7519 §4.1.4) and negative skew.
func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		status int
		stdout string
	}{
		{
			name:   "expires later",
			args:   []string{tokAt(860)},
			status: exitNotExpired,
			stdout: "exp:       2024-05-01T12:14:20Z (expires in 14m20s)\n" +
				"verdict:   not expired now (skew 0s)\n" + notVerified,
		},
		{
			name:   "expired long ago",
			args:   []string{tokAt(-(3*3600 + 12*60))},
			status: exitExpired,
			stdout: "exp:       2024-05-01T08:48:00Z (expired 3h12m ago)\n" +
				"verdict:   expired now (skew 0s)\n" + notVerified,
		},
		{
			name:   "the default skew is 0: expired 1s ago is expired",
			args:   []string{tokAt(-1)},
			status: exitExpired,
			stdout: "exp:       2024-05-01T11:59:59Z (expired 1s ago)\n" +
				"verdict:   expired now (skew 0s)\n" + notVerified,
		},
		{
			name:   "expired but within the skew",
			args:   []string{"-skew", "1m", tokAt(-30)},
			status: exitNotExpired,
			stdout: "exp:       2024-05-01T11:59:30Z (expired 30s ago)\n" +
				"verdict:   not expired now (skew 1m0s)\n" + notVerified,
		},
		{
			name:   "now equals exp plus skew",
			args:   []string{"-skew", "1m", tokAt(-60)},
			status: exitExpired,
			stdout: "exp:       2024-05-01T11:59:00Z (expired 1m ago)\n" +
				"verdict:   expired now (skew 1m0s)\n" + notVerified,
		},
		{
			name:   "now equals exp with zero skew",
			args:   []string{"-skew", "0", tokAt(0)},
			status: exitExpired,
			stdout: "exp:       2024-05-01T12:00:00Z (expired 0s ago)\n" +
				"verdict:   expired now (skew 0s)\n" + notVerified,
		},
		{
			name:   "negative skew counts a token about to expire as expired",
			args:   []string{"-skew", "-1m", tokAt(30)},
			status: exitExpired,
			stdout: "exp:       2024-05-01T12:00:30Z (expires in 30s)\n" +
				"verdict:   expired now (skew -1m0s)\n" + notVerified,
		},
		{
			name:   "negative skew, not yet",
			args:   []string{"-skew=-20s", tokAt(30)},
			status: exitNotExpired,
			stdout: "exp:       2024-05-01T12:00:30Z (expires in 30s)\n" +
				"verdict:   not expired now (skew -20s)\n" + notVerified,
		},
		{
			name:   "-at in the past of exp",
			args:   []string{"-at", "2024-05-01T10:00:00Z", tokAt(-3600)},
			status: exitNotExpired,
			stdout: "exp:       2024-05-01T11:00:00Z (expires in 1h)\n" +
				"verdict:   not expired at 2024-05-01T10:00:00Z (skew 0s)\n" + notVerified,
		},
		{
			name:   "-at with an offset and a fraction is printed in UTC",
			args:   []string{"-at", "2024-05-03T14:00:00.25+02:00", tokAt(0)},
			status: exitExpired,
			stdout: "exp:       2024-05-01T12:00:00Z (expired 2d ago)\n" +
				"verdict:   expired at 2024-05-03T12:00:00.25Z (skew 0s)\n" + notVerified,
		},
		{
			name:   "fractional exp keeps its fraction",
			args:   []string{"-at", "2023-11-14T22:13:20Z", "-skew", "0", tok(`{"exp":1700000000.5}`)},
			status: exitNotExpired,
			stdout: "exp:       2023-11-14T22:13:20.5Z (expires in 1s)\n" +
				"verdict:   not expired at 2023-11-14T22:13:20Z (skew 0s)\n" + notVerified,
		},
		{
			name:   "exp 0 is the epoch and expired",
			args:   []string{tok(`{"exp":0}`)},
			status: exitExpired,
			stdout: "exp:       1970-01-01T00:00:00Z (expired 54y135d ago)\n" +
				"verdict:   expired now (skew 0s)\n" + notVerified,
		},
		{
			name:   "exp beyond the year 9999",
			args:   []string{tok(`{"exp":4611686018427387903}`)},
			status: exitNotExpired,
			stdout: "exp:       146138514283-06-19T07:45:03Z (expires in 146235604284y146d)\n" +
				"verdict:   not expired now (skew 0s)\n" + notVerified,
		},
		{
			name:   "flags after the token",
			args:   []string{tokAt(860), "-skew", "-15m"},
			status: exitExpired,
			stdout: "exp:       2024-05-01T12:14:20Z (expires in 14m20s)\n" +
				"verdict:   expired now (skew -15m0s)\n" + notVerified,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCmd(t, nil, tt.args...)
			assert.Equal(t, result{tt.status, tt.stdout, ""}, got, "run(%q)", tt.args)
		})
	}
}

// TestJSON pins the -json object for usable exps: exact bytes, so a renamed
// or reordered member is caught, and decoded types for consumers.
func TestJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		status int
		stdout string
	}{
		{
			name:   "not expired",
			args:   []string{"-json", tokAt(860)},
			status: exitNotExpired,
			stdout: `{"reason":"not_expired","expired":false,"exp":"2024-05-01T12:14:20Z","exp_unix":1714565660,"exp_nanos":0,"at":"2024-05-01T12:00:00Z","skew":"0s"}` + "\n",
		},
		{
			name:   "expired",
			args:   []string{"-json", tokAt(-61)},
			status: exitExpired,
			stdout: `{"reason":"expired","expired":true,"exp":"2024-05-01T11:58:59Z","exp_unix":1714564739,"exp_nanos":0,"at":"2024-05-01T12:00:00Z","skew":"0s"}` + "\n",
		},
		{
			name:   "fractional exp is split into floored seconds and nanoseconds",
			args:   []string{"-json", "-at", "2023-11-14T22:13:20Z", "-skew", "0", tok(`{"exp":1700000000.123456789}`)},
			status: exitNotExpired,
			stdout: `{"reason":"not_expired","expired":false,"exp":"2023-11-14T22:13:20.123456789Z","exp_unix":1700000000,"exp_nanos":123456789,"at":"2023-11-14T22:13:20Z","skew":"0s"}` + "\n",
		},
		{
			name:   "negative fractional exp floors exp_unix",
			args:   []string{"-json", tok(`{"exp":-1.5}`)},
			status: exitExpired,
			stdout: `{"reason":"expired","expired":true,"exp":"1969-12-31T23:59:58.5Z","exp_unix":-2,"exp_nanos":500000000,"at":"2024-05-01T12:00:00Z","skew":"0s"}` + "\n",
		},
		{
			name:   "exp_unix beyond float64 precision is exact",
			args:   []string{"-json", "-skew", "-90s", tok(`{"exp":4611686018427387903}`)},
			status: exitNotExpired,
			stdout: `{"reason":"not_expired","expired":false,"exp":"146138514283-06-19T07:45:03Z","exp_unix":4611686018427387903,"exp_nanos":0,"at":"2024-05-01T12:00:00Z","skew":"-1m30s"}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCmd(t, nil, tt.args...)
			assert.Equal(t, result{tt.status, tt.stdout, ""}, got, "run(%q)", tt.args)
			var obj map[string]any
			require.NoError(t, json.Unmarshal([]byte(got.stdout), &obj), "stdout is not JSON")
			assert.IsType(t, float64(0), obj["exp_unix"], "exp_unix, want a JSON number")
			assert.Equal(t, tt.status == exitExpired, obj["expired"], "expired, with exit status %d", tt.status)
		})
	}
}

// TestInputForms checks that every way of passing the same token gives the
// same answer as passing it bare.
func TestInputForms(t *testing.T) {
	t.Parallel()
	token := tokAt(-(3*3600 + 12*60))
	want := runCmd(t, nil, token)
	require.Equal(t, exitExpired, want.status, "bare token: %#v", want)
	require.Empty(t, want.stderr, "bare token: %#v", want)
	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"stdin without argument", nil, token},
		{"stdin with trailing newline", nil, token + "\n"},
		{"stdin with CRLF and indentation", nil, "  \t" + token + "\r\n"},
		{"dash reads stdin", []string{"-"}, token + "\n"},
		{"dash after flags", []string{"-skew", "0s", "-"}, token},
		{"double dash then token", []string{"--", token}, ""},
		{"surrounding whitespace in argument", []string{" " + token + "\n"}, ""},
		{"Bearer argument", []string{"Bearer " + token}, ""},
		{"lowercase bearer", []string{"bearer " + token}, ""},
		{"uppercase BEARER with several spaces", []string{"BEARER   " + token}, ""},
		{"Bearer and a tab", []string{"Bearer\t" + token}, ""},
		{"Bearer on stdin", nil, "Bearer " + token + "\n"},
		{"Authorization header line", []string{"Authorization: Bearer " + token}, ""},
		{"lowercase header without space after colon", []string{"authorization:bearer " + token}, ""},
		{"uppercase header on stdin with CRLF", nil, "AUTHORIZATION:  Bearer " + token + "\r\n"},
		{"header line without scheme", []string{"Authorization: " + token}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCmd(t, strings.NewReader(tt.stdin), tt.args...)
			assert.Equal(t, want, got, "run(%q) with stdin %q", tt.args, tt.stdin)
		})
	}
}

// TestExtractToken pins what is stripped from a pasted input, and what is not.
func TestExtractToken(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"  \r\n", ""},
		{"a.b.c", "a.b.c"},
		{"Bearer a.b.c", "a.b.c"},
		{"bEaReR \t a.b.c \n", "a.b.c"},
		{"Authorization: Bearer a.b.c", "a.b.c"},
		{"Authorization:\tBearer\ta.b.c", "a.b.c"},
		{"Bearer", "Bearer"},           // a scheme needs a space before its token
		{"Bearer ", "Bearer"},          // trimmed first, so nothing follows the scheme
		{"Bearera.b.c", "Bearera.b.c"}, // not the Bearer scheme
		{"Basic dXNlcjpwdw==", "Basic dXNlcjpwdw=="},
		{"Authorization: Basic x", "Basic x"},
		{"Authorization : Bearer a.b.c", "Authorization : Bearer a.b.c"}, // no space before ':' in a field line (RFC 9112 §5.1)
		{"Proxy-Authorization: Bearer a.b.c", "Proxy-Authorization: Bearer a.b.c"},
		{"Bearer Bearer a.b.c", "Bearer a.b.c"}, // one scheme only
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, extractToken(tt.in), "extractToken(%q)", tt.in)
	}
}

// TestNoUsableExp covers exit status 2: the reason goes to stderr, and with
// -json the object still goes to stdout with null exp members.
func TestNoUsableExp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		input  string
		reason string
		err    error // stderr starts with its message
	}{
		{"opaque token", "2YotnFZFEjr1zCsicMWpAA", reasonNotJWT, jwtexp.ErrNotJWT},
		{"empty input", "", reasonNotJWT, jwtexp.ErrNotJWT},
		{"Bearer alone", "Bearer", reasonNotJWT, jwtexp.ErrNotJWT},
		{"Basic credentials", "Authorization: Basic dXNlcjpwdw==", reasonNotJWT, jwtexp.ErrNotJWT},
		{"JWE has five segments", "a.b.c.d.e", reasonNotJWT, jwtexp.ErrNotJWT},
		{"payload not JSON", tok("not json"), reasonNotJWT, jwtexp.ErrNotJWT},
		{"invalid JSON object", tok(`{"exp":`), reasonMalformed, jwtexp.ErrMalformed},
		{"exp is a string", tok(`{"exp":"2024-05-01T12:00:00Z"}`), reasonMalformed, jwtexp.ErrMalformed},
		{"no exp", tok(`{"sub":"alice"}`), reasonNoExp, jwtexp.ErrNoExp},
		{"Bearer with no exp", "Bearer " + tok(`{"sub":"alice"}`), reasonNoExp, jwtexp.ErrNoExp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, args := range [][]string{{tt.input}, {"-"}} {
				got := runCmd(t, strings.NewReader(tt.input), args...)
				assert.Equal(t, exitNoExp, got.status, "run(%q): status", args)
				assert.Empty(t, got.stdout, "run(%q): stdout", args)
				assert.True(t, strings.HasPrefix(got.stderr, tt.err.Error()),
					"run(%q): stderr %q, want it to start with %q", args, got.stderr, tt.err)
			}

			got := runCmd(t, nil, "-json", tt.input)
			wantStdout := `{"reason":"` + tt.reason + `","expired":false,"exp":null,"exp_unix":null,"exp_nanos":null,"at":"2024-05-01T12:00:00Z","skew":"0s"}` + "\n"
			assert.Equal(t, exitNoExp, got.status, "run -json: status")
			assert.Equal(t, wantStdout, got.stdout, "run -json: stdout")
			assert.True(t, strings.HasPrefix(got.stderr, tt.err.Error()),
				"run -json: stderr %q, want it to start with %q", got.stderr, tt.err)
		})
	}
}

// TestEmptyInput checks that an empty input is named as such, not only as
// "not a JWT".
func TestEmptyInput(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{""}, {"-"}, {}} {
		got := runCmd(t, strings.NewReader(" \r\n"), args...)
		assert.Equal(t, exitNoExp, got.status, "run(%q): status", args)
		assert.Equal(t, "jwtexp: not a JWT: the input holds no token\n", got.stderr, "run(%q): stderr", args)
	}
}

// TestInputBound checks that input is read up to 1 MiB and no further, from
// stdin and from the argument, and that a failing stdin is reported.
func TestInputBound(t *testing.T) {
	t.Parallel()
	token := tokAt(860)
	exactly := token + strings.Repeat(" ", maxInput-len(token))
	over := exactly + " "

	got := runCmd(t, strings.NewReader(exactly))
	assert.Equal(t, exitNotExpired, got.status, "stdin of exactly 1 MiB: %#v", got)
	got = runCmd(t, nil, exactly)
	assert.Equal(t, exitNotExpired, got.status, "argument of exactly 1 MiB: stderr %q", got.stderr)

	wantJSON := `{"reason":"too_large","expired":false,"exp":null,"exp_unix":null,"exp_nanos":null,"at":"2024-05-01T12:00:00Z","skew":"0s"}` + "\n"
	want := result{exitNoExp, wantJSON, errTooLarge.Error() + "\n"}
	assert.Equal(t, want, runCmd(t, strings.NewReader(over), "-json"), "stdin over 1 MiB")
	assert.Equal(t, want, runCmd(t, nil, "-json", over), "argument over 1 MiB")

	// An endless stdin must stop at the bound rather than exhaust memory.
	endless := iotest.OneByteReader(zeros{})
	got = runCmd(t, endless)
	assert.Equal(t, exitNoExp, got.status, "endless stdin: status")
	assert.Equal(t, errTooLarge.Error()+"\n", got.stderr, "endless stdin: stderr")

	failing := iotest.ErrReader(errors.New("disk on fire"))
	got = runCmd(t, failing, "-json", "-")
	assert.Equal(t, exitNoExp, got.status, "failing stdin: status")
	assert.Contains(t, got.stdout, `"reason":"read_error"`, "failing stdin: stdout")
	assert.Equal(t, "jwtexp: reading standard input: disk on fire\n", got.stderr, "failing stdin: stderr")
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUsage covers exit status 64: nothing on stdout, the problem and the
// usage on stderr.
func TestUsage(t *testing.T) {
	t.Parallel()
	token := tokAt(860)
	tests := []struct {
		name string
		args []string
		msg  string // a line stderr must contain
	}{
		{"unknown flag", []string{"-v", token}, "flag provided but not defined: -v"},
		{"two tokens", []string{token, token}, "jwtexp: want at most one token argument, got 2"},
		{"unquoted Bearer", []string{"Bearer", token}, "got 2; quote a pasted header line"},
		{"unquoted header line", []string{"Authorization:", "Bearer", token}, "got 3"},
		{"token and dash", []string{token, "-"}, "got 2"},
		{"check after a flag", []string{"-json", "check", "http://127.0.0.1:1/mcp"}, "got 2; check must be the first argument: jwtexp check [flags] URL"},
		{"extra argument after --", []string{"--", token, "x"}, "got 2"},
		{"bad -at", []string{"-at", "yesterday", token}, `invalid value "yesterday" for flag -at: want RFC 3339`},
		{"-at without zone", []string{"-at", "2024-05-01T12:00:00", token}, "for flag -at"},
		{"-at missing its value", []string{token, "-at"}, "flag needs an argument: -at"},
		{"bad -skew", []string{"-skew", "60", token}, `invalid value "60" for flag -skew`},
		{"bad -json value", []string{"-json=maybe", token}, `invalid boolean value "maybe" for -json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Stdin holds a valid token, to show it is not consulted either.
			got := runCmd(t, strings.NewReader(token), tt.args...)
			assert.Equal(t, exitUsage, got.status, "run(%q): status", tt.args)
			assert.Empty(t, got.stdout, "run(%q): stdout", tt.args)
			assert.Contains(t, got.stderr, tt.msg, "run(%q): stderr", tt.args)
			assert.Contains(t, got.stderr, "Usage: jwtexp", "run(%q): stderr, want the usage", tt.args)
		})
	}
}

// TestHelp checks that asked-for help exits 0 with the usage, including the
// exit status table and the -json members, on stderr, and no flag default.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-h"}, {"-help"}, {"--help"}, {"-json", "-h", "a.b.c"}} {
		got := runCmd(t, nil, args...)
		assert.Equal(t, 0, got.status, "run(%q): status", args)
		assert.Empty(t, got.stdout, "run(%q): stdout", args)
		for _, want := range []string{
			"Usage: jwtexp [-json] [-skew duration] [-at time] [token | -]\n",
			"NOT verified",
			"  -skew duration\n",
			"Exit status:\n  0   not expired\n  1   expired\n  2   no usable exp; the reason is on stderr\n  64  usage error",
			`"not_jwt"`, `"malformed"`, `"no_exp"`, `"too_large"`, `"read_error"`,
			"exp_unix", "exp_nanos",
		} {
			assert.Contains(t, got.stderr, want, "run(%q): usage", args)
		}
		// -skew defaults to 0, which the flag package does not print.
		assert.NotContains(t, got.stderr, "(default", "run(%q): usage shows a nonzero default", args)
	}
}

// TestVerdictMatchesExpiredAt checks that the exit status is
// jwtexp.ExpiredAt's verdict around every boundary, for positive, zero and
// negative skews and fractional exps, so the command never disagrees with a
// server using the library.
func TestVerdictMatchesExpiredAt(t *testing.T) {
	t.Parallel()
	exps := []string{"1714564800", "1714564800.5", "1714564800.999999999", "0", "-1.5", "1e9"}
	skews := []time.Duration{0, time.Nanosecond, -time.Nanosecond, time.Second, 60 * time.Second, -60 * time.Second, 24 * time.Hour}
	for _, e := range exps {
		token := tok(`{"exp":` + e + `}`)
		exp, err := jwtexp.UnverifiedExp(token)
		require.NoError(t, err, "UnverifiedExp(exp %s)", e)
		for _, skew := range skews {
			edge := exp.Add(skew)
			for _, at := range []time.Time{edge.Add(-time.Second), edge.Add(-time.Nanosecond), edge, edge.Add(time.Nanosecond)} {
				want := exitNotExpired
				if jwtexp.ExpiredAt(token, at, skew) {
					want = exitExpired
				}
				if at.Equal(edge) {
					assert.Equal(t, exitExpired, want, "ExpiredAt at exp+skew for exp %s, skew %v", e, skew)
				}
				args := []string{"-skew", skew.String(), "-at", at.Format(time.RFC3339Nano), token}
				for _, a := range [][]string{args, append([]string{"-json"}, args...)} {
					assert.Equal(t, want, runCmd(t, nil, a...).status, "run(%q), against jwtexp.ExpiredAt", a)
				}
			}
		}
	}
}

// TestRelative pins the relative phrase: its direction, its rounding to
// seconds and the instant itself counting as expired.
func TestRelative(t *testing.T) {
	t.Parallel()
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	far := time.Unix(1<<62-1, 0)
	tests := []struct {
		exp, at time.Time
		want    string
	}{
		{base, base, "expired 0s ago"},
		{base, base.Add(time.Nanosecond), "expired less than 1s ago"},
		{base.Add(499 * time.Millisecond), base, "expires in less than 1s"},
		{base.Add(500 * time.Millisecond), base, "expires in 1s"},
		{base, base.Add(1499 * time.Millisecond), "expired 1s ago"},
		{base, base.Add(1500 * time.Millisecond), "expired 2s ago"},
		{base.Add(14*time.Minute + 20*time.Second), base, "expires in 14m20s"},
		{base, base.Add(3*time.Hour + 12*time.Minute + 29*time.Second), "expired 3h12m ago"},
		{base, base.Add(3*time.Hour + 12*time.Minute + 30*time.Second), "expired 3h13m ago"},
		{base.Add(-500 * time.Millisecond), base.Add(59*time.Minute + 59*time.Second), "expired 1h ago"},
		{far, base, "expires in 146235604284y146d"},
		{base, far, "expired 146235604284y146d ago"},
		{time.Unix(-(1 << 62), 0), base, "expired 146235604393y50d ago"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, relative(tt.exp, tt.at), "relative(%v, %v)", tt.exp, tt.at)
	}
}

// TestHumanDuration pins the two-unit format and its rounding, including
// carries into a larger unit.
func TestHumanDuration(t *testing.T) {
	t.Parallel()
	const (
		m = 60
		h = 60 * m
		d = 24 * h
		y = 365 * d
	)
	tests := []struct {
		sec  uint64
		want string
	}{
		{0, "0s"},
		{1, "1s"},
		{59, "59s"},
		{60, "1m"},
		{61, "1m1s"},
		{14*m + 20, "14m20s"},
		{59*m + 59, "59m59s"},
		{h, "1h"},
		{h + 29, "1h"},
		{h + 30, "1h1m"},
		{3*h + 12*m, "3h12m"},
		{23*h + 59*m + 30, "1d"},
		{d + 29*m + 59, "1d"},
		{d + 30*m, "1d1h"},
		{2*d + 5*h, "2d5h"},
		{364*d + 12*h, "364d12h"},
		{364*d + 23*h + 30*m, "1y"},
		{y + 17*d + 11*h, "1y17d"},
		{1<<64 - 1, "584942417355y26d"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, humanDuration(tt.sec), "humanDuration(%d)", tt.sec)
	}
}

// TestMainProcess runs the real main in a child process (this test binary,
// told by envRunMain to act as the command), to check os.Exit, os.Stdin and
// the real clock end to end. Its exps are far from now either way.
func TestMainProcess(t *testing.T) {
	t.Parallel()
	past := tok(`{"exp":1000000000}`)    // 2001
	future := tok(`{"exp":32503680000}`) // 3000
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		stdout string // a substring
		stderr string // a substring
	}{
		{"expired argument", []string{past}, "", exitExpired, "verdict:   expired now", ""},
		{"valid token on stdin", []string{"-json"}, "Authorization: Bearer " + future + "\n", exitNotExpired, `"reason":"not_expired"`, ""},
		{"not a JWT", []string{"-"}, "opaque", exitNoExp, "", jwtexp.ErrNotJWT.Error()},
		{"usage error", []string{"-nope"}, "", exitUsage, "", "Usage: jwtexp"},
		{"help", []string{"-h"}, "", 0, "", "Exit status:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runProcess(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.status, got.status, "exit status; stderr:\n%s", got.stderr)
			assert.Contains(t, got.stdout, tt.stdout, "stdout")
			assert.Contains(t, got.stderr, tt.stderr, "stderr")
			if tt.stdout == "" {
				assert.Empty(t, got.stdout, "stdout, when no output is expected")
			}
		})
	}
}

// FuzzRun feeds arbitrary stdin to -json runs: never a panic, always one
// JSON object whose reason agrees with the exit status.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"", "\n", "Bearer", "Bearer ", "Authorization:", "authorization: bearer x.y.z",
		tokAt(860), tokAt(-61), "Bearer " + tokAt(0), "Authorization: Bearer " + tok(`{"exp":1.5e9}`) + "\r\n",
		tok(`{"sub":1}`), tok(`{"exp":"x"}`), tok(`{"exp":`), "a.b.c.d.e", "\ufeff" + tokAt(1),
	} {
		f.Add(s)
	}
	reasons := map[string]int{
		reasonNotExpired: exitNotExpired, reasonExpired: exitExpired,
		reasonNotJWT: exitNoExp, reasonMalformed: exitNoExp, reasonNoExp: exitNoExp,
		reasonTooLarge: exitNoExp, reasonReadError: exitNoExp,
	}
	f.Fuzz(func(t *testing.T, input string) {
		got := runCmd(t, strings.NewReader(input), "-json", "-skew", "-30s")
		var obj struct {
			Reason   string
			Expired  bool
			Exp      *string
			ExpUnix  *int64 `json:"exp_unix"`
			ExpNanos *int   `json:"exp_nanos"`
		}
		require.NoError(t, json.Unmarshal([]byte(got.stdout), &obj), "stdout %q is not JSON", got.stdout)
		require.Contains(t, reasons, obj.Reason, "reason")
		require.Equal(t, reasons[obj.Reason], got.status, "status with reason %q", obj.Reason)
		require.Equal(t, got.status == exitExpired, obj.Expired, "expired, with status %d", got.status)
		usable := obj.Exp != nil && obj.ExpUnix != nil && obj.ExpNanos != nil
		require.Equal(t, got.status != exitNoExp, usable, "exp members present, with status %d; stdout %s", got.status, got.stdout)
		require.Equal(t, got.status == exitNoExp, got.stderr != "", "stderr present, with status %d; stderr %q", got.status, got.stderr)
		if usable {
			exp, err := jwtexp.UnverifiedExp(extractToken(input))
			require.NoError(t, err, "UnverifiedExp")
			require.Equal(t, exp.Unix(), *obj.ExpUnix, "exp_unix, against UnverifiedExp's %v", exp)
			require.Equal(t, exp.Nanosecond(), *obj.ExpNanos, "exp_nanos, against UnverifiedExp's %v", exp)
		}
	})
}
