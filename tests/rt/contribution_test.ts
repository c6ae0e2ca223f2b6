import { contributionFunction } from "../../src/rt/contribution.ts";
import { pressureLayers } from "../../src/rt/pressure_layers.ts";
import { C2 } from "../../src/constants.ts";
import { assertEquals, assertRelClose, assertThrows } from "../_util.ts";

const NU = new Float64Array([4300, 4320, 4340]);

function setup(kappa: number[], nlayer = 100) {
  const { pressure, dParr } = pressureLayers(1e-5, 10, nlayer);
  const nnu = kappa.length;
  const dtau = new Float64Array(nlayer * nnu);
  for (let i = 0; i < nlayer; i++) {
    for (let j = 0; j < nnu; j++) dtau[i * nnu + j] = kappa[j]! * dParr[i]!;
  }
  const temperature = new Float64Array(nlayer).map((_, i) => 700 + 8 * i);
  return { pressure, dParr, dtau, temperature };
}

Deno.test("contributionFunction() normalised columns sum to 1 within 1e-14", () => {
  const { pressure, dParr, dtau, temperature } = setup([0.1, 10, 1e4]);
  const cf = contributionFunction(dtau, temperature, pressure, dParr, NU);
  for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let i = 0; i < 100; i++) s += cf[i * 3 + j]!;
    if (Math.abs(s - 1) > 1e-14) throw new Error(`column ${j} sums to ${s}`);
  }
});

Deno.test("contributionFunction() raw isothermal sum equals the closed-form geometric series within 1e-13", () => {
  // Isothermal, equal dτ = δ: Σ_i e^{−iδ} δ (P/dP) ν³/(e^{c₂ν/T} − 1), with P/dP constant
  // on a log-spaced grid, and Σ_{i=1..N} e^{−iδ} = e^{−δ}(1 − e^{−Nδ})/(1 − e^{−δ}).
  const n = 100, delta = 0.07, T = 1200;
  const { pressure, dParr } = pressureLayers(1e-5, 10, n);
  const dtau = new Float64Array(n * NU.length).fill(delta);
  const cf = contributionFunction(
    dtau,
    new Float64Array(n).fill(T),
    pressure,
    dParr,
    NU,
    {
      normalize: false,
    },
  );
  const pr = pressure[0]! / dParr[0]!;
  const series = (Math.exp(-delta) * -Math.expm1(-n * delta)) /
    -Math.expm1(-delta);
  for (let j = 0; j < NU.length; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += cf[i * NU.length + j]!;
    const v = NU[j]!;
    const ref = delta * series * pr * (v ** 3 / Math.expm1((C2 * v) / T));
    assertRelClose(s, ref, 1e-13, `nu ${v}`);
  }
});

Deno.test("contributionFunction() peaks where tau ~ 1 for a constant opacity per bar", () => {
  // cf ∝ e^{−τ} κ P for dτ = κ dP (isothermal): maximum at κP ≈ 1, within one layer (Δlog P).
  const kappa = [1e-3 * 1e3, 1, 1e3]; // τ = 1 at P = 1, 1, 1e-3 bar
  const { pressure, dParr, dtau } = setup(kappa, 200);
  const cf = contributionFunction(
    dtau,
    new Float64Array(200).fill(1000),
    pressure,
    dParr,
    NU,
  );
  const dlogP = Math.log10(pressure[1]! / pressure[0]!);
  for (let j = 0; j < 3; j++) {
    let best = 0;
    for (let i = 1; i < 200; i++) {
      if (cf[i * 3 + j]! > cf[best * 3 + j]!) best = i;
    }
    const off = Math.abs(Math.log10(kappa[j]! * pressure[best]!));
    if (!(off <= dlogP)) {
      throw new Error(
        `nu ${j}: peak at P = ${pressure[best]}, |log κP| = ${off}`,
      );
    }
  }
});

Deno.test("contributionFunction() returns zeros for a column without opacity and validates input", () => {
  const { pressure, dParr, temperature } = setup([1]);
  const dtau = new Float64Array(100 * 2);
  for (let i = 0; i < 100; i++) dtau[i * 2] = 0.1;
  const cf = contributionFunction(
    dtau,
    temperature,
    pressure,
    dParr,
    new Float64Array([4300, 4310]),
  );
  for (let i = 0; i < 100; i++) assertEquals(cf[i * 2 + 1], 0);
  assertThrows(
    () =>
      contributionFunction(
        dtau,
        temperature,
        pressure,
        dParr,
        new Float64Array([4300]),
      ),
    TypeError,
    "100*1 = 100, got 200",
  );
  assertThrows(
    () =>
      contributionFunction(dtau, temperature, pressure.subarray(1), dParr, NU),
    TypeError,
    "pressure must have length 100",
  );
});
