package host_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailru/easyjson/jlexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/engine/jsonl"
	"github.com/heed-dev/heed/engine/source"
	"github.com/heed-dev/heed/wasm"
	"github.com/heed-dev/heed/wasm/host"
)

var (
	rt      *host.Runtime
	src     *source.Source
	native  *engine.Program
	modWasm *host.Engine
)

// TestMain builds the module from source when the test binary has none,
// so these tests never depend on a prior make.
func TestMain(m *testing.M) {
	ctx := context.Background()
	cleanup, err := wasm.UseFreshBuild()
	if err != nil {
		fmt.Fprintln(os.Stderr, "building the module:", err)
		os.Exit(1)
	}
	module, err := wasm.Module()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rt, err = host.NewRuntime(ctx, module, host.Options{CacheDir: host.DefaultCacheDir()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	src, native, err = source.Compile(bundles.FS, bundles.Default)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	modWasm, err = rt.Load(ctx, src.Bundle)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	rt.Close(ctx)
	cleanup()
	os.Exit(code)
}

// corpusPosts reads every labelled post shipped with the default bundle.
func corpusPosts(t testing.TB) []jsonl.Post {
	t.Helper()
	var posts []jsonl.Post
	for _, path := range src.Corpora {
		data, err := fs.ReadFile(bundles.FS, path)
		require.NoError(t, err)
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var p jsonl.Post
			lx := jlexer.Lexer{Data: []byte(line)}
			p.UnmarshalEasyJSON(&lx)
			require.NoError(t, lx.Error())
			posts = append(posts, p)
		}
	}
	require.Greater(t, len(posts), 300)
	return posts
}

func TestModuleAgreesWithNativeEngine(t *testing.T) {
	for _, p := range corpusPosts(t) {
		want, wantErr := native.Evaluate(p.Text, p.Context())
		got, gotErr := modWasm.Evaluate(p.Text, p.Context())
		require.Equal(t, wantErr, gotErr, p.ID)
		require.Equal(t, want, got, p.ID)
	}
}

func TestErrorsComeBackAsValues(t *testing.T) {
	_, err := modWasm.Evaluate("hello", engine.Context{Platform: "myspace", Time: "2026-01-01T10:00:00Z"})
	require.ErrorContains(t, err, `platform "myspace"`)
	_, err = modWasm.Evaluate("caf\xe9", engine.Context{Time: "2026-01-01T10:00:00Z"})
	require.ErrorContains(t, err, "not valid UTF-8")
	// The instance carries on after an error.
	fs, err := modWasm.Evaluate("Bollocks", engine.Context{Account: "personal", Time: "2026-01-01T20:00:00Z"})
	require.NoError(t, err)
	require.Len(t, fs, 1)
}

func TestBundleProblemsAreTheEngines(t *testing.T) {
	b := *src.Bundle
	b.Rules = append([]engine.Rule(nil), b.Rules...)
	b.Rules[0].Category = "rudeness"
	_, err := rt.Load(context.Background(), &b)
	var ps engine.Problems
	require.True(t, errors.As(err, &ps), "%v", err)
	assert.Equal(t, "/rules/0/category", ps[0].Path)
	_, err = rt.LoadJSON(context.Background(), []byte(`{"format":1,"nmae":"x"}`))
	require.ErrorContains(t, err, "unknown field")
}

func TestConcurrentCallersEachGetAnInstance(t *testing.T) {
	draft := "Oh for f*ck's sake, my NHS number is 943 476 5919"
	c := engine.Context{Account: "official", Time: "2026-01-14T10:30:00Z"}
	want, err := native.Evaluate(draft, c)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				got, err := modWasm.Evaluate(draft, c)
				if err != nil {
					errs <- err
					return
				}
				if len(got) != len(want) {
					errs <- fmt.Errorf("got %d findings, want %d", len(got), len(want))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestCancelledContextStopsBeforeTheCall(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := modWasm.EvaluateContext(ctx, "hello", engine.Context{Time: "2026-01-01T10:00:00Z"})
	require.ErrorIs(t, err, context.Canceled)
}

func TestInterruptibleRuntimeStopsACallInProgress(t *testing.T) {
	module, err := wasm.Module()
	require.NoError(t, err)
	ctx := context.Background()
	irt, err := host.NewRuntime(ctx, module, host.Options{Interruptible: true, CacheDir: host.DefaultCacheDir()})
	require.NoError(t, err)
	defer irt.Close(ctx)
	e, err := irt.Load(ctx, src.Bundle)
	require.NoError(t, err)
	big := strings.Repeat("Call me on 07700 900614 about the Conservative plan. ", 18000) // ~1 MB
	cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	_, err = e.EvaluateContext(cctx, big, engine.Context{Time: "2026-01-01T10:00:00Z"})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	// The engine replaced the stopped instance and carries on.
	fs, err := e.Evaluate("Bollocks", engine.Context{Account: "personal", Time: "2026-01-01T20:00:00Z"})
	require.NoError(t, err)
	require.Len(t, fs, 1)
}

func TestMemoryLimitIsAnErrorNotACrash(t *testing.T) {
	module, err := wasm.Module()
	require.NoError(t, err)
	ctx := context.Background()
	small, err := host.NewRuntime(ctx, module, host.Options{MemoryLimitPages: 128, CacheDir: host.DefaultCacheDir()}) // 8 MiB
	require.NoError(t, err)
	defer small.Close(ctx)
	e, err := small.Load(ctx, src.Bundle)
	if err != nil {
		// The runtime and bundle alone may not fit: that too is an error.
		require.Error(t, err)
		return
	}
	huge := strings.Repeat("Call me on 07700 900614 now. ", 36000) // ~1 MB, many findings
	_, err = e.Evaluate(huge, engine.Context{Time: "2026-01-01T10:00:00Z"})
	require.Error(t, err)
	assert.ErrorIs(t, err, host.ErrOutOfMemory)
	assert.Contains(t, err.Error(), "against the host's limit of 8 MiB (host.Options.MemoryLimitPages)", "the error names the limit")
	assert.NotContains(t, err.Error(), "wasm stack trace", "not a bare trap")
}

// Item 6 of the hardening issue: whatever the engine accepts, the module
// under the default limits answers, as the native engine does: a draft
// just under engine.MaxDraftBytes, and a bundle with a 300,000-term
// lexicon (about 5 MB, under the server's envelope limit).
func TestTheModuleTakesWhatTheEngineTakes(t *testing.T) {
	if testing.Short() {
		t.Skip("a megabyte in the module takes seconds")
	}
	ctx := context.Background()
	draft := strings.Repeat("fuck shit ", engine.MaxDraftBytes/10+1)[:engine.MaxDraftBytes-1]
	c := engine.Context{Platform: "twitter", Surface: "post", Account: "personal", Time: "2026-03-11T10:15:00Z"}
	want, err := native.Evaluate(draft, c)
	require.NoError(t, err)
	got, err := modWasm.Evaluate(draft, c)
	require.NoError(t, err, "a draft the engine reads must not trap")
	assert.Equal(t, want, got)

	b := *src.Bundle
	terms := make([]string, 300_000)
	for i := range terms {
		terms[i] = fmt.Sprintf("heedterm%dx", i)
	}
	b.Lexicons = append(append([]engine.Lexicon(nil), b.Lexicons...), engine.Lexicon{Name: "huge", Terms: terms})
	rule := b.Rules[0]
	rule.ID, rule.Match, rule.Unless, rule.When = "huge-lexicon", &engine.Matcher{Lexicon: "huge"}, nil, engine.Conditions{}
	b.Rules = append(append([]engine.Rule(nil), b.Rules...), rule)
	e, err := rt.Load(ctx, &b)
	require.NoError(t, err, "a bundle the engine compiles must load")
	defer e.Close(ctx)
	fs, err := e.Evaluate("a post with heedterm299999x in it", c)
	require.NoError(t, err)
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Rule)
	}
	assert.Contains(t, rules, "huge-lexicon")
}

func TestImportsAreWASIOnly(t *testing.T) {
	for _, name := range rt.ImportedFunctions() {
		assert.True(t, strings.HasPrefix(name, "wasi_snapshot_preview1."), name)
	}
}

// FuzzParity is the differential test: any draft in any context gets the
// same answer from the module under wazero as from the native engine.
func FuzzParity(f *testing.F) {
	for _, s := range []string{"Oh for f*ck's sake 🎉 07700 900614 PR 123612C", "Mr Evans on my caseload", "YES WE KNOW!!", "\xff", ""} {
		f.Add(s, uint8(7), int64(1767225600))
	}
	f.Fuzz(func(t *testing.T, draft string, pick uint8, unix int64) {
		c := engine.Context{
			Platform: engine.Platforms[int(pick)%len(engine.Platforms)],
			Surface:  engine.Surfaces[int(pick/4)%len(engine.Surfaces)],
			Account:  engine.Accounts[int(pick/16)%len(engine.Accounts)],
			Time:     time.Unix(unix%(1<<40), 0).UTC().Format(time.RFC3339),
		}
		want, wantErr := native.Evaluate(draft, c)
		got, gotErr := modWasm.Evaluate(draft, c)
		if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
			t.Fatalf("errors differ: native %v, wasm %v", wantErr, gotErr)
		}
		require.Equal(t, want, got)
	})
}

func TestSignedBundlesAreVerifiedInTheModule(t *testing.T) {
	ctx := context.Background()
	priv, pub, err := envelope.NewKey(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	_, stranger, err := envelope.NewKey(bytes.Repeat([]byte{8}, 32))
	require.NoError(t, err)
	signed, err := envelope.Sign(src.Bundle, priv, time.Now().Add(-time.Hour), 24*time.Hour)
	require.NoError(t, err)

	e, err := rt.LoadSigned(ctx, signed, []envelope.PublicKey{stranger, pub})
	require.NoError(t, err)
	assert.Equal(t, pub.KeyID, e.Info().KeyID)
	fs, err := e.Evaluate("Bollocks", engine.Context{Account: "personal", Time: "2026-01-01T20:00:00Z"})
	require.NoError(t, err)
	require.Len(t, fs, 1)

	_, err = rt.LoadSigned(ctx, signed, []envelope.PublicKey{stranger})
	require.ErrorContains(t, err, "signed bundle refused: no valid signature by a trusted key")

	expired, err := envelope.Sign(src.Bundle, priv, time.Now().Add(-48*time.Hour), 24*time.Hour)
	require.NoError(t, err)
	_, err = rt.LoadSigned(ctx, expired, []envelope.PublicKey{pub})
	require.ErrorContains(t, err, "expired")
}
