// Every physics primitive wrapper (forward + JVP + VJP in one place) checked on tutorial sizes:
// JVP vs central differences (1e-5), batched vs unbatched JVP, and ⟨w, J v⟩ = ⟨Jᵀ w, v⟩ (1e-10).
import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import {
  bind,
  scalar,
  type Tensor,
  tensor,
  type Value,
} from "../../src/ad/mod.ts";
import type { OpaPremodit } from "../../src/opacity/premodit.ts";
import {
  logaciaPrimitive,
  xsmatrixPrimitive,
} from "../../src/opacity/primitives.ts";
import {
  emissionPrimitive,
  opacityProfileCiaPrimitive,
  opacityProfileXsPrimitive,
  powerlawTemperaturePrimitive,
} from "../../src/rt/primitives.ts";
import {
  ipgaussPrimitive,
  rigidRotationPrimitive,
  samplingPrimitive,
} from "../../src/sop/primitives.ts";
import { key, normal } from "../../src/random/prng.ts";
import { checkRules } from "../ad/_check.ts";
import { assert, assertThrows, SHARED_DATA } from "../_util.ts";
import { FirstOrderOnlyError } from "../../src/errors.ts";
import { grad, jacfwd } from "../../src/ad/core.ts";
import { sum } from "../../src/ad/ops.ts";

let _m: TutorialModel | undefined;
async function model(): Promise<TutorialModel> {
  return _m ??= await createTutorialModel({ dbDir: SHARED_DATA });
}

/** Random direction scaled elementwise by |x| (relative perturbations). */
function rel(x: Float64Array, seed: number, frac = 1): Float64Array {
  const z = normal(key(seed), x.length);
  return Float64Array.from(x, (v, i) => frac * z[i]! * Math.abs(v));
}

const T_UNCLIPPED = (m: TutorialModel) => m.art.powerlawTemperature(1250, 0.05); // 703–1400 K

Deno.test("xsmatrix primitive: JVP/VJP in T[] and P[] vs finite differences and each other", async () => {
  const m = await model();
  const prim = xsmatrixPrimitive(m.opa as OpaPremodit);
  const T = T_UNCLIPPED(m);
  // relative steps of ~1e-6 (T steps of ~1e-3 K mostly stay inside the 1 K intervals of the
  // partition-function table, whose slope jumps by ~3e-4 at the nodes)
  checkRules("xsmatrix", (t, p) => bind(prim, [t, p], {}), [
    tensor(T),
    tensor(m.pressure),
  ], {
    h: 1e-3,
    directions: [rel(T, 1, 1e-3), rel(m.pressure, 2, 1e-3)],
    log: true,
  });
});

Deno.test("logaciaMatrix primitive: JVP/VJP in T[]", async () => {
  const m = await model();
  const prim = logaciaPrimitive(m.opaCia);
  const T = T_UNCLIPPED(m);
  checkRules("logaciaMatrix", (t) => bind(prim, [t], {}), [tensor(T)], {
    eps: 1e-7,
    directions: [rel(T, 3, 1e-3)],
  });
});

Deno.test("powerlawTemperature primitive: JVP/VJP in T0 and alpha (inside and with clipped layers)", async () => {
  const m = await model();
  const prim = powerlawTemperaturePrimitive(m.art.pressure, [500, 1500]);
  for (const [t0, a] of [[1250, 0.05], [1000, 0.2], [1499, 0.11]]) {
    checkRules(
      `powerlaw T0=${t0} alpha=${a}`,
      (x, y) => bind(prim, [x, y], {}),
      [scalar(t0!), scalar(a!)],
      {
        eps: 1e-7,
        directions: [new Float64Array([t0!]), new Float64Array([a! * 0.7])],
      },
    );
  }
});

Deno.test("opacity profile primitives: JVP/VJP in xs, MMR (scalar and per layer), gravity, logacia and T", async () => {
  const m = await model();
  const N = m.nuGrid.length, L = m.pressure.length;
  const T = T_UNCLIPPED(m);
  const xs = (m.opa as OpaPremodit).xsmatrix(T, m.art.pressure);
  const px = opacityProfileXsPrimitive(m.molmass, m.art.dParr, N);
  checkRules("opacityProfileXs", (a, b, c) => bind(px, [a, b, c], {}), [
    tensor(xs, [L, N]),
    scalar(0.01),
    scalar(24785),
  ], {
    eps: 1e-7,
    directions: [
      rel(xs, 4),
      new Float64Array([0.01]),
      new Float64Array([24785]),
    ],
  });
  const mmrL = new Float64Array(L).fill(0.01);
  checkRules(
    "opacityProfileXs per-layer MMR",
    (a, b, c) => bind(px, [a, b, c], {}),
    [
      tensor(xs, [L, N]),
      tensor(mmrL),
      scalar(24785),
    ],
    {
      eps: 1e-7,
      directions: [rel(xs, 5), rel(mmrL, 6), new Float64Array([24785])],
    },
  );
  const la = m.opaCia.logaciaMatrix(T);
  const pc = opacityProfileCiaPrimitive(
    m.art.pressure,
    m.art.dParr,
    m.vmrH2,
    m.vmrH2,
    m.mmw,
  );
  checkRules("opacityProfileCia", (a, b, c) => bind(pc, [a, b, c], {}), [
    tensor(la, [L, N]),
    tensor(T),
    scalar(24785),
  ], {
    eps: 1e-7,
    directions: [rel(la, 7, 1e-3), rel(T, 8, 1e-3), new Float64Array([24785])],
  });
});

Deno.test("emission primitives (ibased, fbased2st): JVP/VJP in dtau and T", async () => {
  const m = await model();
  const st = m.stages(1250, 0.05, 0.01, 24785, 40, 10);
  const L = m.pressure.length, N = m.nuGrid.length;
  for (const solver of ["ibased", "fbased2st"] as const) {
    const p = emissionPrimitive(m.nuGrid, { solver });
    checkRules(`emission ${solver}`, (d, t) => bind(p, [d, t], {}), [
      tensor(st.dtau, [L, N]),
      tensor(st.temperature),
    ], {
      eps: 1e-7,
      directions: [rel(st.dtau, 9, 1e-2), rel(st.temperature, 10, 1e-3)],
    });
  }
});

Deno.test("spectral-operator primitives: rotation (f, vsini, u1, u2), IP (f, beta), sampling (f, RV)", async () => {
  const m = await model();
  const f = m.stages(1200, 0.1, 0.01, 24785, 40, 10).flux;
  const rot = rigidRotationPrimitive(m.sopRot.vGrid);
  checkRules("rigidRotation", (a, b, c, d) => bind(rot, [a, b, c, d], {}), [
    tensor(f),
    scalar(10.3),
    scalar(0.3),
    scalar(0.2),
  ], {
    eps: 1e-7,
    directions: [
      rel(f, 11, 1e-2),
      new Float64Array([10.3]),
      new Float64Array([0.3]),
      new Float64Array([0.2]),
    ],
  });
  const ip = ipgaussPrimitive(m.sopInst.vGrid);
  checkRules("ipgauss", (a, b) => bind(ip, [a, b], {}), [
    tensor(f),
    scalar(m.betaInst),
  ], {
    eps: 1e-7,
    directions: [rel(f, 12, 1e-2), new Float64Array([m.betaInst])],
  });
  const sp = samplingPrimitive(m.nuGrid, m.nuObs);
  checkRules("sampling", (a, b) => bind(sp, [a, b], {}), [
    tensor(f),
    scalar(40.3),
  ], {
    eps: 1e-7,
    directions: [rel(f, 13, 1e-2), new Float64Array([40.3])],
  });
});

Deno.test("physics primitives refuse nested differentiation with a clear error (first order only)", async () => {
  const m = await model();
  const sp = samplingPrimitive(m.nuGrid, m.nuObs);
  const f = tensor(m.stages(1200, 0.1, 0.01, 24785, 40, 10).flux);
  const g = (rv: Value) => sum(bind(sp, [f, rv], {}));
  const e = assertThrows(
    () => jacfwd(grad(g))(scalar(40)) as Tensor,
    FirstOrderOnlyError,
    "first order only",
  );
  assert(
    e instanceof TypeError &&
      (e as FirstOrderOnlyError).primitive === "sampling",
  );
});
