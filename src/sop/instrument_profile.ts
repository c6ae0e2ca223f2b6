/**
 * Gaussian instrumental profile (ExoJAX `utils/instfunc.py` `resolution_to_gaussian_std`,
 * `spec/response.py` `ipgauss`).
 *
 * @module
 */

import { C_KMS } from "../constants.ts";
import { convolveCentered } from "./convolve.ts";
import {
  _checkArray,
  _checkPositive,
  _checkVelocityGrid,
} from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
/** Stage named by the errors of the instrument profile's validators (shared with its wasm glue). */
export const _IP_STAGE = "sop.instrument_profile";
const STAGE = _IP_STAGE;

/**
 * Standard deviation of a Gaussian velocity profile whose FWHM is c/R:
 * β = c / (2 √(2 ln 2) R) [km/s].
 *
 * @param resolution Spectral resolving power R = λ/Δλ (> 0).
 * @returns β [km/s].
 * @throws {TypeError} If resolution is not a number.
 * @throws {RangeError} If resolution is not finite or ≤ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolutionToGaussianStd } from "./instrument_profile.ts";
 * // c / (2 √(2 ln 2) · 1e5) with c = 299792.458 km/s
 * assert.ok(Math.abs(resolutionToGaussianStd(100000) - 1.2731013507066515) < 1e-12);
 * ```
 */
export function resolutionToGaussianStd(resolution: number): number {
  _checkPositive(STAGE, resolution, "resolution");
  return C_KMS / (2.0 * Math.sqrt(2.0 * Math.log(2.0)) * resolution);
}

/**
 * Gaussian kernel exp(−v²/(2β²)) on a velocity grid, normalised to unit sum
 * (computed as x = v/β, exp(−x²/2), as ExoJAX does).
 *
 * @param vGrid Velocity grid [km/s].
 * @param beta Gaussian standard deviation β [km/s] (> 0).
 * @returns Kernel values at vGrid, summing to 1.
 * @throws {TypeError} If vGrid is not a non-empty Float64Array or beta not a number.
 * @throws {RangeError} If beta ≤ 0 or not finite, or the kernel underflows to zero everywhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gaussianKernel } from "./instrument_profile.ts";
 * const k = gaussianKernel(new Float64Array([-1, 0, 1]), 1);
 * assert.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-12);
 * assert.ok(Math.abs(k[1]! - 1 / (1 + 2 * Math.exp(-0.5))) < 1e-12);
 * ```
 */
export function gaussianKernel(
  vGrid: Float64Array,
  beta: number,
): Float64Array {
  _checkArray(STAGE, vGrid, "vGrid");
  _checkPositive(STAGE, beta, "beta");
  const k = new Float64Array(vGrid.length);
  let sum = 0;
  for (let i = 0; i < vGrid.length; i++) {
    const x = vGrid[i]! / beta;
    k[i] = Math.exp(-x * x / 2.0);
    sum += k[i]!;
  }
  if (!(sum > 0)) {
    throw new RangeError(
      `beta = ${beta} km/s gives an all-zero kernel on vGrid`,
    );
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/**
 * Applies a Gaussian instrumental profile of standard deviation β (velocity) to a
 * spectrum on an ESLOG grid: kernel-centred "same" convolution with
 * {@link gaussianKernel} (ExoJAX `ipgauss`). The kernel is truncated at ±max |vGrid|
 * (as in ExoJAX, no error), and the first/last (vGrid.length − 1)/2 points lose flux
 * because the spectrum is zero outside its ends.
 *
 * @param f Spectrum on an ESLOG wavenumber grid whose velocity step matches vGrid.
 * @param vGrid Symmetric, odd-length velocity grid [km/s] centred on 0.
 * @param beta Gaussian standard deviation [km/s] (> 0), e.g. {@link resolutionToGaussianStd}.
 * @returns Convolved spectrum, same length as f.
 * @throws {TypeError} On wrong types or an even-length vGrid.
 * @throws {RangeError} If beta ≤ 0 / not finite, or vGrid is not symmetric.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgauss } from "./instrument_profile.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array(9).fill(1);
 * // a unit-sum kernel leaves a flat spectrum unchanged away from the ends
 * assert.ok(Math.abs(ipgauss(f, v, 1)[4]! - 1) < 1e-12);
 * ```
 */
export function ipgauss(
  f: Float64Array,
  vGrid: Float64Array,
  beta: number,
): Float64Array {
  _checkArray(STAGE, f, "f");
  _checkVelocityGrid(STAGE, vGrid);
  return convolveCentered(f, gaussianKernel(vGrid, beta));
}
