package main

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// TestStore: the rules of the capped, expiring store, one operation
// sequence per row, on a store of 3 entries that live 10 s.
func TestStore(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	type op struct {
		put     string        // key to put, or "" to take
		take    string        // key to take
		at      time.Duration // since t0
		dropped bool          // put: whether it must drop the oldest
		found   bool          // take: whether it must be found
	}
	for _, tt := range []struct {
		name string
		ops  []op
		want []string // keys left, sorted
	}{
		{"under the cap", []op{{put: "a"}, {put: "b"}}, []string{"a", "b"}},
		{"full: the oldest goes", []op{{put: "a"}, {put: "b"}, {put: "c"}, {put: "d", dropped: true}}, []string{"b", "c", "d"}},
		{"taken frees a place", []op{{put: "a"}, {put: "b"}, {put: "c"}, {take: "a", found: true}, {put: "d"}}, []string{"b", "c", "d"}},
		{"take is single use", []op{{put: "a"}, {take: "a", found: true}, {take: "a"}}, nil},
		{"put again replaces, not duplicates", []op{{put: "a"}, {put: "a"}, {put: "b"}, {put: "c"}}, []string{"a", "b", "c"}},
		{"alive at its ttl", []op{{put: "a"}, {take: "a", at: 10 * time.Second, found: true}}, nil},
		{"expired after its ttl", []op{{put: "a"}, {take: "a", at: 11 * time.Second}}, nil},
		{"expired entries are swept on put", []op{{put: "a"}, {put: "b", at: 5 * time.Second}, {put: "c", at: 11 * time.Second}}, []string{"b", "c"}},
		{"a replaced entry lives anew", []op{{put: "a"}, {put: "a", at: 5 * time.Second}, {take: "a", at: 14 * time.Second, found: true}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore[int](3, 10*time.Second)
			for i, o := range tt.ops {
				now := t0.Add(o.at)
				if o.put != "" {
					if dropped := s.put(o.put, i, now); dropped != o.dropped {
						t.Errorf("op %d: put(%q) dropped = %v, want %v", i, o.put, dropped, o.dropped)
					}
					continue
				}
				if _, found := s.take(o.take, now); found != o.found {
					t.Errorf("op %d: take(%q) found = %v, want %v", i, o.take, found, o.found)
				}
			}
			if got := slices.Sorted(maps.Keys(s.items)); !slices.Equal(got, tt.want) || s.order.Len() != len(got) {
				t.Errorf("keys left %v (list of %d), want %v", got, s.order.Len(), tt.want)
			}
		})
	}
}
