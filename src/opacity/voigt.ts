/**
 * The Voigt line profile in ExoJAX's convention (`exojax/spec/lpf.py` `voigt`):
 * V(x; β_D, γ_L) = Re w((x + iγ_L)/(√2 β_D)) / (√(2π) β_D), with β_D the Gaussian
 * standard deviation and γ_L the Lorentz half width at half maximum, both in cm⁻¹.
 * V is normalised: ∫ V dx = 1 [1/cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { voigtProfile } from "./voigt.ts";
 * // Gaussian limit: V(0; β, 0) = 1/(√(2π) β) = 0.398942... for β = 1
 * assert.ok(Math.abs(voigtProfile(0, 1, 0) - 1 / Math.sqrt(2 * Math.PI)) < 1e-15);
 * // V(1; 0.5, 0.1) from scipy.special.voigt_profile(1, 0.5, 0.1)
 * assert.ok(Math.abs(voigtProfile(1, 0.5, 0.1) / 0.13772677331907787 - 1) < 1e-13);
 * ```
 *
 * @module
 */

import { faddeevaRe } from "../special/faddeeva.ts";
import { NonFiniteError } from "../errors.ts";

/** Stage named by the NonFiniteErrors this module throws. */
const STAGE = "opacity.voigt";

const _INV_SQRT2 = 1 / Math.SQRT2;
const _INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function _checkWidths(betaD: number, gammaL: number, fn: string): void {
  if (typeof betaD !== "number") {
    throw new TypeError(`${fn}: betaD must be a number, got ${typeof betaD}`);
  }
  if (typeof gammaL !== "number") {
    throw new TypeError(`${fn}: gammaL must be a number, got ${typeof gammaL}`);
  }
  if (!(betaD >= 0) || !Number.isFinite(betaD)) {
    const msg = `${fn}: betaD must be finite and >= 0, got ${betaD}`;
    if (!Number.isFinite(betaD)) {
      throw new NonFiniteError(STAGE, "betaD", betaD, msg);
    }
    throw new RangeError(msg);
  }
  if (!(gammaL >= 0) || !Number.isFinite(gammaL)) {
    const msg = `${fn}: gammaL must be finite and >= 0, got ${gammaL}`;
    if (!Number.isFinite(gammaL)) {
      throw new NonFiniteError(STAGE, "gammaL", gammaL, msg);
    }
    throw new RangeError(msg);
  }
  if (betaD === 0 && gammaL === 0) {
    throw new RangeError(
      `${fn}: betaD and gammaL are both 0 (a delta function)`,
    );
  }
}

function _voigt(x: number, betaD: number, gammaL: number): number {
  if (betaD === 0) return gammaL / (Math.PI * (x * x + gammaL * gammaL));
  const s = _INV_SQRT2 / betaD;
  return faddeevaRe(x * s, gammaL * s) * _INV_SQRT_2PI / betaD;
}

/**
 * Voigt profile at one offset from the line centre.
 *
 * The limits are exact: `gammaL = 0` gives the Gaussian e^{−x²/(2β²)}/(√(2π)β) and
 * `betaD = 0` the Lorentzian γ/(π(x² + γ²)).
 *
 * @param x Offset from the line centre [cm⁻¹].
 * @param betaD Doppler width, Gaussian standard deviation [cm⁻¹], ≥ 0.
 * @param gammaL Lorentz half width at half maximum [cm⁻¹], ≥ 0 (not both 0).
 * @returns V(x) [1/cm⁻¹].
 * @throws {TypeError} If an argument is not a number.
 * @throws {RangeError} If x is not finite, a width is negative or not finite, or both are 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { voigtProfile } from "./voigt.ts";
 * // Lorentz limit γ/(π(x² + γ²)): 1/π at the centre, half of it at x = γ (HWHM)
 * assert.strictEqual(voigtProfile(0, 0, 1), 1 / Math.PI);
 * assert.ok(Math.abs(voigtProfile(1, 0, 1) - 1 / (2 * Math.PI)) < 1e-16);
 * // Gaussian limit e^{−x²/(2β²)}/(√(2π)β) at x = 2β
 * assert.ok(Math.abs(voigtProfile(1, 0.5, 0) - Math.exp(-2) / (0.5 * Math.sqrt(2 * Math.PI))) < 1e-15);
 * ```
 */
export function voigtProfile(x: number, betaD: number, gammaL: number): number {
  if (typeof x !== "number") {
    throw new TypeError(`voigtProfile(): x must be a number, got ${typeof x}`);
  }
  if (!Number.isFinite(x)) {
    throw new NonFiniteError(
      STAGE,
      "x",
      x,
      `voigtProfile(): x must be finite, got ${x}`,
    );
  }
  _checkWidths(betaD, gammaL, "voigtProfile()");
  return _voigt(x, betaD, gammaL);
}

/**
 * Voigt profile on an array of offsets (same widths for every element).
 *
 * @param x Offsets from the line centre [cm⁻¹].
 * @param betaD Doppler width, Gaussian standard deviation [cm⁻¹], ≥ 0.
 * @param gammaL Lorentz half width at half maximum [cm⁻¹], ≥ 0 (not both 0).
 * @param out Optional output array, same length as `x` (may be `x` itself).
 * @returns V(x) [1/cm⁻¹] per element.
 * @throws {TypeError} If `x` or `out` is not a Float64Array or `out` has the wrong length.
 * @throws {RangeError} If an element of x is not finite, or a width is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { voigtProfileArray } from "./voigt.ts";
 * const v = voigtProfileArray(new Float64Array([-1, 0, 1]), 0.5, 0.1);
 * assert.strictEqual(v[0], v[2]); // even in x
 * // scipy.special.voigt_profile([0, 1], 0.5, 0.1) = 0.6849676317429428, 0.13772677331907787
 * assert.ok(Math.abs(v[1]! / 0.6849676317429428 - 1) < 1e-13);
 * assert.ok(Math.abs(v[2]! / 0.13772677331907787 - 1) < 1e-13);
 * // normalised: ∫V dx = 1; the trapezoid sum on [−100, 100] misses the Lorentz tails,
 * // 2 · (γ/π)/100 ≈ 6.4e-4 (+ O(1/100³))
 * const x = Float64Array.from({ length: 200001 }, (_, i) => -100 + i * 1e-3);
 * const w = voigtProfileArray(x, 0.5, 0.1);
 * let sum = 0;
 * for (let i = 0; i < w.length; i++) sum += w[i]! * 1e-3;
 * sum -= 0.5e-3 * (w[0]! + w[w.length - 1]!);
 * assert.ok(Math.abs(sum + 0.2 / (100 * Math.PI) - 1) < 1e-7);
 * ```
 */
export function voigtProfileArray(
  x: Float64Array,
  betaD: number,
  gammaL: number,
  out?: Float64Array,
): Float64Array {
  if (!(x instanceof Float64Array)) {
    throw new TypeError("voigtProfileArray(): x must be a Float64Array");
  }
  _checkWidths(betaD, gammaL, "voigtProfileArray()");
  const res = out ?? new Float64Array(x.length);
  if (!(res instanceof Float64Array) || res.length !== x.length) {
    throw new TypeError(
      `voigtProfileArray(): out must be a Float64Array of length ${x.length}, got length ${
        (res as { length?: number }).length
      }`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    if (!Number.isFinite(xi)) {
      throw new NonFiniteError(
        STAGE,
        `x[${i}]`,
        xi,
        `voigtProfileArray(): x[${i}] must be finite, got ${xi}`,
      );
    }
    res[i] = _voigt(xi, betaD, gammaL);
  }
  return res;
}
