package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/heed-dev/heed/engine"
)

func cmdLint(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed lint [PATH...]\n\nReports every problem in bundle sources, each with file, line and field,\nlexicons no rule uses, and rules with fewer than three examples of each kind. PATH is a bundle folder or a folder of them.")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	var dirs []string
	if len(paths) == 0 {
		dirs = []string{""}
	} else if dirs, err = bundleDirs(paths); err != nil {
		return &exitError{code: 2, err: err}
	}
	problems := 0
	for _, dir := range dirs {
		b, err := loadBundle(dir)
		if err != nil {
			fmt.Fprintln(stdout, err)
			problems++
			continue
		}
		for _, name := range unusedLexicons(b.bundle) {
			fmt.Fprintf(stdout, "%s: lexicon %q is used by no rule\n", b.where(name.pointer), name.name)
			problems++
		}
		for i, r := range b.bundle.Rules {
			if flag, pass := len(r.Examples.Flag), len(r.Examples.Pass); flag < minExamples || pass < minExamples {
				fmt.Fprintf(stdout, "%s: rule %q has %d examples that must flag and %d that must pass; write at least %d of each, hard cases included\n",
					b.where(fmt.Sprintf("/rules/%d/examples", i)), r.ID, flag, pass, minExamples)
				problems++
			}
		}
	}
	if problems > 0 {
		return &exitError{code: 1}
	}
	return nil
}

// minExamples is how many examples of each kind lint asks of a rule: one
// example shows a rule works, three show where it stops.
const minExamples = 3

type namedAt struct{ name, pointer string }

func unusedLexicons(b *engine.Bundle) []namedAt {
	used := map[string]bool{}
	var walk func(m *engine.Matcher)
	walk = func(m *engine.Matcher) {
		if m == nil {
			return
		}
		used[m.Lexicon] = true
		if m.Detector != nil {
			for _, c := range m.Detector.Context {
				used[c.Lexicon] = true
			}
		}
		if m.Metric != nil {
			used[m.Metric.Ignore] = true
		}
		if m.Near != nil {
			walk(&m.Near.A)
			walk(&m.Near.B)
		}
		for i := range m.All {
			walk(&m.All[i])
		}
		for i := range m.Any {
			walk(&m.Any[i])
		}
		walk(m.Not)
	}
	for i := range b.Rules {
		walk(b.Rules[i].Match)
		walk(b.Rules[i].Unless)
	}
	var out []namedAt
	for i, l := range b.Lexicons {
		if !used[l.Name] {
			out = append(out, namedAt{l.Name, fmt.Sprintf("/lexicons/%d/name", i)})
		}
	}
	return out
}
