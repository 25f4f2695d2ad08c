// End to end: signed bundle updates and enterprise configuration. A real
// `heed serve` on loopback, behind a small loopback proxy that plays the
// network (it can tamper with an answer, replay an old one, or fail), and
// Chromium configured the way IT would: a managed policy file in
// /etc/chromium/policies/managed/ naming the server, channel and trusted
// key, written before launch and removed after.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";

import * as h from "./harness";

const policyFile = h.policyFile;
const policyDir = dirname(policyFile);

let dir = "";
let fixtures: Server;
let base = "";
let proxy: Server;
let proxyURL = "";
let heed: h.HeedServer;
let context: BrowserContext;
let popup: Page;
const envelopes: Record<string, string> = {};

/** What the proxy does with the next requests for the channel's bundle:
 *  pass them to heed serve, serve this envelope, or send an endless body
 *  with no Content-Length (a server that lies about its size). */
let mode: { kind: "pass" } | { kind: "serve"; body: string; etag: string } | { kind: "endless" } = { kind: "pass" };
/** The status of each answer heed serve gave for the channel's bundle. */
const answered: number[] = [];
/** Bytes the endless answer wrote before the extension stopped reading. */
let endlessSent = 0;

/** A built bundle at this version; with extra, it also flags "zebrafish". */
function bundleFile(version: number, extra: boolean): string {
  const b = JSON.parse(readFileSync(resolve(h.root, "dist/default.json"), "utf8"));
  b.version = version;
  if (extra) {
    b.lexicons.push({ name: "e2e-words", terms: ["zebrafish"] });
    b.rules.push({
      id: "e2e-zebrafish",
      category: "offensive-language",
      severity: "warning",
      message: "The end-to-end tests' own rule.",
      citations: b.rules[0].citations,
      match: { lexicon: "e2e-words" },
      examples: {
        flag: [{ text: "a [[zebrafish]]" }, { text: "[[Zebrafish]] today" }, { text: "two [[zebrafish]] swim" }],
        pass: [{ text: "a goldfish" }, { text: "zebra crossing" }, { text: "fish and chips" }],
      },
    });
  }
  const file = join(dir, `v${version}.json`);
  writeFileSync(file, JSON.stringify(b));
  return file;
}

function sign(version: number, extra: boolean, ttl = "720h"): string {
  const out = heed.sign(bundleFile(version, extra), ttl);
  envelopes[version] = readFileSync(out, "utf8");
  return out;
}

function publish(file: string): void {
  heed.publish(file);
}

/** The bundle the engine uses now, as the popup asks for it. */
async function bundleNow(): Promise<{ name: string; version: number; source: string; expires?: string }> {
  return popup.evaluate(async () => (await chrome.runtime.sendMessage({ type: "heed:config", sentAt: Date.now() })).bundle);
}

/** Asks the service worker to check the server now; the status it kept. */
async function checkNow(): Promise<{ error?: string; checkedAt?: string; bundle?: { version: number; source: string } }> {
  return popup.evaluate(() => chrome.runtime.sendMessage({ type: "heed:check-now" }));
}

/** Whether a textarea draft with "zebrafish" is underlined there now. */
async function zebrafishFlagged(): Promise<boolean> {
  const page = await h.open(context, base, "textarea", h.nobody, h.evening);
  await h.typeInto(page, "textarea", "a zebrafish and a goldfish");
  await h.settled(page, "textarea");
  const words = await h.underlined(page, "textarea");
  await page.close();
  return words.includes("zebrafish");
}

before(async () => {
  if (process.getuid?.() !== 0) throw new Error(`writing ${policyFile} needs root (CI runs as root); run make e2e as root`);
  dir = mkdtempSync(resolve(tmpdir(), "heed-updates-"));
  heed = new h.HeedServer(dir);
  await heed.start();
  publish(sign(1, false));

  proxy = createServer((req, res) => {
    if (mode.kind === "serve" && req.method === "GET" && req.url === "/v1/channels/stable/bundle") {
      const m = mode;
      const headers = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag", ETag: m.etag };
      if (req.headers["if-none-match"] === m.etag) res.writeHead(304, headers).end();
      else res.writeHead(200, { ...headers, "Content-Type": "application/json" }).end(m.body);
      return;
    }
    if (mode.kind === "endless" && req.method === "GET" && req.url === "/v1/channels/stable/bundle") {
      res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag", ETag: '"endless"', "Content-Type": "application/json" });
      const chunk = Buffer.alloc(1 << 16, " ");
      endlessSent = 0;
      const more = () => {
        while (!res.destroyed && endlessSent < 64 << 20) {
          endlessSent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end();
      };
      res.on("error", () => undefined);
      more();
      return;
    }
    const up = request(`${heed.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      if (req.method === "GET" && req.url === "/v1/channels/stable/bundle") answered.push(r.statusCode ?? 0);
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    // The server is down: the connection fails, as a network would.
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyURL = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;

  const keys = heed.keys();
  const id = execFileSync("node", ["-e", `
    const k = require("fs").readFileSync(${JSON.stringify(resolve("manifest-key.txt"))}, "utf8").trim();
    const hex = require("crypto").createHash("sha256").update(Buffer.from(k, "base64")).digest("hex").slice(0, 32);
    process.stdout.write([...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join(""));`]).toString();
  mkdirSync(policyDir, { recursive: true });
  writeFileSync(
    policyFile,
    JSON.stringify({
      "3rdparty": {
        extensions: {
          [id]: { serverUrl: proxyURL, channel: "stable", trustedKeys: keys, pollMinutes: 60, officialAccounts: { linkedin: ["E2E County Council"] }, allowAccountOverride: false },
        },
      },
    }),
  );

  ({ server: fixtures, base } = await h.serveFixtures());
  context = await h.launch(join(dir, "profile"), true);
  assert.equal(h.extensionId(context), id, "the manifest's key fixes the id the policy names");
  popup = await context.newPage();
  await popup.goto(`chrome-extension://${id}/popup.html`);
});

after(async () => {
  rmSync(policyFile, { force: true });
  await context?.close();
  await heed?.stop();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await new Promise((r) => (fixtures ? fixtures.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits until the engine uses this version from the server. */
async function untilVersion(version: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const b = await bundleNow().catch(() => undefined);
    if (b?.source === "server" && b.version === version) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(await bundleNow(), { version, source: "server" }, `version ${version} from the server`);
}

test("managed: the policy file sets the server, channel and keys, and staff cannot change them", async () => {
  // Managed storage can take seconds at start; the first bundle comes once it is read.
  for (let i = 0; i < 30 && (await bundleNow()).source !== "server"; i++) await checkNow().then(() => new Promise((r) => setTimeout(r, 300)));
  await untilVersion(1);

  const options = await context.newPage();
  await options.goto(`chrome-extension://${h.extensionId(context)}/options.html`);
  const server = options.locator("#f-serverUrl");
  assert.equal(await server.inputValue(), proxyURL);
  assert.ok(await server.isDisabled(), "a managed setting is locked");
  assert.ok(await options.locator("#f-allowAccountOverride").isDisabled());
  assert.ok(!(await options.getByText("set by your organisation").first().isHidden()));
  await options.close();

  // An answer kept from before IT fixed the choice: neither listed nor heeded.
  await h.setAnswers(context, { "linkedin:e2e county council": "personal" });
  await popup.reload();
  await popup.getByText("Rules: default, version 1").waitFor();
  // Staff cannot answer which account is theirs when IT says so: no
  // remembered identity to change in the popup.
  assert.equal(await popup.locator("#identities").count(), 1, "the popup has its list of identities");
  assert.equal(await popup.locator("#identities input[type=radio]:enabled").count(), 0, "staff cannot choose the account when IT says so");
  assert.equal(await popup.locator("#identities [data-identity]").count(), 0, "no remembered identities are listed");

  // The account IT lists posts as the organisation whatever was answered,
  // and the card says so without offering "This is my own account".
  const page = await h.open(context, base, "quill", { identity: "E2E County Council" }, h.evening);
  await h.typeInto(page, "quill", "Proud to be a Conservative, join us on the doorstep");
  await h.settled(page, "quill");
  const political = (await h.cards(page)).find((c) => c.title.startsWith("Political opinion"));
  assert.ok(political, "the listed account gets the rule for official accounts");
  assert.match(political.account, /E2E County Council/);
  assert.match(political.account, /listed by your organisation/);
  assert.equal(political.canSayOwn, false, "no override when IT forbids it");
  assert.equal(await h.question(page).count(), 0, "IT lists accounts: no question");
  await page.close();
  await h.setAnswers(context, null);
});

test("update: version 2 is picked up after a publish, and warns", async () => {
  assert.equal(await zebrafishFlagged(), false);
  publish(sign(2, true));
  await popup.getByRole("button", { name: "Check for new rules" }).click();
  await popup.getByText("Rules: default, version 2").waitFor();
  await untilVersion(2);
  assert.equal(await zebrafishFlagged(), true);
  assert.equal(await popup.locator("#error").textContent(), "");
});

test("tampered: an envelope altered on the way is refused and version 2 keeps warning", async () => {
  const env = JSON.parse(envelopes[2]!);
  const payload = JSON.parse(Buffer.from(env.payload, "base64").toString("utf8"));
  payload.version = 3;
  payload.bundle.version = 3;
  payload.bundle.rules = payload.bundle.rules.filter((r: { id: string }) => r.id !== "e2e-zebrafish");
  env.payload = Buffer.from(JSON.stringify(payload)).toString("base64");
  mode = { kind: "serve", body: JSON.stringify(env), etag: '"tampered"' };
  const status = await checkNow();
  assert.match(status.error ?? "", /refused: .*no valid signature by a trusted key/);
  await untilVersion(2);
  assert.equal(await zebrafishFlagged(), true);
  await popup.reload();
  // The popup fills the rules and the error together, once the service worker answers.
  await popup.getByText(/^Rules: /).waitFor();
  assert.match((await popup.locator("#error").textContent()) ?? "", /no valid signature/);
});

test("rollback: an older, validly signed version is refused", async () => {
  mode = { kind: "serve", body: envelopes[1]!, etag: '"replayed-v1"' };
  const status = await checkNow();
  assert.match(status.error ?? "", /version 1 is not above version 2.*rollback/);
  await untilVersion(2);
  assert.equal(await zebrafishFlagged(), true);
});

test("too large: an answer past maxEnvelopeBytes with no Content-Length is cut off, and version 2 keeps warning", async () => {
  mode = { kind: "endless" };
  const status = await checkNow();
  assert.match(status.error ?? "", /larger than 8388608 bytes \(8 MiB\), the most a signed bundle may be/);
  assert.ok(endlessSent < 32 << 20, `the extension stopped reading (the proxy wrote ${endlessSent} bytes of 64 MiB)`);
  await untilVersion(2);
  assert.equal(await zebrafishFlagged(), true);
});

test("expired: a bundle past its expiry is refused", async () => {
  mode = { kind: "pass" };
  publish(sign(3, false, "2s"));
  await new Promise((r) => setTimeout(r, 2500));
  const status = await checkNow();
  assert.match(status.error ?? "", /expired/);
  await untilVersion(2);
  assert.equal(await zebrafishFlagged(), true);
});

test("offline: with the server stopped, the extension keeps working from its cache", async () => {
  await heed.stop();
  const status = await checkNow();
  assert.match(status.error ?? "", /could not be reached/);
  // A new offscreen document starts on the built-in rules and must be
  // given the kept bundle, with no server to ask.
  const sw = context.serviceWorkers()[0]!;
  await sw.evaluate(() => chrome.offscreen.closeDocument());
  assert.equal(await zebrafishFlagged(), true, "the kept version 2 warns");
  await untilVersion(2);
});

test("expired in force: the bundle in force expires; the built-in rules run, and a 304 does not hide why, even after a restart", async () => {
  mode = { kind: "pass" };
  await heed.start();
  publish(sign(4, true, "6s"));
  await checkNow();
  await untilVersion(4);
  assert.equal(await zebrafishFlagged(), true);
  const expires = Date.parse((await bundleNow()).expires ?? "");
  assert.ok(expires > Date.now(), "version 4 is in force and unexpired");
  await new Promise((r) => setTimeout(r, expires - Date.now() + 500));

  // The server has nothing newer: a 304, after which the status must still
  // say the truth, and the engine must not run the frozen bundle.
  const status = await checkNow();
  assert.equal(answered.at(-1), 304, "the poll was answered 304");
  assert.match(status.error ?? "", /^version 4 expired at \S+; the built-in rules are running until the server sends a newer bundle$/);
  assert.equal(status.bundle?.source, "built-in");
  assert.equal((await bundleNow()).source, "built-in");
  assert.equal(await zebrafishFlagged(), false, "the expired version 4's rule no longer warns");
  await popup.reload();
  await popup.getByText(/^Rules: default, version \d+ \(built in\)$/).waitFor();
  assert.match((await popup.locator("#error").textContent()) ?? "", /^version 4 expired at .*the built-in rules are running/);

  // A restart of the engine: the kept version 4 is refused as expired, and
  // the next 304 does not clear the error.
  const sw = context.serviceWorkers()[0]!;
  await sw.evaluate(() => chrome.offscreen.closeDocument());
  const again = await checkNow();
  assert.equal(answered.at(-1), 304);
  assert.match(again.error ?? "", /^version 4 expired at .*the built-in rules are running/);
  assert.equal((await bundleNow()).source, "built-in");
  await popup.reload();
  await popup.getByText(/\(built in\)$/).waitFor();
  assert.match((await popup.locator("#error").textContent()) ?? "", /^version 4 expired at/);
});
