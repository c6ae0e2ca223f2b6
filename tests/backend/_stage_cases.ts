// Parity cases for the physics stages' kernels (src/ad/stage_kernels.ts): one small,
// well-conditioned configuration per stage (N = 512 grid points from 4300 cm⁻¹, L = 6 layers,
// 40 synthetic lines, a synthetic CIA table), from which every stage's four kernels get their
// buffers: `name` (consts, args → out), `name.jvp` (k = 2 random tangents), `name.vjp` (all
// residuals wanted) and `name.pullback` (the js backend's residuals of the same inputs and a
// random cotangent). A backend that registers a stage is compared with js on exactly these.
import type { KernelParams } from "../../src/backend/backend.ts";
import type { JsBackend } from "../../src/backend/js/js_backend.ts";
import {
  stageKernelNames,
  type StageSpec,
} from "../../src/ad/stage_kernels.ts";
import { key, split, uniform } from "../../src/random/mod.ts";
import { createArtEmisPure } from "../../src/rt/art_emis_pure.ts";
import {
  emissionFbased2stStage,
  emissionIbasedStage,
  opacityProfileCiaStage,
  opacityProfileXsStage,
  powerlawTemperatureStage,
} from "../../src/rt/kernels.ts";
import {
  ipgaussStage,
  rigidRotationStage,
  samplingStage,
} from "../../src/sop/kernels.ts";
import {
  ciaLogaciaStage,
  ciaStageConsts,
  premoditStageConsts,
  premoditXsmatrixStage,
} from "../../src/opacity/kernels.ts";
import { createOpaPremodit } from "../../src/opacity/premodit.ts";
import { createOpaCia } from "../../src/opacity/cia.ts";
import { createSopInstProfile, createSopRotation } from "../../src/sop/sop.ts";
import { syntheticLines } from "../_stage_parity.ts";

/** One parity case: host inputs, output sizes and params for a kernel. */
export interface KernelCase {
  label: string;
  inputs: Float64Array[];
  outputs: number[];
  params?: KernelParams;
}

/** A stage with concrete constants, arguments and params. */
interface StageSetup {
  spec: StageSpec;
  consts: Float64Array[];
  args: Float64Array[];
  params: KernelParams;
}

let _k = key(20261207);
function rand(n: number, lo = -1, hi = 1): Float64Array {
  const [a, b] = split(_k);
  _k = a!;
  return uniform(b!, n).map((u) => lo + (hi - lo) * u);
}

const N = 512, L = 6;
const NU = Float64Array.from({ length: N }, (_, i) => 4300 * Math.exp(i / 1e5));

function setups(): StageSetup[] {
  const art = createArtEmisPure({
    nuGrid: NU,
    pressureTop: 1e-4,
    pressureBtm: 10,
    nlayer: L,
    rtsolver: "ibased",
    nstream: 8,
  });
  const temp = Float64Array.from(
    { length: L },
    (_, i) => 800 + 500 * i / (L - 1),
  );
  const opa = createOpaPremodit(
    syntheticLines(NU, rand(6 * 40, 0, 1)),
    NU,
    { autoTrange: [500, 1500] },
  );
  const pre = premoditStageConsts(opa.tables);
  const ctNu = Float64Array.from({ length: 9 }, (_, i) => 4200 + 50 * i);
  const ctT = Float64Array.from({ length: 5 }, (_, i) => 400 + 300 * i);
  const cia = createOpaCia({
    pair: "H2-H2",
    nu: ctNu,
    t: ctT,
    logk: Float64Array.from(
      { length: 45 },
      (_, i) => -46 + 0.1 * (i % 9) + 0.3 * Math.floor(i / 9),
    ),
  }, NU);
  const ciaC = ciaStageConsts(cia);
  const rot = createSopRotation(NU, { vsiniMax: 20 });
  const inst = createSopInstProfile(NU, { vrMax: 20 });
  const nuObs = Float64Array.from({ length: 90 }, (_, i) => NU[20 + 5 * i]!);
  const dtau = rand(L * N, 1e-3, 0.5);
  const flux = rand(N, 0.5, 1.5);
  const one = (x: number) => new Float64Array([x]);
  return [
    {
      spec: powerlawTemperatureStage,
      consts: [art.pressure],
      args: [one(1200), one(0.1)],
      params: { tmin: 500, tmax: 1500 },
    },
    {
      spec: opacityProfileXsStage,
      consts: [art.dParr],
      args: [rand(L * N, 1e-22, 1e-20), one(0.01), one(2.4e4)],
      params: { molmass: 28, nnu: N },
    },
    {
      spec: opacityProfileCiaStage,
      consts: [art.pressure, art.dParr],
      args: [rand(L * N, -46, -44), temp, one(2.4e4)],
      params: { vmr1: 0.855, vmr2: 0.855, mmw: 2.33 },
    },
    {
      spec: emissionIbasedStage,
      consts: [NU],
      args: [dtau, temp],
      params: { nstream: 8 },
    },
    {
      spec: emissionFbased2stStage,
      consts: [NU],
      args: [dtau, temp],
      params: {},
    },
    {
      spec: premoditXsmatrixStage,
      consts: pre.consts,
      args: [temp, art.pressure],
      params: pre.params,
    },
    {
      spec: ciaLogaciaStage,
      consts: ciaC.consts,
      args: [temp],
      params: ciaC.params,
    },
    {
      spec: rigidRotationStage,
      consts: [rot.vGrid],
      args: [flux, one(10), one(0.3), one(0.1)],
      params: {},
    },
    {
      spec: ipgaussStage,
      consts: [inst.vGrid],
      args: [flux, one(4.3)],
      params: {},
    },
    {
      spec: samplingStage,
      consts: [NU, nuObs],
      args: [flux, one(12)],
      params: {},
    },
  ];
}

/**
 * Parity cases of every stage kernel, by kernel name. The pullback's residuals are those the
 * js backend's `name.vjp` writes for the same inputs.
 *
 * @param js A js backend with the stages registered (used to make the pullback's residuals).
 */
export function stageCases(js: JsBackend): Record<string, () => KernelCase[]> {
  const out: Record<string, () => KernelCase[]> = {};
  for (const s of setups()) {
    const [f, j, v, p] = stageKernelNames(s.spec.name);
    const ins = [...s.consts, ...s.args];
    const sizes = ins.map((a) => a.length);
    const n = s.spec.outSize(sizes, s.params);
    const need: Record<string, number> = {};
    s.args.forEach((_, i) => (need[`need${i}`] = 1));
    const pv = { ...s.params, ...need };
    const res = s.spec.residualSizes(sizes, pv);
    out[f] = () => [{
      label: "forward",
      inputs: ins,
      outputs: [n],
      params: s.params,
    }];
    out[j] = () => [{
      label: "k=2",
      inputs: [...ins, ...s.args.map((a) => rand(2 * a.length))],
      outputs: [n, 2 * n],
      params: { ...s.params, k: 2 },
    }];
    out[v] = () => [{
      label: "all needs",
      inputs: ins,
      outputs: [n, ...res],
      params: pv,
    }];
    out[p] = () => {
      const bufs = ins.map((a) => js.wrap(a));
      const outs = [n, ...res].map((m) => js.alloc(m));
      js.run(v, bufs, outs, pv);
      const resid = outs.slice(1).map((b) => js.readSync(b));
      return [{
        label: "all needs",
        inputs: [...ins, ...resid, rand(n)],
        outputs: s.args.map((a) => a.length),
        params: pv,
      }];
    };
  }
  return out;
}
