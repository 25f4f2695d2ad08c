// The engine in force and how it changes: the built-in bundle at the
// start, a signed bundle from the server once one verifies, and the
// built-in bundle again the moment the one in force expires (a frozen
// bundle is not trusted, as TUF teaches). What this holds is the truth of
// which rules run: the popup and the update status are derived from it.
//
// Kept apart from the Web Worker's messaging so that Node tests can run it
// with the real module.
import { HeedEngine, type Context, type Finding } from "../engine/engine";
import { isVersion, notAVersion } from "../shared/version";
import type { BundleInfo, ConfigResponse, InstallRequest, InstallResponse } from "../shared/messages";

export interface EngineSources {
  /** The compiled module; each engine is a fresh instance of it. */
  module(): Promise<WebAssembly.Module>;
  /** The JSON of the bundle shipped inside the extension. */
  builtIn(): Promise<string>;
  /** The clock, in milliseconds (Date.now). */
  now?(): number;
}

interface Loaded {
  engine: HeedEngine;
  bundle: BundleInfo;
}

/** The time an RFC 3339 string names, in milliseconds; NaN when it does not read. */
function when(t: string | undefined): number {
  return t === undefined ? NaN : Date.parse(t);
}

export class Engines {
  private loading: Promise<Loaded> | null = null;
  /** Installs run one at a time, in order. */
  private installs: Promise<unknown> = Promise.resolve();

  constructor(private readonly sources: EngineSources) {}

  private now(): number {
    return this.sources.now?.() ?? Date.now();
  }

  private async loadBuiltIn(): Promise<Loaded> {
    const [m, text] = await Promise.all([this.sources.module(), this.sources.builtIn()]);
    const engine = await HeedEngine.create(m);
    const info = engine.load(text);
    return { engine, bundle: { name: info.name ?? "", version: info.version ?? 0, source: "built-in" } };
  }

  private loaded(): Promise<Loaded> {
    this.loading ??= this.loadBuiltIn().catch((err) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  /** The engine in force; a bundle from the server that has expired is
   *  dropped first, and the built-in rules run until a newer one comes. */
  async current(): Promise<Loaded> {
    const l = await this.loaded();
    if (l.bundle.source === "server" && !(this.now() < when(l.bundle.expires))) {
      // Only if nothing was installed meanwhile: an install during the
      // await must not be dropped for the built-in rules.
      const p = this.loading;
      if (p && (await p) === l && this.loading === p) this.loading = null;
      return this.loaded();
    }
    return l;
  }

  /** What the content scripts and the popup need: the bundle that runs. */
  async config(): Promise<ConfigResponse> {
    const l = await this.current();
    return { officialAccounts: l.engine.officialAccounts, bundle: { ...l.bundle } };
  }

  async evaluate(text: string, context: Context): Promise<Finding[]> {
    return (await this.current()).engine.evaluate(text, context);
  }

  /** Verifies a signed bundle and, if it passes every check, puts it in force. */
  install(req: Omit<InstallRequest, "type">): Promise<InstallResponse> {
    const run = this.installs.then(() => this.installOnce(req));
    this.installs = run.catch(() => undefined);
    return run;
  }

  private async installOnce(req: Omit<InstallRequest, "type">): Promise<InstallResponse> {
    // After the built-in load, so that it cannot land over this one.
    await this.loaded().catch(() => undefined);
    if (req.minVersion !== 0 && !isVersion(req.minVersion)) throw new Error(notAVersion("the last accepted version", req.minVersion));
    const minIssued = when(req.minIssued);
    if (req.minIssued !== undefined && Number.isNaN(minIssued)) throw new Error(`the last accepted bundle's issue time ${JSON.stringify(req.minIssued)} does not read`);
    const candidate = await HeedEngine.create(await this.sources.module());
    // The module checks the signature against these keys, the version
    // range, the issue time and the expiry against the clock; a failure
    // throws and the bundle in force stays.
    candidate.trust(JSON.stringify(req.keys));
    const info = candidate.load(req.envelope);
    const version = info.version;
    if (!isVersion(version)) throw new Error(notAVersion("version", version));
    if (version < req.minVersion || (version === req.minVersion && !req.allowSame)) {
      throw new Error(`version ${version} is not above version ${req.minVersion}, the last accepted (a rollback)`);
    }
    const issued = when(info.issued);
    const expires = when(info.expires);
    if (Number.isNaN(issued) || Number.isNaN(expires)) {
      throw new Error(`version ${version}: issue time ${JSON.stringify(info.issued)} or expiry ${JSON.stringify(info.expires)} does not read`);
    }
    if (issued < minIssued) {
      throw new Error(`version ${version} was issued at ${info.issued}, before ${req.minIssued}, when the last accepted bundle was issued (a replay)`);
    }
    if (!(this.now() < expires)) throw new Error(`version ${version} expired at ${info.expires}`);
    const bundle: BundleInfo = { name: info.name ?? "", version, source: "server", issued: info.issued!, expires: info.expires!, ...(req.url ? { url: req.url } : {}) };
    this.loading = Promise.resolve({ engine: candidate, bundle });
    return { name: bundle.name, version, issued: bundle.issued!, expires: bundle.expires! };
  }
}
