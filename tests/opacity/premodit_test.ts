import {
  assertRelClose,
  assertThrowsWith,
  maxRelErr,
  SHARED_DATA,
} from "../_util.ts";
import { wavenumberGrid } from "../../src/grid/wavenumber_grid.ts";
import { loadExomol } from "../../src/db/exomol.ts";
import { createOpaDirect } from "../../src/opacity/direct.ts";
import { createOpaPremodit } from "../../src/opacity/premodit.ts";
import {
  lineStrengthScalar,
  partitionRatio,
} from "../../src/opacity/line_strength.ts";
import type { LineList } from "../../src/db/types.ts";
import { NonFiniteError } from "../../src/errors.ts";
import nodeAssert from "node:assert";

const grid = wavenumberGrid(22920, 23000, 3500, {
  unit: "AA",
  mode: "premodit",
});
const nu = grid.nu;
const N = nu.length;
const co = await loadExomol(`${SHARED_DATA}/CO/12C-16O/SAMPLE`, {
  nuRange: [nu[0]!, nu[N - 1]!],
});
const direct = createOpaDirect(co, nu);
const premodit = createOpaPremodit(co, nu, { autoTrange: [500, 1500] });

function trapz(y: ArrayLike<number>, x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) {
    s += 0.5 * (y[i]! + y[i - 1]!) * (x[i]! - x[i - 1]!);
  }
  return s;
}

function maxOf(a: Float64Array): number {
  let m = -Infinity;
  for (const v of a) m = Math.max(m, v);
  return m;
}

Deno.test("xsvector() band-integrated σ matches direct summation within 1e-3 (CO, 500–1500 K)", () => {
  let worst = 0;
  for (const t of [500, 1000, 1500]) {
    for (const p of [1e-5, 1e-2, 10]) {
      const a = trapz(premodit.xsvector(t, p), nu);
      const b = trapz(direct.xsvector(t, p), nu);
      assertRelClose(a, b, 1e-3, `T=${t} K, P=${p} bar:`);
      worst = Math.max(worst, Math.abs(a / b - 1));
    }
  }
  // measured: ≤ 4.7e-5 (the E″-grid interpolation, tolerance 1e-4)
  if (!(worst < 1e-4)) throw new Error(`band-integrated error ${worst}`);
});

Deno.test("xsvector() matches direct summation within 1 % at 10 bar where σ > 1e-3 max (CO)", () => {
  for (const t of [500, 1000, 1500]) {
    const a = premodit.xsvector(t, 10);
    const b = direct.xsvector(t, 10);
    const floor = 1e-3 * maxOf(b);
    let e = 0;
    for (let i = 0; i < N; i++) {
      if (b[i]! > floor) e = Math.max(e, Math.abs(a[i]! - b[i]!) / b[i]!);
    }
    // measured: ≤ 6.5e-4
    if (!(e <= 0.01)) {
      throw new Error(`T=${t} K: max relative error ${e} > 1 %`);
    }
  }
});

Deno.test("xsvector() with ditGridResolution 0.2 and diffmode 0/1 also stays within 1 % at 10 bar", () => {
  for (
    const opts of [
      { ditGridResolution: 0.2 },
      { diffmode: 0 as const },
      { diffmode: 1 as const },
      { broadeningResolution: { mode: "minmax" as const } },
    ]
  ) {
    const opa = createOpaPremodit(co, nu, { autoTrange: [500, 1500], ...opts });
    const a = opa.xsvector(800, 10);
    const b = direct.xsvector(800, 10);
    const e = maxRelErr(a, b, 1e-3 * maxOf(b));
    if (!(e <= 0.01)) throw new Error(`${JSON.stringify(opts)}: ${e}`);
    assertRelClose(trapz(a, nu), trapz(b, nu), 1e-3, JSON.stringify(opts));
  }
});

Deno.test("xsvector() of a single line on a grid point equals direct within 1e-4 and integrates to S(T)", () => {
  const l0 = nu[1700]!;
  const one: LineList = {
    molecule: "X",
    molmass: 28.0101,
    tref: 296,
    qtref: co.qtref,
    nu: new Float64Array([l0]),
    elower: new Float64Array([3000]),
    gupper: new Float64Array([3]),
    einsteinA: new Float64Array([0]),
    lineStrengthRef: new Float64Array([1e-22]),
    alphaRef: new Float64Array([0.07]),
    nTemp: new Float64Array([0.5]),
    partitionFunction: co.partitionFunction,
  };
  const opa = createOpaPremodit(one, nu, { autoTrange: [500, 1500] });
  const d = createOpaDirect(one, nu);
  for (const t of [600, 1234]) {
    const a = opa.xsvector(t, 1);
    const b = d.xsvector(t, 1);
    const e = maxRelErr(a, b, 1e-3 * maxOf(b));
    if (!(e < 1e-4)) throw new Error(`T=${t}: ${e}`);
    // P = 1e-4 bar: the Doppler core lies well inside the grid, ∫σ dν = S(T)
    const s = lineStrengthScalar(
      1e-22,
      l0,
      3000,
      partitionRatio(co.partitionFunction, t),
      t,
    );
    assertRelClose(trapz(opa.xsvector(t, 1e-4), nu), s, 1e-4, `∫σ at T=${t}`);
  }
});

Deno.test("xsmatrix() stacks xsvector() rows, top layer first", () => {
  const t = new Float64Array([600, 900, 1400]);
  const p = new Float64Array([1e-4, 0.1, 5]);
  const m = premodit.xsmatrix(t, p);
  if (m.length !== 3 * N) throw new Error(`length ${m.length}`);
  for (let k = 0; k < 3; k++) {
    const e = maxRelErr(
      m.subarray(k * N, (k + 1) * N),
      premodit.xsvector(t[k]!, p[k]!),
    );
    if (e !== 0) throw new Error(`row ${k}: ${e}`);
  }
});

Deno.test("createOpaPremodit() exposes its grids and rejects T outside autoTrange", async () => {
  if (!(premodit.tref >= 500 && premodit.tref <= 1500)) {
    throw new Error(`tref ${premodit.tref}`);
  }
  if (!(premodit.nBroadening >= 1 && premodit.elowerGrid.length >= 2)) {
    throw new Error("grids");
  }
  await expectError(
    () => premodit.xsvector(400, 1),
    RangeError,
    "t = 400 K is outside",
    "[500, 1500]",
  );
  await expectError(() => premodit.xsvector(1600, 1), RangeError, "1600");
  await expectError(
    () => premodit.xsvector(1000, 0),
    RangeError,
    "pBar must be > 0",
  );
  await expectError(
    () => premodit.xsvector(NaN, 1),
    RangeError,
    "t must be finite",
  );
  const loose = createOpaPremodit(co, nu, {
    autoTrange: [500, 1500],
    allowOutsideRange: true,
  });
  if (!(maxOf(loose.xsvector(400, 1)) > 0)) {
    throw new Error("allowOutsideRange");
  }
  await expectError(
    () => premodit.xsmatrix(new Float64Array(2), new Float64Array(1)),
    TypeError,
    "pBar must have length 2",
  );
});

Deno.test("createOpaPremodit() rejects non-ESLOG grids and bad options", async () => {
  const lin = Float64Array.from({ length: 100 }, (_, i) => 4340 + 0.2 * i);
  await expectError(() => createOpaPremodit(co, lin), RangeError, "ESLOG");
  await expectError(
    () => createOpaPremodit(co, nu, { diffmode: 3 as unknown as 0 }),
    RangeError,
    "diffmode",
  );
  await expectError(
    () => createOpaPremodit(co, nu, { autoTrange: [1500, 500] }),
    RangeError,
    "tmin <= tmax",
  );
  const far = wavenumberGrid(10000, 10010, 100, { unit: "cm-1" }).nu;
  await expectError(() => createOpaPremodit(co, far), RangeError, "no line");
  await expectError(
    () => createOpaPremodit(co, [1, 2] as unknown as Float64Array),
    TypeError,
    "Float64Array",
  );
});

async function expectError(
  fn: () => unknown,
  cls: typeof TypeError | typeof RangeError,
  ...fragments: string[]
): Promise<void> {
  const e: Error = await assertThrowsWith(fn, ...fragments);
  if (!(e instanceof cls)) {
    throw new Error(`expected ${cls.name}, got ${e.name}: ${e.message}`);
  }
}

function _medianRelErr(a: Float64Array, b: Float64Array): number {
  const mx = maxOf(b);
  const e: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i]! > 1e-3 * mx) e.push(Math.abs(a[i]! - b[i]!) / b[i]!);
  }
  e.sort((x, y) => x - y);
  return e[Math.floor((e.length - 1) / 2)]!;
}

Deno.test("createOpaPremodit() nuSplit: the quadratic split halves the low-pressure binning error of ExoJAX's linear split", () => {
  const linear = createOpaPremodit(co, nu, {
    autoTrange: [500, 1500],
    nuSplit: "linear",
  });
  for (const t of [500, 1000, 1500]) {
    const b = direct.xsvector(t, 1e-5);
    const eq = _medianRelErr(premodit.xsvector(t, 1e-5), b);
    const el = _medianRelErr(linear.xsvector(t, 1e-5), b);
    // measured at 1e-5 bar: quadratic 2.8e-2 / 1.1e-2 / 5.7e-3, linear 5.8e-2 / 3.1e-2 / 2.2e-2
    if (!(eq < 0.6 * el)) {
      throw new Error(`T=${t}: quadratic ${eq} vs linear ${el}`);
    }
    // the linear split also meets the 10-bar requirement (1 % where σ > 1e-3 max)
    const a10 = linear.xsvector(t, 10);
    const b10 = direct.xsvector(t, 10);
    const mx = maxOf(b10);
    for (let i = 0; i < N; i++) {
      if (b10[i]! > 1e-3 * mx && Math.abs(a10[i]! / b10[i]! - 1) > 0.01) {
        throw new Error(
          `linear split, T=${t}, 10 bar: error ${a10[i]! / b10[i]! - 1} at ${
            nu[i]
          }`,
        );
      }
    }
  }
});

Deno.test("createOpaPremodit() quadratic split conserves a line's area, centroid and variance", () => {
  // One line between grid points, high pressure off: compare the first three moments in q of
  // xsvector·ν/R (the LSD before the R/ν factor) against direct summation.
  const n = 1024;
  const g = Float64Array.from(
    { length: n },
    (_, i) => 4300 * Math.exp(i / 1e5),
  );
  const line: LineList = {
    molecule: "X",
    molmass: 28,
    tref: 296,
    qtref: co.qtref,
    nu: new Float64Array([g[511]! * Math.exp(0.37 / 1e5)]),
    elower: new Float64Array([0]),
    gupper: new Float64Array([3]),
    einsteinA: new Float64Array([1e-6]),
    lineStrengthRef: new Float64Array([1e-20]),
    alphaRef: new Float64Array([0.07]),
    nTemp: new Float64Array([0.5]),
    partitionFunction: co.partitionFunction,
  };
  const pq = createOpaPremodit(line, g, { autoTrange: [1000, 1000] }).xsvector(
    1000,
    1e-6,
  );
  const pl = createOpaPremodit(line, g, {
    autoTrange: [1000, 1000],
    nuSplit: "linear",
  }).xsvector(1000, 1e-6);
  const moments = (y: Float64Array) => {
    let m0 = 0, m1 = 0, m2 = 0;
    for (let i = 0; i < n; i++) {
      const w = y[i]! * g[i]!;
      m0 += w;
      m1 += w * i;
      m2 += w * i * i;
    }
    const mean = m1 / m0;
    return [m0, mean, m2 / m0 - mean * mean];
  };
  const [a0, a1, a2] = moments(pq);
  const [l0, l1, l2] = moments(pl);
  // (the stimulated-emission factor is evaluated at grid points: a 2e-9 difference)
  assertRelClose(a0!, l0!, 1e-7, "area");
  // The Doppler core is narrower than a cell here (σ_q = 0.18), so the discrete kernel has slowly
  // decaying tails that the finite grid cuts: centroids agree to ~1e-5 cells, not to rounding.
  assertRelClose(a1!, 511.37, 1e-7, "centroid (quadratic)");
  assertRelClose(l1!, 511.37, 1e-7, "centroid (linear)");
  // the linear split adds d(1 − d) = 0.37·0.63 cell² of variance; the quadratic split adds none
  // (to 1e-3: the same cut tails perturb the second moments by ~1e-5 cell²)
  assertRelClose(
    l2! - a2!,
    0.37 * 0.63,
    1e-3,
    "extra variance of the linear split",
  );
  const sigmaQ = 3.0415595e-7 * Math.sqrt(1000 / 28) * 1e5;
  if (!(Math.abs(a2! - sigmaQ * sigmaQ) < 1e-3)) {
    throw new Error(
      `quadratic split variance ${a2} vs Doppler ${sigmaQ * sigmaQ}`,
    );
  }
});

Deno.test("createOpaPremodit() with the WASM SIMD FFT backend matches the TypeScript FFT to 1e-12", async () => {
  const { createWasmBackend, createWasmRfftPlan } = await import(
    "../../src/backend/wasm/mod.ts"
  );
  const be = await createWasmBackend();
  try {
    const w = createOpaPremodit(co, nu, {
      autoTrange: [500, 1500],
      rfftPlan: (n) => createWasmRfftPlan(be, n),
    });
    for (const [t, p] of [[500, 1e-5], [1000, 1], [1500, 10]] as const) {
      const a = w.xsvector(t, p), b = premodit.xsvector(t, p);
      const mx = maxOf(b);
      let err = 0;
      for (let i = 0; i < N; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!));
      if (!(err <= 1e-12 * mx)) {
        throw new Error(`T=${t} P=${p}: max |Δ| / max σ = ${err / mx}`);
      }
    }
  } finally {
    be.destroy();
  }
});

Deno.test("PreMODIT equals the frozen pre-refactor output (premodit_reference.json)", async () => {
  // Made by scripts/premodit_reference.ts from the code of commit 2da7954 (same grid, lines and
  // options as `premodit` above). The new code sums the Lorentz wrap-around as a series in γ²
  // where the old one formed P(n) − L(n) in closed form and transformed it; the old form loses
  // ~ε·L(0)/A(n) to cancellation at small γ, so equality is asserted relative to each row's
  // peak (1e-12) and pointwise (1e-12) where σ ≥ 1e-3 of the peak.
  const ref = JSON.parse(
    await Deno.readTextFile(
      new URL("../fixtures/premodit_reference.json", import.meta.url),
    ),
  ) as { stride: number; n: number; tp: [number, number][]; xs: number[][] };
  nodeAssert.strictEqual(ref.n, N);
  for (let r = 0; r < ref.tp.length; r++) {
    const [t, p] = ref.tp[r]!;
    const xs = premodit.xsvector(t, p);
    const old = ref.xs[r]!;
    const peak = Math.max(...old.map(Math.abs));
    let worstPeak = 0;
    let worstRel = 0;
    for (let i = 0; i < old.length; i++) {
      const d = Math.abs(xs[i * ref.stride]! - old[i]!);
      worstPeak = Math.max(worstPeak, d / peak);
      if (Math.abs(old[i]!) >= 1e-3 * peak) {
        worstRel = Math.max(worstRel, d / Math.abs(old[i]!));
      }
    }
    nodeAssert.ok(
      worstPeak <= 1e-12,
      `T=${t} P=${p}: |new−old|/peak = ${worstPeak}`,
    );
    nodeAssert.ok(worstRel <= 1e-12, `T=${t} P=${p}: relative ${worstRel}`);
  }
});

Deno.test("PreMODIT xsvector/xsmatrix: non-finite inputs throw NonFiniteError", () => {
  const is = (stage: string, parameter: string) => (e: unknown) =>
    e instanceof NonFiniteError && e.stage === stage &&
    e.parameter === parameter;
  nodeAssert.throws(
    () =>
      premodit.xsmatrix(new Float64Array([800, NaN]), new Float64Array([1, 1])),
    is("premodit.xsmatrix", "t[1]"),
  );
  nodeAssert.throws(
    () =>
      premodit.xsmatrix(
        new Float64Array([800, 900]),
        new Float64Array([1, Infinity]),
      ),
    is("premodit.xsmatrix", "pBar[1]"),
  );
  nodeAssert.throws(
    () => premodit.xsvector(NaN, 1),
    is("premodit.xsvector", "t"),
  );
  nodeAssert.throws(
    () => premodit.xsvector(2000, 1),
    (e: unknown) =>
      e instanceof RangeError && !(e instanceof NonFiniteError) &&
      e.message.startsWith(
        "t = 2000 K is outside the PreMODIT temperature range [500, 1500] K",
      ),
  );
});
