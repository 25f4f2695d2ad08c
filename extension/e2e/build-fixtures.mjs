// Builds the fixture pages (each editor from its npm package) into
// .build/fixtures.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";

const pages = ["textarea", "lexical", "draft", "quill", "textmodel"];
mkdirSync(".build/fixtures", { recursive: true });
for (const p of pages) {
  await build({
    entryPoints: [`e2e/fixtures/${p}.ts`],
    outfile: `.build/fixtures/${p}.js`,
    bundle: true,
    format: "iife",
    target: "chrome120",
    define: { "process.env.NODE_ENV": '"production"', global: "window" },
    logLevel: "warning",
  });
  writeFileSync(
    `.build/fixtures/${p}.html`,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${p}</title></head><body><script src="${p}.js"></script></body></html>\n`,
  );
}
