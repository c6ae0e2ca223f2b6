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
 * import { dopplerSigma, gammaLorentz } from "./widths.ts";
 * console.log(dopplerSigma(4350, 1000, 28.0101) > gammaLorentz(1e-3, 1000, 0.07, 0.5)); // true
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
 * import { dopplerSigma } from "./widths.ts";
 * console.log(dopplerSigma(1e4, 400, 4).toPrecision(8)); // 0.030415595
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
 * import { dopplerSigmaArray } from "./widths.ts";
 * console.log(dopplerSigmaArray(new Float64Array([1e4, 2e4]), 400, 4)[1]!.toPrecision(7)); // 0.06083119
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
 * import { gammaLorentz } from "./widths.ts";
 * console.log(gammaLorentz(2, 1184, 0.07, 0.5)); // 0.07
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
 * import { gammaLorentzArray } from "./widths.ts";
 * const g = gammaLorentzArray(1, 296, new Float64Array([0.07, 0.05]), new Float64Array([0.5, 0.6]));
 * console.log(g[1]); // 0.05
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
 * import { gammaNatural } from "./widths.ts";
 * console.log(gammaNatural(1e8)); // 0.00026544188
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
 * import { gammaNaturalArray } from "./widths.ts";
 * console.log(gammaNaturalArray(new Float64Array([0, 1e8]))[1]); // 0.00026544188
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
