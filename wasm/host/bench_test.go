package host_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/internal/benchtext"
	"github.com/heed-dev/heed/wasm"
	"github.com/heed-dev/heed/wasm/host"
)

var benchCtx = engine.Context{Platform: "facebook", Surface: "post", Account: "unknown", Time: "2026-03-11T10:15:00+00:00"}

// BenchmarkEvaluate compares the module under wazero with the native
// engine on the same drafts: the goal is wazero within 3x of native.
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{280, 3000} {
		draft := benchtext.Draft(n)
		for _, e := range []struct {
			name string
			eval func(string, engine.Context) ([]engine.Finding, error)
		}{{"native", native.Evaluate}, {"wazero", modWasm.Evaluate}} {
			b.Run(fmt.Sprintf("engine=%s/chars=%d", e.name, n), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					if _, err := e.eval(draft, benchCtx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkColdStart is compiling the module, instantiating it and loading
// the default bundle: with wazero's compilation cache, and without.
func BenchmarkColdStart(b *testing.B) {
	module, err := wasm.Module()
	if err != nil {
		b.Fatal(err)
	}
	for _, cached := range []bool{false, true} {
		opts := host.Options{}
		if cached {
			opts.CacheDir = b.TempDir()
		}
		b.Run(fmt.Sprintf("cache=%v", cached), func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				r, err := host.NewRuntime(ctx, module, opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Load(ctx, src.Bundle); err != nil {
					b.Fatal(err)
				}
				r.Close(ctx)
			}
		})
	}
}

// BenchmarkLinearMemory evaluates b.N drafts in one instance and reports
// the instance's linear memory at the end (goal: flat, at most 16 MB after
// 100,000 evaluations: run with -benchtime 100000x).
func BenchmarkLinearMemory(b *testing.B) {
	ctx := context.Background()
	e, err := rt.Load(ctx, src.Bundle)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(ctx)
	draft := benchtext.Draft(280)
	for b.Loop() {
		if _, err := e.Evaluate(draft, benchCtx); err != nil {
			b.Fatal(err)
		}
	}
	var largest uint32
	for _, m := range e.MemoryBytes() {
		largest = max(largest, m)
	}
	b.ReportMetric(float64(largest)/(1<<20), "MiB")
}
