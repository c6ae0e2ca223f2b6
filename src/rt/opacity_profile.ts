/**
 * Layer optical depths from cross sections and CIA coefficients, as ExoJAX
 * `ArtCommon.opacity_profile_xs` / `opacity_profile_cia` (spec/atmrt.py, spec/layeropacity.py).
 *
 * Matrices are row-major flat Float64Array [nlayer][nnu] (index layer·nnu + inu), top layer first.
 *
 * @module
 */

import { KB, LOG10_KB, LOG10_MU, OPACITY_FACTOR } from "../constants.ts";
import { NonFiniteError } from "../errors.ts";
import {
  _checkF64,
  _checkPositive,
  _checkPositiveProfile,
  _checkTemperature,
  _layerValue,
  _refuse,
} from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.opacity_profile";

/**
 * A constant mixing-ratio profile (ExoJAX `ArtCommon.constant_mmr_profile`).
 *
 * @param nlayer Number of layers (integer ≥ 1).
 * @param mmr Mass (or volume) mixing ratio, finite and ≥ 0.
 * @returns A Float64Array of length nlayer filled with mmr.
 * @throws {RangeError} If nlayer is not a positive integer or mmr is negative / not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { constantMmrProfile } from "./opacity_profile.ts";
 * assert.deepStrictEqual(constantMmrProfile(3, 0.01), new Float64Array([0.01, 0.01, 0.01]));
 * ```
 */
export function constantMmrProfile(nlayer: number, mmr: number): Float64Array {
  if (!(Number.isInteger(nlayer) && nlayer >= 1)) {
    throw new RangeError(`nlayer must be a positive integer, got ${nlayer}`);
  }
  if (!(typeof mmr === "number" && Number.isFinite(mmr) && mmr >= 0)) {
    const msg = `mmr must be finite and >= 0, got ${mmr}`;
    if (typeof mmr === "number") _refuse(STAGE, "mmr", mmr, msg);
    throw new RangeError(msg);
  }
  return new Float64Array(nlayer).fill(mmr);
}

/**
 * Number density of an ideal gas n = P·10⁶ / (k_B T) [cm⁻³] (ExoJAX `atm/idealgas.number_density`).
 *
 * @param pressureBar Pressure [bar], > 0.
 * @param temperature Temperature [K], > 0.
 * @returns Number density [cm⁻³].
 * @throws {RangeError} If pressure or temperature is not finite and positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { numberDensity } from "./opacity_profile.ts";
 * // the Loschmidt constant n₀(273.15 K, 100 kPa) = 2.6516467e19 cm⁻³ (CODATA 2014, the k_B used
 * // here); 8 significant digits given, hence the 1e-7 tolerance
 * assert.ok(Math.abs(numberDensity(1, 273.15) / 2.6516467e19 - 1) < 1e-7);
 * // n ∝ P/T
 * assert.ok(Math.abs(numberDensity(10, 546.3) / numberDensity(1, 273.15) - 5) < 1e-14);
 * ```
 */
export function numberDensity(
  pressureBar: number,
  temperature: number,
): number {
  _checkPositive(STAGE, pressureBar, "pressureBar");
  _checkPositive(STAGE, temperature, "temperature");
  return (pressureBar * 1.0e6) / (KB * temperature);
}

/**
 * Line (or any cross-section) optical depth per layer:
 * dτ = OPACITY_FACTOR · |σ| · dP · MMR / (M · g) (ExoJAX `layer_optical_depth`; the absolute value
 * of σ is taken as ExoJAX's art does, which discards tiny negative FFT residuals).
 *
 * @param xsmatrix Cross sections [cm²], [nlayer][nnu] row-major, or a single vector of length nnu
 *   used for every layer.
 * @param mmr Mass mixing ratio, a number or one value per layer (≥ 0).
 * @param molmass Molecular mass [u] (or the mean molecular weight when mmr is a VMR), > 0.
 * @param gravity Gravity [cm/s²], a number or one value per layer (> 0).
 * @param dParr Layer pressure thicknesses [bar], length nlayer.
 * @param nnu Number of wavenumber points.
 * @returns Optical depth matrix dτ [nlayer][nnu].
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} If a value is NaN, negative or otherwise out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXs } from "./opacity_profile.ts";
 * const dtau = opacityProfileXs(new Float64Array([1e-22, 2e-22]), 0.01, 28, 1e5, new Float64Array([0.1]), 2);
 * // dτ = σ · dP[dyn/cm²] · MMR / (M m_u g) with m_u = 1.66053904e-24 g:
 * // 1e-22 · 1e5 · 0.01 / (28 · 1.66053904e-24 · 1e5) = 0.0215076459233898…
 * assert.ok(Math.abs(dtau[0]! / 0.021507645923389862 - 1) < 1e-14);
 * assert.strictEqual(dtau[1]! / dtau[0]!, 2); // dτ ∝ σ, exactly (a factor 2 is exact in binary)
 * ```
 */
export function opacityProfileXs(
  xsmatrix: Float64Array,
  mmr: number | Float64Array,
  molmass: number,
  gravity: number | Float64Array,
  dParr: Float64Array,
  nnu: number,
): Float64Array {
  if (!(Number.isInteger(nnu) && nnu >= 1)) {
    throw new RangeError(`nnu must be a positive integer, got ${nnu}`);
  }
  const dp = _checkPositiveProfile(STAGE, dParr, "dParr");
  const nlayer = dp.length;
  const xs = _checkF64(xsmatrix, "xsmatrix");
  const isVector = xs.length === nnu && nlayer !== 1;
  if (!isVector && xs.length !== nlayer * nnu) {
    throw new TypeError(
      `xsmatrix must have length nlayer*nnu = ${nlayer}*${nnu} = ${
        nlayer * nnu
      } (or nnu = ${nnu}), got ${xs.length}`,
    );
  }
  _checkPositive(STAGE, molmass, "molmass");
  const mr = _layerValue(STAGE, mmr, "mmr", nlayer, true);
  const g = _layerValue(STAGE, gravity, "gravity", nlayer);
  const out = new Float64Array(nlayer * nnu);
  for (let i = 0; i < nlayer; i++) {
    const dpi = dp[i]!;
    const mi = mr(i);
    const denom = molmass * g(i);
    const off = i * nnu;
    const xoff = isVector ? 0 : off;
    for (let j = 0; j < nnu; j++) {
      const s = xs[xoff + j]!;
      if (!Number.isFinite(s)) {
        throw new NonFiniteError(
          STAGE,
          isVector ? `xsmatrix[${j}]` : `xsmatrix[${i}][${j}]`,
          s,
          `xsmatrix at layer ${
            isVector ? "(vector)" : i
          }, wavenumber index ${j} must be finite, got ${s}`,
        );
      }
      out[off + j] = (OPACITY_FACTOR * Math.abs(s) * dpi * mi) / denom;
    }
  }
  return out;
}

/**
 * CIA optical depth per layer, as ExoJAX `ArtCommon.opacity_profile_cia`:
 * n = P·10⁶/(k_B T), dτ = 10^(log a + log10(v₁n) + log10(v₂n) + log10 k_B − log10 g − log10 m_u)
 * · T / μ · dP/P.
 *
 * @param logacia log10 of the CIA coefficient [cm⁵ molecule⁻²], [nlayer][nnu] row-major
 *   (−Infinity allowed: no absorption).
 * @param temperature Layer temperatures [K], length nlayer.
 * @param pressure Layer pressures [bar], length nlayer.
 * @param dParr Layer pressure thicknesses [bar], length nlayer.
 * @param vmr1 Volume mixing ratio of the first collision partner (number or per layer, ≥ 0).
 * @param vmr2 Volume mixing ratio of the second collision partner (number or per layer, ≥ 0).
 * @param mmw Mean molecular weight μ [u] (number or per layer, > 0).
 * @param gravity Gravity [cm/s²] (number or per layer, > 0).
 * @returns Optical depth matrix dτ [nlayer][nnu].
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} If a value is NaN, +Infinity, negative or otherwise out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCia } from "./opacity_profile.ts";
 * const dtau = opacityProfileCia(
 *   new Float64Array([-45, -46]), new Float64Array([1000]), new Float64Array([1]),
 *   new Float64Array([0.1]), 0.8, 0.8, 2.33, 1e5,
 * );
 * assert.strictEqual(dtau.length, 2);
 * // dτ = a · (v₁n)(v₂n) · Δz with n = P/(k_B T) and the layer thickness Δz = k_B T dP/(P μ m_u g)
 * // (hydrostatic, ideal gas); a = 1e-45, n = 1e6/(1.38064852e-16 · 1000), 40-digit mpmath
 * assert.ok(Math.abs(dtau[0]! / 0.0011980965863369174 - 1) < 1e-13);
 * assert.ok(Math.abs(dtau[0]! / dtau[1]! - 10) < 1e-12); // dτ ∝ 10^(log a)
 * ```
 */
export function opacityProfileCia(
  logacia: Float64Array,
  temperature: Float64Array,
  pressure: Float64Array,
  dParr: Float64Array,
  vmr1: number | Float64Array,
  vmr2: number | Float64Array,
  mmw: number | Float64Array,
  gravity: number | Float64Array,
): Float64Array {
  const t = _checkTemperature(STAGE, temperature, "temperature");
  const nlayer = t.length;
  const p = _checkPositiveProfile(STAGE, pressure, "pressure", nlayer);
  const dp = _checkPositiveProfile(STAGE, dParr, "dParr", nlayer);
  const la = _checkF64(logacia, "logacia");
  if (la.length === 0 || la.length % nlayer !== 0) {
    throw new TypeError(
      `logacia must have length nlayer*nnu (nlayer = ${nlayer}), got ${la.length}`,
    );
  }
  const nnu = la.length / nlayer;
  const v1 = _layerValue(STAGE, vmr1, "vmr1", nlayer, true);
  const v2 = _layerValue(STAGE, vmr2, "vmr2", nlayer, true);
  const mu = _layerValue(STAGE, mmw, "mmw", nlayer);
  const g = _layerValue(STAGE, gravity, "gravity", nlayer);
  const out = new Float64Array(nlayer * nnu);
  for (let i = 0; i < nlayer; i++) {
    const ti = t[i]!;
    const n = (p[i]! * 1.0e6) / (KB * ti);
    const logn1 = Math.log10(v1(i) * n);
    const logn2 = Math.log10(v2(i) * n);
    const logg = Math.log10(g(i));
    const fac = (ti / mu(i)) * (dp[i]! / p[i]!);
    const off = i * nnu;
    for (let j = 0; j < nnu; j++) {
      const a = la[off + j]!;
      if (Number.isNaN(a) || a === Infinity) {
        throw new NonFiniteError(
          STAGE,
          `logacia[${i}][${j}]`,
          a,
          `logacia at layer ${i}, wavenumber index ${j} must be finite or -Infinity, got ${a}`,
        );
      }
      const e = a + logn1 + logn2 + LOG10_KB - logg - LOG10_MU;
      out[off + j] = Math.pow(10, e) * fac;
    }
  }
  return out;
}
