/**
 * A second thread for the js kernels of a wasm backend whose linear memory is shared
 * (`createWasmBackend({ shared: true })`): a kernel that is separable over atmospheric layers
 * runs its first half of the layers on the calling thread and the second half on a worker, both
 * over views of the same memory (no copies), and the call returns when both are done. The caller
 * stays synchronous: the main thread waits on an `Atomics` flag, the worker on another.
 *
 * A {@link SplitPlan} says how each input and output of one call divides: `r > 0` elements per
 * layer (a layer-major array of L·r), `"whole"` (shared by both halves: a grid, a table, a
 * scalar; an empty output), or `"sum"` (a small output each half computes over its own layers,
 * added afterwards: the cotangent of a scalar argument). The worker's half is the same kernel
 * on the same numbers, so results equal the one-thread call bit for bit except a `"sum"`
 * output, whose two partial sums are added in another order (a few ulps).
 *
 * When anything goes wrong (either half throws, the worker fails or does not answer within the
 * timeout) the call is rerun whole on the calling thread, so errors are the kernel's own (with
 * the right layer indices) and results never depend on the worker. A worker that timed out is
 * not used again.
 *
 * The worker is a module (`workerUrl`) that calls {@link serveKernelPool} (`pool_worker.ts`)
 * with its kernels. It runs as a `node:worker_threads` worker, unreferenced, so it does not keep
 * a script alive; {@link KernelPool.close} stops it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createKernelPool, poolSupported } from "./kernel_pool.ts";
 * import { opacityProfileXsJsKernels } from "../../rt/kernels.ts";
 * if (poolSupported()) {
 *   const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
 *   const url = new URL("../../spectrum/stage_worker.ts", import.meta.url);
 *   const pool = await createKernelPool(memory, url);
 *   // rt.opacity_profile_xs over 2 layers of 2 wavenumbers: dParr [2], σ [4], mmr, g → dτ [4]
 *   const v = (i: number, n: number) => new Float64Array(memory.buffer, 64 * i, n);
 *   const [dP, xs, mmr, g, out] = [v(0, 2), v(1, 4), v(2, 1), v(3, 1), v(4, 4)];
 *   dP.set([0.1, 0.2]);
 *   xs.set([1e-22, 2e-22, 3e-22, 4e-22]);
 *   mmr[0] = 0.01;
 *   g[0] = 1e5;
 *   const k = opacityProfileXsJsKernels().forward;
 *   const params = { molmass: 28, nnu: 2 };
 *   const plan = { layers: 2, ins: [1, 2, "whole", "whole"] as const, outs: [2] };
 *   pool.run("rt.opacity_profile_xs", k, [dP, xs, mmr, g], [out], params, plan, 0);
 *   const one = new Float64Array(4);
 *   k([dP, xs, mmr, g], [one], params); // the same call on this thread alone
 *   assert.deepStrictEqual(Array.from(out), Array.from(one));
 *   assert.strictEqual(pool.stats.split, 1);
 *   pool.close();
 * }
 * ```
 *
 * @module
 */
import type { KernelParams } from "../backend.ts";
import type { JsKernel } from "../js/js_backend.ts";
import {
  _CTRL_BYTES,
  _DONE,
  _JOB_BYTE,
  _JOB_LEN,
  _JOB_MAX,
  _MSG_BYTE,
  _MSG_LEN,
  _QUIT,
  _SCRATCH_BYTE,
  _SCRATCH_MAX,
  _SEQ,
  _STATUS,
} from "./pool_worker.ts";

/** How each input and output of one kernel call divides over the layers. */
export interface SplitPlan {
  /** Number of layers L (at least 2). */
  readonly layers: number;
  /** Per input: elements per layer, or "whole" (every half reads all of it). */
  readonly ins: readonly (number | "whole")[];
  /**
   * Per output: elements per layer, "whole" (an empty output), or "sum" (at most a few
   * hundred elements that each half computes over its own layers; the two are added).
   */
  readonly outs: readonly (number | "whole" | "sum")[];
}

/** What a pool has done (for tests and benchmarks). */
export interface KernelPoolStats {
  /** Calls run on two threads. */
  split: number;
  /** Calls rerun whole on the calling thread after a failure. */
  fallback: number;
  /** The worker's last error message, if any. */
  lastError: string | null;
}

/** A worker thread for layer-split kernel calls (see the module documentation). */
export interface KernelPool {
  /** Threads a split call uses (2), or 1 once the pool is closed or broken. */
  readonly threads: number;
  /** Counters. */
  readonly stats: KernelPoolStats;
  /**
   * Runs `kernel` on the calling thread for the first ⌈L/2⌉ layers and the worker's kernel of
   * the same `name` for the rest, or `kernel` whole when the call is too small to pay, the pool
   * is closed, or a half fails.
   *
   * @param name The kernel's name in the worker's table.
   * @param kernel The same kernel on this thread.
   * @param ins Inputs: views of the pool's shared memory (or, for "whole" inputs, any array).
   * @param outs Outputs: views of the shared memory ("sum" outputs may be any array).
   * @param params The kernel's params (numbers; sent as JSON).
   * @param plan How each array divides.
   * @param minElements Smallest total size of the layer-major inputs and outputs that is split
   *   (default 16384).
   */
  run(
    name: string,
    kernel: JsKernel,
    ins: readonly Float64Array[],
    outs: readonly Float64Array[],
    params: KernelParams,
    plan: SplitPlan,
    minElements?: number,
  ): void;
  /**
   * Starts `fn(...args)`, an export of the shared-memory module, on the worker's instance
   * over the same memory (for glue that runs part of an AssemblyScript kernel there: a range of
   * wavenumbers, its own scratch). Follow with {@link KernelPool.join}.
   *
   * @param fn The export's name.
   * @param args Its numeric arguments (pointers, sizes).
   * @returns false when the pool is closed or has no module (nothing was started).
   */
  fork(fn: string, args: readonly number[]): boolean;
  /**
   * Waits for the export started by {@link KernelPool.fork}.
   *
   * @returns true when it ran; false when it failed or timed out (the caller then computes
   *   that part itself; a worker that timed out is not used again).
   */
  join(): boolean;
  /** Stops the worker; later calls run on the calling thread. */
  close(): void;
}

/** Options of {@link createKernelPool}. */
export interface KernelPoolOptions {
  /** How long one half may take on the worker before it is given up [ms] (default 120000). */
  readonly timeoutMs?: number;
  /** How long the worker may take to start [ms] (default 60000). */
  readonly startTimeoutMs?: number;
  /**
   * The shared-memory module (`compileFftWasm(true)`) for {@link KernelPool.fork}: the worker
   * instantiates it over `memory`.
   */
  readonly module?: WebAssembly.Module;
}

/**
 * Whether this runtime can run a pool: SharedArrayBuffer, Atomics.wait on the calling thread
 * and `node:worker_threads` (Deno and Node).
 *
 * @returns true when {@link createKernelPool} can work here.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { poolSupported } from "./kernel_pool.ts";
 * assert.strictEqual(typeof poolSupported(), "boolean");
 * ```
 */
export function poolSupported(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: unknown } };
  return typeof SharedArrayBuffer === "function" &&
    typeof Atomics?.wait === "function" &&
    (g.Deno !== undefined || g.process?.versions !== undefined);
}

interface _NodeWorker {
  once(ev: string, f: (v: unknown) => void): void;
  postMessage(v: unknown): void;
  unref(): void;
  terminate(): unknown;
}

/**
 * Starts a pool: one worker running `workerUrl` over `memory`.
 *
 * @param memory The shared memory whose views the kernels get.
 * @param workerUrl The worker module (it calls `serveKernelPool`).
 * @param opts Timeouts.
 * @returns The pool, once the worker has its kernels.
 * @throws {Error} When the runtime has no worker threads or shared memory, or the worker fails
 *   to start (its message included).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createKernelPool, poolSupported } from "./kernel_pool.ts";
 * if (poolSupported()) {
 *   const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
 *   const pool = await createKernelPool(memory, new URL("../../spectrum/stage_worker.ts", import.meta.url));
 *   assert.strictEqual(pool.threads, 2);
 *   pool.close();
 *   assert.strictEqual(pool.threads, 1);
 * }
 * ```
 */
export async function createKernelPool(
  memory: WebAssembly.Memory,
  workerUrl: URL,
  opts: KernelPoolOptions = {},
): Promise<KernelPool> {
  if (!poolSupported()) {
    throw new Error(
      "createKernelPool(): this runtime has no SharedArrayBuffer, Atomics.wait or worker threads",
    );
  }
  if (!(memory.buffer instanceof SharedArrayBuffer)) {
    throw new TypeError("createKernelPool(): memory must be shared");
  }
  const timeoutMs = opts.timeoutMs ?? 120000;
  const ctrl = new SharedArrayBuffer(_CTRL_BYTES);
  const i32 = new Int32Array(ctrl);
  const jobBytes = new Uint8Array(ctrl, _JOB_BYTE, _JOB_MAX);
  const scratch = new Float64Array(ctrl, _SCRATCH_BYTE, _SCRATCH_MAX);
  const { Worker } = await import("node:worker_threads") as unknown as {
    Worker: new (u: URL) => _NodeWorker;
  };
  const worker = new Worker(workerUrl);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("kernel pool: the worker did not start in time")),
      opts.startTimeoutMs ?? 60000,
    );
    worker.once("message", (m) => {
      clearTimeout(timer);
      const msg = m as { ready?: boolean; error?: string };
      if (msg.ready) resolve();
      else reject(new Error(`kernel pool: the worker failed: ${msg.error}`));
    });
    worker.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`kernel pool: the worker failed: ${e}`));
    });
    worker.postMessage({
      memory,
      ctrl,
      ...(opts.module ? { module: opts.module } : {}),
    });
  }).catch((e) => {
    worker.terminate();
    throw e;
  });
  worker.unref();

  let open = true;
  let seq = 0;
  const ids = new WeakMap<Float64Array, number>();
  let nextId = 1;
  const idOf = (a: Float64Array): number => {
    let id = ids.get(a);
    if (id === undefined) {
      id = nextId++;
      ids.set(a, id);
    }
    return id;
  };
  const shared = (a: Float64Array): boolean =>
    a.buffer instanceof SharedArrayBuffer;
  const stats: KernelPoolStats = { split: 0, fallback: 0, lastError: null };
  /** Writes a job and wakes the worker; false when it does not fit. */
  const post = (job: unknown): boolean => {
    const text = new TextEncoder().encode(JSON.stringify(job));
    if (text.length > _JOB_MAX) return false;
    jobBytes.set(text);
    i32[_JOB_LEN] = text.length;
    Atomics.store(i32, _SEQ, ++seq);
    Atomics.notify(i32, _SEQ);
    return true;
  };
  /** Waits for the job posted last: "ok", "error" (message kept) or "timeout" (pool closed). */
  const wait = (what: string): "ok" | "error" | "timeout" => {
    const mine = seq;
    const t0 = performance.now();
    while (Atomics.load(i32, _DONE) !== mine) {
      const left = timeoutMs - (performance.now() - t0);
      if (left <= 0) break;
      Atomics.wait(i32, _DONE, mine - 1, left);
    }
    if (Atomics.load(i32, _DONE) !== mine) {
      // the worker is stuck: never use it again
      open = false;
      stats.lastError = `${what}: the worker did not answer in ${timeoutMs} ms`;
      worker.terminate();
      return "timeout";
    }
    if (i32[_STATUS] !== 0) {
      const n = Math.min(i32[_MSG_LEN]!, _JOB_MAX);
      stats.lastError = new TextDecoder().decode(
        new Uint8Array(ctrl, _MSG_BYTE, n).slice(),
      );
      return "error";
    }
    return "ok";
  };
  let forked: string | null = null;

  const pool: KernelPool = {
    get threads() {
      return open ? 2 : 1;
    },
    stats,
    run(name, kernel, ins, outs, params, plan, minElements = 16384) {
      const L = plan.layers;
      // the work: the layer-major arrays' sizes
      let total = 0;
      ins.forEach((a, i) => (total += plan.ins[i] === "whole" ? 0 : a.length));
      outs.forEach((
        a,
        i,
      ) => (total += typeof plan.outs[i] === "number" ? a.length : 0));
      if (!open || forked !== null || L < 2 || total < minElements) {
        kernel(ins, outs, params);
        return;
      }
      const h = Math.ceil(L / 2);
      const jobIns: number[][] = [];
      const mainIns: Float64Array[] = [];
      for (let i = 0; i < ins.length; i++) {
        const a = ins[i]!, r = plan.ins[i]!;
        if (!shared(a)) return kernel(ins, outs, params);
        if (r === "whole") {
          jobIns.push([idOf(a), a.byteOffset, a.length]);
          mainIns.push(a);
        } else {
          jobIns.push([0, a.byteOffset + 8 * h * r, (L - h) * r]);
          mainIns.push(a.subarray(0, h * r));
        }
      }
      const jobOuts: number[][] = [];
      const mainOuts: Float64Array[] = [];
      const sums: [Float64Array, number][] = [];
      let used = 0;
      for (let i = 0; i < outs.length; i++) {
        const a = outs[i]!, r = plan.outs[i]!;
        if (r === "sum") {
          if (used + a.length > _SCRATCH_MAX) return kernel(ins, outs, params);
          jobOuts.push([-1, used, a.length]);
          sums.push([a, used]);
          used += a.length;
          mainOuts.push(a);
        } else if (r === "whole") {
          if (a.length !== 0) return kernel(ins, outs, params);
          jobOuts.push([0, 0, 0]);
          mainOuts.push(a);
        } else {
          if (!shared(a)) return kernel(ins, outs, params);
          jobOuts.push([0, a.byteOffset + 8 * h * r, (L - h) * r]);
          mainOuts.push(a.subarray(0, h * r));
        }
      }
      scratch.fill(0, 0, used);
      if (!post({ k: name, p: params, i: jobIns, o: jobOuts })) {
        return kernel(ins, outs, params);
      }
      let mainError = false;
      try {
        kernel(mainIns, mainOuts, params);
      } catch {
        mainError = true;
      }
      const done = wait(name);
      if (mainError || done !== "ok") {
        stats.fallback++;
        kernel(ins, outs, params); // the kernel's own error, or the right numbers
        return;
      }
      for (const [a, off] of sums) {
        for (let j = 0; j < a.length; j++) a[j] = a[j]! + scratch[off + j]!;
      }
      stats.split++;
    },
    fork(fn, args) {
      if (!open || opts.module === undefined || forked !== null) return false;
      if (!post({ c: fn, a: args })) return false;
      forked = fn;
      return true;
    },
    join() {
      if (forked === null) return false;
      const fn = forked;
      forked = null;
      if (wait(fn) === "ok") {
        stats.split++;
        return true;
      }
      stats.fallback++;
      return false;
    },
    close() {
      if (!open) return;
      open = false;
      Atomics.store(i32, _QUIT, 1);
      Atomics.add(i32, _SEQ, 1);
      Atomics.notify(i32, _SEQ);
      worker.terminate();
    },
  };
  return pool;
}
