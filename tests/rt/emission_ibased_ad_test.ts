import { assertThrows } from "../_util.ts";
import { emissionIbased } from "../../src/rt/emission_ibased.ts";
import {
  emissionIbasedJacobian,
  emissionIbasedJvp,
  emissionIbasedWithVjp,
} from "../../src/rt/emission_ibased_ad.ts";
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

/** emissionIbased with nstream streams. */
function ibased(nstream: number): EmissionSolver {
  return {
    name: "emissionIbased",
    forward: (dtau, t, nu) => emissionIbased(dtau, t, nu, nstream),
    jvp: (dtau, t, nu, tangents) =>
      emissionIbasedJvp(dtau, t, nu, nstream, tangents),
    withVjp: (dtau, t, nu) => emissionIbasedWithVjp(dtau, t, nu, nstream),
    jacobian: (dtau, t, nu) => emissionIbasedJacobian(dtau, t, nu, nstream),
  };
}
const IBASED8 = ibased(8);

Deno.test("emissionIbasedJvp() matches central differences within 1e-5 (K = 7 batch, tutorial-like atmospheres)", () => {
  checkEmissionJvpFd(IBASED8, 31);
});

Deno.test("emissionIbasedWithVjp() matches the JVP (dot test 1e-10) and central differences", () => {
  const r = rng(32);
  let worstDot = 0;
  let worstFd = 0;
  for (let s = 0; s < 4; s++) {
    for (const nstream of [2, 8]) {
      const nu = s === 0 ? NU_FULL : NU;
      const gap = emissionVjpGaps(
        ibased(nstream),
        r,
        nu,
        nstream === 8 && s > 0,
      );
      worstDot = Math.max(worstDot, gap.dot);
      worstFd = Math.max(worstFd, gap.fd);
    }
  }
  reportVjpGaps(IBASED8, worstDot, worstFd);
});

Deno.test("emissionIbasedWithVjp() on a thick isothermal atmosphere: sum of dF/dT_i = d(piB)/dT, dF/ddtau ≈ 0", () => {
  checkIsothermalVjp(IBASED8);
});

Deno.test("emissionIbasedJacobian() columns equal unit JVPs; opaque layers stop all derivatives below them", () => {
  checkJacobianColumns(IBASED8, 33);
});

Deno.test("emissionIbasedJvp() handles null tangents and rejects bad shapes", () => {
  const { dtau, t } = checkNullTangents(IBASED8, 34);
  assertThrows(
    () =>
      emissionIbasedJvp(dtau, t, NU, 8, {
        k: 2,
        temperature: new Float64Array(L),
      }),
    TypeError,
    "temperature",
  );
  assertThrows(
    () => emissionIbasedJvp(dtau, t, NU, 8, { k: 1.5 }),
    RangeError,
    "tangents.k",
  );
  assertThrows(
    () => emissionIbasedJvp(dtau, t, NU, 3, { k: 1 }),
    RangeError,
    "nstream",
  );
  assertThrows(
    () => emissionIbasedWithVjp(dtau, t, NU).pullback(new Float64Array(L)),
    TypeError,
    "cotangent",
  );
});
