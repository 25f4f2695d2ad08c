import { test } from "node:test";
import assert from "node:assert/strict";

import { Coalescer } from "../src/content/coalesce";

/** A run whose answers the test releases by hand. */
function controlled() {
  const calls: { value: string; resolve: (r: string) => void; reject: (e: unknown) => void }[] = [];
  const run = (value: string) => new Promise<string>((resolve, reject) => calls.push({ value, resolve, reject }));
  return { calls, run };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test("one evaluation in flight, and the newest text wins", async () => {
  const { calls, run } = controlled();
  const delivered: string[] = [];
  const c = new Coalescer<string, string>(run, (v, r) => delivered.push(`${v}=${r}`));
  c.push("a");
  c.push("ab");
  c.push("abc");
  assert.equal(calls.length, 1, "only the first is in flight");
  assert.ok(c.busy);
  calls[0]!.resolve("A");
  await tick();
  assert.deepEqual(delivered, [], "a stale answer is dropped");
  assert.equal(calls.length, 2);
  assert.equal(calls[1]!.value, "abc", "the waiting value is the newest; ab was skipped");
  calls[1]!.resolve("ABC");
  await tick();
  assert.deepEqual(delivered, ["abc=ABC"]);
  assert.ok(!c.busy);
});

test("a failure is reported unless newer text waits, and the next push runs", async () => {
  const { calls, run } = controlled();
  const failed: string[] = [];
  const c = new Coalescer<string, string>(run, () => undefined, (v) => failed.push(v));
  c.push("x");
  calls[0]!.reject(new Error("worker restarting"));
  await tick();
  assert.deepEqual(failed, ["x"]);
  c.push("y");
  assert.equal(calls.length, 2);
});
