// Device-resident tensors (issue 9): the tutorial model on a backend whose buffers the host
// cannot see (tests/_device_backend.ts: opaque handles over the js kernels, every transfer
// counted). Its spectrum, log-likelihood gradient (reverse and forward) and one SVI step must be
// the js path's numbers bit for bit, while the only transfers of a step are the upload of the
// parameter draw and the reads of the loss and of the parameter gradient; every buffer made
// inside a step is freed when it ends.
import {
  DeviceResidentError,
  type Tensor,
  tensor,
  toBackend,
  type Value,
} from "../../src/ad/mod.ts";
import { jvpBatch, valueAndGrad } from "../../src/ad/core.ts";
import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../../src/spectrum/tutorial_ad.ts";
import { createStageJsBackend } from "../../src/spectrum/stage_backend.ts";
import { scopeSync } from "../../src/ad/scope.ts";
import { SVI } from "../../src/infer/svi.ts";
import { TraceELBO } from "../../src/infer/elbo.ts";
import { adam } from "../../src/infer/optim.ts";
import { AutoMultivariateNormal } from "../../src/infer/autoguides/mvn.ts";
import { key } from "../../src/random/prng.ts";
import { countingDevice } from "../_device_backend.ts";
import { factorModel } from "../_factor_model.ts";
import { assert, assertThrows, SHARED_DATA } from "../_util.ts";

const NLAYER = 12;
const THETA = [1200, 0.1, 0.01, Math.log10(24785.77), 40, 10, 500];

interface Pair {
  js: TutorialModel;
  dev: TutorialModel;
  device: ReturnType<typeof countingDevice>;
  y: Float64Array;
}
let _p: Pair | undefined;
async function pair(): Promise<Pair> {
  if (_p) return _p;
  const js = await createTutorialModel({ dbDir: SHARED_DATA, nlayer: NLAYER });
  const device = countingDevice(createStageJsBackend());
  const dev = await createTutorialModel({
    dbDir: SHARED_DATA,
    nlayer: NLAYER,
    backend: device.be,
  });
  // synthetic data: the model at θ, perturbed deterministically
  const y = js.fspec(1180, 0.11, 0.011, 24000, 38, 11).map((v, i) =>
    v * (1 + 0.01 * Math.sin(i))
  );
  _p = { js, dev, device, y };
  return _p;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert(a.length === b.length, `${what}: ${a.length} vs ${b.length} values`);
  for (let i = 0; i < a.length; i++) {
    assert(
      Object.is(a[i], b[i]),
      `${what}[${i}]: device ${a[i]} vs js ${b[i]}`,
    );
  }
};

Deno.test("device model: the spectrum and every stage equal the js path bit for bit; the spectrum stays on the device", async () => {
  const { js, dev, device } = await pair();
  assert(dev.emission.backend === device.be, "the model runs on the device");
  const p = [1200, 0.1, 0.01, 24785.77, 40, 10] as const;
  const sj = js.stages(...p), sd = dev.stages(...p);
  for (const k of Object.keys(sj) as (keyof typeof sj)[]) {
    same(sd[k], sj[k], k);
  }
  const adD = createTutorialAd(dev);
  const mu = scopeSync(() =>
    adD.fspec(...p.map((v) => tensor(v, [])) as [
      Value,
      Value,
      Value,
      Value,
      Value,
      Value,
    ]) as Tensor
  );
  assert(!mu.isHost, "fspec returns a device tensor");
  assertThrows(() => mu.data, DeviceResidentError);
  same(mu.readSync(), js.fspec(...p), "fspec");
});

Deno.test("device model: the log-likelihood gradient (reverse and forward) equals js bit for bit, uploading θ once and reading back the value and the gradient only; the step frees every buffer it made", async () => {
  const { js, dev, device, y } = await pair();
  const adJ = createTutorialAd(js), adD = createTutorialAd(dev);
  const c = device.counters;
  const yDev = toBackend(tensor(y), device.be) as Tensor; // the data: uploaded once
  const theta = new Float64Array(THETA);
  const ref = adJ.logLikelihoodGrad(theta, y, "reverse");
  for (const mode of ["reverse", "forward"] as const) {
    const live0 = c.live;
    device.reset();
    const r = scopeSync(() => {
      // the same computation as logLikelihoodGrad, with the data already on the device
      const th = tensor(theta.slice());
      return mode === "reverse"
        ? _revGrad((t) => adD.logLikelihood(t, yDev), th)
        : _fwdGrad((t) => adD.logLikelihood(t, yDev), th);
    });
    const refMode = mode === "reverse"
      ? ref
      : adJ.logLikelihoodGrad(theta, y, "forward");
    same([r.value], [refMode.value], `${mode} value`);
    same(r.grad, refMode.grad, `${mode} gradient`);
    // reverse: θ up (7 numbers); value and gradient down. forward: θ and its 7×7 tangent up.
    assert(
      c.writes === (mode === "reverse" ? 1 : 2),
      `${mode}: ${c.writes} uploads`,
    );
    assert(
      c.writtenValues === (mode === "reverse" ? 7 : 56),
      `${mode}: ${c.writtenValues} numbers uploaded`,
    );
    assert(c.reads === 2, `${mode}: ${c.reads} reads`);
    assert(c.readValues === 8, `${mode}: ${c.readValues} numbers read`);
    assert(c.live === live0, `${mode}: ${c.live - live0} buffers left`);
    // the host API gives the same numbers (it uploads the data as well)
    const h = adD.logLikelihoodGrad(theta, y, mode);
    same(h.grad, refMode.grad, `${mode} logLikelihoodGrad`);
  }
});

function _revGrad(f: (t: Value) => Value, th: Tensor) {
  const [v, [g]] = valueAndGrad(f)(th);
  return { value: (v as Tensor).item(), grad: (g as Tensor).data };
}
function _fwdGrad(f: (t: Value) => Value, th: Tensor) {
  const eye = new Float64Array(49);
  for (let i = 0; i < 7; i++) eye[i * 8] = 1;
  const [v, t] = jvpBatch(f, [th], [tensor(eye, [7, 7])]);
  return { value: (v as Tensor).item(), grad: (t as Tensor).readSync() };
}

Deno.test("device model: one SVI step (AutoMultivariateNormal, Trace ELBO, Adam) equals the js step bit for bit; it uploads only the guide's draw and reads back only the loss and the parameter gradient", async () => {
  const { js, dev, device, y } = await pair();
  const yDev = toBackend(tensor(y), device.be) as Tensor;
  const yJs = tensor(y);
  const mk = (m: TutorialModel) => {
    const model = factorModel(createTutorialAd(m));
    return SVI(model, AutoMultivariateNormal(model), adam(1e-3), TraceELBO());
  };
  const sJ = mk(js), sD = mk(dev);
  let stJ = sJ.init(key(0), yJs), stD = sD.init(key(0), yDev);
  const c = device.counters;
  for (let step = 0; step < 2; step++) {
    const live0 = c.live;
    device.reset();
    const [nJ, lJ] = sJ.update(stJ, yJs);
    const [nD, lD] = sD.update(stD, yDev);
    same([lD], [lJ], `loss of step ${step}`);
    for (const k of Object.keys(nJ.optimState.params)) {
      same(
        nD.optimState.params[k]!.data,
        nJ.optimState.params[k]!.data,
        `param ${k} after step ${step}`,
      );
    }
    assert(
      c.writes === 1 && c.writtenValues === 7,
      `step ${step}: ${c.writes} uploads (${c.writtenValues} numbers)`,
    );
    assert(
      c.reads === 2 && c.readValues === 8,
      `step ${step}: ${c.reads} reads (${c.readValues} numbers)`,
    );
    assert(c.live === live0, `step ${step}: ${c.live - live0} buffers left`);
    stJ = nJ;
    stD = nD;
  }
});
