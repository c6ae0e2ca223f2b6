/**
 * The backend boundary (allocate, write, read, dispatch, free) and its reference js
 * implementation. WASM SIMD and WebGPU implementations live in `./wasm/mod.ts` and
 * `./webgpu/mod.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "./mod.ts";
 * assert.strictEqual(createJsBackend().name, "js");
 * ```
 *
 * @module
 */
export {
  type Backend,
  checkBuffer,
  type DeviceBuffer,
  type DType,
  type KernelParams,
  MissingKernelError,
} from "./backend.ts";
export type { FftPlan, RfftPlan } from "./fft_plan.ts";
export {
  createJsBackend,
  type JsBackend,
  type JsKernel,
  registerJsKernel,
} from "./js/js_backend.ts";
