/**
 * The worker side of a kernel pool (`kernel_pool.ts`): {@link serveKernelPool} receives the
 * shared memory and the control block, builds the worker's kernels, says it is ready, then
 * serves jobs until told to quit. A job names a kernel of the worker's table and gives each
 * input and output as an (offset, length) region of the shared memory (or of the control
 * block's scratch, for a summed output); the worker runs the kernel over views of those
 * regions and raises its done flag. Whole inputs (grids, tables) carry an id, so the worker
 * hands a kernel the same view object each time and kernels that memoize by array identity
 * (PreMODIT's tables) build once.
 *
 * A job may instead name an export of the shared-memory wasm module with its numeric arguments
 * (pointers into the memory): the worker calls it on its own instance of the module over the
 * same memory (given at start), which is how a kernel's glue runs part of an AssemblyScript
 * kernel (a range of wavenumbers) on this thread.
 *
 * The control block (one SharedArrayBuffer of {@link _CTRL_BYTES}) holds, as int32: the job
 * sequence number, the last finished one, its status (0 ok, 1 error), the quit flag, the job's
 * length and the error message's length; then the job (JSON), the error message and a float64
 * scratch for summed outputs.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _CTRL_BYTES, _SCRATCH_BYTE } from "./pool_worker.ts";
 * assert.ok(_SCRATCH_BYTE % 8 === 0 && _SCRATCH_BYTE < _CTRL_BYTES);
 * ```
 *
 * @module
 */
import type { JsKernel } from "../js/js_backend.ts";

/** int32 index: the sequence number of the job posted last. */
export const _SEQ = 0;
/** int32 index: the sequence number of the job finished last. */
export const _DONE = 1;
/** int32 index: the status of the job finished last (0 ok, 1 error). */
export const _STATUS = 2;
/** int32 index: 1 when the worker must stop. */
export const _QUIT = 3;
/** int32 index: the job's length in bytes. */
export const _JOB_LEN = 4;
/** int32 index: the error message's length in bytes. */
export const _MSG_LEN = 5;
/** Byte offset of the job (UTF-8 JSON). */
export const _JOB_BYTE = 64;
/** Most bytes of a job, and of an error message. */
export const _JOB_MAX = 16384;
/** Byte offset of the error message. */
export const _MSG_BYTE = _JOB_BYTE + _JOB_MAX;
/** Byte offset of the float64 scratch of summed outputs. */
export const _SCRATCH_BYTE = _MSG_BYTE + _JOB_MAX;
/** Number of float64 values in the scratch. */
export const _SCRATCH_MAX = 512;
/** Size of the control block in bytes. */
export const _CTRL_BYTES = _SCRATCH_BYTE + 8 * _SCRATCH_MAX;

/**
 * The views this worker hands kernels for whole inputs (grids, tables: the same object for the
 * same buffer, call after call), so that a kernel may keep what it derives from them; every
 * other view is made for one call. Private.
 */
export const _wholeViews: WeakSet<Float64Array> = new WeakSet();

/** The job of one call, as the pool writes it: a kernel over regions, or a module export. */
interface _Job {
  /** Kernel name (a kernel job). */
  k?: string;
  /** Export name (an export job: `c(...a)` on this worker's instance over the memory). */
  c?: string;
  /** The export's arguments. */
  a?: number[];
  /** Params (a kernel job). */
  p: Record<string, number>;
  /** Inputs: [id (0: none), byte offset, length] (a kernel job). */
  i: [number, number, number][];
  /** Outputs: [0, byte offset, length] or [−1, scratch index, length] (a kernel job). */
  o: [number, number, number][];
}

/** The port a worker talks through: `node:worker_threads`' parentPort. */
interface _Port {
  once(ev: "message", f: (m: unknown) => void): void;
  postMessage(m: unknown): void;
}

/**
 * Serves a kernel pool from inside a worker (the body of a pool's worker module): waits for the
 * pool's memory, builds the kernels with `makeKernels`, then runs jobs until the pool closes.
 * Call it once, at the top level of the worker module.
 *
 * @param makeKernels Builds the worker's kernel table (name → js kernel).
 * @returns Once the worker has stopped serving (or immediately, outside a worker).
 *
 * @example
 * ```ts ignore
 * // my_worker.ts: a pool worker whose only kernel doubles its input
 * import { serveKernelPool } from "./pool_worker.ts";
 * await serveKernelPool(() => new Map([["double", ([x], [y]) => y!.set(x!.map((v) => 2 * v))]]));
 * ```
 */
export async function serveKernelPool(
  makeKernels: () => Map<string, JsKernel> | Promise<Map<string, JsKernel>>,
): Promise<void> {
  const { parentPort, isMainThread } = await import(
    "node:worker_threads"
  ) as unknown as { parentPort: _Port | null; isMainThread: boolean };
  if (isMainThread || parentPort === null) return;
  const init = await new Promise<unknown>((r) => parentPort.once("message", r));
  const { memory, ctrl, module } = init as {
    memory: WebAssembly.Memory;
    ctrl: SharedArrayBuffer;
    module?: WebAssembly.Module;
  };
  // the shared-memory module over the pool's memory, for export jobs (its data segments are
  // constant tables: instantiating rewrites the same bytes)
  let exports: Record<string, unknown> = {};
  if (module !== undefined) {
    try {
      const inst = await WebAssembly.instantiate(module, { env: { memory } });
      exports = inst.exports as Record<string, unknown>;
    } catch (e) {
      parentPort.postMessage({ error: String(e) });
      return;
    }
  }
  let kernels: Map<string, JsKernel>;
  try {
    kernels = await makeKernels();
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
    return;
  }
  parentPort.postMessage({ ready: true });
  const i32 = new Int32Array(ctrl);
  const views = new Map<number, Float64Array>();
  /** Runs one job (throws what its kernel throws). */
  const runJob = (job: _Job): void => {
    if (job.c !== undefined) {
      const f = exports[job.c];
      if (typeof f !== "function") {
        throw new Error(`the worker's module has no export ${job.c}`);
      }
      f(...job.a!);
      return;
    }
    const buf = memory.buffer;
    const view = ([id, off, len]: [number, number, number]) => {
      if (id > 0) {
        const v = views.get(id);
        if (v !== undefined && v.byteOffset === off && v.length === len) {
          return v;
        }
      }
      const v = new Float64Array(buf, off, len);
      if (id > 0) {
        if (views.size >= 1024) views.clear();
        views.set(id, v);
        _wholeViews.add(v);
      }
      return v;
    };
    const ins = job.i.map(view);
    const outs = job.o.map((o) =>
      o[0] === -1
        ? new Float64Array(ctrl, _SCRATCH_BYTE + 8 * o[1], o[2])
        : new Float64Array(buf, o[1], o[2])
    );
    const k = kernels.get(job.k ?? "");
    if (k === undefined) throw new Error(`the worker has no kernel ${job.k}`);
    k(ins, outs, job.p);
  };
  let seen = 0;
  for (;;) {
    Atomics.wait(i32, _SEQ, seen);
    const seq = Atomics.load(i32, _SEQ);
    if (Atomics.load(i32, _QUIT) === 1) return;
    if (seq === seen) continue;
    seen = seq;
    let status = 0;
    try {
      const n = i32[_JOB_LEN]!;
      runJob(
        JSON.parse(
          new TextDecoder().decode(new Uint8Array(ctrl, _JOB_BYTE, n).slice()),
        ) as _Job,
      );
    } catch (e) {
      status = 1;
      const msg = new TextEncoder().encode(String(e)).subarray(0, _JOB_MAX);
      new Uint8Array(ctrl, _MSG_BYTE, _JOB_MAX).set(msg);
      i32[_MSG_LEN] = msg.length;
    }
    Atomics.store(i32, _STATUS, status);
    Atomics.store(i32, _DONE, seq);
    Atomics.notify(i32, _DONE);
  }
}
