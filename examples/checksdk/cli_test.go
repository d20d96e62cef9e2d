package checksdk

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// binDir holds the binaries the tests build, once per test process; TestMain
// removes it.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "jwtexp-checksdk-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildMu sync.Mutex
	built   = map[string]string{} // package path → binary
)

// goBuild builds pkg (a package path in this module's build list, such as
// the root module's cmd/jwtexp) with go build into binDir, once per test
// process, and returns the binary's path.
func goBuild(t *testing.T, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if bin, ok := built[pkg]; ok {
		return bin
	}
	bin := filepath.Join(binDir, path.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	built[pkg] = bin
	return bin
}

// cliResult is one run of the jwtexp command.
type cliResult struct {
	stdout, stderr string
	code           int // the exit status
}

// runCheck runs "jwtexp check [args] endpoint", with token (when not "") on
// stdin behind -token -, so that it never shows in a process listing.
func runCheck(t *testing.T, endpoint, token string, args ...string) cliResult {
	t.Helper()
	bin := goBuild(t, "github.com/jwtexp/jwtexp/cmd/jwtexp")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	argv := append([]string{"check"}, args...)
	if token != "" {
		argv = append(argv, "-token", "-")
	}
	cmd := exec.CommandContext(ctx, bin, append(argv, endpoint)...)
	cmd.Stdin = strings.NewReader(token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
	default:
		t.Fatalf("jwtexp %s: %v", strings.Join(argv, " "), err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
}
