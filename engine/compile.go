package engine

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heed-dev/heed/engine/internal/calendar"
	"github.com/heed-dev/heed/engine/internal/detect"
	"github.com/heed-dev/heed/engine/internal/lexicon"
	"github.com/heed-dev/heed/engine/internal/prefilter"
)

// Program is a compiled bundle, ready to evaluate drafts. It is safe for
// concurrent use.
type Program struct {
	bundle     *Bundle
	loc        *time.Location
	calendars  map[string]*calendar.Calendar
	index      *lexicon.Index
	lexicons   int
	rules      []compiledRule
	detectors  []*detectorSlot
	patterns   []*patternSlot
	categories map[string]bool
	scratch    sync.Pool
}

// Bundle returns the bundle the program was compiled from. Callers must not
// change it.
func (p *Program) Bundle() *Bundle { return p.bundle }

type compiledRule struct {
	rule      *Rule
	order     int
	platforms []string
	surfaces  []string
	accounts  []string
	inCal     *calendar.Calendar
	outCal    *calendar.Calendar
	match     *node
	unless    *node
}

type nodeKind uint8

const (
	kindLexicon nodeKind = iota
	kindPattern
	kindDetector
	kindNear
	kindAll
	kindAny
	kindNot
	kindMetric
)

type node struct {
	kind     nodeKind
	weight   int // cost, computed once: see cost
	lex      int
	pattern  int // patterns slot
	det      *detectorUse
	children []*node
	within   int
	ordered  bool
	metric   string
	min      int
	ignore   int // lexicon index, or -1
}

// patternSlot is one regular expression; rules that use the same pattern
// share its matches within an evaluation, and its prefilter skips drafts
// that cannot match.
type patternSlot struct {
	source string
	re     *regexp.Regexp
	filter *prefilter.Filter
}

// cost orders the children of a node so the cheap ones run first and the
// dear ones (regular expressions) only when still needed.
func (n *node) cost() int {
	if n.weight == 0 {
		n.weight = n.computeCost()
	}
	return n.weight
}

func (n *node) computeCost() int {
	switch n.kind {
	case kindLexicon, kindMetric:
		return 1
	case kindDetector:
		return 2
	case kindPattern:
		return 4
	}
	c := 1
	for _, ch := range n.children {
		if ch != nil {
			c += ch.cost()
		}
	}
	return c
}

// detectorSlot is one detector run with one set of options; every rule that
// uses the same detector the same way shares its hits within an evaluation.
type detectorSlot struct {
	kind string
	find detect.Func
	opts detect.Options
	key  string
}

type detectorUse struct {
	slot    int
	min     float64
	context []contextUse
}

type contextUse struct {
	lex    int
	within int
	score  float64
}

type compiler struct {
	b        *Bundle
	p        *Program
	problems Problems
	lexNames map[string]int
	specs    []lexicon.Spec
	specPath []pointer
}

func (c *compiler) addf(at pointer, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: string(at), Message: fmt.Sprintf(format, args...)})
}

// Compile checks a bundle and compiles it into a Program. Every problem
// found is reported at once, as Problems, each at a JSON pointer into the
// bundle.
func Compile(b *Bundle) (*Program, error) {
	c := &compiler{b: b, p: &Program{bundle: b, calendars: map[string]*calendar.Calendar{}, categories: map[string]bool{}}, lexNames: map[string]int{}}
	root := pointer("")
	if b.Format != FormatVersion {
		c.addf(root.key("format"), "format %d is not supported: this engine reads format %d", b.Format, FormatVersion)
	}
	if strings.TrimSpace(b.Name) == "" {
		c.addf(root.key("name"), "a bundle needs a name")
	}
	if b.Version < 0 || b.Version > MaxVersion {
		c.addf(root.key("version"), "version %d: want 0 (unversioned) to %d", b.Version, MaxVersion)
	}
	c.settings(root.key("settings"))
	c.categories(root.key("categories"))
	for i := range b.Lexicons {
		c.lexiconDecl(root.key("lexicons").index(i), &b.Lexicons[i])
	}
	if len(b.Rules) == 0 {
		c.addf(root.key("rules"), "a bundle needs at least one rule")
	}
	ids := map[string]int{}
	for i := range b.Rules {
		at := root.key("rules").index(i)
		r := &b.Rules[i]
		if prev, dup := ids[r.ID]; dup && r.ID != "" {
			c.addf(at.key("id"), "rule id %q is used again: first at /rules/%d", r.ID, prev)
		}
		ids[r.ID] = i
		c.rule(at, i, r)
	}
	rids := map[string]bool{}
	for i, rm := range b.Reminders {
		at := root.key("reminders").index(i)
		if rm.ID == "" {
			c.addf(at.key("id"), "a reminder needs an id")
		} else if rids[rm.ID] {
			c.addf(at.key("id"), "reminder id %q is used again", rm.ID)
		}
		rids[rm.ID] = true
		if strings.TrimSpace(rm.Text) == "" {
			c.addf(at.key("text"), "a reminder needs text")
		}
		c.citation(at.key("citation"), rm.Citation)
		c.conditions(at.key("when"), rm.When)
	}
	if err := CheckContext(b.ExampleContext); err != nil {
		c.addf(root.key("example_context"), "%v", err)
	}
	if b.ExampleContext.Time != "" {
		if _, err := time.Parse(time.RFC3339, b.ExampleContext.Time); err != nil {
			c.addf(root.key("example_context").key("time"), "time %q: want RFC 3339, such as 2026-03-11T10:15:00+00:00", b.ExampleContext.Time)
		}
	}
	index, err := lexicon.Build(c.specs)
	if err != nil {
		var te *lexicon.TermError
		if errors.As(err, &te) {
			c.addf(c.specPath[te.Lexicon].index(te.Term), "%s", te.Msg)
		} else {
			c.addf(root, "%v", err)
		}
	}
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	// Weigh every node now, so evaluation (which may run concurrently)
	// only reads the weights.
	for i := range c.p.rules {
		for _, n := range []*node{c.p.rules[i].match, c.p.rules[i].unless} {
			if n != nil {
				n.cost()
			}
		}
	}
	c.p.index = index
	c.p.lexicons = len(c.specs)
	return c.p, nil
}

// MustCompile is Compile for bundles known to be good, such as in tests.
func MustCompile(b *Bundle) *Program {
	p, err := Compile(b)
	if err != nil {
		panic(err)
	}
	return p
}

func (c *compiler) settings(at pointer) {
	s := &c.b.Settings
	if s.TimeZone == "" {
		c.addf(at.key("time_zone"), "a bundle needs a time zone (IANA name, such as Europe/London)")
	} else {
		var loc *time.Location
		var err error
		if len(s.TZif) > 0 {
			loc, err = time.LoadLocationFromTZData(s.TimeZone, s.TZif)
		} else {
			loc, err = time.LoadLocation(s.TimeZone)
		}
		if err != nil {
			c.addf(at.key("time_zone"), "time zone %q: %v", s.TimeZone, err)
		}
		c.p.loc = loc
	}
	for i, cal := range s.Calendars {
		cat := at.key("calendars").index(i)
		if cal.Name == "" {
			c.addf(cat.key("name"), "a calendar needs a name")
		} else if _, dup := c.p.calendars[cal.Name]; dup {
			c.addf(cat.key("name"), "calendar %q is defined again", cal.Name)
		}
		cc := &calendar.Calendar{Holidays: map[int]bool{}}
		for j, w := range cal.Weekly {
			wat := cat.key("weekly").index(j)
			var win calendar.Window
			if len(w.Days) == 0 {
				c.addf(wat.key("days"), "a weekly window needs days")
			}
			for k, d := range w.Days {
				mask, err := calendar.ParseDay(d)
				if err != nil {
					c.addf(wat.key("days").index(k), "%v", err)
				}
				win.Days |= mask
			}
			var err error
			if win.Start, err = calendar.ParseClock(w.Start); err != nil {
				c.addf(wat.key("start"), "%v", err)
			}
			if win.End, err = calendar.ParseClock(w.End); err != nil {
				c.addf(wat.key("end"), "%v", err)
			}
			if win.End <= win.Start {
				c.addf(wat.key("end"), "window ends (%s) before it starts (%s)", w.End, w.Start)
			}
			cc.Weekly = append(cc.Weekly, win)
		}
		for j, h := range cal.Holidays {
			d, err := calendar.ParseDate(h.Date)
			if err != nil {
				c.addf(cat.key("holidays").index(j).key("date"), "%v", err)
			}
			cc.Holidays[d] = true
		}
		for j, per := range cal.Periods {
			pat := cat.key("periods").index(j)
			from, err := calendar.ParseDate(per.From)
			if err != nil {
				c.addf(pat.key("from"), "%v", err)
			}
			to, err := calendar.ParseDate(per.To)
			if err != nil {
				c.addf(pat.key("to"), "%v", err)
			}
			if to < from {
				c.addf(pat.key("to"), "period ends (%s) before it starts (%s)", per.To, per.From)
			}
			cc.Periods = append(cc.Periods, [2]int{from, to})
		}
		c.p.calendars[cal.Name] = cc
	}
}

func (c *compiler) categories(at pointer) {
	for _, cat := range BuiltinCategories {
		c.p.categories[cat.ID] = true
	}
	for i, cat := range c.b.Categories {
		if cat.ID == "" {
			c.addf(at.index(i).key("id"), "a category needs an id")
			continue
		}
		if c.p.categories[cat.ID] {
			c.addf(at.index(i).key("id"), "category %q is already defined", cat.ID)
		}
		c.p.categories[cat.ID] = true
	}
}

func (c *compiler) lexiconDecl(at pointer, l *Lexicon) {
	if l.Name == "" {
		c.addf(at.key("name"), "a lexicon needs a name")
		return
	}
	if _, dup := c.lexNames[l.Name]; dup {
		c.addf(at.key("name"), "lexicon %q is defined again", l.Name)
		return
	}
	if len(l.Terms) == 0 {
		c.addf(at.key("terms"), "lexicon %q has no terms", l.Name)
	}
	c.lexNames[l.Name] = c.addSpec(at.key("terms"), lexicon.Spec{Terms: l.Terms, Inflect: l.Inflect, Obfuscated: l.Obfuscated})
}

func (c *compiler) addSpec(at pointer, spec lexicon.Spec) int {
	c.specs = append(c.specs, spec)
	c.specPath = append(c.specPath, at)
	return len(c.specs) - 1
}

var ruleID = regexp.MustCompile(`^[a-z0-9]+(?:[-.][a-z0-9]+)*$`)

func (c *compiler) rule(at pointer, order int, r *Rule) {
	if r.ID == "" {
		c.addf(at.key("id"), "a rule needs an id")
	} else if !ruleID.MatchString(r.ID) {
		c.addf(at.key("id"), "rule id %q: use lower-case words joined by hyphens", r.ID)
	}
	if r.Category == "" {
		c.addf(at.key("category"), "a rule needs a category")
	} else if !c.p.categories[r.Category] {
		c.addf(at.key("category"), "unknown category %q: use one of policy/categories.md or declare it under categories", r.Category)
	}
	if SeverityRank(r.Severity) == 0 {
		c.addf(at.key("severity"), "severity %q: want one of %v", r.Severity, Severities)
	}
	if strings.TrimSpace(r.Message) == "" {
		c.addf(at.key("message"), "a rule needs a message for the member of staff")
	}
	// The extension opens Link in a new tab from the warning card; only
	// https:// pages are allowed so a bundle cannot plant javascript: or
	// plain-http links in front of staff.
	if r.Link != "" && (!strings.HasPrefix(r.Link, "https://") || len(r.Link) == len("https://") || strings.ContainsAny(r.Link, " \t\r\n\"<>")) {
		c.addf(at.key("link"), "link %q: want an https:// address without spaces", r.Link)
	}
	if len(r.Citations) == 0 {
		c.addf(at.key("citations"), "a rule needs at least one citation of the policy clause it enforces")
	}
	for i, ct := range r.Citations {
		c.citation(at.key("citations").index(i), ct)
	}
	cr := compiledRule{rule: r, order: order, platforms: r.When.Platforms, surfaces: r.When.Surfaces, accounts: r.When.Accounts}
	c.conditions(at.key("when"), r.When)
	cr.inCal = c.p.calendars[r.When.InCalendar]
	cr.outCal = c.p.calendars[r.When.OutsideCalendar]
	if r.Match != nil {
		cr.match = c.matcher(at.key("match"), r.Match, 1)
	}
	if r.Unless != nil {
		cr.unless = c.matcher(at.key("unless"), r.Unless, 1)
	}
	c.examples(at.key("examples"), r.Examples)
	c.p.rules = append(c.p.rules, cr)
}

func (c *compiler) citation(at pointer, ct Citation) {
	if strings.TrimSpace(ct.Document) == "" {
		c.addf(at.key("document"), "a citation needs the document it quotes")
	}
	if strings.TrimSpace(ct.Section) == "" {
		c.addf(at.key("section"), "a citation needs the section it quotes")
	}
	if strings.TrimSpace(ct.Quote) == "" {
		c.addf(at.key("quote"), "a citation needs a short quote of the clause")
	}
}

func (c *compiler) conditions(at pointer, w Conditions) {
	check := func(field string, got, allowed []string) {
		for i, v := range got {
			if !slices.Contains(allowed, v) {
				c.addf(at.key(field).index(i), "%q: want one of %v", v, allowed)
			}
		}
	}
	check("platforms", w.Platforms, Platforms)
	check("surfaces", w.Surfaces, Surfaces)
	check("accounts", w.Accounts, []string{"personal", "official"})
	for _, cal := range [][2]string{{"in_calendar", w.InCalendar}, {"outside_calendar", w.OutsideCalendar}} {
		if cal[1] != "" && c.p.calendars[cal[1]] == nil {
			c.addf(at.key(cal[0]), "unknown calendar %q: define it under settings.calendars", cal[1])
		}
	}
}

func (c *compiler) examples(at pointer, ex Examples) {
	if len(ex.Flag) == 0 {
		c.addf(at.key("flag"), "a rule needs examples it must flag")
	}
	if len(ex.Pass) == 0 {
		c.addf(at.key("pass"), "a rule needs examples it must pass")
	}
	for _, group := range []struct {
		kind string
		list []Example
	}{{"flag", ex.Flag}, {"pass", ex.Pass}} {
		kind := group.kind
		for i, e := range group.list {
			eat := at.key(kind).index(i)
			if _, _, err := ParseExample(e.Text); err != nil {
				c.addf(eat.key("text"), "%v", err)
			}
			if err := CheckContext(e.Context); err != nil {
				c.addf(eat.key("context"), "%v", err)
			}
			if e.Context.Time != "" {
				if _, err := time.Parse(time.RFC3339, e.Context.Time); err != nil {
					c.addf(eat.key("context").key("time"), "time %q: want RFC 3339", e.Context.Time)
				}
			}
		}
	}
}

// MaxDepth is how deep matchers may nest: a rule's match or unless is at
// depth 1, and each near, all, any or not puts its matchers one deeper.
// Evaluation now costs each matcher about the draft's length whatever the
// depth (near once multiplied it at each level: twelve deep took 24 GB),
// so the bound is for the rest: a bundle, which the server takes from a
// publisher and every browser then runs on every keystroke, cannot make
// Compile and evaluation recurse without end, and rules stay readable.
// The deepest rule shipped nests 5.
const MaxDepth = 8

// MaxWithin is the widest proximity, in words, of near and of a detector's
// context words: about a paragraph. The widest shipped is 20; words
// further apart than 50 are not "near", and for "anywhere in the post"
// all says so.
const MaxWithin = 50

func (c *compiler) matcher(at pointer, m *Matcher, depth int) *node {
	if depth > MaxDepth {
		c.addf(at, "matcher at depth %d: matchers nest at most %d deep; split the rule, or flatten nested all and any", depth, MaxDepth)
		return nil
	}
	set := 0
	for _, has := range []bool{m.Lexicon != "", len(m.Terms) > 0, m.Pattern != "", m.Detector != nil, m.Near != nil, len(m.All) > 0, len(m.Any) > 0, m.Not != nil, m.Metric != nil} {
		if has {
			set++
		}
	}
	if set != 1 {
		c.addf(at, "a matcher needs exactly one of lexicon, terms, pattern, detector, near, all, any, not, metric (found %d)", set)
		return nil
	}
	switch {
	case m.Lexicon != "":
		li, ok := c.lexNames[m.Lexicon]
		if !ok {
			c.addf(at.key("lexicon"), "unknown lexicon %q", m.Lexicon)
			return nil
		}
		return &node{kind: kindLexicon, lex: li}
	case len(m.Terms) > 0:
		return &node{kind: kindLexicon, lex: c.addSpec(at.key("terms"), lexicon.Spec{Terms: m.Terms})}
	case m.Pattern != "":
		if _, err := regexp.Compile(m.Pattern); err != nil {
			c.addf(at.key("pattern"), "pattern does not compile: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return nil
		}
		re, err := regexp.Compile("(?i)" + m.Pattern)
		if err != nil {
			c.addf(at.key("pattern"), "pattern does not compile: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return nil
		}
		if re.MatchString("") {
			c.addf(at.key("pattern"), "pattern matches the empty string, so it would match every draft")
			return nil
		}
		full := "(?i)" + m.Pattern
		for i, ps := range c.p.patterns {
			if ps.source == full {
				return &node{kind: kindPattern, pattern: i}
			}
		}
		c.p.patterns = append(c.p.patterns, &patternSlot{source: full, re: re, filter: prefilter.For(full)})
		return &node{kind: kindPattern, pattern: len(c.p.patterns) - 1}
	case m.Detector != nil:
		return c.detector(at.key("detector"), m.Detector)
	case m.Near != nil:
		if m.Near.Within < 1 || m.Near.Within > MaxWithin {
			c.addf(at.key("near").key("within"), "within %d: want 1 to %d words (for anywhere in the post, use all)", m.Near.Within, MaxWithin)
		}
		a := c.matcher(at.key("near").key("a"), &m.Near.A, depth+1)
		b := c.matcher(at.key("near").key("b"), &m.Near.B, depth+1)
		return &node{kind: kindNear, children: []*node{a, b}, within: m.Near.Within, ordered: m.Near.Ordered}
	case len(m.All) > 0, len(m.Any) > 0:
		kind, list, field := kindAll, m.All, "all"
		if len(m.Any) > 0 {
			kind, list, field = kindAny, m.Any, "any"
		}
		n := &node{kind: kind}
		for i := range list {
			n.children = append(n.children, c.matcher(at.key(field).index(i), &list[i], depth+1))
		}
		return n
	case m.Not != nil:
		return &node{kind: kindNot, children: []*node{c.matcher(at.key("not"), m.Not, depth+1)}}
	default:
		mt := m.Metric
		n := &node{kind: kindMetric, metric: mt.Kind, min: mt.Min, ignore: -1}
		switch mt.Kind {
		case "caps_run", "exclamation_run":
		default:
			c.addf(at.key("metric").key("kind"), "unknown metric %q: want caps_run or exclamation_run", mt.Kind)
		}
		if mt.Min < 1 {
			c.addf(at.key("metric").key("min"), "min must be at least 1")
		}
		if mt.Ignore != "" {
			li, ok := c.lexNames[mt.Ignore]
			if !ok {
				c.addf(at.key("metric").key("ignore"), "unknown lexicon %q", mt.Ignore)
			}
			n.ignore = li
		}
		return n
	}
}

func (c *compiler) detector(at pointer, d *Detector) *node {
	kind, ok := detect.Kinds[d.Kind]
	if !ok {
		c.addf(at.key("kind"), "unknown detector %q: want one of %v", d.Kind, detect.Names())
		return nil
	}
	if d.MinConfidence < 0 || d.MinConfidence > 1 {
		c.addf(at.key("min_confidence"), "min_confidence %v: want 0 to 1", d.MinConfidence)
	}
	use := &detectorUse{min: d.MinConfidence}
	if use.min == 0 {
		use.min = kind.MinConfidence
	}
	for i, cw := range kind.Context {
		use.context = append(use.context, contextUse{
			lex:    c.addSpec(pointer("/builtin/detectors").key(d.Kind).key("context").index(i), lexicon.Spec{Terms: cw.Terms}),
			within: cw.Within, score: cw.Score,
		})
	}
	for i, cw := range d.Context {
		cat := at.key("context").index(i)
		cu := contextUse{within: cw.Within, score: cw.Score}
		switch {
		case cw.Lexicon != "" && len(cw.Terms) > 0:
			c.addf(cat, "give lexicon or terms, not both")
		case cw.Lexicon != "":
			li, ok := c.lexNames[cw.Lexicon]
			if !ok {
				c.addf(cat.key("lexicon"), "unknown lexicon %q", cw.Lexicon)
			}
			cu.lex = li
		case len(cw.Terms) > 0:
			cu.lex = c.addSpec(cat.key("terms"), lexicon.Spec{Terms: cw.Terms})
		default:
			c.addf(cat, "context words need a lexicon or terms")
		}
		if cw.Within < 1 || cw.Within > MaxWithin {
			c.addf(cat.key("within"), "within %d: want 1 to %d words", cw.Within, MaxWithin)
		}
		use.context = append(use.context, cu)
	}
	opts := detect.Options{Allow: slices.Clone(d.Allow)}
	switch d.Kind {
	case "url":
		opts.Allow = append(opts.Allow, c.b.Settings.ApprovedDomains...)
	case "mention":
		opts.Allow = append(opts.Allow, c.b.Settings.ApprovedHandles...)
		opts.Allow = append(opts.Allow, c.b.Settings.OfficialAccounts...)
	}
	key := d.Kind + "\x00" + strings.Join(opts.Allow, "\x00")
	use.slot = -1
	for i, s := range c.p.detectors {
		if s.key == key {
			use.slot = i
		}
	}
	if use.slot < 0 {
		c.p.detectors = append(c.p.detectors, &detectorSlot{kind: d.Kind, find: kind.Find, opts: opts, key: key})
		use.slot = len(c.p.detectors) - 1
	}
	return &node{kind: kindDetector, det: use}
}
