// The engine in a Web Worker of the offscreen document: it outlives the
// service worker, which Chrome stops when idle, so the engine stays warm
// and a draft after a pause is answered at once.
//
// It starts on the bundle shipped inside the extension. The service worker
// hands it signed bundles (the last good one from storage, then each new
// one from the server); each is verified and compiled in a fresh instance
// of the module, and only a bundle that passes replaces the one in use, so
// a refusal never leaves staff without rules. A bundle from the server
// that expires is dropped for the built-in one (engines.ts).
import type { EvaluateResponse, InstallRequest } from "../shared/messages";
import { Engines } from "./engines";

export type WorkerRequest =
  | { id: number; type: "evaluate"; text: string; context: Record<string, string> }
  | { id: number; type: "config" }
  | { id: number; type: "state" }
  | { id: number; type: "booted" }
  | ({ id: number } & Omit<InstallRequest, "type"> & { type: "install" });

// A new document starts on the built-in bundle, but the service worker may
// hold a newer one from the server. Drafts wait until it has said (or for
// at most bootWaitMs), so they are never checked against stale rules.
const bootWaitMs = 5000;
let booted!: () => void;
const boot = new Promise<void>((r) => {
  booted = r;
  setTimeout(r, bootWaitMs);
});

let compiled: Promise<WebAssembly.Module> | null = null;

function module(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compileStreaming(fetch("heed.wasm")).catch((err) => {
    compiled = null;
    throw err;
  });
  return compiled;
}

const engines = new Engines({ module, builtIn: () => fetch("bundle.json").then((r) => r.text()) });

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === "install") {
      postMessage({ id: req.id, ...(await engines.install(req)) });
      return;
    }
    if (req.type === "booted") {
      booted();
      postMessage({ id: req.id });
      return;
    }
    // The service worker's question of what runs: answered at once.
    if (req.type === "state") {
      postMessage({ id: req.id, ...(await engines.config()) });
      return;
    }
    await boot;
    if (req.type === "evaluate") {
      postMessage({ id: req.id, findings: await engines.evaluate(req.text, req.context) } satisfies EvaluateResponse & { id: number });
    } else {
      postMessage({ id: req.id, ...(await engines.config()) });
    }
  } catch (err) {
    postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err), officialAccounts: [] });
  }
};

void engines.current().catch(() => undefined);
