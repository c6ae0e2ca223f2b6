/**
 * Contribution function of emission, as ExoJAX `plot/atmplot.py plotcf` (used in the
 * get-started tutorial: `cf = plotcf(nu_grid, dtau, Tarr, art.pressure, art.dParr)`).
 *
 * @module
 */

import { C2 } from "../constants.ts";
import {
  _checkDtau,
  _checkNu,
  _checkPositiveProfile,
  _checkTemperature,
} from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.contribution";

/** Options of {@linkcode contributionFunction}. */
export interface ContributionOptions {
  /** Normalise each wavenumber column to unit sum over layers (default true, as ExoJAX). */
  normalize?: boolean;
}

/**
 * Contribution function cf[i][j] = e^{−τ_i} dτ_i (P_i/dP_i) ν_j³ / (e^{c₂ν_j/T_i} − 1), with
 * τ_i = Σ_(k≤i) dτ_k (cumulative including layer i, as ExoJAX), optionally normalised so that
 * Σ_i cf[i][j] = 1 for every j. A column whose raw sum is 0 (no opacity at all) is returned as
 * zeros instead of ExoJAX's NaN.
 *
 * @param dtau Layer optical depths [nlayer][nnu] row-major (top first), each ≥ 0.
 * @param temperature Layer temperatures [K], length nlayer.
 * @param pressure Layer pressures [bar], length nlayer.
 * @param dParr Layer pressure thicknesses [bar], length nlayer.
 * @param nu Wavenumbers [cm⁻¹], length nnu.
 * @param opts `normalize` (default true).
 * @returns The contribution function [nlayer][nnu] (dimensionless when normalised; otherwise in
 *   ExoJAX's units of ν³ [cm⁻³]).
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For NaN/negative dτ, non-positive T, P, dP or ν.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { contributionFunction } from "./contribution.ts";
 * const cf = contributionFunction(
 *   new Float64Array([0.5, 1, 2]), new Float64Array([900, 1000, 1100]),
 *   new Float64Array([0.1, 1, 10]), new Float64Array([0.1, 1, 10]), new Float64Array([4300]),
 * );
 * assert.ok(Math.abs(cf[0]! + cf[1]! + cf[2]! - 1) < 1e-15); // normalised column
 * // e^{−τ_i} dτ_i ν³/(e^{c₂ν/T_i} − 1) (P/dP = 1 here), τ = 0.5, 1.5, 3.5, normalised;
 * // c₂ = hc/k with CODATA 2014 h, k, in 40-digit mpmath
 * const ref = [0.31631631295412089, 0.46327909072889624, 0.22040459631698287];
 * for (let i = 0; i < 3; i++) assert.ok(Math.abs(cf[i]! / ref[i]! - 1) < 1e-14);
 * ```
 */
export function contributionFunction(
  dtau: Float64Array,
  temperature: Float64Array,
  pressure: Float64Array,
  dParr: Float64Array,
  nu: Float64Array,
  opts: ContributionOptions = {},
): Float64Array {
  const t = _checkTemperature(STAGE, temperature, "temperature");
  const nlayer = t.length;
  const p = _checkPositiveProfile(STAGE, pressure, "pressure", nlayer);
  const dp = _checkPositiveProfile(STAGE, dParr, "dParr", nlayer);
  const n = _checkNu(STAGE, nu);
  const nnu = n.length;
  const dt = _checkDtau(STAGE, dtau, nlayer, nnu);
  const normalize = opts.normalize ?? true;
  const cf = new Float64Array(nlayer * nnu);
  const tau = new Float64Array(nnu);
  const colsum = new Float64Array(nnu);
  for (let i = 0; i < nlayer; i++) {
    const off = i * nnu;
    const pr = p[i]! / dp[i]!;
    const a = C2 / t[i]!;
    for (let j = 0; j < nnu; j++) {
      const d = dt[off + j]!;
      const tj = tau[j]! + d;
      tau[j] = tj;
      const v = n[j]!;
      // e^{−τ}·dτ with dτ = τ = ∞ would be NaN; its limit is 0.
      const att = tj === Infinity ? 0 : Math.exp(-tj) * d;
      const c = (att * pr * (v * v * v)) / Math.expm1(a * v);
      cf[off + j] = c;
      colsum[j]! += c;
    }
  }
  if (normalize) {
    for (let j = 0; j < nnu; j++) {
      const s = colsum[j]!;
      const inv = s > 0 ? 1 / s : 0;
      for (let i = 0; i < nlayer; i++) cf[i * nnu + j]! *= inv;
    }
  }
  return cf;
}
