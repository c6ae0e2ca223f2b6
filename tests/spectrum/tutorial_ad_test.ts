import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import {
  createTutorialAd,
  type TutorialAd,
} from "../../src/spectrum/tutorial_ad.ts";
import { addGaussianNoise } from "../../src/spectrum/mock.ts";
import { gravityJupiter } from "../../src/rt/gravity.ts";
import { scalar, Tensor, tensor } from "../../src/ad/mod.ts";
import { jvp } from "../../src/ad/core.ts";
import { key, normal, uniform } from "../../src/random/prng.ts";
import { checkRules } from "../ad/_check.ts";
import { assert, assertRelClose, assertThrows, SHARED_DATA } from "../_util.ts";

let _m: TutorialModel | undefined;
let _ad: TutorialAd | undefined;
async function setup(): Promise<{ m: TutorialModel; ad: TutorialAd }> {
  _m ??= await createTutorialModel({ dbDir: SHARED_DATA });
  _ad ??= createTutorialAd(_m);
  return { m: _m, ad: _ad };
}

/** Parameter sets across the tutorial priors (T0, alpha, MMR, logg, RV, vsini). */
function priorDraws(n: number, seed: number): number[][] {
  const u = uniform(key(seed), 6 * n);
  const lo = [1000, 0.05, 0.001, 4, 35, 5], hi = [1500, 0.2, 0.015, 5, 45, 15];
  return Array.from(
    { length: n },
    (_, i) => lo.map((l, j) => l + (hi[j]! - l) * u[6 * i + j]!),
  );
}

function scaledDirections(x: number[], seed: number): Float64Array[] {
  const z = normal(key(seed), x.length);
  return x.map((v, i) => new Float64Array([z[i]! * Math.abs(v)]));
}

Deno.test("fspec() JVP and VJP agree with central differences (1e-5) and each other (1e-10) across the priors", async () => {
  const { ad } = await setup();
  // the tutorial truth, prior draws, and a corner where the clip at 500 K is active over many layers
  const sets = [[1200, 0.1, 0.01, 4.3935, 40, 10], ...priorDraws(3, 5), [
    1000,
    0.2,
    0.015,
    4,
    35,
    5,
  ]];
  for (const [i, p] of sets.entries()) {
    const x = [p[0]!, p[1]!, p[2]!, 10 ** p[3]!, p[4]!, p[5]!];
    const r = checkRules(
      `fspec set ${i}`,
      (t0, a, mmr, g, rv, vs) => ad.fspec(t0, a, mmr, g, rv, vs),
      x.map((v) => scalar(v)),
      {
        eps: 1e-6,
        directions: scaledDirections(x, 100 + i),
        fdTol: 1e-5,
        dotTol: 1e-10,
      },
    );
    assert(r.fdErr < 1e-5 && r.dotErr < 1e-10);
  }
});

Deno.test("fspecProfiles() is differentiable w.r.t. the temperature and MMR profiles", async () => {
  const { m, ad } = await setup();
  const L = m.pressure.length;
  // unclipped (703–1400 K) so that perturbed profiles stay inside the PreMODIT range
  const T = m.art.powerlawTemperature(1250, 0.05);
  const mmr = new Float64Array(L).fill(0.01);
  const z = normal(key(9), 2 * L);
  // smooth-ish perturbations scaled to the profiles
  const dT = Float64Array.from(T, (v, i) => 0.5 * z[i]! * v / 100);
  const dM = Float64Array.from(mmr, (v, i) => z[L + i]! * v);
  checkRules(
    "fspecProfiles",
    (t, x) => ad.fspecProfiles(t, x, scalar(10 ** 4.4), scalar(40), scalar(10)),
    [tensor(T), tensor(mmr)],
    { eps: 1e-6 / 1e3, directions: [dT, dM], fdTol: 1e-5, dotTol: 1e-10 },
  );
});

Deno.test("powerlaw clip boundary: the subgradient is the derivative from inside the range", async () => {
  const { m, ad } = await setup();
  // choose T0 so that layer j sits exactly (to rounding) on the 500 K lower bound
  const alpha = 0.1, j = 30;
  const t0 = 500 / m.pressure[j]! ** alpha;
  const x = [t0, alpha, 0.01, 10 ** 4.4, 40, 10];
  const f = (t0v: number) =>
    ad.fspec(
      scalar(t0v),
      scalar(alpha),
      scalar(0.01),
      scalar(x[3]!),
      scalar(40),
      scalar(10),
    ) as Tensor;
  const [, tan] = jvp(
    (a) =>
      ad.fspec(
        a,
        scalar(alpha),
        scalar(0.01),
        scalar(x[3]!),
        scalar(40),
        scalar(10),
      ),
    [
      scalar(t0),
    ],
    [scalar(1)],
  );
  // one-sided difference from inside (increasing T0 moves layer j into the range)
  const h = 1e-7 * t0;
  const up = f(t0 + h).data, mid = f(t0).data;
  const jv = (tan as Tensor).data;
  let num = 0, den = 0;
  for (let i = 0; i < jv.length; i++) {
    const fd = (up[i]! - mid[i]!) / h;
    num += (fd - jv[i]!) ** 2;
    den += jv[i]! ** 2;
  }
  assert(
    Math.sqrt(num / den) < 1e-5,
    `one-sided error ${Math.sqrt(num / den)}`,
  );
});

Deno.test("logLikelihood() gradient: forward mode (7 directions) equals reverse mode to 1e-9 and central differences to 1e-5", async () => {
  const { m, ad } = await setup();
  const y = addGaussianNoise(
    m.fspec(1200, 0.1, 0.01, gravityJupiter(1, 10), 40, 10),
    500,
    0,
  );
  for (
    const th of [[1150, 0.12, 0.008, 4.3, 39, 11, 450], [
      1200,
      0.1,
      0.01,
      4.3935,
      40,
      10,
      500,
    ]]
  ) {
    const theta = new Float64Array(th);
    const rev = ad.logLikelihoodGrad(theta, y, "reverse");
    const fwd = ad.logLikelihoodGrad(theta, y, "forward");
    assertRelClose(fwd.value, rev.value, 1e-15, "value");
    for (let i = 0; i < 7; i++) {
      assertRelClose(fwd.grad[i]!, rev.grad[i]!, 1e-9, `grad ${i}`);
      const h = 1e-5 * Math.max(Math.abs(theta[i]!), 1e-3);
      const a = theta.slice(), b = theta.slice();
      a[i] = a[i]! + h;
      b[i] = b[i]! - h;
      const fd =
        (ad.logLikelihoodGrad(a, y).value - ad.logLikelihoodGrad(b, y).value) /
        (2 * h);
      // relative to the gradient's scale times |θ_i| (the log-likelihood change per unit relative step)
      assertRelClose(
        rev.grad[i]!,
        fd,
        1e-5,
        `fd ${i}`,
        1e-6 * Math.abs(rev.value) / Math.max(Math.abs(theta[i]!), 1e-3),
      );
    }
  }
});

Deno.test("logLikelihoodGrad() rejects bad inputs by name", async () => {
  const { m, ad } = await setup();
  const y = new Float64Array(m.nuObs.length);
  assertThrows(
    () => ad.logLikelihoodGrad(new Float64Array(6), y),
    TypeError,
    "7",
  );
  assertThrows(
    () =>
      ad.logLikelihoodGrad(
        new Float64Array([1200, NaN, 0.01, 4.4, 40, 10, 500]),
        y,
      ),
    RangeError,
    "alpha",
  );
  assertThrows(
    () =>
      ad.logLikelihood(new Tensor(new Float64Array(7), [7]), tensor([1, 2])),
    TypeError,
    "data",
  );
});
