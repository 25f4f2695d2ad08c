// Where the tests find what `make build` made: the module, the built
// default bundle and the CLI.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const root = process.env.HEED_ROOT ?? resolve(process.cwd(), "..");
export const modulePath = resolve(root, "dist/heed.wasm");
export const defaultBundlePath = resolve(root, "dist/default.json");
export const heedBin = resolve(root, "bin/heed");
export const corpusDir = resolve(root, "bundles/default/corpus");

/** Fails with the command to run when a build product is missing. */
export function requireBuilt(): void {
  for (const p of [modulePath, defaultBundlePath, heedBin]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run \`make build\` in ${root}`);
  }
}
