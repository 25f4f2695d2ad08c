package httpapi

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/server"
)

// Loads finish in any order while others evict: an entry evicted while it
// loaded must not be counted, and eviction must stop at an empty list. A
// miscount once made every later load evict everything (so nothing was
// compressed once any more) and then panicked on an empty list.
func TestReleaseCacheCountsOnlyWhatItHolds(t *testing.T) {
	rc := newReleaseCache(3000)
	release := make(chan struct{})
	var started, done sync.WaitGroup
	slow := func(v int64) {
		defer done.Done()
		_, err := rc.get("stable", v, func() (*cached, error) {
			started.Done()
			<-release // held until the fast loads below have evicted it
			return newCached(server.Release{Channel: "stable", Version: v, Digest: fmt.Sprint(v)}, make([]byte, 1000)), nil
		})
		assert.NoError(t, err)
	}
	for v := int64(1); v <= 4; v++ {
		started.Add(1)
		done.Add(1)
		go slow(v)
	}
	started.Wait()
	for v := int64(100); v < 120; v++ {
		_, err := rc.get("stable", v, func() (*cached, error) {
			return newCached(server.Release{Channel: "stable", Version: v, Digest: fmt.Sprint(v)}, make([]byte, 1000)), nil
		})
		require.NoError(t, err)
		require.NoError(t, rc.check())
	}
	close(release)
	done.Wait()
	require.NoError(t, rc.check())
	assert.LessOrEqual(t, rc.size, rc.max+2000, "within its bound but for the one just loaded")

	// A failed load is not kept, and does not disturb the count.
	_, err := rc.get("stable", 999, func() (*cached, error) { return nil, server.ErrNotFound })
	assert.ErrorIs(t, err, server.ErrNotFound)
	require.NoError(t, rc.check())
}
