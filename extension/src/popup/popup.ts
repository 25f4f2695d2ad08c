// The popup: which bundle is in force and when it was last checked, any
// refusal or error, whether the person posts as the organisation or as
// themselves per site (when IT allows the choice), and the locally kept
// "posted anyway" list.
import type { Effective } from "../shared/config";
import { accountKey, ask, overridesKey, type ConfigResponse, type Override } from "../shared/messages";
import type { UpdateStatus } from "../background/updater";

const SITES: [string, string][] = [
  ["facebook", "Facebook"],
  ["twitter", "X (Twitter)"],
  ["linkedin", "LinkedIn"],
];
const CHOICES: [string, string][] = [
  ["auto", "Let Heed tell from the page"],
  ["official", "I am posting as the organisation"],
  ["personal", "I am posting as myself"],
];

const $ = (id: string) => document.getElementById(id)!;

async function showBundle(): Promise<void> {
  const [cfg, stored] = await Promise.all([
    ask<ConfigResponse>({ type: "heed:config" }).catch(() => undefined),
    chrome.storage.local.get("status"),
  ]);
  const status = (stored.status ?? {}) as UpdateStatus;
  const b = cfg?.bundle;
  $("bundle").textContent = b
    ? `Rules: ${b.name}, version ${b.version}${b.source === "built-in" ? " (built in)" : ""}`
    : "The rules could not be loaded.";
  $("checked").textContent = status.checkedAt ? `Last checked ${new Date(status.checkedAt).toLocaleString()}` : "Not checked with a server yet.";
  $("error").textContent = status.error ?? "";
}

async function showAccounts(): Promise<void> {
  const stored = await chrome.storage.local.get([...SITES.map(([s]) => accountKey(s)), "effective"]);
  const allowed = (stored.effective as Effective | undefined)?.settings.allowAccountOverride ?? true;
  const form = $("accounts");
  form.replaceChildren();
  for (const [site, name] of SITES) {
    const set = document.createElement("fieldset");
    set.disabled = !allowed;
    const legend = document.createElement("legend");
    legend.textContent = name;
    set.append(legend);
    for (const [value, text] of CHOICES) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = site;
      input.value = value;
      input.checked = (stored[accountKey(site)] ?? "auto") === value;
      input.addEventListener("change", () => {
        if (value === "auto") void chrome.storage.local.remove(accountKey(site));
        else void chrome.storage.local.set({ [accountKey(site)]: value });
      });
      label.append(input, ` ${text}`);
      set.append(label);
    }
    form.append(set);
  }
  if (!allowed) form.append(Object.assign(document.createElement("p"), { textContent: "Your organisation sets this." }));
}

async function showOverrides(): Promise<void> {
  const list = ((await chrome.storage.local.get(overridesKey))[overridesKey] ?? []) as Override[];
  const ul = $("overrides");
  ul.replaceChildren(
    ...list
      .slice(-20)
      .reverse()
      .map((o) => Object.assign(document.createElement("li"), { textContent: `${new Date(o.time).toLocaleString()}, ${o.site}: ${o.rule}` })),
  );
  $("overrides-none").hidden = list.length > 0;
  ($("clear") as HTMLButtonElement).disabled = list.length === 0;
}

async function main(): Promise<void> {
  $("check").addEventListener("click", async () => {
    const button = $("check") as HTMLButtonElement;
    button.disabled = true;
    await chrome.runtime.sendMessage({ type: "heed:check-now" }).catch(() => undefined);
    button.disabled = false;
    await showBundle();
  });
  $("clear").addEventListener("click", async () => {
    await chrome.storage.local.remove(overridesKey);
    await showOverrides();
  });
  $("options").addEventListener("click", () => void chrome.runtime.openOptionsPage());
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    if ("status" in changes) void showBundle();
    if ("effective" in changes) void showAccounts();
    if (overridesKey in changes) void showOverrides();
  });
  await Promise.all([showBundle(), showAccounts(), showOverrides()]);
}

void main();
