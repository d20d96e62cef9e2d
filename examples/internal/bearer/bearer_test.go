package bearer

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
)

// steps sets a token, swaps it and removes it again, with the Authorization
// header each step must produce.
var steps = []struct{ set, want string }{
	{"", ""}, // never set
	{"a.b.c", "Bearer a.b.c"},
	{"x.y.z", "Bearer x.y.z"}, // swapped
	{"", ""},                  // removed
}

func TestTransport(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
	}))
	defer srv.Close()
	tr := &Transport{Base: srv.Client().Transport}
	c := tr.Client()

	for i, tt := range steps {
		if i > 0 {
			tr.Set(tt.set)
		}
		req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if h := <-got; h != tt.want {
			t.Errorf("token %q: server saw Authorization %q, want %q", tt.set, h, tt.want)
		}
		if h := req.Header.Get("Authorization"); h != "" {
			t.Errorf("token %q: caller's request was modified: Authorization %q", tt.set, h)
		}
	}
}

func TestTokenHeader(t *testing.T) {
	var tok Token
	for i, tt := range steps {
		if i > 0 {
			tok.Set(tt.set)
		}
		want := map[string]string{}
		if tt.want != "" {
			want["Authorization"] = tt.want
		}
		if got := tok.Header(context.Background()); !maps.Equal(got, want) {
			t.Errorf("token %q: Header() = %v, want %v", tt.set, got, want)
		}
		if got := tok.Get(); got != tt.set {
			t.Errorf("Get() = %q, want %q", got, tt.set)
		}
	}
}
