/**
 * The WASM backend: f64 buffers in WebAssembly linear memory and AssemblyScript kernels with
 * v128 SIMD (`asm/`), starting with a mixed-radix FFT (`rfft`, `irfft`, `fft`, `ifft`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend, createWasmRfftPlan } from "./mod.ts";
 * const be = await createWasmBackend();
 * const plan = createWasmRfftPlan(be, 4);
 * const re = new Float64Array(3), im = new Float64Array(3);
 * plan.forward(new Float64Array([1, 2, 3, 4]), re, im);
 * // numpy.fft.rfft([1, 2, 3, 4]) = [10, −2 + 2i, −2]
 * const near = (a: Float64Array, b: number[]) => b.every((v, k) => Math.abs(a[k]! - v) < 1e-12);
 * assert.ok(near(re, [10, -2, -2]) && near(im, [0, 2, 0]));
 * be.destroy();
 * ```
 *
 * @module
 */
export {
  createWasmBackend,
  createWasmRfftPlan,
  type WasmBackend,
  type WasmBackendOptions,
  wasmFreeBlocks,
  type WasmKernel,
  type WasmRfftPlan,
} from "./wasm_backend.ts";
export {
  compileFftWasm,
  FFT_WASM_EXPORTS,
  fftWasmBytes,
  type FftWasmExports,
  instantiateFftWasm,
} from "./fft_wasm.ts";
export {
  createKernelPool,
  type KernelPool,
  type KernelPoolOptions,
  type KernelPoolStats,
  poolSupported,
  type SplitPlan,
} from "./kernel_pool.ts";
export { serveKernelPool } from "./pool_worker.ts";
