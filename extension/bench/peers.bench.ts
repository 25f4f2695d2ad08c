// Heed's module in Node against two peers on the same posts: alex
// (retext-equality and retext-profanities: insensitive and profane
// wording) and obscenity (profanity matching). Every post of the labelled
// set is checked by each, round after round, and each round's time per
// post is printed in Go's benchmark format, so the table and benchstat
// read it beside the rest:
//
//	BenchmarkPeers/tool=heed  97  T ns/post
//
// Quality on the categories the peers cover (offensive-language,
// discrimination-harassment), over the same posts:
//
//	BenchmarkQuality/tool=alex/category=offensive-language  97  P precision  R recall
//
// Heed checks all fifteen categories in the time it is given here.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { text as alex } from "alex";
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from "obscenity";

import { HeedEngine } from "../src/engine/engine";
import { defaultBundlePath, modulePath, requireBuilt } from "../test/paths";

interface Post {
  id: string;
  text: string;
  platform?: string;
  surface?: string;
  account?: string;
  time?: string;
  expect?: string[];
}

const root = resolve(process.cwd(), "..");
const shared = resolve(root, "../shared/eval/dev.jsonl");
// The shared labelled set; the default bundle keeps a copy for machines without it.
const evalPath = process.env.HEED_EVAL ?? (existsSync(shared) ? shared : resolve(root, "bundles/default/corpus/dev.jsonl"));
const posts: Post[] = readFileSync(evalPath, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Post);
const rounds = Number(process.env.BENCH_COUNT ?? 6);
const covered = ["offensive-language", "discrimination-harassment"];

requireBuilt();
const engine = await HeedEngine.create(readFileSync(modulePath));
engine.load(readFileSync(defaultBundlePath, "utf8"));
const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** Each tool: the categories it gives a post. */
const tools: Record<string, (p: Post) => Set<string>> = {
  heed: (p) =>
    new Set(
      engine
        .evaluate(p.text, { platform: p.platform ?? "other", surface: p.surface ?? "post", account: p.account ?? "unknown", time: p.time ?? new Date().toISOString() })
        .map((f) => f.category),
    ),
  alex: (p) =>
    new Set(
      alex(p.text).messages.map((m) => (m.source === "retext-profanities" ? "offensive-language" : "discrimination-harassment")),
    ),
  obscenity: (p) => new Set(obscenity.getAllMatches(p.text).length > 0 ? ["offensive-language"] : []),
};
/** The categories each peer claims to cover. */
const claims: Record<string, string[]> = { heed: covered, alex: covered, obscenity: ["offensive-language"] };

for (const [name, check] of Object.entries(tools)) {
  // Warm up: JIT, the module's first calls, alex's word lists.
  for (let i = 0; i < 3; i++) for (const p of posts) check(p);
  for (let r = 0; r < rounds; r++) {
    // Enough passes over the set that a round takes at least 200 ms.
    let passes = 0;
    const t0 = performance.now();
    do {
      for (const p of posts) check(p);
      passes++;
    } while (performance.now() - t0 < 200);
    const ns = ((performance.now() - t0) * 1e6) / (passes * posts.length);
    console.log(`BenchmarkPeers/tool=${name} ${passes * posts.length} ${Math.round(ns)} ns/post`);
  }
  for (const cat of claims[name]!) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const p of posts) {
      const want = (p.expect ?? []).includes(cat);
      const got = check(p).has(cat);
      if (got && want) tp++;
      else if (got) fp++;
      else if (want) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    console.log(`BenchmarkQuality/tool=${name}/category=${cat} ${posts.length} ${precision.toFixed(3)} precision ${recall.toFixed(3)} recall`);
  }
}
