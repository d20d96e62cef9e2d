package clientexp_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// clientDoc is the page that quotes this package's recipes.
const clientDoc = "../../docs/client.md"

// TestClientDoc checks that every Go block of docs/client.md is, line for
// line, in the file of examples/ named last before it, indented or not: the
// page quotes code that compiles and is tested, and must not drift from it.
func TestClientDoc(t *testing.T) {
	doc, err := os.ReadFile(clientDoc)
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)\n```go\n(.*?)\n```\n").FindAllSubmatchIndex(doc, -1)
	if len(blocks) < 3 {
		t.Fatalf("%s has %d Go blocks, want the go-sdk wiring, the mcp-go recipe and its wiring", clientDoc, len(blocks))
	}
	path := regexp.MustCompile("`(examples/[^`]+\\.go)`")
	prev := 0
	for _, b := range blocks {
		names := path.FindAllSubmatch(doc[prev:b[0]], -1)
		prev = b[1]
		block := strings.Split(string(doc[b[2]:b[3]]), "\n")
		if len(names) == 0 {
			t.Errorf("%s: no examples/ file named before the block starting %q", clientDoc, block[0])
			continue
		}
		name := string(names[len(names)-1][1])
		src, err := os.ReadFile(filepath.Join("../..", name))
		if err != nil {
			t.Errorf("%s names %s: %v", clientDoc, name, err)
			continue
		}
		if !containsIndented(strings.Split(string(src), "\n"), block) {
			t.Errorf("%s: the block starting %q is not, line for line, in %s", clientDoc, block[0], name)
		}
	}
}

// containsIndented reports whether lines holds block as a contiguous run,
// with every non-empty line of block indented by the same number of tabs.
func containsIndented(lines, block []string) bool {
	for indent := range 4 {
		want := make([]string, len(block))
		for i, l := range block {
			if l != "" {
				want[i] = strings.Repeat("\t", indent) + l
			}
		}
		for i := 0; i+len(want) <= len(lines); i++ {
			if slices.Equal(lines[i:i+len(want)], want) {
				return true
			}
		}
	}
	return false
}
