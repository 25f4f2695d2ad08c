// The loader of the Heed WebAssembly module: the same engine the CLI runs
// through wazero. It speaks the module's ABI (wasm/abi): requests and
// answers in a small binary form, and findings built here from the rules
// of the bundle, which this side holds anyway.

import { wasiImports } from "./wasi";

/** What the engine knows about a draft besides its text. */
export interface Context {
  platform?: "facebook" | "twitter" | "linkedin" | "other" | string;
  surface?: "post" | "comment" | "message" | string;
  account?: "personal" | "official" | "unknown" | string;
  /** RFC 3339 with an offset. */
  time?: string;
}

export interface Span {
  start: number;
  end: number;
}

export interface Citation {
  document: string;
  section: string;
  quote: string;
}

/** One rule's verdict; offsets are UTF-16 code units, as JS strings index. */
export interface Finding {
  rule: string;
  category: string;
  severity: "info" | "warning" | "critical" | string;
  message: string;
  suggestion?: string;
  /** An https:// page that explains the rule. */
  link?: string;
  citations: Citation[];
  start: number;
  end: number;
  spans: Span[];
  /** The rule applies to the organisation's accounts only (when.accounts
   *  is [official]): its card says which account was judged official. */
  officialOnly?: boolean;
}

/** The parts of a built bundle the loader reads. */
export interface BundleRule {
  id: string;
  category: string;
  severity: string;
  message: string;
  suggestion?: string;
  link?: string;
  citations: Citation[];
  when?: { accounts?: string[] };
}

export interface LoadResult {
  name?: string;
  version?: number;
  rules?: number;
  /** For a signed bundle: the key that signed it, issue and expiry. */
  keyid?: string;
  issued?: string;
  expires?: string;
  error?: string;
  problems?: { path: string; message: string }[];
}

/** An error the engine answered: bad context, bad bundle, bad draft. */
export class HeedError extends Error {
  override name = "HeedError";
}

const ABI_VERSION = 1;

interface Exports {
  memory: WebAssembly.Memory;
  _initialize: () => void;
  heed_abi_version: () => number;
  heed_alloc: (size: number) => number;
  heed_free: (ptr: number) => void;
  heed_load: (ptr: number, len: number) => bigint;
  heed_evaluate: (ptr: number, len: number) => bigint;
  heed_trust: (ptr: number, len: number) => bigint;
}

/** A signed bundle: DSSE, the payload in base64. */
interface Envelope {
  payloadType: string;
  payload: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The parts of a bundle the loaders read. */
export interface BundleParts {
  rules?: BundleRule[];
  settings?: { official_accounts?: string[] };
}

/**
 * The bundle a built bundle's JSON or a signed envelope's JSON holds. The
 * envelope is not verified here: the module verifies it when it loads it.
 * The two are told apart by parsing, as the module does (a JSON object
 * with a top-level "payloadType" string is an envelope; a bundle has no
 * such key), never by the first bytes: JSON may start with whitespace and
 * a signer may write the keys in any order.
 */
export function bundleInside(json: string): BundleParts {
  const parsed = JSON.parse(json) as unknown;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HeedError("not a bundle or a signed envelope: want a JSON object");
  }
  const env = parsed as Partial<Envelope> & BundleParts;
  if (typeof env.payloadType !== "string") return env;
  if (typeof env.payload !== "string") throw new HeedError("not an envelope: its payload is not base64 text");
  let payload: { bundle?: BundleParts };
  try {
    payload = JSON.parse(decoder.decode(base64(env.payload))) as { bundle?: BundleParts };
  } catch (err) {
    throw new HeedError(`not an envelope: its payload does not read (${err instanceof Error ? err.message : String(err)})`);
  }
  return payload?.bundle ?? {};
}

/** One instance of the module with one bundle loaded. Not re-entrant. */
export class HeedEngine {
  private rules: BundleRule[] = [];
  private accounts: string[] = [];
  private block = 0;
  private blockSize = 0;

  private constructor(private readonly exports: Exports) {}

  /** Instantiates the module (bytes or a compiled WebAssembly.Module). */
  static async create(module: BufferSource | WebAssembly.Module): Promise<HeedEngine> {
    const compiled = module instanceof WebAssembly.Module ? module : await WebAssembly.compile(module);
    let memory: WebAssembly.Memory | undefined;
    const instance = await WebAssembly.instantiate(compiled, {
      wasi_snapshot_preview1: wasiImports(() => {
        if (!memory) throw new HeedError("module memory used before instantiation");
        return memory;
      }),
    });
    const exports = instance.exports as unknown as Exports;
    memory = exports.memory;
    exports._initialize();
    const version = exports.heed_abi_version();
    if (version !== ABI_VERSION) {
      throw new HeedError(`the module speaks ABI ${version}, this loader ${ABI_VERSION}`);
    }
    return new HeedEngine(exports);
  }

  /**
   * Trusts these public keys (the JSON of a .pub file, a list): from now
   * on the module loads only envelopes one of them signed, and checks
   * their expiry against the clock.
   */
  trust(keysJSON: string): void {
    const result = JSON.parse(decoder.decode(this.call(this.exports.heed_trust, encoder.encode(keysJSON)))) as LoadResult;
    if (result.error) throw new HeedError(result.error);
  }

  /**
   * Loads a built bundle or a signed envelope (its JSON); the module
   * verifies an envelope and compiles the bundle, or says why not.
   */
  load(bundleJSON: string): LoadResult {
    const bundle = bundleInside(bundleJSON);
    const answer = this.call(this.exports.heed_load, encoder.encode(bundleJSON));
    const result = JSON.parse(decoder.decode(answer)) as LoadResult;
    if (result.error) {
      const detail = (result.problems ?? []).map((p) => `${p.path}: ${p.message}`).join("; ");
      throw new HeedError(detail ? `${result.error}: ${detail}` : result.error);
    }
    const rules = bundle.rules ?? [];
    if (typeof result.rules === "number" && result.rules !== rules.length) {
      // The module compiled other rules than those read here: a finding
      // would name the wrong rule. None are named until a load agrees.
      this.rules = [];
      this.accounts = [];
      throw new HeedError(`the module loaded ${result.rules} rules but the bundle read here has ${rules.length}`);
    }
    this.rules = rules;
    this.accounts = bundle.settings?.official_accounts ?? [];
    return result;
  }

  /** The loaded bundle's official accounts (settings.official_accounts). */
  get officialAccounts(): string[] {
    return this.accounts;
  }

  /** Checks a draft; findings in order of where they start. */
  evaluate(text: string, context: Context): Finding[] {
    const fields = [text, context.platform ?? "", context.surface ?? "", context.account ?? "", context.time ?? ""].map(
      (f) => encoder.encode(f),
    );
    const request = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0));
    const rv = new DataView(request.buffer);
    let off = 0;
    for (const f of fields) {
      rv.setUint32(off, f.length, true);
      request.set(f, off + 4);
      off += 4 + f.length;
    }
    return this.findings(this.call(this.exports.heed_evaluate, request));
  }

  /** Writes input into the module's block, calls fn, copies the answer. */
  private call(fn: (ptr: number, len: number) => bigint, input: Uint8Array): Uint8Array {
    if (input.length > this.blockSize || this.block === 0) {
      if (this.block !== 0) this.exports.heed_free(this.block);
      this.blockSize = Math.max(input.length, 4096);
      this.block = this.exports.heed_alloc(this.blockSize);
    }
    new Uint8Array(this.exports.memory.buffer).set(input, this.block);
    const packed = fn(this.block, input.length);
    const ptr = Number(packed >> 32n);
    const len = Number(packed & 0xffffffffn);
    // Copy: the answer lives until the next call, and memory may grow.
    return new Uint8Array(this.exports.memory.buffer, ptr, len).slice();
  }

  private findings(answer: Uint8Array): Finding[] {
    const v = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
    const status = v.getUint32(0, true);
    if (status !== 0) throw new HeedError(decoder.decode(answer.subarray(4)));
    const count = v.getUint32(4, true);
    const out: Finding[] = [];
    let off = 8;
    for (let i = 0; i < count; i++) {
      const index = v.getUint32(off, true);
      const nspans = v.getUint32(off + 4, true);
      off += 8;
      const spans: Span[] = [];
      for (let k = 0; k < nspans; k++, off += 8) {
        spans.push({ start: v.getUint32(off, true), end: v.getUint32(off + 4, true) });
      }
      const rule = this.rules[index];
      const first = spans[0];
      if (!rule || !first) throw new HeedError(`the module answered rule ${index} of ${this.rules.length}`);
      const f: Finding = {
        rule: rule.id,
        category: rule.category,
        severity: rule.severity,
        message: rule.message,
        citations: rule.citations,
        start: first.start,
        end: first.end,
        spans,
      };
      if (rule.suggestion) f.suggestion = rule.suggestion;
      if (rule.link) f.link = rule.link;
      const accounts = rule.when?.accounts;
      if (accounts?.length === 1 && accounts[0] === "official") f.officialOnly = true;
      out.push(f);
    }
    return out;
  }
}
