/**
 * The backend boundary: a small interface every device implements (plain TypeScript f64,
 * AssemblyScript WASM SIMD, WebGPU). The autodiff layer and the physics primitives only see
 * {@link Backend} and {@link DeviceBuffer}; kernels are looked up by name and a missing kernel is
 * a clear error naming the backend and the kernel, never a silent fallback.
 *
 * Enqueueing work (`run`) is synchronous; reading results back (`read`) is asynchronous because
 * WebGPU readback is. CPU backends also offer `readSync`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "./js/js_backend.ts";
 * const be = createJsBackend();
 * const a = be.alloc(3);
 * be.write(a, new Float64Array([1, 2, 3]));
 * const b = be.alloc(3);
 * be.run("scale", [a], [b], { factor: 2 });
 * assert.deepStrictEqual(Array.from(await be.read(b)), [2, 4, 6]);
 * be.free(a);
 * be.free(b);
 * ```
 *
 * @module
 */

/** Element type of a device buffer. */
export type DType = "f32" | "f64";

/** A buffer owned by a backend. `handle` is backend specific (Float64Array, memory offset, GPUBuffer). */
export interface DeviceBuffer {
  /** Name of the backend that owns it. */
  readonly backend: string;
  /** Number of elements. */
  readonly size: number;
  /** Element type. */
  readonly dtype: DType;
  /** Backend-specific handle; treat as opaque outside the backend. */
  readonly handle: unknown;
}

/** Scalar parameters of a kernel launch (sizes, constants). */
export type KernelParams = Readonly<Record<string, number>>;

/** A device: allocation, transfer, kernel dispatch. */
export interface Backend {
  /** "js", "wasm" or "webgpu". */
  readonly name: string;
  /** Element type used when `alloc` is not told. */
  readonly defaultDtype: DType;
  /** Allocates a zero-initialised buffer of `size` elements. */
  alloc(size: number, dtype?: DType): DeviceBuffer;
  /**
   * Allocates a buffer whose contents are unspecified, for an output that the kernel it is
   * given to writes in full (it saves zeroing it). Optional: {@link allocOutput} falls back to
   * `alloc`.
   */
  readonly allocUninit?: (size: number, dtype?: DType) => DeviceBuffer;
  /** Copies host data into a buffer (converted to its dtype), starting at element `offset`. */
  write(buf: DeviceBuffer, data: ArrayLike<number>, offset?: number): void;
  /** Reads a whole buffer back to the host as float64. */
  read(buf: DeviceBuffer): Promise<Float64Array>;
  /** Synchronous read, on backends that can (js, wasm); undefined on WebGPU. */
  readonly readSync?: (buf: DeviceBuffer) => Float64Array;
  /** Releases a buffer. Using it afterwards is an error. */
  free(buf: DeviceBuffer): void;
  /** Whether a kernel of that name is registered on this backend. */
  hasKernel(name: string): boolean;
  /** Names of the registered kernels. */
  kernels(): string[];
  /** Enqueues a kernel: reads `inputs`, writes `outputs`. Throws if the kernel is unknown. */
  run(
    kernel: string,
    inputs: readonly DeviceBuffer[],
    outputs: readonly DeviceBuffer[],
    params?: KernelParams,
  ): void;
  /** Waits until every enqueued kernel has finished (no-op on CPU backends). */
  sync(): Promise<void>;
  /** Releases every resource of the backend. */
  destroy(): void;
}

/**
 * The error thrown when a kernel is not registered on a backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { MissingKernelError } from "./backend.ts";
 * const e = new MissingKernelError("wasm", "xsmatrix");
 * assert.strictEqual(e.message, 'backend "wasm" has no kernel "xsmatrix"');
 * assert.deepStrictEqual([e.name, e.backend, e.kernel], ["MissingKernelError", "wasm", "xsmatrix"]);
 * ```
 */
export class MissingKernelError extends Error {
  /** The backend's name. */
  readonly backend: string;
  /** The kernel's name. */
  readonly kernel: string;
  /**
   * @param backend The backend's name.
   * @param kernel The kernel that is missing.
   */
  constructor(backend: string, kernel: string) {
    super(`backend "${backend}" has no kernel "${kernel}"`);
    this.name = "MissingKernelError";
    this.backend = backend;
    this.kernel = kernel;
  }
}

/**
 * Checks that a buffer belongs to a backend and has the expected size.
 *
 * @param be The backend.
 * @param buf The buffer.
 * @param size Expected number of elements (optional).
 * @param what Name used in error messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { checkBuffer } from "./backend.ts";
 * import { createJsBackend } from "./js/js_backend.ts";
 * const be = createJsBackend();
 * const x = be.alloc(2);
 * assert.doesNotThrow(() => checkBuffer(be, x, 2, "x"));
 * assert.throws(() => checkBuffer(be, x, 3, "x"), /x has 2 elements, expected 3/);
 * ```
 */
export function checkBuffer(
  be: Backend,
  buf: DeviceBuffer,
  size?: number,
  what = "buffer",
): void {
  if (buf.backend !== be.name) {
    throw new TypeError(
      `${what} belongs to backend "${buf.backend}", not "${be.name}"`,
    );
  }
  if (size !== undefined && buf.size !== size) {
    throw new TypeError(`${what} has ${buf.size} elements, expected ${size}`);
  }
}

/**
 * A buffer for a kernel output that the kernel writes in full: `be.allocUninit` where the
 * backend has it (its contents unspecified: no zeroing), else `be.alloc` (zeroed).
 *
 * @param be The backend.
 * @param size Number of elements.
 * @param dtype Element type (default the backend's).
 * @returns The buffer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { allocOutput } from "./backend.ts";
 * import { createJsBackend } from "./js/js_backend.ts";
 * const be = createJsBackend();
 * const o = allocOutput(be, 3);
 * be.run("copy", [be.wrap(new Float64Array([1, 2, 3]))], [o]);
 * assert.deepStrictEqual(Array.from(be.view(o)), [1, 2, 3]);
 * ```
 */
export function allocOutput(
  be: Backend,
  size: number,
  dtype?: DType,
): DeviceBuffer {
  return be.allocUninit !== undefined
    ? be.allocUninit(size, dtype)
    : be.alloc(size, dtype);
}
