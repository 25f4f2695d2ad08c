// Bundle versions: whole numbers from 1 to maxVersion (2^53-1, the largest
// a JavaScript number holds exactly), as Go enforces at build, sign,
// publish and load. Anything else is refused here too, by name, rather
// than compared after it has lost precision.
import { maxVersion } from "./limits.gen";

/** Whether v is a bundle version: a whole number from 1 to maxVersion. */
export function isVersion(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 1 && v <= maxVersion;
}

/** Why v is not a bundle version, for an error message. */
export function notAVersion(what: string, v: unknown): string {
  return `${what} ${typeof v === "number" ? String(v) : JSON.stringify(v)} is not a bundle version: want a whole number from 1 to ${maxVersion}`;
}
