/**
 * Derivatives of the Gaussian instrumental profile {@link ipgauss} w.r.t. the spectrum
 * f and the velocity width β. Linear in f (JVP: convolution with the same kernel; VJP:
 * correlation, the exact transpose including the zero-padded ends); β enters through
 * the normalised kernel K̃_j = e^{−x_j²/2}/Σ, x_j = v_j/β, whose derivative is
 * ∂K̃_j/∂β = K̃_j (x_j² − Σ_i K̃_i x_i²)/β ({@link gaussianKernelPartials}); taps that
 * underflow to 0 have zero derivative, and truncation at ±max |vGrid| is differentiated
 * exactly as the forward truncates.
 *
 * Style: `xxxJvp` / `xxxWithVjp` / `xxxVjp`, see `convolve_ad.ts`.
 *
 * @module
 */

import type { StageJvp, StageVjp } from "../ad/first_order.ts";
import { convolveCentered } from "./convolve.ts";
import { gaussianKernel } from "./instrument_profile.ts";
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
const STAGE = "sop.instrument_profile";

/** Normalised Gaussian kernel and its β derivative (see {@link gaussianKernelPartials}). */
export interface GaussianKernelPartials {
  /** K̃ on vGrid, bitwise equal to `gaussianKernel`. */
  kernel: Float64Array;
  /** ∂K̃/∂β [1/(km/s)] on vGrid. */
  dBeta: Float64Array;
}

/**
 * The normalised Gaussian kernel {@link gaussianKernel} and its derivative w.r.t. the
 * standard deviation β: ∂K̃_j/∂β = K̃_j (x_j² − Σ_i K̃_i x_i²)/β with x = v/β.
 *
 * @param vGrid Velocity grid [km/s].
 * @param beta Gaussian standard deviation β [km/s] (> 0).
 * @returns `{ kernel, dBeta }`, each of vGrid's length.
 * @throws {TypeError} If vGrid is not a non-empty Float64Array or beta not a number.
 * @throws {RangeError} As {@link gaussianKernel}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gaussianKernelPartials } from "./instrument_profile_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const { dBeta } = gaussianKernelPartials(v, 1);
 * // widening lowers the centre and raises the wings; the sum stays 1
 * assert.ok(Math.abs(dBeta[2]! - -0.3721465129354086) < 1e-12);
 * assert.ok(Math.abs(dBeta[0]! - 0.16759018446494048) < 1e-12);
 * assert.ok(Math.abs(dBeta.reduce((a, b) => a + b)) < 1e-12);
 * ```
 */
export function gaussianKernelPartials(
  vGrid: Float64Array,
  beta: number,
): GaussianKernelPartials {
  const kernel = gaussianKernel(vGrid, beta);
  const m = vGrid.length;
  const dBeta = new Float64Array(m);
  let m2 = 0;
  for (let j = 0; j < m; j++) {
    const x = vGrid[j]! / beta;
    const x2 = x * x;
    dBeta[j] = x2;
    m2 += kernel[j]! * x2;
  }
  for (let j = 0; j < m; j++) {
    dBeta[j] = kernel[j]! * (dBeta[j]! - m2) / beta;
  }
  return { kernel, dBeta };
}

/** Tangents of {@link ipgaussJvp}: K directions; null/missing entries are zero. */
export interface IpgaussTangents {
  /** Number of tangent directions K (≥ 0). */
  k: number;
  /** Spectrum tangents, [K][f.length] flat. */
  f?: Float64Array | null;
  /** β tangents [km/s], length K. */
  beta?: Float64Array | null;
}

/**
 * Forward-mode derivative of {@link ipgauss}: the convolved spectrum and, for each of K
 * tangent directions, dout = conv(df, K̃) + dβ · conv(f, ∂K̃/∂β). All-zero directions
 * of an input are skipped (one convolution per direction unless both f and β move).
 *
 * @param f Spectrum on the ESLOG grid (finite), length n.
 * @param vGrid Symmetric, odd-length velocity grid [km/s].
 * @param beta Gaussian standard deviation [km/s] (> 0).
 * @param tangents `{ k, f?: [K][n], beta?: [K] }`.
 * @returns `{ out: [n], dout: [K][n] }`; `out` is bitwise ipgauss's result.
 * @throws {TypeError} On wrong types, an even vGrid or tangent lengths ≠ K·n / K.
 * @throws {RangeError} On non-finite primals, beta ≤ 0, a non-symmetric vGrid or a bad k.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussJvp } from "./instrument_profile_ad.ts";
 * const v = new Float64Array([-3, -2, -1, 0, 1, 2, 3]);
 * const f = new Float64Array(11).fill(1);
 * f[5] = 0; // a narrow line
 * const { dout } = ipgaussJvp(f, v, 1, { k: 1, beta: new Float64Array([1]) });
 * // a wider profile fills the line in: dout[5] = −∂K̃_centre/∂β (the taps sum to 0)
 * assert.ok(Math.abs(dout[5]! - 0.3974189568760631) < 1e-12);
 * ```
 */
export function ipgaussJvp(
  f: Float64Array,
  vGrid: Float64Array,
  beta: number,
  tangents: IpgaussTangents,
): StageJvp {
  _checkArray(STAGE, f, "f");
  _checkVelocityGrid(STAGE, vGrid);
  const { kernel, dBeta } = gaussianKernelPartials(vGrid, beta);
  const nk = _checkCount(tangents.k);
  const n = f.length;
  const m = vGrid.length;
  const tf = _checkTangent(tangents.f, nk * n, "tangents.f");
  const tb = _checkTangent(tangents.beta, nk, "tangents.beta");
  const h = (m - 1) / 2;
  const out = convolveCentered(f, kernel);
  const dout = new Float64Array(nk * n);
  // subnormal tail taps (|K̃| < 2.2e-308) are dropped: they only cost time
  const kf = _flushSubnormals(kernel);
  const db = _flushSubnormals(dBeta);
  const [k0, k1] = _support(kf);
  const [j0, j1] = _support(db);
  const dk = new Float64Array(m);
  for (let d = 0; d < nk; d++) {
    const hasF = tf !== null && !_isZero(tf, d * n, n);
    const b = tb === null ? 0 : tb[d]!;
    const hasB = b !== 0 && j0 <= j1;
    if (hasB) { for (let j = j0; j <= j1; j++) dk[j] = b * db[j]!; }
    if (hasF && hasB) {
      const lo = Math.min(k0, j0);
      const hi = Math.max(k1, j1);
      _conv2Into(tf!, d * n, kf, f, dk, lo, hi, h, n, dout, d * n);
    } else if (hasF) {
      _convInto(tf!, d * n, kf, k0, k1, h, n, dout, d * n);
    } else if (hasB) {
      _convInto(f, 0, dk, j0, j1, h, n, dout, d * n);
    }
  }
  return { out, dout };
}

/**
 * What the reverse mode of {@link ipgauss} keeps from the forward pass (see
 * {@link ipgaussResiduals}): the normalised kernel and its β derivative with subnormal taps
 * flushed to 0, and their supports. Plain arrays, so they can live in backend buffers.
 */
export interface IpgaussResiduals {
  /** K̃ on vGrid, subnormals flushed. */
  readonly kernel: Float64Array;
  /** ∂K̃/∂β [1/(km/s)] on vGrid, subnormals flushed. */
  readonly dBeta: Float64Array;
  /**
   * `[k0, k1, j0, j1]` (exact integers): taps outside [k0, k1] of the kernel and outside
   * [j0, j1] of ∂K̃/∂β are 0 (k0 > k1, j0 > j1 when there is none).
   */
  readonly support: Float64Array;
}

/**
 * The forward pass of {@link ipgaussWithVjp}: the convolved spectrum and the residuals its
 * pullback ({@link ipgaussPullbackInto}) reads.
 *
 * @param f Spectrum (finite), length n.
 * @param vGrid Symmetric, odd-length velocity grid [km/s], length m.
 * @param beta Gaussian standard deviation [km/s] (> 0).
 * @returns `{ out [n], residuals }`: `out` is bitwise ipgauss's result; the residuals hold
 *   two arrays of length m and the 4 support indices.
 * @throws {TypeError} On wrong types or an even vGrid.
 * @throws {RangeError} As {@link ipgauss}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussResiduals } from "./instrument_profile_ad.ts";
 * import { ipgauss } from "./instrument_profile.ts";
 * const v = new Float64Array([-3, -2, -1, 0, 1, 2, 3]);
 * const f = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
 * const { out, residuals } = ipgaussResiduals(f, v, 1);
 * assert.deepStrictEqual(out, ipgauss(f, v, 1));
 * assert.deepStrictEqual(Array.from(residuals.support), [0, 6, 0, 6]);
 * ```
 */
export function ipgaussResiduals(
  f: Float64Array,
  vGrid: Float64Array,
  beta: number,
): { out: Float64Array; residuals: IpgaussResiduals } {
  _checkArray(STAGE, f, "f");
  _checkVelocityGrid(STAGE, vGrid);
  const { kernel, dBeta } = gaussianKernelPartials(vGrid, beta);
  const out = convolveCentered(f, kernel);
  const kf = _flushSubnormals(kernel);
  const db = _flushSubnormals(dBeta);
  const [k0, k1] = _support(kf);
  const [j0, j1] = _support(db);
  return {
    out,
    residuals: {
      kernel: kf,
      dBeta: db,
      support: new Float64Array([k0, k1, j0, j1]),
    },
  };
}

/**
 * The pullback of {@link ipgaussWithVjp} on explicit residuals: f̄ = corr(ḡ, K̃) and
 * β̄ = Σ_j C[j] ∂K̃_j/∂β with C[j] = Σ_i ḡ[i] f[i + h − j], written into the given arrays.
 * Reads `f` and the residuals, never writes them, so it may be called any number of times.
 *
 * @param f The spectrum given to {@link ipgaussResiduals}, length n.
 * @param residuals Its residuals.
 * @param ct Output cotangent, length n (finite).
 * @param grads `[fBar [n], betaBar [1] (per km/s)]`: each entry is overwritten, or null when
 *   that cotangent is not wanted (its work is skipped).
 * @throws {TypeError} On a ct or gradient array of the wrong length.
 * @throws {RangeError} On a non-finite ct (NonFiniteError).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussPullbackInto, ipgaussResiduals } from "./instrument_profile_ad.ts";
 * const v = new Float64Array([-3, -2, -1, 0, 1, 2, 3]);
 * const f = new Float64Array(11).fill(1);
 * f[5] = 0;
 * const { residuals } = ipgaussResiduals(f, v, 1);
 * const ct = new Float64Array(11);
 * ct[5] = 1;
 * const betaBar = new Float64Array(1);
 * ipgaussPullbackInto(f, residuals, ct, [null, betaBar]);
 * assert.ok(Math.abs(betaBar[0]! - 0.3974189568760631) < 1e-12);
 * ```
 */
export function ipgaussPullbackInto(
  f: Float64Array,
  residuals: IpgaussResiduals,
  ct: Float64Array,
  grads: readonly (Float64Array | null)[],
): void {
  const n = f.length;
  const g = _checkCotangent(STAGE, ct, n);
  const { kernel, dBeta, support } = residuals;
  const m = kernel.length;
  const h = (m - 1) / 2;
  const fBar = grads[0] ?? null;
  const bBar = grads[1] ?? null;
  _checkOutput(fBar, n, "fBar");
  _checkOutput(bBar, 1, "betaBar");
  const k0 = support[0]!;
  const k1 = support[1]!;
  const j0 = support[2]!;
  const j1 = support[3]!;
  if (fBar !== null) _corrInto(g, kernel, k0, k1, h, n, fBar);
  if (bBar === null) return;
  let betaBar = 0;
  if (j0 <= j1) {
    const c = new Float64Array(m);
    _kernelBarInto(g, f, j0, j1, h, n, c);
    for (let j = j0; j <= j1; j++) betaBar += c[j]! * dBeta[j]!;
  }
  bBar[0] = betaBar;
}

/**
 * Reverse-mode derivative of {@link ipgauss}: the convolved spectrum and a pullback.
 * For an output cotangent ḡ: f̄ = corr(ḡ, K̃), and β̄ = Σ_j C[j] ∂K̃_j/∂β with
 * C[j] = Σ_i ḡ[i] f[i + h − j] on the kernel's support. A pullback costs two
 * convolutions. Built on {@link ipgaussResiduals} and {@link ipgaussPullbackInto}.
 *
 * @param f Spectrum (finite), length n; referenced by the pullback, do not mutate it.
 * @param vGrid Symmetric, odd-length velocity grid [km/s].
 * @param beta Gaussian standard deviation [km/s] (> 0).
 * @returns `{ out, pullback(ct) → [fBar [n], betaBar [1]] }`: `out` is bitwise ipgauss's
 *   result; the pullback returns the cotangents of (f, β) positionally (the primitive's
 *   input order), β's as a length-1 array [per km/s].
 * @throws {TypeError} On wrong types or an even vGrid (pullback: ct length ≠ n).
 * @throws {RangeError} As {@link ipgauss} (pullback: non-finite ct).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussWithVjp } from "./instrument_profile_ad.ts";
 * const v = new Float64Array([-3, -2, -1, 0, 1, 2, 3]);
 * const f = new Float64Array(11).fill(1);
 * f[5] = 0;
 * const { pullback } = ipgaussWithVjp(f, v, 1);
 * const ct = new Float64Array(11);
 * ct[5] = 1;
 * const [fBar, betaBar] = pullback(ct);
 * assert.ok(Math.abs(betaBar![0]! - 0.3974189568760631) < 1e-12); // = the JVP above
 * // fBar[5] is the kernel centre 1 / Σ_{v=-3..3} e^{−v²/2}
 * assert.ok(Math.abs(fBar![5]! - 0.3990502796524549) < 1e-12);
 * ```
 */
export function ipgaussWithVjp(
  f: Float64Array,
  vGrid: Float64Array,
  beta: number,
): StageVjp {
  const { out, residuals } = ipgaussResiduals(f, vGrid, beta);
  const n = f.length;
  return {
    out,
    pullback(ct: Float64Array): Float64Array[] {
      const grads = [new Float64Array(n), new Float64Array(1)];
      ipgaussPullbackInto(f, residuals, ct, grads);
      return grads;
    },
  };
}

/**
 * Reverse-mode derivative of {@link ipgauss} for one cotangent
 * (= `ipgaussWithVjp(f, vGrid, beta).pullback(ct)`).
 *
 * @param f Spectrum (finite), length n.
 * @param vGrid Symmetric, odd-length velocity grid [km/s].
 * @param beta Gaussian standard deviation [km/s] (> 0).
 * @param ct Output cotangent, length n.
 * @returns `[fBar [n], betaBar [1]]`, positionally (f, β).
 * @throws {TypeError} On wrong types or lengths.
 * @throws {RangeError} On non-finite or out-of-range values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussVjp } from "./instrument_profile_ad.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const ct = new Float64Array(9).fill(1);
 * const [fBar, betaBar] = ipgaussVjp(new Float64Array(9).fill(1), v, 1, ct);
 * assert.ok(Math.abs(fBar![4]! - 1) < 1e-12);
 * // the zero-padded ends lose more flux as the profile widens
 * assert.ok(Math.abs(betaBar![0]! - -0.7073268818652897) < 1e-12);
 * ```
 */
export function ipgaussVjp(
  f: Float64Array,
  vGrid: Float64Array,
  beta: number,
  ct: Float64Array,
): (Float64Array | null)[] {
  return ipgaussWithVjp(f, vGrid, beta).pullback(ct);
}
