/**
 * Extra differentiable primitives the inference layer needs, declared as in `src/ad/ops.ts`
 * (forward + JVP rule + VJP rule in one place): `cholesky`, the standard normal CDF `ndtr` and
 * its inverse `ndtri`, and `standardGammaRsample` (Gamma(α, 1) draws with implicit
 * reparameterization gradients, as JAX's `random.gamma`). The scalar special functions they
 * call live in `src/special` (`./special`); the samplers are exported for reuse and tests.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ndtr, ndtri } from "./_ops.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * assert.ok(Math.abs((ndtr(scalar(0)) as Tensor).item() - 0.5) < 1e-12);
 * // Φ⁻¹(Φ(x)) = x
 * assert.ok(Math.abs((ndtri(ndtr(scalar(1.5))) as Tensor).item() - 1.5) < 1e-12);
 * ```
 *
 * @module
 */
import {
  add,
  bind,
  exp,
  matmul,
  mul,
  type Primitive,
  reshape,
  scalarOf,
  swapLast,
  Tensor,
  triangularSolve,
  unbroadcast,
  type Value,
} from "../ad/mod.ts";
import { normal, type PrngKey, split, uniform } from "../random/prng.ts";
import { digammaScalar } from "../special/gamma.ts";
import { ndtriScalar, ndtrScalar } from "../special/erf.ts";

const SQRT2PI = Math.sqrt(2 * Math.PI);

/**
 * The concrete tensor under a value (the innermost primal of a tracer).
 *
 * @param v A tensor or tracer.
 * @returns The concrete tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { concreteOf } from "./_ops.ts";
 * import { tensor } from "../ad/mod.ts";
 * const t = tensor([1]);
 * // a concrete tensor is its own concrete value
 * assert.strictEqual(concreteOf(t), t);
 * assert.strictEqual(concreteOf(t).size, 1);
 * ```
 */
export function concreteOf(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) {
    if (!x || typeof x !== "object" || !("primal" in x)) {
      throw new TypeError(`expected a Tensor or tracer, got ${String(v)}`);
    }
    x = x.primal;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// implicit reparameterization of Gamma draws

/**
 * dz/dα for z ~ Gamma(α, 1) held at fixed CDF value (implicit reparameterization:
 * dz/dα = −∂P(α, z)/∂α / p(z; α)), by the series
 * ∂P/∂α · Γ(α+1) e^{z} z^{−α} = Σₙ uₙ (ln z − ψ(α+n+1)), uₙ = zⁿ/((α+1)…(α+n)),
 * so dz/dα = −(z/α) Σₙ uₙ (ln z − ψ(α+n+1)).
 *
 * @param alpha Shape α > 0.
 * @param z A positive draw.
 * @returns dz/dα.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gammaRsampleGradScalar } from "./_ops.ts";
 * // α = 1 is Exp(1); there dz/dα = γ_E + ln z + e^z·E₁(z), which is 1.9379116938249612 at z = 3
 * // (tolerance 1e-10: the alternating series loses a few digits to cancellation)
 * assert.ok(Math.abs(gammaRsampleGradScalar(1, 3) - 1.9379116938249612) < 1e-10);
 * ```
 */
export function gammaRsampleGradScalar(alpha: number, z: number): number {
  if (!(z > 0) || !(alpha > 0)) return 0;
  const lz = Math.log(z);
  let u = 1, psi = digammaScalar(alpha + 1);
  let s = u * (lz - psi);
  let sAbs = Math.abs(s);
  for (let n = 1; n < 1000000; n++) {
    psi += 1 / (alpha + n);
    u *= z / (alpha + n);
    const t = u * (lz - psi);
    s += t;
    sAbs += Math.abs(t);
    if (n > z - alpha && Math.abs(t) < 1e-17 * sAbs) break;
    if (!Number.isFinite(u)) return NaN;
  }
  return -(z / alpha) * s;
}

// ---------------------------------------------------------------------------------------------
// samplers (concrete)

/**
 * Standard Gamma(α, 1) draws (Marsaglia–Tsang 2000; α < 1 boosted by U^{1/α}), one per entry
 * of `alpha`, deterministic in the key.
 *
 * @param k PRNG key.
 * @param alpha Shapes (> 0), one per draw.
 * @returns The draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sampleStandardGamma } from "./_ops.ts";
 * import { key } from "../random/prng.ts";
 * const z = sampleStandardGamma(key(0), Float64Array.from([0.5, 3]));
 * assert.strictEqual(z.length, 2);
 * assert.ok(z.every((v) => v > 0 && Number.isFinite(v)));
 * // Monte-Carlo check of E[z] = α over 10⁴ draws: tolerances are ≈ 7 standard errors (√(α/10⁴))
 * const mean = (a: number) => sampleStandardGamma(key(1), new Float64Array(10000).fill(a)).reduce((s, v) => s + v, 0) / 10000;
 * assert.ok(Math.abs(mean(0.5) - 0.5) < 0.05);
 * assert.ok(Math.abs(mean(3) - 3) < 0.12);
 * ```
 */
export function sampleStandardGamma(
  k: PrngKey,
  alpha: Float64Array,
): Float64Array {
  const n = alpha.length;
  const out = new Float64Array(n);
  const [kBoost, kLoop] = split(k, 2) as [PrngKey, PrngKey];
  const boost = uniform(kBoost, n);
  let pending: number[] = [];
  for (let i = 0; i < n; i++) {
    if (alpha[i]! > 0) pending.push(i);
    else out[i] = NaN;
  }
  let kk = kLoop;
  for (let round = 0; pending.length > 0 && round < 1000; round++) {
    const [kNext, kn, ku] = split(kk, 3) as [PrngKey, PrngKey, PrngKey];
    kk = kNext;
    const m = pending.length;
    const z = normal(kn, m), u = uniform(ku, m);
    const still: number[] = [];
    for (let j = 0; j < m; j++) {
      const i = pending[j]!;
      const a = alpha[i]! < 1 ? alpha[i]! + 1 : alpha[i]!;
      const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
      const x = z[j]!;
      const v0 = 1 + c * x;
      if (v0 <= 0) {
        still.push(i);
        continue;
      }
      const v = v0 * v0 * v0;
      const uu = 1 - u[j]!; // (0, 1]
      if (Math.log(uu) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        let g = d * v;
        if (alpha[i]! < 1) {
          g *= Math.exp(Math.log(1 - boost[i]!) / alpha[i]!);
        }
        out[i] = g;
      } else still.push(i);
    }
    pending = still;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// primitives

const _SQRT2PI_T = scalarOf(SQRT2PI);
const _HALF = scalarOf(0.5);
const _NEG_HALF = scalarOf(-0.5);

function _unaryMap(a: Tensor, f: (x: number) => number): Tensor {
  const out = new Float64Array(a.size);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[i]!);
  return new Tensor(out, a.shape);
}

/** φ(x) = e^{−x²/2}/√(2π) written with primitives (nestable). */
function _phi(x: Value): Value {
  return mul(exp(mul(_NEG_HALF, mul(x, x))), scalarOf(1 / SQRT2PI));
}

/** Primitive: Φ(x), the standard normal CDF (derivative φ(x)). */
export const ndtrPrim: Primitive = {
  name: "ndtr",
  impl: ([a]) => _unaryMap(a!, ndtrScalar),
  jvp([a], [ta]) {
    return [ndtr(a!), mul(ta!, _phi(a!))];
  },
  vjp([a], _o, ct) {
    return [mul(ct, _phi(a!))];
  },
};

/** Primitive: Φ⁻¹(p) (derivative √(2π) e^{y²/2} with y = Φ⁻¹(p)). */
export const ndtriPrim: Primitive = {
  name: "ndtri",
  impl: ([a]) => _unaryMap(a!, ndtriScalar),
  jvp([a], [ta]) {
    const y = ndtri(a!);
    return [y, mul(ta!, mul(_SQRT2PI_T, exp(mul(_HALF, mul(y, y)))))];
  },
  vjp(_p, y, ct) {
    return [mul(ct, mul(_SQRT2PI_T, exp(mul(_HALF, mul(y, y)))))];
  },
};

/**
 * Φ(x), the standard normal CDF, elementwise and differentiable.
 *
 * @param x Value.
 * @returns Φ(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ndtr } from "./_ops.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const p = (ndtr(tensor([0, 1.5])) as Tensor).data;
 * // scipy.stats.norm.cdf([0, 1.5])
 * assert.ok(Math.abs(p[0]! - 0.5) < 1e-12);
 * assert.ok(Math.abs(p[1]! - 0.9331927987311419) < 1e-12);
 * ```
 */
export function ndtr(x: Value): Value {
  return bind(ndtrPrim, [x], {});
}

/**
 * Φ⁻¹(p), the standard normal quantile, elementwise and differentiable.
 *
 * @param p Probabilities in (0, 1).
 * @returns Φ⁻¹(p).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ndtri } from "./_ops.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const y = (ndtri(tensor([0.5, 0.975])) as Tensor).data;
 * // scipy.stats.norm.ppf([0.5, 0.975])
 * assert.ok(Math.abs(y[0]!) < 1e-12);
 * assert.ok(Math.abs(y[1]! - 1.959963984540054) < 1e-12);
 * ```
 */
export function ndtri(p: Value): Value {
  return bind(ndtriPrim, [p], {});
}

function _cholConcrete(a: Tensor): Tensor {
  const n = a.shape[0]!;
  const A = a.data;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = 0.5 * (A[j * n + j]! + A[j * n + j]!);
    for (let k = 0; k < j; k++) s -= L[j * n + k]! * L[j * n + k]!;
    if (!(s > 0)) return new Tensor(new Float64Array(n * n).fill(NaN), a.shape);
    const d = Math.sqrt(s);
    L[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = 0.5 * (A[i * n + j]! + A[j * n + i]!);
      for (let k = 0; k < j; k++) t -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = t / d;
    }
  }
  return new Tensor(L, a.shape);
}

const _phiMasks = new Map<number, Tensor>();
/** Lower triangle with halved diagonal (Φ of the Cholesky derivative). */
function _phiMask(n: number): Tensor {
  let m = _phiMasks.get(n);
  if (!m) {
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) d[i * n + j] = 1;
      d[i * n + i] = 0.5;
    }
    m = new Tensor(d, [n, n]);
    _phiMasks.set(n, m);
  }
  return m;
}

function _kToColumns(t: Value, k: number, n: number, m: number): Value {
  // [K, n, m] → [n, K·m]
  const perm = swapLast(reshape(t, [k, n * m]));
  const a = reshape(perm, [n, m, k]);
  return reshape(swapLast(a), [n, k * m]);
}

function _columnsToK(t: Value, k: number, n: number, m: number): Value {
  // [n, K·m] → [K, n, m]
  const a = swapLast(reshape(t, [n, k, m]));
  return reshape(swapLast(reshape(a, [n * m, k])), [k, n, m]);
}

/** Primitive: lower Cholesky factor of a symmetric positive-definite [n, n] matrix. */
export const choleskyPrim: Primitive = {
  name: "cholesky",
  impl([a]) {
    if (a!.rank !== 2 || a!.shape[0] !== a!.shape[1]) {
      throw new TypeError(
        `cholesky(): needs a square [n, n] matrix, got [${a!.shape}]`,
      );
    }
    return _cholConcrete(a!);
  },
  jvp([a], [ta], _p, k) {
    // dL = L Φ(L⁻¹ sym(dA) L⁻ᵀ)
    const L = cholesky(a!);
    const n = a!.shape[0]!;
    const dA = mul(add(ta!, swapLast(ta!)), _HALF); // [K, n, n]
    const X = _columnsToK(
      triangularSolve(L, _kToColumns(dA, k, n, n)),
      k,
      n,
      n,
    ); // L⁻¹ dA
    const Y = _columnsToK(
      triangularSolve(L, _kToColumns(swapLast(X), k, n, n)),
      k,
      n,
      n,
    ); // L⁻¹ (L⁻¹ dA)ᵀ = (L⁻¹ dA L⁻ᵀ)ᵀ = L⁻¹ dA L⁻ᵀ (symmetric)
    return [L, matmul(L, mul(Y, _phiMask(n)))];
  },
  vjp(_p, L, ct) {
    // Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹)
    const n = L.shape[0]!;
    const P = mul(matmul(swapLast(L), ct), _phiMask(n));
    const S1 = triangularSolve(L, P, { trans: true }); // L⁻ᵀ P
    const S = swapLast(triangularSolve(L, swapLast(S1), { trans: true })); // (L⁻ᵀ (L⁻ᵀP)ᵀ)ᵀ = L⁻ᵀ P L⁻¹
    return [mul(add(S, swapLast(S)), _HALF)];
  },
};

/**
 * Lower Cholesky factor L (L Lᵀ = A) of a symmetric positive-definite [n, n] matrix; the input
 * is symmetrized ((A + Aᵀ)/2) first, so derivatives are those of the symmetric part. A matrix
 * that is not positive definite gives NaNs (as JAX), not an error.
 *
 * @param a [n, n] matrix.
 * @returns L.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { cholesky } from "./_ops.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const L = cholesky(tensor([4, 2, 2, 2], [2, 2])) as Tensor;
 * // [[2, 0], [1, 1]]·[[2, 1], [0, 1]] = [[4, 2], [2, 2]]
 * assert.deepStrictEqual(L.shape, [2, 2]);
 * [2, 0, 1, 1].forEach((v, i) => assert.ok(Math.abs(L.data[i]! - v) < 1e-12));
 * ```
 */
export function cholesky(a: Value): Value {
  return bind(choleskyPrim, [a], {});
}

/** Primitive: Gamma(α, 1) draws with implicit-reparameterization derivatives (first order). */
export const standardGammaPrim: Primitive = {
  name: "standardGammaRsample",
  firstOrderOnly: true,
  impl([a], { key, shape }: { key: PrngKey; shape: number[] }) {
    const n = shape.reduce((s, d) => s * d, 1);
    const al = new Tensor(new Float64Array(n), shape);
    const full = _bcast(a!, al);
    return new Tensor(sampleStandardGamma(key, full), shape);
  },
  jvp([a], [ta], p) {
    const z = bind(standardGammaPrim, [a!], p);
    const dz = _gammaGrad(a!, z);
    const r = z.shape.length;
    const t = ta!;
    const [k, ...rest] = t.shape;
    const padded = reshape(t, [
      k!,
      ...new Array(r - rest.length).fill(1),
      ...rest,
    ]);
    return [z, mul(padded, dz)];
  },
  vjp([a], z, ct) {
    return [unbroadcast(mul(ct, _gammaGrad(a!, z)), a!.shape)];
  },
};

function _bcast(a: Tensor, like: Tensor): Float64Array {
  const shape = like.shape;
  const n = like.size;
  if (a.size === n) return a.data;
  if (a.size === 1) return new Float64Array(n).fill(a.data[0]!);
  // right-aligned broadcast of a into shape
  const out = new Float64Array(n);
  const r = shape.length, ar = a.shape.length;
  for (let i = 0; i < n; i++) {
    let rem = i, off = 0, stride = 1;
    for (let d = r - 1; d >= 0; d--) {
      const id = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      const ad = d - (r - ar);
      if (ad >= 0) {
        if (a.shape[ad] !== 1) off += id * stride;
        stride *= a.shape[ad]!;
      }
    }
    out[i] = a.data[off]!;
  }
  return out;
}

function _gammaGrad(a: Value, z: Value): Tensor {
  const zc = concreteOf(z);
  const ac = _bcast(concreteOf(a), zc);
  const out = new Float64Array(zc.size);
  for (let i = 0; i < out.length; i++) {
    out[i] = gammaRsampleGradScalar(ac[i]!, zc.data[i]!);
  }
  return new Tensor(out, zc.shape);
}

/**
 * Gamma(α, 1) draws of a given shape, differentiable in α by implicit reparameterization
 * (dz/dα = −∂F(z; α)/∂α / f(z; α)); first-order derivatives only (the derivative is computed on
 * concrete values, so a second derivative through it is zero).
 *
 * @param k PRNG key.
 * @param alpha Shapes, broadcastable to `shape`.
 * @param shape Output shape.
 * @returns Draws of shape `shape`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { standardGammaRsample } from "./_ops.ts";
 * import { key } from "../random/prng.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const z = standardGammaRsample(key(1), scalar(2), [3]) as Tensor;
 * assert.deepStrictEqual(z.shape, [3]);
 * assert.ok(z.data.every((v) => v > 0));
 * ```
 */
export function standardGammaRsample(
  k: PrngKey,
  alpha: Value,
  shape: readonly number[],
): Value {
  return bind(standardGammaPrim, [alpha], { key: k, shape: [...shape] });
}

/** Primitive: clip(x, lo, hi) with constant bounds (params.lo, params.hi); derivative 1 inside. */
export const clipPrim: Primitive = {
  name: "clip",
  impl: ([a], { lo, hi }) =>
    _unaryMap(a!, (x) => (x < lo ? lo : x > hi ? hi : x)),
  jvp([a], [ta], p) {
    return [bind(clipPrim, [a!], p), mul(ta!, _inside(a!, p.lo, p.hi))];
  },
  vjp([a], _o, ct, p) {
    return [mul(ct, _inside(a!, p.lo, p.hi))];
  },
};

function _inside(a: Value, lo: number, hi: number): Tensor {
  return _unaryMap(concreteOf(a), (x) => (x >= lo && x <= hi ? 1 : 0));
}

/**
 * Clamps values into [lo, hi] (derivative 1 inside, 0 where clamped).
 *
 * @param x Value.
 * @param lo Lower bound.
 * @param hi Upper bound (≥ lo).
 * @returns The clamped value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { clip } from "./_ops.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * assert.deepStrictEqual(Array.from((clip(tensor([-2, 0.5, 3]), 0, 1) as Tensor).data), [0, 0.5, 1]);
 * ```
 */
export function clip(x: Value, lo: number, hi: number): Value {
  if (!(lo <= hi)) {
    throw new RangeError(`clip(): needs lo <= hi, got ${lo}, ${hi}`);
  }
  return bind(clipPrim, [x], { lo, hi });
}
