/**
 * The js backend with every physics stage of the emission model registered (float64
 * TypeScript kernels: the reference implementation). `createEmissionModel` uses one when it is
 * given no backend; another backend must register the same stage names (see
 * `src/ad/stage_kernels.ts`) or the model refuses it with `MissingKernelError`.
 *
 * Registered stages: `rt.powerlaw_temperature`, `rt.opacity_profile_xs`,
 * `rt.opacity_profile_cia`, `rt.emission_ibased`, `rt.emission_fbased2st`,
 * `opacity.premodit_xsmatrix`, `opacity.cia_logacia`, `sop.rigid_rotation`, `sop.ipgauss`,
 * `sop.sampling`, each with its `.jvp`, `.vjp` and `.pullback` kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createStageJsBackend, EMISSION_STAGES } from "./stage_backend.ts";
 * const be = createStageJsBackend();
 * assert.ok(EMISSION_STAGES.every((s) => be.hasKernel(`${s}.pullback`)));
 * ```
 *
 * @module
 */
import type { RfftPlan } from "../fft/fft.ts";
import type { DeviceBuffer, KernelParams } from "../backend/backend.ts";
import { createJsBackend, type JsBackend } from "../backend/js/js_backend.ts";
import { fftJsKernels } from "../fft/kernels.ts";
import { registerRtStages } from "../rt/kernels.ts";
import { registerSopStages } from "../sop/kernels.ts";
import { registerOpacityStages } from "../opacity/kernels.ts";
import { registerOpKernels } from "../ad/op_dispatch.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
  type WasmBackend,
} from "../backend/wasm/wasm_backend.ts";
import { compileFftWasm } from "../backend/wasm/fft_wasm.ts";
import { registerRtWasmStages } from "../rt/wasm_kernels.ts";
import { registerOpacityWasmStages } from "../opacity/wasm_kernels.ts";
import { registerSopWasmStages } from "../sop/wasm_kernels.ts";
import {
  createKernelPool,
  type KernelPool,
  poolSupported,
} from "../backend/wasm/kernel_pool.ts";
import { layerSplitPlan, type StageKernelKind } from "../ad/layer_split.ts";
import type { StageSpec } from "../ad/stage_kernels.ts";
import {
  opacityProfileCiaStage,
  opacityProfileXsStage,
} from "../rt/kernels.ts";
import { ciaLogaciaStage, premoditXsmatrixStage } from "../opacity/kernels.ts";
import "../ad/ops.ts";

/**
 * The names of the stages the emission model dispatches.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { EMISSION_STAGES } from "./stage_backend.ts";
 * assert.ok(EMISSION_STAGES.includes("rt.emission_ibased"));
 * ```
 */
export const EMISSION_STAGES: readonly string[] = Object.freeze([
  "rt.powerlaw_temperature",
  "rt.opacity_profile_xs",
  "rt.opacity_profile_cia",
  "rt.emission_ibased",
  "rt.emission_fbased2st",
  "opacity.premodit_xsmatrix",
  "opacity.cia_logacia",
  "sop.rigid_rotation",
  "sop.ipgauss",
  "sop.sampling",
]);

/** Options of {@link createStageJsBackend}. */
export interface StageJsBackendOptions {
  /** FFT plan factory of the PreMODIT kernels (default: the float64 TypeScript FFT). */
  readonly rfftPlan?: (n: number) => RfftPlan;
}

/**
 * Registers every emission-model stage, the FFT kernels and the `ad.*` kernels of the AD
 * primitives (the elementwise and reduction glue between stages, the likelihood) on a js backend.
 *
 * @param be The backend.
 * @param opts The PreMODIT FFT plan factory.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerEmissionStages } from "./stage_backend.ts";
 * const be = createJsBackend();
 * registerEmissionStages(be);
 * assert.ok(be.hasKernel("sop.sampling.jvp") && be.hasKernel("rfft") && be.hasKernel("ad.sum"));
 * ```
 */
export function registerEmissionStages(
  be: JsBackend,
  opts: StageJsBackendOptions = {},
): void {
  for (const [k, f] of Object.entries(fftJsKernels())) {
    be.kernelTable.set(k, f);
  }
  registerOpKernels(be);
  registerRtStages(be);
  registerSopStages(be);
  registerOpacityStages(
    be,
    opts.rfftPlan ? { rfftPlan: opts.rfftPlan } : {},
  );
}

/**
 * A new js backend with every emission-model stage registered.
 *
 * @param opts The PreMODIT FFT plan factory.
 * @returns The backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createStageJsBackend } from "./stage_backend.ts";
 * assert.strictEqual(createStageJsBackend().name, "js");
 * ```
 */
export function createStageJsBackend(
  opts: StageJsBackendOptions = {},
): JsBackend {
  const be = createJsBackend();
  registerEmissionStages(be, opts);
  return be;
}

/** Options of {@link createStageWasmBackend}. */
export interface StageWasmBackendOptions extends StageJsBackendOptions {
  /**
   * Worker threads for the layer-separable stages (PreMODIT, CIA, the opacity profiles): 1
   * runs half the layers of each large call on a second core, 0 none. Default 1 where the
   * runtime has worker threads and shared memory and the machine more than one core (a given
   * `rfftPlan` cannot travel to a worker: then 0).
   */
  readonly workers?: 0 | 1;
  /** Called with a one-line notice when the worker cannot start (default `console.warn`). */
  readonly onNotice?: (msg: string) => void;
  /** NaN in every `allocUninit` buffer (a test option, see `WasmBackendOptions`). */
  readonly poisonUninit?: boolean;
}

/** A wasm backend of {@link createStageWasmBackend}, with its worker pool. */
export interface StageWasmBackend extends WasmBackend {
  /** The pool running half the layers of the layer-separable stages, or null. */
  readonly pool: KernelPool | null;
}

/** The stages whose js kernels may run half their layers on the pool's worker. */
const _LAYER_SPLIT_STAGES: readonly StageSpec[] = [
  premoditXsmatrixStage,
  ciaLogaciaStage,
  opacityProfileXsStage,
  opacityProfileCiaStage,
];

/** The stage and kernel kind of a kernel name, for the split stages. */
function _splitKernel(
  name: string,
): [StageSpec, StageKernelKind] | null {
  for (const spec of _LAYER_SPLIT_STAGES) {
    if (name === spec.name) return [spec, "forward"];
    if (name === `${spec.name}.vjp`) return [spec, "vjp"];
    if (name === `${spec.name}.pullback`) return [spec, "pullback"];
  }
  return null;
}

/**
 * A wasm backend with every kernel of the emission model and its derivatives: the
 * AssemblyScript SIMD ones where they exist (the FFT, `rt.emission_ibased`; see
 * `kernelKind(name)`), and every other stage and `ad.*` kernel as its js kernel over views of
 * linear memory (no copies), so that a model built on it keeps its tensors, residuals and
 * cotangents in linear memory while the remaining kernels are ported (issue 10).
 *
 * With a worker (`opts.workers`, default 1 on a multi-core machine), the backend's memory is
 * shared and the forward, `.vjp` and `.pullback` kernels of PreMODIT, CIA and the two opacity
 * profiles run their second half of the layers on it (`kernel_pool.ts`): the same numbers, bit
 * for bit, except the summed cotangent of a scalar argument (a few ulps). `destroy()` stops it.
 *
 * @param opts The PreMODIT FFT plan factory of the TypeScript PreMODIT kernels (default: this
 *   backend's WASM SIMD FFT plans), the number of workers and the notice callback.
 * @returns The backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createStageWasmBackend, EMISSION_STAGES } from "./stage_backend.ts";
 * const be = await createStageWasmBackend();
 * assert.ok(EMISSION_STAGES.every((s) => be.hasKernel(`${s}.pullback`)));
 * assert.strictEqual(be.kernelKind("rt.emission_ibased"), "asm");
 * assert.strictEqual(be.kernelKind("sop.sampling"), "ts");
 * be.destroy();
 * const one = await createStageWasmBackend({ workers: 0 });
 * assert.strictEqual(one.pool, null);
 * one.destroy();
 * ```
 */
export async function createStageWasmBackend(
  opts: StageWasmBackendOptions = {},
): Promise<StageWasmBackend> {
  const workers = opts.workers ??
    (poolSupported() && (navigator.hardwareConcurrency ?? 1) > 1 &&
        opts.rfftPlan === undefined
      ? 1
      : 0);
  if (workers === 1 && opts.rfftPlan !== undefined) {
    throw new TypeError(
      "createStageWasmBackend(): a custom rfftPlan cannot run on a worker; give workers: 0",
    );
  }
  const wbe = await createWasmBackend({
    shared: workers === 1,
    poisonUninit: opts.poisonUninit === true,
  });
  let pool: KernelPool | null = null;
  if (workers === 1) {
    try {
      pool = await createKernelPool(
        wbe.memory,
        new URL("./stage_worker.ts", import.meta.url),
        { module: await compileFftWasm(true) },
      );
    } catch (e) {
      (opts.onNotice ?? console.warn)(
        `exospec: no worker thread (${
          e instanceof Error ? e.message : e
        }); the wasm backend runs on one core`,
      );
    }
  }
  const destroy = wbe.destroy;
  const be: StageWasmBackend = Object.assign(wbe, {
    pool,
    destroy: () => {
      pool?.close();
      destroy();
    },
  });
  // PreMODIT's FFTs on this backend's WASM SIMD plans unless told otherwise, one plan per
  // length: a plan allocates in linear memory once, so a kernel that first makes it (and
  // grows memory, see registerViewKernel) does not grow it again when it runs once more
  const plans = new Map<number, RfftPlan>();
  const wasmPlan = (n: number): RfftPlan => {
    let p = plans.get(n);
    if (p === undefined) {
      p = createWasmRfftPlan(be, n);
      plans.set(n, p);
    }
    return p;
  };
  const js = createStageJsBackend({ rfftPlan: opts.rfftPlan ?? wasmPlan });
  for (const [name, k] of js.kernelTable) {
    if (!be.hasKernel(name)) be.registerViewKernel(name, k);
  }
  const selfSplit = new Set(registerRtWasmStages(be, { pool }));
  registerSopWasmStages(be);
  for (const n of registerOpacityWasmStages(be, { pool })) selfSplit.add(n);
  if (pool !== null) {
    // the layer-separable stages: half the layers of a large call on the worker
    const pl = pool;
    for (const name of be.kernels()) {
      const split = _splitKernel(name);
      if (split === null || selfSplit.has(name)) continue;
      const [spec, kind] = split;
      const planOf = (
        ins: number[],
        outs: number[],
        params: KernelParams,
      ) => layerSplitPlan(spec, kind, ins, outs, params);
      if (be.kernelKind(name) === "ts") {
        const k = js.kernelTable.get(name)!;
        be.registerViewKernel(name, (ins, outs, params) => {
          const plan = planOf(
            ins.map((a) => a.length),
            outs.map((a) => a.length),
            params,
          );
          if (plan === null) k(ins, outs, params);
          else pl.run(name, k, ins, outs, params, plan);
        });
      } else {
        // an AssemblyScript kernel: each half on aliases of its part of the buffers
        const k = be.kernel(name)!;
        const onViews = (
          ins: readonly Float64Array[],
          outs: readonly Float64Array[],
          params: KernelParams,
        ) => k(ins.map(be.bufferAt), outs.map(be.bufferAt), params);
        be.registerKernel(name, (ins, outs, params) => {
          const plan = planOf(
            ins.map((b) => b.size),
            outs.map((b) => b.size),
            params,
          );
          if (plan === null) k(ins, outs, params);
          else {
            const view = (b: DeviceBuffer) => be.view(b) as Float64Array;
            pl.run(name, onViews, ins.map(view), outs.map(view), params, plan);
          }
        });
      }
    }
  }
  return be;
}

/** What {@link createStageBackend} was asked for. */
export type StageBackendKind = "auto" | "js" | "wasm";

/** Options of {@link createStageBackend}. */
export interface StageBackendOptions {
  /** Called with a one-line notice when "auto" falls back to js (default `console.warn`). */
  readonly onNotice?: (msg: string) => void;
  /** Worker threads of a wasm backend (see {@link StageWasmBackendOptions}). */
  readonly workers?: 0 | 1;
}

/**
 * The CPU backend of the emission model by name: `"wasm"` ({@link createStageWasmBackend}: the
 * AssemblyScript SIMD kernels and, on a multi-core machine, a worker thread), `"js"`
 * ({@link createStageJsBackend}: the float64 TypeScript reference), or `"auto"` (the default):
 * wasm when it loads, else js with a one-line notice. This is what `deno task demo` uses
 * (`--backend`).
 *
 * @param kind Which backend.
 * @param opts The notice callback and the wasm backend's workers.
 * @returns The backend (a wasm one has `pool`).
 * @throws {Error} When "wasm" is asked for and cannot load.
 * @throws {TypeError} For an unknown kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createStageBackend } from "./stage_backend.ts";
 * const be = await createStageBackend("auto", { workers: 0 });
 * assert.strictEqual(be.name, "wasm"); // WebAssembly SIMD loads in Deno
 * be.destroy();
 * assert.strictEqual((await createStageBackend("js")).name, "js");
 * ```
 */
export async function createStageBackend(
  kind: StageBackendKind = "auto",
  opts: StageBackendOptions = {},
): Promise<JsBackend | StageWasmBackend> {
  if (kind === "js") return createStageJsBackend();
  const wopts: StageWasmBackendOptions = {
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.onNotice ? { onNotice: opts.onNotice } : {}),
  };
  if (kind === "wasm") return await createStageWasmBackend(wopts);
  if (kind !== "auto") {
    throw new TypeError(
      `createStageBackend(): kind must be "auto", "js" or "wasm", got ${kind}`,
    );
  }
  try {
    return await createStageWasmBackend(wopts);
  } catch (e) {
    (opts.onNotice ?? console.warn)(
      `exospec: the wasm backend did not load (${
        e instanceof Error ? e.message : e
      }); using the js backend`,
    );
    return createStageJsBackend();
  }
}
