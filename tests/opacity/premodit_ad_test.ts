import { assert, assertThrows, SHARED_DATA } from "../_util.ts";
import { wavenumberGrid } from "../../src/grid/wavenumber_grid.ts";
import { loadExomol } from "../../src/db/exomol.ts";
import { createOpaPremodit } from "../../src/opacity/premodit.ts";
import { createPremoditAd } from "../../src/opacity/premodit_ad.ts";
import { key, split, uniform } from "../../src/random/mod.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../../src/backend/wasm/wasm_backend.ts";

// The tutorial's setup: CO SAMPLE lines on the 3500-point ESLOG grid, 100 layers 1e-5–10 bar.
const grid = wavenumberGrid(22920, 23000, 3500, {
  unit: "AA",
  mode: "premodit",
});
const nu = grid.nu;
const N = nu.length;
const co = await loadExomol(`${SHARED_DATA}/CO/12C-16O/SAMPLE`, {
  nuRange: [nu[0]!, nu[N - 1]!],
});
const opa = createOpaPremodit(co, nu, { autoTrange: [500, 1500] });
const ad = createPremoditAd(opa);
const NL = 100;
const P = Float64Array.from(
  { length: NL },
  (_, l) => 10 ** (-5 + 6 * (l + 0.5) / NL),
);

// FD steps: T relative 1e-4 (≤ 0.15 K), P relative 1e-4 in ln P. The partition function is
// tabulated every 1 K and interpolated linearly, so its slope jumps at integer T (≈ 3e-4 of the
// slope); a larger T step (1e-3 · T ≈ 1 K) would straddle nodes, so the test profiles are
// snapped to the middle of their 1 K interval and the step stays inside it.
const HT = 1e-4;
const HP = 1e-4;

/** Power-law profile T0 P^alpha, clipped into (500, 1500) K and snapped to x.5 K. */
function profile(t0: number, alpha: number): Float64Array {
  return Float64Array.from(
    P,
    (p) => Math.floor(Math.min(1499, Math.max(500, t0 * p ** alpha))) + 0.5,
  );
}

/** Prior draws T0 ∈ [1000, 1500] K, alpha ∈ [0.05, 0.2], and random directions. */
function draws(seed: number, n: number, kdir: number) {
  const keys = split(key(seed), n);
  return keys.map((k) => {
    const u = uniform(k, 2 + 3 * kdir * NL);
    const t = profile(1000 + 500 * u[0]!, 0.05 + 0.15 * u[1]!);
    const a = Float64Array.from(
      { length: kdir * NL },
      (_, i) => 2 * u[2 + i]! - 1,
    );
    const b = Float64Array.from(
      { length: kdir * NL },
      (_, i) => 2 * u[2 + kdir * NL + i]! - 1,
    );
    const w = Float64Array.from(
      { length: NL * N },
      (_, i) => u[2 + 2 * kdir * NL + (i % (kdir * NL))]! - 0.3,
    );
    return { t, a, b, w };
  });
}

/** ‖x − y‖ / ‖y‖. */
function normRel(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    e += (x[i]! - y[i]!) ** 2;
    s += y[i]! ** 2;
  }
  return Math.sqrt(e / s);
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Central FD of xsmatrix along (δT = a·T, δ ln P = b) for direction k. */
function fdDirection(
  t: Float64Array,
  a: Float64Array,
  b: Float64Array,
  k: number,
): Float64Array {
  const tp = t.map((v, l) => v * (1 + HT * a[k * NL + l]!));
  const tm = t.map((v, l) => v * (1 - HT * a[k * NL + l]!));
  const pp = P.map((v, l) => v * Math.exp(HP * b[k * NL + l]!));
  const pm = P.map((v, l) => v * Math.exp(-HP * b[k * NL + l]!));
  const fp = opa.xsmatrix(tp, pp);
  const fm = opa.xsmatrix(tm, pm);
  return fp.map((v, i) => (v - fm[i]!) / (2 * HT));
}

/** Tangents tT = a·T·(HP/HT-scaled) consistent with fdDirection. */
function tangents(
  t: Float64Array,
  a: Float64Array,
  b: Float64Array,
  K: number,
) {
  const tT = Float64Array.from(
    { length: K * NL },
    (_, i) => a[i]! * t[i % NL]!,
  );
  const tP = Float64Array.from(
    { length: K * NL },
    (_, i) => b[i]! * (HP / HT) * P[i % NL]!,
  );
  return { tT, tP };
}

Deno.test("every rule's primal is opa.xsmatrix bit for bit (one layer kernel, premodit_layer.ts)", () => {
  const { t } = draws(1, 1, 1)[0]!;
  const ref = opa.xsmatrix(t, P);
  const same = (x: Float64Array) => x.every((v, i) => v === ref[i]);
  assert(same(ad.xsmatrixJvp(t, P, null, null).out), "jvp, no tangents");
  assert(same(ad.xsmatrixJvp(t, P, t, P).out), "jvp, T and P tangents");
  assert(same(ad.xsmatrixPartials(t, P).xs), "partials");
  assert(same(ad.xsmatrixWithVjp(t, P).out), "withVjp");
  assert(
    same(ad.xsmatrixWithVjp(t, P, { pBar: false }).out),
    "withVjp, T only",
  );
});

Deno.test("xsmatrixWithVjp(): the Fourier-space (Parseval) pullback equals ⟨ct, ∂σ/∂T⟩, ⟨ct, ∂σ/∂P⟩ from the partials within 1e-12; `needs` drops a partial (null)", () => {
  const { t, w } = draws(5, 1, 1)[0]!;
  const { dxsdT, dxsdP } = ad.xsmatrixPartials(t, P);
  const [fullT, fullP] = ad.xsmatrixWithVjp(t, P).pullback(w);
  const [tOnlyT, tOnlyP] = ad.xsmatrixWithVjp(t, P, { pBar: false }).pullback(
    w,
  );
  const [pOnlyT, pOnlyP] = ad.xsmatrixWithVjp(t, P, { t: false }).pullback(w);
  assert(fullT instanceof Float64Array && fullP instanceof Float64Array);
  assert(fullT.length === NL && fullP.length === NL);
  assert(tOnlyT instanceof Float64Array && tOnlyP === null, "T only");
  assert(pOnlyT === null && pOnlyP instanceof Float64Array, "P only");
  let worstT = 0;
  let worstP = 0;
  for (let l = 0; l < NL; l++) {
    const o = l * N;
    let st = 0, sp = 0, at = 0, ap = 0;
    for (let i = 0; i < N; i++) {
      st += w[o + i]! * dxsdT[o + i]!;
      sp += w[o + i]! * dxsdP[o + i]!;
      at += Math.abs(w[o + i]! * dxsdT[o + i]!);
      ap += Math.abs(w[o + i]! * dxsdP[o + i]!);
    }
    // relative to Σ|ct·∂σ| (the scale of the rounding of either sum)
    worstT = Math.max(worstT, Math.abs(fullT[l]! - st) / at);
    worstP = Math.max(worstP, Math.abs(fullP[l]! - sp) / ap);
    assert(tOnlyT[l] === fullT[l], `T only, l=${l}`);
    assert(pOnlyP[l] === fullP[l], `P only, l=${l}`);
  }
  console.log(
    `Parseval vs ν-space pullback: T ${worstT.toExponential(2)}, P ${
      worstP.toExponential(2)
    }`,
  );
  assert(worstT < 1e-12 && worstP < 1e-12, `T ${worstT}, P ${worstP}`);
});

Deno.test("xsmatrixJvp() with K = 3 tangents matches central finite differences within 1e-5 (3 prior draws)", () => {
  const K = 3;
  let worst = 0;
  for (const { t, a, b } of draws(2, 3, K)) {
    const { tT, tP } = tangents(t, a, b, K);
    const { dout: dxs } = ad.xsmatrixJvp(t, P, tT, tP);
    for (let k = 0; k < K; k++) {
      const fd = fdDirection(t, a, b, k);
      const e = normRel(dxs.subarray(k * NL * N, (k + 1) * NL * N), fd);
      worst = Math.max(worst, e);
    }
  }
  // measured: 5.6e-9
  assert(worst < 1e-5, `JVP vs FD: ${worst}`);
});

Deno.test("xsmatrixJvp() with K = 1 (T only, P only, both) matches central finite differences within 1e-5", () => {
  const { t, a, b } = draws(3, 1, 1)[0]!;
  const zero = new Float64Array(NL);
  let worst = 0;
  for (const [ua, ub] of [[a, zero], [zero, b], [a, b]] as const) {
    const { tT, tP } = tangents(t, ua, ub, 1);
    const fd = fdDirection(t, ua, ub, 0);
    const { dout: dxs } = ad.xsmatrixJvp(
      t,
      P,
      ua === zero ? null : tT,
      ub === zero ? null : tP,
    );
    worst = Math.max(worst, normRel(dxs, fd));
  }
  // measured: 4.8e-9
  assert(worst < 1e-5, `JVP (K = 1) vs FD: ${worst}`);
});

Deno.test("xsmatrixVjp() matches per-layer central finite differences of ⟨w, σ⟩ within 1e-5 (3 prior draws)", () => {
  let worstT = 0;
  let worstP = 0;
  for (const { t, w } of draws(4, 3, 1)) {
    const [tBar, pBar] = ad.xsmatrixVjp(t, P, w);
    const fdT = new Float64Array(NL);
    const fdP = new Float64Array(NL);
    const gP = new Float64Array(NL);
    for (let l = 0; l < NL; l++) {
      const wl = w.subarray(l * N, (l + 1) * N);
      const h = HT * t[l]!;
      fdT[l] = (dot(wl, opa.xsvector(t[l]! + h, P[l]!)) -
        dot(wl, opa.xsvector(t[l]! - h, P[l]!))) / (2 * h);
      // d/d ln P = P ∂/∂P
      fdP[l] = (dot(wl, opa.xsvector(t[l]!, P[l]! * Math.exp(HP))) -
        dot(wl, opa.xsvector(t[l]!, P[l]! * Math.exp(-HP)))) / (2 * HP);
      gP[l] = pBar[l]! * P[l]!;
    }
    worstT = Math.max(worstT, normRel(tBar, fdT));
    worstP = Math.max(worstP, normRel(gP, fdP));
  }
  // measured: T 5.1e-9, ln P 1.0e-8
  assert(worstT < 1e-5, `VJP (T) vs FD: ${worstT}`);
  assert(worstP < 1e-5, `VJP (P) vs FD: ${worstP}`);
});

Deno.test("xsmatrixJvp() and xsmatrixVjp() satisfy ⟨w, J v⟩ = ⟨Jᵀ w, v⟩ within 1e-10 (K = 1, K = 3, pullback)", () => {
  const K = 3;
  let worst = 0;
  for (const { t, a, b, w } of draws(5, 2, K)) {
    const { tT, tP } = tangents(t, a, b, K);
    const [vjT, vjP] = ad.xsmatrixVjp(t, P, w);
    const [pbT, pbP] = ad.xsmatrixWithVjp(t, P).pullback(w);
    const { dout: dxs } = ad.xsmatrixJvp(t, P, tT, tP);
    for (let k = 0; k < K; k++) {
      const tk = tT.subarray(k * NL, (k + 1) * NL);
      const pk = tP.subarray(k * NL, (k + 1) * NL);
      const lhs = dot(w, dxs.subarray(k * NL * N, (k + 1) * NL * N));
      const lhs1 = dot(w, ad.xsmatrixJvp(t, P, tk, pk).dout);
      const rhs = dot(vjT, tk) + dot(vjP, pk);
      const rhs2 = dot(pbT!, tk) + dot(pbP!, pk);
      for (const [x, y] of [[lhs, rhs], [lhs1, rhs], [lhs, rhs2]]) {
        worst = Math.max(worst, Math.abs(x! - y!) / Math.abs(y!));
      }
    }
  }
  // measured: 2.9e-14
  assert(worst < 1e-10, `dot-product test: ${worst}`);
});

Deno.test("xsmatrixPartials() matches finite differences at 30–3000 bar (wrap-around series and its closed-form fallback)", () => {
  // γ/N from ≈ 0.1 (series) to > 0.25 (exact transform of the closed form).
  const t = new Float64Array([600.5, 900.5, 1200.5, 1450.5]);
  const p = new Float64Array([30, 150, 600, 3000]);
  const { xs, dxsdT, dxsdP } = ad.xsmatrixPartials(t, p);
  const ref = opa.xsmatrix(t, p);
  const fdT = opa.xsmatrix(t.map((v) => v * (1 + HT)), p);
  const fm = opa.xsmatrix(t.map((v) => v * (1 - HT)), p);
  const pp = opa.xsmatrix(t, p.map((v) => v * Math.exp(HP)));
  const pm = opa.xsmatrix(t, p.map((v) => v * Math.exp(-HP)));
  const gT = new Float64Array(4 * N);
  const gP = new Float64Array(4 * N);
  for (let i = 0; i < 4 * N; i++) {
    const l = Math.floor(i / N);
    fdT[i] = (fdT[i]! - fm[i]!) / (2 * HT);
    pp[i] = (pp[i]! - pm[i]!) / (2 * HP);
    gT[i] = dxsdT[i]! * t[l]!;
    gP[i] = dxsdP[i]! * p[l]!;
  }
  const eX = normRel(xs, ref);
  const eT = normRel(gT, fdT);
  const eP = normRel(gP, pp);
  // measured: 1.3e-16, 4.9e-9, 1.1e-9
  assert(eX < 1e-12, `primal ${eX}`);
  assert(eT < 1e-5, `T ${eT}`);
  assert(eP < 1e-5, `P ${eP}`);
});

Deno.test("xsmatrixPartials() uses the right-hand slope of Q(T) at a partition-function node", () => {
  const p = new Float64Array([1]);
  const t0 = 1000; // a node of the 1 K .pf table
  const { dxsdT } = ad.xsmatrixPartials(new Float64Array([t0]), p);
  const h = 1e-4;
  const f0 = opa.xsvector(t0, 1);
  const fr = opa.xsvector(t0 + h, 1).map((v, i) => (v - f0[i]!) / h);
  const fl = opa.xsvector(t0 - h, 1).map((v, i) => (f0[i]! - v) / h);
  const eR = normRel(dxsdT, fr);
  const eL = normRel(dxsdT, fl);
  // measured: right 5.9e-8, left 9.5e-5 (the jump of the .pf slope at the node)
  assert(eR < 1e-6, `right-hand FD: ${eR}`);
  assert(eL > 10 * eR, `left-hand FD ${eL} should differ (kink), right ${eR}`);
});

Deno.test("xsmatrixJvp() returns K = 0 tangents for null and handles layers with zero tangents", () => {
  const t = new Float64Array([700.5, 1300.5]);
  const p = new Float64Array([0.01, 3]);
  const r0 = ad.xsmatrixJvp(t, p, null, null);
  assert(r0.dout.length === 0 && r0.out.length === 2 * N);
  const { dxsdT, dxsdP } = ad.xsmatrixPartials(t, p);
  // K = 2: direction 0 = d/dT of layer 1 only, direction 1 = 2·d/dP of layer 0 only
  const { dout: dxs } = ad.xsmatrixJvp(
    t,
    p,
    new Float64Array([0, 1, 0, 0]),
    new Float64Array([0, 0, 2, 0]),
  );
  for (let i = 0; i < N; i++) {
    assert(dxs[i] === 0);
    assert(dxs[N + i] === dxsdT[N + i]);
    assert(dxs[2 * N + i] === 2 * dxsdP[i]!);
    assert(dxs[3 * N + i] === 0);
  }
});

Deno.test("createPremoditAd() and its rules reject wrong shapes (TypeError) and bad values (RangeError)", () => {
  const t = new Float64Array([1000]);
  const p = new Float64Array([1]);
  assertThrows(
    () => createPremoditAd({} as never),
    TypeError,
    "createOpaPremodit",
  );
  assertThrows(
    () => ad.xsmatrixPartials(t, new Float64Array(2)),
    TypeError,
    "pBar",
  );
  assertThrows(
    () =>
      ad.xsmatrixJvp(
        new Float64Array(2).fill(1000),
        new Float64Array(2).fill(1),
        new Float64Array(3),
        null,
      ),
    TypeError,
    "tT",
  );
  assertThrows(
    () => ad.xsmatrixJvp(t, p, new Float64Array(2), new Float64Array(3)),
    TypeError,
    "same number",
  );
  assertThrows(
    () => ad.xsmatrixVjp(t, p, new Float64Array(N - 1)),
    TypeError,
    "ct",
  );
  assertThrows(
    () => ad.xsmatrixWithVjp(t, p).pullback(new Float64Array(1)),
    TypeError,
    "ct",
  );
  assertThrows(
    () => ad.xsmatrixPartials(new Float64Array([400]), p),
    RangeError,
    "outside",
  );
  assertThrows(
    () => ad.xsmatrixJvp(t, new Float64Array([0]), null, null),
    RangeError,
    "pBar",
  );
  assertThrows(
    () => ad.xsmatrixVjp(new Float64Array([NaN]), p, new Float64Array(N)),
    RangeError,
    "t",
  );
});

Deno.test("xsmatrix rules on a calculator built with the WASM SIMD FFT plan equal the TypeScript-plan rules within 1e-12", async () => {
  const be = await createWasmBackend();
  try {
    const opaW = createOpaPremodit(co, nu, {
      autoTrange: [500, 1500],
      rfftPlan: (n) => createWasmRfftPlan(be, n),
    });
    const adW = createPremoditAd(opaW);
    const [d] = draws(31, 1, 1);
    const { t, a, b, w } = d!;
    const pj = ad.xsmatrixJvp(t, P, a, b);
    const wj = adW.xsmatrixJvp(t, P, a, b);
    const [pvT, pvP] = ad.xsmatrixVjp(t, P, w);
    const [wvT, wvP] = adW.xsmatrixVjp(t, P, w);
    const errs = [
      normRel(wj.out, pj.out),
      normRel(wj.dout, pj.dout),
      normRel(wvT, pvT),
      normRel(wvP, pvP),
    ];
    assert(
      errs.every((e) => e <= 1e-12),
      `WASM vs TS plan relative errors ${errs.map((e) => e.toExponential(2))}`,
    );
  } finally {
    be.destroy();
  }
});
