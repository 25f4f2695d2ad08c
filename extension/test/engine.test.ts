import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";

import { bundleInside, HeedEngine, HeedError } from "../src/engine/engine";
import { corpusDir, defaultBundlePath, heedBin, modulePath, requireBuilt } from "./paths";
import { defaultBundle, keygen, signed } from "./signer";

async function engine(): Promise<HeedEngine> {
  requireBuilt();
  const e = await HeedEngine.create(readFileSync(modulePath));
  e.load(readFileSync(defaultBundlePath, "utf8"));
  return e;
}

test("the module in Node gives the findings of heed check --engine native", async () => {
  const e = await engine();
  const input = readdirSync(corpusDir)
    .filter((f) => f.endsWith(".jsonl"))
    .map((f) => readFileSync(resolve(corpusDir, f), "utf8"))
    .join("");
  const posts = input.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(posts.length > 400, `${posts.length} posts`);
  const native = execFileSync(heedBin, ["check", "--jsonl", "--engine", "native", "--bundle", defaultBundlePath], {
    input,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  })
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.equal(native.length, posts.length);
  posts.forEach((p, i) => {
    const got = e
      .evaluate(p.text, { platform: p.platform, surface: p.surface, account: p.account, time: p.time })
      .map(({ rule, category, severity, start, end, message }) => ({ rule, category, severity, start, end, message }));
    assert.deepEqual({ id: p.id, findings: got }, native[i], p.id);
  });
});

test("offsets are UTF-16, as the browser's strings", async () => {
  const e = await engine();
  const text = "🎉🎉 nino: PR 123612C";
  const [f] = e.evaluate(text, { account: "personal", time: "2026-11-07T19:00:00Z" });
  assert.ok(f);
  assert.equal(text.slice(f.start, f.end), "PR 123612C");
  assert.ok(f.citations.length > 0);
});

test("errors come back as HeedError and the engine carries on", async () => {
  const e = await engine();
  assert.throws(() => e.evaluate("hello", { platform: "myspace", time: "2026-01-01T10:00:00Z" }), (err: unknown) => {
    return err instanceof HeedError && /platform "myspace"/.test(err.message);
  });
  assert.throws(() => e.evaluate("hello", {}), /time/);
  const findings = e.evaluate("Bollocks", { account: "personal", time: "2026-01-01T20:00:00Z" });
  assert.deepEqual(
    findings.map((f) => f.rule),
    ["swearing"],
  );
});

test("a megabyte draft grows memory and later calls still read it right", async () => {
  const e = await engine();
  const unit = "Call me on 07700 900614 tonight. ";
  const big = unit.repeat(Math.floor(1_000_000 / unit.length));
  const [f] = e.evaluate(big, { account: "personal", time: "2026-01-01T20:00:00Z" });
  assert.equal(f?.spans.length, Math.floor(1_000_000 / unit.length));
  const small = e.evaluate("Bollocks", { account: "personal", time: "2026-01-01T20:00:00Z" });
  assert.equal(small.length, 1);
});

test("a bundle that does not compile is refused with its problems", async () => {
  requireBuilt();
  const e = await HeedEngine.create(readFileSync(modulePath));
  const bundle = JSON.parse(readFileSync(defaultBundlePath, "utf8"));
  bundle.rules[0].category = "rudeness";
  assert.throws(() => e.load(JSON.stringify(bundle)), /\/rules\/0\/category: unknown category "rudeness"/);
});

test("a rule's https link reaches its finding; the module refuses any other scheme", async () => {
  requireBuilt();
  const e = await HeedEngine.create(readFileSync(modulePath));
  const bundle = JSON.parse(readFileSync(defaultBundlePath, "utf8"));
  const ctx = { account: "personal", time: "2026-01-01T20:00:00Z" };
  e.load(JSON.stringify(bundle));
  const plain = e.evaluate("Bollocks", ctx);
  assert.equal(plain.length, 1);
  assert.equal(plain[0]?.link, undefined);

  const i = bundle.rules.findIndex((r: { id: string }) => r.id === plain[0]?.rule);
  bundle.rules[i].link = "https://intranet.example.gov/policy#language";
  e.load(JSON.stringify(bundle));
  assert.equal(e.evaluate("Bollocks", ctx)[0]?.link, "https://intranet.example.gov/policy#language");

  bundle.rules[i].link = "javascript:alert(1)";
  assert.throws(() => e.load(JSON.stringify(bundle)), new RegExp(`/rules/${i}/link: link "javascript:alert\\(1\\)"`));
});

test("a signed bundle loads only with a trusted key, verified in the module", async () => {
  requireBuilt();
  const dir = mkdtempSync(resolve(tmpdir(), "heed-sign-"));
  const key = resolve(dir, "k");
  const other = resolve(dir, "other");
  const signed = resolve(dir, "signed.json");
  execFileSync(heedBin, ["keygen", "-o", key], { stdio: "ignore" });
  execFileSync(heedBin, ["keygen", "-o", other], { stdio: "ignore" });
  execFileSync(heedBin, ["sign", "--key", `${key}.key`, defaultBundlePath, "-o", signed], { stdio: "ignore" });

  const e = await HeedEngine.create(readFileSync(modulePath));
  e.trust(readFileSync(`${key}.pub`, "utf8"));
  const info = e.load(readFileSync(signed, "utf8"));
  assert.equal(info.name, "default");
  assert.ok(info.keyid && info.expires);
  assert.deepEqual(
    e.evaluate("Bollocks", { account: "personal", time: "2026-01-01T20:00:00Z" }).map((f) => f.rule),
    ["swearing"],
  );
  assert.throws(() => e.load(readFileSync(defaultBundlePath, "utf8")), /only signed envelopes load/);

  const stranger = await HeedEngine.create(readFileSync(modulePath));
  stranger.trust(readFileSync(`${other}.pub`, "utf8"));
  assert.throws(() => stranger.load(readFileSync(signed, "utf8")), /no valid signature by a trusted key/);
});

test("an envelope is told from a bare bundle by parsing: leading whitespace and key order do not matter", async () => {
  const key = keygen();
  const now = Date.now();
  const env = JSON.parse(signed(key, 4, now - 60_000, now + 3_600_000));
  const forms = {
    "leading whitespace": ` \n\t\r\n${JSON.stringify(env)}`,
    "signatures first, whitespace past 64 bytes": `${" ".repeat(100)}${JSON.stringify({ signatures: env.signatures, payload: env.payload, payloadType: env.payloadType })}`,
  };
  for (const [what, text] of Object.entries(forms)) {
    assert.equal(bundleInside(text).rules?.length, defaultBundle().rules.length, what);
    const e = await HeedEngine.create(readFileSync(modulePath));
    e.trust(JSON.stringify(key.keys));
    assert.equal(e.load(text).version, 4, what);
    assert.deepEqual(
      e.evaluate("Bollocks", { account: "personal", time: "2026-01-01T20:00:00Z" }).map((f) => f.rule),
      ["swearing"],
      what,
    );
  }
  // A payloadType makes an envelope: one without a readable payload is no bundle.
  assert.throws(() => bundleInside(JSON.stringify({ payloadType: env.payloadType, payload: 7, rules: [] })), /not an envelope: its payload is not base64 text/);
  assert.throws(() => bundleInside(JSON.stringify({ payloadType: env.payloadType, payload: "!!!" })), /not an envelope: its payload does not read/);
  assert.throws(() => bundleInside("[]"), /want a JSON object/);
});
