/**
 * Constraints: the supports of distributions and the domains of parameters, as in NumPyro's
 * `numpyro.distributions.constraints`. A constraint says which values are allowed
 * (`check`, `mask`); {@link bijectTo} in `transforms.ts` maps each one to the bijection from
 * unconstrained space, the one place where "unconstrained" is defined.
 *
 * Bounds may be numbers or tensors (batched bounds, e.g. a `Uniform` with several `low`s);
 * checks read concrete values (the primal of a tracer).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { interval, positive } from "./constraints.ts";
 * import { tensor } from "../ad/mod.ts";
 * assert.strictEqual(positive.check(tensor([1, 2])), true);
 * assert.strictEqual(interval(0, 1).check(tensor([1.5])), false);
 * ```
 *
 * @module
 */
import { sizeOf, Tensor, type Value } from "../ad/mod.ts";
import { concreteOf } from "./_ops.ts";
import { NonFiniteError } from "../errors.ts";

/** The kinds of constraint {@link bijectTo} knows. */
export type ConstraintKind =
  | "real"
  | "positive"
  | "unitInterval"
  | "interval"
  | "greaterThan"
  | "lessThan"
  | "lowerCholesky"
  | "independent";

/** A set of allowed values. */
export interface Constraint {
  /** Readable name, e.g. `"interval(0, 1)"`. */
  readonly name: string;
  /** Which constraint this is (drives {@link bijectTo}). */
  readonly kind: ConstraintKind;
  /** Number of rightmost dimensions that form one constrained value (0 elementwise, 2 matrices). */
  readonly eventDim: number;
  /** Lower bound (interval, greaterThan, positive, unitInterval). */
  readonly lower?: Value;
  /** Upper bound (interval, lessThan, unitInterval). */
  readonly upper?: Value;
  /** The elementwise constraint an `independent` constraint reinterprets. */
  readonly base?: Constraint;
  /** Number of batch dimensions an `independent` constraint reinterprets as event dimensions. */
  readonly reinterpretedBatchNdims?: number;
  /** True when every value of `x` is allowed. */
  check(x: Value): boolean;
  /**
   * Elementwise 0/1 validity over the batch: shape `x.shape` without the last `eventDim` axes
   * (broadcast with batched bounds).
   */
  mask(x: Value): Tensor;
}

function _fmt(v: Value | number): string {
  if (typeof v === "number") return String(v);
  const c = concreteOf(v);
  return c.size === 1
    ? String(c.data[0])
    : `[${Array.from(c.data).join(", ")}]`;
}

/** Elementwise test with broadcast against a bound tensor. */
function _elementwise(
  x: Value,
  bounds: (Value | undefined)[],
  ok: (v: number, b: (number | undefined)[]) => boolean,
): Tensor {
  const xc = concreteOf(x);
  const bc = bounds.map((b) => (b === undefined ? undefined : concreteOf(b)));
  let shape: number[] = [...xc.shape];
  for (const b of bc) {
    if (!b) continue;
    const n = Math.max(shape.length, b.shape.length);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = shape[shape.length - n + i] ?? 1;
      const c = b.shape[b.shape.length - n + i] ?? 1;
      if (a !== c && a !== 1 && c !== 1) {
        throw new TypeError(
          `constraint: value shape [${xc.shape}] does not broadcast with bound shape [${b.shape}]`,
        );
      }
      out.push(a === 1 ? c : a);
    }
    shape = out;
  }
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const idxOf = (t: Tensor, i: number): number => {
    if (t.size === 1) return 0;
    if (t.size === n) return i;
    // general broadcast index
    let rem = i, off = 0, stride = 1;
    const r = shape.length, tr = t.shape.length;
    const strides: number[] = new Array(tr);
    for (let d = tr - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= t.shape[d]!;
    }
    for (let d = r - 1; d >= 0; d--) {
      const id = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      const td = d - (r - tr);
      if (td >= 0 && t.shape[td] !== 1) off += id * strides[td]!;
    }
    return off;
  };
  const vals: (number | undefined)[] = new Array(bc.length);
  for (let i = 0; i < n; i++) {
    const v = xc.data[idxOf(xc, i)]!;
    for (let j = 0; j < bc.length; j++) {
      const b = bc[j];
      vals[j] = b ? b.data[idxOf(b, i)] : undefined;
    }
    out[i] = ok(v, vals) ? 1 : 0;
  }
  return new Tensor(out, shape);
}

function _all(m: Tensor): boolean {
  for (let i = 0; i < m.size; i++) if (!m.data[i]) return false;
  return true;
}

function _make(
  name: string,
  kind: ConstraintKind,
  maskFn: (x: Value) => Tensor,
  extra: Partial<Constraint> = {},
  eventDim = 0,
): Constraint {
  return {
    name,
    kind,
    eventDim,
    ...extra,
    mask: maskFn,
    check: (x: Value) => _all(maskFn(x)),
  };
}

/** All finite reals (NaN and ±∞ excluded). */
export const real: Constraint = _make(
  "real",
  "real",
  (x) => _elementwise(x, [], (v) => Number.isFinite(v)),
);

/** x > 0. */
export const positive: Constraint = _make(
  "positive",
  "positive",
  (x) => _elementwise(x, [], (v) => v > 0 && v < Infinity),
  { lower: new Tensor(new Float64Array([0]), []) },
);

/** 0 ≤ x ≤ 1 (closed, as NumPyro's `unit_interval`). */
export const unitInterval: Constraint = _make(
  "unitInterval",
  "unitInterval",
  (x) => _elementwise(x, [], (v) => v >= 0 && v <= 1),
  {
    lower: new Tensor(new Float64Array([0]), []),
    upper: new Tensor(new Float64Array([1]), []),
  },
);

function _bound(v: Value | number, what: string): Value {
  if (typeof v === "number") {
    if (Number.isNaN(v)) {
      throw new NonFiniteError(
        "infer.constraints",
        what,
        v,
        `${what} must not be NaN`,
      );
    }
    return new Tensor(new Float64Array([v]), []);
  }
  if (
    !(v instanceof Tensor) && !(v && typeof v === "object" && "primal" in v)
  ) {
    throw new TypeError(`${what} must be a number or a tensor`);
  }
  return v;
}

/**
 * lo ≤ x ≤ hi (closed, as NumPyro's `interval`).
 *
 * @param lo Lower bound (number or tensor).
 * @param hi Upper bound (number or tensor), > lo.
 * @returns The constraint.
 * @throws RangeError when a concrete lo ≥ hi.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { interval } from "./constraints.ts";
 * import { tensor } from "../ad/mod.ts";
 * // closed at both ends
 * assert.strictEqual(interval(-1, 2).check(tensor([-1, 0, 2])), true);
 * assert.strictEqual(interval(-1, 2).check(tensor([0, 2.5])), false);
 * ```
 */
export function interval(lo: Value | number, hi: Value | number): Constraint {
  const l = _bound(lo, "interval lo"), h = _bound(hi, "interval hi");
  const bad = _elementwise(l, [h], (a, [b]) => !(a < b!));
  if (bad.data.some((v) => v)) {
    throw new RangeError(
      `interval(lo, hi): needs lo < hi, got lo = ${_fmt(l)}, hi = ${_fmt(h)}`,
    );
  }
  return _make(
    `interval(${_fmt(l)}, ${_fmt(h)})`,
    "interval",
    (x) => _elementwise(x, [l, h], (v, [a, b]) => v >= a! && v <= b!),
    { lower: l, upper: h },
  );
}

/**
 * x > lo.
 *
 * @param lo Lower bound (number or tensor).
 * @returns The constraint.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { greaterThan } from "./constraints.ts";
 * import { tensor } from "../ad/mod.ts";
 * // strict: the bound itself is excluded
 * assert.strictEqual(greaterThan(1).check(tensor([1])), false);
 * assert.strictEqual(greaterThan(1).check(tensor([1.5])), true);
 * ```
 */
export function greaterThan(lo: Value | number): Constraint {
  const l = _bound(lo, "greaterThan lo");
  return _make(
    `greaterThan(${_fmt(l)})`,
    "greaterThan",
    (x) => _elementwise(x, [l], (v, [a]) => v > a! && v < Infinity),
    { lower: l },
  );
}

/**
 * x < hi.
 *
 * @param hi Upper bound (number or tensor).
 * @returns The constraint.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lessThan } from "./constraints.ts";
 * import { tensor } from "../ad/mod.ts";
 * assert.strictEqual(lessThan(0).check(tensor([-3])), true);
 * assert.strictEqual(lessThan(0).check(tensor([0])), false);
 * ```
 */
export function lessThan(hi: Value | number): Constraint {
  const h = _bound(hi, "lessThan hi");
  return _make(
    `lessThan(${_fmt(h)})`,
    "lessThan",
    (x) => _elementwise(x, [h], (v, [b]) => v < b! && v > -Infinity),
    { upper: h },
  );
}

/** Lower-triangular square matrices with positive diagonal (`[..., n, n]`, eventDim 2). */
export const lowerCholesky: Constraint = _make(
  "lowerCholesky",
  "lowerCholesky",
  (x) => {
    const c = concreteOf(x);
    if (c.rank < 2 || c.shape[c.rank - 1] !== c.shape[c.rank - 2]) {
      throw new TypeError(
        `lowerCholesky: needs a [..., n, n] value, got [${c.shape}]`,
      );
    }
    const n = c.shape[c.rank - 1]!;
    const batch = c.shape.slice(0, -2);
    const nb = sizeOf(batch);
    const out = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        for (let j = 0; j < n; j++) {
          const v = c.data[b * n * n + i * n + j]!;
          if (
            j > i
              ? v !== 0
              : j === i
              ? !(v > 0 && v < Infinity)
              : !Number.isFinite(v)
          ) {
            ok = false;
            break;
          }
        }
      }
      out[b] = ok ? 1 : 0;
    }
    return new Tensor(out, batch);
  },
  {},
  2,
);

/**
 * Reinterprets the rightmost `n` batch dimensions of an elementwise (or event) constraint as
 * event dimensions: a value is valid when all its components are (NumPyro's `independent`).
 *
 * @param c Base constraint.
 * @param n Number of dimensions to reinterpret (non-negative integer).
 * @returns The constraint (eventDim = c.eventDim + n).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { independent, positive } from "./constraints.ts";
 * import { tensor } from "../ad/mod.ts";
 * const c = independent(positive, 1);
 * assert.strictEqual(c.eventDim, 1);
 * // one 0/1 entry per row: [1, -1] fails, [2, 3] passes
 * const m = c.mask(tensor([1, -1, 2, 3], [2, 2]));
 * assert.deepStrictEqual(m.shape, [2]);
 * assert.deepStrictEqual(Array.from(m.data), [0, 1]);
 * ```
 */
export function independent(c: Constraint, n: number): Constraint {
  if (!c || typeof c.mask !== "function") {
    throw new TypeError("independent(c, n): c must be a Constraint");
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(
      `independent(c, n): n must be a non-negative integer, got ${n}`,
    );
  }
  if (n === 0) return c;
  return _make(
    `independent(${c.name}, ${n})`,
    "independent",
    (x) => {
      const m = c.mask(x);
      if (m.rank < n) {
        throw new TypeError(
          `${c.name}: value of shape [${
            concreteOf(x).shape
          }] has fewer than ${n} batch dims`,
        );
      }
      const outShape = m.shape.slice(0, m.rank - n);
      const inner = sizeOf(m.shape.slice(m.rank - n));
      const out = new Float64Array(sizeOf(outShape));
      for (let i = 0; i < out.length; i++) {
        let ok = 1;
        for (let j = 0; j < inner; j++) if (!m.data[i * inner + j]) ok = 0;
        out[i] = ok;
      }
      return new Tensor(out, outShape);
    },
    { base: c, reinterpretedBatchNdims: n },
    c.eventDim + n,
  );
}

/** Real vectors (`independent(real, 1)`). */
export const realVector: Constraint = independent(real, 1);
