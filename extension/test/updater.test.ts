// The updater with the real engine: the module verifies every envelope
// (Engines, as the offscreen worker runs it), while chrome.storage, alarms
// and the server are stood in for. A clock the tests move stands for time
// passing; the module's own clock is the real one, so every envelope here
// is valid now by the real clock and expires in the tests' future.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { fallbackReason, readCapped, Updater, lastGoodKey, statusKey, type LastGood, type UpdateStatus } from "../src/background/updater";
import { Engines } from "../src/offscreen/engines";
import { maxEnvelopeBytes, maxVersion } from "../src/shared/limits.gen";
import type { ConfigResponse, InstallRequest, StateRequest } from "../src/shared/messages";
import { defaultBundlePath, modulePath, requireBuilt } from "./paths";
import { keygen, signed, type TestKey } from "./signer";

const server = "https://heed.test";
const url = `${server}/v1/channels/stable/bundle`;
const minute = 60_000;

/** chrome.storage (local and managed) and chrome.alarms, in memory. */
function fakeChrome(managed: Record<string, unknown>) {
  const local = new Map<string, unknown>();
  const alarms = new Map<string, { name: string; scheduledTime: number; periodInMinutes?: number }>();
  const get = async (keys: string | string[] | null) => {
    const names = keys === null ? [...local.keys()] : typeof keys === "string" ? [keys] : keys;
    return Object.fromEntries(names.filter((k) => local.has(k)).map((k) => [k, structuredClone(local.get(k))]));
  };
  (globalThis as unknown as { chrome: unknown }).chrome = {
    storage: {
      local: {
        get,
        set: async (items: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(items)) local.set(k, structuredClone(v));
        },
        remove: async (keys: string | string[]) => {
          for (const k of typeof keys === "string" ? [keys] : keys) local.delete(k);
        },
      },
      managed: { get: async () => structuredClone(managed) },
    },
    alarms: {
      get: async (name: string) => alarms.get(name),
      create: async (name: string, info: { when?: number; periodInMinutes?: number; delayInMinutes?: number }) => {
        alarms.set(name, { name, scheduledTime: info.when ?? Date.now() + (info.delayInMinutes ?? 0) * minute, periodInMinutes: info.periodInMinutes });
      },
      clear: async (name: string) => alarms.delete(name),
    },
  };
  return { local, alarms };
}

/** The server: each request takes the next answer, given the request's If-None-Match. */
type Answer = (ifNoneMatch: string | undefined) => Response;

interface World {
  key: TestKey;
  clock: { now: number };
  local: Map<string, unknown>;
  alarms: Map<string, { scheduledTime: number }>;
  answers: Answer[];
  requests: (string | undefined)[];
  engines: Engines;
  updater: Updater;
  /** A new offscreen document and service worker, as after a restart: storage stays. */
  restart(): Updater;
}

function world(managedExtra: Record<string, unknown> = {}): World {
  requireBuilt();
  const key = keygen();
  const { local, alarms } = fakeChrome({ serverUrl: server, channel: "stable", trustedKeys: key.keys, ...managedExtra });
  const clock = { now: Date.now() };
  const compiled = WebAssembly.compile(readFileSync(modulePath));
  const builtIn = readFileSync(defaultBundlePath, "utf8");
  const answers: Answer[] = [];
  const requests: (string | undefined)[] = [];
  const w = {
    key,
    clock,
    local,
    alarms,
    answers,
    requests,
    engines: undefined as unknown as Engines,
    updater: undefined as unknown as Updater,
    restart(): Updater {
      const engines = new Engines({ module: () => compiled, builtIn: async () => builtIn, now: () => clock.now });
      const toOffscreen = async (msg: InstallRequest | StateRequest) => {
        try {
          return msg.type === "heed:install" ? await engines.install(msg) : await engines.config();
        } catch (err) {
          return { error: err instanceof Error ? err.message : String(err), officialAccounts: [] };
        }
      };
      const updater = new Updater(toOffscreen, {
        now: () => clock.now,
        fetch: async (u, init) => {
          assert.equal(u, url);
          const inm = (init.headers as Record<string, string>)["If-None-Match"];
          requests.push(inm);
          const next = answers.shift();
          if (!next) throw new Error("no answer queued");
          return next(inm);
        },
      });
      w.engines = engines;
      w.updater = updater;
      return updater;
    },
  };
  w.restart();
  return w;
}

/** The server's answer: the envelope with its ETag, or 304 when the client has it. */
function serve(envelope: string, etag: string): Answer {
  return (inm) => (inm === etag ? new Response(null, { status: 304, headers: { ETag: etag } }) : new Response(envelope, { status: 200, headers: { ETag: etag } }));
}

async function runs(w: World): Promise<ConfigResponse["bundle"]> {
  return (await w.engines.config()).bundle;
}

test("the bundle in force expires: it is dropped, and a 304 does not clear the error, before or after a restart", async () => {
  const w = world();
  const now = w.clock.now;
  const expires = now + 10 * minute;
  w.answers.push(serve(signed(w.key, 5, now - minute, expires), '"v5"'));
  let st = await w.updater.check();
  assert.equal(st.error, undefined);
  assert.deepEqual([st.bundle?.source, st.bundle?.version], ["server", 5]);
  assert.equal(w.alarms.get("heed-expiry")?.scheduledTime, Math.floor(expires / 1000) * 1000 + 1000, "a check is set for just after the expiry");

  // Past the expiry: the server has nothing newer.
  w.clock.now = expires + 1000;
  w.answers.push(serve("", '"v5"'));
  st = await w.updater.check();
  assert.equal(w.requests.at(-1), '"v5"', "the poll asked with the kept ETag and got a 304");
  assert.match(st.error ?? "", /^version 5 expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; the built-in rules are running until the server sends a newer bundle$/);
  assert.equal(st.bundle?.source, "built-in", "the status says the built-in rules run");
  assert.equal((await runs(w))?.source, "built-in", "and they do");
  assert.deepEqual(((await w.local.get(statusKey)) as UpdateStatus).error, st.error, "the popup reads the same");

  // A restart: the kept bundle is refused, and the next 304 does not hide why.
  const after = w.restart();
  st = await after.restore();
  assert.match(st.error ?? "", /^version 5 expired at .*; the built-in rules are running/);
  assert.equal((await runs(w))?.source, "built-in");
  w.answers.push(serve("", '"v5"'));
  st = await after.check();
  assert.match(st.error ?? "", /^version 5 expired at .*; the built-in rules are running/);
  assert.equal(st.bundle?.source, "built-in");

  // A newer bundle ends it.
  w.answers.push(serve(signed(w.key, 6, now, w.clock.now + 10 * minute), '"v6"'));
  st = await after.check();
  assert.equal(st.error, undefined);
  assert.deepEqual([st.bundle?.source, st.bundle?.version], ["server", 6]);
});

test("the engine drops an expired bundle between polls: drafts never meet it, and the status says so at once", async () => {
  const w = world();
  const expires = w.clock.now + 10 * minute;
  w.answers.push(serve(signed(w.key, 3, w.clock.now - minute, expires), '"v3"'));
  await w.updater.check();
  const ctx = { account: "personal", time: "2026-01-01T20:00:00Z" };
  assert.deepEqual((await w.engines.evaluate("Bollocks", ctx)).map((f) => f.rule), ["swearing"]);
  w.clock.now = expires;
  assert.equal((await runs(w))?.source, "built-in", "expired at its expiry time, not a poll later");
  const st = await w.updater.refresh();
  assert.match(st.error ?? "", /^version 3 expired at/);
  assert.equal(st.checkedAt !== undefined, true, "a refresh keeps the last check's time");
});

test("a bundle issued before the one in force is refused, whatever its version", async () => {
  const w = world();
  const now = w.clock.now;
  w.answers.push(serve(signed(w.key, 2, now - minute, now + 60 * minute), '"v2"'));
  await w.updater.check();
  w.answers.push(serve(signed(w.key, 3, now - 2 * minute, now + 60 * minute), '"v3-old"'));
  const st = await w.updater.check();
  assert.match(st.error ?? "", /a new bundle was refused: version 3 was issued at .*Z, before .*Z, when the last accepted bundle was issued \(a replay\)/);
  assert.deepEqual([(await runs(w))?.source, (await runs(w))?.version], ["server", 2]);

  // The same issue time is not earlier: a re-issue at the same second passes.
  w.answers.push(serve(signed(w.key, 4, now - minute, now + 60 * minute), '"v4"'));
  assert.equal((await w.updater.check()).error, undefined);
  assert.equal((await runs(w))?.version, 4);
  const kept = (await w.local.get(lastGoodKey)) as LastGood;
  assert.ok(kept.issued && kept.expires, "the kept record says when its bundle was issued and expires");
});

test("the worker refuses by minIssued and minVersion as given, and names a version out of range", async () => {
  const w = world();
  const now = w.clock.now;
  const env = signed(w.key, 7, now - minute, now + 60 * minute);
  await assert.rejects(w.engines.install({ envelope: env, keys: w.key.keys, minVersion: 0, minIssued: new Date(now).toISOString() }), /issued at .* before .*\(a replay\)/);
  await assert.rejects(w.engines.install({ envelope: env, keys: w.key.keys, minVersion: 7 }), /version 7 is not above version 7/);
  await assert.rejects(w.engines.install({ envelope: env, keys: w.key.keys, minVersion: 2 ** 53 }), /the last accepted version 9007199254740992 is not a bundle version: want a whole number from 1 to 9007199254740991/);
  await assert.rejects(w.engines.install({ envelope: env, keys: w.key.keys, minVersion: 6.5 }), /not a bundle version/);
  assert.equal((await w.engines.install({ envelope: env, keys: w.key.keys, minVersion: 7, allowSame: true })).version, 7);
});

test("the kept bundle at the highest version is handed back at a start, and nothing is above it", async () => {
  const w = world();
  const now = w.clock.now;
  w.answers.push(serve(signed(w.key, maxVersion, now - minute, now + 60 * minute), '"max"'));
  assert.equal((await w.updater.check()).error, undefined);
  assert.equal(((await w.local.get(lastGoodKey)) as LastGood).version, maxVersion);

  const after = w.restart();
  const st = await after.restore();
  assert.equal(st.error, undefined);
  assert.deepEqual([st.bundle?.source, st.bundle?.version], ["server", maxVersion]);
  w.answers.push(serve(signed(w.key, maxVersion, now, now + 60 * minute), '"max-again"'));
  assert.match((await after.check()).error ?? "", /version 9007199254740991 is not above version 9007199254740991/);
  assert.equal((await runs(w))?.version, maxVersion);
});

test("a kept version beyond what a number holds exactly is refused by name, and polls start afresh", async () => {
  const w = world();
  const now = w.clock.now;
  const old: LastGood = { envelope: signed(w.key, 3, now - minute, now + 60 * minute), version: 2 ** 53 + 2, name: "default", etag: '"huge"', url };
  w.local.set(lastGoodKey, old);
  let st = await w.updater.restore();
  assert.match(st.error ?? "", /the kept bundle \(version 9007199254740994\) was refused: its version 9007199254740994 is not a bundle version: want a whole number from 1 to 9007199254740991; the built-in rules are running/);
  assert.equal((await runs(w))?.source, "built-in");
  w.answers.push(serve(signed(w.key, 1, now, now + 60 * minute), '"v1"'));
  st = await w.updater.check();
  assert.equal(w.requests.at(-1), undefined, "no If-None-Match from a record no version compares with");
  assert.equal(st.error, undefined);
  assert.deepEqual([st.bundle?.source, st.bundle?.version], ["server", 1]);
});

test("downloads stop at maxEnvelopeBytes: a declared length above it, or a body that grows past it", async () => {
  const w = world();
  let pulled = 0;
  const body = (chunk: number) =>
    new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += chunk;
        c.enqueue(new Uint8Array(chunk).fill(0x20));
      },
    });
  w.answers.push(() => new Response(body(1 << 16), { status: 200, headers: { ETag: '"big"', "Content-Length": String(maxEnvelopeBytes + 1) } }));
  let st = await w.updater.check();
  assert.match(st.error ?? "", /larger than 8388608 bytes \(8 MiB\), the most a signed bundle may be/);
  assert.ok(pulled <= 2 * (1 << 16), `refused on the declared length, ${pulled} bytes pulled`);

  // No length, or a lie: read until the cap, then stop.
  pulled = 0;
  w.answers.push(() => new Response(body(1 << 16), { status: 200, headers: { ETag: '"endless"' } }));
  st = await w.updater.check();
  assert.match(st.error ?? "", /larger than 8388608 bytes \(8 MiB\)/);
  assert.ok(pulled <= maxEnvelopeBytes + 4 * (1 << 16), `stopped after ${pulled} bytes`);
  assert.equal((await runs(w))?.source, "built-in");

  // Exactly at the cap is read whole.
  const at = await readCapped(new Response(new Uint8Array(1000).fill(0x61)), url, 1000);
  assert.equal(at.length, 1000);
  await assert.rejects(readCapped(new Response(new Uint8Array(1001).fill(0x61)), url, 1000), /larger than 1000 bytes, the most/);
});

test("the status says why the rules running are not the server's, or nothing when they are", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");
  const builtIn: ConfigResponse = { officialAccounts: [], bundle: { name: "default", version: 9, source: "built-in" } };
  const fromServer: ConfigResponse = { officialAccounts: [], bundle: { name: "default", version: 5, source: "server", expires: "2026-12-02T00:00:00Z", url } };
  const kept: LastGood = { envelope: "{}", version: 5, name: "default", etag: '"v5"', url, expires: "2026-12-02T00:00:00Z" };
  assert.equal(fallbackReason(fromServer, url, kept, now), undefined);
  assert.equal(fallbackReason(builtIn, undefined, undefined, now), undefined, "no server: the built-in rules are meant");
  assert.equal(fallbackReason(builtIn, url, undefined, now), undefined, "nothing from the server yet");
  assert.equal(fallbackReason(builtIn, url, { ...kept, expires: "2026-12-01T09:00:00Z" }, now), "version 5 expired at 2026-12-01T09:00:00Z; the built-in rules are running until the server sends a newer bundle");
  assert.match(fallbackReason(builtIn, url, { ...kept, refused: "no valid signature by a trusted key" }, now) ?? "", /^the kept bundle \(version 5\) was refused: no valid signature by a trusted key; the built-in rules are running/);
  assert.match(fallbackReason(builtIn, url, { ...kept, url: "https://other.test/v1/channels/stable/bundle" }, now) ?? "x", /^x$/, "a kept bundle of another server says nothing");
  assert.match(fallbackReason(fromServer, "https://other.test/v1/channels/beta/bundle", kept, now) ?? "", /came from .*heed\.test.*, not from .*other\.test/);
  assert.match(fallbackReason(undefined, url, kept, now) ?? "", /the engine did not say which rules run/);
});
