package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jwtexp/jwtexp"
	"github.com/jwtexp/jwtexp/examples/internal/bearer"
	"github.com/jwtexp/jwtexp/examples/internal/e2e"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// expKey is the context key under which withTokenExp puts the exp of the
// request's bearer token.
type expKey struct{}

// withTokenExp is an HTTP middleware of the kind adopters write: it puts a
// value taken from the request, here its token's exp, in the request's
// context, for the tool handlers to read.
func withTokenExp(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := jwtexp.BearerToken(r.Header.Get("Authorization")); ok {
			if exp, err := jwtexp.UnverifiedExp(tok); err == nil {
				r = r.WithContext(context.WithValue(r.Context(), expKey{}, exp.Unix()))
			}
		}
		h.ServeHTTP(w, r)
	})
}

// probeResult is what the probe tool saw: the exp withTokenExp put in the
// handler's ctx, the exp of req.Extra.TokenInfo, and that of the token in
// req.Extra.Header.
type probeResult struct {
	CtxExp       int64 `json:"ctx_exp"`
	TokenInfoExp int64 `json:"token_info_exp"`
	HeaderExp    int64 `json:"header_exp"`
}

func probe(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, probeResult, error) {
	var r probeResult
	r.CtxExp, _ = ctx.Value(expKey{}).(int64)
	if req.Extra != nil && req.Extra.TokenInfo != nil {
		r.TokenInfoExp = req.Extra.TokenInfo.Expiration.Unix()
	}
	if req.Extra != nil {
		if tok, ok := jwtexp.BearerToken(req.Extra.Header.Get("Authorization")); ok {
			if exp, err := jwtexp.UnverifiedExp(tok); err == nil {
				r.HeaderExp = exp.Unix()
			}
		}
	}
	return nil, r, nil
}

// TestToolContextIsTheSessions pins what was measured with go-sdk v1.8.0:
// in a stateful session, a tool handler's ctx carries the values of the
// session's initialize request, not of the request being served, while
// req.Extra.TokenInfo is the one verified for that request. So per-request
// identity must come from TokenInfo (as the demo's whoami does), never from
// a value an HTTP middleware put in the context. Without a session
// (2026-07-28, or -stateless) the context is the request's.
//
// The demo's MCP endpoint, with a probe tool, behind withTokenExp and
// RequireBearerToken. The client connects with one token and makes two
// calls, each with a token of another exp (same user, so the session
// accepts them).
func TestToolContextIsTheSessions(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ctx := context.Background()
			var cfg config
			srv := e2e.Serve(t, func(baseURL string) http.Handler {
				cfg = config{baseURL: baseURL, key: testKey, stateless: m.stateless}
				server := mcp.NewServer(&mcp.Implementation{Name: "ctx-test", Version: "v0"}, nil)
				mcp.AddTool(server, &mcp.Tool{Name: "probe"}, probe)
				mux := http.NewServeMux()
				mux.Handle(mcpPath, withTokenExp(requireToken(cfg)(streamable(cfg, server))))
				return mux
			})
			d := &demo{srv: srv, cfg: cfg}
			base := time.Now().Add(time.Hour).Truncate(time.Second)
			tr := &bearer.Transport{Base: srv.Client().Transport}
			tr.Set(d.token(t, "alice", base))
			cs, err := connectGoSDK(t, d, m, tr.Client(), nil)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			for i := 1; i <= 2; i++ {
				exp := base.Add(time.Duration(i) * time.Minute)
				tr.Set(d.token(t, "alice", exp))
				res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "probe", Arguments: map[string]any{}})
				if err != nil || res.IsError {
					t.Fatalf("call %d: %v %v", i, err, res)
				}
				var got probeResult
				if b, err := json.Marshal(res.StructuredContent); err != nil || json.Unmarshal(b, &got) != nil {
					t.Fatalf("call %d: structured content %#v", i, res.StructuredContent)
				}

				if got.TokenInfoExp != exp.Unix() || got.HeaderExp != exp.Unix() {
					t.Errorf("call %d: req.Extra.TokenInfo has exp %d, req.Extra.Header a token with exp %d; want this call's token's %d in both: "+
						"go-sdk no longer gives them per request; the demo's whoami and docs/mcp-sdks.md (Per-request identity) rely on it",
						i, got.TokenInfoExp, got.HeaderExp, exp.Unix())
				}
				wantCtx, what := exp.Unix(), "this call's"
				if m.session {
					wantCtx, what = base.Unix(), "the initialize request's"
				}
				if got.CtxExp != wantCtx {
					t.Errorf("call %d: ctx carries exp %d, want %s %d. go-sdk changed what a tool handler's ctx carries "+
						"(measured with v1.8.0: on a session, the initialize request's values; without one, the request's): "+
						"update docs/mcp-sdks.md (Per-request identity) and this test",
						i, got.CtxExp, what, wantCtx)
				}
			}
		})
	}
}
