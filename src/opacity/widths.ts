/**
 * Line widths as ExoJAX v2.0 defines them (`exojax/spec/hitran.py` `doppler_sigma`,
 * `gamma_natural`; `exojax/spec/exomol.py` `gamma_exomol`):
 *
 * - Doppler Gaussian standard deviation β_D = 3.0415595e-7 · √(T/M) · ν [cm⁻¹] (not the HWHM);
 * - pressure (Lorentz) HWHM γ_L = α_ref · P[bar] · (Tref/T)^{n_T} [cm⁻¹];
 * - natural HWHM γ_N = A / (4πc) = 2.6544188e-12 · A [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { dopplerSigma, gammaLorentz } from "./widths.ts";
 * import { C_CGS, KB, MU } from "../constants.ts";
 * // CO at 1000 K and 1 mbar: the Doppler core dominates.
 * const betaD = dopplerSigma(4350, 1000, 28.0101);
 * const gammaL = gammaLorentz(1e-3, 1000, 0.07, 0.5);
 * // β_D = √(k_B T/m)/c · ν (DOPPLER_CONST is rounded to 8 digits, hence 1e-7)
 * const want = Math.sqrt(KB * 1000 / (28.0101 * MU)) / C_CGS * 4350;
 * assert.ok(Math.abs(betaD / want - 1) < 1e-7); // ≈ 7.9055e-3 cm⁻¹
 * assert.ok(Math.abs(gammaL - 7e-5 * Math.sqrt(0.296)) < 1e-18); // ≈ 3.808e-5 cm⁻¹
 * assert.ok(betaD > 100 * gammaL);
 * ```
 *
 * @module
 */

import { DOPPLER_CONST, GAMMA_NATURAL_CONST, TREF } from "../constants.ts";
import {
  _checkF64,
  _checkFiniteNumber,
  _checkPositive,
  _checkSameLength,
} from "./line_strength.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "opacity.widths";

/**
 * Doppler width of a line: Gaussian standard deviation (not HWHM).
 *
 * @param nu Line centre [cm⁻¹].
 * @param t Temperature [K], > 0.
 * @param molmass Molecular mass [u], > 0.
 * @returns β_D [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { dopplerSigma } from "./widths.ts";
 * import { C_CGS, KB, MU } from "../constants.ts";
 * // √(T/M) = 10 exactly, so β_D = 10 · DOPPLER_CONST · 1e4 = 0.030415595 cm⁻¹.
 * const b = dopplerSigma(1e4, 400, 4);
 * assert.ok(Math.abs(b - 0.030415595) < 1e-16); // f64 rounding
 * // and √(k_B T/m)/c · ν to the 8 digits of DOPPLER_CONST
 * assert.ok(Math.abs(b / (Math.sqrt(KB * 400 / (4 * MU)) / C_CGS * 1e4) - 1) < 1e-7);
 * ```
 */
export function dopplerSigma(nu: number, t: number, molmass: number): number {
  _checkFiniteNumber(nu, "nu", STAGE);
  _checkPositive(t, "t", STAGE);
  _checkPositive(molmass, "molmass", STAGE);
  return DOPPLER_CONST * Math.sqrt(t / molmass) * nu;
}

/**
 * Doppler widths (Gaussian standard deviations) of many lines.
 *
 * @param nu Line centres [cm⁻¹].
 * @param t Temperature [K], > 0.
 * @param molmass Molecular mass [u], > 0.
 * @param out Optional output array of the same length as `nu`.
 * @returns β_D per line [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { dopplerSigmaArray } from "./widths.ts";
 * const b = dopplerSigmaArray(new Float64Array([1e4, 2e4]), 400, 4);
 * // β_D ∝ ν: 10 · DOPPLER_CONST · ν, i.e. 0.030415595 and 0.06083119 cm⁻¹
 * assert.ok(Math.abs(b[0]! - 0.030415595) < 1e-16);
 * assert.ok(Math.abs(b[1]! - 0.06083119) < 1e-16);
 * assert.strictEqual(b[1], 2 * b[0]!);
 * ```
 */
export function dopplerSigmaArray(
  nu: Float64Array,
  t: number,
  molmass: number,
  out?: Float64Array,
): Float64Array {
  _checkF64(nu, "nu");
  _checkPositive(t, "t", STAGE);
  _checkPositive(molmass, "molmass", STAGE);
  const res = out ?? new Float64Array(nu.length);
  _checkSameLength(res, "out", nu.length);
  const f = DOPPLER_CONST * Math.sqrt(t / molmass);
  for (let i = 0; i < nu.length; i++) res[i] = f * nu[i]!;
  return res;
}

/**
 * Pressure-broadening (Lorentz) half width at half maximum, ExoMol convention.
 *
 * @param pBar Pressure [bar], ≥ 0.
 * @param t Temperature [K], > 0.
 * @param alphaRef Half width at 1 bar and `tref` [cm⁻¹ bar⁻¹], ≥ 0.
 * @param nTemp Temperature exponent n_T.
 * @param tref Reference temperature [K] (default 296 K).
 * @returns γ_L = α_ref · P · (tref/T)^{n_T} [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gammaLorentz } from "./widths.ts";
 * // α P (Tref/T)^n = 0.07 · 2 · (296/1184)^0.5 = 0.07 · 2 · 0.5
 * assert.ok(Math.abs(gammaLorentz(2, 1184, 0.07, 0.5) - 0.07) < 1e-17);
 * // γ = α at 1 bar and T = Tref
 * assert.ok(Math.abs(gammaLorentz(1, 296, 0.07, 0.5) - 0.07) < 1e-17);
 * ```
 */
export function gammaLorentz(
  pBar: number,
  t: number,
  alphaRef: number,
  nTemp: number,
  tref: number = TREF,
): number {
  _checkNonNegative(pBar, "pBar");
  _checkPositive(t, "t", STAGE);
  _checkNonNegative(alphaRef, "alphaRef");
  _checkFiniteNumber(nTemp, "nTemp", STAGE);
  _checkPositive(tref, "tref", STAGE);
  return alphaRef * pBar * Math.pow(tref / t, nTemp);
}

/**
 * Pressure-broadening half widths of many lines (see {@link gammaLorentz}).
 *
 * @param pBar Pressure [bar], ≥ 0.
 * @param t Temperature [K], > 0.
 * @param alphaRef Half widths at 1 bar and `tref` [cm⁻¹ bar⁻¹].
 * @param nTemp Temperature exponents (same length as `alphaRef`).
 * @param tref Reference temperature [K] (default 296 K).
 * @param out Optional output array of the same length.
 * @returns γ_L per line [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gammaLorentzArray } from "./widths.ts";
 * // At 1 bar and T = Tref every line keeps its reference width, whatever n.
 * const g = gammaLorentzArray(1, 296, new Float64Array([0.07, 0.05]), new Float64Array([0.5, 0.6]));
 * assert.ok(Math.abs(g[0]! - 0.07) < 1e-17 && Math.abs(g[1]! - 0.05) < 1e-17);
 * // At 4·Tref: γ = α (1/4)^n, i.e. 0.07/2 and 0.05 · 4^−0.6
 * const h = gammaLorentzArray(1, 1184, new Float64Array([0.07, 0.05]), new Float64Array([0.5, 0.6]));
 * assert.ok(Math.abs(h[0]! - 0.035) < 1e-16);
 * assert.ok(Math.abs(h[1]! - 0.05 * 4 ** -0.6) < 1e-16);
 * ```
 */
export function gammaLorentzArray(
  pBar: number,
  t: number,
  alphaRef: Float64Array,
  nTemp: Float64Array,
  tref: number = TREF,
  out?: Float64Array,
): Float64Array {
  _checkNonNegative(pBar, "pBar");
  _checkPositive(t, "t", STAGE);
  _checkPositive(tref, "tref", STAGE);
  _checkF64(alphaRef, "alphaRef");
  _checkSameLength(nTemp, "nTemp", alphaRef.length);
  const res = out ?? new Float64Array(alphaRef.length);
  _checkSameLength(res, "out", alphaRef.length);
  const lr = Math.log(tref / t);
  for (let i = 0; i < alphaRef.length; i++) {
    res[i] = alphaRef[i]! * pBar * Math.exp(nTemp[i]! * lr);
  }
  return res;
}

/**
 * Natural (radiation-damping) half width: γ_N = A / (4πc).
 *
 * @param einsteinA Einstein A coefficient [s⁻¹], ≥ 0.
 * @returns γ_N [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gammaNatural } from "./widths.ts";
 * import { C_CGS } from "../constants.ts";
 * // γ_N = A/(4πc) = 2.6544187e-4 cm⁻¹ for A = 1e8 s⁻¹ (the constant has 8 digits: 1e-7)
 * const g = gammaNatural(1e8);
 * assert.ok(Math.abs(g / (1e8 / (4 * Math.PI * C_CGS)) - 1) < 1e-7);
 * assert.ok(Math.abs(g - 0.00026544188) < 1e-16);
 * ```
 */
export function gammaNatural(einsteinA: number): number {
  _checkNonNegative(einsteinA, "einsteinA");
  return GAMMA_NATURAL_CONST * einsteinA;
}

/**
 * Natural half widths of many lines.
 *
 * @param einsteinA Einstein A coefficients [s⁻¹].
 * @param out Optional output array of the same length.
 * @returns γ_N per line [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gammaNaturalArray } from "./widths.ts";
 * import { C_CGS } from "../constants.ts";
 * const g = gammaNaturalArray(new Float64Array([0, 1e8]));
 * assert.strictEqual(g[0], 0);
 * // A/(4πc), to the 8 digits of GAMMA_NATURAL_CONST
 * assert.ok(Math.abs(g[1]! / (1e8 / (4 * Math.PI * C_CGS)) - 1) < 1e-7);
 * ```
 */
export function gammaNaturalArray(
  einsteinA: Float64Array,
  out?: Float64Array,
): Float64Array {
  _checkF64(einsteinA, "einsteinA");
  const res = out ?? new Float64Array(einsteinA.length);
  _checkSameLength(res, "out", einsteinA.length);
  for (let i = 0; i < einsteinA.length; i++) {
    res[i] = GAMMA_NATURAL_CONST * einsteinA[i]!;
  }
  return res;
}

function _checkNonNegative(x: unknown, name: string): number {
  _checkFiniteNumber(x, name, STAGE);
  if (!((x as number) >= 0)) {
    throw new RangeError(`${name} must be >= 0, got ${x}`);
  }
  return x as number;
}
