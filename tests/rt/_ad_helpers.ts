// Shared set-up for the tests/rt/*_ad_test.ts derivative tests (not published).
import { assert, assertEquals, maxRelErr } from "../_util.ts";
import type {
  EmissionJacobian,
  EmissionTangents,
} from "../../src/rt/emission_ibased_ad.ts";
import type { StageJvp, StageVjp } from "../../src/ad/first_order.ts";
import { planckPi } from "../../src/rt/planck.ts";
import { powerlawTemperature } from "../../src/rt/temperature.ts";
import { pressureLayers } from "../../src/rt/pressure_layers.ts";
import { wavenumberGrid } from "../../src/grid/wavenumber_grid.ts";
import { C2 } from "../../src/constants.ts";

/** Tutorial layers: 100 log-spaced pressures in [1e-5, 10] bar. */
export const L = 100;
export const { pressure: P, dParr: DP } = pressureLayers(1e-5, 10, L);
/** The tutorial grid: 22920–23000 Å, 3500 points. */
export const NU_FULL: Float64Array = wavenumberGrid(22920, 23000, 3500, {
  unit: "AA",
  mode: "premodit",
}).nu;
/** Every 25th point of the tutorial grid (140 points) for the finite-difference tests. */
export const NU: Float64Array = NU_FULL.filter((_, j) => j % 25 === 0);

/** mulberry32: deterministic uniform [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** ‖a − b‖₂ / ‖b‖₂. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i]! - b[i]!;
  return norm(d) / norm(b);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** |a − b| / max(|a|, |b|). */
export function relGap(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** n uniform draws in [lo, hi). */
export function uniformArray(
  r: () => number,
  n: number,
  lo = -1,
  hi = 1,
): Float64Array {
  return new Float64Array(n).map(() => lo + (hi - lo) * r());
}

/**
 * Tutorial-like atmosphere: log10 dτ_ij = −6 + 7·i/(L−1) + a smooth random field in (i, j),
 * clipped to [1e-6, 10] per layer (optically thick at the bottom); T from the priors.
 */
export function atmosphere(
  r: () => number,
  nu: Float64Array,
): { dtau: Float64Array; t: Float64Array } {
  const n = nu.length;
  const dtau = new Float64Array(L * n);
  const modes = Array.from({ length: 4 }, () => ({
    a: 0.3 + 0.7 * r(),
    kj: 0.002 + 0.2 * r(),
    ki: 0.1 * r(),
    ph: 6.3 * r(),
  }));
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < n; j++) {
      let lg = -6 + (7 * i) / (L - 1);
      for (const m of modes) lg += m.a * Math.sin(m.kj * j + m.ki * i + m.ph);
      dtau[i * n + j] = 10 ** Math.min(1, Math.max(-6, lg));
    }
  }
  const t = powerlawTemperature(
    P,
    1000 + 500 * r(),
    0.05 + 0.15 * r(),
    [500, 1500],
  );
  return { dtau, t };
}

/** K random directions: dτ relative (ḋτ = dτ·u, u ∈ [−1, 1]), T in K (|Ṫ| ≤ 100 K). */
export function directions(
  r: () => number,
  dtau: Float64Array,
  k: number,
): { tdt: Float64Array; tT: Float64Array } {
  const tdt = new Float64Array(k * dtau.length);
  const tT = new Float64Array(k * L);
  for (let q = 0; q < k; q++) {
    const useTau = q % 3 !== 1;
    const useT = q % 3 !== 0;
    if (useTau) {
      for (let x = 0; x < dtau.length; x++) {
        tdt[q * dtau.length + x] = dtau[x]! * (2 * r() - 1);
      }
    }
    if (useT) {
      for (let i = 0; i < L; i++) tT[q * L + i] = 100 * (2 * r() - 1);
    }
  }
  return { tdt, tT };
}

/** An emission solver (forward + derivatives) with every other argument bound. */
export interface EmissionSolver {
  /** Prefix of the log lines, e.g. "emissionIbased". */
  name: string;
  forward(dtau: Float64Array, t: Float64Array, nu: Float64Array): Float64Array;
  jvp(
    dtau: Float64Array,
    t: Float64Array,
    nu: Float64Array,
    tangents: EmissionTangents,
  ): StageJvp;
  withVjp(
    dtau: Float64Array,
    t: Float64Array,
    nu: Float64Array,
  ): StageVjp;
  jacobian(
    dtau: Float64Array,
    t: Float64Array,
    nu: Float64Array,
  ): EmissionJacobian;
}

/** Central difference of the flux along (vdt, vT) with step h. */
export function fdFlux(
  solver: EmissionSolver,
  dtau: Float64Array,
  t: Float64Array,
  nu: Float64Array,
  vdt: Float64Array,
  vT: Float64Array,
  h: number,
): Float64Array {
  const at = (sg: number) =>
    solver.forward(
      dtau.map((v, x) => v + sg * h * vdt[x]!),
      t.map((v, i) => v + sg * h * vT[i]!),
      nu,
    );
  const plus = at(1);
  const minus = at(-1);
  return plus.map((v, j) => (v - minus[j]!) / (2 * h));
}

/** JVP (K = 7 batch, 4 tutorial-like atmospheres on NU) vs central differences, within 1e-5. */
export function checkEmissionJvpFd(solver: EmissionSolver, seed: number): void {
  const r = rng(seed);
  const K = 7;
  let worst = 0;
  for (let s = 0; s < 4; s++) {
    const { dtau, t } = atmosphere(r, NU);
    const { tdt, tT } = directions(r, dtau, K);
    const { out, dout } = solver.jvp(dtau, t, NU, {
      k: K,
      dtau: tdt,
      temperature: tT,
    });
    assertEquals(out, solver.forward(dtau, t, NU));
    const n = NU.length;
    for (let q = 0; q < K; q++) {
      const fd = fdFlux(
        solver,
        dtau,
        t,
        NU,
        tdt.subarray(q * L * n, (q + 1) * L * n),
        tT.subarray(q * L, (q + 1) * L),
        1e-5,
      );
      worst = Math.max(
        worst,
        relDiff(dout.subarray(q * n, (q + 1) * n), fd),
      );
    }
  }
  console.log(`${solver.name}Jvp FD max rel err ${worst.toExponential(2)}`);
  assert(worst <= 1e-5, `rel err ${worst} > 1e-5`);
}

/**
 * One VJP case on a fresh atmosphere: the dot-test gap ⟨w, J v⟩ vs ⟨Jᵀw, v⟩ and, if `fd`,
 * the gap between ⟨Jᵀw, v⟩ and the central difference of ⟨w, F⟩ (else 0).
 */
export function emissionVjpGaps(
  solver: EmissionSolver,
  r: () => number,
  nu: Float64Array,
  fd: boolean,
): { dot: number; fd: number } {
  const n = nu.length;
  const { dtau, t } = atmosphere(r, nu);
  const { tdt, tT } = directions(r, dtau, 3);
  const vdt = tdt.subarray(2 * L * n); // direction 2 moves both dτ and T
  const vT = tT.subarray(2 * L);
  const w = new Float64Array(n).map(() => 2 * r() - 1);
  const { out, pullback } = solver.withVjp(dtau, t, nu);
  assertEquals(out, solver.forward(dtau, t, nu));
  const [dtauBar, tBar] = pullback(w);
  const rhs = dot(dtauBar!, vdt) + dot(tBar!, vT);
  const jv = solver.jvp(dtau, t, nu, {
    k: 1,
    dtau: vdt,
    temperature: vT,
  }).dout;
  const gapDot = relGap(dot(w, jv), rhs);
  const gapFd = fd
    ? relGap(rhs, dot(w, fdFlux(solver, dtau, t, nu, vdt, vT, 1e-5)))
    : 0;
  return { dot: gapDot, fd: gapFd };
}

/** Logs and asserts the worst dot-test (1e-10) and FD (1e-5) gaps of a VJP test. */
export function reportVjpGaps(
  solver: EmissionSolver,
  worstDot: number,
  worstFd: number,
): void {
  console.log(
    `${solver.name}WithVjp dot test ${worstDot.toExponential(2)}, FD ${
      worstFd.toExponential(2)
    }`,
  );
  assert(worstDot <= 1e-10, `dot rel err ${worstDot} > 1e-10`);
  assert(worstFd <= 1e-5, `FD rel err ${worstFd} > 1e-5`);
}

/**
 * Thick isothermal atmospheres (T = 500, 1000, 1500 K): Σᵢ ∂F/∂Tᵢ = d(πB)/dT within 1e-10
 * and ∂F/∂dτ ≈ 0 (≤ 1e-12 πB); `extra(temp, nu, piB)` runs further checks per temperature.
 */
export function checkIsothermalVjp(
  solver: EmissionSolver,
  extra?: (temp: number, nu: Float64Array, piB: Float64Array) => void,
): void {
  const nu = NU_FULL.filter((_, j) => j % 500 === 0);
  const n = nu.length;
  let worst = 0;
  for (const temp of [500, 1000, 1500]) {
    const dtau = new Float64Array(L * n);
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < n; j++) {
        dtau[i * n + j] = (300 + 1000 * j) * DP[i]!;
      }
    }
    const t = new Float64Array(L).fill(temp);
    const { pullback } = solver.withVjp(dtau, t, nu);
    const piB = planckPi(nu, temp);
    for (let j = 0; j < n; j++) {
      const ct = new Float64Array(n);
      ct[j] = 1;
      const [dtauBar, tBar] = pullback(ct);
      let sum = 0;
      for (let i = 0; i < L; i++) sum += tBar![i]!;
      const x = (C2 * nu[j]!) / temp;
      const dB = piB[j]! * (x / temp) * Math.exp(x) / Math.expm1(x);
      worst = Math.max(worst, Math.abs(sum / dB - 1));
      // isothermal: thickening a layer changes nothing (up to the bottom leak e^{-τ/µ})
      for (let i = 0; i < L; i++) {
        assert(
          Math.abs(dtauBar![i * n + j]!) <= 1e-12 * piB[j]!,
          `dF/ddtau at layer ${i}: ${dtauBar![i * n + j]}`,
        );
      }
    }
    extra?.(temp, nu, piB);
  }
  console.log(
    `${solver.name} isothermal sum dF/dT_i vs dpiB/dT ${
      worst.toExponential(2)
    }`,
  );
  assert(worst <= 1e-10, `rel err ${worst}`);
}

/**
 * Jacobian columns equal unit JVPs (1e-12) on 20 points with an opaque layer 40, below which
 * all derivatives vanish; `edit(dtau, n)` may alter the atmosphere first.
 */
export function checkJacobianColumns(
  solver: EmissionSolver,
  seed: number,
  edit?: (dtau: Float64Array, n: number) => void,
): void {
  const r = rng(seed);
  const nu = NU.subarray(0, 20);
  const n = nu.length;
  const { dtau, t } = atmosphere(r, nu);
  for (let j = 0; j < n; j++) dtau[40 * n + j] = Infinity; // an opaque layer
  edit?.(dtau, n);
  const jac = solver.jacobian(dtau, t, nu);
  assertEquals(jac.flux, solver.forward(dtau, t, nu));
  // scales: the flux for ∂F/∂dτ (rounding noise of entries that vanish analytically is
  // ~1e-16·F), and the flux per 100 K for ∂F/∂T
  const scaleTau = Math.max(...jac.flux);
  const scaleT = scaleTau / 100;
  for (const i of [0, 10, 39, 40, 41, 99]) {
    const tdt = new Float64Array(L * n);
    tdt.fill(1, i * n, (i + 1) * n);
    const tT = new Float64Array(L);
    tT[i] = 1;
    const jv = solver.jvp(dtau, t, nu, {
      k: 2,
      dtau: new Float64Array([...tdt, ...new Float64Array(L * n)]),
      temperature: new Float64Array([...new Float64Array(L), ...tT]),
    }).dout;
    const colTau = jac.dFluxDdtau.subarray(i * n, (i + 1) * n);
    const colT = jac.dFluxDtemperature.subarray(i * n, (i + 1) * n);
    if (i >= 40) {
      assert(colTau.every((v) => v === 0), `dF/ddtau below opaque, layer ${i}`);
      assert(i === 40 || colT.every((v) => v === 0), `dF/dT layer ${i}`);
    }
    assert(
      maxRelErr(jv.subarray(0, n), colTau, scaleTau) <= 1e-12,
      `layer ${i}`,
    );
    assert(maxRelErr(jv.subarray(n), colT, scaleT) <= 1e-12, `layer ${i}`);
    assert(jv.every(Number.isFinite));
  }
}

/** A K = 2 JVP with no tangent arrays gives the forward and zero tangents; returns the inputs. */
export function checkNullTangents(
  solver: EmissionSolver,
  seed: number,
): { dtau: Float64Array; t: Float64Array } {
  const { dtau, t } = atmosphere(rng(seed), NU);
  const { out, dout } = solver.jvp(dtau, t, NU, { k: 2 });
  assertEquals(out, solver.forward(dtau, t, NU));
  assert(dout.length === 2 * NU.length && dout.every((v) => v === 0));
  return { dtau, t };
}
