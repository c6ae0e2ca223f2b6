/**
 * Temperature profiles (ExoJAX `atmprof_powerlow` + `ArtCommon.clip_temperature`).
 *
 * @module
 */

import {
  _checkF64,
  _checkFinite,
  _checkPositive,
  _checkRange,
  _refuse,
} from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.temperature";

/**
 * Power-law temperature profile T = T0 · P[bar]^α, clipped to [tLow, tHigh]
 * (ExoJAX `ArtCommon.powerlaw_temperature`; default range [0, ∞) as ExoJAX).
 *
 * @param pressure Layer pressures [bar], each finite and > 0.
 * @param t0 Temperature at P = 1 bar [K], > 0.
 * @param alpha Power-law index (finite).
 * @param range Optional clipping range [tLow, tHigh] in K, 0 ≤ tLow ≤ tHigh.
 * @returns Temperatures [K], one per layer.
 * @throws {TypeError} If pressure is not a Float64Array.
 * @throws {RangeError} If a pressure, t0, alpha or the range is out of bounds.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperature } from "./temperature.ts";
 * const t = powerlawTemperature(new Float64Array([0.01, 1, 100]), 1300, 0.1, [500, 1500]);
 * // 1300 · 0.01^0.1 = 1300 · 10^−0.2 = 820.24… K (inside the range)
 * assert.ok(Math.abs(t[0]! / (1300 * Math.pow(10, -0.2)) - 1) < 1e-15);
 * assert.strictEqual(t[1], 1300); // P = 1 bar: T = T0
 * assert.strictEqual(t[2], 1500); // 1300 · 100^0.1 = 2060 K, clipped to tHigh
 * assert.deepStrictEqual(Array.from(t, (x) => Math.round(x)), [820, 1300, 1500]);
 * ```
 */
export function powerlawTemperature(
  pressure: Float64Array,
  t0: number,
  alpha: number,
  range: readonly [number, number] = [0, Infinity],
): Float64Array {
  _checkF64(pressure, "pressure");
  _checkPositive(STAGE, t0, "t0");
  _checkFinite(STAGE, alpha, "alpha");
  const [tLow, tHigh] = _checkRange(STAGE, range);
  const out = new Float64Array(pressure.length);
  for (let i = 0; i < pressure.length; i++) {
    const p = pressure[i]!;
    if (!(Number.isFinite(p) && p > 0)) {
      _refuse(
        STAGE,
        `pressure[${i}]`,
        p,
        `pressure at layer ${i} must be finite and > 0 bar, got ${p}`,
      );
    }
    const t = t0 * Math.pow(p, alpha);
    out[i] = t < tLow ? tLow : t > tHigh ? tHigh : t;
  }
  return out;
}
