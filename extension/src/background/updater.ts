// Bundle updates: polls the configured server for the channel's signed
// bundle (If-None-Match with the last ETag), has the engine verify each new
// one (signature by a trusted key, expiry, version above the last accepted
// one, issued no earlier than it), and keeps the last good envelope in
// storage for the next start. Every refusal leaves the bundle in use
// working.
//
// The status the popup shows is never patched by hand: after each check
// and each start it is made again from what the engine says it runs (name,
// version, built-in or server, expiry), the kept bundle and the last
// check's outcome. So a 304 cannot clear an error that is still true: the
// bundle in force expiring, or the kept one being refused at a start.
import { effectiveKey, readSettings, type Effective, type Settings } from "../shared/config";
import { maxEnvelopeBytes } from "../shared/limits.gen";
import type { BundleInfo, ConfigResponse, InstallRequest, InstallResponse, StateRequest } from "../shared/messages";
import { isVersion, notAVersion } from "../shared/version";

/** The last bundle the engine accepted from the server. */
export interface LastGood {
  envelope: string;
  version: number;
  name: string;
  etag: string;
  /** The bundle address it came from: another server or channel starts afresh. */
  url: string;
  /** When it was issued and when it expires (RFC 3339), as the engine read
   *  them; absent in a record kept by an older extension until the next start. */
  issued?: string;
  expires?: string;
  /** Why the engine refused it when it was handed back at a start. */
  refused?: string;
}

/** What the popup shows of updates: made anew each time, never patched. */
export interface UpdateStatus {
  /** When the server was last asked. */
  checkedAt?: string;
  /** What went wrong at the last check, if anything. */
  checkError?: string;
  /** Why the rules running are not the bundle from the server, when they are not. */
  fallback?: string;
  /** fallback and checkError together: what is wrong now. */
  error?: string;
  /** The bundle the engine runs, as it said when this status was made. */
  bundle?: BundleInfo;
}

export const lastGoodKey = "lastGood";
export const statusKey = "status";
export const alarmName = "heed-poll";
/** Set for just after the bundle in force expires, so the status says so then. */
export const expiryAlarmName = "heed-expiry";
const fetchTimeoutMs = 30_000;

/** Sends one message to the offscreen document, which must be listening:
 *  an InstallRequest answers an InstallResponse, a StateRequest a ConfigResponse. */
export type ToOffscreen = (msg: InstallRequest | StateRequest) => Promise<unknown>;

export interface UpdaterOptions {
  /** fetch, for tests. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** The clock in milliseconds, for tests. */
  now?: () => number;
}

export function bundleURL(s: Settings): string {
  return `${s.serverUrl}/v1/channels/${encodeURIComponent(s.channel)}/bundle`;
}

async function lastGood(): Promise<LastGood | undefined> {
  return (await chrome.storage.local.get(lastGoodKey))[lastGoodKey] as LastGood | undefined;
}

const MiB = 1 << 20;

/** An answer above the cap: refused before or while it is read. */
export class TooLarge extends Error {
  constructor(url: string, cap: number) {
    const size = cap % MiB === 0 ? ` (${cap / MiB} MiB)` : "";
    super(`the server's answer for ${url} is larger than ${cap} bytes${size}, the most a signed bundle may be; it was not taken, and the rules in use stay`);
  }
}

/**
 * Reads a body of at most cap bytes: refused at once when Content-Length
 * says more, and aborted as soon as more arrives (a server may leave the
 * length out, or lie about it).
 */
export async function readCapped(res: Response, url: string, cap = maxEnvelopeBytes): Promise<string> {
  const declared = res.headers.get("Content-Length");
  if (declared !== null && Number(declared) > cap) {
    await res.body?.cancel().catch(() => undefined);
    throw new TooLarge(url, cap);
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge(url, cap);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * Why the engine is not running the bundle the server gave, or undefined
 * when it is (or when no server is set, and the built-in rules are meant).
 * engine is what the engine answered; url the bundle address set now
 * (undefined without a server or keys); kept the last good bundle.
 */
export function fallbackReason(engine: ConfigResponse | undefined, url: string | undefined, kept: LastGood | undefined, now: number): string | undefined {
  const b = engine?.bundle;
  if (!b || engine?.error) return `the engine did not say which rules run (${engine?.error ?? "no answer"})`;
  if (b.source === "server") {
    if (b.url && b.url !== url) {
      return url
        ? `the rules running came from ${b.url}, not from ${url}, the address set now; they stay until that server sends a bundle`
        : `the rules running came from ${b.url}, but no server is set now; they stay until the browser restarts`;
    }
    return undefined;
  }
  const k = url !== undefined && kept?.url === url ? kept : undefined;
  if (!k) return undefined;
  const until = "the built-in rules are running until the server sends a newer bundle";
  if (k.expires !== undefined && !(now < Date.parse(k.expires))) return `version ${k.version} expired at ${k.expires}; ${until}`;
  if (k.refused) return `the kept bundle (version ${k.version}) was refused: ${k.refused}; ${until}`;
  return `the kept bundle (version ${k.version}) is not in force; the built-in rules are running until it is handed back or the server sends a newer bundle`;
}

export class Updater {
  private effective: Effective | null = null;
  private running: Promise<UpdateStatus> | null = null;
  /** Status writes, one at a time, in order. */
  private writes: Promise<unknown> = Promise.resolve();
  private readonly fetch: NonNullable<UpdaterOptions["fetch"]>;
  private readonly now: () => number;

  constructor(
    private readonly toOffscreen: ToOffscreen,
    opts: UpdaterOptions = {},
  ) {
    this.fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.now = opts.now ?? (() => Date.now());
  }

  /** Reads the settings again, keeps them for the content scripts, and
   *  sets the poll alarm. Returns whether what is fetched changed. */
  async configure(): Promise<boolean> {
    const before = this.effective?.settings;
    this.effective = await readSettings();
    await chrome.storage.local.set({ [effectiveKey]: this.effective });
    const s = this.effective.settings;
    const alarm = await chrome.alarms.get(alarmName);
    if (!s.serverUrl) await chrome.alarms.clear(alarmName);
    else if (alarm?.periodInMinutes !== s.pollMinutes) await chrome.alarms.create(alarmName, { periodInMinutes: s.pollMinutes, delayInMinutes: s.pollMinutes });
    return !before || before.serverUrl !== s.serverUrl || before.channel !== s.channel || JSON.stringify(before.trustedKeys) !== JSON.stringify(s.trustedKeys);
  }

  private async settings(): Promise<Settings> {
    if (!this.effective) await this.configure();
    return this.effective!.settings;
  }

  /** The settings read last, or those kept at the last start: managed
   *  storage can take seconds to read, and drafts wait for a start. */
  private async quickSettings(): Promise<Settings> {
    if (this.effective) return this.effective.settings;
    const kept = (await chrome.storage.local.get(effectiveKey))[effectiveKey] as Effective | undefined;
    return kept?.settings ?? (await this.settings());
  }

  private async install(req: Omit<InstallRequest, "type">): Promise<InstallResponse> {
    try {
      return ((await this.toOffscreen({ type: "heed:install", ...req })) as InstallResponse | undefined) ?? { error: "no answer from the engine" };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Hands the engine the last good bundle, as at a start, and says what runs. */
  async restore(): Promise<UpdateStatus> {
    const s = await this.quickSettings();
    const good = await lastGood();
    if (good && s.serverUrl && good.url === bundleURL(s) && s.trustedKeys.length > 0) {
      let refused: string | undefined;
      let facts: InstallResponse = {};
      if (!isVersion(good.version)) {
        // Kept by an older extension: no version compares with it. Polls
        // start afresh (checkOnce), and the next bundle replaces it.
        refused = notAVersion("its version", good.version);
      } else {
        const res = await this.install({
          envelope: good.envelope,
          keys: s.trustedKeys,
          minVersion: good.version,
          allowSame: true,
          ...(good.issued ? { minIssued: good.issued } : {}),
          url: good.url,
        });
        refused = res.error;
        facts = res;
      }
      // Only if a check did not store a newer one meanwhile.
      const cur = await lastGood();
      if (cur?.envelope === good.envelope) {
        const next: LastGood = { ...cur, ...(facts.issued ? { issued: facts.issued } : {}), ...(facts.expires ? { expires: facts.expires } : {}) };
        if (refused) next.refused = refused;
        else delete next.refused;
        await chrome.storage.local.set({ [lastGoodKey]: next });
      }
    }
    return this.publish({});
  }

  /** Checks the server now; one check at a time. */
  check(): Promise<UpdateStatus> {
    this.running ??= this.checkOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The status made anew from what the engine runs now; no network. */
  refresh(): Promise<UpdateStatus> {
    return this.publish({});
  }

  private async checkOnce(): Promise<UpdateStatus> {
    const s = await this.settings();
    const checkedAt = new Date(this.now()).toISOString();
    const done = (checkError?: string) => this.publish({ checkedAt, checkError });
    if (!s.serverUrl) return done();
    if (s.trustedKeys.length === 0) return done("a server is set but no trusted keys: bundles cannot be verified, so none are taken");
    const url = bundleURL(s);
    const good = await lastGood();
    // A kept version no number compares with starts afresh.
    const same = good?.url === url && isVersion(good.version) ? good : undefined;
    let res: Response;
    try {
      // A server that hangs must not hold every later check behind this one.
      res = await this.fetch(url, { cache: "no-store", headers: same?.etag ? { "If-None-Match": same.etag } : {}, signal: AbortSignal.timeout(fetchTimeoutMs) });
    } catch (err) {
      return done(`the server could not be reached (${err instanceof Error ? err.message : String(err)}); the rules in use stay`);
    }
    // Nothing newer: what was wrong before is made again from the facts.
    if (res.status === 304) return done();
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      return done(`the server answered ${res.status} for ${url}; the rules in use stay`);
    }
    let envelope: string;
    try {
      envelope = await readCapped(res, url);
    } catch (err) {
      if (err instanceof TooLarge) return done(err.message);
      return done(`the answer from the server broke off (${err instanceof Error ? err.message : String(err)}); the rules in use stay`);
    }
    const answer = await this.install({
      envelope,
      keys: s.trustedKeys,
      minVersion: same?.version ?? 0,
      ...(same?.issued ? { minIssued: same.issued } : {}),
      url,
    });
    if (answer.error || !isVersion(answer.version)) {
      return done(`a new bundle was refused: ${answer.error ?? notAVersion("version", answer.version)}; the rules in use stay`);
    }
    const kept: LastGood = { envelope, version: answer.version, name: answer.name ?? "", etag: res.headers.get("ETag") ?? "", url };
    if (answer.issued) kept.issued = answer.issued;
    if (answer.expires) kept.expires = answer.expires;
    await chrome.storage.local.set({ [lastGoodKey]: kept });
    return done();
  }

  /** Makes the status from the engine's answer, the kept bundle and the
   *  last check (patch: a new check's time and outcome), and stores it. */
  private publish(patch: Pick<UpdateStatus, "checkedAt" | "checkError">): Promise<UpdateStatus> {
    const run = this.writes.then(async () => {
      const before = await this.status();
      const s = await this.quickSettings();
      let engine: ConfigResponse | undefined;
      try {
        engine = (await this.toOffscreen({ type: "heed:state" })) as ConfigResponse | undefined;
      } catch (err) {
        engine = { officialAccounts: [], error: err instanceof Error ? err.message : String(err) };
      }
      const url = s.serverUrl && s.trustedKeys.length > 0 ? bundleURL(s) : undefined;
      const next: UpdateStatus = {};
      const checkedAt = "checkedAt" in patch ? patch.checkedAt : before.checkedAt;
      const checkError = "checkedAt" in patch ? patch.checkError : before.checkError;
      const fallback = fallbackReason(engine, url, await lastGood(), this.now());
      if (checkedAt) next.checkedAt = checkedAt;
      if (checkError) next.checkError = checkError;
      if (fallback) next.fallback = fallback;
      if (fallback || checkError) next.error = [fallback, checkError].filter(Boolean).join("; ");
      if (engine?.bundle) next.bundle = engine.bundle;
      await chrome.storage.local.set({ [statusKey]: next });
      await this.armExpiry(next.bundle);
      return next;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Checks again just after the bundle in force expires. */
  private async armExpiry(b: BundleInfo | undefined): Promise<void> {
    const at = b?.source === "server" && b.expires ? Date.parse(b.expires) + 1000 : NaN;
    if (Number.isNaN(at)) {
      await chrome.alarms.clear(expiryAlarmName);
      return;
    }
    if ((await chrome.alarms.get(expiryAlarmName))?.scheduledTime !== at) await chrome.alarms.create(expiryAlarmName, { when: at });
  }

  async status(): Promise<UpdateStatus> {
    return ((await chrome.storage.local.get(statusKey))[statusKey] ?? {}) as UpdateStatus;
  }
}
