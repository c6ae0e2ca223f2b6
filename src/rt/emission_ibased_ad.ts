/**
 * Derivatives of the intensity-based n-stream emission `emissionIbased` (emission_ibased.ts) w.r.t. the layer
 * optical depths dτ [L][N] and the layer temperatures T [L] (through πB_ν(T)).
 *
 * With S_ij = πB_νj(T_i), c_m = 2µ_m w_m, E_mij = e^{−dτ_ij/µ_m}, tr_mij = e^{−τ_(i−1)j/µ_m}
 * (transmission above layer i) and f_mij = tr_mij (1 − E_mij):
 * F_j = Σ_m c_m Σ_i S_ij f_mij. Each F_j depends only on column j, so the Jacobian is two [L][N]
 * matrices:
 * - ∂F_j/∂dτ_ij = a_ij − Σ_(i'>i) h_i'j, with a_ij = S_ij Σ_m (c_m/µ_m) tr_m(i+1)j (the layer's own
 *   extra emission) and h_ij = S_ij Σ_m (c_m/µ_m) f_mij (emission from below dimmed by layer i);
 * - ∂F_j/∂T_i = ∂πB_νj/∂T (T_i) · Σ_m c_m f_mij.
 *
 * The JVP is one fused pass (no [L][N] storage): Σ_i ∂F_j/∂dτ_ij ḋτ_ij = Σ_i (a_ij ḋτ_ij − h_ij P_ij)
 * with the prefix sum P_ij = Σ_(i'<i) ḋτ_i'j, for K directions at once. The VJP runs the same pass,
 * keeps the two Jacobian matrices (residuals, 2·L·N doubles) after a suffix-sum sweep, and its
 * pullback is O(L·N). Cost O(L·N·nstream/2) as the forward.
 *
 * @module
 */

import { emissionQuadrature } from "./emission_ibased.ts";
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
const STAGE = "rt.emission_ibased";

export type { EmissionJacobian, EmissionTangents } from "./_common_ad.ts";

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

function _quadrature(
  nstream: number,
): { coef: Float64Array; invMu: Float64Array; coefInvMu: Float64Array } {
  const { mu, w } = emissionQuadrature(nstream);
  const coef = new Float64Array(mu.length);
  const invMu = new Float64Array(mu.length);
  const coefInvMu = new Float64Array(mu.length);
  for (let m = 0; m < mu.length; m++) {
    coef[m] = 2 * mu[m]! * w[m]!;
    invMu[m] = 1 / mu[m]!;
    coefInvMu[m] = coef[m]! * invMu[m]!;
  }
  return { coef, invMu, coefInvMu };
}

/**
 * One layer of the ibased pass (ν outer, µ inner): updates flux (same terms and order as
 * emissionIbased, so bit-identical) and the transmissions trans [N][nµ], and writes the per-ν
 * sums wsum = Σ_m c_m f_m, asum = Σ_m (c_m/µ_m) tr_m(i+1), hsum = Σ_m (c_m/µ_m) f_m.
 */
function _layer(
  dt: Float64Array,
  off: number,
  src: Float64Array,
  trans: Float64Array,
  coef: Float64Array,
  coefInvMu: Float64Array,
  invMu: Float64Array,
  flux: Float64Array,
  wsum: Float64Array,
  asum: Float64Array,
  hsum: Float64Array,
): void {
  const nmu = coef.length;
  const nnu = src.length;
  for (let j = 0; j < nnu; j++) {
    const d = dt[off + j]!;
    const s = src[j]!;
    const tb = j * nmu;
    let fl = flux[j]!;
    let ws = 0;
    let as = 0;
    let hs = 0;
    for (let m = 0; m < nmu; m++) {
      const c = coef[m]!;
      const ci = coefInvMu[m]!;
      const tr = trans[tb + m]!;
      const trn = tr * Math.exp(-d * invMu[m]!); // same expression as emissionIbased
      const f = tr - trn;
      fl += c * s * f;
      ws += c * f;
      as += ci * trn;
      hs += ci * f;
      trans[tb + m] = trn;
    }
    flux[j] = fl;
    wsum[j] = ws;
    asum[j] = as;
    hsum[j] = hs;
  }
}

/**
 * The flux and its full Jacobian (block-diagonal in ν, so two [L][N] matrices) in one pass plus a
 * suffix-sum sweep. Used by {@linkcode emissionIbasedWithVjp}; also handy for contribution-style
 * diagnostics.
 *
 * @param dtau Layer optical depths [L][N] (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param nu Wavenumbers [cm⁻¹], [N].
 * @param nstream Number of streams (even, ≥ 2; default 8).
 * @returns flux [N], dFluxDdtau [L][N] and dFluxDtemperature [L][N].
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For NaN/negative dτ, non-positive T, bad ν or nstream.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbasedJacobian } from "./emission_ibased_ad.ts";
 * import { planckPi } from "./planck.ts";
 * const nu = new Float64Array([4300]);
 * const j = emissionIbasedJacobian(new Float64Array([1, 100]), new Float64Array([1000, 1000]), nu);
 * assert.deepStrictEqual([j.dFluxDdtau.length, j.dFluxDtemperature.length], [2, 2]);
 * const dT = j.dFluxDtemperature;
 * // warming the whole opaque isothermal atmosphere raises F = πB by ∂πB/∂T = 38.007091464234929
 * // (4300 cm⁻¹, 1000 K; mpmath with CODATA 2014 h, k)
 * assert.ok(Math.abs((dT[0]! + dT[1]!) / 38.007091464234929 - 1) < 1e-12);
 * // the top slab (τ = 1) carries the share Σ_µ 2µw (1 − e^{−1/µ}) = 0.7808614984306743
 * // (scipy.special.roots_legendre(4) nodes mapped to (0, 1)); the rest comes from below it
 * assert.ok(Math.abs(dT[0]! / (dT[0]! + dT[1]!) / 0.7808614984306743 - 1) < 1e-14);
 * // more opacity in an opaque isothermal atmosphere changes nothing: ∂F/∂dτ = 0 up to round-off
 * const b = planckPi(nu, 1000)[0]!;
 * assert.ok(Math.abs(j.dFluxDdtau[0]!) < 1e-14 * b && Math.abs(j.dFluxDdtau[1]!) < 1e-14 * b);
 * ```
 */
export function emissionIbasedJacobian(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
  nstream = 8,
): EmissionJacobian {
  const { t, n, dt } = _validate(dtau, temperature, nu);
  const { coef, invMu, coefInvMu } = _quadrature(nstream);
  const nmu = coef.length;
  const nlayer = t.length;
  const nnu = n.length;
  const trans = new Float64Array(nnu * nmu).fill(1); // [N][nµ]: e^{−τ_(i−1)/µ}
  const flux = new Float64Array(nnu);
  const dTau = new Float64Array(nlayer * nnu); // a_ij, then ∂F/∂dτ
  const dT = new Float64Array(nlayer * nnu);
  const h = new Float64Array(nlayer * nnu);
  const src = new Float64Array(nnu);
  const dsrc = new Float64Array(nnu);
  const wsum = new Float64Array(nnu);
  const asum = new Float64Array(nnu);
  const hsum = new Float64Array(nnu);
  for (let i = 0; i < nlayer; i++) {
    _planckPiRowDt(n, t[i]!, src, dsrc);
    const off = i * nnu;
    _layer(dt, off, src, trans, coef, coefInvMu, invMu, flux, wsum, asum, hsum);
    for (let j = 0; j < nnu; j++) {
      const s = src[j]!;
      dT[off + j] = dsrc[j]! * wsum[j]!;
      dTau[off + j] = s * asum[j]!;
      h[off + j] = s * hsum[j]!;
    }
  }
  const suf = wsum.fill(0);
  for (let i = nlayer - 1; i >= 0; i--) {
    const off = i * nnu;
    for (let j = 0; j < nnu; j++) {
      dTau[off + j]! -= suf[j]!;
      suf[j]! += h[off + j]!;
    }
  }
  return { flux, dFluxDdtau: dTau, dFluxDtemperature: dT };
}

/**
 * Batched forward-mode derivative of `emissionIbased` (emission_ibased.ts): one fused pass over the layers
 * for all K directions (see the module notes).
 *
 * @param dtau Layer optical depths [L][N] (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param nu Wavenumbers [cm⁻¹], [N].
 * @param nstream Number of streams (even, ≥ 2; ExoJAX's default is 8).
 * @param tangents K directions: dtau [K][L][N] and temperature [K][L], each or both null.
 * @returns A `StageJvp`: out = F [N] (as the forward) and dout [K][N].
 * @throws {TypeError} If an array or tangent has the wrong type or length.
 * @throws {RangeError} For the forward's range errors, or a bad K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbasedJvp } from "./emission_ibased_ad.ts";
 * import { emissionIbased } from "./emission_ibased.ts";
 * import { planckPi } from "./planck.ts";
 * const nu = new Float64Array([4300]);
 * const { dout } = emissionIbasedJvp(
 *   new Float64Array([50, 50]), new Float64Array([1000, 1000]), nu, 8,
 *   { k: 1, temperature: new Float64Array([1, 1]) },
 * );
 * // opaque isothermal atmosphere, all layers warmed together: dF/dT = ∂πB/∂T(4300 cm⁻¹, 1000 K)
 * // = 38.007091464234929 (mpmath, CODATA 2014 h, k) …
 * assert.ok(Math.abs(dout[0]! / 38.007091464234929 - 1) < 1e-13);
 * // … = the central difference of πB (step 0.01 K: truncation ~1e-9, rounding ~1e-12)
 * const fd = (planckPi(nu, 1000.01)[0]! - planckPi(nu, 999.99)[0]!) / 0.02;
 * assert.ok(Math.abs(dout[0]! / fd - 1) < 1e-8);
 * // a dτ direction on a non-isothermal column against the forward's central difference
 * const t = new Float64Array([800, 1100]);
 * const ud = new Float64Array([1, -0.5]);
 * const jvp = emissionIbasedJvp(new Float64Array([0.3, 2]), t, nu, 8, { k: 1, dtau: ud }).dout[0]!;
 * const f = (s: number) => emissionIbased(new Float64Array([0.3 + s, 2 - 0.5 * s]), t, nu)[0]!;
 * assert.ok(Math.abs(jvp / ((f(1e-5) - f(-1e-5)) / 2e-5) - 1) < 1e-8);
 * ```
 */
export function emissionIbasedJvp(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
  nstream: number,
  tangents: EmissionTangents,
): StageJvp {
  const { t, n, dt } = _validate(dtau, temperature, nu);
  const { coef, invMu, coefInvMu } = _quadrature(nstream);
  const k = _checkK(tangents?.k);
  const nmu = coef.length;
  const nlayer = t.length;
  const nnu = n.length;
  const size = nlayer * nnu;
  const tdt = _checkTangent(tangents.dtau, "dtau", k, size);
  const tT = _checkTangent(tangents.temperature, "temperature", k, nlayer);
  const trans = new Float64Array(nnu * nmu).fill(1); // [N][nµ]: e^{−τ_(i−1)/µ}
  const flux = new Float64Array(nnu);
  const tan = new Float64Array(k * nnu);
  const pre = tdt === null ? null : new Float64Array(k * nnu); // Σ_(i'<i) ḋτ
  const src = new Float64Array(nnu);
  const dsrc = new Float64Array(nnu);
  const wsum = new Float64Array(nnu);
  const asum = new Float64Array(nnu);
  const hsum = new Float64Array(nnu);
  for (let i = 0; i < nlayer; i++) {
    _planckPiRowDt(n, t[i]!, src, dsrc);
    const off = i * nnu;
    _layer(dt, off, src, trans, coef, coefInvMu, invMu, flux, wsum, asum, hsum);
    if (tT !== null) {
      for (let q = 0; q < k; q++) {
        const b = tT[q * nlayer + i]!;
        if (b === 0) continue;
        const qo = q * nnu;
        for (let j = 0; j < nnu; j++) tan[qo + j]! += dsrc[j]! * wsum[j]! * b;
      }
    }
    if (tdt !== null && pre !== null) {
      for (let q = 0; q < k; q++) {
        const qo = q * nnu;
        const to = q * size + off;
        for (let j = 0; j < nnu; j++) {
          const s = src[j]!;
          const d = tdt[to + j]!;
          const p = pre[qo + j]!;
          tan[qo + j]! += s * (asum[j]! * d - hsum[j]! * p);
          pre[qo + j] = p + d;
        }
      }
    }
  }
  return { out: flux, dout: tan };
}

/**
 * `emissionIbased` (emission_ibased.ts) with its reverse-mode rule: saves the Jacobian matrices
 * ∂F/∂dτ and ∂F/∂T ([L][N] each) and returns a pullback ct [N] → dτ̄_ij = ct_j ∂F_j/∂dτ_ij,
 * T̄_i = Σ_j ct_j ∂F_j/∂T_i.
 *
 * @param dtau Layer optical depths [L][N] (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param nu Wavenumbers [cm⁻¹], [N].
 * @param nstream Number of streams (even, ≥ 2; default 8).
 * @returns A `StageVjp`: out = F [N] and pullback(ct [N]) → [dtauBar [L][N], temperatureBar [L]]
 *   (positional, the order of the emission primitive's inputs).
 * @throws {TypeError} If an array (or later ct) has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbasedJvp, emissionIbasedWithVjp } from "./emission_ibased_ad.ts";
 * const nu = new Float64Array([4300, 4310]);
 * const dtau = new Float64Array([0.5, 0.5, 100, 100]);
 * const t = new Float64Array([900, 1200]);
 * const { pullback } = emissionIbasedWithVjp(dtau, t, nu);
 * const ct = new Float64Array([1, 1]);
 * const [dtauBar, tBar] = pullback(ct);
 * // a cool layer (900 K) over a hot opaque one (1200 K) absorbs more than it emits
 * assert.ok(dtauBar![0]! < 0 && dtauBar![1]! < 0);
 * assert.ok(tBar![0]! > 0 && tBar![1]! > 0); // hotter is brighter
 * // dot-product test against the JVP: ⟨ct, J u⟩ = ⟨Jᵀ ct, u⟩ (f64 round-off only)
 * const ud = new Float64Array([0.3, -1, 2, 0.7]);
 * const ut = new Float64Array([5, -2]);
 * const ju = emissionIbasedJvp(dtau, t, nu, 8, { k: 1, dtau: ud, temperature: ut }).dout;
 * const lhs = ct[0]! * ju[0]! + ct[1]! * ju[1]!;
 * let rhs = 0;
 * for (let i = 0; i < 4; i++) rhs += dtauBar![i]! * ud[i]!;
 * for (let i = 0; i < 2; i++) rhs += tBar![i]! * ut[i]!;
 * assert.ok(Math.abs(lhs / rhs - 1) < 1e-12);
 * ```
 */
export function emissionIbasedWithVjp(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
  nstream = 8,
): StageVjp {
  const jac = emissionIbasedJacobian(dtau, temperature, nu, nstream);
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
