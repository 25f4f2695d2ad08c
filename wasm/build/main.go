// Command build compiles the WebAssembly module with the flags of package
// wasm, so `make build` and the tests build it the same way.
//
//	go run ./wasm/build -o wasm/dist/heed.wasm
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/heed-dev/heed/wasm"
)

func main() {
	out := flag.String("o", "heed.wasm", "where to write the module")
	flag.Parse()
	data, err := wasm.Build(context.Background())
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}
