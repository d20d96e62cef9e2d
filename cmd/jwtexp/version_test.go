package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// versionLine is what -version prints: one module version, as the go
// command records it. Which one depends on how the binary was built (a tag,
// a checkout with or without -buildvcs), so the tests pin the form only.
var versionLine = regexp.MustCompile(`^(v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?|\(devel\)|unknown)\n$`)

// TestVersion checks that -version prints one version line on stdout and
// exits 0, wherever it comes among the arguments, and judges no token.
func TestVersion(t *testing.T) {
	t.Parallel()
	expired := tokAt(-61)
	for _, args := range [][]string{
		{"-version"},
		{"--version"},
		{"-version", expired},
		{expired, "-version"},
		{"-json", "-version", "-"},
	} {
		got := runCmd(t, strings.NewReader("not a token"), args...)
		assert.Equal(t, 0, got.status, "run(%q): status", args)
		assert.Regexp(t, versionLine, got.stdout, "run(%q): stdout", args)
		assert.Empty(t, got.stderr, "run(%q): stderr", args)
	}
	got := runCmd(t, nil, "-h")
	assert.Contains(t, got.stderr, "  -version\n", "-h lists -version")
}

// TestVersionProcess runs the real main with -version in a child process
// (see TestMainProcess): the build information read is the binary's own.
func TestVersionProcess(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-version")
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "jwtexp -version; stderr:\n%s", stderr.String())
	assert.Regexp(t, versionLine, stdout.String(), "stdout")
	assert.Empty(t, stderr.String(), "stderr")
}
