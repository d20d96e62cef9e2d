package clientexp

import (
	"context"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/mark3labs/mcp-go/client/transport"
)

// Early is how long before its expiry a token is refreshed: x/oauth2's
// margin, capped at half the time the token has left when saved.
const Early = 10 * time.Second

// ExpStore is a token store for mcp-go's OAuth client. It saves each token
// that has a refresh token with ExpiresAt at its refresh point: the earlier
// of expires_in and the access token's exp, read WITHOUT verification, less
// min(Early, half the time left). mcp-go refreshes once ExpiresAt has
// passed, and never when it is zero, as it is when the authorization server
// leaves expires_in out. The exp only ever shortens a token's life. A token
// without a refresh token or a readable exp is saved as it came: the
// server's 401 says when it has expired.
type ExpStore struct {
	transport.TokenStore
}

// SaveToken saves tok, with ExpiresAt set as above, in the wrapped store.
func (s ExpStore) SaveToken(ctx context.Context, tok *transport.Token) error {
	exp, err := jwtexp.UnverifiedExp(tok.AccessToken)
	if err != nil || tok.RefreshToken == "" {
		return s.TokenStore.SaveToken(ctx, tok)
	}
	if !tok.ExpiresAt.IsZero() && tok.ExpiresAt.Before(exp) {
		exp = tok.ExpiresAt
	}
	t := *tok // the caller's token is not modified
	t.ExpiresAt = exp.Add(-min(Early, max(time.Until(exp)/2, 0)))
	return s.TokenStore.SaveToken(ctx, &t)
}
