// AssemblyScript source of exospec's WASM FFT (compiled by scripts/build_wasm.ts; the .wasm is
// embedded in src/backend/wasm/_fft_wasm_bytes.ts). It implements the same transforms as
// src/opacity/fft.ts (createFftPlan / createRfftPlan, numpy conventions) and is tested against it.
//
// - Complex FFT on interleaved f64 data (re, im pairs, 16 bytes per element): Stockham autosort,
//   decimation in frequency, radices 4, 2, 3, 5, 7 with specialised butterflies, other prime
//   factors up to 50 by a generic radix-p butterfly, Bluestein's chirp-z (on a power-of-two
//   plan) above. Each complex number is one v128 (f64x2), so every butterfly is SIMD.
// - Real FFT: a length-n real transform (n even) is one complex transform of length n/2 plus an
//   O(n) split; odd n use a complex transform of length n.
//
// Nothing here allocates: the host reserves plan memory (`cplan_bytes`/`rplan_bytes` bytes,
// 16-byte aligned) and passes byte pointers. Plans hold their twiddles and scratch, so a plan must
// not be used by two transforms at once. All pointers are byte offsets into linear memory.

const KIND_TRIVIAL: i32 = 0;
const KIND_MIXED: i32 = 1;
const KIND_BLUESTEIN: i32 = 2;
const MAX_GENERIC_RADIX: i32 = 50;

// Plan header (64 bytes, i32 fields):
//   0 n, 4 kind, 8 nstages | bluestein inner m, 12 scratch | inner plan, 16 stages | chirp,
//   20 B (bluestein), 24 work (bluestein)
// Stage record (32 bytes): 0 p, 4 m, 8 s, 12 twiddles, 16 constants, 20 generic scratch.
// Twiddles are stored expanded, 32 bytes each: (wr, wr), (−wi, wi), so that
// a·w = a·(wr, wr) + swap(a)·(−wi, wi).
const HDR: usize = 64;
const STAGE: usize = 32;

const FACT: usize = memory.data(64 * 4, 16);
let nfact: i32 = 0;
let cisC: f64 = 0;
let cisS: f64 = 0;

function align16(p: usize): usize {
  return (p + 15) & ~(<usize> 15);
}

/** cos and sin of 2π·a/b, reduced exactly to the first octant (as _cis in src/opacity/fft.ts). */
function cis(a: i64, b: i64): void {
  const r4 = 4 * (a % b);
  const q = r4 / b;
  const rr = r4 - q * b;
  let c: f64, s: f64;
  if (2 * rr <= b) {
    const t = 0.5 * Math.PI * <f64> rr / <f64> b;
    c = Math.cos(t);
    s = Math.sin(t);
  } else {
    const t = 0.5 * Math.PI * <f64> (b - rr) / <f64> b;
    c = Math.sin(t);
    s = Math.cos(t);
  }
  if (q == 0) {
    cisC = c;
    cisS = s;
  } else if (q == 1) {
    cisC = -s;
    cisS = c;
  } else if (q == 2) {
    cisC = -c;
    cisS = -s;
  } else {
    cisC = s;
    cisS = -c;
  }
}

/** Factors n into FACT (4s first, then 2, 3, 5, then odd primes ascending); returns the largest. */
function factorize(n: i32): i32 {
  nfact = 0;
  let m = n;
  let pmax = 1;
  while (m % 4 == 0) {
    store<i32>(FACT + (<usize> nfact << 2), 4);
    nfact++;
    m /= 4;
    pmax = 4;
  }
  for (let p = 2; p <= 5; p++) {
    if (p == 4) continue;
    while (m % p == 0) {
      store<i32>(FACT + (<usize> nfact << 2), p);
      nfact++;
      m /= p;
      if (p > pmax) pmax = p;
    }
  }
  for (let p = 7; p * p <= m; p += 2) {
    while (m % p == 0) {
      store<i32>(FACT + (<usize> nfact << 2), p);
      nfact++;
      m /= p;
      if (p > pmax) pmax = p;
    }
  }
  if (m > 1) {
    store<i32>(FACT + (<usize> nfact << 2), m);
    nfact++;
    if (m > pmax) pmax = m;
  }
  return pmax;
}

function storeTwiddle(t: usize, c: f64, s: f64): void {
  // w = c − i s; stored as (c, c), (s, −s).
  store<f64>(t, c);
  store<f64>(t, c, 8);
  store<f64>(t, s, 16);
  store<f64>(t, -s, 24);
}

/** Lays out (and, if `write`, fills) a mixed-radix plan for the factors in FACT. Returns its end. */
function layoutMixed(n: i32, base: usize, write: bool): usize {
  let p = align16(base);
  const hdr = p;
  p += HDR;
  const stages = p;
  p = align16(p + <usize> nfact * STAGE);
  const scratch = p;
  p += <usize> n << 4;
  if (write) {
    store<i32>(hdr, n, 0);
    store<i32>(hdr, KIND_MIXED, 4);
    store<i32>(hdr, nfact, 8);
    store<i32>(hdr, <i32> scratch, 12);
    store<i32>(hdr, <i32> stages, 16);
  }
  let l = n;
  let s = 1;
  for (let i = 0; i < nfact; i++) {
    const r = load<i32>(FACT + (<usize> i << 2));
    const m = l / r;
    const tw = p;
    p += <usize> (m * (r - 1)) << 5;
    const cs = p;
    p += <usize> r << 4;
    const sc = p;
    p += <usize> r << 4;
    if (write) {
      const st = stages + <usize> i * STAGE;
      store<i32>(st, r, 0);
      store<i32>(st, m, 4);
      store<i32>(st, s, 8);
      store<i32>(st, <i32> tw, 12);
      store<i32>(st, <i32> cs, 16);
      store<i32>(st, <i32> sc, 20);
      for (let j = 0; j < m; j++) {
        for (let k = 1; k < r; k++) {
          cis(<i64> j * <i64> k, <i64> l);
          storeTwiddle(tw + (<usize> (j * (r - 1) + k - 1) << 5), cisC, cisS);
        }
      }
      for (let k = 0; k < r; k++) {
        cis(<i64> k, <i64> r);
        store<f64>(cs + (<usize> k << 4), cisC);
        store<f64>(cs + (<usize> k << 4), cisS, 8);
      }
    }
    l = m;
    s *= r;
  }
  return p;
}

/** Lays out (and, if `write`, fills) a complex plan of length n at base. Returns its end. */
function layoutComplex(n: i32, base: usize, write: bool): usize {
  if (n <= 1) {
    const hdr = align16(base);
    if (write) {
      store<i32>(hdr, n, 0);
      store<i32>(hdr, KIND_TRIVIAL, 4);
    }
    return hdr + HDR;
  }
  const pmax = factorize(n);
  if (pmax <= MAX_GENERIC_RADIX) return layoutMixed(n, base, write);
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  let p = align16(base);
  const hdr = p;
  p += HDR;
  const chirp = p;
  p += <usize> n << 5;
  const bspec = p;
  p += <usize> m << 5;
  const work = p;
  p += <usize> m << 4;
  const inner = p;
  factorize(m);
  p = layoutMixed(m, inner, write);
  if (write) {
    store<i32>(hdr, n, 0);
    store<i32>(hdr, KIND_BLUESTEIN, 4);
    store<i32>(hdr, m, 8);
    store<i32>(hdr, <i32> inner, 12);
    store<i32>(hdr, <i32> chirp, 16);
    store<i32>(hdr, <i32> bspec, 20);
    store<i32>(hdr, <i32> work, 24);
    // c_k = e^{−iπk²/n}; k² mod 2n kept exact by an incremental update.
    let k2: i64 = 0;
    const n2: i64 = 2 * <i64> n;
    memory.fill(work, 0, <usize> m << 4);
    for (let k = 0; k < n; k++) {
      cis(k2, n2);
      storeTwiddle(chirp + (<usize> k << 5), cisC, cisS);
      // b_k = conj(c_k) = e^{+iπk²/n}, at k and m − k.
      store<f64>(work + (<usize> k << 4), cisC);
      store<f64>(work + (<usize> k << 4), cisS, 8);
      if (k > 0) {
        store<f64>(work + (<usize> (m - k) << 4), cisC);
        store<f64>(work + (<usize> (m - k) << 4), cisS, 8);
      }
      k2 = (k2 + 2 * <i64> k + 1) % n2;
    }
    mixedForward(inner, work);
    // Fold the 1/m of the inner inverse into B; store expanded.
    const f = 1.0 / <f64> m;
    for (let k = 0; k < m; k++) {
      const br = load<f64>(work + (<usize> k << 4)) * f;
      const bi = load<f64>(work + (<usize> k << 4), 8) * f;
      storeTwiddle(bspec + (<usize> k << 5), br, -bi);
    }
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// SIMD helpers: one complex number per v128.

function swap(a: v128): v128 {
  return v128.shuffle<f64>(a, a, 1, 0);
}

/** −i·a = (a.im, −a.re). */
function mulNegI(a: v128): v128 {
  return v128.xor(v128.shuffle<f64>(a, a, 1, 0), f64x2(0.0, -0.0));
}

/** a·w with w expanded at t: (wr, wr), (−wi, wi). */
function cmulT(a: v128, t: usize): v128 {
  return f64x2.add(
    f64x2.mul(a, v128.load(t)),
    f64x2.mul(swap(a), v128.load(t, 16)),
  );
}

// Compile-time flag of the passes: pass4<Twiddled> multiplies the outputs by their twiddles,
// pass4<Untwiddled> is for the last stage (m = 1), where every twiddle is 1.
type Twiddled = i32;
type Untwiddled = f64;

/** a·w (twiddle expanded at t) for Twiddled, a unchanged for Untwiddled (folded at compile time). */
function twT<W>(a: v128, t: usize): v128 {
  if (isInteger<W>()) return cmulT(a, t);
  return a;
}

/** a·w with w expanded into registers (wr, wr), (−wi, wi), or a for Untwiddled. */
function twR<W>(a: v128, wr: v128, wi: v128): v128 {
  if (isInteger<W>()) {
    return f64x2.add(f64x2.mul(a, wr), f64x2.mul(swap(a), wi));
  }
  return a;
}

/** The v128 (a, b) from two runtime values. */
function pair(a: f64, b: f64): v128 {
  return f64x2.replace_lane(f64x2.splat(a), 1, b);
}

/** conj(a). */
function conj(a: v128): v128 {
  return v128.xor(a, f64x2(0.0, -0.0));
}

// ---------------------------------------------------------------------------------------------
// Stockham passes x → y. Input element (j, q, r) at s·j + q + r·s·m, output (j, q, k) at
// p·s·j + q + k·s; twiddle ω_l^{jk} applied after the butterfly.

function pass2<W>(st: usize, x: usize, y: usize): void {
  const m = load<i32>(st, 4);
  const s = load<i32>(st, 8);
  const tw = <usize> load<i32>(st, 12);
  const sm = <usize> (s * m) << 4;
  const s1 = <usize> s << 4;
  for (let j = 0; j < m; j++) {
    const t = tw + (<usize> j << 5);
    const wr = v128.load(t);
    const wi = v128.load(t, 16);
    let ip = x + (<usize> (s * j) << 4);
    let op = y + (<usize> (2 * s * j) << 4);
    const end = ip + s1;
    while (ip < end) {
      const a0 = v128.load(ip);
      const a1 = v128.load(ip + sm);
      v128.store(op, f64x2.add(a0, a1));
      const d = f64x2.sub(a0, a1);
      v128.store(op + s1, twR<W>(d, wr, wi));
      ip += 16;
      op += 16;
    }
  }
}

function pass4<W>(st: usize, x: usize, y: usize): void {
  const m = load<i32>(st, 4);
  const s = load<i32>(st, 8);
  const tw = <usize> load<i32>(st, 12);
  const sm = <usize> (s * m) << 4;
  const s1 = <usize> s << 4;
  for (let j = 0; j < m; j++) {
    const t = tw + <usize> j * 96;
    const w1r = v128.load(t);
    const w1i = v128.load(t, 16);
    const w2r = v128.load(t, 32);
    const w2i = v128.load(t, 48);
    const w3r = v128.load(t, 64);
    const w3i = v128.load(t, 80);
    let ip = x + (<usize> (s * j) << 4);
    let op = y + (<usize> (4 * s * j) << 4);
    const end = ip + s1;
    while (ip < end) {
      const a0 = v128.load(ip);
      const a1 = v128.load(ip + sm);
      const a2 = v128.load(ip + 2 * sm);
      const a3 = v128.load(ip + 3 * sm);
      const t0 = f64x2.add(a0, a2);
      const t1 = f64x2.sub(a0, a2);
      const t2 = f64x2.add(a1, a3);
      const t3 = mulNegI(f64x2.sub(a1, a3));
      v128.store(op, f64x2.add(t0, t2));
      const y1 = f64x2.add(t1, t3);
      v128.store(op + s1, twR<W>(y1, w1r, w1i));
      const y2 = f64x2.sub(t0, t2);
      v128.store(op + 2 * s1, twR<W>(y2, w2r, w2i));
      const y3 = f64x2.sub(t1, t3);
      v128.store(op + 3 * s1, twR<W>(y3, w3r, w3i));
      ip += 16;
      op += 16;
    }
  }
}

function pass3<W>(st: usize, x: usize, y: usize): void {
  const m = load<i32>(st, 4);
  const s = load<i32>(st, 8);
  const tw = <usize> load<i32>(st, 12);
  const cs = <usize> load<i32>(st, 16);
  const sn = v128.load_splat<f64>(cs, 24); // sin(2π/3)
  const half = f64x2.splat(0.5);
  const sm = <usize> (s * m) << 4;
  const s1 = <usize> s << 4;
  for (let j = 0; j < m; j++) {
    const t = tw + <usize> j * 64;
    let ip = x + (<usize> (s * j) << 4);
    let op = y + (<usize> (3 * s * j) << 4);
    const end = ip + s1;
    while (ip < end) {
      const a0 = v128.load(ip);
      const a1 = v128.load(ip + sm);
      const a2 = v128.load(ip + 2 * sm);
      const tt = f64x2.add(a1, a2);
      const u = f64x2.sub(a0, f64x2.mul(half, tt));
      const v = f64x2.mul(sn, mulNegI(f64x2.sub(a1, a2)));
      v128.store(op, f64x2.add(a0, tt));
      v128.store(op + s1, twT<W>(f64x2.add(u, v), t));
      v128.store(op + 2 * s1, twT<W>(f64x2.sub(u, v), t + 32));
      ip += 16;
      op += 16;
    }
  }
}

function pass5<W>(st: usize, x: usize, y: usize): void {
  const m = load<i32>(st, 4);
  const s = load<i32>(st, 8);
  const tw = <usize> load<i32>(st, 12);
  const cs = <usize> load<i32>(st, 16);
  const c1 = v128.load_splat<f64>(cs, 16);
  const s1c = v128.load_splat<f64>(cs, 24);
  const c2 = v128.load_splat<f64>(cs, 32);
  const s2c = v128.load_splat<f64>(cs, 40);
  const sm = <usize> (s * m) << 4;
  const s1 = <usize> s << 4;
  for (let j = 0; j < m; j++) {
    const t = tw + <usize> j * 128;
    let ip = x + (<usize> (s * j) << 4);
    let op = y + (<usize> (5 * s * j) << 4);
    const end = ip + s1;
    while (ip < end) {
      const a0 = v128.load(ip);
      const a1 = v128.load(ip + sm);
      const a2 = v128.load(ip + 2 * sm);
      const a3 = v128.load(ip + 3 * sm);
      const a4 = v128.load(ip + 4 * sm);
      const u1 = f64x2.add(a1, a4);
      const v1 = f64x2.sub(a1, a4);
      const u2 = f64x2.add(a2, a3);
      const v2 = f64x2.sub(a2, a3);
      const p1 = f64x2.add(a0, f64x2.add(f64x2.mul(c1, u1), f64x2.mul(c2, u2)));
      const q1 = mulNegI(f64x2.add(f64x2.mul(s1c, v1), f64x2.mul(s2c, v2)));
      const p2 = f64x2.add(a0, f64x2.add(f64x2.mul(c2, u1), f64x2.mul(c1, u2)));
      const q2 = mulNegI(f64x2.sub(f64x2.mul(s2c, v1), f64x2.mul(s1c, v2)));
      v128.store(op, f64x2.add(a0, f64x2.add(u1, u2)));
      v128.store(op + s1, twT<W>(f64x2.add(p1, q1), t));
      v128.store(op + 2 * s1, twT<W>(f64x2.add(p2, q2), t + 32));
      v128.store(op + 3 * s1, twT<W>(f64x2.sub(p2, q2), t + 64));
      v128.store(op + 4 * s1, twT<W>(f64x2.sub(p1, q1), t + 96));
      ip += 16;
      op += 16;
    }
  }
}

function pass7<W>(st: usize, x: usize, y: usize): void {
  const m = load<i32>(st, 4);
  const s = load<i32>(st, 8);
  const tw = <usize> load<i32>(st, 12);
  const cs = <usize> load<i32>(st, 16);
  const c1 = v128.load_splat<f64>(cs, 16);
  const k1 = v128.load_splat<f64>(cs, 24);
  const c2 = v128.load_splat<f64>(cs, 32);
  const k2 = v128.load_splat<f64>(cs, 40);
  const c3 = v128.load_splat<f64>(cs, 48);
  const k3 = v128.load_splat<f64>(cs, 56);
  const sm = <usize> (s * m) << 4;
  const s1 = <usize> s << 4;
  for (let j = 0; j < m; j++) {
    const t = tw + <usize> j * 192;
    let ip = x + (<usize> (s * j) << 4);
    let op = y + (<usize> (7 * s * j) << 4);
    const end = ip + s1;
    while (ip < end) {
      const a0 = v128.load(ip);
      const a1 = v128.load(ip + sm);
      const a2 = v128.load(ip + 2 * sm);
      const a3 = v128.load(ip + 3 * sm);
      const a4 = v128.load(ip + 4 * sm);
      const a5 = v128.load(ip + 5 * sm);
      const a6 = v128.load(ip + 6 * sm);
      const u1 = f64x2.add(a1, a6);
      const v1 = f64x2.sub(a1, a6);
      const u2 = f64x2.add(a2, a5);
      const v2 = f64x2.sub(a2, a5);
      const u3 = f64x2.add(a3, a4);
      const v3 = f64x2.sub(a3, a4);
      const p1 = f64x2.add(
        a0,
        f64x2.add(
          f64x2.add(f64x2.mul(c1, u1), f64x2.mul(c2, u2)),
          f64x2.mul(c3, u3),
        ),
      );
      const q1 = mulNegI(
        f64x2.add(
          f64x2.add(f64x2.mul(k1, v1), f64x2.mul(k2, v2)),
          f64x2.mul(k3, v3),
        ),
      );
      const p2 = f64x2.add(
        a0,
        f64x2.add(
          f64x2.add(f64x2.mul(c2, u1), f64x2.mul(c3, u2)),
          f64x2.mul(c1, u3),
        ),
      );
      const q2 = mulNegI(
        f64x2.sub(
          f64x2.sub(f64x2.mul(k2, v1), f64x2.mul(k3, v2)),
          f64x2.mul(k1, v3),
        ),
      );
      const p3 = f64x2.add(
        a0,
        f64x2.add(
          f64x2.add(f64x2.mul(c3, u1), f64x2.mul(c1, u2)),
          f64x2.mul(c2, u3),
        ),
      );
      const q3 = mulNegI(
        f64x2.add(
          f64x2.sub(f64x2.mul(k3, v1), f64x2.mul(k1, v2)),
          f64x2.mul(k2, v3),
        ),
      );
      v128.store(op, f64x2.add(a0, f64x2.add(f64x2.add(u1, u2), u3)));
      v128.store(op + s1, twT<W>(f64x2.add(p1, q1), t));
      v128.store(op + 2 * s1, twT<W>(f64x2.add(p2, q2), t + 32));
      v128.store(op + 3 * s1, twT<W>(f64x2.add(p3, q3), t + 64));
      v128.store(op + 4 * s1, twT<W>(f64x2.sub(p3, q3), t + 96));
      v128.store(op + 5 * s1, twT<W>(f64x2.sub(p2, q2), t + 128));
      v128.store(op + 6 * s1, twT<W>(f64x2.sub(p1, q1), t + 160));
      ip += 16;
      op += 16;
    }
  }
}

/** Generic odd prime radix p: pairs r and p − r (u_r = a_r + a_{p−r}, v_r = a_r − a_{p−r}). */
function passGeneric<W>(st: usize, x: usize, y: usize): void {
  const p = load<i32>(st, 0);
  const m = load<i32>(st, 4);
  const s = load<i32>(st, 8);
  const tw = <usize> load<i32>(st, 12);
  const cs = <usize> load<i32>(st, 16);
  const sc = <usize> load<i32>(st, 20);
  const hp = (p - 1) >> 1;
  const sm = <usize> (s * m) << 4;
  const s1 = <usize> s << 4;
  const tstride = <usize> (p - 1) << 5;
  for (let j = 0; j < m; j++) {
    const t = tw + <usize> j * tstride;
    for (let q = 0; q < s; q++) {
      const ip = x + (<usize> (s * j + q) << 4);
      const op = y + (<usize> (p * s * j + q) << 4);
      const a0 = v128.load(ip);
      let sum = a0;
      // u_r at sc + 16(r − 1), v_r at sc + 16(hp + r − 1)
      for (let r = 1; r <= hp; r++) {
        const x1 = v128.load(ip + <usize> r * sm);
        const x2 = v128.load(ip + <usize> (p - r) * sm);
        const u = f64x2.add(x1, x2);
        sum = f64x2.add(sum, u);
        v128.store(sc + (<usize> (r - 1) << 4), u);
        v128.store(sc + (<usize> (hp + r - 1) << 4), f64x2.sub(x1, x2));
      }
      v128.store(op, sum);
      for (let k = 1; k <= hp; k++) {
        let pp = a0;
        let qq = f64x2.splat(0.0);
        let idx = 0;
        for (let r = 1; r <= hp; r++) {
          idx += k;
          if (idx >= p) idx -= p;
          const c = v128.load_splat<f64>(cs + (<usize> idx << 4));
          const sn = v128.load_splat<f64>(cs + (<usize> idx << 4), 8);
          pp = f64x2.add(
            pp,
            f64x2.mul(c, v128.load(sc + (<usize> (r - 1) << 4))),
          );
          qq = f64x2.add(
            qq,
            f64x2.mul(sn, v128.load(sc + (<usize> (hp + r - 1) << 4))),
          );
        }
        const qn = mulNegI(qq);
        v128.store(
          op + <usize> k * s1,
          twT<W>(f64x2.add(pp, qn), t + (<usize> (k - 1) << 5)),
        );
        v128.store(
          op + <usize> (p - k) * s1,
          twT<W>(f64x2.sub(pp, qn), t + (<usize> (p - k - 1) << 5)),
        );
      }
    }
  }
}

function mixedForward(plan: usize, data: usize): void {
  const n = load<i32>(plan, 0);
  const nst = load<i32>(plan, 8);
  const scratch = <usize> load<i32>(plan, 12);
  const stages = <usize> load<i32>(plan, 16);
  let x = data;
  let y = scratch;
  for (let i = 0; i < nst; i++) {
    const st = stages + <usize> i * STAGE;
    const p = load<i32>(st, 0);
    if (load<i32>(st, 4) > 1) {
      if (p == 4) pass4<Twiddled>(st, x, y);
      else if (p == 2) pass2<Twiddled>(st, x, y);
      else if (p == 3) pass3<Twiddled>(st, x, y);
      else if (p == 5) pass5<Twiddled>(st, x, y);
      else if (p == 7) pass7<Twiddled>(st, x, y);
      else passGeneric<Twiddled>(st, x, y);
    } else {
      if (p == 4) pass4<Untwiddled>(st, x, y);
      else if (p == 2) pass2<Untwiddled>(st, x, y);
      else if (p == 3) pass3<Untwiddled>(st, x, y);
      else if (p == 5) pass5<Untwiddled>(st, x, y);
      else if (p == 7) pass7<Untwiddled>(st, x, y);
      else passGeneric<Untwiddled>(st, x, y);
    }
    const tmp = x;
    x = y;
    y = tmp;
  }
  if (x != data) memory.copy(data, x, <usize> n << 4);
}

function bluesteinForward(plan: usize, data: usize): void {
  const n = load<i32>(plan, 0);
  const m = load<i32>(plan, 8);
  const inner = <usize> load<i32>(plan, 12);
  const chirp = <usize> load<i32>(plan, 16);
  const bspec = <usize> load<i32>(plan, 20);
  const work = <usize> load<i32>(plan, 24);
  for (let k = 0; k < n; k++) {
    const o = <usize> k << 4;
    v128.store(work + o, cmulT(v128.load(data + o), chirp + (<usize> k << 5)));
  }
  memory.fill(work + (<usize> n << 4), 0, <usize> (m - n) << 4);
  mixedForward(inner, work);
  for (let k = 0; k < m; k++) {
    const o = work + (<usize> k << 4);
    v128.store(o, conj(cmulT(v128.load(o), bspec + (<usize> k << 5))));
  }
  mixedForward(inner, work);
  for (let k = 0; k < n; k++) {
    const o = <usize> k << 4;
    v128.store(
      data + o,
      cmulT(conj(v128.load(work + o)), chirp + (<usize> k << 5)),
    );
  }
}

function complexForward(plan: usize, data: usize): void {
  const kind = load<i32>(plan, 4);
  if (kind == KIND_MIXED) mixedForward(plan, data);
  else if (kind == KIND_BLUESTEIN) bluesteinForward(plan, data);
}

/** Multiplies n complex values at data by the lane factors f (e.g. conj and scale). */
function scaleLanes(data: usize, n: i32, f: v128): void {
  const end = data + (<usize> n << 4);
  for (let p = data; p < end; p += 16) {
    v128.store(p, f64x2.mul(v128.load(p), f));
  }
}

// ---------------------------------------------------------------------------------------------
// Exports: complex plans.

/** Start of the free heap (the host allocator manages memory from here on). */
export function heap_base(): usize {
  return __heap_base;
}

/** Bytes of a complex plan of length n (reserve this many, 16-byte aligned). */
export function cplan_bytes(n: i32): usize {
  return layoutComplex(n, 0, false);
}

/** Builds a complex plan of length n ≥ 1 at `plan`. */
export function cplan_init(n: i32, plan: usize): void {
  layoutComplex(n, plan, true);
}

/** In-place forward complex FFT X_k = Σ_j x_j e^{−2πijk/n} of interleaved data (n complex). */
export function cfft_forward(plan: usize, data: usize): void {
  complexForward(plan, data);
}

/** In-place inverse complex FFT x_j = (1/n) Σ_k X_k e^{+2πijk/n} of interleaved data. */
export function cfft_inverse(plan: usize, data: usize): void {
  const n = load<i32>(plan, 0);
  scaleLanes(data, n, f64x2(1.0, -1.0));
  complexForward(plan, data);
  const f = 1.0 / <f64> n;
  scaleLanes(data, n, pair(f, -f));
}

/** Interleaves split re/im (n values each) into z (n complex). z may not overlap re or im. */
export function interleave(re: usize, im: usize, z: usize, n: i32): void {
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const o = <usize> k << 3;
    const r = v128.load(re + o);
    const i = v128.load(im + o);
    v128.store(z + (o << 1), v128.shuffle<f64>(r, i, 0, 2));
    v128.store(z + (o << 1), v128.shuffle<f64>(r, i, 1, 3), 16);
  }
  for (; k < n; k++) {
    store<f64>(z + (<usize> k << 4), load<f64>(re + (<usize> k << 3)));
    store<f64>(z + (<usize> k << 4), load<f64>(im + (<usize> k << 3)), 8);
  }
}

/** Splits z (n complex) into re and im (n values each). z may not overlap re or im. */
export function deinterleave(z: usize, re: usize, im: usize, n: i32): void {
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const o = <usize> k << 3;
    const a = v128.load(z + (o << 1));
    const b = v128.load(z + (o << 1), 16);
    v128.store(re + o, v128.shuffle<f64>(a, b, 0, 2));
    v128.store(im + o, v128.shuffle<f64>(a, b, 1, 3));
  }
  for (; k < n; k++) {
    store<f64>(re + (<usize> k << 3), load<f64>(z + (<usize> k << 4)));
    store<f64>(im + (<usize> k << 3), load<f64>(z + (<usize> k << 4), 8));
  }
}

// ---------------------------------------------------------------------------------------------
// Exports: real plans. Header (64 bytes): 0 n, 4 h = ⌊n/2⌋, 8 complex plan, 12 z, 16 twiddles
// e^{−2πik/n} for k = 0..h as (wr, wi) pairs (even n only).

function layoutReal(n: i32, base: usize, write: bool): usize {
  let p = align16(base);
  const hdr = p;
  p += HDR;
  const even = (n & 1) == 0;
  const h = n >> 1;
  const len = even ? h : n;
  const z = p;
  p += <usize> len << 4;
  const tw = p;
  if (even) p += <usize> (h + 1) << 4;
  const cplan = align16(p);
  p = layoutComplex(len, cplan, write);
  if (write) {
    store<i32>(hdr, n, 0);
    store<i32>(hdr, h, 4);
    store<i32>(hdr, <i32> cplan, 8);
    store<i32>(hdr, <i32> z, 12);
    store<i32>(hdr, <i32> tw, 16);
    if (even) {
      for (let k = 0; k <= h; k++) {
        cis(<i64> k, <i64> n);
        store<f64>(tw + (<usize> k << 4), cisC);
        store<f64>(tw + (<usize> k << 4), -cisS, 8);
      }
    }
  }
  return p;
}

/** Bytes of a real plan of length n. */
export function rplan_bytes(n: i32): usize {
  return layoutReal(n, 0, false);
}

/** Builds a real plan of length n ≥ 1 at `plan`. */
export function rplan_init(n: i32, plan: usize): void {
  layoutReal(n, plan, true);
}

/**
 * Forward real FFT like numpy.fft.rfft(x, n): x has nx ≤ n values (zero-padded); bin k
 * (k = 0..⌊n/2⌋) goes to outRe + k·ostride and outIm + k·ostride (ostride in bytes: 8 for split
 * arrays, 16 with outIm = outRe + 8 for interleaved). x may alias the output.
 */
export function rfft_forward(
  plan: usize,
  x: usize,
  nx: i32,
  outRe: usize,
  outIm: usize,
  ostride: i32,
): void {
  const n = load<i32>(plan, 0);
  const h = load<i32>(plan, 4);
  const cplan = <usize> load<i32>(plan, 8);
  const z = <usize> load<i32>(plan, 12);
  const tw = <usize> load<i32>(plan, 16);
  const os = <usize> ostride;
  if ((n & 1) == 1) {
    memory.fill(z, 0, <usize> n << 4);
    for (let j = 0; j < nx; j++) {
      store<f64>(z + (<usize> j << 4), load<f64>(x + (<usize> j << 3)));
    }
    complexForward(cplan, z);
    for (let k = 0; k <= h; k++) {
      store<f64>(outRe + <usize> k * os, load<f64>(z + (<usize> k << 4)));
      store<f64>(outIm + <usize> k * os, load<f64>(z + (<usize> k << 4), 8));
    }
    return;
  }
  // z_j = x_{2j} + i x_{2j+1}: the same bytes as x.
  memory.copy(z, x, <usize> nx << 3);
  memory.fill(z + (<usize> nx << 3), 0, <usize> (n - nx) << 3);
  complexForward(cplan, z);
  // Bins k and h − k share Z_k, Z_{h−k}: with E = (Z_k + conj Z_{h−k})/2,
  // O = (Z_k − conj Z_{h−k})/(2i) and P = O·e^{−2πik/n}: X_k = E + P, X_{h−k} = conj(E − P).
  const z0 = v128.load(z);
  const z0r = f64x2.extract_lane(z0, 0);
  const z0i = f64x2.extract_lane(z0, 1);
  store<f64>(outRe, z0r + z0i);
  store<f64>(outIm, 0.0);
  store<f64>(outRe + <usize> h * os, z0r - z0i);
  store<f64>(outIm + <usize> h * os, 0.0);
  const half = f64x2.splat(0.5);
  const sgn = f64x2(-0.0, 0.0);
  for (let k = 1; 2 * k <= h; k++) {
    const kk = h - k;
    const a = v128.load(z + (<usize> k << 4));
    const b = conj(v128.load(z + (<usize> kk << 4)));
    const e = f64x2.mul(half, f64x2.add(a, b));
    const o = f64x2.mul(half, mulNegI(f64x2.sub(a, b)));
    const w = v128.load(tw + (<usize> k << 4));
    const wrr = v128.shuffle<f64>(w, w, 0, 0);
    const wii = v128.xor(v128.shuffle<f64>(w, w, 1, 1), sgn);
    const pw = f64x2.add(f64x2.mul(o, wrr), f64x2.mul(swap(o), wii));
    const r1 = f64x2.add(e, pw);
    const r2 = f64x2.sub(e, pw);
    store<f64>(outRe + <usize> k * os, f64x2.extract_lane(r1, 0));
    store<f64>(outIm + <usize> k * os, f64x2.extract_lane(r1, 1));
    store<f64>(outRe + <usize> kk * os, f64x2.extract_lane(r2, 0));
    store<f64>(outIm + <usize> kk * os, -f64x2.extract_lane(r2, 1));
  }
}

/**
 * Inverse real FFT like numpy.fft.irfft(X, n): bin k (k = 0..⌊n/2⌋) is read from re + k·istride
 * and im + k·istride (the imaginary parts of bin 0, and of bin n/2 for even n, are ignored); the
 * first nout ≤ n samples are written to out. The input may alias the output.
 */
export function rfft_inverse(
  plan: usize,
  re: usize,
  im: usize,
  istride: i32,
  out: usize,
  nout: i32,
): void {
  const n = load<i32>(plan, 0);
  const h = load<i32>(plan, 4);
  const cplan = <usize> load<i32>(plan, 8);
  const z = <usize> load<i32>(plan, 12);
  const tw = <usize> load<i32>(plan, 16);
  const is = <usize> istride;
  if ((n & 1) == 1) {
    // conj of the Hermitian spectrum, then a forward transform: x = conj(F(conj X))/n.
    store<f64>(z, load<f64>(re));
    store<f64>(z, 0.0, 8);
    for (let k = 1; k <= h; k++) {
      const xr = load<f64>(re + <usize> k * is);
      const xi = load<f64>(im + <usize> k * is);
      store<f64>(z + (<usize> k << 4), xr);
      store<f64>(z + (<usize> k << 4), -xi, 8);
      store<f64>(z + (<usize> (n - k) << 4), xr);
      store<f64>(z + (<usize> (n - k) << 4), xi, 8);
    }
    complexForward(cplan, z);
    const f = 1.0 / <f64> n;
    for (let j = 0; j < nout; j++) {
      store<f64>(out + (<usize> j << 3), load<f64>(z + (<usize> j << 4)) * f);
    }
    return;
  }
  // Z_k = E + iO with E = (X_k + conj X_{h−k})/2, O = (X_k − conj X_{h−k})/2 · e^{+2πik/n};
  // Z_{h−k} = conj(E − iO). Store conj(Z) for the forward-transform trick.
  const x0 = load<f64>(re);
  const xh = load<f64>(re + <usize> h * is);
  store<f64>(z, 0.5 * (x0 + xh));
  store<f64>(z, -0.5 * (x0 - xh), 8);
  const half = f64x2.splat(0.5);
  const sgn = f64x2(0.0, -0.0);
  for (let k = 1; 2 * k <= h; k++) {
    const kk = h - k;
    const a = pair(
      load<f64>(re + <usize> k * is),
      load<f64>(im + <usize> k * is),
    );
    const b = pair(
      load<f64>(re + <usize> kk * is),
      -load<f64>(im + <usize> kk * is),
    );
    const e = f64x2.mul(half, f64x2.add(a, b));
    const d = f64x2.mul(half, f64x2.sub(a, b));
    // conj(w) = (wr, −wi) expanded: (wr, wr), (wi, −wi).
    const w = v128.load(tw + (<usize> k << 4));
    const wrr = v128.shuffle<f64>(w, w, 0, 0);
    const wii = v128.xor(v128.shuffle<f64>(w, w, 1, 1), sgn);
    const o = f64x2.add(f64x2.mul(d, wrr), f64x2.mul(swap(d), wii));
    const io = mulNegI(o); // −iO
    v128.store(z + (<usize> k << 4), conj(f64x2.sub(e, io)));
    v128.store(z + (<usize> kk << 4), f64x2.add(e, io));
  }
  complexForward(cplan, z);
  const f = 1.0 / <f64> h;
  const fv = pair(f, -f);
  const full = nout >> 1;
  for (let j = 0; j < full; j++) {
    v128.store(
      out + (<usize> j << 4),
      f64x2.mul(v128.load(z + (<usize> j << 4)), fv),
    );
  }
  if ((nout & 1) == 1) {
    store<f64>(
      out + (<usize> full << 4),
      load<f64>(z + (<usize> full << 4)) * f,
    );
  }
}
