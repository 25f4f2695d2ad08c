// Times the module in Node, as the extension runs it, and prints the
// figures in Go's benchmark format so benchstat reads them beside the
// native and wazero ones:
//
//	BenchmarkNode/chars=280  N  T ns/op
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import { HeedEngine } from "../src/engine/engine";
import { defaultBundlePath, modulePath, requireBuilt } from "../test/paths";

const posts = [
  "With freezing temperatures expected overnight, the council's gritters will be spreading salt from 7pm and then again at 11pm tonight. ",
  "Oh for f*ck's sake, it's a bin, not a bomb. Call me on 07700 900614 if the crews miss it again!! ",
  "Proud to be a Conservative. Join us on the doorstep this weekend, and bring a friend 🎉 ",
  "Mr Kermode at 6 Ridgeway Road keeps reporting my van HN19 XKP to the council. Get a life. ",
];

function draft(n: number): string {
  let s = "";
  while (s.length < n) s += posts[s.length % posts.length];
  return s.slice(0, n);
}

const context = { platform: "facebook", surface: "post", account: "unknown", time: "2026-03-11T10:15:00+00:00" };
const count = Number(process.env.BENCH_COUNT ?? 6);

requireBuilt();
const wasm = readFileSync(modulePath);
const bundle = readFileSync(defaultBundlePath, "utf8");

for (let run = 0; run < count; run++) {
  const t0 = performance.now();
  const cold = await HeedEngine.create(wasm);
  cold.load(bundle);
  cold.evaluate("hello", context);
  console.log(`BenchmarkNodeColdStart 1 ${Math.round((performance.now() - t0) * 1e6)} ns/op`);
}

const engine = await HeedEngine.create(wasm);
engine.load(bundle);
for (const n of [280, 3000]) {
  const text = draft(n);
  for (let i = 0; i < 200; i++) engine.evaluate(text, context); // warm up
  for (let run = 0; run < count; run++) {
    const iterations = n === 280 ? 2000 : 200;
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) engine.evaluate(text, context);
    const ns = ((performance.now() - t0) * 1e6) / iterations;
    console.log(`BenchmarkEvaluate/engine=node/chars=${n} ${iterations} ${Math.round(ns)} ns/op`);
  }
}
