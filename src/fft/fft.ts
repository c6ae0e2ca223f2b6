/**
 * Float64 fast Fourier transforms of any length, with numpy's conventions
 * (forward X_k = Σ_j x_j e^{−2πijk/n}, inverse normalised by 1/n).
 *
 * - Complex FFT: Stockham autosort (no bit reversal), mixed radix 4, 2, 3, 5, 7 with
 *   specialised butterflies, other prime factors up to 50 by a generic radix-p butterfly,
 *   and Bluestein's chirp-z algorithm (on a power-of-two plan) when n has a prime factor
 *   above 50. Twiddle factors are precomputed in the plan.
 * - Real FFT: a length-n real transform (n even) is one complex transform of length n/2
 *   plus an O(n) split; odd n use a complex transform of length n.
 *
 * Plans own scratch buffers, so a plan must not be used re-entrantly (JavaScript is single
 * threaded, so this only matters inside callbacks). `rfft`/`irfft` cache a few plans by length.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { irfft, rfft } from "./fft.ts";
 * const close = (a: ArrayLike<number>, b: number[]) =>
 *   b.every((v, i) => Math.abs(a[i]! - v) < 1e-12);
 * const { re, im } = rfft(new Float64Array([1, 2, 3, 4]));
 * assert.ok(close(re, [10, -2, -2]) && close(im, [0, 2, 0]));
 * assert.ok(close(irfft(re, im, 4), [1, 2, 3, 4]));
 * ```
 *
 * @module
 */

import type { FftPlan, RfftPlan } from "../backend/fft_plan.ts";

export type { FftPlan, RfftPlan };

const _MAX_GENERIC_RADIX = 50;

function _checkLength(n: number, fn: string): void {
  if (typeof n !== "number") {
    throw new TypeError(`${fn}: n must be a number, got ${typeof n}`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${fn}: n must be a positive integer, got ${n}`);
  }
}

function _checkF64(
  a: unknown,
  name: string,
  fn: string,
): asserts a is Float64Array {
  if (!(a instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float64Array`);
  }
}

/**
 * cos and sin of 2π·a/b for integers 0 ≤ a, 4a < 2^53: reduced exactly to the first
 * octant so that quarter turns are exact (e.g. sin π = 0) and the angle error stays tiny.
 */
function _cis(a: number, b: number): [number, number] {
  const r4 = 4 * (a % b);
  const q = Math.floor(r4 / b);
  const rr = r4 - q * b; // angle = (π/2)(q + rr/b), 0 ≤ rr < b
  let c: number, s: number;
  if (2 * rr <= b) {
    const t = 0.5 * Math.PI * rr / b;
    c = Math.cos(t);
    s = Math.sin(t);
  } else {
    const t = 0.5 * Math.PI * (b - rr) / b;
    c = Math.sin(t);
    s = Math.cos(t);
  }
  switch (q) {
    case 0:
      return [c, s];
    case 1:
      return [-s, c];
    case 2:
      return [-c, -s];
    default:
      return [s, -c];
  }
}

function _factorize(n: number): number[] {
  const f: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    f.push(4);
    m /= 4;
  }
  for (const p of [2, 3, 5]) {
    while (m % p === 0) {
      f.push(p);
      m /= p;
    }
  }
  for (let p = 7; p * p <= m; p += 2) {
    while (m % p === 0) {
      f.push(p);
      m /= p;
    }
  }
  if (m > 1) f.push(m);
  return f;
}

interface _Stage {
  p: number;
  m: number;
  s: number;
  /** Twiddles ω_L^{jk} (forward), index j*(p-1) + (k-1). */
  twr: Float64Array;
  twi: Float64Array;
  /** For the generic radix: cos/sin(2π r/p) and scratch for the p inputs. */
  cr: Float64Array;
  ci: Float64Array;
  ar: Float64Array;
  ai: Float64Array;
}

function _makeStage(p: number, l: number, s: number): _Stage {
  const m = l / p;
  const twr = new Float64Array(m * (p - 1));
  const twi = new Float64Array(m * (p - 1));
  for (let j = 0; j < m; j++) {
    for (let k = 1; k < p; k++) {
      const [c, sn] = _cis(j * k, l);
      twr[j * (p - 1) + k - 1] = c;
      twi[j * (p - 1) + k - 1] = -sn;
    }
  }
  const generic = p > 5 || p === 3 || p === 5 ? p : 0;
  const cr = new Float64Array(generic);
  const ci = new Float64Array(generic);
  for (let r = 0; r < generic; r++) {
    const [c, sn] = _cis(r, p);
    cr[r] = c;
    ci[r] = sn;
  }
  return {
    p,
    m,
    s,
    twr,
    twi,
    cr,
    ci,
    ar: new Float64Array(p > 5 ? p : 0),
    ai: new Float64Array(p > 5 ? p : 0),
  };
}

/** One Stockham pass: x → y. */
function _pass(
  st: _Stage,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { p, m, s, twr, twi } = st;
  const sm = s * m;
  if (p === 4) {
    for (let j = 0; j < m; j++) {
      const w1r = twr[3 * j]!, w1i = twi[3 * j]!;
      const w2r = twr[3 * j + 1]!, w2i = twi[3 * j + 1]!;
      const w3r = twr[3 * j + 2]!, w3i = twi[3 * j + 2]!;
      const ib = s * j;
      const ob = 4 * s * j;
      for (let q = 0; q < s; q++) {
        const a = ib + q;
        const a0r = xr[a]!, a0i = xi[a]!;
        const a1r = xr[a + sm]!, a1i = xi[a + sm]!;
        const a2r = xr[a + 2 * sm]!, a2i = xi[a + 2 * sm]!;
        const a3r = xr[a + 3 * sm]!, a3i = xi[a + 3 * sm]!;
        const t0r = a0r + a2r, t0i = a0i + a2i;
        const t1r = a0r - a2r, t1i = a0i - a2i;
        const t2r = a1r + a3r, t2i = a1i + a3i;
        const t3r = a1r - a3r, t3i = a1i - a3i;
        const o = ob + q;
        yr[o] = t0r + t2r;
        yi[o] = t0i + t2i;
        const y1r = t1r + t3i, y1i = t1i - t3r;
        yr[o + s] = y1r * w1r - y1i * w1i;
        yi[o + s] = y1r * w1i + y1i * w1r;
        const y2r = t0r - t2r, y2i = t0i - t2i;
        yr[o + 2 * s] = y2r * w2r - y2i * w2i;
        yi[o + 2 * s] = y2r * w2i + y2i * w2r;
        const y3r = t1r - t3i, y3i = t1i + t3r;
        yr[o + 3 * s] = y3r * w3r - y3i * w3i;
        yi[o + 3 * s] = y3r * w3i + y3i * w3r;
      }
    }
  } else if (p === 2) {
    for (let j = 0; j < m; j++) {
      const wr = twr[j]!, wi = twi[j]!;
      const ib = s * j;
      const ob = 2 * s * j;
      for (let q = 0; q < s; q++) {
        const a = ib + q;
        const a0r = xr[a]!, a0i = xi[a]!;
        const a1r = xr[a + sm]!, a1i = xi[a + sm]!;
        const o = ob + q;
        yr[o] = a0r + a1r;
        yi[o] = a0i + a1i;
        const dr = a0r - a1r, di = a0i - a1i;
        yr[o + s] = dr * wr - di * wi;
        yi[o + s] = dr * wi + di * wr;
      }
    }
  } else if (p === 3) {
    const sn = st.ci[1]!; // sin(2π/3)
    for (let j = 0; j < m; j++) {
      const w1r = twr[2 * j]!, w1i = twi[2 * j]!;
      const w2r = twr[2 * j + 1]!, w2i = twi[2 * j + 1]!;
      const ib = s * j;
      const ob = 3 * s * j;
      for (let q = 0; q < s; q++) {
        const a = ib + q;
        const a0r = xr[a]!, a0i = xi[a]!;
        const a1r = xr[a + sm]!, a1i = xi[a + sm]!;
        const a2r = xr[a + 2 * sm]!, a2i = xi[a + 2 * sm]!;
        const tr = a1r + a2r, ti = a1i + a2i;
        const ur = a0r - 0.5 * tr, ui = a0i - 0.5 * ti;
        // v = −i·sin(2π/3)·(a1 − a2)
        const vr = sn * (a1i - a2i), vi = -sn * (a1r - a2r);
        const o = ob + q;
        yr[o] = a0r + tr;
        yi[o] = a0i + ti;
        const y1r = ur + vr, y1i = ui + vi;
        yr[o + s] = y1r * w1r - y1i * w1i;
        yi[o + s] = y1r * w1i + y1i * w1r;
        const y2r = ur - vr, y2i = ui - vi;
        yr[o + 2 * s] = y2r * w2r - y2i * w2i;
        yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      }
    }
  } else if (p === 5) {
    const c1 = st.cr[1]!, c2 = st.cr[2]!, s1 = st.ci[1]!, s2 = st.ci[2]!;
    for (let j = 0; j < m; j++) {
      const b = 4 * j;
      const w1r = twr[b]!, w1i = twi[b]!;
      const w2r = twr[b + 1]!, w2i = twi[b + 1]!;
      const w3r = twr[b + 2]!, w3i = twi[b + 2]!;
      const w4r = twr[b + 3]!, w4i = twi[b + 3]!;
      const ib = s * j;
      const ob = 5 * s * j;
      for (let q = 0; q < s; q++) {
        const a = ib + q;
        const a0r = xr[a]!, a0i = xi[a]!;
        const a1r = xr[a + sm]!, a1i = xi[a + sm]!;
        const a2r = xr[a + 2 * sm]!, a2i = xi[a + 2 * sm]!;
        const a3r = xr[a + 3 * sm]!, a3i = xi[a + 3 * sm]!;
        const a4r = xr[a + 4 * sm]!, a4i = xi[a + 4 * sm]!;
        const u1r = a1r + a4r,
          u1i = a1i + a4i,
          v1r = a1r - a4r,
          v1i = a1i - a4i;
        const u2r = a2r + a3r,
          u2i = a2i + a3i,
          v2r = a2r - a3r,
          v2i = a2i - a3i;
        // k = 1: cos terms c1, c2; sin terms s1, s2.  k = 2: cos c2, c1; sin s2, −s1.
        const p1r = a0r + c1 * u1r + c2 * u2r, p1i = a0i + c1 * u1i + c2 * u2i;
        const q1r = s1 * v1r + s2 * v2r, q1i = s1 * v1i + s2 * v2i;
        const p2r = a0r + c2 * u1r + c1 * u2r, p2i = a0i + c2 * u1i + c1 * u2i;
        const q2r = s2 * v1r - s1 * v2r, q2i = s2 * v1i - s1 * v2i;
        const o = ob + q;
        yr[o] = a0r + u1r + u2r;
        yi[o] = a0i + u1i + u2i;
        // y_k = p_k − i q_k, y_{5−k} = p_k + i q_k
        let tr = p1r + q1i, ti = p1i - q1r;
        yr[o + s] = tr * w1r - ti * w1i;
        yi[o + s] = tr * w1i + ti * w1r;
        tr = p2r + q2i;
        ti = p2i - q2r;
        yr[o + 2 * s] = tr * w2r - ti * w2i;
        yi[o + 2 * s] = tr * w2i + ti * w2r;
        tr = p2r - q2i;
        ti = p2i + q2r;
        yr[o + 3 * s] = tr * w3r - ti * w3i;
        yi[o + 3 * s] = tr * w3i + ti * w3r;
        tr = p1r - q1i;
        ti = p1i + q1r;
        yr[o + 4 * s] = tr * w4r - ti * w4i;
        yi[o + 4 * s] = tr * w4i + ti * w4r;
      }
    }
  } else if (p === 7) {
    // Radix 7, unrolled: u_r = a_r + a_{7−r}, v_r = a_r − a_{7−r} (r = 1..3),
    // p_k = a0 + Σ_r cos(2πrk/7) u_r, q_k = Σ_r sin(2πrk/7) v_r, y_k = p_k − i q_k,
    // y_{7−k} = p_k + i q_k (the generic branch below, with the index table written out).
    const c1 = st.cr[1]!, c2 = st.cr[2]!, c3 = st.cr[3]!;
    const s1 = st.ci[1]!, s2 = st.ci[2]!, s3 = st.ci[3]!;
    for (let j = 0; j < m; j++) {
      const b = 6 * j;
      const w1r = twr[b]!, w1i = twi[b]!;
      const w2r = twr[b + 1]!, w2i = twi[b + 1]!;
      const w3r = twr[b + 2]!, w3i = twi[b + 2]!;
      const w4r = twr[b + 3]!, w4i = twi[b + 3]!;
      const w5r = twr[b + 4]!, w5i = twi[b + 4]!;
      const w6r = twr[b + 5]!, w6i = twi[b + 5]!;
      const ib = s * j;
      const ob = 7 * s * j;
      for (let q = 0; q < s; q++) {
        const a = ib + q;
        const a0r = xr[a]!, a0i = xi[a]!;
        const a1r = xr[a + sm]!, a1i = xi[a + sm]!;
        const a2r = xr[a + 2 * sm]!, a2i = xi[a + 2 * sm]!;
        const a3r = xr[a + 3 * sm]!, a3i = xi[a + 3 * sm]!;
        const a4r = xr[a + 4 * sm]!, a4i = xi[a + 4 * sm]!;
        const a5r = xr[a + 5 * sm]!, a5i = xi[a + 5 * sm]!;
        const a6r = xr[a + 6 * sm]!, a6i = xi[a + 6 * sm]!;
        const u1r = a1r + a6r,
          u1i = a1i + a6i,
          v1r = a1r - a6r,
          v1i = a1i - a6i;
        const u2r = a2r + a5r,
          u2i = a2i + a5i,
          v2r = a2r - a5r,
          v2i = a2i - a5i;
        const u3r = a3r + a4r,
          u3i = a3i + a4i,
          v3r = a3r - a4r,
          v3i = a3i - a4i;
        // k = 1: (c1, c2, c3 | s1, s2, s3); k = 2: (c2, c3, c1 | s2, −s3, −s1);
        // k = 3: (c3, c1, c2 | s3, −s1, s2).
        const p1r = a0r + c1 * u1r + c2 * u2r + c3 * u3r;
        const p1i = a0i + c1 * u1i + c2 * u2i + c3 * u3i;
        const q1r = s1 * v1r + s2 * v2r + s3 * v3r;
        const q1i = s1 * v1i + s2 * v2i + s3 * v3i;
        const p2r = a0r + c2 * u1r + c3 * u2r + c1 * u3r;
        const p2i = a0i + c2 * u1i + c3 * u2i + c1 * u3i;
        const q2r = s2 * v1r - s3 * v2r - s1 * v3r;
        const q2i = s2 * v1i - s3 * v2i - s1 * v3i;
        const p3r = a0r + c3 * u1r + c1 * u2r + c2 * u3r;
        const p3i = a0i + c3 * u1i + c1 * u2i + c2 * u3i;
        const q3r = s3 * v1r - s1 * v2r + s2 * v3r;
        const q3i = s3 * v1i - s1 * v2i + s2 * v3i;
        const o = ob + q;
        yr[o] = a0r + u1r + u2r + u3r;
        yi[o] = a0i + u1i + u2i + u3i;
        let tr = p1r + q1i, ti = p1i - q1r;
        yr[o + s] = tr * w1r - ti * w1i;
        yi[o + s] = tr * w1i + ti * w1r;
        tr = p2r + q2i;
        ti = p2i - q2r;
        yr[o + 2 * s] = tr * w2r - ti * w2i;
        yi[o + 2 * s] = tr * w2i + ti * w2r;
        tr = p3r + q3i;
        ti = p3i - q3r;
        yr[o + 3 * s] = tr * w3r - ti * w3i;
        yi[o + 3 * s] = tr * w3i + ti * w3r;
        tr = p3r - q3i;
        ti = p3i + q3r;
        yr[o + 4 * s] = tr * w4r - ti * w4i;
        yi[o + 4 * s] = tr * w4i + ti * w4r;
        tr = p2r - q2i;
        ti = p2i + q2r;
        yr[o + 5 * s] = tr * w5r - ti * w5i;
        yi[o + 5 * s] = tr * w5i + ti * w5r;
        tr = p1r - q1i;
        ti = p1i + q1r;
        yr[o + 6 * s] = tr * w6r - ti * w6i;
        yi[o + 6 * s] = tr * w6i + ti * w6r;
      }
    }
  } else {
    // Generic odd prime radix, pairing r and p − r.
    const { cr, ci, ar, ai } = st;
    const hp = (p - 1) / 2;
    for (let j = 0; j < m; j++) {
      const tb = (p - 1) * j;
      const ib = s * j;
      const ob = p * s * j;
      for (let q = 0; q < s; q++) {
        let sr = 0, si = 0;
        for (let r = 0; r < p; r++) {
          const v = ib + q + r * sm;
          ar[r] = xr[v]!;
          ai[r] = xi[v]!;
          sr += ar[r]!;
          si += ai[r]!;
        }
        const o = ob + q;
        yr[o] = sr;
        yi[o] = si;
        const a0r = ar[0]!, a0i = ai[0]!;
        for (let k = 1; k <= hp; k++) {
          let pr = a0r, pi = a0i, qr = 0, qi = 0;
          let idx = 0;
          for (let r = 1; r <= hp; r++) {
            idx += k;
            if (idx >= p) idx -= p;
            const c = cr[idx]!, sn = ci[idx]!;
            const x1r = ar[r]!,
              x1i = ai[r]!,
              x2r = ar[p - r]!,
              x2i = ai[p - r]!;
            pr += c * (x1r + x2r);
            pi += c * (x1i + x2i);
            qr += sn * (x1r - x2r);
            qi += sn * (x1i - x2i);
          }
          let tr = pr + qi, ti = pi - qr;
          let wr = twr[tb + k - 1]!, wi = twi[tb + k - 1]!;
          yr[o + k * s] = tr * wr - ti * wi;
          yi[o + k * s] = tr * wi + ti * wr;
          tr = pr - qi;
          ti = pi + qr;
          wr = twr[tb + p - k - 1]!;
          wi = twi[tb + p - k - 1]!;
          yr[o + (p - k) * s] = tr * wr - ti * wi;
          yi[o + (p - k) * s] = tr * wi + ti * wr;
        }
      }
    }
  }
}

/** Mixed-radix Stockham complex FFT (forward only; the inverse uses conjugation). */
class _MixedRadix {
  readonly n: number;
  readonly stages: _Stage[];
  readonly wr: Float64Array;
  readonly wi: Float64Array;
  constructor(n: number, factors: number[]) {
    this.n = n;
    this.stages = [];
    let l = n;
    let s = 1;
    for (const p of factors) {
      this.stages.push(_makeStage(p, l, s));
      l /= p;
      s *= p;
    }
    this.wr = new Float64Array(n);
    this.wi = new Float64Array(n);
  }
  forward(re: Float64Array, im: Float64Array): void {
    let xr = re, xi = im, yr = this.wr, yi = this.wi;
    for (const st of this.stages) {
      _pass(st, xr, xi, yr, yi);
      const tr = xr, ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== re) {
      re.set(xr);
      im.set(xi);
    }
  }
}

/** Bluestein chirp-z transform of length n on a power-of-two plan of length ≥ 2n − 1. */
class _Bluestein {
  readonly n: number;
  readonly inner: _MixedRadix;
  readonly chr: Float64Array;
  readonly chi: Float64Array;
  readonly bre: Float64Array;
  readonly bim: Float64Array;
  readonly ar: Float64Array;
  readonly ai: Float64Array;
  constructor(n: number) {
    this.n = n;
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.inner = new _MixedRadix(m, _factorize(m));
    this.chr = new Float64Array(n);
    this.chi = new Float64Array(n);
    // c_k = e^{−iπk²/n}; k² mod 2n kept exact by an incremental update.
    let k2 = 0;
    for (let k = 0; k < n; k++) {
      const [c, s] = _cis(k2, 2 * n);
      this.chr[k] = c;
      this.chi[k] = -s;
      k2 = (k2 + 2 * k + 1) % (2 * n);
    }
    this.bre = new Float64Array(m);
    this.bim = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      this.bre[k] = this.chr[k]!;
      this.bim[k] = -this.chi[k]!;
      if (k > 0) {
        this.bre[m - k] = this.chr[k]!;
        this.bim[m - k] = -this.chi[k]!;
      }
    }
    this.inner.forward(this.bre, this.bim);
    // Fold the 1/m of the inner inverse into B.
    for (let k = 0; k < m; k++) {
      this.bre[k]! /= m;
      this.bim[k]! /= m;
    }
    this.ar = new Float64Array(m);
    this.ai = new Float64Array(m);
  }
  forward(re: Float64Array, im: Float64Array): void {
    const { n, chr, chi, ar, ai, bre, bim } = this;
    const m = ar.length;
    for (let k = 0; k < n; k++) {
      const xr = re[k]!, xi = im[k]!, cr = chr[k]!, ci = chi[k]!;
      ar[k] = xr * cr - xi * ci;
      ai[k] = xr * ci + xi * cr;
    }
    ar.fill(0, n);
    ai.fill(0, n);
    this.inner.forward(ar, ai);
    // Multiply by B, then inverse FFT as conj(FFT(conj(·))) (1/m already in B).
    for (let k = 0; k < m; k++) {
      const xr = ar[k]!, xi = ai[k]!, br = bre[k]!, bi = bim[k]!;
      ar[k] = xr * br - xi * bi;
      ai[k] = -(xr * bi + xi * br);
    }
    this.inner.forward(ar, ai);
    for (let k = 0; k < n; k++) {
      const xr = ar[k]!, xi = -ai[k]!, cr = chr[k]!, ci = chi[k]!;
      re[k] = xr * cr - xi * ci;
      im[k] = xr * ci + xi * cr;
    }
  }
}

class _ComplexPlan implements FftPlan {
  readonly n: number;
  readonly #core: _MixedRadix | _Bluestein;
  constructor(n: number) {
    this.n = n;
    const f = _factorize(n);
    const pmax = f.length ? Math.max(...f) : 1;
    this.#core = pmax > _MAX_GENERIC_RADIX
      ? new _Bluestein(n)
      : new _MixedRadix(n, f);
  }
  forward(re: Float64Array, im: Float64Array): void {
    this.#check(re, im, "forward");
    this.#core.forward(re, im);
  }
  inverse(re: Float64Array, im: Float64Array): void {
    this.#check(re, im, "inverse");
    this._inverseUnchecked(re, im);
  }
  /** Inverse without argument checks (internal). */
  _inverseUnchecked(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    for (let k = 0; k < n; k++) im[k] = -im[k]!;
    this.#core.forward(re, im);
    const f = 1 / n;
    for (let k = 0; k < n; k++) {
      re[k] = re[k]! * f;
      im[k] = -im[k]! * f;
    }
  }
  /** Forward without argument checks (internal). */
  _forwardUnchecked(re: Float64Array, im: Float64Array): void {
    this.#core.forward(re, im);
  }
  #check(re: Float64Array, im: Float64Array, which: string): void {
    const fn = `FftPlan.${which}()`;
    _checkF64(re, "re", fn);
    _checkF64(im, "im", fn);
    if (re.length !== this.n || im.length !== this.n) {
      throw new TypeError(
        `${fn}: re and im must have length ${this.n}, got ${re.length} and ${im.length}`,
      );
    }
  }
}

/**
 * Creates a complex FFT plan for any length n ≥ 1 (numpy's sign and normalisation).
 *
 * @param n Transform length, a positive integer.
 * @returns A plan with in-place `forward` and `inverse` (the inverse is scaled by 1/n).
 * @throws {RangeError} If n is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createFftPlan } from "./fft.ts";
 * const plan = createFftPlan(3);
 * const re = new Float64Array([1, 0, 0]), im = new Float64Array(3);
 * plan.forward(re, im); // the transform of a unit impulse is flat
 * assert.ok([1, 1, 1].every((v, i) => Math.abs(re[i]! - v) < 1e-12));
 * plan.inverse(re, im);
 * assert.ok([1, 0, 0].every((v, i) => Math.abs(re[i]! - v) < 1e-12));
 * ```
 */
export function createFftPlan(n: number): FftPlan {
  _checkLength(n, "createFftPlan()");
  return new _ComplexPlan(n);
}

class _RealPlan implements RfftPlan {
  readonly n: number;
  readonly #half: number;
  readonly #cplx: _ComplexPlan;
  readonly #zr: Float64Array;
  readonly #zi: Float64Array;
  /** e^{−2πik/n}, k = 0..n/2 (even n only). */
  readonly #twr: Float64Array;
  readonly #twi: Float64Array;
  constructor(n: number) {
    this.n = n;
    const even = n % 2 === 0;
    const len = even ? n / 2 : n;
    this.#half = Math.floor(n / 2);
    this.#cplx = new _ComplexPlan(len);
    this.#zr = new Float64Array(len);
    this.#zi = new Float64Array(len);
    this.#twr = new Float64Array(even ? n / 2 + 1 : 0);
    this.#twi = new Float64Array(even ? n / 2 + 1 : 0);
    if (even) {
      for (let k = 0; k <= n / 2; k++) {
        const [c, s] = _cis(k, n);
        this.#twr[k] = c;
        this.#twi[k] = -s;
      }
    }
  }

  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const fn = "RfftPlan.forward()";
    _checkF64(x, "x", fn);
    _checkF64(outRe, "outRe", fn);
    _checkF64(outIm, "outIm", fn);
    const n = this.n, h = this.#half;
    if (x.length > n) {
      throw new TypeError(`${fn}: x must have length <= ${n}, got ${x.length}`);
    }
    if (outRe.length < h + 1 || outIm.length < h + 1) {
      throw new TypeError(
        `${fn}: outRe and outIm need length >= ${
          h + 1
        }, got ${outRe.length} and ${outIm.length}`,
      );
    }
    const zr = this.#zr, zi = this.#zi, nx = x.length;
    if (n % 2 === 1) {
      zr.set(x);
      zr.fill(0, nx);
      zi.fill(0);
      this.#cplx._forwardUnchecked(zr, zi);
      for (let k = 0; k <= h; k++) {
        outRe[k] = zr[k]!;
        outIm[k] = zi[k]!;
      }
      return;
    }
    for (let j = 0; j < h; j++) {
      const a = 2 * j;
      zr[j] = a < nx ? x[a]! : 0;
      zi[j] = a + 1 < nx ? x[a + 1]! : 0;
    }
    this.#cplx._forwardUnchecked(zr, zi);
    const twr = this.#twr, twi = this.#twi;
    for (let k = 0; k <= h; k++) {
      const k1 = k === h ? 0 : k;
      const k2 = k === 0 ? 0 : h - k;
      const ar = zr[k1]!, ai = zi[k1]!;
      const br = zr[k2]!, bi = -zi[k2]!; // conj(Z[h − k])
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      // O = (Z_k − conj Z_{h−k}) / (2i)
      const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br);
      const wr = twr[k]!, wi = twi[k]!;
      outRe[k] = er + or * wr - oi * wi;
      outIm[k] = ei + or * wi + oi * wr;
    }
  }

  inverse(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const fn = "RfftPlan.inverse()";
    _checkF64(re, "re", fn);
    _checkF64(im, "im", fn);
    _checkF64(out, "out", fn);
    const n = this.n, h = this.#half;
    if (re.length < h + 1 || im.length < h + 1) {
      throw new TypeError(
        `${fn}: re and im need length >= ${
          h + 1
        }, got ${re.length} and ${im.length}`,
      );
    }
    if (out.length > n) {
      throw new TypeError(
        `${fn}: out must have length <= ${n}, got ${out.length}`,
      );
    }
    const zr = this.#zr, zi = this.#zi;
    if (n % 2 === 1) {
      zr[0] = re[0]!;
      zi[0] = 0;
      for (let k = 1; k <= h; k++) {
        zr[k] = re[k]!;
        zi[k] = im[k]!;
        zr[n - k] = re[k]!;
        zi[n - k] = -im[k]!;
      }
      this.#cplx._inverseUnchecked(zr, zi);
      for (let j = 0; j < out.length; j++) out[j] = zr[j]!;
      return;
    }
    const twr = this.#twr, twi = this.#twi;
    for (let k = 0; k < h; k++) {
      const ar = re[k]!, ai = k === 0 ? 0 : im[k]!;
      const br = re[h - k]!, bi = k === 0 ? 0 : -im[h - k]!; // conj(X[h − k])
      const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br), di = 0.5 * (ai - bi);
      // O = d · e^{+2πik/n}
      const wr = twr[k]!, wi = -twi[k]!;
      const or = dr * wr - di * wi, oi = dr * wi + di * wr;
      // Z = E + iO
      zr[k] = er - oi;
      zi[k] = ei + or;
    }
    this.#cplx._inverseUnchecked(zr, zi);
    const no = out.length;
    for (let j = 0; j < h; j++) {
      const a = 2 * j;
      if (a < no) out[a] = zr[j]!;
      if (a + 1 < no) out[a + 1] = zi[j]!;
    }
  }
}

/**
 * Creates a reusable real-input FFT plan of length n (forward like `numpy.fft.rfft(x, n)`,
 * inverse like `numpy.fft.irfft(X, n)`), allocation-free after creation.
 *
 * @param n Transform length, a positive integer.
 * @returns The plan.
 * @throws {RangeError} If n is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createRfftPlan } from "./fft.ts";
 * const plan = createRfftPlan(8);
 * const re = new Float64Array(5), im = new Float64Array(5), y = new Float64Array(4);
 * plan.forward(new Float64Array([1, 1, 1, 1]), re, im); // zero-padded to 8
 * plan.inverse(re, im, y); // first 4 samples only
 * assert.ok(Math.abs(re[0]! - 4) < 1e-12);
 * assert.ok(y.every((v) => Math.abs(v - 1) < 1e-12));
 * ```
 */
export function createRfftPlan(n: number): RfftPlan {
  _checkLength(n, "createRfftPlan()");
  return new _RealPlan(n);
}

const _cache = new Map<number, _RealPlan>();

function _cachedPlan(n: number): _RealPlan {
  let p = _cache.get(n);
  if (p === undefined) {
    if (_cache.size >= 16) _cache.delete(_cache.keys().next().value!);
    p = new _RealPlan(n);
    _cache.set(n, p);
  }
  return p;
}

/**
 * Real-input FFT, like `numpy.fft.rfft(x, n)`: x is zero-padded (or cropped) to n.
 *
 * @param x Real signal.
 * @param n Transform length (default `x.length`).
 * @returns `{ re, im }` of length ⌊n/2⌋ + 1.
 * @throws {TypeError} If x is not a Float64Array.
 * @throws {RangeError} If n is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rfft } from "./fft.ts";
 * const { re } = rfft(new Float64Array([1, 1]), 4); // zero-padded to 4
 * assert.ok([2, 1, 0].every((v, i) => Math.abs(re[i]! - v) < 1e-12));
 * ```
 */
export function rfft(
  x: Float64Array,
  n?: number,
): { re: Float64Array; im: Float64Array } {
  _checkF64(x, "x", "rfft()");
  const nn = n ?? x.length;
  _checkLength(nn, "rfft()");
  const h = Math.floor(nn / 2);
  const re = new Float64Array(h + 1);
  const im = new Float64Array(h + 1);
  _cachedPlan(nn).forward(x.length > nn ? x.subarray(0, nn) : x, re, im);
  return { re, im };
}

/**
 * Inverse real FFT, like `numpy.fft.irfft(X, n)`: the first ⌊n/2⌋ + 1 bins are used
 * (missing ones are zero), and the imaginary parts of bin 0 (and bin n/2 for even n) are
 * ignored.
 *
 * @param re Spectrum real parts.
 * @param im Spectrum imaginary parts (same length as `re`).
 * @param n Output length (default 2·(re.length − 1)).
 * @returns The real signal of length n (normalised by 1/n).
 * @throws {TypeError} If re/im are not Float64Arrays of equal length.
 * @throws {RangeError} If n is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { irfft } from "./fft.ts";
 * const x = irfft(new Float64Array([2, 1, 0]), new Float64Array(3));
 * assert.ok([1, 0.5, 0, 0.5].every((v, i) => Math.abs(x[i]! - v) < 1e-12));
 * ```
 */
export function irfft(
  re: Float64Array,
  im: Float64Array,
  n?: number,
): Float64Array {
  _checkF64(re, "re", "irfft()");
  _checkF64(im, "im", "irfft()");
  if (re.length !== im.length) {
    throw new TypeError(
      `irfft(): re and im must have equal lengths, got ${re.length} and ${im.length}`,
    );
  }
  const nn = n ?? 2 * (re.length - 1);
  _checkLength(nn, "irfft()");
  const h = Math.floor(nn / 2);
  let r = re, i = im;
  if (re.length !== h + 1) {
    r = new Float64Array(h + 1);
    i = new Float64Array(h + 1);
    const c = Math.min(h + 1, re.length);
    r.set(re.subarray(0, c));
    i.set(im.subarray(0, c));
  }
  const out = new Float64Array(nn);
  _cachedPlan(nn).inverse(r, i, out);
  return out;
}
