package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/engine/source"
	"github.com/heed-dev/heed/server"
	"github.com/heed-dev/heed/server/boltstore"
	"github.com/heed-dev/heed/server/httpapi"
)

const token = "test-token-0123456789abcdef"

type fixture struct {
	t      *testing.T
	srv    *httptest.Server
	store  *boltstore.Store
	key    envelope.PrivateKey
	pub    envelope.PublicKey
	bundle engine.Bundle
}

func newFixture(t *testing.T, maxBytes int64) *fixture {
	t.Helper()
	f, _ := newFixtureWith(t, httpapi.Options{MaxBundleBytes: maxBytes}, nil)
	return f
}

// newFixtureWith serves the API with options, over the bolt store wrapped
// by wrap when it is not nil.
func newFixtureWith(t *testing.T, opts httpapi.Options, wrap func(server.Store) server.Store) (*fixture, *httpapi.API) {
	t.Helper()
	store, err := boltstore.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	key, pub, err := envelope.NewKey(bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	tokens := &server.Tokens{}
	require.NoError(t, tokens.Add("alice", token))
	var served server.Store = store
	if wrap != nil {
		served = wrap(store)
	}
	api := httpapi.New(&server.Publisher{Store: served, Trusted: []envelope.PublicKey{pub}}, tokens, opts)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	src, err := source.Load(bundles.FS, bundles.Default)
	require.NoError(t, err)
	return &fixture{t: t, srv: srv, store: store, key: key, pub: pub, bundle: *src.Bundle}, api
}

func (f *fixture) sign(version int64, mutate func(*engine.Bundle)) []byte {
	f.t.Helper()
	b := f.bundle
	b.Rules = append([]engine.Rule(nil), b.Rules...)
	b.Version = version
	if mutate != nil {
		mutate(&b)
	}
	data, err := envelope.Sign(&b, f.key, time.Now().Add(-time.Minute), time.Hour)
	require.NoError(f.t, err)
	return data
}

func (f *fixture) do(method, path string, body []byte, headers ...string) *http.Response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	require.NoError(f.t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(f.t, err)
	f.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// longPoll sends a GET with If-None-Match in the background; its answer
// (nil when the request failed) arrives on the channel, body unread.
func (f *fixture) longPoll(path, etag string) <-chan *http.Response {
	answer := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			resp = nil
		}
		answer <- resp
	}()
	return answer
}

// publishAsync publishes in the background; the status (0 when the
// request failed) arrives on the channel.
func (f *fixture) publishAsync(body []byte) <-chan int {
	status := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", f.srv.URL+"/v1/channels/stable/bundles", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	return status
}

func (f *fixture) publish(body []byte) *http.Response {
	return f.do("POST", "/v1/channels/stable/bundles", body, "Authorization", "Bearer "+token)
}

type apiErr struct {
	Error   string   `json:"error"`
	Details []string `json:"details"`
}

func decode[T any](t *testing.T, r *http.Response) T {
	t.Helper()
	var v T
	require.NoError(t, json.NewDecoder(r.Body).Decode(&v))
	return v
}

func TestEveryStatusOfTheContract(t *testing.T) {
	f := newFixture(t, 0)

	assert.Equal(t, 404, f.do("GET", "/v1/channels/stable/bundle", nil).StatusCode, "nothing published yet")
	assert.Equal(t, 400, f.do("GET", "/v1/channels/Not_A_Channel/bundle", nil).StatusCode)
	assert.Equal(t, 401, f.do("POST", "/v1/channels/stable/bundles", f.sign(1, nil)).StatusCode, "no token")
	assert.Equal(t, 401, f.do("POST", "/v1/channels/stable/bundles", f.sign(1, nil), "Authorization", "Bearer wrong-token-0000000000").StatusCode)
	assert.Equal(t, 400, f.publish([]byte("not json")).StatusCode)

	// A bundle signed by a key the server does not trust.
	otherKey, _, _ := envelope.NewKey(bytes.Repeat([]byte{1}, 32))
	b := f.bundle
	b.Version = 1
	untrusted, _ := envelope.Sign(&b, otherKey, time.Now(), time.Hour)
	r := f.publish(untrusted)
	assert.Equal(t, 422, r.StatusCode)
	assert.Contains(t, decode[apiErr](t, r).Details[0], "no valid signature by a trusted key")

	// Tampered: one byte of the signed payload changed.
	tampered := bytes.Replace(f.sign(1, nil), []byte(`"signatures":[{"keyid":"`), []byte(`"signatures":[{"keyid":"x`), 1)
	assert.Equal(t, 422, f.publish(tampered).StatusCode)

	// Expired.
	expired, _ := envelope.Sign(&b, f.key, time.Now().Add(-2*time.Hour), time.Hour)
	r = f.publish(expired)
	assert.Equal(t, 422, r.StatusCode)
	assert.Contains(t, decode[apiErr](t, r).Details[0], "expired")

	// Does not compile: every problem listed.
	r = f.publish(f.sign(1, func(b *engine.Bundle) { b.Rules[0].Category = "rudeness"; b.Rules[1].Severity = "severe" }))
	assert.Equal(t, 422, r.StatusCode)
	e := decode[apiErr](t, r)
	assert.Equal(t, "the bundle does not compile", e.Error)
	assert.Len(t, e.Details, 2)

	// Compiles, but an example fails.
	r = f.publish(f.sign(1, func(b *engine.Bundle) {
		b.Rules[0].Examples.Pass = append(b.Rules[0].Examples.Pass, engine.Example{Text: b.Rules[0].Examples.Flag[0].Text, Context: b.Rules[0].Examples.Flag[0].Context})
	}))
	assert.Equal(t, 422, r.StatusCode)
	assert.Contains(t, decode[apiErr](t, r).Details[0], "must pass but was flagged")

	// Nothing of the above was stored.
	assert.Equal(t, 404, f.do("GET", "/v1/channels/stable/bundles", nil).StatusCode)

	good := f.sign(3, nil)
	r = f.publish(good)
	require.Equal(t, 201, r.StatusCode)
	assert.Equal(t, "/v1/channels/stable/bundles/3", r.Header.Get("Location"))

	assert.Equal(t, 409, f.publish(f.sign(3, nil)).StatusCode, "the same version again")
	assert.Equal(t, 409, f.publish(f.sign(2, nil)).StatusCode, "an older version")

	r = f.do("GET", "/v1/channels/stable/bundle", nil)
	require.Equal(t, 200, r.StatusCode)
	etag := r.Header.Get("ETag")
	assert.Regexp(t, `^"[0-9a-f]{64}"$`, etag, "a strong ETag: the digest")
	assert.Equal(t, "no-cache", r.Header.Get("Cache-Control"))
	body, _ := io.ReadAll(r.Body)
	assert.Equal(t, good, body, "the exact bytes published")

	r = f.do("GET", "/v1/channels/stable/bundle", nil, "If-None-Match", etag)
	assert.Equal(t, 304, r.StatusCode)

	r = f.do("GET", "/v1/channels/stable/bundle", nil, "Accept-Encoding", "gzip")
	require.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(r.Body)
	require.NoError(t, err)
	unzipped, _ := io.ReadAll(zr)
	assert.Equal(t, good, unzipped)

	r = f.do("GET", "/v1/channels/stable/bundles", nil)
	require.Equal(t, 200, r.StatusCode)
	list := decode[struct{ Versions []server.Release }](t, r)
	require.Len(t, list.Versions, 1)
	assert.Equal(t, "alice", list.Versions[0].Publisher)
	assert.Equal(t, strings.Trim(etag, `"`), list.Versions[0].Digest)

	assert.Equal(t, 200, f.do("GET", "/v1/channels/stable/bundles/3", nil).StatusCode)
	assert.Equal(t, 404, f.do("GET", "/v1/channels/stable/bundles/4", nil).StatusCode)
	assert.Equal(t, 400, f.do("GET", "/v1/channels/stable/bundles/x", nil).StatusCode)

	assert.Equal(t, 200, f.do("GET", "/healthz", nil).StatusCode)
	r = f.do("GET", "/metrics", nil)
	metrics, _ := io.ReadAll(r.Body)
	assert.Contains(t, string(metrics), `heed_http_requests_total{route="POST /v1/channels/{channel}/bundles",status="422"} 5`)
	assert.Contains(t, string(metrics), "heed_bundles_published_total 1")

	// The audit trail: admin only, every publish and refusal.
	assert.Equal(t, 401, f.do("GET", "/v1/audit", nil).StatusCode)
	r = f.do("GET", "/v1/audit", nil, "Authorization", "Bearer "+token)
	require.Equal(t, 200, r.StatusCode)
	recs := decode[struct{ Records []server.AuditRecord }](t, r).Records
	var statuses []int
	for _, rec := range recs {
		statuses = append(statuses, rec.Status)
	}
	// Of the two tokenless publishes, the first is recorded and the second
	// only counted (a sample a minute: TestTokenlessPublishesAreCountedAndSampled).
	assert.Equal(t, []int{409, 409, 201, 422, 422, 422, 422, 422, 400, 401}, statuses, "newest first")
	assert.Contains(t, string(metrics), "heed_publish_unauthenticated_total 2")
	assert.Equal(t, "alice", recs[2].Who)
	assert.Equal(t, int64(3), recs[2].Version)
}

func TestOversizedBundleIs413(t *testing.T) {
	f := newFixture(t, 1024)
	r := f.publish(f.sign(1, nil))
	assert.Equal(t, 413, r.StatusCode)
	assert.Equal(t, 404, f.do("GET", "/v1/channels/stable/bundle", nil).StatusCode)
}

func TestLongPollAnswersWhenANewVersionLands(t *testing.T) {
	f := newFixture(t, 0)
	require.Equal(t, 201, f.publish(f.sign(1, nil)).StatusCode)
	etag := f.do("GET", "/v1/channels/stable/bundle", nil).Header.Get("ETag")

	start := time.Now()
	done := f.longPoll("/v1/channels/stable/bundle?wait=10s", etag)
	time.Sleep(200 * time.Millisecond)
	require.Equal(t, 201, f.publish(f.sign(2, nil)).StatusCode)
	resp := <-done
	require.NotNil(t, resp)
	defer resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.NotEqual(t, etag, resp.Header.Get("ETag"))
	assert.Less(t, time.Since(start), 5*time.Second, "answered on publish, not at the timeout")

	// With nothing new, the poll ends in a 304 at the timeout.
	r := f.do("GET", "/v1/channels/stable/bundle?wait=300ms", nil, "If-None-Match", resp.Header.Get("ETag"))
	assert.Equal(t, 304, r.StatusCode)
}

func TestConcurrentPublishesOfOneVersionHaveOneWinner(t *testing.T) {
	f := newFixture(t, 0)
	body := f.sign(5, nil)
	var statuses []<-chan int
	for range 8 {
		statuses = append(statuses, f.publishAsync(body))
	}
	count := map[int]int{}
	for _, c := range statuses {
		count[<-c]++
	}
	assert.Equal(t, map[int]int{201: 1, 409: 7}, count)
}

// The extension polls from its chrome-extension:// origin with
// If-None-Match, which needs a CORS preflight and an exposed ETag; the
// admin routes stay closed to other origins.
func TestPublicReadsAllowAnyOriginWithConditionalPolls(t *testing.T) {
	f := newFixture(t, 0)
	require.Equal(t, http.StatusCreated, f.publish(f.sign(1, nil)).StatusCode)
	origin := "chrome-extension://abcdefghijklmnopabcdefghijklmnop"

	pre := f.do("OPTIONS", "/v1/channels/stable/bundle", nil,
		"Origin", origin, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match")
	assert.Equal(t, http.StatusNoContent, pre.StatusCode)
	assert.Equal(t, "*", pre.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, pre.Header.Get("Access-Control-Allow-Headers"), "If-None-Match")

	got := f.do("GET", "/v1/channels/stable/bundle", nil, "Origin", origin)
	require.Equal(t, http.StatusOK, got.StatusCode)
	assert.Equal(t, "*", got.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "ETag", got.Header.Get("Access-Control-Expose-Headers"))
	etag := got.Header.Get("ETag")
	require.NotEmpty(t, etag)

	again := f.do("GET", "/v1/channels/stable/bundle", nil, "Origin", origin, "If-None-Match", etag)
	assert.Equal(t, http.StatusNotModified, again.StatusCode)
	assert.Equal(t, "*", again.Header.Get("Access-Control-Allow-Origin"), "a 304 without it is an error to the browser")

	for _, path := range []string{"/v1/channels/stable/bundles", "/v1/channels/stable/bundles/1"} {
		assert.Equal(t, "*", f.do("GET", path, nil, "Origin", origin).Header.Get("Access-Control-Allow-Origin"), path)
	}
	assert.Empty(t, f.do("GET", "/v1/audit", nil, "Origin", origin, "Authorization", "Bearer "+token).Header.Get("Access-Control-Allow-Origin"))
	assert.Empty(t, f.publish(f.sign(2, nil)).Header.Get("Access-Control-Allow-Origin"))
}
