package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/heed-dev/heed/engine/bundletest"
)

func cmdTest(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	junit := fs.String("junit", "", "also write a JUnit XML report to this file")
	verbose := fs.Bool("v", false, "print every rule, not only failures, and every corpus mismatch")
	engineName := fs.String("engine", engineWasm, "engine: wasm (the WebAssembly module the browser runs) or native")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed test [flags] [PATH...]\n\nRuns every rule's examples and scores every corpus (*.jsonl) of each bundle.\nPATH is a bundle folder or a folder of them; none tests the built-in bundle.")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	var targets []string
	if len(paths) == 0 {
		targets = []string{""}
	} else if targets, err = bundleDirs(paths); err != nil {
		return &exitError{code: 2, err: err}
	}
	var suites []bundletest.Suite
	failed := false
	for _, dir := range targets {
		start := time.Now()
		b, err := loadBundle(dir)
		name := dir
		if dir == "" {
			name = "built-in default"
		}
		if err != nil {
			fmt.Fprintf(stdout, "--- FAIL: %s (does not build)\n%v\nFAIL\t%s\n", name, indent(err.Error()), name)
			suites = append(suites, bundletest.Suite{Name: name, Cases: []bundletest.Case{{Rule: "build", Failures: []bundletest.Failure{{Where: name, Message: err.Error()}}}}})
			failed = true
			continue
		}
		if err := b.withEngine(*engineName); err != nil {
			return &exitError{code: 2, err: err}
		}
		suite := bundletest.Suite{Name: name, Cases: bundletest.RunExamples(b.bundle, b.eval, b.where)}
		examples, bad := 0, 0
		for _, c := range suite.Cases {
			examples += c.Examples
			if *verbose {
				fmt.Fprintf(stdout, "=== RUN   %s/%s\n", name, c.Rule)
			}
			switch {
			case c.Failed():
				bad++
				fmt.Fprintf(stdout, "--- FAIL: %s/%s (%.3fs)\n", name, c.Rule, c.Elapsed.Seconds())
				for _, f := range c.Failures {
					fmt.Fprintf(stdout, "    %s: %s\n", f.Where, f.Message)
				}
			case *verbose:
				fmt.Fprintf(stdout, "--- PASS: %s/%s (%.3fs, %d examples)\n", name, c.Rule, c.Elapsed.Seconds(), c.Examples)
			}
		}
		if b.src != nil {
			for _, corpus := range b.src.Corpora {
				rep, err := scoreCorpusFile(b, corpus)
				if err != nil {
					return err
				}
				suite.Corpora = append(suite.Corpora, rep)
				status := "PASS"
				if len(rep.Failures) > 0 {
					status = "FAIL"
					bad++
				}
				fmt.Fprintf(stdout, "--- %s: %s/corpus %s (%d posts)\n", status, name, rep.Path, rep.Posts)
				rep.Table(&prefixWriter{w: stdout, prefix: "    "})
				for _, f := range rep.Failures {
					fmt.Fprintf(stdout, "    target: %s\n", f)
				}
				for _, e := range rep.Errors {
					fmt.Fprintf(stdout, "    %s\n", e)
				}
				if *verbose || status == "FAIL" {
					for _, m := range rep.MismatchLines() {
						fmt.Fprintf(stdout, "    %s\n", m)
					}
				}
			}
		}
		suites = append(suites, suite)
		elapsed := time.Since(start).Seconds()
		if bad > 0 {
			failed = true
			fmt.Fprintf(stdout, "FAIL\t%s\t%.3fs\t(%d rules, %d examples, %d failing)\n", name, elapsed, len(suite.Cases), examples, bad)
		} else {
			fmt.Fprintf(stdout, "ok  \t%s\t%.3fs\t(%d rules, %d examples, %d corpora)\n", name, elapsed, len(suite.Cases), examples, len(suite.Corpora))
		}
	}
	if *junit != "" {
		f, err := os.Create(*junit)
		if err != nil {
			return fmt.Errorf("JUnit report: %w", err)
		}
		werr := bundletest.WriteJUnit(f, suites)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("JUnit report %s: %w", *junit, werr)
		}
	}
	if failed {
		return &exitError{code: 1}
	}
	return nil
}

func scoreCorpusFile(b *loaded, corpus string) (*bundletest.Report, error) {
	f, err := b.src.OpenCorpus(corpus)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	name := b.src.FileName(corpus)
	if b.dir != "" {
		if rel, err := filepath.Rel(b.dir, name); err == nil && !strings.HasPrefix(rel, "..") {
			name = rel
		}
	}
	return bundletest.ScoreCorpus(name, f, b.eval, b.bundle.Corpus), nil
}

// prefixWriter indents every line written through it.
type prefixWriter struct {
	w      io.Writer
	prefix string
	mid    bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	for i, c := range b {
		if !p.mid {
			if _, err := io.WriteString(p.w, p.prefix); err != nil {
				return i, err
			}
			p.mid = true
		}
		if _, err := p.w.Write([]byte{c}); err != nil {
			return i, err
		}
		if c == '\n' {
			p.mid = false
		}
	}
	return len(b), nil
}

func indent(s string) string {
	var out []byte
	pw := &prefixWriter{w: writerFunc(func(b []byte) (int, error) { out = append(out, b...); return len(b), nil }), prefix: "    "}
	_, _ = pw.Write([]byte(s))
	return string(out)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
