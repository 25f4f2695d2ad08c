import { test } from "node:test";
import assert from "node:assert/strict";

import { adapterFor } from "../src/content/adapters";

test("each site and its mobile hosts get their adapter; others the generic one", () => {
  const cases: [string, string][] = [
    ["www.facebook.com", "facebook"],
    ["m.facebook.com", "facebook"],
    ["facebook.com", "facebook"],
    ["x.com", "twitter"],
    ["mobile.twitter.com", "twitter"],
    ["www.linkedin.com", "linkedin"],
    ["notfacebook.com", "other"],
    ["facebook.com.evil.example", "other"],
  ];
  for (const [host, site] of cases) assert.equal(adapterFor(host).site, site, host);
});

test("adapters look for their editors first", () => {
  assert.match(adapterFor("www.facebook.com").editors, /^\[data-lexical-editor="true"\]/);
  assert.match(adapterFor("x.com").editors, /^\.public-DraftEditor-content/);
  assert.match(adapterFor("www.linkedin.com").editors, /^\.ql-editor/);
});
