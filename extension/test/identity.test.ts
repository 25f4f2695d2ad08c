import { test } from "node:test";
import assert from "node:assert/strict";

import { describeIdentity, identityKey, judge, judgementLine, listed, type Identity } from "../src/content/identity";

const sam: Identity = { site: "twitter", name: "Sam Taylor", handle: "samtaylor_89" };
const council: Identity = { site: "twitter", name: "The Council", handle: "TheCouncil" };
const page: Identity = { site: "linkedin", name: "thecouncil", page: true };

test("an identity is keyed by handle, else by name; a company page as company/NAME", () => {
  assert.equal(identityKey(sam), "twitter:@samtaylor_89");
  assert.equal(identityKey({ site: "facebook", name: "Sam Taylor" }), "facebook:sam taylor");
  assert.equal(identityKey(page), "linkedin:company/thecouncil");
  assert.equal(describeIdentity(sam), "Sam Taylor (@samtaylor_89)");
});

test("IT's list names an identity by handle or name, with or without @, in any case", () => {
  assert.ok(listed(council, ["@thecouncil"]));
  assert.ok(listed(council, ["THE COUNCIL"]));
  assert.ok(listed(page, ["company/TheCouncil"]));
  assert.ok(!listed(sam, ["@TheCouncil", "The Council"]));
  assert.ok(!listed(sam, ["", "  "]));
});

test("with IT's list: listed is official, read and not listed is personal, nothing read is unknown", () => {
  const list = ["@TheCouncil"];
  assert.deepEqual(judge(council, list, {}, true), { account: "official", how: "listed", identity: council, ask: false });
  assert.deepEqual(judge(sam, list, {}, true), { account: "personal", how: "not-listed", identity: sam, ask: false });
  assert.deepEqual(judge(null, list, {}, true), { account: "unknown", how: "no-identity", identity: null, ask: false });
});

test("with no list: ask once, then the answer holds; IT can forbid answers", () => {
  assert.deepEqual(judge(sam, [], {}, true), { account: "unknown", how: "unanswered", identity: sam, ask: true });
  assert.equal(judge(sam, [], { "twitter:@samtaylor_89": "personal" }, true).account, "personal");
  assert.equal(judge(sam, [], { "twitter:@samtaylor_89": "official" }, true).how, "answered");
  const locked = judge(sam, [], { "twitter:@samtaylor_89": "personal" }, false);
  assert.equal(locked.account, "unknown", "answers are ignored when IT forbids them");
  assert.equal(locked.ask, false, "and nobody is asked");
  // An answer stands over the list: a wrong listing is fixable in one click.
  assert.equal(judge(council, ["@TheCouncil"], { "twitter:@thecouncil": "personal" }, true).account, "personal");
  assert.equal(judge(council, ["@TheCouncil"], { "twitter:@thecouncil": "personal" }, false).account, "official");
});

test("the card says which account was judged official and how", () => {
  assert.match(judgementLine(judge(council, ["@TheCouncil"], {}, true)), /The Council \(@TheCouncil\).*listed by your organisation/);
  assert.match(judgementLine(judge(sam, [], { "twitter:@samtaylor_89": "official" }, true)), /Sam Taylor.*because you said so/);
});
