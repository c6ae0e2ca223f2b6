/**
 * The worker module of the kernel pool of `createStageWasmBackend` (see
 * `src/backend/wasm/kernel_pool.ts`): every js kernel of the emission model
 * (`createStageJsBackend`), PreMODIT's FFTs on this worker's own WASM SIMD plans (the same
 * code as the main thread's, so the two halves of a split call compute the same numbers).
 * Imported on the main thread it does nothing.
 *
 * @module
 */
import { serveKernelPool } from "../backend/wasm/pool_worker.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../backend/wasm/wasm_backend.ts";
import type { RfftPlan } from "../fft/fft.ts";
import { createStageJsBackend } from "./stage_backend.ts";

await serveKernelPool(async () => {
  const fft = await createWasmBackend();
  const plans = new Map<number, RfftPlan>();
  const rfftPlan = (n: number): RfftPlan => {
    let p = plans.get(n);
    if (p === undefined) {
      p = createWasmRfftPlan(fft, n);
      plans.set(n, p);
    }
    return p;
  };
  return createStageJsBackend({ rfftPlan }).kernelTable;
});
