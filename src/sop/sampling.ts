/**
 * Sampling of a model spectrum onto an instrumental wavenumber grid with a radial
 * velocity shift (ExoJAX `spec/response.py` `sampling`).
 *
 * @module
 */

import { C_KMS } from "../constants.ts";
import { _checkArray, _checkAscendingGrid, _checkFinite } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.sampling";

/** What {@link sampling} does with shifted points outside the model grid. */
export type OutOfRange = "clamp" | "error";

/** Options of {@link sampling}. */
export interface SamplingOptions {
  /**
   * "clamp" (default, as ExoJAX's `jnp.interp`): points below/above the grid take the
   * first/last model value. "error": throw a RangeError naming the first such point.
   */
  outOfRange?: OutOfRange;
}

/**
 * Samples a spectrum at observed wavenumbers with radial velocity RV:
 * F_obs(ν_obs) = interp(ν_obs · (1 + RV/c), ν_grid, F), linear, with `numpy.interp`
 * semantics (exact node values, clamping to the end values outside the grid unless
 * `outOfRange: "error"`). Positive RV (receding source) moves lines to lower ν_obs.
 *
 * @param f Model spectrum on nuGrid.
 * @param nuGrid Model wavenumber grid [cm⁻¹], strictly ascending (any spacing).
 * @param rvKms Radial velocity [km/s] (finite).
 * @param nuObs Observed wavenumbers [cm⁻¹] (any order, finite).
 * @param options See {@link SamplingOptions}.
 * @returns Sampled spectrum, same length as nuObs.
 * @throws {TypeError} On wrong types, f.length ≠ nuGrid.length or nuGrid shorter than 2.
 * @throws {RangeError} On non-finite values, a non-ascending nuGrid, or (with
 *   `outOfRange: "error"`) a shifted point outside [nuGrid[0], nuGrid[last]].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sampling } from "./sampling.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const f = new Float64Array([0, 10, 20]);
 * // midpoint, then the two clamped ends (exact in f64)
 * assert.deepStrictEqual(Array.from(sampling(f, nu, 0, new Float64Array([1.5, 0.5, 4]))), [5, 0, 20]);
 * ```
 */
export function sampling(
  f: Float64Array,
  nuGrid: Float64Array,
  rvKms: number,
  nuObs: Float64Array,
  options: SamplingOptions = {},
): Float64Array {
  _checkArray(STAGE, f, "f");
  const xp = _checkAscendingGrid(STAGE, nuGrid, "nuGrid");
  _checkFinite(STAGE, rvKms, "rvKms");
  _checkArray(STAGE, nuObs, "nuObs");
  if (f.length !== xp.length) {
    throw new TypeError(
      `f length ${f.length} must equal nuGrid length ${xp.length}`,
    );
  }
  const mode = options.outOfRange ?? "clamp";
  if (mode !== "clamp" && mode !== "error") {
    throw new TypeError(
      `outOfRange must be "clamp" or "error", got ${String(mode)}`,
    );
  }
  const n = xp.length;
  const factor = 1.0 + rvKms / C_KMS;
  const out = new Float64Array(nuObs.length);
  for (let i = 0; i < nuObs.length; i++) {
    const x = nuObs[i]! * factor;
    if (x < xp[0]! || x > xp[n - 1]!) {
      if (mode === "error") {
        throw new RangeError(
          `nuObs[${i}] = ${
            nuObs[i]
          } shifted by rvKms = ${rvKms} gives ${x}, outside nuGrid [${xp[0]}, ${
            xp[n - 1]
          }]`,
        );
      }
      out[i] = x < xp[0]! ? f[0]! : f[n - 1]!;
      continue;
    }
    // largest j with xp[j] <= x (j ≤ n − 1)
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xp[mid]! <= x) lo = mid;
      else hi = mid;
    }
    const j = xp[hi]! <= x ? hi : lo;
    if (j === n - 1 || xp[j] === x) {
      out[i] = f[j]!;
    } else {
      const slope = (f[j + 1]! - f[j]!) / (xp[j + 1]! - xp[j]!);
      out[i] = slope * (x - xp[j]!) + f[j]!;
    }
  }
  return out;
}
