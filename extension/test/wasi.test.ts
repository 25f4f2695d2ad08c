import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { wasiImports } from "../src/engine/wasi";
import { modulePath, requireBuilt } from "./paths";

test("the shim provides exactly the imports the module declares", () => {
  requireBuilt();
  const mod = new WebAssembly.Module(readFileSync(modulePath));
  const declared = new Set(
    WebAssembly.Module.imports(mod).map((i) => {
      assert.equal(i.module, "wasi_snapshot_preview1", `import from ${i.module}`);
      assert.equal(i.kind, "function");
      return i.name;
    }),
  );
  const shim = new Set(Object.keys(wasiImports(() => new WebAssembly.Memory({ initial: 1 }))));
  for (const name of declared) assert.ok(shim.has(name), `the shim lacks ${name}`);
  for (const name of shim) assert.ok(declared.has(name), `the shim has ${name}, which the module does not import`);
});

test("the clock and randomness work and writes are swallowed", () => {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const wasi = wasiImports(() => memory) as Record<string, (...a: number[]) => number>;
  const clock = wasi.clock_time_get as unknown as (id: number, p: bigint, out: number) => number;
  assert.equal(clock(0, 0n, 8), 0);
  const ns = new DataView(memory.buffer).getBigUint64(8, true);
  assert.ok(ns > 1_700_000_000_000_000_000n, `realtime ${ns}`);
  assert.equal(wasi.random_get!(100, 70000), 0);
  assert.ok(new Uint8Array(memory.buffer, 100, 70000).some((b) => b !== 0));
  // one iovec of 5 bytes at 200
  const v = new DataView(memory.buffer);
  v.setUint32(16, 200, true);
  v.setUint32(20, 5, true);
  assert.equal(wasi.fd_write!(1, 16, 1, 24), 0);
  assert.equal(v.getUint32(24, true), 5);
  assert.equal(wasi.fd_write!(7, 16, 1, 24), 8, "only stdout and stderr");
});
