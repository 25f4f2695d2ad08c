package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are counted by hand in the Prometheus text format: a handful of
// counters does not earn a client library. Counting takes a read lock and
// an atomic add once a route has seen a status.
type metrics struct {
	mu        sync.RWMutex
	requests  map[routeStatus]*atomic.Int64
	nanos     map[string]*atomic.Int64
	published atomic.Int64
	// longPollsRefused counts polls answered 503 above the cap.
	longPollsRefused atomic.Int64
	// publishRefused counts publishes refused for their token; the audit
	// trail holds a sample of them.
	publishRefused atomic.Int64
}

type routeStatus struct {
	route  string
	status int
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	key := routeStatus{route, status}
	m.mu.RLock()
	n, t := m.requests[key], m.nanos[route]
	m.mu.RUnlock()
	if n == nil || t == nil {
		m.mu.Lock()
		if m.requests == nil {
			m.requests = map[routeStatus]*atomic.Int64{}
			m.nanos = map[string]*atomic.Int64{}
		}
		if n = m.requests[key]; n == nil {
			n = new(atomic.Int64)
			m.requests[key] = n
		}
		if t = m.nanos[route]; t == nil {
			t = new(atomic.Int64)
			m.nanos[route] = t
		}
		m.mu.Unlock()
	}
	n.Add(1)
	t.Add(int64(d))
}

func (a *API) serveMetrics(w http.ResponseWriter, _ *http.Request) {
	m := &a.metrics
	m.mu.RLock()
	keys := make([]routeStatus, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	var b strings.Builder
	b.WriteString("# HELP heed_http_requests_total HTTP requests by route and status.\n# TYPE heed_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "heed_http_requests_total{route=%q,status=\"%d\"} %d\n", k.route, k.status, m.requests[k].Load())
	}
	b.WriteString("# HELP heed_http_request_seconds_total Time spent serving requests by route.\n# TYPE heed_http_request_seconds_total counter\n")
	routes := make([]string, 0, len(m.nanos))
	for r := range m.nanos {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		fmt.Fprintf(&b, "heed_http_request_seconds_total{route=%q} %g\n", r, time.Duration(m.nanos[r].Load()).Seconds())
	}
	m.mu.RUnlock()
	fmt.Fprintf(&b, "# HELP heed_bundles_published_total Bundles published since start.\n# TYPE heed_bundles_published_total counter\nheed_bundles_published_total %d\n", m.published.Load())
	fmt.Fprintf(&b, "# HELP heed_publish_unauthenticated_total Publishes refused for no or a bad admin token (the audit trail keeps a sample).\n# TYPE heed_publish_unauthenticated_total counter\nheed_publish_unauthenticated_total %d\n", m.publishRefused.Load())
	fmt.Fprintf(&b, "# HELP heed_long_polls_waiting Long polls waiting now.\n# TYPE heed_long_polls_waiting gauge\nheed_long_polls_waiting %d\n", a.longPolls.Load())
	fmt.Fprintf(&b, "# HELP heed_long_polls_refused_total Long polls answered 503 because too many waited.\n# TYPE heed_long_polls_refused_total counter\nheed_long_polls_refused_total %d\n", m.longPollsRefused.Load())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	_, _ = io.WriteString(w, b.String())
}
