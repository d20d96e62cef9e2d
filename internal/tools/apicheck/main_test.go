package main

import (
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFeatures pins the line of each kind of exported declaration, and
// that unexported ones and parameter names are left out.
func TestFeatures(t *testing.T) {
	const src = `package p

import (
	"net/http"
	"time"
)

const Max = 10
const Typed time.Duration = 2
const hidden = 1

var ErrX error
var V, W int

func F(a int, b ...string) (n int, err error) { return }
func G(f func(r *http.Request, err error) bool) func(w http.ResponseWriter) {
	return nil
}
func H[T comparable](x T) T { return x }
func h() {}

type S struct {
	A      int
	b      int
	Embedded
	*http.Client
}
type Embedded struct{}
type I interface {
	M(x int) string
	m()
}
type J interface{ M() }
type Fn func(int) error
type Alias = time.Duration
type G2[K comparable, V any] map[K]V
type hidden2 struct{}

func (S) Value()         {}
func (*S) Ptr(d time.Duration) {}
func (S) unexported()    {}
func (hidden2) Exported() {}
`
	want := []string{
		"pkg example.com/p, const Max = 10",
		"pkg example.com/p, const Max untyped int",
		"pkg example.com/p, const Typed = 2",
		"pkg example.com/p, const Typed time.Duration",
		"pkg example.com/p, func F(int, ...string) (int, error)",
		"pkg example.com/p, func G(func(*http.Request, error) bool) func(http.ResponseWriter)",
		"pkg example.com/p, func H[T comparable](T) T",
		"pkg example.com/p, method (*S) Ptr(time.Duration)",
		"pkg example.com/p, method (S) Value()",
		"pkg example.com/p, type Alias = time.Duration",
		"pkg example.com/p, type Embedded struct",
		"pkg example.com/p, type Fn func(int) error",
		"pkg example.com/p, type G2[K comparable, V any] map[K]V",
		"pkg example.com/p, type I interface { M, unexported methods }",
		"pkg example.com/p, type I interface, M(int) string",
		"pkg example.com/p, type J interface { M }",
		"pkg example.com/p, type J interface, M()",
		"pkg example.com/p, type S struct",
		"pkg example.com/p, type S struct, A int",
		"pkg example.com/p, type S struct, embedded *http.Client",
		"pkg example.com/p, type S struct, embedded Embedded",
		"pkg example.com/p, var ErrX error",
		"pkg example.com/p, var V int",
		"pkg example.com/p, var W int",
	}
	got := Features(check(t, src))
	if !slices.Equal(got, want) {
		t.Errorf("Features:\n%s", strings.Join(diff(want, got), "\n"))
	}
}

func check(t *testing.T, src string) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	pkg, err := conf.Check("example.com/p", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

func TestDiff(t *testing.T) {
	held := []string{"a", "b", "d"}
	got := []string{"b", "c", "d", "e"}
	want := []string{"- a", "+ c", "+ e"}
	if d := diff(held, got); !slices.Equal(d, want) {
		t.Errorf("diff(%q, %q) = %q, want %q", held, got, d, want)
	}
	if d := diff(held, held); d != nil {
		t.Errorf("diff of equal lists = %q, want none", d)
	}
}

// TestRun checks the rules of make api on a repository of its own: any
// feature added or removed, a package without its golden file, a golden
// file without its package, and a golden file of no published package are
// differences; a package yet to come with no golden file is none.
func TestRun(t *testing.T) {
	t.Parallel()
	const (
		root       = "pkg github.com/jwtexp/jwtexp, func F()\n"
		rootG      = root + "pkg github.com/jwtexp/jwtexp, func G()\n"
		jwtexptest = "pkg github.com/jwtexp/jwtexp/jwtexptest, func Check()\n"
	)
	tests := []struct {
		name   string
		code   map[string]string // file: source, besides go.mod
		golden map[string]string // api/ file: content
		fail   bool
		out    string // a line of the report
	}{
		{
			name:   "as held",
			code:   map[string]string{"f.go": "package jwtexp\n\nfunc F() {}\n"},
			golden: map[string]string{"jwtexp.txt": "# header\n" + root},
			out:    "api: github.com/jwtexp/jwtexp: 1 features, as in api/jwtexp.txt",
		},
		{
			name:   "func added",
			code:   map[string]string{"f.go": "package jwtexp\n\nfunc F() {}\nfunc G() {}\n"},
			golden: map[string]string{"jwtexp.txt": root},
			fail:   true,
			out:    "\t+ pkg github.com/jwtexp/jwtexp, func G()",
		},
		{
			name:   "func removed",
			code:   map[string]string{"f.go": "package jwtexp\n\nfunc F() {}\n"},
			golden: map[string]string{"jwtexp.txt": rootG},
			fail:   true,
			out:    "\t- pkg github.com/jwtexp/jwtexp, func G()",
		},
		{
			name: "func added to a package that comes",
			code: map[string]string{
				"f.go":                     "package jwtexp\n\nfunc F() {}\n",
				"jwtexptest/check.go":      "package jwtexptest\n\nfunc Check() {}\nfunc More() {}\n",
				"jwtexptest/check_test.go": "package jwtexptest\n",
			},
			golden: map[string]string{"jwtexp.txt": root, "jwtexptest.txt": jwtexptest},
			fail:   true,
			out:    "\t+ pkg github.com/jwtexp/jwtexp/jwtexptest, func More()",
		},
		{
			name: "package without golden file",
			code: map[string]string{
				"f.go":                "package jwtexp\n\nfunc F() {}\n",
				"jwtexptest/check.go": "package jwtexptest\n\nfunc Check() {}\n",
			},
			golden: map[string]string{"jwtexp.txt": root},
			fail:   true,
			out:    "api: github.com/jwtexp/jwtexp/jwtexptest: the package has no golden file api/jwtexptest.txt:",
		},
		{
			name: "golden file without package",
			code: map[string]string{
				"f.go":                     "package jwtexp\n\nfunc F() {}\n",
				"jwtexptest/check_test.go": "package jwtexptest\n", // tests only: no package
			},
			golden: map[string]string{"jwtexp.txt": root, "jwtexptest.txt": jwtexptest},
			fail:   true,
			out:    "api: github.com/jwtexp/jwtexp/jwtexptest: the package is gone, but api/jwtexptest.txt holds its API:",
		},
		{
			name:   "golden file of no published package",
			code:   map[string]string{"f.go": "package jwtexp\n\nfunc F() {}\n"},
			golden: map[string]string{"jwtexp.txt": root, "old.txt": "pkg old, func F()\n"},
			fail:   true,
			out:    "api: api/old.txt is the golden file of no published package (apicheck's list)",
		},
		{
			name:   "package yet to come",
			code:   map[string]string{"f.go": "package jwtexp\n\nfunc F() {}\n"},
			golden: map[string]string{"jwtexp.txt": root},
			out:    "api: github.com/jwtexp/jwtexp/jwtexptest: no such package and no api/jwtexptest.txt, as expected of a package yet to come",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := t.TempDir()
			files := map[string]string{"go.mod": "module github.com/jwtexp/jwtexp\n\ngo 1.22\n"}
			for name, src := range tt.code {
				files[name] = src
			}
			for name, text := range tt.golden {
				files[filepath.Join("api", name)] = text
			}
			writeFiles(t, repo, files)
			var out bytes.Buffer
			err := run(&out, repo, false)
			if (err != nil) != tt.fail {
				t.Errorf("run: error %v, want failure %v; report:\n%s", err, tt.fail, out.String())
			}
			if !slices.Contains(strings.Split(out.String(), "\n"), tt.out) {
				t.Errorf("report lacks the line %q:\n%s", tt.out, out.String())
			}

			// -update makes it pass, and removes the golden files of
			// packages that are not there.
			out.Reset()
			if err := run(&out, repo, true); err != nil {
				t.Fatalf("run -update: %v\n%s", err, out.String())
			}
			out.Reset()
			if err := run(&out, repo, false); err != nil {
				t.Errorf("run after -update: %v\n%s", err, out.String())
			}
		})
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
