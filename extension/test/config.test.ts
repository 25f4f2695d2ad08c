import { test } from "node:test";
import assert from "node:assert/strict";

import { readFileSync } from "node:fs";

import { defaults, resolve } from "../src/shared/config";
import { channelPattern } from "../src/shared/limits.gen";

const key = { keyid: "93b1b370d3c8b77b", public_key: "aULIGLoWZ456jFFL2u770zNra0F/jRC2H9I20dVqv0Q=" };

test("policy wins over the options page, which wins over the defaults; policy values are locked", () => {
  const eff = resolve(
    { serverUrl: "https://heed.example.gov.uk/", trustedKeys: [key], allowAccountOverride: false },
    { serverUrl: "https://elsewhere.example", channel: "beta", pollMinutes: 5 },
  );
  assert.equal(eff.settings.serverUrl, "https://heed.example.gov.uk", "trailing slash dropped");
  assert.equal(eff.settings.channel, "beta");
  assert.equal(eff.settings.pollMinutes, 5);
  assert.deepEqual(eff.settings.trustedKeys, [key]);
  assert.equal(eff.settings.allowAccountOverride, false);
  assert.deepEqual(eff.managed.sort(), ["allowAccountOverride", "serverUrl", "trustedKeys"]);
  assert.deepEqual(eff.problems, []);
});

test("nothing set: the built-in rules, no server", () => {
  assert.deepEqual(resolve({}, {}), { settings: defaults, managed: [], problems: [] });
});

test("bad values are set aside, named with their source, and the next source holds", () => {
  const eff = resolve(
    {
      serverUrl: "http://heed.example.gov.uk",
      channel: "Stable Channel",
      pollMinutes: 0.1,
      trustedKeys: [{ keyid: "x" }],
      officialAccounts: { twitter: "@Council" },
      allowAccountOverride: "no",
    },
    { serverUrl: "https://ok.example" },
  );
  assert.equal(eff.settings.serverUrl, "https://ok.example", "the options page's value stands when policy's is bad");
  assert.equal(eff.settings.channel, "stable");
  assert.deepEqual(eff.managed, []);
  const text = eff.problems.join("\n");
  for (const want of [
    /policy serverUrl "http:\/\/heed.example.gov.uk": want https:\/\//,
    /policy channel "Stable Channel"/,
    /policy pollMinutes 0.1/,
    /policy trustedKeys\/0: want \{keyid, public_key\}/,
    /policy officialAccounts\/twitter: want a list/,
    /policy allowAccountOverride: want true or false/,
  ]) {
    assert.match(text, want);
  }
});

test("plain http is allowed on loopback only", () => {
  assert.equal(resolve({ serverUrl: "http://127.0.0.1:8080" }, {}).settings.serverUrl, "http://127.0.0.1:8080");
  assert.equal(resolve({ serverUrl: "http://localhost:8080/heed/" }, {}).settings.serverUrl, "http://localhost:8080/heed");
  assert.equal(resolve({ serverUrl: "javascript:alert(1)" }, {}).problems.length, 1);
});

test("channels: the server's grammar, from one place (limits.gen.ts), in the settings and the policy schema", () => {
  for (const ok of ["stable", "beta-2", "0", "a".repeat(64)]) {
    assert.equal(resolve({ channel: ok }, {}).settings.channel, ok, ok);
  }
  // The server refuses each of these, so the extension must not follow one.
  for (const bad of [".", "_", "a.b", "a_b", "-a", "Stable", "a".repeat(65), ""]) {
    const eff = resolve({ channel: bad }, {});
    assert.equal(eff.settings.channel, "stable", JSON.stringify(bad));
    assert.match(eff.problems.join("\n"), /^policy channel .*: want lower-case letters, digits and -/, JSON.stringify(bad));
  }
  const schema = JSON.parse(readFileSync(new URL("../../src/managed_schema.json", import.meta.url), "utf8"));
  assert.equal(schema.properties.channel.pattern, channelPattern, "managed_schema.json's channel pattern is limits.gen.ts's");
});
