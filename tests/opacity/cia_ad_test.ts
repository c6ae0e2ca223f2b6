import { join } from "node:path";
import { assert, assertThrows, SHARED_DATA } from "../_util.ts";
import { wavenumberGrid } from "../../src/grid/wavenumber_grid.ts";
import { loadCia } from "../../src/db/cia.ts";
import { createOpaCia } from "../../src/opacity/cia.ts";
import { createCiaAd } from "../../src/opacity/cia_ad.ts";
import { key, split, uniform } from "../../src/random/mod.ts";

const table = await loadCia(join(SHARED_DATA, "CIA", "H2-H2_Borysow.cia"));
const nu = wavenumberGrid(22920, 23000, 3500, {
  unit: "AA",
  mode: "premodit",
}).nu;
const N = nu.length;
const opa = createOpaCia(table, nu);
const ad = createCiaAd(opa);
const NL = 100;
const P = Float64Array.from(
  { length: NL },
  (_, l) => 10 ** (-5 + 6 * (l + 0.5) / NL),
);
// FD step 1e-3 · T; log10 k is linear in T between table temperatures, so the FD is exact up to
// rounding as long as T ± h stays inside one interval: layers closer than 2h to a node are
// moved 3h away from it.
const H = 1e-3;
const NODES = Array.from(table.t);

function profile(t0: number, alpha: number): Float64Array {
  return Float64Array.from(P, (p) => {
    let t = Math.min(1499, Math.max(501, t0 * p ** alpha));
    for (const n of NODES) {
      if (Math.abs(t - n) < 2 * H * t) t = n + (t >= n ? 3 : -3) * H * t;
    }
    return t;
  });
}

function draws(seed: number, n: number, kdir: number) {
  return split(key(seed), n).map((k) => {
    const u = uniform(k, 2 + kdir * NL + NL * N);
    const t = profile(1000 + 500 * u[0]!, 0.05 + 0.15 * u[1]!);
    const v = Float64Array.from(
      { length: kdir * NL },
      (_, i) => (2 * u[2 + i]! - 1) * t[i % NL]!,
    );
    const w = Float64Array.from(
      { length: NL * N },
      (_, i) => 2 * u[2 + kdir * NL + i]! - 1,
    );
    return { t, v, w };
  });
}

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

Deno.test("logaciaMatrixJvp() with K = 3 tangents matches central finite differences within 1e-5 (3 prior draws)", () => {
  const K = 3;
  let worst = 0;
  for (const { t, v } of draws(11, 3, K)) {
    const { out: logacia, dout: dlogacia } = ad.logaciaMatrixJvp(t, v);
    assert(normRel(logacia, opa.logaciaMatrix(t)) === 0, "primal differs");
    for (let k = 0; k < K; k++) {
      const vk = v.subarray(k * NL, (k + 1) * NL);
      const fp = opa.logaciaMatrix(t.map((x, l) => x + H * vk[l]!));
      const fm = opa.logaciaMatrix(t.map((x, l) => x - H * vk[l]!));
      const fd = fp.map((x, i) => (x - fm[i]!) / (2 * H));
      worst = Math.max(
        worst,
        normRel(dlogacia.subarray(k * NL * N, (k + 1) * NL * N), fd),
      );
    }
  }
  // measured: 1.0e-11 (rounding; the interpolation is exactly linear)
  assert(worst < 1e-5, `JVP vs FD: ${worst}`);
});

Deno.test("logaciaMatrixVjp() matches per-layer finite differences within 1e-5 and ⟨w, J v⟩ = ⟨Jᵀ w, v⟩ within 1e-10", () => {
  let worstFd = 0;
  let worstDot = 0;
  for (const { t, v, w } of draws(12, 3, 1)) {
    const [tBar] = ad.logaciaMatrixVjp(t, w);
    const fd = new Float64Array(NL);
    for (let l = 0; l < NL; l++) {
      const h = H * t[l]!;
      const wl = w.subarray(l * N, (l + 1) * N);
      fd[l] = (dot(wl, opa.logaciaVector(t[l]! + h)) -
        dot(wl, opa.logaciaVector(t[l]! - h))) / (2 * h);
    }
    worstFd = Math.max(worstFd, normRel(tBar, fd));
    const lhs = dot(w, ad.logaciaMatrixJvp(t, v).dout);
    const rhs = dot(tBar, v);
    const [tBar2] = ad.logaciaMatrixWithVjp(t).pullback(w);
    assert(tBar2 instanceof Float64Array, "pullback gives [tBar]");
    const rhs2 = dot(tBar2, v);
    worstDot = Math.max(
      worstDot,
      Math.abs(lhs - rhs) / Math.abs(rhs),
      Math.abs(lhs - rhs2) / Math.abs(rhs),
    );
  }
  // measured: FD 1.8e-10, dot 4.1e-14
  assert(worstFd < 1e-5, `VJP vs FD: ${worstFd}`);
  assert(worstDot < 1e-10, `dot-product test: ${worstDot}`);
});

Deno.test("logaciaMatrixPartials() uses the right-hand slope at interior table nodes and the left-hand one at tmax", () => {
  const nT = NODES.length;
  const slopeOf = (j: number): Float64Array => {
    const a = opa.logaciaVector(NODES[j]!);
    const b = opa.logaciaVector(NODES[j + 1]!);
    return a.map((x, i) => (b[i]! - x) / (NODES[j + 1]! - NODES[j]!));
  };
  const j = NODES.indexOf(1000);
  assert(j > 0 && j < nT - 1, "1000 K is an interior node");
  const { dlogaciadT } = ad.logaciaMatrixPartials(
    new Float64Array([1000, NODES[nT - 1]!, NODES[0]!]),
  );
  const right = slopeOf(j);
  const left = slopeOf(j - 1);
  const row = (l: number) => dlogaciadT.subarray(l * N, (l + 1) * N);
  assert(normRel(row(0), right) < 1e-14, "right-hand slope at 1000 K");
  assert(normRel(row(0), left) > 1e-2, "left and right slopes differ");
  // one-sided FD from the right agrees (measured 4.5e-12); left and right slopes differ by 25 %
  const h = 1; // exact: linear on [1000, 2000] K
  const f0 = opa.logaciaVector(1000);
  const fr = opa.logaciaVector(1000 + h).map((x, i) => (x - f0[i]!) / h);
  assert(normRel(row(0), fr) < 1e-8, "right-hand FD at 1000 K");
  assert(normRel(row(1), slopeOf(nT - 2)) < 1e-14, "left-hand slope at tmax");
  assert(normRel(row(2), slopeOf(0)) < 1e-14, "right-hand slope at tmin");
});

Deno.test("logaciaMatrixPartials() is zero outside the table with clampTemperature, and follows the linear ν mode", () => {
  const clamped = createCiaAd(
    createOpaCia(table, nu, { clampTemperature: true }),
  );
  const tmax = NODES[NODES.length - 1]!;
  const { logacia, dlogaciadT } = clamped.logaciaMatrixPartials(
    new Float64Array([tmax + 100, NODES[0]! / 2]),
  );
  assert(dlogaciadT.every((x) => x === 0), "clamped derivative is 0");
  assert(logacia.length === 2 * N);
  const lin = createCiaAd(
    createOpaCia(table, new Float64Array([4300.3, 4350.7, 4410.1]), {
      nuInterpolation: "linear",
    }),
  );
  const t = new Float64Array([1234.5]);
  const { dlogaciadT: d } = lin.logaciaMatrixPartials(t);
  const fp = lin.opa.logaciaMatrix(new Float64Array([1234.5 + 1]));
  const fm = lin.opa.logaciaMatrix(new Float64Array([1234.5 - 1]));
  const fd = fp.map((x, i) => (x - fm[i]!) / 2);
  const e = normRel(d, fd);
  // measured: 5.8e-12
  assert(e < 1e-10, `linear ν mode vs FD: ${e}`);
});

Deno.test("createCiaAd() rules handle null tangents and reject wrong shapes (TypeError) and bad T (RangeError)", () => {
  const t = new Float64Array([1000.5, 1200.5]);
  const r = ad.logaciaMatrixJvp(t, null);
  assert(r.dout.length === 0 && r.out.length === 2 * N);
  assertThrows(() => createCiaAd({} as never), TypeError, "createOpaCia");
  assertThrows(
    () => ad.logaciaMatrixJvp(t, new Float64Array(3)),
    TypeError,
    "tT",
  );
  assertThrows(
    () => ad.logaciaMatrixVjp(t, new Float64Array(N)),
    TypeError,
    "ct",
  );
  assertThrows(
    () => ad.logaciaMatrixWithVjp(t).pullback(new Float64Array(1)),
    TypeError,
    "ct",
  );
  assertThrows(() => ad.logaciaMatrixPartials([1000] as never), TypeError, "t");
  assertThrows(
    () => ad.logaciaMatrixVjp(new Float64Array([1e5]), new Float64Array(N)),
    RangeError,
    "outside",
  );
  assertThrows(
    () => ad.logaciaMatrixJvp(new Float64Array([NaN]), null),
    RangeError,
  );
});
