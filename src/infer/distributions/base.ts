/**
 * The {@link Distribution} interface, a base class with the shared checks, and the
 * shape-changing wrappers: {@link Independent} / {@link toEvent}, {@link ExpandedDistribution}
 * / {@link expand} (used by plates), {@link Delta} (point mass, for MAP guides) and
 * {@link TransformedDistribution}.
 *
 * Values are `src/ad` values: `rsample` and `logProb` are differentiable in the parameters
 * (and `logProb` in the value). As in NumPyro with validation off, a value outside the support
 * gets `logProb = −Infinity` (computed at a safe interior point so gradients stay finite), and
 * a value whose shape does not broadcast against `batchShape + eventShape` is a TypeError.
 * Constructors validate concrete parameters (numbers and tensors, not tracers): a non-positive
 * scale is a RangeError naming the parameter.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { toEvent } from "./base.ts";
 * import { Normal } from "./continuous.ts";
 * import { tensor } from "../../ad/mod.ts";
 * const d = toEvent(new Normal(tensor([0, 0, 0]), 1), 1);
 * assert.deepStrictEqual(d.batchShape, []);
 * assert.deepStrictEqual(d.eventShape, [3]);
 * ```
 *
 * @module
 */
import {
  add,
  broadcastShapes,
  broadcastTo,
  reshape,
  sizeOf,
  sub,
  sum,
  take,
  Tensor,
  type Value,
  where,
} from "../../ad/mod.ts";
import type { PrngKey } from "../../random/prng.ts";
import { type Constraint, independent, real } from "../constraints.ts";
import type { Transform } from "../transforms.ts";
import { concreteOf } from "../_ops.ts";
import { NonFiniteError } from "../../errors.ts";

/** A probability distribution over `src/ad` values. */
export interface Distribution {
  /** Shape of independent, non-identical draws. */
  readonly batchShape: number[];
  /** Shape of one draw (dimensions summed over in `logProb`). */
  readonly eventShape: number[];
  /** The set of values with positive density. */
  readonly support: Constraint;
  /** True when `rsample` is differentiable in the parameters. */
  readonly hasRsample: boolean;
  /** A concrete draw of shape `[...sampleShape, ...batchShape, ...eventShape]`. */
  sample(key: PrngKey, sampleShape?: number[]): Tensor;
  /** A reparameterized draw (same shape), differentiable in the parameters. */
  rsample(key: PrngKey, sampleShape?: number[]): Value;
  /** Log density, shape `[...sampleShape, ...batchShape]` (event dims summed). */
  logProb(value: Value): Value;
  /** Mean, shape `[...batchShape, ...eventShape]`. */
  readonly mean: Value;
  /** Variance, shape `[...batchShape, ...eventShape]`. */
  readonly variance: Value;
  /** The same distribution with a larger batch shape (optional; {@link expand} works for all). */
  expand?(batchShape: number[]): Distribution;
}

/** Is it an AD value (a tensor or a tracer)? */
export function isValue(v: unknown): v is Value {
  return v instanceof Tensor ||
    (v !== null && typeof v === "object" && "primal" in v && "level" in v);
}

/**
 * Converts a parameter to a value and validates concrete ones.
 *
 * @param v Number, tensor or tracer.
 * @param owner Distribution name (for messages).
 * @param name Parameter name (for messages).
 * @param check Validity of each concrete entry ("positive", "real" finite, "any" non-NaN).
 * @returns The value.
 * @throws TypeError when v is not a number or value; RangeError on an invalid concrete entry.
 */
export function param(
  v: Value | number,
  owner: string,
  name: string,
  check: "positive" | "real" | "any" = "real",
): Value {
  let out: Value;
  if (typeof v === "number") out = new Tensor(new Float64Array([v]), []);
  else if (isValue(v)) out = v;
  else {
    throw new TypeError(
      `${owner}: ${name} must be a number or a tensor, got ${typeof v}`,
    );
  }
  if (out instanceof Tensor) {
    let k = 0;
    for (const x of out.data) {
      const ok = check === "positive"
        ? x > 0 && x < Infinity
        : check === "real"
        ? Number.isFinite(x)
        : !Number.isNaN(x);
      if (!ok) {
        const msg = `${owner}: ${name} must be ${
          check === "positive"
            ? "positive and finite"
            : check === "real"
            ? "finite"
            : "a number"
        }, got ${x}`;
        if (!Number.isFinite(x) && !(check === "any" && !Number.isNaN(x))) {
          throw new NonFiniteError(
            `infer.${owner}`,
            out.size === 1 ? name : `${name}[${k}]`,
            x,
            msg,
          );
        }
        throw new RangeError(msg);
      }
      k++;
    }
  }
  return out;
}

/** Validates a sample shape. */
export function checkSampleShape(s: unknown, owner: string): number[] {
  if (s === undefined) return [];
  if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(
      `${owner}: sampleShape must be an array of non-negative integers, got ${
        JSON.stringify(s)
      }`,
    );
  }
  return [...s];
}

/** A constant tensor filled with one value. */
export function fill(shape: readonly number[], v: number): Tensor {
  return new Tensor(new Float64Array(sizeOf(shape)).fill(v), shape);
}

/** Broadcast a value to a shape (no-op when equal). */
export function bcast(v: Value, shape: readonly number[]): Value {
  return broadcastTo(v, broadcastShapes(v.shape, shape));
}

/**
 * Shared behaviour: shape checks on values, support masking, `sample` from `rsample`.
 * Subclasses implement `rsample` (or `sample` and set `hasRsample = false`), `_logProb` on
 * in-support values, `mean`, `variance`.
 */
export abstract class DistributionBase implements Distribution {
  /** @inheritdoc */
  abstract readonly batchShape: number[];
  /** @inheritdoc */
  abstract readonly eventShape: number[];
  /** @inheritdoc */
  abstract readonly support: Constraint;
  /** @inheritdoc */
  readonly hasRsample: boolean = true;
  /** Name used in messages. */
  abstract readonly name: string;
  /** @inheritdoc */
  abstract get mean(): Value;
  /** @inheritdoc */
  abstract get variance(): Value;
  /** Log density at values inside the support (event dims summed). */
  protected abstract _logProb(value: Value): Value;
  /** A value inside the support (broadcastable to batch+event) used in place of invalid ones. */
  protected abstract _safePoint(): Value;

  /** @inheritdoc */
  rsample(_key: PrngKey, _sampleShape?: number[]): Value {
    throw new Error(
      `${this.name} has no reparameterized sampler (hasRsample false)`,
    );
  }
  /** @inheritdoc */
  sample(key: PrngKey, sampleShape?: number[]): Tensor {
    return concreteOf(this.rsample(key, sampleShape));
  }
  /** Full output shape for a sample shape. */
  protected _shape(sampleShape: number[] | undefined): number[] {
    return [
      ...checkSampleShape(sampleShape, `${this.name}.sample`),
      ...this.batchShape,
      ...this.eventShape,
    ];
  }
  /** Checks a value's shape against batch and event shapes; returns it as a Value. */
  protected _checkValue(value: Value | number): Value {
    const v = typeof value === "number"
      ? new Tensor(new Float64Array([value]), [])
      : value;
    if (!isValue(v)) {
      throw new TypeError(
        `${this.name}.logProb: value must be a tensor or number`,
      );
    }
    const e = this.eventShape.length;
    const s = v.shape;
    if (e > 0) {
      const tail = s.slice(s.length - e);
      if (s.length < e || tail.some((d, i) => d !== this.eventShape[i])) {
        throw new TypeError(
          `${this.name}.logProb: value of shape [${s}] does not end with the event shape [${this.eventShape}]`,
        );
      }
    }
    const batchPart = s.slice(0, s.length - e);
    try {
      broadcastShapes(batchPart, this.batchShape);
    } catch {
      throw new TypeError(
        `${this.name}.logProb: value of shape [${s}] does not match the batch shape [${this.batchShape}] (event [${this.eventShape}])`,
      );
    }
    return v;
  }
  /** Where the density is evaluated (default: `support.mask`; closed bounds may override). */
  protected _supportMask(v: Value): Tensor {
    return this.support.mask(v);
  }
  /** @inheritdoc */
  logProb(value: Value): Value {
    const v = this._checkValue(value);
    const mask = this._supportMask(v);
    if (mask.data.every((x) => x === 1)) return this._logProb(v);
    // replace invalid entries by a safe interior point so the gradient stays finite
    let safe: Value;
    if (this.support.eventDim === 0) {
      const sp = this._safePoint();
      const shape = broadcastShapes(
        broadcastShapes(v.shape, sp.shape),
        mask.shape,
      );
      safe = where(mask, broadcastTo(v, shape), broadcastTo(sp, shape));
    } else {
      const extra = new Array(this.support.eventDim).fill(1);
      const m = reshape(mask, [...mask.shape, ...extra]) as Tensor;
      safe = where(m, v, this._safePoint());
    }
    const lp = this._logProb(safe);
    const lpMaskShape = broadcastShapes(lp.shape, mask.shape);
    return where(
      broadcastTo(mask, lpMaskShape) as Tensor,
      lp,
      fill(lpMaskShape, -Infinity),
    );
  }
  /**
   * The same distribution with a larger batch shape.
   *
   * @param batchShape Target batch shape (the current one must broadcast to it).
   * @returns An {@link ExpandedDistribution} (or this when unchanged).
   */
  expand(batchShape: number[]): Distribution {
    return expand(this, batchShape);
  }
}

/**
 * Reinterprets the rightmost `reinterpretedBatchNdims` batch dimensions of a distribution as
 * event dimensions (NumPyro's `Independent`): `logProb` sums over them.
 */
export class Independent extends DistributionBase {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[];
  /** @inheritdoc */
  readonly support: Constraint;
  /** @inheritdoc */
  override readonly hasRsample: boolean;
  /** The wrapped distribution. */
  readonly base: Distribution;
  /** Number of reinterpreted dimensions. */
  readonly reinterpretedBatchNdims: number;
  /**
   * @param base Distribution.
   * @param reinterpretedBatchNdims How many rightmost batch dims become event dims.
   * @throws RangeError when it exceeds the base's batch rank.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Independent } from "./base.ts";
   * import { Normal } from "./continuous.ts";
   * import { tensor, type Tensor } from "../../ad/mod.ts";
   * const d = new Independent(new Normal(tensor([0, 0]), 1), 1);
   * const lp = d.logProb(tensor([0, 0])) as Tensor;
   * assert.deepStrictEqual(lp.shape, []);
   * // sum of two standard-normal log densities at 0: -log(2π)
   * assert.ok(Math.abs(lp.item() - -1.8378770664093453) < 1e-12);
   * ```
   */
  constructor(base: Distribution, reinterpretedBatchNdims: number) {
    super();
    if (!base || typeof base.logProb !== "function") {
      throw new TypeError("Independent: base must be a Distribution");
    }
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > base.batchShape.length) {
      throw new RangeError(
        `Independent: reinterpretedBatchNdims must be an integer in [0, ${base.batchShape.length}], got ${n}`,
      );
    }
    this.base = base;
    this.reinterpretedBatchNdims = n;
    const bs = base.batchShape;
    this.batchShape = bs.slice(0, bs.length - n);
    this.eventShape = [...bs.slice(bs.length - n), ...base.eventShape];
    this.support = independent(base.support, n);
    this.hasRsample = base.hasRsample;
    this.name = `Independent(${
      (base as { name?: string }).name ?? "dist"
    }, ${n})`;
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    return this.base.rsample(key, sampleShape);
  }
  /** @inheritdoc */
  override sample(key: PrngKey, sampleShape?: number[]): Tensor {
    return this.base.sample(key, sampleShape);
  }
  /** @inheritdoc */
  override logProb(value: Value): Value {
    const v = this._checkValue(value);
    const lp = this.base.logProb(v);
    const n = this.reinterpretedBatchNdims;
    if (n === 0) return lp;
    return sum(lp, [...Array(n).keys()].map((i) => lp.shape.length - 1 - i));
  }
  protected _logProb(v: Value): Value {
    return this.logProb(v);
  }
  protected _safePoint(): Value {
    return this.base.mean;
  }
  /** @inheritdoc */
  get mean(): Value {
    return this.base.mean;
  }
  /** @inheritdoc */
  get variance(): Value {
    return this.base.variance;
  }
}

/**
 * `Independent(d, n)`, NumPyro's `d.to_event(n)`; `n` defaults to all batch dimensions.
 *
 * @param d Distribution.
 * @param n Number of batch dims to move into the event (default all).
 * @returns The distribution (d itself when n = 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { toEvent } from "./base.ts";
 * import { Normal } from "./continuous.ts";
 * import { tensor } from "../../ad/mod.ts";
 * const d = toEvent(new Normal(tensor([0, 1]), 1));
 * assert.deepStrictEqual(d.eventShape, [2]);
 * assert.deepStrictEqual(d.batchShape, []);
 * ```
 */
export function toEvent(d: Distribution, n?: number): Distribution {
  const k = n ?? d.batchShape.length;
  if (k === 0) return d;
  return new Independent(d, k);
}

/**
 * A distribution broadcast to a larger batch shape: new leading dimensions and size-1
 * dimensions expanded to k get independent draws (NumPyro's `ExpandedDistribution`).
 */
export class ExpandedDistribution extends DistributionBase {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[];
  /** @inheritdoc */
  readonly support: Constraint;
  /** @inheritdoc */
  override readonly hasRsample: boolean;
  /** The wrapped distribution. */
  readonly base: Distribution;
  /**
   * @param base Distribution.
   * @param batchShape Target batch shape.
   * @throws TypeError when base.batchShape does not broadcast to batchShape.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { ExpandedDistribution } from "./base.ts";
   * import { Normal } from "./continuous.ts";
   * assert.deepStrictEqual(new ExpandedDistribution(new Normal(0, 1), [3]).batchShape, [3]);
   * ```
   */
  constructor(base: Distribution, batchShape: number[]) {
    super();
    const bs = checkSampleShape(batchShape, "expand");
    const b = base.batchShape;
    let ok = bs.length >= b.length;
    for (let i = 0; ok && i < b.length; i++) {
      const d = b[b.length - 1 - i]!, t = bs[bs.length - 1 - i]!;
      if (d !== t && d !== 1) ok = false;
    }
    if (!ok) {
      throw new TypeError(
        `expand: batch shape [${b}] cannot be expanded to [${bs}]`,
      );
    }
    this.base = base;
    this.batchShape = bs;
    this.eventShape = [...base.eventShape];
    this.support = base.support;
    this.hasRsample = base.hasRsample;
    this.name = `Expanded(${
      (base as { name?: string }).name ?? "dist"
    }, [${bs}])`;
  }
  #draw(
    key: PrngKey,
    sampleShape: number[] | undefined,
    f: (k: PrngKey, s: number[]) => Value,
  ): Value {
    const ss = checkSampleShape(sampleShape, `${this.name}.sample`);
    const b = this.base.batchShape, bs = this.batchShape;
    const lead = bs.slice(0, bs.length - b.length);
    // interior size-1 dims of the base that expand
    const inner: number[] = [];
    for (let i = 0; i < b.length; i++) {
      const t = bs[lead.length + i]!;
      if (b[i] === 1 && t !== 1) inner.push(i);
    }
    if (inner.length === 0) return f(key, [...ss, ...lead]);
    const extra = inner.map((i) => bs[lead.length + i]!);
    const x = f(key, [...ss, ...lead, ...extra]); // [...ss, ...lead, ...extra, ...b, ...ev]
    // move the `extra` axes into the size-1 positions of b by one gather on the flattened batch
    const nb = sizeOf(b),
      ne = sizeOf(extra),
      nl = sizeOf(lead),
      ns = sizeOf(ss);
    const evSize = sizeOf(this.eventShape);
    const flat = reshape(x, [ns, nl, ne * nb, evSize]);
    // target order: the full expanded trailing shape bt = b with 1s replaced by extra sizes
    const bt = b.map((d, i) => (inner.includes(i) ? bs[lead.length + i]! : d));
    const idx: number[] = [];
    const nt = sizeOf(bt);
    for (let t = 0; t < nt; t++) {
      // decompose t over bt
      let rem = t;
      const coord = new Array<number>(bt.length);
      for (let d = bt.length - 1; d >= 0; d--) {
        coord[d] = rem % bt[d]!;
        rem = Math.floor(rem / bt[d]!);
      }
      let eIdx = 0, bIdx = 0;
      for (let j = 0; j < inner.length; j++) {
        eIdx = eIdx * extra[j]! + coord[inner[j]!]!;
      }
      for (let d = 0; d < b.length; d++) {
        bIdx = bIdx * b[d]! + (inner.includes(d) ? 0 : coord[d]!);
      }
      idx.push(eIdx * nb + bIdx);
    }
    const g = take(flat, idx, 2);
    return reshape(g, [...ss, ...bs, ...this.eventShape]);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    return this.#draw(key, sampleShape, (k, s) => this.base.rsample(k, s));
  }
  /** @inheritdoc */
  override sample(key: PrngKey, sampleShape?: number[]): Tensor {
    return concreteOf(
      this.#draw(key, sampleShape, (k, s) => this.base.sample(k, s)),
    );
  }
  /** @inheritdoc */
  override logProb(value: Value): Value {
    const v = this._checkValue(value);
    const lp = this.base.logProb(v);
    return bcast(lp, this.batchShape);
  }
  protected _logProb(v: Value): Value {
    return this.logProb(v);
  }
  protected _safePoint(): Value {
    return this.base.mean;
  }
  /** @inheritdoc */
  get mean(): Value {
    return bcast(this.base.mean, [...this.batchShape, ...this.eventShape]);
  }
  /** @inheritdoc */
  get variance(): Value {
    return bcast(this.base.variance, [...this.batchShape, ...this.eventShape]);
  }
}

/**
 * A distribution with a larger batch shape (returns `d` when the shape is unchanged).
 *
 * @param d Distribution.
 * @param batchShape Target batch shape.
 * @returns The expanded distribution.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { expand } from "./base.ts";
 * import { Normal } from "./continuous.ts";
 * import { key } from "../../random/prng.ts";
 * const d = expand(new Normal(0, 1), [2, 3]);
 * const x = d.sample(key(0));
 * assert.deepStrictEqual(x.shape, [2, 3]);
 * assert.ok(Array.from(x.data).every(Number.isFinite));
 * // same key, same draw
 * assert.deepStrictEqual(Array.from(d.sample(key(0)).data), Array.from(x.data));
 * ```
 */
export function expand(d: Distribution, batchShape: number[]): Distribution {
  const b = d.batchShape;
  if (
    b.length === batchShape.length && b.every((x, i) => x === batchShape[i])
  ) {
    return d;
  }
  return new ExpandedDistribution(d, batchShape);
}

/**
 * Point mass at `v` (NumPyro's `Delta`): `sample`/`rsample` return `v`, `logProb(x)` is
 * `logDensity` where x = v (over the event) and −∞ elsewhere. Used by MAP guides.
 */
export class Delta extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Delta";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[];
  /** @inheritdoc */
  readonly support: Constraint;
  /** The point. */
  readonly v: Value;
  /** Log density added at the point. */
  readonly logDensity: Value;
  /**
   * @param v The point.
   * @param opts logDensity (default 0), eventDim (default 0: trailing dims of v that form one event).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Delta } from "./base.ts";
   * import { scalar, type Tensor } from "../../ad/mod.ts";
   * assert.strictEqual((new Delta(scalar(2)).logProb(scalar(2)) as Tensor).item(), 0);
   * ```
   */
  constructor(
    v: Value | number,
    opts: { logDensity?: Value | number; eventDim?: number } = {},
  ) {
    super();
    this.v = param(v, "Delta", "v", "any");
    this.logDensity = param(opts.logDensity ?? 0, "Delta", "logDensity", "any");
    const e = opts.eventDim ?? 0;
    if (!Number.isInteger(e) || e < 0 || e > this.v.shape.length) {
      throw new RangeError(
        `Delta: eventDim must be in [0, ${this.v.shape.length}], got ${e}`,
      );
    }
    this.batchShape = this.v.shape.slice(0, this.v.shape.length - e);
    this.eventShape = this.v.shape.slice(this.v.shape.length - e);
    this.support = independent(real, e);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    void key;
    return broadcastTo(this.v, this._shape(sampleShape));
  }
  /** @inheritdoc */
  override logProb(value: Value): Value {
    const x = this._checkValue(value);
    const xc = concreteOf(x), vc = concreteOf(bcast(this.v, x.shape));
    const xb = concreteOf(bcast(x, vc.shape));
    const eq = new Float64Array(vc.size);
    for (let i = 0; i < eq.length; i++) {
      eq[i] = xb.data[i] === vc.data[i] ? 0 : -Infinity;
    }
    void xc;
    let lp: Value = new Tensor(eq, vc.shape);
    const e = this.eventShape.length;
    if (e > 0) {
      lp = sum(
        lp,
        [...Array(e).keys()].map((i) => lp.shape.length - 1 - i),
      );
    }
    return add(lp, this.logDensity);
  }
  protected _logProb(v: Value): Value {
    return this.logProb(v);
  }
  protected _safePoint(): Value {
    return this.v;
  }
  /** @inheritdoc */
  get mean(): Value {
    return this.v;
  }
  /** @inheritdoc */
  get variance(): Value {
    return fill(this.v.shape, 0);
  }
}

/**
 * The distribution of y = Tₖ(…T₁(x)) for x from a base distribution (NumPyro's
 * `TransformedDistribution`); `logProb(y) = base.logProb(x) − Σ log|det J|`, with x found by the
 * inverses. Mean and variance are not available in closed form (they throw).
 */
export class TransformedDistribution extends DistributionBase {
  /** @inheritdoc */
  readonly name = "TransformedDistribution";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[];
  /** @inheritdoc */
  readonly support: Constraint;
  /** @inheritdoc */
  override readonly hasRsample: boolean;
  /** Base distribution. */
  readonly base: Distribution;
  /** Transforms, first applied first. */
  readonly transforms: readonly Transform[];
  /**
   * @param base Base distribution.
   * @param transforms One transform or a list applied in order.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { TransformedDistribution } from "./base.ts";
   * import { Normal } from "./continuous.ts";
   * import { ExpTransform } from "../transforms.ts";
   * import { scalar, type Tensor } from "../../ad/mod.ts";
   * const d = new TransformedDistribution(new Normal(0, 1), new ExpTransform()); // LogNormal(0, 1)
   * // scipy.stats.lognorm(1).logpdf(1) = -0.9189385332046727
   * assert.ok(Math.abs((d.logProb(scalar(1)) as Tensor).item() - -0.9189385332046727) < 1e-12);
   * // scipy.stats.lognorm(1).logpdf(2) = -1.8523122207237186
   * assert.ok(Math.abs((d.logProb(scalar(2)) as Tensor).item() - -1.8523122207237186) < 1e-12);
   * ```
   */
  constructor(base: Distribution, transforms: Transform | Transform[]) {
    super();
    this.base = base;
    this.transforms = Array.isArray(transforms)
      ? [...transforms]
      : [transforms];
    if (this.transforms.length === 0) {
      throw new TypeError(
        "TransformedDistribution: needs at least one transform",
      );
    }
    this.hasRsample = base.hasRsample;
    let shape = [...base.batchShape, ...base.eventShape];
    for (const t of this.transforms) {
      shape = t.forwardShape ? t.forwardShape(shape) : shape;
    }
    const evDim = Math.max(
      base.eventShape.length,
      ...this.transforms.map((t) => t.codomain.eventDim),
    ) + (shape.length - base.batchShape.length - base.eventShape.length);
    this.batchShape = shape.slice(0, shape.length - evDim);
    this.eventShape = shape.slice(shape.length - evDim);
    const last = this.transforms[this.transforms.length - 1]!.codomain;
    this.support = last.eventDim >= evDim
      ? last
      : independent(last, evDim - last.eventDim);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    let x = this.base.rsample(key, sampleShape);
    for (const t of this.transforms) x = t.forward(x);
    return x;
  }
  /** @inheritdoc */
  override sample(key: PrngKey, sampleShape?: number[]): Tensor {
    let x: Value = this.base.sample(key, sampleShape);
    for (const t of this.transforms) x = t.forward(x);
    return concreteOf(x);
  }
  protected _logProb(y: Value): Value {
    const xs: Value[] = [y];
    let cur = y;
    for (let i = this.transforms.length - 1; i >= 0; i--) {
      cur = this.transforms[i]!.inverse(cur);
      xs.unshift(cur);
    }
    let lp = this.base.logProb(xs[0]!);
    for (let i = 0; i < this.transforms.length; i++) {
      let l = this.transforms[i]!.logAbsDetJacobian(xs[i]!, xs[i + 1]!);
      const extra = l.shape.length - lp.shape.length;
      if (extra > 0) {
        const ll = l;
        l = sum(
          ll,
          [...Array(extra).keys()].map((j) => ll.shape.length - 1 - j),
        );
      }
      lp = sub(lp, l);
    }
    return lp;
  }
  protected _safePoint(): Value {
    let x = this.base.mean;
    for (const t of this.transforms) x = t.forward(x);
    return x;
  }
  /** Not available in closed form. @returns never */
  get mean(): Value {
    throw new Error(
      "TransformedDistribution: mean is not available in closed form",
    );
  }
  /** Not available in closed form. @returns never */
  get variance(): Value {
    throw new Error(
      "TransformedDistribution: variance is not available in closed form",
    );
  }
}
