package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mailru/easyjson/jlexer"

	"github.com/heed-dev/heed/bundles"
	"github.com/heed-dev/heed/engine"
	"github.com/heed-dev/heed/engine/bundletest"
	"github.com/heed-dev/heed/engine/envelope"
	"github.com/heed-dev/heed/engine/source"
	"github.com/heed-dev/heed/wasm"
	"github.com/heed-dev/heed/wasm/host"
)

// loaded is a bundle ready to use, with where it came from.
type loaded struct {
	name    string
	bundle  *engine.Bundle
	program *engine.Program
	// eval evaluates drafts: the module under wazero, or program itself.
	eval bundletest.Evaluator
	// src is set for source folders: places for messages, and corpora.
	src *source.Source
	// dir is the OS folder of a source bundle, "" for the built-in one.
	dir string
	// signed is the envelope a signed bundle came in, verified again by
	// the module when it loads it; trusted are the keys it was checked with.
	signed  []byte
	trusted []envelope.PublicKey
}

// where maps a JSON pointer of the bundle to a printable place.
func (l *loaded) where(pointer string) string {
	if l.src == nil {
		return l.name + "#" + pointer
	}
	return l.src.Pos(pointer).String()
}

// loadBundle loads a bundle: the built-in default when path is empty, else
// a source folder, a built bundle JSON file, or a signed envelope, which
// must verify against the trusted keys.
func loadBundle(path string, trusted ...envelope.PublicKey) (*loaded, error) {
	if path == "" {
		src, prog, err := source.Compile(bundles.FS, bundles.Default)
		if err != nil {
			return nil, fmt.Errorf("built-in bundle: %w", err)
		}
		return &loaded{name: "built-in default", bundle: src.Bundle, program: prog, src: src}, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if info.IsDir() {
		src, err := source.LoadDir(path)
		if err != nil {
			return nil, err
		}
		prog, err := src.Compile()
		if err != nil {
			return nil, err
		}
		return &loaded{name: path, bundle: src.Bundle, program: prog, src: src, dir: path}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	var b *engine.Bundle
	var signed []byte
	if envelope.IsEnvelope(data) {
		if len(trusted) == 0 {
			return nil, fmt.Errorf("%s is a signed bundle: give the keys to trust with --trusted-key NAME.pub", path)
		}
		v, err := envelope.Verify(data, trusted, time.Now())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		b, signed = &v.Bundle, data
	} else if b, err = decodeBundle(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	prog, err := engine.Compile(b)
	if err != nil {
		var ps engine.Problems
		if errors.As(err, &ps) {
			lines := make([]string, len(ps))
			for i, p := range ps {
				lines[i] = path + "#" + p.String()
			}
			return nil, errors.New(strings.Join(lines, "\n"))
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &loaded{name: path, bundle: b, program: prog, signed: signed, trusted: trusted}, nil
}

// Engines heed can evaluate with: the WebAssembly module (the default, as
// the browser runs it) or the Go engine compiled into this binary.
const (
	engineWasm   = "wasm"
	engineNative = "native"
)

// withEngine loads the bundle into the chosen engine. The bundle has
// already compiled natively, so its problems carry source lines.
func (l *loaded) withEngine(name string) error {
	switch name {
	case engineNative:
		l.eval = l.program
		return nil
	case engineWasm:
		ctx := context.Background()
		module, err := wasm.Module()
		if err != nil {
			return err
		}
		rt, err := host.NewRuntime(ctx, module, host.Options{CacheDir: host.DefaultCacheDir()})
		if err != nil {
			return err
		}
		var e *host.Engine
		if l.signed != nil {
			e, err = rt.LoadSigned(ctx, l.signed, l.trusted)
		} else {
			e, err = rt.Load(ctx, l.bundle)
		}
		if err != nil {
			return fmt.Errorf("loading %s into the WebAssembly module: %w", l.name, err)
		}
		l.eval = e
		return nil
	}
	return usageErr("--engine %q: want wasm or native", name)
}

// decodeBundle reads built bundle JSON strictly: an unknown field is an
// error with its byte offset.
func decodeBundle(data []byte) (*engine.Bundle, error) {
	var b engine.Bundle
	lx := jlexer.Lexer{Data: data}
	b.UnmarshalEasyJSON(&lx)
	if err := lx.Error(); err != nil {
		return nil, fmt.Errorf("not a bundle: %w", err)
	}
	return &b, nil
}

// bundleDirs expands test and lint arguments: a bundle folder, or a folder
// of bundle folders such as bundles/.
func bundleDirs(paths []string) ([]string, error) {
	var dirs []string
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(p, "bundle.yaml")); err == nil {
			dirs = append(dirs, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		found := false
		for _, e := range entries {
			if e.IsDir() {
				if _, err := os.Stat(filepath.Join(p, e.Name(), "bundle.yaml")); err == nil {
					dirs = append(dirs, filepath.Join(p, e.Name()))
					found = true
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: not a bundle folder (no bundle.yaml), nor a folder of them", p)
		}
	}
	return dirs, nil
}
