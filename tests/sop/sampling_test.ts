import assert from "node:assert/strict";
import { sampling } from "../../src/sop/sampling.ts";
import { createSopInstProfile } from "../../src/sop/sop.ts";
import { C_KMS } from "../../src/constants.ts";
import { assertThrowsWith } from "../_util.ts";
import { eslogGridAA, maxAbsErrScaled, readFixture } from "./_eslog.ts";

interface SamplingFixture {
  nuGrid: number[];
  f: number[];
  nuObs: number[];
  cases: { rv: number; out: number[] }[];
}

Deno.test("sampling() matches numpy.interp at nuObs·(1 + RV/c) within 1e-14, clamping outside", async () => {
  const fx = await readFixture<SamplingFixture>("sop_sampling.json");
  const nu = new Float64Array(fx.nuGrid);
  const f = new Float64Array(fx.f);
  const nuObs = new Float64Array(fx.nuObs);
  for (const c of fx.cases) {
    const out = sampling(f, nu, c.rv, nuObs);
    const err = maxAbsErrScaled(out, c.out);
    assert.ok(err <= 1e-14, `rv=${c.rv}: err ${err}`);
  }
  // exact nodes (RV = 0) return the node values exactly
  const nodes = sampling(f, nu, 0, nu);
  assert.deepEqual(nodes, f);
});

Deno.test("sampling() shifts a line centroid by ν·RV/c within 1e-3 of a grid cell", () => {
  const nu = eslogGridAA(22920, 23000, 3500);
  const ip = createSopInstProfile(nu, { vrMax: 50 });
  const i0 = 1750;
  const nu0 = nu[i0]! + 0.37 * (nu[i0 + 1]! - nu[i0]!);
  const cell = nu[i0 + 1]! - nu[i0]!;
  const sigma = 10 * cell;
  const f = new Float64Array(nu.length).map((_, i) =>
    Math.exp(-0.5 * ((nu[i]! - nu0) / sigma) ** 2)
  );
  for (const rv of [0, 25, -61.2, 140]) {
    const a = rv / C_KMS;
    const expected = nu0 / (1 + a); // ≈ ν0 (1 − RV/c): redshift for RV > 0
    const nObs = 4001;
    const nuObs = new Float64Array(nObs).map((_, j) =>
      expected + (j - 2000) * 0.01 * sigma
    );
    const g = ip.sampling(f, rv, nuObs);
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < nObs; j++) {
      s0 += g[j]!;
      s1 += g[j]! * (nuObs[j]! - expected);
    }
    const offsetCells = s1 / s0 / cell;
    assert.ok(
      Math.abs(offsetCells) <= 1e-3,
      `rv=${rv}: centroid off by ${offsetCells} cells`,
    );
  }
});

Deno.test("sampling() with outOfRange 'error' rejects points shifted outside the grid", async () => {
  const nu = new Float64Array([10, 11, 12, 13]);
  const f = new Float64Array([1, 2, 3, 4]);
  const obs = new Float64Array([10, 12.9999]);
  const inRange = sampling(f, nu, 0, obs, { outOfRange: "error" });
  assert.equal(inRange[0], 1);
  assert.ok(Math.abs(inRange[1]! - 3.9999) <= 1e-12);
  await assertThrowsWith(
    () => sampling(f, nu, 30, obs, { outOfRange: "error" }),
    "nuObs[1]",
    "rvKms = 30",
    "outside nuGrid",
  );
  await assertThrowsWith(
    () => sampling(f, nu, -30, obs, { outOfRange: "error" }),
    "nuObs[0]",
  );
  // default clamps like numpy/jnp.interp
  assert.deepEqual(Array.from(sampling(f, nu, 0, new Float64Array([9, 14]))), [
    1,
    4,
  ]);
  const ip = createSopInstProfile(eslogGridAA(22920, 23000, 100), {
    vrMax: 10,
  });
  await assertThrowsWith(
    () =>
      ip.sampling(
        new Float64Array(100),
        1e4,
        new Float64Array([ip.nuGrid[99]!]),
        "error",
      ),
    "outside nuGrid",
  );
});

Deno.test("sampling() rejects bad inputs", async () => {
  const nu = new Float64Array([10, 11, 12]);
  const f = new Float64Array([1, 2, 3]);
  const obs = new Float64Array([10.5]);
  await assertThrowsWith(
    () => sampling(f.subarray(1), nu, 0, obs),
    "f length 2",
    "nuGrid length 3",
  );
  await assertThrowsWith(
    () => sampling(f, new Float64Array([10, 12, 11]), 0, obs),
    "ascending",
  );
  await assertThrowsWith(() => sampling(f, nu, NaN, obs), "rvKms", "NaN");
  await assertThrowsWith(
    () => sampling(f, nu, 0, new Float64Array([NaN])),
    "nuObs[0]",
    "NaN",
  );
  await assertThrowsWith(
    () => sampling(f.subarray(0, 1), nu.subarray(0, 1), 0, obs),
    "at least 2",
  );
  await assertThrowsWith(
    () =>
      sampling(f, nu, 0, obs, {
        outOfRange: "extrapolate" as unknown as "clamp",
      }),
    "outOfRange",
  );
});
