/**
 * The machinery shared by the autoguides (NumPyro's `AutoGuide` / `AutoContinuous`):
 *
 * - a **prototype** run of the model (seeded, traced, latent sites initialized by an
 *   {@link InitStrategy}) that finds the latent sample sites, their shapes and supports;
 * - {@link AutoGuideBase}: registers the guide's `param` sites lazily (their initial values are
 *   made from the prototype with the key the `param` initializer receives) and turns an
 *   implementation object into a callable guide with the model's signature;
 * - {@link AutoContinuous}: flattens all latent sites into one unconstrained vector of length
 *   `latentDim` via `bijectTo(site.fn.support)`. The guide samples that vector as the auxiliary
 *   site `_{prefix}_latent` from the subclass's distribution, then every latent site as a `Delta`
 *   at its constrained value whose log density is −log|det J| of the transform, so that the
 *   guide density is the density of the constrained values. Subclasses only define their
 *   distribution over the vector ({@link Latent}).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { buildPrototype } from "./base.ts";
 * import { initToUniform } from "./init.ts";
 * import { Exponential, Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * import { scalar } from "../../ad/mod.ts";
 * const model = (ctx: ModelContext) => {
 *   const s = ctx.sample("s", new Exponential(1));
 *   ctx.sample("y", new Normal(0, s), { obs: scalar(0.5) });
 * };
 * const p = buildPrototype(model, key(0), [], initToUniform());
 * assert.strictEqual(p.latentDim, 1);
 * assert.deepStrictEqual(p.sites.map((s) => s.name), ["s"]);
 * ```
 *
 * @module
 */
import {
  add,
  neg,
  reshape,
  slice,
  sub,
  sum,
  take,
  Tensor,
  type Value,
} from "../../ad/mod.ts";
import {
  key as makeKey,
  normal as normalDraws,
  type PrngKey,
  split,
} from "../../random/mod.ts";
import type { Constraint } from "../constraints.ts";
import { realVector } from "../constraints.ts";
import { quantile } from "../diagnostics.ts";
import { Delta, type Distribution } from "../distributions.ts";
import {
  affineLatent,
  checkPreconditioner,
  type Preconditioner,
  toWhitened,
} from "./preconditioner.ts";
import {
  type Model,
  type ModelContext,
  seed,
  substitute,
  type Trace,
  trace,
} from "../handlers.ts";
import { bijectTo, type Transform } from "../transforms.ts";
import { ndtriScalar } from "../../special/erf.ts";
import { type InitStrategy, initToUniform } from "./init.ts";
import type { Latent } from "./latent.ts";

/** One latent site of the model as seen by an autoguide. */
export interface LatentSite {
  /** Site name. */
  name: string;
  /** The site's distribution in the prototype run. */
  fn: Distribution;
  /** Shape of the constrained value. */
  shape: number[];
  /** Shape of the unconstrained value. */
  unconShape: number[];
  /** Offset of the site in the flat unconstrained vector. */
  offset: number;
  /** Number of unconstrained entries. */
  size: number;
  /** bijectTo(fn.support): unconstrained → constrained. */
  transform: Transform;
}

/** The result of the prototype run. */
export interface Prototype {
  /** Latent sites in execution order. */
  sites: LatentSite[];
  /** Length of the flat unconstrained vector. */
  latentDim: number;
  /** Initial unconstrained vector (from the init strategy). */
  initLatent: Float64Array;
  /** Initial constrained values by site. */
  initValues: Record<string, Tensor>;
  /** The prototype trace. */
  trace: Trace;
}

function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

function _nthKey(k: PrngKey, i: number): PrngKey {
  return split(k, i + 1)[i]!;
}

/**
 * Runs the model once (seeded, traced, latent sites set by `initLocFn`) and describes its latent
 * sites.
 *
 * @param model The model.
 * @param key PRNG key.
 * @param args Model arguments.
 * @param initLocFn Init strategy.
 * @returns The prototype.
 * @throws RangeError when an initial value is outside its support.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { buildPrototype } from "./base.ts";
 * import { initToValue } from "./init.ts";
 * import { HalfNormal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * import { scalar } from "../../ad/mod.ts";
 * const m = (ctx: ModelContext) => { ctx.sample("s", new HalfNormal(1)); };
 * const p = buildPrototype(m, key(0), [], initToValue({ s: scalar(1) }));
 * // unconstrained value of s = 1 on the positive support: log(1) = 0
 * assert.ok(Math.abs(p.initLatent[0]! - 0) < 1e-12);
 * ```
 */
export function buildPrototype<A extends unknown[]>(
  model: Model<A>,
  key: PrngKey,
  args: A,
  initLocFn: InitStrategy,
): Prototype {
  const [km, ki] = split(key, 2) as [PrngKey, PrngKey];
  let i = 0;
  const init = substitute(seed(model, km), (msg) => {
    if (msg.type !== "sample" || msg.isObserved || !msg.fn) return undefined;
    return initLocFn(msg, _nthKey(ki, i++));
  });
  const tr = trace(init).getTrace(...args);
  const sites: LatentSite[] = [];
  const parts: Float64Array[] = [];
  const initValues: Record<string, Tensor> = {};
  let offset = 0;
  for (const s of tr.values()) {
    if (s.type !== "sample" || s.isObserved || !s.fn) continue;
    const value = _concrete(s.value);
    const transform = bijectTo(s.fn.support);
    const u = _concrete(transform.inverse(value));
    if (!u.data.every(Number.isFinite)) {
      throw new RangeError(
        `autoguide: initial value of site '${s.name}' is not strictly inside its support ${s.fn.support.name}`,
      );
    }
    sites.push({
      name: s.name,
      fn: s.fn,
      shape: [...value.shape],
      unconShape: [...u.shape],
      offset,
      size: u.size,
      transform,
    });
    parts.push(u.data);
    initValues[s.name] = value;
    offset += u.size;
  }
  const initLatent = new Float64Array(offset);
  let o = 0;
  for (const p of parts) {
    initLatent.set(p, o);
    o += p.length;
  }
  return { sites, latentDim: offset, initLatent, initValues, trace: tr };
}

/**
 * Splits flat unconstrained vectors `[...lead, D]` into constrained site values
 * `[...lead, ...shape]` and the total log|det J| of the transforms (shape `lead`).
 *
 * @param proto The prototype.
 * @param z Flat vectors.
 * @returns Values by site and the log-Jacobian.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { buildPrototype, unpackLatent } from "./base.ts";
 * import { initToUniform } from "./init.ts";
 * import { Exponential } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * import { tensor, type Tensor } from "../../ad/mod.ts";
 * const m = (ctx: ModelContext) => { ctx.sample("r", new Exponential(1)); };
 * const p = buildPrototype(m, key(0), [], initToUniform());
 * const { values, logDet } = unpackLatent(p, tensor([0]));
 * // r = exp(0) = 1, log|d exp(u)/du| at u = 0 is 0
 * assert.ok(Math.abs((values.r as Tensor).item() - 1) < 1e-12);
 * assert.ok(Math.abs((logDet as Tensor).item() - 0) < 1e-12);
 * // u = log 2: r = 2, log-det = log 2
 * const u2 = unpackLatent(p, tensor([Math.LN2]));
 * assert.ok(Math.abs((u2.values.r as Tensor).item() - 2) < 1e-12);
 * assert.ok(Math.abs((u2.logDet as Tensor).item() - Math.LN2) < 1e-12);
 * ```
 */
export function unpackLatent(
  proto: Prototype,
  z: Value,
): { values: Record<string, Value>; logDet: Value } {
  const lead = z.shape.slice(0, -1);
  const values: Record<string, Value> = {};
  let logDet: Value | null = null;
  for (const s of proto.sites) {
    const zs = reshape(slice(z, -1, s.offset, s.offset + s.size), [
      ...lead,
      ...s.unconShape,
    ]);
    const v = s.transform.forward(zs);
    values[s.name] = v;
    let ld = s.transform.logAbsDetJacobian(zs, v);
    const extra = ld.shape.length - lead.length;
    if (extra > 0) {
      const r = ld.shape.length;
      ld = sum(ld, [...Array(extra).keys()].map((j) => r - 1 - j));
    }
    logDet = logDet === null ? ld : add(logDet, ld);
  }
  return {
    values,
    logDet: logDet ??
      new Tensor(new Float64Array(lead.reduce((a, b) => a * b, 1)), lead),
  };
}

/** A callable autoguide: a guide with the model's signature plus posterior utilities. */
export interface AutoGuide<A extends unknown[]> {
  /** The guide (same arguments as the model). */
  (ctx: ModelContext, ...args: A): void;
  /** Class name, e.g. "AutoNormal". */
  readonly name: string;
  /** Prefix of the param and auxiliary site names (default "auto"). */
  readonly prefix: string;
  /** The model. */
  readonly model: Model<A>;
  /** The prototype (after the first call or `setup`). */
  readonly prototype: Prototype | undefined;
  /** Runs the prototype explicitly (otherwise done at the first call). */
  setup(key: PrngKey, ...args: A): Prototype;
  /**
   * Draws from the approximate posterior.
   *
   * @param key PRNG key.
   * @param params Constrained params (e.g. `svi.getParams(state)`).
   * @param opts `sampleShape` (default []).
   * @returns Site name → draws `[...sampleShape, ...siteShape]`.
   */
  samplePosterior(
    key: PrngKey,
    params: Record<string, Value>,
    opts?: { sampleShape?: number[] },
  ): Record<string, Tensor>;
  /** Posterior median of every latent site (constrained). */
  median(params: Record<string, Value>): Record<string, Tensor>;
  /**
   * Posterior quantiles `[qs.length, ...siteShape]` of every latent site: exact marginals for
   * Gaussian guides (mapped through the site's transform), Monte Carlo with `numSamples` draws
   * (default 4000) for flows.
   */
  quantiles(
    params: Record<string, Value>,
    qs: readonly number[],
    opts?: { key?: PrngKey; numSamples?: number },
  ): Record<string, Tensor>;
}

/** Common options of the autoguides. */
export interface AutoGuideOptions {
  /** Prefix of param and auxiliary site names (default "auto"). */
  prefix?: string;
  /** Init strategy (default {@link initToUniform}). */
  initLocFn?: InitStrategy;
  /**
   * A fixed affine map u = loc + scaleTril · w of the flat unconstrained latent vector (guides
   * built on {@link AutoContinuous} only): the guide's params then describe w, and the initial
   * location from `initLocFn` is mapped into w. `laplaceFit` returns one (MAP and the Cholesky
   * factor of the inverse Hessian). The guide then starts at the preconditioner's centre unless
   * `initLocFn` is given. Default: none (u = w, NumPyro's behaviour).
   */
  preconditioner?: Preconditioner;
}

/** A param of the guide: full name and constraint. */
export interface ParamSpec {
  /** Full site name. */
  name: string;
  /** Constraint (default real). */
  constraint?: Constraint;
}

/**
 * Base of the autoguide implementations: prototype, lazy param registration, median from
 * quantiles. Subclasses give their params, the guide body, draws and quantiles; see
 * {@link makeGuide} for an example.
 */
export abstract class AutoGuideBase<A extends unknown[]> {
  /** Class name. */
  abstract readonly name: string;
  /** The model. */
  readonly model: Model<A>;
  /** Name prefix. */
  readonly prefix: string;
  /** Init strategy. */
  readonly initLocFn: InitStrategy;
  /** The prototype. */
  proto: Prototype | undefined;
  /** Model arguments of the prototype run (and of the latest call). */
  args: A | undefined;
  #inits: Record<string, Tensor> | undefined;

  /**
   * @param model The model.
   * @param opts Common options.
   */
  constructor(model: Model<A>, opts: AutoGuideOptions = {}) {
    if (typeof model !== "function") {
      throw new TypeError(
        "autoguide: model must be a function (ctx, ...args) => …",
      );
    }
    this.model = model;
    this.prefix = opts.prefix ?? "auto";
    if (typeof this.prefix !== "string" || this.prefix.length === 0) {
      throw new TypeError("autoguide: prefix must be a non-empty string");
    }
    this.initLocFn = opts.initLocFn ?? initToUniform();
  }

  /** Runs the prototype. */
  setup(key: PrngKey, ...args: A): Prototype {
    this.proto = buildPrototype(this.model, key, args, this.initLocFn);
    this.args = args;
    this.#inits = undefined;
    this.checkPrototype(this.proto);
    return this.proto;
  }

  /** Subclass hook: reject unsupported models (default accepts all). */
  protected checkPrototype(_proto: Prototype): void {}

  /** The prototype, built on first use with the context's key (or key(0) without a seed). */
  protected ensure(ctx: ModelContext, args: A): Prototype {
    if (!this.proto) this.setup(ctx.prngKey() ?? makeKey(0), ...args);
    this.args = args;
    return this.proto!;
  }

  /** The prototype or an error. */
  protected ready(what: string): Prototype {
    if (!this.proto) {
      throw new Error(
        `${this.name}.${what}(): the guide has not been run yet (call svi.init or guide.setup first)`,
      );
    }
    return this.proto;
  }

  /** The guide's param sites. */
  protected abstract paramSpecs(proto: Prototype): ParamSpec[];
  /** Initial constrained values of the params. */
  protected abstract initParams(
    proto: Prototype,
    key: PrngKey,
  ): Record<string, Tensor>;

  /** Registers all params on a context and returns their values. */
  protected params(ctx: ModelContext, proto: Prototype): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const spec of this.paramSpecs(proto)) {
      const init = (k: PrngKey) => {
        if (!this.#inits) this.#inits = this.initParams(proto, k);
        const v = this.#inits[spec.name];
        if (!v) {
          throw new Error(
            `${this.name}: no initial value for param '${spec.name}'`,
          );
        }
        return v;
      };
      out[spec.name] = spec.constraint
        ? ctx.param(spec.name, init, { constraint: spec.constraint })
        : ctx.param(spec.name, init);
    }
    return out;
  }

  /** Picks this guide's params out of a record (throws on a missing one). */
  protected pick(
    proto: Prototype,
    params: Record<string, Value>,
  ): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const { name } of this.paramSpecs(proto)) {
      const v = params[name];
      if (v === undefined) {
        throw new TypeError(`${this.name}: missing param '${name}'`);
      }
      out[name] = v;
    }
    return out;
  }

  /** The guide body. */
  abstract call(ctx: ModelContext, args: A): void;
  /** See {@link AutoGuide.samplePosterior}. */
  abstract samplePosterior(
    key: PrngKey,
    params: Record<string, Value>,
    opts?: { sampleShape?: number[] },
  ): Record<string, Tensor>;
  /** See {@link AutoGuide.quantiles}. */
  abstract quantiles(
    params: Record<string, Value>,
    qs: readonly number[],
    opts?: { key?: PrngKey; numSamples?: number },
  ): Record<string, Tensor>;
  /** See {@link AutoGuide.median}. */
  median(params: Record<string, Value>): Record<string, Tensor> {
    const q = this.quantiles(params, [0.5]);
    const out: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(q)) {
      out[k] = new Tensor(v.data, v.shape.slice(1));
    }
    return out;
  }

  /** Monte Carlo quantiles from posterior draws. */
  protected mcQuantiles(
    params: Record<string, Value>,
    qs: readonly number[],
    opts: { key?: PrngKey; numSamples?: number },
  ): Record<string, Tensor> {
    const n = opts.numSamples ?? 4000;
    const draws = this.samplePosterior(opts.key ?? makeKey(0), params, {
      sampleShape: [n],
    });
    const out: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(draws)) out[k] = quantile(v, qs);
    return out;
  }
}

/**
 * Wraps an implementation into a callable guide (how every `Auto…` factory builds its result).
 *
 * @param impl The implementation.
 * @param extra Extra members to expose.
 * @returns The callable guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoGuideBase, makeGuide } from "./base.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { Tensor } from "../../ad/mod.ts";
 * class Nothing extends AutoGuideBase<[]> {
 *   readonly name = "Nothing";
 *   protected paramSpecs() { return []; }
 *   protected initParams() { return {}; }
 *   call(_ctx: ModelContext) {}
 *   samplePosterior() { return {}; }
 *   quantiles(): Record<string, Tensor> { return {}; }
 * }
 * const g = makeGuide(new Nothing(() => {}));
 * assert.strictEqual(typeof g, "function");
 * assert.strictEqual(g.name, "Nothing");
 * ```
 */
export function makeGuide<
  A extends unknown[],
  E extends object = Record<never, never>,
>(
  impl: AutoGuideBase<A>,
  extra?: E,
): AutoGuide<A> & E {
  const f = ((ctx: ModelContext, ...args: A) => impl.call(ctx, args)) as
    & AutoGuide<A>
    & E;
  Object.defineProperties(f, {
    name: { value: impl.name },
    prefix: { value: impl.prefix },
    model: { value: impl.model },
    prototype: { get: () => impl.proto },
  });
  Object.assign(f, {
    setup: (key: PrngKey, ...args: A) => impl.setup(key, ...args),
    samplePosterior: (
      key: PrngKey,
      params: Record<string, Value>,
      opts?: { sampleShape?: number[] },
    ) => impl.samplePosterior(key, params, opts),
    median: (params: Record<string, Value>) => impl.median(params),
    quantiles: (
      params: Record<string, Value>,
      qs: readonly number[],
      opts?: { key?: PrngKey; numSamples?: number },
    ) => impl.quantiles(params, qs, opts),
  }, extra ?? {});
  return f;
}

export type { Latent } from "./latent.ts";

/** Wraps a {@link Latent} as a Distribution over `[D]` (remembering its last draw's density). */
class _LatentDistribution implements Distribution {
  readonly batchShape: number[] = [];
  readonly eventShape: number[];
  readonly support: Constraint = realVector;
  readonly hasRsample = true;
  readonly name = "AutoLatent";
  #latent: Latent;
  #last: { z: Value; logq: Value } | undefined;
  constructor(latent: Latent, d: number) {
    this.#latent = latent;
    this.eventShape = [d];
  }
  rsample(key: PrngKey, sampleShape?: number[]): Value {
    const [z, logq] = this.#latent.sample(key, sampleShape ?? []);
    this.#last = { z, logq };
    return z;
  }
  sample(key: PrngKey, sampleShape?: number[]): Tensor {
    return _concrete(this.rsample(key, sampleShape));
  }
  logProb(value: Value): Value {
    if (this.#last && value === this.#last.z) return this.#last.logq;
    if (this.#latent.logProb) return this.#latent.logProb(value);
    throw new Error(
      "this autoguide's latent density is only available at its own draws (the flow has no inverse)",
    );
  }
  get mean(): Value {
    const m = this.#latent.marginal?.();
    if (!m) throw new Error("the latent mean is not available in closed form");
    return new Tensor(m.loc, [m.loc.length]);
  }
  get variance(): Value {
    const m = this.#latent.marginal?.();
    if (!m) {
      throw new Error("the latent variance is not available in closed form");
    }
    return new Tensor(m.sd.map((s) => s * s), [m.sd.length]);
  }
}

/**
 * Base of the guides over the flat unconstrained vector (NumPyro's `AutoContinuous`).
 * Subclasses define {@link AutoContinuous.latent} (and their params); `AutoDiagonalNormal`,
 * `AutoMultivariateNormal`, `AutoLowRankMultivariateNormal`, `AutoLaplaceApproximation`,
 * `AutoIAFNormal` and `AutoBNAFNormal` are built this way.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoContinuous } from "./base.ts";
 * import { AutoMultivariateNormal } from "./mvn.ts";
 * assert.strictEqual(typeof AutoContinuous, "function");
 * assert.strictEqual(AutoMultivariateNormal.name, "AutoMultivariateNormal");
 * ```
 */
export abstract class AutoContinuous<A extends unknown[]>
  extends AutoGuideBase<A> {
  /** The affine preconditioner of the latent vector, if any. */
  readonly preconditioner: Preconditioner | undefined;

  /**
   * @param model The model.
   * @param opts Common options (including `preconditioner`).
   */
  constructor(model: Model<A>, opts: AutoGuideOptions = {}) {
    super(model, opts);
    const pc = opts.preconditioner;
    // A copy: later changes to the caller's arrays do not change the guide.
    this.preconditioner = pc
      ? {
        loc: Float64Array.from(pc.loc ?? []),
        scaleTril: Float64Array.from(pc.scaleTril ?? []),
      }
      : undefined;
    this.#explicitInit = opts.initLocFn !== undefined;
  }
  #explicitInit: boolean;

  /** The subclass's distribution over the latent vector, given its params. */
  abstract latent(proto: Prototype, params: Record<string, Value>): Latent;

  /** @inheritdoc */
  override setup(key: PrngKey, ...args: A): Prototype {
    const proto = super.setup(key, ...args);
    if (this.preconditioner) {
      checkPreconditioner(this.preconditioner, proto.latentDim, this.name);
    }
    return proto;
  }

  /**
   * The initial latent vector in the coordinates the guide's params describe: the prototype's
   * `initLatent`, or with a preconditioner the preconditioner's centre (w = 0) unless an
   * `initLocFn` was given, whose point is then mapped to whitened coordinates.
   */
  protected initialLatent(proto: Prototype): Float64Array {
    if (!this.preconditioner) return proto.initLatent.slice();
    return this.#explicitInit
      ? toWhitened(this.preconditioner, proto.initLatent)
      : new Float64Array(proto.latentDim);
  }

  /** The distribution of the latent vector u (the subclass's, through the preconditioner). */
  protected latentU(latent: Latent): Latent {
    return this.preconditioner
      ? affineLatent(latent, this.preconditioner)
      : latent;
  }

  /** @inheritdoc */
  call(ctx: ModelContext, args: A): void {
    const proto = this.ensure(ctx, args);
    const params = this.params(ctx, proto);
    const dist = new _LatentDistribution(
      this.latentU(this.latent(proto, params)),
      proto.latentDim,
    );
    const z = ctx.sample(`_${this.prefix}_latent`, dist, {
      infer: { isAuxiliary: true },
    });
    for (const s of proto.sites) {
      const zs = reshape(
        slice(z, -1, s.offset, s.offset + s.size),
        s.unconShape,
      );
      const v = s.transform.forward(zs);
      const ld = s.transform.logAbsDetJacobian(zs, v);
      const total = ld.shape.length ? sum(ld) : ld;
      ctx.sample(
        s.name,
        new Delta(v, { logDensity: neg(total), eventDim: v.shape.length }),
      );
    }
  }

  /** The distribution used for posterior draws and quantiles (default: {@link latent}). */
  posteriorLatent(proto: Prototype, params: Record<string, Value>): Latent {
    return this.latent(proto, params);
  }

  /** Draws flat latent vectors `[n, D]` (concrete). */
  protected drawLatent(
    key: PrngKey,
    params: Record<string, Value>,
    n: number,
  ): Tensor {
    const proto = this.ready("samplePosterior");
    const [z] = this.latentU(
      this.posteriorLatent(proto, this.pick(proto, params)),
    ).sample(key, [n]);
    return _concrete(z);
  }

  /** @inheritdoc */
  samplePosterior(
    key: PrngKey,
    params: Record<string, Value>,
    opts: { sampleShape?: number[] } = {},
  ): Record<string, Tensor> {
    const proto = this.ready("samplePosterior");
    const ss = opts.sampleShape ?? [];
    const n = ss.reduce((a, b) => a * b, 1);
    const z = this.drawLatent(key, params, n);
    const { values } = unpackLatent(proto, z);
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      const v = _concrete(values[s.name]!);
      out[s.name] = new Tensor(v.data, [...ss, ...v.shape.slice(1)]);
    }
    return out;
  }

  /** @inheritdoc */
  quantiles(
    params: Record<string, Value>,
    qs: readonly number[],
    opts: { key?: PrngKey; numSamples?: number } = {},
  ): Record<string, Tensor> {
    const proto = this.ready("quantiles");
    for (const q of qs) {
      if (!(q >= 0 && q <= 1)) {
        throw new RangeError(`quantiles: q must lie in [0, 1], got ${q}`);
      }
    }
    const m = this.latentU(
      this.posteriorLatent(proto, this.pick(proto, params)),
    ).marginal?.();
    if (!m) return this.mcQuantiles(params, qs, opts);
    const d = proto.latentDim;
    const z = new Float64Array(qs.length * d);
    qs.forEach((q, i) => {
      const c = ndtriScalar(q);
      for (let j = 0; j < d; j++) {
        z[i * d + j] = m.sd[j] === 0 ? m.loc[j]! : m.loc[j]! + m.sd[j]! * c;
      }
    });
    const { values } = unpackLatent(proto, new Tensor(z, [qs.length, d]));
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) out[s.name] = _concrete(values[s.name]!);
    return out;
  }
}

/**
 * A standard normal draw of a shape as a constant tensor.
 *
 * @param key PRNG key.
 * @param shape Shape.
 * @returns The draw.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { standardNormal } from "./base.ts";
 * import { key } from "../../random/mod.ts";
 * const e = standardNormal(key(0), [2, 3]);
 * assert.deepStrictEqual(e.shape, [2, 3]);
 * assert.ok(Array.from(e.data).every(Number.isFinite));
 * assert.deepStrictEqual(Array.from(standardNormal(key(0), [2, 3]).data), Array.from(e.data));
 * ```
 */
export function standardNormal(key: PrngKey, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(normalDraws(key, n), shape);
}

/**
 * ½ ln 2π.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { HALF_LOG_2PI } from "./base.ts";
 * // 0.5 * log(2π)
 * assert.ok(Math.abs(HALF_LOG_2PI - 0.9189385332046727) < 1e-15);
 * ```
 */
export const HALF_LOG_2PI: number = 0.5 * Math.log(2 * Math.PI);

/**
 * Σ over the last axis of the standard normal log density of ε (a constant), shape `ε.shape[:-1]`.
 *
 * @param eps Draws `[..., D]`.
 * @returns log N(ε; 0, I) per row.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { stdNormalLogDensity } from "./base.ts";
 * import { tensor } from "../../ad/mod.ts";
 * const lp = stdNormalLogDensity(tensor([0, 0, 1, 2], [2, 2]));
 * assert.deepStrictEqual(lp.shape, [2]);
 * // scipy.stats.multivariate_normal(np.zeros(2)).logpdf([0, 0]) = -log(2π); at [1, 2]: -log(2π) - 2.5
 * assert.ok(Math.abs(lp.data[0]! - -1.8378770664093453) < 1e-12);
 * assert.ok(Math.abs(lp.data[1]! - -4.337877066409345) < 1e-12);
 * ```
 */
export function stdNormalLogDensity(eps: Tensor): Tensor {
  const d = eps.shape[eps.shape.length - 1]!;
  const rows = eps.size / d;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += eps.data[r * d + j]! ** 2;
    out[r] = -0.5 * s - d * HALF_LOG_2PI;
  }
  return new Tensor(out, eps.shape.slice(0, -1));
}

/**
 * Draws from a stack of autoregressive flows over a D-dimensional standard normal: the layers
 * are applied in order with the coordinates reversed between consecutive layers (as NumPyro's
 * IAF/BNAF guides), and the log-density of the draw is log N(ε) − Σ log|det J|.
 *
 * @param key PRNG key.
 * @param sampleShape Leading sample shape.
 * @param d Latent dimension D.
 * @param layers Flows: each maps x [..., D] to [y, log|det J| [...]].
 * @returns `[x, log q(x)]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sampleFlowStack } from "./base.ts";
 * import { key } from "../../random/mod.ts";
 * import { scalarOf, type Tensor } from "../../ad/mod.ts";
 * const [x, lq] = sampleFlowStack(key(0), [3], 2, [(x) => [x, scalarOf(0)]]);
 * const xs = (x as Tensor).data, lqs = (lq as Tensor).data;
 * assert.deepStrictEqual((x as Tensor).shape, [3, 2]);
 * assert.deepStrictEqual((lq as Tensor).shape, [3]);
 * // identity layer (log-det 0): lq is the standard-normal log density of each row
 * for (let i = 0; i < 3; i++) {
 *   const ref = -0.5 * (xs[2 * i]! ** 2 + xs[2 * i + 1]! ** 2) - Math.log(2 * Math.PI);
 *   assert.ok(Math.abs(lqs[i]! - ref) < 1e-12);
 * }
 * ```
 */
export function sampleFlowStack(
  key: PrngKey,
  sampleShape: number[],
  d: number,
  layers: readonly ((x: Value) => [Value, Value])[],
): [Value, Value] {
  const eps = standardNormal(key, [...sampleShape, d]);
  const rev = Array.from({ length: d }, (_, i) => d - 1 - i);
  let x: Value = eps;
  let logDet: Value | null = null;
  layers.forEach((layer, i) => {
    if (i > 0) x = take(x, rev, -1);
    const [y, ld] = layer(x);
    x = y;
    logDet = logDet === null ? ld : add(logDet, ld);
  });
  return [
    x,
    logDet === null
      ? stdNormalLogDensity(eps)
      : sub(stdNormalLogDensity(eps), logDet),
  ];
}
