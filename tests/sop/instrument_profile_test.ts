import assert from "node:assert/strict";
import {
  gaussianKernel,
  ipgauss,
  resolutionToGaussianStd,
} from "../../src/sop/instrument_profile.ts";
import { createSopInstProfile } from "../../src/sop/sop.ts";
import { C_KMS } from "../../src/constants.ts";
import { assertThrowsWith } from "../_util.ts";
import { eslogGridAA, maxAbsErrScaled, readFixture } from "./_eslog.ts";

const NU = eslogGridAA(22920, 23000, 3500);
const SOP = createSopInstProfile(NU); // default vrMax = 1000 km/s: kernel longer than the spectrum
const H = (SOP.vGrid.length - 1) / 2;
/** Velocity of one grid cell, c·Δln ν = c/R. */
const CELL_KMS = C_KMS / SOP.resolution;

Deno.test("resolutionToGaussianStd() gives β whose FWHM is c/R", () => {
  const beta = resolutionToGaussianStd(1e5);
  assert.ok(
    Math.abs(beta * 2 * Math.sqrt(2 * Math.LN2) - C_KMS / 1e5) <= 1e-15 * beta,
  );
  assert.ok(Math.abs(beta - 1.2731013) <= 1e-6);
});

Deno.test("gaussianKernel() sums to 1 within 1e-12", () => {
  for (const beta of [0.05, 1.27, 30, 900]) {
    let s = 0;
    for (const x of gaussianKernel(SOP.vGrid, beta)) s += x;
    assert.ok(Math.abs(s - 1) <= 1e-12, `beta=${beta}: sum ${s}`);
  }
});

Deno.test("ipgauss() broadens a Gaussian line to σ_out² = σ_in² + β² within 1e-3", () => {
  // Velocity moments of the sampled line about its centre. With σ ≥ 2 cells the sampled
  // moments equal the continuous ones to ≪ 1e-10 (Poisson summation), the kernel is not
  // truncated (|v| ≤ 1000 km/s ≫ β), and the only systematic is ExoJAX's kernel step
  // c·log1p(1/R) vs the grid's c/R (≈ 1/(2R) = 5e-7). 1e-3 is the project requirement.
  const n = NU.length;
  const c0 = 1749.37;
  for (
    const [sigmaIn, beta] of [[3.0, resolutionToGaussianStd(1e5)], [1.5, 4.0], [
      10,
      2.2,
    ]]
  ) {
    const sIn = sigmaIn! / CELL_KMS;
    const f = new Float64Array(n).map((_, i) =>
      Math.exp(-0.5 * ((i - c0) / sIn) ** 2)
    );
    const out = SOP.ipgauss(f, beta!);
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i < n; i++) {
      m0 += out[i]!;
      m1 += out[i]! * i;
    }
    const mean = m1 / m0;
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += out[i]! * (i - mean) ** 2;
    const varOut = (m2 / m0) * CELL_KMS ** 2;
    const expected = sigmaIn! ** 2 + beta! ** 2;
    const rel = Math.abs(varOut / expected - 1);
    assert.ok(rel <= 1e-3, `σ_in=${sigmaIn} β=${beta}: rel err ${rel}`);
    assert.ok(Math.abs(mean - c0) <= 1e-6, `centroid moved by ${mean - c0}`);
  }
});

Deno.test("ipgauss() keeps a flat spectrum at 1 within 1e-6 in the interior and conserves line area", () => {
  const n = NU.length;
  const beta = 5;
  const flat = SOP.ipgauss(new Float64Array(n).fill(1), beta);
  // Only taps with exp(−x²/2) > 0 matter: the effective half-width is ~38.6 β.
  const hEff = Math.ceil(39 * beta / CELL_KMS);
  let maxErr = 0;
  for (let i = hEff; i < n - hEff; i++) {
    maxErr = Math.max(maxErr, Math.abs(flat[i]! - 1));
  }
  assert.ok(maxErr <= 1e-6, `interior max |F − 1| = ${maxErr}`);
  // zero padding: the ends keep half the kernel
  const k = gaussianKernel(SOP.vGrid, beta);
  assert.ok(Math.abs(flat[0]! - (0.5 + k[H]! / 2)) <= 1e-12);

  const f = new Float64Array(n).map((_, i) =>
    1 - 0.5 * Math.exp(-0.5 * ((i - 1200.6) / 1.2) ** 2)
  );
  const out = SOP.ipgauss(f, beta);
  let ew0 = 0;
  let ew1 = 0;
  for (let i = hEff; i < n - hEff; i++) {
    ew0 += 1 - f[i]!;
    ew1 += 1 - out[i]!;
  }
  assert.ok(Math.abs(ew1 / ew0 - 1) <= 1e-6, `EW ratio ${ew1 / ew0}`);
});

interface IpFixture {
  nuGrid: number[];
  f: number[];
  ipgauss: {
    vrMax: number;
    beta: number;
    vGridLength: number;
    dv: number;
    out: number[];
  }[];
}

Deno.test("createSopInstProfile().ipgauss() matches ExoJAX's pipeline (numpy re-implementation) within 1e-12", async () => {
  const fx = await readFixture<IpFixture>("sop_operators.json");
  const nu = new Float64Array(fx.nuGrid);
  const f = new Float64Array(fx.f);
  for (const c of fx.ipgauss) {
    const sop = createSopInstProfile(nu, { vrMax: c.vrMax });
    assert.equal(sop.vGrid.length, c.vGridLength);
    assert.ok(Math.abs((sop.vGrid[1]! - sop.vGrid[0]!) / c.dv - 1) <= 1e-13);
    const err = maxAbsErrScaled(sop.ipgauss(f, c.beta), c.out);
    assert.ok(err <= 1e-12, `vrMax=${c.vrMax} beta=${c.beta}: err ${err}`);
  }
});

Deno.test("resolutionToGaussianStd(), gaussianKernel() and ipgauss() reject bad inputs", async () => {
  const f = new Float64Array(NU.length).fill(1);
  await assertThrowsWith(() => resolutionToGaussianStd(0), "resolution", "> 0");
  await assertThrowsWith(
    () => resolutionToGaussianStd(NaN),
    "resolution",
    "NaN",
  );
  await assertThrowsWith(() => gaussianKernel(SOP.vGrid, 0), "beta", "> 0");
  await assertThrowsWith(() => gaussianKernel(SOP.vGrid, -1), "beta", "-1");
  await assertThrowsWith(() => gaussianKernel(SOP.vGrid, NaN), "beta", "NaN");
  await assertThrowsWith(
    () => gaussianKernel(new Float64Array([1e6]), 1e-3),
    "all-zero kernel",
  );
  await assertThrowsWith(
    () => ipgauss(f, SOP.vGrid.subarray(1), 1),
    "vGrid length",
    "odd",
  );
  await assertThrowsWith(() => SOP.ipgauss(f.subarray(2), 1), "length 3500");
  await assertThrowsWith(
    () => ipgauss(f.map((x, i) => (i === 7 ? NaN : x)), SOP.vGrid, 1),
    "f[7]",
  );
});
