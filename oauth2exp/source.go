package oauth2exp

import (
	"context"
	"errors"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// TokenSource returns a source that starts with tok and refreshes it with
// cfg's refresh_token grant, as cfg.TokenSource(ctx, tok) does, by the
// rules of the package documentation: it refreshes early before [Expiry],
// and without a refresh token it returns its token, expired or not, instead
// of an error, and never calls the token endpoint.
//
// ctx carries the HTTP client of the refresh requests (see
// [oauth2.HTTPClient]), whose Timeout bounds a refresh, and must outlive the
// source, as for cfg.TokenSource. tok is not modified. Each refresh is
// cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token(), with rt the
// refresh token of the current token; x/oauth2 keeps rt on the new token
// when the response carries none.
//
// A refresh that fails returns its error and leaves the token as it was;
// the next call tries again with a new request. Calls that find the token
// due while a refresh is under way wait for it and return its token or its
// error, so that calls at once make one request (see Concurrency in the
// package documentation).
//
// TokenSource panics, with a message starting "oauth2exp:", on a nil cfg, a
// nil tok or an invalid option. The result is safe for concurrent use.
func TokenSource(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, opts ...Option) oauth2.TokenSource {
	c := newConfig("TokenSource", opts)
	if cfg == nil {
		panic("oauth2exp: TokenSource: nil *oauth2.Config")
	}
	if tok == nil {
		panic("oauth2exp: TokenSource: nil *oauth2.Token")
	}
	return newRefresher(ctx, cfg, tok, c)
}

// NewTokenSource returns a function of the type of go-sdk's
// AuthorizationCodeHandlerConfig.NewTokenSource field that builds the source
// [TokenSource] builds with the same options:
//
//	handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
//		// ...
//		NewTokenSource: oauth2exp.NewTokenSource(),
//	})
//
// The function never fails on a non-nil cfg and tok; it returns an error,
// rather than panicking as [TokenSource] does, for a nil one, since its
// caller is prepared for errors. NewTokenSource itself panics, with a
// message starting "oauth2exp:", on an invalid option. The function and the
// sources it returns are safe for concurrent use, and the sources share one
// refresh among the calls that find the token due, as TokenSource's do.
func NewTokenSource(opts ...Option) func(context.Context, *oauth2.Config, *oauth2.Token) (oauth2.TokenSource, error) {
	c := newConfig("NewTokenSource", opts)
	return func(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token) (oauth2.TokenSource, error) {
		if cfg == nil {
			return nil, errors.New("oauth2exp: NewTokenSource: nil *oauth2.Config")
		}
		if tok == nil {
			return nil, errors.New("oauth2exp: NewTokenSource: nil *oauth2.Token")
		}
		return newRefresher(ctx, cfg, tok, c), nil
	}
}

// ReuseTokenSource returns a source that returns tok until its refresh
// point and then asks src for a new token, with the rules of the package
// documentation, over any source: client credentials, token exchange, a
// custom one. Unlike [TokenSource], it asks src again whenever its token has
// reached its refresh point, refresh token or not. A nil tok starts empty,
// and the first call asks src.
//
// src is asked for a token each time the current one must be replaced, and
// its token is then used until its own refresh point, so src should return
// a new token when asked. A source that caches tokens by x/oauth2's own
// judgment, such as clientcredentials.Config.TokenSource returns, keeps
// giving its cached token past its exp; wrap a function that fetches one,
// such as clientcredentials.Config.Token, instead (see the example). A src
// that returns a nil token with a nil error gets an error back.
//
// src is called one call at a time: calls that find the token due while src
// is being asked wait for that call and return its token or its error, the
// same error value for all. When src fails, the token stays as it was and
// the next call asks src again; when src panics, the call that asked it
// panics, and the calls that waited get [ErrRefreshPanicked].
//
// ReuseTokenSource panics, with a message starting "oauth2exp:", on a nil
// src or an invalid option. The result is safe for concurrent use.
func ReuseTokenSource(tok *oauth2.Token, src oauth2.TokenSource, opts ...Option) oauth2.TokenSource {
	c := newConfig("ReuseTokenSource", opts)
	if src == nil {
		panic("oauth2exp: ReuseTokenSource: nil oauth2.TokenSource")
	}
	s := &source{
		now:   c.now,
		early: c.early,
		fetch: func(*oauth2.Token) (*oauth2.Token, error) { return src.Token() },
	}
	if tok != nil {
		s.set(tok, c.now())
	}
	return s
}

func newRefresher(ctx context.Context, cfg *oauth2.Config, tok *oauth2.Token, c *config) *source {
	s := &source{
		now:   c.now,
		early: c.early,
		keep:  true,
		fetch: func(cur *oauth2.Token) (*oauth2.Token, error) {
			return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: cur.RefreshToken}).Token()
		},
	}
	s.set(tok, c.now())
	return s
}

// never is the refresh point of a token that is kept for good: one whose
// expiry is unknown, or one that [TokenSource] cannot refresh.
var never = time.Unix(1<<62, 0)

var errNilToken = errors.New("oauth2exp: token source returned neither a token nor an error")

// source is the one token source behind the three constructors.
type source struct {
	now   func() time.Time
	early time.Duration
	keep  bool // TokenSource's rule: without a refresh token, keep the token
	fetch func(cur *oauth2.Token) (*oauth2.Token, error)

	mu        sync.Mutex
	t         *oauth2.Token // our copy, with Expiry(original) as its Expiry; nil when empty
	refreshAt time.Time     // computed once per token by set; zero when empty
	inflight  *refresh      // the refresh under way, or nil
}

// Token returns the cached token until its refresh point, then a new one,
// by one refresh that every call finding the token due while it runs
// shares (see begin). The token is returned as the same pointer to
// every caller, as x/oauth2's sources do: callers must not modify it.
func (s *source) Token() (*oauth2.Token, error) {
	tok, r, lead := s.begin()
	if r == nil {
		return tok, nil
	}
	if lead {
		s.run(r)
	} else {
		<-r.done
	}
	return r.tok, r.err
}

// set caches a copy of tok, obtained at the instant obtained, and computes
// its refresh point. s.mu must be held, or s not yet shared.
func (s *source) set(tok *oauth2.Token, obtained time.Time) {
	t := *tok // copies Extra too; the caller's token is never modified
	exp, known := expiry(tok)
	t.Expiry = exp
	s.t = &t
	switch {
	case s.keep && t.RefreshToken == "":
		// Nothing to refresh with: send the token, and let the server,
		// the authority on its expiry, answer 401 when it is expired.
		s.refreshAt = never
	case t.AccessToken == "":
		s.refreshAt = time.Time{} // nothing to send: replace it at the next call
	case !known:
		s.refreshAt = never // as x/oauth2 does with a zero Expiry
	default:
		s.refreshAt = refreshAt(exp, obtained, s.early)
	}
}

// refreshAt returns exp - min(early, (exp-obtained)/2), never after exp:
// the margin is early, capped at half the token's lifetime when obtained so
// that a short-lived token is used for at least half its life, and 0 for a
// token that was already expired.
func refreshAt(exp, obtained time.Time, early time.Duration) time.Time {
	// Wall clock only, as x/oauth2 does: a machine that wakes from sleep
	// must see the time that passed, which the monotonic clock may not.
	exp = exp.Round(0)
	margin := early
	if half := exp.Sub(obtained.Round(0)) / 2; half < margin {
		margin = max(half, 0)
	}
	return exp.Add(-margin)
}
