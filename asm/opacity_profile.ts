// AssemblyScript source of the WASM kernels of the stages `rt.opacity_profile_cia` (forward and
// the output/residual of `.vjp`) and `rt.opacity_profile_xs` (forward, `.vjp`, `.pullback`: the
// js bits, see xs_profile below). The CIA kernel mirrors opacityProfileCia of
// src/rt/opacity_profile.ts:
//
//   dτ_ij = 10^(a_ij + log10 n1_i + log10 n2_i + log10 kB − log10 g − log10 mu) · fac_i,
//
// with a = log10 k_CIA (−∞ allowed: dτ = 0). The host computes the per-layer terms (the same
// expressions as the js kernel) and checks the per-layer inputs; the sum is taken in the js
// order, and 10^e = e^{e ln 10} on f64x2 lanes (relative error ≈ |e ln 10|·2⁻⁵³, a few 1e-14
// here). A NaN or +∞ in a is reported by its index (the host then throws the js kernel's
// error). Pointers are byte offsets into linear memory.

import { exp2x } from "./_simd_math";

const LN10: f64 = 2.302585092994046;

/**
 * dτ [L·N] into `out` (and `out2` when ≠ 0: the residual copy); `l1p`, `l2p` and `facp` hold
 * log10 n1, log10 n2 and fac per layer ([L] each, so that a range of layers is a pointer
 * offset); k = log10 kB, lg = log10 g, lm = log10 mu. Returns the index (in this call's rows) of
 * the first NaN or +∞ of `la`, or −1, and stores it as an f64 at `status` (where a worker's
 * call leaves it).
 */
export function cia_profile(
  la: usize,
  l1p: usize,
  l2p: usize,
  facp: usize,
  out: usize,
  out2: usize,
  nlayer: i32,
  n: i32,
  k: f64,
  lg: f64,
  lm: f64,
  status: usize,
): i32 {
  const r = ciaRows(la, l1p, l2p, facp, out, out2, nlayer, n, k, lg, lm);
  store<f64>(status, <f64> r);
  return r;
}

function ciaRows(
  la: usize,
  l1p: usize,
  l2p: usize,
  facp: usize,
  out: usize,
  out2: usize,
  nlayer: i32,
  n: i32,
  k: f64,
  lg: f64,
  lm: f64,
): i32 {
  const ln10 = f64x2.splat(LN10);
  const inf = f64x2.splat(Infinity);
  for (let i = 0; i < nlayer; i++) {
    const l1 = load<f64>(l1p + (<usize> i << 3));
    const l2 = load<f64>(l2p + (<usize> i << 3));
    const fac = load<f64>(facp + (<usize> i << 3));
    const l1v = f64x2.splat(l1), l2v = f64x2.splat(l2), kv = f64x2.splat(k);
    const lgv = f64x2.splat(lg), lmv = f64x2.splat(lm), fv = f64x2.splat(fac);
    const row = <usize> (i * n) << 3;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = row + (<usize> j << 3);
      const a = v128.load(la + o);
      // NaN (a ≠ a) or +∞
      if (v128.any_true(v128.or(f64x2.ne(a, a), f64x2.eq(a, inf)))) {
        const a0 = f64x2.extract_lane(a, 0);
        return i * n + j + (a0 != a0 || a0 == Infinity ? 0 : 1);
      }
      const e = f64x2.sub(
        f64x2.sub(f64x2.add(f64x2.add(f64x2.add(a, l1v), l2v), kv), lgv),
        lmv,
      );
      const x = f64x2.mul(e, ln10);
      // above e^709 the vector exp is not valid: +∞ there (as 10^e overflows)
      const d = v128.bitselect(
        inf,
        f64x2.mul(exp2x(f64x2.min(x, f64x2.splat(709.0))), fv),
        f64x2.gt(x, f64x2.splat(709.0)),
      );
      v128.store(out + o, d);
      if (out2 != 0) v128.store(out2 + o, d);
    }
    for (; j < n; j++) {
      const o = row + (<usize> j << 3);
      const a = load<f64>(la + o);
      if (a != a || a == Infinity) return i * n + j;
      const e = a + l1 + l2 + k - lg - lm;
      const x = e * LN10;
      const d = x > 709.0
        ? Infinity
        : f64x2.extract_lane(exp2x(f64x2.splat(x)), 0) * fac;
      store<f64>(out + o, d);
      if (out2 != 0) store<f64>(out2 + o, d);
    }
  }
  return -1;
}

/**
 * The line optical depth of `rt.opacity_profile_xs` (opacityProfileXs of
 * src/rt/opacity_profile.ts), an [L][N] cross-section matrix: dτ_ij = F·|σ_ij|·dP_i·m_i/d_i with
 * the js kernel's operations in its order (((F·|σ|)·dP)·m)/d, two wavenumbers per v128: the js
 * bits. `dpp`, `mp` and `dd` hold dP [bar], m and d = M·g per layer ([L] each, from the host,
 * so that a range of layers is a pointer offset). Returns the index (in this call's rows) of the
 * first non-finite σ (the host then throws the js kernel's error), or −1, and stores it as an
 * f64 at `status` (where a worker's call leaves it).
 */
export function xs_profile(
  xs: usize,
  dpp: usize,
  mp: usize,
  dd: usize,
  out: usize,
  nlayer: i32,
  n: i32,
  f: f64,
  status: usize,
): i32 {
  const r = xsRows(xs, dpp, mp, dd, out, nlayer, n, f);
  store<f64>(status, <f64> r);
  return r;
}

function xsRows(
  xs: usize,
  dpp: usize,
  mp: usize,
  dd: usize,
  out: usize,
  nlayer: i32,
  n: i32,
  f: f64,
): i32 {
  const fv = f64x2.splat(f);
  const zero = f64x2.splat(0.0);
  for (let i = 0; i < nlayer; i++) {
    const dp = load<f64>(dpp + (<usize> i << 3));
    const m = load<f64>(mp + (<usize> i << 3));
    const d = load<f64>(dd + (<usize> i << 3));
    const dpv = f64x2.splat(dp), mv = f64x2.splat(m), dv = f64x2.splat(d);
    const row = <usize> (i * n) << 3;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = row + (<usize> j << 3);
      const s = v128.load(xs + o);
      // s − s is 0 for a finite s, NaN for ±∞ and NaN
      if (v128.any_true(f64x2.ne(f64x2.sub(s, s), zero))) {
        const s0 = f64x2.extract_lane(s, 0);
        return i * n + j + (s0 - s0 != 0 ? 0 : 1);
      }
      const r = f64x2.div(
        f64x2.mul(f64x2.mul(f64x2.mul(fv, f64x2.abs(s)), dpv), mv),
        dv,
      );
      v128.store(out + o, r);
    }
    for (; j < n; j++) {
      const o = row + (<usize> j << 3);
      const s = load<f64>(xs + o);
      if (s - s != 0) return i * n + j;
      store<f64>(out + o, (f * Math.abs(s) * dp * m) / d);
    }
  }
  return -1;
}

/**
 * The pullback of {@link xs_profile} (opacityProfileXsPullback, an [L][N] matrix): with
 * ct [L][N] and the residuals c, m, g [L], xsBar_ij += ±c_i m_i ct_ij (the sign of σ_ij; xsBar
 * is read and written, as the js loop does, when `xsBar` ≠ 0), r_i = c_i Σ_j ct_ij |σ_ij| in
 * ascending j, rBar[i] = r_i and gBar[i] = −r_i m_i/g_i (the per-layer cotangents of mmr and
 * gravity; the host sums them for a scalar argument). The js bits.
 */
export function xs_profile_pullback(
  xs: usize,
  ct: usize,
  c: usize,
  m: usize,
  g: usize,
  xsBar: usize,
  rBar: usize,
  gBar: usize,
  nlayer: i32,
  n: i32,
): void {
  const zero = f64x2.splat(0.0);
  for (let i = 0; i < nlayer; i++) {
    const ci = load<f64>(c + (<usize> i << 3));
    const mi = load<f64>(m + (<usize> i << 3));
    const gi = load<f64>(g + (<usize> i << 3));
    const cm = ci * mi;
    const cmv = f64x2.splat(cm);
    const row = <usize> (i * n) << 3;
    let r = 0.0;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const o = row + (<usize> j << 3);
      const s = v128.load(xs + o);
      const w = v128.load(ct + o);
      if (xsBar != 0) {
        const x = v128.load(xsBar + o);
        const t = f64x2.mul(cmv, w);
        // s ≥ 0: x + t, else x − t
        v128.store(
          xsBar + o,
          v128.bitselect(f64x2.add(x, t), f64x2.sub(x, t), f64x2.ge(s, zero)),
        );
      }
      // r ± w·s is r + w·|s|, exactly (w·s = −(w·|s|) when s < 0)
      const ws = f64x2.mul(w, f64x2.abs(s));
      r += f64x2.extract_lane(ws, 0);
      r += f64x2.extract_lane(ws, 1);
    }
    for (; j < n; j++) {
      const o = row + (<usize> j << 3);
      const s = load<f64>(xs + o);
      const w = load<f64>(ct + o);
      if (xsBar != 0) {
        const x = load<f64>(xsBar + o);
        store<f64>(xsBar + o, s >= 0 ? x + cm * w : x - cm * w);
      }
      r += w * Math.abs(s);
    }
    r *= ci;
    store<f64>(rBar + (<usize> i << 3), r);
    store<f64>(gBar + (<usize> i << 3), (-r * mi) / gi);
  }
}
