package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/engine/source"
)

// serverProcess runs `heed serve` as a real process on loopback: this test
// binary re-executed as heed (see TestMain).
type serverProcess struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func startServe(t *testing.T, dir, addr string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--addr", addr, "--data", filepath.Join(dir, "data"),
		"--admin-token-file", filepath.Join(dir, "tokens"), "--trusted-key", filepath.Join(dir, "k.pub"))
	cmd.Env = append(os.Environ(), "HEED_TEST_RUN_MAIN=1")
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	p := &serverProcess{cmd: cmd, url: "http://" + addr, logs: logs}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(p.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("heed serve did not start: %s", logs)
	return nil
}

func (p *serverProcess) publish(body []byte) (int, error) {
	req, _ := http.NewRequest("POST", p.url+"/v1/channels/stable/bundles", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer ops-token-0123456789abcdef")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func serveFixture(t *testing.T) (string, envelope.PrivateKey, envelope.PublicKey) {
	t.Helper()
	dir := t.TempDir()
	code, _, errOut := heed(t, "", "keygen", "-o", filepath.Join(dir, "k"))
	require.Equal(t, 0, code, errOut)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tokens"), []byte("ops ops-token-0123456789abcdef\n"), 0o600))
	priv, err := readPrivateKey(filepath.Join(dir, "k.key"))
	require.NoError(t, err)
	pubs, err := readTrustedKeys([]string{filepath.Join(dir, "k.pub")})
	require.NoError(t, err)
	return dir, priv, pubs[0]
}

func TestKillNineMidPublishingLosesNothingCommitted(t *testing.T) {
	dir, priv, pub := serveFixture(t)
	src, err := source.Load(bundles.FS, bundles.Default)
	require.NoError(t, err)
	var signed [][]byte
	for v := int64(1); v <= 40; v++ {
		b := *src.Bundle
		b.Version = v
		data, err := envelope.Sign(&b, priv, time.Now(), time.Hour)
		require.NoError(t, err)
		signed = append(signed, data)
	}
	addr := freeAddr(t)
	p := startServe(t, dir, addr)

	acked := make(chan int64, len(signed))
	go func() {
		for i, body := range signed {
			code, err := p.publish(body)
			if err != nil || code != 201 {
				break
			}
			acked <- int64(i + 1)
		}
		close(acked)
	}()
	var last int64
	for v := range acked {
		last = v
		if v == 8 {
			require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
		}
	}
	_ = p.cmd.Wait()
	require.GreaterOrEqual(t, last, int64(8))

	p = startServe(t, dir, addr)
	resp, err := http.Get(p.url + "/v1/channels/stable/bundle")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	v, err := envelope.Verify(body, []envelope.PublicKey{pub}, time.Now())
	require.NoError(t, err, "the latest is a whole, verifying envelope")
	// The kill may land after a commit and before its answer: one more.
	assert.Contains(t, []int64{last, last + 1}, v.Version)
	for ver := int64(1); ver <= v.Version; ver++ {
		resp, err := http.Get(fmt.Sprintf("%s/v1/channels/stable/bundles/%d", p.url, ver))
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, "version %d", ver)
		got, err := envelope.Verify(body, []envelope.PublicKey{pub}, time.Now())
		require.NoError(t, err, "version %d", ver)
		assert.Equal(t, ver, got.Version)
	}
	code, err := p.publish(signed[v.Version])
	require.NoError(t, err)
	assert.Equal(t, 201, code, "publishing carries on after the restart")
}

func TestServeStopsGracefullyOnSIGTERM(t *testing.T) {
	dir, _, _ := serveFixture(t)
	p := startServe(t, dir, freeAddr(t))
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	err := p.cmd.Wait()
	assert.NoError(t, err, "exit status 0 after a clean shutdown: %s", p.logs)
	assert.Contains(t, p.logs.String(), "shutting down")
}

func TestPublishAndRollbackThroughTheCLI(t *testing.T) {
	dir, _, _ := serveFixture(t)
	p := startServe(t, dir, freeAddr(t))
	key, tokens := filepath.Join(dir, "k.key"), filepath.Join(dir, "tokens")
	for _, v := range []int64{1, 2} {
		built := filepath.Join(dir, "b"+strconv.FormatInt(v, 10)+".json")
		signed := built + ".signed"
		require.Equal(t, 0, first(heed(t, "", "build", "../../bundles/default", "-o", built, "--version", strconv.FormatInt(v, 10))))
		require.Equal(t, 0, first(heed(t, "", "sign", "--key", key, built, "-o", signed)))
		code, out, errOut := heed(t, "", "publish", "--server", p.url, "--channel", "stable", "--token-file", tokens, "--yes", signed)
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "published default version "+strconv.FormatInt(v, 10))
		if v == 2 {
			assert.Contains(t, out, "channel stable now serves default version 1")
		}
	}
	code, out, errOut := heed(t, "", "rollback", "--to", "1", "--server", p.url, "--channel", "stable", "--token-file", tokens, "--key", key, "--yes")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "serves the content of version 1 again, as version 3")
	resp, err := http.Get(p.url + "/v1/channels/stable/bundles")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `"note":"rollback to 1"`)

	// Without --yes it asks, and anything but yes publishes nothing.
	code, out, errOut = heed(t, "n\n", "publish", "--server", p.url, "--token-file", tokens, filepath.Join(dir, "b2.json.signed"))
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "Publish? [y/N]")
	assert.Contains(t, errOut, "not published")
}

func first(code int, _, _ string) int { return code }

// Before it asks, publish shows what changes for staff against the live
// version, as heed diff does.
func TestPublishShowsTheDiffAgainstTheLiveVersion(t *testing.T) {
	dir, _, _ := serveFixture(t)
	p := startServe(t, dir, freeAddr(t))
	key, tokens := filepath.Join(dir, "k.key"), filepath.Join(dir, "tokens")
	signed := map[string]string{}
	for _, side := range []string{"old", "new"} {
		built := filepath.Join(dir, side+".json")
		signed[side] = built + ".signed"
		require.Equal(t, 0, first(heed(t, "", "build", "../../testdata/diff/"+side, "-o", built)))
		require.Equal(t, 0, first(heed(t, "", "sign", "--key", key, built, "-o", signed[side])))
	}
	code, out, errOut := heed(t, "", "publish", "--server", p.url, "--channel", "diff", "--token-file", tokens, "--yes", signed["old"])
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out, "Rules, lexicons and settings", "nothing live to compare with")

	code, out, errOut = heed(t, "n\n", "publish", "--server", p.url, "--channel", "diff", "--token-file", tokens,
		"--corpus", "../../testdata/diff/new/corpus/posts.jsonl", signed["new"])
	assert.Equal(t, 1, code, "answered no")
	assert.Contains(t, errOut, "not published")
	for _, want := range []string{
		"small version 1 -> small version 2",
		"removed  rule passwords (credentials, critical)",
		"changed  rule swearing (severity: warning -> critical; examples)",
		"newly flagged     ../../testdata/diff/new/corpus/posts.jsonl:4 client",
	} {
		assert.Contains(t, out, want)
	}
	assert.Less(t, strings.Index(out, "Rules, lexicons"), strings.Index(out, "Publish? [y/N]"), "the diff comes before the question")
}

// Item 12: the CLI speaks the server's channel grammar (server.ChannelPattern)
// and says so before any request.
func TestClientsRefuseChannelsTheServerRefuses(t *testing.T) {
	dir, _, _ := serveFixture(t)
	for _, bad := range []string{".", "_", "a.b", "Stable"} {
		code, _, errOut := heed(t, "", "rollback", "--to", "1", "--server", "http://127.0.0.1:1", "--channel", bad, "--token-file", filepath.Join(dir, "tokens"), "--key", filepath.Join(dir, "k.key"))
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, errOut, "--channel", bad)
	}
}
