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

/** Opens a fixture page and waits for Heed to attach; console errors collect in heedErrors. */
export async function open(context: BrowserContext, base: string, kind: Kind, account: "official" | "personal" | ""): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  (page as Page & { heedErrors?: string[] }).heedErrors = errors;
  await page.goto(`${base}/${kind}.html${account ? `?account=${account}` : ""}`);
  await page.locator(editorSelector[kind]).waitFor();
  // The content script has attached when the overlay host exists.
  await page.waitForSelector("[data-heed-overlay]", { state: "attached" });
  return page;
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
