package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestOutputInUTC checks that every instant printed, in text and in -json,
// is in UTC whatever the local zone. The test does not run in parallel: it
// sets time.Local to a zone of its own, which jwtexp returns exp in and
// into which an -at with that zone's offset parses.
func TestOutputInUTC(t *testing.T) {
	local := time.Local
	t.Cleanup(func() { time.Local = local })
	time.Local = time.FixedZone("UTC+5", 5*3600)

	token := tok(`{"exp":1714564800.25}`) // 2024-05-01T12:00:00.25Z
	at := "2024-05-01T17:00:01.5+05:00"
	text := runCmd(t, nil, "-at", at, token)
	assert.Equal(t, result{exitExpired, "exp:       2024-05-01T12:00:00.25Z (expired 1s ago)\n" +
		"verdict:   expired at 2024-05-01T12:00:01.5Z (skew 0s)\n" + notVerified, ""}, text, "run -at %s, exp 1714564800.25, in zone UTC+5", at)
	json := runCmd(t, nil, "-json", "-at", at, token)
	assert.Equal(t, result{exitExpired, `{"reason":"expired","expired":true,"exp":"2024-05-01T12:00:00.25Z","exp_unix":1714564800,"exp_nanos":250000000,"at":"2024-05-01T12:00:01.5Z","skew":"0s"}` + "\n", ""}, json, "run -json -at %s, exp 1714564800.25, in zone UTC+5", at)
}
