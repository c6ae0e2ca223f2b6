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
import { registerRtWasmStages } from "../rt/wasm_kernels.ts";
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

/**
 * A wasm backend with every kernel of the emission model and its derivatives: the
 * AssemblyScript SIMD ones where they exist (the FFT, `rt.emission_ibased`; see
 * `kernelKind(name)`), and every other stage and `ad.*` kernel as its js kernel over views of
 * linear memory (no copies), so that a model built on it keeps its tensors, residuals and
 * cotangents in linear memory while the remaining kernels are ported (issue 10).
 *
 * @param opts The PreMODIT FFT plan factory of the TypeScript PreMODIT kernels (default: this
 *   backend's WASM SIMD FFT plans).
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
 * ```
 */
export async function createStageWasmBackend(
  opts: StageJsBackendOptions = {},
): Promise<WasmBackend> {
  const be = await createWasmBackend();
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
  registerRtWasmStages(be);
  return be;
}
