// The popup: which bundle is in force and when it was last checked, any
// refusal or error, whether the person posts as the organisation or as
// themselves per site (when IT allows the choice), and the locally kept
// "posted anyway" list.
import type { Effective } from "../shared/config";
import { identitiesKey, type Answer } from "../content/identity";
import { ask, overridesKey, type BundleInfo, type ConfigResponse, type Override } from "../shared/messages";
import { statusKey, type UpdateStatus } from "../background/updater";

const SITES: Record<string, string> = { facebook: "Facebook", twitter: "X", linkedin: "LinkedIn", other: "Other sites" };

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

/** The accounts the person said are theirs or the organisation's, one
 *  row each, to change or forget; hidden when IT decides alone. */
async function showIdentities(): Promise<void> {
  const stored = await chrome.storage.local.get([identitiesKey, "effective"]);
  const allowed = (stored.effective as Effective | undefined)?.settings.allowAccountOverride ?? true;
  const box = $("identities");
  box.replaceChildren();
  if (!allowed) {
    box.append(Object.assign(document.createElement("p"), { textContent: "Your organisation decides which accounts are its own." }));
    return;
  }
  const answers = (stored[identitiesKey] ?? {}) as Record<string, Answer>;
  const keys = Object.keys(answers).sort();
  if (keys.length === 0) {
    box.append(Object.assign(document.createElement("p"), { textContent: "Heed asks in the compose box when it cannot tell." }));
    return;
  }
  const update = async (key: string, value: Answer | null) => {
    const cur = ((await chrome.storage.local.get(identitiesKey))[identitiesKey] ?? {}) as Record<string, Answer>;
    if (value) cur[key] = value;
    else delete cur[key];
    await chrome.storage.local.set({ [identitiesKey]: cur });
  };
  for (const key of keys) {
    const colon = key.indexOf(":");
    const site = key.slice(0, colon);
    const who = key.slice(colon + 1);
    const row = document.createElement("fieldset");
    row.dataset.identity = key;
    const legend = document.createElement("legend");
    legend.textContent = `${who} on ${SITES[site] ?? site}`;
    row.append(legend);
    for (const [value, text] of [["personal", "My own"], ["official", "The organisation's"]] as const) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = key;
      input.value = value;
      input.checked = answers[key] === value;
      input.addEventListener("change", () => void update(key, value));
      label.append(input, ` ${text}`);
      row.append(label);
    }
    const forget = document.createElement("button");
    forget.type = "button";
    forget.className = "forget";
    forget.textContent = "Forget";
    forget.addEventListener("click", () => void update(key, null));
    row.append(forget);
    box.append(row);
  }
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
    if ("effective" in changes || identitiesKey in changes) void showIdentities();
    if (overridesKey in changes) void showOverrides();
  });
  await Promise.all([showBundle(), showIdentities(), showOverrides()]);
}

void main();
