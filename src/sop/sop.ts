/**
 * Spectral-operator objects bound to an ESLOG wavenumber grid, as ExoJAX's
 * `SopRotation` and `SopInstProfile` (`spec/specop.py`): the kernel velocity grid is
 * built once from the grid's resolution, then rotation, instrumental profile and
 * RV sampling are applied to spectra on that grid.
 *
 * @module
 */

import { resolutionEslog, velocityGrid } from "../grid/wavenumber_grid.ts";
import { rigidRotation } from "./rotation.ts";
import { ipgauss } from "./instrument_profile.ts";
import { type OutOfRange, sampling } from "./sampling.ts";
import { _checkAscendingGrid, _checkPositive } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.specop";

/** Checks the grid is ascending and evenly spaced in ln ν to 1e-5 (ExoJAX's ESLOG criterion). */
function _checkEslog(nuGrid: unknown): Float64Array {
  const nu = _checkAscendingGrid(STAGE, nuGrid, "nuGrid");
  if (!(nu[0]! > 0)) {
    throw new RangeError(`nuGrid must be positive, got nuGrid[0] = ${nu[0]}`);
  }
  const mean = Math.log(nu[nu.length - 1]! / nu[0]!) / (nu.length - 1);
  for (let i = 1; i < nu.length; i++) {
    const d = Math.log(nu[i]! / nu[i - 1]!);
    if (Math.abs(d - mean) > 1e-5 * mean) {
      throw new RangeError(
        `nuGrid must be evenly spaced in ln(nu) (ESLOG), got step ${d} at index ${i} vs mean ${mean}`,
      );
    }
  }
  return nu;
}

function _checkLength(f: Float64Array, n: number): void {
  if (!(f instanceof Float64Array) || f.length !== n) {
    throw new TypeError(
      `spectrum must be a Float64Array of the grid's length ${n}, got length ${
        (f as { length?: number } | null)?.length
      }`,
    );
  }
}

/** Options of {@link createSopRotation}. */
export interface SopRotationOptions {
  /** Largest vsini the operator supports [km/s]; sets the kernel size (default 100). */
  vsiniMax?: number;
}

/** Rotation operator bound to one ESLOG grid (see {@link createSopRotation}). */
export interface SopRotation {
  /** The ESLOG wavenumber grid [cm⁻¹]. */
  readonly nuGrid: Float64Array;
  /** Grid resolution R = (N − 1)/ln(ν_last/ν_0). */
  readonly resolution: number;
  /** Kernel velocity grid [km/s], odd length, symmetric. */
  readonly vGrid: Float64Array;
  /**
   * Rigid rotation with quadratic limb darkening (see `rigidRotation`).
   * @param f Spectrum on nuGrid.
   * @param vsini [km/s], 0 < vsini ≤ vsiniMax (to within a grid step).
   * @param u1 Limb-darkening coefficient u1.
   * @param u2 Limb-darkening coefficient u2.
   * @returns Broadened spectrum.
   */
  rigidRotation(
    f: Float64Array,
    vsini: number,
    u1: number,
    u2: number,
  ): Float64Array;
}

/**
 * Builds a rotation operator on an ESLOG grid (ExoJAX `SopRotation`): R from the grid,
 * kernel velocity grid `velocity_grid(R, vsiniMax)`.
 *
 * @param nuGrid ESLOG wavenumber grid [cm⁻¹], ascending (e.g. from `wavenumberGrid`).
 * @param options `vsiniMax` [km/s] (default 100).
 * @returns The operator.
 * @throws {TypeError} If nuGrid is not a Float64Array of ≥ 2 points.
 * @throws {RangeError} If nuGrid is not ascending/positive/ESLOG or vsiniMax ≤ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createSopRotation } from "./sop.ts";
 * const nu = new Float64Array(200).map((_, i) => 4300 * Math.exp(i * 1e-5));
 * const sop = createSopRotation(nu, { vsiniMax: 20 });
 * const out = sop.rigidRotation(new Float64Array(200).fill(1), 10, 0.5, 0.1);
 * // R = 1e5, step c·ln(1 + 1/R) ≈ 2.998 km/s: 7 steps cover 20 km/s on each side
 * assert.strictEqual(sop.vGrid.length, 15);
 * assert.ok(Math.abs(out[100]! - 1) < 1e-12);
 * ```
 */
export function createSopRotation(
  nuGrid: Float64Array,
  options: SopRotationOptions = {},
): SopRotation {
  const nu = _checkEslog(nuGrid);
  const vsiniMax = _checkPositive(STAGE, options.vsiniMax ?? 100.0, "vsiniMax");
  const resolution = resolutionEslog(nu);
  const vGrid = velocityGrid(resolution, vsiniMax);
  return {
    nuGrid: nu,
    resolution,
    vGrid,
    rigidRotation(
      f: Float64Array,
      vsini: number,
      u1: number,
      u2: number,
    ): Float64Array {
      _checkLength(f, nu.length);
      return rigidRotation(f, vGrid, vsini, u1, u2);
    },
  };
}

/** Options of {@link createSopInstProfile}. */
export interface SopInstProfileOptions {
  /** Half-width of the kernel velocity grid [km/s] (default 1000). */
  vrMax?: number;
}

/** Instrument-profile and sampling operator on one ESLOG grid (see {@link createSopInstProfile}). */
export interface SopInstProfile {
  /** The ESLOG wavenumber grid [cm⁻¹]. */
  readonly nuGrid: Float64Array;
  /** Grid resolution R = (N − 1)/ln(ν_last/ν_0). */
  readonly resolution: number;
  /** Kernel velocity grid [km/s], odd length, symmetric. */
  readonly vGrid: Float64Array;
  /**
   * Gaussian instrumental profile (see `ipgauss`).
   * @param f Spectrum on nuGrid.
   * @param beta Gaussian standard deviation [km/s] (> 0).
   * @returns Convolved spectrum.
   */
  ipgauss(f: Float64Array, beta: number): Float64Array;
  /**
   * Linear sampling at nuObs · (1 + RV/c) (see `sampling`).
   * @param f Spectrum on nuGrid.
   * @param rvKms Radial velocity [km/s].
   * @param nuObs Observed wavenumbers [cm⁻¹].
   * @param outOfRange "clamp" (default, as ExoJAX) or "error".
   * @returns Sampled spectrum, length nuObs.length.
   */
  sampling(
    f: Float64Array,
    rvKms: number,
    nuObs: Float64Array,
    outOfRange?: OutOfRange,
  ): Float64Array;
}

/**
 * Builds an instrumental-profile + sampling operator on an ESLOG grid (ExoJAX
 * `SopInstProfile`): R from the grid, kernel velocity grid `velocity_grid(R, vrMax)`.
 * Note: ExoJAX's class default is vrmax = 100 km/s; its tutorials pass 1000, which is
 * the default here. The kernel is truncated at ±vrMax.
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
 * import { createSopInstProfile } from "./sop.ts";
 * const nu = new Float64Array(200).map((_, i) => 4300 * Math.exp(i * 1e-5));
 * const sop = createSopInstProfile(nu, { vrMax: 20 });
 * const f = sop.ipgauss(new Float64Array(200).fill(1), 3);
 * assert.ok(Math.abs(sop.sampling(f, 5, new Float64Array([4300.5]))[0]! - 1) < 1e-12);
 * ```
 */
export function createSopInstProfile(
  nuGrid: Float64Array,
  options: SopInstProfileOptions = {},
): SopInstProfile {
  const nu = _checkEslog(nuGrid);
  const vrMax = _checkPositive(STAGE, options.vrMax ?? 1000.0, "vrMax");
  const resolution = resolutionEslog(nu);
  const vGrid = velocityGrid(resolution, vrMax);
  return {
    nuGrid: nu,
    resolution,
    vGrid,
    ipgauss(f: Float64Array, beta: number): Float64Array {
      _checkLength(f, nu.length);
      return ipgauss(f, vGrid, beta);
    },
    sampling(
      f: Float64Array,
      rvKms: number,
      nuObs: Float64Array,
      outOfRange: OutOfRange = "clamp",
    ): Float64Array {
      _checkLength(f, nu.length);
      return sampling(f, nu, rvKms, nuObs, { outOfRange });
    },
  };
}
