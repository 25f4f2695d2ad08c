// Bundle updates: polls the configured server for the channel's signed
// bundle (If-None-Match with the last ETag), has the engine verify each new
// one (signature by a trusted key, expiry, version above the last accepted
// one), and keeps the last good envelope in storage for the next start.
// Every refusal leaves the bundle in use working and is shown in the popup.
import { effectiveKey, readSettings, type Effective, type Settings } from "../shared/config";
import type { BundleInfo, InstallRequest, InstallResponse } from "../shared/messages";

/** The last bundle the engine accepted from the server. */
export interface LastGood {
  envelope: string;
  version: number;
  name: string;
  etag: string;
  /** The bundle address it came from: another server or channel starts afresh. */
  url: string;
}

/** What the popup shows of updates. */
export interface UpdateStatus {
  checkedAt?: string;
  error?: string;
  bundle?: BundleInfo;
}

export const lastGoodKey = "lastGood";
export const statusKey = "status";
export const alarmName = "heed-poll";
const fetchTimeoutMs = 30_000;

/** Sends one message to the offscreen document, which must be listening. */
export type ToOffscreen = (msg: InstallRequest) => Promise<InstallResponse | undefined>;

export function bundleURL(s: Settings): string {
  return `${s.serverUrl}/v1/channels/${encodeURIComponent(s.channel)}/bundle`;
}

async function setStatus(patch: UpdateStatus): Promise<void> {
  const cur = ((await chrome.storage.local.get(statusKey))[statusKey] ?? {}) as UpdateStatus;
  const next: UpdateStatus = { ...cur, ...patch };
  if (patch.error === undefined && "error" in patch) delete next.error;
  await chrome.storage.local.set({ [statusKey]: next });
}

async function lastGood(): Promise<LastGood | undefined> {
  return (await chrome.storage.local.get(lastGoodKey))[lastGoodKey] as LastGood | undefined;
}

export class Updater {
  private effective: Effective | null = null;
  private running: Promise<UpdateStatus> | null = null;

  constructor(private readonly toOffscreen: ToOffscreen) {}

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

  /** Hands the engine the last good bundle, as at a start. */
  async restore(): Promise<void> {
    // The settings kept at the last start: managed storage can take seconds
    // to read, and drafts wait for this.
    const kept = (await chrome.storage.local.get(effectiveKey))[effectiveKey] as Effective | undefined;
    const s = kept?.settings ?? (await this.settings());
    const good = await lastGood();
    if (!good || !s.serverUrl || good.url !== bundleURL(s) || s.trustedKeys.length === 0) return;
    const res = await this.toOffscreen({ type: "heed:install", envelope: good.envelope, keys: s.trustedKeys, minVersion: good.version - 1 });
    if (res?.error || !res) {
      await setStatus({ error: `the kept bundle (version ${good.version}) was refused: ${res?.error ?? "no answer"}; using the built-in rules until the server answers` });
    } else {
      await setStatus({ bundle: { name: res.name ?? good.name, version: good.version, source: "server", ...(res.expires ? { expires: res.expires } : {}) } });
    }
  }

  /** Checks the server now; one check at a time. */
  check(): Promise<UpdateStatus> {
    this.running ??= this.checkOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async checkOnce(): Promise<UpdateStatus> {
    const s = await this.settings();
    const checkedAt = new Date().toISOString();
    if (!s.serverUrl) {
      await setStatus({ checkedAt, error: undefined });
      return this.status();
    }
    if (s.trustedKeys.length === 0) {
      await setStatus({ checkedAt, error: "a server is set but no trusted keys: bundles cannot be verified, so none are taken" });
      return this.status();
    }
    const url = bundleURL(s);
    const good = await lastGood();
    const same = good?.url === url ? good : undefined;
    let res: Response;
    try {
      // A server that hangs must not hold every later check behind this one.
      res = await fetch(url, { cache: "no-store", headers: same?.etag ? { "If-None-Match": same.etag } : {}, signal: AbortSignal.timeout(fetchTimeoutMs) });
    } catch (err) {
      await setStatus({ checkedAt, error: `the server could not be reached (${err instanceof Error ? err.message : String(err)}); the rules in use stay` });
      return this.status();
    }
    if (res.status === 304) {
      await setStatus({ checkedAt, error: undefined });
      return this.status();
    }
    if (res.status !== 200) {
      await setStatus({ checkedAt, error: `the server answered ${res.status} for ${url}; the rules in use stay` });
      return this.status();
    }
    let envelope: string;
    try {
      envelope = await res.text();
    } catch (err) {
      await setStatus({ checkedAt, error: `the answer from the server broke off (${err instanceof Error ? err.message : String(err)}); the rules in use stay` });
      return this.status();
    }
    const minVersion = same?.version ?? 0;
    const answer = await this.toOffscreen({ type: "heed:install", envelope, keys: s.trustedKeys, minVersion });
    if (!answer || answer.error) {
      await setStatus({ checkedAt, error: `a new bundle was refused: ${answer?.error ?? "no answer from the engine"}; the rules in use stay` });
      return this.status();
    }
    const version = answer.version ?? 0;
    await chrome.storage.local.set({ [lastGoodKey]: { envelope, version, name: answer.name ?? "", etag: res.headers.get("ETag") ?? "", url } satisfies LastGood });
    await setStatus({ checkedAt, error: undefined, bundle: { name: answer.name ?? "", version, source: "server", ...(answer.expires ? { expires: answer.expires } : {}) } });
    return this.status();
  }

  async status(): Promise<UpdateStatus> {
    return ((await chrome.storage.local.get(statusKey))[statusKey] ?? {}) as UpdateStatus;
  }
}
