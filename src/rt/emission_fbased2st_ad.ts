/**
 * Derivatives of the flux-based two-stream emission `emissionFbased2st` (emission_fbased2st.ts) w.r.t. the layer
 * optical depths dτ [L][N] and the layer temperatures T [L] (d/dx E₃(x) = −E₂(x), so
 * d𝒯/ddτ = −2E₂(dτ) for the layer transmission 𝒯 = 2E₃(dτ); Eₙ live in `src/special/expn.ts`).
 *
 * With S_ij = πB_νj(T_i), C_ij = Π_(k<i) 𝒯_kj and U_ij = Σ_(i'>i) (1 − 𝒯_i'j) S_i'j Π_(i<k<i') 𝒯_kj
 * (the flux reaching the bottom of layer i from below; U_(L−1) = 0, U_(i−1) = (1 − 𝒯_i)S_i + 𝒯_i U_i):
 * F_j = Σ_i (1 − 𝒯_ij) S_ij C_ij, and the ν-diagonal Jacobian is
 * - ∂F_j/∂dτ_ij = 2E₂(dτ_ij) · C_ij · (S_ij − U_ij) (no division by 𝒯, so opaque layers are safe);
 * - ∂F_j/∂T_i = (1 − 𝒯_ij) C_ij ∂πB_νj/∂T(T_i).
 *
 * The JVP is one fused forward pass propagating Ċ_(i+1) = Ċ_i 𝒯_i + C_i 𝒯̇_i for K directions.
 * The VJP runs the forward pass, sweeps U from the bottom, keeps the two Jacobian matrices
 * (residuals, 2·L·N doubles) and its pullback is O(L·N). E₂ is obtained from the E₃ already
 * computed for 𝒯 (E₂ = (e^{−x} − 2E₃)/x for x > 1, a series for x ≤ 1), so a derivative pass costs
 * about one forward.
 *
 * @module
 */

import { _expn2FromTrans, _expn3 } from "../special/expn.ts";
import { _checkDtau, _checkNu, _checkTemperature } from "./_validate.ts";
import {
  _blockDiagonalPullback,
  _checkK,
  _checkTangent,
  _planckPiRowDt,
  type EmissionJacobian,
  type EmissionTangents,
} from "./_common_ad.ts";
import type { StageJvp, StageVjp } from "../ad/first_order.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.emission_fbased2st";

export type { EmissionJacobian, EmissionTangents } from "./_common_ad.ts";

/** 𝒯 = 2E₃(d) exactly as emissionFbased2st computes it. */
function _trans(d: number): number {
  return d === 0 ? 1 : 2 * _expn3(d);
}

function _validate(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
): { t: Float64Array; n: Float64Array; dt: Float64Array } {
  const t = _checkTemperature(STAGE, temperature, "temperature");
  const n = _checkNu(STAGE, nu);
  const dt = _checkDtau(STAGE, dtau, t.length, n.length);
  return { t, n, dt };
}

/**
 * The flux and its full Jacobian (ν-diagonal: two [L][N] matrices): a forward pass plus a
 * bottom-up sweep for U. Used by {@linkcode emissionFbased2stWithVjp}.
 *
 * @param dtau Layer optical depths [L][N] (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param nu Wavenumbers [cm⁻¹], [N].
 * @returns flux [N], dFluxDdtau [L][N] and dFluxDtemperature [L][N].
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For NaN/negative dτ, non-positive T or bad ν.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2stJacobian } from "./emission_fbased2st_ad.ts";
 * import { planckPi } from "./planck.ts";
 * // one slab over nothing: F = πB (1 − 2E₃(τ)), ∂F/∂τ = 2E₂(τ) πB, ∂F/∂T = (1 − 2E₃(τ)) ∂πB/∂T
 * const nu = new Float64Array([4300]);
 * const j = emissionFbased2stJacobian(new Float64Array([0.7]), new Float64Array([1000]), nu);
 * const b = planckPi(nu, 1000)[0]!;
 * // 2E₂(0.7) = 2·scipy.special.expn(2, 0.7) = 0.46989422705590623, 1 − 2E₃(0.7) = 0.66787767567815766
 * assert.ok(Math.abs(j.dFluxDdtau[0]! / (0.46989422705590623 * b) - 1) < 1e-14);
 * assert.ok(Math.abs(j.flux[0]! / (0.66787767567815766 * b) - 1) < 1e-14);
 * // ∂πB/∂T at 4300 cm⁻¹, 1000 K = 38.007091464234929 erg/s/cm²/cm⁻¹/K (mpmath, CODATA 2014 h, k)
 * assert.ok(Math.abs(j.dFluxDtemperature[0]! / (0.66787767567815766 * 38.007091464234929) - 1) < 1e-13);
 * ```
 */
export function emissionFbased2stJacobian(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
): EmissionJacobian {
  const { t, n, dt } = _validate(dtau, temperature, nu);
  const nlayer = t.length;
  const nnu = n.length;
  const size = nlayer * nnu;
  const cum = new Float64Array(nnu).fill(1);
  const flux = new Float64Array(nnu);
  const dTau = new Float64Array(size); // 2E₂ C, then ∂F/∂dτ
  const dT = new Float64Array(size);
  const trs = new Float64Array(size);
  const srcs = new Float64Array(size);
  const dsrc = new Float64Array(nnu);
  for (let i = 0; i < nlayer; i++) {
    const off = i * nnu;
    const src = srcs.subarray(off, off + nnu);
    _planckPiRowDt(n, t[i]!, src, dsrc);
    for (let j = 0; j < nnu; j++) {
      const d = dt[off + j]!;
      const tr = _trans(d);
      const c = cum[j]!;
      flux[j]! += (1 - tr) * src[j]! * c; // as emissionFbased2st
      dT[off + j] = (1 - tr) * c * dsrc[j]!;
      dTau[off + j] = 2 * _expn2FromTrans(d, tr) * c;
      trs[off + j] = tr;
      cum[j] = c * tr;
    }
  }
  const u = cum.fill(0);
  for (let i = nlayer - 1; i >= 0; i--) {
    const off = i * nnu;
    for (let j = 0; j < nnu; j++) {
      const s = srcs[off + j]!;
      const tr = trs[off + j]!;
      const uj = u[j]!;
      const a = dTau[off + j]!;
      dTau[off + j] = a * (s - uj);
      u[j] = (1 - tr) * s + tr * uj;
    }
  }
  return { flux, dFluxDdtau: dTau, dFluxDtemperature: dT };
}

/**
 * Batched forward-mode derivative of `emissionFbased2st` (emission_fbased2st.ts): one fused pass for all K
 * directions (see the module notes).
 *
 * @param dtau Layer optical depths [L][N] (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param nu Wavenumbers [cm⁻¹], [N].
 * @param tangents K directions: dtau [K][L][N] and temperature [K][L], each or both null.
 * @returns A `StageJvp`: out = F [N] (as the forward) and dout [K][N].
 * @throws {TypeError} If an array or tangent has the wrong type or length.
 * @throws {RangeError} For the forward's range errors, or a bad K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2stJvp } from "./emission_fbased2st_ad.ts";
 * import { emissionFbased2st } from "./emission_fbased2st.ts";
 * const nu = new Float64Array([4300]);
 * const dtau = new Float64Array([0, 1]);
 * const { out, dout } = emissionFbased2stJvp(
 *   dtau, new Float64Array([800, 1000]), nu,
 *   { k: 2, temperature: new Float64Array([1, 0, 0, 1]) }, // directions e₀ and e₁
 * );
 * assert.deepStrictEqual([out.length, dout.length], [1, 2]);
 * assert.strictEqual(dout[0], 0); // layer 0 has dτ = 0: it neither emits nor absorbs
 * // layer 1 is a τ = 1 slab: ∂F/∂T₁ = (1 − 2E₃(1)) ∂πB/∂T(1000 K); 1 − 2E₃(1) = 0.78061606560447973
 * // (scipy.special.expn), ∂πB/∂T = 38.007091464234929 (mpmath, CODATA 2014 h, k)
 * assert.ok(Math.abs(dout[1]! / (0.78061606560447973 * 38.007091464234929) - 1) < 1e-13);
 * // and the central finite difference of the forward (step 0.01 K: truncation ~1e-9, rounding ~1e-12)
 * const f = (t1: number) => emissionFbased2st(dtau, new Float64Array([800, t1]), nu)[0]!;
 * assert.ok(Math.abs(dout[1]! / ((f(1000.01) - f(999.99)) / 0.02) - 1) < 1e-8);
 * ```
 */
export function emissionFbased2stJvp(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
  tangents: EmissionTangents,
): StageJvp {
  const { t, n, dt } = _validate(dtau, temperature, nu);
  const k = _checkK(tangents?.k);
  const nlayer = t.length;
  const nnu = n.length;
  const size = nlayer * nnu;
  const tdt = _checkTangent(tangents.dtau, "dtau", k, size);
  const tT = _checkTangent(tangents.temperature, "temperature", k, nlayer);
  const cum = new Float64Array(nnu).fill(1);
  const flux = new Float64Array(nnu);
  const tan = new Float64Array(k * nnu);
  const tcum = tdt === null ? null : new Float64Array(k * nnu); // Ċ
  const src = new Float64Array(nnu);
  const dsrc = new Float64Array(nnu);
  const trRow = new Float64Array(nnu);
  const e2Row = new Float64Array(nnu);
  for (let i = 0; i < nlayer; i++) {
    const off = i * nnu;
    _planckPiRowDt(n, t[i]!, src, dsrc);
    for (let j = 0; j < nnu; j++) {
      const d = dt[off + j]!;
      const tr = _trans(d);
      const c = cum[j]!;
      flux[j]! += (1 - tr) * src[j]! * c;
      trRow[j] = tr;
      if (tdt !== null) e2Row[j] = 2 * _expn2FromTrans(d, tr);
    }
    if (tT !== null) {
      for (let q = 0; q < k; q++) {
        const b = tT[q * nlayer + i]!;
        if (b === 0) continue;
        const qo = q * nnu;
        for (let j = 0; j < nnu; j++) {
          tan[qo + j]! += (1 - trRow[j]!) * cum[j]! * dsrc[j]! * b;
        }
      }
    }
    if (tdt !== null && tcum !== null) {
      for (let q = 0; q < k; q++) {
        const qo = q * nnu;
        const to = q * size + off;
        for (let j = 0; j < nnu; j++) {
          const dtr = -e2Row[j]! * tdt[to + j]!; // 𝒯̇
          const c = cum[j]!;
          const tc = tcum[qo + j]!;
          const tr = trRow[j]!;
          // d/dt [(1 − 𝒯) S C] with S fixed here (Ṡ is the temperature term above)
          tan[qo + j]! += src[j]! * ((1 - tr) * tc - dtr * c);
          tcum[qo + j] = tc * tr + c * dtr;
        }
      }
    }
    for (let j = 0; j < nnu; j++) cum[j] = cum[j]! * trRow[j]!;
  }
  return { out: flux, dout: tan };
}

/**
 * `emissionFbased2st` (emission_fbased2st.ts) with its reverse-mode rule: saves ∂F/∂dτ and ∂F/∂T ([L][N]
 * each) and returns a pullback ct [N] → dτ̄_ij = ct_j ∂F_j/∂dτ_ij, T̄_i = Σ_j ct_j ∂F_j/∂T_i.
 *
 * @param dtau Layer optical depths [L][N] (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param nu Wavenumbers [cm⁻¹], [N].
 * @returns A `StageVjp`: out = F [N] and pullback(ct [N]) → [dtauBar [L][N], temperatureBar [L]]
 *   (positional, the order of the emission primitive's inputs).
 * @throws {TypeError} If an array (or later ct) has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2stJvp, emissionFbased2stWithVjp } from "./emission_fbased2st_ad.ts";
 * const nu = new Float64Array([4300, 4310]);
 * const dtau = new Float64Array([0.5, 0.2, 100, 3]);
 * const t = new Float64Array([900, 1200]);
 * const { out, pullback } = emissionFbased2stWithVjp(dtau, t, nu);
 * assert.strictEqual(out.length, 2);
 * const ct = new Float64Array([1, 0.5]);
 * const [dtauBar, tBar] = pullback(ct);
 * // a cool layer (900 K) over a hot opaque one (1200 K) absorbs more than it emits
 * assert.ok(dtauBar![0]! < 0);
 * assert.ok(tBar![0]! > 0 && tBar![1]! > 0); // hotter is brighter
 * // dot-product test against the JVP: ⟨ct, J u⟩ = ⟨Jᵀ ct, u⟩ (f64 round-off only)
 * const ud = new Float64Array([0.3, -1, 2, 0.7]);
 * const ut = new Float64Array([5, -2]);
 * const ju = emissionFbased2stJvp(dtau, t, nu, { k: 1, dtau: ud, temperature: ut }).dout;
 * const lhs = ct[0]! * ju[0]! + ct[1]! * ju[1]!;
 * let rhs = 0;
 * for (let i = 0; i < 4; i++) rhs += dtauBar![i]! * ud[i]!;
 * for (let i = 0; i < 2; i++) rhs += tBar![i]! * ut[i]!;
 * assert.ok(Math.abs(lhs / rhs - 1) < 1e-12);
 * ```
 */
export function emissionFbased2stWithVjp(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
): StageVjp {
  const jac = emissionFbased2stJacobian(dtau, temperature, nu);
  return {
    out: jac.flux,
    pullback: _blockDiagonalPullback(
      jac.dFluxDdtau,
      jac.dFluxDtemperature,
      temperature.length,
      nu.length,
    ),
  };
}
