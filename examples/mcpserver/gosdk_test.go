package main

// End-to-end tests with the official go-sdk client over loopback HTTP.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// connectGoSDK connects a go-sdk client to d through hc (or oauth, when
// non-nil), asking for m's protocol version, checks that it got that version
// and a session exactly when m gives one, and closes the session when t ends.
// Asking is how a go-sdk v1.8.0 client picks its version: with 2026-07-28
// (its default) it starts with server/discover and falls back to initialize
// with 2025-11-25 if the server does not serve 2026-07-28; with 2025-11-25 it
// sends initialize at once.
func connectGoSDK(t *testing.T, d *demo, m mode, hc *http.Client, oauth auth.OAuthHandler) (*mcp.ClientSession, error) {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-go-sdk", Version: "v0"}, nil)
	cs, err := client.Connect(context.Background(), &mcp.StreamableClientTransport{
		Endpoint:     d.cfg.resource(),
		HTTPClient:   hc,
		OAuthHandler: oauth,
		MaxRetries:   -1, // a test must fail, not reconnect with back-off
	}, &mcp.ClientSessionOptions{ProtocolVersion: m.version})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { cs.Close() })
	if got := cs.InitializeResult().ProtocolVersion; got != m.version {
		t.Fatalf("negotiated protocol version %s, want %s", got, m.version)
	}
	if got := cs.ID() != ""; got != m.session {
		t.Fatalf("session %q: want one: %v", cs.ID(), m.session)
	}
	return cs, nil
}

// callWhoami calls the whoami tool and returns the subject and expiry of the
// token the server verified for that call.
func callWhoami(ctx context.Context, cs *mcp.ClientSession) (string, time.Time, error) {
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "whoami", Arguments: map[string]any{}})
	if err != nil {
		return "", time.Time{}, err
	}
	if res.IsError {
		return "", time.Time{}, fmt.Errorf("whoami: tool error %v", res.Content)
	}
	m, ok := res.StructuredContent.(map[string]any)
	if !ok {
		return "", time.Time{}, fmt.Errorf("whoami: structured content %T", res.StructuredContent)
	}
	sub, _ := m["subject"].(string)
	exp, err := time.Parse(time.RFC3339, fmt.Sprint(m["expires_at"]))
	return sub, exp, err
}

// connectFresh connects a go-sdk client to d with a fresh token, sent by a
// bearer.Transport that the test can then swap.
func connectFresh(t *testing.T, d *demo, m mode) (*bearer.Transport, *mcp.ClientSession) {
	t.Helper()
	tr := &bearer.Transport{Base: d.srv.Client().Transport}
	tr.Set(d.fresh(t))
	cs, err := connectGoSDK(t, d, m, tr.Client(), nil)
	if err != nil {
		t.Fatalf("Connect with a fresh token: %v", err)
	}
	return tr, cs
}

// TestGoSDKFreshToken: with a fresh token, ListTools and CallTool succeed,
// and the tool sees the token's subject. WithJSONRPCError changes nothing
// for a request that passes.
func TestGoSDKFreshToken(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		ctx := context.Background()
		d := startDemo(t, m, jsonRPCError)
		_, cs := connectFresh(t, d, m)

		if tools, err := e2e.GoSDKTools(ctx, cs); err != nil || !slices.Equal(tools, demoTools) {
			t.Errorf("ListTools = %v, %v; want %v", tools, err, demoTools)
		}
		if err := e2e.GoSDKEcho(ctx, cs); err != nil {
			t.Errorf("CallTool(echo): %v", err)
		}
		if sub, _, err := callWhoami(ctx, cs); err != nil || sub != "alice" {
			t.Errorf("whoami = %q, %v; want alice", sub, err)
		}
	})
}

// TestGoSDKExpiredToken checks that the error a go-sdk call returns for an
// expired token carries the 401, with and without WithJSONRPCError.
func TestGoSDKExpiredToken(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		ctx := context.Background()
		d := startDemo(t, m, jsonRPCError)
		tr, cs := connectFresh(t, d, m)

		tr.Set(d.expired(t))
		err := e2e.GoSDKEcho(ctx, cs)
		if err == nil {
			t.Fatal("CallTool with an expired token succeeded")
		}
		// go-sdk reports a non-2xx status by its text.
		if !strings.Contains(err.Error(), http.StatusText(http.StatusUnauthorized)) {
			t.Errorf("CallTool error %q does not carry the 401", err)
		}
		var werr *jsonrpc.Error
		if got := errors.As(err, &werr); got != jsonRPCError {
			t.Errorf("CallTool error %q: errors.As(*jsonrpc.Error) = %v, want %v", err, got, jsonRPCError)
		} else if got && werr.Code != -32001 { // the code docs/middleware.md documents
			t.Errorf("JSON-RPC error code %d, want -32001", werr.Code)
		}

		// A session cannot even start with an expired token.
		if _, err := connectGoSDK(t, d, m, tr.Client(), nil); err == nil || !strings.Contains(err.Error(), http.StatusText(http.StatusUnauthorized)) {
			t.Errorf("Connect with an expired token = %v, want an Unauthorized error", err)
		}
	})
}

// TestGoSDKSessionAfter401 measures what WithJSONRPCError is for: a go-sdk
// client without an OAuthHandler keeps its session after an expiry 401 when
// the body is a JSON-RPC error, and closes it for good when it is not.
func TestGoSDKSessionAfter401(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		ctx := context.Background()
		d := startDemo(t, m, jsonRPCError)
		tr, cs := connectFresh(t, d, m)

		tr.Set(d.expired(t))
		if _, _, err := callWhoami(ctx, cs); err == nil {
			t.Fatal("whoami with an expired token succeeded")
		}

		// The client obtains a new token and goes on with the same
		// session.
		newExp := time.Now().Add(2 * time.Hour).Truncate(time.Second)
		tr.Set(d.token(t, "alice", newExp))
		sub, exp, err := callWhoami(ctx, cs)
		if !jsonRPCError {
			if !errors.Is(err, mcp.ErrConnectionClosed) {
				t.Fatalf("whoami after a plain 401 = %q, %v, %v; want mcp.ErrConnectionClosed", sub, exp, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("whoami on the same session after a JSON-RPC 401: %v", err)
		}
		if sub != "alice" || !exp.Equal(newExp) {
			t.Errorf("whoami = %q, %v; want alice with the new token's expiry %v", sub, exp, newExp)
		}
	})
}

// TestGoSDKNotificationAfterExpiry shows the limit docs/mcp-sdks.md states:
// WithJSONRPCError needs the request's id, so a notification sent with an
// expired token gets the plain 401 either way, and the go-sdk client closes
// its session.
func TestGoSDKNotificationAfterExpiry(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		ctx := context.Background()
		d := startDemo(t, m, jsonRPCError)
		tr, cs := connectFresh(t, d, m)

		tr.Set(d.expired(t))
		err := cs.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: "p", Progress: 1})
		if err == nil || !strings.Contains(err.Error(), http.StatusText(http.StatusUnauthorized)) {
			t.Fatalf("NotifyProgress with an expired token = %v, want an Unauthorized error", err)
		}
		tr.Set(d.fresh(t))
		if err := e2e.GoSDKEcho(ctx, cs); !errors.Is(err, mcp.ErrConnectionClosed) {
			t.Fatalf("CallTool after the rejected notification = %v, want mcp.ErrConnectionClosed", err)
		}
	})
}

// reauthorizer is an auth.OAuthHandler that "re-authorizes" by minting a new
// token, after checking the challenge the way an MCP client must: a Bearer
// challenge with error="invalid_token" whose resource_metadata leads to
// metadata for the resource it called (RFC 6750 §3.1, RFC 9728 §5).
type reauthorizer struct {
	d        *demo
	resource string
	mint     func() string

	mu         sync.Mutex
	token      string
	challenges []map[string]string // one per Authorize call
	errs       []error
}

func (h *reauthorizer) setToken(tok string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.token = tok
}

// results returns the challenges Authorize saw and what it returned.
func (h *reauthorizer) results() ([]map[string]string, []error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.challenges), slices.Clone(h.errs)
}

func (h *reauthorizer) TokenSource(context.Context) (oauth2.TokenSource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: h.token, TokenType: "Bearer"}), nil
}

func (h *reauthorizer) Authorize(ctx context.Context, _ *http.Request, resp *http.Response) error {
	resp.Body.Close()
	err := h.authorize(ctx, resp)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.errs = append(h.errs, err)
	return err
}

func (h *reauthorizer) authorize(ctx context.Context, resp *http.Response) error {
	if resp.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("status %d, want 401", resp.StatusCode)
	}
	chs, err := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate"))
	if err != nil {
		return err
	}
	if len(chs) != 1 || chs[0].Scheme != "bearer" {
		return fmt.Errorf("challenges %+v, want one Bearer challenge", chs)
	}
	h.mu.Lock()
	h.challenges = append(h.challenges, chs[0].Params)
	h.mu.Unlock()
	if chs[0].Params["error"] != "invalid_token" {
		return fmt.Errorf("challenge %v: no error=\"invalid_token\", so nothing says re-authorizing helps", chs[0].Params)
	}
	prm, err := oauthex.GetProtectedResourceMetadata(ctx, chs[0].Params["resource_metadata"], h.resource, h.d.srv.Client())
	if err != nil {
		return err
	}
	if !slices.Contains(prm.ScopesSupported, chs[0].Params["scope"]) {
		return fmt.Errorf("challenge scope %q not in metadata scopes %v", chs[0].Params["scope"], prm.ScopesSupported)
	}
	// A real client would now run the OAuth flow against
	// prm.AuthorizationServers; the demo has none, so it mints.
	h.setToken(h.mint())
	return nil
}

// TestGoSDKReauthorize is the loop jwtexp exists for: the token expires, the
// server answers 401 with error="invalid_token", the client's OAuthHandler
// reads the challenge, re-authorizes, and the SDK retries the call, which
// succeeds with the new token.
func TestGoSDKReauthorize(t *testing.T) {
	forEachCase(t, func(t *testing.T, m mode, jsonRPCError bool) {
		ctx := context.Background()
		d := startDemo(t, m, jsonRPCError)
		newExp := time.Now().Add(2 * time.Hour).Truncate(time.Second)
		h := &reauthorizer{d: d, resource: d.cfg.resource(), mint: func() string { return d.token(t, "alice", newExp) }}

		// The token expires between calls.
		h.setToken(d.fresh(t))
		cs, err := connectGoSDK(t, d, m, d.srv.Client(), h)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		h.setToken(d.expired(t))
		sub, exp, err := callWhoami(ctx, cs)
		challenges, errs := h.results()
		if err != nil {
			t.Fatalf("whoami after re-authorization: %v (Authorize returned %v)", err, errs)
		}
		if sub != "alice" || !exp.Equal(newExp) {
			t.Errorf("whoami = %q, %v; want alice with the new token's expiry %v", sub, exp, newExp)
		}
		if len(challenges) != 1 {
			t.Fatalf("Authorize saw %d challenges, want 1", len(challenges))
		}
		if got, want := challenges[0], expiredChallenge(d.cfg); !maps.Equal(got, want) {
			t.Errorf("Authorize got challenge %v, want %v", got, want)
		}

		// The token has already expired when the session starts.
		h.setToken(d.expired(t))
		cs2, err := connectGoSDK(t, d, m, d.srv.Client(), h)
		challenges, errs = h.results()
		if err != nil {
			t.Fatalf("Connect with an expired token: %v (Authorize returned %v)", err, errs)
		}
		if _, exp, err := callWhoami(ctx, cs2); err != nil || !exp.Equal(newExp) {
			t.Errorf("whoami on a session that started expired = %v, %v; want the new token's expiry %v", exp, err, newExp)
		}
		if len(challenges) != 2 {
			t.Errorf("Authorize called %d times in all, want 2", len(challenges))
		}
	})
}
