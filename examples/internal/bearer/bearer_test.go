package bearer

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTransport(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
	}))
	defer srv.Close()
	tr := &Transport{Base: srv.Client().Transport}
	c := tr.Client()

	for _, tt := range []struct{ set, want string }{
		{"", ""}, // never set
		{"a.b.c", "Bearer a.b.c"},
		{"x.y.z", "Bearer x.y.z"}, // swapped
		{"", ""},                  // removed
	} {
		if tt.set != "" || tr.Token() != "" {
			tr.SetToken(tt.set)
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
