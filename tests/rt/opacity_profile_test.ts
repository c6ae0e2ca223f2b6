import {
  constantMmrProfile,
  numberDensity,
  opacityProfileCia,
  opacityProfileXs,
} from "../../src/rt/opacity_profile.ts";
import { assertEquals, assertRelClose, assertThrows } from "../_util.ts";

// Independent hand computation with SI-derived cgs values:
// bar = 1e6 dyn/cm^2, m_u = 1.66053904e-24 g, k_B = 1.38064852e-16 erg/K.
const BAR = 1e6;
const MU_G = 1.66053904e-24;
const KB_CGS = 1.38064852e-16;

Deno.test("opacityProfileXs() equals sigma dP bar MMR / (M m_u g) within 1e-14", () => {
  const nlayer = 3;
  const nnu = 4;
  const xs = new Float64Array(nlayer * nnu);
  for (let k = 0; k < xs.length; k++) {
    xs[k] = 1e-22 * (1 + k) * (k === 5 ? -1 : 1);
  }
  const dP = new Float64Array([0.01, 0.1, 1]);
  const mmr = new Float64Array([0.01, 0.02, 0.03]);
  const g = new Float64Array([2000, 2400, 2500]);
  const dtau = opacityProfileXs(xs, mmr, 28.0101, g, dP, nnu);
  for (let i = 0; i < nlayer; i++) {
    for (let j = 0; j < nnu; j++) {
      const k = i * nnu + j;
      // column number density of the species: dP·bar·MMR/(M m_u g) [cm^-2]
      const expected = (Math.abs(xs[k]!) * dP[i]! * BAR * mmr[i]!) /
        (28.0101 * MU_G * g[i]!);
      assertRelClose(dtau[k]!, expected, 1e-14, `layer ${i} nu ${j}`);
    }
  }
  // a single xs vector is broadcast over layers, scalars over layers
  const v = opacityProfileXs(xs.subarray(0, nnu), 0.01, 28.0101, 2000, dP, nnu);
  assertRelClose(
    v[nnu + 2]!,
    (xs[2]! * 0.1 * BAR * 0.01) / (28.0101 * MU_G * 2000),
    1e-14,
  );
});

Deno.test("opacityProfileCia() equals a n1 n2 dz with hydrostatic dz within 1e-13", () => {
  const nlayer = 3;
  const nnu = 2;
  const logacia = new Float64Array([-45.1, -44.7, -45.5, -44.2, -46, -43.9]);
  const T = new Float64Array([800, 1100, 1500]);
  const P = new Float64Array([0.01, 0.3, 5]);
  const dP = new Float64Array([0.002, 0.07, 1.1]);
  const v1 = 0.84,
    v2 = new Float64Array([0.8, 0.84, 0.85]),
    mmw = 2.33,
    g = 2478.57;
  const dtau = opacityProfileCia(logacia, T, P, dP, v1, v2, mmw, g);
  for (let i = 0; i < nlayer; i++) {
    const n = (P[i]! * BAR) / (KB_CGS * T[i]!);
    // hydrostatic layer thickness dz = dP·bar / (rho g), rho = n mmw m_u
    const dz = (dP[i]! * BAR) / (n * mmw * MU_G * g);
    for (let j = 0; j < nnu; j++) {
      const a = 10 ** logacia[i * nnu + j]!;
      const expected = a * (v1 * n) * (v2[i]! * n) * dz;
      assertRelClose(dtau[i * nnu + j]!, expected, 1e-13, `layer ${i} nu ${j}`);
    }
  }
  // zero abundance or -Infinity log coefficient give zero optical depth, not NaN
  const z = opacityProfileCia(
    logacia.subarray(0, 2),
    T.subarray(0, 1),
    P.subarray(0, 1),
    dP.subarray(0, 1),
    0,
    0.8,
    2.33,
    g,
  );
  assertEquals(Array.from(z), [0, 0]);
  const ninf = opacityProfileCia(
    new Float64Array([-Infinity, -45]),
    T.subarray(0, 1),
    P.subarray(0, 1),
    dP.subarray(0, 1),
    0.8,
    0.8,
    2.33,
    g,
  );
  assertEquals(ninf[0], 0);
});

Deno.test("numberDensity() and constantMmrProfile() basics", () => {
  assertRelClose(numberDensity(1, 273.15), 1e6 / (KB_CGS * 273.15), 1e-15);
  assertEquals(Array.from(constantMmrProfile(2, 0.5)), [0.5, 0.5]);
  assertThrows(() => constantMmrProfile(0, 0.5), RangeError, "nlayer");
  assertThrows(() => constantMmrProfile(2, -1), RangeError, "mmr");
});

Deno.test("opacityProfileXs()/opacityProfileCia() reject wrong shapes and bad values", () => {
  const dP = new Float64Array([0.1, 0.2]);
  assertThrows(
    () => opacityProfileXs(new Float64Array(5), 0.01, 28, 1e3, dP, 3),
    TypeError,
    "nlayer*nnu = 2*3 = 6",
  );
  assertThrows(
    () =>
      opacityProfileXs(
        new Float64Array([1, NaN, 1, 1, 1, 1]),
        0.01,
        28,
        1e3,
        dP,
        3,
      ),
    RangeError,
    "layer 0, wavenumber index 1",
  );
  assertThrows(
    () =>
      opacityProfileXs(
        new Float64Array(6),
        new Float64Array([0.1, -1]),
        28,
        1e3,
        dP,
        3,
      ),
    RangeError,
    "mmr at layer 1",
  );
  assertThrows(
    () => opacityProfileXs(new Float64Array(6), 0.1, 28, 0, dP, 3),
    RangeError,
    "gravity",
  );
  const T = new Float64Array([1000, -5]);
  assertThrows(
    () =>
      opacityProfileCia(new Float64Array(4), T, dP, dP, 0.8, 0.8, 2.33, 1e3),
    RangeError,
    "temperature at layer 1",
  );
  assertThrows(
    () =>
      opacityProfileCia(
        new Float64Array(3),
        new Float64Array([1000, 900]),
        dP,
        dP,
        0.8,
        0.8,
        2.33,
        1e3,
      ),
    TypeError,
    "logacia",
  );
  assertThrows(
    () =>
      opacityProfileCia(
        new Float64Array([0, NaN]),
        new Float64Array([1000, 900]),
        dP,
        dP,
        0.8,
        0.8,
        2.33,
        1e3,
      ),
    RangeError,
    "logacia at layer 1",
  );
});
