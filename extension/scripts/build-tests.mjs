// Bundles every test/*.test.ts into .build/test/*.test.mjs, and the
// benchmarks of bench/ into .build/bench/, with esbuild, so that node runs
// them without a TypeScript loader.
import { build } from "esbuild";
import { readdirSync } from "node:fs";

for (const [dir, suffix] of [
  ["test", ".test.ts"],
  ["bench", ".bench.ts"],
  ["e2e", ".e2e.ts"],
]) {
  const entryPoints = readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => `${dir}/${f}`);
  await bundle(entryPoints, `.build/${dir}`);
}

async function bundle(entryPoints, outdir) {
  await build({
  entryPoints,
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  packages: "external",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  logLevel: "warning",
  });
}
