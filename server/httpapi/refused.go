package httpapi

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/heed-dev/heed/server"
)

// refusalSampler decides which publishes refused for their token reach the
// audit trail. Anyone can send them, and a record each, one disk
// transaction each, would let a stranger grow the store and push real
// records out of view; so every one is counted in the metrics, and the
// trail keeps at most one a refusedAuditEvery, which says how many were
// left out since the last.
type refusalSampler struct {
	mu      sync.Mutex
	last    time.Time
	skipped int64
}

// take reports whether a refusal at now is written, and how many were left
// out before it.
func (s *refusalSampler) take(now time.Time) (bool, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.last.IsZero() && now.Sub(s.last) < refusedAuditEvery {
		s.skipped++
		return false, 0
	}
	skipped := s.skipped
	s.last, s.skipped = now, 0
	return true, skipped
}

// auditRefused counts a publish refused for its token and writes a sample
// of them to the audit trail.
func (a *API) auditRefused(r *http.Request, ch string) {
	a.metrics.publishRefused.Add(1)
	now := time.Now().UTC()
	write, skipped := a.refused.take(now)
	if !write {
		return
	}
	rec := server.AuditRecord{Time: now, Who: "(unauthenticated)", Channel: ch, Result: "no or bad admin token", Status: http.StatusUnauthorized, RemoteIP: remoteIP(r)}
	if skipped > 0 {
		rec.Details = []string{fmt.Sprintf("%d more refused for their token since the last such record (see heed_publish_unauthenticated_total)", skipped)}
	}
	_, _ = a.store.Audit(r.Context(), rec)
}
