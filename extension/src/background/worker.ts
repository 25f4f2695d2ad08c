// The service worker keeps an offscreen document alive, whose Web Worker
// runs the engine: WebAssembly cannot compile in a content script on pages
// whose CSP forbids it, and the service worker itself is stopped when idle,
// which would throw the warm engine away. Content scripts' messages reach
// the offscreen document directly; while it does not exist yet, the
// service worker creates it and passes the message on.
import type { Request } from "../shared/messages";

let creating: Promise<void> | null = null;

async function hasOffscreen(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT] });
  return contexts.length > 0;
}

async function ensureOffscreen(): Promise<void> {
  if (await hasOffscreen()) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: "offscreen.html",
      reasons: [chrome.offscreen.Reason.WORKERS],
      justification: "Runs Heed's policy engine (WebAssembly) in a worker, so drafts are checked on this device",
    })
    .catch((err: unknown) => {
      if (!String(err).includes("Only a single offscreen")) throw err;
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

chrome.runtime.onMessage.addListener((msg: Request | { type: string }, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  if (msg.type !== "heed:evaluate" && msg.type !== "heed:config") return false;
  // With the document in place, it answers; this worker stays out.
  const fromOffscreen = sender.url?.endsWith("/offscreen.html");
  if (fromOffscreen) return false;
  void (async () => {
    if (await hasOffscreen()) return; // it got the message too and answers
    await ensureOffscreen();
    sendResponse(await chrome.runtime.sendMessage({ type: "heed:offscreen", inner: msg }));
  })().catch((err: unknown) => sendResponse({ error: String(err), officialAccounts: [] }));
  return true;
});

void ensureOffscreen().catch(() => undefined);
chrome.runtime.onStartup.addListener(() => void ensureOffscreen().catch(() => undefined));
chrome.runtime.onInstalled.addListener(() => void ensureOffscreen().catch(() => undefined));
