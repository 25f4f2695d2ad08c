// Reads the lines of `make bench` (Go's benchmark format, from Go, Node,
// the browser harness and the server script) and prints one table:
// medians, spread (min-max) and ratios against the peers, with the command
// that repeats each group alone.
//
//   node scripts/bench-table.mjs bench.out
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "bench.out";
const series = new Map(); // name -> unit -> values
let load = [];
for (const line of readFileSync(file, "utf8").split("\n")) {
  if (line.startsWith("load ")) load.push(line.trim());
  const lat = line.match(/keystroke-to-underline ms: warm p50 ([\d.]+) p95 ([\d.]+) \(n=\d+\); after stopAllWorkers p50 ([\d.]+) p95 ([\d.]+)/);
  if (lat) {
    add("Browser/warm", "ms p50", +lat[1]);
    add("Browser/warm", "ms p95", +lat[2]);
    add("Browser/cold", "ms p50", +lat[3]);
    add("Browser/cold", "ms p95", +lat[4]);
    continue;
  }
  const m = line.match(/^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$/);
  if (!m) continue;
  const fields = m[2].trim().split(/\s+/);
  for (let i = 0; i + 1 < fields.length; i += 2) add(m[1], fields[i + 1], Number(fields[i]));
}

function add(name, unit, v) {
  if (!Number.isFinite(v)) return;
  if (!series.has(name)) series.set(name, new Map());
  const units = series.get(name);
  if (!units.has(unit)) units.set(unit, []);
  units.get(unit).push(v);
}

function stats(name, unit) {
  const vs = series.get(name)?.get(unit);
  if (!vs?.length) return null;
  const s = [...vs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: mid, min: s[0], max: s[s.length - 1], n: s.length };
}

function fmt(v, unit) {
  if (unit === "ns/op" || unit === "ns/post") {
    if (v >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
    if (v >= 1e3) return `${(v / 1e3).toFixed(1)} µs`;
    return `${v.toFixed(0)} ns`;
  }
  if (unit === "req/s") return `${Math.round(v)}`;
  if (unit === "B/op" || unit === "bytes") return `${(v / 1048576).toFixed(1)} MiB`;
  return Number.isInteger(v) ? String(v) : v.toFixed(unit.startsWith("ms") ? 1 : 3);
}

const rows = [];
function section(title, repeat) {
  rows.push({ section: title, repeat });
}
function row(label, name, unit, base, baseLabel) {
  const s = stats(name, unit);
  if (!s) return rows.push({ label, value: "not measured" });
  let ratio = "";
  if (base) {
    const b = stats(base, unit);
    if (b) ratio = `${(s.median / b.median).toFixed(2)}x ${baseLabel}`;
  }
  rows.push({ label, value: `${fmt(s.median, unit)} ${unit.replace(/^ns\//, "/")}`, spread: `${fmt(s.min, unit)} - ${fmt(s.max, unit)}`, n: s.n, ratio });
}

section("1. Engine: default bundle, per evaluation", "go test -run '^$' -bench 'Evaluate' -count 6 ./wasm/host/ ; cd extension && node .build/bench/engine.bench.mjs");
for (const n of [280, 3000]) {
  const native = `Evaluate/engine=native/chars=${n}`;
  row(`${n} chars, native Go`, native, "ns/op");
  row(`${n} chars, module under wazero`, `Evaluate/engine=wazero/chars=${n}`, "ns/op", native, "native");
  row(`${n} chars, module in Node`, `Evaluate/engine=node/chars=${n}`, "ns/op", native, "native");
}
row("cold start, wazero (compilation cache)", "ColdStart/cache=true", "ns/op");
row("cold start, Node", "NodeColdStart", "ns/op");

section("2. Scaling: native, linear in text, flat in terms", "go test -run '^$' -bench 'Scaling|Evaluate' -count 6 ./engine/");
for (const n of [100, 300, 1000, 3000, 10000, 30000]) row(`${n} chars (MB/s flat = linear)`, `Scaling/chars=${n}`, "MB/s");
for (const n of [280, 3000]) {
  for (const f of [1, 10, 100]) row(`${n} chars, lexicons ${f}x`, `Evaluate/lexicons=${f}x/chars=${n}`, "ns/op", f > 1 ? `Evaluate/lexicons=1x/chars=${n}` : "", "1x");
}

// The worst case for proximity (hardening issue, item 8): goal under 20 ms
// for 64 KB natively; time per byte flat from 64 KB to 256 KB.
section("2b. Worst case for near: \"labour vote for \" repeated, native", "go test -run '^$' -bench NearWorstCase -count 6 ./engine/");
for (const name of ["near", "near-depth=8", "default"]) {
  for (const n of [65536, 262144]) row(`${name}, ${n >> 10} KB`, `NearWorstCase/bundle=${name}/bytes=${n}`, "ns/op", n > 65536 ? `NearWorstCase/bundle=${name}/bytes=65536` : "", "64 KB");
}

section("3. Peers on every post of eval/dev.jsonl (Node)", "cd extension && node .build/bench/peers.bench.mjs");
row("Heed (all 15 categories)", "Peers/tool=heed", "ns/post");
row("alex", "Peers/tool=alex", "ns/post", "Peers/tool=heed", "Heed's time");
row("obscenity", "Peers/tool=obscenity", "ns/post", "Peers/tool=heed", "Heed's time");
for (const tool of ["heed", "alex", "obscenity"]) {
  for (const cat of ["offensive-language", "discrimination-harassment"]) {
    const p = stats(`Quality/tool=${tool}/category=${cat}`, "precision");
    const r = stats(`Quality/tool=${tool}/category=${cat}`, "recall");
    if (p && r) rows.push({ label: `${tool}, ${cat}`, value: `P ${p.median.toFixed(2)} R ${r.median.toFixed(2)}` });
  }
}

section("4. Browser: keystroke to underline (extension e2e harness)", "make e2e (prints the latency line)");
for (const k of ["warm", "cold"]) for (const u of ["ms p50", "ms p95"]) row(`${k === "cold" ? "after stopAllWorkers" : "warm"}, ${u.slice(3)}`, `Browser/${k}`, u);

section("5. Server: wrk -t2 -c64 on loopback, same envelope", "scripts/bench-server.sh 5 3");
for (const r of ["304", "gzip"]) {
  row(`${r === "304" ? "304 revalidation" : "200 gzip"}, nginx`, `Server/response=${r}/server=nginx`, "req/s");
  row(`${r === "304" ? "304 revalidation" : "200 gzip"}, heed serve`, `Server/response=${r}/server=heed`, "req/s", `Server/response=${r}/server=nginx`, "nginx");
}
// An older version, GET .../bundles/1: compressed once, so near /bundle.
row("200 gzip, an older version, heed", "Server/response=version-gzip/server=heed", "req/s", "Server/response=gzip/server=heed", "heed /bundle");

const w = [44, 16, 24, 3, 22];
const pad = (s, n) => String(s ?? "").padEnd(n);
console.log(`\n${pad("measure", w[0])} ${pad("median", w[1])} ${pad("spread (min - max)", w[2])} ${pad("n", w[3])} ratio`);
for (const r of rows) {
  if (r.section) {
    console.log(`\n${r.section}\n  repeat: ${r.repeat}`);
    continue;
  }
  console.log(`${pad("  " + r.label, w[0])} ${pad(r.value, w[1])} ${pad(r.spread, w[2])} ${pad(r.n, w[3])} ${r.ratio ?? ""}`);
}
if (load.length) console.log(`\n${load.join("\n")}`);
