// The service worker: the only place the engine runs. WebAssembly cannot
// compile in a content script on pages whose CSP forbids it, and the sites
// set their own CSPs; the extension's pages allow 'wasm-unsafe-eval'.
// A stopped worker starts again on the next message and sets the engine
// up before answering, so the first evaluation after a restart arrives.
import { HeedEngine } from "../engine/engine";
import type { ConfigResponse, EvaluateResponse, Request } from "../shared/messages";

interface Loaded {
  engine: HeedEngine;
  officialAccounts: string[];
  name: string;
  version: number;
}

let loading: Promise<Loaded> | null = null;

async function load(): Promise<Loaded> {
  // Streaming compilation starts while the bytes arrive, and lets Chrome
  // reuse its code cache for the module after a worker restart.
  const [module, bundleText] = await Promise.all([
    WebAssembly.compileStreaming(fetch(chrome.runtime.getURL("heed.wasm"))),
    fetch(chrome.runtime.getURL("bundle.json")).then((r) => r.text()),
  ]);
  const engine = await HeedEngine.create(module);
  const info = engine.load(bundleText);
  const bundle = JSON.parse(bundleText) as { settings?: { official_accounts?: string[] } };
  return {
    engine,
    officialAccounts: bundle.settings?.official_accounts ?? [],
    name: info.name ?? "",
    version: info.version ?? 0,
  };
}

function loaded(): Promise<Loaded> {
  loading ??= load().catch((err) => {
    loading = null; // try again on the next message
    throw err;
  });
  return loading;
}

chrome.runtime.onMessage.addListener((msg: Request, sender, sendResponse) => {
  // Only the extension's own scripts may ask.
  if (sender.id !== chrome.runtime.id) return false;
  if (msg?.type === "heed:evaluate") {
    loaded()
      .then(({ engine }) => sendResponse({ findings: engine.evaluate(msg.text, msg.context) } satisfies EvaluateResponse))
      .catch((err: unknown) => sendResponse({ error: String(err) } satisfies EvaluateResponse));
    return true;
  }
  if (msg?.type === "heed:config") {
    loaded()
      .then((l) =>
        sendResponse({
          officialAccounts: l.officialAccounts,
          bundle: { name: l.name, version: l.version },
        } satisfies ConfigResponse),
      )
      .catch((err: unknown) => sendResponse({ officialAccounts: [], error: String(err) } satisfies ConfigResponse));
    return true;
  }
  return false;
});

// Set up as soon as the worker starts, so the first draft waits less.
void loaded().catch(() => undefined);
