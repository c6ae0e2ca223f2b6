import { assert, assertEquals, assertThrows } from "../_util.ts";
import { emissionFbased2st } from "../../src/rt/emission_fbased2st.ts";
import {
  _expn2,
  _expn2FromTrans,
  emissionFbased2stJacobian,
  emissionFbased2stJvp,
  emissionFbased2stWithVjp,
  expn2,
} from "../../src/rt/emission_fbased2st_ad.ts";
import { _expn3 } from "../../src/rt/expn.ts";
import {
  checkEmissionJvpFd,
  checkIsothermalVjp,
  checkJacobianColumns,
  checkNullTangents,
  type EmissionSolver,
  emissionVjpGaps,
  L,
  NU,
  NU_FULL,
  reportVjpGaps,
  rng,
} from "./_ad_helpers.ts";

const FBASED: EmissionSolver = {
  name: "emissionFbased2st",
  forward: emissionFbased2st,
  jvp: emissionFbased2stJvp,
  withVjp: emissionFbased2stWithVjp,
  jacobian: emissionFbased2stJacobian,
};

/** scipy.special.expn(2, x) (scipy 1.17.1): python3 -c "from scipy.special import expn; print(expn(2, x))". */
const E2_SCIPY: [number, number][] = [
  [0.0, 1.0],
  [1e-12, 0.9999999999719462],
  [1e-08, 0.9999998115653492],
  [1e-05, 0.9998806428519994],
  [0.001, 0.9926689604692389],
  [0.01, 0.9496705379837869],
  [0.05, 0.8278345000752154],
  [0.1, 0.7225450221940204],
  [0.3, 0.4691152251789638],
  [0.5, 0.3266438623245532],
  [0.75, 0.21711094305759226],
  [0.999, 0.14871507477274137],
  [1.0, 0.14849550677592194],
  [1.001, 0.14827630665869743],
  [1.5, 0.07310078653848087],
  [2.0, 0.03753426182049047],
  [3.0, 0.010641925085272832],
  [5.0, 0.0009964690427088378],
  [7.5, 5.935267064473186e-05],
  [10.0, 3.8302404656316095e-06],
  [20.0, 9.40485643085815e-11],
  [50.0, 3.711783318868828e-24],
  [100.0, 3.647821433880379e-46],
  [300.0, 1.7047391998483432e-133],
  [700.0, 1.4045180121540397e-307],
];

Deno.test("expn2() matches scipy.special.expn(2, x) within 1e-14, directly and from 2E3", () => {
  let worst = 0;
  let worstRec = 0;
  for (const [x, ref] of E2_SCIPY) {
    worst = Math.max(worst, Math.abs(expn2(x) / ref - 1));
    worstRec = Math.max(
      worstRec,
      Math.abs(_expn2FromTrans(x, x === 0 ? 1 : 2 * _expn3(x)) / ref - 1),
    );
  }
  console.log(
    `expn2 max rel err vs scipy ${worst.toExponential(2)}, via 2E3 ${
      worstRec.toExponential(2)
    }`,
  );
  assert(worst <= 1e-14, `expn2 rel err ${worst}`);
  assert(worstRec <= 1e-14, `expn2 via 2E3 rel err ${worstRec}`);
  assertEquals(expn2(Infinity), 0);
  assertEquals(_expn2(800), 0);
  assertThrows(() => expn2(-1), RangeError, "x");
  assertThrows(() => expn2(NaN), RangeError, "x");
});

Deno.test("expn2() is -dE3/dx (central differences of the forward's E3)", () => {
  for (const x of [1e-4, 0.02, 0.4, 0.9, 1.2, 3, 8, 30]) {
    const h = 1e-5 * Math.min(x, 1);
    const fd = -(_expn3(x + h) - _expn3(x - h)) / (2 * h);
    const e = Math.abs(expn2(x) / fd - 1);
    assert(e <= 1e-8, `x = ${x}: rel err ${e}`);
  }
});

Deno.test("emissionFbased2stJvp() matches central differences within 1e-5 (K = 7 batch, tutorial-like atmospheres)", () => {
  checkEmissionJvpFd(FBASED, 41);
});

Deno.test("emissionFbased2stWithVjp() matches the JVP (dot test 1e-10) and central differences", () => {
  const r = rng(42);
  let worstDot = 0;
  let worstFd = 0;
  for (let s = 0; s < 5; s++) {
    const gap = emissionVjpGaps(FBASED, r, s === 0 ? NU_FULL : NU, s > 0);
    worstDot = Math.max(worstDot, gap.dot);
    worstFd = Math.max(worstFd, gap.fd);
  }
  reportVjpGaps(FBASED, worstDot, worstFd);
});

Deno.test("emissionFbased2stWithVjp() analytic cases: thick isothermal dF/dT = d(piB)/dT; single slab dF/dtau = 2E2 piB", () => {
  checkIsothermalVjp(FBASED, (temp, nu, piB) => {
    // one slab over nothing: F = πB (1 − 2E₃(τ)), ∂F/∂τ = 2E₂(τ) πB
    for (const [tau, e2] of E2_SCIPY.filter(([x]) => x > 0 && x < 100)) {
      const jac = emissionFbased2stJacobian(
        new Float64Array([tau]),
        new Float64Array([temp]),
        nu.subarray(0, 1),
      );
      const e = Math.abs(jac.dFluxDdtau[0]! / (2 * e2 * piB[0]!) - 1);
      assert(e <= 1e-13, `slab tau = ${tau}: rel err ${e}`);
    }
  });
});

Deno.test("emissionFbased2stJacobian() columns equal unit JVPs; opaque layers stop all derivatives below them", () => {
  checkJacobianColumns(FBASED, 43, (dtau, n) => {
    for (let j = 0; j < n; j += 3) dtau[10 * n + j] = 0; // and some transparent cells
  });
});

Deno.test("emissionFbased2stJvp() handles null tangents and rejects bad shapes", () => {
  const { dtau, t } = checkNullTangents(FBASED, 44);
  assertThrows(
    () =>
      emissionFbased2stJvp(dtau, t, NU, {
        k: 1,
        dtau: new Float64Array(L),
      }),
    TypeError,
    "dtau",
  );
  assertThrows(
    () => emissionFbased2stWithVjp(dtau, t, NU).pullback(new Float64Array(L)),
    TypeError,
    "cotangent",
  );
});
