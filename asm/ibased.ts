// AssemblyScript source of the WASM kernels of the stage `rt.emission_ibased` (compiled with
// asm/fft.ts into one module by scripts/build_wasm.ts). It mirrors the js kernels of
// src/rt/kernels.ts (emissionIbased, emissionIbasedJacobian in src/rt/emission_ibased*.ts): the
// intensity-based n-stream emergent flux
//
//   F(ν) = Σ_i πB(ν, T_i) Σ_m c_m (t_{i−1,m} − t_{i,m}),  t_{i,m} = t_{i−1,m} e^{−dτ_i/µ_m},
//
// and its block-diagonal Jacobian ∂F/∂dτ_ij, ∂F/∂T_ij. Two wavenumbers are one v128 (f64x2):
// every product, sum, the exponential (`exp2x`) and the Planck row's e^x − 1 (`expm1pos2x`)
// are SIMD. The host validates inputs and passes the
// quadrature (c_m, 1/µ_m, c_m/µ_m: a few numbers) and scratch; nothing here allocates. All
// pointers are byte offsets into linear memory, 16-byte aligned.

import { exp1, exp2x } from "./_simd_math";

const C2: f64 = 1.4387773538277202;
const PLANCK_PI_CONST: f64 = 3.741771790075259e-5;
/**
 * e^x − 1 for both lanes, 0 < x ≤ 709 (x = c₂ν/T): e^x − 1 from {@link exp2x} where x ≥ 1/2
 * (relative error ≤ 2 ulp there), the Taylor series to x^16 below (truncation < 1e-17).
 */

function expm1pos2x(x: v128): v128 {
  const big = f64x2.sub(
    exp2x(f64x2.min(x, f64x2.splat(709.0))),
    f64x2.splat(1.0),
  );
  const isSmall = f64x2.lt(x, f64x2.splat(0.5));
  if (!v128.any_true(isSmall)) return big;
  // Σ_{k≥1} x^k/k!, k ≤ 16
  let p = f64x2.splat(4.779477332387385e-14);
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(7.647163731819816e-13));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(1.1470745597729725e-11));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(1.6059043836821613e-10));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(2.08767569878681e-09));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(2.505210838544172e-08));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(2.755731922398589e-07));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(2.7557319223985893e-06));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(2.48015873015873e-05));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(0.0001984126984126984));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(0.001388888888888889));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(0.008333333333333333));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(0.041666666666666664));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(0.16666666666666666));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, x), f64x2.splat(1.0));
  const small = f64x2.mul(x, p);
  return v128.bitselect(small, big, isSmall);
}

/** πB(ν, T) [N] and, when `dsrc` ≠ 0, ∂πB/∂T [N] (as src/rt/planck.ts, _common_ad.ts). */
function planckRow(nu: usize, t: f64, n: i32, src: usize, dsrc: usize): void {
  const invT = 1.0 / t;
  const tv = f64x2.splat(t), itv = f64x2.splat(invT);
  const c2 = f64x2.splat(C2), pc = f64x2.splat(PLANCK_PI_CONST);
  const one = f64x2.splat(1.0);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize> j << 3;
    const v = v128.load(nu + o);
    const x = f64x2.div(f64x2.mul(c2, v), tv);
    const em1 = expm1pos2x(x);
    const b = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(pc, v), v), v), em1);
    v128.store(src + o, b);
    if (dsrc != 0) {
      v128.store(
        dsrc + o,
        f64x2.mul(
          f64x2.mul(f64x2.mul(b, x), itv),
          f64x2.add(one, f64x2.div(one, em1)),
        ),
      );
    }
  }
  for (; j < n; j++) {
    const v = load<f64>(nu + (<usize> j << 3));
    const x = (C2 * v) / t;
    const em1 = f64x2.extract_lane(expm1pos2x(f64x2.splat(x)), 0);
    const b = (PLANCK_PI_CONST * v * v * v) / em1;
    store<f64>(src + (<usize> j << 3), b);
    if (dsrc != 0) {
      store<f64>(dsrc + (<usize> j << 3), b * x * invT * (1.0 + 1.0 / em1));
    }
  }
}

/**
 * Emergent flux F [N] of `rt.emission_ibased` (mirrors the js kernel `rt.emission_ibased`).
 * quad: [c_m, 1/µ_m, c_m/µ_m] × nmu; scratch: trans [nmu][N] then src [N] (16-byte aligned,
 * N rounded up to even). `n` wavenumbers of rows `ld` ≥ n apart (a range of columns of a
 * wider grid: nu, dtau and out point at its first column).
 */
export function ibased_forward(
  nu: usize,
  dtau: usize,
  temp: usize,
  out: usize,
  nlayer: i32,
  n: i32,
  ld: i32,
  nmu: i32,
  quad: usize,
  scratch: usize,
): void {
  const ne = (n + 1) & ~1;
  const trans = scratch;
  const src = scratch + (<usize> (nmu * ne) << 3);
  for (let q = 0; q < nmu * ne; q++) store<f64>(trans + (<usize> q << 3), 1.0);
  for (let j = 0; j < n; j++) store<f64>(out + (<usize> j << 3), 0.0);
  for (let i = 0; i < nlayer; i++) {
    planckRow(nu, load<f64>(temp + (<usize> i << 3)), n, src, 0);
    const drow = dtau + (<usize> (i * ld) << 3);
    for (let m = 0; m < nmu; m++) {
      const c = load<f64>(quad + (<usize> (3 * m) << 3));
      const im = load<f64>(quad + (<usize> (3 * m + 1) << 3));
      const cv = f64x2.splat(c), imv = f64x2.splat(-im);
      const trow = trans + (<usize> (m * ne) << 3);
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const o = <usize> j << 3;
        const tr = v128.load(trow + o);
        const trn = f64x2.mul(tr, exp2x(f64x2.mul(v128.load(drow + o), imv)));
        const s = v128.load(src + o);
        v128.store(
          out + o,
          f64x2.add(
            v128.load(out + o),
            f64x2.mul(f64x2.mul(cv, s), f64x2.sub(tr, trn)),
          ),
        );
        v128.store(trow + o, trn);
      }
      if (j < n) {
        const o = <usize> j << 3;
        const tr = load<f64>(trow + o);
        const trn = tr * exp1(-load<f64>(drow + o) * im);
        store<f64>(
          out + o,
          load<f64>(out + o) + c * load<f64>(src + o) * (tr - trn),
        );
        store<f64>(trow + o, trn);
      }
    }
  }
}

/**
 * Flux and its block-diagonal Jacobian (mirrors the js kernel `rt.emission_ibased.vjp`):
 * dTau [L·N] = ∂F_j/∂dτ_ij (skipped when 0), dT [L·N] = ∂F_j/∂T_i (skipped when 0).
 * scratch: trans [nmu][N], src, dsrc, wsum, asum, hsum [N] each (N rounded up to even); the
 * suffix sum of the dτ partials needs h [L·N], which is `hbuf` (0 when dTau is 0). `n`
 * wavenumbers of rows `ld` ≥ n apart (dtau, dTau, dT and hbuf), as in {@link ibased_forward}.
 */
export function ibased_jacobian(
  nu: usize,
  dtau: usize,
  temp: usize,
  out: usize,
  dTau: usize,
  dT: usize,
  hbuf: usize,
  nlayer: i32,
  n: i32,
  ld: i32,
  nmu: i32,
  quad: usize,
  scratch: usize,
): void {
  const ne = (n + 1) & ~1;
  const trans = scratch;
  const src = trans + (<usize> (nmu * ne) << 3);
  const dsrc = src + (<usize> ne << 3);
  const wsum = dsrc + (<usize> ne << 3);
  const asum = wsum + (<usize> ne << 3);
  const hsum = asum + (<usize> ne << 3);
  for (let q = 0; q < nmu * ne; q++) store<f64>(trans + (<usize> q << 3), 1.0);
  for (let j = 0; j < n; j++) store<f64>(out + (<usize> j << 3), 0.0);
  for (let i = 0; i < nlayer; i++) {
    planckRow(nu, load<f64>(temp + (<usize> i << 3)), n, src, dsrc);
    for (let j = 0; j < ne; j++) {
      const o = <usize> j << 3;
      store<f64>(wsum + o, 0.0);
      store<f64>(asum + o, 0.0);
      store<f64>(hsum + o, 0.0);
    }
    const off = <usize> (i * ld) << 3;
    for (let m = 0; m < nmu; m++) {
      const c = load<f64>(quad + (<usize> (3 * m) << 3));
      const im = load<f64>(quad + (<usize> (3 * m + 1) << 3));
      const ci = load<f64>(quad + (<usize> (3 * m + 2) << 3));
      const cv = f64x2.splat(c), civ = f64x2.splat(ci), imv = f64x2.splat(-im);
      const trow = trans + (<usize> (m * ne) << 3);
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const o = <usize> j << 3;
        const tr = v128.load(trow + o);
        const trn = f64x2.mul(
          tr,
          exp2x(f64x2.mul(v128.load(dtau + off + o), imv)),
        );
        const f = f64x2.sub(tr, trn);
        const s = v128.load(src + o);
        v128.store(
          out + o,
          f64x2.add(v128.load(out + o), f64x2.mul(f64x2.mul(cv, s), f)),
        );
        v128.store(wsum + o, f64x2.add(v128.load(wsum + o), f64x2.mul(cv, f)));
        v128.store(
          asum + o,
          f64x2.add(v128.load(asum + o), f64x2.mul(civ, trn)),
        );
        v128.store(hsum + o, f64x2.add(v128.load(hsum + o), f64x2.mul(civ, f)));
        v128.store(trow + o, trn);
      }
      if (j < n) {
        const o = <usize> j << 3;
        const tr = load<f64>(trow + o);
        const trn = tr * exp1(-load<f64>(dtau + off + o) * im);
        const f = tr - trn;
        store<f64>(out + o, load<f64>(out + o) + c * load<f64>(src + o) * f);
        store<f64>(wsum + o, load<f64>(wsum + o) + c * f);
        store<f64>(asum + o, load<f64>(asum + o) + ci * trn);
        store<f64>(hsum + o, load<f64>(hsum + o) + ci * f);
        store<f64>(trow + o, trn);
      }
    }
    for (let j = 0; j < n; j++) {
      const o = <usize> j << 3;
      const s = load<f64>(src + o);
      if (dT != 0) {
        store<f64>(dT + off + o, load<f64>(dsrc + o) * load<f64>(wsum + o));
      }
      if (dTau != 0) {
        store<f64>(dTau + off + o, s * load<f64>(asum + o));
        store<f64>(hbuf + off + o, s * load<f64>(hsum + o));
      }
    }
  }
  if (dTau == 0) return;
  // ∂F_j/∂dτ_ij = a_ij − Σ_{k>i} h_kj (suffix sums, as emissionIbasedJacobian)
  for (let j = 0; j < n; j++) store<f64>(wsum + (<usize> j << 3), 0.0);
  for (let i = nlayer - 1; i >= 0; i--) {
    const off = <usize> (i * ld) << 3;
    for (let j = 0; j < n; j++) {
      const o = <usize> j << 3;
      const suf = load<f64>(wsum + o);
      store<f64>(dTau + off + o, load<f64>(dTau + off + o) - suf);
      store<f64>(wsum + o, suf + load<f64>(hbuf + off + o));
    }
  }
}

/**
 * The block-diagonal contraction of a pullback (mirrors `rt.emission_ibased.pullback`):
 * dBar_ij = ct_j ∂F_j/∂dτ_ij (when dBar ≠ 0), tBar_i = Σ_j ct_j ∂F_j/∂T_ij (when tBar ≠ 0).
 * `n` wavenumbers of rows `ld` ≥ n apart (rD, rT, dBar), as in {@link ibased_forward}; tBar
 * then sums over those columns only.
 */
export function ibased_pullback(
  rD: usize,
  rT: usize,
  ct: usize,
  dBar: usize,
  tBar: usize,
  nlayer: i32,
  n: i32,
  ld: i32,
): void {
  for (let i = 0; i < nlayer; i++) {
    const off = <usize> (i * ld) << 3;
    if (dBar != 0) {
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const o = <usize> j << 3;
        v128.store(
          dBar + off + o,
          f64x2.mul(v128.load(ct + o), v128.load(rD + off + o)),
        );
      }
      if (j < n) {
        const o = <usize> j << 3;
        store<f64>(dBar + off + o, load<f64>(ct + o) * load<f64>(rD + off + o));
      }
    }
    if (tBar != 0) {
      let acc = f64x2.splat(0.0);
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const o = <usize> j << 3;
        acc = f64x2.add(
          acc,
          f64x2.mul(v128.load(ct + o), v128.load(rT + off + o)),
        );
      }
      let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (j < n) {
        const o = <usize> j << 3;
        s += load<f64>(ct + o) * load<f64>(rT + off + o);
      }
      store<f64>(tBar + (<usize> i << 3), s);
    }
  }
}

/**
 * K tangent directions through the block-diagonal Jacobian (the js kernel `.jvp`'s result):
 * dout[q][j] = Σ_i ∂F_j/∂dτ_ij td[q][i][j] + ∂F_j/∂T_ij tt[q][i] (td or tt 0: zero tangent).
 */
export function ibased_jvp_contract(
  rD: usize,
  rT: usize,
  td: usize,
  tt: usize,
  dout: usize,
  nlayer: i32,
  n: i32,
  k: i32,
): void {
  for (let q = 0; q < k; q++) {
    const orow = dout + (<usize> (q * n) << 3);
    for (let j = 0; j < n; j++) store<f64>(orow + (<usize> j << 3), 0.0);
    for (let i = 0; i < nlayer; i++) {
      const off = <usize> (i * n) << 3;
      const tq = tt != 0
        ? load<f64>(tt + (<usize> (q * nlayer + i) << 3))
        : 0.0;
      const tv = f64x2.splat(tq);
      const drow = td + (<usize> (q * nlayer * n) << 3) + off;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const o = <usize> j << 3;
        let a = v128.load(orow + o);
        if (td != 0) {
          a = f64x2.add(
            a,
            f64x2.mul(v128.load(rD + off + o), v128.load(drow + o)),
          );
        }
        if (tt != 0) a = f64x2.add(a, f64x2.mul(v128.load(rT + off + o), tv));
        v128.store(orow + o, a);
      }
      if (j < n) {
        const o = <usize> j << 3;
        let a = load<f64>(orow + o);
        if (td != 0) a += load<f64>(rD + off + o) * load<f64>(drow + o);
        if (tt != 0) a += load<f64>(rT + off + o) * tq;
        store<f64>(orow + o, a);
      }
    }
  }
}
