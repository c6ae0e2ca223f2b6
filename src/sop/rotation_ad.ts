/**
 * Derivatives of rigid-rotation broadening {@link rigidRotation} w.r.t. the spectrum f,
 * vsini, u1 and u2. The operator is linear in f (JVP: convolution with the same
 * kernel; VJP: correlation, the exact transpose including the zero-padded ends) and
 * depends on (vsini, u1, u2) through the normalised kernel K̃ = K/ΣK, whose partials
 * are d K̃ = (dK − K̃ · ΣdK)/ΣK ({@link rotationKernelPartials}).
 *
 * Edge of the kernel: K contains √(1 − x²), x = v/vsini, whose slope is infinite at
 * |x| = 1. The sampled kernel's derivative is finite (though large, ∝ 1/√(1 − x²)) as
 * long as no grid velocity equals ±vsini exactly. When one does (x² = 1 exactly), that
 * tap's value is 0 and its derivative is taken as 0: the one-sided derivative for
 * decreasing vsini (the tap leaves the support); the other side is +∞.
 *
 * Style: `xxxJvp` / `xxxWithVjp` / `xxxVjp`, see `convolve_ad.ts`.
 *
 * @module
 */

import type { StageJvp, StageVjp } from "../ad/first_order.ts";
import { convolveCentered } from "./convolve.ts";
import { rotationKernel } from "./rotation.ts";
import { _checkArray, _checkVelocityGrid } from "./_validate.ts";
import {
  _checkCotangent,
  _checkCount,
  _checkOutput,
  _checkTangent,
  _conv2Into,
  _convInto,
  _corrInto,
  _flushSubnormals,
  _isZero,
  _kernelBarInto,
  _support,
} from "./convolve_ad.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.rotation";

/** Normalised rotation kernel and its partial derivatives (see {@link rotationKernelPartials}). */
export interface RotationKernelPartials {
  /** K̃ = K/ΣK on vGrid, bitwise equal to `rotationKernel`. */
  kernel: Float64Array;
  /** ∂K̃/∂vsini [1/(km/s)] on vGrid. */
  dVsini: Float64Array;
  /** ∂K̃/∂u1 on vGrid. */
  dU1: Float64Array;
  /** ∂K̃/∂u2 on vGrid. */
  dU2: Float64Array;
}

/**
 * Partial derivatives of the normalised rigid-rotation kernel {@link rotationKernel}
 * w.r.t. vsini, u1 and u2. With x = v/vsini, s = √(1 − x²) and
 * P = −3 + 3u1 + u2 + 2u2x²: K = π/2·u1(1 − x²) − 2/3·s·P,
 * ∂K/∂u1 = π/2(1 − x²) − 2s, ∂K/∂u2 = −2/3·s(1 + 2x²),
 * ∂K/∂vsini = (−2x²/vsini)·(−π/2·u1 + P/(3s) − 4/3·u2·s), and
 * ∂K̃ = (∂K − K̃ Σ∂K)/ΣK. Taps with x² = 1 exactly get derivative 0 (see the module doc).
 *
 * @param vGrid Velocity grid [km/s].
 * @param vsini Projected equatorial velocity [km/s], 0 < vsini ≤ max |vGrid|.
 * @param u1 Limb-darkening coefficient u1.
 * @param u2 Limb-darkening coefficient u2.
 * @returns The kernel and its three partials, each of vGrid's length.
 * @throws {TypeError} If vGrid is not a non-empty Float64Array or a parameter not a number.
 * @throws {RangeError} As {@link rotationKernel}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rotationKernelPartials } from "./rotation_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const p = rotationKernelPartials(v, 1.5, 0.6, 0.2);
 * // the kernel keeps unit sum, so every partial sums to 0
 * assert.ok(Math.abs(p.dVsini.reduce((a, b) => a + b, 0)) < 1e-12);
 * // faster rotation lowers the centre (value from a complex-step derivative)
 * assert.ok(Math.abs(p.dVsini[2]! - -0.23852162650097222) < 1e-12);
 * assert.strictEqual(p.dVsini[0], 0); // |v| > vsini: outside the disk
 * ```
 */
export function rotationKernelPartials(
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
): RotationKernelPartials {
  const kernel = rotationKernel(vGrid, vsini, u1, u2);
  const m = vGrid.length;
  const dVsini = new Float64Array(m);
  const dU1 = new Float64Array(m);
  const dU2 = new Float64Array(m);
  let sum = 0;
  let sV = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < m; i++) {
    const x = vGrid[i]! / vsini;
    const x2 = x * x;
    if (x2 <= 1.0) {
      const s = Math.sqrt(1.0 - x2);
      const poly = -3.0 + 3.0 * u1 + u2 + 2.0 * u2 * x2;
      // same expression and order as rotationKernel, so ΣK is bitwise the same
      sum += Math.PI / 2.0 * u1 * (1.0 - x2) -
        2.0 / 3.0 * Math.sqrt(1.0 - x2) * poly;
      const d1 = Math.PI / 2.0 * (1.0 - x2) - 2.0 * s;
      const d2 = -2.0 / 3.0 * s * (1.0 + 2.0 * x2);
      const dv = s > 0
        ? (-2.0 * x2 / vsini) *
          (-Math.PI / 2.0 * u1 + poly / (3.0 * s) - 4.0 / 3.0 * u2 * s)
        : 0.0;
      dVsini[i] = dv;
      dU1[i] = d1;
      dU2[i] = d2;
      sV += dv;
      s1 += d1;
      s2 += d2;
    }
  }
  for (let i = 0; i < m; i++) {
    const k = kernel[i]!;
    dVsini[i] = (dVsini[i]! - k * sV) / sum;
    dU1[i] = (dU1[i]! - k * s1) / sum;
    dU2[i] = (dU2[i]! - k * s2) / sum;
  }
  return { kernel, dVsini, dU1, dU2 };
}

/** Tangents of {@link rigidRotationJvp}: K directions; null/missing entries are zero. */
export interface RigidRotationTangents {
  /** Number of tangent directions K (≥ 0). */
  k: number;
  /** Spectrum tangents, [K][f.length] flat. */
  f?: Float64Array | null;
  /** vsini tangents [km/s], length K. */
  vsini?: Float64Array | null;
  /** u1 tangents, length K. */
  u1?: Float64Array | null;
  /** u2 tangents, length K. */
  u2?: Float64Array | null;
}

/** Kernel and partials with subnormals flushed, and their supports. Private. */
export interface _PreparedRotation {
  kernel: Float64Array;
  dVsini: Float64Array;
  dU1: Float64Array;
  dU2: Float64Array;
  k0: number;
  k1: number;
  j0: number;
  j1: number;
}

/**
 * The kernel and partials with subnormals flushed, the kernel's support [k0, k1] and the union
 * [j0, j1] of the partials' supports (the residuals of {@link rigidRotationResiduals}). Private:
 * the wasm kernels of `wasm_kernels.ts` share it.
 */
export function _prepareRotation(p: RotationKernelPartials): _PreparedRotation {
  const kernel = _flushSubnormals(p.kernel);
  const dVsini = _flushSubnormals(p.dVsini);
  const dU1 = _flushSubnormals(p.dU1);
  const dU2 = _flushSubnormals(p.dU2);
  const [k0, k1] = _support(kernel);
  let j0 = Infinity;
  let j1 = -Infinity;
  for (const d of [dVsini, dU1, dU2]) {
    const [a, b] = _support(d);
    if (a <= b) {
      j0 = Math.min(j0, a);
      j1 = Math.max(j1, b);
    }
  }
  if (!(j0 <= j1)) [j0, j1] = [1, 0];
  return { kernel, dVsini, dU1, dU2, k0, k1, j0, j1 };
}

/**
 * Forward-mode derivative of {@link rigidRotation}: the broadened spectrum and, for each
 * of K tangent directions, dout = conv(df, K̃) + conv(f, dvsini·∂K̃/∂vsini +
 * du1·∂K̃/∂u1 + du2·∂K̃/∂u2). All-zero directions of an input are skipped, so a direction
 * costs one convolution when only f or only the kernel parameters move, two when both do.
 *
 * @param f Spectrum on the ESLOG grid (finite), length n.
 * @param vGrid Symmetric, odd-length velocity grid [km/s].
 * @param vsini Projected equatorial velocity [km/s], 0 < vsini ≤ max |vGrid|.
 * @param u1 Limb-darkening coefficient u1.
 * @param u2 Limb-darkening coefficient u2.
 * @param tangents `{ k, f?: [K][n], vsini?: [K], u1?: [K], u2?: [K] }`.
 * @returns `{ out: [n], dout: [K][n] }`; `out` is bitwise rigidRotation's result.
 * @throws {TypeError} On wrong types, an even vGrid or tangent lengths ≠ K·n / K.
 * @throws {RangeError} On non-finite or out-of-range primals (see rigidRotation) or a bad k.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationJvp } from "./rotation_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array(9).fill(1);
 * f[4] = 0.5;
 * const { dout } = rigidRotationJvp(f, v, 1.5, 0.6, 0, {
 *   k: 2,
 *   f: new Float64Array(18).fill(1, 0, 9), // direction 0: f → f + ε
 *   vsini: new Float64Array([0, 1]), // direction 1: vsini → vsini + ε
 * });
 * assert.ok(Math.abs(dout[4]! - 1) < 1e-12); // ΣK̃ = 1
 * // −0.5 · ∂K̃_centre/∂vsini: the line fills in as it broadens
 * assert.ok(Math.abs(dout[9 + 4]! - 0.09631082134714834) < 1e-12);
 * ```
 */
export function rigidRotationJvp(
  f: Float64Array,
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
  tangents: RigidRotationTangents,
): StageJvp {
  _checkArray(STAGE, f, "f");
  _checkVelocityGrid(STAGE, vGrid);
  const p = rotationKernelPartials(vGrid, vsini, u1, u2);
  const nk = _checkCount(tangents.k);
  const n = f.length;
  const m = vGrid.length;
  const tf = _checkTangent(tangents.f, nk * n, "tangents.f");
  const tv = _checkTangent(tangents.vsini, nk, "tangents.vsini");
  const t1 = _checkTangent(tangents.u1, nk, "tangents.u1");
  const t2 = _checkTangent(tangents.u2, nk, "tangents.u2");
  const h = (m - 1) / 2;
  const out = convolveCentered(f, p.kernel);
  const dout = new Float64Array(nk * n);
  const q = _prepareRotation(p);
  const dk = new Float64Array(m);
  for (let d = 0; d < nk; d++) {
    const hasF = tf !== null && !_isZero(tf, d * n, n);
    const a = tv === null ? 0 : tv[d]!;
    const b = t1 === null ? 0 : t1[d]!;
    const c = t2 === null ? 0 : t2[d]!;
    const hasP = (a !== 0 || b !== 0 || c !== 0) && q.j0 <= q.j1;
    if (hasP) {
      for (let j = q.j0; j <= q.j1; j++) {
        dk[j] = a * q.dVsini[j]! + b * q.dU1[j]! + c * q.dU2[j]!;
      }
    }
    if (hasF && hasP) {
      const lo = Math.min(q.k0, q.j0);
      const hi = Math.max(q.k1, q.j1);
      _conv2Into(tf!, d * n, q.kernel, f, dk, lo, hi, h, n, dout, d * n);
    } else if (hasF) {
      _convInto(tf!, d * n, q.kernel, q.k0, q.k1, h, n, dout, d * n);
    } else if (hasP) {
      _convInto(f, 0, dk, q.j0, q.j1, h, n, dout, d * n);
    }
  }
  return { out, dout };
}

/**
 * What the reverse mode of {@link rigidRotation} keeps from the forward pass (see
 * {@link rigidRotationResiduals}): the normalised kernel and its partials with subnormal taps
 * flushed to 0, and their supports. Plain arrays, so they can live in backend buffers.
 */
export interface RigidRotationResiduals {
  /** K̃ on vGrid, subnormals flushed. */
  readonly kernel: Float64Array;
  /** ∂K̃/∂vsini [1/(km/s)] on vGrid, subnormals flushed. */
  readonly dVsini: Float64Array;
  /** ∂K̃/∂u1 on vGrid, subnormals flushed. */
  readonly dU1: Float64Array;
  /** ∂K̃/∂u2 on vGrid, subnormals flushed. */
  readonly dU2: Float64Array;
  /**
   * `[k0, k1, j0, j1]` (exact integers): taps outside [k0, k1] of the kernel and outside
   * [j0, j1] of every partial are 0 (k0 > k1, j0 > j1 when there is none).
   */
  readonly support: Float64Array;
}

/**
 * The forward pass of {@link rigidRotationWithVjp}: the broadened spectrum and the residuals
 * its pullback ({@link rigidRotationPullbackInto}) reads.
 *
 * @param f Spectrum (finite), length n.
 * @param vGrid Symmetric, odd-length velocity grid [km/s], length m.
 * @param vsini Projected equatorial velocity [km/s].
 * @param u1 Limb-darkening coefficient u1.
 * @param u2 Limb-darkening coefficient u2.
 * @returns `{ out [n], residuals }`: `out` is bitwise rigidRotation's result; the residuals
 *   hold four arrays of length m and the 4 support indices.
 * @throws {TypeError} On wrong types or an even vGrid.
 * @throws {RangeError} As {@link rigidRotation}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationResiduals } from "./rotation_ad.ts";
 * import { rigidRotation } from "./rotation.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array([1, 2, 3, 4, 5, 6, 7]);
 * const { out, residuals } = rigidRotationResiduals(f, v, 1.5, 0.6, 0.2);
 * assert.deepStrictEqual(out, rigidRotation(f, v, 1.5, 0.6, 0.2));
 * assert.deepStrictEqual(Array.from(residuals.support), [1, 3, 1, 3]); // |v| = 2 > vsini
 * ```
 */
export function rigidRotationResiduals(
  f: Float64Array,
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
): { out: Float64Array; residuals: RigidRotationResiduals } {
  _checkArray(STAGE, f, "f");
  _checkVelocityGrid(STAGE, vGrid);
  const p = rotationKernelPartials(vGrid, vsini, u1, u2);
  const out = convolveCentered(f, p.kernel);
  const q = _prepareRotation(p);
  return {
    out,
    residuals: {
      kernel: q.kernel,
      dVsini: q.dVsini,
      dU1: q.dU1,
      dU2: q.dU2,
      support: new Float64Array([q.k0, q.k1, q.j0, q.j1]),
    },
  };
}

/**
 * The pullback of {@link rigidRotationWithVjp} on explicit residuals: f̄ = corr(ḡ, K̃) and,
 * with C[j] = Σ_i ḡ[i] f[i + h − j] on the partials' support, vsini̅ = Σ_j C[j] ∂K̃_j/∂vsini
 * (likewise u1, u2), written into the given arrays. Reads `f` and the residuals, never writes
 * them, so it may be called any number of times.
 *
 * @param f The spectrum given to {@link rigidRotationResiduals}, length n.
 * @param residuals Its residuals.
 * @param ct Output cotangent, length n (finite).
 * @param grads `[fBar [n], vsiniBar [1] (per km/s), u1Bar [1], u2Bar [1]]`: each entry is
 *   overwritten, or null when that cotangent is not wanted (its work is skipped).
 * @throws {TypeError} On a ct or gradient array of the wrong length.
 * @throws {RangeError} On a non-finite ct (NonFiniteError).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationPullbackInto, rigidRotationResiduals } from "./rotation_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array(9).fill(1);
 * const { residuals } = rigidRotationResiduals(f, v, 1.5, 0.6, 0.2);
 * const vsiniBar = new Float64Array(1);
 * const ct = new Float64Array(9).fill(1, 4, 5);
 * rigidRotationPullbackInto(f, residuals, ct, [null, vsiniBar, null, null]);
 * // a flat interior spectrum does not change with the kernel's shape
 * assert.ok(Math.abs(vsiniBar[0]!) < 1e-12);
 * ```
 */
export function rigidRotationPullbackInto(
  f: Float64Array,
  residuals: RigidRotationResiduals,
  ct: Float64Array,
  grads: readonly (Float64Array | null)[],
): void {
  const n = f.length;
  const g = _checkCotangent(STAGE, ct, n);
  const { kernel, dVsini, dU1, dU2, support } = residuals;
  const m = kernel.length;
  const h = (m - 1) / 2;
  const fBar = grads[0] ?? null;
  const vBar = grads[1] ?? null;
  const aBar = grads[2] ?? null;
  const bBar = grads[3] ?? null;
  _checkOutput(fBar, n, "fBar");
  _checkOutput(vBar, 1, "vsiniBar");
  _checkOutput(aBar, 1, "u1Bar");
  _checkOutput(bBar, 1, "u2Bar");
  const k0 = support[0]!;
  const k1 = support[1]!;
  const j0 = support[2]!;
  const j1 = support[3]!;
  if (fBar !== null) _corrInto(g, kernel, k0, k1, h, n, fBar);
  if (vBar === null && aBar === null && bBar === null) return;
  let vsiniBar = 0;
  let u1Bar = 0;
  let u2Bar = 0;
  if (j0 <= j1) {
    const c = new Float64Array(m);
    _kernelBarInto(g, f, j0, j1, h, n, c);
    for (let j = j0; j <= j1; j++) {
      vsiniBar += c[j]! * dVsini[j]!;
      u1Bar += c[j]! * dU1[j]!;
      u2Bar += c[j]! * dU2[j]!;
    }
  }
  if (vBar !== null) vBar[0] = vsiniBar;
  if (aBar !== null) aBar[0] = u1Bar;
  if (bBar !== null) bBar[0] = u2Bar;
}

/**
 * Reverse-mode derivative of {@link rigidRotation}: the broadened spectrum and a
 * pullback. For an output cotangent ḡ: f̄ = corr(ḡ, K̃) (the transpose of the centred
 * convolution), and with C[j] = Σ_i ḡ[i] f[i + h − j] on the kernel's support,
 * vsini̅ = Σ_j C[j] ∂K̃_j/∂vsini (likewise u1, u2). A pullback costs two convolutions.
 * Built on {@link rigidRotationResiduals} and {@link rigidRotationPullbackInto}.
 *
 * @param f Spectrum (finite), length n; referenced by the pullback, do not mutate it.
 * @param vGrid Symmetric, odd-length velocity grid [km/s].
 * @param vsini Projected equatorial velocity [km/s].
 * @param u1 Limb-darkening coefficient u1.
 * @param u2 Limb-darkening coefficient u2.
 * @returns `{ out, pullback(ct) → [fBar [n], vsiniBar [1], u1Bar [1], u2Bar [1]] }`: `out` is
 *   bitwise rigidRotation's result; the pullback returns the cotangents of (f, vsini, u1, u2)
 *   positionally (the primitive's input order), each scalar's as a length-1 array
 *   (vsiniBar per km/s).
 * @throws {TypeError} On wrong types or an even vGrid (pullback: ct length ≠ n).
 * @throws {RangeError} As {@link rigidRotation} (pullback: non-finite ct).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationWithVjp } from "./rotation_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array(9).fill(1);
 * const { out, pullback } = rigidRotationWithVjp(f, v, 1.5, 0.6, 0.2);
 * const [fBar, vsiniBar] = pullback(new Float64Array(9).fill(0).fill(1, 4, 5));
 * // a flat interior spectrum does not change with the kernel's shape
 * assert.ok(Math.abs(out[4]! - 1) < 1e-12);
 * assert.strictEqual(vsiniBar!.length, 1);
 * assert.ok(Math.abs(vsiniBar![0]!) < 1e-12);
 * assert.strictEqual(fBar!.length, 9);
 * ```
 */
export function rigidRotationWithVjp(
  f: Float64Array,
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
): StageVjp {
  const { out, residuals } = rigidRotationResiduals(f, vGrid, vsini, u1, u2);
  const n = f.length;
  return {
    out,
    pullback(ct: Float64Array): Float64Array[] {
      const grads = [
        new Float64Array(n),
        new Float64Array(1),
        new Float64Array(1),
        new Float64Array(1),
      ];
      rigidRotationPullbackInto(f, residuals, ct, grads);
      return grads;
    },
  };
}

/**
 * Reverse-mode derivative of {@link rigidRotation} for one cotangent
 * (= `rigidRotationWithVjp(…).pullback(ct)`).
 *
 * @param f Spectrum (finite), length n.
 * @param vGrid Symmetric, odd-length velocity grid [km/s].
 * @param vsini Projected equatorial velocity [km/s].
 * @param u1 Limb-darkening coefficient u1.
 * @param u2 Limb-darkening coefficient u2.
 * @param ct Output cotangent, length n.
 * @returns `[fBar [n], vsiniBar [1], u1Bar [1], u2Bar [1]]`, positionally (f, vsini, u1, u2).
 * @throws {TypeError} On wrong types or lengths.
 * @throws {RangeError} On non-finite or out-of-range values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationVjp } from "./rotation_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const ct = new Float64Array(9).fill(1);
 * const [fBar] = rigidRotationVjp(new Float64Array(9), v, 2, 0, 0, ct);
 * assert.ok(Math.abs(fBar![4]! - 1) < 1e-12); // ΣK̃ = 1
 * ```
 */
export function rigidRotationVjp(
  f: Float64Array,
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
  ct: Float64Array,
): (Float64Array | null)[] {
  return rigidRotationWithVjp(f, vGrid, vsini, u1, u2).pullback(ct);
}
