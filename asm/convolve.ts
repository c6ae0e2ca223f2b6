// AssemblyScript source of the WASM kernels of the kernel-centred convolutions of src/sop
// (compiled with the other asm/*.ts into one module by scripts/build_wasm.ts). It mirrors
// `_convInto`, `_corrInto` and `_kernelBarInto` of src/sop/convolve_ad.ts (and so
// `convolveCentered` of src/sop/convolve.ts), sum for sum: every output is the same sequence of
// products added in the same order as the js loop, so the results are the same bits. The speed
// comes from computing several outputs at once (two per v128, four v128 accumulators in flight),
// not from reordering a sum. Pointers are byte offsets into linear memory (f64 arrays).

function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize> i << 3));
}

function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize> i << 3), v);
}

/**
 * Eight outputs o[0..8) = Σ_{k=k0}^{k1} v[k]·x_k[0..8), x_k the eight values at src + (k − k0)·step
 * bytes: lane pair q holds outputs 2q, 2q + 1; each sum in ascending k (the js order).
 */
function eightSums(
  src: usize,
  step: isize,
  v: usize,
  k0: i32,
  k1: i32,
  o: usize,
): void {
  let s0 = f64x2.splat(0.0);
  let s1 = f64x2.splat(0.0);
  let s2 = f64x2.splat(0.0);
  let s3 = f64x2.splat(0.0);
  let p = src;
  for (let k = k0; k <= k1; k++) {
    const w = v128.load_splat<f64>(v + (<usize> k << 3));
    s0 = f64x2.add(s0, f64x2.mul(w, v128.load(p)));
    s1 = f64x2.add(s1, f64x2.mul(w, v128.load(p, 16)));
    s2 = f64x2.add(s2, f64x2.mul(w, v128.load(p, 32)));
    s3 = f64x2.add(s3, f64x2.mul(w, v128.load(p, 48)));
    p = <usize> (<isize> p + step);
  }
  v128.store(o, s0);
  v128.store(o, s1, 16);
  v128.store(o, s2, 32);
  v128.store(o, s3, 48);
}

/** out[i] = Σ_{k=lo}^{hi} v[k]·a[h + i − k], lo = max(k0, h + i − n + 1), hi = min(k1, h + i). */
function convScalar(
  a: usize,
  v: usize,
  k0: i32,
  k1: i32,
  h: i32,
  n: i32,
  out: usize,
  i: i32,
): void {
  const m = h + i;
  const lo = max(k0, m - n + 1);
  const hi = min(k1, m);
  let s = 0.0;
  for (let k = lo; k <= hi; k++) s += ld(v, k) * ld(a, m - k);
  st(out, i, s);
}

/**
 * The kernel-centred convolution out[i] = Σ_k v[k]·a[h + i − k] over the support [k0, k1]
 * (a zero outside [0, n)), i = 0..n−1: `_convInto(a, 0, v, k0, k1, h, n, out, 0)`.
 */
export function conv_centered(
  a: usize,
  v: usize,
  k0: i32,
  k1: i32,
  h: i32,
  n: i32,
  out: usize,
): void {
  // outputs whose sum runs over the whole support: k1 − h ≤ i ≤ n − 1 + k0 − h
  const i0 = max(0, k1 - h);
  const i1 = min(n - 1, n - 1 + k0 - h);
  let i = 0;
  for (; i < min(i0, n); i++) convScalar(a, v, k0, k1, h, n, out, i);
  // eight outputs per step: lane pair (i + 2q, i + 2q + 1) reads a[m − k], a[m + 1 − k]
  for (; i + 7 <= i1; i += 8) {
    eightSums(
      a + (<usize> (h + i - k0) << 3),
      -8,
      v,
      k0,
      k1,
      out + (<usize> i << 3),
    );
  }
  for (; i < n; i++) convScalar(a, v, k0, k1, h, n, out, i);
}

/** out[p] = Σ_{k=lo}^{hi} v[k]·g[p − h + k], lo = max(k0, h − p), hi = min(k1, n − 1 + h − p). */
function corrScalar(
  g: usize,
  v: usize,
  k0: i32,
  k1: i32,
  h: i32,
  n: i32,
  out: usize,
  p: i32,
): void {
  const lo = max(k0, h - p);
  const hi = min(k1, n - 1 + h - p);
  const base = p - h;
  let s = 0.0;
  for (let k = lo; k <= hi; k++) s += ld(v, k) * ld(g, base + k);
  st(out, p, s);
}

/**
 * The correlation out[p] = Σ_k v[k]·g[p − h + k] over the support [k0, k1] (g zero outside
 * [0, n)), p = 0..n−1: the transpose of {@link conv_centered}, `_corrInto`.
 */
export function corr_centered(
  g: usize,
  v: usize,
  k0: i32,
  k1: i32,
  h: i32,
  n: i32,
  out: usize,
): void {
  // whole support: h − k0 ≤ p ≤ n − 1 + h − k1
  const p0 = max(0, h - k0);
  const p1 = min(n - 1, n - 1 + h - k1);
  let p = 0;
  for (; p < min(p0, n); p++) corrScalar(g, v, k0, k1, h, n, out, p);
  for (; p + 7 <= p1; p += 8) {
    eightSums(
      g + (<usize> (p - h + k0) << 3),
      8,
      v,
      k0,
      k1,
      out + (<usize> p << 3),
    );
  }
  for (; p < n; p++) corrScalar(g, v, k0, k1, h, n, out, p);
}

const LANES: usize = memory.data(8 * 8, 16);

/** Σ_{i=lo}^{hi} g[i]·f[i + d] added to `s` in ascending i (the js order). */
function dotRange(g: usize, f: usize, lo: i32, hi: i32, d: i32, s: f64): f64 {
  for (let i = lo; i <= hi; i++) s += ld(g, i) * ld(f, i + d);
  return s;
}

/**
 * The kernel cotangent out[k] = Σ_{i=lo}^{hi} g[i]·f[i + h − k], lo = max(0, k − h),
 * hi = min(n − 1, n − 1 + k − h), for k = k0..k1 (`_kernelBarInto`). Eight taps per step, two
 * per v128, over the i that all eight sums share; a tap's extra terms at the low end are added
 * first and those at the high end last, where the js loop adds them.
 */
export function kernel_bar(
  g: usize,
  f: usize,
  k0: i32,
  k1: i32,
  h: i32,
  n: i32,
  out: usize,
): void {
  let k = k0;
  for (; k + 7 <= k1; k += 8) {
    // taps k..k+7: lo grows and hi grows with the tap, so the shared range is
    // [lo(k + 7), hi(k)]
    const lo = max(0, k + 7 - h);
    const hi = min(n - 1, n - 1 + k - h);
    if (lo > hi) break;
    for (let q = 0; q < 8; q++) {
      const kq = k + q;
      st(LANES, q, dotRange(g, f, max(0, kq - h), lo - 1, h - kq, 0.0));
    }
    let s0 = v128.load(LANES);
    let s1 = v128.load(LANES, 16);
    let s2 = v128.load(LANES, 32);
    let s3 = v128.load(LANES, 48);
    // lane pair (k + 2r, k + 2r + 1) reads f[i + h − k − 2r], f[i + h − k − 2r − 1]
    let fp = f + (<usize> (lo + h - k - 7) << 3);
    let gp = g + (<usize> lo << 3);
    for (let i = lo; i <= hi; i++) {
      const gi = v128.load_splat<f64>(gp);
      const f3 = v128.load(fp); // f[i + d − 7], f[i + d − 6]
      const f2 = v128.load(fp, 16);
      const f1 = v128.load(fp, 32);
      const f0 = v128.load(fp, 48); // f[i + d − 1], f[i + d]
      s0 = f64x2.add(s0, f64x2.mul(gi, v128.shuffle<f64>(f0, f0, 1, 0)));
      s1 = f64x2.add(s1, f64x2.mul(gi, v128.shuffle<f64>(f1, f1, 1, 0)));
      s2 = f64x2.add(s2, f64x2.mul(gi, v128.shuffle<f64>(f2, f2, 1, 0)));
      s3 = f64x2.add(s3, f64x2.mul(gi, v128.shuffle<f64>(f3, f3, 1, 0)));
      fp += 8;
      gp += 8;
    }
    v128.store(LANES, s0);
    v128.store(LANES, s1, 16);
    v128.store(LANES, s2, 32);
    v128.store(LANES, s3, 48);
    for (let q = 0; q < 8; q++) {
      const kq = k + q;
      const hq = min(n - 1, n - 1 + kq - h);
      st(out, kq, dotRange(g, f, hi + 1, hq, h - kq, ld(LANES, q)));
    }
  }
  for (; k <= k1; k++) {
    st(
      out,
      k,
      dotRange(g, f, max(0, k - h), min(n - 1, n - 1 + k - h), h - k, 0.0),
    );
  }
}
