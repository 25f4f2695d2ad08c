// One adapter per site: where its compose boxes are, which surface each
// is, who is posting (a reader of the site's own account UI, identity.ts),
// and its send button. The generic adapter takes any
// textarea or contenteditable on the same sites.

export type Site = "facebook" | "twitter" | "linkedin" | "other";
export type Surface = "post" | "comment" | "message";
export type Account = "personal" | "official" | "unknown";

import { readFacebook, readLinkedIn, readNone, readTwitter, type IdentityReader } from "./identity";

export interface Adapter {
  site: Site;
  /** Compose boxes: editors first, generic fields after. */
  editors: string;
  surface(el: Element, location: Location): Surface;
  /** Who posts, from the site's own account UI; null when it shows none. */
  identity: IdentityReader;
  sendButton(el: Element): HTMLElement | null;
}

const GENERIC = 'textarea, [contenteditable="true"], [contenteditable="plaintext-only"]';

function labelled(el: Element): string {
  const parts = [el.getAttribute("aria-label"), el.getAttribute("aria-placeholder"), el.getAttribute("placeholder"), el.getAttribute("data-placeholder")];
  return parts.filter(Boolean).join(" ").toLowerCase();
}

function container(el: Element): Element {
  return el.closest('[role="dialog"], form, [data-heed-composer], article, section') ?? el.ownerDocument.body;
}

/** Finds a button near the editor whose name is one of the words. */
function buttonNear(el: Element, words: RegExp, selectors: string[] = []): HTMLElement | null {
  const box = container(el);
  for (const s of selectors) {
    const b = box.querySelector<HTMLElement>(s) ?? el.ownerDocument.querySelector<HTMLElement>(s);
    if (b) return b;
  }
  for (const b of box.querySelectorAll<HTMLElement>('button, [role="button"]')) {
    const name = (b.getAttribute("aria-label") ?? b.textContent ?? "").trim();
    if (words.test(name)) return b;
  }
  return null;
}

function surfaceFrom(el: Element, location: Location, messagePath: RegExp, commentWords: RegExp): Surface {
  if (messagePath.test(location.pathname) || el.closest('[data-heed-surface="message"]')) return "message";
  const marked = el.closest("[data-heed-surface]")?.getAttribute("data-heed-surface");
  if (marked === "comment" || marked === "post") return marked;
  return commentWords.test(labelled(el)) ? "comment" : "post";
}

const SEND = /^(post|tweet|reply|send|comment|share|post reply)$/i;

export const facebook: Adapter = {
  site: "facebook",
  editors: `[data-lexical-editor="true"], ${GENERIC}`,
  surface: (el, loc) => surfaceFrom(el, loc, /^\/messages/, /comment|reply|answer/),
  identity: readFacebook,
  sendButton: (el) => buttonNear(el, SEND, ['[aria-label="Post"]', '[aria-label="Comment"]']),
};

export const twitter: Adapter = {
  site: "twitter",
  editors: `.public-DraftEditor-content, [data-testid^="tweetTextarea"], ${GENERIC}`,
  surface: (el, loc) => surfaceFrom(el, loc, /^\/(messages|i\/chat)/, /reply/),
  identity: readTwitter,
  sendButton: (el) =>
    buttonNear(el, SEND, ['[data-testid="tweetButton"]', '[data-testid="tweetButtonInline"]', '[data-testid="dmComposerSendButton"]']),
};

export const linkedin: Adapter = {
  site: "linkedin",
  editors: `.ql-editor, ${GENERIC}`,
  surface: (el, loc) =>
    el.closest(".msg-form") ? "message" : el.closest(".comments-comment-box") ? "comment" : surfaceFrom(el, loc, /^\/messaging/, /comment|reply/),
  identity: readLinkedIn,
  sendButton: (el) =>
    buttonNear(el, SEND, [".share-actions__primary-action", ".comments-comment-box__submit-button", ".msg-form__send-button"]),
};

export const generic: Adapter = {
  site: "other",
  editors: GENERIC,
  surface: (el, loc) => surfaceFrom(el, loc, /^\/messages/, /comment|reply/),
  identity: readNone,
  sendButton: (el) => buttonNear(el, SEND),
};

/** The adapter for a host name. */
export function adapterFor(host: string): Adapter {
  if (/(^|\.)facebook\.com$/.test(host)) return facebook;
  if (/(^|\.)(x|twitter)\.com$/.test(host)) return twitter;
  if (/(^|\.)linkedin\.com$/.test(host)) return linkedin;
  return generic;
}

/** Adapters by site name, for the test build's fixture pages. */
export const bySite: Record<string, Adapter> = { facebook, twitter, linkedin, other: generic };
