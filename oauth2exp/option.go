package oauth2exp

import (
	"errors"
	"fmt"
	"time"
)

// Option configures [TokenSource], [NewTokenSource] and [ReuseTokenSource].
// Options are applied in order, so when an option is given twice the later
// one wins; an invalid value anywhere makes the constructor panic. Obtain
// options from the With functions; a nil Option is invalid.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set. Every default lives in [defaultConfig].
type config struct {
	early time.Duration
	now   func() time.Time
	err   error // the first invalid option value
}

// defaultConfig returns the configuration of a source built with no options.
func defaultConfig() config {
	return config{
		early: 10 * time.Second, // x/oauth2's own margin: never later than its default source
		now:   time.Now,
	}
}

func (c *config) invalid(err error) {
	if c.err == nil {
		c.err = err
	}
}

// newConfig applies opts over the defaults for the constructor fn, and
// panics on a nil or invalid option.
func newConfig(fn string, opts []Option) *config {
	c := defaultConfig()
	for i, o := range opts {
		if o == nil {
			panic(fmt.Sprintf("oauth2exp: %s: option %d is nil", fn, i))
		}
		o.apply(&c)
	}
	if c.err != nil {
		panic(c.err.Error())
	}
	return &c
}

// WithEarly sets the margin d by which a source refreshes its token before
// the token's [Expiry]. The default is 10 s, the margin x/oauth2 applies to
// expires_in, so that a token whose exp is no earlier than its expires_in is
// refreshed exactly when x/oauth2's own source would refresh it; 10 s also
// leaves a request time to reach a server that rejects at exp without
// leeway, as jwtexp's middleware does by default, and covers a client clock
// that runs up to that much behind the server's.
//
// The margin is capped at half the lifetime the token had when the source
// obtained it (see the package documentation), so a large d does not make a
// short-lived token refresh on every call. 0 refreshes at Expiry itself. A
// negative d makes the constructor panic.
func WithEarly(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d < 0 {
			c.invalid(fmt.Errorf("oauth2exp: WithEarly: negative margin %v", d))
			return
		}
		c.early = d
	})
}

// WithClock sets the function that tells the current time. The default is
// [time.Now]. Tests pass a clock they move by hand. A source calls now once
// per Token call, and once more when it receives a new token, to note when
// it obtained it, as the constructors do with the token they are given.
// now must be safe for concurrent use when several sources share it.
// A nil now makes the constructor panic.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) {
		if now == nil {
			c.invalid(errors.New("oauth2exp: WithClock: nil clock"))
			return
		}
		c.now = now
	})
}
