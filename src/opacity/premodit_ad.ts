/**
 * Hand-derived derivatives of PreMODIT's `xsmatrix(T, P)` with respect to the layer
 * temperatures T [K] and pressures P [bar] (forward mode with a batch of K tangents, reverse
 * mode, and the per-layer partials both are built on).
 *
 * Every layer l depends only on its own (T_l, P_l), so the Jacobian is two diagonal blocks:
 * ∂σ_l/∂T_l and ∂σ_l/∂P_l, both [N] vectors. They are computed in the same pass as σ_l (see
 * {@link createOpaPremodit} for the method), by differentiating each stage:
 *
 * - E″-grid weights: f = exp(−c₂E(1/T − 1/Tref)), ∂f/∂T = f c₂E/T²; the diffmode terms
 *   f·δ and f·δ²/2 with δ = 1/T − 1/Twt, ∂δ/∂T = −1/T². The LBD sum then gives ∂S_lsd/∂T.
 * - g(ν, T)/(Q(T)/Q(Tref)): g = expm1(−c₂ν/T)/expm1(−c₂ν/Tref), ∂g/∂T = e^(−c₂ν/T)(c₂ν/T²)/
 *   expm1(−c₂ν/Tref). Q(T) is the linear interpolation of the `.pf` table, so ∂Q/∂T is the
 *   slope of the table interval that the forward interpolates in: [T_j, T_j+1) with
 *   T_j ≤ T < T_j+1. At a table node the derivative is therefore the right-hand slope (the
 *   left-hand one at the last node).
 * - Fourier kernel K_b(k) = exp(−2π²σ_q²k²)(exp(−2πγ_b|k|) − Â_b(k)), σ_q² ∝ T,
 *   γ_b = γ_ref,b (T/Tref_b)^(−n_b) P: ∂/∂T of the Gaussian factor is −2π²k²σ_q²/T times
 *   itself; ∂γ_b/∂T = −n_b γ_b/T, ∂γ_b/∂P = γ_b/P, and ∂K_b/∂γ includes the exact
 *   wrap-around term Â_b.
 *
 * Â_b(k) is evaluated from its series in γ (not from an FFT per bin as in the forward): the
 * wrap-around of a Lorentzian of HWHM γ on the 2N-periodic buffer is
 * Σ_(j≠0) γ/(π((n + jL)² + γ²)) = (1/(πL)) Σ_m (−1)^m (γ/L)^(2m+1) Z_m(n/L), L = 2N, with
 * Z_m(x) = ζ(2m+2, 1+x) + ζ(2m+2, 1−x) (Hurwitz ζ), whose DFTs are computed once. The series
 * converges like (γ/N)^(2m); it is used for γ ≤ N/4 (γ ≲ 100 bar on the tutorial grid) and
 * summed to 1e-18; above that the closed form and its γ-derivative are transformed exactly as
 * in the forward. As in the forward, Â_b is dropped for γ < 1e-8 · 2N.
 *
 * Rule styles (the same in `cia_ad.ts`):
 * - `xsmatrixPartials(T, P)` → `{ xs, dxsdT, dxsdP }`;
 * - `xsmatrixJvp(T, P, tT, tP)` with K tangents stacked as [K][L] (`null` = zero) →
 *   `{ xs, dxs: [K][L][N] }`;
 * - `xsmatrixVjp(T, P, ct)` → `{ tBar, pBar }` (recomputes; cheapest when no primal is needed);
 * - `xsmatrixWithVjp(T, P)` → `{ xs, pullback(ct) }` (keeps the partials as residuals, so a
 *   tape pays one forward-with-partials pass and O(L·N) per pullback).
 *
 * The primal σ from these rules equals `opa.xsmatrix` to rounding (≲ 1e-12 relative to the
 * row maximum; the series for Â_b is, if anything, more accurate than the forward's FFT).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditAd } from "./premodit_ad.ts";
 * const nu = Float64Array.from({ length: 256 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.3]), elower: new Float64Array([1000]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu);
 * const ad = createPremoditAd(opa);
 * const { xs, dxsdT } = ad.xsmatrixPartials(new Float64Array([1000]), new Float64Array([1]));
 * assert.strictEqual(dxsdT.length, 256);
 * // the primal is the forward's σ to rounding (1e-12 of the row maximum)
 * const x0 = opa.xsvector(1000, 1);
 * const xmax = Math.max(...x0);
 * assert.ok(x0.every((v, i) => Math.abs(v - xs[i]!) <= 1e-12 * xmax));
 * // against a central difference of the forward, h = 0.1 K (truncation O(h²) ≈ 5e-9 here)
 * const up = opa.xsvector(1000.1, 1);
 * const dn = opa.xsvector(999.9, 1);
 * let scale = 0;
 * for (let i = 0; i < 256; i++) scale = Math.max(scale, Math.abs(dxsdT[i]!));
 * for (let i = 0; i < 256; i++) {
 *   assert.ok(Math.abs((up[i]! - dn[i]!) / 0.2 - dxsdT[i]!) < 1e-7 * scale);
 * }
 * ```
 *
 * @module
 */

import { C2 } from "../constants.ts";
import type { PartitionFunction } from "../db/types.ts";
import { partitionFunctionAt } from "../db/partition_function.ts";
import { createRfftPlan } from "../fft/fft.ts";
import { createPremoditAlias, gaussianSpectrumInto } from "./premodit_alias.ts";
import { NonFiniteError } from "../errors.ts";
import {
  _premoditCore,
  type OpaPremodit,
  type PremoditTables,
} from "./premodit.ts";

/** Per-layer partial derivatives of the PreMODIT cross sections. */
export interface PremoditPartials {
  /** σ [L][N] [cm²/molecule], as `opa.xsmatrix`. */
  readonly xs: Float64Array;
  /** ∂σ_l/∂T_l [L][N] [cm²/molecule/K]. */
  readonly dxsdT: Float64Array;
  /** ∂σ_l/∂P_l [L][N] [cm²/molecule/bar]. */
  readonly dxsdP: Float64Array;
}

/** Primal and K tangents of `xsmatrix`. */
export interface PremoditJvp {
  /** σ [L][N] [cm²/molecule]. */
  readonly xs: Float64Array;
  /** Tangents [K][L][N] [cm²/molecule per unit of the tangent direction]. */
  readonly dxs: Float64Array;
}

/** Cotangents of the inputs of `xsmatrix`. */
export interface PremoditVjp {
  /** Cotangent of T [L] (Σ_ν ct · ∂σ/∂T, [ct units · cm²/K]). */
  readonly tBar: Float64Array;
  /** Cotangent of P [L] (Σ_ν ct · ∂σ/∂P, [ct units · cm²/bar]). */
  readonly pBar: Float64Array;
}

/** Derivative rules of one PreMODIT calculator, returned by {@link createPremoditAd}. */
export interface PremoditAd {
  /** The calculator the rules differentiate. */
  readonly opa: OpaPremodit;
  /**
   * σ and its per-layer partials ∂σ_l/∂T_l, ∂σ_l/∂P_l.
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @returns `{ xs, dxsdT, dxsdP }`, each [L][N].
   */
  xsmatrixPartials(t: Float64Array, pBar: Float64Array): PremoditPartials;
  /**
   * Forward mode: σ and its derivative along K tangent directions (tT_k, tP_k).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param tT Temperature tangents [K][L] [K], or null for zero.
   * @param tP Pressure tangents [K][L] [bar], or null for zero.
   * @returns `{ xs: [L][N], dxs: [K][L][N] }` (K = 0 when both tangents are null).
   */
  xsmatrixJvp(
    t: Float64Array,
    pBar: Float64Array,
    tT: Float64Array | null,
    tP: Float64Array | null,
  ): PremoditJvp;
  /**
   * Reverse mode: the cotangents of T and P for one output cotangent (no primal returned).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param ct Cotangent of σ, [L][N].
   * @returns `{ tBar, pBar }`, each [L].
   */
  xsmatrixVjp(
    t: Float64Array,
    pBar: Float64Array,
    ct: Float64Array,
  ): PremoditVjp;
  /**
   * Reverse mode for a tape: σ now, and a pullback that maps any number of cotangents
   * [L][N] to `{ tBar, pBar }` using the stored partials (2·L·N doubles).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @returns `{ xs, pullback }`.
   */
  xsmatrixWithVjp(
    t: Float64Array,
    pBar: Float64Array,
  ): { xs: Float64Array; pullback(ct: Float64Array): PremoditVjp };
}

/**
 * Builds the derivative rules of a PreMODIT calculator (see the module documentation).
 * Precomputes the DFTs of the wrap-around series (16 FFTs of length 2N) and the buffers of the
 * fused pass; the returned object reuses them, so it is not re-entrant (like the calculator).
 *
 * @param opa A calculator from {@link createOpaPremodit}.
 * @returns The rules.
 * @throws {TypeError} When `opa` was not created by `createOpaPremodit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditAd } from "./premodit_ad.ts";
 * const nu = Float64Array.from({ length: 128 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.2]), elower: new Float64Array([800]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu);
 * const ad = createPremoditAd(opa);
 * const t = new Float64Array([900, 1100]);
 * const p = new Float64Array([0.1, 1]);
 * // two tangent directions: d/dT_0 and d/dP_1
 * const { dxs } = ad.xsmatrixJvp(t, p, new Float64Array([1, 0, 0, 0]), new Float64Array([0, 0, 0, 1]));
 * const { tBar } = ad.xsmatrixVjp(t, p, new Float64Array(2 * 128).fill(1));
 * assert.strictEqual(dxs.length, 512); // [2 tangents][2 layers][128 ν]
 * assert.strictEqual(tBar.length, 2);
 * // Layers are independent: tangent 0 (T₀) leaves layer 1 alone, tangent 1 (P₁) layer 0.
 * assert.ok(dxs.subarray(128, 384).every((v) => v === 0));
 * // Duality ⟨1, J e_T₀⟩ = ⟨Jᵀ1, e_T₀⟩ = tBar[0] (summation order only: 1e-12)
 * let sum = 0;
 * for (let i = 0; i < 128; i++) sum += dxs[i]!;
 * assert.ok(Math.abs(sum - tBar[0]!) < 1e-12 * Math.abs(tBar[0]!));
 * // ∂σ₁/∂P₁ against a central difference of the forward, h = 1e-4 bar (truncation ≈ 3e-9)
 * const up = opa.xsvector(1100, 1 + 1e-4);
 * const dn = opa.xsvector(1100, 1 - 1e-4);
 * let scale = 0;
 * for (let i = 0; i < 128; i++) scale = Math.max(scale, Math.abs(dxs[384 + i]!));
 * for (let i = 0; i < 128; i++) {
 *   assert.ok(Math.abs((up[i]! - dn[i]!) / 2e-4 - dxs[384 + i]!) < 1e-7 * scale);
 * }
 * ```
 */
export function createPremoditAd(opa: OpaPremodit): PremoditAd {
  const core = _premoditCore(opa);
  return _createRules(opa, core);
}

function _createRules(opa: OpaPremodit, core: PremoditTables): PremoditAd {
  const nu = core.nu;
  const N = nu.length;
  const L2 = 2 * N;
  const nk = N + 1;
  const R = core.resolution;
  const { tmin, tmax, tref, twt, qAtTref } = core;
  const allowOutside = core.allowOutsideRange;
  const trefB = core.trefBroadening;
  const pf = core.partitionFunction;
  const eg = core.elowerGrid;
  const nE = eg.length;
  const { entSlot, entE, ent0, ent1, ent2 } = core;
  const nEnt = entSlot.length;
  const binNg = core.binNgammaRef;
  const binNt = core.binNTexp;
  const nb = binNg.length;
  const sqf = core.sigmaQFactor;

  const plan = core.rfftPlan ? core.rfftPlan(L2) : createRfftPlan(L2);
  const kk = Float64Array.from({ length: nk }, (_, m) => (m / L2) * (m / L2));
  const twoPiMOverL = Float64Array.from(
    { length: nk },
    (_, m) => 2 * Math.PI * m / L2,
  );
  const rOverNu = Float64Array.from(nu, (v) => R / v);
  // 1 / expm1(−c₂ν/Tref) and c₂ν
  const invDen = Float64Array.from(nu, (v) => 1 / Math.expm1(-C2 * v / tref));
  const c2nu = Float64Array.from(nu, (v) => C2 * v);
  const c2E = Float64Array.from(eg, (e) => C2 * e);
  const alias = createPremoditAlias(N, plan);

  // ---- buffers ----
  const fE = new Float64Array(nE);
  const fE1 = new Float64Array(nE);
  const fE2 = new Float64Array(nE);
  const dfE = new Float64Array(nE);
  const dfE1 = new Float64Array(nE);
  const dfE2 = new Float64Array(nE);
  const slsd = new Float64Array(nb * N);
  const dslsd = new Float64Array(nb * N);
  const gq = new Float64Array(N);
  const dgq = new Float64Array(N);
  const pad = new Float64Array(L2);
  const re = new Float64Array(nk);
  const im = new Float64Array(nk);
  const dre = new Float64Array(nk);
  const dim = new Float64Array(nk);
  const gauss = new Float64Array(nk);
  const aK = new Float64Array(nk); // Â_b(k)
  const aG = new Float64Array(nk); // γ ∂Â_b/∂γ
  const accRe = new Float64Array(nk);
  const accIm = new Float64Array(nk);
  const accTRe = new Float64Array(nk);
  const accTIm = new Float64Array(nk);
  const accPRe = new Float64Array(nk);
  const accPIm = new Float64Array(nk);
  const wRe = new Float64Array(nk);
  const wIm = new Float64Array(nk);
  const rowBuf = new Float64Array(N);
  const rowBuf2 = new Float64Array(N);
  const rowBuf3 = new Float64Array(N);

  /**
   * Fills accRe/Im with Σ_b S_b K_b, and (when asked) accT with ∂/∂T and accP with ∂/∂P of it
   * (spectra before the inverse FFT and the R/ν factor).
   */
  function spectra(
    t: number,
    pBar: number,
    wantT: boolean,
    wantP: boolean,
    l: number,
  ): void {
    if (!Number.isFinite(t)) {
      throw new NonFiniteError("premodit.xsmatrix", `t[${l}]`, t);
    }
    if (!Number.isFinite(pBar)) {
      throw new NonFiniteError("premodit.xsmatrix", `pBar[${l}]`, pBar);
    }
    if (!(t > 0)) throw new RangeError(`t must be finite and > 0, got ${t}`);
    if (!(pBar > 0)) {
      throw new RangeError(`pBar must be finite and > 0, got ${pBar}`);
    }
    if (!allowOutside && (t < tmin || t > tmax)) {
      throw new RangeError(
        `t = ${t} K is outside the PreMODIT temperature range [${tmin}, ${tmax}] K ` +
          `(set allowOutsideRange to accept it)`,
      );
    }
    const wantG = wantT || wantP;
    const qr = partitionFunctionAt(pf, t) / qAtTref;
    const dlnqr = wantT ? _pfSlope(pf, t) / qAtTref / qr : 0;
    const it2 = 1 / (t * t);
    const dInv = 1 / t - 1 / tref;
    const dt = 1 / t - 1 / twt;
    for (let j = 0; j < nE; j++) {
      const f = Math.exp(-C2 * eg[j]! * dInv);
      fE[j] = f;
      fE1[j] = f * dt;
      fE2[j] = 0.5 * f * dt * dt;
      if (wantT) {
        const df = f * c2E[j]! * it2;
        dfE[j] = df;
        dfE1[j] = df * dt - f * it2;
        dfE2[j] = 0.5 * df * dt * dt - f * dt * it2;
      }
    }
    slsd.fill(0);
    if (wantT) dslsd.fill(0);
    for (let j = 0; j < nEnt; j++) {
      const e = entE[j]!;
      const sl = entSlot[j]!;
      const c0 = ent0[j]!;
      const c1 = ent1[j]!;
      const c2 = ent2[j]!;
      slsd[sl] = slsd[sl]! + c0 * fE[e]! + c1 * fE1[e]! + c2 * fE2[e]!;
      if (wantT) {
        dslsd[sl] = dslsd[sl]! + c0 * dfE[e]! + c1 * dfE1[e]! +
          c2 * dfE2[e]!;
      }
    }
    for (let i = 0; i < N; i++) {
      const x = c2nu[i]! / t;
      const g = Math.expm1(-x) * invDen[i]! / qr;
      gq[i] = g;
      if (wantT) {
        dgq[i] = Math.exp(-x) * x / t * invDen[i]! / qr - g * dlnqr;
      }
    }
    const sq = sqf * Math.sqrt(t);
    const gf = -2 * Math.PI * Math.PI * sq * sq;
    gaussianSpectrumInto(gf, L2, gauss, nk);
    accRe.fill(0);
    accIm.fill(0);
    if (wantT) {
      accTRe.fill(0);
      accTIm.fill(0);
    }
    if (wantP) {
      accPRe.fill(0);
      accPIm.fill(0);
    }
    const lt = Math.log(t / trefB);
    const invP = 1 / pBar;
    for (let b = 0; b < nb; b++) {
      const base = b * N;
      let any = false;
      for (let i = 0; i < N; i++) {
        const s = slsd[base + i]! * gq[i]!;
        pad[i] = s;
        if (s !== 0) any = true;
      }
      if (!any) continue;
      pad.fill(0, N);
      plan.forward(pad, re, im);
      if (wantT) {
        for (let i = 0; i < N; i++) {
          pad[i] = dslsd[base + i]! * gq[i]! + slsd[base + i]! * dgq[i]!;
        }
        plan.forward(pad, dre, dim);
      }
      const gam = binNg[b]! * Math.exp(-binNt[b]! * lt) * pBar;
      const alias = aliasInto(gam, wantG);
      const r = Math.exp(-Math.PI * gam / N);
      const cT = -binNt[b]! / t; // ∂ln γ/∂T
      let lor = 1;
      for (let m = 0; m < nk; m++) {
        const gm = gauss[m]!;
        const kern = gm * (alias ? lor - aK[m]! : lor);
        const sr = re[m]!;
        const si = im[m]!;
        accRe[m] = accRe[m]! + sr * kern;
        accIm[m] = accIm[m]! + si * kern;
        if (wantG) {
          // γ ∂K/∂γ
          const kg = gm *
            (-gam * twoPiMOverL[m]! * lor - (alias ? aG[m]! : 0));
          if (wantT) {
            const kt = kg * cT;
            accTRe[m] = accTRe[m]! + dre[m]! * kern + sr * kt;
            accTIm[m] = accTIm[m]! + dim[m]! * kern + si * kt;
          }
          if (wantP) {
            const kp = kg * invP;
            accPRe[m] = accPRe[m]! + sr * kp;
            accPIm[m] = accPIm[m]! + si * kp;
          }
        }
        lor *= r;
      }
    }
    if (wantT) {
      // Gaussian factor: ∂/∂T exp(gf k²) = (gf/T) k² exp(gf k²), common to all bins.
      const gft = gf / t;
      for (let m = 0; m < nk; m++) {
        const c = gft * kk[m]!;
        accTRe[m] = accTRe[m]! + c * accRe[m]!;
        accTIm[m] = accTIm[m]! + c * accIm[m]!;
      }
    }
  }

  /**
   * Â(k) into aK and (if wantG) γ ∂Â/∂γ into aG for HWHM gam [grid cells]; false when the
   * forward drops the wrap-around (gam < 1e-8 · 2N).
   */
  function aliasInto(gam: number, wantG: boolean): boolean {
    return alias.into(gam, aK, wantG ? aG : undefined);
  }

  /** irfft(re, im)[0:N] · R/ν into out[off..]. */
  function inverseInto(
    sRe: Float64Array,
    sIm: Float64Array,
    out: Float64Array,
    off: number,
  ): void {
    plan.inverse(sRe, sIm, rowBuf);
    for (let i = 0; i < N; i++) out[off + i] = rowBuf[i]! * rOverNu[i]!;
  }

  function checkTP(t: Float64Array, pBar: Float64Array): number {
    if (!(t instanceof Float64Array)) {
      throw new TypeError("t must be a Float64Array of temperatures [K]");
    }
    if (!(pBar instanceof Float64Array)) {
      throw new TypeError("pBar must be a Float64Array of pressures [bar]");
    }
    if (pBar.length !== t.length) {
      throw new TypeError(
        `pBar must have the length of t (${t.length}), got ${pBar.length}`,
      );
    }
    return t.length;
  }

  function partials(t: Float64Array, pBar: Float64Array): PremoditPartials {
    const nl = checkTP(t, pBar);
    const xs = new Float64Array(nl * N);
    const dxsdT = new Float64Array(nl * N);
    const dxsdP = new Float64Array(nl * N);
    for (let l = 0; l < nl; l++) {
      spectra(t[l]!, pBar[l]!, true, true, l);
      inverseInto(accRe, accIm, xs, l * N);
      inverseInto(accTRe, accTIm, dxsdT, l * N);
      inverseInto(accPRe, accPIm, dxsdP, l * N);
    }
    return { xs, dxsdT, dxsdP };
  }

  function tangentCount(
    tan: Float64Array | null,
    name: string,
    nl: number,
  ): number {
    if (tan === null) return -1;
    if (!(tan instanceof Float64Array)) {
      throw new TypeError(`${name} must be a Float64Array [K][L] or null`);
    }
    if (nl === 0 ? tan.length !== 0 : tan.length % nl !== 0) {
      throw new TypeError(
        `${name} must have length K·L (L = ${nl}), got ${tan.length}`,
      );
    }
    return nl === 0 ? 0 : tan.length / nl;
  }

  function jvp(
    t: Float64Array,
    pBar: Float64Array,
    tT: Float64Array | null,
    tP: Float64Array | null,
  ): PremoditJvp {
    const nl = checkTP(t, pBar);
    const kT = tangentCount(tT, "tT", nl);
    const kP = tangentCount(tP, "tP", nl);
    if (kT >= 0 && kP >= 0 && kT !== kP) {
      throw new TypeError(
        `tT and tP must hold the same number of tangents, got ${kT} and ${kP}`,
      );
    }
    const K = Math.max(kT, kP, 0);
    const xs = new Float64Array(nl * N);
    const dxs = new Float64Array(K * nl * N);
    for (let l = 0; l < nl; l++) {
      let wantT = false;
      let wantP = false;
      for (let k = 0; k < K; k++) {
        if (tT !== null && tT[k * nl + l] !== 0) wantT = true;
        if (tP !== null && tP[k * nl + l] !== 0) wantP = true;
      }
      spectra(t[l]!, pBar[l]!, wantT, wantP, l);
      inverseInto(accRe, accIm, xs, l * N);
      if (!wantT && !wantP) continue;
      if (K === 1) {
        // one direction: combine the spectra, one inverse FFT
        const a = wantT ? tT![l]! : 0;
        const c = wantP ? tP![l]! : 0;
        for (let m = 0; m < nk; m++) {
          wRe[m] = (wantT ? a * accTRe[m]! : 0) +
            (wantP ? c * accPRe[m]! : 0);
          wIm[m] = (wantT ? a * accTIm[m]! : 0) +
            (wantP ? c * accPIm[m]! : 0);
        }
        inverseInto(wRe, wIm, dxs, l * N);
        continue;
      }
      if (wantT) inverseInto(accTRe, accTIm, rowBuf2, 0);
      const rowP = wantP ? rowBuf3 : null;
      if (rowP !== null) {
        plan.inverse(accPRe, accPIm, rowBuf);
        for (let i = 0; i < N; i++) rowP[i] = rowBuf[i]! * rOverNu[i]!;
      }
      for (let k = 0; k < K; k++) {
        const a = wantT ? tT![k * nl + l]! : 0;
        const c = wantP ? tP![k * nl + l]! : 0;
        const off = (k * nl + l) * N;
        if (a !== 0 && c !== 0) {
          for (let i = 0; i < N; i++) {
            dxs[off + i] = a * rowBuf2[i]! + c * rowP![i]!;
          }
        } else if (a !== 0) {
          for (let i = 0; i < N; i++) dxs[off + i] = a * rowBuf2[i]!;
        } else if (c !== 0) {
          for (let i = 0; i < N; i++) dxs[off + i] = c * rowP![i]!;
        }
      }
    }
    return { xs, dxs };
  }

  function checkCt(ct: Float64Array, nl: number): void {
    if (!(ct instanceof Float64Array)) {
      throw new TypeError("ct must be a Float64Array [L][N]");
    }
    if (ct.length !== nl * N) {
      throw new TypeError(
        `ct must have length L·N = ${nl}·${N}, got ${ct.length}`,
      );
    }
  }

  /** ⟨w, irfft(X)[0:N]⟩ for W = rfft(w zero-padded to 2N) (Parseval, Hermitian X). */
  function dotSpectra(sRe: Float64Array, sIm: Float64Array): number {
    let s = 0;
    for (let m = 1; m < N; m++) {
      s += sRe[m]! * wRe[m]! + sIm[m]! * wIm[m]!;
    }
    return (2 * s + sRe[0]! * wRe[0]! + sRe[N]! * wRe[N]!) / L2;
  }

  function vjp(
    t: Float64Array,
    pBar: Float64Array,
    ct: Float64Array,
  ): PremoditVjp {
    const nl = checkTP(t, pBar);
    checkCt(ct, nl);
    const tBar = new Float64Array(nl);
    const pBarOut = new Float64Array(nl);
    for (let l = 0; l < nl; l++) {
      let zero = true;
      for (let i = 0; i < N; i++) {
        const w = ct[l * N + i]! * rOverNu[i]!;
        pad[i] = w;
        if (w !== 0) zero = false;
      }
      if (zero) {
        // still validate the inputs as the forward would
        spectra(t[l]!, pBar[l]!, false, false, l);
        continue;
      }
      pad.fill(0, N);
      plan.forward(pad, wRe, wIm);
      spectra(t[l]!, pBar[l]!, true, true, l);
      tBar[l] = dotSpectra(accTRe, accTIm);
      pBarOut[l] = dotSpectra(accPRe, accPIm);
    }
    return { tBar, pBar: pBarOut };
  }

  function withVjp(
    t: Float64Array,
    pBar: Float64Array,
  ): { xs: Float64Array; pullback(ct: Float64Array): PremoditVjp } {
    const { xs, dxsdT, dxsdP } = partials(t, pBar);
    const nl = t.length;
    return {
      xs,
      pullback(ct: Float64Array): PremoditVjp {
        checkCt(ct, nl);
        const tb = new Float64Array(nl);
        const pb = new Float64Array(nl);
        for (let l = 0; l < nl; l++) {
          let st = 0;
          let sp = 0;
          const o = l * N;
          for (let i = 0; i < N; i++) {
            const c = ct[o + i]!;
            st += c * dxsdT[o + i]!;
            sp += c * dxsdP[o + i]!;
          }
          tb[l] = st;
          pb[l] = sp;
        }
        return { tBar: tb, pBar: pb };
      },
    };
  }

  return {
    opa,
    xsmatrixPartials: partials,
    xsmatrixJvp: jvp,
    xsmatrixVjp: vjp,
    xsmatrixWithVjp: withVjp,
  };
}

/**
 * Slope dQ/dT of the linear interpolation of a partition-function table at t: the slope of the
 * interval [T_j, T_j+1] with T_j ≤ t < T_j+1 that `partitionFunctionAt` uses (right-hand slope
 * at interior nodes, left-hand at the last node; 0 for a one-point table).
 */
function _pfSlope(pf: PartitionFunction, t: number): number {
  const tt = pf.t;
  const qq = pf.q;
  const n = tt.length;
  if (n < 2) return 0;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (tt[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return (qq[hi]! - qq[lo]!) / (tt[hi]! - tt[lo]!);
}
