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

// span is a match in bytes, with the tokens it covers: tok0 is the token
// at start (text.Tokens.TokenAt) and tok1 one past the token holding the
// last byte (tok0 for an empty span). Every source of spans keeps to this,
// so a span that starts later never has a smaller tok0 and one that ends
// later never has a smaller tok1; near, context words and exceptions lean
// on that to find neighbours by binary search instead of trying every pair.
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
	// byLexEnd holds a lexicon's hits ordered by end, made when context
	// words first need them in a draft.
	byLexEnd  [][]span
	byEndDone []bool
	// exceptMax[i] is the furthest end among except[:i+1], except being
	// ordered by start: see excepted.
	exceptMax []int
	// nearA, nearB and nearMax are near's working copies of its sides.
	nearA, nearB []span
	nearMax      []int
	ignored      []bool
	// steps counts the units of work of an evaluation (spans visited,
	// comparisons, probes of a binary search), so tests can show that it
	// grows linearly with the draft without timing anything.
	steps int
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
		byLex:     make([][]span, p.lexicons),
		byLexEnd:  make([][]span, p.lexicons),
		byEndDone: make([]bool, p.lexicons),
		det:       make([][]detect.Hit, len(p.detectors)),
		detDone:   make([]bool, len(p.detectors)),
		detSpans:  make([][]span, len(p.detectors)),
		patDone:   make([]bool, len(p.patterns)),
		patSpans:  make([][]span, len(p.patterns)),
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
	s := p.getScratch()
	defer p.scratch.Put(s)
	return p.evaluate(s, draft, ctx)
}

// evaluate is EvaluateHits in s.
func (p *Program) evaluate(s *scratch, draft string, ctx Context) ([]RuleHit, error) {
	s.steps = 0
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

	s.toks.Reset(draft)
	s.hits = p.index.Match(&s.toks, &s.lexs, s.hits[:0])
	for i := range s.byLex {
		s.byLex[i] = s.byLex[i][:0]
	}
	for _, h := range s.hits {
		s.byLex[h.Lex] = append(s.byLex[h.Lex], span{start: h.Start, end: h.End, tok0: int(h.Tok0), tok1: int(h.Tok1)})
	}
	// Hits come in token order but for letters spelt out, which come
	// last; near and context words want each lexicon's in order of start.
	for i := range s.byLex {
		sortByStart(s, s.byLex[i])
	}
	clear(s.byEndDone)
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
					indexExcept(s)
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
	// Spans mostly arrive in order (one lexicon, a near): then there is
	// nothing to copy or sort, which is most of what the worst near draft
	// cost here. Otherwise (a rule of several parts, whose ordered runs
	// are concatenated) a copy is sorted.
	sorted := spans
	if !slices.IsSortedFunc(spans, cmpStart) {
		sorted = slices.Clone(spans)
		slices.SortStableFunc(sorted, cmpStart)
	}
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
		s.steps += len(s.byLex[n.lex])
		for _, sp := range s.byLex[n.lex] {
			if !excepted(s, sp) {
				s.arena = append(s.arena, sp)
			}
		}
	case kindPattern:
		spans := p.patternSpans(s, n.pattern)
		s.steps += len(spans)
		for _, sp := range spans {
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
		// Both sides are copied out of the arena, so the result can be
		// written over them.
		as := append(s.nearA[:0], s.arena[a.from:a.to]...)
		bs := append(s.nearB[:0], s.arena[b.from:b.to]...)
		s.nearA, s.nearB = as, bs
		s.arena = nearSpans(s, s.arena[:from], as, bs, n.within, n.ordered)
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

// nearSpans appends to out, in order of start and each once, every span of
// as that stands within within words of a span of bs (before it, when
// ordered) and every span of bs that stands so near a span of as: the
// spans of all the pairs that qualify. Listing the pairs themselves, as
// near once did, is quadratic: a draft of nothing but "labour vote for"
// has a pair at every word, and a near around a near pairs the pairs
// again (twelve deep took 24 GB). A finding merges the spans anyway, and
// an exception or an outer near asks only whether a span is there, so
// the result is the same for a fraction of the work.
//
// It sorts as and bs in place. A pair x of as and y of bs qualifies when
// tokenGap(x, y) <= within, that is (tok0 <= tok1 in every span)
//
//	y.tok0 <= x.tok1+within  and  x.tok0 <= y.tok1+within
//
// and, when ordered, x.start <= y.start. Sorted by start, the spans are
// also sorted by tok0, so each question is a search and a running maximum
// of tok1: linear for spans in order, as they nearly always are, and
// n log n at worst.
func nearSpans(s *scratch, out, as, bs []span, within int, ordered bool) []span {
	first := len(out)
	sortByStart(s, as)
	sortByStart(s, bs)
	s.nearMax = runningMaxTok1(s, bs, runningMaxTok1(s, as, s.nearMax[:0]))
	maxA, maxB := s.nearMax[:len(as)], s.nearMax[len(as):]
	// The spans of each side are in order, so each answer is near the
	// last: seek from it.
	k := 0
	for _, x := range as {
		var ok bool
		if ordered {
			// The first y that starts at or after x has the smallest
			// tok0 of all of them, and every one of them ends after x
			// starts.
			k = seek(s, len(bs), k, func(i int) bool { return bs[i].start >= x.start })
			ok = k < len(bs) && bs[k].tok0 <= x.tok1+within
		} else {
			k = seek(s, len(bs), k, func(i int) bool { return bs[i].tok0 > x.tok1+within })
			ok = k > 0 && maxB[k-1] >= x.tok0-within
		}
		if ok {
			out = append(out, x)
		}
	}
	second := len(out)
	k = 0
	for _, y := range bs {
		if ordered {
			// Every x that starts at or before y begins no later than y
			// does; only its end can be too far back.
			k = seek(s, len(as), k, func(i int) bool { return as[i].start > y.start })
		} else {
			k = seek(s, len(as), k, func(i int) bool { return as[i].tok0 > y.tok1+within })
		}
		if k > 0 && maxA[k-1] >= y.tok0-within {
			out = append(out, y)
		}
	}
	// Both runs are in order; merged, the result is too, so a near around
	// this one has nothing to sort. The first run moves to as, which is
	// done with; the second is read from where it lies, always ahead of
	// where the merge writes. A span on both sides (the same words in a
	// and in b) is kept once, or a chain of near over the same words would
	// carry one more copy at each level.
	xs := append(as[:0], out[first:second]...)
	ys := out[second:]
	w, j := first, 0
	put := func(sp span) {
		if w == first || out[w-1] != sp {
			out[w] = sp
			w++
		}
	}
	for _, x := range xs {
		for j < len(ys) && cmpStart(ys[j], x) < 0 {
			put(ys[j])
			j++
		}
		put(x)
	}
	for ; j < len(ys); j++ {
		put(ys[j])
	}
	s.steps += len(out) - first
	return out[:w]
}

// runningMaxTok1 appends, for each span of spans, the largest tok1 of it
// and those before it.
func runningMaxTok1(s *scratch, spans []span, out []int) []int {
	m := 0
	for _, sp := range spans {
		m = max(m, sp.tok1)
		out = append(out, m)
	}
	s.steps += len(spans)
	return out
}

// seek is search starting from a guess, hint: it gallops from there, so an
// answer near the last one, as in a sweep over spans in order, costs a
// probe or two rather than a whole binary search.
func seek(s *scratch, n, hint int, f func(int) bool) int {
	lo, hi := 0, n // the answer is in [lo, hi]
	hint = min(max(hint, 0), n)
	if hint < n && !probe(s, f, hint) {
		lo = hint + 1
		for step := 1; lo+step-1 < hi; step *= 2 {
			if probe(s, f, lo+step-1) {
				hi = lo + step - 1
				break
			}
			lo += step
		}
	} else {
		hi = hint
		for step := 1; hi-step >= lo; step *= 2 {
			if !probe(s, f, hi-step) {
				lo = hi - step + 1
				break
			}
			hi -= step
		}
	}
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if !probe(s, f, mid) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

func probe(s *scratch, f func(int) bool, i int) bool {
	s.steps++
	return f(i)
}

// search is sort.Search, counting its probes as steps.
func search(s *scratch, n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		s.steps++
		mid := int(uint(lo+hi) >> 1)
		if !f(mid) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// sortByStart orders spans by start, then end; spans that arrive in order,
// as most do, cost one comparison each.
func sortByStart(s *scratch, spans []span) {
	s.steps += len(spans)
	if slices.IsSortedFunc(spans, cmpStart) {
		return
	}
	slices.SortFunc(spans, func(a, b span) int {
		s.steps++
		return cmpStart(a, b)
	})
}

func cmpStart(a, b span) int {
	if a.start != b.start {
		return a.start - b.start
	}
	return a.end - b.end
}

// indexExcept orders the exceptions and notes the furthest end so far at
// each, for excepted.
func indexExcept(s *scratch) {
	sortByStart(s, s.except)
	s.exceptMax = s.exceptMax[:0]
	m := 0
	for _, e := range s.except {
		m = max(m, e.end)
		s.exceptMax = append(s.exceptMax, m)
	}
	s.steps += len(s.except)
}

// excepted reports whether sp lies inside an exception: of those that start
// at or before it, the one that reaches furthest must reach its end.
func excepted(s *scratch, sp span) bool {
	if len(s.except) == 0 {
		return false
	}
	k := search(s, len(s.except), func(i int) bool { return s.except[i].start > sp.start })
	return k > 0 && s.exceptMax[k-1] >= sp.end
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
		s.steps++
		for _, cu := range use.context {
			if nearContext(s, sp, cu) {
				score += cu.score
			}
		}
		if score >= use.min-1e-9 && !excepted(s, sp) {
			s.arena = append(s.arena, sp)
		}
	}
}

// nearContext reports whether a word of cu's lexicon stands within
// cu.within words of sp, before or after it. Words inside the hit are not
// its context: "Station" in "3 Station Road" says nothing about whose road
// it is. So the word must end before sp starts, and then its tok0 is no
// later than sp's and only its tok1 can be too far back (the latest-ending
// such word is the nearest), or start after sp ends, and then only its
// tok0 can be too far on (the earliest-starting is the nearest).
func nearContext(s *scratch, sp span, cu contextUse) bool {
	byStart := s.byLex[cu.lex]
	if len(byStart) == 0 {
		return false
	}
	byEnd := lexByEnd(s, cu.lex)
	if k := search(s, len(byEnd), func(i int) bool { return byEnd[i].end > sp.start }); k > 0 && byEnd[k-1].tok1 >= sp.tok0-cu.within {
		return true
	}
	k := search(s, len(byStart), func(i int) bool { return byStart[i].start >= sp.end })
	return k < len(byStart) && byStart[k].tok0 <= sp.tok1+cu.within
}

// lexByEnd is lexicon lex's hits ordered by end, made once per draft.
func lexByEnd(s *scratch, lex int) []span {
	if !s.byEndDone[lex] {
		s.byLexEnd[lex] = append(s.byLexEnd[lex][:0], s.byLex[lex]...)
		slices.SortFunc(s.byLexEnd[lex], func(a, b span) int {
			s.steps++
			if a.end != b.end {
				return a.end - b.end
			}
			return a.start - b.start
		})
		s.byEndDone[lex] = true
	}
	return s.byLexEnd[lex]
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
		// The words of the ignore lexicon's hits, marked once: looking
		// each word up among the hits would be quadratic.
		s.ignored = append(s.ignored[:0], make([]bool, len(toks))...)
		if n.ignore >= 0 {
			for _, h := range s.byLex[n.ignore] {
				for i := h.tok0; i < h.tok1 && i < len(toks); i++ {
					s.ignored[i] = true
				}
				s.steps += h.tok1 - h.tok0
			}
		}
		counts := func(i int) bool {
			s.steps++
			// Postcodes, plates and codes are capitals with digits, not
			// shouting.
			return toks[i].Flags&text.AllCaps != 0 && toks[i].Flags&text.HasDigit == 0 && !s.ignored[i]
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
