/**
 * Mean-field normal autoguides: {@link AutoNormal} (one Normal per latent site, NumPyro's
 * `AutoNormal`, so `TraceMeanFieldELBO` can use analytic KLs) and {@link AutoDiagonalNormal}
 * (one diagonal Normal over the flat unconstrained vector, NumPyro's `AutoDiagonalNormal`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoDiagonalNormal } from "./normal.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); };
 * const guide = AutoDiagonalNormal(model);
 * assert.strictEqual(guide.setup(key(0)).latentDim, 1);
 * ```
 *
 * @module
 */
import {
  add,
  div,
  log,
  mul,
  sub,
  sum,
  Tensor,
  type Value,
} from "../../ad/mod.ts";
import type { PrngKey } from "../../random/mod.ts";
import { positive } from "../constraints.ts";
import { Normal, toEvent, TransformedDistribution } from "../distributions.ts";
import type { Model, ModelContext } from "../handlers.ts";
import { ndtriScalar } from "../../special/erf.ts";
import { NonFiniteError } from "../../errors.ts";
import {
  AutoContinuous,
  type AutoGuide,
  AutoGuideBase,
  type AutoGuideOptions,
  HALF_LOG_2PI,
  type Latent,
  makeGuide,
  type ParamSpec,
  type Prototype,
  standardNormal,
  stdNormalLogDensity,
} from "./base.ts";

function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

function _initScale(v: number | undefined): number {
  const s = v ?? 0.1;
  if (!(s > 0 && Number.isFinite(s))) {
    const msg = `initScale must be positive and finite, got ${s}`;
    if (!Number.isFinite(s)) {
      throw new NonFiniteError("infer.autoguide", "initScale", s, msg);
    }
    throw new RangeError(msg);
  }
  return s;
}

/** Options of the Gaussian autoguides. */
export interface NormalGuideOptions extends AutoGuideOptions {
  /** Initial posterior scale in unconstrained space (default 0.1). */
  initScale?: number;
}

// ---------------------------------------------------------------------------------------------

class _AutoDiagonalNormal<A extends unknown[]> extends AutoContinuous<A> {
  readonly name = "AutoDiagonalNormal";
  readonly initScale: number;
  constructor(model: Model<A>, opts: NormalGuideOptions) {
    super(model, opts);
    this.initScale = _initScale(opts.initScale);
  }
  protected paramSpecs(): ParamSpec[] {
    return [
      { name: `${this.prefix}_loc` },
      { name: `${this.prefix}_scale`, constraint: positive },
    ];
  }
  protected initParams(proto: Prototype): Record<string, Tensor> {
    const d = proto.latentDim;
    return {
      [`${this.prefix}_loc`]: new Tensor(this.initialLatent(proto), [d]),
      [`${this.prefix}_scale`]: new Tensor(
        new Float64Array(d).fill(this.initScale),
        [d],
      ),
    };
  }
  latent(proto: Prototype, p: Record<string, Value>): Latent {
    const loc = p[`${this.prefix}_loc`]!, scale = p[`${this.prefix}_scale`]!;
    const d = proto.latentDim;
    return {
      sample(key: PrngKey, ss: number[]): [Value, Value] {
        const eps = standardNormal(key, [...ss, d]);
        return [
          add(loc, mul(scale, eps)),
          sub(stdNormalLogDensity(eps), sum(log(scale))),
        ];
      },
      logProb(z: Value): Value {
        const e = div(sub(z, loc), scale);
        const lp = sub(
          mul(new Tensor(new Float64Array([-0.5]), []), mul(e, e)),
          log(scale),
        );
        return sub(
          sum(lp, -1),
          new Tensor(new Float64Array([d * HALF_LOG_2PI]), []),
        );
      },
      marginal() {
        return { loc: _concrete(loc).data, sd: _concrete(scale).data };
      },
      covariance() {
        const sc = _concrete(scale).data;
        const c = new Float64Array(d * d);
        for (let i = 0; i < d; i++) c[i * d + i] = sc[i]! ** 2;
        return c;
      },
    };
  }
}

/**
 * A diagonal Normal over the flat unconstrained latent vector (NumPyro's `AutoDiagonalNormal`):
 * params `{prefix}_loc` (init from `initLocFn`) and `{prefix}_scale` (positive, init
 * `initScale` = 0.1).
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn`, `initScale`.
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoDiagonalNormal } from "./normal.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * const guide = AutoDiagonalNormal((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); });
 * assert.strictEqual(guide.name, "AutoDiagonalNormal");
 * ```
 */
export function AutoDiagonalNormal<A extends unknown[]>(
  model: Model<A>,
  opts: NormalGuideOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoDiagonalNormal(model, opts));
}

// ---------------------------------------------------------------------------------------------

class _AutoNormal<A extends unknown[]> extends AutoGuideBase<A> {
  readonly name = "AutoNormal";
  readonly initScale: number;
  constructor(model: Model<A>, opts: NormalGuideOptions) {
    super(model, opts);
    if (opts.preconditioner) {
      throw new TypeError(
        "AutoNormal: a preconditioner needs a guide over the flat latent vector (e.g. AutoMultivariateNormal)",
      );
    }
    this.initScale = _initScale(opts.initScale);
  }
  #names(site: string): [string, string] {
    return [`${site}_${this.prefix}_loc`, `${site}_${this.prefix}_scale`];
  }
  protected paramSpecs(proto: Prototype): ParamSpec[] {
    return proto.sites.flatMap((s) => {
      const [l, sc] = this.#names(s.name);
      return [{ name: l }, { name: sc, constraint: positive }];
    });
  }
  protected initParams(proto: Prototype): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      const [l, sc] = this.#names(s.name);
      out[l] = new Tensor(
        proto.initLatent.slice(s.offset, s.offset + s.size),
        s.unconShape,
      );
      out[sc] = new Tensor(
        new Float64Array(s.size).fill(this.initScale),
        s.unconShape,
      );
    }
    return out;
  }
  call(ctx: ModelContext, args: A): void {
    const proto = this.ensure(ctx, args);
    const p = this.params(ctx, proto);
    for (const s of proto.sites) {
      const [l, sc] = this.#names(s.name);
      const base = toEvent(new Normal(p[l]!, p[sc]!), s.unconShape.length);
      const kind = s.fn.support.kind === "independent"
        ? s.fn.support.base!.kind
        : s.fn.support.kind;
      ctx.sample(
        s.name,
        kind === "real" ? base : new TransformedDistribution(base, s.transform),
      );
    }
  }
  samplePosterior(
    key: PrngKey,
    params: Record<string, Value>,
    opts: { sampleShape?: number[] } = {},
  ): Record<string, Tensor> {
    const proto = this.ready("samplePosterior");
    const p = this.pick(proto, params);
    const ss = opts.sampleShape ?? [];
    const eps = _concrete(standardNormal(key, [...ss, proto.latentDim]));
    const d = proto.latentDim, n = eps.size / d;
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      const [l, sc] = this.#names(s.name);
      const loc = _concrete(p[l]!).data, scale = _concrete(p[sc]!).data;
      const u = new Float64Array(n * s.size);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < s.size; j++) {
          u[r * s.size + j] = loc[j]! +
            scale[j]! * eps.data[r * d + s.offset + j]!;
        }
      }
      out[s.name] = _concrete(
        s.transform.forward(new Tensor(u, [...ss, ...s.unconShape])),
      );
    }
    return out;
  }
  quantiles(
    params: Record<string, Value>,
    qs: readonly number[],
  ): Record<string, Tensor> {
    const proto = this.ready("quantiles");
    const p = this.pick(proto, params);
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      const [l, sc] = this.#names(s.name);
      const loc = _concrete(p[l]!).data, scale = _concrete(p[sc]!).data;
      const u = new Float64Array(qs.length * s.size);
      qs.forEach((q, i) => {
        if (!(q >= 0 && q <= 1)) {
          throw new RangeError(`quantiles: q must lie in [0, 1], got ${q}`);
        }
        const c = ndtriScalar(q);
        for (let j = 0; j < s.size; j++) {
          u[i * s.size + j] = loc[j]! + scale[j]! * c;
        }
      });
      out[s.name] = _concrete(
        s.transform.forward(new Tensor(u, [qs.length, ...s.unconShape])),
      );
    }
    return out;
  }
}

/**
 * One independent Normal per latent site in unconstrained space (NumPyro's `AutoNormal`):
 * params `{site}_{prefix}_loc` and `{site}_{prefix}_scale` (positive, init `initScale` = 0.1);
 * a site with real support is sampled from the Normal itself (so analytic KLs apply), others from
 * the Normal pushed through `bijectTo(support)`.
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn`, `initScale`.
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoNormal } from "./normal.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { trace, seed } from "../handlers.ts";
 * import type { Tensor } from "../../ad/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); };
 * const tr = trace(seed(AutoNormal(model), 0)).getTrace();
 * assert.deepStrictEqual([...tr.keys()], ["x_auto_loc", "x_auto_scale", "x"]);
 * assert.ok(Number.isFinite((tr.get("x")!.value as Tensor).item()));
 * ```
 */
export function AutoNormal<A extends unknown[]>(
  model: Model<A>,
  opts: NormalGuideOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoNormal(model, opts));
}
