// The playground that `heed serve` shows at /: a compose box with the
// extension's own warning overlay (ui.ts, not a copy), the same heed.wasm
// running in this page, a context to choose, and the channel's published
// versions or the built-in default to check against. Drafts stay in the
// page: the engine runs here, and the server only hands out bundles.
import { bundleInside, HeedEngine, type Finding } from "../engine/engine";
import { readField } from "../content/text";
import { Overlay } from "../content/ui";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const draft = $<HTMLTextAreaElement>("draft");
const bundlePicker = $<HTMLSelectElement>("bundle");
const channel = $<HTMLInputElement>("channel");
const time = $<HTMLInputElement>("time");
const status = $("status");
const list = $("findings");

let engine: HeedEngine | null = null;
const dismissed = new Set<string>();
const overlay = new Overlay(draft, (rule) => {
  dismissed.add(rule);
  check();
});

interface Release {
  version: number;
  publisher?: string;
  time?: string;
  note?: string;
}

/** The local time of a datetime-local input, as RFC 3339 with offset. */
function when(): string {
  const d = time.value ? new Date(time.value) : new Date();
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

function setNow(): void {
  const d = new Date();
  d.setSeconds(0, 0);
  time.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function check(): void {
  if (!engine) return;
  let findings: Finding[];
  try {
    findings = engine
      .evaluate(draft.value, {
        platform: $<HTMLSelectElement>("platform").value,
        surface: $<HTMLSelectElement>("surface").value,
        account: $<HTMLSelectElement>("account").value,
        time: when(),
      })
      .filter((f) => !dismissed.has(f.rule));
  } catch (err) {
    status.textContent = `The engine refused the draft: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  overlay.render(readField(draft), findings);
  list.replaceChildren(
    ...findings.map((f) => {
      const li = document.createElement("li");
      const quoted = f.spans.map((s) => draft.value.slice(s.start, s.end)).join(", ");
      li.textContent = `${f.severity}: ${f.message} (${f.rule}: "${quoted}")`;
      return li;
    }),
  );
}

async function useBundle(): Promise<void> {
  if (!engine) return;
  const choice = bundlePicker.value;
  try {
    if (choice === "builtin") {
      const info = engine.load(await (await fetch("/playground/default.json")).text());
      status.textContent = `Rules: built-in ${info.name} version ${info.version}, ${info.rules} rules.`;
    } else {
      const res = await fetch(`/v1/channels/${encodeURIComponent(channel.value)}/bundles/${encodeURIComponent(choice)}`);
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      // The server verified the signature when the bundle was published;
      // the playground previews the bundle inside the envelope.
      const info = engine.load(JSON.stringify(bundleInside(await res.text())));
      status.textContent = `Rules: ${channel.value} ${info.name} version ${info.version}, ${info.rules} rules.`;
    }
  } catch (err) {
    status.textContent = `Those rules could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
  }
  dismissed.clear();
  check();
}

async function listVersions(): Promise<void> {
  const keep = bundlePicker.value;
  bundlePicker.replaceChildren(new Option("Built-in default", "builtin"));
  try {
    const res = await fetch(`/v1/channels/${encodeURIComponent(channel.value)}/bundles`);
    if (res.ok) {
      const { versions } = (await res.json()) as { versions: Release[] };
      for (const r of versions ?? []) {
        const label = `${channel.value} version ${r.version}${r.time ? `, ${new Date(r.time).toLocaleString()}` : ""}${r.note ? ` (${r.note})` : ""}`;
        bundlePicker.append(new Option(label, String(r.version)));
      }
    }
  } catch {
    // No versions: the built-in default stays.
  }
  if ([...bundlePicker.options].some((o) => o.value === keep)) bundlePicker.value = keep;
}

async function main(): Promise<void> {
  setNow();
  engine = await HeedEngine.create(await WebAssembly.compileStreaming(fetch("/playground/heed.wasm")));
  await listVersions();
  await useBundle();
  draft.addEventListener("input", () => {
    dismissed.clear();
    check();
  });
  for (const id of ["platform", "surface", "account", "time"]) $(id).addEventListener("change", check);
  $("now").addEventListener("click", () => {
    setNow();
    check();
  });
  bundlePicker.addEventListener("change", () => void useBundle());
  channel.addEventListener("change", () => void listVersions().then(useBundle));
}

main().catch((err: unknown) => {
  status.textContent = `The playground could not start: ${err instanceof Error ? err.message : String(err)}`;
});
