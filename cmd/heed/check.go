package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf16"

	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/bundletest"
	"github.com/heed-dev/heed/engine/jsonl"
)

func cmdCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bundlePath := fs.String("bundle", "", "bundle: a source folder or built bundle JSON (default: the built-in default bundle)")
	engineName := fs.String("engine", engineWasm, "engine: wasm (the WebAssembly module the browser runs) or native (the Go engine in this binary)")
	platform := fs.String("platform", "other", "platform: facebook, twitter, linkedin or other")
	surface := fs.String("surface", "post", "surface: post, comment or message")
	account := fs.String("account", "unknown", "account: personal, official or unknown (rules of both kinds apply)")
	at := fs.String("time", "", "time of posting, RFC 3339 (default: now)")
	format := fs.String("format", "", "output: text, json, or with --jsonl, jsonl (default) or table")
	lines := fs.Bool("jsonl", false, "read JSON Lines posts on standard input and write one JSON line each")
	var trustedKeys stringList
	fs.Var(&trustedKeys, "trusted-key", "a public key file (NAME.pub) a signed --bundle must be signed by; repeat for several")
	failOn := fs.String("fail-on", "none", "exit with status 1 when a finding reaches this severity: info, warning, critical or none")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed check [flags] [TEXT]\n\nChecks TEXT, or standard input, against the bundle's rules.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	failRank := 0
	if *failOn != "none" {
		if failRank = engine.SeverityRank(*failOn); failRank == 0 {
			return usageErr("--fail-on %q: want info, warning, critical or none", *failOn)
		}
	}
	trusted, err := readTrustedKeys(trustedKeys)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	b, err := loadBundle(*bundlePath, trusted...)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if err := b.withEngine(*engineName); err != nil {
		return &exitError{code: 2, err: err}
	}
	if *lines {
		if len(pos) > 0 {
			return usageErr("--jsonl reads standard input; give no TEXT")
		}
		switch *format {
		case "", "jsonl":
			return checkLines(b.eval, stdin, stdout, failRank)
		case "table":
			return checkTable(b.eval, stdin, stdout, failRank)
		}
		return usageErr("--format %q with --jsonl: want jsonl or table", *format)
	}
	var draft string
	if len(pos) > 0 {
		draft = strings.Join(pos, " ")
	} else {
		data, err := io.ReadAll(io.LimitReader(stdin, engine.MaxDraftBytes+1))
		if err != nil {
			return fmt.Errorf("reading the draft: %w", err)
		}
		draft = strings.TrimRight(string(data), "\n")
	}
	ctx := engine.Context{Platform: *platform, Surface: *surface, Account: *account, Time: *at}
	if ctx.Time == "" {
		ctx.Time = time.Now().Format(time.RFC3339)
	}
	findings, err := b.eval.Evaluate(draft, ctx)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	switch *format {
	case "", "text":
		writeText(stdout, draft, findings)
	case "json":
		w := jwriter.Writer{}
		w.RawByte('[')
		for i := range findings {
			if i > 0 {
				w.RawByte(',')
			}
			findings[i].MarshalEasyJSON(&w)
		}
		w.RawString("]\n")
		if _, err := w.DumpTo(stdout); err != nil {
			return err
		}
	default:
		return usageErr("--format %q: want text or json", *format)
	}
	return failStatus(findings, failRank)
}

func failStatus(findings []engine.Finding, failRank int) error {
	if failRank == 0 {
		return nil
	}
	for _, f := range findings {
		if engine.SeverityRank(f.Severity) >= failRank {
			return &exitError{code: 1}
		}
	}
	return nil
}

// eachLine reads JSON Lines posts from standard input (jsonl.Each), with
// line numbers in the errors that kept a line from being read.
func eachLine(r io.Reader, fn func(lineNo int, post *jsonl.Post, err error) error) error {
	var fnErr error
	err := jsonl.Each(r, func(line int, post *jsonl.Post, err error) error {
		if err != nil {
			err = fmt.Errorf("line %d: %w", line, err)
		}
		fnErr = fn(line, post, err)
		return fnErr
	})
	if err != nil && fnErr == nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	return err
}

func checkLines(prog bundletest.Evaluator, stdin io.Reader, stdout io.Writer, failRank int) error {
	out := bufio.NewWriter(stdout)
	failed := false
	err := eachLine(stdin, func(_ int, post *jsonl.Post, lineErr error) error {
		v := jsonl.Verdict{ID: post.ID}
		if lineErr != nil {
			v.Error = lineErr.Error()
		} else if findings, err := prog.Evaluate(post.Text, post.Context()); err != nil {
			v.Error = err.Error()
		} else {
			v.Findings = jsonl.Short(findings)
			if failStatus(findings, failRank) != nil {
				failed = true
			}
		}
		w := jwriter.Writer{}
		v.MarshalEasyJSON(&w)
		w.RawByte('\n')
		_, err := w.DumpTo(out)
		return err
	})
	return finishLines(err, out.Flush, failed)
}

// finishLines flushes the output of a JSON Lines run and turns findings
// that reached --fail-on into exit status 1.
func finishLines(err error, flush func() error, failed bool) error {
	if ferr := flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if failed {
		return &exitError{code: 1}
	}
	return nil
}

// checkTable prints the findings of JSON Lines posts as a readable table.
func checkTable(prog bundletest.Evaluator, stdin io.Reader, stdout io.Writer, failRank int) error {
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "POST\tACCOUNT\tTIME\tSEVERITY\tCATEGORY\tRULE\tFLAGGED")
	failed := false
	err := eachLine(stdin, func(_ int, post *jsonl.Post, lineErr error) error {
		if lineErr != nil {
			fmt.Fprintf(tw, "%s\t\t\terror\t\t\t%v\n", post.ID, lineErr)
			return nil
		}
		findings, err := prog.Evaluate(post.Text, post.Context())
		if err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\terror\t\t\t%v\n", post.ID, post.Account, post.Time, err)
			return nil
		}
		if failStatus(findings, failRank) != nil {
			failed = true
		}
		if len(findings) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\tclean\t\t%s\n", post.ID, post.Account, post.Time, excerpt(post.Text, 0, 0, 40))
		}
		for _, f := range findings {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", post.ID, post.Account, post.Time, f.Severity, f.Category, f.Rule, excerpt(post.Text, f.Start, f.End, 40))
		}
		return nil
	})
	return finishLines(err, tw.Flush, failed)
}

// excerpt returns the flagged part of a draft (UTF-16 offsets) in quotes,
// cut to about width characters; with an empty span, the draft's start.
func excerpt(draft string, start, end, width int) string {
	units := utf16.Encode([]rune(draft))
	start, end = min(start, len(units)), min(end, len(units))
	if end <= start {
		end = min(len(units), width)
	}
	s := string(utf16.Decode(units[start:end]))
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > width {
		s = string(r[:width-1]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// writeText prints findings for people: the line of the draft with the span
// underlined, the message and the policy it comes from.
func writeText(w io.Writer, draft string, findings []engine.Finding) {
	if len(findings) == 0 {
		fmt.Fprintln(w, "No problems found.")
		return
	}
	units := utf16.Encode([]rune(draft))
	for i, f := range findings {
		if i > 0 {
			fmt.Fprintln(w)
		}
		line, col := position(units, f.Start)
		fmt.Fprintf(w, "%d:%d: %s: %s [%s]\n", line, col, f.Severity, f.Category, f.Rule)
		text, underline := underlined(units, f.Start, f.End)
		fmt.Fprintf(w, "    %s\n    %s\n", text, underline)
		fmt.Fprintf(w, "  %s\n", f.Message)
		if f.Suggestion != "" {
			fmt.Fprintf(w, "  Suggestion: %s\n", f.Suggestion)
		}
		for _, c := range f.Citations {
			fmt.Fprintf(w, "  Policy: %s, %s: %q\n", c.Document, c.Section, c.Quote)
		}
	}
	fmt.Fprintf(w, "\n%d finding(s).\n", len(findings))
}

// position gives the 1-based line and column (in characters) of a UTF-16
// offset.
func position(units []uint16, off int) (int, int) {
	runes := utf16.Decode(units[:min(off, len(units))])
	line, col := 1, 1
	for _, r := range runes {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// underlined returns the line holding [start, end) and a line of carets
// under the span (to the end of that line).
func underlined(units []uint16, start, end int) (string, string) {
	start, end = min(start, len(units)), min(end, len(units))
	ls := start
	for ls > 0 && units[ls-1] != '\n' {
		ls--
	}
	le := start
	for le < len(units) && units[le] != '\n' {
		le++
	}
	before := []rune(string(utf16.Decode(units[ls:start])))
	span := []rune(string(utf16.Decode(units[start:min(end, le)])))
	text := string(utf16.Decode(units[ls:le]))
	return text, strings.Repeat(" ", len(before)) + strings.Repeat("^", max(1, len(span)))
}
