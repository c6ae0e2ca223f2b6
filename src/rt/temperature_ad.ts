/**
 * Derivatives of the power-law temperature profile {@linkcode powerlawTemperature} with respect to
 * (t0, alpha): a batched JVP and a VJP (pullback) rule.
 *
 * T_i = clip(T0 · P_i^α, tLow, tHigh), so inside the range ∂T_i/∂T0 = P_i^α and
 * ∂T_i/∂α = T0 · P_i^α · ln P_i.
 *
 * Subgradient of the clip (documented choice): a layer whose unclipped value lies strictly
 * outside [tLow, tHigh] has zero derivative; a layer exactly AT a boundary (T0 · P^α === tLow or
 * === tHigh) takes the one-sided derivative from inside the range, i.e. the unclipped derivative
 * (the forward also returns the unclipped value there).
 *
 * @module
 */

import { powerlawTemperature } from "./temperature.ts";
import { _checkRange } from "./_validate.ts";
import { _checkCotangent, _checkK, _checkTangent } from "./_common_ad.ts";
import type { StageJvp, StageVjp } from "../ad/first_order.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.temperature";

/** Tangents of {@linkcode powerlawTemperatureJvp}: K directions of (t0, alpha). */
export interface PowerlawTemperatureTangents {
  /** Number of tangent directions K (≥ 1). */
  k: number;
  /** Tangent of t0 [K], length K (null/omitted: zero). */
  t0?: Float64Array | null;
  /** Tangent of alpha, length K (null/omitted: zero). */
  alpha?: Float64Array | null;
}

/**
 * Layer sensitivities: dT0[i] = ∂T_i/∂T0 and dAlpha[i] = ∂T_i/∂α (zero where clipped, from
 * inside at exact equality with a boundary).
 */
function _sensitivities(
  pressure: Float64Array,
  t0: number,
  alpha: number,
  tLow: number,
  tHigh: number,
): { dT0: Float64Array; dAlpha: Float64Array } {
  const n = pressure.length;
  const dT0 = new Float64Array(n);
  const dAlpha = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = pressure[i]!;
    const pa = Math.pow(p, alpha);
    const t = t0 * pa;
    if (t < tLow || t > tHigh) continue; // clipped: zero derivative
    dT0[i] = pa;
    dAlpha[i] = t * Math.log(p);
  }
  return { dT0, dAlpha };
}

/**
 * Batched forward-mode derivative of {@linkcode powerlawTemperature} w.r.t. (t0, alpha).
 *
 * @param pressure Layer pressures [bar], length L, each finite and > 0.
 * @param t0 Temperature at 1 bar [K], > 0.
 * @param alpha Power-law index.
 * @param range Clipping range [tLow, tHigh] [K] (pass [0, Infinity] for none).
 * @param tangents K directions: tangent of t0 [K] and of alpha, each length K or null.
 * @returns A `StageJvp`: out = T [L] (as the forward) and dout [K][L] = ∂T/∂t0 · t0̇ + ∂T/∂α · α̇.
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For the forward's range errors, or a bad K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperatureJvp } from "./temperature_ad.ts";
 * const p = new Float64Array([0.01, 1, 100]);
 * const { out, dout } = powerlawTemperatureJvp(p, 1300, 0.1, [500, 1500], {
 *   k: 2,
 *   t0: new Float64Array([1, 0]), // direction 0: t0
 *   alpha: new Float64Array([0, 1]), // direction 1: alpha
 * });
 * assert.strictEqual(out[1], 1300);
 * // ∂T/∂T0 = P^α: 0.01^0.1 = 10^−0.2, 1 at 1 bar, 0 where clipped (100 bar: 2060 K > 1500 K)
 * assert.ok(Math.abs(dout[0]! - Math.pow(10, -0.2)) < 1e-15);
 * assert.strictEqual(dout[1], 1);
 * assert.strictEqual(dout[2], 0);
 * // ∂T/∂α = T0 P^α ln P: 1300 · 10^−0.2 · ln 0.01 at 0.01 bar, 0 at 1 bar, 0 where clipped
 * assert.ok(Math.abs(dout[3]! / (1300 * Math.pow(10, -0.2) * Math.log(0.01)) - 1) < 1e-15);
 * assert.strictEqual(dout[4], 0);
 * assert.strictEqual(dout[5], 0);
 * ```
 */
export function powerlawTemperatureJvp(
  pressure: Float64Array,
  t0: number,
  alpha: number,
  range: readonly [number, number],
  tangents: PowerlawTemperatureTangents,
): StageJvp {
  const out = powerlawTemperature(pressure, t0, alpha, range);
  const [tLow, tHigh] = _checkRange(STAGE, range);
  const k = _checkK(tangents?.k);
  const tt0 = _checkTangent(tangents.t0, "t0", k, 1);
  const tal = _checkTangent(tangents.alpha, "alpha", k, 1);
  const n = pressure.length;
  const tan = new Float64Array(k * n);
  if (tt0 === null && tal === null) return { out, dout: tan };
  const { dT0, dAlpha } = _sensitivities(pressure, t0, alpha, tLow, tHigh);
  for (let q = 0; q < k; q++) {
    const a = tt0 === null ? 0 : tt0[q]!;
    const b = tal === null ? 0 : tal[q]!;
    const off = q * n;
    for (let i = 0; i < n; i++) tan[off + i] = dT0[i]! * a + dAlpha[i]! * b;
  }
  return { out, dout: tan };
}

/**
 * {@linkcode powerlawTemperature} with its reverse-mode rule: the pullback maps a cotangent ct [L]
 * to [t0̄, ᾱ] = [Σ_i ct_i ∂T_i/∂t0, Σ_i ct_i ∂T_i/∂α], each a length-1 array.
 *
 * @param pressure Layer pressures [bar], length L, each finite and > 0.
 * @param t0 Temperature at 1 bar [K], > 0.
 * @param alpha Power-law index.
 * @param range Clipping range [tLow, tHigh] [K] (default [0, Infinity)).
 * @returns A `StageVjp`: out = T [L] and pullback(ct [L]) → [t0Bar [1], alphaBar [1]] (positional,
 *   the order of the powerlawTemperature primitive's inputs).
 * @throws {TypeError} If pressure (or later ct) has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperatureWithVjp } from "./temperature_ad.ts";
 * const p = new Float64Array([1, Math.E]);
 * const { pullback } = powerlawTemperatureWithVjp(p, 1000, 0.1);
 * // P = 1 bar: ∂T/∂T0 = P^α = 1, ∂T/∂α = T0 P^α ln P = 0
 * assert.deepStrictEqual(pullback(new Float64Array([1, 0])), [
 *   new Float64Array([1]),
 *   new Float64Array([0]),
 * ]);
 * // P = e bar: ∂T/∂T0 = e^0.1, ∂T/∂α = 1000 · e^0.1 · ln e = 1000 e^0.1
 * const [t0Bar, alphaBar] = pullback(new Float64Array([0, 1]));
 * assert.ok(Math.abs(t0Bar![0]! / Math.exp(0.1) - 1) < 1e-15);
 * assert.ok(Math.abs(alphaBar![0]! / (1000 * Math.exp(0.1)) - 1) < 1e-15);
 * ```
 */
export function powerlawTemperatureWithVjp(
  pressure: Float64Array,
  t0: number,
  alpha: number,
  range: readonly [number, number] = [0, Infinity],
): StageVjp {
  const res = powerlawTemperatureResiduals(pressure, t0, alpha, range);
  return {
    out: res.out,
    pullback(ct: Float64Array): Float64Array[] {
      const t0Bar = new Float64Array(1);
      const alphaBar = new Float64Array(1);
      powerlawTemperaturePullback(res, ct, t0Bar, alphaBar);
      return [t0Bar, alphaBar];
    },
  };
}

/** The forward of {@linkcode powerlawTemperature} and the residuals of its reverse-mode rule. */
export interface PowerlawTemperatureResiduals {
  /** T [K], [L] (as the forward). */
  out: Float64Array;
  /** ∂T_i/∂T0, [L] (zero where clipped). */
  dT0: Float64Array;
  /** ∂T_i/∂α [K], [L] (zero where clipped). */
  dAlpha: Float64Array;
}

/**
 * The forward {@linkcode powerlawTemperature} and the residuals its pullback
 * ({@linkcode powerlawTemperaturePullback}) reads: the layer sensitivities ∂T/∂T0 and ∂T/∂α.
 * {@linkcode powerlawTemperatureWithVjp} is these two functions.
 *
 * @param pressure Layer pressures [bar], length L, each finite and > 0.
 * @param t0 Temperature at 1 bar [K], > 0.
 * @param alpha Power-law index.
 * @param range Clipping range [tLow, tHigh] [K] (default [0, Infinity)).
 * @returns out = T [L], dT0 [L] and dAlpha [L] [K].
 * @throws {TypeError} If pressure is not a Float64Array.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperatureResiduals } from "./temperature_ad.ts";
 * const r = powerlawTemperatureResiduals(new Float64Array([1, 100]), 1000, 0.1, [0, 1200]);
 * assert.deepStrictEqual(Array.from(r.out), [1000, 1200]); // 1000 · 100^0.1 = 1585 K, clipped
 * assert.deepStrictEqual(Array.from(r.dT0), [1, 0]); // P^α at 1 bar; zero where clipped
 * assert.deepStrictEqual(Array.from(r.dAlpha), [0, 0]); // T0 P^α ln P: ln 1 = 0
 * ```
 */
export function powerlawTemperatureResiduals(
  pressure: Float64Array,
  t0: number,
  alpha: number,
  range: readonly [number, number] = [0, Infinity],
): PowerlawTemperatureResiduals {
  const out = powerlawTemperature(pressure, t0, alpha, range);
  const [tLow, tHigh] = _checkRange(STAGE, range);
  const { dT0, dAlpha } = _sensitivities(pressure, t0, alpha, tLow, tHigh);
  return { out, dT0, dAlpha };
}

/**
 * The pullback of {@linkcode powerlawTemperature} from its residuals: t0̄ = Σ_i ct_i ∂T_i/∂T0 and
 * ᾱ = Σ_i ct_i ∂T_i/∂α, written into `t0Bar[0]` and `alphaBar[0]` (a length-0 output is skipped).
 * Pure in its inputs: it may be called any number of times with the same residuals.
 *
 * @param res The residuals (`dT0`, `dAlpha`; `out` is not read).
 * @param ct Cotangent of T, [L].
 * @param t0Bar Output [1] (or length 0: not wanted).
 * @param alphaBar Output [1] (or length 0: not wanted).
 * @throws {TypeError} If ct is not a Float64Array of length L.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperaturePullback, powerlawTemperatureResiduals } from "./temperature_ad.ts";
 * const r = powerlawTemperatureResiduals(new Float64Array([1, Math.E]), 1000, 0.1);
 * const t0Bar = new Float64Array(1);
 * powerlawTemperaturePullback(r, new Float64Array([1, 0]), t0Bar, new Float64Array(0));
 * assert.strictEqual(t0Bar[0], 1); // ∂T/∂T0 = P^α = 1 at 1 bar
 * ```
 */
export function powerlawTemperaturePullback(
  res: Pick<PowerlawTemperatureResiduals, "dT0" | "dAlpha">,
  ct: Float64Array,
  t0Bar: Float64Array,
  alphaBar: Float64Array,
): void {
  const { dT0, dAlpha } = res;
  const n = dT0.length;
  _checkCotangent(ct, n);
  let g0 = 0;
  let ga = 0;
  for (let i = 0; i < n; i++) {
    const c = ct[i]!;
    g0 += c * dT0[i]!;
    ga += c * dAlpha[i]!;
  }
  if (t0Bar.length !== 0) t0Bar[0] = g0;
  if (alphaBar.length !== 0) alphaBar[0] = ga;
}
