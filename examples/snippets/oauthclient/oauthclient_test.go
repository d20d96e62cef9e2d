package oauthclient

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
)

// browser is the user's browser in the tests: it never waits long.
var browser = &http.Client{Timeout: 10 * time.Second}

// TestConnect runs the snippet against the demo server and its dev
// authorization server, which approves at once: the test plays the user,
// opening each URL printed on the prompt with an HTTP client that follows
// the redirect to the snippet's loopback listener.
func TestConnect(t *testing.T) {
	endpoint := startDemo(t)

	pr, pw := io.Pipe()
	var opened atomic.Int32
	done := make(chan struct{})
	t.Cleanup(func() { pw.Close(); <-done })
	go func() {
		defer close(done)
		lines := bufio.NewScanner(pr)
		for lines.Scan() {
			if !strings.HasPrefix(lines.Text(), "http://127.0.0.1:") {
				continue
			}
			opened.Add(1)
			resp, err := browser.Get(lines.Text())
			if err != nil {
				t.Errorf("opening the authorization URL: %v", err)
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "Done") {
				t.Errorf("the browser's last page: %d %q, want 200 Done", resp.StatusCode, body)
			}
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := connect(ctx, endpoint, pw)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer cs.Close()
	if _, err := cs.ListTools(ctx, nil); err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	if n := opened.Load(); n != 1 {
		t.Errorf("the user opened %d authorization URLs, want 1", n)
	}
}

// startDemo builds and starts the demo server (examples/mcpserver) on a
// free loopback port and returns its MCP endpoint.
func startDemo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mcpserver")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/jwtexp/jwtexp/examples/mcpserver").CombinedOutput(); err != nil {
		t.Fatalf("building the demo: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	banner := regexp.MustCompile(`^jwtexp demo MCP server on (http://127\.0\.0\.1:\d+/mcp)$`)
	lines := bufio.NewScanner(stdout)
	endpoint := ""
	for lines.Scan() {
		if m := banner.FindStringSubmatch(lines.Text()); m != nil {
			endpoint = m[1]
		}
		if strings.HasPrefix(lines.Text(), "Listening") {
			break
		}
	}
	if endpoint == "" {
		t.Fatal("the demo printed no endpoint before Listening")
	}
	go io.Copy(io.Discard, stdout) // the authorization server's log
	return endpoint
}

// TestFetchCode checks the fetcher's answers to the redirects a browser
// may bring: a code, an error (RFC 6749 §4.1.2.1), another path.
func TestFetchCode(t *testing.T) {
	tests := []struct {
		name     string
		redirect string // path and query the browser is sent to
		status   int    // what the browser gets
		want     *auth.AuthorizationResult
		err      string
	}{
		{"code", "/callback?code=c1&state=s1&iss=https%3A%2F%2Fas.example", 200,
			&auth.AuthorizationResult{Code: "c1", State: "s1", Iss: "https://as.example"}, ""},
		{"refused", "/callback?error=access_denied&error_description=no&state=s1", 200,
			nil, "authorization: access_denied no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			pr, pw := io.Pipe()
			fetch := fetchCode(ln, pw)
			done := make(chan struct{})
			go func() {
				defer close(done)
				lines := bufio.NewScanner(pr)
				for lines.Scan() {
					if lines.Text() != "https://as.example/authorize?x=1" {
						continue
					}
					// A browser asks for its icon too; it is not the redirect.
					if got := status(ln, "/favicon.ico"); got != http.StatusNotFound {
						t.Errorf("GET /favicon.ico: %d, want 404", got)
					}
					if got := status(ln, tt.redirect); got != tt.status {
						t.Errorf("GET %s: %d, want %d", tt.redirect, got, tt.status)
					}
				}
			}()
			got, err := fetch(context.Background(), &auth.AuthorizationArgs{URL: "https://as.example/authorize?x=1"})
			pw.Close()
			<-done
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("fetch: %v, %v; want error %q", got, err, tt.err)
				}
				return
			}
			if err != nil || *got != *tt.want {
				t.Errorf("fetch: %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// status is the status code of a GET of path from ln, 0 on error.
func status(ln net.Listener, path string) int {
	resp, err := browser.Get("http://" + ln.Addr().String() + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestFetchCodeCanceled checks that a fetch waiting for the user ends with
// its context.
func TestFetchCodeCanceled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := fetchCode(ln, io.Discard)(ctx, &auth.AuthorizationArgs{URL: "https://as.example/authorize"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("fetch: %v, want context.DeadlineExceeded", err)
	}
}
