// Messages between the content scripts and the service worker. Drafts
// travel only in "heed:evaluate", only to the extension's own worker.
import type { Context, Finding } from "../engine/engine";

export interface EvaluateRequest {
  type: "heed:evaluate";
  text: string;
  context: Context;
}

export interface EvaluateResponse {
  findings?: Finding[];
  error?: string;
}

export interface ConfigRequest {
  type: "heed:config";
}

/** What the content scripts need to know of the bundle. */
export interface ConfigResponse {
  officialAccounts: string[];
  bundle?: { name: string; version: number };
  error?: string;
}

export type Request = EvaluateRequest | ConfigRequest;

/** Where the popup keeps the person's choice of account per site. */
export const accountKey = (site: string) => `account:${site}`;

/** Where "post anyway" is recorded: rule, time, site; never text. */
export const overridesKey = "overrides";

export interface Override {
  rule: string;
  time: string;
  site: string;
}
