package bench

import (
	"testing"

	"github.com/jwtexp/jwtexp"
)

// TestUnverifiedExpZeroAllocsRealisticToken pins the zero-allocation
// promise on the benchmark token itself. jwtexp runs on every request before
// any verifier, so a per-request allocation would cost GC work on the hot
// path of every server using it; BenchmarkExp reports allocs/op but cannot
// fail, this test can. The root module pins the same property over its
// bad-input table.
func TestUnverifiedExpZeroAllocsRealisticToken(t *testing.T) {
	tok := loadAccessToken(t)
	if _, err := jwtexp.UnverifiedExp(tok); err != nil {
		t.Fatalf("UnverifiedExp: %v", err)
	}
	allocs := testing.AllocsPerRun(200, func() {
		sinkTime, sinkErr = jwtexp.UnverifiedExp(tok)
	})
	if allocs != 0 {
		t.Errorf("UnverifiedExp allocates %v times per call on the realistic token, want 0", allocs)
	}
}
