// Messages between the content scripts and the service worker. Drafts
// travel only in "heed:evaluate", only to the extension's own worker.
import type { Context, Finding } from "../engine/engine";

export interface EvaluateRequest {
  type: "heed:evaluate";
  text: string;
  context: Context;
  /** Date.now() when sent: tells the service worker whether the
   *  offscreen document was listening then (see OffscreenReady). */
  sentAt: number;
}

export interface EvaluateResponse {
  findings?: Finding[];
  error?: string;
}

export interface ConfigRequest {
  type: "heed:config";
  sentAt: number;
}

/** The offscreen document's word that it listens from `at` (Date.now()).
 *  A message sent before then never reached it, so the service worker
 *  passes that one on itself. */
export interface OffscreenReady {
  type: "heed:offscreen-ready";
  at: number;
}

/** What the content scripts need to know of the bundle. */
export interface ConfigResponse {
  officialAccounts: string[];
  bundle?: BundleInfo;
  error?: string;
}

/** The bundle the engine runs: shipped inside the extension, or from the server. */
export interface BundleInfo {
  name: string;
  version: number;
  source: "built-in" | "server";
  /** For a bundle from the server: when it was issued and when it expires (RFC 3339). */
  issued?: string;
  expires?: string;
  /** For a bundle from the server: the address it was fetched from. */
  url?: string;
}

/** From the service worker or the popup to the offscreen document: the
 *  bundle the engine runs now, answered at once (drafts wait for the start
 *  to settle; this does not). The answer is a ConfigResponse. */
export interface StateRequest {
  type: "heed:state";
}

/** From the service worker to the offscreen document: verify and use a
 *  signed bundle if it is signed by one of keys, unexpired, its version is
 *  above minVersion (or equal to it, with allowSame) and it was issued no
 *  earlier than minIssued. */
export interface InstallRequest {
  type: "heed:install";
  envelope: string;
  keys: { keyid: string; public_key: string }[];
  /** The version of the last bundle accepted from this server; 0 for none. */
  minVersion: number;
  /** Restoring the kept bundle: its own version is accepted again. */
  allowSame?: boolean;
  /** When the last bundle accepted from this server was issued (RFC 3339):
   *  a bundle issued earlier is refused, whatever its version. */
  minIssued?: string;
  /** The address the envelope came from, for the popup. */
  url?: string;
}

export interface InstallResponse {
  name?: string;
  version?: number;
  issued?: string;
  expires?: string;
  error?: string;
}

export type Request = EvaluateRequest | ConfigRequest;

/** Where "post anyway" is recorded: rule, time, site; never text. */
export const overridesKey = "overrides";

export interface Override {
  rule: string;
  time: string;
  site: string;
}

/** One attempt's wait: long enough for a cold start (the module compiles
 *  and the bundle loads before the first answer), short enough that a lost
 *  message does not leave a compose box unchecked for long. */
export const attemptTimeoutMs = 3000;

/**
 * Sends a request to the engine and waits for its answer, trying again
 * when no answer comes: at browser start, or when the service worker was
 * stopped, a message can fall between the worker and the offscreen
 * document. A coalesced session never waits on a lost message for ever.
 */
export async function ask<R extends { error?: string }>(
  req: Omit<EvaluateRequest, "sentAt"> | Omit<ConfigRequest, "sentAt">,
  attempts = 3,
  timeoutMs = attemptTimeoutMs,
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const res = (await Promise.race([
        chrome.runtime.sendMessage({ ...req, sentAt: Date.now() }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        }),
      ])) as R | undefined;
      if (!res) throw new Error("no answer from the engine");
      if (res.error) throw new Error(res.error);
      return res;
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    } finally {
      clearTimeout(timer);
    }
  }
}
