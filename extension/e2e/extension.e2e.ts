// End to end: the test build of the extension in Debian's Chromium,
// headless, driven by playwright-core, against fixture pages built from the
// real editor libraries (Lexical as on Facebook, Draft.js as on X, Quill as
// on LinkedIn) and a plain textarea.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";

import * as h from "./harness";
import { cardTitles, clear, settled, underlined, type Kind } from "./harness";

let server: Server;
let base = "";
let context: BrowserContext;
let profile = "";
const requests: string[] = [];
const typed: string[] = [];
const latencies = { warm: [] as number[], cold: [] as number[] };

before(async () => {
  ({ server, base } = await h.serveFixtures());
  profile = mkdtempSync(resolve(tmpdir(), "heed-chromium-"));
  context = await h.launch(profile);
  // IT lists the organisation's account: pages that show it post as the
  // organisation, pages that show someone else post as that person.
  await h.setSettings(context, { officialAccounts: h.councilListed });
  // Every request the browser makes, with its body: none may carry a
  // word typed into a compose box.
  context.on("request", (r) => requests.push(`${r.method()} ${r.url()} ${r.postData() ?? ""}`));
});

after(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (profile) rmSync(profile, { recursive: true, force: true });
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1) : "n/a";
  };
  if (latencies.warm.length) {
    console.log(
      `keystroke-to-underline ms: warm p50 ${pct(latencies.warm, 50)} p95 ${pct(latencies.warm, 95)} (n=${latencies.warm.length}); ` +
        `after stopAllWorkers p50 ${pct(latencies.cold, 50)} p95 ${pct(latencies.cold, 95)} (n=${latencies.cold.length})`,
    );
  }
});

/** Opens a fixture page showing the listed official account, or a
 *  person's own one; the textarea page shows no account (unknown). The
 *  content script's clock reads a Wednesday evening unless time is given. */
function open(kind: Kind, account: "official" | "personal", time: string = h.evening): Promise<Page> {
  return h.open(context, base, kind, account === "official" ? h.official : h.personal, time);
}

async function type(page: Page, kind: Kind, text: string): Promise<void> {
  typed.push(text);
  await h.typeInto(page, kind, text);
}

for (const kind of ["textarea", "lexical", "draft", "quill"] as Kind[]) {
  test(`${kind}: a breach is badged and underlined, and clears when fixed`, async () => {
    const page = await open(kind, "official");
    const text = "Oh for f*ck's sake zebrafish";
    await type(page, kind, text);
    await settled(page, kind);
    assert.equal(await page.evaluate(() => window.fixtureText()), text, "the editor's own text is what was typed");
    const badge = page.locator("[data-heed-overlay] .badge");
    await badge.waitFor({ state: "visible" });
    assert.match((await badge.textContent()) ?? "", /^[1-9]\d*$/);
    assert.ok((await underlined(page, kind)).includes("f*ck"), `underlined: ${await underlined(page, kind)}`);

    await clear(page, kind);
    await type(page, kind, "Lovely weather for the fete");
    await settled(page, kind);
    await badge.waitFor({ state: "hidden" });
    assert.deepEqual(await underlined(page, kind), []);
    assert.deepEqual((page as Page & { heedErrors?: string[] }).heedErrors, [], "no errors in the page's console");
    await page.close();
  });

  test(`${kind}: official and personal accounts fire different rules`, async () => {
    const text = "Proud to be a Conservative, join us on the doorstep";
    const official = await open(kind, "official");
    await type(official, kind, text);
    await settled(official, kind);
    assert.ok((await cardTitles(official)).some((t) => t.startsWith("Political opinion")));
    await official.close();
    const personal = await open(kind, "personal");
    await type(personal, kind, text);
    await settled(personal, kind);
    if (kind === "textarea") {
      // A plain textarea page shows no account: unknown, every rule applies.
      assert.ok((await cardTitles(personal)).some((t) => t.startsWith("Political opinion")), "no account shown: the rule applies");
    } else {
      assert.ok(!(await cardTitles(personal)).some((t) => t.startsWith("Political opinion")));
    }
    await personal.close();
  });

  test(`${kind}: a critical finding holds the send until confirmed`, async () => {
    const page = await open(kind, "personal");
    await type(page, kind, "my nino is PR 123612C");
    await settled(page, kind);
    const dialog = page.locator('[data-heed-overlay] [role="alertdialog"]');
    // The keyboard shortcut is held too, and "go back" sends nothing.
    await page.keyboard.press("Control+Enter");
    await dialog.waitFor();
    await dialog.getByText("Go back and edit").click();
    await dialog.waitFor({ state: "detached" });
    assert.equal(await page.locator("#sent").textContent(), "", "the shortcut did not send");
    assert.equal(await page.evaluate(() => window.fixtureText()), "my nino is PR 123612C", "the editor is untouched");

    await page.locator("#send").click();
    await dialog.waitFor();
    assert.equal(await page.locator("#sent").textContent(), "", "not sent yet");
    await dialog.getByText("Post anyway").click();
    await page.waitForFunction(() => document.querySelector("#sent")?.textContent === "SENT;");
    const overrides = await context.serviceWorkers()[0]!.evaluate(() => chrome.storage.local.get("overrides"));
    const list = (overrides as { overrides?: { rule: string; site: string }[] }).overrides ?? [];
    assert.ok(list.some((o) => o.rule === "personal-identifier"), "post anyway is recorded");
    assert.ok(!JSON.stringify(list).includes("123612"), "the record holds no text");
    await page.close();
  });
}

test("the popup's answer for an identity overrides IT's list, per identity", async () => {
  // Sam Taylor posts on LinkedIn and on X; both are remembered as Sam's own.
  await h.setAnswers(context, { "linkedin:sam taylor": "personal", "twitter:@samtaylor_89": "personal" });
  const id = h.extensionId(context);
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${id}/popup.html`);
  await popup.getByText(/^Rules: .+, version \d+/).waitFor();
  const linkedin = popup.locator('#identities [data-identity="linkedin:sam taylor"]');
  await linkedin.locator('input[value="official"]').check();
  await h.until(() => h.answers(context), (a) => a["linkedin:sam taylor"] === "official", "the popup's answer");

  const text = "Proud to be a Conservative, join us on the doorstep";
  const page = await open("quill", "personal");
  await type(page, "quill", text);
  await settled(page, "quill");
  assert.ok((await cardTitles(page)).some((t) => t.startsWith("Political opinion")), "Sam on LinkedIn is official by Sam's answer");
  await page.close();
  const other = await open("draft", "personal");
  await type(other, "draft", text);
  await settled(other, "draft");
  assert.ok(!(await cardTitles(other)).some((t) => t.startsWith("Political opinion")), "Sam on X keeps its own answer");
  await other.close();

  await linkedin.locator(".forget").click();
  await h.until(() => h.answers(context), (a) => !("linkedin:sam taylor" in a), "forget");
  await popup.close();
  await h.setAnswers(context, null);
});

test("offsets map back to the DOM of every editor's text model (emoji, blocks, breaks)", async () => {
  const page = await context.newPage();
  await page.goto(`${base}/textmodel.html`);
  const results = await page.evaluate(() => window.textModelResults());
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.detail}`);
  assert.equal(results.length, 4);
  await page.close();
});

test("keystroke-to-underline latency, warm and after the worker was stopped", async () => {
  const page = await open("textarea", "official", "");
  await page.evaluate(() => {
    const w = window as Window & { keyAt?: number };
    document.addEventListener("keydown", () => (w.keyAt = performance.now()), true);
  });
  const measure = async (ch: string) => {
    await page.keyboard.type(ch);
    await settled(page, "textarea");
    return page.evaluate(() => {
      const el = document.querySelector<HTMLElement>("#editor")!;
      return Number(el.dataset.heedRenderedAt) - ((window as Window & { keyAt?: number }).keyAt ?? 0);
    });
  };
  await page.locator("#editor").click();
  typed.push("bollocks a");
  await page.keyboard.type("bollocks a");
  await settled(page, "textarea");
  for (let i = 0; i < 30; i++) latencies.warm.push(await measure("b"));
  const cdp = await context.newCDPSession(page);
  await cdp.send("ServiceWorker.enable");
  for (let i = 0; i < 5; i++) {
    await cdp.send("ServiceWorker.stopAllWorkers");
    await new Promise((r) => setTimeout(r, 200));
    latencies.cold.push(await measure("c"));
  }
  assert.equal(latencies.cold.length, 5, "the first evaluation after a stop still arrives");
  await page.close();
});

test("with the offscreen document gone, the next draft is still checked (the worker makes a new one)", async () => {
  const page = await open("textarea", "personal");
  const sw = context.serviceWorkers()[0]!;
  await sw.evaluate(() => chrome.offscreen.closeDocument());
  assert.equal(await sw.evaluate(async () => (await chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT" as chrome.runtime.ContextType] })).length), 0);
  await type(page, "textarea", "what a load of bollocks");
  await settled(page, "textarea");
  assert.deepEqual(await underlined(page, "textarea"), ["bollocks"]);
  await page.close();
});

test("no network request carries a typed word", () => {
  assert.ok(requests.length > 0);
  const words = typed.flatMap((t) => t.split(/\s+/)).filter((w) => w.length >= 4);
  for (const r of requests) {
    for (const w of words) assert.ok(!r.includes(w) && !r.includes(encodeURIComponent(w)), `${r} carries "${w}"`);
  }
});
