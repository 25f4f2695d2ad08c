// The engine in a Web Worker of the offscreen document: it outlives the
// service worker, which Chrome stops when idle, so the engine stays warm
// and a draft after a pause is answered at once.
import { HeedEngine } from "../engine/engine";
import type { ConfigResponse, EvaluateResponse } from "../shared/messages";

export type WorkerRequest =
  | { id: number; type: "evaluate"; text: string; context: Record<string, string> }
  | { id: number; type: "config" };

interface Loaded {
  engine: HeedEngine;
  config: ConfigResponse;
}

let loading: Promise<Loaded> | null = null;

async function load(): Promise<Loaded> {
  const [module, bundleText] = await Promise.all([
    WebAssembly.compileStreaming(fetch("heed.wasm")),
    fetch("bundle.json").then((r) => r.text()),
  ]);
  const engine = await HeedEngine.create(module);
  const info = engine.load(bundleText);
  const bundle = JSON.parse(bundleText) as { settings?: { official_accounts?: string[] } };
  return {
    engine,
    config: {
      officialAccounts: bundle.settings?.official_accounts ?? [],
      bundle: { name: info.name ?? "", version: info.version ?? 0 },
    },
  };
}

function loaded(): Promise<Loaded> {
  loading ??= load().catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  try {
    const l = await loaded();
    if (req.type === "evaluate") {
      postMessage({ id: req.id, findings: l.engine.evaluate(req.text, req.context) } satisfies EvaluateResponse & { id: number });
    } else {
      postMessage({ id: req.id, ...l.config });
    }
  } catch (err) {
    postMessage({ id: req.id, error: String(err), officialAccounts: [] });
  }
};

void loaded().catch(() => undefined);
