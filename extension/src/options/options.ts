// The options page: the effective settings, those IT pushed by policy
// locked, the rest editable (kept in chrome.storage.local).
import { localSettingsKey, readSettings, type SettingName } from "../shared/config";

const FIELDS: { name: SettingName; label: string; kind: "text" | "number" | "json" | "bool" }[] = [
  { name: "serverUrl", label: "Bundle server", kind: "text" },
  { name: "channel", label: "Channel", kind: "text" },
  { name: "trustedKeys", label: "Trusted signing keys (JSON, as in NAME.pub)", kind: "json" },
  { name: "pollMinutes", label: "Poll interval (minutes)", kind: "number" },
  { name: "officialAccounts", label: "Official accounts per platform (JSON)", kind: "json" },
  { name: "allowAccountOverride", label: "Staff may say which account they post as", kind: "bool" },
];

async function main(): Promise<void> {
  const eff = await readSettings();
  const form = document.getElementById("settings") as HTMLFormElement;
  const inputs = new Map<SettingName, HTMLInputElement | HTMLTextAreaElement>();
  for (const f of FIELDS) {
    const id = `f-${f.name}`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = f.label;
    const locked = eff.managed.includes(f.name);
    if (locked) {
      const note = document.createElement("span");
      note.className = "locked";
      note.textContent = " (set by your organisation)";
      label.append(note);
    }
    const value = eff.settings[f.name];
    let input: HTMLInputElement | HTMLTextAreaElement;
    if (f.kind === "json") {
      input = document.createElement("textarea");
      input.value = JSON.stringify(value, null, 2);
    } else {
      input = document.createElement("input");
      input.type = f.kind === "bool" ? "checkbox" : f.kind;
      if (f.kind === "bool") input.checked = value as boolean;
      else input.value = String(value);
      if (f.kind === "number") input.step = "any";
    }
    input.id = id;
    input.name = f.name;
    input.disabled = locked;
    inputs.set(f.name, input);
    form.append(label, input);
  }
  const problems = document.getElementById("problems")!;
  problems.replaceChildren(...eff.problems.map((p) => Object.assign(document.createElement("li"), { textContent: p })));

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const local: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const f of FIELDS) {
      const input = inputs.get(f.name)!;
      if (input.disabled) continue;
      try {
        if (f.kind === "json") local[f.name] = JSON.parse(input.value);
        else if (f.kind === "bool") local[f.name] = (input as HTMLInputElement).checked;
        else if (f.kind === "number") local[f.name] = Number(input.value);
        else local[f.name] = input.value.trim();
      } catch (err) {
        errors.push(`${f.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    problems.replaceChildren(...errors.map((p) => Object.assign(document.createElement("li"), { textContent: p })));
    if (errors.length) return;
    await chrome.storage.local.set({ [localSettingsKey]: local });
    const after = await readSettings();
    problems.replaceChildren(...after.problems.map((p) => Object.assign(document.createElement("li"), { textContent: p })));
    document.getElementById("saved")!.textContent = after.problems.length ? "Saved; some values were set aside." : "Saved.";
  });
}

void main();
