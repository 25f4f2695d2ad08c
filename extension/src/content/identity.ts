// Who is posting. Each site shows the acting account in its own account
// UI: X's account switcher and the composer's avatar, Facebook's composer
// author and profile button, LinkedIn's "post as" line, its company-admin
// address and its navigation photo. A reader per site looks only there:
// never at the draft, and never at the feed around the composer, whose
// posts may name the organisation's accounts whoever is signed in.
//
// The account is then judged with IT's list: an identity IT lists is the
// organisation's, one that was read and is not listed is the person's
// own, and only when none can be read is it unknown (every rule applies).
// When IT lists nothing, the person is asked once per identity.
import type { Account, Site } from "./adapters";

/** The account a compose box posts as, as the page shows it. */
export interface Identity {
  site: Site;
  /** The display name (or, for a LinkedIn company page, its address name). */
  name: string;
  /** The handle without @, where the site has one (X). */
  handle?: string;
  /** Posting as a page rather than a person (a LinkedIn company page). */
  page?: boolean;
}

/** Reads the acting identity for a compose box, or null when the page shows none. */
export type IdentityReader = (editor: Element, doc: Document, loc: Location) => Identity | null;

/** An answer the person gave for an identity. */
export type Answer = "personal" | "official";

/** Where the answers are kept: identity key to answer, nothing else. */
export const identitiesKey = "identities";

/** The key an identity's answer is kept under. */
export function identityKey(id: Identity): string {
  if (id.handle) return `${id.site}:@${id.handle.toLowerCase()}`;
  return `${id.site}:${id.page ? "company/" : ""}${id.name.toLowerCase()}`;
}

/** "Sam Taylor (@samtaylor_89)", for the question and the cards. */
export function describeIdentity(id: Identity): string {
  return id.handle ? `${id.name} (@${id.handle})` : id.name;
}

function clean(s: string | null | undefined): string {
  return (s ?? "").replace(/\s+/g, " ").trim();
}

/** The composer around an editor: where its own author line is. */
function composerOf(editor: Element): Element {
  return editor.closest('[role="dialog"], form, [data-heed-composer], .share-box, .share-creation-state') ?? editor.ownerDocument.body;
}

const HANDLE = /@([A-Za-z0-9_]{1,15})\b/;
const AVATAR_PREFIX = "UserAvatar-Container-";

/** X: the composer's avatar names the handle it posts as; the account
 *  switcher in the side navigation holds the name and handle of the
 *  signed-in account (and serves messages, which have no avatar). */
export const readTwitter: IdentityReader = (editor, doc) => {
  const switcher = doc.querySelector('[data-testid="SideNav_AccountSwitcher_Button"]');
  const fromAvatar = (el: Element | null | undefined) => el?.getAttribute("data-testid")?.slice(AVATAR_PREFIX.length) || undefined;
  const composerHandle = fromAvatar(composerOf(editor).querySelector(`[data-testid^="${AVATAR_PREFIX}"]`));
  const switcherHandle = fromAvatar(switcher?.querySelector(`[data-testid^="${AVATAR_PREFIX}"]`)) ?? switcher?.textContent?.match(HANDLE)?.[1];
  const handle = composerHandle ?? switcherHandle;
  if (!handle) return null;
  // The switcher's text is "Name@handle": the name is what comes before.
  let name = handle;
  if (switcher && (!composerHandle || composerHandle.toLowerCase() === switcherHandle?.toLowerCase())) {
    name = clean(switcher.textContent?.split("@")[0]) || handle;
  }
  return { site: "twitter", name, handle };
};

/** Facebook: the composer's author (avatar labelled with the name, as a
 *  person or as a Page one acts as), else the profile button of the top
 *  bar, which shows whoever one is acting as. */
export const readFacebook: IdentityReader = (editor, doc) => {
  const author = composerOf(editor).querySelector('a[href] svg[role="img"][aria-label], a[href] img[alt]');
  const profile = doc.querySelector('[role="banner"] [aria-label="Your profile"] svg[aria-label], [role="banner"] [aria-label="Your profile"] img[alt]');
  const name = clean(author?.getAttribute("aria-label") ?? author?.getAttribute("alt")) || clean(profile?.getAttribute("aria-label") ?? profile?.getAttribute("alt"));
  return name ? { site: "facebook", name } : null;
};

/** LinkedIn: a company page's admin address (/company/NAME/admin/) posts
 *  as that page; else the share box's "post as" line, else the member's
 *  photo in the navigation bar (which messages use). */
export const readLinkedIn: IdentityReader = (editor, doc, loc) => {
  const admin = loc.pathname.match(/^\/company\/([^/]+)\/admin(?:\/|$)/);
  if (admin) return { site: "linkedin", name: decodeURIComponent(admin[1]!), page: true };
  const postAs = composerOf(editor).querySelector(".share-unified-settings-entry-button h3, .share-unified-settings-entry-button .t-bold");
  const me = doc.querySelector("img.global-nav__me-photo[alt]");
  const name = clean(postAs?.textContent) || clean(me?.getAttribute("alt"));
  return name ? { site: "linkedin", name } : null;
};

/** Other sites show no account Heed knows how to read. */
export const readNone: IdentityReader = () => null;

/** How the account was judged, for the card that relies on it. */
export type How = "listed" | "not-listed" | "answered" | "no-identity" | "unanswered";

export interface Judgement {
  account: Account;
  how: How;
  identity: Identity | null;
  /** Whether to ask the person (IT lists nothing and no answer is kept). */
  ask: boolean;
}

/** A listed account as compared: lower case, no @, single spaces. */
function norm(s: string): string {
  return clean(s).replace(/^@/, "").toLowerCase();
}

/** Whether IT's list names this identity: its handle, its name, or for a
 *  company page its address name (also as company/NAME). */
export function listed(id: Identity, officialAccounts: string[]): boolean {
  const names = new Set(officialAccounts.map(norm).filter(Boolean));
  const own = [id.name, id.handle ?? "", id.page ? `company/${id.name}` : ""].map(norm).filter(Boolean);
  return own.some((n) => names.has(n));
}

/**
 * Judges the account: the person's own answer where IT allows answers,
 * else IT's list when it has one, else unknown (and ask).
 */
export function judge(id: Identity | null, officialAccounts: string[], answers: Record<string, Answer>, allowOverride: boolean): Judgement {
  if (!id) return { account: "unknown", how: "no-identity", identity: null, ask: false };
  const answer = allowOverride ? answers[identityKey(id)] : undefined;
  if (answer === "personal" || answer === "official") return { account: answer, how: "answered", identity: id, ask: false };
  if (officialAccounts.some((a) => norm(a) !== "")) {
    return listed(id, officialAccounts)
      ? { account: "official", how: "listed", identity: id, ask: false }
      : { account: "personal", how: "not-listed", identity: id, ask: false };
  }
  return { account: "unknown", how: "unanswered", identity: id, ask: allowOverride };
}

/** The line a card of a rule for the organisation's accounts shows when
 *  the account was judged official: which account, and how. */
export function judgementLine(j: Judgement): string {
  const who = j.identity ? describeIdentity(j.identity) : "this account";
  const how = j.how === "listed" ? "listed by your organisation" : "because you said so";
  return `Posting as ${who}: the organisation's account, ${how}.`;
}
