import { test } from "node:test";
import assert from "node:assert/strict";

import { ask } from "../src/shared/messages";

/** Stands in for chrome.runtime.sendMessage: each call takes the next answer. */
function runtime(answers: ((msg: unknown) => Promise<unknown>)[]) {
  const sent: { type: string; sentAt: number }[] = [];
  (globalThis as unknown as { chrome: unknown }).chrome = {
    runtime: {
      sendMessage: (msg: { type: string; sentAt: number }) => {
        sent.push(msg);
        const next = answers.shift();
        return next ? next(msg) : Promise.reject(new Error("no more answers"));
      },
    },
  };
  return sent;
}

test("a lost message is sent again, stamped anew, and the answer comes back", async () => {
  const sent = runtime([() => new Promise(() => undefined), async () => ({ officialAccounts: ["@Council"] })]);
  const res = await ask<{ officialAccounts: string[]; error?: string }>({ type: "heed:config" }, 3, 20);
  assert.deepEqual(res.officialAccounts, ["@Council"]);
  assert.equal(sent.length, 2);
  assert.ok(sent[1]!.sentAt >= sent[0]!.sentAt && sent[0]!.sentAt > 0);
});

test("no answer, an empty answer and an error each count as a failed attempt", async () => {
  runtime([async () => undefined, async () => ({ error: "engine: bundle did not load" }), async () => ({ findings: [] })]);
  assert.deepEqual(await ask<{ findings: unknown[]; error?: string }>({ type: "heed:evaluate", text: "x", context: {} }, 3, 20), {
    findings: [],
  });
});

test("after the last attempt the last failure is thrown", async () => {
  runtime([async () => ({ error: "first" }), async () => ({ error: "engine: bundle did not load" })]);
  await assert.rejects(ask({ type: "heed:config" }, 2, 20), /bundle did not load/);
  runtime([() => new Promise(() => undefined)]);
  await assert.rejects(ask({ type: "heed:config" }, 1, 20), /no answer in 20 ms/);
});
