/**
 * Bijective transforms between unconstrained and constrained spaces (NumPyro's
 * `numpyro.distributions.transforms`), written with `src/ad` operations so that every forward,
 * inverse and log|det J| is differentiable. {@link bijectTo} is the one place where
 * "unconstrained" is defined: it maps a {@link Constraint} to the transform from ℝⁿ onto it.
 *
 * `logAbsDetJacobian(x, y)` is summed over the transform's event dimensions (its domain's
 * `eventDim`): elementwise transforms return one value per element (shape of `x`), the
 * lower-Cholesky transform one value per matrix.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { bijectTo } from "./transforms.ts";
 * import { positive } from "./constraints.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const t = bijectTo(positive);
 * // e⁰ = 1, and the inverse maps it back to 0
 * const y = t.forward(scalar(0)) as Tensor;
 * assert.ok(Math.abs(y.item() - 1) < 1e-12);
 * assert.ok(Math.abs((t.inverse(y) as Tensor).item()) < 1e-12);
 * ```
 *
 * @module
 */
import {
  add,
  concat,
  div,
  exp,
  log,
  log1p,
  mul,
  neg,
  reshape,
  sigmoid,
  slice,
  softplus,
  sub,
  sum,
  take,
  Tensor,
  type Value,
} from "../ad/mod.ts";
import { abs, broadcastShapes, expm1, sizeOf } from "../ad/mod.ts";
import {
  type Constraint,
  independent,
  lowerCholesky,
  positive,
  real,
  unitInterval,
} from "./constraints.ts";

/** A bijection y = f(x) with its inverse and log|det ∂y/∂x|. */
export interface Transform {
  /** Readable name. */
  readonly name: string;
  /** Constraint on x. */
  readonly domain: Constraint;
  /** Constraint on y. */
  readonly codomain: Constraint;
  /** y = f(x). */
  forward(x: Value): Value;
  /** x = f⁻¹(y). */
  inverse(y: Value): Value;
  /** log|det ∂y/∂x| at (x, y = f(x)), summed over the event (domain.eventDim) dimensions. */
  logAbsDetJacobian(x: Value, y: Value): Value;
  /** Shape of y for an x of the given shape (identity when absent). */
  forwardShape?(shape: readonly number[]): number[];
  /** Shape of x for a y of the given shape (identity when absent). */
  inverseShape?(shape: readonly number[]): number[];
}

function _val(v: Value | number, what: string): Value {
  if (typeof v === "number") return new Tensor(new Float64Array([v]), []);
  if (
    v instanceof Tensor ||
    (v !== null && typeof v === "object" && "primal" in v)
  ) return v;
  throw new TypeError(`${what} must be a number or a tensor`);
}

function _zerosOf(shape: readonly number[]): Tensor {
  return new Tensor(new Float64Array(sizeOf(shape)), shape);
}

/** y = x (the bijection onto `real`). */
export class IdentityTransform implements Transform {
  /** @inheritdoc */
  readonly name = "identity";
  /** @inheritdoc */
  readonly domain: Constraint = real;
  /** @inheritdoc */
  readonly codomain: Constraint = real;
  /**
   * @param x Value.
   * @returns x.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { IdentityTransform } from "./transforms.ts";
   * import { scalar, type Tensor } from "../ad/mod.ts";
   * assert.strictEqual((new IdentityTransform().forward(scalar(2)) as Tensor).item(), 2);
   * ```
   */
  forward(x: Value): Value {
    return x;
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    return y;
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    return _zerosOf(x.shape);
  }
}

/** y = eˣ (onto `positive`); log|J| = x. */
export class ExpTransform implements Transform {
  /** @inheritdoc */
  readonly name = "exp";
  /** @inheritdoc */
  readonly domain: Constraint = real;
  /** @inheritdoc */
  readonly codomain: Constraint = positive;
  /**
   * @param x Value.
   * @returns eˣ.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { ExpTransform } from "./transforms.ts";
   * import { scalar, type Tensor } from "../ad/mod.ts";
   * const y = (new ExpTransform().forward(scalar(0)) as Tensor).item();
   * assert.ok(Math.abs(y - 1) < 1e-12);
   * ```
   */
  forward(x: Value): Value {
    return exp(x);
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    return log(y);
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    return x;
  }
}

/** y = loc + scale·x (elementwise, broadcasting); log|J| = log|scale|. */
export class AffineTransform implements Transform {
  /** @inheritdoc */
  readonly name = "affine";
  /** @inheritdoc */
  readonly domain: Constraint = real;
  /** @inheritdoc */
  readonly codomain: Constraint = real;
  /** Shift. */
  readonly loc: Value;
  /** Scale (non-zero). */
  readonly scale: Value;
  /**
   * @param loc Shift.
   * @param scale Non-zero scale.
   * @throws RangeError when a concrete scale has a zero entry.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { AffineTransform } from "./transforms.ts";
   * import { scalar, type Tensor } from "../ad/mod.ts";
   * // 1 + 2·3, exact in f64
   * assert.strictEqual((new AffineTransform(1, 2).forward(scalar(3)) as Tensor).item(), 7);
   * ```
   */
  constructor(loc: Value | number, scale: Value | number) {
    this.loc = _val(loc, "AffineTransform loc");
    this.scale = _val(scale, "AffineTransform scale");
    if (this.scale instanceof Tensor && this.scale.data.some((v) => v === 0)) {
      throw new RangeError("AffineTransform: scale must be non-zero, got 0");
    }
  }
  /** @inheritdoc */
  forward(x: Value): Value {
    return add(this.loc, mul(this.scale, x));
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    return div(sub(y, this.loc), this.scale);
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    const l = log(abs(this.scale));
    const shape = broadcastShapes(x.shape, l.shape);
    return add(l, _zerosOf(shape));
  }
}

/** y = 1/(1 + e⁻ˣ) (onto `unitInterval`); log|J| = −softplus(x) − softplus(−x). */
export class SigmoidTransform implements Transform {
  /** @inheritdoc */
  readonly name = "sigmoid";
  /** @inheritdoc */
  readonly domain: Constraint = real;
  /** @inheritdoc */
  readonly codomain: Constraint = unitInterval;
  /**
   * @param x Value.
   * @returns σ(x).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { SigmoidTransform } from "./transforms.ts";
   * import { scalar, type Tensor } from "../ad/mod.ts";
   * const y = (new SigmoidTransform().forward(scalar(0)) as Tensor).item();
   * assert.ok(Math.abs(y - 0.5) < 1e-12);
   * ```
   */
  forward(x: Value): Value {
    return sigmoid(x);
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    return sub(log(y), log1p(neg(y)));
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    return neg(add(softplus(x), softplus(neg(x))));
  }
}

/** y = ln(1 + eˣ) (onto `positive`); log|J| = −softplus(−x). */
export class SoftplusTransform implements Transform {
  /** @inheritdoc */
  readonly name = "softplus";
  /** @inheritdoc */
  readonly domain: Constraint = real;
  /** @inheritdoc */
  readonly codomain: Constraint = positive;
  /**
   * @param x Value.
   * @returns softplus(x).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { SoftplusTransform } from "./transforms.ts";
   * import { scalar, type Tensor } from "../ad/mod.ts";
   * // softplus(0) = ln 2
   * const y = (new SoftplusTransform().forward(scalar(0)) as Tensor).item();
   * assert.ok(Math.abs(y - Math.LN2) < 1e-12);
   * ```
   */
  forward(x: Value): Value {
    return softplus(x);
  }
  /** x = y + ln(1 − e⁻ʸ) = ln(eʸ − 1), computed stably. @param y positive value @returns x */
  inverse(y: Value): Value {
    return add(y, log(neg(expm1(neg(y)))));
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    return neg(softplus(neg(x)));
  }
}

/** Applies `parts` in order: y = fₖ(…f₁(x)); log|J| is the sum of the parts'. */
export class ComposeTransform implements Transform {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly domain: Constraint;
  /** @inheritdoc */
  readonly codomain: Constraint;
  /** The transforms, first applied first. */
  readonly parts: readonly Transform[];
  /**
   * @param parts Transforms applied left to right (at least one).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { AffineTransform, ComposeTransform, ExpTransform } from "./transforms.ts";
   * import { scalar, type Tensor } from "../ad/mod.ts";
   * const t = new ComposeTransform([new ExpTransform(), new AffineTransform(1, 1)]);
   * // 1 + e⁰
   * assert.ok(Math.abs((t.forward(scalar(0)) as Tensor).item() - 2) < 1e-12);
   * ```
   */
  constructor(parts: Transform[]) {
    if (!Array.isArray(parts) || parts.length === 0) {
      throw new TypeError(
        "ComposeTransform: needs a non-empty array of transforms",
      );
    }
    this.parts = [...parts];
    this.name = `compose(${parts.map((p) => p.name).join(", ")})`;
    this.domain = parts[0]!.domain;
    this.codomain = parts[parts.length - 1]!.codomain;
  }
  /** @inheritdoc */
  forward(x: Value): Value {
    let y = x;
    for (const p of this.parts) y = p.forward(y);
    return y;
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    let x = y;
    for (let i = this.parts.length - 1; i >= 0; i--) {
      x = this.parts[i]!.inverse(x);
    }
    return x;
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    let cur = x;
    let total: Value | null = null;
    for (const p of this.parts) {
      const next = p.forward(cur);
      let l = p.logAbsDetJacobian(cur, next);
      if (total) {
        // reduce the finer one to the coarser event
        if (l.shape.length > total.shape.length) {
          const extra = l.shape.length - total.shape.length;
          l = sum(
            l,
            [...Array(extra).keys()].map((i) => l.shape.length - 1 - i),
          );
        } else if (total.shape.length > l.shape.length) {
          const t: Value = total;
          const extra = t.shape.length - l.shape.length;
          total = sum(
            t,
            [...Array(extra).keys()].map((i) => t.shape.length - 1 - i),
          );
        }
        total = add(total, l);
      } else total = l;
      cur = next;
    }
    return total!;
  }
  /** @inheritdoc */
  forwardShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (const p of this.parts) s = p.forwardShape ? p.forwardShape(s) : s;
    return s;
  }
  /** @inheritdoc */
  inverseShape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const p = this.parts[i]!;
      s = p.inverseShape ? p.inverseShape(s) : s;
    }
    return s;
  }
}

/** Treats the rightmost `n` dimensions of an elementwise transform as one event (sums log|J|). */
export class IndependentTransform implements Transform {
  /** @inheritdoc */
  readonly name: string;
  /** @inheritdoc */
  readonly domain: Constraint;
  /** @inheritdoc */
  readonly codomain: Constraint;
  /** The wrapped transform. */
  readonly base: Transform;
  /** Number of reinterpreted dimensions. */
  readonly reinterpretedBatchNdims: number;
  /**
   * @param base Transform.
   * @param n Dimensions to sum log|J| over (≥ 0).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { ExpTransform, IndependentTransform } from "./transforms.ts";
   * import { tensor, type Tensor } from "../ad/mod.ts";
   * const t = new IndependentTransform(new ExpTransform(), 1);
   * // log|J| of exp is x, summed over the event: 1 + 2
   * const ladj = t.logAbsDetJacobian(tensor([1, 2]), tensor([0, 0])) as Tensor;
   * assert.deepStrictEqual(ladj.shape, []);
   * assert.strictEqual(ladj.item(), 3);
   * ```
   */
  constructor(base: Transform, n: number) {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(
        `IndependentTransform: n must be a non-negative integer, got ${n}`,
      );
    }
    this.base = base;
    this.reinterpretedBatchNdims = n;
    this.name = `independent(${base.name}, ${n})`;
    this.domain = independent(base.domain, n);
    this.codomain = independent(base.codomain, n);
  }
  /** @inheritdoc */
  forward(x: Value): Value {
    return this.base.forward(x);
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    return this.base.inverse(y);
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, y: Value): Value {
    const l = this.base.logAbsDetJacobian(x, y);
    const n = this.reinterpretedBatchNdims;
    if (n === 0) return l;
    if (l.shape.length < n) {
      throw new TypeError(
        `${this.name}: log|J| of shape [${l.shape}] has fewer than ${n} dims`,
      );
    }
    return sum(l, [...Array(n).keys()].map((i) => l.shape.length - 1 - i));
  }
  /** @inheritdoc */
  forwardShape(shape: readonly number[]): number[] {
    return this.base.forwardShape ? this.base.forwardShape(shape) : [...shape];
  }
  /** @inheritdoc */
  inverseShape(shape: readonly number[]): number[] {
    return this.base.inverseShape ? this.base.inverseShape(shape) : [...shape];
  }
}

function _choleskyN(m: number): number {
  const n = Math.round((Math.sqrt(8 * m + 1) - 1) / 2);
  if (n * (n + 1) / 2 !== m || n < 1) {
    throw new TypeError(
      `LowerCholeskyTransform: last dim ${m} is not n(n+1)/2 for an integer n ≥ 1`,
    );
  }
  return n;
}

/**
 * Unconstrained vector [..., n(n+1)/2] → lower-triangular [..., n, n] with positive diagonal, as
 * NumPyro's `biject_to(constraints.lower_cholesky)`: the first n(n−1)/2 entries fill the strict
 * lower triangle row by row ((1,0), (2,0), (2,1), …), the last n are the log-diagonal.
 * log|J| = Σ of the last n entries.
 */
export class LowerCholeskyTransform implements Transform {
  /** @inheritdoc */
  readonly name = "lowerCholesky";
  /** @inheritdoc */
  readonly domain: Constraint = independent(real, 1);
  /** @inheritdoc */
  readonly codomain: Constraint = lowerCholesky;
  /**
   * @param x [..., n(n+1)/2] vector.
   * @returns [..., n, n] lower-triangular matrix.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { LowerCholeskyTransform } from "./transforms.ts";
   * import { tensor, type Tensor } from "../ad/mod.ts";
   * const L = new LowerCholeskyTransform().forward(tensor([0.5, 0, 0])) as Tensor;
   * // [[e⁰, 0], [0.5, e⁰]]
   * assert.deepStrictEqual(L.shape, [2, 2]);
   * [1, 0, 0.5, 1].forEach((v, i) => assert.ok(Math.abs(L.data[i]! - v) < 1e-12));
   * ```
   */
  forward(x: Value): Value {
    if (x.shape.length < 1) {
      throw new TypeError("LowerCholeskyTransform: needs a vector");
    }
    const m = x.shape[x.shape.length - 1]!;
    const n = _choleskyN(m);
    const batch = x.shape.slice(0, -1);
    const off = slice(x, -1, 0, m - n);
    const dg = exp(slice(x, -1, m - n, m));
    const z = concat([off, dg, _zerosOf([...batch, 1])], -1);
    const idx: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        idx.push(j < i ? (i * (i - 1)) / 2 + j : j === i ? m - n + i : m);
      }
    }
    return reshape(take(z, idx, -1), [...batch, n, n]);
  }
  /** @inheritdoc */
  inverse(y: Value): Value {
    const r = y.shape.length;
    if (r < 2 || y.shape[r - 1] !== y.shape[r - 2]) {
      throw new TypeError(
        `LowerCholeskyTransform.inverse: needs [..., n, n], got [${y.shape}]`,
      );
    }
    const n = y.shape[r - 1]!;
    const batch = y.shape.slice(0, -2);
    const flat = reshape(y, [...batch, n * n]);
    const offIdx: number[] = [], diagIdx: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) offIdx.push(i * n + j);
      diagIdx.push(i * n + i);
    }
    const dg = log(take(flat, diagIdx, -1));
    return offIdx.length ? concat([take(flat, offIdx, -1), dg], -1) : dg;
  }
  /** @inheritdoc */
  logAbsDetJacobian(x: Value, _y: Value): Value {
    const m = x.shape[x.shape.length - 1]!;
    const n = _choleskyN(m);
    return sum(slice(x, -1, m - n, m), -1);
  }
  /** @inheritdoc */
  forwardShape(shape: readonly number[]): number[] {
    const m = shape[shape.length - 1]!;
    const n = _choleskyN(m);
    return [...shape.slice(0, -1), n, n];
  }
  /** @inheritdoc */
  inverseShape(shape: readonly number[]): number[] {
    const n = shape[shape.length - 1]!;
    return [...shape.slice(0, -2), (n * (n + 1)) / 2];
  }
}

/**
 * The bijection from unconstrained space onto a constraint — the one place where
 * "unconstrained" is defined: real → identity, positive → exp, unitInterval → sigmoid,
 * interval(lo, hi) → sigmoid then affine(lo, hi − lo), greaterThan(lo) → exp then shift by lo,
 * lessThan(hi) → exp then affine(hi, −1), lowerCholesky → {@link LowerCholeskyTransform},
 * independent(c, n) → the transform of c with log|J| summed over n dims.
 *
 * @param c The constraint.
 * @returns The transform (its `codomain` is `c`).
 * @throws TypeError for an unknown constraint.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { bijectTo } from "./transforms.ts";
 * import { interval } from "./constraints.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * // 2 + (4 − 2)·σ(0)
 * const y = (bijectTo(interval(2, 4)).forward(scalar(0)) as Tensor).item();
 * assert.ok(Math.abs(y - 3) < 1e-12);
 * ```
 */
export function bijectTo(c: Constraint): Transform {
  if (!c || typeof c !== "object" || typeof c.kind !== "string") {
    throw new TypeError("bijectTo(c): c must be a Constraint");
  }
  const withCodomain = (t: Transform, cod: Constraint): Transform =>
    Object.assign(Object.create(Object.getPrototypeOf(t)), t, {
      codomain: cod,
    });
  switch (c.kind) {
    case "real":
      return new IdentityTransform();
    case "positive":
      return new ExpTransform();
    case "unitInterval":
      return new SigmoidTransform();
    case "interval": {
      const lo = c.lower!, hi = c.upper!;
      return withCodomain(
        new ComposeTransform([
          new SigmoidTransform(),
          new AffineTransform(lo, sub(hi, lo)),
        ]),
        c,
      );
    }
    case "greaterThan":
      return withCodomain(
        new ComposeTransform([
          new ExpTransform(),
          new AffineTransform(c.lower!, 1),
        ]),
        c,
      );
    case "lessThan":
      return withCodomain(
        new ComposeTransform([
          new ExpTransform(),
          new AffineTransform(c.upper!, -1),
        ]),
        c,
      );
    case "lowerCholesky":
      return new LowerCholeskyTransform();
    case "independent":
      return new IndependentTransform(
        bijectTo(c.base!),
        c.reinterpretedBatchNdims!,
      );
  }
  throw new TypeError(
    `bijectTo(): no transform registered for constraint ${c.name}`,
  );
}
