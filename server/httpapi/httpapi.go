// Package httpapi serves the bundle server's HTTP API (design.md, "Bundle
// server contract"): extensions poll a channel's latest signed bundle with
// ETags, IT publishes with an admin token.
package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/server"
)

// Limits of a request.
const (
	// DefaultMaxBundleBytes is the largest envelope a publish may send,
	// unless Options say otherwise.
	DefaultMaxBundleBytes = server.MaxEnvelopeBytes
	// MaxWait is the longest a long poll waits.
	MaxWait = 55 * time.Second
	// DefaultMaxLongPolls is how many long polls may wait at once: each
	// holds a connection, so a file descriptor, and the process has a
	// limited number of those. Above it a poll is answered 503 at once.
	DefaultMaxLongPolls = 4096
	// RetryAfterSeconds is what a 503 for too many long polls asks a client
	// to wait before it polls again.
	RetryAfterSeconds = 10
	// DefaultReleaseCacheBytes bounds the releases kept compressed for
	// GET .../bundles/{version}.
	DefaultReleaseCacheBytes = 64 << 20
	// refusedAuditEvery is how often at most a publish refused for its
	// token is written to the audit trail; the rest are counted.
	refusedAuditEvery = time.Minute
)

// API is the HTTP handler.
type API struct {
	publisher      *server.Publisher
	store          server.Store
	tokens         *server.Tokens
	log            *slog.Logger
	maxBundleBytes int64
	maxLongPolls   int64
	mux            *http.ServeMux

	mu     sync.Mutex
	latest map[string]*cached
	// waiting holds the channels that long polls wait on, each with its
	// number of waiters; a channel leaves the map with its last waiter, so
	// the map never holds more entries than there are polls waiting.
	waiting map[string]*waiters
	// longPolls counts the polls waiting now, across channels.
	longPolls atomic.Int64

	releases *releaseCache
	refused  refusalSampler
	metrics  metrics
}

// waiters are the long polls waiting on one channel; changed is closed
// when the channel gets a new release.
type waiters struct {
	changed chan struct{}
	n       int
}

// cached is a release, ready to serve, with its gzip form and header
// values made once: releases never change.
type cached struct {
	rel     server.Release
	body    []byte
	gz      []byte
	etag    string
	headers http.Header
}

// Options configure the API.
type Options struct {
	Log            *slog.Logger
	MaxBundleBytes int64
	// MaxLongPolls caps the long polls waiting at once; zero means
	// DefaultMaxLongPolls.
	MaxLongPolls int
	// ReleaseCacheBytes bounds the compressed releases kept for
	// GET .../bundles/{version}; zero means DefaultReleaseCacheBytes.
	ReleaseCacheBytes int64
}

// New returns the API over a store.
func New(p *server.Publisher, tokens *server.Tokens, opts Options) *API {
	a := &API{
		publisher: p, store: p.Store, tokens: tokens, log: opts.Log,
		maxBundleBytes: opts.MaxBundleBytes,
		maxLongPolls:   int64(opts.MaxLongPolls),
		latest:         map[string]*cached{},
		waiting:        map[string]*waiters{},
		releases:       newReleaseCache(opts.ReleaseCacheBytes),
	}
	if a.log == nil {
		a.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if a.maxBundleBytes == 0 {
		a.maxBundleBytes = DefaultMaxBundleBytes
	}
	if a.maxLongPolls == 0 {
		a.maxLongPolls = DefaultMaxLongPolls
	}
	if a.releases.max == 0 {
		a.releases.max = DefaultReleaseCacheBytes
	}
	mux := http.NewServeMux()
	a.route(mux, "GET /v1/channels/{channel}/bundle", readableAnywhere(a.getLatest))
	a.route(mux, "GET /v1/channels/{channel}/bundles", readableAnywhere(a.list))
	a.route(mux, "GET /v1/channels/{channel}/bundles/{version}", readableAnywhere(a.getVersion))
	for _, p := range []string{"/v1/channels/{channel}/bundle", "/v1/channels/{channel}/bundles", "/v1/channels/{channel}/bundles/{version}"} {
		a.route(mux, "OPTIONS "+p, preflight)
	}
	a.route(mux, "POST /v1/channels/{channel}/bundles", a.publish)
	a.route(mux, "GET /v1/audit", a.audit)
	a.route(mux, "GET /healthz", a.healthz)
	a.route(mux, "GET /metrics", a.serveMetrics)
	a.mux = mux
	return a
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// statusWriter remembers the status and size of a response, for logs and
// metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(s int) {
	w.status = s
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// route registers a handler with logging and metrics. Logs name the route
// pattern, never a body: a server never sees drafts, and bundles are
// logged by digest only.
func (a *API) route(mux *http.ServeMux, pattern string, h http.HandlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		a.metrics.observe(pattern, sw.status, d)
		// Every request at debug level: polls are many, and a log line
		// each would cost more than the answer.
		if a.log.Enabled(r.Context(), slog.LevelDebug) {
			a.log.Debug("request", "route", pattern, "status", sw.status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "remote", remoteIP(r))
		}
	})
}

// readableAnywhere lets any origin read a public answer: the browser
// extension polls from its own chrome-extension:// origin, and IT chooses
// the server's address, so the extension cannot hold a host permission for
// it. Bundles are signed and public; no credentials are involved. ETag is
// exposed so the extension can send it back in If-None-Match.
func readableAnywhere(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", "ETag")
		h(w, r)
	}
}

// preflight answers a browser's CORS preflight for the public reads:
// If-None-Match is not a simple header, so a conditional poll is preceded
// by one preflight, which the browser then caches for a day.
func preflight(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET")
	h.Set("Access-Control-Allow-Headers", "If-None-Match")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// writeError writes the contract's JSON error.
func writeError(w http.ResponseWriter, status int, msg string, details []string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if details == nil {
		details = []string{}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": msg, "details": details})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (a *API) channel(w http.ResponseWriter, r *http.Request) (string, bool) {
	ch := r.PathValue("channel")
	if err := server.CheckChannel(ch); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return "", false
	}
	return ch, true
}

// current returns the channel's latest release from memory, reading the
// store the first time.
func (a *API) current(ctx context.Context, ch string) (*cached, error) {
	a.mu.Lock()
	c := a.latest[ch]
	a.mu.Unlock()
	if c != nil {
		return c, nil
	}
	rel, body, err := a.store.Latest(ctx, ch)
	if err != nil {
		return nil, err
	}
	return a.setLatest(newCached(rel, body)), nil
}

// setLatest makes c the channel's latest unless a higher version already
// is, and returns the one that is. Publishes and first reads finish in any
// order; the version decides, never the order, so the server can never go
// back to an older release once it has served or acknowledged a newer one.
func (a *API) setLatest(c *cached) *cached {
	a.mu.Lock()
	defer a.mu.Unlock()
	if old := a.latest[c.rel.Channel]; old != nil && old.rel.Version >= c.rel.Version {
		return old
	}
	a.latest[c.rel.Channel] = c
	if w := a.waiting[c.rel.Channel]; w != nil {
		close(w.changed)
		delete(a.waiting, c.rel.Channel)
	}
	return c
}

func newCached(rel server.Release, body []byte) *cached {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	etag := `"` + rel.Digest + `"`
	return &cached{rel: rel, body: body, gz: gz.Bytes(), etag: etag, headers: http.Header{
		"Etag":           {etag},
		"Vary":           {"Accept-Encoding"},
		"X-Heed-Version": {strconv.FormatInt(rel.Version, 10)},
	}}
}

// wait registers a long poll on a channel. It returns the channel closed
// at the next release and the function that unregisters the poll, or false
// when DefaultMaxLongPolls polls already wait.
func (a *API) wait(ch string) (<-chan struct{}, func(), bool) {
	if a.longPolls.Add(1) > a.maxLongPolls {
		a.longPolls.Add(-1)
		return nil, nil, false
	}
	a.mu.Lock()
	w := a.waiting[ch]
	if w == nil {
		w = &waiters{changed: make(chan struct{})}
		a.waiting[ch] = w
	}
	w.n++
	a.mu.Unlock()
	return w.changed, func() {
		a.mu.Lock()
		w.n--
		if w.n == 0 && a.waiting[ch] == w {
			delete(a.waiting, ch)
		}
		a.mu.Unlock()
		a.longPolls.Add(-1)
	}, true
}

func (a *API) getLatest(w http.ResponseWriter, r *http.Request) {
	ch, ok := a.channel(w, r)
	if !ok {
		return
	}
	wait, err := parseWait(r.URL.Query().Get("wait"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	c, err := a.current(r.Context(), ch)
	if errors.Is(err, server.ErrNotFound) {
		// A channel with nothing published is not waited on: anyone can
		// name one, and waiting state must be bounded by what IT made.
		writeError(w, http.StatusNotFound, fmt.Sprintf("channel %q has no bundle", ch), nil)
		return
	}
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store unreadable", nil)
		return
	}
	// A long poll waits while the client already has the latest.
	if wait > 0 && etagMatches(r.Header.Get("If-None-Match"), c.etag) {
		changed, done, ok := a.wait(ch)
		if !ok {
			a.metrics.longPollsRefused.Add(1)
			w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
			writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("too many long polls waiting (%d): poll again later", a.maxLongPolls), nil)
			return
		}
		// Read again once registered: a release that landed in between
		// closed no channel of ours.
		if now, err := a.current(r.Context(), ch); err == nil {
			c = now
		}
		if etagMatches(r.Header.Get("If-None-Match"), c.etag) {
			timer := time.NewTimer(wait)
			select {
			case <-changed:
			case <-timer.C:
			case <-r.Context().Done():
			}
			timer.Stop()
			if now, err := a.current(r.Context(), ch); err == nil {
				c = now
			}
		}
		done()
	}
	a.serveRelease(w, r, c, "no-cache")
}

// serveRelease answers with the envelope, gzipped when asked, or 304 when
// the client has it. The latest bundle is served "no-cache": clients
// revalidate every time, and an unchanged bundle costs a 304.
func (a *API) serveRelease(w http.ResponseWriter, r *http.Request, c *cached, cacheControl string) {
	h := w.Header()
	for k, v := range c.headers {
		h[k] = v
	}
	h["Cache-Control"] = []string{cacheControl}
	if etagMatches(r.Header.Get("If-None-Match"), c.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json")
	body := c.body
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = c.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func etagMatches(header, etag string) bool {
	if header == etag {
		return true
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

func parseWait(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("wait %q: want a duration such as 30s", s)
	}
	return min(d, MaxWait), nil
}

func (a *API) list(w http.ResponseWriter, r *http.Request) {
	ch, ok := a.channel(w, r)
	if !ok {
		return
	}
	rels, err := a.store.List(r.Context(), ch)
	if errors.Is(err, server.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("channel %q has no bundle", ch), nil)
		return
	}
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store unreadable", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channel": ch, "versions": rels})
}

func (a *API) getVersion(w http.ResponseWriter, r *http.Request) {
	ch, ok := a.channel(w, r)
	if !ok {
		return
	}
	v, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil || v < 1 || v > engine.MaxVersion {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("version %q: want 1 to %d", r.PathValue("version"), engine.MaxVersion), nil)
		return
	}
	c, err := a.release(r.Context(), ch, v)
	if errors.Is(err, server.ErrNotFound) {
		writeError(w, http.StatusNotFound, err.Error(), nil)
		return
	}
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store unreadable", nil)
		return
	}
	// A version never changes: it may be cached for good.
	a.serveRelease(w, r, c, "public, max-age=31536000, immutable")
}

// release returns one version ready to serve: the latest as it is kept,
// any other from the cache, read and compressed once.
func (a *API) release(ctx context.Context, ch string, v int64) (*cached, error) {
	a.mu.Lock()
	c := a.latest[ch]
	a.mu.Unlock()
	if c != nil && c.rel.Version == v {
		return c, nil
	}
	return a.releases.get(ch, v, func() (*cached, error) {
		rel, body, err := a.store.Get(ctx, ch, v)
		if err != nil {
			return nil, err
		}
		return newCached(rel, body), nil
	})
}

// admin authenticates the bearer token and returns its name.
func (a *API) admin(w http.ResponseWriter, r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="heed"`)
		writeError(w, http.StatusUnauthorized, "an admin token is required (Authorization: Bearer ...)", nil)
		return "", false
	}
	name, ok := a.tokens.Authenticate(token)
	if !ok {
		writeError(w, http.StatusUnauthorized, "the admin token is not valid", nil)
		return "", false
	}
	return name, true
}

func (a *API) publish(w http.ResponseWriter, r *http.Request) {
	ch, ok := a.channel(w, r)
	if !ok {
		return
	}
	who, ok := a.admin(w, r)
	if !ok {
		a.auditRefused(r, ch)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.maxBundleBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			msg := fmt.Sprintf("the bundle is over %d bytes", a.maxBundleBytes)
			_, _ = a.store.Audit(r.Context(), server.AuditRecord{Time: time.Now().UTC(), Who: who, Channel: ch, Result: msg, Status: http.StatusRequestEntityTooLarge, RemoteIP: remoteIP(r)})
			writeError(w, http.StatusRequestEntityTooLarge, msg, nil)
			return
		}
		writeError(w, http.StatusBadRequest, "reading the request: "+err.Error(), nil)
		return
	}
	rel, err := a.publisher.Publish(r.Context(), server.Request{
		Channel: ch, Who: who, Note: r.URL.Query().Get("note"), RemoteIP: remoteIP(r), Envelope: body,
	})
	var perr *server.Error
	if errors.As(err, &perr) {
		writeError(w, perr.Status, perr.Message, perr.Details)
		return
	}
	if errors.Is(err, server.ErrAuditFailed) {
		// The release is stored: serve it, and say what is missing.
		a.log.Error("published without an audit record", "channel", ch, "version", rel.Version, "err", err)
		w.Header().Set("Heed-Warning", "published, but its audit record could not be written")
	} else if err != nil {
		a.log.Error("publish failed", "channel", ch, "err", err)
		writeError(w, http.StatusInternalServerError, "the store failed: the bundle was not published", nil)
		return
	}
	a.setLatest(newCached(rel, body))
	a.metrics.published.Add(1)
	a.log.Info("published", "channel", ch, "version", rel.Version, "digest", rel.Digest, "by", who)
	w.Header().Set("Location", fmt.Sprintf("/v1/channels/%s/bundles/%d", ch, rel.Version))
	writeJSON(w, http.StatusCreated, rel)
}

func (a *API) audit(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.admin(w, r); !ok {
		return
	}
	limit := 100
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, http.StatusBadRequest, "limit: want 1 to 10000", nil)
			return
		}
		limit = n
	}
	recs, err := a.store.AuditLog(r.Context(), limit)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store unreadable", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": recs})
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.store.Check(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, "store unreadable", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
