// One compose box: reads its text on every change, asks the engine
// (coalesced: one evaluation in flight, the newest text wins), shows the
// findings, and holds the send button while a critical finding stands.
import type { Context, Finding } from "../engine/engine";
import { ask, overridesKey, type EvaluateResponse, type Override } from "../shared/messages";
import type { Adapter } from "./adapters";
import { Coalescer } from "./coalesce";
import { describeIdentity, identitiesKey, identityKey, judge, judgementLine, type Answer, type Identity, type Judgement } from "./identity";
import { readEditable, readField, type TextModel } from "./text";
import { Overlay } from "./ui";

/** Sends a draft to the engine; again if no answer comes. */
async function evaluate(text: string, context: Context): Promise<Finding[]> {
  return (await ask<EvaluateResponse>({ type: "heed:evaluate", text, context })).findings ?? [];
}

/** Who counts as the organisation, and whether the person may say; main
 *  keeps it current as settings change. */
export interface AccountPolicy {
  officialAccounts: string[];
  allowOverride: boolean;
}

export class Session {
  private readonly overlay: Overlay;
  private readonly coalescer: Coalescer<{ text: string; model: TextModel }, Finding[]>;
  private readonly observer: MutationObserver | null = null;
  private findings: Finding[] = [];
  private dismissed = new Set<string>();
  private confirmedText: string | null = null;
  private lastText: string | null = null;
  /** How the account was judged at the last evaluation, for the cards. */
  private judgement: Judgement | null = null;
  private readonly onStorage = (changes: Record<string, chrome.storage.StorageChange>, area: string) => {
    // An answer given here, in another tab or in the popup, or new
    // settings from IT: judge again and check the draft again.
    if (area === "local" && (identitiesKey in changes || "effective" in changes)) this.again();
  };
  /** Called after each render, for the tests' latency probe. */
  onRender: ((text: string) => void) | null = null;

  constructor(
    readonly editor: HTMLElement,
    private readonly adapter: Adapter,
    private readonly policy: AccountPolicy,
  ) {
    this.overlay = new Overlay(editor, (rule) => {
      this.dismissed.add(rule);
      this.show(this.read());
    });
    this.coalescer = new Coalescer(
      async ({ text }) => evaluate(text, await this.context()),
      ({ model }, findings) => {
        this.findings = findings;
        this.show(model);
      },
    );
    // Editors miss input events (design.md): watch the DOM as well.
    if (!(editor instanceof HTMLTextAreaElement || editor instanceof HTMLInputElement)) {
      this.observer = new MutationObserver(() => this.changed());
      this.observer.observe(editor, { childList: true, characterData: true, subtree: true });
    }
    editor.addEventListener("input", () => this.changed());
    chrome.storage.onChanged.addListener(this.onStorage);
    this.changed();
  }

  private read(): TextModel {
    const e = this.editor;
    return e instanceof HTMLTextAreaElement || e instanceof HTMLInputElement ? readField(e) : readEditable(e);
  }

  /** Checks the draft again, as it is. */
  private again(): void {
    this.lastText = null;
    this.changed();
  }

  /** Keeps the person's answer for an identity: the identity's key and
   *  the answer, nothing else. */
  private async answer(id: Identity, a: Answer): Promise<void> {
    this.overlay.ask(null);
    try {
      const stored = ((await chrome.storage.local.get(identitiesKey))[identitiesKey] ?? {}) as Record<string, Answer>;
      await chrome.storage.local.set({ [identitiesKey]: { ...stored, [identityKey(id)]: a } });
    } catch {
      // Not kept: the question comes back next time.
    }
  }

  private async context(): Promise<Context> {
    // The site's own account UI, never the draft or the feed.
    const id = this.adapter.identity(this.editor, this.editor.ownerDocument, location);
    let answers: Record<string, Answer> = {};
    try {
      answers = ((await chrome.storage.local.get(identitiesKey))[identitiesKey] ?? {}) as Record<string, Answer>;
    } catch {
      // No storage: IT's list alone decides.
    }
    const j = judge(id, this.policy.officialAccounts, answers, this.policy.allowOverride);
    this.judgement = j;
    if (j.ask && id) this.overlay.ask(`Posting as ${describeIdentity(id)}:`, (a) => void this.answer(id, a));
    else this.overlay.ask(null);
    return {
      platform: this.adapter.site,
      surface: this.adapter.surface(this.editor, location),
      account: j.account,
      time: new Date().toISOString(),
    };
  }

  changed(): void {
    const model = this.read();
    if (model.text === this.lastText) return; // a change that left the text as it was
    this.lastText = model.text;
    if (model.text.trim() === "") {
      this.dismissed.clear();
      this.findings = [];
      this.show(model);
      return;
    }
    this.coalescer.push({ text: model.text, model });
  }

  private visible(): Finding[] {
    return this.findings.filter((f) => !this.dismissed.has(f.rule));
  }

  private show(model: TextModel): void {
    // Offsets hold for the text they were computed on; the editor may
    // have moved on, in which case a newer evaluation is on its way.
    const current = this.read();
    const findings = current.text === model.text ? this.visible() : [];
    this.overlay.render(current, findings, (f) => this.accountLine(f));
    this.onRender?.(current.text);
  }

  /** What the card of a rule for the organisation's accounts says of the
   *  account judged official, and how to say it is one's own. */
  private accountLine(f: Finding): { text: string; own: (() => void) | null } | null {
    const j = this.judgement;
    if (!f.officialOnly || !j || j.account !== "official" || !j.identity) return null;
    const id = j.identity;
    return { text: judgementLine(j), own: this.policy.allowOverride ? () => void this.answer(id, "personal") : null };
  }

  /** Whether the send should wait for a confirmation. */
  criticalNow(): Finding[] {
    const text = this.read().text;
    if (this.confirmedText === text) return [];
    return this.visible().filter((f) => f.severity === "critical");
  }

  /** Asks, and records "post anyway" (rule, time, site; never text). */
  async confirmSend(): Promise<boolean> {
    const critical = this.criticalNow();
    if (critical.length === 0) return true;
    const ok = await this.overlay.confirm(critical);
    if (!ok) return false;
    this.confirmedText = this.read().text;
    try {
      const stored = await chrome.storage.local.get(overridesKey);
      const list = (stored[overridesKey] as Override[] | undefined) ?? [];
      const time = new Date().toISOString();
      for (const f of critical) list.push({ rule: f.rule, time, site: this.adapter.site });
      await chrome.storage.local.set({ [overridesKey]: list.slice(-500) });
    } catch {
      // Recording is best effort; the post goes ahead.
    }
    return true;
  }

  sendButton(): HTMLElement | null {
    return this.adapter.sendButton(this.editor);
  }

  destroy(): void {
    chrome.storage.onChanged.removeListener(this.onStorage);
    this.observer?.disconnect();
    this.overlay.destroy();
  }
}
