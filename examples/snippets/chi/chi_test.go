package chi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/jwtexp/jwtexp"
)

// expired is an unsigned JWT whose payload is {"sub":"jane","exp":1700000000}.
const expired = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln"

func passThrough(next http.Handler) http.Handler { return next }

var mcpOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })

// TestChiPathValues records what a WithChallenge function sees on each way
// of mounting jwtexp on chi: a top-level r.Use runs before routing and sees
// neither r.PathValue nor chi.URLParam; r.With, and Use inside r.Route or
// r.Group, see the tenant. It also runs the two routers of chi.go.
func TestChiPathValues(t *testing.T) {
	var pathValue, urlParam string
	record := jwtexp.Middleware(jwtexp.WithChallenge(func(r *http.Request, err error) jwtexp.Challenge {
		pathValue, urlParam = r.PathValue("tenant"), chi.URLParam(r, "tenant")
		return jwtexp.Challenge{}
	}))

	topLevel := chi.NewRouter()
	topLevel.Use(record)
	topLevel.Handle("/t/{tenant}/mcp", mcpOK)

	with := chi.NewRouter()
	with.With(record).Handle("/t/{tenant}/mcp", mcpOK)

	group := chi.NewRouter()
	group.Route("/t/{tenant}", func(r chi.Router) {
		r.Use(record)
		r.Handle("/mcp", mcpOK)
	})

	inlineGroup := chi.NewRouter()
	inlineGroup.Group(func(r chi.Router) {
		r.Use(record)
		r.Handle("/t/{tenant}/mcp", mcpOK)
	})

	for _, tc := range []struct {
		name   string
		router http.Handler
		want   string
	}{
		{"top-level r.Use", topLevel, ""},
		{"r.With", with, "acme"},
		{"r.Route and Use", group, "acme"},
		{"r.Group and Use", inlineGroup, "acme"},
	} {
		pathValue, urlParam = "unset", "unset"
		w := post(tc.router, "/t/acme/mcp")
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("%s: status %d, want 401", tc.name, w.Code)
		}
		if pathValue != tc.want || urlParam != tc.want {
			t.Errorf("%s: r.PathValue = %q, chi.URLParam = %q; want %q", tc.name, pathValue, urlParam, tc.want)
		}
	}

	want := `Bearer error="invalid_token", error_description="The access token expired", resource_metadata="https://acme.example.com/.well-known/oauth-protected-resource/t/acme/mcp"`
	for name, router := range map[string]http.Handler{
		"WithRoute": WithRoute(passThrough, mcpOK),
		"InGroup":   InGroup(passThrough, mcpOK),
	} {
		w := post(router, "/t/acme/mcp")
		if got := w.Header().Get("WWW-Authenticate"); w.Code != http.StatusUnauthorized || got != want {
			t.Errorf("%s: %d %s\nwant 401 %s", name, w.Code, got, want)
		}
	}
}

func post(h http.Handler, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "https://acme.example.com"+path, nil)
	r.Header.Set("Authorization", "Bearer "+expired)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
