// AssemblyScript source of the WASM kernel of the stage `rt.opacity_profile_cia` (forward and
// the output/residual of `.vjp`), mirroring opacityProfileCia of src/rt/opacity_profile.ts:
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
 * dτ [L·N] into `out` (and `out2` when ≠ 0: the residual copy); `terms` holds, per layer,
 * log10 n1, log10 n2 and fac ([3][L]); k = log10 kB, lg = log10 g, lm = log10 mu. Returns the
 * index of the first NaN or +∞ of `la`, or −1.
 */
export function cia_profile(
  la: usize,
  terms: usize,
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
    const l1 = load<f64>(terms + (<usize> i << 3));
    const l2 = load<f64>(terms + (<usize> (nlayer + i) << 3));
    const fac = load<f64>(terms + (<usize> (2 * nlayer + i) << 3));
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
