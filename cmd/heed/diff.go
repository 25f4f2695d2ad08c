package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/bundlediff"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/engine/source"
)

func cmdDiff(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var corpora stringList
	fs.Var(&corpora, "corpus", "a corpus (JSON Lines, as eval/dev.jsonl) to compare verdicts on; repeat for several (default: the corpora beside the bundles, else the built-in bundle's)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed diff OLD NEW [--corpus FILE...]\n\nWhat changes for staff from bundle OLD to NEW (source folders, built bundles\nor signed envelopes; \"builtin\" for the built-in default): rules, lexicons and\nsettings added, removed and changed, and every corpus post whose verdict\nchanges, by category.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErr("want two bundles, OLD and NEW")
	}
	old, err := loadForDiff(pos[0])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	new, err := loadForDiff(pos[1])
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	return writeDiff(stdout, old, new, corpora)
}

// writeDiff prints the diff of two loaded bundles over the given corpora,
// or the default ones.
func writeDiff(w io.Writer, old, new *loaded, corpora []string) error {
	defs := bundlediff.Definitions(old.bundle, new.bundle)
	var changes []bundlediff.PostChange
	var problems []string
	checked := 0
	err := eachCorpus(corpora, old, new, func(name string, r io.Reader) {
		cs, n, ps := bundlediff.Posts(name, r, old.program, new.program)
		checked += n
		changes = append(changes, cs...)
		problems = append(problems, ps...)
	})
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	fmt.Fprintf(w, "%s version %d -> %s version %d\n\n", old.bundle.Name, old.bundle.Version, new.bundle.Name, new.bundle.Version)
	bundlediff.Write(w, defs, changes, checked)
	if len(problems) > 0 {
		return &exitError{code: 2, err: errors.New(strings.Join(problems, "\n"))}
	}
	return nil
}

// eachCorpus opens the corpora: those named, else those beside the source
// bundles (the new one's first), else the built-in bundle's.
func eachCorpus(named []string, old, new *loaded, fn func(name string, r io.Reader)) error {
	if len(named) > 0 {
		for _, p := range named {
			f, err := os.Open(p)
			if err != nil {
				return fmt.Errorf("corpus: %w", err)
			}
			fn(p, f)
			f.Close()
		}
		return nil
	}
	seen := map[string]bool{}
	for _, l := range []*loaded{new, old} {
		if l.src == nil {
			continue
		}
		for _, c := range l.src.Corpora {
			name := l.src.FileName(c)
			if l.dir == "" {
				name = "builtin:" + c
			}
			// The same corpus beside both bundles is read once.
			if seen[filepath.Base(c)] {
				continue
			}
			seen[filepath.Base(c)] = true
			f, err := l.src.OpenCorpus(c)
			if err != nil {
				return fmt.Errorf("corpus %s: %w", name, err)
			}
			fn(name, f)
			f.Close()
		}
	}
	if len(seen) > 0 {
		return nil
	}
	src, err := source.Load(bundles.FS, bundles.Default)
	if err != nil {
		return fmt.Errorf("built-in bundle: %w", err)
	}
	for _, c := range src.Corpora {
		f, err := src.OpenCorpus(c)
		if err != nil {
			return fmt.Errorf("corpus builtin:%s: %w", c, err)
		}
		fn("builtin:"+c, f)
		f.Close()
	}
	return nil
}

// loadForDiff loads a bundle to compare: "builtin", a source folder, a
// built bundle, or an envelope, whose signature is not checked (a diff
// only reads; publishing and the extension verify).
func loadForDiff(path string) (*loaded, error) {
	if path == "builtin" {
		return loadBundle("")
	}
	data, err := os.ReadFile(path)
	if err != nil || !envelope.IsEnvelope(data) {
		return loadBundle(path)
	}
	p, err := envelope.Open(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return compiledEnvelope(path, &p.Bundle)
}

func compiledEnvelope(name string, b *engine.Bundle) (*loaded, error) {
	prog, err := engine.Compile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &loaded{name: name, bundle: b, program: prog}, nil
}

// diffAgainstLive prints what publishing bundle changes against the
// version live on the channel, before heed publish asks.
func diffAgainstLive(w io.Writer, c *client, live int64, name string, bundle *engine.Bundle, corpora []string) error {
	data, err := c.version(live)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("fetching the live version %d to compare: %w", live, err)}
	}
	p, err := envelope.Open(data)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("the live version %d: %w", live, err)}
	}
	old, err := compiledEnvelope(fmt.Sprintf("live version %d", live), &p.Bundle)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	new, err := compiledEnvelope(name, bundle)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	return writeDiff(w, old, new, corpora)
}
