// What staff see: underlines on the exact words (the CSS Custom Highlight
// API, or a mirror behind a textarea), a badge at the compose box's corner
// and a card per finding, all outside the editor's DOM, in an open shadow
// root. Nothing the bundle says is inserted as HTML: only textContent.
import type { Finding } from "../engine/engine";
import { rangeOf, type TextModel } from "./text";

export type Severity = "info" | "warning" | "critical";

/** A card's line on the account judged official, and the way to say it is one's own. */
export interface AccountLine {
  text: string;
  own: (() => void) | null;
}
const SEVERITIES: Severity[] = ["info", "warning", "critical"];
const COLOURS: Record<Severity, string> = { info: "#2563eb", warning: "#d97706", critical: "#dc2626" };

const HIGHLIGHT_STYLE = SEVERITIES.map(
  (s) => `::highlight(heed-${s}) { text-decoration: underline wavy ${COLOURS[s]} 2px; text-underline-offset: 3px; }`,
).join("\n");

/** Adds the underline styles to the page once: a style element, not the editor. */
function ensureHighlightStyle(doc: Document): void {
  if (doc.getElementById("heed-highlight-style")) return;
  const style = doc.createElement("style");
  style.id = "heed-highlight-style";
  style.textContent = HIGHLIGHT_STYLE;
  (doc.head ?? doc.documentElement).append(style);
}

/** The ranges every session wants underlined, by severity. */
const ranges = new Map<object, Map<Severity, Range[]>>();

function hasHighlights(): boolean {
  return typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight !== "undefined";
}

function publishHighlights(): void {
  if (!hasHighlights()) return;
  for (const s of SEVERITIES) {
    const all: Range[] = [];
    for (const bySeverity of ranges.values()) all.push(...(bySeverity.get(s) ?? []));
    if (all.length === 0) CSS.highlights.delete(`heed-${s}`);
    else CSS.highlights.set(`heed-${s}`, new Highlight(...all));
  }
}

const SHADOW_STYLE = `
:host { all: initial; }
.badge { position: fixed; z-index: 2147483646; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px;
  border: 2px solid #fff; color: #fff; font: 600 12px/18px system-ui, sans-serif; cursor: pointer; box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.badge:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.panel { position: fixed; z-index: 2147483647; width: min(360px, 90vw); max-height: 60vh; overflow: auto; border-radius: 8px;
  background: Canvas; color: CanvasText; border: 1px solid GrayText; box-shadow: 0 4px 16px rgba(0,0,0,.3);
  font: 14px/1.4 system-ui, sans-serif; padding: 8px; color-scheme: light dark; }
.card { border-left: 4px solid; padding: 6px 8px; margin: 6px 0; }
.card h3 { margin: 0 0 4px; font-size: 14px; }
.card p { margin: 4px 0; }
.card blockquote { margin: 4px 0; font-style: italic; opacity: .85; }
.card a { display: block; margin: 4px 0; color: LinkText; }
.card button, .confirm button { font: inherit; margin-right: 6px; }
.confirm { position: fixed; z-index: 2147483647; inset: 30% auto auto 50%; transform: translateX(-50%); width: min(420px, 92vw);
  background: Canvas; color: CanvasText; border: 2px solid #dc2626; border-radius: 8px; padding: 12px; color-scheme: light dark;
  font: 14px/1.4 system-ui, sans-serif; box-shadow: 0 8px 24px rgba(0,0,0,.4); }
.mirror { position: fixed; z-index: 2147483645; pointer-events: none; overflow: hidden; color: transparent;
  white-space: pre-wrap; overflow-wrap: break-word; box-sizing: border-box; }
.mirror mark { background: transparent; color: transparent; text-decoration: underline wavy; text-underline-offset: 3px; text-decoration-thickness: 2px; }
.ask { position: fixed; z-index: 2147483646; width: min(360px, 90vw); background: Canvas; color: CanvasText;
  border: 1px solid GrayText; border-radius: 8px; padding: 6px 8px; font: 13px/1.4 system-ui, sans-serif;
  box-shadow: 0 2px 8px rgba(0,0,0,.25); color-scheme: light dark; }
.ask p { margin: 0 0 4px; }
.ask button, .account button { font: inherit; margin-right: 6px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;

const TITLES: Record<string, string> = {
  "personal-use-core-hours": "Personal use in core hours",
  "political-opinion": "Political opinion",
  "politically-sensitive": "Politically sensitive",
  "confidential-information": "Confidential information",
  "personal-data": "Personal data",
  "service-user-information": "Service user information",
  credentials: "Credentials",
  "offensive-language": "Offensive language",
  "discrimination-harassment": "Discrimination or harassment",
  disrepute: "Disrepute",
  "grievance-whistleblowing": "Grievance or whistleblowing",
  "commercial-endorsement": "Commercial endorsement",
  copyright: "Copyright",
  "personal-views-disclaimer": "Views without a disclaimer",
  "official-tone": "Official tone",
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, text?: string) {
  const e = Object.assign(document.createElement(tag), props);
  if (text !== undefined) e.textContent = text;
  return e;
}

function worst(findings: Finding[]): Severity {
  let rank = 0;
  for (const f of findings) rank = Math.max(rank, SEVERITIES.indexOf(f.severity as Severity));
  return SEVERITIES[Math.max(0, rank)]!;
}

/** The overlay of one compose box. */
export class Overlay {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly badge: HTMLButtonElement;
  private readonly live: HTMLElement;
  private panel: HTMLElement | null = null;
  private mirror: HTMLElement | null = null;
  private confirmBox: HTMLElement | null = null;
  private findings: Finding[] = [];
  private readonly key = {};
  /** The question of who is posting, while it stands. */
  private askBox: HTMLElement | null = null;
  /** What a card says of the account judged official; set by the session. */
  private accountOf: (f: Finding) => AccountLine | null = () => null;

  constructor(private readonly editor: HTMLElement, private readonly onDismiss: (rule: string) => void) {
    ensureHighlightStyle(editor.ownerDocument);
    this.host = el("div");
    this.host.setAttribute("data-heed-overlay", "");
    this.root = this.host.attachShadow({ mode: "open" });
    this.root.append(el("style", {}, SHADOW_STYLE));
    this.badge = el("button", { className: "badge", type: "button", hidden: true });
    this.badge.setAttribute("aria-haspopup", "dialog");
    this.badge.addEventListener("click", () => this.togglePanel());
    this.live = el("div", { className: "sr" });
    this.live.setAttribute("aria-live", "polite");
    this.root.append(this.badge, this.live);
    editor.ownerDocument.documentElement.append(this.host);
    const reposition = () => this.position();
    addEventListener("scroll", reposition, { passive: true, capture: true });
    addEventListener("resize", reposition, { passive: true });
    if (editor instanceof HTMLTextAreaElement) editor.addEventListener("scroll", reposition, { passive: true });
  }

  /**
   * Asks who is posting, beside the compose box: a question that never
   * takes the focus or blocks typing; null takes it away. Shown once until
   * answered.
   */
  ask(question: string | null, onAnswer?: (a: "personal" | "official") => void): void {
    if (question === null) {
      this.askBox?.remove();
      this.askBox = null;
      return;
    }
    if (this.askBox) return;
    const box = el("div", { className: "ask" });
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Heed: who is posting?");
    box.append(el("p", {}, question));
    for (const [value, label] of [["personal", "Your own account"], ["official", "The organisation's"]] as const) {
      const b = el("button", { type: "button" }, label);
      b.dataset.answer = value;
      b.addEventListener("click", () => onAnswer?.(value));
      box.append(b);
    }
    this.root.append(box);
    this.askBox = box;
    this.position();
  }

  /** Shows findings for the text they were found in. */
  render(model: TextModel, findings: Finding[], accountOf?: (f: Finding) => AccountLine | null): void {
    this.findings = findings;
    if (accountOf) this.accountOf = accountOf;
    const bySeverity = new Map<Severity, Range[]>();
    if (!(this.editor instanceof HTMLTextAreaElement || this.editor instanceof HTMLInputElement)) {
      for (const f of findings) {
        for (const s of f.spans) {
          const r = rangeOf(model, s.start, s.end, this.editor.ownerDocument);
          if (!r) continue;
          const list = bySeverity.get(f.severity as Severity) ?? [];
          list.push(r);
          bySeverity.set(f.severity as Severity, list);
        }
      }
      ranges.set(this.key, bySeverity);
      publishHighlights();
    } else {
      this.renderMirror(model.text, findings);
    }
    const n = findings.length;
    this.badge.hidden = n === 0;
    if (n > 0) {
      const w = worst(findings);
      this.badge.textContent = String(n);
      this.badge.style.background = COLOURS[w];
      this.badge.setAttribute("aria-label", `Heed: ${n} possible policy ${n === 1 ? "issue" : "issues"}, worst ${w}`);
      this.live.textContent = `Heed: ${n} possible policy ${n === 1 ? "issue" : "issues"}. ${findings.map((f) => TITLES[f.category] ?? f.category).join(", ")}.`;
    } else {
      this.live.textContent = "";
      this.closePanel();
    }
    if (this.panel) this.fillPanel();
    this.position();
  }

  /** A textarea cannot hold highlights: a mirror behind it underlines. */
  private renderMirror(text: string, findings: Finding[]): void {
    if (!this.mirror) {
      this.mirror = el("div", { className: "mirror" });
      this.mirror.setAttribute("aria-hidden", "true");
      this.root.append(this.mirror);
    }
    const m = this.mirror;
    m.replaceChildren();
    const marks: { start: number; end: number; severity: Severity }[] = [];
    for (const f of findings) for (const s of f.spans) marks.push({ ...s, severity: f.severity as Severity });
    marks.sort((a, b) => a.start - b.start);
    let at = 0;
    for (const mk of marks) {
      if (mk.start < at) continue;
      m.append(text.slice(at, mk.start));
      const mark = el("mark", {}, text.slice(mk.start, mk.end));
      mark.style.textDecorationColor = COLOURS[mk.severity];
      m.append(mark);
      at = mk.end;
    }
    m.append(text.slice(at) + "\n");
  }

  private position(): void {
    const r = this.editor.getBoundingClientRect();
    this.badge.style.left = `${Math.max(0, r.right - 30)}px`;
    this.badge.style.top = `${Math.max(0, r.bottom - 28)}px`;
    if (this.askBox) {
      this.askBox.style.left = `${Math.max(8, Math.min(r.left, innerWidth - 370))}px`;
      this.askBox.style.top = `${Math.min(r.bottom + 4, innerHeight - 80)}px`;
    }
    if (this.panel) {
      this.panel.style.left = `${Math.max(8, Math.min(r.right - 360, innerWidth - 370))}px`;
      this.panel.style.top = `${Math.min(r.bottom + 4, innerHeight - 100)}px`;
    }
    if (this.mirror && this.editor instanceof HTMLTextAreaElement) {
      const cs = getComputedStyle(this.editor);
      const m = this.mirror.style;
      m.left = `${r.left}px`;
      m.top = `${r.top}px`;
      m.width = `${r.width}px`;
      m.height = `${r.height}px`;
      for (const p of ["font", "letterSpacing", "wordSpacing", "lineHeight", "padding", "borderWidth", "borderStyle", "textIndent", "textAlign"] as const) {
        m[p] = cs[p];
      }
      m.borderColor = "transparent";
      this.mirror.scrollTop = this.editor.scrollTop;
    }
  }

  private togglePanel(): void {
    if (this.panel) this.closePanel();
    else this.openPanel();
  }

  private openPanel(): void {
    this.panel = el("div", { className: "panel" });
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-label", "Heed warnings");
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        this.closePanel();
        this.badge.focus();
      }
    });
    this.root.append(this.panel);
    this.fillPanel();
    this.position();
    this.panel.querySelector<HTMLElement>("button")?.focus();
  }

  private closePanel(): void {
    this.panel?.remove();
    this.panel = null;
  }

  private fillPanel(): void {
    const p = this.panel;
    if (!p) return;
    p.replaceChildren();
    for (const f of this.findings) {
      const card = el("section", { className: "card" });
      card.style.borderColor = COLOURS[f.severity as Severity] ?? COLOURS.warning;
      card.append(el("h3", {}, `${TITLES[f.category] ?? f.category} (${f.severity})`));
      card.append(el("p", {}, f.message));
      if (f.suggestion) card.append(el("p", {}, f.suggestion));
      for (const c of f.citations) {
        card.append(el("p", {}, `${c.document}, ${c.section}:`));
        card.append(el("blockquote", {}, c.quote));
      }
      // The engine only accepts https:// links; checked again here because
      // the card lives on someone else's page.
      if (f.link?.startsWith("https://")) {
        const a = el("a", { href: f.link, target: "_blank", rel: "noopener noreferrer" }, "Read the policy");
        card.append(a);
      }
      const acc = this.accountOf(f);
      if (acc) {
        const line = el("p", { className: "account" }, acc.text);
        if (acc.own) {
          const own = el("button", { type: "button" }, "This is my own account");
          own.dataset.answer = "personal";
          own.addEventListener("click", acc.own);
          line.append(" ", own);
        }
        card.append(line);
      }
      const dismiss = el("button", { type: "button" }, "Dismiss for this draft");
      dismiss.addEventListener("click", () => this.onDismiss(f.rule));
      card.append(dismiss);
      p.append(card);
    }
  }

  /** Asks before a post with critical findings goes; resolves true to post. */
  confirm(critical: Finding[]): Promise<boolean> {
    this.confirmBox?.remove();
    return new Promise((resolve) => {
      const box = el("div", { className: "confirm" });
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "Heed: post anyway?");
      box.append(el("h2", {}, "This post may breach a minimum standard"));
      for (const f of critical) box.append(el("p", {}, `${TITLES[f.category] ?? f.category}: ${f.message}`));
      const back = el("button", { type: "button" }, "Go back and edit");
      const post = el("button", { type: "button" }, "Post anyway");
      const done = (ok: boolean) => {
        box.remove();
        this.confirmBox = null;
        resolve(ok);
      };
      back.addEventListener("click", () => done(false));
      post.addEventListener("click", () => done(true));
      box.addEventListener("keydown", (e) => e.key === "Escape" && done(false));
      box.append(back, post);
      this.root.append(box);
      this.confirmBox = box;
      back.focus();
    });
  }

  destroy(): void {
    ranges.delete(this.key);
    publishHighlights();
    this.host.remove();
  }
}
