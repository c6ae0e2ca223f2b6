/**
 * The WASM backend: f64 buffers in WebAssembly linear memory and AssemblyScript kernels with
 * v128 SIMD (`asm/`), starting with a mixed-radix FFT (`rfft`, `irfft`, `fft`, `ifft`).
 *
 * @example
 * ```ts
 * import { createWasmBackend, createWasmRfftPlan } from "./mod.ts";
 * const be = await createWasmBackend();
 * const plan = createWasmRfftPlan(be, 4);
 * const re = new Float64Array(3), im = new Float64Array(3);
 * plan.forward(new Float64Array([1, 2, 3, 4]), re, im);
 * console.log(Array.from(re), Array.from(im)); // [ 10, -2, -2 ] [ 0, 2, 0 ]
 * be.destroy();
 * ```
 *
 * @module
 */
export {
  createWasmBackend,
  createWasmRfftPlan,
  type WasmBackend,
  wasmFreeBlocks,
  type WasmRfftPlan,
} from "./wasm_backend.ts";
export {
  compileFftWasm,
  FFT_WASM_EXPORTS,
  fftWasmBytes,
  type FftWasmExports,
  instantiateFftWasm,
} from "./fft_wasm.ts";
