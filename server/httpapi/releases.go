package httpapi

import (
	"container/list"
	"fmt"
	"sync"
)

// releaseCache keeps releases read from the store, compressed, for
// GET .../bundles/{version}: a release never changes, so it is read and
// compressed once, not at every request (compressing a bundle at the best
// level costs milliseconds of CPU, which anyone could ask for without a
// token). It holds at most max bytes (body and gzip), dropping the least
// recently served; concurrent first requests for one version share one
// read.
type releaseCache struct {
	max int64

	mu      sync.Mutex
	entries map[releaseKey]*list.Element
	order   *list.List // of *releaseEntry, most recently served first
	size    int64
}

type releaseKey struct {
	channel string
	version int64
}

type releaseEntry struct {
	key  releaseKey
	once sync.Once
	c    *cached
	err  error
	size int64
}

func newReleaseCache(max int64) *releaseCache {
	return &releaseCache{max: max, entries: map[releaseKey]*list.Element{}, order: list.New()}
}

// get returns the release, calling load once for a version not held. A
// failed load is not kept: the next request tries again.
func (rc *releaseCache) get(channel string, version int64, load func() (*cached, error)) (*cached, error) {
	k := releaseKey{channel, version}
	rc.mu.Lock()
	el, ok := rc.entries[k]
	if ok {
		rc.order.MoveToFront(el)
	} else {
		el = rc.order.PushFront(&releaseEntry{key: k})
		rc.entries[k] = el
	}
	e := el.Value.(*releaseEntry)
	rc.mu.Unlock()

	e.once.Do(func() {
		e.c, e.err = load()
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.entries[k] != el {
			// Evicted while it loaded: its requesters get it, the cache
			// does not hold it, and its size was never counted.
			return
		}
		if e.err != nil {
			rc.remove(el)
			return
		}
		e.size = int64(len(e.c.body) + len(e.c.gz))
		rc.size += e.size
		// Drop the least recently served until within bounds; the one
		// just loaded stays even if it alone is over.
		for back := rc.order.Back(); rc.size > rc.max && back != nil && back != el; back = rc.order.Back() {
			rc.remove(back)
		}
	})
	return e.c, e.err
}

// remove drops an entry; rc.mu is held.
func (rc *releaseCache) remove(el *list.Element) {
	e := el.Value.(*releaseEntry)
	if cur, ok := rc.entries[e.key]; ok && cur == el {
		delete(rc.entries, e.key)
		rc.order.Remove(el)
		rc.size -= e.size
	}
}

// len is how many releases are held, for tests.
func (rc *releaseCache) len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.entries)
}

// check reports whether the count of bytes held agrees with the entries,
// for tests.
func (rc *releaseCache) check() error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var sum int64
	for el := rc.order.Front(); el != nil; el = el.Next() {
		sum += el.Value.(*releaseEntry).size
	}
	if sum != rc.size || rc.order.Len() != len(rc.entries) {
		return fmt.Errorf("release cache: %d entries listed, %d mapped; %d bytes counted, %d held", rc.order.Len(), len(rc.entries), rc.size, sum)
	}
	return nil
}
