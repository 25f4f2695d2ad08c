// End to end: the playground `heed serve` shows at /, in headless Chromium
// (no extension), against a real server with two published versions of a
// small bundle (testdata/diff: version 2 adds "blimey" to the swear words).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

import * as h from "./harness";

let dir = "";
let heed: h.HeedServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const requests: string[] = [];
const typed: string[] = [];

before(async () => {
  dir = mkdtempSync(resolve(tmpdir(), "heed-playground-"));
  heed = new h.HeedServer(dir);
  await heed.start();
  for (const side of ["old", "new"]) heed.publish(heed.sign(heed.build(resolve(h.root, "testdata/diff", side), side)));
  browser = await chromium.launch({ executablePath: h.chromiumPath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(`${r.method()} ${r.url()} ${r.postData() ?? ""}`));
  const res = await page.goto(`${heed.url}/`);
  assert.match(res?.headers()["content-security-policy"] ?? "", /script-src 'self' 'wasm-unsafe-eval'/);
});

after(async () => {
  await browser?.close();
  await heed?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function typeDraft(text: string): Promise<void> {
  typed.push(text);
  await page.locator("#draft").fill("");
  await page.locator("#draft").click();
  await page.keyboard.type(text, { delay: 2 });
}

const marks = () => page.locator("[data-heed-overlay] .mirror mark").allTextContents();

test("typing a breach shows the extension's warning, with the built-in rules", async () => {
  await page.getByText(/^Rules: built-in default version \d+, \d+ rules\.$/).waitFor();
  await typeDraft("Oh for f*ck's sake");
  await page.locator("[data-heed-overlay] .badge").waitFor({ state: "visible" });
  assert.ok((await marks()).includes("f*ck"), `underlined: ${await marks()}`);
  assert.match((await page.locator("#findings li").first().textContent()) ?? "", /f\*ck/);
  await typeDraft("Lovely weather for the fete");
  await page.locator("[data-heed-overlay] .badge").waitFor({ state: "hidden" });
});

test("the version picker switches bundles", async () => {
  const picker = page.locator("#bundle");
  assert.deepEqual(await picker.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ["builtin", "2", "1"]);
  await picker.selectOption("1");
  await page.getByText("Rules: stable small version 1, 2 rules.").waitFor();
  await typeDraft("Blimey, what a week");
  assert.deepEqual(await marks(), []);
  await picker.selectOption("2");
  await page.getByText("Rules: stable small version 2, 2 rules.").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#findings li").length > 0);
  assert.deepEqual(await marks(), ["Blimey"]);
});

test("the context changes which rules apply", async () => {
  await page.locator("#bundle").selectOption("builtin");
  await page.getByText(/^Rules: built-in default/).waitFor();
  await typeDraft("Proud to be a Conservative, join us on the doorstep");
  const rules = () => page.locator("#findings").textContent();
  await page.locator("#account").selectOption("official");
  await page.waitForFunction(() => /party-political/.test(document.querySelector("#findings")?.textContent ?? ""));
  await page.locator("#account").selectOption("personal");
  await page.waitForFunction(() => !/party-political/.test(document.querySelector("#findings")?.textContent ?? ""));
  assert.doesNotMatch((await rules()) ?? "", /party-political/);
});

test("the page keeps to its CSP and drafts never leave it", () => {
  assert.deepEqual(errors, [], "no console errors, CSP violations included");
  const words = typed.flatMap((t) => t.split(/\s+/)).filter((w) => w.length >= 4);
  for (const r of requests) {
    for (const w of words) assert.ok(!r.includes(w) && !r.includes(encodeURIComponent(w)), `${r} carries "${w}"`);
  }
});
