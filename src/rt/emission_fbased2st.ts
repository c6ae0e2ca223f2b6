/**
 * Flux-based two-stream emission for a pure-absorption atmosphere of isothermal layers
 * (ExoJAX `rtrun_emis_pureabs_fbased2st`, layer transmission 2E₃(dτ)).
 *
 * @module
 */

import { _expn3 } from "../special/expn.ts";
import { _planckPiRow } from "./planck.ts";
import { _checkDtau, _checkNu, _checkTemperature } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.emission_fbased2st";

/**
 * Emergent flux with the flux-based two-stream solver:
 * F_ν = Σ_i (1 − 𝒯_i) πB_ν(T_i) Π_(k<i) 𝒯_k with 𝒯 = 2E₃(dτ) (𝒯 = 1 where dτ = 0), no bottom
 * boundary term. Exact for a single isothermal slab: F = πB (1 − 2E₃(τ)). E₃ is computed to
 * ~1e-15 (ExoJAX's E₁ approximation is good to ~1e-7, so results agree to that level).
 * Cost O(nlayer · nnu), O(nnu) memory.
 *
 * @param dtau Layer optical depths [nlayer][nnu] row-major (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], length nlayer, each finite and > 0.
 * @param nu Wavenumbers [cm⁻¹], length nnu, each finite and > 0.
 * @returns Flux F_ν [erg/s/cm²/cm⁻¹], length nnu.
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For NaN/negative dτ or non-positive T (naming the layer), or bad ν.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2st } from "./emission_fbased2st.ts";
 * import { planckPi } from "./planck.ts";
 * const nu = new Float64Array([4300]);
 * const b = planckPi(nu, 1000)[0]!;
 * // an optically thick isothermal atmosphere emits πB(T)
 * const f = emissionFbased2st(new Float64Array([1, 100]), new Float64Array([1000, 1000]), nu);
 * assert.ok(Math.abs(f[0]! / b - 1) < 1e-12);
 * // one slab of τ = 0.7: F/πB = 1 − 2E₃(0.7) = 1 − 2·scipy.special.expn(3, 0.7) = 0.667877675678157…
 * const slab = emissionFbased2st(new Float64Array([0.7]), new Float64Array([1000]), nu);
 * assert.ok(Math.abs(slab[0]! / b / 0.66787767567815766 - 1) < 1e-14);
 * // no optical depth: no emission
 * assert.strictEqual(emissionFbased2st(new Float64Array([0]), new Float64Array([1000]), nu)[0], 0);
 * ```
 */
export function emissionFbased2st(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
): Float64Array {
  const t = _checkTemperature(STAGE, temperature, "temperature");
  const n = _checkNu(STAGE, nu);
  const nlayer = t.length;
  const nnu = n.length;
  const dt = _checkDtau(STAGE, dtau, nlayer, nnu);
  const cum = new Float64Array(nnu).fill(1); // Π_(k<i) 𝒯_k
  const flux = new Float64Array(nnu);
  const src = new Float64Array(nnu);
  for (let i = 0; i < nlayer; i++) {
    _planckPiRow(n, t[i]!, src);
    const off = i * nnu;
    for (let j = 0; j < nnu; j++) {
      const d = dt[off + j]!;
      const tr = d === 0 ? 1 : 2 * _expn3(d);
      const c = cum[j]!;
      flux[j]! += (1 - tr) * src[j]! * c;
      cum[j] = c * tr;
    }
  }
  return flux;
}
