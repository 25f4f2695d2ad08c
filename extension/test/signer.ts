// Signs bundles for the tests the way engine/envelope does (DSSE: the
// payload's exact bytes, Ed25519), with any version, issue time and
// expiry, so that the real module can verify what a test needs: a bundle
// issued before another, one at the highest version, one about to expire.
// The module refuses anything this gets wrong, so the tests would say.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

import { defaultBundlePath, requireBuilt } from "./paths";

const payloadType = "application/vnd.heed.bundle+json";

export interface TestKey {
  /** As NAME.pub holds them, and as the extension's settings take them. */
  keys: { keyid: string; public_key: string }[];
  priv: KeyObject;
}

export function keygen(): TestKey {
  // PKCS #8 for an Ed25519 seed: a fixed prefix, then the 32 bytes.
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), randomBytes(32)]);
  const priv = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  const pub = createPublicKey(priv).export({ format: "der", type: "spki" }).subarray(-32);
  const keyid = createHash("sha256").update(pub).digest("hex").slice(0, 16);
  return { keys: [{ keyid, public_key: pub.toString("base64") }], priv };
}

/** RFC 3339 in UTC, to the second, as Go writes it. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The built default bundle (make build), as an object to change. */
export function defaultBundle(): { name: string; version: number; rules: unknown[] } & Record<string, unknown> {
  requireBuilt();
  return JSON.parse(readFileSync(defaultBundlePath, "utf8"));
}

/** A signed envelope of the default bundle at this version, issued and expiring then. */
export function signed(key: TestKey, version: number, issued: number, expires: number): string {
  const bundle = { ...defaultBundle(), version };
  const payload = Buffer.from(JSON.stringify({ name: bundle.name, version, issued: rfc3339(issued), expires: rfc3339(expires), bundle }));
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
  const sig = sign(null, pae, key.priv);
  return JSON.stringify({ payloadType, payload: payload.toString("base64"), signatures: [{ keyid: key.keys[0]!.keyid, sig: sig.toString("base64") }] });
}
