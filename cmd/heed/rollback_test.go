package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/engine/source"
)

// rollbackFixture is a real heed serve with versions 1 and 2 of the
// default bundle published (2 with one rule fewer), behind a loopback
// proxy that plays a compromised server: it answers chosen paths with
// chosen bodies and passes the rest through.
type rollbackFixture struct {
	dir, key, tokens string
	proxy            string
	forged           map[string][]byte
	priv             envelope.PrivateKey
	bundle           engine.Bundle
}

func newRollbackFixture(t *testing.T) *rollbackFixture {
	t.Helper()
	dir, priv, _ := serveFixture(t)
	p := startServe(t, dir, freeAddr(t))
	src, err := source.Load(bundles.FS, bundles.Default)
	require.NoError(t, err)
	f := &rollbackFixture{dir: dir, key: filepath.Join(dir, "k.key"), tokens: filepath.Join(dir, "tokens"), forged: map[string][]byte{}, priv: priv, bundle: *src.Bundle}
	for v := int64(1); v <= 2; v++ {
		b := f.bundle
		b.Version = v
		if v == 2 {
			b.Rules = b.Rules[1:]
		}
		data, err := envelope.Sign(&b, priv, time.Now(), time.Hour)
		require.NoError(t, err)
		code, err := p.publish(data)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, code)
	}
	target, _ := url.Parse(p.url)
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body, ok := f.forged[r.URL.Path]; ok && r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.proxy = srv.URL
	return f
}

func (f *rollbackFixture) rollback(t *testing.T, stdin string, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"rollback", "--to", "1", "--server", f.proxy, "--channel", "stable", "--token-file", f.tokens, "--key", f.key}, extra...)
	return heed(t, stdin, args...)
}

func (f *rollbackFixture) versions(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(f.proxy + "/v1/channels/stable/bundles")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func (f *rollbackFixture) sign(t *testing.T, key envelope.PrivateKey, version int64, mutate func(*engine.Bundle)) []byte {
	t.Helper()
	b := f.bundle
	b.Version = version
	if mutate != nil {
		mutate(&b)
	}
	data, err := envelope.Sign(&b, key, time.Now(), time.Hour)
	require.NoError(t, err)
	return data
}

func TestRollbackShowsTheDiffBeforeItAsks(t *testing.T) {
	f := newRollbackFixture(t)
	code, out, errOut := f.rollback(t, "n\n")
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "this serves the content of version 1")
	assert.Contains(t, out, "added    rule "+f.bundle.Rules[0].ID, "version 1 has the rule version 2 dropped")
	assert.Less(t, strings.Index(out, "added    rule"), strings.Index(out, "Roll back? [y/N]"))
	assert.NotContains(t, f.versions(t), `"version":3`)

	code, out, errOut = f.rollback(t, "", "--yes")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "as version 3")
	assert.Contains(t, f.versions(t), `"version":3`)
}

// Item 1: whatever the server hands over is verified before IT's key
// signs it again.
func TestRollbackRefusesWhatDoesNotVerify(t *testing.T) {
	f := newRollbackFixture(t)
	attacker, _, err := envelope.NewKey(bytes.Repeat([]byte{66}, 32))
	require.NoError(t, err)
	evil := func(b *engine.Bundle) { b.Rules = nil; b.Description = "the attacker's rules" }

	cases := []struct {
		name, path string
		body       []byte
		want       string
	}{
		{"old version signed by another key", "/v1/channels/stable/bundles/1", f.sign(t, attacker, 1, evil), "version 1 from the server does not verify against the keys you trust"},
		{"old version tampered", "/v1/channels/stable/bundles/1", bytes.Replace(f.sign(t, f.priv, 1, nil), []byte(`"sig":"`), []byte(`"sig":"AA`), 1), "does not verify"},
		{"another version than asked", "/v1/channels/stable/bundles/1", f.sign(t, f.priv, 2, evil), "asked for version 1, the server sent version 2"},
		{"live version signed by another key", "/v1/channels/stable/bundle", f.sign(t, attacker, 1000, nil), "the live version on stable does not verify"},
		{"another bundle", "/v1/channels/stable/bundles/1", f.sign(t, f.priv, 1, func(b *engine.Bundle) { b.Name = "other" }), `version 1 is bundle "other"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.forged = map[string][]byte{c.path: c.body}
			code, _, errOut := f.rollback(t, "", "--yes")
			assert.Equal(t, 1, code)
			assert.Contains(t, errOut, c.want)
			assert.NotContains(t, f.versions(t), `"version":3`, "nothing was published")
		})
	}
}

// A release signed by a retired key can be served again when IT names the
// key it trusts.
func TestRollbackTrustsTheKeysGiven(t *testing.T) {
	f := newRollbackFixture(t)
	retired, retiredPub, err := envelope.NewKey(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	f.forged = map[string][]byte{"/v1/channels/stable/bundles/1": f.sign(t, retired, 1, nil)}
	code, _, errOut := f.rollback(t, "", "--yes")
	require.Equal(t, 1, code)
	assert.Contains(t, errOut, "does not verify")

	pubFile := filepath.Join(f.dir, "retired.pub")
	require.NoError(t, os.WriteFile(pubFile, []byte(`[{"keyid":"`+retiredPub.KeyID+`","public_key":"`+b64(retiredPub.PublicKey)+`"}]`), 0o644))
	code, out, errOut := f.rollback(t, "", "--yes", "--trusted-key", pubFile)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "signed by "+retiredPub.KeyID)
}

// Item 10: at the top of the range there is no next version to sign.
func TestRollbackAtTheLastVersionRefuses(t *testing.T) {
	f := newRollbackFixture(t)
	f.forged = map[string][]byte{"/v1/channels/stable/bundle": f.sign(t, f.priv, engine.MaxVersion, nil)}
	code, _, errOut := f.rollback(t, "", "--yes")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the highest a bundle may have")

	code, _, errOut = heed(t, "", "rollback", "--to", strconv.FormatInt(engine.MaxVersion+1, 10), "--server", f.proxy, "--token-file", f.tokens, "--key", f.key)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "want --to N (1 to 9007199254740991)")
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
