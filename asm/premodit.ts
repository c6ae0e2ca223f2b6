// AssemblyScript source of the WASM kernels of the stage `opacity.premodit_xsmatrix` (compiled
// with the other asm/*.ts into one module by scripts/build_wasm.ts). It mirrors the js kernels
// of src/opacity/kernels.ts, i.e. the layer kernel of src/opacity/premodit_layer.ts
// (`spectra`, `inverseInto`) and its wrap-around term (src/opacity/premodit_alias.ts), operation
// for operation: per layer (T, P),
//
//   S_lsd,b(ν) = Σ_entries c0 f(E) + c1 f(E)δ + c2 f(E)δ²/2,  f = e^{−c₂E(1/T − 1/Tref)},
//   X(k) = Σ_b rfft(S_lsd,b · g(ν, T)) · e^{−2π²σ_q²k²} (e^{−2πγ_b|k|} − Â_b(k)),
//   σ = irfft(X)[0:N] · R/ν,
//
// with, when asked, the spectra of ∂σ/∂T and ∂σ/∂P (the reverse-mode residuals). The FFTs are
// those of asm/fft.ts on a plan of length 2N that the host made. The host validates T and P,
// interpolates the partition function (qr = Q(T)/Q(Tref) and d ln qr/dT per layer), and passes
// every table, per-layer input, output and the scratch through a config block of f64 values
// (pointers as exact integers); nothing here allocates. Pointers are byte offsets into linear
// memory, 8-byte aligned.

import { rfft_forward, rfft_inverse } from "./fft";
import { exp2x } from "./_simd_math";

// config block: f64 slots
const C_N = 0;
const C_NE = 1;
const C_NENT = 2;
const C_NB = 3;
const C_L = 4;
const C_RNU = 5; // R/ν [N]
const C_NU = 6; // ν [N] (cm⁻¹)
const C_STIM = 7; // expm1(−c₂ν/Tref) [N]
const C_EG = 8; // E″ grid [nE] (cm⁻¹)
const C_SLOT = 9; // entSlot [nEnt] (i32)
const C_ENTE = 10; // entE [nEnt] (i32)
const C_ENT0 = 11;
const C_ENT1 = 12;
const C_ENT2 = 13;
const C_BNG = 14; // binNgammaRef [nb]
const C_BNT = 15; // binNTexp [nb]
const C_BASIS = 16; // alias series basis, transposed: [16·(N + 1)], k·(N + 1) + m
const C_SIN2 = 17; // 2 sin²(πn/2N) [N + 1]
const C_T = 18; // T [L] (K)
const C_P = 19; // P [L] (bar)
const C_QR = 20; // Q(T)/Q(Tref) [L]
const C_DLNQR = 21; // d ln qr/dT [L] (when wantT)
const C_TREF = 22;
const C_TWT = 23;
const C_TREFB = 24;
const C_SQF = 25;
const C_WANTT = 26;
const C_WANTP = 27;
const C_OUT = 28; // σ [L·N]
const C_ST = 29; // spectra of ∂σ/∂T [2·L·(N + 1)] or 0
const C_SP = 30; // spectra of ∂σ/∂P or 0
const C_PLAN = 31; // rfft plan of length 2N
const C_SCRATCH = 32;
const C_C2 = 33; // c₂ (cm K)
/** Number of config slots. */
const C_SLOTS = 34;

const KMAX = 16;
const SERIES_MAX: f64 = 0.25;

function cfg(c: usize, i: i32): f64 {
  return load<f64>(c + (<usize> i << 3));
}

function ptr(c: usize, i: i32): usize {
  return <usize> cfg(c, i);
}

function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize> i << 3));
}

function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize> i << 3), v);
}

/** Number of f64 config slots of {@link premodit_layers}. */
export function premodit_config_slots(): i32 {
  return C_SLOTS;
}

/** Bytes of scratch {@link premodit_layers} needs for N wavenumbers, nE energies, nb bins. */
export function premodit_scratch_bytes(n: i32, ne: i32, nb: i32): usize {
  const nk = n + 1;
  return <usize> (6 * ne + 2 * nb * n + 2 * n + 4 * (2 * n) + 2 * KMAX +
    14 * nk) <<
    3;
}

/** g(ν_i, T)/qr and (when wantT) its T derivative at wavenumber i, as the js layer kernel. */
function gqScalar(
  nu: usize,
  stim: usize,
  gq: usize,
  dgq: usize,
  i: i32,
  t: f64,
  qr: f64,
  dlnqr: f64,
  C2: f64,
  wantT: bool,
): void {
  const nui = ld(nu, i);
  const sr = ld(stim, i);
  const g = Math.expm1(-C2 * nui / t) / sr / qr;
  st(gq, i, g);
  if (wantT) {
    const x = C2 * nui / t;
    st(dgq, i, Math.exp(-x) * x / t / sr / qr - g * dlnqr);
  }
}

/** Fills `out[0..nk)` with e^{c m²}, c = gf/L², by the recurrence of gaussianSpectrumInto. */
function gaussianSpectrum(gf: f64, l2: i32, out: usize, nk: i32): void {
  const c = gf / (<f64> l2 * <f64> l2);
  const step2 = Math.exp(2 * c);
  for (let m0 = 0; m0 < nk; m0 += 16) {
    let g = Math.exp(c * <f64> m0 * <f64> m0);
    let ratio = Math.exp(c * <f64> (2 * m0 + 1));
    const m1 = min(nk, m0 + 16);
    for (let m = m0; m < m1; m++) {
      st(out, m, g);
      g *= ratio;
      ratio *= step2;
    }
  }
}

/**
 * The wrap-around spectrum Â(m) (and γ ∂Â/∂γ when `aG` ≠ 0) of a Lorentzian of HWHM `gam`
 * [grid cells] (createPremoditAlias().into). Returns false when it is dropped.
 */
function alias(
  c: usize,
  gam: f64,
  aK: usize,
  aG: usize,
  xBuf: usize,
  xgBuf: usize,
  imBuf: usize,
  ca: usize,
  cg: usize,
): bool {
  const n = <i32> cfg(c, C_N);
  const l2 = 2 * n;
  const nk = n + 1;
  if (gam / <f64> l2 < 1e-8) return false;
  if (gam <= SERIES_MAX * <f64> n) {
    const basis = ptr(c, C_BASIS);
    const u = gam / <f64> l2;
    const q = gam / <f64> n;
    const nt = q <= 0 ? 1 : <i32> Math.min(
      <f64> KMAX,
      Math.max(1.0, Math.ceil((Math.log(1e-18) / Math.log(q) - 1) / 2) + 1),
    );
    let cc = u;
    const u2 = -u * u;
    for (let k = 0; k < nt; k++) {
      st(ca, k, cc);
      st(cg, k, <f64> (2 * k + 1) * cc);
      cc *= u2;
    }
    // basis[k·nk + m] (transposed by the host): four wavenumbers per step on two v128, each lane
    // summing k = nt − 1 … 0 in the js kernel's order (bit-identical; four independent chains)
    const stride = <usize> nk << 3;
    let m = 0;
    if (aG == 0) {
      for (; m + 3 < nk; m += 4) {
        let s0 = f64x2.splat(0.0);
        let s1 = f64x2.splat(0.0);
        let o = basis + (<usize> m << 3) + <usize> (nt - 1) * stride;
        for (let k = nt - 1; k >= 0; k--) {
          const a = f64x2.splat(ld(ca, k));
          s0 = f64x2.add(s0, f64x2.mul(a, v128.load(o)));
          s1 = f64x2.add(s1, f64x2.mul(a, v128.load(o, 16)));
          o -= stride;
        }
        v128.store(aK + (<usize> m << 3), s0);
        v128.store(aK + (<usize> m << 3), s1, 16);
      }
      for (; m < nk; m++) {
        let sa = 0.0;
        for (let k = nt - 1; k >= 0; k--) {
          sa += ld(ca, k) *
            load<f64>(basis + <usize> k * stride + (<usize> m << 3));
        }
        st(aK, m, sa);
      }
    } else {
      for (; m + 3 < nk; m += 4) {
        let s0 = f64x2.splat(0.0);
        let s1 = f64x2.splat(0.0);
        let g0 = f64x2.splat(0.0);
        let g1 = f64x2.splat(0.0);
        let o = basis + (<usize> m << 3) + <usize> (nt - 1) * stride;
        for (let k = nt - 1; k >= 0; k--) {
          const a = f64x2.splat(ld(ca, k));
          const b = f64x2.splat(ld(cg, k));
          const v0 = v128.load(o);
          const v1 = v128.load(o, 16);
          s0 = f64x2.add(s0, f64x2.mul(a, v0));
          s1 = f64x2.add(s1, f64x2.mul(a, v1));
          g0 = f64x2.add(g0, f64x2.mul(b, v0));
          g1 = f64x2.add(g1, f64x2.mul(b, v1));
          o -= stride;
        }
        v128.store(aK + (<usize> m << 3), s0);
        v128.store(aK + (<usize> m << 3), s1, 16);
        v128.store(aG + (<usize> m << 3), g0);
        v128.store(aG + (<usize> m << 3), g1, 16);
      }
      for (; m < nk; m++) {
        let sa = 0.0;
        let sg = 0.0;
        for (let k = nt - 1; k >= 0; k--) {
          const v = load<f64>(basis + <usize> k * stride + (<usize> m << 3));
          sa += ld(ca, k) * v;
          sg += ld(cg, k) * v;
        }
        st(aK, m, sa);
        st(aG, m, sg);
      }
    }
    return true;
  }
  // large γ: the closed form of the periodic sum (and its γ-derivative), transformed
  const sin2 = ptr(c, C_SIN2);
  const a = 2 * Math.PI * gam / <f64> l2;
  const g2 = gam * gam;
  const big = a > 700;
  const sh = big ? 0.0 : Math.sinh(a);
  const sha = big ? 0.0 : Math.sinh(a / 2);
  const sh2 = big ? 0.0 : 2 * (sha * sha);
  for (let i = 0; i <= n; i++) {
    const s2 = ld(sin2, i);
    const d = sh2 + s2;
    const per = big ? 1 / <f64> l2 : sh / (<f64> l2 * d);
    const fi = <f64> i;
    const n2g = fi * fi + g2;
    const v = per - gam / (Math.PI * n2g);
    const perG = big ? 0.0 : a * (s2 - (1 - s2) * sh2) / (<f64> l2 * d * d);
    const vg = perG - gam * (fi * fi - g2) / (Math.PI * n2g * n2g);
    st(xBuf, i, v);
    st(xgBuf, i, vg);
    if (i > 0 && i < n) {
      st(xBuf, l2 - i, v);
      st(xgBuf, l2 - i, vg);
    }
  }
  const plan = ptr(c, C_PLAN);
  rfft_forward(plan, xBuf, l2, aK, imBuf, 8);
  if (aG != 0) rfft_forward(plan, xgBuf, l2, aG, imBuf, 8);
  return true;
}

/**
 * σ for every layer (and, when asked, the spectra of its T and P partials): the js kernels'
 * `xsmatrixInto` and `xsmatrixResidualsInto` (see the file header). `c` is the config block.
 */
export function premodit_layers(c: usize): void {
  const n = <i32> cfg(c, C_N);
  const ne = <i32> cfg(c, C_NE);
  const nent = <i32> cfg(c, C_NENT);
  const nb = <i32> cfg(c, C_NB);
  const nl = <i32> cfg(c, C_L);
  const l2 = 2 * n;
  const nk = n + 1;
  const rnu = ptr(c, C_RNU);
  const nu = ptr(c, C_NU);
  const stim = ptr(c, C_STIM);
  const eg = ptr(c, C_EG);
  const slot = ptr(c, C_SLOT);
  const ente = ptr(c, C_ENTE);
  const e0 = ptr(c, C_ENT0);
  const e1 = ptr(c, C_ENT1);
  const e2 = ptr(c, C_ENT2);
  const bng = ptr(c, C_BNG);
  const bnt = ptr(c, C_BNT);
  const tp = ptr(c, C_T);
  const pp = ptr(c, C_P);
  const qrp = ptr(c, C_QR);
  const dlp = ptr(c, C_DLNQR);
  const tref = cfg(c, C_TREF);
  const twt = cfg(c, C_TWT);
  const trefB = cfg(c, C_TREFB);
  const sqf = cfg(c, C_SQF);
  const wantT = cfg(c, C_WANTT) != 0;
  const wantP = cfg(c, C_WANTP) != 0;
  const wantG = wantT || wantP;
  const outp = ptr(c, C_OUT);
  const sTp = ptr(c, C_ST);
  const sPp = ptr(c, C_SP);
  const plan = ptr(c, C_PLAN);
  const C2 = cfg(c, C_C2);
  // scratch
  let s = ptr(c, C_SCRATCH);
  const fE = s;
  s += <usize> ne << 3;
  const fE1 = s;
  s += <usize> ne << 3;
  const fE2 = s;
  s += <usize> ne << 3;
  const dfE = s;
  s += <usize> ne << 3;
  const dfE1 = s;
  s += <usize> ne << 3;
  const dfE2 = s;
  s += <usize> ne << 3;
  const slsd = s;
  s += <usize> (nb * n) << 3;
  const dslsd = s;
  s += <usize> (nb * n) << 3;
  const gq = s;
  s += <usize> n << 3;
  const dgq = s;
  s += <usize> n << 3;
  const pad = s;
  s += <usize> l2 << 3;
  const xBuf = s;
  s += <usize> l2 << 3;
  const xgBuf = s;
  s += <usize> l2 << 3;
  const rowBuf = s;
  s += <usize> l2 << 3;
  const caBuf = s; // the alias series' 16 + 16 coefficients
  s += <usize> (2 * KMAX) << 3;
  const re = s;
  s += <usize> nk << 3;
  const im = s;
  s += <usize> nk << 3;
  const dre = s;
  s += <usize> nk << 3;
  const dim = s;
  s += <usize> nk << 3;
  const gauss = s;
  s += <usize> nk << 3;
  const aK = s;
  s += <usize> nk << 3;
  const aG = s;
  s += <usize> nk << 3;
  const accRe = s;
  s += <usize> nk << 3;
  const accIm = s;
  s += <usize> nk << 3;
  const accTRe = s;
  s += <usize> nk << 3;
  const accTIm = s;
  s += <usize> nk << 3;
  const accPRe = s;
  s += <usize> nk << 3;
  const accPIm = s;
  s += <usize> nk << 3;
  const imBuf = s;
  const ca = caBuf;
  const cg = caBuf + (<usize> KMAX << 3);

  for (let l = 0; l < nl; l++) {
    const t = ld(tp, l);
    const pBar = ld(pp, l);
    const qr = ld(qrp, l);
    const dlnqr = wantT ? ld(dlp, l) : 0.0;
    const it2 = 1 / (t * t);
    const dInv = 1 / t - 1 / tref;
    const dt = 1 / t - 1 / twt;
    for (let j = 0; j < ne; j++) {
      const egj = ld(eg, j);
      const f = Math.exp(-C2 * egj * dInv);
      st(fE, j, f);
      st(fE1, j, f * dt);
      st(fE2, j, 0.5 * f * dt * dt);
      if (wantT) {
        const df = f * (C2 * egj) * it2;
        st(dfE, j, df);
        st(dfE1, j, df * dt - f * it2);
        st(dfE2, j, 0.5 * df * dt * dt - f * dt * it2);
      }
    }
    memory.fill(slsd, 0, <usize> (nb * n) << 3);
    if (wantT) memory.fill(dslsd, 0, <usize> (nb * n) << 3);
    for (let j = 0; j < nent; j++) {
      const e = load<i32>(ente + (<usize> j << 2));
      const sl = load<i32>(slot + (<usize> j << 2));
      const c0 = ld(e0, j);
      const c1 = ld(e1, j);
      const c2 = ld(e2, j);
      st(
        slsd,
        sl,
        ld(slsd, sl) + c0 * ld(fE, e) + c1 * ld(fE1, e) + c2 * ld(fE2, e),
      );
      if (wantT) {
        st(
          dslsd,
          sl,
          ld(dslsd, sl) + c0 * ld(dfE, e) + c1 * ld(dfE1, e) + c2 * ld(dfE2, e),
        );
      }
    }
    // g = expm1(−x)/stim/qr, x = c₂ν/T, two wavenumbers per v128: e^{−x} − 1 from the vector
    // exp where x ≥ 1/2 (relative error a few ulp), Math.expm1 for a pair with a smaller x
    const tv = f64x2.splat(t);
    const c2v = f64x2.splat(C2);
    const qv = f64x2.splat(qr);
    const dv = f64x2.splat(dlnqr);
    const one = f64x2.splat(1.0);
    const half = f64x2.splat(0.5);
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const o = <usize> i << 3;
      const x = f64x2.div(f64x2.mul(c2v, v128.load(nu + o)), tv);
      const sr = v128.load(stim + o);
      if (v128.any_true(f64x2.lt(x, half))) {
        for (let q = i; q < i + 2; q++) {
          gqScalar(nu, stim, gq, dgq, q, t, qr, dlnqr, C2, wantT);
        }
        continue;
      }
      const ex = exp2x(f64x2.neg(x));
      const g = f64x2.div(f64x2.div(f64x2.sub(ex, one), sr), qv);
      v128.store(gq + o, g);
      if (wantT) {
        const d = f64x2.div(f64x2.div(f64x2.div(f64x2.mul(ex, x), tv), sr), qv);
        v128.store(dgq + o, f64x2.sub(d, f64x2.mul(g, dv)));
      }
    }
    for (; i < n; i++) gqScalar(nu, stim, gq, dgq, i, t, qr, dlnqr, C2, wantT);
    const sq = sqf * Math.sqrt(t);
    const gf = -2 * Math.PI * Math.PI * sq * sq;
    gaussianSpectrum(gf, l2, gauss, nk);
    memory.fill(accRe, 0, <usize> nk << 3);
    memory.fill(accIm, 0, <usize> nk << 3);
    if (wantT) {
      memory.fill(accTRe, 0, <usize> nk << 3);
      memory.fill(accTIm, 0, <usize> nk << 3);
    }
    if (wantP) {
      memory.fill(accPRe, 0, <usize> nk << 3);
      memory.fill(accPIm, 0, <usize> nk << 3);
    }
    const lt = Math.log(t / trefB);
    const invP = 1 / pBar;
    for (let b = 0; b < nb; b++) {
      const base = b * n;
      let any = false;
      for (let i = 0; i < n; i++) {
        const v = ld(slsd, base + i) * ld(gq, i);
        st(pad, i, v);
        if (v != 0) any = true;
      }
      if (!any) continue;
      rfft_forward(plan, pad, n, re, im, 8);
      if (wantT) {
        for (let i = 0; i < n; i++) {
          st(
            pad,
            i,
            ld(dslsd, base + i) * ld(gq, i) + ld(slsd, base + i) * ld(dgq, i),
          );
        }
        rfft_forward(plan, pad, n, dre, dim, 8);
      }
      const gam = ld(bng, b) * Math.exp(-ld(bnt, b) * lt) * pBar;
      const hasAlias = alias(
        c,
        gam,
        aK,
        wantG ? aG : 0,
        xBuf,
        xgBuf,
        imBuf,
        ca,
        cg,
      );
      const r = Math.exp(-Math.PI * gam / <f64> n);
      if (!wantG) {
        let lor = 1.0;
        for (let m = 0; m < nk; m++) {
          const kern = ld(gauss, m) * (hasAlias ? lor - ld(aK, m) : lor);
          st(accRe, m, ld(accRe, m) + ld(re, m) * kern);
          st(accIm, m, ld(accIm, m) + ld(im, m) * kern);
          lor *= r;
        }
        continue;
      }
      const cT = -ld(bnt, b) / t;
      let lor = 1.0;
      for (let m = 0; m < nk; m++) {
        const gm = ld(gauss, m);
        const kern = gm * (hasAlias ? lor - ld(aK, m) : lor);
        const sr = ld(re, m);
        const si = ld(im, m);
        st(accRe, m, ld(accRe, m) + sr * kern);
        st(accIm, m, ld(accIm, m) + si * kern);
        const kg = gm *
          (-gam * (2 * Math.PI * <f64> m / <f64> l2) * lor -
            (hasAlias ? ld(aG, m) : 0.0));
        if (wantT) {
          const kt = kg * cT;
          st(accTRe, m, ld(accTRe, m) + ld(dre, m) * kern + sr * kt);
          st(accTIm, m, ld(accTIm, m) + ld(dim, m) * kern + si * kt);
        }
        if (wantP) {
          const kp = kg * invP;
          st(accPRe, m, ld(accPRe, m) + sr * kp);
          st(accPIm, m, ld(accPIm, m) + si * kp);
        }
        lor *= r;
      }
    }
    if (wantT) {
      const gft = gf / t;
      for (let m = 0; m < nk; m++) {
        const fm = <f64> m / <f64> l2;
        const cc = gft * (fm * fm);
        st(accTRe, m, ld(accTRe, m) + cc * ld(accRe, m));
        st(accTIm, m, ld(accTIm, m) + cc * ld(accIm, m));
      }
    }
    // σ row: irfft(acc)[0:N] · R/ν
    rfft_inverse(plan, accRe, accIm, 8, rowBuf, n);
    const off = outp + (<usize> (l * n) << 3);
    for (let i = 0; i < n; i++) st(off, i, ld(rowBuf, i) * ld(rnu, i));
    if (sTp != 0) {
      memory.copy(sTp + (<usize> (2 * l * nk) << 3), accTRe, <usize> nk << 3);
      memory.copy(
        sTp + (<usize> ((2 * l + 1) * nk) << 3),
        accTIm,
        <usize> nk << 3,
      );
    }
    if (sPp != 0) {
      memory.copy(sPp + (<usize> (2 * l * nk) << 3), accPRe, <usize> nk << 3);
      memory.copy(
        sPp + (<usize> ((2 * l + 1) * nk) << 3),
        accPIm,
        <usize> nk << 3,
      );
    }
  }
}
