/**
 * The autodiff core: values, tracers, primitives, and the transformations `jvp` (forward mode,
 * a batch of K tangent directions at once), `vjp` (reverse mode on a tape), `grad`,
 * `valueAndGrad`, `jacfwd` and `jacrev`.
 *
 * A primitive is declared once with its forward evaluation, its JVP rule and its VJP rule
 * ({@link Primitive}). Rules written with other primitives (through {@link bind}) can be
 * differentiated again, so transformations nest (`jacfwd(grad(f))`); rules that call dedicated
 * derivative kernels on concrete arrays declare `firstOrderOnly`.
 *
 * Tangents in forward mode carry a leading batch dimension K: the tangent of a value of shape
 * `s` has shape `[K, ...s]`. Every JVP rule receives them that way, which is how a 7-parameter
 * forward-mode gradient runs as one pass.
 *
 * Each transformation gets a fresh, increasing level (a module-level counter, the only state
 * here), so nested transformations never confuse each other's perturbations.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { grad } from "./core.ts";
 * import { mul, sum } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * // ∇ Σ x² = 2x
 * const f = (x: import("./core.ts").Value) => sum(mul(x, x));
 * const g = grad(f)(tensor([1, 2, 3])) as import("./tensor.ts").Tensor;
 * assert.deepStrictEqual(Array.from(g.data), [2, 4, 6]);
 * ```
 *
 * @module
 */
import { Tensor } from "./tensor.ts";

/** A value flowing through traced code: a concrete tensor or a tracer of some transformation. */
export type Value = Tensor | Tracer;

/** Parameters of a primitive application (static: not differentiated). */
// deno-lint-ignore no-explicit-any
export type Params = any;

/** A primitive operation with its derivative rules. */
export interface Primitive {
  /** Unique name, e.g. "mul", "xsmatrix". */
  readonly name: string;
  /** Evaluates on concrete tensors. */
  impl(inputs: Tensor[], params: Params): Tensor;
  /**
   * Forward-mode rule. `primals` may be tracers of outer levels; `tangents[i]` is null (zero) or
   * has shape `[k, ...primals[i].shape]`. Returns the primal output and its tangent
   * (`[k, ...out.shape]`, or null when it is zero).
   */
  jvp(
    primals: Value[],
    tangents: (Value | null)[],
    params: Params,
    k: number,
  ): [Value, Value | null];
  /**
   * Reverse-mode rule: given the primal inputs, the primal output and the output cotangent,
   * returns one cotangent per input (null: zero or not differentiable).
   */
  vjp(
    primals: Value[],
    out: Value,
    cotangent: Value,
    params: Params,
  ): (Value | null)[];
  /** True when the rules evaluate dedicated kernels on concrete arrays (no nesting). */
  readonly firstOrderOnly?: boolean;
  /**
   * Optional reverse-mode fast path: evaluates the output and keeps residuals (e.g. layer
   * transmissions) for {@link Primitive.vjpFromResidual}. Used by `vjp` when every input is
   * concrete; otherwise `impl` + `vjp` are used. `needs[i]` is false when input i is a constant
   * of the traced function (its cotangent is discarded), so a rule may skip that partial.
   */
  vjpForward?(
    inputs: Tensor[],
    params: Params,
    needs?: readonly boolean[],
  ): [Tensor, unknown];
  /** Cotangents of the inputs from the residuals saved by `vjpForward`. */
  vjpFromResidual?(
    residual: unknown,
    cotangent: Tensor,
    params: Params,
  ): (Tensor | null)[];
}

/** Base class of tracers. */
export abstract class Tracer {
  /** The transformation level that owns this tracer. */
  readonly level: number;
  /** @param level Owning level. */
  constructor(level: number) {
    this.level = level;
  }
  /** The value one level down. */
  abstract get primal(): Value;
  /** Shape of the traced value. */
  get shape(): readonly number[] {
    return this.primal.shape;
  }
}

/** Forward-mode tracer: a primal and a batch of K tangents. */
export class JvpTracer extends Tracer {
  readonly #primal: Value;
  /** Tangent of shape [k, ...shape], or null for zero. */
  readonly tangent: Value | null;
  /** Batch size of the tangents. */
  readonly k: number;
  /**
   * @param level Owning level.
   * @param primal Primal value.
   * @param tangent Tangent batch or null.
   * @param k Batch size.
   */
  constructor(level: number, primal: Value, tangent: Value | null, k: number) {
    super(level);
    this.#primal = primal;
    this.tangent = tangent;
    this.k = k;
  }
  /** The primal value. */
  get primal(): Value {
    return this.#primal;
  }
}

interface _Node {
  readonly id: number;
  readonly prim: Primitive | null;
  readonly primals: Value[];
  readonly params: Params;
  readonly out: Value;
  readonly parents: (_Node | null)[];
  readonly residual?: unknown;
}

/** Reverse-mode tracer: a primal and its node on the tape of its level. */
export class VjpTracer extends Tracer {
  readonly #primal: Value;
  /** @internal Tape node. */
  readonly node: _Node;
  /**
   * @param level Owning level.
   * @param primal Primal value.
   * @param node Tape node.
   */
  constructor(level: number, primal: Value, node: _Node) {
    super(level);
    this.#primal = primal;
    this.node = node;
  }
  /** The primal value. */
  get primal(): Value {
    return this.#primal;
  }
}

let _nextLevel = 1;
let _nextNode = 1;

function _levelOf(v: Value): number {
  return v instanceof Tracer ? v.level : 0;
}

/**
 * Applies a primitive to values, dispatching to the innermost active transformation.
 *
 * @param prim The primitive.
 * @param inputs Input values.
 * @param params Static parameters.
 * @returns The output value (a tracer when any input is one).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { bind } from "./core.ts";
 * import { mulPrim } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * const y = bind(mulPrim, [tensor([2]), tensor([3])], {}) as import("./tensor.ts").Tensor;
 * assert.deepStrictEqual(y.shape, [1]);
 * assert.strictEqual(y.data[0], 6);
 * ```
 */
export function bind(prim: Primitive, inputs: Value[], params: Params): Value {
  let level = 0;
  for (const v of inputs) level = Math.max(level, _levelOf(v));
  if (level === 0) return prim.impl(inputs as Tensor[], params);
  const top = inputs.find((v) =>
    v instanceof Tracer && v.level === level
  ) as Tracer;
  const primals = inputs.map((
    v,
  ) => (v instanceof Tracer && v.level === level ? v.primal : v));
  if (top instanceof JvpTracer) {
    const k = top.k;
    const tangents = inputs.map((
      v,
    ) => (v instanceof JvpTracer && v.level === level ? v.tangent : null));
    if (tangents.every((t) => t === null)) {
      return new JvpTracer(level, bind(prim, primals, params), null, k);
    }
    const [out, tout] = prim.jvp(primals, tangents, params, k);
    return new JvpTracer(level, out, tout, k);
  }
  const parents = inputs.map((
    v,
  ) => (v instanceof VjpTracer && v.level === level ? v.node : null));
  if (
    prim.vjpForward && prim.vjpFromResidual &&
    primals.every((p) => p instanceof Tensor)
  ) {
    const [out, residual] = prim.vjpForward(
      primals as Tensor[],
      params,
      parents.map((p) => p !== null),
    );
    const node: _Node = {
      id: _nextNode++,
      prim,
      primals,
      params,
      out,
      parents,
      residual,
    };
    return new VjpTracer(level, out, node);
  }
  const out = bind(prim, primals, params);
  const node: _Node = { id: _nextNode++, prim, primals, params, out, parents };
  return new VjpTracer(level, out, node);
}

/** Primitive-level addition used to accumulate cotangents (set by ops.ts to avoid a cycle). */
let _addFn: ((a: Value, b: Value) => Value) | null = null;
/** Primitive-level zeros-like (set by ops.ts). */
let _zerosLike: ((v: Value) => Value) | null = null;
/** Primitive-level reshape (set by ops.ts). */
let _reshapeFn: ((v: Value, shape: readonly number[]) => Value) | null = null;
/** A constant on the backend of a value (set by ops.ts). */
let _fullOn:
  | ((like: Value, shape: readonly number[], value: number) => Value)
  | null = null;
/** A host constant moved to the backend of a value (set by ops.ts). */
let _moveLike: ((t: Tensor, like: Value) => Tensor) | null = null;

/**
 * Installs the primitive operations the transformations need (called once by ops.ts).
 *
 * @param fns add, zerosLike and reshape implemented with primitives.
 */
export function _installCoreOps(fns: {
  add: (a: Value, b: Value) => Value;
  zerosLike: (v: Value) => Value;
  reshape: (v: Value, shape: readonly number[]) => Value;
  fullOn: (like: Value, shape: readonly number[], value: number) => Value;
  moveLike: (t: Tensor, like: Value) => Tensor;
}): void {
  _addFn = fns.add;
  _zerosLike = fns.zerosLike;
  _reshapeFn = fns.reshape;
  _fullOn = fns.fullOn;
  _moveLike = fns.moveLike;
}

function _ops(): {
  add: (a: Value, b: Value) => Value;
  zerosLike: (v: Value) => Value;
  reshape: (v: Value, s: readonly number[]) => Value;
  fullOn: (like: Value, shape: readonly number[], value: number) => Value;
  moveLike: (t: Tensor, like: Value) => Tensor;
} {
  if (!_addFn || !_zerosLike || !_reshapeFn || !_fullOn || !_moveLike) {
    throw new Error("ad core used before ops.ts was loaded");
  }
  return {
    add: _addFn,
    zerosLike: _zerosLike,
    reshape: _reshapeFn,
    fullOn: _fullOn,
    moveLike: _moveLike,
  };
}

/** A function of several values returning one value. */
export type Fn = (...args: Value[]) => Value;

function _checkShapes(
  what: string,
  primals: readonly Value[],
  tangents: readonly Value[],
  k: number | null,
): void {
  if (tangents.length !== primals.length) {
    throw new TypeError(
      `${what}: got ${tangents.length} tangents for ${primals.length} primals`,
    );
  }
  for (let i = 0; i < primals.length; i++) {
    const p = primals[i]!.shape, t = tangents[i]!.shape;
    const expect = k === null ? p : [k, ...p];
    if (t.length !== expect.length || t.some((d, j) => d !== expect[j])) {
      throw new TypeError(
        `${what}: tangent ${i} has shape [${t.join(", ")}], expected [${
          expect.join(", ")
        }]`,
      );
    }
  }
}

/**
 * Forward mode with a batch of K tangent directions: returns f(primals) and J·t for every
 * direction. Tangent `i` has shape `[K, ...primals[i].shape]`; the output tangent has shape
 * `[K, ...out.shape]`.
 *
 * @param f The function.
 * @param primals Point of evaluation.
 * @param tangents Tangent batches, one per primal.
 * @returns `[out, outTangents]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { jvpBatch } from "./core.ts";
 * import { mul } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * // two tangents (batch K = 2) of x² at x = 3: 2·3·[1, 2]
 * const [y, dy] = jvpBatch((x) => mul(x, x), [tensor([3])], [tensor([1, 2], [2, 1])]);
 * assert.deepStrictEqual(Array.from((y as Tensor).data), [9]);
 * assert.deepStrictEqual((dy as Tensor).shape, [2, 1]);
 * assert.deepStrictEqual(Array.from((dy as Tensor).data), [6, 12]);
 * ```
 */
export function jvpBatch(
  f: Fn,
  primals: Value[],
  tangents: Value[],
): [Value, Value] {
  if (primals.length === 0) {
    throw new TypeError("jvpBatch(): needs at least one primal");
  }
  const k = tangents[0]?.shape[0] ?? 1;
  _checkShapes("jvpBatch()", primals, tangents, k);
  const level = _nextLevel++;
  const args = primals.map((p, i) => new JvpTracer(level, p, tangents[i]!, k));
  const out = f(...args);
  if (out instanceof JvpTracer && out.level === level) {
    return [
      out.primal,
      out.tangent ?? _ops().fullOn(out.primal, [k, ...out.primal.shape], 0),
    ];
  }
  // output does not depend on the inputs
  return [out, _ops().fullOn(out, [k, ...out.shape], 0)];
}

/**
 * Forward mode (one tangent direction per primal, JAX's `jvp`).
 *
 * @param f The function.
 * @param primals Point of evaluation.
 * @param tangents One tangent per primal, same shapes.
 * @returns `[f(primals), J·tangents]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { jvp } from "./core.ts";
 * import { exp } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // d/dx eˣ at 0 is e⁰ = 1
 * const [, t] = jvp((x) => exp(x), [scalar(0)], [scalar(1)]);
 * assert.ok(Math.abs((t as Tensor).item() - 1) < 1e-12);
 * ```
 */
export function jvp(
  f: Fn,
  primals: Value[],
  tangents: Value[],
): [Value, Value] {
  _checkShapes("jvp()", primals, tangents, null);
  const { reshape } = _ops();
  const [out, tout] = jvpBatch(
    f,
    primals,
    tangents.map((t) => reshape(t, [1, ...t.shape])),
  );
  return [out, reshape(tout, out.shape)];
}

/**
 * Reverse mode: evaluates f and returns a pullback mapping an output cotangent to one
 * cotangent per input (zeros for inputs the output does not depend on).
 *
 * @param f The function.
 * @param primals Point of evaluation.
 * @returns `[out, pullback]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { vjp } from "./core.ts";
 * import { mul } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * // ∂(ab)/∂a = b, ∂(ab)/∂b = a
 * const [, back] = vjp((a, b) => mul(a, b), [tensor([2]), tensor([5])]);
 * const [ga, gb] = back(tensor([1])) as import("./tensor.ts").Tensor[];
 * assert.strictEqual(ga!.data[0], 5);
 * assert.strictEqual(gb!.data[0], 2);
 * ```
 */
export function vjp(f: Fn, primals: Value[]): [Value, (ct: Value) => Value[]] {
  const level = _nextLevel++;
  const leaves = primals.map((p) => {
    const node: _Node = {
      id: _nextNode++,
      prim: null,
      primals: [],
      params: null,
      out: p,
      parents: [],
    };
    return new VjpTracer(level, p, node);
  });
  const out = f(...leaves);
  const outPrimal = out instanceof VjpTracer && out.level === level
    ? out.primal
    : out;
  const pullback = (ct: Value): Value[] => {
    const { add, zerosLike } = _ops();
    if (
      ct.shape.length !== outPrimal.shape.length ||
      ct.shape.some((d, i) => d !== outPrimal.shape[i])
    ) {
      throw new TypeError(
        `vjp pullback: cotangent shape [${
          ct.shape.join(", ")
        }] differs from output [${outPrimal.shape.join(", ")}]`,
      );
    }
    if (!(out instanceof VjpTracer && out.level === level)) {
      return primals.map((p) => zerosLike(p));
    }
    // a host cotangent of a device output (jacrev's basis rows, a caller's array): one upload
    if (ct instanceof Tensor) ct = _ops().moveLike(ct, outPrimal);
    // topological order by a depth-first walk from the output
    const order: _Node[] = [];
    const seen = new Set<number>();
    const stack: [_Node, number][] = [[out.node, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i === 0 && seen.has(node.id)) {
        stack.pop();
        continue;
      }
      seen.add(node.id);
      if (i < node.parents.length) {
        top[1] = i + 1;
        const p = node.parents[i];
        if (p && !seen.has(p.id)) stack.push([p, 0]);
      } else {
        stack.pop();
        order.push(node);
      }
    }
    const cts = new Map<number, Value>();
    cts.set(out.node.id, ct);
    for (let j = order.length - 1; j >= 0; j--) {
      const node = order[j]!;
      const g = cts.get(node.id);
      if (g === undefined || node.prim === null) continue;
      const ins = node.residual !== undefined && node.prim.vjpFromResidual &&
          g instanceof Tensor
        ? node.prim.vjpFromResidual(node.residual, g, node.params)
        : node.prim.vjp(node.primals, node.out, g, node.params);
      for (let i = 0; i < node.parents.length; i++) {
        const p = node.parents[i];
        const gi = ins[i];
        if (!p || gi === null || gi === undefined) continue;
        const prev = cts.get(p.id);
        cts.set(p.id, prev === undefined ? gi : add(prev, gi));
      }
    }
    return leaves.map((l, i) => cts.get(l.node.id) ?? zerosLike(primals[i]!));
  };
  return [outPrimal, pullback];
}

/**
 * Value and gradient of a scalar function with respect to the chosen arguments.
 *
 * @param f Scalar-valued function.
 * @param argnums Which arguments to differentiate (default all).
 * @returns A function returning `[value, gradients]` (one gradient per selected argument).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { valueAndGrad } from "./core.ts";
 * import { mul, sum } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * const [v, [g]] = valueAndGrad((x) => sum(mul(x, x)))(tensor([3]));
 * assert.strictEqual((v as Tensor).item(), 9); // 3²
 * assert.strictEqual((g as Tensor).item(), 6); // 2·3
 * ```
 */
export function valueAndGrad(
  f: Fn,
  argnums?: number[],
): (...args: Value[]) => [Value, Value[]] {
  return (...args: Value[]) => {
    const sel = argnums ?? args.map((_, i) => i);
    const [out, back] = vjp((...xs: Value[]) => {
      const full = args.slice();
      sel.forEach((a, i) => (full[a] = xs[i]!));
      return f(...full);
    }, sel.map((a) => args[a]!));
    if (out.shape.reduce((a, b) => a * b, 1) !== 1) {
      throw new TypeError(
        `grad(): function must return a single value, got shape [${
          out.shape.join(", ")
        }]`,
      );
    }
    // the seed lives where the output does (on a device: `ad.full`, no transfer)
    return [out, back(_ops().fullOn(out, out.shape, 1))];
  };
}

/**
 * Gradient of a scalar function (with respect to its first argument unless `argnums` says).
 *
 * @param f Scalar-valued function.
 * @param argnum Argument to differentiate (default 0).
 * @returns A function returning the gradient (same shape as that argument).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { grad } from "./core.ts";
 * import { sin } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // sin′(0) = cos 0 = 1
 * assert.ok(Math.abs((grad((x) => sin(x))(scalar(0)) as Tensor).item() - 1) < 1e-12);
 * ```
 */
export function grad(f: Fn, argnum = 0): (...args: Value[]) => Value {
  const vg = valueAndGrad(f, [argnum]);
  return (...args: Value[]) => vg(...args)[1][0]!;
}

/**
 * Jacobian by forward mode: all columns in one batched pass (K = input size).
 * Output shape `[...out.shape, ...x.shape]`.
 *
 * @param f Function of one argument.
 * @returns A function computing the Jacobian at a point.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { jacfwd } from "./core.ts";
 * import { mul } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * // J = diag(2x)
 * const J = jacfwd((x) => mul(x, x))(tensor([1, 2])) as import("./tensor.ts").Tensor;
 * assert.deepStrictEqual(J.shape, [2, 2]);
 * assert.deepStrictEqual(Array.from(J.data), [2, 0, 0, 4]);
 * ```
 */
export function jacfwd(f: (x: Value) => Value): (x: Value) => Value {
  return (x: Value) => {
    const n = x.shape.reduce((a, b) => a * b, 1);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    // the basis lives where x does (one upload for a device x)
    const basis = _ops().moveLike(new Tensor(eye, [n, ...x.shape]), x);
    const [out, t] = jvpBatch(f, [x], [basis]);
    // t: [n_in, ...outShape] → [...outShape, ...inShape]
    const m = out.shape.reduce((a, b) => a * b, 1);
    return _transposeFirst(t, n, m, [...out.shape, ...x.shape]);
  };
}

/**
 * Jacobian by reverse mode: one pullback per output element.
 * Output shape `[...out.shape, ...x.shape]`.
 *
 * @param f Function of one argument.
 * @returns A function computing the Jacobian at a point.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { jacrev } from "./core.ts";
 * import { mul } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * // J = diag(2x)
 * const J = jacrev((x) => mul(x, x))(tensor([1, 2])) as import("./tensor.ts").Tensor;
 * assert.deepStrictEqual(J.shape, [2, 2]);
 * assert.deepStrictEqual(Array.from(J.data), [2, 0, 0, 4]);
 * ```
 */
export function jacrev(f: (x: Value) => Value): (x: Value) => Value {
  return (x: Value) => {
    const [out, back] = vjp((v) => f(v), [x]);
    const m = out.shape.reduce((a, b) => a * b, 1);
    const rows: Value[] = [];
    for (let i = 0; i < m; i++) {
      const e = new Float64Array(m);
      e[i] = 1;
      rows.push(back(new Tensor(e, out.shape))[0]!);
    }
    return _stackRows(rows, [...out.shape, ...x.shape]);
  };
}

/** Stacks same-shaped values along a new leading axis and reshapes (set by ops.ts). */
let _stack: ((vs: Value[], shape: readonly number[]) => Value) | null = null;
/** Transposes [a, b] → [b, a] for a flat value and reshapes (set by ops.ts). */
let _transpose2:
  | ((v: Value, a: number, b: number, shape: readonly number[]) => Value)
  | null = null;

/**
 * Installs stacking helpers for jacobians (called once by ops.ts).
 *
 * @param fns stack and transpose implemented with primitives.
 */
export function _installJacOps(fns: {
  stack: (vs: Value[], shape: readonly number[]) => Value;
  transpose2: (
    v: Value,
    a: number,
    b: number,
    shape: readonly number[],
  ) => Value;
}): void {
  _stack = fns.stack;
  _transpose2 = fns.transpose2;
}

function _stackRows(rows: Value[], shape: readonly number[]): Value {
  if (!_stack) throw new Error("ad core used before ops.ts was loaded");
  return _stack(rows, shape);
}

function _transposeFirst(
  t: Value,
  a: number,
  b: number,
  shape: readonly number[],
): Value {
  if (!_transpose2) throw new Error("ad core used before ops.ts was loaded");
  return _transpose2(t, a, b, shape);
}
