// Package mddoc reads the repository's Markdown documentation for the tests
// that hold it to the code: the Go snippets that must be compiled code
// (docs_test.go here), and the HTTP responses the docs show as captured from
// the wire, which tests capture again from a real server. Only tests use it.
package mddoc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Root returns the repository root: the nearest directory above the current
// one (a test's package directory) that holds both README.md and docs/.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isFile(filepath.Join(dir, "README.md")) && isDir(filepath.Join(dir, "docs")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("mddoc: no directory above the working directory holds README.md and docs/")
		}
		dir = parent
	}
}

func isFile(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }
func isDir(p string) bool  { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// Files returns the documentation the tests cover, relative to root:
// README.md and every docs/*.md, found by glob so that a new page is covered
// as soon as it exists.
func Files(root string) ([]string, error) {
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	files := []string{"README.md"}
	for _, d := range docs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			return nil, err
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files, nil
}

// A Block is one fenced code block of a Markdown file.
type Block struct {
	Line int    // 1-based line of the opening fence
	Lang string // the info string's first word: "go", "http", "" ...
	Text string // the lines between the fences, each ending in "\n"
}

var fence = regexp.MustCompile("^( {0,3})(```+|~~~+)[ \t]*([^ \t`]*)")

// Blocks returns the fenced code blocks of a Markdown text, in order. A
// fence indented by up to three spaces counts, and its indentation is
// removed from the block's lines as CommonMark does; a block closes at a
// fence of the same character at least as long.
func Blocks(markdown string) []Block {
	var (
		blocks []Block
		open   *Block
		marker string
		indent int
		body   strings.Builder
	)
	for i, line := range strings.Split(markdown, "\n") {
		if open == nil {
			if m := fence.FindStringSubmatch(line); m != nil {
				open = &Block{Line: i + 1, Lang: m[3]}
				indent, marker = len(m[1]), m[2]
				body.Reset()
			}
			continue
		}
		trimmed := strings.TrimLeft(line, " ")
		if len(line)-len(trimmed) <= 3 && strings.HasPrefix(trimmed, marker) &&
			strings.Trim(trimmed, marker[:1]+" \t") == "" {
			open.Text = body.String()
			blocks = append(blocks, *open)
			open = nil
			continue
		}
		for n := 0; n < indent && strings.HasPrefix(line, " "); n++ {
			line = line[1:]
		}
		body.WriteString(line)
		body.WriteString("\n")
	}
	return blocks
}

// OnlyBlock returns the one block of language lang in the Markdown file
// root/name, and fails unless there is exactly one.
func OnlyBlock(root, name, lang string) (Block, error) {
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		return Block{}, err
	}
	var found []Block
	for _, bl := range Blocks(string(b)) {
		if bl.Lang == lang {
			found = append(found, bl)
		}
	}
	if len(found) != 1 {
		return Block{}, fmt.Errorf("mddoc: %s has %d ```%s blocks, want exactly one", name, len(found), lang)
	}
	return found[0], nil
}

// Exchange sends the raw HTTP/1.1 request to addr (a loopback test server)
// and returns the response exactly as it came off the wire.
func Exchange(addr, request string) ([]byte, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(conn, request); err != nil {
		return nil, err
	}
	var raw bytes.Buffer
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(conn, &raw)), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return nil, err
	}
	return raw.Bytes(), nil
}

var dateLine = regexp.MustCompile(`(?m)^Date: .*$`)

// Wire turns a raw HTTP/1.x response into the form a doc shows it in: lines
// end in "\n" instead of "\r\n", the Date header's value (which varies) is
// replaced by "<date>", and the body, when it lacks a final newline, gets one.
// Applied to a doc's block it replaces that block's Date the same way, so the
// two compare equal when everything else is byte for byte the same.
func Wire(raw string) string {
	s := strings.ReplaceAll(raw, "\r\n", "\n")
	s = dateLine.ReplaceAllString(s, "Date: <date>")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// CheckWire sends the raw HTTP/1.1 request to the test server at addr and
// fails t unless the response is, but for the Date header's value, byte for
// byte the one ```http block of the Markdown file name (relative to the
// repository root): status line, header names as net/http writes them,
// their order, and body.
func CheckWire(t testing.TB, addr, request, name string) {
	t.Helper()
	raw, err := Exchange(addr, request)
	if err != nil {
		t.Fatal(err)
	}
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := OnlyBlock(root, name, "http")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Wire(string(raw)), Wire(doc.Text); got != want {
		t.Errorf("%s:%d: the ```http block is not what the server sends.\n got (paste this, with a real Date):\n%s\nwant:\n%s",
			filepath.Join(root, name), doc.Line, raw, doc.Text)
	}
}
