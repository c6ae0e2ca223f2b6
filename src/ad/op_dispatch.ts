/**
 * How the elementwise, reduction and shape primitives of `ops.ts` run on a backend. Every such
 * primitive is the kernel `ad.<name>`:
 *
 * - On host tensors (js backends) the primitive's host implementation runs directly on the
 *   arrays; that implementation is also what the js backend registers under `ad.<name>`
 *   ({@link registerOpKernels}), so the parity harness compares any other backend's kernel
 *   with it.
 * - When any input is a device tensor, the primitive launches `ad.<name>` on that backend, and
 *   the output is a device tensor of the same backend. A host input of one element that is a
 *   concrete constant (`scalarOf(0.5)`, `ln 10` in a rule) travels as a kernel parameter, not
 *   as a buffer; any other host input is refused with a TypeError telling to move it with
 *   `toBackend()`: a step never uploads behind the caller's back.
 *
 * Kernel parameters (all numbers), for backend implementers:
 *
 * | key | meaning |
 * |---|---|
 * | `nin` | number of tensor inputs (a tensor-valued param such as `where`'s mask is appended) |
 * | `in{i}.rank`, `in{i}.d{j}` | shape of input i |
 * | `in{i}.const` | value of input i when it is a scalar passed by value (its buffer has length 0) |
 * | `p.{key}` | a numeric or boolean (0/1) op parameter |
 * | `p.{key}.n`, `p.{key}.{j}` | an array op parameter (axes, shape, indices) |
 * | `t.{key}` | index of the input buffer holding a tensor-valued op parameter |
 * | `out.rank`, `out.d{j}` | shape of the output |
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerOpKernels } from "./op_dispatch.ts";
 * import "./ops.ts";
 * const be = createJsBackend();
 * registerOpKernels(be);
 * assert.ok(be.hasKernel("ad.add") && be.hasKernel("ad.sum"));
 * ```
 *
 * @module
 */
import {
  allocOutput,
  type Backend,
  type DeviceBuffer,
  type KernelParams,
  MissingKernelError,
} from "../backend/backend.ts";
import type { JsBackend } from "../backend/js/js_backend.ts";
import type { Params } from "./core.ts";
import { sizeOf, Tensor } from "./tensor.ts";

/** A primitive's host implementation on concrete host tensors. */
export type HostImpl = (inputs: Tensor[], params: Params) => Tensor;
/** Output shape of a primitive from its input shapes and params. */
export type ShapeRule = (
  inputShapes: readonly (readonly number[])[],
  params: Params,
) => number[];

interface _OpEntry {
  readonly host: HostImpl;
  readonly shape: ShapeRule;
  /** Names of params that are tensors (passed as extra input buffers). */
  readonly tensorParams: readonly string[];
}

const _ops = new Map<string, _OpEntry>();

/**
 * Declares a primitive's forward as the backend kernel `ad.<name>`: returns the `impl` to put
 * in the primitive, which runs `host` on host inputs and launches the kernel otherwise.
 *
 * @param name The primitive's name (the kernel is `ad.<name>`).
 * @param host The host implementation (the js kernel and the reference).
 * @param shape The output-shape rule (device launches allocate from it).
 * @param tensorParams Names of params holding tensors (uploaded as extra inputs).
 * @returns The primitive's `impl`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { deviceOp } from "./op_dispatch.ts";
 * import { Tensor, tensor } from "./tensor.ts";
 * const twice = deviceOp("demo.twice", ([a]) => new Tensor(a!.data.map((x) => 2 * x), a!.shape),
 *   (s) => [...s[0]!]);
 * assert.deepStrictEqual(Array.from(twice([tensor([1, 2])], {}).data), [2, 4]);
 * ```
 */
export function deviceOp(
  name: string,
  host: HostImpl,
  shape: ShapeRule,
  tensorParams: readonly string[] = [],
): HostImpl {
  const kernel = `ad.${name}`;
  _ops.set(kernel, { host, shape, tensorParams });
  return (inputs, params) => {
    let dev: Backend | null = null;
    for (const t of inputs) {
      if (!t.isHost) {
        dev = t.backend;
        break;
      }
    }
    for (const k of tensorParams) {
      const t = params[k] as Tensor;
      if (dev === null && !t.isHost) dev = t.backend;
    }
    if (dev === null) return host(inputs, params);
    return _launch(dev, kernel, inputs, params, shape, tensorParams);
  };
}

/** The names of every `ad.*` kernel (the primitives of `ops.ts` once it is loaded). */
export function opKernelNames(): string[] {
  return [..._ops.keys()];
}

/** The arithmetic ops with their own loops (a call through `f` per element is slow). Private. */
export type _Arith = "add" | "sub" | "mul" | "div";

/** out[i] = a[i] op b[i] (same sizes): one monomorphic loop per op. Private. */
export function _arithSame(
  op: _Arith,
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
): void {
  const n = out.length;
  if (op === "add") { for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!; }
  else if (op === "sub") { for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!; }
  else if (op === "mul") { for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!; }
  else for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
}

const _ARITH: Record<string, _Arith> = {
  "ad.add": "add",
  "ad.sub": "sub",
  "ad.mul": "mul",
  "ad.div": "div",
};

/**
 * Registers every `ad.*` kernel on a js backend: each decodes its parameters, runs the
 * primitive's host implementation and writes the output.
 *
 * @param be The js backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerOpKernels } from "./op_dispatch.ts";
 * import "./ops.ts";
 * const be = createJsBackend();
 * registerOpKernels(be);
 * const a = be.wrap(new Float64Array([1, 2])), o = be.alloc(2);
 * be.run("ad.exp", [a], [o], { nin: 1, "in0.rank": 1, "in0.d0": 2, "out.rank": 1, "out.d0": 2 });
 * assert.strictEqual(be.view(o)[1], Math.exp(2));
 * ```
 */
export function registerOpKernels(be: JsBackend): void {
  for (const [kernel, op] of _ops) {
    const arith = _ARITH[kernel];
    be.kernelTable.set(kernel, (ins, [out], p) => {
      // a + b etc. of two full arrays of the output's size: straight into the output (the shape
      // rule has checked the shapes at launch; broadcasting cannot reorder equal sizes)
      if (
        arith !== undefined && ins.length === 2 &&
        ins[0]!.length === out!.length && ins[1]!.length === out!.length
      ) {
        _arithSame(arith, ins[0]!, ins[1]!, out!);
        return;
      }
      const { inputs, params } = decodeOpLaunch(ins, p, op.tensorParams);
      const r = op.host(inputs, params);
      if (r.size !== out!.length) {
        throw new TypeError(
          `${kernel}: output buffer has ${
            out!.length
          } elements, the result ${r.size}`,
        );
      }
      out!.set(r.data);
    });
  }
}

function _shapeParams(
  p: Record<string, number>,
  prefix: string,
  shape: readonly number[],
): void {
  p[`${prefix}.rank`] = shape.length;
  shape.forEach((d, j) => (p[`${prefix}.d${j}`] = d));
}

function _readShape(p: KernelParams, prefix: string): number[] {
  const r = p[`${prefix}.rank`];
  if (r === undefined) throw new TypeError(`kernel params lack ${prefix}.rank`);
  return Array.from({ length: r }, (_, j) => p[`${prefix}.d${j}`]!);
}

/**
 * Encodes a launch of an `ad.*` kernel: the kernel params (see the module doc) and which
 * inputs travel by value.
 *
 * @param inputs The primitive's tensor inputs.
 * @param params The primitive's params.
 * @param outShape The output shape.
 * @param tensorParams Names of tensor-valued params.
 * @returns The kernel params.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { encodeOpLaunch } from "./op_dispatch.ts";
 * import { tensor } from "./tensor.ts";
 * const p = encodeOpLaunch([tensor([1, 2])], { axes: [0], keepdims: false }, []);
 * assert.deepStrictEqual([p.nin, p["in0.d0"], p["p.axes.n"], p["p.keepdims"]], [1, 2, 1, 0]);
 * ```
 */
export function encodeOpLaunch(
  inputs: readonly Tensor[],
  params: Params,
  outShape: readonly number[],
  tensorParams: readonly string[] = [],
): KernelParams {
  const p: Record<string, number> = {};
  const all = [...inputs, ...tensorParams.map((k) => params[k] as Tensor)];
  p.nin = all.length;
  all.forEach((t, i) => _shapeParams(p, `in${i}`, t.shape));
  tensorParams.forEach((k, i) => (p[`t.${k}`] = inputs.length + i));
  for (const [k, v] of Object.entries(params ?? {})) {
    if (tensorParams.includes(k)) continue;
    if (typeof v === "number") p[`p.${k}`] = v;
    else if (typeof v === "boolean") {
      p[`p.${k}`] = v ? 1 : 0;
      p[`bool.${k}`] = 1;
    } else if (
      Array.isArray(v) || ArrayBuffer.isView(v)
    ) {
      const a = v as ArrayLike<number>;
      p[`p.${k}.n`] = a.length;
      for (let j = 0; j < a.length; j++) p[`p.${k}.${j}`] = a[j]!;
    } else {
      throw new TypeError(
        `op parameter "${k}" (${typeof v}) cannot be passed to a kernel`,
      );
    }
  }
  _shapeParams(p, "out", outShape);
  return p;
}

/**
 * Decodes an `ad.*` launch back into host tensors and params (what a js kernel does).
 *
 * @param bufs The input arrays (length 0 for by-value scalars).
 * @param p The kernel params.
 * @param tensorParams Names of tensor-valued params.
 * @returns The inputs and params of the host implementation.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { decodeOpLaunch, encodeOpLaunch } from "./op_dispatch.ts";
 * import { tensor } from "./tensor.ts";
 * const p = encodeOpLaunch([tensor([1, 2])], { axis: 0, start: 1, stop: 2 }, [1]);
 * const d = decodeOpLaunch([new Float64Array([1, 2])], p, []);
 * assert.deepStrictEqual(d.params, { axis: 0, start: 1, stop: 2 });
 * ```
 */
export function decodeOpLaunch(
  bufs: readonly Float64Array[],
  p: KernelParams,
  tensorParams: readonly string[] = [],
): { inputs: Tensor[]; params: Params } {
  const nin = p.nin ?? bufs.length;
  const all: Tensor[] = [];
  for (let i = 0; i < nin; i++) {
    const shape = _readShape(p, `in${i}`);
    const c = p[`in${i}.const`];
    const data = c !== undefined
      ? new Float64Array(sizeOf(shape)).fill(c)
      : bufs[i]!;
    all.push(new Tensor(data, shape));
  }
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(p)) {
    if (!key.startsWith("p.")) continue;
    const rest = key.slice(2);
    const dot = rest.indexOf(".");
    if (dot < 0) {
      params[rest] = p[`bool.${rest}`] ? p[key] !== 0 : p[key];
    } else if (rest.endsWith(".n")) {
      const k = rest.slice(0, -2);
      const n = p[key]!;
      params[k] = Array.from({ length: n }, (_, j) => p[`p.${k}.${j}`]!);
    }
  }
  const nT = tensorParams.length;
  tensorParams.forEach((k) => (params[k] = all[p[`t.${k}`]!]));
  return { inputs: all.slice(0, nin - nT), params };
}

function _launch(
  be: Backend,
  kernel: string,
  inputs: readonly Tensor[],
  params: Params,
  shape: ShapeRule,
  tensorParams: readonly string[],
): Tensor {
  const all = [...inputs, ...tensorParams.map((k) => params[k] as Tensor)];
  const outShape = shape(inputs.map((t) => t.shape), params);
  const p = encodeOpLaunch(inputs, params, outShape, tensorParams) as Record<
    string,
    number
  >;
  const temps: DeviceBuffer[] = [];
  const bufs = all.map((t, i) => {
    if (t.backend === be) return t.buffer;
    if (t.isHost && t.size === 1) {
      p[`in${i}.const`] = t.data[0]!;
      const b = be.alloc(0);
      temps.push(b);
      return b;
    }
    throw new TypeError(
      `${kernel}: input ${i} (shape [${
        t.shape.join(", ")
      }]) is on backend "${t.backend.name}" and another input on "${be.name}"; move it there with toBackend() (host constants of one element are passed by value)`,
    );
  });
  if (!be.hasKernel(kernel)) {
    temps.forEach((b) => be.free(b));
    throw new MissingKernelError(be.name, kernel);
  }
  // every ad.* kernel writes its whole output (registerOpKernels): no zeroing
  const out = allocOutput(be, sizeOf(outShape));
  try {
    be.run(kernel, bufs, [out], p);
  } catch (e) {
    be.free(out);
    throw e;
  } finally {
    temps.forEach((b) => be.free(b));
  }
  return Tensor.fromBuffer(be, out, outShape);
}
