/**
 * The worker module of the kernel pool of `createStageWasmBackend` (see
 * `src/backend/wasm/kernel_pool.ts`): the kernels of the emission model as the main thread has
 * them, so that the two halves of a split call compute the same numbers. A js kernel runs
 * directly on the views of the shared memory (PreMODIT's FFTs on this worker's own WASM plans);
 * an AssemblyScript kernel runs in this worker's own wasm backend, its inputs copied in and its
 * outputs copied back (a large whole input, such as PreMODIT's tables, stays uploaded while its
 * contents are unchanged: it is compared, not copied, on the next call; everything else is
 * freed after the call). Imported on the main
 * thread it does nothing.
 *
 * @module
 */
import { _wholeViews, serveKernelPool } from "../backend/wasm/pool_worker.ts";
import type { DeviceBuffer } from "../backend/backend.ts";
import type { JsKernel } from "../backend/js/js_backend.ts";
import { createWasmRfftPlan } from "../backend/wasm/wasm_backend.ts";
import type { RfftPlan } from "../fft/fft.ts";
import {
  createStageJsBackend,
  createStageWasmBackend,
} from "./stage_backend.ts";
import { _sameArray } from "../opacity/kernels.ts";

/** Inputs at least this long stay uploaded between calls. */
const _KEEP = 4096;

await serveKernelPool(async () => {
  const be = await createStageWasmBackend({ workers: 0 });
  const plans = new Map<number, RfftPlan>();
  const rfftPlan = (n: number): RfftPlan => {
    let p = plans.get(n);
    if (p === undefined) {
      p = createWasmRfftPlan(be, n);
      plans.set(n, p);
    }
    return p;
  };
  const table = new Map<string, JsKernel>(
    createStageJsBackend({ rfftPlan }).kernelTable,
  );
  const kept = new WeakMap<Float64Array, DeviceBuffer>();
  for (const name of be.kernels()) {
    if (be.kernelKind(name) !== "asm") continue;
    const k = be.kernel(name)!;
    table.set(name, (ins, outs, p) => {
      const temp: DeviceBuffer[] = [];
      const bi = ins.map((a) => {
        let b = kept.get(a);
        if (b !== undefined && _sameArray(be.view(b) as Float64Array, a)) {
          return b;
        }
        b = be.alloc(a.length);
        be.write(b, a);
        // only a whole input's view comes back on the next call (a layer half is a new view)
        if (a.length >= _KEEP && _wholeViews.has(a)) {
          const old = kept.get(a);
          if (old !== undefined) be.free(old);
          kept.set(a, b);
        } else temp.push(b);
        return b;
      });
      const bo = outs.map((a) => {
        const b = be.alloc(a.length);
        temp.push(b);
        return b;
      });
      try {
        k(bi, bo, p);
        outs.forEach((o, i) => o.set(be.view(bo[i]!) as Float64Array));
      } finally {
        temp.forEach((b) => be.free(b));
      }
    });
  }
  return table;
});
