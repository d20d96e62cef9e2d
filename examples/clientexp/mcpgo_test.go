package clientexp_test

import (
	"context"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/examples/clientexp"
	"github.com/jwtexp/jwtexp/examples/internal/devjwt"
	"github.com/mark3labs/mcp-go/client/transport"
)

// jwt returns a token whose exp is exp, in whole seconds.
func jwt(t *testing.T, exp time.Time) string {
	t.Helper()
	tok, err := devjwt.Sign([]byte("clientexp-test-key"), devjwt.Claims{Subject: "alice", Expiry: exp.Unix()})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestExpStore checks the ExpiresAt ExpStore saves, against the refresh
// point computed here: the earlier of ExpiresAt and exp, less
// min(Early, half the time left), within the time the call took.
func TestExpStore(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	hour, minute := now.Add(time.Hour), now.Add(time.Minute)
	short := now.Add(3 * time.Second) // under 2*Early: half the time left
	past := now.Add(-time.Minute)
	for _, tt := range []struct {
		name string
		tok  transport.Token
		// want is the instant ExpiresAt is measured from (zero: left
		// zero); its margin is min(Early, (want - now)/2), not negative.
		want time.Time
		kept bool // saved as it came
	}{
		{name: "no expires_in: exp fills it", tok: transport.Token{AccessToken: jwt(t, hour), RefreshToken: "r"}, want: hour},
		{name: "expires_in later than exp", tok: transport.Token{AccessToken: jwt(t, minute), RefreshToken: "r", ExpiresAt: hour}, want: minute},
		{name: "expires_in earlier than exp", tok: transport.Token{AccessToken: jwt(t, hour), RefreshToken: "r", ExpiresAt: minute}, want: minute},
		{name: "short-lived", tok: transport.Token{AccessToken: jwt(t, short), RefreshToken: "r"}, want: short},
		{name: "already expired", tok: transport.Token{AccessToken: jwt(t, past), RefreshToken: "r"}, want: past},
		{name: "no refresh token", tok: transport.Token{AccessToken: jwt(t, hour)}, kept: true},
		{name: "no refresh token, expires_in", tok: transport.Token{AccessToken: jwt(t, hour), ExpiresAt: minute}, kept: true},
		{name: "opaque access token", tok: transport.Token{AccessToken: "opaque", RefreshToken: "r"}, kept: true},
		{name: "opaque access token, expires_in", tok: transport.Token{AccessToken: "opaque", RefreshToken: "r", ExpiresAt: minute}, kept: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			mem := transport.NewMemoryTokenStore()
			in := tt.tok
			before := time.Now()
			if err := (clientexp.ExpStore{TokenStore: mem}).SaveToken(ctx, &in); err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			if in != tt.tok {
				t.Errorf("SaveToken modified its argument: %+v, was %+v", in, tt.tok)
			}
			got, err := mem.GetToken(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tt.kept {
				if *got != tt.tok {
					t.Errorf("saved %+v, want it as it came: %+v", *got, tt.tok)
				}
				return
			}
			// The margin depends on when SaveToken read the clock:
			// between before and after, and the later the smaller.
			margin := func(at time.Time) time.Duration { return min(clientexp.Early, max(tt.want.Sub(at)/2, 0)) }
			lo, hi := tt.want.Add(-margin(before)), tt.want.Add(-margin(after))
			if got.ExpiresAt.Before(lo) || got.ExpiresAt.After(hi) {
				t.Errorf("ExpiresAt %v, want between %v and %v", got.ExpiresAt, lo, hi)
			}
			want := tt.tok
			want.ExpiresAt = got.ExpiresAt
			if *got != want {
				t.Errorf("saved %+v, want %+v: only ExpiresAt changes", *got, want)
			}
		})
	}
}
