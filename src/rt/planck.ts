/**
 * Planck source function πB_ν (ExoJAX `spec/planck.py piBarr`), wavenumbers in cm⁻¹.
 *
 * @module
 */

import { C2, PLANCK_PI_CONST } from "../constants.ts";
import { _checkNu, _checkPositive, _checkTemperature } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.planck";

/**
 * Writes πB_ν(T) for every ν into out (no validation; internal fast path).
 * Uses expm1, which equals ExoJAX's exp(·) − 1 except where that loses precision.
 */
export function _planckPiRow(
  nu: Float64Array,
  t: number,
  out: Float64Array,
): void {
  for (let j = 0; j < nu.length; j++) {
    const v = nu[j]!;
    // argument rounded as ExoJAX's hcperk*nus/T (matters at ~x·1e-16 for large x = c₂ν/T)
    out[j] = (PLANCK_PI_CONST * v * v * v) / Math.expm1((C2 * v) / t);
  }
}

/**
 * πB_ν(T) = 3.741771790075259e-5 · ν³ / (e^{c₂ν/T} − 1) [erg/s/cm²/cm⁻¹].
 *
 * @param nu Wavenumbers [cm⁻¹], each finite and > 0.
 * @param t Temperature [K], finite and > 0.
 * @returns πB_ν at each wavenumber [erg/s/cm²/cm⁻¹].
 * @throws {TypeError} If nu is not a non-empty Float64Array.
 * @throws {RangeError} If a wavenumber or the temperature is not finite and positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { planckPi } from "./planck.ts";
 * const f = planckPi(new Float64Array([4000, 4100]), 1500);
 * // 2πhc²ν³/(e^{hcν/kT} − 1) with CODATA 2014 h = 6.626070040e-27 erg s, k = 1.38064852e-16 erg/K,
 * // c = 29979245800 cm/s (ExoJAX's constants), evaluated in 40-digit arithmetic (mpmath)
 * assert.ok(Math.abs(f[0]! / 52777.633617927109 - 1) < 1e-13);
 * assert.ok(Math.abs(f[1]! / 51533.55446817412 - 1) < 1e-13);
 * ```
 */
export function planckPi(nu: Float64Array, t: number): Float64Array {
  _checkNu(STAGE, nu);
  _checkPositive(STAGE, t, "t");
  const out = new Float64Array(nu.length);
  _planckPiRow(nu, t, out);
  return out;
}

/**
 * πB_ν(T_i) for a temperature profile: the source matrix [nlayer][nnu] (row-major, top first).
 *
 * @param nu Wavenumbers [cm⁻¹], length nnu, each finite and > 0.
 * @param t Temperatures [K], length nlayer, each finite and > 0.
 * @returns Source matrix πB [nlayer][nnu] in erg/s/cm²/cm⁻¹.
 * @throws {TypeError} If an argument is not a non-empty Float64Array.
 * @throws {RangeError} If a wavenumber or a temperature (named by layer) is not finite and positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { planckPi, planckPiMatrix } from "./planck.ts";
 * const nu = new Float64Array([4000, 4100]);
 * const m = planckPiMatrix(nu, new Float64Array([1000, 1500]));
 * assert.strictEqual(m.length, 4); // [2 layers][2 wavenumbers]
 * // row i is πB_ν(T_i), bit for bit as planckPi
 * assert.deepStrictEqual(m.subarray(0, 2), planckPi(nu, 1000));
 * assert.deepStrictEqual(m.subarray(2, 4), planckPi(nu, 1500));
 * // 2πhc²ν³/(e^{hcν/kT} − 1) at T = 1000 K (CODATA 2014 h, k as ExoJAX; 40-digit mpmath)
 * assert.ok(Math.abs(m[0]! / 7607.1575366580645 - 1) < 1e-13);
 * assert.ok(Math.abs(m[1]! / 7091.2674538977326 - 1) < 1e-13);
 * assert.ok(m[2]! > m[0]!); // hotter row is brighter at every ν
 * ```
 */
export function planckPiMatrix(
  nu: Float64Array,
  t: Float64Array,
): Float64Array {
  _checkNu(STAGE, nu);
  _checkTemperature(STAGE, t, "t");
  const nnu = nu.length;
  const out = new Float64Array(t.length * nnu);
  for (let i = 0; i < t.length; i++) {
    _planckPiRow(nu, t[i]!, out.subarray(i * nnu, (i + 1) * nnu));
  }
  return out;
}
