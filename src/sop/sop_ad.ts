/**
 * Spectral-operator objects with derivative rules: {@link createSopRotationAd} and
 * {@link createSopInstProfileAd} return the forward operators of `sop.ts` (same grid,
 * resolution and kernel velocity grid) plus `…Jvp` and `…WithVjp` methods that call the
 * pure rules of `rotation_ad.ts`, `instrument_profile_ad.ts` and `sampling_ad.ts` with
 * the operator's velocity/wavenumber grid.
 *
 * @module
 */

import {
  createSopInstProfile,
  createSopRotation,
  type SopInstProfile,
  type SopInstProfileOptions,
  type SopRotation,
  type SopRotationOptions,
} from "./sop.ts";
import type { OutOfRange } from "./sampling.ts";
import type { JvpResult } from "./convolve_ad.ts";
import {
  rigidRotationJvp,
  type RigidRotationTangents,
  type RigidRotationVjp,
  rigidRotationWithVjp,
} from "./rotation_ad.ts";
import {
  ipgaussJvp,
  type IpgaussTangents,
  type IpgaussVjp,
  ipgaussWithVjp,
} from "./instrument_profile_ad.ts";
import {
  samplingJvp,
  type SamplingTangents,
  type SamplingVjp,
  samplingWithVjp,
} from "./sampling_ad.ts";

function _checkLength(f: unknown, n: number): void {
  if (!(f instanceof Float64Array) || f.length !== n) {
    throw new TypeError(
      `spectrum must be a Float64Array of the grid's length ${n}, got ${
        f instanceof Float64Array ? `length ${f.length}` : typeof f
      }`,
    );
  }
}

/** Rotation operator with derivative rules (see {@link createSopRotationAd}). */
export interface SopRotationAd extends SopRotation {
  /**
   * JVP of rigidRotation (see `rigidRotationJvp`).
   * @param f Spectrum on nuGrid.
   * @param vsini [km/s].
   * @param u1 Limb-darkening coefficient u1.
   * @param u2 Limb-darkening coefficient u2.
   * @param tangents `{ k, f?: [K][n], vsini?: [K], u1?: [K], u2?: [K] }`.
   * @returns `{ out, dout: [K][n] }`.
   */
  rigidRotationJvp(
    f: Float64Array,
    vsini: number,
    u1: number,
    u2: number,
    tangents: RigidRotationTangents,
  ): JvpResult;
  /**
   * Forward pass with a pullback (see `rigidRotationWithVjp`).
   * @param f Spectrum on nuGrid.
   * @param vsini [km/s].
   * @param u1 Limb-darkening coefficient u1.
   * @param u2 Limb-darkening coefficient u2.
   * @returns `{ out, pullback(ct) }`.
   */
  rigidRotationWithVjp(
    f: Float64Array,
    vsini: number,
    u1: number,
    u2: number,
  ): RigidRotationVjp;
}

/**
 * Builds a rotation operator with derivative rules on an ESLOG grid: everything of
 * `createSopRotation` plus `rigidRotationJvp` and `rigidRotationWithVjp`.
 *
 * @param nuGrid ESLOG wavenumber grid [cm⁻¹], ascending.
 * @param options `vsiniMax` [km/s] (default 100).
 * @returns The operator.
 * @throws {TypeError} If nuGrid is not a Float64Array of ≥ 2 points.
 * @throws {RangeError} If nuGrid is not ascending/positive/ESLOG or vsiniMax ≤ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createSopRotationAd } from "./sop_ad.ts";
 * const nu = new Float64Array(200).map((_, i) => 4300 * Math.exp(i * 1e-5));
 * const sop = createSopRotationAd(nu, { vsiniMax: 20 });
 * const f = new Float64Array(200).fill(1);
 * f[100] = 0.5;
 * const { out, pullback } = sop.rigidRotationWithVjp(f, 10, 0.5, 0.1);
 * const ct = new Float64Array(200);
 * ct[100] = 1;
 * // out[100] = 1 − 0.5·K̃_centre; vsiniBar = −0.5·∂K̃_centre/∂vsini (complex-step value)
 * assert.ok(Math.abs(out[100]! - 0.8971015220902289) < 1e-12);
 * assert.ok(Math.abs(pullback(ct).vsiniBar - 0.010305520905712054) < 1e-12);
 * ```
 */
export function createSopRotationAd(
  nuGrid: Float64Array,
  options: SopRotationOptions = {},
): SopRotationAd {
  const base = createSopRotation(nuGrid, options);
  const n = base.nuGrid.length;
  const vGrid = base.vGrid;
  return {
    nuGrid: base.nuGrid,
    resolution: base.resolution,
    vGrid,
    rigidRotation: base.rigidRotation,
    rigidRotationJvp(f, vsini, u1, u2, tangents) {
      _checkLength(f, n);
      return rigidRotationJvp(f, vGrid, vsini, u1, u2, tangents);
    },
    rigidRotationWithVjp(f, vsini, u1, u2) {
      _checkLength(f, n);
      return rigidRotationWithVjp(f, vGrid, vsini, u1, u2);
    },
  };
}

/** Instrument-profile and sampling operator with derivative rules (see {@link createSopInstProfileAd}). */
export interface SopInstProfileAd extends SopInstProfile {
  /**
   * JVP of ipgauss (see `ipgaussJvp`).
   * @param f Spectrum on nuGrid.
   * @param beta Gaussian standard deviation [km/s].
   * @param tangents `{ k, f?: [K][n], beta?: [K] }`.
   * @returns `{ out, dout: [K][n] }`.
   */
  ipgaussJvp(
    f: Float64Array,
    beta: number,
    tangents: IpgaussTangents,
  ): JvpResult;
  /**
   * Forward pass with a pullback (see `ipgaussWithVjp`).
   * @param f Spectrum on nuGrid.
   * @param beta Gaussian standard deviation [km/s].
   * @returns `{ out, pullback(ct) }`.
   */
  ipgaussWithVjp(f: Float64Array, beta: number): IpgaussVjp;
  /**
   * JVP of sampling (see `samplingJvp`).
   * @param f Spectrum on nuGrid.
   * @param rvKms Radial velocity [km/s].
   * @param nuObs Observed wavenumbers [cm⁻¹].
   * @param tangents `{ k, f?: [K][n], rv?: [K] }`.
   * @param outOfRange "clamp" (default) or "error".
   * @returns `{ out, dout: [K][nObs] }`.
   */
  samplingJvp(
    f: Float64Array,
    rvKms: number,
    nuObs: Float64Array,
    tangents: SamplingTangents,
    outOfRange?: OutOfRange,
  ): JvpResult;
  /**
   * Forward pass with a pullback (see `samplingWithVjp`).
   * @param f Spectrum on nuGrid.
   * @param rvKms Radial velocity [km/s].
   * @param nuObs Observed wavenumbers [cm⁻¹].
   * @param outOfRange "clamp" (default) or "error".
   * @returns `{ out, pullback(ct) }`.
   */
  samplingWithVjp(
    f: Float64Array,
    rvKms: number,
    nuObs: Float64Array,
    outOfRange?: OutOfRange,
  ): SamplingVjp;
}

/**
 * Builds an instrumental-profile + sampling operator with derivative rules on an ESLOG
 * grid: everything of `createSopInstProfile` plus `ipgaussJvp`, `ipgaussWithVjp`,
 * `samplingJvp` and `samplingWithVjp`.
 *
 * @param nuGrid ESLOG wavenumber grid [cm⁻¹], ascending.
 * @param options `vrMax` [km/s] (default 1000).
 * @returns The operator.
 * @throws {TypeError} If nuGrid is not a Float64Array of ≥ 2 points.
 * @throws {RangeError} If nuGrid is not ascending/positive/ESLOG or vrMax ≤ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createSopInstProfileAd } from "./sop_ad.ts";
 * const nu = new Float64Array(200).map((_, i) => 4300 * Math.exp(i * 1e-5));
 * const sop = createSopInstProfileAd(nu, { vrMax: 20 });
 * const f = new Float64Array(200).map((_, i) => 1 + 0.01 * i);
 * const { dout } = sop.samplingJvp(f, 5, new Float64Array([4301]), {
 *   k: 1,
 *   rv: new Float64Array([1]),
 * });
 * // the spectrum rises with ν: ∂out/∂RV = slope · ν_obs / c, with slope = 0.01 per grid
 * // step of ν_24 (e^{1e-5} − 1); 1e-9 relative: grid differences carry ~1e-11 rounding
 * const expected = 0.01 / (4300 * Math.exp(24e-5) * Math.expm1(1e-5)) * 4301 / 299792.458;
 * assert.ok(Math.abs(dout[0]! / expected - 1) < 1e-9);
 * ```
 */
export function createSopInstProfileAd(
  nuGrid: Float64Array,
  options: SopInstProfileOptions = {},
): SopInstProfileAd {
  const base = createSopInstProfile(nuGrid, options);
  const nu = base.nuGrid;
  const n = nu.length;
  const vGrid = base.vGrid;
  return {
    nuGrid: nu,
    resolution: base.resolution,
    vGrid,
    ipgauss: base.ipgauss,
    sampling: base.sampling,
    ipgaussJvp(f, beta, tangents) {
      _checkLength(f, n);
      return ipgaussJvp(f, vGrid, beta, tangents);
    },
    ipgaussWithVjp(f, beta) {
      _checkLength(f, n);
      return ipgaussWithVjp(f, vGrid, beta);
    },
    samplingJvp(f, rvKms, nuObs, tangents, outOfRange = "clamp") {
      _checkLength(f, n);
      return samplingJvp(f, nu, rvKms, nuObs, tangents, { outOfRange });
    },
    samplingWithVjp(f, rvKms, nuObs, outOfRange = "clamp") {
      _checkLength(f, n);
      return samplingWithVjp(f, nu, rvKms, nuObs, { outOfRange });
    },
  };
}
