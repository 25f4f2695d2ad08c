// Package host runs the Heed WebAssembly module in Go through wazero, with
// the same API as the native engine, so the CLI and the tests check drafts
// with the very module the browser extension runs.
//
// A Runtime compiles the module once; Load gives an Engine for one bundle,
// which keeps a pool of module instances: one instance is single-threaded,
// so concurrent callers each take their own. An instance that fails is
// thrown away and replaced.
package host

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/wasm/abi"
)

// Options tune a Runtime.
type Options struct {
	// MemoryLimitPages caps each instance's linear memory, in 64 KiB
	// pages. Zero means DefaultMemoryLimitPages.
	MemoryLimitPages uint32
	// CacheDir keeps compiled code between processes (compiling the
	// module takes about a second; loading it from the cache a few tens
	// of milliseconds). Empty means no cache.
	CacheDir string
	// Interruptible makes a cancelled context stop a call in progress, at
	// a cost to every call (about 8x measured here). Without it a context
	// is checked before each call: an evaluation takes microseconds.
	Interruptible bool
	// MaxIdle is how many idle instances an Engine keeps; zero means twice
	// GOMAXPROCS.
	MaxIdle int
}

// DefaultMemoryLimitPages is 4 GiB, the whole address space of a 32-bit
// WebAssembly memory: the limit the browser runs the module under, so a
// draft or bundle the extension can check, the CLI can too. The module
// settles near 10 MiB; a 1 MiB draft (the engine's limit) took it to about
// 120 MiB and a 300,000-term lexicon to about 75 MiB. Memory grows only as
// the module asks, so the limit costs nothing until it is used.
const DefaultMemoryLimitPages = 65536

// pageBytes is the size of a WebAssembly memory page.
const pageBytes = 64 << 10

// DefaultCacheDir is where the CLI keeps compiled code.
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "heed", "wazero")
}

// Runtime is a compiled module, ready to instantiate.
type Runtime struct {
	rt       wazero.Runtime
	compiled wazero.CompiledModule
	opts     Options
}

// NewRuntime compiles the module.
func NewRuntime(ctx context.Context, module []byte, opts Options) (*Runtime, error) {
	if opts.MemoryLimitPages == 0 {
		opts.MemoryLimitPages = DefaultMemoryLimitPages
	}
	if opts.MaxIdle == 0 {
		opts.MaxIdle = 2 * runtime.GOMAXPROCS(0)
	}
	cfg := wazero.NewRuntimeConfig().
		WithMemoryLimitPages(opts.MemoryLimitPages).
		WithCloseOnContextDone(opts.Interruptible)
	if opts.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(opts.CacheDir)
		if err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasm host: WASI: %w", err)
	}
	compiled, err := rt.CompileModule(ctx, module)
	if err != nil {
		rt.Close(ctx)
		return nil, fmt.Errorf("wasm host: compiling the module: %w", err)
	}
	for _, name := range []string{abi.ExportVersion, abi.ExportAlloc, abi.ExportFree, abi.ExportLoad, abi.ExportEvaluate, abi.ExportTrust, "_initialize"} {
		if _, ok := compiled.ExportedFunctions()[name]; !ok {
			rt.Close(ctx)
			return nil, fmt.Errorf("wasm host: the module does not export %s: is it a Heed module?", name)
		}
	}
	return &Runtime{rt: rt, compiled: compiled, opts: opts}, nil
}

// Close releases the runtime and every instance of it.
func (r *Runtime) Close(ctx context.Context) error { return r.rt.Close(ctx) }

// ImportedFunctions lists the module's imports as "module.name", which
// the browser's WASI shim must provide.
func (r *Runtime) ImportedFunctions() []string {
	var out []string
	for _, f := range r.compiled.ImportedFunctions() {
		mod, name, _ := f.Import()
		out = append(out, mod+"."+name)
	}
	return out
}

// instance is one module instance with a bundle loaded.
type instance struct {
	mod                                api.Module
	alloc, free, load, evaluate, trust api.Function
	// in is a block in the module's memory the host writes requests into,
	// kept and grown as needed; req is the request built on the host.
	in, inCap uint32
	req       []byte
	// stderr keeps the end of what the Go runtime inside wrote, which
	// names the cause when it dies ("fatal error: out of memory").
	stderr *tailBuffer
	// limitPages is the runtime's memory limit, for errors that name it.
	limitPages uint32
}

func (r *Runtime) instantiate(ctx context.Context) (*instance, error) {
	stderr := &tailBuffer{max: 4096}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions("_initialize").
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader).
		WithStderr(stderr)
	mod, err := r.rt.InstantiateModule(ctx, r.compiled, cfg)
	if err != nil {
		return nil, fmt.Errorf("wasm host: instantiating the module: %w", err)
	}
	inst := &instance{
		stderr:     stderr,
		mod:        mod,
		limitPages: r.opts.MemoryLimitPages,
		alloc:      mod.ExportedFunction(abi.ExportAlloc),
		free:       mod.ExportedFunction(abi.ExportFree),
		load:       mod.ExportedFunction(abi.ExportLoad),
		evaluate:   mod.ExportedFunction(abi.ExportEvaluate),
		trust:      mod.ExportedFunction(abi.ExportTrust),
	}
	if v, err := mod.ExportedFunction(abi.ExportVersion).Call(ctx); err != nil || len(v) != 1 || v[0] != abi.Version {
		mod.Close(ctx)
		return nil, fmt.Errorf("wasm host: the module speaks ABI %v, this host %d", v, abi.Version)
	}
	return inst, nil
}

// call writes input into the instance's block, calls fn and returns its
// answer. The answer is a view of the module's memory, valid until the
// next call into this instance.
func (inst *instance) call(ctx context.Context, fn api.Function, input []byte) ([]byte, error) {
	if uint32(len(input)) > inst.inCap || inst.in == 0 {
		if inst.in != 0 {
			if _, err := inst.free.Call(ctx, uint64(inst.in)); err != nil {
				return nil, inst.explain(err)
			}
		}
		size := max(uint32(len(input)), 4096)
		res, err := inst.alloc.Call(ctx, uint64(size))
		if err != nil {
			return nil, inst.explain(err)
		}
		inst.in, inst.inCap = uint32(res[0]), size
	}
	if !inst.mod.Memory().Write(inst.in, input) {
		return nil, fmt.Errorf("writing %d bytes at %#x: out of range", len(input), inst.in)
	}
	res, err := fn.Call(ctx, uint64(inst.in), uint64(len(input)))
	if err != nil {
		return nil, inst.explain(err)
	}
	outPtr, outLen := abi.Unpack(res[0])
	view, ok := inst.mod.Memory().Read(outPtr, outLen)
	if !ok {
		return nil, fmt.Errorf("reading %d bytes at %#x: out of range", outLen, outPtr)
	}
	return view, nil
}

// explain turns a trap into an error that says why: the Go runtime inside
// prints its fatal error before it traps, and running out of memory names
// the limit it reached. A trap without either keeps wazero's words.
func (inst *instance) explain(err error) error {
	var exit *sys.ExitError
	if errors.As(err, &exit) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	fatal := inst.stderr.fatal()
	if fatal == "" {
		return err
	}
	if strings.Contains(fatal, "out of memory") {
		return fmt.Errorf("%w: the module ran out of memory (%s) at %d MiB of linear memory, against the host's limit of %d MiB (host.Options.MemoryLimitPages)", ErrOutOfMemory, fatal, inst.mod.Memory().Size()>>20, uint64(inst.limitPages)*pageBytes>>20)
	}
	return fmt.Errorf("the module stopped: %s (%w)", fatal, err)
}

// ErrOutOfMemory is a module that reached its memory limit.
var ErrOutOfMemory = errors.New("memory limit reached")

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// fatal returns the Go runtime's last "fatal error:" line, if any.
func (t *tailBuffer) fatal() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	text := string(t.buf)
	i := strings.LastIndex(text, "fatal error: ")
	if i < 0 {
		return ""
	}
	line, _, _ := strings.Cut(text[i:], "\n")
	return strings.TrimSpace(line)
}

// Engine evaluates drafts against one bundle with a pool of instances. It
// is safe for concurrent use.
type Engine struct {
	r       *Runtime
	bundle  []byte
	trusted []byte // JSON key set, for a signed bundle
	rules   []engine.Rule
	info    abi.LoadResult

	mu     sync.Mutex
	idle   []*instance
	closed bool
}

// Load compiles a bundle in a first instance and returns the Engine for
// it. A bundle that does not compile gives engine.Problems, as the native
// engine does.
func (r *Runtime) Load(ctx context.Context, b *engine.Bundle) (*Engine, error) {
	w := jwriter.Writer{}
	b.MarshalEasyJSON(&w)
	data, err := w.BuildBytes()
	if err != nil {
		return nil, fmt.Errorf("wasm host: encoding the bundle: %w", err)
	}
	return r.LoadJSON(ctx, data)
}

// LoadJSON is Load for a built bundle's JSON.
func (r *Runtime) LoadJSON(ctx context.Context, bundle []byte) (*Engine, error) {
	// The host keeps the rules, to give findings their words: the module
	// answers only which rule and where.
	var b engine.Bundle
	lx := jlexer.Lexer{Data: bundle}
	b.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		return nil, fmt.Errorf("not a bundle: %w", err)
	}
	return r.start(ctx, &Engine{r: r, bundle: bundle, rules: b.Rules})
}

// LoadSigned verifies a signed envelope in the module against trusted
// keys, then loads the bundle it carries.
func (r *Runtime) LoadSigned(ctx context.Context, data []byte, trusted []envelope.PublicKey) (*Engine, error) {
	p, err := envelope.Open(data)
	if err != nil {
		return nil, err
	}
	w := jwriter.Writer{}
	envelope.KeySet(trusted).MarshalEasyJSON(&w)
	keys, err := w.BuildBytes()
	if err != nil {
		return nil, fmt.Errorf("wasm host: encoding the keys: %w", err)
	}
	return r.start(ctx, &Engine{r: r, bundle: data, trusted: keys, rules: p.Bundle.Rules})
}

// start loads the bundle in a first instance, which also checks it.
func (r *Runtime) start(ctx context.Context, e *Engine) (*Engine, error) {
	inst, err := e.newInstance(ctx)
	if err != nil {
		return nil, err
	}
	e.put(ctx, inst, false)
	return e, nil
}

// Info is what the module said of the bundle: name, version, rules.
func (e *Engine) Info() abi.LoadResult { return e.info }

func (e *Engine) newInstance(ctx context.Context) (*instance, error) {
	inst, err := e.r.instantiate(ctx)
	if err != nil {
		return nil, err
	}
	if e.trusted != nil {
		if _, err := inst.call(ctx, inst.trust, e.trusted); err != nil {
			inst.mod.Close(ctx)
			return nil, fmt.Errorf("wasm host: setting trusted keys: %w", err)
		}
	}
	out, err := inst.call(ctx, inst.load, e.bundle)
	if err != nil {
		inst.mod.Close(ctx)
		return nil, fmt.Errorf("wasm host: loading the bundle: %w", err)
	}
	var res abi.LoadResult
	lx := jlexer.Lexer{Data: out}
	res.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		inst.mod.Close(ctx)
		return nil, fmt.Errorf("wasm host: unreadable answer to load: %w", err)
	}
	if len(res.Problems) > 0 {
		inst.mod.Close(ctx)
		return nil, engine.Problems(res.Problems)
	}
	if res.Error != "" {
		inst.mod.Close(ctx)
		return nil, errors.New(res.Error)
	}
	e.info = res
	return inst, nil
}

func (e *Engine) get(ctx context.Context) (*instance, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, errors.New("wasm host: engine closed")
	}
	if n := len(e.idle); n > 0 {
		inst := e.idle[n-1]
		e.idle = e.idle[:n-1]
		e.mu.Unlock()
		return inst, nil
	}
	e.mu.Unlock()
	return e.newInstance(ctx)
}

// put returns an instance to the pool, or closes it when it failed or the
// pool is full.
func (e *Engine) put(ctx context.Context, inst *instance, failed bool) {
	e.mu.Lock()
	keep := !failed && !e.closed && len(e.idle) < e.r.opts.MaxIdle
	if keep {
		e.idle = append(e.idle, inst)
	}
	e.mu.Unlock()
	if !keep {
		inst.mod.Close(ctx)
	}
}

// Evaluate checks a draft, as engine.Program.Evaluate does.
func (e *Engine) Evaluate(draft string, c engine.Context) ([]engine.Finding, error) {
	return e.EvaluateContext(context.Background(), draft, c)
}

// EvaluateContext is Evaluate with a context: a cancelled context stops
// before the call, or during it when the Runtime is Interruptible.
func (e *Engine) EvaluateContext(ctx context.Context, draft string, c engine.Context) ([]engine.Finding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// JSON would carry bad UTF-8 as U+FFFD: check the draft here, after
	// the context, in the engine's own order.
	if engine.CheckContext(c) == nil {
		if err := engine.CheckDraft(draft); err != nil {
			return nil, err
		}
	}
	inst, err := e.get(ctx)
	if err != nil {
		return nil, err
	}
	inst.req = abi.AppendRequest(inst.req[:0], draft, c)
	out, err := inst.call(ctx, inst.evaluate, inst.req)
	if err != nil {
		// A trap may leave the instance broken: throw it away.
		e.put(ctx, inst, true)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("wasm host: the module failed and was replaced: %w", err)
	}
	hits, err := abi.ParseResponse(out)
	e.put(ctx, inst, false)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	findings := make([]engine.Finding, len(hits))
	for i, h := range hits {
		if h.Rule < 0 || h.Rule >= len(e.rules) || len(h.Spans) == 0 {
			return nil, fmt.Errorf("wasm host: the module answered rule %d of %d", h.Rule, len(e.rules))
		}
		findings[i] = engine.FindingOf(&e.rules[h.Rule], h.Spans)
	}
	return findings, nil
}

// MemoryBytes reports the linear memory size of each idle instance, to
// watch the module's footprint.
func (e *Engine) MemoryBytes() []uint32 {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []uint32
	for _, inst := range e.idle {
		out = append(out, inst.mod.Memory().Size())
	}
	return out
}

// Close closes every idle instance; instances in use close when returned.
func (e *Engine) Close(ctx context.Context) {
	e.mu.Lock()
	idle := e.idle
	e.idle, e.closed = nil, true
	e.mu.Unlock()
	for _, inst := range idle {
		inst.mod.Close(ctx)
	}
}
