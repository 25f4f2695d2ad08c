package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mailru/easyjson/jwriter"

	"github.com/heed-dev/heed/engine"
)

func cmdBuild(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the bundle JSON to this file (- for standard output)")
	version := fs.Int64("version", 0, "set the bundle's version (it must only grow between releases)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: heed build [SRC] -o FILE [--version N]\n\nChecks a bundle source folder (default: the built-in bundle) and writes it\nas one canonical JSON document, with its base bundles folded in.")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("give one source folder, not %d", len(pos))
	}
	if *out == "" {
		return usageErr("-o FILE is required")
	}
	src := ""
	if len(pos) == 1 {
		src = pos[0]
	}
	b, err := loadBundle(src)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if *version != 0 {
		if *version < 0 || *version > engine.MaxVersion {
			return usageErr("--version %d: want 1 to %d", *version, engine.MaxVersion)
		}
		b.bundle.Version = *version
	}
	w := jwriter.Writer{}
	b.bundle.MarshalEasyJSON(&w)
	w.RawByte('\n')
	data, err := w.BuildBytes()
	if err != nil {
		return fmt.Errorf("encoding bundle: %w", err)
	}
	if *out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := writeFileAtomic(*out, data); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "built %s version %d: %d rules, %d lexicons, %d bytes -> %s\n", b.bundle.Name, b.bundle.Version, len(b.bundle.Rules), len(b.bundle.Lexicons), len(data), *out)
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so a reader
// never sees half a bundle.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".heed-build-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Bundles and envelopes are public: readable by all, as a web server
	// serving them needs.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
