package httpapi

import "time"

// WaitingChannels is how many channels long polls wait on now.
func (a *API) WaitingChannels() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.waiting)
}

// CachedReleases is how many releases the version cache holds.
func (a *API) CachedReleases() int { return a.releases.len() }

// SampleRefusal runs the audit sampler at a given time.
func (a *API) SampleRefusal(now time.Time) (bool, int64) { return a.refused.take(now) }

// RefusedAuditEvery is how often at most a tokenless publish is recorded.
const RefusedAuditEvery = refusedAuditEvery
