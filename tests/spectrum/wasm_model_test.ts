// The tutorial model on the wasm backend (createStageWasmBackend: the AssemblyScript SIMD
// kernels where they exist, the js kernels over linear memory elsewhere). Its tensors live in
// linear memory; its spectrum and log-likelihood gradient agree with the js backend (issue 10's
// tolerance: 1e-10 relative; the SIMD exp of rt.emission_ibased differs from V8's Math.exp in
// the last bits), an SVI step gives the same loss, and every buffer a step makes is freed.
import { type Tensor, tensor } from "../../src/ad/mod.ts";
import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../../src/spectrum/tutorial_ad.ts";
import {
  createStageWasmBackend,
  type StageWasmBackend,
} from "../../src/spectrum/stage_backend.ts";
import { toBackend } from "../../src/ad/ops.ts";
import { SVI } from "../../src/infer/svi.ts";
import { TraceELBO } from "../../src/infer/elbo.ts";
import { adam } from "../../src/infer/optim.ts";
import { AutoMultivariateNormal } from "../../src/infer/autoguides/mvn.ts";
import { key } from "../../src/random/prng.ts";
import type { WasmBackend } from "../../src/backend/wasm/wasm_backend.ts";
import { assert, SHARED_DATA } from "../_util.ts";
import { factorModel } from "../_factor_model.ts";

const NLAYER = 12;
let _p:
  | { js: TutorialModel; wm: TutorialModel; be: StageWasmBackend }
  | undefined;
async function pair() {
  if (_p) return _p;
  // NaN in every buffer a kernel is trusted to write in full (see allocOutput): a kernel that
  // leaves part of one unwritten shows up as NaN
  const be = await createStageWasmBackend({ poisonUninit: true });
  const js = await createTutorialModel({ dbDir: SHARED_DATA, nlayer: NLAYER });
  const wm = await createTutorialModel({
    dbDir: SHARED_DATA,
    nlayer: NLAYER,
    backend: be,
  });
  _p = { js, wm, be };
  return _p;
}

function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0, e = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return e / Math.max(s, 1e-300);
}

/** Counts live allocations of a backend (wrapping alloc and free). */
function liveCounter(be: WasmBackend): () => number {
  // deno-lint-ignore no-explicit-any
  const b = be as any;
  let live = 0;
  const alloc = b.alloc, allocUninit = b.allocUninit, free = b.free;
  b.alloc = (n: number, d?: string) => {
    live++;
    return alloc(n, d);
  };
  b.allocUninit = (n: number, d?: string) => {
    live++;
    return allocUninit(n, d);
  };
  b.free = (x: unknown) => {
    live--;
    return free(x);
  };
  return () => live;
}

Deno.test("wasm model: every stage and the spectrum agree with js to 1e-12; the gradient (reverse and forward) to 1e-10", async () => {
  const { js, wm } = await pair();
  const p = [1200, 0.1, 0.01, 24785.77, 40, 10] as const;
  const sj = js.stages(...p), sw = wm.stages(...p);
  for (const k of Object.keys(sj) as (keyof typeof sj)[]) {
    const e = rel(sw[k], sj[k]);
    assert(e < 1e-12, `${k}: relative difference ${e}`);
  }
  const y = js.fspec(1180, 0.11, 0.011, 24000, 38, 11);
  const theta = new Float64Array([1200, 0.1, 0.01, 4.39, 40, 10, 500]);
  for (const mode of ["reverse", "forward"] as const) {
    const gj = createTutorialAd(js).logLikelihoodGrad(theta, y, mode);
    const gw = createTutorialAd(wm).logLikelihoodGrad(theta, y, mode);
    assert(
      Math.abs(gw.value / gj.value - 1) < 1e-10,
      `${mode} value ${gw.value} vs ${gj.value}`,
    );
    gj.grad.forEach((g, i) =>
      assert(
        Math.abs(gw.grad[i]! - g) <= 1e-10 * Math.abs(g),
        `${mode} gradient[${i}]: ${gw.grad[i]} vs ${g}`,
      )
    );
  }
});

Deno.test("wasm model: an SVI step gives the js loss to 1e-10, and frees every buffer it makes", async () => {
  const { js, wm, be } = await pair();
  const y = js.fspec(1180, 0.11, 0.011, 24000, 38, 11);
  const mk = (m: TutorialModel) => {
    const model = factorModel(createTutorialAd(m));
    return SVI(model, AutoMultivariateNormal(model), adam(1e-3), TraceELBO());
  };
  const yW = toBackend(tensor(y), be) as Tensor, yJ = tensor(y);
  const sJ = mk(js), sW = mk(wm);
  const stJ = sJ.init(key(0), yJ), stW = sW.init(key(0), yW);
  sW.update(stW, yW); // warm-up (plans, caches)
  const live = liveCounter(be);
  const [, lW] = sW.update(stW, yW);
  const [, lJ] = sJ.update(stJ, yJ);
  assert(Math.abs(lW / lJ - 1) < 1e-10, `loss ${lW} vs ${lJ}`);
  assert(live() === 0, `${live()} buffers left by the step`);
});

Deno.test("wasm model on two threads: the spectrum and every stage equal one thread bit for bit, the gradient to 1e-14, and the layer-separable kernels ran split", async () => {
  const { wm, be } = await pair();
  if (be.pool === null) return; // a single-core machine: no worker by default
  const be0 = await createStageWasmBackend({ workers: 0, poisonUninit: true });
  const w0 = await createTutorialModel({
    dbDir: SHARED_DATA,
    nlayer: NLAYER,
    backend: be0,
  });
  const p = [1200, 0.1, 0.01, 24785.77, 40, 10] as const;
  const split0 = be.pool.stats.split;
  const s2 = wm.stages(...p), s1 = w0.stages(...p);
  for (const k of Object.keys(s1) as (keyof typeof s1)[]) {
    assert(
      Array.from(s2[k]).every((v, i) => Object.is(v, s1[k][i])),
      `${k} differs`,
    );
  }
  assert(be.pool.stats.split > split0, "no call ran split");
  const y = wm.fspec(1180, 0.11, 0.011, 24000, 38, 11);
  const theta = new Float64Array([1200, 0.1, 0.01, 4.39, 40, 10, 500]);
  const g2 = createTutorialAd(wm).logLikelihoodGrad(theta, y, "reverse");
  const g1 = createTutorialAd(w0).logLikelihoodGrad(theta, y, "reverse");
  assert(Object.is(g2.value, g1.value), `value ${g2.value} vs ${g1.value}`);
  g1.grad.forEach((g, i) =>
    // the summed cotangent of the scalar gravity adds two partial sums in another order
    assert(
      Math.abs(g2.grad[i]! - g) <= 1e-14 * Math.abs(g),
      `gradient[${i}]: ${g2.grad[i]} vs ${g}`,
    )
  );
  assert(be.pool.stats.fallback === 0, String(be.pool.stats.lastError));
  be0.destroy();
});
