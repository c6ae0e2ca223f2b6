// The batch axis (issue 9): B parameter sets through the emission model and the tutorial's
// log-likelihood in one pass of kernels ([B, 6] → [B, nObs]; θ [B, 7] → values [B] and
// gradients [B, 7]). Reference: the same B sets one at a time. Every number must be the same,
// bit for bit (the per-item kernels are the same code), on js and on a device backend.
import { jvpBatch, type Tensor, tensor, type Value } from "../../src/ad/mod.ts";
import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../../src/spectrum/tutorial_ad.ts";
import { createStageJsBackend } from "../../src/spectrum/stage_backend.ts";
import { countingDevice } from "../_device_backend.ts";
import { assert, assertThrows, SHARED_DATA } from "../_util.ts";

const SETS = [
  [1200, 0.1, 0.01, 4.39, 40, 10, 500],
  [1050, 0.16, 0.004, 4.5, 36, 6, 800],
  [1400, 0.07, 0.013, 4.25, 44, 14, 300],
];
const B = SETS.length;

let _m: TutorialModel | undefined;
const model = async () =>
  _m ??= await createTutorialModel({ dbDir: SHARED_DATA, nlayer: 12 });

const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert(a.length === b.length, `${what}: ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    assert(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  }
};

Deno.test("batch: fspec of [B] parameters is [B, nObs], row b equal to fspec of set b bit for bit", async () => {
  const m = await model();
  const ad = createTutorialAd(m);
  const col = (j: number) => tensor(SETS.map((s) => s[j]!));
  const g = tensor(SETS.map((s) => 10 ** s[3]!));
  const mu = ad.fspec(col(0), col(1), col(2), g, col(4), col(5)) as Tensor;
  const n = m.nuObs.length;
  assert(mu.shape.length === 2 && mu.shape[0] === B && mu.shape[1] === n);
  SETS.forEach((s, b) => {
    const ref = m.fspec(s[0]!, s[1]!, s[2]!, 10 ** s[3]!, s[4]!, s[5]!);
    same(mu.data.subarray(b * n, (b + 1) * n), ref, `row ${b}`);
  });
  // a batch needs every input batched
  assertThrows(
    () => ad.fspec(col(0), col(1), col(2), tensor(24000, []), col(4), col(5)),
    TypeError,
    "gravity must have shape [3]",
  );
});

Deno.test("batch: the log-likelihood gradient of θ [B, 7] in one reverse pass equals B single gradients bit for bit; a forward-mode direction too", async () => {
  const m = await model();
  const ad = createTutorialAd(m);
  const y = m.fspec(1180, 0.11, 0.011, 24000, 38, 11);
  const theta = new Float64Array(SETS.flat());
  const r = ad.logLikelihoodGradBatch(theta, y);
  SETS.forEach((s, b) => {
    const one = ad.logLikelihoodGrad(new Float64Array(s), y, "reverse");
    same([r.value[b]!], [one.value], `value ${b}`);
    same(r.grad.subarray(7 * b, 7 * b + 7), one.grad, `gradient ${b}`);
  });
  // forward mode: one direction u [B, 7] through the batch = each row's directional derivative
  const u = tensor(Array.from({ length: 7 * B }, (_, i) => Math.sin(i + 1)), [
    1,
    B,
    7,
  ]);
  const yt = tensor(y);
  const [, d] = jvpBatch(
    (t: Value) => ad.logLikelihood(t, yt),
    [tensor(theta, [B, 7])],
    [u],
  );
  SETS.forEach((s, b) => {
    const [, d1] = jvpBatch(
      (t: Value) => ad.logLikelihood(t, yt),
      [tensor(s)],
      [tensor(u.data.slice(7 * b, 7 * b + 7), [1, 7])],
    );
    same([(d as Tensor).data[b]!], [(d1 as Tensor).data[0]!], `jvp ${b}`);
  });
});

Deno.test("batch on a device backend: the same numbers as js; θ [B, 7] uploaded once, values and gradients read once each", async () => {
  const m = await model();
  const device = countingDevice(createStageJsBackend());
  const dev = await createTutorialModel({
    dbDir: SHARED_DATA,
    nlayer: 12,
    backend: device.be,
  });
  const y = m.fspec(1180, 0.11, 0.011, 24000, 38, 11);
  const theta = new Float64Array(SETS.flat());
  const ref = createTutorialAd(m).logLikelihoodGradBatch(theta, y);
  const adD = createTutorialAd(dev);
  adD.logLikelihoodGradBatch(theta, y); // warm-up
  device.reset();
  const r = adD.logLikelihoodGradBatch(theta, y);
  same(r.value, ref.value, "values");
  same(r.grad, ref.grad, "gradients");
  const c = device.counters;
  // θ (21 numbers) and the data (this host entry point uploads them); values [3] and grad [21]
  assert(c.writes === 2, `${c.writes} uploads`);
  assert(c.writtenValues === 7 * B + y.length, `${c.writtenValues} uploaded`);
  assert(c.reads === 2 && c.readValues === B + 7 * B, `${c.reads} reads`);
});
