package oauth2exp

import (
	"errors"

	"golang.org/x/oauth2"
)

// ErrRefreshPanicked is the error that a Token call gets when it waited on
// a refresh that another call started, and that refresh panicked or called
// runtime.Goexit instead of returning: the panic itself goes on in the call
// that started the refresh, as it would without the sharing. Check for it
// with errors.Is.
var ErrRefreshPanicked = errors.New("oauth2exp: the shared refresh panicked")

// refresh is one refresh under way. The call that starts it runs it; the
// calls that find the token due meanwhile wait on done and share tok and
// err, so that an outage costs one request per refresh rather than one per
// caller, queued behind each other.
type refresh struct {
	cur  *oauth2.Token // the token being replaced
	done chan struct{} // closed once tok and err are final
	tok  *oauth2.Token // the new cached token, when err is nil
	err  error
}

// begin returns the cached token while it is good. Past its refresh point
// it returns the refresh under way instead, with lead true when this call
// has just started it and must run it.
func (s *source) begin() (tok *oauth2.Token, r *refresh, lead bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.now().Before(s.refreshAt) {
		return s.t, nil, false
	}
	if s.keep && s.t.RefreshToken == "" {
		return s.t, nil, false // a clock past never: still no refresh without a refresh token
	}
	if s.inflight == nil {
		s.inflight = &refresh{cur: s.t, done: make(chan struct{})}
		lead = true
	}
	return nil, s.inflight, lead
}

// run runs r, without holding s.mu, and then publishes its result.
// The result is published even when fetch panics or calls runtime.Goexit,
// which then goes on unrecovered: the waiters get [ErrRefreshPanicked], and
// the next call starts a new refresh.
func (s *source) run(r *refresh) {
	returned := false
	defer close(r.done) // last, and even if end panics: no waiter blocks for good
	defer func() {
		if !returned {
			r.tok, r.err = nil, ErrRefreshPanicked
		}
		s.end(r)
	}()
	t, err := s.fetch(r.cur)
	if err == nil && t == nil {
		err = errNilToken
	}
	r.tok, r.err = t, err // an error as it came: an invalid_grant stays the *oauth2.RetrieveError
	returned = true
}

// end caches the token r fetched, if any, and clears s.inflight. A failed
// refresh leaves the cached token as it was.
func (s *source) end(r *refresh) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight = nil
	if r.err == nil {
		s.set(r.tok, s.now())
		r.tok = s.t
	}
}
