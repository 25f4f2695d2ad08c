// Settings: what IT pushes by enterprise policy (chrome.storage.managed,
// described by managed_schema.json) wins; the rest may be set on the
// options page (chrome.storage.local), else the built-in defaults hold.
// Staff never need to configure anything.
import { channelPattern } from "./limits.gen";

/** A trusted signing key, as `heed keygen` writes it in NAME.pub. */
export interface TrustedKey {
  keyid: string;
  public_key: string;
}

export interface OfficialAccounts {
  facebook?: string[];
  twitter?: string[];
  linkedin?: string[];
}

export interface Settings {
  /** The bundle server, such as https://heed.example.gov.uk; empty: the built-in rules only. */
  serverUrl: string;
  channel: string;
  trustedKeys: TrustedKey[];
  /** Minutes between polls; Chrome's alarms run at most every 30 s. */
  pollMinutes: number;
  /** Official accounts per platform, added to the bundle's own list. */
  officialAccounts: OfficialAccounts;
  /** Whether staff may say in the popup which account they post as. */
  allowAccountOverride: boolean;
}

export type SettingName = keyof Settings;

export const defaults: Settings = {
  serverUrl: "",
  channel: "stable",
  trustedKeys: [],
  pollMinutes: 15,
  officialAccounts: {},
  allowAccountOverride: true,
};

/** Where the service worker keeps the effective settings for the content
 *  scripts and the popup (managed storage is slow to read at start). */
export const effectiveKey = "effective";

/** Where the options page keeps the settings IT did not push. */
export const localSettingsKey = "settings";

/** The effective settings, and which of them IT fixed by policy. */
export interface Effective {
  settings: Settings;
  managed: SettingName[];
  /** Why a value was set aside, such as "pollMinutes: want a number from 0.5". */
  problems: string[];
}

const names = Object.keys(defaults) as SettingName[];

/** A channel name the server accepts: the one grammar, from Go (limits.gen.ts). */
const channelRE = new RegExp(channelPattern);

/** Checks one value; returns it cleaned, or a problem. */
function check(name: SettingName, v: unknown): { ok: Settings[SettingName] } | { problem: string } {
  switch (name) {
    case "serverUrl": {
      if (typeof v !== "string") return { problem: "serverUrl: want a string" };
      if (v === "") return { ok: "" };
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        return { problem: `serverUrl ${JSON.stringify(v)}: not an address` };
      }
      const loopback = u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";
      if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) {
        return { problem: `serverUrl ${JSON.stringify(v)}: want https:// (http:// only on loopback)` };
      }
      return { ok: u.origin + u.pathname.replace(/\/+$/, "") };
    }
    case "channel":
      return typeof v === "string" && channelRE.test(v)
        ? { ok: v }
        : { problem: `channel ${JSON.stringify(v)}: want lower-case letters, digits and -, starting with a letter or digit, at most 64 (the server's channel names, ${channelPattern})` };
    case "trustedKeys":
      if (!Array.isArray(v)) return { problem: "trustedKeys: want a list of {keyid, public_key}" };
      for (const [i, k] of v.entries()) {
        if (typeof k?.keyid !== "string" || typeof k?.public_key !== "string") return { problem: `trustedKeys/${i}: want {keyid, public_key} as in NAME.pub` };
      }
      return { ok: v.map((k: TrustedKey) => ({ keyid: k.keyid, public_key: k.public_key })) };
    case "pollMinutes":
      return typeof v === "number" && v >= 0.5 && v <= 1440 ? { ok: v } : { problem: `pollMinutes ${JSON.stringify(v)}: want a number from 0.5 to 1440` };
    case "officialAccounts": {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return { problem: "officialAccounts: want {facebook, twitter, linkedin} lists" };
      const out: OfficialAccounts = {};
      for (const site of ["facebook", "twitter", "linkedin"] as const) {
        const list = (v as Record<string, unknown>)[site];
        if (list === undefined) continue;
        if (!Array.isArray(list) || list.some((a) => typeof a !== "string")) return { problem: `officialAccounts/${site}: want a list of names` };
        out[site] = list as string[];
      }
      return { ok: out };
    }
    case "allowAccountOverride":
      return typeof v === "boolean" ? { ok: v } : { problem: "allowAccountOverride: want true or false" };
  }
}

/** Merges managed over local over defaults; bad values are set aside and named. */
export function resolve(managed: Record<string, unknown>, local: Record<string, unknown>): Effective {
  const settings = { ...defaults } as Record<SettingName, unknown>;
  const fixed: SettingName[] = [];
  const problems: string[] = [];
  for (const name of names) {
    for (const [source, values] of [
      ["local", local],
      ["policy", managed],
    ] as const) {
      if (values[name] === undefined) continue;
      const r = check(name, values[name]);
      if ("problem" in r) {
        problems.push(`${source} ${r.problem}`);
        continue;
      }
      settings[name] = r.ok;
      if (source === "policy") fixed.push(name);
    }
  }
  return { settings: settings as unknown as Settings, managed: fixed, problems };
}

/** Reads the effective settings. Managed storage can take seconds at start. */
export async function readSettings(): Promise<Effective> {
  const [managed, local] = await Promise.all([
    chrome.storage.managed.get(null).catch(() => ({})),
    chrome.storage.local.get(localSettingsKey).then((s) => (s[localSettingsKey] ?? {}) as Record<string, unknown>),
  ]);
  return resolve(managed as Record<string, unknown>, local);
}
