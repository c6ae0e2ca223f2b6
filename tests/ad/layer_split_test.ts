// layerSplitPlan: how the kernels of the layer-separable stages divide over the layers, from
// their specs' layerAxis and the sizes of a call; what is not split (jvp, a batch, one layer,
// sizes that do not fit).
import { layerSplitPlan } from "../../src/ad/layer_split.ts";
import { premoditXsmatrixStage } from "../../src/opacity/kernels.ts";
import { ciaLogaciaStage } from "../../src/opacity/kernels.ts";
import {
  emissionIbasedStage,
  opacityProfileCiaStage,
  opacityProfileXsStage,
} from "../../src/rt/kernels.ts";
import { assert, assertEquals } from "../_util.ts";

const L = 4, N = 8;
const PM_CONSTS = [N, 5, 9, 9, 9, 9, 9, 2, 2, 2, 2];
const W = "whole";

Deno.test("layerSplitPlan: PreMODIT forward, vjp (needed and empty residuals) and pullback", () => {
  const spec = premoditXsmatrixStage;
  const cw = PM_CONSTS.map(() => W);
  assertEquals(
    layerSplitPlan(spec, "forward", [...PM_CONSTS, L, L], [L * N], {}),
    {
      layers: L,
      ins: [...cw, 1, 1],
      outs: [N],
    },
  );
  const r = 2 * (N + 1);
  assertEquals(
    layerSplitPlan(spec, "vjp", [...PM_CONSTS, L, L], [L * N, L * r, 0], {
      need0: 1,
      need1: 0,
    })!.outs,
    [N, r, W],
  );
  const pb = layerSplitPlan(
    spec,
    "pullback",
    [...PM_CONSTS, L, L, L * r, 0, L * N],
    [L, 0],
    { need0: 1, need1: 0 },
  )!;
  assertEquals(pb.ins.slice(-5), [1, 1, r, W, N]);
  assertEquals(pb.outs, [1, W]);
});

Deno.test("layerSplitPlan: CIA log10 k and the CIA profile (a scalar gravity: shared in, summed out)", () => {
  const cia = layerSplitPlan(ciaLogaciaStage, "forward", [N, 2, 2, 4, 5, L], [
    L * N,
  ], {})!;
  assertEquals(cia.ins, [W, W, W, W, W, 1]);
  const s = [L, L, L * N, L, 1];
  const pb = layerSplitPlan(
    opacityProfileCiaStage,
    "pullback",
    [...s, L * N, L, L * N],
    [L * N, L, 1],
    {},
  )!;
  assertEquals(pb.ins, [1, 1, N, 1, W, N, 1, N]);
  assertEquals(pb.outs, [N, 1, "sum"]);
});

Deno.test("layerSplitPlan: the xs profile with an [L·N] or a shared [N] σ, scalar or [L] mmr and gravity", () => {
  const p = { molmass: 28, nnu: N };
  assertEquals(
    layerSplitPlan(
      opacityProfileXsStage,
      "forward",
      [L, L * N, 1, L],
      [L * N],
      p,
    )!
      .ins,
    [1, N, W, 1],
  );
  // one σ row [N] for every layer (N = 2L, so its length is a multiple of L): whole, and its
  // cotangent summed
  const pb = layerSplitPlan(
    opacityProfileXsStage,
    "pullback",
    [L, N, 1, 1, L, L, L, L * N],
    [N, 1, 1],
    p,
  )!;
  assertEquals(pb.ins.slice(0, 4), [1, W, W, W]);
  assertEquals(pb.outs, ["sum", "sum", "sum"]);
});

Deno.test("layerSplitPlan: no plan for jvp, a batch, one layer, sizes that do not fit, or a stage without a layer axis", () => {
  const s = [...PM_CONSTS, L, L];
  assert(
    layerSplitPlan(
      premoditXsmatrixStage,
      "jvp",
      [...s, L, 0],
      [L * N, L * N],
      {},
    ) === null,
  );
  assert(
    layerSplitPlan(premoditXsmatrixStage, "forward", s, [L * N], {
      batch: 2,
    }) === null,
  );
  assert(
    layerSplitPlan(
      premoditXsmatrixStage,
      "forward",
      [...PM_CONSTS, 1, 1],
      [N],
      {},
    ) === null,
  );
  assert(
    layerSplitPlan(premoditXsmatrixStage, "forward", [...PM_CONSTS, L, L - 1], [
      L * N,
    ], {}) === null,
  );
  assert(
    layerSplitPlan(premoditXsmatrixStage, "forward", s, [L * N + 1], {}) ===
      null,
  );
  assert(
    layerSplitPlan(opacityProfileCiaStage, "forward", [L, L, L * N + 2, L, 1], [
      L * N + 2,
    ], {}) === null,
  );
  assert(
    layerSplitPlan(emissionIbasedStage, "forward", [N, L * N, L], [N], {}) ===
      null,
  );
});
