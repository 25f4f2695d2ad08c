package engine_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mailru/easyjson/jlexer"
	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/source"
)

// FuzzEvaluate checks any draft in any context against the default bundle:
// no panic, and every span inside the draft, in order.
func FuzzEvaluate(f *testing.F) {
	prog := defaultProgram(f)
	for _, s := range []string{
		"Oh for f*ck's sake 🎉 07700 900614 PR 123612C",
		"f.u.c.k a$$ sh1t fuuuuck p****s",
		"Mr Evans on my caseload, Flat 3, Severn House IM1 4HB",
		"YES WE KNOW!! https://bit.ly/x @someone",
		"Proud to be a Conservative. Vote Labour!",
		"\u202e\u200b\ufeff𝐟𝐮𝐜𝐤 Ｆｕｃｋ",
		"",
	} {
		f.Add(s, uint8(0), int64(1767225600))
	}
	platforms := engine.Platforms
	accounts := engine.Accounts
	f.Fuzz(func(t *testing.T, draft string, pick uint8, unix int64) {
		ctx := engine.Context{
			Platform: platforms[int(pick)%len(platforms)],
			Surface:  engine.Surfaces[int(pick/4)%len(engine.Surfaces)],
			Account:  accounts[int(pick/16)%len(accounts)],
			Time:     time.Unix(unix%(1<<40), 0).UTC().Format(time.RFC3339),
		}
		fs, err := prog.Evaluate(draft, ctx)
		if err != nil {
			if utf8.ValidString(draft) && len(draft) <= engine.MaxDraftBytes {
				t.Fatalf("valid draft %q in %+v: %v", draft, ctx, err)
			}
			return
		}
		units := len(utf16.Encode([]rune(draft)))
		for _, fd := range fs {
			if len(fd.Spans) == 0 {
				t.Fatalf("finding %s without spans", fd.Rule)
			}
			for i, sp := range fd.Spans {
				if sp.Start < 0 || sp.End > units || sp.Start >= sp.End {
					t.Fatalf("finding %s span %+v outside draft of %d units: %q", fd.Rule, sp, units, draft)
				}
				if i > 0 && sp.Start < fd.Spans[i-1].End {
					t.Fatalf("finding %s spans overlap or are out of order: %+v", fd.Rule, fd.Spans)
				}
			}
		}
	})
}

// FuzzEvaluateLinear repeats a fuzzed piece of text into a draft of about
// 4 KB and one four times as long, and checks that the work of evaluating
// them (engine.Program.Steps, counted, not timed) grows no more than
// maxGrowth times: linearly or n log n, never quadratically. The bundles
// are the default one and a near of the piece's own words, nested as
// deep and as wide as Compile allows, so that every word is a hit.
func FuzzEvaluateLinear(f *testing.F) {
	def := defaultProgram(f)
	for _, s := range []string{
		"labour vote for ",
		"moby dick ",
		"BBC NEWS ",
		"call 07700 900614 the office ",
		"f u c k ",
		"Green Party's vote, ",
		"YES!! ",
		"Mr Evans, 3 Station Road IM1 4HB ",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, unit string, pick uint8) {
		words := strings.Fields(unit)
		if len(unit) > 64 || len(words) == 0 || !utf8.ValidString(unit) {
			return
		}
		c := engine.Context{Platform: "facebook", Surface: "post", Account: engine.Accounts[int(pick)%len(engine.Accounts)], Time: "2026-01-14T19:00:00Z"}
		progs := []*engine.Program{def}
		// near of the piece's words, one inside another: a of each near
		// is the one below it, b the next word.
		m := engine.Matcher{Terms: []string{words[0]}}
		for d := 1; d < engine.MaxDepth; d++ {
			m = engine.Matcher{Near: &engine.Near{A: m, B: engine.Matcher{Terms: []string{words[d%len(words)]}}, Within: engine.MaxWithin, Ordered: pick&(1<<d) != 0}}
		}
		b := minimal()
		b.Rules[0].Match = &m
		if prog, err := engine.Compile(b); err == nil {
			progs = append(progs, prog)
		}
		copies := 4096/len(unit) + 1
		small, large := strings.Repeat(unit, copies), strings.Repeat(unit, 4*copies)
		for _, prog := range progs {
			n, err := prog.Steps(small, c)
			if err != nil {
				t.Fatal(err)
			}
			n4, err := prog.Steps(large, c)
			if err != nil {
				t.Fatal(err)
			}
			// A little slack for the work every draft costs.
			if float64(n4) > maxGrowth*float64(n)+64 {
				t.Fatalf("%q repeated: %d steps for %d bytes, %d for %d: %.1f times", unit, n, len(small), n4, len(large), float64(n4)/float64(n))
			}
		}
	})
}

// FuzzDecodeBundle feeds arbitrary bytes to the bundle decoder and, when
// they decode, to the compiler: errors are fine, panics are not.
func FuzzDecodeBundle(f *testing.F) {
	src, err := source.Load(bundles.FS, bundles.Default)
	if err != nil {
		f.Fatal(err)
	}
	w := jwriter.Writer{}
	src.Bundle.MarshalEasyJSON(&w)
	built, _ := w.BuildBytes()
	f.Add(built)
	f.Add([]byte(`{"format":1,"name":"x","settings":{"time_zone":"UTC"},"rules":[{"id":"a","match":{"near":{"a":{"pattern":"("},"b":{},"within":-1}}}]}`))
	f.Add([]byte(`{"format":1,"rules":[{"match":{"all":[{"not":{"metric":{"kind":"caps_run","min":0}}}]}}],"unknown":1}`))
	f.Add([]byte(`{"settings":{"time_zone":"Europe/London","tzif":"VFppZgAAAA=="}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b engine.Bundle
		lx := jlexer.Lexer{Data: data}
		b.UnmarshalEasyJSON(&lx)
		if lx.Error() != nil {
			return
		}
		prog, err := engine.Compile(&b)
		if err != nil {
			return
		}
		_, _ = prog.Evaluate("Oh f*ck, call 07700 900614 YES!!", engine.Context{Time: "2026-03-11T10:15:00Z"})
	})
}

// FuzzParseExample checks that marked spans always lie inside the text.
func FuzzParseExample(f *testing.F) {
	for _, s := range []string{"[[a]] b", "😂 [[x]]", "[[", "]]", "[[[[]]]]", "a [[b]] [[c]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, marked string) {
		text, spans, err := engine.ParseExample(marked)
		if err != nil {
			return
		}
		units := len(utf16.Encode([]rune(text)))
		for _, s := range spans {
			if s.Start < 0 || s.End > units || s.Start >= s.End {
				t.Fatalf("span %+v outside %q", s, text)
			}
		}
	})
}
