# Heed: see README.md. `make run` and `make test` are the two commands a
# newcomer needs.

GO      ?= go
BIN     := bin/heed
WASM    := wasm/dist/heed.wasm
BUNDLES := bundles

.PHONY: all build run samples test check-format vet staticcheck test-go test-bundles test-extension extension-deps extension e2e chromium bench fuzz generate clean

all: build

build: $(BIN) dist/heed.wasm dist/default.json extension

# The WebAssembly module: the engine the browser runs, and that bin/heed
# embeds and runs through wazero.
$(WASM): $(shell find engine wasm -name '*.go' 2>/dev/null) go.mod go.sum
	$(GO) run ./wasm/build -o $(WASM)

dist/heed.wasm: $(WASM)
	mkdir -p dist && cp $(WASM) $@

# The default bundle, built, as the extension loads it.
dist/default.json: $(BIN)
	mkdir -p dist && $(BIN) build bundles/default -o $@

# The playground page heed serve shows at /, built from the extension's
# code (its warning overlay and engine loader) and embedded in the binary.
PLAYGROUND := server/playground/dist/playground.js
$(PLAYGROUND): extension/node_modules/.package-lock.json $(shell find extension/src -name '*.ts' -o -name '*.html' -o -name '*.css' 2>/dev/null) extension/scripts/build-playground.mjs
	cd extension && npm run --silent build:playground

# The binary embeds the module, the default bundle and the playground.
$(BIN): $(WASM) $(PLAYGROUND) $(shell find cmd engine bundles -name '*.go' -o -name '*.yaml' -o -name '*.jsonl' -o -name 'TZ*' 2>/dev/null) go.mod go.sum
	$(GO) build -o $(BIN) ./cmd/heed

# The main job on built-in defaults: the bundle server on 127.0.0.1:8080
# with the default bundle published to channel stable (scripts/dev-server.sh).
run: build
	@./scripts/dev-server.sh

# Check the sample drafts in testdata/ against the default bundle and print
# the warnings as a table.
samples: $(BIN)
	@$(BIN) check --jsonl --format table < testdata/samples.jsonl

test: check-format vet staticcheck test-go test-bundles test-extension e2e

check-format:
	@out=$$(gofmt -l cmd engine bundles server wasm internal); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

test-go:
	$(GO) test -count=1 ./...

test-bundles: $(BIN)
	$(BIN) lint $(BUNDLES)
	$(BIN) test $(BUNDLES)

# The extension's code (TypeScript, type-checked by tsc) and its tests in
# Node against the built module.
extension/node_modules/.package-lock.json: extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund
	touch $@

extension-deps: extension/node_modules/.package-lock.json

# The extension: dist/extension (release: the three sites), dist/extension-test
# (also loopback fixture pages) and dist/heed-extension.zip.
extension: extension-deps dist/heed.wasm dist/default.json
	cd extension && npm run --silent build

test-extension: build extension-deps
	cd extension && npm run typecheck && npm test

# Debian's Chromium for the browser tests; installed when missing and root.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "the browser tests need Chromium at $(CHROMIUM): install the Debian package chromium"; exit 1; \
		fi; \
	fi

# The browser end-to-end tests alone.
e2e: build chromium
	cd extension && CHROMIUM=$(CHROMIUM) npm run --silent e2e

# Benchmarks, side by side in one run, and one table of medians, spread and
# ratios (scripts/bench.sh; raw lines in bench.out): the engine natively,
# under wazero and in Node; scaling with text and lexicon size; the peers
# alex and obscenity on eval/dev.jsonl; keystroke-to-underline in Chromium;
# heed serve against nginx with wrk (installed when missing).
bench: build extension-deps chromium
	BENCH_COUNT=$(BENCH_COUNT) CHROMIUM=$(CHROMIUM) scripts/bench.sh

BENCH_COUNT ?= 6

# A short fuzzing run of every fuzz target (FUZZTIME=10m for a long one).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzEvaluateLinear$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBundle$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzParseExample$$' -fuzztime $(FUZZTIME) ./engine/
	$(GO) test -run '^$$' -fuzz '^FuzzLoadYAML$$' -fuzztime $(FUZZTIME) ./engine/source/
	$(GO) test -run '^$$' -fuzz '^FuzzParity$$' -fuzztime $(FUZZTIME) ./wasm/host/

# Regenerates the easyjson code after a change to the bundle model, and
# the extension's copy of the facts Go and TypeScript share
# (extension/src/shared/limits.gen.ts; a Go test fails while it is stale).
generate:
	$(GO) generate ./engine/...
	$(GO) run ./internal/genlimits

clean:
	rm -rf bin dist bench.out
