/**
 * The Lorentz wrap-around correction of PreMODIT's FFT convolution, shared by the forward σ
 * (`premodit.ts`) and its derivative rules (`premodit_ad.ts`).
 *
 * The convolution runs on a 2N-periodic grid (L = 2N), where the Lorentzian's DFT is the
 * closed form r^m (r = e^(−πγ/N)): that is the DFT of the periodic sum P(n) = Σ_k L(n + kL).
 * The wanted kernel is L(n) on n ∈ (−N, N], so the wrap-around A(n) = P(n) − L(n) is
 * subtracted in Fourier space: kernel = r^m − Â(m).
 *
 * For γ ≤ 0.25 N, since |n + kL| ≥ N for k ≠ 0,
 * A(n) = Σ_j (−1)^j (γ/L)^(2j+1) c_j(n), c_j(n) = [ζ(2j+2, 1 + n/L) + ζ(2j+2, 1 − n/L)]/(πL)
 * (Hurwitz ζ), so Â is a short sum of precomputed real spectra ĉ_j (no FFT per layer, and no
 * cancellation between P and L at small γ). For larger γ, A(n) is formed from the closed form of
 * P and transformed with one real FFT.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createRfftPlan } from "../fft/fft.ts";
 * import { createPremoditAlias } from "./premodit_alias.ts";
 * const N = 64;
 * const alias = createPremoditAlias(N, createRfftPlan(2 * N));
 * const a = new Float64Array(N + 1);
 * assert.ok(alias.into(3, a));
 * // Â(0) = Σ_n A(n) = Σ_{n∉(−N,N]} L(n) = coth(πγ) − Σ_{n∈(−N,N]} L(n): the outer tails.
 * let inside = 0;
 * for (let n = -N + 1; n <= N; n++) inside += 3 / (Math.PI * (n * n + 9));
 * const outer = 1 / Math.tanh(3 * Math.PI) - inside;
 * assert.ok(Math.abs(a[0]! - outer) < 1e-12 * outer);
 * ```
 *
 * @module
 */
import type { RfftPlan } from "../fft/fft.ts";

/** Number of stored terms of the wrap-around series. */
const _KMAX = 16;
/** Largest γ/N [grid cells / grid size] handled by the series. */
const _SERIES_MAX = 0.25;

/** Wrap-around spectra of one grid size, from {@link createPremoditAlias}. */
export interface PremoditAlias {
  /**
   * Â(m), m = 0..N, into `aK` and (when `aG` is given) γ ∂Â/∂γ into `aG`, for a Lorentzian of
   * HWHM `gam` [grid cells].
   *
   * @param gam HWHM [grid cells], > 0.
   * @param aK Output, length ≥ N + 1.
   * @param aG Optional output of γ ∂Â/∂γ, length ≥ N + 1.
   * @returns false (outputs untouched) when the wrap-around is dropped (γ < 1e-8 · 2N).
   */
  into(gam: number, aK: Float64Array, aG?: Float64Array): boolean;
}

/**
 * Creates the wrap-around spectra for a PreMODIT grid of N points (FFT length 2N). The series
 * basis is built on first use (16 real FFTs of length 2N).
 *
 * @param N Number of grid points.
 * @param plan Real FFT plan of length 2N.
 * @returns A {@link PremoditAlias}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createRfftPlan } from "../fft/fft.ts";
 * import { createPremoditAlias } from "./premodit_alias.ts";
 * const alias = createPremoditAlias(32, createRfftPlan(64));
 * assert.strictEqual(alias.into(1e-9, new Float64Array(33)), false); // negligible
 * ```
 */
export function createPremoditAlias(N: number, plan: RfftPlan): PremoditAlias {
  const L2 = 2 * N;
  const nk = N + 1;
  const sin2 = Float64Array.from(
    { length: N + 1 },
    (_, n) => 2 * Math.sin(Math.PI * n / L2) ** 2,
  );
  let basis: Float64Array | undefined;
  const ca = new Float64Array(_KMAX);
  const cg = new Float64Array(_KMAX);
  let xBuf: Float64Array | undefined;
  let xgBuf: Float64Array | undefined;
  let scratchIm: Float64Array | undefined;
  return {
    into(gam: number, aK: Float64Array, aG?: Float64Array): boolean {
      if (gam / L2 < 1e-8) return false;
      if (gam <= _SERIES_MAX * N) {
        basis ??= _aliasBasis(N, plan);
        const u = gam / L2;
        const q = gam / N;
        const nt = q <= 0 ? 1 : Math.min(
          _KMAX,
          Math.max(1, Math.ceil((Math.log(1e-18) / Math.log(q) - 1) / 2) + 1),
        );
        let c = u;
        const u2 = -u * u;
        for (let k = 0; k < nt; k++) {
          ca[k] = c;
          cg[k] = (2 * k + 1) * c;
          c *= u2;
        }
        if (aG === undefined) {
          for (let m = 0; m < nk; m++) {
            const o = m * _KMAX;
            let sa = 0;
            for (let k = nt - 1; k >= 0; k--) sa += ca[k]! * basis[o + k]!;
            aK[m] = sa;
          }
        } else {
          for (let m = 0; m < nk; m++) {
            const o = m * _KMAX;
            let sa = 0;
            let sg = 0;
            for (let k = nt - 1; k >= 0; k--) {
              const v = basis[o + k]!;
              sa += ca[k]! * v;
              sg += cg[k]! * v;
            }
            aK[m] = sa;
            aG[m] = sg;
          }
        }
        return true;
      }
      // Large γ: the closed form of the periodic sum (and its γ-derivative), transformed.
      xBuf ??= new Float64Array(L2);
      xgBuf ??= new Float64Array(L2);
      scratchIm ??= new Float64Array(nk);
      const a = 2 * Math.PI * gam / L2;
      const g2 = gam * gam;
      const big = a > 700;
      const sh = big ? 0 : Math.sinh(a);
      const sh2 = big ? 0 : 2 * Math.sinh(a / 2) ** 2;
      for (let n = 0; n <= N; n++) {
        const s2 = sin2[n]!;
        const d = sh2 + s2;
        const per = big ? 1 / L2 : sh / (L2 * d);
        const n2g = n * n + g2;
        const v = per - gam / (Math.PI * n2g);
        // γ ∂/∂γ = a ∂/∂a for the periodic part
        const perG = big ? 0 : a * (s2 - (1 - s2) * sh2) / (L2 * d * d);
        const vg = perG - gam * (n * n - g2) / (Math.PI * n2g * n2g);
        xBuf[n] = v;
        xgBuf[n] = vg;
        if (n > 0 && n < N) {
          xBuf[L2 - n] = v;
          xgBuf[L2 - n] = vg;
        }
      }
      plan.forward(xBuf, aK, scratchIm);
      if (aG !== undefined) plan.forward(xgBuf, aG, scratchIm);
      return true;
    },
  };
}

/**
 * The table of the wrap-around series that {@link createPremoditAlias} builds on first use for
 * small γ (for a kernel in another language that evaluates the same series): basis[m·16 + k],
 * m = 0..N, k = 0..15, so that Â(m) = Σ_k (−1)^k (γ/2N)^(2k+1) basis[m·16 + k].
 *
 * @param N Number of grid points (the FFT length is 2N).
 * @param plan A real FFT plan of length 2N.
 * @returns The (N + 1)·16 values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createRfftPlan } from "../fft/fft.ts";
 * import { createPremoditAlias, premoditAliasBasis } from "./premodit_alias.ts";
 * const N = 32, plan = createRfftPlan(2 * N);
 * const basis = premoditAliasBasis(N, plan);
 * const gam = 0.5, u = gam / (2 * N);
 * const aK = new Float64Array(N + 1);
 * createPremoditAlias(N, plan).into(gam, aK);
 * let s = 0, c = u; // the series at m = 3, summed here to 16 terms
 * for (let k = 0; k < 16; k++, c *= -u * u) s += c * basis[3 * 16 + k]!;
 * assert.ok(Math.abs(s - aK[3]!) <= 1e-15 * Math.abs(aK[3]!));
 * ```
 */
export function premoditAliasBasis(N: number, plan: RfftPlan): Float64Array {
  return _aliasBasis(N, plan);
}

/**
 * DFTs of the wrap-around series terms: basis[m·KMAX + k] = Σ_n c_k(n) e^(−2πimn/L),
 * c_k(n) = Z_k(n/L)/(πL), Z_k(x) = ζ(2k+2, 1+x) + ζ(2k+2, 1−x), n ∈ (−N, N], L = 2N.
 * Then Â(m) = Σ_k (−1)^k (γ/L)^(2k+1) basis[m, k].
 */
function _aliasBasis(
  N: number,
  plan: { forward(x: Float64Array, re: Float64Array, im: Float64Array): void },
): Float64Array {
  const L = 2 * N;
  const nk = N + 1;
  const out = new Float64Array(nk * _KMAX);
  const buf = new Float64Array(L);
  const re = new Float64Array(nk);
  const im = new Float64Array(nk);
  for (let k = 0; k < _KMAX; k++) {
    const s = 2 * k + 2;
    for (let n = 0; n <= N; n++) {
      const x = n / L;
      const v = (_hurwitzZeta(s, 1 + x) + _hurwitzZeta(s, 1 - x)) /
        (Math.PI * L);
      buf[n] = v;
      if (n > 0 && n < N) buf[L - n] = v;
    }
    plan.forward(buf, re, im);
    for (let m = 0; m < nk; m++) out[m * _KMAX + k] = re[m]!;
  }
  return out;
}

/** B_2r/(2r)! for r = 1..9. */
const _BERN = [
  1 / 6 / 2,
  -1 / 30 / 24,
  1 / 42 / 720,
  -1 / 30 / 40320,
  5 / 66 / 3628800,
  -691 / 2730 / 479001600,
  7 / 6 / 87178291200,
  -3617 / 510 / 20922789888000,
  43867 / 798 / 6402373705728000,
];

/**
 * Hurwitz ζ(s, a) = Σ_(j≥0) (a + j)^(−s) for s ≥ 2 and a ≥ 0.5, by 12 direct terms and the
 * Euler–Maclaurin tail (relative error < 1e-16 in this range).
 */
function _hurwitzZeta(s: number, a: number): number {
  const M = 12;
  let sum = 0;
  for (let j = 0; j < M; j++) sum += Math.pow(a + j, -s);
  const b = a + M;
  const bs = Math.pow(b, -s);
  sum += b * bs / (s - 1) + 0.5 * bs;
  // Σ_r B_2r/(2r)! · s(s+1)…(s+2r−2) · b^(−s−2r+1)
  let rising = s; // s(s+1)…(s+2r−2) for r = 1
  let pw = bs / b; // b^(−s−1)
  const ib2 = 1 / (b * b);
  for (let r = 0; r < _BERN.length; r++) {
    const term = _BERN[r]! * rising * pw;
    sum += term;
    if (Math.abs(term) < 1e-18 * sum) break;
    rising *= (s + 2 * r + 1) * (s + 2 * r + 2);
    pw *= ib2;
  }
  return sum;
}

/**
 * The Doppler kernel's spectrum exp(gf · (m/L)²), m = 0..nk−1, into `out`: exact `exp` at the
 * start of every block of 16 and the ratio recurrence exp(gf(2m+1)/L²) inside it (≤ ~32 ulp
 * relative; 1/8 of the `exp` calls). Shared by the forward σ and its derivative rules.
 *
 * @param gf −2π²σ² with σ the Gaussian's standard deviation [grid cells].
 * @param L FFT length.
 * @param out Output, length ≥ nk.
 * @param nk Number of frequencies.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gaussianSpectrumInto } from "./premodit_alias.ts";
 * const out = new Float64Array(101);
 * gaussianSpectrumInto(-2 * Math.PI ** 2 * 4, 200, out, 101);
 * for (let m = 0; m <= 100; m++) {
 *   const want = Math.exp(-2 * Math.PI ** 2 * 4 * (m / 200) ** 2);
 *   assert.ok(Math.abs(out[m]! - want) <= 1e-14 * want);
 * }
 * ```
 */
export function gaussianSpectrumInto(
  gf: number,
  L: number,
  out: Float64Array,
  nk: number,
): void {
  const c = gf / (L * L);
  const step2 = Math.exp(2 * c);
  for (let m0 = 0; m0 < nk; m0 += 16) {
    let g = Math.exp(c * m0 * m0);
    let ratio = Math.exp(c * (2 * m0 + 1));
    const m1 = Math.min(nk, m0 + 16);
    for (let m = m0; m < m1; m++) {
      out[m] = g;
      g *= ratio;
      ratio *= step2;
    }
  }
}
