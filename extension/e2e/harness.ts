// What the browser tests share: a loopback server for the fixture pages,
// Chromium with the test build loaded, and ways to type into a fixture's
// editor and read what Heed drew.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as netServer } from "node:net";
import { extname, join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const root = process.env.HEED_ROOT ?? resolve(process.cwd(), "..");
export const extensionDir = resolve(root, "dist/extension-test");
const fixtures = resolve(process.cwd(), ".build/fixtures");
export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** The managed policy file the update tests write (and every run clears
 *  first, in case a killed run left it behind). */
export const policyFile = "/etc/chromium/policies/managed/heed-e2e.json";

export type Kind = "textarea" | "lexical" | "draft" | "quill";
export const editorSelector: Record<Kind, string> = {
  textarea: "#editor",
  lexical: "#editor",
  draft: ".public-DraftEditor-content",
  quill: ".ql-editor",
};

/** Serves the fixture pages on loopback; resolves to the server and its base URL. */
export async function serveFixtures(): Promise<{ server: Server; base: string }> {
  for (const p of [extensionDir, fixtures, chromiumPath]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run make build and npm run e2e:build (make e2e does both)`);
  }
  const server = createServer((req, res) => {
    const name = (req.url ?? "/").split("?")[0]!.replace(/^\/+/, "");
    if (name === "favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const file = resolve(fixtures, name);
    if (!file.startsWith(fixtures) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = extname(file) === ".html" ? "text/html" : "text/javascript";
    res.writeHead(200, { "Content-Type": type }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return { server, base: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` };
}

/** Chromium, headless, with a fresh profile and the test build loaded; waits for its service worker. */
export async function launch(profile: string, keepPolicy = false): Promise<BrowserContext> {
  if (!keepPolicy) rmSync(policyFile, { force: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  if (context.serviceWorkers().length === 0) await context.waitForEvent("serviceworker");
  return context;
}

/** Who the fixture page shows as posting (its site's own account UI):
 *  identity is the display name, handle the X handle (no @); feed adds a
 *  timeline post outside the composer; admin makes the LinkedIn page a
 *  company's admin page. Nothing: the page shows no account. */
export interface Who {
  identity?: string;
  handle?: string;
  feed?: string;
  admin?: string;
}

/** The organisation's account, as IT lists it in the tests. */
export const official: Who = { identity: "TheCouncil", handle: "thecouncil" };
/** A member of staff's own account. */
export const personal: Who = { identity: "Sam Taylor", handle: "samtaylor_89" };
/** No account shown. */
export const nobody: Who = {};

/** IT's list naming the official account on every site (by name, by
 *  handle with and without @, in other cases), for the options storage. */
export const councilListed = { facebook: ["thecouncil"], twitter: ["@TheCouncil"], linkedin: ["TheCouncil"] };

/** A Wednesday evening and a Wednesday in core hours (10:30 Europe/London, GMT in January). */
export const evening = "2026-01-07T19:00:00Z";
export const coreHours = "2026-01-07T10:30:00Z";

export function fixtureURL(base: string, kind: Kind, who: Who = {}): string {
  const q = new URLSearchParams();
  for (const k of ["identity", "handle", "feed", "admin"] as const) if (who[k]) q.set(k, who[k]!);
  const qs = q.toString();
  return `${base}/${kind}.html${qs ? `?${qs}` : ""}`;
}

/** Opens a fixture page and waits for Heed to attach; console errors
 *  collect in heedErrors. With time, the content script's clock reads that
 *  time (see setTime). */
export async function open(context: BrowserContext, base: string, kind: Kind, who: Who = {}, time?: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  (page as Page & { heedErrors?: string[] }).heedErrors = errors;
  await page.goto(fixtureURL(base, kind, who));
  await attached(page, kind, time);
  return page;
}

/** Waits for the editor and Heed's overlay; sets the content script's clock. */
async function attached(page: Page, kind: Kind, time?: string): Promise<void> {
  await page.locator(editorSelector[kind]).waitFor();
  // The content script has attached when the overlay host exists.
  await page.waitForSelector("[data-heed-overlay]", { state: "attached" });
  if (time) await setTime(page, time);
}

/** Reloads a fixture page and waits for Heed to attach again (a new
 *  content script: its clock is set again). */
export async function reload(page: Page, kind: Kind, time?: string): Promise<void> {
  await page.reload();
  await attached(page, kind, time);
}

/**
 * Makes `new Date()` in Heed's content script read this time (Date.now and
 * dates built from a value are untouched: message timing stays real). The
 * content script runs in the extension's isolated world, where neither
 * page.clock nor an init script reaches, so the clock is set there through
 * the DevTools protocol. Call again after a reload.
 */
export async function setTime(page: Page, iso: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    type Ctx = { id: number; origin: string; name: string; auxData?: { type?: string } };
    const contexts: Ctx[] = [];
    cdp.on("Runtime.executionContextCreated", (e: { context: Ctx }) => contexts.push(e.context));
    await cdp.send("Runtime.enable");
    const heed = () => contexts.filter((c) => c.auxData?.type === "isolated" && (c.origin.startsWith("chrome-extension://") || c.name.startsWith("Heed")));
    for (let i = 0; i < 50 && heed().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    if (heed().length === 0) throw new Error(`no content script world in ${JSON.stringify(contexts.map((c) => [c.name, c.origin, c.auxData?.type]))}`);
    const expression = `(() => {
      const Real = globalThis.__heedRealDate ?? Date;
      globalThis.__heedRealDate = Real;
      const fixed = Real.parse(${JSON.stringify(iso)});
      class FixedDate extends Real {
        constructor(...a) { if (a.length === 0) super(fixed); else super(...a); }
        static now() { return Real.now(); }
      }
      globalThis.Date = FixedDate;
      return new Date().toISOString();
    })()`;
    for (const c of heed()) {
      const r = (await cdp.send("Runtime.evaluate", { expression, contextId: c.id, returnByValue: true })) as { result: { value?: string }; exceptionDetails?: unknown };
      if (r.exceptionDetails || r.result.value !== new Date(iso).toISOString()) throw new Error(`setting the clock failed: ${JSON.stringify(r)}`);
    }
    await cdp.send("Runtime.disable");
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export async function typeInto(page: Page, kind: Kind, text: string): Promise<void> {
  await page.locator(editorSelector[kind]).click();
  await page.keyboard.type(text, { delay: 5 });
}

export async function clear(page: Page, kind: Kind): Promise<void> {
  await page.locator(editorSelector[kind]).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
}

/** The words underlined now: highlights, or the textarea's mirror. */
export async function underlined(page: Page, kind: Kind): Promise<string[]> {
  if (kind === "textarea") return page.locator("[data-heed-overlay] .mirror mark").allTextContents();
  return page.evaluate(() =>
    ["info", "warning", "critical"].flatMap((s) => [...(CSS.highlights.get(`heed-${s}`) ?? [])].map((r) => r.toString())),
  );
}

/** Waits until the overlay has rendered the editor's current text. */
export async function settled(page: Page, kind: Kind): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector<HTMLElement>(sel);
      return !!el && el.dataset.heedRenderedText === window.fixtureText();
    },
    editorSelector[kind],
    { timeout: 10000 },
  );
}

/** The titles of the warning cards, opened from the badge and closed again. */
export async function cardTitles(page: Page): Promise<string[]> {
  const badge = page.locator("[data-heed-overlay] .badge");
  if (!(await badge.isVisible())) return [];
  await badge.click();
  const titles = await page.locator("[data-heed-overlay] .panel h3").allTextContents();
  await page.keyboard.press("Escape");
  return titles;
}

/** The cards, opened from the badge and closed again: each card's title,
 *  its account line (.account, "" if none) and whether that line offers
 *  "This is my own account". */
export async function cards(page: Page): Promise<{ title: string; account: string; canSayOwn: boolean }[]> {
  const badge = page.locator("[data-heed-overlay] .badge");
  if (!(await badge.isVisible())) return [];
  // A panel left open (after a card's button) is closed first.
  if (await page.locator("[data-heed-overlay] .panel").count()) await badge.click();
  await badge.click();
  const out = await page.locator("[data-heed-overlay] .panel .card").evaluateAll((cs) =>
    cs.map((c) => ({
      title: c.querySelector("h3")?.textContent ?? "",
      account: c.querySelector(".account")?.textContent ?? "",
      canSayOwn: !!c.querySelector('.account button[data-answer="personal"], button[data-answer="personal"]'),
    })),
  );
  await page.keyboard.press("Escape");
  return out;
}

/** Heed's question "Posting as NAME: your own account or the organisation's?". */
export function question(page: Page) {
  return page.locator("[data-heed-overlay] .ask");
}

/** Whether the editor (or something inside it) has the focus. */
export function editorFocused(page: Page, kind: Kind): Promise<boolean> {
  return page.evaluate((sel) => {
    const a = document.activeElement;
    return !!a && (a.matches(sel) || !!a.closest(sel) || !!document.querySelector(sel)?.contains(a));
  }, editorSelector[kind]);
}

/** Sets the options-page settings (chrome.storage.local "settings") and
 *  waits until the service worker has made them effective. */
export async function setSettings(context: BrowserContext, settings: { officialAccounts?: Record<string, string[]>; allowAccountOverride?: boolean }): Promise<void> {
  const sw = context.serviceWorkers()[0]!;
  await sw.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
  const want = { officialAccounts: settings.officialAccounts ?? {}, allowAccountOverride: settings.allowAccountOverride ?? true };
  for (let i = 0; i < 100; i++) {
    const eff = (await sw.evaluate(() => chrome.storage.local.get("effective"))) as { effective?: { settings?: { officialAccounts?: unknown; allowAccountOverride?: boolean } } };
    const got = eff.effective?.settings;
    // Storage gives objects back with their keys sorted: compare sorted.
    if (got && canonical(got.officialAccounts) === canonical(want.officialAccounts) && got.allowAccountOverride === want.allowAccountOverride) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the settings ${JSON.stringify(settings)} did not take effect`);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/** The remembered answers (chrome.storage.local "identities"). */
export async function answers(context: BrowserContext): Promise<Record<string, string>> {
  const got = (await context.serviceWorkers()[0]!.evaluate(() => chrome.storage.local.get("identities"))) as { identities?: Record<string, string> };
  return got.identities ?? {};
}

/** Replaces the remembered answers; null forgets them all. */
export async function setAnswers(context: BrowserContext, value: Record<string, string> | null): Promise<void> {
  const sw = context.serviceWorkers()[0]!;
  if (value) await sw.evaluate((v) => chrome.storage.local.set({ identities: v }), value);
  else await sw.evaluate(() => chrome.storage.local.remove("identities"));
}

/** Waits until fn holds, polling; fails with what it last saw. */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 150));
    v = await fn();
  }
  return v;
}

/** The extension's id, from its service worker's address. */
export function extensionId(context: BrowserContext): string {
  return new URL(context.serviceWorkers()[0]!.url()).host;
}

/** A real `heed serve` on loopback, with its own signing key and admin token. */
export class HeedServer {
  readonly heed = resolve(root, "bin/heed");
  addr = "";
  private proc: ChildProcess | null = null;

  constructor(readonly dir: string) {}

  /** Makes the key and token on first start, and waits for /healthz. */
  async start(): Promise<void> {
    if (!existsSync(join(this.dir, "it.key"))) {
      execFileSync(this.heed, ["keygen", "-o", join(this.dir, "it")], { stdio: "ignore" });
      writeFileSync(join(this.dir, "tokens"), "it e2e-admin-token-0123456789abcdef\n", { mode: 0o600 });
    }
    this.addr ||= `127.0.0.1:${await freePort()}`;
    const args = ["serve", "--addr", this.addr, "--data", join(this.dir, "data"), "--admin-token-file", join(this.dir, "tokens"), "--trusted-key", join(this.dir, "it.pub")];
    this.proc = spawn(this.heed, args, { stdio: ["ignore", "ignore", "inherit"] });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${this.url}/healthz`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("heed serve did not start");
  }

  get url(): string {
    return `http://${this.addr}`;
  }

  /** The trusted keys, as the extension's policy takes them. */
  keys(): unknown {
    return JSON.parse(readFileSync(join(this.dir, "it.pub"), "utf8"));
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await exited;
  }

  /** Signs a built bundle (heed sign); returns the envelope's path. */
  sign(built: string, ttl = "720h"): string {
    const out = `${built}.signed`;
    execFileSync(this.heed, ["sign", "--key", join(this.dir, "it.key"), "--ttl", ttl, built, "-o", out], { stdio: "ignore" });
    return out;
  }

  /** Builds a bundle source folder (heed build) into dir; returns its path. */
  build(src: string, name: string): string {
    const out = join(this.dir, `${name}.json`);
    execFileSync(this.heed, ["build", src, "-o", out], { stdio: "ignore" });
    return out;
  }

  publish(signed: string, channel = "stable"): void {
    execFileSync(this.heed, ["publish", "--server", this.url, "--channel", channel, "--token-file", join(this.dir, "tokens"), "--yes", signed], { stdio: "ignore" });
  }
}

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
