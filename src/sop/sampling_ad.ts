/**
 * Derivatives of RV sampling {@link sampling} (linear interpolation of f at
 * x_i = ν_obs,i · (1 + RV/c)) w.r.t. the spectrum f and the radial velocity RV.
 *
 * - f: each output reads two neighbouring inputs with weights (1 − t, t),
 *   t = (x − ν_j)/(ν_{j+1} − ν_j); the JVP interpolates the tangent the same way and the
 *   VJP scatters the cotangent back onto the two nodes. A clamped point reads (and
 *   scatters onto) the end node only.
 * - RV: ∂out_i/∂RV = s_i · ν_obs,i / c with s_i the slope of the linear interpolant at x_i.
 *   The interpolant has kinks at grid nodes; there the RIGHT-hand slope (in x) is used,
 *   i.e. the slope of [ν_j, ν_{j+1}] where ν_j = x_i. Points clamped outside the grid, and
 *   a point exactly on the last node (whose right-hand side is the clamped constant),
 *   get ∂/∂RV = 0.
 *
 * Style: `xxxJvp` / `xxxWithVjp` / `xxxVjp`, see `convolve_ad.ts`.
 *
 * @module
 */

import type { StageJvp, StageVjp } from "../ad/first_order.ts";
import { C_KMS } from "../constants.ts";
import { sampling, type SamplingOptions } from "./sampling.ts";
import {
  _checkCotangent,
  _checkCount,
  _checkOutput,
  _checkTangent,
  _isZero,
} from "./convolve_ad.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.sampling";

/** Tangents of {@link samplingJvp}: K directions; null/missing entries are zero. */
export interface SamplingTangents {
  /** Number of tangent directions K (≥ 0). */
  k: number;
  /** Spectrum tangents, [K][nuGrid.length] flat. */
  f?: Float64Array | null;
  /** Radial-velocity tangents [km/s], length K. */
  rv?: Float64Array | null;
}

/** Per-output interpolation plan: node j, weight t of node j + 1, and ∂out/∂RV. */
interface _Plan {
  j: Int32Array;
  t: Float64Array;
  dRv: Float64Array;
}

/** Builds the plan (inputs already validated by `sampling`). */
function _plan(
  f: Float64Array,
  xp: Float64Array,
  rvKms: number,
  nuObs: Float64Array,
): _Plan {
  const n = xp.length;
  const nObs = nuObs.length;
  const factor = 1.0 + rvKms / C_KMS;
  const jArr = new Int32Array(nObs);
  const tArr = new Float64Array(nObs);
  const dRv = new Float64Array(nObs);
  for (let i = 0; i < nObs; i++) {
    const x = nuObs[i]! * factor;
    if (x < xp[0]! || x > xp[n - 1]!) {
      jArr[i] = x < xp[0]! ? 0 : n - 1; // clamped: constant in RV
      continue;
    }
    // largest j with xp[j] <= x (same search as sampling)
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xp[mid]! <= x) lo = mid;
      else hi = mid;
    }
    const j = xp[hi]! <= x ? hi : lo;
    jArr[i] = j;
    if (j === n - 1) continue; // on the last node: right-hand slope is 0
    const span = xp[j + 1]! - xp[j]!;
    tArr[i] = (x - xp[j]!) / span; // 0 on a node
    dRv[i] = (f[j + 1]! - f[j]!) / span * (nuObs[i]! / C_KMS);
  }
  return { j: jArr, t: tArr, dRv };
}

/**
 * Forward-mode derivative of {@link sampling}: the sampled spectrum and, for each of K
 * tangent directions, dout_i = (1 − t_i)·df[j_i] + t_i·df[j_i + 1] + dRV · s_i ν_obs,i/c
 * (see the module doc for nodes and clamped points).
 *
 * @param f Model spectrum on nuGrid (finite).
 * @param nuGrid Model wavenumber grid [cm⁻¹], strictly ascending.
 * @param rvKms Radial velocity [km/s].
 * @param nuObs Observed wavenumbers [cm⁻¹].
 * @param tangents `{ k, f?: [K][nuGrid.length], rv?: [K] }`.
 * @param options As {@link sampling} (`outOfRange`).
 * @returns `{ out: [nObs], dout: [K][nObs] }`; `out` is bitwise sampling's result.
 * @throws {TypeError} On wrong types or lengths (see sampling) or tangent lengths.
 * @throws {RangeError} As {@link sampling}, or on a bad count k.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingJvp } from "./sampling_ad.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const f = new Float64Array([0, 10, 20]);
 * const { out, dout } = samplingJvp(f, nu, 0, new Float64Array([1.5]), {
 *   k: 2,
 *   f: new Float64Array([1, 0, 0, 0, 0, 0]), // direction 0: f[0] → f[0] + ε
 *   rv: new Float64Array([0, 299792.458]), // direction 1: RV → RV + c·ε
 * });
 * assert.strictEqual(out[0], 5);
 * assert.strictEqual(dout[0], 0.5); // weight 1 − t of node 0, t = 0.5
 * assert.ok(Math.abs(dout[1]! - 15) < 1e-12); // slope 10 · ν_obs 1.5
 * ```
 */
export function samplingJvp(
  f: Float64Array,
  nuGrid: Float64Array,
  rvKms: number,
  nuObs: Float64Array,
  tangents: SamplingTangents,
  options: SamplingOptions = {},
): StageJvp {
  const out = sampling(f, nuGrid, rvKms, nuObs, options);
  const nk = _checkCount(tangents.k);
  const n = nuGrid.length;
  const nObs = nuObs.length;
  const tf = _checkTangent(tangents.f, nk * n, "tangents.f");
  const tr = _checkTangent(tangents.rv, nk, "tangents.rv");
  const { j: jArr, t: tArr, dRv } = _plan(f, nuGrid, rvKms, nuObs);
  const dout = new Float64Array(nk * nObs);
  for (let d = 0; d < nk; d++) {
    const o = d * nObs;
    if (tf !== null && !_isZero(tf, d * n, n)) {
      const b = d * n;
      for (let i = 0; i < nObs; i++) {
        const j = b + jArr[i]!;
        const t = tArr[i]!;
        dout[o + i] = t === 0 ? tf[j]! : tf[j]! + (tf[j + 1]! - tf[j]!) * t;
      }
    }
    const r = tr === null ? 0 : tr[d]!;
    if (r !== 0) {
      for (let i = 0; i < nObs; i++) dout[o + i] = dout[o + i]! + r * dRv[i]!;
    }
  }
  return { out, dout };
}

/**
 * What the reverse mode of {@link sampling} keeps from the forward pass (see
 * {@link samplingResiduals}): per observed point i, the grid node j_i it reads, the weight t_i
 * of node j_i + 1 and ∂out_i/∂RV. Plain arrays, so they can live in backend buffers.
 */
export interface SamplingResiduals {
  /** Node index j_i of each output (exact integers; Int32Array, or Float64Array in a buffer). */
  readonly j: Int32Array | Float64Array;
  /** Weight t_i of node j_i + 1 (0 on a node or clamped). */
  readonly t: Float64Array;
  /** ∂out_i/∂RV [per km/s]. */
  readonly dRv: Float64Array;
}

/**
 * The forward pass of {@link samplingWithVjp}: the sampled spectrum and the residuals its
 * pullback ({@link samplingPullbackInto}) reads.
 *
 * @param f Model spectrum on nuGrid (finite).
 * @param nuGrid Model wavenumber grid [cm⁻¹], strictly ascending.
 * @param rvKms Radial velocity [km/s].
 * @param nuObs Observed wavenumbers [cm⁻¹], length M.
 * @param options As {@link sampling} (`outOfRange`).
 * @returns `{ out [M], residuals }`: `out` is bitwise sampling's result; the residuals hold
 *   three arrays of length M.
 * @throws {TypeError} As {@link sampling}.
 * @throws {RangeError} As {@link sampling}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingResiduals } from "./sampling_ad.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const { out, residuals } = samplingResiduals(new Float64Array([0, 10, 20]), nu, 0, new Float64Array([1.25, 9]));
 * assert.deepStrictEqual(Array.from(out), [2.5, 20]);
 * assert.deepStrictEqual(Array.from(residuals.j), [0, 2]); // ν = 9 is clamped to node 2
 * assert.deepStrictEqual(Array.from(residuals.t), [0.25, 0]);
 * ```
 */
export function samplingResiduals(
  f: Float64Array,
  nuGrid: Float64Array,
  rvKms: number,
  nuObs: Float64Array,
  options: SamplingOptions = {},
): { out: Float64Array; residuals: SamplingResiduals } {
  const out = sampling(f, nuGrid, rvKms, nuObs, options);
  return { out, residuals: _plan(f, nuGrid, rvKms, nuObs) };
}

/**
 * The pullback of {@link samplingWithVjp} on explicit residuals: scatters the cotangent ḡ
 * onto the grid (f̄[j_i] += (1 − t_i) ḡ_i, f̄[j_i + 1] += t_i ḡ_i) and sums
 * RV̄ = Σ_i ḡ_i ∂out_i/∂RV, written into the given arrays. Never writes the residuals, so it
 * may be called any number of times.
 *
 * @param residuals The residuals of {@link samplingResiduals} (length M each).
 * @param ct Output cotangent, length M (finite).
 * @param grads `[fBar [nuGrid.length], rvBar [1] (per km/s)]`: each entry is overwritten, or
 *   null when that cotangent is not wanted (its work is skipped).
 * @throws {TypeError} On a ct of the wrong length or an rvBar not of length 1.
 * @throws {RangeError} On a non-finite ct (NonFiniteError).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingPullbackInto, samplingResiduals } from "./sampling_ad.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const { residuals } = samplingResiduals(new Float64Array([0, 10, 20]), nu, 0, new Float64Array([1.25, 9]));
 * const fBar = new Float64Array(3);
 * samplingPullbackInto(residuals, new Float64Array([1, 1]), [fBar, null]);
 * assert.deepStrictEqual(Array.from(fBar), [0.75, 0.25, 1]);
 * ```
 */
export function samplingPullbackInto(
  residuals: SamplingResiduals,
  ct: Float64Array,
  grads: readonly (Float64Array | null)[],
): void {
  const { j: jArr, t: tArr, dRv } = residuals;
  const nObs = tArr.length;
  const g = _checkCotangent(STAGE, ct, nObs);
  const fBar = grads[0] ?? null;
  const rBar = grads[1] ?? null;
  _checkOutput(rBar, 1, "rvBar");
  if (fBar !== null) {
    fBar.fill(0);
    for (let i = 0; i < nObs; i++) {
      const j = jArr[i]!;
      const t = tArr[i]!;
      const c = g[i]!;
      if (t === 0) {
        fBar[j] = fBar[j]! + c;
      } else {
        fBar[j] = fBar[j]! + c * (1 - t);
        fBar[j + 1] = fBar[j + 1]! + c * t;
      }
    }
  }
  if (rBar !== null) {
    let rvBar = 0;
    for (let i = 0; i < nObs; i++) rvBar += g[i]! * dRv[i]!;
    rBar[0] = rvBar;
  }
}

/**
 * Reverse-mode derivative of {@link sampling}: the sampled spectrum and a pullback that
 * scatters an output cotangent ḡ onto the grid, f̄[j_i] += (1 − t_i) ḡ_i,
 * f̄[j_i + 1] += t_i ḡ_i, and returns RV̄ = Σ_i ḡ_i s_i ν_obs,i/c. Built on
 * {@link samplingResiduals} and {@link samplingPullbackInto}.
 *
 * @param f Model spectrum on nuGrid (finite).
 * @param nuGrid Model wavenumber grid [cm⁻¹], strictly ascending.
 * @param rvKms Radial velocity [km/s].
 * @param nuObs Observed wavenumbers [cm⁻¹].
 * @param options As {@link sampling} (`outOfRange`).
 * @returns `{ out, pullback(ct) → [fBar [nuGrid.length], rvBar [1]] }`: `out` is bitwise
 *   sampling's result; the pullback returns the cotangents of (f, RV) positionally (the
 *   primitive's input order), RV's as a length-1 array [per km/s].
 * @throws {TypeError} As {@link sampling} (pullback: ct length ≠ nuObs.length).
 * @throws {RangeError} As {@link sampling} (pullback: non-finite ct).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingWithVjp } from "./sampling_ad.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const f = new Float64Array([0, 10, 20]);
 * const { pullback } = samplingWithVjp(f, nu, 0, new Float64Array([1.25, 9]));
 * const [fBar, rvBar] = pullback(new Float64Array([1, 1]));
 * assert.deepStrictEqual(Array.from(fBar!), [0.75, 0.25, 1]); // ν = 9 is clamped to node 2
 * assert.ok(Math.abs(rvBar![0]! * 299792.458 - 12.5) < 1e-12); // slope 10 · ν_obs 1.25
 * ```
 */
export function samplingWithVjp(
  f: Float64Array,
  nuGrid: Float64Array,
  rvKms: number,
  nuObs: Float64Array,
  options: SamplingOptions = {},
): StageVjp {
  const { out, residuals } = samplingResiduals(
    f,
    nuGrid,
    rvKms,
    nuObs,
    options,
  );
  const n = nuGrid.length;
  return {
    out,
    pullback(ct: Float64Array): Float64Array[] {
      const grads = [new Float64Array(n), new Float64Array(1)];
      samplingPullbackInto(residuals, ct, grads);
      return grads;
    },
  };
}

/**
 * Reverse-mode derivative of {@link sampling} for one cotangent
 * (= `samplingWithVjp(…).pullback(ct)`).
 *
 * @param f Model spectrum on nuGrid (finite).
 * @param nuGrid Model wavenumber grid [cm⁻¹], strictly ascending.
 * @param rvKms Radial velocity [km/s].
 * @param nuObs Observed wavenumbers [cm⁻¹].
 * @param ct Output cotangent, length nuObs.length.
 * @param options As {@link sampling} (`outOfRange`).
 * @returns `[fBar [nuGrid.length], rvBar [1]]`, positionally (f, RV).
 * @throws {TypeError} On wrong types or lengths.
 * @throws {RangeError} On non-finite values or (with `outOfRange: "error"`) points outside the grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingVjp } from "./sampling_ad.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const [fBar] = samplingVjp(
 *   new Float64Array([0, 10, 20]),
 *   nu,
 *   0,
 *   new Float64Array([2.5]),
 *   new Float64Array([2]),
 * );
 * assert.deepStrictEqual(Array.from(fBar!), [0, 1, 1]); // ct 2 split equally
 * ```
 */
export function samplingVjp(
  f: Float64Array,
  nuGrid: Float64Array,
  rvKms: number,
  nuObs: Float64Array,
  ct: Float64Array,
  options: SamplingOptions = {},
): (Float64Array | null)[] {
  return samplingWithVjp(f, nuGrid, rvKms, nuObs, options).pullback(ct);
}
