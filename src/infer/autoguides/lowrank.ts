/**
 * {@link AutoLowRankMultivariateNormal}: a Normal over the flat unconstrained latent vector with
 * covariance W Wᵀ + diag(s²) (NumPyro's `AutoLowRankMultivariateNormal`): params `{prefix}_loc`,
 * `{prefix}_cov_factor` W [D, rank] (init zeros) and `{prefix}_scale` s (positive, init
 * `initScale` = 0.1). Draws are z = loc + W ε₁ + s ⊙ ε₂; the density uses the Cholesky factor of
 * the covariance.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoLowRankMultivariateNormal } from "./lowrank.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { seed, trace } from "../handlers.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1), { sampleShape: [4] }); };
 * const tr = trace(seed(AutoLowRankMultivariateNormal(model), 0)).getTrace();
 * // D = 4, default rank round(√4) = 2
 * assert.deepStrictEqual(tr.get("auto_cov_factor")!.value.shape, [4, 2]);
 * ```
 *
 * @module
 */
import {
  add,
  matmul,
  mul,
  reshape,
  swapLast,
  Tensor,
  type Value,
} from "../../ad/mod.ts";
import { type PrngKey, split } from "../../random/mod.ts";
import { positive } from "../constraints.ts";
import type { Model } from "../handlers.ts";
import { cholesky } from "../_ops.ts";
import {
  AutoContinuous,
  type AutoGuide,
  type Latent,
  makeGuide,
  type ParamSpec,
  type Prototype,
  standardNormal,
} from "./base.ts";
import { mvnLogProb } from "./mvn.ts";
import type { NormalGuideOptions } from "./normal.ts";
import { NonFiniteError } from "../../errors.ts";

function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

function _eye(d: number): Tensor {
  const e = new Float64Array(d * d);
  for (let i = 0; i < d; i++) e[i * d + i] = 1;
  return new Tensor(e, [d, d]);
}

/** Options of {@link AutoLowRankMultivariateNormal}. */
export interface LowRankOptions extends NormalGuideOptions {
  /** Rank of W (default round(√D), at least 1). */
  rank?: number;
}

class _AutoLowRank<A extends unknown[]> extends AutoContinuous<A> {
  readonly name = "AutoLowRankMultivariateNormal";
  readonly initScale: number;
  readonly #rank: number | undefined;
  constructor(model: Model<A>, opts: LowRankOptions) {
    super(model, opts);
    const s = opts.initScale ?? 0.1;
    if (!(s > 0 && Number.isFinite(s))) {
      const msg = `initScale must be positive and finite, got ${s}`;
      if (!Number.isFinite(s)) {
        throw new NonFiniteError(`infer.${this.name}`, "initScale", s, msg);
      }
      throw new RangeError(msg);
    }
    if (
      opts.rank !== undefined &&
      !(Number.isInteger(opts.rank) && opts.rank >= 1)
    ) {
      throw new RangeError(`rank must be a positive integer, got ${opts.rank}`);
    }
    this.initScale = s;
    this.#rank = opts.rank;
  }
  rank(d: number): number {
    return this.#rank ?? Math.max(1, Math.round(Math.sqrt(d)));
  }
  protected paramSpecs(): ParamSpec[] {
    return [
      { name: `${this.prefix}_loc` },
      { name: `${this.prefix}_cov_factor` },
      { name: `${this.prefix}_scale`, constraint: positive },
    ];
  }
  protected initParams(proto: Prototype): Record<string, Tensor> {
    const d = proto.latentDim, r = this.rank(d);
    return {
      [`${this.prefix}_loc`]: new Tensor(this.initialLatent(proto), [d]),
      [`${this.prefix}_cov_factor`]: new Tensor(new Float64Array(d * r), [
        d,
        r,
      ]),
      [`${this.prefix}_scale`]: new Tensor(
        new Float64Array(d).fill(this.initScale),
        [d],
      ),
    };
  }
  latent(proto: Prototype, p: Record<string, Value>): Latent {
    const loc = p[`${this.prefix}_loc`]!;
    const W = p[`${this.prefix}_cov_factor`]!;
    const s = p[`${this.prefix}_scale`]!;
    const d = proto.latentDim, r = W.shape[1]!;
    const cov = () => add(matmul(W, swapLast(W)), mul(_eye(d), mul(s, s)));
    const logProb = (z: Value) => mvnLogProb(z, loc, cholesky(cov()));
    return {
      sample(key: PrngKey, ss: number[]): [Value, Value] {
        const [k1, k2] = split(key, 2) as [PrngKey, PrngKey];
        const e1 = standardNormal(k1, [...ss, r]);
        const e2 = standardNormal(k2, [...ss, d]);
        const rows = e1.size / r;
        const wz = reshape(matmul(reshape(e1, [rows, r]), swapLast(W)), [
          ...ss,
          d,
        ]);
        const z = add(add(loc, wz), mul(s, e2));
        return [z, logProb(z)];
      },
      logProb,
      marginal() {
        const w = _concrete(W).data, sc = _concrete(s).data;
        const sd = new Float64Array(d);
        for (let i = 0; i < d; i++) {
          let v = sc[i]! ** 2;
          for (let j = 0; j < r; j++) v += w[i * r + j]! ** 2;
          sd[i] = Math.sqrt(v);
        }
        return { loc: _concrete(loc).data, sd };
      },
      covariance() {
        const w = _concrete(W).data, sc = _concrete(s).data;
        const c = new Float64Array(d * d);
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            let v = i === j ? sc[i]! ** 2 : 0;
            for (let k = 0; k < r; k++) v += w[i * r + k]! * w[j * r + k]!;
            c[i * d + j] = v;
          }
        }
        return c;
      },
    };
  }
}

/**
 * A low-rank-plus-diagonal Normal over the flat unconstrained latent vector.
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn`, `initScale`, `rank`.
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoLowRankMultivariateNormal } from "./lowrank.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * const g = AutoLowRankMultivariateNormal((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); });
 * assert.strictEqual(g.name, "AutoLowRankMultivariateNormal");
 * ```
 */
export function AutoLowRankMultivariateNormal<A extends unknown[]>(
  model: Model<A>,
  opts: LowRankOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoLowRank(model, opts));
}
