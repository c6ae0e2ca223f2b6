import assert from "node:assert/strict";
import { rigidRotation, rotationKernel } from "../../src/sop/rotation.ts";
import { createSopRotation } from "../../src/sop/sop.ts";
import { assertThrowsWith } from "../_util.ts";
import { eslogGridAA, maxAbsErrScaled, readFixture } from "./_eslog.ts";

// The reference set-up of the project: 22920–23000 Å, 3500 points (R ≈ 1.0042e6).
const NU = eslogGridAA(22920, 23000, 3500);
const SOP = createSopRotation(NU, { vsiniMax: 100 });
const DV = SOP.vGrid[1]! - SOP.vGrid[0]!;
const LD_CASES: [number, number][] = [[0, 0], [0.6, 0.2], [0.3, -0.1], [1, 0]];

/** Analytic variance of x = v/vsini under K: ∫x²K / ∫K over [−1, 1]. */
function varianceX(u1: number, u2: number): number {
  // ∫K = π(1 − u1/3 − u2/2), ∫x²K = π(1/4 − 7u1/60 − u2/6) (√(1−x²) moments π/2, π/8, π/16).
  return (1 / 4 - 7 * u1 / 60 - u2 / 6) / (1 - u1 / 3 - u2 / 2);
}

Deno.test("rotationKernel() sums to 1 within 1e-12", () => {
  for (const [u1, u2] of LD_CASES) {
    for (const vsini of [0.1, 5, 33.3, 100]) {
      const k = rotationKernel(SOP.vGrid, vsini, u1, u2);
      let s = 0;
      for (const x of k) s += x;
      assert.ok(
        Math.abs(s - 1) <= 1e-12,
        `vsini=${vsini} u=(${u1},${u2}): sum ${s}`,
      );
    }
  }
});

Deno.test("rotationKernel() second moment matches the analytic variance within 2·(dv/vsini)^1.5", () => {
  // The sampled kernel has a √(1 − x²) edge, so its moments converge as (dv/vsini)^{3/2};
  // u1 = u2 = 0 gives K ∝ √(1 − x²) with variance vsini²/4.
  assert.equal(varianceX(0, 0), 0.25);
  for (const [u1, u2] of LD_CASES) {
    for (const vsini of [10, 30, 57.3, 99]) {
      const k = rotationKernel(SOP.vGrid, vsini, u1, u2);
      let m1 = 0;
      let m2 = 0;
      for (let i = 0; i < k.length; i++) {
        m1 += k[i]! * SOP.vGrid[i]!;
        m2 += k[i]! * SOP.vGrid[i]! ** 2;
      }
      const expected = vsini * vsini * varianceX(u1, u2);
      const tol = 2 * (DV / vsini) ** 1.5; // phase-dependent constant of the edge term: measured ≤ 0.9
      assert.ok(Math.abs(m1) <= 1e-12 * vsini, `mean ${m1}`);
      assert.ok(
        Math.abs(m2 / expected - 1) <= tol,
        `vsini=${vsini} u=(${u1},${u2}): rel err ${m2 / expected - 1} > ${tol}`,
      );
    }
  }
});

Deno.test("rigidRotation() keeps a flat spectrum at 1 within 1e-6 in the interior and halves it at the ends", () => {
  const f = new Float64Array(NU.length).fill(1);
  const vsini = 40;
  const k = rotationKernel(SOP.vGrid, vsini, 0.6, 0.2);
  const out = SOP.rigidRotation(f, vsini, 0.6, 0.2);
  const h = (SOP.vGrid.length - 1) / 2;
  let maxErr = 0;
  for (let i = h; i < NU.length - h; i++) {
    maxErr = Math.max(maxErr, Math.abs(out[i]! - 1));
  }
  assert.ok(maxErr <= 1e-6, `interior max |F − 1| = ${maxErr}`);
  // "same" convolution pads with zeros: the end points keep only half of the kernel.
  const edge = 0.5 + k[h]! / 2;
  assert.ok(
    Math.abs(out[0]! - edge) <= 1e-12 &&
      Math.abs(out[NU.length - 1]! - edge) <= 1e-12,
  );
});

Deno.test("rigidRotation() conserves the equivalent width of an interior line within 1e-6", () => {
  const n = NU.length;
  const f = new Float64Array(n).map((_, i) =>
    1 - 0.7 * Math.exp(-0.5 * ((i - 1750.3) / 2.5) ** 2)
  );
  for (const [u1, u2] of LD_CASES) {
    const out = SOP.rigidRotation(f, 60, u1, u2);
    let ew0 = 0;
    let ew1 = 0;
    for (let i = 0; i < n; i++) {
      ew0 += 1 - f[i]!;
      ew1 += 1 - out[i]!;
    }
    // Edge points lose continuum flux; compare equivalent widths over the interior only.
    const h = (SOP.vGrid.length - 1) / 2;
    let ewInt = 0;
    for (let i = h; i < n - h; i++) ewInt += 1 - out[i]!;
    assert.ok(
      Math.abs(ewInt / ew0 - 1) <= 1e-6,
      `u=(${u1},${u2}): EW ratio ${ewInt / ew0}`,
    );
    assert.ok(ew1 > ew0); // whole-array sum includes the zero-padded edge deficit
  }
});

interface OpsFixture {
  nuGrid: number[];
  f: number[];
  resolution: number;
  rotation: {
    vsiniMax: number;
    vsini: number;
    u1: number;
    u2: number;
    vGridLength: number;
    dv: number;
    out: number[];
  }[];
}

Deno.test("createSopRotation().rigidRotation() matches ExoJAX's pipeline (numpy re-implementation) within 1e-12", async () => {
  const fx = await readFixture<OpsFixture>("sop_operators.json");
  const nu = new Float64Array(fx.nuGrid);
  const f = new Float64Array(fx.f);
  for (const c of fx.rotation) {
    const sop = createSopRotation(nu, { vsiniMax: c.vsiniMax });
    assert.ok(Math.abs(sop.resolution / fx.resolution - 1) <= 1e-13);
    assert.equal(sop.vGrid.length, c.vGridLength);
    assert.ok(Math.abs((sop.vGrid[1]! - sop.vGrid[0]!) / c.dv - 1) <= 1e-13);
    const err = maxAbsErrScaled(
      sop.rigidRotation(f, c.vsini, c.u1, c.u2),
      c.out,
    );
    assert.ok(err <= 1e-12, `vsini=${c.vsini}: err ${err}`);
  }
});

Deno.test("rotationKernel() and rigidRotation() reject out-of-range parameters", async () => {
  const v = SOP.vGrid;
  const f = new Float64Array(NU.length).fill(1);
  await assertThrowsWith(() => rotationKernel(v, 0, 0, 0), "vsini", "> 0", "0");
  await assertThrowsWith(() => rotationKernel(v, -3, 0, 0), "vsini", "-3");
  await assertThrowsWith(() => rotationKernel(v, NaN, 0, 0), "vsini", "NaN");
  await assertThrowsWith(
    () => rotationKernel(v, 150, 0, 0),
    "vsini",
    "150",
    "truncated",
  );
  await assertThrowsWith(() => rotationKernel(v, 10, NaN, 0), "u1", "NaN");
  await assertThrowsWith(
    () => rotationKernel(v, 10, 0, Infinity),
    "u2",
    "Infinity",
  );
  await assertThrowsWith(
    () => rotationKernel(v, 10, 3, 3),
    "kernel sum",
    "u1 = 3",
  );
  await assertThrowsWith(
    () => rigidRotation(f, v.subarray(1), 10, 0, 0),
    "vGrid length",
    "odd",
  );
  await assertThrowsWith(
    () => rigidRotation(f, v.map((x) => x + 1), 10, 0, 0),
    "vGrid",
    "symmetric",
  );
  await assertThrowsWith(
    () => SOP.rigidRotation(f.subarray(1), 10, 0, 0),
    "length 3500",
  );
  await assertThrowsWith(
    () => rotationKernel(v, "10" as unknown as number, 0, 0),
    "vsini",
    "number",
  );
});
