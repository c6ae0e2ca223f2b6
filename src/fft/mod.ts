/**
 * Float64 fast Fourier transforms of any length with numpy's conventions: complex plans
 * (`createFftPlan`), real plans (`createRfftPlan`, the length-n real transform of `rfft`/`irfft`)
 * and the plan contracts `FftPlan` / `RfftPlan` that other implementations (the WASM SIMD plan
 * of `./backend/wasm`) satisfy. PreMODIT's convolutions run on these plans.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { irfft, rfft } from "./mod.ts";
 * const x = new Float64Array([1, 2, 3, 4, 5]);
 * const { re, im } = rfft(x);
 * const y = irfft(re, im, x.length); // the round trip recovers x
 * assert.ok(y.every((v, i) => Math.abs(v - x[i]!) < 1e-12));
 * ```
 *
 * @module
 */
export {
  createFftPlan,
  createRfftPlan,
  type FftPlan,
  irfft,
  rfft,
  type RfftPlan,
} from "./fft.ts";
export { fftJsKernels } from "./kernels.ts";
