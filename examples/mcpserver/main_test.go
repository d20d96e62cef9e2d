package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRunQuickStart runs the command as a newcomer would and executes the
// curl commands it prints: the fresh token gets 200, the expired one 401
// with error="invalid_token", the metadata 200.
func TestRunQuickStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0"}, pw, io.Discard)
		pw.Close()
		done <- err
	}()

	var out strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Listening") {
			break
		}
	}
	go io.Copy(io.Discard, pr) // anything run prints later must not block it

	for _, want := range []string{
		"DEV ONLY",
		"dev OAuth authorization server",
		// The command that worked with Inspector 2.12.0 (docs/demo.md).
		"npx @modelcontextprotocol/inspector@latest --web --transport http --server-url http://127.0.0.1:",
		"/mcp\n",
		`error="invalid_token"`,
		// The defaults: one-minute tokens and no refresh tokens.
		"Access tokens live 1m0s (-token-ttl); no refresh tokens (-refresh-tokens=false)",
		"Token responses carry expires_in (-expires-in=false leaves it out",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the quick start does not say %q:\n%s", want, out.String())
		}
	}
	cmds := curlCommands(out.String())
	if len(cmds) != 3 {
		t.Fatalf("got %d curl commands, want 3, in:\n%s", len(cmds), out.String())
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized, http.StatusOK} {
		req, err := parseCurl(cmds[i])
		if err != nil {
			t.Fatalf("command %d %q: %v", i, cmds[i], err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("command %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("command %d: status %d, want %d; body %s", i, resp.StatusCode, want, body)
		}
		if want == http.StatusUnauthorized && !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Errorf("command %d: WWW-Authenticate %q, want error=\"invalid_token\"", i, resp.Header.Get("WWW-Authenticate"))
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel = %v, want nil", err)
	}
}

func TestRunHelp(t *testing.T) {
	var usage strings.Builder
	if err := run(context.Background(), []string{"-h"}, io.Discard, &usage); err != nil {
		t.Errorf("run(-h) = %v, want nil", err)
	}
	// The defaults docs/demo.md promises.
	for _, want := range []string{
		"-addr address",
		`(default "127.0.0.1:8080")`,
		"-jsonrpc-error",
		"(default true)",
		"-stateless",
		"-auth-server",
		"-token-ttl duration",
		"(default 1m0s)",
		"-refresh-tokens",
		"-expires-in",
	} {
		if !strings.Contains(usage.String(), want) {
			t.Errorf("run(-h) printed %q, want it to contain %q", usage.String(), want)
		}
	}
}

func TestRunBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"-nosuchflag"},
		{"extra"},
		{"-addr", "256.0.0.1:0"},
		{"-addr", ":0"},            // every interface
		{"-addr", "0.0.0.0:0"},     // every interface
		{"-addr", "[::]:0"},        // every interface
		{"-addr", "192.0.2.1:0"},   // not loopback
		{"-addr", "example.com:0"}, // a name other than localhost
		{"-addr", "127.0.0.1:0", "-token-ttl", "500ms"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}

// curlCommands returns the curl commands in s, with their backslash-newline
// continuations joined.
func curlCommands(s string) []string {
	var cmds []string
	var cur strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if cur.Len() == 0 && !strings.HasPrefix(line, "curl ") {
			continue
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(cont)
			continue
		}
		cur.WriteString(line)
		cmds = append(cmds, cur.String())
		cur.Reset()
	}
	return cmds
}

// parseCurl turns the subset of curl the quick start uses (-i, -H, -d, a URL;
// words plain or in single quotes, as a POSIX shell splits them) into a
// request. Anything else is an error, so the test notices a printed command
// it cannot vouch for.
func parseCurl(cmd string) (*http.Request, error) {
	words, err := shellWords(cmd)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 || words[0] != "curl" {
		return nil, fmt.Errorf("not a curl command")
	}
	var url, body string
	var hasBody bool
	header := http.Header{}
	for i := 1; i < len(words); i++ {
		switch w := words[i]; {
		case w == "-i":
		case w == "-H" || w == "-d":
			if i+1 == len(words) {
				return nil, fmt.Errorf("%s without a value", w)
			}
			i++
			if w == "-d" {
				body, hasBody = words[i], true
				continue
			}
			k, v, ok := strings.Cut(words[i], ":")
			if !ok {
				return nil, fmt.Errorf("header %q has no colon", words[i])
			}
			header.Add(k, strings.TrimSpace(v))
		case strings.HasPrefix(w, "-"):
			return nil, fmt.Errorf("unsupported curl option %q", w)
		default:
			url = w
		}
	}
	method := http.MethodGet
	if hasBody {
		method = http.MethodPost // what curl -d does
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = header
	return req, nil
}

func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			w.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case strings.ContainsRune(`"\$`+"`", r):
			return nil, fmt.Errorf("unquoted %q: the test's shell subset does not cover it", r)
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated single quote")
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// TestNewHTTPServerTimeouts: slow clients are cut off while they send, but
// nothing bounds how long a response may take, so SSE streams live on.
func TestNewHTTPServerTimeouts(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	for _, tt := range []struct {
		name      string
		got, want time.Duration
	}{
		{"ReadHeaderTimeout", srv.ReadHeaderTimeout, 10 * time.Second},
		{"ReadTimeout", srv.ReadTimeout, 30 * time.Second},
		{"IdleTimeout", srv.IdleTimeout, 2 * time.Minute},
		{"WriteTimeout", srv.WriteTimeout, 0}, // it would cut SSE streams
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// TestPrintAuthServer: the startup text says which token responses the
// flags give.
func TestPrintAuthServer(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  config
		want []string
	}{
		{"defaults", config{tokenTTL: time.Minute, expiresIn: true}, []string{
			"Access tokens live 1m0s (-token-ttl); no refresh tokens (-refresh-tokens=false)",
			"Token responses carry expires_in (-expires-in=false leaves it out",
		}},
		{"refresh tokens, no expires_in", config{tokenTTL: 20 * time.Second, refreshTokens: true}, []string{
			"Access tokens live 20s (-token-ttl); refresh tokens on (-refresh-tokens)",
			"Token responses leave out expires_in (-expires-in=false)",
			"learns of the expiry from jwtexp's 401 alone",
		}},
	} {
		var out strings.Builder
		printAuthServer(&out, tt.cfg)
		for _, want := range tt.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: the startup text does not say %q:\n%s", tt.name, want, out.String())
			}
		}
	}
}

// TestStatelessWording: -stateless has one wording, in -h, in the package
// comment and in docs/demo.md's flag table, whitespace and comment markers
// aside.
func TestStatelessWording(t *testing.T) {
	var usage strings.Builder
	if err := run(context.Background(), []string{"-h"}, io.Discard, &usage); err != nil {
		t.Fatal(err)
	}
	words := func(s string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(s, "//", "")), " ")
	}
	if !strings.Contains(words(usage.String()), statelessUsage) {
		t.Errorf("-h does not say %q:\n%s", statelessUsage, usage.String())
	}
	for _, file := range []string{"main.go", "../../docs/demo.md"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(words(string(b)), statelessUsage) {
			t.Errorf("%s does not describe -stateless as %q", file, statelessUsage)
		}
	}
}
