package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heed-dev/heed/engine/internal/detect"
	"github.com/heed-dev/heed/engine/internal/lexicon"
	"github.com/heed-dev/heed/engine/internal/prefilter"
	"github.com/heed-dev/heed/engine/internal/text"
)

// MaxDraftBytes is the longest draft the engine reads. Every platform's
// limit is far below it; anything longer is not a post.
const MaxDraftBytes = 1 << 20

// span is a match in bytes, with the tokens it covers.
type span struct {
	start, end int
	tok0, tok1 int
}

// scratch is the working memory of one evaluation, pooled so that drafts
// after the first allocate next to nothing.
type scratch struct {
	toks       text.Tokens
	lexs       lexicon.Scratch
	hits       []lexicon.Hit
	byLex      [][]span
	det        [][]detect.Hit
	detDone    []bool
	detSpans   [][]span
	arena      []span
	except     []span
	filterText prefilter.Text
	lowerOK    bool
	patDone    []bool
	patSpans   [][]span
}

// result of a matcher: whether it matched, and its spans in the arena.
type result struct {
	ok       bool
	from, to int
}

func (p *Program) getScratch() *scratch {
	if s, ok := p.scratch.Get().(*scratch); ok {
		return s
	}
	return &scratch{
		byLex:    make([][]span, p.lexicons),
		det:      make([][]detect.Hit, len(p.detectors)),
		detDone:  make([]bool, len(p.detectors)),
		detSpans: make([][]span, len(p.detectors)),
		patDone:  make([]bool, len(p.patterns)),
		patSpans: make([][]span, len(p.patterns)),
	}
}

// Evaluate checks a draft in its context and returns the findings, ordered
// by where they start and then by the rule's place in the bundle.
//
// The context's platform, surface and account must be allowed values (an
// empty account counts as unknown) and its time RFC 3339. An empty draft
// has no findings.
func (p *Program) Evaluate(draft string, ctx Context) ([]Finding, error) {
	hits, err := p.EvaluateHits(draft, ctx)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	out := make([]Finding, len(hits))
	for i, h := range hits {
		out[i] = FindingOf(&p.bundle.Rules[h.Rule], h.Spans)
	}
	return out, nil
}

// RuleHit is a finding in its barest form: the index of the rule in the
// bundle, and the spans (UTF-16, merged, in order). Hosts that hold the
// bundle turn it into a Finding with FindingOf; it is what crosses the
// WebAssembly boundary, where messages and citations need not.
type RuleHit struct {
	Rule  int
	Spans []Span
}

// FindingOf is the finding of rule at spans, which must not be empty.
func FindingOf(rule *Rule, spans []Span) Finding {
	return Finding{
		Rule: rule.ID, Category: rule.Category, Severity: rule.Severity,
		Message: rule.Message, Suggestion: rule.Suggestion, Link: rule.Link, Citations: rule.Citations,
		Start: spans[0].Start, End: spans[0].End, Spans: spans,
	}
}

// EvaluateHits is Evaluate without the rules' words: the same hits, in the
// same order.
func (p *Program) EvaluateHits(draft string, ctx Context) ([]RuleHit, error) {
	if err := CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := CheckDraft(draft); err != nil {
		return nil, err
	}
	if ctx.Time == "" {
		return nil, fmt.Errorf("time: the context needs the time of posting (RFC 3339)")
	}
	when, err := time.Parse(time.RFC3339, ctx.Time)
	if err != nil {
		return nil, fmt.Errorf("time %q: want RFC 3339, such as 2026-03-11T10:15:00+00:00", ctx.Time)
	}
	when = when.In(p.loc)
	if ctx.Account == "" {
		ctx.Account = "unknown"
	}
	if strings.TrimSpace(draft) == "" {
		return nil, nil
	}

	s := p.getScratch()
	defer p.scratch.Put(s)
	s.toks.Reset(draft)
	s.hits = p.index.Match(&s.toks, &s.lexs, s.hits[:0])
	for i := range s.byLex {
		s.byLex[i] = s.byLex[i][:0]
	}
	for _, h := range s.hits {
		s.byLex[h.Lex] = append(s.byLex[h.Lex], span{start: h.Start, end: h.End, tok0: int(h.Tok0), tok1: int(h.Tok1)})
	}
	clear(s.detDone)
	clear(s.patDone)
	s.lowerOK = false

	var findings []RuleHit
	for i := range p.rules {
		r := &p.rules[i]
		if !r.applies(ctx, when) {
			continue
		}
		s.arena = s.arena[:0]
		s.except = s.except[:0]
		var spans []span
		if r.match == nil {
			spans = []span{trimmed(draft)}
		} else {
			res := p.eval(s, r.match)
			if !res.ok {
				continue
			}
			// Only a rule that matches needs its exceptions: evaluate
			// them, then the match again without the excepted hits.
			if r.unless != nil {
				s.arena = s.arena[:0]
				if u := p.eval(s, r.unless); u.ok {
					s.except = append(s.except, s.arena[u.from:u.to]...)
				}
				s.arena = s.arena[:0]
				if res = p.eval(s, r.match); !res.ok {
					continue
				}
			}
			spans = s.arena[res.from:res.to]
			if len(spans) == 0 {
				spans = []span{trimmed(draft)}
			}
		}
		findings = append(findings, p.finding(s, r, spans))
	}
	slices.SortStableFunc(findings, func(a, b RuleHit) int {
		return a.Spans[0].Start - b.Spans[0].Start
	})
	return findings, nil
}

// CheckDraft reports a draft the engine cannot read: longer than
// MaxDraftBytes, or not valid UTF-8. Hosts that carry drafts through JSON,
// which would quietly replace bad bytes, check first so that every engine
// gives the same answer.
func CheckDraft(draft string) error {
	if len(draft) > MaxDraftBytes {
		return fmt.Errorf("draft is %d bytes; the engine reads at most %d", len(draft), MaxDraftBytes)
	}
	if !utf8.ValidString(draft) {
		bad := 0
		for bad < len(draft) {
			r, size := utf8.DecodeRuneInString(draft[bad:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			bad += size
		}
		return fmt.Errorf("draft is not valid UTF-8 at byte %d", bad)
	}
	return nil
}

// trimmed is the whole draft less surrounding white space: the span of a
// rule that judges the post as a whole.
func trimmed(draft string) span {
	start := len(draft) - len(strings.TrimLeft(draft, " \t\r\n"))
	end := len(strings.TrimRight(draft, " \t\r\n"))
	return span{start: start, end: end}
}

func (r *compiledRule) applies(ctx Context, when time.Time) bool {
	if len(r.platforms) > 0 && !slices.Contains(r.platforms, ctx.Platform) {
		return false
	}
	if len(r.surfaces) > 0 && !slices.Contains(r.surfaces, ctx.Surface) {
		return false
	}
	if len(r.accounts) > 0 && ctx.Account != "unknown" && !slices.Contains(r.accounts, ctx.Account) {
		return false
	}
	if r.inCal != nil && !r.inCal.Contains(when) {
		return false
	}
	if r.outCal != nil && r.outCal.Contains(when) {
		return false
	}
	return true
}

func (p *Program) finding(s *scratch, r *compiledRule, spans []span) RuleHit {
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.end - b.end
	})
	out := make([]Span, 0, len(sorted))
	for _, sp := range sorted {
		u := Span{Start: s.toks.UTF16(sp.start), End: s.toks.UTF16(sp.end)}
		if n := len(out); n > 0 && u.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, u.End)
			continue
		}
		out = append(out, u)
	}
	return RuleHit{Rule: r.order, Spans: out}
}

// eval evaluates a matcher; its spans are appended to the arena.
func (p *Program) eval(s *scratch, n *node) result {
	from := len(s.arena)
	switch n.kind {
	case kindLexicon:
		for _, sp := range s.byLex[n.lex] {
			if !excepted(s, sp) {
				s.arena = append(s.arena, sp)
			}
		}
	case kindPattern:
		for _, sp := range p.patternSpans(s, n.pattern) {
			if !excepted(s, sp) {
				s.arena = append(s.arena, sp)
			}
		}
	case kindDetector:
		p.detectorSpans(s, n.det)
	case kindNear:
		// The cheaper side first: when it has no hit the other need not run.
		first, second := n.children[0], n.children[1]
		swapped := second.cost() < first.cost()
		if swapped {
			first, second = second, first
		}
		a := p.eval(s, first)
		if !a.ok {
			s.arena = s.arena[:from]
			return result{from: from, to: from}
		}
		b := p.eval(s, second)
		if !b.ok {
			s.arena = s.arena[:from]
			return result{from: from, to: from}
		}
		if swapped {
			a, b = b, a
		}
		// The pairs are written after both sides, then moved down over
		// them, so no copy of either side is needed.
		pairs := len(s.arena)
		for _, x := range s.arena[a.from:a.to] {
			for _, y := range s.arena[b.from:b.to] {
				if n.ordered && x.start > y.start {
					continue
				}
				if tokenGap(x, y) <= n.within {
					s.arena = append(s.arena, x, y)
				}
			}
		}
		s.arena = append(s.arena[:from], s.arena[pairs:]...)
	case kindAll:
		for _, c := range n.children {
			if !p.eval(s, c).ok {
				s.arena = s.arena[:from]
				return result{from: from, to: from}
			}
		}
		return result{ok: true, from: from, to: len(s.arena)}
	case kindAny:
		ok := false
		for _, c := range n.children {
			if p.eval(s, c).ok {
				ok = true
			}
		}
		return result{ok: ok, from: from, to: len(s.arena)}
	case kindNot:
		res := p.eval(s, n.children[0])
		s.arena = s.arena[:from]
		return result{ok: !res.ok, from: from, to: from}
	case kindMetric:
		p.metric(s, n)
	}
	return result{ok: len(s.arena) > from, from: from, to: len(s.arena)}
}

// tokenGap is the number of words between two spans (0 when they touch or
// overlap).
func tokenGap(a, b span) int {
	switch {
	case a.tok1 <= b.tok0:
		return b.tok0 - a.tok1
	case b.tok1 <= a.tok0:
		return a.tok0 - b.tok1
	}
	return 0
}

func excepted(s *scratch, sp span) bool {
	for _, e := range s.except {
		if e.start <= sp.start && sp.end <= e.end {
			return true
		}
	}
	return false
}

func (p *Program) tokenSpan(s *scratch, start, end int) span {
	t0 := s.toks.TokenAt(start)
	t1 := t0
	if end > start {
		t1 = s.toks.TokenAt(end-1) + 1
	}
	if t1 < t0 {
		t1 = t0
	}
	return span{start: start, end: end, tok0: t0, tok1: t1}
}

// patternSpans runs a pattern once per draft, unless its prefilter shows
// it cannot match.
func (p *Program) patternSpans(s *scratch, slot int) []span {
	if s.patDone[slot] {
		return s.patSpans[slot]
	}
	ps := p.patterns[slot]
	s.patSpans[slot] = s.patSpans[slot][:0]
	s.patDone[slot] = true
	if ps.filter != nil {
		if !s.lowerOK {
			s.filterText.Reset(s.toks.Text)
			s.lowerOK = true
		}
		if !ps.filter.Pass(&s.filterText) {
			return nil
		}
	}
	for _, m := range ps.re.FindAllStringIndex(s.toks.Text, -1) {
		s.patSpans[slot] = append(s.patSpans[slot], p.tokenSpan(s, m[0], m[1]))
	}
	return s.patSpans[slot]
}

// detectorSpans runs a detector once per draft and appends its hits whose
// score, after context words, reaches the rule's threshold.
func (p *Program) detectorSpans(s *scratch, use *detectorUse) {
	slot := p.detectors[use.slot]
	if !s.detDone[use.slot] {
		s.det[use.slot] = slot.find(s.toks.Text, &slot.opts, s.det[use.slot][:0])
		s.detSpans[use.slot] = s.detSpans[use.slot][:0]
		for _, h := range s.det[use.slot] {
			s.detSpans[use.slot] = append(s.detSpans[use.slot], p.tokenSpan(s, h.Start, h.End))
		}
		s.detDone[use.slot] = true
	}
	for i, h := range s.det[use.slot] {
		sp := s.detSpans[use.slot][i]
		score := h.Score
		for _, cu := range use.context {
			for _, c := range s.byLex[cu.lex] {
				// Words inside the hit are not its context: "Station"
				// in "3 Station Road" says nothing about whose road it is.
				if c.start < sp.end && sp.start < c.end {
					continue
				}
				if tokenGap(sp, c) <= cu.within {
					score += cu.score
					break
				}
			}
		}
		if score >= use.min-1e-9 && !excepted(s, sp) {
			s.arena = append(s.arena, sp)
		}
	}
}

// metric appends the spans of a text measure: runs of all-capital words, or
// of exclamation marks.
func (p *Program) metric(s *scratch, n *node) {
	switch n.metric {
	case "exclamation_run":
		t := s.toks.Text
		for i := 0; i < len(t); {
			if t[i] != '!' {
				i++
				continue
			}
			j := i
			for j < len(t) && t[j] == '!' {
				j++
			}
			if j-i >= n.min {
				s.arena = append(s.arena, p.tokenSpan(s, i, j))
			}
			i = j
		}
	case "caps_run":
		toks := s.toks.List
		counts := func(i int) bool {
			// Postcodes, plates and codes are capitals with digits, not
			// shouting.
			if toks[i].Flags&text.AllCaps == 0 || toks[i].Flags&text.HasDigit != 0 {
				return false
			}
			if n.ignore >= 0 {
				for _, h := range s.byLex[n.ignore] {
					if h.tok0 <= i && i < h.tok1 {
						return false
					}
				}
			}
			return true
		}
		for i := 0; i < len(toks); {
			if !counts(i) {
				i++
				continue
			}
			j := i
			for j < len(toks) && counts(j) {
				j++
			}
			// A run followed by a colon is a label ("ROAD CLOSED:"), not
			// shouting.
			label := strings.HasPrefix(strings.TrimLeft(s.toks.Text[toks[j-1].End:], " "), ":")
			if j-i >= n.min && !label {
				s.arena = append(s.arena, span{start: toks[i].Start, end: toks[j-1].End, tok0: i, tok1: j})
			}
			i = j
		}
	}
}
