import { assertRelClose, assertThrowsWith, maxRelErr } from "../_util.ts";
import { createOpaDirect } from "../../src/opacity/direct.ts";
import {
  lineStrengthScalar,
  partitionRatio,
} from "../../src/opacity/line_strength.ts";
import type { LineList } from "../../src/db/types.ts";

const fx = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/opacity_line.json", import.meta.url),
  ),
);
const pf = {
  t: new Float64Array(fx.partitionFunction.t),
  q: new Float64Array(fx.partitionFunction.q),
};
const L = fx.lines;
const qtref = 107.0;
const synthetic: LineList = {
  molecule: "CO",
  molmass: L.molmass,
  tref: 296,
  nu: new Float64Array(L.nu),
  elower: new Float64Array(L.elower),
  gupper: new Float64Array(L.gupper),
  einsteinA: new Float64Array(L.einsteinA),
  lineStrengthRef: new Float64Array(L.lineStrengthRef),
  alphaRef: new Float64Array(L.alphaRef),
  nTemp: new Float64Array(L.nTemp),
  partitionFunction: pf,
  qtref,
};

function linspace(a: number, b: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => a + (b - a) * i / (n - 1));
}

function trapz(y: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) {
    s += 0.5 * (y[i]! + y[i - 1]!) * (x[i]! - x[i - 1]!);
  }
  return s;
}

Deno.test("xsvector() matches the scipy wofz line-by-line reference within 1e-9", () => {
  for (const c of fx.cases) {
    const grid = linspace(c.gridStart, c.gridStop, c.gridN);
    const xs = createOpaDirect(synthetic, grid).xsvector(c.t, c.pBar);
    const e = maxRelErr(xs, c.xs);
    if (!(e < 1e-9)) throw new Error(`T=${c.t} P=${c.pBar}: max rel err ${e}`);
  }
});

Deno.test("xsvector() of a single line integrates to S(T) within 1e-4", () => {
  const one: LineList = {
    ...synthetic,
    nu: new Float64Array([4350]),
    elower: new Float64Array([1000]),
    gupper: new Float64Array([21]),
    einsteinA: new Float64Array([1]),
    lineStrengthRef: new Float64Array([1e-20]),
    alphaRef: new Float64Array([0.07]),
    nTemp: new Float64Array([0.5]),
  };
  // ±5 cm⁻¹ at 1e-3 cm⁻¹ spacing: Lorentz wings beyond the grid hold 2γ/(πW) ≈ 5e-5 of S.
  const grid = linspace(4345, 4355, 10001);
  const t = 1000;
  const xs = createOpaDirect(one, grid).xsvector(t, 0.01);
  const s = lineStrengthScalar(1e-20, 4350, 1000, partitionRatio(pf, t), t);
  assertRelClose(trapz(xs, grid), s, 1e-4, "∫σ dν vs S(T)");
});

Deno.test("xsmatrix() stacks xsvector() rows, top layer first", () => {
  const grid = linspace(4349.5, 4352.5, 101);
  const opa = createOpaDirect(synthetic, grid);
  const t = new Float64Array([400, 900, 1400]);
  const p = new Float64Array([1e-3, 0.1, 10]);
  const m = opa.xsmatrix(t, p);
  for (let k = 0; k < 3; k++) {
    const row = m.subarray(k * 101, (k + 1) * 101);
    const e = maxRelErr(row, opa.xsvector(t[k]!, p[k]!));
    if (e !== 0) throw new Error(`row ${k} differs: ${e}`);
  }
});

Deno.test("createOpaDirect() rejects invalid temperatures, pressures and shapes", async () => {
  const opa = createOpaDirect(synthetic, linspace(4349.5, 4352.5, 11));
  await expectError(() => opa.xsvector(0, 1), RangeError, "t must be > 0");
  await expectError(() => opa.xsvector(NaN, 1), RangeError, "t must be finite");
  await expectError(
    () => opa.xsvector(500, -1),
    RangeError,
    "pBar must be > 0",
  );
  await expectError(
    () => opa.xsvector(1e5, 1),
    RangeError,
    "outside the partition function table",
  );
  await expectError(
    () => opa.xsmatrix(new Float64Array(2), new Float64Array(3)),
    TypeError,
    "pBar must have length 2",
  );
  await expectError(
    () =>
      createOpaDirect(
        { ...synthetic, nTemp: new Float64Array(1) },
        new Float64Array([1]),
      ),
    TypeError,
    "lines.nTemp",
  );
});

async function expectError(
  fn: () => unknown,
  cls: typeof TypeError | typeof RangeError,
  fragment: string,
): Promise<void> {
  const e: Error = await assertThrowsWith(fn, fragment);
  if (!(e instanceof cls)) {
    throw new Error(`expected ${cls.name}, got ${e.name}: ${e.message}`);
  }
}
