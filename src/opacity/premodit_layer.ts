/**
 * One PreMODIT layer in Fourier space, shared by the forward cross sections
 * (`createOpaPremodit`: `xsvector`, `xsmatrix`) and their derivative rules (`createPremoditAd`),
 * so that σ is computed by one implementation.
 *
 * For a layer (T, P) {@link PremoditLayer.spectra} accumulates the spectrum
 * Σ_b rfft(S_lsd,b) · K_b of σ (before the inverse FFT and the R/ν factor) and, when asked, its
 * partial derivatives with respect to T and P, all in one pass over the broadening bins:
 *
 * - E″-grid weights: f = exp(−c₂E(1/T − 1/Tref)), ∂f/∂T = f c₂E/T²; the diffmode terms
 *   f·δ and f·δ²/2 with δ = 1/T − 1/Twt, ∂δ/∂T = −1/T². The LBD sum then gives ∂S_lsd/∂T.
 * - g(ν, T)/(Q(T)/Q(Tref)): g = expm1(−c₂ν/T)/expm1(−c₂ν/Tref), ∂g/∂T = e^(−c₂ν/T)(c₂ν/T²)/
 *   expm1(−c₂ν/Tref). Q(T) is the linear interpolation of the `.pf` table, so ∂Q/∂T is the
 *   slope of the interval [T_j, T_j+1) with T_j ≤ T < T_j+1 that the forward interpolates in
 *   (right-hand slope at a node, left-hand at the last node).
 * - Kernel K_b(k) = exp(−2π²σ_q²k²)(exp(−2πγ_b|k|) − Â_b(k)), σ_q² ∝ T,
 *   γ_b = γ_ref,b (T/Tref_b)^(−n_b) P: ∂/∂T of the Gaussian factor is −2π²k²σ_q²/T times
 *   itself; ∂γ_b/∂T = −n_b γ_b/T, ∂γ_b/∂P = γ_b/P, and ∂K_b/∂γ includes the wrap-around term
 *   Â_b (`premodit_alias.ts`).
 *
 * σ's arithmetic is that of the forward, operation for operation, so `xsmatrix` and the
 * primal of every rule are the same numbers (bit for bit).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditLayer } from "./premodit_layer.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu);
 * const layer = createPremoditLayer(opa.tables);
 * layer.spectra(1000, 1, false, false, "example", -1);
 * const xs = new Float64Array(64);
 * layer.inverseInto(layer.accRe, layer.accIm, xs, 0);
 * assert.deepStrictEqual(xs, opa.xsvector(1000, 1)); // the forward is this layer kernel
 * ```
 *
 * @module
 */
import { C2 } from "../constants.ts";
import type { PartitionFunction } from "../db/types.ts";
import {
  partitionFunctionAt,
  partitionFunctionSlope,
} from "../db/partition_function.ts";
import { createRfftPlan, type RfftPlan } from "../fft/fft.ts";
import { createPremoditAlias, gaussianSpectrumInto } from "./premodit_alias.ts";
import { _checkPositive } from "./line_strength.ts";

/**
 * The T,P-independent tables of a PreMODIT calculator (`opa.tables`), from which the forward σ
 * and its derivative rules are computed. The arrays are the calculator's own and must not be
 * modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit, type PremoditTables } from "./premodit.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const tables: PremoditTables = createOpaPremodit(lines, nu).tables;
 * assert.strictEqual(tables.nu.length, 64);
 * assert.strictEqual(tables.entSlot.length, tables.ent0.length);
 * ```
 */
export interface PremoditTables {
  /** Wavenumber grid [cm⁻¹]. */
  readonly nu: Float64Array;
  /** The FFT plan factory given in the options, if any (also used by the derivative rules). */
  readonly rfftPlan?: (n: number) => RfftPlan;
  /** Spectral resolution R. */
  readonly resolution: number;
  /** Accurate temperature range [K]. */
  readonly tmin: number;
  /** Accurate temperature range [K]. */
  readonly tmax: number;
  /** Whether temperatures outside [tmin, tmax] are accepted. */
  readonly allowOutsideRange: boolean;
  /** Reference temperature of the LBD [K]. */
  readonly tref: number;
  /** Weight temperature [K]. */
  readonly twt: number;
  /** Reference temperature of the broadening grid [K]. */
  readonly trefBroadening: number;
  /** Partition function table. */
  readonly partitionFunction: PartitionFunction;
  /** Q(tref). */
  readonly qAtTref: number;
  /** E″ grid [cm⁻¹]. */
  readonly elowerGrid: Float64Array;
  /** LBD entries: slot (bin · N + ν index). */
  readonly entSlot: Int32Array;
  /** LBD entries: E″ grid index. */
  readonly entE: Int32Array;
  /** LBD entries: coefficient of f(E, T). */
  readonly ent0: Float64Array;
  /** LBD entries: coefficient of f(E, T)(1/T − 1/Twt). */
  readonly ent1: Float64Array;
  /** LBD entries: coefficient of f(E, T)(1/T − 1/Twt)²/2. */
  readonly ent2: Float64Array;
  /** Normalised γ_ref of each broadening bin [grid cells]. */
  readonly binNgammaRef: Float64Array;
  /** Temperature exponent of each broadening bin. */
  readonly binNTexp: Float64Array;
  /** σ_q = sigmaQFactor · √T [grid cells]. */
  readonly sigmaQFactor: number;
}

/**
 * The per-layer kernel of one calculator, from {@link createPremoditLayer}. Its buffers are
 * reused by every call, so it is not re-entrant: one kernel per calculator or rule set.
 */
export interface PremoditLayer {
  /** Number of grid points N. */
  readonly n: number;
  /** Spectrum of σ (N + 1 bins, FFT length 2N), filled by {@link PremoditLayer.spectra}. */
  readonly accRe: Float64Array;
  /** Imaginary part of {@link PremoditLayer.accRe}. */
  readonly accIm: Float64Array;
  /** Spectrum of ∂σ/∂T (when `wantT`). */
  readonly accTRe: Float64Array;
  /** Imaginary part of {@link PremoditLayer.accTRe}. */
  readonly accTIm: Float64Array;
  /** Spectrum of ∂σ/∂P (when `wantP`). */
  readonly accPRe: Float64Array;
  /** Imaginary part of {@link PremoditLayer.accPRe}. */
  readonly accPIm: Float64Array;
  /**
   * Checks (T, P) as the forward does and accumulates the spectra of σ and, as asked, of its
   * T and P partials.
   *
   * @param t Temperature [K], finite and > 0, inside the calculator's range unless allowed.
   * @param pBar Pressure [bar], finite and > 0.
   * @param wantT Whether to accumulate ∂σ/∂T.
   * @param wantP Whether to accumulate ∂σ/∂P.
   * @param stage Stage name for error messages (e.g. "premodit.xsmatrix").
   * @param index Layer index for error messages (`t[index]`), or −1 for a single layer.
   */
  spectra(
    t: number,
    pBar: number,
    wantT: boolean,
    wantP: boolean,
    stage: string,
    index: number,
  ): void;
  /**
   * irfft(sRe, sIm)[0:N] · R/ν into out[off..off+N): a spectrum back to cross sections.
   *
   * @param sRe Spectrum, real part (N + 1).
   * @param sIm Spectrum, imaginary part (N + 1).
   * @param out Output array.
   * @param off Offset into `out`.
   */
  inverseInto(
    sRe: Float64Array,
    sIm: Float64Array,
    out: Float64Array,
    off: number,
  ): void;
  /**
   * Takes the cotangent row ct[off..off+N) for the dot products of
   * {@link PremoditLayer.dotCotangent}: W = rfft(ct · R/ν, zero-padded to 2N).
   *
   * @param ct Cotangent array.
   * @param off Offset of the row.
   * @returns false when the row is zero (no transform made; every dot product is 0).
   */
  setCotangent(ct: Float64Array, off: number): boolean;
  /**
   * ⟨ct, irfft(S)[0:N] · R/ν⟩ for the row given to {@link PremoditLayer.setCotangent}
   * (Parseval; S Hermitian).
   *
   * @param sRe Spectrum, real part (N + 1).
   * @param sIm Spectrum, imaginary part (N + 1).
   * @returns The dot product.
   */
  dotCotangent(sRe: Float64Array, sIm: Float64Array): number;
}

/**
 * Creates the per-layer Fourier-space kernel of a PreMODIT calculator (see the module
 * documentation). Builds an FFT plan of length 2N (the tables' plan factory when given) and the
 * wrap-around spectra on first use.
 *
 * @param tables The calculator's tables (`opa.tables`).
 * @returns The kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditLayer } from "./premodit_layer.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const layer = createPremoditLayer(createOpaPremodit(lines, nu).tables);
 * // ∂σ/∂P through Parseval: ⟨1, ∂σ/∂P⟩ from the spectrum, against a central difference
 * const ones = new Float64Array(64).fill(1);
 * layer.spectra(1000, 1, false, true, "example", -1);
 * assert.ok(layer.setCotangent(ones, 0));
 * const d = layer.dotCotangent(layer.accPRe, layer.accPIm);
 * const sumAt = (p: number) => {
 *   layer.spectra(1000, p, false, false, "example", -1);
 *   return layer.dotCotangent(layer.accRe, layer.accIm);
 * };
 * const fd = (sumAt(1 + 1e-4) - sumAt(1 - 1e-4)) / 2e-4;
 * assert.ok(Math.abs(fd / d - 1) < 1e-7);
 * ```
 */
export function createPremoditLayer(tables: PremoditTables): PremoditLayer {
  const nu = tables.nu;
  const N = nu.length;
  const L2 = 2 * N;
  const nk = N + 1;
  const R = tables.resolution;
  const { tmin, tmax, tref, twt, qAtTref } = tables;
  const allowOutside = tables.allowOutsideRange;
  const trefB = tables.trefBroadening;
  const pf = tables.partitionFunction;
  const eg = tables.elowerGrid;
  const nE = eg.length;
  const { entSlot, entE, ent0, ent1, ent2 } = tables;
  const nEnt = entSlot.length;
  const binNg = tables.binNgammaRef;
  const binNt = tables.binNTexp;
  const nb = binNg.length;
  const sqf = tables.sigmaQFactor;

  const plan = tables.rfftPlan ? tables.rfftPlan(L2) : createRfftPlan(L2);
  const kk = Float64Array.from({ length: nk }, (_, m) => (m / L2) * (m / L2));
  const twoPiMOverL = Float64Array.from(
    { length: nk },
    (_, m) => 2 * Math.PI * m / L2,
  );
  const rOverNu = Float64Array.from(nu, (v) => R / v);
  const stimRef = Float64Array.from(nu, (v) => Math.expm1(-C2 * v / tref));
  const c2E = Float64Array.from(eg, (e) => C2 * e);
  const alias = createPremoditAlias(N, plan);

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
  const rowBuf = new Float64Array(L2);

  function spectra(
    t: number,
    pBar: number,
    wantT: boolean,
    wantP: boolean,
    stage: string,
    index: number,
  ): void {
    _checkPositive(t, index < 0 ? "t" : `t[${index}]`, stage);
    _checkPositive(pBar, index < 0 ? "pBar" : `pBar[${index}]`, stage);
    if (!allowOutside && (t < tmin || t > tmax)) {
      throw new RangeError(
        `t = ${t} K is outside the PreMODIT temperature range [${tmin}, ${tmax}] K ` +
          `(set allowOutsideRange to accept it)`,
      );
    }
    const wantG = wantT || wantP;
    const qr = partitionFunctionAt(pf, t) / qAtTref;
    const dlnqr = wantT ? partitionFunctionSlope(pf, t) / qAtTref / qr : 0;
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
      const g = Math.expm1(-C2 * nu[i]! / t) / stimRef[i]! / qr;
      gq[i] = g;
      if (wantT) {
        const x = C2 * nu[i]! / t;
        dgq[i] = Math.exp(-x) * x / t / stimRef[i]! / qr - g * dlnqr;
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
      const hasAlias = alias.into(gam, aK, wantG ? aG : undefined);
      const r = Math.exp(-Math.PI * gam / N);
      if (!wantG) {
        let lor = 1;
        for (let m = 0; m < nk; m++) {
          const kern = gauss[m]! * (hasAlias ? lor - aK[m]! : lor);
          accRe[m] = accRe[m]! + re[m]! * kern;
          accIm[m] = accIm[m]! + im[m]! * kern;
          lor *= r;
        }
        continue;
      }
      const cT = -binNt[b]! / t; // ∂ln γ/∂T
      let lor = 1;
      for (let m = 0; m < nk; m++) {
        const gm = gauss[m]!;
        const kern = gm * (hasAlias ? lor - aK[m]! : lor);
        const sr = re[m]!;
        const si = im[m]!;
        accRe[m] = accRe[m]! + sr * kern;
        accIm[m] = accIm[m]! + si * kern;
        // γ ∂K/∂γ
        const kg = gm *
          (-gam * twoPiMOverL[m]! * lor - (hasAlias ? aG[m]! : 0));
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

  function inverseInto(
    sRe: Float64Array,
    sIm: Float64Array,
    out: Float64Array,
    off: number,
  ): void {
    plan.inverse(sRe, sIm, rowBuf);
    for (let i = 0; i < N; i++) out[off + i] = rowBuf[i]! * rOverNu[i]!;
  }

  function setCotangent(ct: Float64Array, off: number): boolean {
    let zero = true;
    for (let i = 0; i < N; i++) {
      const w = ct[off + i]! * rOverNu[i]!;
      pad[i] = w;
      if (w !== 0) zero = false;
    }
    if (zero) return false;
    pad.fill(0, N);
    plan.forward(pad, wRe, wIm);
    return true;
  }

  function dotCotangent(sRe: Float64Array, sIm: Float64Array): number {
    let s = 0;
    for (let m = 1; m < N; m++) s += sRe[m]! * wRe[m]! + sIm[m]! * wIm[m]!;
    return (2 * s + sRe[0]! * wRe[0]! + sRe[N]! * wRe[N]!) / L2;
  }

  return {
    n: N,
    accRe,
    accIm,
    accTRe,
    accTIm,
    accPRe,
    accPIm,
    spectra,
    inverseInto,
    setCotangent,
    dotCotangent,
  };
}
