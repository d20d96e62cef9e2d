package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkIDs are the check IDs in their contracted order.
var checkIDs = []string{
	"no-token-401", "prm-discovery", "prm-valid", "expired-401", "expired-invalid-token",
	"expired-every-method", "malformed-401", "no-token-no-error", "challenge-resource-metadata",
	"cors-preflight", "cors-expose",
}

// mcpServer starts an MCP endpoint behind jwtexp.Middleware that passes
// every check; with answerExpired, an expired token gets 200 and a
// JSON-RPC error instead, which fails expired-401.
func mcpServer(t *testing.T, answerExpired bool) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	rm := base + "/.well-known/oauth-protected-resource/mcp"
	reject := func(w http.ResponseWriter) {
		w.Header().Set("WWW-Authenticate", jwtexp.Challenge{Error: "invalid_token", ResourceMetadata: rm}.String())
		w.WriteHeader(http.StatusUnauthorized)
	}
	verifier := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reject(w) }) // no token is valid
	mw := jwtexp.Middleware(jwtexp.WithRequireToken(), jwtexp.WithResourceMetadata(rm))(verifier)
	ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" && r.URL.Path != "/mcp" {
			t.Errorf("%s got Authorization", r.URL.Path)
		}
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Expose-Headers", "WWW-Authenticate")
			if r.Method == http.MethodOptions {
				w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		switch {
		case r.URL.Path == "/.well-known/oauth-protected-resource/mcp":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"resource":%q,"authorization_servers":[%q]}`, base+"/mcp", base)
		case answerExpired && jwtexp.Expired(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), 0):
			io.WriteString(w, `{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"token expired"}}`)
		default:
			mw.ServeHTTP(w, r)
		}
	})
	ts.Start()
	t.Cleanup(ts.Close)
	return base + "/mcp"
}

// jsonReport is the -json object.
type jsonReport struct {
	Endpoint string `json:"endpoint"`
	Results  []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Detail string `json:"detail"`
	} `json:"results"`
}

// TestCheckOutput pins both output forms and exit statuses 0 and 1.
func TestCheckOutput(t *testing.T) {
	t.Parallel()
	good, bad := mcpServer(t, false), mcpServer(t, true)

	got := runCmd(t, nil, "check", good)
	assert.Equal(t, exitCheckPass, got.status, "stderr: %s", got.stderr)
	assert.Empty(t, got.stderr)
	lines := strings.Split(strings.TrimSuffix(got.stdout, "\n"), "\n")
	require.Len(t, lines, len(checkIDs)+1, got.stdout)
	for i, id := range checkIDs {
		assert.True(t, strings.HasPrefix(lines[i], fmt.Sprintf("pass  %-27s  ", id)), "line %d: %q", i, lines[i])
	}
	assert.Equal(t, good+": 11 pass, 0 fail, 0 warn, 0 skip; no required check failed", lines[len(lines)-1])

	got = runCmd(t, nil, "check", bad)
	assert.Equal(t, exitCheckFail, got.status, "stderr: %s", got.stderr)
	assert.Contains(t, got.stdout, "fail  expired-401                  POST initialize with a self-minted RS256 token (exp ")
	assert.Contains(t, got.stdout, "skip  expired-invalid-token")
	assert.Contains(t, got.stdout, "; a required check failed\n")

	for _, tt := range []struct {
		url    string
		status int
		want   map[string]string
	}{
		{good, exitCheckPass, map[string]string{}},
		{bad, exitCheckFail, map[string]string{"expired-401": "fail", "expired-invalid-token": "skip", "expired-every-method": "fail"}},
	} {
		got := runCmd(t, nil, "check", "-json", tt.url)
		assert.Equal(t, tt.status, got.status, "stderr: %s", got.stderr)
		assert.Equal(t, 1, strings.Count(got.stdout, "\n"), "one line of JSON")
		var rep jsonReport
		require.NoError(t, json.Unmarshal([]byte(got.stdout), &rep), got.stdout)
		assert.Equal(t, tt.url, rep.Endpoint)
		require.Len(t, rep.Results, len(checkIDs))
		for i, r := range rep.Results {
			assert.Equal(t, checkIDs[i], r.ID)
			want := tt.want[r.ID]
			if want == "" {
				want = "pass"
			}
			assert.Equal(t, want, r.Status, "%s: %s", r.ID, r.Detail)
			assert.NotEmpty(t, r.Detail)
		}
		var keys map[string]any
		require.NoError(t, json.Unmarshal([]byte(got.stdout), &keys))
		assert.Len(t, keys, 2, "keys of %s", got.stdout)
	}
}

// TestCheckToken feeds -token from a file and from stdin, pasted in each
// form the main command accepts; the token is never printed.
func TestCheckToken(t *testing.T) {
	t.Parallel()
	good := mcpServer(t, false)
	token := tokAt(-7200)
	file := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(file, []byte("Bearer "+token+"\n"), 0o600))
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"file with Bearer prefix", "", []string{"check", "-token", file, good}},
		{"stdin header line", "Authorization: Bearer " + token, []string{"check", "-token", "-", good}},
		{"stdin bare, flags after the URL", token, []string{"check", good, "-token", "-", "-json"}},
	} {
		got := runCmd(t, strings.NewReader(tt.stdin), tt.args...)
		assert.Equal(t, exitCheckPass, got.status, "%s: stdout %s stderr %s", tt.name, got.stdout, got.stderr)
		assert.Contains(t, got.stdout, "the supplied token (exp 2024-05-01T10:00:00Z)", tt.name)
		assert.NotContains(t, got.stdout+got.stderr, token, "%s: the token is printed", tt.name)
	}
}

// TestCheckCannotProbe pins exit status 2: the reason on stderr, and
// nothing on stdout, with -json or not.
func TestCheckCannotProbe(t *testing.T) {
	t.Parallel()
	good := mcpServer(t, false)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	missing := filepath.Join(t.TempDir(), "missing")
	live := tokAt(600)
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"unreachable", "", []string{closed.URL + "/mcp"}, "cannot reach"},
		{"live token", live, []string{"-token", "-", good}, "the token has not expired yet: exp 2024-05-01T12:10:00Z, it expires in 10m; run again later, or add -wait"},
		{"more than 1h to wait", tokAt(3600), []string{"-wait", "-token", "-", good}, "waiting 1h1m0s until exp + skew is more than -wait's limit of 1h"},
		{"opaque token", "opaque", []string{"-token", "-", good}, "the token has no readable exp"},
		{"empty token", "", []string{"-token", "-", good}, "the token has no readable exp"},
		{"missing file", "", []string{"-token", missing, good}, "-token: open " + missing},
	} {
		for _, json := range []bool{false, true} {
			args := append([]string{"check"}, tt.args...)
			if json {
				args = append([]string{"check", "-json"}, tt.args...)
			}
			got := runCmd(t, strings.NewReader(tt.stdin), args...)
			assert.Equal(t, exitCannotProbe, got.status, "%s", args)
			assert.Empty(t, got.stdout, "%s: stdout", args)
			assert.Contains(t, got.stderr, "jwtexp check: ", "%s", args)
			assert.Contains(t, got.stderr, tt.want, "%s", args)
			assert.NotContains(t, got.stderr, live, "%s: the token is printed", args)
		}
	}
}

// TestCheckUsage pins exit status 64, and 0 for -h.
func TestCheckUsage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "want one URL, got 0 arguments"},
		{[]string{"check", "http://a/mcp", "http://b/mcp"}, "want one URL, got 2 arguments"},
		{[]string{"check", "localhost:8080/mcp"}, `"localhost:8080/mcp" is not an absolute http(s) URL`},
		{[]string{"check", "/mcp"}, "is not an absolute http(s) URL"},
		{[]string{"check", "ftp://example.com/mcp"}, "is not an absolute http(s) URL"},
		{[]string{"check", "http:///mcp"}, "is not an absolute http(s) URL"},
		{[]string{"check", "-skew", "-1m", "http://127.0.0.1:1/mcp"}, "-skew -1m0s is negative"},
		{[]string{"check", "-nope", "http://127.0.0.1:1/mcp"}, "flag provided but not defined: -nope"},
		{[]string{"check", "-origin", "localhost:6274", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "http://localhost:6274/", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "http://localhost:6274/app", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "http://localhost:6274?x", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "http://u@localhost:6274", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "localhost", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "http://", "http://127.0.0.1:1/mcp"}, "is not an origin"},
		{[]string{"check", "-origin", "http://localhost:6274#f", "http://127.0.0.1:1/mcp"}, "is not an origin"},
	} {
		got := runCmd(t, nil, tt.args...)
		assert.Equal(t, exitUsage, got.status, "%q", tt.args)
		assert.Empty(t, got.stdout, "%q", tt.args)
		assert.Contains(t, got.stderr, tt.want, "%q", tt.args)
		assert.Contains(t, got.stderr, "Usage: jwtexp check", "%q", tt.args)
	}

	got := runCmd(t, nil, "check", "-h")
	assert.Equal(t, 0, got.status)
	for _, want := range []string{"Usage: jwtexp check [-json] [-token FILE|-] [-wait] [-skew D] [-origin ORIGIN] URL", "-wait", "-origin ORIGIN", "64  usage error"} {
		assert.Contains(t, got.stderr, want)
	}
	got = runCmd(t, nil, "-h")
	assert.Equal(t, 0, got.status)
	assert.Contains(t, got.stderr, "jwtexp check [flags] URL", "jwtexp -h lists the subcommand")
}

// TestCheckWait lets -wait wait out a live token on a fake sleep: the
// remaining time on stderr, a sleep until exp + skew, then the probe. It
// swaps sleep, so it does not run in parallel.
func TestCheckWait(t *testing.T) {
	var slept []time.Duration
	sleep = func(d time.Duration) { slept = append(slept, d) }
	t.Cleanup(func() { sleep = time.Sleep })
	good := mcpServer(t, false)

	for _, tt := range []struct {
		args   []string
		token  string
		status int
		slept  []time.Duration
		stderr string
	}{
		{[]string{"-wait"}, tokAt(600), exitCheckPass, []time.Duration{11 * time.Minute},
			"jwtexp check: the token expires in 10m (exp 2024-05-01T12:10:00Z); waiting 11m0s, until exp + skew (1m0s)\n"},
		{[]string{"-wait", "-skew", "0"}, tokAt(600), exitCheckPass, []time.Duration{10 * time.Minute},
			"jwtexp check: the token expires in 10m (exp 2024-05-01T12:10:00Z); waiting 10m0s, until exp + skew (0s)\n"},
		{[]string{"-wait", "-skew", "5m"}, tokAt(3300), exitCheckPass, []time.Duration{time.Hour},
			"waiting 1h0m0s"},
		// Expired, but exp + skew is still ahead: a server with that
		// leeway would still accept it.
		{[]string{"-wait"}, tokAt(-10), exitCheckPass, []time.Duration{50 * time.Second},
			"jwtexp check: the token expired 10s ago (exp 2024-05-01T11:59:50Z); waiting 50s, until exp + skew (1m0s)\n"},
		{[]string{"-wait", "-skew", "10s"}, tokAt(-10), exitCheckPass, nil, ""},
		{[]string{"-wait", "-skew", "0"}, tokAt(-10), exitCheckPass, nil, ""},
		{[]string{"-wait", "-skew", "2h"}, tokAt(-10), exitCannotProbe, nil, "more than -wait's limit of 1h"},
		{[]string{"-wait"}, tokAt(3600), exitCannotProbe, nil, "more than -wait's limit of 1h"},
	} {
		slept = nil
		args := append(append([]string{"check"}, tt.args...), "-token", "-", good)
		got := runCmd(t, strings.NewReader(tt.token), args...)
		assert.Equal(t, tt.status, got.status, "%q: stderr %s", args, got.stderr)
		assert.Equal(t, tt.slept, slept, "%q", args)
		if tt.stderr == "" {
			assert.Empty(t, got.stderr, "%q", args)
		} else {
			assert.Contains(t, got.stderr, tt.stderr, "%q", args)
		}
	}
}

// TestCheckProcess runs the real main in a child process (see
// TestMainProcess), on the real clock: -wait waits out a token that
// expires in about two seconds, and then probes.
func TestCheckProcess(t *testing.T) {
	t.Parallel()
	good := mcpServer(t, false)
	const soon = "<a token that expires in 2 to 3 s, made when the subtest starts>"
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		stdout string // a substring
		stderr string // a substring
	}{
		{"pass", []string{"check", good}, "", exitCheckPass, "11 pass, 0 fail", ""},
		{"-wait waits out a live token", []string{"check", "-wait", "-skew", "0s", "-token", "-", good}, soon, exitCheckPass, "the supplied token", "; waiting "},
		{"live token without -wait", []string{"check", "-json", "-token", "-", good}, tok(`{"exp":32503680000}`), exitCannotProbe, "", "has not expired yet"},
		{"bad URL", []string{"check", "example.com/mcp"}, "", exitUsage, "", "not an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdin := tt.stdin
			if stdin == soon {
				stdin = tok(fmt.Sprintf(`{"exp":%d}`, time.Now().Unix()+3))
			}
			got := runProcess(t, stdin, tt.args...)
			assert.Equal(t, tt.status, got.status, "exit status; stderr:\n%s", got.stderr)
			assert.Contains(t, got.stdout, tt.stdout, "stdout")
			assert.Contains(t, got.stderr, tt.stderr, "stderr")
			if tt.stdout == "" {
				assert.Empty(t, got.stdout, "stdout, when no output is expected")
			}
			if tt.stdin == soon {
				exp, err := jwtexp.UnverifiedExp(stdin)
				require.NoError(t, err)
				assert.False(t, time.Now().Before(exp), "the command ended before exp")
			}
		})
	}
}

// runProcess runs the real main in a child process: this test binary, told
// by envRunMain to act as the command.
func runProcess(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		require.ErrorAs(t, err, &exitErr, "running the command")
	}
	return result{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
}
