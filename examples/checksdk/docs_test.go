package checksdk

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jwtexp/jwtexp/examples/internal/mddoc"
	"github.com/jwtexp/jwtexp/jwtexptest"
)

// docReport names a report that docs/check.md's "## Reports" shows: the
// index-th code block under the "### " heading.
type docReport struct {
	heading string
	index   int
}

// reportLine is one check's line of a text report: status, ID, detail.
var reportLine = regexp.MustCompile(`^(pass|fail|warn|skip) +(\S+) `)

// checkDocReport checks that the report docs/check.md shows at d gives each
// check it lists the status in want: all eleven checks, or the one line the
// docs quote. The details' wording may change; the statuses may not.
func checkDocReport(t *testing.T, d docReport, want map[string]jwtexptest.Status) {
	t.Helper()
	root, err := mddoc.Root()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "docs", "check.md"))
	if err != nil {
		t.Fatal(err)
	}
	md := string(raw)
	start := strings.Index(md, "\n## Reports\n")
	if start < 0 {
		t.Fatal("docs/check.md has no ## Reports section")
	}
	lines := strings.Split(md, "\n")
	startLine := strings.Count(md[:start], "\n") + 2 // 1-based line of the heading
	var block *mddoc.Block
	n := 0
	for _, b := range mddoc.Blocks(md) {
		if b.Line < startLine {
			continue
		}
		heading := ""
		for i := b.Line - 1; i >= startLine-1; i-- {
			if h, ok := strings.CutPrefix(lines[i], "### "); ok {
				heading = h
				break
			}
		}
		if heading == d.heading {
			if n == d.index {
				block = &b
				break
			}
			n++
		}
	}
	if block == nil {
		t.Fatalf("docs/check.md: no code block %d under ### %s in ## Reports", d.index, d.heading)
	}
	got := map[string]jwtexptest.Status{}
	for _, line := range strings.Split(block.Text, "\n") {
		if m := reportLine.FindStringSubmatch(line); m != nil {
			got[m[2]] = jwtexptest.Status(m[1])
		}
	}
	if len(got) != 1 && len(got) != len(checkIDs) {
		t.Errorf("docs/check.md:%d: the report shows %d checks, want 1 or all %d", block.Line, len(got), len(checkIDs))
	}
	for id, s := range got {
		if s != want[id] {
			t.Errorf("docs/check.md:%d: %s is %s there, but this test measures %s", block.Line, id, s, want[id])
		}
	}
}
