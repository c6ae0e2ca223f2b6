import {
  deepStrictEqual as assertEquals,
  strictEqual as assertStrictEquals,
} from "node:assert";
import {
  gridIndexCoordinate,
  type GridUnit,
  resolutionEslog,
  velocityGrid,
  wavenumberGrid,
} from "../../src/grid/mod.ts";
import { assertRelClose, assertThrowsWith } from "../_util.ts";

interface GridCase {
  x0: number;
  x1: number;
  n: number;
  unit: GridUnit;
  resolution: number;
  nu_sample: number[];
  vmax: number;
  velocity_grid_len: number;
  velocity_grid_last: number;
  velocity_step: number;
}
const FIX: { cases: GridCase[] } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../fixtures/faddeeva_grid.json", import.meta.url),
  ),
);

Deno.test("wavenumberGrid() gives R ≈ 1.0042e6 for 22920–23000 Å, 3500 points, as numpy", () => {
  const g = wavenumberGrid(22920, 23000, 3500, { unit: "AA" });
  const ref = FIX.cases[0]!;
  assertRelClose(g.resolution, ref.resolution, 1e-12, "R");
  assertRelClose(g.resolution, 1.0042e6, 1e-4, "R ≈ 1.0042e6");
  assertEquals(g.nu.length, 3500);
  assertStrictEquals(g.unit, "AA");
  assertStrictEquals(g.mode, "premodit");
});

Deno.test("wavenumberGrid() matches numpy logspace grids for every unit to 1e-14", () => {
  for (const c of FIX.cases) {
    const g = wavenumberGrid(c.x0, c.x1, c.n, { unit: c.unit, mode: "modit" });
    assertRelClose(g.resolution, c.resolution, 1e-12, `R ${c.unit}`);
    const idx = [0, 1, c.n >> 1, c.n - 2, c.n - 1];
    idx.forEach((i, k) =>
      assertRelClose(g.nu[i]!, c.nu_sample[k]!, 1e-14, `nu[${i}] ${c.unit}`)
    );
  }
});

Deno.test("wavenumberGrid() is ascending with equal Δln ν = 1/R", () => {
  const g = wavenumberGrid(22920, 23000, 3500);
  const d0 = 1 / g.resolution;
  let worst = 0;
  for (let i = 1; i < g.nu.length; i++) {
    if (!(g.nu[i]! > g.nu[i - 1]!)) throw new Error(`not ascending at ${i}`);
    worst = Math.max(
      worst,
      Math.abs(Math.log(g.nu[i]! / g.nu[i - 1]!) / d0 - 1),
    );
  }
  // ln ν ≈ 8.4 carries ~2e-15 absolute error against Δln ν ≈ 1e-6.
  if (!(worst < 1e-8)) throw new Error(`Δln ν not uniform: ${worst}`);
});

Deno.test("wavenumberGrid() gives the same ν grid for Å, nm and µm input", () => {
  const a = wavenumberGrid(22920, 23000, 3500, { unit: "AA" });
  const b = wavenumberGrid(2292, 2300, 3500, { unit: "nm" });
  const c = wavenumberGrid(2.292, 2.3, 3500, { unit: "um" });
  for (let i = 0; i < a.nu.length; i++) {
    assertRelClose(b.nu[i]!, a.nu[i]!, 1e-13, `nm ${i}`);
    assertRelClose(c.nu[i]!, a.nu[i]!, 1e-13, `um ${i}`);
  }
  assertRelClose(b.resolution, a.resolution, 1e-9, "R nm");
  assertRelClose(c.resolution, a.resolution, 1e-9, "R um");
});

Deno.test("wavenumberGrid() returns wavelengths in the input unit, descending by default", () => {
  const a = wavenumberGrid(22920, 23000, 100, { unit: "AA" });
  const n = a.nu.length;
  assertRelClose(a.wavelength[0]!, 23000, 1e-14, "λ[0] is the longest (ν[0])");
  assertRelClose(a.wavelength[n - 1]!, 22920, 1e-14);
  for (let i = 0; i < n; i++) {
    assertRelClose(a.wavelength[i]!, 1e8 / a.nu[i]!, 1e-15);
  }
  const asc = wavenumberGrid(22920, 23000, 100, {
    unit: "AA",
    wavelengthOrder: "ascending",
  });
  for (let i = 0; i < n; i++) {
    assertStrictEquals(asc.wavelength[i], a.wavelength[n - 1 - i]);
  }
  const um = wavenumberGrid(2.292, 2.3, 100, { unit: "um" });
  assertRelClose(um.wavelength[0]!, 2.3, 1e-14, "µm");
  const cm = wavenumberGrid(4000, 4100, 100, { unit: "cm-1" });
  assertStrictEquals(cm.nu[0], Math.pow(10, Math.log10(4000)));
  assertRelClose(cm.nu[99]!, 4100, 1e-15);
  assertRelClose(cm.wavelength[0]!, 25000, 1e-14, "Å for cm-1 input");
});

Deno.test("wavenumberGrid() rejects bad arguments with clear errors", async () => {
  await assertThrowsWith(
    () => wavenumberGrid(23000, 22920, 10),
    "x0 must be < x1",
  );
  await assertThrowsWith(() => wavenumberGrid(-1, 22920, 10), "x0", "-1");
  await assertThrowsWith(() => wavenumberGrid(1, NaN, 10), "x1", "NaN");
  await assertThrowsWith(
    () => wavenumberGrid(1, Infinity, 10),
    "x1",
    "Infinity",
  );
  await assertThrowsWith(
    () => wavenumberGrid(1, 2, 1),
    "n must be an integer >= 2",
    "1",
  );
  await assertThrowsWith(() => wavenumberGrid(1, 2, 10.5), "n", "10.5");
  await assertThrowsWith(
    () => wavenumberGrid(1, 2, 10, { unit: "mm" as GridUnit }),
    "unknown unit",
    "mm",
  );
  await assertThrowsWith(
    () => wavenumberGrid(1, 2, 10, { mode: "dit" as "lpf" }),
    "unknown mode",
    "dit",
  );
  const e = await assertThrowsWith(
    () => wavenumberGrid("1" as unknown as number, 2, 10),
    "x0",
  );
  assertStrictEquals(e.name, "TypeError");
  const r = await assertThrowsWith(() => wavenumberGrid(1, 2, 1), "n");
  assertStrictEquals(r.name, "RangeError");
});

Deno.test("resolutionEslog() is (n − 1)/ln(ν_last/ν_first) and validates input", async () => {
  assertStrictEquals(resolutionEslog(new Float64Array([1, Math.E])), 1);
  assertRelClose(
    resolutionEslog(new Float64Array([1, 2, 4])),
    1 / Math.LN2,
    1e-15,
  );
  await assertThrowsWith(
    () => resolutionEslog(new Float64Array([1])),
    "at least 2",
  );
  await assertThrowsWith(
    () => resolutionEslog(new Float64Array([2, 1])),
    "ascending",
  );
});

Deno.test("velocityGrid() matches ExoJAX's velocity_grid (numpy) exactly in length and to 1e-14", () => {
  for (const c of FIX.cases) {
    const v = velocityGrid(c.resolution, c.vmax);
    assertEquals(v.length, c.velocity_grid_len);
    assertRelClose(v[v.length - 1]!, c.velocity_grid_last, 1e-14, "last");
    assertRelClose(v[1]! - v[0]!, c.velocity_step, 1e-12, "step");
    assertStrictEquals(v[(v.length - 1) / 2], 0);
  }
});

Deno.test("velocityGrid() rejects bad arguments", async () => {
  await assertThrowsWith(() => velocityGrid(0, 10), "resolution", "0");
  await assertThrowsWith(() => velocityGrid(1e5, -1), "vmax", "-1");
  await assertThrowsWith(() => velocityGrid(1e5, NaN), "vmax", "NaN");
});

Deno.test("gridIndexCoordinate() gives the fractional grid index", async () => {
  const g = wavenumberGrid(22920, 23000, 3500);
  for (const i of [0, 1, 1234, 3499]) {
    const q = gridIndexCoordinate(g.nu[i]!, g);
    if (!(Math.abs(q - i) < 1e-8)) throw new Error(`q(${i}) = ${q}`);
  }
  const mid = Math.sqrt(g.nu[10]! * g.nu[11]!);
  if (!(Math.abs(gridIndexCoordinate(mid, g) - 10.5) < 1e-8)) {
    throw new Error("midpoint");
  }
  await assertThrowsWith(() => gridIndexCoordinate(-1, g), "nu", "-1");
});
