// The popup: which bundle is in force and when it was last checked, any
// refusal or error, whether the person posts as the organisation or as
// themselves per site (when IT allows the choice), and the locally kept
// "posted anyway" list.
import type { Effective } from "../shared/config";
import { accountKey, ask, overridesKey, type BundleInfo, type ConfigResponse, type Override } from "../shared/messages";
import { statusKey, type UpdateStatus } from "../background/updater";

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

/** The rules the engine runs, from where, and until when. */
function describeBundle(b: BundleInfo): string {
  const head = `Rules: ${b.name}, version ${b.version}`;
  if (b.source === "built-in") return `${head} (built in)`;
  let from = "the server";
  try {
    if (b.url) from = new URL(b.url).host;
  } catch {
    // The address as it was given.
  }
  const until = b.expires ? `, valid until ${new Date(b.expires).toLocaleString()}` : "";
  return `${head}, from ${from}${until}`;
}

/** Shows a status: what the engine runs, the last check, what is wrong. */
function render(status: UpdateStatus): void {
  $("bundle").textContent = status.bundle ? describeBundle(status.bundle) : "The rules could not be loaded.";
  $("checked").textContent = status.checkedAt ? `Last checked ${new Date(status.checkedAt).toLocaleString()}` : "Not checked with a server yet.";
  $("error").textContent = status.error ?? "";
}

/** Asks the service worker to make the status anew from what the engine
 *  runs now; the stored one if it cannot. */
async function showBundle(): Promise<void> {
  const fresh = (await chrome.runtime.sendMessage({ type: "heed:status" }).catch(() => undefined)) as UpdateStatus | undefined;
  if (fresh?.bundle) {
    render(fresh);
    return;
  }
  const [stored, cfg] = await Promise.all([
    chrome.storage.local.get(statusKey).then((s) => (s[statusKey] ?? {}) as UpdateStatus),
    ask<ConfigResponse>({ type: "heed:config" }).catch(() => undefined),
  ]);
  // What the engine says it runs, over what was stored.
  if (cfg?.bundle) stored.bundle = cfg.bundle;
  render(stored);
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
    const status = (await chrome.runtime.sendMessage({ type: "heed:check-now" }).catch(() => undefined)) as UpdateStatus | undefined;
    button.disabled = false;
    if (status?.bundle) render(status);
    else await showBundle();
  });
  $("clear").addEventListener("click", async () => {
    await chrome.storage.local.remove(overridesKey);
    await showOverrides();
  });
  $("options").addEventListener("click", () => void chrome.runtime.openOptionsPage());
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    // Each status is made whole by the service worker: show it as it is.
    const status = changes[statusKey]?.newValue as UpdateStatus | undefined;
    if (status?.bundle) render(status);
    if ("effective" in changes) void showAccounts();
    if (overridesKey in changes) void showOverrides();
  });
  await Promise.all([showBundle(), showAccounts(), showOverrides()]);
}

void main();
