// The popup: which bundle is in force, and, per site, whether the person
// posts as the organisation or as themselves when the page cannot tell.
import { accountKey, ask, type ConfigResponse } from "../shared/messages";

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

async function main(): Promise<void> {
  const cfg = await ask<ConfigResponse>({ type: "heed:config" }).catch(() => undefined);
  const bundle = document.getElementById("bundle")!;
  bundle.textContent = cfg?.bundle ? `Rules: ${cfg.bundle.name}, version ${cfg.bundle.version}` : "The rules could not be loaded.";
  const form = document.getElementById("accounts")!;
  const stored = await chrome.storage.local.get(SITES.map(([s]) => accountKey(s)));
  for (const [site, name] of SITES) {
    const set = document.createElement("fieldset");
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
}

void main();
