// Command genlimits writes extension/src/shared/limits.gen.ts: the facts
// the Go side and the browser extension must agree on (the channel
// grammar, the version range, the envelope size cap, the clock skew
// allowed), written once in Go and generated for TypeScript. A test fails
// when the file is stale; `make generate` writes it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/heed-dev/heed/internal/genlimits/limits"
)

func main() {
	out := flag.String("o", "extension/src/shared/limits.gen.ts", "the file to write")
	flag.Parse()
	if err := os.WriteFile(*out, limits.TypeScript(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genlimits:", err)
		os.Exit(1)
	}
}
