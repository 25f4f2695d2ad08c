// The engine in a Web Worker of the offscreen document: it outlives the
// service worker, which Chrome stops when idle, so the engine stays warm
// and a draft after a pause is answered at once.
//
// It starts on the bundle shipped inside the extension. The service worker
// hands it signed bundles (the last good one from storage, then each new
// one from the server); each is verified and compiled in a fresh instance
// of the module, and only a bundle that passes replaces the one in use, so
// a refusal never leaves staff without rules.
import { HeedEngine } from "../engine/engine";
import type { ConfigResponse, EvaluateResponse, InstallRequest, InstallResponse } from "../shared/messages";

export type WorkerRequest =
  | { id: number; type: "evaluate"; text: string; context: Record<string, string> }
  | { id: number; type: "config" }
  | { id: number; type: "booted" }
  | ({ id: number } & Omit<InstallRequest, "type"> & { type: "install" });

interface Loaded {
  engine: HeedEngine;
  config: ConfigResponse;
}

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
let loading: Promise<Loaded> | null = null;
/** Installs run one at a time, in order. */
let installs: Promise<unknown> = Promise.resolve();

function module(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compileStreaming(fetch("heed.wasm")).catch((err) => {
    compiled = null;
    throw err;
  });
  return compiled;
}

function configOf(engine: HeedEngine, info: { name?: string; version?: number; expires?: string }, source: "built-in" | "server"): ConfigResponse {
  return {
    officialAccounts: engine.officialAccounts,
    bundle: { name: info.name ?? "", version: info.version ?? 0, source, ...(info.expires ? { expires: info.expires } : {}) },
  };
}

async function loadBuiltIn(): Promise<Loaded> {
  const [m, bundleText] = await Promise.all([module(), fetch("bundle.json").then((r) => r.text())]);
  const engine = await HeedEngine.create(m);
  return { engine, config: configOf(engine, engine.load(bundleText), "built-in") };
}

function loaded(): Promise<Loaded> {
  loading ??= loadBuiltIn().catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

async function install(req: Omit<InstallRequest, "type">): Promise<InstallResponse> {
  // After the built-in load, so that it cannot land over this one.
  await loaded().catch(() => undefined);
  const candidate = await HeedEngine.create(await module());
  // The module checks the signature against these keys and the expiry
  // against the clock; a failure throws and the current bundle stays.
  candidate.trust(JSON.stringify(req.keys));
  const info = candidate.load(req.envelope);
  const version = info.version ?? 0;
  if (version <= req.minVersion) {
    throw new Error(`version ${version} is not above version ${req.minVersion}, the last accepted (a rollback)`);
  }
  const next: Loaded = { engine: candidate, config: configOf(candidate, info, "server") };
  loading = Promise.resolve(next);
  return { name: info.name ?? "", version, ...(info.expires ? { expires: info.expires } : {}) };
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  try {
    if (req.type === "install") {
      const run = installs.then(() => install(req));
      installs = run.catch(() => undefined);
      postMessage({ id: req.id, ...(await run) });
      return;
    }
    if (req.type === "booted") {
      booted();
      postMessage({ id: req.id });
      return;
    }
    await boot;
    const l = await loaded();
    if (req.type === "evaluate") {
      postMessage({ id: req.id, findings: l.engine.evaluate(req.text, req.context) } satisfies EvaluateResponse & { id: number });
    } else {
      postMessage({ id: req.id, ...l.config });
    }
  } catch (err) {
    postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err), officialAccounts: [] });
  }
};

void loaded().catch(() => undefined);
