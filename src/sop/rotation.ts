/**
 * Rigid-rotation broadening with quadratic limb darkening (ExoJAX `spin_rotation.py`:
 * `rotkernel`, `convolve_rigid_rotation`).
 *
 * @module
 */

import { convolveCentered } from "./convolve.ts";
import {
  _checkArray,
  _checkFinite,
  _checkPositive,
  _checkVelocityGrid,
} from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.rotation";

/**
 * Rigid-rotation kernel on a velocity grid, normalised to unit sum. With x = v/vsini,
 * K(x) = π/2 · u1 (1 − x²) − 2/3 · √(1 − x²) (−3 + 3u1 + u2 + 2u2 x²) for x² ≤ 1, else 0
 * (the numerator of eq. 54 of Kawahara et al. 2022, exactly as ExoJAX's `rotkernel`),
 * then K / ΣK. For u1 = u2 = 0 it is ∝ √(1 − x²), with variance vsini²/4.
 *
 * @param vGrid Velocity grid [km/s] (e.g. from {@link createSopRotation}).
 * @param vsini Projected equatorial velocity [km/s], 0 < vsini ≤ max |vGrid|.
 * @param u1 Limb-darkening coefficient u1 (finite).
 * @param u2 Limb-darkening coefficient u2 (finite).
 * @returns Kernel values at vGrid, summing to 1.
 * @throws {TypeError} If vGrid is not a non-empty Float64Array or a parameter is not a number.
 * @throws {RangeError} If vsini ≤ 0, is not finite or exceeds max |vGrid| (the kernel would be
 *   truncated), if u1/u2 are not finite, or if the kernel sum is not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rotationKernel } from "./rotation.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const k = rotationKernel(v, 2, 0, 0);
 * assert.strictEqual(k[0], 0); // |x| = 1: the stellar limb
 * // u1 = u2 = 0: K ∝ √(1 − x²) = [0, √3/2, 1, √3/2, 0], so K̃_centre = 1/(1 + √3)
 * assert.ok(Math.abs(k[2]! - 1 / (1 + Math.sqrt(3))) < 1e-12);
 * ```
 */
export function rotationKernel(
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
): Float64Array {
  _checkArray(STAGE, vGrid, "vGrid");
  _checkPositive(STAGE, vsini, "vsini");
  _checkFinite(STAGE, u1, "u1");
  _checkFinite(STAGE, u2, "u2");
  let vmax = 0;
  for (let i = 0; i < vGrid.length; i++) {
    vmax = Math.max(vmax, Math.abs(vGrid[i]!));
  }
  if (vsini > vmax) {
    throw new RangeError(
      `vsini must not exceed the velocity grid's extent ${vmax} km/s (the kernel would be truncated), got ${vsini}`,
    );
  }
  const k = new Float64Array(vGrid.length);
  let sum = 0;
  for (let i = 0; i < vGrid.length; i++) {
    const x = vGrid[i]! / vsini;
    const x2 = x * x;
    if (x2 <= 1.0) {
      k[i] = Math.PI / 2.0 * u1 * (1.0 - x2) -
        2.0 / 3.0 * Math.sqrt(1.0 - x2) *
          (-3.0 + 3.0 * u1 + u2 + 2.0 * u2 * x2);
      sum += k[i]!;
    }
  }
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new RangeError(
      `rotation kernel sum must be positive, got ${sum} (vsini = ${vsini}, u1 = ${u1}, u2 = ${u2})`,
    );
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/**
 * Applies rigid rotation to a spectrum on an ESLOG grid: kernel-centred "same"
 * convolution with {@link rotationKernel} (ExoJAX `convolve_rigid_rotation`). The
 * spectrum is zero outside its ends, so the first and last (vGrid.length − 1)/2 points
 * lose flux (a flat spectrum drops to about 1/2 at the very ends).
 *
 * @param f Spectrum on an ESLOG wavenumber grid whose velocity step matches vGrid.
 * @param vGrid Symmetric, odd-length velocity grid [km/s] centred on 0.
 * @param vsini Projected equatorial velocity [km/s], 0 < vsini ≤ max |vGrid|.
 * @param u1 Limb-darkening coefficient u1.
 * @param u2 Limb-darkening coefficient u2.
 * @returns Broadened spectrum, same length as f.
 * @throws {TypeError} On wrong types or an even-length vGrid.
 * @throws {RangeError} On out-of-range parameters (see {@link rotationKernel}) or a non-symmetric vGrid.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotation } from "./rotation.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array(9).fill(1);
 * // a unit-sum kernel leaves a flat spectrum unchanged away from the ends
 * assert.ok(Math.abs(rigidRotation(f, v, 2, 0.5, 0)[4]! - 1) < 1e-12);
 * ```
 */
export function rigidRotation(
  f: Float64Array,
  vGrid: Float64Array,
  vsini: number,
  u1: number,
  u2: number,
): Float64Array {
  _checkArray(STAGE, f, "f");
  _checkVelocityGrid(STAGE, vGrid);
  return convolveCentered(f, rotationKernel(vGrid, vsini, u1, u2));
}
