package main

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

func TestPreparedVersion(t *testing.T) {
	tests := []struct {
		name, changelog, want, err string
	}{
		{"first versioned section", "# Changelog\n\n## [Unreleased]\n\n- x\n\n## [0.2.0] - 2027-01-01\n\n## [0.1.0] - 2026-12-04\n", "v0.2.0", ""},
		{"no unreleased section", "## [1.10.3] - 2027-01-01\n", "v1.10.3", ""},
		{"pre-release", "## [Unreleased]\n## [0.2.0-rc.1] - 2027-01-01\n", "v0.2.0-rc.1", ""},
		{"unreleased only", "# Changelog\n\n## [Unreleased]\n\n- x\n", "", "has no version section"},
		{"a heading that is not a section", "### [0.1.0]\n [0.1.0]: https://example.com\n", "", "has no version section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "CHANGELOG.md")
			if err := os.WriteFile(p, []byte(tt.changelog), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := preparedVersion(p)
			if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("preparedVersion = %q, %v; want %q, error containing %q", got, err, tt.want, tt.err)
			}
		})
	}
}

// TestCheckZip checks the rules a module zip must meet: the repository's
// LICENSE at its root, its own go.mod, no file of a nested module, no
// ignored file.
func TestCheckZip(t *testing.T) {
	repo := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", repo).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(repo, ".gitignore"), []byte("*.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const sub = "github.com/jwtexp/jwtexp/oauth2exp"
	mv := module.Version{Path: sub, Version: "v0.1.0"}
	gomod := "module " + sub + "\n"
	nested := []string{"oauth2exp", "oauth2exp/deeper", "examples"}
	tests := []struct {
		name  string
		files map[string]string
		err   string
	}{
		{"ok", map[string]string{"LICENSE": "Apache", "go.mod": gomod, "a.go": "package a"}, ""},
		{"no LICENSE", map[string]string{"go.mod": gomod}, "has no LICENSE at its root"},
		{"empty LICENSE", map[string]string{"LICENSE": "", "go.mod": gomod}, "has no LICENSE at its root"},
		{"another LICENSE", map[string]string{"LICENSE": "MIT", "go.mod": gomod}, "has a LICENSE other than the repository root's"},
		{"LICENSE not at the root", map[string]string{"x/LICENSE": "Apache", "go.mod": gomod}, "has no LICENSE at its root"},
		{"another module's go.mod", map[string]string{"LICENSE": "Apache", "go.mod": "module example.com/x\n"}, `declares module "example.com/x"`},
		{"a nested module's file", map[string]string{"LICENSE": "Apache", "go.mod": gomod, "deeper/a.go": "package a"}, "a file of the nested module in oauth2exp/deeper/"},
		{"an ignored file", map[string]string{"LICENSE": "Apache", "go.mod": gomod, "x.test": "binary"}, "that .gitignore ignores"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			for name, content := range tt.files {
				w, err := zw.Create(mv.Path + "@" + mv.Version + "/" + name)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write([]byte(content)); err != nil {
					t.Fatal(err)
				}
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := checkZip(repo, mv, b.Bytes(), "oauth2exp", nested, []byte("Apache"))
			if tt.err == "" {
				if err != nil || string(got) != gomod {
					t.Errorf("checkZip = %q, %v; want the go.mod, no error", got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("checkZip: error %v, want one containing %q", err, tt.err)
			}
		})
	}
}
