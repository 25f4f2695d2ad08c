#!/usr/bin/env bash
# make bench: every measurement side by side in one run on this machine,
# then one table (scripts/bench-table.mjs) of medians, spread and ratios.
# Raw lines go to bench.out (Go's benchmark format; benchstat reads them).
# Starts and stops its own servers; leaves nothing running.
#
#   BENCH_COUNT=6 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${BENCH_COUNT:-6}
out=bench.out
: >"$out"
log() { echo "== $*" >&2; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"

log "1. engine: native and wazero (go test ./wasm/host)"
go test -run '^$' -bench 'Evaluate|ColdStart' -count "$count" ./wasm/host/ | tee -a "$out" >&2
log "2. scaling: text length and lexicon size (go test ./engine)"
go test -run '^$' -bench 'Evaluate|Scaling|NearWorstCase' -benchmem -count "$count" ./engine/ | tee -a "$out" >&2
go test -run '^$' -bench 'LinearMemory' -benchtime 100000x ./wasm/host/ | tee -a "$out" >&2

log "1, 3. the module in Node, and the peers (alex, obscenity) on eval/dev.jsonl"
(cd extension && node scripts/build-tests.mjs && BENCH_COUNT="$count" node .build/bench/engine.bench.mjs && BENCH_COUNT="$count" node .build/bench/peers.bench.mjs) | tee -a "$out" >&2

log "4. browser: keystroke to underline (3 runs of the e2e latency test)"
(cd extension && npm run --silent e2e:build)
for _ in 1 2 3; do
	(cd extension && CHROMIUM="${CHROMIUM:-/usr/bin/chromium}" node --test --test-name-pattern 'keystroke' .build/e2e/extension.e2e.mjs 2>&1) | grep 'keystroke-to-underline ms' | tee -a "$out" >&2
done

log "5. server: heed serve against nginx (wrk)"
scripts/bench-server.sh 5 3 | tee -a "$out" >&2

echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
echo "module: $(wc -c <dist/heed.wasm) bytes, $(gzip -9 -c dist/heed.wasm | wc -c) gzipped" | tee -a "$out"
go tool benchstat -filter '.unit:(ns/op OR MB/s)' "$out" >&2 || true
node scripts/bench-table.mjs "$out"
