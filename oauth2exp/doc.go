// Package oauth2exp provides golang.org/x/oauth2 token sources that time
// refreshes by the exp claim of a JWT access token, read WITHOUT
// verification, so that an MCP client neither sends a token a server will
// reject as expired nor fails a request the server would have answered.
//
// # Security
//
// The exp is read with [jwtexp.UnverifiedExp]: nothing about the access
// token is verified, and the client is not its audience anyway. The reading
// is advisory, never a grant: it can only make a source refresh sooner,
// never keep a token longer than expires_in says. Whether a token is still
// good is for the server to say: a source that cannot refresh its token
// sends it, expired or not, and lets the server answer.
//
// # Rules
//
// Expiry. Every token a source returns is a copy of the one it was given or
// fetched, with [Expiry] of it in its Expiry field: the earlier of
// expires_in (the Expiry x/oauth2 set) and exp. The exp fills a missing
// expires_in, which x/oauth2 otherwise takes for a token that never
// expires; a token whose expiry is still unknown is never refreshed, as in
// x/oauth2. Tokens passed in are never modified.
//
// Refresh point. A source replaces its token at
//
//	refreshAt = Expiry - min(early, (Expiry - obtained) / 2)
//
// where early is set by [WithEarly] (10 s by default, x/oauth2's own
// margin) and obtained is the instant, by [WithClock], when the source
// received the token or was built with it. The cap at half the lifetime
// keeps a short-lived token in use for at least half of it, where x/oauth2
// refreshes a token with 10 s or less to live on every call: a token
// obtained with 3 s to live is refreshed after 1.5 s. A token already
// expired when obtained is replaced at the next call, and so is one with an
// empty access token; a client whose clock runs ahead of the authorization
// server's by more than a token's lifetime therefore refreshes at every
// call, until its clock is set right. refreshAt is computed once per token;
// a call before it costs a mutex and one time comparison, and allocates
// nothing.
//
// No refresh token. A source from [TokenSource] or [NewTokenSource] whose
// token has no refresh token never calls the token endpoint: past
// refreshAt it returns the token, expired or not, where x/oauth2 fails with
// "oauth2: token expired and refresh token is not set" and the request
// never leaves the client. The request then reaches the server, whose 401
// starts the client's re-authorization: the server is the authority on
// expiry, since the client's reading of exp is unverified and its clock
// may be off. [ReuseTokenSource] asks its source again instead.
//
// Errors. A refresh that fails returns the error as it came: one the token
// endpoint answered with invalid_grant is the *[oauth2.RetrieveError]
// itself, unwrapped, which go-sdk takes as the signal to send the request
// without a token and re-authorize on the server's 401. A failure changes
// nothing in the source: the cached token stays as it was, refresh token
// included, and no error is kept. A call made after the failed refresh has
// ended tries again, with a new refresh and so a new request; there is no
// backoff between such retries.
//
// Concurrency. Sources are safe for concurrent use. A call that finds the
// token due starts a refresh, unless one is under way: then it waits for
// that refresh to end and returns its result, the same token or the same
// error value as the call that started it. Calls at once therefore make one
// request to the token endpoint, whether it succeeds or fails, where a
// source of x/oauth2 makes one request per caller, one after another, while
// the endpoint fails. The wait lasts as long as the refresh: Token takes no
// context, so bound a refresh with the Timeout of the HTTP client in ctx
// (see [oauth2.HTTPClient]), which http.DefaultClient does not set. A
// refresh that panics, or calls runtime.Goexit, does so in the call that
// started it, as it would without the sharing; the calls that waited on it
// get [ErrRefreshPanicked], and the next call starts a new refresh.
//
// # MCP go-sdk
//
// go-sdk's authorization code handler builds its token source with the
// NewTokenSource field of its configuration:
//
//	handler, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
//		// ... client registration, RedirectURL, AuthorizationCodeFetcher
//		NewTokenSource: oauth2exp.NewTokenSource(),
//	})
package oauth2exp
