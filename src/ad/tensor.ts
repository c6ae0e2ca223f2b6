/**
 * The array type the autodiff layer works on: a shape and row-major float64 storage on the js
 * (host) backend. Device backends (wasm, webgpu) sit underneath the physics primitives, which
 * upload, dispatch and read back inside their kernels; the AD layer itself never sees them.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tensor } from "./tensor.ts";
 * const t = tensor([1, 2, 3, 4], [2, 2]);
 * assert.deepStrictEqual(t.shape, [2, 2]);
 * assert.strictEqual(t.size, 4);
 * ```
 *
 * @module
 */

/** A concrete n-d array of float64 values in row-major order. Treat `data` as immutable. */
export class Tensor {
  /** Dimensions, outermost first. `[]` is a scalar. */
  readonly shape: readonly number[];
  /** Row-major values; length = product of `shape`. */
  readonly data: Float64Array;
  /**
   * @param data Values (not copied).
   * @param shape Dimensions (product must equal `data.length`).
   */
  constructor(data: Float64Array, shape: readonly number[]) {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new TypeError(
        `Tensor: data has ${data.length} values but shape [${
          shape.join(", ")
        }] needs ${n}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }
  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }
  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
  /** The value of a size-1 tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new TypeError(
        `item(): tensor has ${this.data.length} elements, expected 1`,
      );
    }
    return this.data[0]!;
  }
  /** A copy of the values. */
  toArray(): Float64Array {
    return this.data.slice();
  }
}

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
