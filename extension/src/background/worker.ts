// The service worker keeps an offscreen document alive, whose Web Worker
// runs the engine: WebAssembly cannot compile in a content script on pages
// whose CSP forbids it, and the service worker itself is stopped when idle,
// which would throw the warm engine away. Content scripts' messages reach
// the offscreen document directly; a message sent while the document did
// not exist or was not yet listening, the service worker passes on itself.
import { localSettingsKey } from "../shared/config";
import type { OffscreenReady, Request } from "../shared/messages";
import { alarmName, expiryAlarmName, Updater } from "./updater";

// When the current offscreen document started listening (Date.now()). Kept
// in session storage too, because this worker is stopped when idle and the
// document outlives it.
const readyKey = "offscreenReadyAt";
let readyAt: number | undefined;
let readyWaiters: (() => void)[] = [];
let creating: Promise<void> | null = null;

async function hasOffscreen(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] });
  return contexts.length > 0;
}

async function listeningSince(): Promise<number | undefined> {
  if (readyAt === undefined) {
    const stored = await chrome.storage.session.get(readyKey);
    if (readyAt === undefined && typeof stored[readyKey] === "number") readyAt = stored[readyKey];
  }
  return readyAt;
}

/** Resolves once the document says it listens, or after timeoutMs. */
function untilListening(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    readyWaiters.push(resolve);
    setTimeout(resolve, timeoutMs);
  });
}

async function ensureOffscreen(): Promise<void> {
  if (await hasOffscreen()) return;
  creating ??= (async () => {
    readyAt = undefined;
    await chrome.storage.session.remove(readyKey);
    await chrome.offscreen.createDocument({
      url: "offscreen.html",
      reasons: [chrome.offscreen.Reason.WORKERS],
      justification: "Runs Heed's policy engine (WebAssembly) in a worker, so drafts are checked on this device",
    });
  })()
    .catch((err: unknown) => {
      if (!String(err).includes("Only a single offscreen")) throw err;
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

/** Sends a message to the document once it exists and listens. */
async function toOffscreen<R>(msg: object): Promise<R> {
  await ensureOffscreen();
  if ((await listeningSince()) === undefined) await untilListening(5000);
  return chrome.runtime.sendMessage(msg);
}

/** Passes a request the document did not hear on to it, and its answer back. */
function relay(msg: Request): Promise<unknown> {
  return toOffscreen({ type: "heed:offscreen", inner: msg });
}

const updater = new Updater((msg) => toOffscreen(msg));

/** A new document starts on the built-in rules: give it the kept bundle
 *  (restore also says what runs now, and why), then ask the server. */
async function freshDocument(): Promise<void> {
  try {
    await updater.restore();
  } finally {
    // Drafts wait for this: the document now has the best bundle there is.
    await toOffscreen({ type: "heed:booted" }).catch(() => undefined);
  }
  await updater.check();
}

chrome.runtime.onMessage.addListener((msg: Request | OffscreenReady | { type: string }, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  const fromOffscreen = sender.url?.endsWith("/offscreen.html");
  if (msg.type === "heed:offscreen-ready" && fromOffscreen) {
    readyAt = (msg as OffscreenReady).at;
    void chrome.storage.session.set({ [readyKey]: readyAt }).catch(() => undefined);
    for (const w of readyWaiters) w();
    readyWaiters = [];
    void freshDocument().catch(() => undefined);
    return false;
  }
  // The popup's "check now" (the network) and its status (made anew from
  // what the engine runs): only from the extension's own pages.
  const popupAsk = msg.type === "heed:check-now" ? () => updater.check() : msg.type === "heed:status" ? () => updater.refresh() : null;
  if (popupAsk && sender.url?.startsWith(chrome.runtime.getURL(""))) {
    void popupAsk()
      .then(sendResponse)
      .catch((err: unknown) => sendResponse({ error: String(err) }));
    return true;
  }
  if (msg.type !== "heed:evaluate" && msg.type !== "heed:config") return false;
  if (fromOffscreen) return false;
  const req = msg as Request;
  void (async () => {
    // The document answers what it heard: anything sent after it began
    // listening. Equal milliseconds are ambiguous; then both may answer,
    // and the first answer wins.
    const since = (await hasOffscreen()) ? await listeningSince() : undefined;
    if (since !== undefined && since < req.sentAt) return;
    sendResponse(await relay(req));
  })().catch((err: unknown) => sendResponse({ error: String(err), officialAccounts: [] }));
  return true;
});

chrome.alarms.onAlarm.addListener((a) => {
  if (a.name === alarmName || a.name === expiryAlarmName) void updater.check().catch(() => undefined);
});
// Settings apply without a restart: IT's policy or the options page.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== "managed" && !(area === "local" && localSettingsKey in changes)) return;
  void updater
    .configure()
    .then((changed) => (changed ? updater.check() : undefined))
    .catch(() => undefined);
});

void updater.configure().catch(() => undefined);
void ensureOffscreen().catch(() => undefined);
chrome.runtime.onStartup.addListener(() => void ensureOffscreen().catch(() => undefined));
chrome.runtime.onInstalled.addListener(() => void ensureOffscreen().catch(() => undefined));
