// The content script: finds compose boxes on the page and gives each a
// Session. Every part is guarded: if anything in Heed fails, the compose
// box works as if Heed were not there, and nothing reaches the console.
import { ask, type ConfigResponse } from "../shared/messages";
import { adapterFor, bySite, type Adapter } from "./adapters";
import { Session, type AccountPolicy } from "./session";
import { effectiveKey, type Effective, type OfficialAccounts } from "../shared/config";

declare const HEED_TEST_BUILD: boolean;

const sessions = new Map<HTMLElement, Session>();

function pickAdapter(): Adapter {
  // The test build also runs on loopback fixture pages, which say which
  // site they stand for.
  const site = HEED_TEST_BUILD ? document.documentElement.dataset.heedSite : undefined;
  return (site && bySite[site]) || adapterFor(location.hostname);
}

function guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch {
      // Heed steps aside.
    }
  };
}

/** Outermost editable elements: a contenteditable's inner nodes are not boxes. */
function editorsIn(adapter: Adapter): HTMLElement[] {
  const found = [...document.querySelectorAll<HTMLElement>(adapter.editors)];
  return found.filter((el) => {
    if (el.closest("[data-heed-overlay]")) return false;
    const parent = el.parentElement?.closest<HTMLElement>('[contenteditable="true"], [contenteditable="plaintext-only"]');
    return !parent;
  });
}

async function start(): Promise<void> {
  const adapter = pickAdapter();
  // One object every session reads, kept current: the bundle's official
  // accounts plus those IT set for this site, and whether staff may choose.
  const policy: AccountPolicy = { officialAccounts: [], allowOverride: true };
  let fromBundle: string[] = [];
  const applySettings = (eff: Effective | undefined) => {
    const site = adapter.site as keyof OfficialAccounts;
    policy.officialAccounts = [...fromBundle, ...(eff?.settings.officialAccounts[site] ?? [])];
    policy.allowOverride = eff?.settings.allowAccountOverride ?? true;
  };
  const readEffective = async () => ((await chrome.storage.local.get(effectiveKey))[effectiveKey] as Effective | undefined);
  try {
    fromBundle = (await ask<ConfigResponse>({ type: "heed:config" })).officialAccounts;
  } catch {
    // Without the list, accounts read as unknown: every rule applies.
  }
  applySettings(await readEffective().catch(() => undefined));
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area !== "local") return;
    if (effectiveKey in changes) applySettings(changes[effectiveKey]?.newValue as Effective | undefined);
    // A new bundle may name other official accounts.
    if ("status" in changes) {
      void ask<ConfigResponse>({ type: "heed:config" })
        .then(async (cfg) => {
          fromBundle = cfg.officialAccounts;
          applySettings(await readEffective());
        })
        .catch(() => undefined);
    }
  });
  const scan = guard(() => {
    for (const el of editorsIn(adapter)) {
      if (!sessions.has(el)) {
        const s = new Session(el, adapter, policy);
        sessions.set(el, s);
        if (HEED_TEST_BUILD) exposeForTests(el, s);
      }
    }
    for (const [el, s] of sessions) {
      if (!el.isConnected) {
        s.destroy();
        sessions.delete(el);
      }
    }
  });
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      scan();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  scan();

  // Hold the send while a critical finding stands: the click, or the
  // keyboard shortcut (Ctrl/Cmd+Enter) in the editor.
  const hold = async (e: Event, session: Session, resend: () => void) => {
    if (session.criticalNow().length === 0) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    if (await session.confirmSend()) resend();
  };
  document.addEventListener(
    "click",
    guard((e: MouseEvent) => {
      const target = e.target as Element | null;
      for (const s of sessions.values()) {
        const button = s.sendButton();
        if (button && target && button.contains(target)) {
          void hold(e, s, () => button.click());
          return;
        }
      }
    }),
    true,
  );
  document.addEventListener(
    "keydown",
    guard((e: KeyboardEvent) => {
      if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
      const target = e.target as Element | null;
      for (const s of sessions.values()) {
        if (target && s.editor.contains(target)) {
          void hold(e, s, () => s.sendButton()?.click());
          return;
        }
      }
    }),
    true,
  );
}

/** The test build marks each render, so the browser tests can time them. */
function exposeForTests(el: HTMLElement, s: Session): void {
  s.onRender = (text) => {
    el.dataset.heedRenderedText = text;
    el.dataset.heedRenderedAt = String(performance.now());
  };
}

void start().catch(() => undefined);
