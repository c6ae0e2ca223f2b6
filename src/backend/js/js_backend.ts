/**
 * The reference backend: plain TypeScript over Float64Array (f64). Kernels are ordinary
 * functions registered by name; physics modules register theirs with {@link registerJsKernel}
 * on a backend instance they are given (no global registry).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "./js_backend.ts";
 * const be = createJsBackend();
 * const x = be.alloc(2);
 * be.write(x, [3, 4]);
 * assert.deepStrictEqual(Array.from(be.readSync(x)), [3, 4]);
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

/** A js kernel: reads `inputs`, writes `outputs` (all Float64Array), with scalar params. */
export type JsKernel = (
  inputs: readonly Float64Array[],
  outputs: readonly Float64Array[],
  params: KernelParams,
) => void;

/** The js backend, with its kernel table exposed for registration. */
export interface JsBackend extends Backend {
  /** Registered kernels by name. */
  readonly kernelTable: Map<string, JsKernel>;
  /** Synchronous read (a copy). */
  readonly readSync: (buf: DeviceBuffer) => Float64Array;
  /** Direct view of a buffer's storage (no copy). For kernels and tests only. */
  view(buf: DeviceBuffer): Float64Array;
  /**
   * A buffer whose storage is `data` itself (no copy): how host tensors enter js kernels.
   * Writes through either name are seen by both; `free` drops the buffer, not the array.
   */
  wrap(data: Float64Array): DeviceBuffer;
}

interface _JsBuffer extends DeviceBuffer {
  handle: Float64Array | null;
}

/** Built-in kernels every js backend has. */
const _BUILTIN: Record<string, JsKernel> = {
  scale: ([a], [o], p) => {
    const f = p.factor ?? 1;
    for (let i = 0; i < o!.length; i++) o![i] = a![i]! * f;
  },
  copy: ([a], [o]) => o!.set(a!),
};

/**
 * Creates a js (TypeScript float64) backend.
 *
 * @param kernels Extra kernels to register.
 * @returns A new backend with its own kernel table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "./js_backend.ts";
 * const be = createJsBackend({ twice: ([a], [o]) => { for (let i = 0; i < o!.length; i++) o![i] = 2 * a![i]!; } });
 * assert.ok(be.hasKernel("twice") && be.hasKernel("scale")); // extra kernels join the built-ins
 * const x = be.alloc(2), y = be.alloc(2);
 * be.write(x, [1, 2]);
 * be.run("twice", [x], [y]);
 * assert.deepStrictEqual(Array.from(be.readSync(y)), [2, 4]);
 * ```
 */
export function createJsBackend(
  kernels: Record<string, JsKernel> = {},
): JsBackend {
  const table = new Map<string, JsKernel>(
    Object.entries({ ..._BUILTIN, ...kernels }),
  );
  const view = (buf: DeviceBuffer): Float64Array => {
    checkBuffer(be, buf);
    const h = (buf as _JsBuffer).handle;
    if (h === null) throw new Error("js backend: buffer used after free()");
    return h;
  };
  const be: JsBackend = {
    name: "js",
    defaultDtype: "f64",
    kernelTable: table,
    alloc(size: number, dtype: DType = "f64"): DeviceBuffer {
      if (!Number.isInteger(size) || size < 0) {
        throw new RangeError(
          `alloc(): size must be a non-negative integer, got ${size}`,
        );
      }
      if (dtype !== "f64") {
        throw new TypeError(`js backend stores f64 only, got dtype "${dtype}"`);
      }
      const b: _JsBuffer = {
        backend: "js",
        size,
        dtype,
        handle: new Float64Array(size),
      };
      return b;
    },
    write(buf, data, offset = 0) {
      const h = view(buf);
      if (offset + data.length > h.length) {
        throw new RangeError(
          `write(): ${data.length} values at offset ${offset} overflow a buffer of ${h.length}`,
        );
      }
      h.set(data, offset);
    },
    read(buf) {
      return Promise.resolve(view(buf).slice());
    },
    readSync(buf) {
      return view(buf).slice();
    },
    view,
    wrap(data: Float64Array): DeviceBuffer {
      if (!(data instanceof Float64Array)) {
        throw new TypeError("wrap(): data must be a Float64Array");
      }
      const b: _JsBuffer = {
        backend: "js",
        size: data.length,
        dtype: "f64",
        handle: data,
      };
      return b;
    },
    free(buf) {
      view(buf);
      (buf as _JsBuffer).handle = null;
    },
    hasKernel: (name) => table.has(name),
    kernels: () => [...table.keys()],
    run(kernel, inputs, outputs, params = {}) {
      const k = table.get(kernel);
      if (!k) throw new MissingKernelError("js", kernel);
      k(inputs.map(view), outputs.map(view), params);
    },
    sync: () => Promise.resolve(),
    destroy() {
      table.clear();
    },
  };
  return be;
}

/**
 * Registers (or replaces) a kernel on a js backend.
 *
 * @param be The backend.
 * @param name Kernel name.
 * @param kernel The implementation.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend, registerJsKernel } from "./js_backend.ts";
 * const be = createJsBackend();
 * registerJsKernel(be, "neg", ([a], [o]) => { for (let i = 0; i < o!.length; i++) o![i] = -a![i]!; });
 * assert.ok(be.hasKernel("neg"));
 * const x = be.alloc(2), y = be.alloc(2);
 * be.write(x, [1, -2]);
 * be.run("neg", [x], [y]);
 * assert.deepStrictEqual(Array.from(be.readSync(y)), [-1, 2]);
 * ```
 */
export function registerJsKernel(
  be: JsBackend,
  name: string,
  kernel: JsKernel,
): void {
  be.kernelTable.set(name, kernel);
}
