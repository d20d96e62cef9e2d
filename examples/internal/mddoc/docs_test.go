package mddoc

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestGoSnippetsAreCompiledCode requires every ```go block of README.md and
// docs/*.md to be code that make test compiles, so that no snippet can rot:
//
//   - A block is found when its lines, each indented by the same number of
//     tabs (0 to 8, since an excerpt from inside a function is shown
//     dedented), are consecutive whole lines of a .go file of one of the
//     modules make test builds (the Makefile's MODULES). Blank lines match
//     blank lines; nothing else may differ.
//   - A block of bodiless func lines ("func F(x T) R") shows API signatures:
//     each line, followed by " {", must be a line of the root package's
//     source.
//
// To change a snippet, change the compiled file it comes from, then copy
// the lines into the doc.
func TestGoSnippetsAreCompiledCode(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	sources, err := compiledSources(root)
	if err != nil {
		t.Fatal(err)
	}
	signatures, err := rootSignatures(root)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Files(root)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, doc := range docs {
		text, err := os.ReadFile(filepath.Join(root, doc))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range Blocks(string(text)) {
			if b.Lang != "go" {
				continue
			}
			checked++
			if isSignatureBlock(b.Text) {
				for _, line := range strings.Split(strings.TrimSpace(b.Text), "\n") {
					if line != "" && !signatures[line+" {"] {
						t.Errorf("%s:%d: signature %q is not a line of the root package's source (without its \" {\")", doc, b.Line, line)
					}
				}
				t.Logf("%s:%d: signatures of the root package", doc, b.Line)
				continue
			}
			if file := findBlock(sources, b.Text); file == "" {
				t.Errorf("%s:%d: this ```go block is not in any compiled .go file; %s\n%s", doc, b.Line, closest(sources, b.Text), b.Text)
			} else {
				t.Logf("%s:%d is in %s", doc, b.Line, file)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no ```go block in README.md or docs/*.md: is the glob right?")
	}
	t.Logf("%d ```go blocks in %d files, checked against %d .go files", checked, len(docs), len(sources))
}

// compiledSources returns the .go files, relative path to content, of the
// modules make test builds: the directories MODULES names in the Makefile.
// Like the go command, it skips testdata, node_modules and directories
// whose names start with "." or "_", and nested modules not in MODULES.
func compiledSources(root string) (map[string]string, error) {
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`(?m)^MODULES\s*:?=\s*(.+)$`).FindSubmatch(makefile)
	if m == nil {
		return nil, fmt.Errorf("no MODULES line in the Makefile")
	}
	modules := strings.Fields(string(m[1]))
	sources := map[string]string{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if rel != "." && isFile(filepath.Join(p, "go.mod")) && !slices.Contains(modules, rel) {
				return filepath.SkipDir // a module make test does not build
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := strings.ReplaceAll(string(b), "\r\n", "\n")
		if strings.Contains(s, "\n//go:build ignore\n") || strings.HasPrefix(s, "//go:build ignore\n") {
			return nil
		}
		sources[rel] = s
		return nil
	})
	return sources, err
}

// rootSignatures returns the set of lines of the root package's non-test
// .go files.
func rootSignatures(root string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(root, "*.go"))
	if err != nil {
		return nil, err
	}
	lines := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(string(b), "\n") {
			lines[strings.TrimRight(l, "\r")] = true
		}
	}
	return lines, nil
}

// isSignatureBlock tells whether every non-blank line of a block is a
// bodiless func declaration.
func isSignatureBlock(text string) bool {
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "func ") || strings.HasSuffix(l, "{") || strings.HasSuffix(l, "}") {
			return false
		}
		n++
	}
	return n > 0
}

// indent prefixes every non-blank line of text with depth tabs.
func indent(text string, depth int) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = strings.Repeat("\t", depth) + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// findBlock returns a file whose consecutive whole lines are the block,
// indented uniformly by 0 to 8 tabs, or "" when there is none.
func findBlock(sources map[string]string, block string) string {
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range sources {
			if !yield(name) {
				return
			}
		}
	})
	for depth := 0; depth <= 8; depth++ {
		want := "\n" + indent(block, depth)
		for _, name := range names {
			if strings.Contains("\n"+sources[name]+"\n", want) {
				return name
			}
		}
	}
	return ""
}

// closest says where the block's first line occurs in the sources, and
// the first of its lines that differs there, so that a drifted snippet
// names its source.
func closest(sources map[string]string, block string) string {
	want := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	best, bestFile, bestLine, bestDepth := 0, "", 0, 0
	for name, src := range sources {
		lines := strings.Split(src, "\n")
		for i, l := range lines {
			depth := len(l) - len(strings.TrimLeft(l, "\t"))
			if l[depth:] != want[0] || want[0] == "" {
				continue
			}
			n := 0
			for n < len(want) && i+n < len(lines) && lines[i+n] == strings.TrimSuffix(indent(want[n], depth), "\n") {
				n++
			}
			if n > best || (n == best && name < bestFile) {
				best, bestFile, bestLine, bestDepth = n, name, i+1, depth
			}
		}
	}
	if bestFile == "" {
		return "no compiled file has even its first line: copy it from the code it comes from (examples/snippets/ holds most)"
	}
	got := ""
	if lines := strings.Split(sources[bestFile], "\n"); bestLine-1+best < len(lines) {
		got = strings.TrimPrefix(lines[bestLine-1+best], strings.Repeat("\t", bestDepth))
	}
	return fmt.Sprintf("closest is %s:%d, whose line %d differs from the doc's line %d:\n  file: %q\n  doc:  %q",
		bestFile, bestLine, bestLine+best, best+1, got, want[min(best, len(want)-1)])
}

func TestBlocks(t *testing.T) {
	md := "text\n```go\nfunc f() {\n\n\tx := \"```\"\n}\n```\n\n" +
		"- item\n\n  ```sh\n  make test\n  ```\n\n" +
		"````http\nHTTP/1.1 200 OK\n```\n````\n"
	want := []Block{
		{Line: 2, Lang: "go", Text: "func f() {\n\n\tx := \"```\"\n}\n"},
		{Line: 11, Lang: "sh", Text: "make test\n"},
		{Line: 15, Lang: "http", Text: "HTTP/1.1 200 OK\n```\n"},
	}
	if got := Blocks(md); !slices.Equal(got, want) {
		t.Errorf("Blocks:\n got %+v\nwant %+v", got, want)
	}
}
