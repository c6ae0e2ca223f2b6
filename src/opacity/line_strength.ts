/**
 * Line strength S(T) of molecular lines and the partition-function ratio Q(T)/Q(Tref),
 * following ExoJAX v2.0 (`exojax/spec/hitran.py` `line_strength`, `exomol.py`).
 *
 * S(T) = S(Tref) · (Q(Tref)/Q(T)) · exp(−c₂E″(1/T − 1/Tref)) · (1 − e^{−c₂ν/T}) / (1 − e^{−c₂ν/Tref}),
 * with S in cm/molecule, ν and E″ in cm⁻¹, T in K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lineStrength } from "./line_strength.ts";
 * const s = lineStrength(new Float64Array([1e-20]), new Float64Array([4350]), new Float64Array([1000]), 2.0, 1000);
 * // S = S_ref/(Q/Q_ref) e^{−c₂E″(1/T − 1/Tref)} (1 − e^{−c₂ν/T})/(1 − e^{−c₂ν/Tref}), evaluated
 * // with numpy for c₂ = 1.4387773538277202 cm K: 1.5285339534799917e-19 (≈ 15 S_ref)
 * assert.ok(Math.abs(s[0]! / 1.5285339534799917e-19 - 1) < 1e-13);
 * ```
 *
 * @module
 */

import { C2, TREF } from "../constants.ts";
import type { PartitionFunction } from "../db/types.ts";
import { partitionFunctionAt } from "../db/partition_function.ts";
import { NonFiniteError } from "../errors.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "opacity.line_strength";

/**
 * Line strength of one line at temperature `t`.
 *
 * @param sRef Line strength at `tref` [cm/molecule].
 * @param nu Line centre [cm⁻¹].
 * @param elower Lower-state energy E″ [cm⁻¹].
 * @param qRatio Partition-function ratio Q(t)/Q(tref).
 * @param t Temperature [K], finite and > 0.
 * @param tref Reference temperature of `sRef` [K] (default 296 K).
 * @returns S(t) [cm/molecule].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lineStrengthScalar } from "./line_strength.ts";
 * // At T = Tref and Q ratio 1 the strength is unchanged.
 * assert.ok(Math.abs(lineStrengthScalar(2e-21, 4350, 500, 1, 296) / 2e-21 - 1) < 1e-15);
 * // S ∝ 1/Q: doubling the partition function halves it.
 * assert.ok(Math.abs(lineStrengthScalar(2e-21, 4350, 500, 2, 296) / 1e-21 - 1) < 1e-15);
 * ```
 */
export function lineStrengthScalar(
  sRef: number,
  nu: number,
  elower: number,
  qRatio: number,
  t: number,
  tref: number = TREF,
): number {
  _checkPositive(t, "t", STAGE);
  _checkPositive(tref, "tref", STAGE);
  _checkPositive(qRatio, "qRatio", STAGE);
  return _strength(sRef, nu, elower, 1 / qRatio, 1 / t - 1 / tref, t, tref);
}

/**
 * Line strengths of many lines at temperature `t` (see the module formula).
 *
 * @param sRef Line strengths at `tref` [cm/molecule].
 * @param nu Line centres [cm⁻¹] (same length as `sRef`).
 * @param elower Lower-state energies E″ [cm⁻¹] (same length).
 * @param qRatio Partition-function ratio Q(t)/Q(tref), > 0.
 * @param t Temperature [K], finite and > 0.
 * @param tref Reference temperature of `sRef` [K] (default 296 K).
 * @param out Optional output array of the same length.
 * @returns S(t) per line [cm/molecule].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lineStrength } from "./line_strength.ts";
 * const s = lineStrength(
 *   new Float64Array([1e-20, 2e-20]),
 *   new Float64Array([4350, 4351]),
 *   new Float64Array([0, 3000]),
 *   1,
 *   296,
 * );
 * // T = Tref, Q ratio 1: every strength is unchanged, whatever E″.
 * assert.ok(Math.abs(s[0]! / 1e-20 - 1) < 1e-15);
 * assert.ok(Math.abs(s[1]! / 2e-20 - 1) < 1e-15);
 * ```
 */
export function lineStrength(
  sRef: Float64Array,
  nu: Float64Array,
  elower: Float64Array,
  qRatio: number,
  t: number,
  tref: number = TREF,
  out?: Float64Array,
): Float64Array {
  _checkF64(sRef, "sRef");
  _checkSameLength(nu, "nu", sRef.length);
  _checkSameLength(elower, "elower", sRef.length);
  _checkPositive(t, "t", STAGE);
  _checkPositive(tref, "tref", STAGE);
  _checkPositive(qRatio, "qRatio", STAGE);
  const res = out ?? new Float64Array(sRef.length);
  _checkSameLength(res, "out", sRef.length);
  const iq = 1 / qRatio;
  const dt = 1 / t - 1 / tref;
  for (let i = 0; i < sRef.length; i++) {
    res[i] = _strength(sRef[i]!, nu[i]!, elower[i]!, iq, dt, t, tref);
  }
  return res;
}

/**
 * Partition-function ratio Q(t)/Q(tref), both linearly interpolated in the table
 * (`partitionFunctionAt`, as ExoJAX's `qr_interp`).
 *
 * @param pf Tabulated partition function (ascending `t`).
 * @param t Temperature [K], inside the table's range.
 * @param tref Reference temperature [K] (default 296 K), inside the table's range.
 * @returns Q(t)/Q(tref).
 * @throws {RangeError} When `t` or `tref` is outside the table or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { partitionRatio } from "./line_strength.ts";
 * const pf = { t: new Float64Array([100, 300, 1000]), q: new Float64Array([10, 30, 100]) };
 * // Q(650) = 30 + (350/700) · 70 = 65 (midway in [300, 1000]), Q(300) = 30: 65/30 = 13/6
 * assert.ok(Math.abs(partitionRatio(pf, 650, 300) - 13 / 6) < 1e-15);
 * ```
 */
export function partitionRatio(
  pf: PartitionFunction,
  t: number,
  tref: number = TREF,
): number {
  _checkPositive(t, "t", STAGE);
  _checkPositive(tref, "tref", STAGE);
  return partitionFunctionAt(pf, t) / partitionFunctionAt(pf, tref);
}

function _strength(
  s: number,
  nu: number,
  e: number,
  iq: number,
  dt: number,
  t: number,
  tref: number,
): number {
  // expm1 keeps (1 − e^{−c₂ν/T}) accurate for small c₂ν/T.
  return s * iq * Math.exp(-C2 * e * dt) * Math.expm1(-C2 * nu / t) /
    Math.expm1(-C2 * nu / tref);
}

// ---- private validation helpers shared by the opacity calculators ----

/**
 * Throws TypeError unless x is a number, {@link NonFiniteError} (naming `stage` and `name`)
 * unless finite. Private.
 */
export function _checkFiniteNumber(
  x: unknown,
  name: string,
  stage = "opacity",
): number {
  if (typeof x !== "number") {
    throw new TypeError(`${name} must be a number, got ${typeof x}`);
  }
  if (!Number.isFinite(x)) {
    throw new NonFiniteError(
      stage,
      name,
      x,
      `${name} must be finite, got ${x}`,
    );
  }
  return x;
}

/** Throws unless x is a finite number > 0 (NonFiniteError for NaN/±∞). Private. */
export function _checkPositive(
  x: unknown,
  name: string,
  stage = "opacity",
): number {
  _checkFiniteNumber(x, name, stage);
  if (!((x as number) > 0)) {
    throw new RangeError(`${name} must be > 0, got ${x}`);
  }
  return x as number;
}

/** Throws a TypeError unless x is a Float64Array. Private. */
export function _checkF64(x: unknown, name: string): Float64Array {
  if (!(x instanceof Float64Array)) {
    const d = x === null
      ? "null"
      : typeof x === "object"
      ? ((x as object).constructor?.name ?? "object")
      : typeof x;
    throw new TypeError(`${name} must be a Float64Array, got ${d}`);
  }
  return x;
}

/** Throws a TypeError unless x is a Float64Array of length n. Private. */
export function _checkSameLength(
  x: unknown,
  name: string,
  n: number,
): Float64Array {
  const a = _checkF64(x, name);
  if (a.length !== n) {
    throw new TypeError(`${name} must have length ${n}, got ${a.length}`);
  }
  return a;
}
