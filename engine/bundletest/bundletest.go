// Package bundletest runs a bundle's own tests: every rule's examples, which
// must flag (at the marked spans) or must pass, and the labelled corpora
// beside the bundle, scored per category against the bundle's targets.
package bundletest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heed-dev/heed/engine"
)

// Evaluator is anything that checks drafts the way the engine does: the
// native Program, or the WebAssembly module through its host.
type Evaluator interface {
	Evaluate(draft string, ctx engine.Context) ([]engine.Finding, error)
}

// DefaultExampleTime is the time an example runs at when neither it nor its
// bundle gives one: a Wednesday evening, outside any core hours.
const DefaultExampleTime = "2026-01-07T19:00:00Z"

// Case is the outcome of one rule's examples.
type Case struct {
	Rule     string
	Examples int
	Failures []Failure
	Elapsed  time.Duration
}

// Failure is one example that did not behave.
type Failure struct {
	// Where is the example's place, file:line, or its JSON pointer.
	Where   string
	Message string
}

// Failed reports whether any example failed.
func (c *Case) Failed() bool { return len(c.Failures) > 0 }

// RunExamples runs every rule's examples. where maps a JSON pointer of the
// bundle to a place to print (a source file and line); nil prints the
// pointer itself.
func RunExamples(b *engine.Bundle, ev Evaluator, where func(pointer string) string) []Case {
	if where == nil {
		where = func(p string) string { return p }
	}
	def := b.ExampleContext.Merge(engine.Context{Platform: "facebook", Surface: "post", Account: "unknown", Time: DefaultExampleTime})
	cases := make([]Case, 0, len(b.Rules))
	for ri := range b.Rules {
		r := &b.Rules[ri]
		start := time.Now()
		c := Case{Rule: r.ID}
		for _, group := range []struct {
			kind string
			list []engine.Example
		}{{"flag", r.Examples.Flag}, {"pass", r.Examples.Pass}} {
			for i, ex := range group.list {
				c.Examples++
				at := where(fmt.Sprintf("/rules/%d/examples/%s/%d", ri, group.kind, i))
				if msg := checkExample(r, ex, group.kind == "flag", def, ev); msg != "" {
					c.Failures = append(c.Failures, Failure{Where: at, Message: msg})
				}
			}
		}
		c.Elapsed = time.Since(start)
		cases = append(cases, c)
	}
	return cases
}

func checkExample(r *engine.Rule, ex engine.Example, mustFlag bool, def engine.Context, ev Evaluator) string {
	draft, want, err := engine.ParseExample(ex.Text)
	if err != nil {
		return err.Error()
	}
	ctx := ex.Context.Merge(def)
	findings, err := ev.Evaluate(draft, ctx)
	if err != nil {
		return fmt.Sprintf("%q: %v", draft, err)
	}
	var got *engine.Finding
	for i := range findings {
		if findings[i].Rule == r.ID {
			got = &findings[i]
			break
		}
	}
	describe := fmt.Sprintf("%q (%s, %s, %s account, %s)", ex.Text, ctx.Platform, ctx.Surface, ctx.Account, ctx.Time)
	if !mustFlag {
		if got != nil {
			return fmt.Sprintf("must pass but was flagged at %s: %s", Mark(draft, got.Spans), describe)
		}
		return ""
	}
	if got == nil {
		return fmt.Sprintf("must flag but was not: %s", describe)
	}
	for _, w := range want {
		if !slices.Contains(got.Spans, w) {
			return fmt.Sprintf("flagged %s, want %s", Mark(draft, got.Spans), Mark(draft, want))
		}
	}
	return ""
}

// Mark writes draft with [[ ]] around the spans (UTF-16 offsets), the way
// examples are written.
func Mark(draft string, spans []engine.Span) string {
	units := utf16Offsets(draft)
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range draft {
		u := units[i]
		for _, s := range spans {
			if s.Start == u {
				b.WriteString(engine.MarkOpen)
			}
		}
		b.WriteRune(r)
		next := u + 1
		if r >= 0x10000 {
			next++
		}
		for _, s := range spans {
			if s.End == next {
				b.WriteString(engine.MarkClose)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func utf16Offsets(s string) map[int]int {
	out := make(map[int]int, len(s))
	u := 0
	for i, r := range s {
		out[i] = u
		u++
		if r >= 0x10000 {
			u++
		}
	}
	return out
}
