import { assert, assertEquals, assertThrows } from "../_util.ts";
import {
  opacityProfileCia,
  opacityProfileXs,
} from "../../src/rt/opacity_profile.ts";
import {
  opacityProfileCiaJvp,
  opacityProfileCiaWithVjp,
  opacityProfileXsJvp,
  opacityProfileXsWithVjp,
} from "../../src/rt/opacity_profile_ad.ts";
import { powerlawTemperature } from "../../src/rt/temperature.ts";
import { OPACITY_FACTOR } from "../../src/constants.ts";
import {
  dot,
  DP,
  L,
  P,
  relDiff,
  relGap,
  rng,
  uniformArray,
} from "./_ad_helpers.ts";

const N = 150;
const MOLMASS = 28.0101;

/** Cross sections [cm²] spanning 1e-27..1e-20 (line cores), with a few tiny negative FFT residuals. */
function crossSections(r: () => number, n = L * N): Float64Array {
  const xs = new Float64Array(n);
  const ph = 6 * r();
  for (let q = 0; q < n; q++) {
    const j = q % N;
    const i = Math.floor(q / N);
    const lg = -23.5 + 3.5 * Math.sin(0.21 * j + ph + 0.01 * i) +
      0.3 * (r() - 0.5);
    xs[q] = 10 ** lg;
    if (r() < 0.03) xs[q] = -1e-30 * (1 + r());
  }
  return xs;
}

/** Tangent direction scaled by |x| (so x ± h v keeps its sign). */
function scaledDirection(r: () => number, x: Float64Array): Float64Array {
  return x.map((v) => Math.abs(v) * (2 * r() - 1));
}

function logg(r: () => number): number {
  return 10 ** (4 + r());
}

Deno.test("opacityProfileXsJvp() matches central differences within 1e-5 (matrix and vector xs, scalar and per-layer mmr/g)", () => {
  const r = rng(11);
  let worst = 0;
  for (let s = 0; s < 8; s++) {
    const vector = s % 4 === 3;
    const xs = crossSections(r, vector ? N : L * N);
    const perLayer = s % 2 === 1;
    const m0 = 0.001 + 0.014 * r();
    const g0 = logg(r);
    const mmr = perLayer ? uniformArray(r, L, 0.5 * m0, m0) : m0;
    const g = perLayer ? uniformArray(r, L, 0.9 * g0, g0) : g0;
    const nm = perLayer ? L : 1;
    const K = 4;
    const txs = new Float64Array(K * xs.length);
    const tm = new Float64Array(K * nm);
    const tg = new Float64Array(K * nm);
    // directions: xs only, mmr only, g only, all together
    for (let q = 0; q < K; q++) {
      if (q === 0 || q === 3) txs.set(scaledDirection(r, xs), q * xs.length);
      if (q === 1 || q === 3) {
        for (let i = 0; i < nm; i++) tm[q * nm + i] = m0 * (2 * r() - 1);
      }
      if (q === 2 || q === 3) {
        for (let i = 0; i < nm; i++) tg[q * nm + i] = g0 * (2 * r() - 1);
      }
    }
    const { out, dout } = opacityProfileXsJvp(xs, mmr, MOLMASS, g, DP, N, {
      k: K,
      xsmatrix: txs,
      mmr: tm,
      gravity: tg,
    });
    assertEquals(out, opacityProfileXs(xs, mmr, MOLMASS, g, DP, N));
    const h = 1e-6;
    for (let q = 0; q < K; q++) {
      const at = (sg: number) => {
        const x = xs.map((v, i) => v + sg * h * txs[q * xs.length + i]!);
        const m = typeof mmr === "number"
          ? mmr + sg * h * tm[q]!
          : mmr.map((v, i) => v + sg * h * tm[q * L + i]!);
        const gg = typeof g === "number"
          ? g + sg * h * tg[q]!
          : g.map((v, i) => v + sg * h * tg[q * L + i]!);
        return opacityProfileXs(x, m, MOLMASS, gg, DP, N);
      };
      const plus = at(1);
      const minus = at(-1);
      const fd = plus.map((v, i) => (v - minus[i]!) / (2 * h));
      worst = Math.max(
        worst,
        relDiff(dout.subarray(q * L * N, (q + 1) * L * N), fd),
      );
    }
  }
  console.log(`opacityProfileXsJvp FD max rel err ${worst.toExponential(2)}`);
  assert(worst <= 1e-5, `rel err ${worst} > 1e-5`);
});

Deno.test("opacityProfileXsWithVjp() matches the JVP (dot test 1e-10) and central differences", () => {
  const r = rng(12);
  let worstDot = 0;
  let worstFd = 0;
  for (let s = 0; s < 8; s++) {
    const vector = s % 4 === 3;
    const xs = crossSections(r, vector ? N : L * N);
    const perLayer = s % 2 === 1;
    const m0 = 0.001 + 0.014 * r();
    const g0 = logg(r);
    const mmr = perLayer ? uniformArray(r, L, 0.5 * m0, m0) : m0;
    const g = perLayer ? uniformArray(r, L, 0.9 * g0, g0) : g0;
    const nm = perLayer ? L : 1;
    const vx = scaledDirection(r, xs);
    const vm = uniformArray(r, nm).map((v) => v * m0);
    const vg = uniformArray(r, nm).map((v) => v * g0);
    const w = uniformArray(r, L * N);
    const { out, pullback } = opacityProfileXsWithVjp(
      xs,
      mmr,
      MOLMASS,
      g,
      DP,
      N,
    );
    assertEquals(out, opacityProfileXs(xs, mmr, MOLMASS, g, DP, N));
    const ct = pullback(w);
    assertEquals(ct.length, 3);
    const [xsBar, mmrBar, gBar] = ct;
    assertEquals(xsBar!.length, xs.length);
    // a scalar mmr / gravity gets a length-1 cotangent, a profile one of length L
    assertEquals([mmrBar!.length, gBar!.length], [nm, nm]);
    const rhs = dot(xsBar!, vx) + dot(mmrBar!, vm) + dot(gBar!, vg);
    const jv = opacityProfileXsJvp(xs, mmr, MOLMASS, g, DP, N, {
      k: 1,
      xsmatrix: vx,
      mmr: vm,
      gravity: vg,
    }).dout;
    const lhs = dot(w, jv);
    worstDot = Math.max(worstDot, relGap(lhs, rhs));
    const h = 1e-6;
    const at = (sg: number) =>
      opacityProfileXs(
        xs.map((v, i) => v + sg * h * vx[i]!),
        typeof mmr === "number"
          ? mmr + sg * h * vm[0]!
          : mmr.map((v, i) => v + sg * h * vm[i]!),
        MOLMASS,
        typeof g === "number"
          ? g + sg * h * vg[0]!
          : g.map((v, i) => v + sg * h * vg[i]!),
        DP,
        N,
      );
    const fd = (dot(w, at(1)) - dot(w, at(-1))) / (2 * h);
    worstFd = Math.max(worstFd, relGap(rhs, fd));
  }
  console.log(
    `opacityProfileXsWithVjp dot test ${worstDot.toExponential(2)}, FD ${
      worstFd.toExponential(2)
    }`,
  );
  assert(worstDot <= 1e-10, `dot rel err ${worstDot} > 1e-10`);
  assert(worstFd <= 1e-5, `FD rel err ${worstFd} > 1e-5`);
});

Deno.test("opacityProfileXs rules: d|sigma|/dsigma = +1 at sigma = 0, -1 below; mmr = 0 has the one-sided derivative", () => {
  const xs = new Float64Array([0, -2e-22, 3e-22]);
  const dp = new Float64Array([0.1]);
  const c = (OPACITY_FACTOR * 0.1 * 0.01) / (28 * 1e5);
  const { dout } = opacityProfileXsJvp(xs, 0.01, 28, 1e5, dp, 3, {
    k: 1,
    xsmatrix: new Float64Array([1, 1, 1]),
  });
  const near = (a: ArrayLike<number>, b: number[]) =>
    b.forEach((x, j) =>
      assert(Math.abs(a[j]! - x) <= 1e-15 * Math.abs(x), `${a[j]} vs ${x}`)
    );
  near(dout, [c, -c, c]);
  const g = opacityProfileXsWithVjp(xs, 0.01, 28, 1e5, dp, 3).pullback(
    new Float64Array([1, 1, 1]),
  );
  near(g[0]!, [c, -c, c]);
  // mmr = 0: derivative w.r.t. mmr equals the forward difference from 0
  const t2 = opacityProfileXsJvp(xs, 0, 28, 1e5, dp, 3, {
    k: 1,
    mmr: new Float64Array([1]),
  }).dout;
  const f1 = opacityProfileXs(xs, 1e-3, 28, 1e5, dp, 3);
  for (let j = 0; j < 3; j++) {
    assert(Math.abs(t2[j]! - f1[j]! / 1e-3) <= 1e-15 * Math.abs(f1[j]! / 1e-3));
  }
  assertThrows(
    () =>
      opacityProfileXsJvp(xs, 0.01, 28, 1e5, dp, 3, {
        k: 1,
        gravity: new Float64Array(2),
      }),
    TypeError,
    "gravity",
  );
  assertThrows(
    () =>
      opacityProfileXsWithVjp(xs, 0.01, 28, 1e5, dp, 3).pullback(
        new Float64Array(2),
      ),
    TypeError,
    "cotangent",
  );
});

/** A CIA problem on tutorial-like layers: log a ∈ [-46.5, -44], T from the priors, one −∞ entry. */
function ciaProblem(r: () => number) {
  const la = new Float64Array(L * N);
  const ph = 6 * r();
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < N; j++) {
      la[i * N + j] = -45.2 + 1.2 * Math.sin(0.03 * j + ph + 0.02 * i) +
        0.05 * r();
    }
  }
  la[7 * N + 3] = -Infinity;
  const t = powerlawTemperature(
    P,
    1000 + 500 * r(),
    0.05 + 0.15 * r(),
    [500, 1500],
  );
  return { la, t, g: logg(r) };
}

Deno.test("opacityProfileCiaJvp() matches central differences within 1e-5", () => {
  const r = rng(21);
  let worst = 0;
  for (let s = 0; s < 6; s++) {
    const { la, t, g: g0 } = ciaProblem(r);
    const perLayer = s % 2 === 1;
    const g = perLayer ? uniformArray(r, L, 0.9 * g0, g0) : g0;
    const ng = perLayer ? L : 1;
    const K = 4;
    const ta = new Float64Array(K * L * N);
    const tT = new Float64Array(K * L);
    const tg = new Float64Array(K * ng);
    for (let q = 0; q < K; q++) {
      if (q === 0 || q === 3) {
        for (let x = 0; x < L * N; x++) ta[q * L * N + x] = 2 * r() - 1;
      }
      if (q === 1 || q === 3) {
        for (let i = 0; i < L; i++) tT[q * L + i] = 100 * (2 * r() - 1);
      }
      if (q === 2 || q === 3) {
        for (let i = 0; i < ng; i++) tg[q * ng + i] = g0 * (2 * r() - 1);
      }
    }
    const args = [P, DP, 0.855, 0.855, 2.33] as const;
    const { out, dout } = opacityProfileCiaJvp(
      la,
      t,
      ...args,
      g,
      { k: K, logacia: ta, temperature: tT, gravity: tg },
    );
    assertEquals(out, opacityProfileCia(la, t, ...args, g));
    assert(dout.every(Number.isFinite));
    const h = 1e-6;
    for (let q = 0; q < K; q++) {
      const at = (sg: number) =>
        opacityProfileCia(
          la.map((v, x) => v + sg * h * ta[q * L * N + x]!),
          t.map((v, i) => v + sg * h * tT[q * L + i]!),
          ...args,
          typeof g === "number"
            ? g + sg * h * tg[q]!
            : g.map((v, i) => v + sg * h * tg[q * L + i]!),
        );
      const plus = at(1);
      const minus = at(-1);
      const fd = plus.map((v, x) => (v - minus[x]!) / (2 * h));
      worst = Math.max(
        worst,
        relDiff(dout.subarray(q * L * N, (q + 1) * L * N), fd),
      );
    }
  }
  console.log(`opacityProfileCiaJvp FD max rel err ${worst.toExponential(2)}`);
  assert(worst <= 1e-5, `rel err ${worst} > 1e-5`);
});

Deno.test("opacityProfileCiaWithVjp() matches the JVP (dot test 1e-10) and central differences", () => {
  const r = rng(22);
  let worstDot = 0;
  let worstFd = 0;
  for (let s = 0; s < 6; s++) {
    const { la, t, g: g0 } = ciaProblem(r);
    const perLayer = s % 2 === 1;
    const g = perLayer ? uniformArray(r, L, 0.9 * g0, g0) : g0;
    const ng = perLayer ? L : 1;
    const args = [P, DP, 0.855, 0.855, 2.33] as const;
    const va = uniformArray(r, L * N);
    const vT = uniformArray(r, L).map((v) => 100 * v);
    const vg = uniformArray(r, ng).map((v) => g0 * v);
    const w = uniformArray(r, L * N);
    const { out, pullback } = opacityProfileCiaWithVjp(la, t, ...args, g);
    assertEquals(out, opacityProfileCia(la, t, ...args, g));
    const ct = pullback(w);
    assertEquals(ct.length, 3);
    const [laBar, tBar, gBar] = ct;
    assert(laBar![7 * N + 3] === 0, "no cotangent through log a = -inf");
    assertEquals([laBar!.length, tBar!.length, gBar!.length], [L * N, L, ng]);
    const rhs = dot(laBar!, va) + dot(tBar!, vT) + dot(gBar!, vg);
    const jv = opacityProfileCiaJvp(la, t, ...args, g, {
      k: 1,
      logacia: va,
      temperature: vT,
      gravity: vg,
    }).dout;
    const lhs = dot(w, jv);
    worstDot = Math.max(worstDot, relGap(lhs, rhs));
    const h = 1e-6;
    const at = (sg: number) =>
      opacityProfileCia(
        la.map((v, x) => v + sg * h * va[x]!),
        t.map((v, i) => v + sg * h * vT[i]!),
        ...args,
        typeof g === "number"
          ? g + sg * h * vg[0]!
          : g.map((v, i) => v + sg * h * vg[i]!),
      );
    const fd = (dot(w, at(1)) - dot(w, at(-1))) / (2 * h);
    worstFd = Math.max(worstFd, relGap(rhs, fd));
  }
  console.log(
    `opacityProfileCiaWithVjp dot test ${worstDot.toExponential(2)}, FD ${
      worstFd.toExponential(2)
    }`,
  );
  assert(worstDot <= 1e-10, `dot rel err ${worstDot} > 1e-10`);
  assert(worstFd <= 1e-5, `FD rel err ${worstFd} > 1e-5`);
});

Deno.test("opacityProfileCia rules: dtau ∝ 10^loga / (T g) exactly, and bad tangents are rejected", () => {
  const la = new Float64Array([-45, -46]);
  const t = new Float64Array([1000]);
  const one = new Float64Array([1]);
  const args = [one, new Float64Array([0.1]), 0.8, 0.8, 2.33, 1e5] as const;
  const { out, dout } = opacityProfileCiaJvp(la, t, ...args, {
    k: 3,
    logacia: new Float64Array([1, 0, 0, 0, 0, 0]),
    temperature: new Float64Array([0, 1, 0]),
    gravity: new Float64Array([0, 0, 1]),
  });
  const close = (a: number, b: number) =>
    assert(Math.abs(a / b - 1) <= 1e-15, `${a} vs ${b}`);
  close(dout[0]!, Math.LN10 * out[0]!);
  assertEquals(dout[1], 0);
  close(dout[2]!, -out[0]! / 1000);
  close(dout[3]!, -out[1]! / 1000);
  close(dout[4]!, -out[0]! / 1e5);
  close(dout[5]!, -out[1]! / 1e5);
  assertThrows(
    () => opacityProfileCiaJvp(la, t, ...args, { k: 1, temperature: la }),
    TypeError,
    "temperature",
  );
  assertThrows(
    () =>
      opacityProfileCiaWithVjp(la, t, ...args).pullback(new Float64Array(1)),
    TypeError,
    "cotangent",
  );
});
