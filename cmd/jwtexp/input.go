package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxInput bounds the input in bytes. Real bearer tokens are a few KiB (HTTP
// servers commonly cap a header at 8 to 64 KiB), so 1 MiB is generous while
// keeping hostile or mistaken input (a log file on stdin) from exhausting memory.
const maxInput = 1 << 20

// errTooLarge reports input over maxInput.
var errTooLarge = errors.New("jwtexp: input larger than 1 MiB")

// errRead wraps a failure to read standard input.
var errRead = errors.New("jwtexp: reading standard input")

// readInput returns the raw input: the single positional argument, or at
// most maxInput bytes of stdin when there is none or it is "-".
func readInput(args []string, stdin io.Reader) (string, error) {
	if len(args) == 1 && args[0] != "-" {
		if len(args[0]) > maxInput {
			return "", errTooLarge
		}
		return args[0], nil
	}
	// Reading one byte past the bound tells "exactly 1 MiB" from "more".
	b, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
	if err != nil {
		return "", fmt.Errorf("%w: %v", errRead, err)
	}
	if len(b) > maxInput {
		return "", errTooLarge
	}
	return string(b), nil
}

// extractToken strips surrounding whitespace, an optional "Authorization:"
// header name and an optional "Bearer" scheme from a pasted input. Both names
// are case-insensitive (RFC 9110 §5.1 for field names, §11.1 for schemes).
// RFC 6750 §2.1 puts one or more spaces after the scheme; tabs are tolerated
// too, as pasting may produce them. Whatever remains is the token, passed to
// the library unchanged: "Basic abc" stays "Basic abc" and is not a JWT.
func extractToken(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := cutPrefixFold(s, "authorization:"); ok {
		s = strings.TrimLeft(rest, " \t")
	}
	if rest, ok := cutPrefixFold(s, "bearer"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		s = strings.TrimLeft(rest, " \t")
	}
	return s
}

// cutPrefixFold is strings.CutPrefix with ASCII case folding of prefix.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}
