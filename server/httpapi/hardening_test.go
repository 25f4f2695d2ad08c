package httpapi_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailru/easyjson/jwriter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/server"
	"github.com/heed-dev/heed/server/httpapi"
)

// heldStore holds a publish of one version after it has committed, until
// released: the moment between a store's commit and the handler's answer,
// where two publishes can overtake each other.
type heldStore struct {
	server.Store
	hold     int64
	held     chan struct{}
	release  chan struct{}
	getCalls atomic.Int64
}

func (s *heldStore) Publish(ctx context.Context, r server.Release, env []byte) error {
	err := s.Store.Publish(ctx, r, env)
	if r.Version == s.hold {
		close(s.held)
		<-s.release
	}
	return err
}

func (s *heldStore) Get(ctx context.Context, ch string, v int64) (server.Release, []byte, error) {
	s.getCalls.Add(1)
	return s.Store.Get(ctx, ch, v)
}

func (f *fixture) signAt(version int64, issued time.Time) []byte {
	f.t.Helper()
	b := f.bundle
	b.Version = version
	data, err := envelope.Sign(&b, f.key, issued, time.Hour)
	require.NoError(f.t, err)
	return data
}

func (f *fixture) servedVersion() string {
	f.t.Helper()
	r := f.do("GET", "/v1/channels/stable/bundle", nil)
	require.Equal(f.t, http.StatusOK, r.StatusCode)
	return r.Header.Get("X-Heed-Version")
}

// Item 2: v1's handler finishing after v2's must not bring v1 back.
func TestLatestIsTheHighestCommittedVersionWhateverOrderPublishesFinish(t *testing.T) {
	held := &heldStore{hold: 1, held: make(chan struct{}), release: make(chan struct{})}
	f, _ := newFixtureWith(t, httpapi.Options{}, func(s server.Store) server.Store { held.Store = s; return held })
	v1, v2 := f.sign(1, nil), f.sign(2, nil)

	first := f.publishAsync(v1)
	<-held.held // v1 is committed; its handler has not answered yet
	require.Equal(t, http.StatusCreated, f.publish(v2).StatusCode)
	assert.Equal(t, "2", f.servedVersion())
	etag2 := f.do("GET", "/v1/channels/stable/bundle", nil).Header.Get("ETag")
	close(held.release)
	require.Equal(t, http.StatusCreated, <-first)

	assert.Equal(t, "2", f.servedVersion(), "v2 was acknowledged: it stays")
	r := f.do("GET", "/v1/channels/stable/bundle?wait=200ms", nil, "If-None-Match", etag2)
	assert.Equal(t, http.StatusNotModified, r.StatusCode, "a poll holding v2 is up to date")
}

// Item 3: waiting state is bounded by the polls waiting, not by the names
// anyone sends.
func TestLongPollsOnUnknownChannelsAreNotWaitedOnOrKept(t *testing.T) {
	f, api := newFixtureWith(t, httpapi.Options{}, nil)
	start := time.Now()
	for i := range 200 {
		r := f.do("GET", fmt.Sprintf("/v1/channels/never-%d/bundle?wait=30s", i), nil, "If-None-Match", `"x"`)
		require.Equal(t, http.StatusNotFound, r.StatusCode)
	}
	assert.Less(t, time.Since(start), 20*time.Second, "answered at once, not after the wait")
	assert.Equal(t, 0, api.WaitingChannels())

	// A channel that exists is waited on, and forgotten when its last
	// poll leaves.
	require.Equal(t, http.StatusCreated, f.publish(f.sign(1, nil)).StatusCode)
	etag := f.do("GET", "/v1/channels/stable/bundle", nil).Header.Get("ETag")
	var polls []<-chan *http.Response
	for range 3 {
		polls = append(polls, f.longPoll("/v1/channels/stable/bundle?wait=300ms", etag))
	}
	require.Eventually(t, func() bool { return api.WaitingChannels() == 1 }, 2*time.Second, 5*time.Millisecond)
	for _, p := range polls {
		if resp := <-p; resp != nil {
			assert.Equal(t, http.StatusNotModified, resp.StatusCode)
			resp.Body.Close()
		}
	}
	assert.Equal(t, 0, api.WaitingChannels())
}

// Item 11: above the cap a long poll is answered 503 with Retry-After at
// once; the slots come back when the polls end.
func TestLongPollsAreCapped(t *testing.T) {
	f, api := newFixtureWith(t, httpapi.Options{MaxLongPolls: 2}, nil)
	require.Equal(t, http.StatusCreated, f.publish(f.sign(1, nil)).StatusCode)
	etag := f.do("GET", "/v1/channels/stable/bundle", nil).Header.Get("ETag")

	answers := []<-chan *http.Response{
		f.longPoll("/v1/channels/stable/bundle?wait=20s", etag),
		f.longPoll("/v1/channels/stable/bundle?wait=20s", etag),
	}
	require.Eventually(t, func() bool {
		m := f.metricsText()
		return strings.Contains(m, "heed_long_polls_waiting 2")
	}, 5*time.Second, 5*time.Millisecond)

	r := f.do("GET", "/v1/channels/stable/bundle?wait=20s", nil, "If-None-Match", etag)
	assert.Equal(t, http.StatusServiceUnavailable, r.StatusCode)
	assert.Equal(t, strconv.Itoa(httpapi.RetryAfterSeconds), r.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, f.do("GET", "/v1/channels/stable/bundle", nil).StatusCode, "plain polls are not capped")
	assert.Contains(t, f.metricsText(), "heed_long_polls_refused_total 1")

	require.Equal(t, http.StatusCreated, f.publish(f.sign(2, nil)).StatusCode)
	for _, answer := range answers {
		resp := <-answer
		require.NotNil(t, resp)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		resp.Body.Close()
	}
	assert.Contains(t, f.metricsText(), "heed_long_polls_waiting 0")
	assert.Equal(t, 0, api.WaitingChannels())
}

// Item 5: a version is read and compressed once, however often and
// however concurrently it is asked for.
func TestVersionsAreCompressedOnce(t *testing.T) {
	held := &heldStore{hold: -1}
	f, api := newFixtureWith(t, httpapi.Options{}, func(s server.Store) server.Store { held.Store = s; return held })
	v1 := f.sign(1, nil)
	require.Equal(t, http.StatusCreated, f.publish(v1).StatusCode)
	require.Equal(t, http.StatusCreated, f.publish(f.sign(2, nil)).StatusCode)
	held.getCalls.Store(0)

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", f.srv.URL+"/v1/channels/stable/bundles/1", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			resp, err := http.DefaultClient.Do(req)
			if assert.NoError(t, err) {
				assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	r := f.do("GET", "/v1/channels/stable/bundles/1", nil)
	body, _ := io.ReadAll(r.Body)
	assert.Equal(t, v1, body)
	assert.Equal(t, int64(1), held.getCalls.Load(), "one read of the store for nine requests")
	assert.Equal(t, 1, api.CachedReleases())

	// The latest is served from what the poll route keeps.
	assert.Equal(t, http.StatusOK, f.do("GET", "/v1/channels/stable/bundles/2", nil).StatusCode)
	assert.Equal(t, int64(1), held.getCalls.Load())

	// A version not there is not kept.
	assert.Equal(t, http.StatusNotFound, f.do("GET", "/v1/channels/stable/bundles/9", nil).StatusCode)
	assert.Equal(t, 1, api.CachedReleases())
}

func TestTheReleaseCacheIsBounded(t *testing.T) {
	f, api := newFixtureWith(t, httpapi.Options{ReleaseCacheBytes: 1}, nil)
	for v := int64(1); v <= 3; v++ {
		require.Equal(t, http.StatusCreated, f.publish(f.sign(v, nil)).StatusCode)
	}
	for v := 1; v <= 2; v++ {
		assert.Equal(t, http.StatusOK, f.do("GET", fmt.Sprintf("/v1/channels/stable/bundles/%d", v), nil).StatusCode)
	}
	assert.Equal(t, 1, api.CachedReleases(), "over the bound, only the last served is kept")
}

// Item 7: tokenless publishes are counted, and the audit trail keeps a
// sample that says how many it left out.
func TestTokenlessPublishesAreCountedAndSampled(t *testing.T) {
	f, api := newFixtureWith(t, httpapi.Options{}, nil)
	for range 50 {
		assert.Equal(t, http.StatusUnauthorized, f.do("POST", "/v1/channels/stable/bundles", []byte("{}")).StatusCode)
	}
	assert.Contains(t, f.metricsText(), "heed_publish_unauthenticated_total 50")
	recs, err := f.store.AuditLog(context.Background(), 100)
	require.NoError(t, err)
	assert.Len(t, recs, 1, "one record, not fifty transactions")

	t0 := time.Now() // the sampler's clock, an hour on
	write, skipped := api.SampleRefusal(t0.Add(time.Hour))
	assert.True(t, write)
	assert.Equal(t, int64(49), skipped, "the next record says how many were left out")
	write, _ = api.SampleRefusal(t0.Add(time.Hour + httpapi.RefusedAuditEvery/2))
	assert.False(t, write)
	write, skipped = api.SampleRefusal(t0.Add(time.Hour + httpapi.RefusedAuditEvery))
	assert.True(t, write)
	assert.Equal(t, int64(1), skipped)
}

// Item 9: a bundle issued in the future, or issued before the one in
// force, is refused with the reason.
func TestPublishRefusesIssueTimesOutOfOrder(t *testing.T) {
	f := newFixture(t, 0)
	r := f.publish(f.signAt(1, time.Now().Add(time.Hour)))
	assert.Equal(t, http.StatusUnprocessableEntity, r.StatusCode)
	assert.Contains(t, decode[apiErr](t, r).Details[0], "issued in the future")

	require.Equal(t, http.StatusCreated, f.publish(f.signAt(1, time.Now().Add(-time.Minute))).StatusCode)
	r = f.publish(f.signAt(2, time.Now().Add(-30*time.Minute)))
	assert.Equal(t, http.StatusConflict, r.StatusCode)
	assert.Contains(t, decode[apiErr](t, r).Error, "clients would refuse it")
	assert.Equal(t, "1", f.servedVersion())
}

// Item 10: versions run from 1 to 2^53-1, and every one of them can be
// fetched; nothing outside can be published.
func TestVersionRangeIsOneToMaxVersion(t *testing.T) {
	f := newFixture(t, 0)
	zero := f.signPayload(0)
	r := f.publish(zero)
	assert.Equal(t, http.StatusUnprocessableEntity, r.StatusCode)
	assert.Contains(t, decode[apiErr](t, r).Details[0], "want 1 to 9007199254740991")
	r = f.publish(f.signPayload(engine.MaxVersion + 1))
	assert.Equal(t, http.StatusUnprocessableEntity, r.StatusCode)

	require.Equal(t, http.StatusCreated, f.publish(f.sign(engine.MaxVersion, nil)).StatusCode)
	assert.Equal(t, http.StatusOK, f.do("GET", "/v1/channels/stable/bundles/9007199254740991", nil).StatusCode)
	for _, v := range []string{"0", "9007199254740992", "9223372036854775807", "-1"} {
		assert.Equal(t, http.StatusBadRequest, f.do("GET", "/v1/channels/stable/bundles/"+v, nil).StatusCode, v)
	}
	assert.Equal(t, http.StatusConflict, f.publish(f.sign(engine.MaxVersion, nil)).StatusCode, "nothing is above the maximum")
}

// signPayload signs a payload with any version, as a broken or hostile
// signer holding a trusted key might: envelope.Sign refuses to.
func (f *fixture) signPayload(version int64) []byte {
	f.t.Helper()
	b := f.bundle
	b.Version = version
	now := time.Now().UTC()
	p := envelope.Payload{Name: b.Name, Version: version, Issued: now.Format(time.RFC3339), Expires: now.Add(time.Hour).Format(time.RFC3339), Bundle: b}
	w := jwriter.Writer{}
	p.MarshalEasyJSON(&w)
	payload, err := w.BuildBytes()
	require.NoError(f.t, err)
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(f.key.Seed), envelope.PAE(envelope.PayloadType, payload))
	env := envelope.Envelope{PayloadType: envelope.PayloadType, Payload: payload, Signatures: []envelope.Signature{{KeyID: f.key.KeyID, Sig: sig}}}
	w = jwriter.Writer{}
	env.MarshalEasyJSON(&w)
	data, err := w.BuildBytes()
	require.NoError(f.t, err)
	return data
}

func (f *fixture) metricsText() string {
	f.t.Helper()
	r := f.do("GET", "/metrics", nil)
	b, _ := io.ReadAll(r.Body)
	return string(b)
}

// failingAudit stores releases but cannot write the audit trail.
type failingAudit struct{ server.Store }

func (failingAudit) Audit(context.Context, server.AuditRecord) (server.AuditRecord, error) {
	return server.AuditRecord{}, errors.New("disk full")
}

// A release the store committed is served even when its audit record
// failed: answering "not published" would leave the server on the old
// version, and IT retrying would get 409.
func TestAReleaseStoredWithoutItsAuditRecordIsServed(t *testing.T) {
	f, _ := newFixtureWith(t, httpapi.Options{}, func(s server.Store) server.Store { return failingAudit{s} })
	require.Equal(t, http.StatusCreated, f.publish(f.sign(1, nil)).StatusCode)
	r := f.publish(f.sign(2, nil))
	assert.Equal(t, http.StatusCreated, r.StatusCode)
	assert.Contains(t, r.Header.Get("Heed-Warning"), "audit record could not be written")
	assert.Equal(t, "2", f.servedVersion())
}
