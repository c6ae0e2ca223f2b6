/**
 * {@link AutoLaplaceApproximation} (NumPyro's `AutoLaplaceApproximation`): during SVI a point
 * mass at `{prefix}_loc` in unconstrained space (so SVI finds the mode of the log joint plus the
 * log-Jacobian of the transforms); afterwards the posterior is the Normal centred there whose
 * precision is the Hessian of the negative log joint in unconstrained space, computed by
 * forward-over-reverse AD (`jacfwd(grad(·))`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoLaplaceApproximation } from "./laplace.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * import { tensor } from "../../ad/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(1, 2)); };
 * const g = AutoLaplaceApproximation(model);
 * g.setup(key(0));
 * const H = g.hessian({ auto_loc: tensor([1]) });
 * // -d²/dx² log N(x | 1, 2) = 1 / 2²
 * assert.ok(Math.abs(H.data[0]! - 0.25) < 1e-9);
 * ```
 *
 * @module
 */
import {
  broadcastTo,
  grad,
  jacfwd,
  Tensor,
  triangularSolve,
  type Value,
} from "../../ad/mod.ts";
import { key as makeKey, type PrngKey } from "../../random/mod.ts";
import { MultivariateNormal } from "../distributions.ts";
import { TraceELBO } from "../elbo.ts";
import type { Model, ModelContext } from "../handlers.ts";
import { cholesky } from "../_ops.ts";
import {
  AutoContinuous,
  type AutoGuide,
  type AutoGuideOptions,
  type Latent,
  makeGuide,
  type ParamSpec,
  type Prototype,
} from "./base.ts";
import { mvnLatent } from "./mvn.ts";

function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

class _AutoLaplace<A extends unknown[]> extends AutoContinuous<A> {
  readonly name = "AutoLaplaceApproximation";
  constructor(model: Model<A>, opts: AutoGuideOptions) {
    super(model, opts);
  }
  get locName(): string {
    return `${this.prefix}_loc`;
  }
  protected paramSpecs(): ParamSpec[] {
    return [{ name: this.locName }];
  }
  protected initParams(proto: Prototype): Record<string, Tensor> {
    return {
      [this.locName]: new Tensor(this.initialLatent(proto), [proto.latentDim]),
    };
  }
  latent(proto: Prototype, p: Record<string, Value>): Latent {
    const loc = p[this.locName]!;
    const d = proto.latentDim;
    return {
      sample(_key: PrngKey, ss: number[]): [Value, Value] {
        const n = ss.reduce((a, b) => a * b, 1);
        return [
          ss.length ? broadcastTo(loc, [...ss, d]) : loc,
          new Tensor(new Float64Array(n), ss),
        ];
      },
    };
  }
  /**
   * Hessian of the negative log joint at the params' loc, with respect to the guide's
   * coordinates: unconstrained space, or the whitened coordinates w (Pᵀ H P) when the guide has
   * a preconditioner.
   */
  hessian(params: Record<string, Value>): Tensor {
    const proto = this.ready("hessian");
    const args = this.args!;
    const loc = _concrete(params[this.locName] ?? _missing(this.locName));
    const guide = (ctx: ModelContext, ...a: A) => this.call(ctx, a);
    const elbo = TraceELBO();
    const f = (z: Value) =>
      elbo.loss(
        makeKey(0),
        { ...params, [this.locName]: z },
        this.model,
        guide,
        ...args,
      );
    const H = _concrete(jacfwd(grad(f))(loc));
    const d = proto.latentDim;
    return new Tensor(symmetrise(H.data, d), [d, d]);
  }
  /** Lower Cholesky factor of the inverse Hessian. */
  scaleTril(params: Record<string, Value>): Tensor {
    const H = this.hessian(params);
    const L = inverseCholesky(H.data, H.shape[0]!);
    if (!L) {
      throw new RangeError(
        "AutoLaplaceApproximation: the Hessian is not positive definite at loc (has SVI converged to a mode?)",
      );
    }
    return new Tensor(L, H.shape);
  }
  override posteriorLatent(
    _proto: Prototype,
    p: Record<string, Value>,
  ): Latent {
    return mvnLatent(_concrete(p[this.locName]!), this.scaleTril(p));
  }
}

/**
 * (A + Aᵀ)/2 of a square matrix.
 *
 * @param a Row-major [d·d].
 * @param d Size.
 * @returns The symmetric part, row-major.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { symmetrise } from "./laplace.ts";
 * // (A + Aᵀ) / 2 of [[1, 2], [0, 1]]
 * assert.deepStrictEqual(Array.from(symmetrise(new Float64Array([1, 2, 0, 1]), 2)), [1, 1, 1, 1]);
 * ```
 */
export function symmetrise(a: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      out[i * d + j] = 0.5 * (a[i * d + j]! + a[j * d + i]!);
    }
  }
  return out;
}

/**
 * Lower Cholesky factor of H⁻¹ for a symmetric positive-definite H (the Laplace posterior's
 * scale_tril from the Hessian of the negative log joint).
 *
 * @param H Row-major [d·d], symmetric.
 * @param d Size.
 * @returns L with L Lᵀ = H⁻¹, row-major; `null` when H is not positive definite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { inverseCholesky } from "./laplace.ts";
 * // cholesky(inv([[4, 0], [0, 0.25]])) = [[0.5, 0], [0, 2]]
 * const L = inverseCholesky(new Float64Array([4, 0, 0, 0.25]), 2)!;
 * [0.5, 0, 0, 2].forEach((v, i) => assert.ok(Math.abs(L[i]! - v) < 1e-12));
 * ```
 */
export function inverseCholesky(
  H: Float64Array,
  d: number,
): Float64Array | null {
  const LH = _concrete(cholesky(new Tensor(H, [d, d])));
  if (!LH.data.every(Number.isFinite)) return null;
  const eye = new Float64Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = 1;
  const X = _concrete(triangularSolve(LH, new Tensor(eye, [d, d]))); // L_H⁻¹
  const cov = new Float64Array(d * d); // X ᵀ X = H⁻¹
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X.data[k * d + i]! * X.data[k * d + j]!;
      cov[i * d + j] = s;
    }
  }
  return _concrete(cholesky(new Tensor(symmetrise(cov, d), [d, d]))).data;
}

function _missing(name: string): never {
  throw new TypeError(`AutoLaplaceApproximation: missing param '${name}'`);
}

/** The callable Laplace guide with its extra methods. */
export interface LaplaceGuide<A extends unknown[]> extends AutoGuide<A> {
  /**
   * Hessian [D, D] of the negative log joint at `{prefix}_loc`, in unconstrained space (in the
   * whitened coordinates w, i.e. Pᵀ H P, when the guide has a preconditioner).
   */
  hessian(params: Record<string, Value>): Tensor;
  /** The Laplace posterior over the flat unconstrained vector: MVN(loc, (Hessian)⁻¹). */
  getPosterior(params: Record<string, Value>): MultivariateNormal;
}

/**
 * The Laplace approximation guide: MAP during SVI, then a Normal with the inverse Hessian as
 * covariance (`getPosterior`, `samplePosterior`, `quantiles`, `median`).
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn`.
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoLaplaceApproximation } from "./laplace.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * const g = AutoLaplaceApproximation((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); });
 * assert.strictEqual(g.name, "AutoLaplaceApproximation");
 * ```
 */
export function AutoLaplaceApproximation<A extends unknown[]>(
  model: Model<A>,
  opts: AutoGuideOptions = {},
): LaplaceGuide<A> {
  const impl = new _AutoLaplace(model, opts);
  return makeGuide(impl, {
    hessian: (params: Record<string, Value>) => impl.hessian(params),
    getPosterior: (params: Record<string, Value>) => {
      const loc = _concrete(params[impl.locName] ?? _missing(impl.locName));
      const L = impl.scaleTril(params);
      const pc = impl.preconditioner;
      if (!pc) return new MultivariateNormal(loc, { scaleTril: L });
      // u = a + P w with w ~ N(loc, L Lᵀ): N(a + P loc, (P L)(P L)ᵀ); P L is lower triangular.
      const d = loc.size;
      const m = new Float64Array(d), PL = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        let s = pc.loc[i]!;
        for (let k = 0; k <= i; k++) {
          s += pc.scaleTril[i * d + k]! * loc.data[k]!;
        }
        m[i] = s;
        for (let j = 0; j <= i; j++) {
          let t = 0;
          for (let k = j; k <= i; k++) {
            t += pc.scaleTril[i * d + k]! * L.data[k * d + j]!;
          }
          PL[i * d + j] = t;
        }
      }
      return new MultivariateNormal(new Tensor(m, [d]), {
        scaleTril: new Tensor(PL, [d, d]),
      });
    },
  });
}
