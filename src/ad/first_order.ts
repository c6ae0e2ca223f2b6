/**
 * Builds coarse physics primitives from plain derivative kernels over Float64Array: a forward
 * function, a batched JVP kernel and a VJP (forward-with-pullback) kernel. The adapter converts
 * between tensors and arrays, passes `null` for zero tangents, keeps the pullback closure as the
 * reverse-mode residual, and refuses nested differentiation with a clear error (these rules
 * evaluate dedicated kernels on concrete arrays: first order only).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { definePrimitive } from "./first_order.ts";
 * import { bind, grad } from "./core.ts";
 * import { sum } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // y[i] = a·i for i < 3
 * const ramp = definePrimitive({
 *   name: "ramp",
 *   outShape: () => [3],
 *   forward: ([a]) => Float64Array.from([0, 1, 2], (i) => a![0]! * i),
 *   jvp: ([a], [ta], k) => ({
 *     out: Float64Array.from([0, 1, 2], (i) => a![0]! * i),
 *     dout: Float64Array.from({ length: 3 * k }, (_, j) => (ta ? ta[Math.floor(j / 3)]! : 0) * (j % 3)),
 *   }),
 *   withVjp: ([a]) => ({
 *     out: Float64Array.from([0, 1, 2], (i) => a![0]! * i),
 *     pullback: (ct) => [new Float64Array([ct[1]! + 2 * ct[2]!])],
 *   }),
 * });
 * // d/da Σ a·i = 0 + 1 + 2
 * const g = grad((a) => sum(bind(ramp, [a], {})))(scalar(2)) as Tensor;
 * assert.strictEqual(g.item(), 3);
 * ```
 *
 * @module
 */
import { JvpTracer, type Primitive, Tracer, type Value } from "./core.ts";
import { Tensor } from "./tensor.ts";
import { FirstOrderOnlyError } from "../errors.ts";

/**
 * The result of every stage's batched JVP (`…Jvp`): the primal output and its K tangents,
 * `dout` [K][...out] row-major. One convention for every physics stage.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { StageJvp } from "./first_order.ts";
 * // y = 2x at x = [1, 2] along K = 1 direction [1, 0]
 * const r: StageJvp = { out: new Float64Array([2, 4]), dout: new Float64Array([2, 0]) };
 * assert.strictEqual(r.dout.length, 1 * r.out.length);
 * ```
 */
export interface StageJvp {
  /** Primal output, flat row-major. */
  out: Float64Array;
  /** Tangents [K][...out]. */
  dout: Float64Array;
}

/**
 * The result of every stage's reverse rule (`…WithVjp`): the primal output and a pullback that
 * maps one output cotangent to the input cotangents, positionally, in the order of the stage's
 * inputs (the order of its primitive's inputs). A scalar input's cotangent is a length-1 array;
 * an input that is not differentiable, or that the caller said it does not need, gets null.
 * A pullback is pure: it may be called any number of times.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { StageVjp } from "./first_order.ts";
 * // y = a·x (a scalar, x [2]): x̄ = a·ȳ, ā = ⟨x, ȳ⟩
 * const x = new Float64Array([1, 2]), a = 3;
 * const r: StageVjp = {
 *   out: x.map((v) => a * v),
 *   pullback: (ct) => [ct.map((c) => a * c), new Float64Array([x[0]! * ct[0]! + x[1]! * ct[1]!])],
 * };
 * const [xBar, aBar] = r.pullback(new Float64Array([1, 1]));
 * assert.deepStrictEqual([Array.from(xBar!), Array.from(aBar!)], [[3, 3], [3]]);
 * ```
 */
export interface StageVjp {
  /** Primal output, flat row-major. */
  out: Float64Array;
  /** Output cotangent → input cotangents, in input order. */
  pullback(ct: Float64Array): (Float64Array | null)[];
}

/** Kernels of a first-order primitive. Arrays are flat row-major; tangents have a leading K. */
export interface FirstOrderKernels {
  /** Primitive name (used in error messages). */
  name: string;
  /** Output shape from the input shapes. */
  outShape(inputShapes: readonly (readonly number[])[]): number[];
  /** Forward evaluation. */
  forward(inputs: Float64Array[]): Float64Array;
  /** Batched JVP: tangents[i] is null (zero) or [K][...input i]; returns the output and [K][...out]. */
  jvp(
    inputs: Float64Array[],
    tangents: (Float64Array | null)[],
    k: number,
  ): StageJvp;
  /**
   * Forward with a pullback returning one cotangent per input (null where not differentiable).
   * `needs[i]` false (when given) says input i's cotangent will be discarded: the kernel may
   * skip its partial and return null for it.
   */
  withVjp(
    inputs: Float64Array[],
    needs?: readonly boolean[],
  ): StageVjp;
  /** Indices of inputs that are not differentiable (their tangents are ignored). */
  nondiff?: readonly number[];
}

/** @internal A concrete input of a first-order primitive, or FirstOrderOnlyError. */
export function _concreteFirstOrder(
  v: Value,
  name: string,
  what: string,
): Tensor {
  if (v instanceof Tracer) {
    throw new FirstOrderOnlyError(
      name,
      `${name}: ${what} is being differentiated twice; this primitive's rules are first order only ` +
        `(use one level of jvp/vjp/grad through it)`,
    );
  }
  return v;
}

/**
 * Makes a {@link Primitive} from first-order kernels.
 *
 * @param k The kernels.
 * @returns A primitive usable with `bind`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { definePrimitive } from "./first_order.ts";
 * import { bind } from "./core.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * const p = definePrimitive({
 *   name: "twice", outShape: (s) => [...s[0]!],
 *   forward: ([x]) => x!.map((v) => 2 * v),
 *   jvp: ([x], [t], k) => ({ out: x!.map((v) => 2 * v), dout: t ? t.map((v) => 2 * v) : new Float64Array(k * x!.length) }),
 *   withVjp: ([x]) => ({ out: x!.map((v) => 2 * v), pullback: (ct) => [ct.map((v) => 2 * v)] }),
 * });
 * assert.strictEqual(p.firstOrderOnly, true);
 * assert.deepStrictEqual(Array.from((bind(p, [tensor([1, 2])], {}) as Tensor).data), [2, 4]);
 * ```
 */
export function definePrimitive(k: FirstOrderKernels): Primitive {
  const nondiff = new Set(k.nondiff ?? []);
  const prim: Primitive = {
    name: k.name,
    firstOrderOnly: true,
    impl(inputs) {
      return new Tensor(
        k.forward(inputs.map((t) => t.data)),
        k.outShape(inputs.map((t) => t.shape)),
      );
    },
    jvp(primals, tangents, _params, kk) {
      const ins = primals.map((p, i) =>
        _concreteFirstOrder(p, k.name, `input ${i}`)
      );
      const ts = tangents.map((t, i) => {
        if (t === null || nondiff.has(i)) return null;
        if (t instanceof JvpTracer || t instanceof Tracer) {
          _concreteFirstOrder(t, k.name, `tangent ${i}`);
        }
        return (t as Tensor).data;
      });
      const { out, dout } = k.jvp(ins.map((t) => t.data), ts, kk);
      const shape = k.outShape(ins.map((t) => t.shape));
      return [new Tensor(out, shape), new Tensor(dout, [kk, ...shape])];
    },
    vjp(primals, _out, ct) {
      const ins = primals.map((p, i) =>
        _concreteFirstOrder(p, k.name, `input ${i}`)
      );
      const { pullback } = k.withVjp(ins.map((t) => t.data));
      const c = _concreteFirstOrder(ct, k.name, "cotangent");
      return pullback(c.data).map((
        g,
        i,
      ) => (g === null || nondiff.has(i)
        ? null
        : new Tensor(g, ins[i]!.shape))
      );
    },
    vjpForward(inputs, _params, needs) {
      const { out, pullback } = k.withVjp(inputs.map((t) => t.data), needs);
      return [new Tensor(out, k.outShape(inputs.map((t) => t.shape))), {
        pullback,
        shapes: inputs.map((t) => t.shape),
      }];
    },
    vjpFromResidual(residual, ct) {
      const r = residual as {
        pullback: (ct: Float64Array) => (Float64Array | null)[];
        shapes: number[][];
      };
      return r.pullback(ct.data).map((
        g,
        i,
      ) => (g === null || nondiff.has(i) ? null : new Tensor(g, r.shapes[i]!)));
    },
  };
  return prim;
}
