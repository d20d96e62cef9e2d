package main

import (
	"container/list"
	"time"
)

// store is a map with a size cap and a time to live, for what the dev
// authorization server keeps on behalf of anyone who can reach it
// (authorization codes, fetched client metadata documents). Entries are
// kept in insertion order, which is also expiry order since every entry
// lives the same ttl; so both the expiry sweep and the eviction of the
// oldest entry when the store is full look at the front of the list only:
// every operation is O(1) amortized, with no scan of the map. Not safe for
// concurrent use: the caller holds a lock.
type store[V any] struct {
	max   int
	ttl   time.Duration
	items map[string]*list.Element // key → element of order
	order *list.List               // of *storeEntry[V], oldest first
}

type storeEntry[V any] struct {
	key     string
	value   V
	expires time.Time
}

// newStore returns an empty store of at most max entries, each living ttl.
func newStore[V any](max int, ttl time.Duration) *store[V] {
	return &store[V]{max: max, ttl: ttl, items: map[string]*list.Element{}, order: list.New()}
}

// put stores v under key at now, in place of any entry of that key. When
// the store is full, it drops the oldest entry and reports dropped.
func (s *store[V]) put(key string, v V, now time.Time) (dropped bool) {
	s.sweep(now)
	if e, ok := s.items[key]; ok {
		s.remove(e)
	}
	if len(s.items) >= s.max {
		s.remove(s.order.Front())
		dropped = true
	}
	s.items[key] = s.order.PushBack(&storeEntry[V]{key: key, value: v, expires: now.Add(s.ttl)})
	return dropped
}

// get returns the value under key, if it has not expired at now.
func (s *store[V]) get(key string, now time.Time) (V, bool) {
	s.sweep(now)
	if e, ok := s.items[key]; ok {
		return e.Value.(*storeEntry[V]).value, true
	}
	var zero V
	return zero, false
}

// take is get, and deletes the entry: for what is used once.
func (s *store[V]) take(key string, now time.Time) (V, bool) {
	v, ok := s.get(key, now)
	if ok {
		s.remove(s.items[key])
	}
	return v, ok
}

// len returns how many entries are stored, expired ones included until the
// next operation sweeps them.
func (s *store[V]) len() int { return len(s.items) }

// sweep deletes the entries that have expired at now: a prefix of the list.
func (s *store[V]) sweep(now time.Time) {
	for e := s.order.Front(); e != nil && now.After(e.Value.(*storeEntry[V]).expires); e = s.order.Front() {
		s.remove(e)
	}
}

func (s *store[V]) remove(e *list.Element) {
	delete(s.items, e.Value.(*storeEntry[V]).key)
	s.order.Remove(e)
}
