// Package bundlediff tells what changes for staff between two bundles: the
// rules, lexicons and settings added, removed and changed, and, over
// labelled or unlabelled corpora, every post whose verdict changes, by
// category: newly flagged, no longer flagged, or flagged at another
// severity.
package bundlediff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/bundletest"
	"github.com/heed-dev/heed/engine/jsonl"
)

// Kinds of change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Change is one rule, lexicon or setting that differs.
type Change struct {
	// What is "rule", "lexicon" or "settings".
	What string
	// Name is the rule id or lexicon name ("" for settings).
	Name string
	Kind string
	// Details say what changed: "severity: warning -> critical", "terms: +2 -1".
	Details []string
}

// Definitions compares what two bundles define. Changes come in a stable
// order: rules, then lexicons, then settings, each by name.
func Definitions(old, new *engine.Bundle) []Change {
	var out []Change
	oldRules, newRules := map[string]*engine.Rule{}, map[string]*engine.Rule{}
	for i := range old.Rules {
		oldRules[old.Rules[i].ID] = &old.Rules[i]
	}
	for i := range new.Rules {
		newRules[new.Rules[i].ID] = &new.Rules[i]
	}
	for _, id := range unionKeys(oldRules, newRules) {
		o, n := oldRules[id], newRules[id]
		switch {
		case o == nil:
			out = append(out, Change{What: "rule", Name: id, Kind: Added, Details: []string{fmt.Sprintf("%s, %s", n.Category, n.Severity)}})
		case n == nil:
			out = append(out, Change{What: "rule", Name: id, Kind: Removed, Details: []string{fmt.Sprintf("%s, %s", o.Category, o.Severity)}})
		default:
			if d := ruleDetails(o, n); len(d) > 0 {
				out = append(out, Change{What: "rule", Name: id, Kind: Changed, Details: d})
			}
		}
	}

	oldLex, newLex := map[string]*engine.Lexicon{}, map[string]*engine.Lexicon{}
	for i := range old.Lexicons {
		oldLex[old.Lexicons[i].Name] = &old.Lexicons[i]
	}
	for i := range new.Lexicons {
		newLex[new.Lexicons[i].Name] = &new.Lexicons[i]
	}
	for _, name := range unionKeys(oldLex, newLex) {
		o, n := oldLex[name], newLex[name]
		switch {
		case o == nil:
			out = append(out, Change{What: "lexicon", Name: name, Kind: Added, Details: []string{fmt.Sprintf("%d terms", len(n.Terms))}})
		case n == nil:
			out = append(out, Change{What: "lexicon", Name: name, Kind: Removed, Details: []string{fmt.Sprintf("%d terms", len(o.Terms))}})
		default:
			plus, minus := termDiff(o.Terms, n.Terms)
			if len(plus)+len(minus) > 0 {
				out = append(out, Change{What: "lexicon", Name: name, Kind: Changed, Details: termDetails(plus, minus)})
			}
		}
	}

	if d := settingsDetails(old.Settings, new.Settings); len(d) > 0 {
		out = append(out, Change{What: "settings", Kind: Changed, Details: d})
	}
	return out
}

// settingsDetails names the settings that differ, by their JSON names, so
// that a setting added to the model later shows without a change here. The
// embedded zone data goes with time_zone.
func settingsDetails(old, new engine.Settings) []string {
	fields := map[string][2]any{}
	for i, s := range []engine.Settings{old, new} {
		s.TZif = nil
		var m map[string]json.RawMessage
		if data, err := json.Marshal(s); err == nil && json.Unmarshal(data, &m) == nil {
			for k, v := range m {
				f := fields[k]
				f[i] = v
				fields[k] = f
			}
		}
	}
	return fieldDetails(fields)
}

func ruleDetails(o, n *engine.Rule) []string {
	var d []string
	for _, f := range []struct {
		name     string
		old, new string
	}{
		{"category", o.Category, n.Category},
		{"severity", o.Severity, n.Severity},
	} {
		if f.old != f.new {
			d = append(d, fmt.Sprintf("%s: %s -> %s", f.name, f.old, f.new))
		}
	}
	return append(d, fieldDetails(map[string][2]any{
		"message":    {o.Message, n.Message},
		"suggestion": {o.Suggestion, n.Suggestion},
		"link":       {o.Link, n.Link},
		"citations":  {o.Citations, n.Citations},
		"when":       {o.When, n.When},
		"match":      {o.Match, n.Match},
		"unless":     {o.Unless, n.Unless},
		"examples":   {o.Examples, n.Examples},
	})...)
}

// fieldDetails names the fields whose values differ, in name order.
func fieldDetails(fields map[string][2]any) []string {
	var d []string
	for _, name := range sortedKeys(fields) {
		v := fields[name]
		a, errA := json.Marshal(v[0])
		b, errB := json.Marshal(v[1])
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			d = append(d, name)
		}
	}
	return d
}

func termDiff(old, new []string) (plus, minus []string) {
	o, n := map[string]bool{}, map[string]bool{}
	for _, t := range old {
		o[t] = true
	}
	for _, t := range new {
		n[t] = true
		if !o[t] {
			plus = append(plus, t)
		}
	}
	for _, t := range old {
		if !n[t] {
			minus = append(minus, t)
		}
	}
	sort.Strings(plus)
	sort.Strings(minus)
	return slices.Compact(plus), slices.Compact(minus)
}

// termDetails shows up to five terms each way: enough to recognise the
// change without flooding the screen with a regenerated word list.
func termDetails(plus, minus []string) []string {
	show := func(sign string, ts []string) string {
		head := ts
		if len(head) > 5 {
			head = head[:5]
		}
		s := fmt.Sprintf("%s%d: %s", sign, len(ts), strings.Join(head, ", "))
		if len(ts) > len(head) {
			s += ", ..."
		}
		return s
	}
	var d []string
	if len(plus) > 0 {
		d = append(d, show("+", plus))
	}
	if len(minus) > 0 {
		d = append(d, show("-", minus))
	}
	return d
}

// Verdict kinds for a post in one category.
const (
	NewlyFlagged    = "newly flagged"
	NoLongerFlagged = "no longer flagged"
	SeverityChanged = "changed severity"
)

// PostChange is one post whose verdict in one category changes.
type PostChange struct {
	// Corpus and Line say where the post is.
	Corpus string
	Line   int
	ID     string
	// Text is the post, for a reader to judge the change.
	Text     string
	Category string
	Kind     string
	// Old and New are the worst severities in the category ("" for none).
	Old, New string
	// Rules are the rules behind the new verdict (the old one when no
	// longer flagged).
	Rules []string
}

// Posts evaluates each post of a corpus (the format of eval/dev.jsonl)
// with both bundles and returns the posts whose verdict changes, how many
// posts were compared, and the lines that could not be read or checked.
func Posts(path string, r io.Reader, old, new bundletest.Evaluator) (changes []PostChange, compared int, problems []string) {
	err := jsonl.Each(r, func(line int, post *jsonl.Post, err error) error {
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", path, line, err))
			return nil
		}
		before, err := old.Evaluate(post.Text, post.Context())
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: post %q, old bundle: %v", path, line, post.ID, err))
			return nil
		}
		after, err := new.Evaluate(post.Text, post.Context())
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: post %q, new bundle: %v", path, line, post.ID, err))
			return nil
		}
		compared++
		b, a := worst(before), worst(after)
		for _, cat := range unionKeys(b, a) {
			ob, nb := b[cat], a[cat]
			if ob.severity == nb.severity {
				continue
			}
			pc := PostChange{Corpus: path, Line: line, ID: post.ID, Text: post.Text, Category: cat, Old: ob.severity, New: nb.severity, Rules: nb.rules}
			switch {
			case ob.severity == "":
				pc.Kind = NewlyFlagged
			case nb.severity == "":
				pc.Kind, pc.Rules = NoLongerFlagged, ob.rules
			default:
				pc.Kind = SeverityChanged
			}
			changes = append(changes, pc)
		}
		return nil
	})
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v", path, err))
	}
	return changes, compared, problems
}

type verdict struct {
	severity string
	rules    []string
}

// worst is, per category, the worst severity found and the rules that found it.
func worst(fs []engine.Finding) map[string]verdict {
	out := map[string]verdict{}
	for _, f := range fs {
		v := out[f.Category]
		switch r, cur := engine.SeverityRank(f.Severity), engine.SeverityRank(v.severity); {
		case r > cur:
			v = verdict{severity: f.Severity, rules: []string{f.Rule}}
		case r == cur && !slices.Contains(v.rules, f.Rule):
			v.rules = append(v.rules, f.Rule)
		}
		out[f.Category] = v
	}
	return out
}

// Write prints the changes for a reader: definitions, then the posts by
// category and kind.
func Write(w io.Writer, defs []Change, posts []PostChange, postsChecked int) {
	if len(defs) == 0 {
		fmt.Fprintln(w, "Rules, lexicons and settings: no change.")
	} else {
		fmt.Fprintln(w, "Rules, lexicons and settings:")
		for _, c := range defs {
			name := c.What
			if c.Name != "" {
				name += " " + c.Name
			}
			fmt.Fprintf(w, "  %-8s %s", c.Kind, name)
			if len(c.Details) > 0 {
				fmt.Fprintf(w, " (%s)", strings.Join(c.Details, "; "))
			}
			fmt.Fprintln(w)
		}
	}
	if postsChecked == 0 {
		return
	}
	if len(posts) == 0 {
		fmt.Fprintf(w, "\nPosts: no verdict changes in %d posts.\n", postsChecked)
		return
	}
	fmt.Fprintf(w, "\nPosts whose verdict changes (%d changes in %d posts checked):\n", len(posts), postsChecked)
	byCat := map[string][]PostChange{}
	for _, p := range posts {
		byCat[p.Category] = append(byCat[p.Category], p)
	}
	for _, cat := range sortedKeys(byCat) {
		fmt.Fprintf(w, "\n%s\n", cat)
		for _, kind := range []string{NewlyFlagged, NoLongerFlagged, SeverityChanged} {
			for _, p := range byCat[cat] {
				if p.Kind != kind {
					continue
				}
				sev := p.New
				switch kind {
				case NoLongerFlagged:
					sev = "was " + p.Old
				case SeverityChanged:
					sev = p.Old + " -> " + p.New
				}
				fmt.Fprintf(w, "  %-17s %s:%d %s (%s; %s) %s\n", kind, p.Corpus, p.Line, p.ID, sev, strings.Join(p.Rules, ", "), quote(p.Text))
			}
		}
	}
}

// quote shortens a post to one readable line.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return fmt.Sprintf("%q", s)
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
