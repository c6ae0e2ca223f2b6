/**
 * {@link AutoMultivariateNormal}: a full-covariance Normal over the flat unconstrained latent
 * vector (NumPyro's `AutoMultivariateNormal`), z = loc + L ε with L lower-triangular
 * (`{prefix}_scale_tril`, constraint `lowerCholesky`, init `initScale`·I).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoMultivariateNormal } from "./mvn.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { seed, trace } from "../handlers.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1), { sampleShape: [2] }); };
 * const tr = trace(seed(AutoMultivariateNormal(model), 0)).getTrace();
 * assert.deepStrictEqual(tr.get("auto_scale_tril")!.value.shape, [2, 2]);
 * ```
 *
 * @module
 */
import {
  add,
  log,
  matmul,
  mul,
  reshape,
  sub,
  sum,
  swapLast,
  Tensor,
  triangularSolve,
  type Value,
} from "../../ad/mod.ts";
import type { PrngKey } from "../../random/mod.ts";
import { lowerCholesky } from "../constraints.ts";
import type { Model } from "../handlers.ts";
import {
  AutoContinuous,
  type AutoGuide,
  HALF_LOG_2PI,
  type Latent,
  makeGuide,
  type ParamSpec,
  type Prototype,
  standardNormal,
  stdNormalLogDensity,
} from "./base.ts";
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

/**
 * log N(z; loc, L Lᵀ) for z `[..., d]` (shape `[...]`).
 *
 * @param z Points.
 * @param loc Mean [d].
 * @param L Lower Cholesky factor [d, d].
 * @returns Log densities.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mvnLogProb } from "./mvn.ts";
 * import { tensor, type Tensor } from "../../ad/mod.ts";
 * const lp = mvnLogProb(tensor([0, 0]), tensor([0, 0]), tensor([1, 0, 0, 1], [2, 2])) as Tensor;
 * // scipy.stats.multivariate_normal([0, 0], np.eye(2)).logpdf([0, 0]) = -log(2π)
 * assert.ok(Math.abs(lp.item() - -1.8378770664093453) < 1e-12);
 * ```
 */
export function mvnLogProb(z: Value, loc: Value, L: Value): Value {
  const d = z.shape[z.shape.length - 1]!;
  const lead = z.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const cols = swapLast(reshape(sub(z, loc), [rows, d])); // [d, rows]
  const w = triangularSolve(L, cols);
  const maha = reshape(sum(mul(w, w), 0), lead);
  const logDet = sum(log(sum(mul(L, _eye(d)), -1)));
  return sub(
    mul(new Tensor(new Float64Array([-0.5]), []), maha),
    add(logDet, new Tensor(new Float64Array([d * HALF_LOG_2PI]), [])),
  );
}

/**
 * The Gaussian latent z = loc + L ε, with log q from ε (exact, no solve).
 *
 * @param loc Mean [d].
 * @param L Lower Cholesky factor [d, d].
 * @returns A {@link Latent}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mvnLatent } from "./mvn.ts";
 * import { tensor, type Tensor } from "../../ad/mod.ts";
 * import { key } from "../../random/mod.ts";
 * const [z, lq] = mvnLatent(tensor([0, 0]), tensor([1, 0, 0, 1], [2, 2])).sample(key(0), [5]) as [Tensor, Tensor];
 * assert.deepStrictEqual(z.shape, [5, 2]);
 * assert.deepStrictEqual(lq.shape, [5]);
 * // identity scale: lq is the standard-normal log density of each row
 * for (let i = 0; i < 5; i++) {
 *   const ref = -0.5 * (z.data[2 * i]! ** 2 + z.data[2 * i + 1]! ** 2) - Math.log(2 * Math.PI);
 *   assert.ok(Math.abs(lq.data[i]! - ref) < 1e-12);
 * }
 * ```
 */
export function mvnLatent(loc: Value, L: Value): Latent {
  const d = loc.shape[0]!;
  return {
    sample(key: PrngKey, ss: number[]): [Value, Value] {
      const eps = standardNormal(key, [...ss, d]);
      const rows = eps.size / d;
      const z = add(
        reshape(matmul(reshape(eps, [rows, d]), swapLast(L)), [...ss, d]),
        loc,
      );
      const logDet = sum(log(sum(mul(L, _eye(d)), -1)));
      return [z, sub(stdNormalLogDensity(eps), logDet)];
    },
    logProb(z: Value): Value {
      return mvnLogProb(z, loc, L);
    },
    marginal() {
      const l = _concrete(L).data;
      const sd = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j <= i; j++) s += l[i * d + j]! ** 2;
        sd[i] = Math.sqrt(s);
      }
      return { loc: _concrete(loc).data, sd };
    },
    covariance() {
      const l = _concrete(L).data;
      const c = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let k = 0; k <= Math.min(i, j); k++) {
            s += l[i * d + k]! * l[j * d + k]!;
          }
          c[i * d + j] = s;
        }
      }
      return c;
    },
  };
}

class _AutoMultivariateNormal<A extends unknown[]> extends AutoContinuous<A> {
  readonly name = "AutoMultivariateNormal";
  readonly initScale: number;
  constructor(model: Model<A>, opts: NormalGuideOptions) {
    super(model, opts);
    const s = opts.initScale ?? 0.1;
    if (!(s > 0 && Number.isFinite(s))) {
      const msg = `initScale must be positive and finite, got ${s}`;
      if (!Number.isFinite(s)) {
        throw new NonFiniteError(`infer.${this.name}`, "initScale", s, msg);
      }
      throw new RangeError(msg);
    }
    this.initScale = s;
  }
  protected paramSpecs(): ParamSpec[] {
    return [
      { name: `${this.prefix}_loc` },
      { name: `${this.prefix}_scale_tril`, constraint: lowerCholesky },
    ];
  }
  protected initParams(proto: Prototype): Record<string, Tensor> {
    const d = proto.latentDim;
    const L = new Float64Array(d * d);
    for (let i = 0; i < d; i++) L[i * d + i] = this.initScale;
    return {
      [`${this.prefix}_loc`]: new Tensor(this.initialLatent(proto), [d]),
      [`${this.prefix}_scale_tril`]: new Tensor(L, [d, d]),
    };
  }
  latent(_proto: Prototype, p: Record<string, Value>): Latent {
    return mvnLatent(p[`${this.prefix}_loc`]!, p[`${this.prefix}_scale_tril`]!);
  }
}

/**
 * A full-covariance Normal over the flat unconstrained latent vector: params `{prefix}_loc`
 * (init from `initLocFn`) and `{prefix}_scale_tril` (lower Cholesky factor, init
 * `initScale`·I with `initScale` = 0.1).
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn`, `initScale`.
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoMultivariateNormal } from "./mvn.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * const g = AutoMultivariateNormal((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); });
 * assert.strictEqual(g.name, "AutoMultivariateNormal");
 * ```
 */
export function AutoMultivariateNormal<A extends unknown[]>(
  model: Model<A>,
  opts: NormalGuideOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoMultivariateNormal(model, opts));
}
