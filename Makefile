# Heed: see README.md. `make run` and `make test` are the two commands a
# newcomer needs.

GO      ?= go
BIN     := bin/heed
WASM    := wasm/dist/heed.wasm
BUNDLES := bundles

.PHONY: all build run test check-format vet staticcheck test-go test-bundles bench fuzz generate clean

all: build

build: $(BIN) dist/heed.wasm

# The WebAssembly module: the engine the browser runs, and that bin/heed
# embeds and runs through wazero.
$(WASM): $(shell find engine wasm -name '*.go' 2>/dev/null) go.mod go.sum
	$(GO) run ./wasm/build -o $(WASM)

dist/heed.wasm: $(WASM)
	mkdir -p dist && cp $(WASM) $@

# The binary embeds the module and the default bundle.
$(BIN): $(WASM) $(shell find cmd engine bundles -name '*.go' -o -name '*.yaml' -o -name '*.jsonl' -o -name 'TZ*' 2>/dev/null) go.mod go.sum
	$(GO) build -o $(BIN) ./cmd/heed

# The main job on built-in defaults: check the sample drafts in testdata/
# against the built-in default bundle and print the warnings as a table.
run: $(BIN)
	@echo "heed check: testdata/samples.jsonl against the built-in default bundle"
	@$(BIN) check --jsonl --format table < testdata/samples.jsonl

test: check-format vet staticcheck test-go test-bundles

check-format:
	@out=$$(gofmt -l cmd engine bundles); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

test-go:
	$(GO) test -count=1 ./...

test-bundles: $(BIN)
	$(BIN) lint $(BUNDLES)
	$(BIN) test $(BUNDLES)

# Benchmarks of the engine: 280 and 3,000 characters against the default
# bundle, with its lexicons as they are and grown 10x and 100x.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./engine/ | tee bench.out
	$(GO) tool benchstat bench.out

# A short fuzzing run of every fuzz target (FUZZTIME=10m for a long one).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBundle$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzParseExample$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadYAML$$' -fuzztime $(FUZZTIME) ./engine/source/

# Regenerates the easyjson code after a change to the bundle model.
generate:
	$(GO) generate ./engine/...

clean:
	rm -rf bin dist bench.out
