// Typed errors (src/errors.ts): the classes, and the validators of each stage that throw a
// NonFiniteError (with the stage and the parameter, index included) for NaN/±Infinity while a
// finite value out of range stays a plain RangeError. Messages are unchanged (other tests match
// on them).
import { FirstOrderOnlyError, NonFiniteError } from "../src/errors.ts";
import { emissionIbased } from "../src/rt/emission_ibased.ts";
import { emissionFbased2st } from "../src/rt/emission_fbased2st.ts";
import { planckPi } from "../src/rt/planck.ts";
import { powerlawTemperature } from "../src/rt/temperature.ts";
import { opacityProfileXs } from "../src/rt/opacity_profile.ts";
import { expn3 } from "../src/special/expn.ts";
import { rigidRotation } from "../src/sop/rotation.ts";
import { sampling } from "../src/sop/sampling.ts";
import { ipgauss } from "../src/sop/instrument_profile.ts";
import { convolveCentered } from "../src/sop/convolve.ts";
import { voigtProfile, voigtProfileArray } from "../src/opacity/voigt.ts";
import { faddeeva } from "../src/special/faddeeva.ts";
import { lineStrengthScalar } from "../src/opacity/line_strength.ts";
import { createOpaCia } from "../src/opacity/cia.ts";
import { velocityGrid, wavenumberGrid } from "../src/grid/wavenumber_grid.ts";
import { Normal } from "../src/infer/distributions.ts";
import { adam } from "../src/infer/optim.ts";
import { addGaussianNoise } from "../src/spectrum/mock.ts";
import { assert, assertEquals, assertThrows } from "./_util.ts";

/** Asserts fn throws a NonFiniteError with this stage, parameter and message fragment. */
function assertNonFinite(
  fn: () => unknown,
  stage: string,
  parameter: string,
  msgIncludes: string,
): NonFiniteError {
  const e = assertThrows(fn, NonFiniteError, msgIncludes) as NonFiniteError;
  assert(e instanceof RangeError, "a NonFiniteError is a RangeError");
  assertEquals(e.name, "NonFiniteError");
  assertEquals(e.stage, stage);
  assertEquals(e.parameter, parameter);
  assert(!Number.isFinite(e.value), `value ${e.value}`);
  return e;
}

/** Asserts fn throws a RangeError that is NOT a NonFiniteError (a finite value out of range). */
function assertPlainRange(fn: () => unknown, msgIncludes: string): void {
  const e = assertThrows(fn, RangeError, msgIncludes);
  assert(!(e instanceof NonFiniteError), `${e.name}: ${e.message}`);
}

Deno.test("NonFiniteError and FirstOrderOnlyError: classes, instanceof, fields, messages", () => {
  const e = new NonFiniteError("rt.emission", "temperature[3]", NaN);
  assert(
    e instanceof NonFiniteError && e instanceof RangeError &&
      e instanceof Error,
  );
  assert(!(e instanceof TypeError));
  assertEquals(e.name, "NonFiniteError");
  assertEquals(e.stage, "rt.emission");
  assertEquals(e.parameter, "temperature[3]");
  assert(Number.isNaN(e.value));
  assertEquals(
    e.message,
    "rt.emission: temperature[3] must be finite, got NaN",
  );
  const m = new NonFiniteError("s", "p", -Infinity, "custom text");
  assertEquals(m.message, "custom text");
  assertEquals(m.value, -Infinity);
  assert(String(m).startsWith("NonFiniteError: custom text"));

  const f = new FirstOrderOnlyError("xsmatrix");
  assert(f instanceof FirstOrderOnlyError && f instanceof TypeError);
  assert(!(f instanceof RangeError));
  assertEquals(f.name, "FirstOrderOnlyError");
  assertEquals(f.primitive, "xsmatrix");
  assert(
    f.message.startsWith("xsmatrix: ") &&
      f.message.includes("first order only"),
  );
  assertEquals(new FirstOrderOnlyError("p", "own text").message, "own text");
});

Deno.test("rt validators: NonFiniteError with stage and indexed parameter; finite out-of-range stays RangeError", () => {
  const nu = new Float64Array([4000, 4001, 4002]);
  const t = new Float64Array([1000, 1100]);
  const dtau = new Float64Array(6).fill(0.1);
  // temperature profile, by layer
  assertNonFinite(
    () => emissionIbased(dtau, new Float64Array([1000, NaN]), nu),
    "rt.emission_ibased",
    "temperature[1]",
    "temperature at layer 1 must be finite and > 0 K, got NaN",
  );
  assertPlainRange(
    () => emissionIbased(dtau, new Float64Array([1000, -5]), nu),
    "temperature at layer 1 must be finite and > 0 K, got -5",
  );
  // wavenumbers
  assertNonFinite(
    () => emissionFbased2st(dtau, t, new Float64Array([4000, Infinity, 4002])),
    "rt.emission_fbased2st",
    "nu[1]",
    "nu[1] must be a finite positive wavenumber, got Infinity",
  );
  // dtau: NaN refused with [layer][wavenumber]; +Infinity (opaque) allowed; −1 a plain RangeError
  const bad = dtau.slice();
  bad[4] = NaN;
  assertNonFinite(
    () => emissionIbased(bad, t, nu),
    "rt.emission_ibased",
    "dtau[1][1]",
    "dtau at layer 1, wavenumber index 1 must be >= 0 (not NaN), got NaN",
  );
  const opaque = dtau.slice();
  opaque[4] = Infinity;
  assert(emissionIbased(opaque, t, nu).every(Number.isFinite));
  bad[4] = -1;
  assertPlainRange(
    () => emissionIbased(bad, t, nu),
    "must be >= 0 (not NaN), got -1",
  );
  // scalars
  assertNonFinite(
    () => planckPi(nu, Infinity),
    "rt.planck",
    "t",
    "t must be a finite positive number",
  );
  assertPlainRange(
    () => planckPi(nu, 0),
    "t must be a finite positive number, got 0",
  );
  assertNonFinite(
    () => powerlawTemperature(new Float64Array([0.1, 1]), 1300, NaN),
    "rt.temperature",
    "alpha",
    "alpha must be finite, got NaN",
  );
  assertNonFinite(
    () => powerlawTemperature(new Float64Array([0.1, NaN]), 1300, 0.1),
    "rt.temperature",
    "pressure[1]",
    "pressure at layer 1 must be finite and > 0 bar, got NaN",
  );
  // cross sections, by layer and wavenumber
  const xs = new Float64Array(6).fill(1e-20);
  xs[5] = NaN;
  assertNonFinite(
    () => opacityProfileXs(xs, 0.01, 28, 2478, new Float64Array([0.1, 0.2]), 3),
    "rt.opacity_profile",
    "xsmatrix[1][2]",
    "xsmatrix at layer 1, wavenumber index 2 must be finite, got NaN",
  );
  assertNonFinite(
    () =>
      opacityProfileXs(
        xs.fill(1e-20),
        0.01,
        28,
        new Float64Array([2478, -Infinity]),
        new Float64Array([0.1, 0.2]),
        3,
      ),
    "rt.opacity_profile",
    "gravity[1]",
    "gravity at layer 1 must be finite and > 0",
  );
});

Deno.test("sop validators: NonFiniteError with stage and indexed parameter; finite out-of-range stays RangeError", () => {
  const v = new Float64Array([-2, -1, 0, 1, 2]);
  const f = new Float64Array([1, 2, 3, 4, 5, 6, 7]);
  assertNonFinite(
    () => rigidRotation(f, v, NaN, 0, 0),
    "sop.rotation",
    "vsini",
    "vsini must be finite, got NaN",
  );
  assertNonFinite(
    () => rigidRotation(f, v, 1.5, 0, Infinity),
    "sop.rotation",
    "u2",
    "u2 must be finite",
  );
  assertPlainRange(
    () => rigidRotation(f, v, -1, 0, 0),
    "vsini must be > 0, got -1",
  );
  const fNaN = f.slice();
  fNaN[3] = NaN;
  assertNonFinite(
    () => ipgauss(fNaN, v, 1),
    "sop.instrument_profile",
    "f[3]",
    "f[3] must be finite, got NaN",
  );
  assertNonFinite(
    () => convolveCentered(f, new Float64Array([0, Infinity, 0])),
    "sop.convolve",
    "kernel[1]",
    "kernel[1] must be finite, got Infinity",
  );
  const grid = Float64Array.from({ length: 7 }, (_, i) => 4000 + i);
  assertNonFinite(
    () => sampling(f, grid, NaN, new Float64Array([4002])),
    "sop.sampling",
    "rvKms",
    "rvKms must be finite, got NaN",
  );
  assertNonFinite(
    () => sampling(f, grid, 0, new Float64Array([4002, -Infinity])),
    "sop.sampling",
    "nuObs[1]",
    "nuObs[1] must be finite",
  );
});

Deno.test("opacity, grid, spectrum and infer validators throw NonFiniteError for NaN/±Infinity", () => {
  assertNonFinite(
    () => voigtProfile(NaN, 1, 1),
    "opacity.voigt",
    "x",
    "voigtProfile(): x must be finite, got NaN",
  );
  assertNonFinite(
    () => voigtProfileArray(new Float64Array([0, Infinity]), 1, 1),
    "opacity.voigt",
    "x[1]",
    "voigtProfileArray(): x[1] must be finite",
  );
  assertNonFinite(
    () => voigtProfile(0, Infinity, 1),
    "opacity.voigt",
    "betaD",
    "betaD must be finite and >= 0",
  );
  assertPlainRange(
    () => voigtProfile(0, -1, 1),
    "betaD must be finite and >= 0, got -1",
  );
  // special functions (src/special, stage "special.…")
  for (
    const [fn, parameter, msg] of [
      [() => faddeeva(0, NaN), "y", "y must be finite, got NaN"],
      [() => expn3(NaN), "x", "x must be >= 0 (not NaN), got NaN"],
    ] as const
  ) {
    const e = assertThrows(fn, NonFiniteError, msg) as NonFiniteError;
    assert(e.stage.startsWith("special."), e.stage);
    assertEquals(e.parameter, parameter);
  }
  assertPlainRange(() => expn3(-1), "x must be >= 0 (not NaN), got -1");
  assertNonFinite(
    () => lineStrengthScalar(2e-21, 4350, 500, 1, NaN),
    "opacity.line_strength",
    "t",
    "t must be finite, got NaN",
  );
  const cia = createOpaCia(
    {
      pair: "H2-H2",
      nu: new Float64Array([3900, 4100]),
      t: new Float64Array([500, 1500]),
      logk: new Float64Array([-45, -45, -44, -44]),
    },
    new Float64Array([4000]),
  );
  assertNonFinite(
    () => cia.logaciaMatrix(new Float64Array([1000, NaN])),
    "opacity.cia",
    "t[1]",
    "logaciaMatrix(): layer 1: temperature must be finite, got NaN",
  );
  assertPlainRange(
    () => cia.logaciaMatrix(new Float64Array([3000])),
    "outside the CIA table range",
  );
  assertNonFinite(
    () => wavenumberGrid(4000, Infinity, 10, { unit: "cm-1" }),
    "grid.wavenumber_grid",
    "x1",
    "wavenumberGrid(): x1 must be finite and > 0, got Infinity",
  );
  assertNonFinite(
    () => velocityGrid(1e5, NaN),
    "grid.wavenumber_grid",
    "vmax",
    "vmax must be finite",
  );
  assertNonFinite(
    () => addGaussianNoise(new Float64Array(3), NaN, 0),
    "spectrum.mock",
    "sigma",
    "sigma must be finite and >= 0, got NaN",
  );
  assertNonFinite(
    () => new Normal(NaN, 1),
    "infer.Normal",
    "loc",
    "Normal: loc must be finite, got NaN",
  );
  assertNonFinite(
    () => new Normal(0, Infinity),
    "infer.Normal",
    "scale",
    "Normal: scale must be positive and finite, got Infinity",
  );
  assertPlainRange(
    () => new Normal(0, -1),
    "Normal: scale must be positive and finite, got -1",
  );
  assertNonFinite(
    () => adam(NaN),
    "infer.optim",
    "stepSize",
    "must be a finite non-negative number",
  );
});
