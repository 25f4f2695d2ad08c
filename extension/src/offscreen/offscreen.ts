// The offscreen document: holds the engine's Web Worker and answers the
// content scripts' messages. It lives on while the service worker sleeps.
import type { InstallRequest, OffscreenReady, Request } from "../shared/messages";

const worker = new Worker("engine-worker.js", { type: "module" });
let next = 1;
const pending = new Map<number, (v: unknown) => void>();
worker.onmessage = (e: MessageEvent<{ id: number }>) => {
  pending.get(e.data.id)?.(e.data);
  pending.delete(e.data.id);
};

function ask(msg: object): Promise<unknown> {
  const id = next++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, ...msg });
  });
}

chrome.runtime.onMessage.addListener((msg: Request | { type: "heed:offscreen"; inner: Request }, sender, sendResponse) => {
  if (sender.id !== chrome.runtime.id) return false;
  const req = msg.type === "heed:offscreen" ? msg.inner : msg;
  if (req.type === "heed:evaluate") {
    void ask({ type: "evaluate", text: req.text, context: req.context }).then(sendResponse);
    return true;
  }
  // Only the service worker installs bundles: never a content script.
  const fromExtension = sender.url?.startsWith(chrome.runtime.getURL("")) ?? false;
  if ((msg as { type: string }).type === "heed:install" && fromExtension) {
    const { envelope, keys, minVersion, allowSame, minIssued, url } = msg as unknown as InstallRequest;
    void ask({ type: "install", envelope, keys, minVersion, allowSame, minIssued, url }).then(sendResponse);
    return true;
  }
  if ((msg as { type: string }).type === "heed:state" && fromExtension) {
    void ask({ type: "state" }).then(sendResponse);
    return true;
  }
  if ((msg as { type: string }).type === "heed:booted" && fromExtension) {
    void ask({ type: "booted" }).then(sendResponse);
    return true;
  }
  if (req.type === "heed:config") {
    void ask({ type: "config" }).then(sendResponse);
    return true;
  }
  return false;
});

// Listening from now: messages sent before this never reached us, and the
// service worker passes those on itself.
void chrome.runtime.sendMessage({ type: "heed:offscreen-ready", at: Date.now() } satisfies OffscreenReady).catch(() => undefined);
