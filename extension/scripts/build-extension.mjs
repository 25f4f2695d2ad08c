// Builds the extension with esbuild into ../dist/extension (the release:
// only the three sites) or, with --test, ../dist/extension-test (also the
// loopback fixture pages of the browser tests), and zips the release into
// ../dist/heed-extension.zip for a store upload. The engine (heed.wasm) and
// the default bundle ship inside; nothing is fetched.
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { deflateRawSync, crc32 } from "node:zlib";

const test = process.argv.includes("--test");
const out = test ? "../dist/extension-test" : "../dist/extension";
const pkg = JSON.parse(readFileSync("package.json", "utf8"));

for (const f of ["../dist/heed.wasm", "../dist/default.json"]) {
  if (!existsSync(f)) throw new Error(`${f} is missing: run make build`);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const sites = ["https://*.facebook.com/*", "https://*.x.com/*", "https://*.twitter.com/*", "https://*.linkedin.com/*"];
const matches = test ? [...sites, "http://127.0.0.1/*", "http://localhost/*"] : sites;

const manifest = {
  manifest_version: 3,
  name: test ? "Heed (test build)" : "Heed",
  version: pkg.version ?? "0.1.0",
  description: "Warns you, while you type, when a post may breach your employer's social media policy. Drafts never leave your browser.",
  minimum_chrome_version: "120",
  background: { service_worker: "worker.js", type: "module" },
  content_scripts: [{ matches, js: ["content.js"], run_at: "document_idle" }],
  permissions: ["storage", "offscreen", "alarms"],
  action: { default_popup: "popup.html", default_title: "Heed" },
  options_ui: { page: "options.html", open_in_tab: true },
  storage: { managed_schema: "managed_schema.json" },
  // Fixes the extension id (enterprise policies name it); see docs/deploy.md.
  key: readFileSync("manifest-key.txt", "utf8").trim(),
  content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
};
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

const common = { bundle: true, target: "chrome120", logLevel: "warning", define: { HEED_TEST_BUILD: String(test) }, legalComments: "none" };
await build({ ...common, entryPoints: ["src/background/worker.ts"], outfile: join(out, "worker.js"), format: "esm" });
await build({ ...common, entryPoints: ["src/content/main.ts"], outfile: join(out, "content.js"), format: "iife" });
await build({ ...common, entryPoints: ["src/popup/popup.ts"], outfile: join(out, "popup.js"), format: "iife" });
await build({ ...common, entryPoints: ["src/offscreen/offscreen.ts"], outfile: join(out, "offscreen.js"), format: "iife" });
await build({ ...common, entryPoints: ["src/offscreen/engine-worker.ts"], outfile: join(out, "engine-worker.js"), format: "esm" });
await build({ ...common, entryPoints: ["src/options/options.ts"], outfile: join(out, "options.js"), format: "iife" });
copyFileSync("src/popup/popup.html", join(out, "popup.html"));
copyFileSync("src/options/options.html", join(out, "options.html"));
copyFileSync("src/managed_schema.json", join(out, "managed_schema.json"));
copyFileSync("src/offscreen/offscreen.html", join(out, "offscreen.html"));
copyFileSync("../dist/heed.wasm", join(out, "heed.wasm"));
copyFileSync("../dist/default.json", join(out, "bundle.json"));

if (!test) writeFileSync("../dist/heed-extension.zip", zip(out));

// zip writes a deflated zip of a folder: a few lines instead of a
// dependency, for a store upload.
function zip(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  const chunks = [];
  const central = [];
  let offset = 0;
  for (const p of files) {
    const name = Buffer.from(relative(dir, p).split("\\").join("/"));
    const data = readFileSync(p);
    const deflated = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, deflated);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(0, 12);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(deflated.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += local.length + name.length + deflated.length;
  }
  const centralBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, centralBuf, end]);
}
