// End to end: who is posting (issue 13). Heed reads the acting identity
// from each site's own account UI (never the draft, never the feed) and
// judges it with IT's list of official accounts: listed is the
// organisation's, read but not listed is the person's own, none readable
// is unknown (every rule applies). With no list, Heed asks once per
// identity in the compose box overlay, remembers the answer, and the popup
// shows and changes it.
//
// The content script's clock is set to a Wednesday (h.setTime), so the
// official-only rules and the core-hours rule are tested at known times.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";

import * as h from "./harness";
import { clear, settled, type Kind } from "./harness";

let server: Server;
let base = "";
let context: BrowserContext;
let profile = "";

before(async () => {
  ({ server, base } = await h.serveFixtures());
  profile = mkdtempSync(resolve(tmpdir(), "heed-identity-"));
  context = await h.launch(profile);
});

after(async () => {
  await context?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

beforeEach(async () => {
  // Each test says what IT lists; none starts with a remembered answer.
  await h.setSettings(context, {});
  await h.setAnswers(context, null);
});

const SITES: [Kind, string][] = [
  ["lexical", "facebook"],
  ["draft", "twitter"],
  ["quill", "linkedin"],
];

/** The rules for the organisation's accounts only, by card title. */
const OFFICIAL_ONLY = ["Political opinion", "Commercial endorsement", "Official tone"];
const officialOnly = (titles: string[]) => titles.filter((t) => OFFICIAL_ONLY.some((o) => t.startsWith(o)));

/** The drafts: a vote (with "!!", and naming the council), a hustings, and
 *  a business recommendation. */
const VOTED = "Proud to have voted Labour today!! @TheCouncil";
const HUSTINGS = "Going to the Green Party hustings tonight";
const BUILDERS = "highly recommend Smith and Sons Builders";

/** The council's own posts in the timeline around the composer. */
const FEED = "@TheCouncil: Bin collections move to Friday this week. Vote in the council elections on 7 May.";

function open(kind: Kind, who: h.Who, time: string = h.evening): Promise<Page> {
  return h.open(context, base, kind, who, time);
}

/** Types a fresh draft and returns the cards it got. */
async function draft(page: Page, kind: Kind, text: string): Promise<{ title: string; account: string; canSayOwn: boolean }[]> {
  await clear(page, kind);
  await h.typeInto(page, kind, text);
  await settled(page, kind);
  return h.cards(page);
}

function titlesOf(cards: { title: string }[]): string[] {
  return cards.map((c) => c.title);
}

function errorsOf(page: Page): string[] {
  return (page as Page & { heedErrors?: string[] }).heedErrors ?? [];
}

for (const [kind, site] of SITES) {
  test(`${kind} (${site}): with IT's list, a person's own account gets no official-only rule, even naming the council beside its feed; the listed account does`, async () => {
    await h.setSettings(context, { officialAccounts: h.councilListed });

    const personal = await open(kind, { ...h.personal, feed: FEED });
    for (const text of [VOTED, HUSTINGS, BUILDERS]) {
      const titles = titlesOf(await draft(personal, kind, text));
      assert.deepEqual(officialOnly(titles), [], `${site}, Sam Taylor, "${text}" in the evening: ${JSON.stringify(titles)}`);
    }
    assert.equal(await h.question(personal).count(), 0, "IT lists accounts: no question");
    assert.deepEqual(await h.answers(context), {}, "nothing is remembered when IT's list decides");
    assert.deepEqual(errorsOf(personal), [], "no errors in the page's console");
    await personal.close();

    const official = await open(kind, { ...h.official, feed: FEED });
    const voted = await draft(official, kind, VOTED);
    assert.ok(titlesOf(voted).some((t) => t.startsWith("Political opinion")), `${site}, TheCouncil, "${VOTED}": ${JSON.stringify(titlesOf(voted))}`);
    assert.ok(titlesOf(voted).some((t) => t.startsWith("Official tone")), `${site}, TheCouncil, "${VOTED}": ${JSON.stringify(titlesOf(voted))}`);
    const political = voted.find((c) => c.title.startsWith("Political opinion"))!;
    assert.match(political.account, /TheCouncil/, "the card names the identity");
    assert.match(political.account, /listed by your organisation/, "and how it was judged");
    assert.ok(political.canSayOwn, 'IT allows answers: "This is my own account" is offered');
    const builders = titlesOf(await draft(official, kind, BUILDERS));
    assert.ok(builders.some((t) => t.startsWith("Commercial endorsement")), `${site}, TheCouncil, "${BUILDERS}": ${JSON.stringify(builders)}`);
    assert.equal(await h.question(official).count(), 0, "IT lists accounts: no question");
    await official.close();

    // In core hours a person's own account is still reminded of them.
    const core = await open(kind, { ...h.personal, feed: FEED }, h.coreHours);
    const titles = titlesOf(await draft(core, kind, HUSTINGS));
    assert.ok(titles.some((t) => t.startsWith("Personal use in core hours")), `${site}, Sam Taylor, Wednesday 10:30: ${JSON.stringify(titles)}`);
    assert.deepEqual(officialOnly(titles), [], `${site}, Sam Taylor, Wednesday 10:30: ${JSON.stringify(titles)}`);
    await core.close();
  });
}

test("linkedin: a company page's admin address posts as that page (IT lists company/thecouncil)", async () => {
  await h.setSettings(context, { officialAccounts: { linkedin: ["company/thecouncil"] } });
  // The member's own photo and "post as" line show Sam; the address says the page.
  const page = await open("quill", { ...h.personal, admin: "thecouncil" });
  assert.match(await page.evaluate(() => location.pathname), /^\/company\/thecouncil\/admin\/$/);
  const cards = await draft(page, "quill", VOTED);
  const political = cards.find((c) => c.title.startsWith("Political opinion"));
  assert.ok(political, `company admin page: ${JSON.stringify(titlesOf(cards))}`);
  assert.match(political.account, /thecouncil/i, "the card names the page");
  assert.match(political.account, /listed by your organisation/, "judged official by IT's list, not unknown");
  await page.close();
  // Sam's own LinkedIn page, outside the admin address, is Sam's.
  const own = await open("quill", h.personal);
  const titles = titlesOf(await draft(own, "quill", VOTED));
  assert.deepEqual(officialOnly(titles), [], `Sam's own page: ${JSON.stringify(titles)}`);
  await own.close();
});

test("no list: the question appears once, 'Your own account' is remembered across a reload, and the popup lists and changes it", async () => {
  const kind: Kind = "draft";
  const key = "twitter:@samtaylor_89";
  const page = await open(kind, h.personal);
  await h.typeInto(page, kind, "Proud to have voted Labour today");
  await settled(page, kind);
  const ask = h.question(page);
  await ask.waitFor({ state: "visible", timeout: 10000 });
  assert.equal(await ask.count(), 1, "one question");
  assert.match((await ask.textContent()) ?? "", /Posting as Sam Taylor \(@samtaylor_89\)/);
  assert.ok(await h.editorFocused(page, kind), "the question does not take the focus from the editor");
  // Typing on does not ask again.
  await h.typeInto(page, kind, " and so should you");
  await settled(page, kind);
  assert.equal(await ask.count(), 1, "still one question");
  assert.ok(await h.editorFocused(page, kind), "the focus stays in the editor while typing");

  await ask.locator('button[data-answer="personal"]').click();
  await ask.waitFor({ state: "detached" });
  assert.deepEqual(await h.answers(context), { [key]: "personal" }, "the answer is kept per identity");
  // The draft is judged again as Sam's own: the political warning goes.
  await h.until(() => h.cardTitles(page), (t) => !t.some((x) => x.startsWith("Political opinion")), "after 'Your own account', the political warning");
  await h.typeInto(page, kind, "!");
  await settled(page, kind);
  assert.deepEqual(officialOnly(await h.cardTitles(page)), [], "retyped: still Sam's own");
  assert.equal(await h.question(page).count(), 0, "not asked again");

  // A reload: no question, still Sam's own.
  await h.reload(page, kind, h.evening);
  await h.typeInto(page, kind, "Proud to have voted Labour today");
  await settled(page, kind);
  assert.equal(await h.question(page).count(), 0, "answered before: no question after a reload");
  assert.deepEqual(officialOnly(await h.cardTitles(page)), [], "answered before: Sam's own after a reload");

  // Another identity on the same site is asked about in its turn.
  const other = await open(kind, { identity: "Alex Jones", handle: "alexj" });
  await h.typeInto(other, kind, "Lovely weather for the fete");
  await settled(other, kind);
  await h.question(other).waitFor({ state: "visible", timeout: 10000 });
  assert.match((await h.question(other).textContent()) ?? "", /Posting as Alex Jones \(@alexj\)/);
  await other.close();

  // The popup lists the identity, with its answer, and changes it.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${h.extensionId(context)}/popup.html`);
  const row = popup.locator(`#identities [data-identity="${key}"]`);
  await row.waitFor({ state: "visible" });
  assert.ok(await row.locator('input[value="personal"]').isChecked(), "the popup shows the answer");
  assert.equal(await popup.locator("#identities [data-identity]").count(), 1, "only answered identities are listed");
  await row.locator('input[value="official"]').check();
  await h.until(() => h.answers(context), (a) => a[key] === "official", "the popup's change");

  await h.reload(page, kind, h.evening);
  const cards = await draft(page, kind, "Proud to have voted Labour today");
  const political = cards.find((c) => c.title.startsWith("Political opinion"));
  assert.ok(political, `official by the popup's answer: ${JSON.stringify(titlesOf(cards))}`);
  assert.match(political.account, /Sam Taylor/);
  assert.match(political.account, /you said so/);
  assert.equal(await h.question(page).count(), 0);

  // Forgotten in the popup: the next draft asks again.
  await row.locator(".forget").click();
  await h.until(() => h.answers(context), (a) => !(key in a), "forget");
  await row.waitFor({ state: "detached" });
  await popup.close();
  await h.reload(page, kind, h.evening);
  await h.typeInto(page, kind, "Proud to have voted Labour today");
  await settled(page, kind);
  await h.question(page).waitFor({ state: "visible", timeout: 10000 });
  assert.deepEqual(errorsOf(page), [], "no errors in the page's console");
  await page.close();
});

for (const [kind, site] of [["lexical", "facebook"], ["quill", "linkedin"]] as [Kind, string][]) {
  test(`${kind} (${site}): no list: asked about the identity the account UI shows; "The organisation's" brings the official rules and names the answer`, async () => {
    const page = await open(kind, { ...h.personal, feed: FEED });
    await h.typeInto(page, kind, BUILDERS);
    await settled(page, kind);
    const ask = h.question(page);
    await ask.waitFor({ state: "visible", timeout: 10000 });
    assert.match((await ask.textContent()) ?? "", /Posting as Sam Taylor/);
    assert.ok(await h.editorFocused(page, kind), "the question does not take the focus from the editor");
    await ask.locator('button[data-answer="official"]').click();
    await ask.waitFor({ state: "detached" });
    assert.deepEqual(await h.answers(context), { [`${site}:sam taylor`]: "official" });
    const cards = await draft(page, kind, BUILDERS);
    const commercial = cards.find((c) => c.title.startsWith("Commercial endorsement"));
    assert.ok(commercial, `official by answer: ${JSON.stringify(titlesOf(cards))}`);
    assert.match(commercial.account, /Sam Taylor/);
    assert.match(commercial.account, /you said so/);

    // "This is my own account" on the card: the answer becomes personal.
    await page.locator("[data-heed-overlay] .badge").click();
    await page.locator("[data-heed-overlay] .panel .card", { hasText: "Commercial endorsement" }).locator('button[data-answer="personal"]').click();
    await h.until(() => h.answers(context), (a) => a[`${site}:sam taylor`] === "personal", "the card's answer");
    const again = titlesOf(await draft(page, kind, BUILDERS));
    assert.deepEqual(officialOnly(again), [], `own account by the card's answer: ${JSON.stringify(again)}`);
    await page.close();
  });
}

test("unknown: the textarea page shows no account: every rule applies, and nothing is asked", async () => {
  for (const list of [{}, { officialAccounts: h.councilListed }]) {
    await h.setSettings(context, list);
    const page = await open("textarea", h.nobody, h.coreHours);
    const titles = titlesOf(await draft(page, "textarea", "Proud to have voted Labour today"));
    assert.ok(titles.some((t) => t.startsWith("Political opinion")), `unknown gets the official rules: ${JSON.stringify(titles)}`);
    assert.ok(titles.some((t) => t.startsWith("Personal use in core hours")), `and the personal ones: ${JSON.stringify(titles)}`);
    assert.equal(await h.question(page).count(), 0, "no identity: no question");
    assert.deepEqual(await h.answers(context), {});
    await page.close();
  }
});

test("an X page that shows no account is not judged by the draft or the feed naming the council", async () => {
  await h.setSettings(context, { officialAccounts: h.councilListed });
  const page = await open("draft", { feed: FEED });
  const cards = await draft(page, "draft", VOTED);
  const political = cards.find((c) => c.title.startsWith("Political opinion"));
  assert.ok(political, `unknown: every rule applies, ${JSON.stringify(titlesOf(cards))}`);
  assert.doesNotMatch(political.account, /listed by your organisation|you said so/, "not judged official from the draft or the feed");
  assert.equal(await h.question(page).count(), 0, "no identity: no question");
  await page.close();
});
