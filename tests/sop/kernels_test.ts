// The sop stages (src/sop/kernels.ts) through stagePrimitive on the js backend against the
// existing primitives (src/sop/primitives.ts): forward, JVP, VJP and the core transformations
// give the same numbers bit for bit, pullbacks are repeatable, and bad input throws the same
// errors.
import { sameError, sameTensor, stageParity } from "../_stage_parity.ts";
import { createJsBackend } from "../../src/backend/js/js_backend.ts";
import { stagePrimitive } from "../../src/ad/stage_kernels.ts";
import { bind, grad, jacrev, type Primitive } from "../../src/ad/core.ts";
import { sum } from "../../src/ad/ops.ts";
import { scalar, Tensor } from "../../src/ad/tensor.ts";
import { key, split, uniform } from "../../src/random/mod.ts";
import {
  ipgaussStage,
  ipgaussStageConsts,
  registerSopStages,
  rigidRotationStage,
  rigidRotationStageConsts,
  samplingStage,
  samplingStageConsts,
} from "../../src/sop/kernels.ts";
import {
  ipgaussPrimitive,
  rigidRotationPrimitive,
  samplingPrimitive,
} from "../../src/sop/primitives.ts";
import { createSopInstProfile, createSopRotation } from "../../src/sop/sop.ts";
import { resolutionToGaussianStd } from "../../src/sop/instrument_profile.ts";
import { sampling } from "../../src/sop/sampling.ts";
import { samplingWithVjp } from "../../src/sop/sampling_ad.ts";

// ESLOG grid: 600 points, Δln ν = 1e-6 (0.3 km/s per cell); kernels of ±20 km/s.
const N = 600;
const NU = Float64Array.from(
  { length: N },
  (_, i) => 4300 * Math.exp(i * 1e-6),
);
const ROT = createSopRotation(NU, { vsiniMax: 20 });
const INST = createSopInstProfile(NU, { vrMax: 20 });
const NUOBS = Float64Array.from(
  { length: 25 },
  (_, i) => NU[40 + 20 * i]! * (1 + 1e-7 * i),
);

const be = createJsBackend();
registerSopStages(be);

const [kf, kt, kc, kw] = split(key(20240611), 4);
/** A continuum with random absorption (well conditioned, positive). */
const F = (() => {
  const u = uniform(kf!, N);
  return Float64Array.from(
    u,
    (x, i) => 1 + 0.3 * Math.sin(i / 17) - 0.4 * x * x,
  );
})();
const UT = uniform(kt!, 4 * N + 8);
const UC = uniform(kc!, N);
const UW = uniform(kw!, N);

const t = (a: Float64Array | number[], shape?: number[]) =>
  new Tensor(Float64Array.from(a), shape ?? [a.length]);

// ---------------------------------------------------------------- rigid rotation

const rotConsts = rigidRotationStageConsts(ROT);
const rotStage = stagePrimitive(be, rigidRotationStage, {
  consts: rotConsts.consts.map((a) => be.wrap(a)),
  params: rotConsts.params,
  outShape: (s) => [...s[0]!],
}).primitive;
const rotRef = rigidRotationPrimitive(ROT.vGrid);
const cts = (n: number): [Tensor, Tensor] => [
  t(UC.subarray(0, n).map((x) => 2 * x - 1)),
  t(UW.subarray(0, n).map((x) => x - 0.25)),
];

Deno.test("sop.rigid_rotation: stage = rigidRotationPrimitive bit for bit", () => {
  const args = [t(F), scalar(12.3), scalar(0.6), scalar(0.15)];
  const tf = t(UT.subarray(0, 2 * N).map((x) => x - 0.5), [2, N]);
  const tv = t([0.7, -1.1], [2]);
  const t1 = t([0.02, 0], [2]);
  const t2 = t([-0.05, 0.03], [2]);
  stageParity({
    stage: rotStage,
    ref: rotRef,
    args,
    tangents: [[tf, tv, t1, t2], [null, tv, t1, t2], [tf, null, null, null], [
      tf,
      tv,
      null,
      t2,
    ]],
    cts: cts(N),
  });
});

Deno.test("sop.rigid_rotation: bad input throws the existing errors", () => {
  const cases: [string, Tensor[]][] = [
    ["NaN in f", [
      t(F.map((x, i) => (i === 7 ? NaN : x))),
      scalar(10),
      scalar(0.6),
      scalar(0),
    ]],
    ["vsini ≤ 0", [t(F), scalar(-1), scalar(0.6), scalar(0)]],
    ["vsini > vGrid", [t(F), scalar(25), scalar(0.6), scalar(0)]],
    ["non-finite u1", [t(F), scalar(10), scalar(Infinity), scalar(0)]],
    ["bad kernel sum", [t(F), scalar(10), scalar(1000), scalar(0)]],
  ];
  const tan = [t(new Float64Array(2 * N), [2, N]), t([1, 0], [2]), null, null];
  for (const [what, args] of cases) {
    sameError(
      () => bind(rotStage, args, {}),
      () => bind(rotRef, args, {}),
      `${what}: forward`,
    );
    sameError(
      () => rotStage.jvp(args, tan, {}, 2),
      () => rotRef.jvp(args, tan, {}, 2),
      `${what}: jvp`,
    );
    sameError(
      () => rotStage.vjpForward!(args, {}),
      () => rotRef.vjpForward!(args, {}),
      `${what}: vjp`,
    );
  }
  // a non-finite cotangent in the pullback
  const args = [t(F), scalar(10), scalar(0.6), scalar(0)];
  const bad = t(F.map((x, i) => (i === 3 ? NaN : x)));
  const [, ra] = rotStage.vjpForward!(args, {});
  const [, rb] = rotRef.vjpForward!(args, {});
  sameError(
    () => rotStage.vjpFromResidual!(ra, bad, {}),
    () => rotRef.vjpFromResidual!(rb, bad, {}),
    "NaN ct",
  );
});

// ---------------------------------------------------------------- instrument profile

const ipConsts = ipgaussStageConsts(INST);
const ipStage = stagePrimitive(be, ipgaussStage, {
  consts: ipConsts.consts.map((a) => be.wrap(a)),
  params: ipConsts.params,
  outShape: (s) => [...s[0]!],
}).primitive;
const ipRef = ipgaussPrimitive(INST.vGrid);

Deno.test("sop.ipgauss: stage = ipgaussPrimitive bit for bit", () => {
  const args = [t(F), scalar(resolutionToGaussianStd(1e5))];
  const tf = t(UT.subarray(N, 3 * N).map((x) => x - 0.5), [2, N]);
  const tb = t([0.3, -0.8], [2]);
  stageParity({
    stage: ipStage,
    ref: ipRef,
    args,
    tangents: [[tf, tb], [null, tb], [tf, null]],
    cts: cts(N),
  });
});

Deno.test("sop.ipgauss: bad input throws the existing errors", () => {
  const cases: [string, Tensor[]][] = [
    ["NaN in f", [t(F.map((x, i) => (i === 0 ? NaN : x))), scalar(2)]],
    ["beta ≤ 0", [t(F), scalar(0)]],
    ["beta NaN", [t(F), scalar(NaN)]],
    ["beta ∞", [t(F), scalar(Infinity)]],
  ];
  const tan = [null, t([1, 2], [2])];
  for (const [what, args] of cases) {
    sameError(
      () => bind(ipStage, args, {}),
      () => bind(ipRef, args, {}),
      `${what}: forward`,
    );
    sameError(
      () => ipStage.jvp(args, tan, {}, 2),
      () => ipRef.jvp(args, tan, {}, 2),
      `${what}: jvp`,
    );
    sameError(
      () => ipStage.vjpForward!(args, {}),
      () => ipRef.vjpForward!(args, {}),
      `${what}: vjp`,
    );
  }
  // an even velocity grid: TypeError from the validator
  const odd = stagePrimitive(be, ipgaussStage, {
    consts: [be.wrap(new Float64Array([-1, 1]))],
    outShape: (s) => [...s[0]!],
  }).primitive;
  const args = [t(F), scalar(1)];
  sameError(
    () => bind(odd, args, {}),
    () => bind(ipgaussPrimitive(new Float64Array([-1, 1])), args, {}),
    "even vGrid",
  );
});

// ---------------------------------------------------------------- sampling

const M = NUOBS.length;
const spConsts = samplingStageConsts(NU, NUOBS);
const spStage = stagePrimitive(be, samplingStage, {
  consts: spConsts.consts.map((a) => be.wrap(a)),
  params: spConsts.params,
  outShape: () => [M],
}).primitive;
const spRef = samplingPrimitive(NU, NUOBS);

Deno.test("sop.sampling: stage = samplingPrimitive bit for bit", () => {
  for (const rv of [3.7, -15.2, 0]) {
    const args = [t(F), scalar(rv)];
    const tf = t(UT.subarray(2 * N, 4 * N).map((x) => x - 0.5), [2, N]);
    const tr = t([1.5, -0.25], [2]);
    stageParity({
      stage: spStage,
      ref: spRef,
      args,
      tangents: [[tf, tr], [null, tr], [tf, null]],
      cts: cts(M),
    });
  }
  // jacrev: one pullback per output row on the same residuals
  const x = t(F);
  const ja = jacrev((f) => bind(spStage, [f, scalar(2.5)], {}))(x);
  const jb = jacrev((f) => bind(spRef, [f, scalar(2.5)], {}))(x);
  sameTensor(ja, jb, "jacrev");
  // points clamped at both ends (RV of ±100 km/s pushes them off the grid)
  const far = stagePrimitive(be, samplingStage, {
    consts: [be.wrap(NU), be.wrap(new Float64Array([NU[0]!, NU[N - 1]!]))],
    outShape: () => [2],
  }).primitive;
  const farRef = samplingPrimitive(NU, new Float64Array([NU[0]!, NU[N - 1]!]));
  for (const rv of [100, -100]) {
    const g = (p: Primitive) =>
      grad((r) => sum(bind(p, [t(F), r], {})))(scalar(rv));
    sameTensor(g(far), g(farRef), `clamped, rv ${rv}`);
  }
});

Deno.test("sop.sampling: bad input throws the existing errors", () => {
  const cases: [string, Tensor[]][] = [
    ["NaN in f", [t(F.map((x, i) => (i === 5 ? NaN : x))), scalar(1)]],
    ["rv NaN", [t(F), scalar(NaN)]],
    ["f too short", [t(F.subarray(1)), scalar(1)]],
  ];
  const tan = [null, t([1, 2], [2])];
  for (const [what, args] of cases) {
    sameError(
      () => bind(spStage, args, {}),
      () => bind(spRef, args, {}),
      `${what}: forward`,
    );
    sameError(
      () => spStage.jvp(args, tan, {}, 2),
      () => spRef.jvp(args, tan, {}, 2),
      `${what}: jvp`,
    );
    sameError(
      () => spStage.vjpForward!(args, {}),
      () => spRef.vjpForward!(args, {}),
      `${what}: vjp`,
    );
  }
  // outOfRange "error" through the param, against the function with the option
  const c = samplingStageConsts(NU, NUOBS, { outOfRange: "error" });
  const strict = stagePrimitive(be, samplingStage, {
    consts: c.consts.map((a) => be.wrap(a)),
    params: c.params,
    outShape: () => [M],
  }).primitive;
  const args = [t(F), scalar(300)];
  sameError(
    () => bind(strict, args, {}),
    () => sampling(F, NU, 300, NUOBS, { outOfRange: "error" }),
    "outOfRange error",
  );
  sameError(
    () => strict.vjpForward!(args, {}),
    () => samplingWithVjp(F, NU, 300, NUOBS, { outOfRange: "error" }),
    "outOfRange error: vjp",
  );
  // in range, "error" mode gives the clamp mode's numbers
  sameTensor(
    bind(strict, [t(F), scalar(1)], {}),
    bind(spRef, [t(F), scalar(1)], {}),
    "error mode in range",
  );
});
