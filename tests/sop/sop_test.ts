import assert from "node:assert/strict";
import { createSopInstProfile, createSopRotation } from "../../src/sop/sop.ts";
import { C_KMS } from "../../src/constants.ts";
import { assertThrowsWith } from "../_util.ts";
import { eslogGridAA } from "./_eslog.ts";

const NU = eslogGridAA(22920, 23000, 3500);

Deno.test("createSopRotation() builds ExoJAX's velocity_grid from the ESLOG resolution", () => {
  const sop = createSopRotation(NU);
  const r = (NU.length - 1) / Math.log(NU[NU.length - 1]! / NU[0]!);
  assert.equal(sop.resolution, r);
  assert.ok(Math.abs(r / 1.0042e6 - 1) <= 1e-4);
  const dv = C_KMS * Math.log1p(1 / r);
  const nk = Math.trunc(100 / dv + 1);
  assert.equal(sop.vGrid.length, 2 * nk + 1);
  assert.equal(sop.vGrid[nk], 0);
  assert.equal(sop.vGrid[0], -nk * dv);
  assert.ok(sop.vGrid[sop.vGrid.length - 1]! >= 100);
  assert.equal(sop.nuGrid, NU);
  // vsini = vsiniMax is supported
  assert.equal(
    sop.rigidRotation(new Float64Array(NU.length).fill(1), 100, 0, 0).length,
    NU.length,
  );
});

Deno.test("createSopInstProfile() defaults to vrMax = 1000 km/s", () => {
  const sop = createSopInstProfile(NU);
  const dv = C_KMS * Math.log1p(1 / sop.resolution);
  assert.equal(sop.vGrid.length, 2 * Math.trunc(1000 / dv + 1) + 1);
  assert.equal(
    createSopInstProfile(NU, { vrMax: 50 }).vGrid.length,
    2 * Math.trunc(50 / dv + 1) + 1,
  );
});

Deno.test("createSopRotation() and createSopInstProfile() reject bad grids and options", async () => {
  await assertThrowsWith(
    () => createSopRotation(new Float64Array([4000])),
    "nuGrid",
    "at least 2",
  );
  await assertThrowsWith(
    () => createSopRotation(NU.slice().reverse()),
    "nuGrid",
    "ascending",
  );
  await assertThrowsWith(
    () => createSopRotation(new Float64Array([4000, 4001, 4003, 4004])),
    "ESLOG",
  );
  await assertThrowsWith(
    () => createSopRotation(NU, { vsiniMax: 0 }),
    "vsiniMax",
    "> 0",
  );
  await assertThrowsWith(
    () => createSopInstProfile(NU, { vrMax: NaN }),
    "vrMax",
    "NaN",
  );
  await assertThrowsWith(
    () => createSopInstProfile(new Float64Array([-2, -1])),
    "positive",
  );
  await assertThrowsWith(
    () =>
      createSopRotation(NU, { vsiniMax: 20 }).rigidRotation(
        new Float64Array(NU.length),
        30,
        0,
        0,
      ),
    "vsini",
    "30",
  );
});
