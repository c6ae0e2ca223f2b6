import { emissionFbased2st } from "../../src/rt/emission_fbased2st.ts";
import { planckPi } from "../../src/rt/planck.ts";
import { pressureLayers } from "../../src/rt/pressure_layers.ts";
import { assertRelClose, assertThrows, maxRelErr } from "../_util.ts";
import e3fix from "../fixtures/rt_expn3.json" with { type: "json" };

function e3(x: number): number {
  const k = e3fix.x.indexOf(x);
  if (k < 0) throw new Error(`no E3 fixture value at ${x}`);
  return e3fix.e3[k]!;
}

Deno.test("emissionFbased2st() of a thick isothermal atmosphere equals piB within 1e-6", () => {
  const nu = new Float64Array([4200, 4300, 4350.5]);
  const { dParr } = pressureLayers(1e-5, 10, 100);
  const kappa = [1e4, 300, 40];
  const dtau = new Float64Array(300);
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 3; j++) dtau[i * 3 + j] = kappa[j]! * dParr[i]!;
  }
  const f = emissionFbased2st(dtau, new Float64Array(100).fill(1300), nu);
  const e = maxRelErr(f, planckPi(nu, 1300));
  if (!(e <= 1e-6)) throw new Error(`rel err ${e} > 1e-6`);
});

Deno.test("emissionFbased2st() is exact for one isothermal slab: piB (1 - 2E3(tau)) within 1e-12", () => {
  const nu = new Float64Array([4300]);
  const piB = planckPi(nu, 900)[0]!;
  for (const tau of [1e-5, 0.1, 0.5, 1, 2, 5, 10]) {
    const f = emissionFbased2st(
      new Float64Array([tau]),
      new Float64Array([900]),
      nu,
    )[0]!;
    assertRelClose(f, piB * (1 - 2 * e3(tau)), 1e-12, `tau ${tau}`);
  }
});

Deno.test("emissionFbased2st() equals the hand two-layer sum (1-T1)S1 + (1-T2)S2 T1", () => {
  const nu = new Float64Array([4300, 4400]);
  const t = new Float64Array([800, 1200]);
  const dtau = new Float64Array([0.5, 0.1, 2, 0]); // layer 1 has one zero-opacity point
  const s1 = planckPi(nu, 800), s2 = planckPi(nu, 1200);
  const T = (x: number) => (x === 0 ? 1 : 2 * e3(x));
  const f = emissionFbased2st(dtau, t, nu);
  for (let j = 0; j < 2; j++) {
    const t1 = T(dtau[j]!), t2 = T(dtau[2 + j]!);
    const ref = (1 - t1) * s1[j]! + (1 - t2) * s2[j]! * t1;
    assertRelClose(f[j]!, ref, 1e-12, `nu ${nu[j]}`);
  }
});

Deno.test("emissionFbased2st() validates shapes, optical depths and temperatures", () => {
  const t = new Float64Array([1000, 1100]);
  const nu = new Float64Array([4300]);
  assertThrows(
    () => emissionFbased2st(new Float64Array(3), t, nu),
    TypeError,
    "got 3",
  );
  assertThrows(
    () => emissionFbased2st(new Float64Array([0, -2]), t, nu),
    RangeError,
    "layer 1",
  );
  assertThrows(
    () =>
      emissionFbased2st(new Float64Array(2), new Float64Array([NaN, 1000]), nu),
    RangeError,
    "temperature at layer 0",
  );
});
