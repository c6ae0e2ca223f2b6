/**
 * The WASM backend: buffers are regions of one WebAssembly linear memory, managed by a
 * free-list allocator on the host (first fit, coalescing, memory grows on demand), and kernels
 * run in an AssemblyScript module compiled with v128 SIMD (`asm/fft.ts`).
 *
 * Kernels (all f64; `n` is the transform length; the output may be the input buffer):
 *
 * | kernel  | inputs                     | outputs                    | params            |
 * | ------- | -------------------------- | -------------------------- | ----------------- |
 * | `rfft`  | `[x]`, x.size ≤ n          | `[re, im]` or `[z]`        | n = x.size        |
 * | `irfft` | `[re, im]` or `[z]`        | `[y]`, y.size ≤ n          | n = 2·(bins − 1)  |
 * | `fft`   | `[re, im]` or `[z]`        | same layout as the input   | n = re.size       |
 * | `ifft`  | `[re, im]` or `[z]`        | same layout as the input   | n = re.size       |
 * | `copy`  | `[a]`                      | `[o]`                      |                   |
 * | `scale` | `[a]`                      | `[o]`                      | factor = 1        |
 *
 * `rfft`/`irfft` follow `numpy.fft.rfft(x, n)` / `numpy.fft.irfft(X, n)` (the same contract as
 * `createRfftPlan` in `src/fft/fft.ts`): the spectrum has h + 1 = ⌊n/2⌋ + 1 bins, given as
 * split `re`, `im` buffers of size ≥ h + 1 (the first h + 1 are used) or one interleaved buffer
 * `z` of size ≥ 2(h + 1) holding (re₀, im₀, re₁, im₁, …); `irfft` writes the first `y.size`
 * samples. `fft`/`ifft` are numpy's `fft`/`ifft` (inverse scaled by 1/n) on split buffers of
 * size n or one interleaved buffer of size 2n. Plans are built on first use and cached per length.
 *
 * Views returned by `view()` are invalidated when memory grows (any `alloc` may grow it), unless
 * the backend was created with `shared: true`: then its memory is a shared `WebAssembly.Memory`
 * (worker threads may read and write its buffers, see `kernel_pool.ts`), and views stay valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "./wasm_backend.ts";
 * const be = await createWasmBackend();
 * const x = be.alloc(4), re = be.alloc(3), im = be.alloc(3);
 * be.write(x, [1, 2, 3, 4]);
 * be.run("rfft", [x], [re, im]);
 * // numpy.fft.rfft([1, 2, 3, 4]) = [10, −2 + 2i, −2]
 * const near = (a: Float64Array, b: number[]) => b.every((v, k) => Math.abs(a[k]! - v) < 1e-12);
 * assert.ok(near(be.readSync(re), [10, -2, -2]) && near(be.readSync(im), [0, 2, 0]));
 * be.destroy();
 * ```
 *
 * @module
 */
import {
  type Backend,
  checkBuffer,
  type DeviceBuffer,
  type DType,
  type KernelParams,
  MissingKernelError,
} from "../backend.ts";
import type { JsKernel } from "../js/js_backend.ts";
import type { RfftPlan } from "../fft_plan.ts";
import { type FftWasmExports, instantiateFftWasm } from "./fft_wasm.ts";

/** The wasm backend. */
export interface WasmBackend extends Backend {
  /** Synchronous read (a copy, as float64). */
  readonly readSync: (buf: DeviceBuffer) => Float64Array;
  /** A buffer whose bytes are left as they are (NaN with `poisonUninit`), see `Backend`. */
  readonly allocUninit: (size: number, dtype?: DType) => DeviceBuffer;
  /** The raw module exports (pointer API, see `FftWasmExports`). */
  readonly exports: FftWasmExports;
  /** The linear memory (a shared one when {@link WasmBackend.shared}). */
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared (views survive growth; workers may use the buffers). */
  readonly shared: boolean;
  /** Byte offset of a buffer in linear memory. */
  ptr(buf: DeviceBuffer): number;
  /**
   * Direct view of a buffer (no copy), the same object while the buffer lives (and, for a
   * non-shared memory, until memory grows). For kernels and tests.
   */
  view(buf: DeviceBuffer): Float64Array | Float32Array;
  /** Current size of linear memory in bytes. */
  memoryBytes(): number;
  /**
   * A buffer that aliases the region of a float64 view of this backend's memory (a part of a
   * buffer, e.g. some layers of it), the same object for the same view: for running a kernel
   * on part of its buffers. It must not be freed, nor used after its region is.
   */
  bufferAt(view: Float64Array): DeviceBuffer;
  /**
   * Registers a kernel under a name (replacing one of the same name). This is how the physics
   * stages put their WASM kernels on the backend: the module holds their compiled code, the
   * stage's folder the glue that validates buffers and calls `exports` with `ptr`s.
   */
  registerKernel(name: string, kernel: WasmKernel): void;
  /**
   * Registers a TypeScript kernel (a js kernel's signature) that runs over views of this
   * backend's linear memory: no copies, the same numbers as on js. This is how a stage without
   * an AssemblyScript kernel yet still runs on wasm, its tensors staying in linear memory. If
   * the kernel grows a non-shared memory (an FFT plan of this backend made on first use), its
   * views detach, so it runs once more on fresh views: it must be a pure function of its
   * inputs. (Views of a shared memory survive growth: no second run.)
   */
  registerViewKernel(name: string, kernel: JsKernel): void;
  /** "asm" for a kernel compiled from asm/, "ts" for TypeScript over linear memory. */
  kernelKind(name: string): "asm" | "ts" | undefined;
  /** The kernel registered under a name (to wrap it), or undefined. */
  kernel(name: string): WasmKernel | undefined;
}

/** A wasm kernel: reads `inputs`, writes `outputs` (buffers of this backend), with params. */
export type WasmKernel = (
  inputs: readonly DeviceBuffer[],
  outputs: readonly DeviceBuffer[],
  params: KernelParams,
) => void;

interface _WasmBuffer extends DeviceBuffer {
  /** Byte offset, or −1 once freed. */
  handle: number;
  /** Reserved bytes (a multiple of 16); 0 for an alias (`bufferAt`), which free() refuses. */
  readonly bytes: number;
}

const _PAGE = 65536;

/** First-fit free list over [base, memory end), 16-byte granules, coalescing, grows memory. */
class _Heap {
  readonly #mem: WebAssembly.Memory;
  /** Free blocks sorted by offset, never adjacent (coalesced). */
  readonly #free: { off: number; size: number }[] = [];
  constructor(mem: WebAssembly.Memory, base: number) {
    this.#mem = mem;
    const start = (base + 15) & ~15;
    const end = mem.buffer.byteLength;
    if (end > start) this.#free.push({ off: start, size: end - start });
  }
  static round(bytes: number): number {
    return Math.max(16, Math.ceil(bytes / 16) * 16);
  }
  alloc(bytes: number): number {
    const size = _Heap.round(bytes);
    let i = this.#find(size);
    if (i < 0) {
      this.#grow(size);
      i = this.#find(size);
      if (i < 0) {
        throw new RangeError(`wasm backend: cannot allocate ${bytes} bytes`);
      }
    }
    const b = this.#free[i]!;
    const off = b.off;
    if (b.size === size) this.#free.splice(i, 1);
    else {
      b.off += size;
      b.size -= size;
    }
    return off;
  }
  free(off: number, bytes: number): void {
    const size = _Heap.round(bytes);
    const f = this.#free;
    let lo = 0, hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid]!.off < off) lo = mid + 1;
      else hi = mid;
    }
    f.splice(lo, 0, { off, size });
    // Coalesce with the next, then with the previous block.
    const next = f[lo + 1];
    if (next && off + size === next.off) {
      f[lo]!.size += next.size;
      f.splice(lo + 1, 1);
    }
    const prev = f[lo - 1];
    if (prev && prev.off + prev.size === off) {
      prev.size += f[lo]!.size;
      f.splice(lo, 1);
    }
  }
  /** Number of free blocks (for tests of coalescing). */
  get freeBlocks(): number {
    return this.#free.length;
  }
  #find(size: number): number {
    const f = this.#free;
    for (let i = 0; i < f.length; i++) if (f[i]!.size >= size) return i;
    return -1;
  }
  #grow(size: number): void {
    const end = this.#mem.buffer.byteLength;
    const last = this.#free.at(-1);
    const tail = last && last.off + last.size === end ? last.size : 0;
    const need = size - tail;
    // Grow at least by half the current memory, so that repeated growth is amortised.
    const pages = Math.max(Math.ceil(need / _PAGE), Math.ceil(end / _PAGE / 2));
    try {
      this.#mem.grow(pages);
    } catch {
      try {
        this.#mem.grow(Math.ceil(need / _PAGE));
      } catch {
        throw new RangeError(
          `wasm backend: out of memory growing by ${need} bytes`,
        );
      }
    }
    const added = this.#mem.buffer.byteLength - end;
    if (tail > 0) last!.size += added;
    else this.#free.push({ off: end, size: added });
  }
}

interface _Plan {
  ptr: number;
  bytes: number;
}

/** Backend internals shared with {@link createWasmRfftPlan}. */
interface _Internals {
  readonly e: FftWasmExports;
  readonly heap: _Heap;
  f64(): Float64Array;
  alive(): void;
}

const _internals = new WeakMap<Backend, _Internals>();
const _MAX_PLANS = 16;

function _checkLength(n: unknown, fn: string): number {
  if (typeof n !== "number") {
    throw new TypeError(`${fn}: n must be a number, got ${typeof n}`);
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${fn}: n must be a positive integer, got ${n}`);
  }
  if (n > 2 ** 26) {
    throw new RangeError(`${fn}: n must be at most 2^26, got ${n}`);
  }
  return n;
}

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * A shared linear memory (`WebAssembly.Memory({ shared: true })`), so that worker threads can
   * use the buffers (default false; needs SharedArrayBuffer, i.e. Deno, Node or a
   * cross-origin-isolated page).
   */
  readonly shared?: boolean;
  /** Most bytes a shared memory may grow to (default 2 GiB; at most 4 GiB). */
  readonly maxMemoryBytes?: number;
  /**
   * Fill every `allocUninit` buffer with NaN (default false: left as it is). For tests: a
   * kernel that reads an output before writing it, or leaves part of it unwritten, then shows
   * NaN instead of passing on memory that happened to be zero.
   */
  readonly poisonUninit?: boolean;
}

/**
 * Creates a wasm backend (f64, v128 SIMD kernels) with its own linear memory.
 *
 * @param opts Whether the memory is shared, and its maximum size.
 * @returns The backend.
 * @throws {Error} If the runtime cannot compile WebAssembly SIMD, or cannot make a shared
 *   memory when asked.
 * @throws {RangeError} For a `maxMemoryBytes` that is not a size in (0, 4 GiB].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "./wasm_backend.ts";
 * const be = await createWasmBackend();
 * const z = be.alloc(4); // two complex values, interleaved
 * be.write(z, [1, 0, 0, 0]);
 * be.run("fft", [z], [z]);
 * // numpy.fft.fft([1, 0]) = [1, 1]
 * assert.ok([1, 0, 1, 0].every((v, k) => Math.abs(be.readSync(z)[k]! - v) < 1e-12));
 * assert.strictEqual(be.name, "wasm");
 * assert.ok(be.hasKernel("irfft"));
 * be.destroy();
 * const sh = await createWasmBackend({ shared: true, maxMemoryBytes: 2 ** 24 });
 * assert.ok(sh.shared && sh.memory.buffer instanceof SharedArrayBuffer);
 * sh.destroy();
 * ```
 */
export async function createWasmBackend(
  opts: WasmBackendOptions = {},
): Promise<WasmBackend> {
  const shared = opts.shared === true;
  let memory: WebAssembly.Memory | undefined;
  if (shared) {
    const max = opts.maxMemoryBytes ?? 2 ** 31;
    if (!(typeof max === "number" && max > 0 && max <= 2 ** 32)) {
      throw new RangeError(
        `createWasmBackend(): maxMemoryBytes must be in (0, 2^32], got ${max}`,
      );
    }
    const maximum = Math.max(16, Math.ceil(max / _PAGE));
    memory = new WebAssembly.Memory({ initial: 16, maximum, shared: true });
  }
  const e = await instantiateFftWasm(memory);
  const mem = e.memory;
  const heap = new _Heap(mem, e.heap_base());
  let f64v = new Float64Array(mem.buffer);
  let f32v = new Float32Array(mem.buffer);
  let destroyed = false;
  const f64 = (): Float64Array => {
    if (f64v.buffer !== mem.buffer) {
      f64v = new Float64Array(mem.buffer);
      f32v = new Float32Array(mem.buffer);
    }
    return f64v;
  };
  const f32 = (): Float32Array => {
    f64();
    return f32v;
  };
  const alive = (): void => {
    if (destroyed) throw new Error("wasm backend: used after destroy()");
  };
  const plans = new Map<string, _Plan>();
  const plan = (kind: "c" | "r", n: number): number => {
    const key = kind + n;
    let p = plans.get(key);
    if (p === undefined) {
      if (plans.size >= _MAX_PLANS) {
        const [k0, p0] = plans.entries().next().value!;
        plans.delete(k0);
        heap.free(p0.ptr, p0.bytes);
      }
      const bytes = kind === "c" ? e.cplan_bytes(n) : e.rplan_bytes(n);
      const ptr = heap.alloc(bytes);
      if (kind === "c") e.cplan_init(n, ptr);
      else e.rplan_init(n, ptr);
      p = { ptr, bytes };
      plans.set(key, p);
    } else {
      // Refresh recency.
      plans.delete(key);
      plans.set(key, p);
    }
    return p.ptr;
  };
  let scratch: _Plan = { ptr: heap.alloc(16), bytes: 16 };
  const scratchPtr = (bytes: number): number => {
    if (scratch.bytes < bytes) {
      heap.free(scratch.ptr, scratch.bytes);
      scratch = { ptr: heap.alloc(bytes), bytes: _Heap.round(bytes) };
    }
    return scratch.ptr;
  };

  const buf = (b: DeviceBuffer, what = "buffer"): _WasmBuffer => {
    alive();
    checkBuffer(be, b, undefined, what);
    const w = b as _WasmBuffer;
    if (w.handle < 0) {
      throw new Error(`wasm backend: ${what} used after free()`);
    }
    return w;
  };
  // One view object per buffer while memory does not grow: kernels that memoize by array
  // identity (PreMODIT's tables by its ν grid) then see the same array on every call.
  const views = new WeakMap<DeviceBuffer, Float64Array | Float32Array>();
  const aliases = new WeakMap<Float64Array, _WasmBuffer>();
  const view = (b: DeviceBuffer): Float64Array | Float32Array => {
    const w = buf(b);
    const v = views.get(w);
    if (v !== undefined && (shared || v.buffer === mem.buffer)) return v;
    const nv = w.dtype === "f64"
      ? f64().subarray(w.handle / 8, w.handle / 8 + w.size)
      : f32().subarray(w.handle / 4, w.handle / 4 + w.size);
    views.set(w, nv);
    return nv;
  };
  const f64buf = (
    b: DeviceBuffer | undefined,
    what: string,
    kernel: string,
  ): _WasmBuffer => {
    if (b === undefined) throw new TypeError(`${kernel}: missing ${what}`);
    const w = buf(b, what);
    if (w.dtype !== "f64") {
      throw new TypeError(`${kernel}: ${what} must be f64, got ${w.dtype}`);
    }
    return w;
  };
  const nParam = (p: KernelParams, dflt: number, kernel: string): number =>
    _checkLength(p.n ?? dflt, kernel);
  const atLeast = (
    w: _WasmBuffer,
    size: number,
    what: string,
    kernel: string,
  ): void => {
    if (w.size < size) {
      throw new TypeError(
        `${kernel}: ${what} has ${w.size} elements, needs at least ${size}`,
      );
    }
  };
  const exactly = (
    w: _WasmBuffer,
    size: number,
    what: string,
    kernel: string,
  ): void => {
    if (w.size !== size) {
      throw new TypeError(
        `${kernel}: ${what} has ${w.size} elements, expected ${size}`,
      );
    }
  };

  type _Kernel = (
    inputs: readonly DeviceBuffer[],
    outputs: readonly DeviceBuffer[],
    params: KernelParams,
  ) => void;
  const complexKernel =
    (inverse: boolean): _Kernel => (inputs, outputs, params) => {
      const k = inverse ? "ifft" : "fft";
      if (inputs.length === 1) {
        const z = f64buf(inputs[0], "z", k);
        const o = f64buf(outputs[0], "output z", k);
        const n = nParam(params, Math.floor(z.size / 2), k);
        exactly(z, 2 * n, "z", k);
        exactly(o, 2 * n, "output z", k);
        if (o.handle !== z.handle) {
          f64().copyWithin(o.handle / 8, z.handle / 8, z.handle / 8 + 2 * n);
        }
        const pl = plan("c", n);
        if (inverse) e.cfft_inverse(pl, o.handle);
        else e.cfft_forward(pl, o.handle);
        return;
      }
      const re = f64buf(inputs[0], "re", k), im = f64buf(inputs[1], "im", k);
      const ore = f64buf(outputs[0], "output re", k),
        oim = f64buf(outputs[1], "output im", k);
      const n = nParam(params, re.size, k);
      for (
        const [w, what] of [[re, "re"], [im, "im"], [ore, "output re"], [
          oim,
          "output im",
        ]] as const
      ) {
        exactly(w, n, what, k);
      }
      const pl = plan("c", n);
      const z = scratchPtr(16 * n);
      e.interleave(re.handle, im.handle, z, n);
      if (inverse) e.cfft_inverse(pl, z);
      else e.cfft_forward(pl, z);
      e.deinterleave(z, ore.handle, oim.handle, n);
    };

  const kernels: Record<string, _Kernel> = {
    rfft(inputs, outputs, params) {
      const k = "rfft";
      const x = f64buf(inputs[0], "x", k);
      const n = nParam(params, x.size, k);
      const h = Math.floor(n / 2);
      if (x.size > n) {
        throw new TypeError(
          `${k}: x has ${x.size} elements, more than n = ${n}`,
        );
      }
      const pl = plan("r", n);
      if (outputs.length === 1) {
        const z = f64buf(outputs[0], "z", k);
        atLeast(z, 2 * (h + 1), "z", k);
        e.rfft_forward(pl, x.handle, x.size, z.handle, z.handle + 8, 16);
      } else {
        const re = f64buf(outputs[0], "re", k),
          im = f64buf(outputs[1], "im", k);
        atLeast(re, h + 1, "re", k);
        atLeast(im, h + 1, "im", k);
        e.rfft_forward(pl, x.handle, x.size, re.handle, im.handle, 8);
      }
    },
    irfft(inputs, outputs, params) {
      const k = "irfft";
      const y = f64buf(outputs[0], "y", k);
      let rp: number, ip: number, stride: number, bins: number;
      if (inputs.length === 1) {
        const z = f64buf(inputs[0], "z", k);
        bins = Math.floor(z.size / 2);
        rp = z.handle;
        ip = z.handle + 8;
        stride = 16;
      } else {
        const re = f64buf(inputs[0], "re", k), im = f64buf(inputs[1], "im", k);
        if (re.size !== im.size) {
          throw new TypeError(
            `${k}: re and im sizes differ (${re.size} and ${im.size})`,
          );
        }
        bins = re.size;
        rp = re.handle;
        ip = im.handle;
        stride = 8;
      }
      const n = nParam(params, 2 * (bins - 1), k);
      const h = Math.floor(n / 2);
      if (bins < h + 1) {
        throw new TypeError(
          `${k}: the spectrum has ${bins} bins, needs at least ${
            h + 1
          } for n = ${n}`,
        );
      }
      if (y.size > n) {
        throw new TypeError(
          `${k}: y has ${y.size} elements, more than n = ${n}`,
        );
      }
      e.rfft_inverse(plan("r", n), rp, ip, stride, y.handle, y.size);
    },
    fft: complexKernel(false),
    ifft: complexKernel(true),
    copy([a], [o]) {
      const va = view(a!), vo = view(o!);
      if (va.length !== vo.length) {
        throw new TypeError(
          `copy: sizes differ (${va.length} and ${vo.length})`,
        );
      }
      vo.set(va);
    },
    scale([a], [o], p) {
      const va = view(a!), vo = view(o!);
      if (va.length !== vo.length) {
        throw new TypeError(
          `scale: sizes differ (${va.length} and ${vo.length})`,
        );
      }
      const f = p.factor ?? 1;
      for (let i = 0; i < vo.length; i++) vo[i] = va[i]! * f;
    },
  };

  const kinds = new Map<string, "asm" | "ts">(
    Object.keys(kernels).map((k) => [
      k,
      k === "copy" || k === "scale" ? "ts" : "asm",
    ]),
  );
  const poison = opts.poisonUninit === true;
  /** A buffer of `size` elements of the heap, its bytes as they are. */
  const allocRaw = (size: number, dtype: DType, fn: string): _WasmBuffer => {
    alive();
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(
        `${fn}: size must be a non-negative integer, got ${size}`,
      );
    }
    if (dtype !== "f64" && dtype !== "f32") {
      throw new TypeError(`${fn}: unknown dtype "${dtype}"`);
    }
    const bytes = size * (dtype === "f64" ? 8 : 4);
    const off = heap.alloc(bytes);
    return {
      backend: "wasm",
      size,
      dtype,
      handle: off,
      bytes: _Heap.round(bytes),
    };
  };
  const be: WasmBackend = {
    name: "wasm",
    defaultDtype: "f64",
    exports: e,
    memory: mem,
    shared,
    alloc(size: number, dtype: DType = "f64"): DeviceBuffer {
      const w = allocRaw(size, dtype, "alloc()");
      new Uint8Array(mem.buffer, w.handle, w.bytes).fill(0);
      return w;
    },
    allocUninit(size: number, dtype: DType = "f64"): DeviceBuffer {
      const w = allocRaw(size, dtype, "allocUninit()");
      if (poison) {
        if (dtype === "f64") {
          new Float64Array(mem.buffer, w.handle, size).fill(NaN);
        } else new Float32Array(mem.buffer, w.handle, size).fill(NaN);
      }
      return w;
    },
    write(b, data, offset = 0) {
      const v = view(b);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new RangeError(
          `write(): offset must be a non-negative integer, got ${offset}`,
        );
      }
      if (offset + data.length > v.length) {
        throw new RangeError(
          `write(): ${data.length} values at offset ${offset} overflow a buffer of ${v.length}`,
        );
      }
      v.set(data, offset);
    },
    read(b) {
      try {
        return Promise.resolve(be.readSync(b));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    readSync(b) {
      const v = view(b);
      return v instanceof Float64Array ? v.slice() : Float64Array.from(v);
    },
    ptr: (b) => buf(b).handle,
    view,
    memoryBytes: () => mem.buffer.byteLength,
    bufferAt(v) {
      alive();
      if (
        !(v instanceof Float64Array) ||
        !(v.buffer === mem.buffer ||
          (shared && v.buffer instanceof SharedArrayBuffer))
      ) {
        throw new TypeError(
          "bufferAt(): view must be a Float64Array over this backend's memory",
        );
      }
      let a = aliases.get(v);
      if (a === undefined) {
        a = {
          backend: "wasm",
          size: v.length,
          dtype: "f64",
          handle: v.byteOffset,
          bytes: 0,
        };
        aliases.set(v, a);
      }
      return a;
    },
    free(b) {
      const w = buf(b);
      if (w.bytes === 0) {
        throw new TypeError("free(): a buffer from bufferAt() is not owned");
      }
      heap.free(w.handle, w.bytes);
      w.handle = -1;
    },
    hasKernel: (name) => Object.hasOwn(kernels, name),
    kernels: () => Object.keys(kernels),
    registerKernel(name, kernel) {
      alive();
      kernels[name] = kernel;
      kinds.set(name, "asm");
    },
    registerViewKernel(name, kernel) {
      alive();
      kernels[name] = (ins, outs, p) => {
        const f64views = (bs: readonly DeviceBuffer[], what: string) =>
          bs.map((b, i) => {
            const v = view(b);
            if (!(v instanceof Float64Array)) {
              throw new TypeError(`${name}: ${what} ${i} must be f64`);
            }
            return v;
          });
        // A kernel that allocates here (an FFT plan made on first use) may grow memory,
        // which detaches the views it was given: then it runs again on fresh views (kernels
        // are pure functions of their inputs; nothing grows the second time). Views of a
        // shared memory do not detach.
        const before = mem.buffer;
        try {
          kernel(f64views(ins, "input"), f64views(outs, "output"), p);
        } catch (err) {
          if (shared || mem.buffer === before) throw err;
        }
        if (!shared && mem.buffer !== before) {
          kernel(f64views(ins, "input"), f64views(outs, "output"), p);
        }
      };
      kinds.set(name, "ts");
    },
    kernelKind: (name) => kinds.get(name),
    kernel: (name) => Object.hasOwn(kernels, name) ? kernels[name] : undefined,
    run(kernel, inputs, outputs, params = {}) {
      alive();
      if (!Object.hasOwn(kernels, kernel)) {
        throw new MissingKernelError("wasm", kernel);
      }
      kernels[kernel]!(inputs, outputs, params);
    },
    sync: () => Promise.resolve(),
    destroy() {
      destroyed = true;
      plans.clear();
      _internals.delete(be);
    },
  };
  _internals.set(be, { e, heap, f64, alive });
  return be;
}

/** An {@link RfftPlan} running in a wasm backend's memory; `dispose()` releases that memory. */
export interface WasmRfftPlan extends RfftPlan {
  /** Frees the plan's memory in the backend; the plan must not be used afterwards. */
  dispose(): void;
}

function _checkF64(
  a: unknown,
  name: string,
  fn: string,
): asserts a is Float64Array {
  if (!(a instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float64Array`);
  }
}

/**
 * Creates a real FFT plan of length n that runs in the wasm backend, with the same contract as
 * `createRfftPlan(n)` from `src/fft/fft.ts` (numpy's rfft/irfft), copying the host arrays
 * in and out, so PreMODIT can use either. The plan owns its twiddles, scratch and I/O regions.
 *
 * @param backend A backend from {@link createWasmBackend}.
 * @param n Transform length, a positive integer.
 * @returns The plan.
 * @throws {TypeError} If `backend` is not a live wasm backend.
 * @throws {RangeError} If n is not a positive integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend, createWasmRfftPlan } from "./wasm_backend.ts";
 * const be = await createWasmBackend();
 * const plan = createWasmRfftPlan(be, 8);
 * const re = new Float64Array(5), im = new Float64Array(5), y = new Float64Array(4);
 * plan.forward(new Float64Array([1, 1, 1, 1]), re, im); // zero-padded to 8
 * plan.inverse(re, im, y); // first 4 samples only
 * assert.ok(Math.abs(re[0]! - 4) < 1e-12); // DC bin = Σx
 * assert.ok(y.every((v) => Math.abs(v - 1) < 1e-12)); // the round trip recovers x
 * plan.dispose();
 * ```
 */
export function createWasmRfftPlan(
  backend: WasmBackend,
  n: number,
): WasmRfftPlan {
  const it = _internals.get(backend);
  if (it === undefined) {
    throw new TypeError(
      "createWasmRfftPlan(): backend must be a live wasm backend",
    );
  }
  _checkLength(n, "createWasmRfftPlan()");
  const { e, heap, f64 } = it;
  const h = Math.floor(n / 2);
  const planBytes = e.rplan_bytes(n);
  const pl = heap.alloc(planBytes);
  e.rplan_init(n, pl);
  const xp = heap.alloc(8 * n);
  const rp = heap.alloc(8 * (h + 1));
  const ip = heap.alloc(8 * (h + 1));
  let disposed = false;
  const live = (fn: string): void => {
    it.alive();
    if (disposed) throw new Error(`${fn}: plan used after dispose()`);
  };
  return {
    n,
    forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
      const fn = "WasmRfftPlan.forward()";
      live(fn);
      _checkF64(x, "x", fn);
      _checkF64(outRe, "outRe", fn);
      _checkF64(outIm, "outIm", fn);
      if (x.length > n) {
        throw new TypeError(
          `${fn}: x must have length <= ${n}, got ${x.length}`,
        );
      }
      if (outRe.length < h + 1 || outIm.length < h + 1) {
        throw new TypeError(
          `${fn}: outRe and outIm need length >= ${
            h + 1
          }, got ${outRe.length} and ${outIm.length}`,
        );
      }
      f64().set(x, xp / 8);
      e.rfft_forward(pl, xp, x.length, rp, ip, 8);
      const m = f64();
      outRe.set(m.subarray(rp / 8, rp / 8 + h + 1));
      outIm.set(m.subarray(ip / 8, ip / 8 + h + 1));
    },
    inverse(re: Float64Array, im: Float64Array, out: Float64Array): void {
      const fn = "WasmRfftPlan.inverse()";
      live(fn);
      _checkF64(re, "re", fn);
      _checkF64(im, "im", fn);
      _checkF64(out, "out", fn);
      if (re.length < h + 1 || im.length < h + 1) {
        throw new TypeError(
          `${fn}: re and im need length >= ${
            h + 1
          }, got ${re.length} and ${im.length}`,
        );
      }
      if (out.length > n) {
        throw new TypeError(
          `${fn}: out must have length <= ${n}, got ${out.length}`,
        );
      }
      const m = f64();
      m.set(re.subarray(0, h + 1), rp / 8);
      m.set(im.subarray(0, h + 1), ip / 8);
      e.rfft_inverse(pl, rp, ip, 8, xp, out.length);
      out.set(m.subarray(xp / 8, xp / 8 + out.length));
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (!_internals.has(backend)) return;
      heap.free(pl, planBytes);
      heap.free(xp, 8 * n);
      heap.free(rp, 8 * (h + 1));
      heap.free(ip, 8 * (h + 1));
    },
  };
}

/**
 * Number of free blocks in a wasm backend's allocator (a diagnostic for tests: freeing every
 * buffer coalesces the free list back to few blocks).
 *
 * @param backend A backend from {@link createWasmBackend}.
 * @returns The number of free blocks.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend, wasmFreeBlocks } from "./wasm_backend.ts";
 * const be = await createWasmBackend();
 * const before = wasmFreeBlocks(be);
 * be.free(be.alloc(10));
 * assert.strictEqual(wasmFreeBlocks(be), before); // the freed block coalesces back
 * be.destroy();
 * ```
 */
export function wasmFreeBlocks(backend: WasmBackend): number {
  const it = _internals.get(backend);
  if (it === undefined) {
    throw new TypeError(
      "wasmFreeBlocks(): backend must be a live wasm backend",
    );
  }
  return it.heap.freeBlocks;
}
