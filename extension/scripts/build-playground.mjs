// Builds the playground page that `heed serve` embeds and shows at /:
// ../server/playground/dist/{index.html, playground.js, playground.css}.
// heed.wasm and the default bundle come from the binary itself.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = "../server/playground/dist";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/playground/playground.ts"],
  outfile: `${out}/playground.js`,
  bundle: true,
  format: "iife",
  target: "chrome120",
  logLevel: "warning",
  legalComments: "none",
  define: { HEED_TEST_BUILD: "false" },
});
copyFileSync("src/playground/index.html", `${out}/index.html`);
copyFileSync("src/playground/playground.css", `${out}/playground.css`);
