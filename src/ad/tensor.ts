/**
 * The array type the autodiff layer works on: a shape and row-major values held in a
 * {@link DeviceBuffer} of a {@link Backend}.
 *
 * - A **host** tensor lives on a js backend: its buffer is a `Float64Array` the program can
 *   read directly (`t.data`). `new Tensor(data, shape)` and `tensor(...)` make host tensors on
 *   {@link hostBackend}.
 * - A **device** tensor ({@link Tensor.fromBuffer}) lives on another backend (wasm linear
 *   memory, a GPU buffer). Its values are read explicitly: `await t.toArray()` everywhere,
 *   `t.readSync()` on CPU backends. `t.data` refuses with a {@link DeviceResidentError}, so
 *   no hidden transfer can happen.
 *
 * A device tensor's buffer is freed when the innermost {@link scopeSync} active at its
 * creation ends (unless that scope returns or keeps it), or, outside any scope, when the
 * tensor is garbage collected. {@link Tensor.dispose} frees it at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hostBackend, tensor } from "./tensor.ts";
 * const t = tensor([1, 2, 3, 4], [2, 2]);
 * assert.deepStrictEqual(t.shape, [2, 2]);
 * assert.strictEqual(t.size, 4);
 * assert.strictEqual(t.backend, hostBackend);
 * assert.deepStrictEqual(Array.from(await t.toArray()), [1, 2, 3, 4]);
 * ```
 *
 * @module
 */
import type { Backend, DeviceBuffer } from "../backend/backend.ts";
import { createJsBackend, type JsBackend } from "../backend/js/js_backend.ts";

/**
 * The js backend host tensors belong to. Its buffers are the tensors' own `Float64Array`s, so
 * it holds no state of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hostBackend } from "./tensor.ts";
 * assert.strictEqual(hostBackend.name, "js");
 * ```
 */
export const hostBackend: JsBackend = createJsBackend();

/**
 * Whether a backend's buffers are host `Float64Array`s (a js backend): tensors on it are host
 * tensors and js kernels read them without a copy.
 *
 * @param be The backend.
 * @returns True for js backends.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hostBackend, isHostBackend } from "./tensor.ts";
 * assert.strictEqual(isHostBackend(hostBackend), true);
 * ```
 */
export function isHostBackend(be: Backend): be is JsBackend {
  const js = be as Partial<JsBackend>;
  return typeof js.view === "function" && typeof js.wrap === "function";
}

/**
 * Thrown when host code reads `t.data` of a tensor that lives on a device backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DeviceResidentError } from "./tensor.ts";
 * const e = new DeviceResidentError("wasm", [3]);
 * assert.match(e.message, /lives on backend "wasm"/);
 * ```
 */
export class DeviceResidentError extends TypeError {
  /** The backend the tensor lives on. */
  readonly backend: string;
  /**
   * @param backend The backend's name.
   * @param shape The tensor's shape.
   */
  constructor(backend: string, shape: readonly number[]) {
    super(
      `tensor of shape [${
        shape.join(", ")
      }] lives on backend "${backend}": read it with await t.toArray() (or t.readSync() on a CPU backend), or move it with toBackend()`,
    );
    this.name = "DeviceResidentError";
    this.backend = backend;
  }
}

// ---------------------------------------------------------------------------------------------
// ownership of device buffers

/** Buffers of one backend owned together (a device tensor's, a pullback's residuals). */
interface _Owned {
  readonly be: Backend;
  readonly bufs: readonly DeviceBuffer[];
  live: boolean;
}

function _release(o: _Owned): void {
  if (!o.live) return;
  o.live = false;
  for (const b of o.bufs) {
    try {
      o.be.free(b);
    } catch { /* the backend was destroyed first */ }
  }
}

const _collected = new FinalizationRegistry<_Owned>(_release);

/**
 * The stack of active {@link scopeSync} scopes (innermost last). With the AD level counter of
 * `core.ts`, this is the only module state of the AD layer; it is empty outside `scopeSync`.
 */
const _scopes: Set<_Owned>[] = [];

/**
 * @internal Makes `bufs` (on `be`) live as long as `owner`, or until the innermost active
 * scope ends. Returns the record, so a scope can keep it.
 */
export function _adopt(
  be: Backend,
  bufs: readonly DeviceBuffer[],
  owner: object,
  scoped = true,
): _Owned {
  const o: _Owned = { be, bufs, live: true };
  _collected.register(owner, o, o);
  if (scoped) _scopes[_scopes.length - 1]?.add(o);
  return o;
}

/** @internal Frees a record now. */
function _dispose(o: _Owned): void {
  _collected.unregister(o);
  for (const s of _scopes) s.delete(o);
  _release(o);
}

/** @internal Moves a record from the innermost scope to the one around it (or to none). */
function _promote(o: _Owned): void {
  const n = _scopes.length;
  if (n === 0 || !_scopes[n - 1]!.delete(o)) return;
  if (n >= 2) _scopes[n - 2]!.add(o);
}

/** @internal Opens a scope; the returned function closes it, keeping `keep`. */
export function _openScope(): {
  keep(t: Tensor): void;
  close(): void;
  readonly size: number;
} {
  const s = new Set<_Owned>();
  _scopes.push(s);
  return {
    keep(t) {
      const o = _ownedOf.get(t);
      if (o) _promote(o);
    },
    close() {
      const i = _scopes.lastIndexOf(s);
      if (i < 0) return;
      _scopes.splice(i, 1);
      for (const o of s) {
        _collected.unregister(o);
        _release(o);
      }
      s.clear();
    },
    get size() {
      return s.size;
    },
  };
}

const _ownedOf = new WeakMap<Tensor, _Owned>();

/** @internal The ownership record of a device tensor. */
export function _ownedRecord(t: Tensor): object | undefined {
  return _ownedOf.get(t);
}

/** A concrete n-d array in row-major order, on a backend. Treat its values as immutable. */
export class Tensor {
  /** Dimensions, outermost first. `[]` is a scalar. */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** The backend holding the values ({@link hostBackend} for host tensors). */
  readonly backend: Backend;
  #data: Float64Array | null;
  #buf: DeviceBuffer | null;
  /** Set by `fromBuffer` just before it constructs a device tensor. */
  static #device: { backend: Backend; buffer: DeviceBuffer } | null = null;
  /**
   * Makes a host tensor.
   *
   * @param data Values (not copied).
   * @param shape Dimensions (product must equal `data.length`).
   */
  constructor(data: Float64Array, shape: readonly number[]) {
    const n = sizeOf(shape);
    const dev = Tensor.#device;
    if (dev !== null) {
      Tensor.#device = null;
      this.#data = null;
      this.#buf = dev.buffer;
      this.backend = dev.backend;
      this.size = n;
      this.shape = Object.freeze([...shape]);
      return;
    }
    if (data.length !== n) {
      throw new TypeError(
        `Tensor: data has ${data.length} values but shape [${
          shape.join(", ")
        }] needs ${n}`,
      );
    }
    this.#data = data;
    this.#buf = null;
    this.backend = hostBackend;
    this.size = n;
    this.shape = Object.freeze([...shape]);
  }

  /**
   * A tensor over a buffer of a backend. On a js backend it is a host tensor over the buffer's
   * array; elsewhere a device tensor that takes ownership of the buffer (see the module doc).
   *
   * @param backend The backend owning `buffer`.
   * @param buffer The values (its size must match `shape`).
   * @param shape Dimensions.
   * @param opts `scoped: false` keeps a device tensor out of the active scope (a model's
   *   long-lived constant): it is freed when collected or disposed.
   * @returns The tensor.
   *
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { createJsBackend } from "../backend/js/js_backend.ts";
   * import { Tensor } from "./tensor.ts";
   * const be = createJsBackend();
   * const b = be.alloc(2);
   * be.write(b, [3, 4]);
   * const t = Tensor.fromBuffer(be, b, [2]);
   * assert.deepStrictEqual([t.isHost, Array.from(t.data)], [true, [3, 4]]);
   * ```
   */
  static fromBuffer(
    backend: Backend,
    buffer: DeviceBuffer,
    shape: readonly number[],
    opts: { readonly scoped?: boolean } = {},
  ): Tensor {
    const n = sizeOf(shape);
    if (buffer.size !== n) {
      throw new TypeError(
        `Tensor.fromBuffer(): buffer has ${buffer.size} elements but shape [${
          shape.join(", ")
        }] needs ${n}`,
      );
    }
    if (buffer.backend !== backend.name) {
      throw new TypeError(
        `Tensor.fromBuffer(): buffer belongs to backend "${buffer.backend}", not "${backend.name}"`,
      );
    }
    if (isHostBackend(backend)) {
      const t = new Tensor(backend.view(buffer), shape);
      t.#buf = buffer;
      return t;
    }
    Tensor.#device = { backend, buffer };
    const t = new Tensor(_NO_DATA, shape);
    _ownedOf.set(t, _adopt(backend, [buffer], t, opts.scoped ?? true));
    return t;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
  /** True when the values are host memory (`data` can be read without a transfer). */
  get isHost(): boolean {
    return this.#data !== null;
  }
  /**
   * The values of a host tensor (not a copy: do not modify).
   * @throws DeviceResidentError for a device tensor.
   */
  get data(): Float64Array {
    const d = this.#data;
    if (d === null) {
      throw new DeviceResidentError(this.backend.name, this.shape);
    }
    return d;
  }
  /** The buffer holding the values (a host tensor's array wrapped on first use). */
  get buffer(): DeviceBuffer {
    if (this.#buf === null) this.#buf = hostBackend.wrap(this.#data!);
    return this.#buf;
  }
  /**
   * The value of a size-1 tensor (a read of one number for a device tensor on a CPU backend).
   */
  item(): number {
    if (this.size !== 1) {
      throw new TypeError(
        `item(): tensor has ${this.size} elements, expected 1`,
      );
    }
    return this.#data !== null ? this.#data[0]! : this.readSync()[0]!;
  }
  /**
   * A copy of the values, read synchronously (host tensors, and device tensors of backends
   * with `readSync`: js, wasm).
   *
   * @throws TypeError on a backend that can only read asynchronously (WebGPU).
   */
  readSync(): Float64Array {
    if (this.#data !== null) return this.#data.slice();
    const r = this.backend.readSync;
    if (r === undefined) {
      throw new TypeError(
        `readSync(): backend "${this.backend.name}" reads asynchronously; use await t.toArray()`,
      );
    }
    return r(this.buffer);
  }
  /** A copy of the values (a read from the device for a device tensor). */
  toArray(): Promise<Float64Array> {
    if (this.#data !== null) return Promise.resolve(this.#data.slice());
    return this.backend.read(this.buffer);
  }
  /** Frees a device tensor's buffer now (a no-op for host tensors). Using it afterwards fails. */
  dispose(): void {
    const o = _ownedOf.get(this);
    if (o) _dispose(o);
  }
}

const _NO_DATA = new Float64Array(0);

/**
 * Number of elements of a shape.
 *
 * @param shape Dimensions.
 * @returns Their product (1 for a scalar).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sizeOf } from "./tensor.ts";
 * assert.strictEqual(sizeOf([2, 3]), 6);
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `shape entries must be non-negative integers, got ${d}`,
      );
    }
    n *= d;
  }
  return n;
}

/**
 * Makes a tensor from numbers.
 *
 * @param data Values (copied when not a Float64Array; a Float64Array is used as is).
 * @param shape Dimensions (default: 1-d of the data's length).
 * @returns The tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tensor } from "./tensor.ts";
 * assert.deepStrictEqual(tensor([1, 2]).shape, [2]);
 * ```
 */
export function tensor(
  data: ArrayLike<number> | number,
  shape?: readonly number[],
): Tensor {
  if (typeof data === "number") {
    return new Tensor(new Float64Array([data]), shape ?? []);
  }
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  return new Tensor(arr, shape ?? [arr.length]);
}

/**
 * A scalar tensor.
 *
 * @param x The value.
 * @returns A rank-0 tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scalar } from "./tensor.ts";
 * assert.deepStrictEqual(scalar(2).shape, []);
 * assert.strictEqual(scalar(2).item(), 2);
 * ```
 */
export function scalar(x: number): Tensor {
  return new Tensor(new Float64Array([x]), []);
}

/**
 * A tensor filled with one value.
 *
 * @param shape Dimensions.
 * @param value Fill value (default 0).
 * @returns The tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { full } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from(full([2], 3).data), [3, 3]);
 * ```
 */
export function full(shape: readonly number[], value = 0): Tensor {
  return new Tensor(new Float64Array(sizeOf(shape)).fill(value), shape);
}

/**
 * The broadcast shape of two shapes (numpy rules, right-aligned).
 *
 * @param a First shape.
 * @param b Second shape.
 * @returns The broadcast shape.
 * @throws TypeError when the shapes are incompatible.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { broadcastShapes } from "./tensor.ts";
 * assert.deepStrictEqual(broadcastShapes([3, 1], [4]), [3, 4]);
 * ```
 */
export function broadcastShapes(
  a: readonly number[],
  b: readonly number[],
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new TypeError(
        `shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Row-major strides of a shape, with 0 for broadcast dimensions when aligned to `outShape`.
 *
 * @param shape The operand's shape.
 * @param outShape The broadcast result's shape (rank ≥ shape's rank).
 * @returns Strides per output dimension.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { broadcastStrides } from "./tensor.ts";
 * // [3, 1] seen as [2, 3, 4]: new leading axis and the size-1 axis get stride 0
 * assert.deepStrictEqual(broadcastStrides([3, 1], [2, 3, 4]), [0, 1, 0]);
 * ```
 */
export function broadcastStrides(
  shape: readonly number[],
  outShape: readonly number[],
): number[] {
  const n = outShape.length;
  const st = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const j = n - shape.length + i;
    st[j] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  return st;
}

/**
 * A long-lived constant on a backend: the array itself on a js backend (no copy), one upload
 * elsewhere. Never owned by a scope (models create their grids and tables once).
 *
 * @param backend The backend.
 * @param data The values (not modified afterwards).
 * @param shape Dimensions (default: 1-d).
 * @returns The tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { constantOn, hostBackend } from "./tensor.ts";
 * const p = new Float64Array([1e-3, 1e-2]);
 * assert.strictEqual(constantOn(hostBackend, p).data, p);
 * ```
 */
export function constantOn(
  backend: Backend,
  data: Float64Array,
  shape: readonly number[] = [data.length],
): Tensor {
  if (isHostBackend(backend)) return new Tensor(data, shape);
  const b = backend.alloc(data.length);
  backend.write(b, data);
  return Tensor.fromBuffer(backend, b, shape, { scoped: false });
}
