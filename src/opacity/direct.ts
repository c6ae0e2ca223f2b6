/**
 * Direct line-by-line cross section (ExoJAX `OpaDirect`, the reference method): at every
 * wavenumber grid point, the exact sum over all lines of S(T) · V(ν − ν_l; β_D, γ_L + γ_N),
 * with V the normalised Voigt profile, β_D the Doppler standard deviation, γ_L the ExoMol
 * pressure HWHM and γ_N the natural HWHM (ExoJAX's `OpaDirect` adds `gamma_natural(A)`).
 *
 * Cost is O(N_lines · N_ν) per layer; use PreMODIT for large line lists.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaDirect } from "./direct.ts";
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4350]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const nu = new Float64Array([4349.9, 4350, 4350.1]);
 * const xs = createOpaDirect(lines, nu).xsvector(1000, 1);
 * // σ = S(T)·V(ν − ν₀; β_D, γ_L + γ_N), with Q(1000) = 1 + 999²/2999 from the table and the
 * // profile from scipy.special.voigt_profile(dν, √(kT/m)/c·ν₀, 0.07·(296/1000)^0.5 + A/(4πc)):
 * // 1.329993589985809e-19 at the centre, 1.7763588859889715e-20 at ±0.1 cm⁻¹ (the rounded
 * // 8-digit Doppler and natural-width constants allow ~2e-9; 1e-8 is used)
 * assert.ok(Math.abs(xs[1]! / 1.329993589985809e-19 - 1) < 1e-8);
 * assert.ok(Math.abs(xs[0]! / 1.7763588859889715e-20 - 1) < 1e-8);
 * assert.ok(Math.abs(xs[2]! / xs[0]! - 1) < 1e-12); // symmetric about ν₀
 * ```
 *
 * @module
 */

import { C2, DOPPLER_CONST, GAMMA_NATURAL_CONST, TREF } from "../constants.ts";
import type { LineList } from "../db/types.ts";
import { partitionFunctionAt } from "../db/partition_function.ts";
import { NonFiniteError } from "../errors.ts";
import {
  _checkF64,
  _checkFiniteNumber,
  _checkPositive,
  _checkSameLength,
} from "./line_strength.ts";
import { voigtProfileArray } from "./voigt.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "opacity.direct";

/** Throws `message` as a NonFiniteError for NaN/±∞ `v`, else as a RangeError. */
function _refuse(parameter: string, v: number, message: string): never {
  if (!Number.isFinite(v)) {
    throw new NonFiniteError(STAGE, parameter, v, message);
  }
  throw new RangeError(message);
}

/** Direct (line-by-line) opacity calculator returned by {@link createOpaDirect}. */
export interface OpaDirect {
  /** The opacity method, as ExoJAX's `OpaDirect.method`: "lpf" (line profile function). */
  readonly method: "lpf";
  /** Wavenumber grid [cm⁻¹]. */
  readonly nuGrid: Float64Array;
  /** Number of lines summed. */
  readonly nLines: number;
  /**
   * Cross section at one temperature and pressure.
   *
   * @param t Temperature [K], finite, > 0, inside the partition-function table.
   * @param pBar Pressure [bar], finite, > 0.
   * @returns σ(ν) on `nuGrid` [cm²/molecule].
   */
  xsvector(t: number, pBar: number): Float64Array;
  /**
   * Cross sections of several layers.
   *
   * @param t Temperatures [K] per layer.
   * @param pBar Pressures [bar] per layer (same length).
   * @returns Row-major [nlayer][nnu] cross sections [cm²/molecule].
   */
  xsmatrix(t: Float64Array, pBar: Float64Array): Float64Array;
}

/**
 * Creates a direct line-by-line opacity calculator.
 *
 * @param lines Line list (ExoMol-like, `lineStrengthRef` at `lines.tref`, broadening at 296 K).
 * @param nuGrid Wavenumber grid [cm⁻¹] (any spacing).
 * @returns An {@link OpaDirect}.
 * @throws {TypeError} When arrays are not Float64Array or have mismatched lengths.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaDirect } from "./direct.ts";
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4350]), elower: new Float64Array([0]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaDirect(lines, new Float64Array([4349, 4350, 4351]));
 * const xs = opa.xsmatrix(new Float64Array([500, 900]), new Float64Array([0.1, 1]));
 * assert.strictEqual(xs.length, 6); // [2 layers][3 ν], row-major
 * assert.deepStrictEqual(xs.subarray(3), opa.xsvector(900, 1)); // row 1 = layer (900 K, 1 bar)
 * // line-centre values from scipy.special.voigt_profile (as in the module example; 1e-8
 * // for the 8-digit Doppler constant)
 * assert.ok(Math.abs(xs[1]! / 2.276039284366285e-19 - 1) < 1e-8);
 * assert.ok(Math.abs(xs[4]! / 2.552654096784323e-20 - 1) < 1e-8);
 * ```
 */
export function createOpaDirect(
  lines: LineList,
  nuGrid: Float64Array,
): OpaDirect {
  _checkLineList(lines);
  _checkF64(nuGrid, "nuGrid");
  if (nuGrid.length === 0) throw new TypeError("nuGrid must not be empty");
  for (let i = 0; i < nuGrid.length; i++) {
    _checkFiniteNumber(nuGrid[i], `nuGrid[${i}]`, STAGE);
  }
  const nu = nuGrid.slice();
  const nnu = nu.length;
  const nl = lines.nu.length;
  const gammaN = new Float64Array(nl);
  for (let i = 0; i < nl; i++) {
    gammaN[i] = GAMMA_NATURAL_CONST * lines.einsteinA[i]!;
  }
  const dx = new Float64Array(nnu);
  const prof = new Float64Array(nnu);

  function xsInto(
    t: number,
    pBar: number,
    out: Float64Array,
    off: number,
  ): void {
    _checkPositive(t, "t", STAGE);
    _checkPositive(pBar, "pBar", STAGE);
    const qr = partitionFunctionAt(lines.partitionFunction, t) / lines.qtref;
    const dtInv = 1 / t - 1 / lines.tref;
    const dop = DOPPLER_CONST * Math.sqrt(t / lines.molmass);
    const lr = Math.log(TREF / t);
    for (let l = 0; l < nl; l++) {
      const nul = lines.nu[l]!;
      const s = lines.lineStrengthRef[l]! / qr *
        Math.exp(-C2 * lines.elower[l]! * dtInv) *
        Math.expm1(-C2 * nul / t) / Math.expm1(-C2 * nul / lines.tref);
      if (s === 0) continue;
      const beta = dop * nul;
      const gam = lines.alphaRef[l]! * pBar * Math.exp(lines.nTemp[l]! * lr) +
        gammaN[l]!;
      for (let i = 0; i < nnu; i++) dx[i] = nu[i]! - nul;
      voigtProfileArray(dx, beta, gam, prof);
      for (let i = 0; i < nnu; i++) out[off + i] = out[off + i]! + s * prof[i]!;
    }
  }

  return {
    method: "lpf",
    nuGrid: nu,
    nLines: nl,
    xsvector(t: number, pBar: number): Float64Array {
      const out = new Float64Array(nnu);
      xsInto(t, pBar, out, 0);
      return out;
    },
    xsmatrix(t: Float64Array, pBar: Float64Array): Float64Array {
      _checkF64(t, "t");
      _checkSameLength(pBar, "pBar", t.length);
      const out = new Float64Array(t.length * nnu);
      for (let k = 0; k < t.length; k++) xsInto(t[k]!, pBar[k]!, out, k * nnu);
      return out;
    },
  };
}

/**
 * Validates the fields of a {@link LineList} used by the opacity calculators. Private.
 *
 * @param lines Candidate line list.
 */
export function _checkLineList(lines: LineList): void {
  if (lines === null || typeof lines !== "object") {
    throw new TypeError(`lines must be a LineList object, got ${lines}`);
  }
  const n = _checkF64(lines.nu, "lines.nu").length;
  _checkSameLength(lines.elower, "lines.elower", n);
  _checkSameLength(lines.einsteinA, "lines.einsteinA", n);
  _checkSameLength(lines.lineStrengthRef, "lines.lineStrengthRef", n);
  _checkSameLength(lines.alphaRef, "lines.alphaRef", n);
  _checkSameLength(lines.nTemp, "lines.nTemp", n);
  _checkPositive(lines.molmass, "lines.molmass", STAGE);
  _checkPositive(lines.tref, "lines.tref", STAGE);
  _checkPositive(lines.qtref, "lines.qtref", STAGE);
  for (let i = 0; i < n; i++) {
    if (!(lines.nu[i]! > 0) || !Number.isFinite(lines.nu[i]!)) {
      _refuse(
        `lines.nu[${i}]`,
        lines.nu[i]!,
        `lines.nu[${i}] must be finite and > 0, got ${lines.nu[i]}`,
      );
    }
    if (
      !(lines.lineStrengthRef[i]! >= 0) ||
      !Number.isFinite(lines.lineStrengthRef[i]!)
    ) {
      _refuse(
        `lines.lineStrengthRef[${i}]`,
        lines.lineStrengthRef[i]!,
        `lines.lineStrengthRef[${i}] must be finite and >= 0, got ${
          lines.lineStrengthRef[i]
        }`,
      );
    }
    if (!(lines.alphaRef[i]! >= 0) || !Number.isFinite(lines.alphaRef[i]!)) {
      _refuse(
        `lines.alphaRef[${i}]`,
        lines.alphaRef[i]!,
        `lines.alphaRef[${i}] must be finite and >= 0, got ${
          lines.alphaRef[i]
        }`,
      );
    }
    if (
      !Number.isFinite(lines.elower[i]!) || !Number.isFinite(lines.nTemp[i]!)
    ) {
      const bad = Number.isFinite(lines.elower[i]!) ? "nTemp" : "elower";
      throw new NonFiniteError(
        STAGE,
        `lines.${bad}[${i}]`,
        lines[bad][i]!,
        `lines.elower[${i}] and lines.nTemp[${i}] must be finite`,
      );
    }
  }
}
