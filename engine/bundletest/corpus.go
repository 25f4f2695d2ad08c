package bundletest

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/jsonl"
)

// Counts are true positives, false positives and misses of one category.
type Counts struct {
	TP, FP, FN int
}

// Precision is TP / (TP + FP), or 1 when nothing was flagged.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN), or 1 when nothing was expected.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// PostResult is one labelled post whose categories differ from its labels.
type PostResult struct {
	ID, Text      string
	Line          int
	Missed, Extra []string
}

// Report is the score of a bundle on one corpus.
type Report struct {
	Path  string
	Posts int
	Clean int
	// FalseAlarms counts clean posts given any category.
	FalseAlarms int
	Categories  map[string]*Counts
	Micro       Counts
	Mismatches  []PostResult
	// Errors are lines that could not be read or checked.
	Errors []string
	// Failures are targets the bundle misses.
	Failures []string
}

// FalseAlarmRate is the share of clean posts flagged.
func (r *Report) FalseAlarmRate() float64 {
	if r.Clean == 0 {
		return 0
	}
	return float64(r.FalseAlarms) / float64(r.Clean)
}

// ScoreCorpus checks every post of a corpus in the format of eval/dev.jsonl
// and scores the categories found against the labels. Lines that cannot be
// read are reported with their line number and fail the corpus.
func ScoreCorpus(path string, r io.Reader, ev Evaluator, targets *engine.CorpusTargets) *Report {
	rep := &Report{Path: path, Categories: map[string]*Counts{}}
	err := jsonl.Each(r, func(line int, post *jsonl.Post, err error) error {
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s:%d: %v", path, line, err))
			return nil
		}
		findings, err := ev.Evaluate(post.Text, post.Context())
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s:%d: post %q: %v", path, line, post.ID, err))
			return nil
		}
		rep.score(post, line, findings)
		return nil
	})
	if err != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", path, err))
	}
	rep.check(targets)
	return rep
}

func (rep *Report) counts(cat string) *Counts {
	c, ok := rep.Categories[cat]
	if !ok {
		c = &Counts{}
		rep.Categories[cat] = c
	}
	return c
}

func (rep *Report) score(post *jsonl.Post, line int, findings []engine.Finding) {
	rep.Posts++
	var got []string
	for _, f := range findings {
		if !slices.Contains(got, f.Category) {
			got = append(got, f.Category)
		}
	}
	if len(post.Expect) == 0 {
		rep.Clean++
		if len(got) > 0 {
			rep.FalseAlarms++
		}
	}
	res := PostResult{ID: post.ID, Text: post.Text, Line: line}
	for _, cat := range post.Expect {
		if slices.Contains(got, cat) {
			rep.counts(cat).TP++
			rep.Micro.TP++
		} else {
			rep.counts(cat).FN++
			rep.Micro.FN++
			res.Missed = append(res.Missed, cat)
		}
	}
	for _, cat := range got {
		if !slices.Contains(post.Expect, cat) {
			rep.counts(cat).FP++
			rep.Micro.FP++
			res.Extra = append(res.Extra, cat)
		}
	}
	if len(res.Missed)+len(res.Extra) > 0 {
		rep.Mismatches = append(rep.Mismatches, res)
	}
}

func (rep *Report) check(t *engine.CorpusTargets) {
	if len(rep.Errors) > 0 {
		rep.Failures = append(rep.Failures, fmt.Sprintf("%d lines could not be checked", len(rep.Errors)))
	}
	if t == nil {
		// Without targets every post must get exactly its labels.
		if len(rep.Mismatches) > 0 {
			rep.Failures = append(rep.Failures, fmt.Sprintf("%d of %d posts differ from their labels (the bundle sets no corpus targets, so every post must match)", len(rep.Mismatches), rep.Posts))
		}
		return
	}
	if t.RequireExactPost && len(rep.Mismatches) > 0 {
		rep.Failures = append(rep.Failures, fmt.Sprintf("%d of %d posts differ from their labels", len(rep.Mismatches), rep.Posts))
	}
	if t.MinPrecision > 0 && rep.Micro.Precision() < t.MinPrecision {
		rep.Failures = append(rep.Failures, fmt.Sprintf("micro precision %.3f is below the target %.2f", rep.Micro.Precision(), t.MinPrecision))
	}
	if t.MinRecall > 0 && rep.Micro.Recall() < t.MinRecall {
		rep.Failures = append(rep.Failures, fmt.Sprintf("micro recall %.3f is below the target %.2f", rep.Micro.Recall(), t.MinRecall))
	}
	if t.MaxFalseAlarms > 0 && rep.FalseAlarmRate() > t.MaxFalseAlarms {
		rep.Failures = append(rep.Failures, fmt.Sprintf("false alarms on clean posts %.3f are above the target %.2f", rep.FalseAlarmRate(), t.MaxFalseAlarms))
	}
	if t.MinCategoryF1 > 0 {
		for _, cat := range rep.SortedCategories() {
			if f1 := rep.Categories[cat].F1(); f1 < t.MinCategoryF1 {
				rep.Failures = append(rep.Failures, fmt.Sprintf("%s F1 %.3f is below the target %.2f", cat, f1, t.MinCategoryF1))
			}
		}
	}
}

// SortedCategories lists the categories seen, by name.
func (rep *Report) SortedCategories() []string {
	cats := make([]string, 0, len(rep.Categories))
	for c := range rep.Categories {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	return cats
}

// Table writes the per-category scores as an aligned text table.
func (rep *Report) Table(w io.Writer) {
	fmt.Fprintf(w, "%-28s %4s %4s %4s %9s %7s %6s\n", "category", "TP", "FP", "FN", "precision", "recall", "F1")
	for _, cat := range rep.SortedCategories() {
		c := rep.Categories[cat]
		fmt.Fprintf(w, "%-28s %4d %4d %4d %9.3f %7.3f %6.3f\n", cat, c.TP, c.FP, c.FN, c.Precision(), c.Recall(), c.F1())
	}
	m := rep.Micro
	fmt.Fprintf(w, "%-28s %4d %4d %4d %9.3f %7.3f %6.3f\n", "micro", m.TP, m.FP, m.FN, m.Precision(), m.Recall(), m.F1())
	fmt.Fprintf(w, "false alarms on clean posts: %d of %d (%.1f%%)\n", rep.FalseAlarms, rep.Clean, 100*rep.FalseAlarmRate())
}

// MismatchLines describes each post whose categories differ from its labels.
func (rep *Report) MismatchLines() []string {
	out := make([]string, 0, len(rep.Mismatches))
	for _, m := range rep.Mismatches {
		var parts []string
		if len(m.Missed) > 0 {
			parts = append(parts, "missed "+strings.Join(m.Missed, ", "))
		}
		if len(m.Extra) > 0 {
			parts = append(parts, "also flagged "+strings.Join(m.Extra, ", "))
		}
		out = append(out, fmt.Sprintf("%s:%d: %s: %s: %q", rep.Path, m.Line, m.ID, strings.Join(parts, "; "), m.Text))
	}
	return out
}
