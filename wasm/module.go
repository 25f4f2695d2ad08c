// Package wasm holds the Heed engine compiled to WebAssembly: the module
// the browser extension runs and the CLI and tests run through wazero (see
// package host). Package abi is the contract; command module is the
// module's source.
package wasm

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// dist holds heed.wasm when `make build` has built it before the binary.
//
//go:embed dist
var dist embed.FS

// ModulePackage is the import path of the module's source.
const ModulePackage = "github.com/heed-dev/heed/wasm/module"

// BuildFlags are the flags of `go build` for the module, besides
// GOOS=wasip1 GOARCH=wasm: a reactor, with no paths or symbols.
var BuildFlags = []string{"-buildmode=c-shared", "-trimpath", "-ldflags=-s -w"}

var (
	built     []byte
	builtErr  error
	buildOnce sync.Once
)

// Module returns the module's bytes: the file named by $HEED_WASM, else
// the module embedded when the binary was built, else one built now from
// source with the Go toolchain (as in `go test` on a fresh clone).
func Module() ([]byte, error) {
	if path := os.Getenv("HEED_WASM"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("HEED_WASM: %w", err)
		}
		return data, nil
	}
	if data, err := fs.ReadFile(dist, "dist/heed.wasm"); err == nil {
		return data, nil
	}
	buildOnce.Do(func() { built, builtErr = Build(context.Background()) })
	return built, builtErr
}

// Embedded reports whether the binary carries its module.
func Embedded() bool {
	_, err := fs.Stat(dist, "dist/heed.wasm")
	return err == nil
}

// UseFreshBuild builds the module from source and points $HEED_WASM at
// it, so that tests run the module of the source they test rather than
// one a past `make build` embedded. It returns a function that removes
// the file.
func UseFreshBuild() (cleanup func(), err error) {
	data, err := Build(context.Background())
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "heed-*.wasm")
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	f.Close()
	os.Setenv("HEED_WASM", f.Name())
	return func() { os.Remove(f.Name()) }, nil
}

// Build compiles the module from source with the go command, into a
// temporary folder, and returns its bytes.
func Build(ctx context.Context) ([]byte, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("this heed has no WebAssembly module built in and no Go toolchain to build one: run `make build`, or set HEED_WASM to a heed.wasm")
	}
	dir, err := os.MkdirTemp("", "heed-wasm-*")
	if err != nil {
		return nil, fmt.Errorf("building the module: %w", err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "heed.wasm")
	args := append([]string{"build"}, BuildFlags...)
	args = append(args, "-o", out, ModulePackage)
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building the module (go %s): %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}
