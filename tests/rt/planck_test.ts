import { planckPi, planckPiMatrix } from "../../src/rt/planck.ts";
import { assertRelClose, assertThrows, maxRelErr } from "../_util.ts";
import fixture from "../fixtures/rt_planck.json" with { type: "json" };

Deno.test("planckPiMatrix() matches the ExoJAX piBarr formula (numpy, expm1) within 1e-14", () => {
  const nu = new Float64Array(fixture.nu);
  const t = new Float64Array(fixture.temperature);
  const m = planckPiMatrix(nu, t);
  const e = maxRelErr(m, fixture.piB, 1e-300);
  if (!(e <= 1e-14)) throw new Error(`rel err ${e}`);
  const row = planckPi(nu, t[2]!);
  const e2 = maxRelErr(
    row,
    fixture.piB.slice(2 * nu.length, 3 * nu.length),
    1e-300,
  );
  if (!(e2 <= 1e-14)) throw new Error(`rel err ${e2}`);
});

Deno.test("planckPi() agrees with SI-2019 2πhc²ν³/(e^{hcν/kT}−1) within 1e-6·max(1, x)", () => {
  // Independent check of ExoJAX's constants (CODATA 2014: fac = 2πhc², hc/k) against the exact
  // SI 2019 values. hc/k differs by 3.3e-7 relative between the two, which the exponential
  // amplifies by x = hcν/kT, hence the x-scaled tolerance.
  const h = 6.62607015e-27, c = 2.99792458e10, k = 1.380649e-16;
  const nu = new Float64Array([500, 4300, 20000]);
  for (const T of [300, 1500]) {
    const f = planckPi(nu, T);
    for (let j = 0; j < nu.length; j++) {
      const v = nu[j]!;
      const x = (h * c * v) / (k * T);
      const ref = (2 * Math.PI * h * c * c * v ** 3) / Math.expm1(x);
      assertRelClose(f[j]!, ref, 1e-6 * Math.max(1, x), `nu ${v} T ${T}`);
    }
  }
});

Deno.test("planckPi()/planckPiMatrix() reject bad temperatures and wavenumbers", () => {
  assertThrows(() => planckPi(new Float64Array([4000]), 0), RangeError, "t");
  assertThrows(
    () => planckPi(new Float64Array([4000, -1]), 1000),
    RangeError,
    "nu[1]",
  );
  assertThrows(
    () =>
      planckPiMatrix(new Float64Array([4000]), new Float64Array([1000, NaN])),
    RangeError,
    "layer 1",
  );
});
