package checksdk

import (
	"bufio"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startDemo builds the demo server (examples/mcpserver) with go build,
// starts it with its default flags on a free loopback port, and returns its
// MCP endpoint once it listens. The server is stopped when t ends.
func startDemo(t *testing.T) string {
	t.Helper()
	bin := goBuild(t, "github.com/jwtexp/jwtexp/examples/mcpserver")
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})

	// The demo prints its endpoint on its first line, and "Listening" once
	// the rest of its quick start is out; the listener is open before either.
	found := make(chan string, 1)
	go func() {
		url := ""
		endpoint := regexp.MustCompile(`^jwtexp demo MCP server on (http://127\.0\.0\.1:\d+/mcp)$`)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := endpoint.FindStringSubmatch(sc.Text()); m != nil {
				url = m[1]
			}
			if strings.HasPrefix(sc.Text(), "Listening") {
				found <- url
				break
			}
		}
		close(found)
		// Keep draining, so that the demo never blocks on a full pipe.
		for sc.Scan() {
		}
	}()
	select {
	case url, ok := <-found:
		if !ok || url == "" {
			t.Fatalf("the demo exited or printed no endpoint before Listening")
		}
		return url
	case <-time.After(30 * time.Second):
		t.Fatal("the demo did not listen within 30 s")
		return ""
	}
}

// TestCheckDemo runs jwtexp check against the demo with its default flags:
// it must pass every check, the advisory ones included (no warn line), and
// exit 0. Issue 20 makes this part of make test (its unit step).
func TestCheckDemo(t *testing.T) {
	endpoint := startDemo(t)
	res := runCheck(t, endpoint, "")
	t.Logf("jwtexp check %s (exit %d):\n%s%s", endpoint, res.code, res.stdout, res.stderr)
	if res.code != 0 {
		t.Errorf("jwtexp check: exit %d, want 0", res.code)
	}
	// One line per check, its status first, then a summary line.
	passed := 0
	for _, line := range strings.Split(res.stdout, "\n") {
		switch status, _, _ := strings.Cut(line, " "); status {
		case "pass":
			passed++
		case "warn", "fail", "skip":
			t.Errorf("jwtexp check: %s", line)
		}
	}
	if passed != len(checkIDs) {
		t.Errorf("jwtexp check: %d pass lines, want one per check (%d)", passed, len(checkIDs))
	}
	checkDocReport(t, docReport{"The demo (examples/mcpserver)", 0}, statuses())
}
