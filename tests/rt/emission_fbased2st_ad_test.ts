import { assert, assertThrows } from "../_util.ts";
import { emissionFbased2st } from "../../src/rt/emission_fbased2st.ts";
import {
  emissionFbased2stJacobian,
  emissionFbased2stJvp,
  emissionFbased2stWithVjp,
} from "../../src/rt/emission_fbased2st_ad.ts";
import { E2_SCIPY } from "../special/_expn_ref.ts";
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
