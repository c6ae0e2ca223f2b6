/**
 * The maximum a posteriori point of a model in unconstrained space and the Laplace approximation
 * there, found by a damped Newton (Levenberg–Marquardt) iteration on the potential energy
 * U(u) = −log p(x(u), y) − log|det ∂x/∂u| (the objective of `AutoLaplaceApproximation`).
 *
 * The gradient of U is exact (reverse mode). The Hessian is `jacfwd(grad(U))` when every
 * primitive of the model can be differentiated twice; models built from first-order physics
 * primitives (the spectral model) get central finite differences of the exact gradient instead
 * (2·D gradient evaluations per Hessian). `hessian: "auto"` (default) tries the former and falls
 * back to the latter when a primitive throws {@link FirstOrderOnlyError} (matched by class; any
 * other error propagates).
 *
 * Use it to centre and whiten SVI: `preconditioner` is `{ loc: MAP, scaleTril: chol(H⁻¹) }`,
 * which every guide over the flat latent vector accepts (`AutoMultivariateNormal(model,
 * { preconditioner })`, `AutoBNAFNormal`, …). On a strongly correlated posterior Adam then makes
 * progress in posterior units instead of crawling along the ridge.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { laplaceFit } from "./laplace_fit.ts";
 * import { Exponential, Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const model = (ctx: ModelContext, y: Tensor) => {
 *   const mu = ctx.sample("mu", new Normal(0, 10));
 *   const s = ctx.sample("s", new Exponential(1));
 *   ctx.plate("n", y.size, () => ctx.sample("y", new Normal(mu, s), { obs: y }));
 * };
 * const fit = laplaceFit(model, [tensor([1.0, 2.0, 3.0])]);
 * assert.strictEqual(fit.converged, true);
 * assert.ok(fit.decrement < 1e-4);
 * // the exact mode (stationarity of U in (mu, log s)) is mu = 1.99531485, s = 0.83929879; Newton
 * // stops once ½gᵀH⁻¹g < tol = 1e-4, i.e. within √(2·tol) ≈ 0.014 posterior sd of it, hence 1e-2
 * assert.ok(Math.abs(fit.values.mu!.item() - 1.9953148513198682) < 1e-2);
 * assert.ok(Math.abs(fit.values.s!.item() - 0.83929879304604) < 1e-2);
 * ```
 *
 * @module
 */
import {
  grad,
  jacfwd,
  scopeSync,
  Tensor,
  type Value,
  valueAndGrad,
} from "../ad/mod.ts";
import { key as makeKey, type PrngKey } from "../random/mod.ts";
import { FirstOrderOnlyError, NonFiniteError } from "../errors.ts";
import { cholesky } from "./_ops.ts";
import {
  AutoLaplaceApproximation,
  inverseCholesky,
  symmetrise,
} from "./autoguides/laplace.ts";
import { type InitStrategy, initToMedian } from "./autoguides/init.ts";
import { type Prototype, unpackLatent } from "./autoguides/base.ts";
import type { Preconditioner } from "./autoguides/preconditioner.ts";
import { TraceELBO } from "./elbo.ts";
import type { Model } from "./handlers.ts";

/** Options of {@link laplaceFit}. */
export interface LaplaceFitOptions {
  /** Starting point (default {@link initToMedian}: the prior medians). */
  initLocFn?: InitStrategy;
  /** Key of the prototype run (default key(0)). */
  key?: PrngKey;
  /** Most Newton iterations (default 50). */
  maxIter?: number;
  /** Stop when the Newton decrement ½ gᵀH⁻¹g falls below this (default 1e-4). */
  tol?: number;
  /** Hessian by AD, by finite differences of the gradient, or AD with FD fallback ("auto"). */
  hessian?: "auto" | "ad" | "fd";
  /** Central-difference step in unconstrained units (default 1e-5). */
  fdStep?: number;
  /** Receives one line per iteration. */
  log?: (line: string) => void;
}

/** What {@link laplaceFit} returns. Vectors are in the prototype's site order. */
export interface LaplaceFit {
  /** Latent site names with their offsets and sizes in the flat vector. */
  readonly sites: readonly { name: string; offset: number; size: number }[];
  /** MAP point in unconstrained space [D]. */
  readonly loc: Float64Array;
  /** Hessian of U at `loc` [D·D], row-major, symmetrised. */
  readonly hessian: Float64Array;
  /** Lower Cholesky factor of the inverse Hessian [D·D]. */
  readonly scaleTril: Float64Array;
  /** `{ loc, scaleTril }`, ready for a guide's `preconditioner` option. */
  readonly preconditioner: Preconditioner;
  /** Constrained MAP value of each latent site. */
  readonly values: Record<string, Tensor>;
  /** U at `loc` (negative log joint plus log-Jacobian). */
  readonly potential: number;
  /** Newton decrement ½ gᵀH⁻¹g at `loc`. */
  readonly decrement: number;
  /** Whether the decrement fell below `tol`. */
  readonly converged: boolean;
  /** Accepted Newton steps. */
  readonly iterations: number;
  /** Gradient evaluations (including those of finite-difference Hessians). */
  readonly gradEvals: number;
  /** How the Hessian was computed. */
  readonly hessianMode: "ad" | "fd";
}

/**
 * Finds the MAP point in unconstrained space and the Laplace approximation there.
 *
 * @param model The model.
 * @param args The model's arguments (observed data).
 * @param opts See {@link LaplaceFitOptions}.
 * @returns See {@link LaplaceFit}.
 * @throws {NonFiniteError} If U or its gradient is not finite at the start.
 * @throws {RangeError} If the Hessian at the end is not positive definite (no mode found).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { laplaceFit } from "./laplace_fit.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * const fit = laplaceFit((ctx: ModelContext) => { ctx.sample("x", new Normal(3, 2)); }, []);
 * // N(3, 2²): mode 3, Hessian of U = 1/σ² = 0.25, so chol(H⁻¹) = σ = 2
 * assert.ok(Math.abs(fit.loc[0]! - 3) < 1e-12);
 * assert.ok(Math.abs(fit.hessian[0]! - 0.25) < 1e-12);
 * assert.ok(Math.abs(fit.scaleTril[0]! - 2) < 1e-12);
 * ```
 */
export function laplaceFit<A extends unknown[]>(
  model: Model<A>,
  args: A,
  opts: LaplaceFitOptions = {},
): LaplaceFit {
  const maxIter = opts.maxIter ?? 50;
  const tol = opts.tol ?? 1e-4;
  const h = opts.fdStep ?? 1e-5;
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) {
    throw new RangeError(
      `laplaceFit: maxIter must be an integer ≥ 0, got ${maxIter}`,
    );
  }
  if (!(tol > 0)) {
    throw new RangeError(`laplaceFit: tol must be > 0, got ${tol}`);
  }
  if (
    opts.hessian !== undefined &&
    !["auto", "ad", "fd"].includes(opts.hessian)
  ) {
    throw new RangeError(
      `laplaceFit: hessian must be "auto", "ad" or "fd", got ${opts.hessian}`,
    );
  }
  if (!(h > 0 && h < 1)) {
    throw new RangeError(`laplaceFit: fdStep must lie in (0, 1), got ${h}`);
  }
  const pe = potentialEnergy(model, args, opts);
  const { proto, U } = pe;
  const d = proto.latentDim;
  let gradEvals = 0;
  const evalU = (u: Float64Array): { v: number; g: Float64Array } => {
    gradEvals++;
    return pe.valueAndGrad(u);
  };
  let mode: "ad" | "fd" = opts.hessian === "fd" ? "fd" : "ad";
  const hessianAt = (u: Float64Array): Float64Array => {
    if (mode === "ad") {
      try {
        const H = scopeSync(() =>
          (jacfwd(grad(U))(new Tensor(u.slice(), [d])) as Tensor).data.slice()
        );
        return symmetrise(H, d);
      } catch (e) {
        if (
          opts.hessian === "ad" ||
          !(e instanceof FirstOrderOnlyError)
        ) throw e;
        mode = "fd";
      }
    }
    const H = new Float64Array(d * d);
    for (let j = 0; j < d; j++) {
      const up = u.slice(), dn = u.slice();
      up[j]! += h;
      dn[j]! -= h;
      const gp = evalU(up).g, gm = evalU(dn).g;
      for (let i = 0; i < d; i++) H[j * d + i] = (gp[i]! - gm[i]!) / (2 * h);
    }
    return symmetrise(H, d);
  };

  let u = proto.initLatent.slice();
  let cur = evalU(u);
  if (!Number.isFinite(cur.v) || !cur.g.every(Number.isFinite)) {
    const bad = cur.g.findIndex((x) => !Number.isFinite(x));
    throw new NonFiniteError(
      "infer.laplaceFit",
      Number.isFinite(cur.v) ? `gradient[${bad}]` : "U",
      Number.isFinite(cur.v) ? cur.g[bad]! : cur.v,
      `laplaceFit: the log joint or its gradient is not finite at the starting point (U = ${cur.v})`,
    );
  }
  let H = hessianAt(u);
  let lambda = 0;
  let iterations = 0;
  let decrement = Infinity;
  for (let it = 0; it < 4 * maxIter + 20 && iterations < maxIter; it++) {
    const pure = _newtonStep(H, cur.g, d, 0);
    if (pure) {
      decrement = pure.decrement;
      if (decrement < tol) break;
    }
    const step = lambda === 0 && pure ? pure : _newtonStep(H, cur.g, d, lambda);
    if (!step) {
      lambda = Math.max(1e-3, 4 * lambda);
      continue;
    }
    const un = u.map((v, i) => v + step.delta[i]!);
    const next = evalU(un);
    opts.log?.(
      `laplaceFit: iter ${iterations} U ${cur.v.toFixed(4)} → ${
        next.v.toFixed(4)
      }, decrement ${decrement.toExponential(2)}, λ ${lambda.toExponential(1)}`,
    );
    if (
      Number.isFinite(next.v) && next.g.every(Number.isFinite) &&
      next.v <= cur.v
    ) {
      u = un;
      cur = next;
      H = hessianAt(u);
      iterations++;
      lambda = lambda < 4e-3 ? 0 : lambda / 4;
    } else {
      lambda = Math.max(1e-3, 4 * lambda);
    }
  }
  const final = _newtonStep(H, cur.g, d, 0);
  if (!final) {
    throw new RangeError(
      "laplaceFit: the Hessian at the last point is not positive definite (no mode found; raise maxIter or start elsewhere)",
    );
  }
  decrement = final.decrement;
  const scaleTril = inverseCholesky(H, d)!; // H is positive definite: `final` exists
  const constrained = pe.constrain(u);
  return {
    sites: proto.sites.map((s) => ({
      name: s.name,
      offset: s.offset,
      size: s.size,
    })),
    loc: u,
    hessian: H,
    scaleTril,
    preconditioner: { loc: u.slice(), scaleTril: scaleTril.slice() },
    values: constrained,
    potential: cur.v,
    decrement,
    converged: decrement < tol,
    iterations,
    gradEvals,
    hessianMode: mode,
  };
}

/** What {@link potentialEnergy} returns. */
export interface PotentialEnergy {
  /** The prototype: latent sites, their offsets in u and the initial point `initLatent`. */
  readonly proto: Prototype;
  /** U(u) as a differentiable function of the flat unconstrained vector. */
  readonly U: (u: Value) => Value;
  /** U and its gradient (reverse mode) at a point [D]. */
  valueAndGrad(u: Float64Array): { v: number; g: Float64Array };
  /** The constrained value of every latent site at a point [D]. */
  constrain(u: Float64Array): Record<string, Tensor>;
}

/**
 * The potential energy of a model in unconstrained space, U(u) = −log p(x(u), y) −
 * log|det ∂x/∂u|, with the flat layout of the guides over the latent vector (what
 * {@link laplaceFit} minimises; also the target of an MCMC sampler).
 *
 * @param model The model.
 * @param args The model's arguments.
 * @param opts `initLocFn` (default {@link initToMedian}) and `key` of the prototype run.
 * @returns See {@link PotentialEnergy}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { potentialEnergy } from "./laplace_fit.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * const pe = potentialEnergy((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); }, []);
 * const { v, g } = pe.valueAndGrad(new Float64Array([2]));
 * // U(u) = u²/2 + ½ ln 2π, U′(u) = u
 * assert.ok(Math.abs(v - (2 + 0.5 * Math.log(2 * Math.PI))) < 1e-12);
 * assert.ok(Math.abs(g[0]! - 2) < 1e-12);
 * ```
 */
export function potentialEnergy<A extends unknown[]>(
  model: Model<A>,
  args: A,
  opts: { initLocFn?: InitStrategy; key?: PrngKey } = {},
): PotentialEnergy {
  const guide = AutoLaplaceApproximation(model, {
    initLocFn: opts.initLocFn ?? initToMedian(),
  });
  const proto = guide.setup(opts.key ?? makeKey(0), ...args);
  const d = proto.latentDim;
  const locName = `${guide.prefix}_loc`;
  const elbo = TraceELBO();
  const k0 = makeKey(0);
  const U = (u: Value): Value =>
    elbo.loss(k0, { [locName]: u }, model, guide, ...args);
  const vg = valueAndGrad(U);
  return {
    proto,
    U,
    valueAndGrad(u: Float64Array) {
      if (u.length !== d) {
        throw new TypeError(
          `potentialEnergy: u has length ${u.length}, expected ${d}`,
        );
      }
      // one evaluation owns the device buffers it makes (a model on a device backend)
      return scopeSync(() => {
        const [v, [g]] = vg(new Tensor(u.slice(), [d]));
        return { v: (v as Tensor).item(), g: (g as Tensor).data.slice() };
      });
    },
    constrain(u: Float64Array) {
      const { values } = unpackLatent(proto, new Tensor(u.slice(), [d]));
      const out: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(values)) out[k] = v as Tensor;
      return out;
    },
  };
}

/** (H + λ diag(H)) δ = −g by Cholesky; null when not positive definite. */
function _newtonStep(
  H: Float64Array,
  g: Float64Array,
  d: number,
  lambda: number,
): { delta: Float64Array; decrement: number } | null {
  const A = H.slice();
  for (let i = 0; i < d; i++) {
    A[i * d + i] = A[i * d + i]! +
      lambda * Math.max(Math.abs(A[i * d + i]!), 1e-12);
  }
  const L = (cholesky(new Tensor(A, [d, d])) as Tensor).data;
  if (!L.every(Number.isFinite)) return null;
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = -g[i]!;
    for (let k = 0; k < i; k++) s -= L[i * d + k]! * y[k]!;
    y[i] = s / L[i * d + i]!;
  }
  const delta = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= L[k * d + i]! * delta[k]!;
    delta[i] = s / L[i * d + i]!;
  }
  let dec = 0;
  for (let i = 0; i < d; i++) dec += y[i]! * y[i]!;
  return { delta, decrement: 0.5 * dec };
}
