/**
 * Physics stages as named backend kernels. A stage (an emission solver, a cross-section
 * matrix, a spectral operator) is declared once by a {@link StageSpec}: its name, how many
 * constant inputs (grids, tables) lead its inputs, how many differentiable arguments follow, and
 * the sizes of its output and of its reverse-mode residuals. Every backend that implements the
 * stage registers four kernels under that name, with one positional buffer convention:
 *
 * | kernel | inputs | outputs | params |
 * | --- | --- | --- | --- |
 * | `name` | consts…, args… | out | the stage's scalars |
 * | `name.jvp` | consts…, args…, tangents… (one per arg: `[k][...arg]`, or length 0 = zero) | out, dout `[k][...out]` | + `k` |
 * | `name.vjp` | consts…, args… | out, residuals… | + `need0`…: 1 when that arg's cotangent is wanted |
 * | `name.pullback` | consts…, args…, residuals…, ct | one cotangent per arg (a length-0 buffer: not wanted) | same as `name.vjp` |
 *
 * The residual layout is part of the stage's spec, so a backend's `vjp` and another's
 * `pullback` agree on it. {@link stagePrimitive} turns a registered stage into an AD
 * {@link Primitive} that dispatches every evaluation through `backend.run`: a backend that lacks
 * one of the four kernels fails with `MissingKernelError` when the primitive is made, never with
 * a silent host fallback.
 *
 * Arguments and outputs are tensors of the stage's backend: on a js backend host tensors pass
 * with no copy; on a device backend the buffers of device tensors go straight to the kernels and
 * the outputs (and residuals) stay there. A host argument given to a device stage is refused
 * with a TypeError that says to move it with `toBackend()`, so a step never uploads behind the
 * caller's back.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerStageKernels, type StageSpec, stagePrimitive } from "./stage_kernels.ts";
 * import { tensor } from "./tensor.ts";
 * import { grad } from "./core.ts";
 * import { sum } from "./ops.ts";
 * import type { Tensor } from "./tensor.ts";
 * // y = c ⊙ x², one constant input c and one argument x
 * const spec: StageSpec = {
 *   name: "demo.scaled_square", nConst: 1, nArgs: 1,
 *   outSize: (s) => s[1]!, residualSizes: () => [],
 * };
 * const be = createJsBackend();
 * registerStageKernels(be, {
 *   spec,
 *   forward: ([c, x], [y]) => y!.forEach((_, i) => (y![i] = c![i]! * x![i]! ** 2)),
 *   jvp: ([c, x, tx], [y, dy], p) => {
 *     const n = x!.length;
 *     for (let i = 0; i < n; i++) y![i] = c![i]! * x![i]! ** 2;
 *     if (tx!.length === 0) { // a zero tangent
 *       dy!.fill(0);
 *       return;
 *     }
 *     for (let q = 0; q < p.k!; q++) {
 *       for (let i = 0; i < n; i++) dy![q * n + i] = 2 * c![i]! * x![i]! * tx![q * n + i]!;
 *     }
 *   },
 *   vjp: ([c, x], [y]) => y!.forEach((_, i) => (y![i] = c![i]! * x![i]! ** 2)),
 *   pullback: ([c, x, ct], [gx]) => gx!.forEach((_, i) => (gx![i] = 2 * c![i]! * x![i]! * ct![i]!)),
 * });
 * const f = stagePrimitive(be, spec, { consts: [be.wrap(new Float64Array([1, 3]))], outShape: (s) => [...s[0]!] });
 * const g = grad((x) => sum(f.apply(x)))(tensor([2, 5])) as Tensor;
 * assert.deepStrictEqual(Array.from(g.data), [4, 30]);
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
import type { JsBackend, JsKernel } from "../backend/js/js_backend.ts";
import { bind, type Params, type Primitive, type Value } from "./core.ts";
import { _concreteFirstOrder } from "./first_order.ts";
import { _adopt, isHostBackend, Tensor } from "./tensor.ts";

/**
 * The backend-independent contract of a stage: its kernels' buffer layout (see the module
 * documentation).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { StageSpec } from "./stage_kernels.ts";
 * const spec: StageSpec = {
 *   name: "demo.identity", nConst: 0, nArgs: 1,
 *   outSize: (s) => s[0]!, residualSizes: () => [],
 * };
 * assert.strictEqual(spec.outSize([5], {}), 5);
 * ```
 */
export interface StageSpec {
  /** The stage's name, e.g. "rt.emission_ibased": its kernels are `name`, `name.jvp`, `name.vjp`, `name.pullback`. */
  readonly name: string;
  /** Number of constant inputs (grids, tables: not differentiated) leading every kernel's inputs. */
  readonly nConst: number;
  /** Number of differentiable arguments after the constants. */
  readonly nArgs: number;
  /** Output size from the input sizes (consts then args) and the stage's params. */
  outSize(sizes: readonly number[], params: KernelParams): number;
  /** Sizes of the residual buffers that `name.vjp` writes and `name.pullback` reads. */
  residualSizes(sizes: readonly number[], params: KernelParams): number[];
  /**
   * Present when the stage is separable over atmospheric layers (each layer's output,
   * residuals and argument cotangents depend on that layer's inputs only; a scalar argument's
   * cotangent is a sum over layers), so that a backend may run its layers on several threads
   * (`layer_split.ts`).
   */
  readonly layerAxis?: StageLayerAxis;
}

/**
 * How a layer-separable stage's inputs are laid out along the layers (see
 * `StageSpec.layerAxis`): every residual and the output are layer-major with
 * `size / L` elements per layer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { StageLayerAxis } from "./stage_kernels.ts";
 * // one const (a grid, shared by every layer), then t [L] and an [L·N] argument
 * const axis: StageLayerAxis = { of: 1, rows: (s) => [0, 1, s[2]! / s[1]!] };
 * assert.deepStrictEqual(axis.rows([64, 3, 192], {}), [0, 1, 64]);
 * ```
 */
export interface StageLayerAxis {
  /** Index of the input (consts then args) whose length is the number of layers L. */
  readonly of: number;
  /**
   * Elements per layer of each input (consts then args) from their sizes and the params: 0 for
   * an input every layer shares (a grid, a table, a scalar argument), r > 0 for a layer-major
   * input of L·r elements.
   */
  rows(sizes: readonly number[], params: KernelParams): number[];
}

/**
 * A stage's four kernels on the js backend (float64 TypeScript: the reference every other
 * backend's kernels of the same name are checked against).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { JsStageKernels } from "./stage_kernels.ts";
 * const copy = ([x]: readonly Float64Array[], [y]: readonly Float64Array[]) => y!.set(x!);
 * const ks: JsStageKernels = {
 *   spec: { name: "demo.id", nConst: 0, nArgs: 1, outSize: (s) => s[0]!, residualSizes: () => [] },
 *   forward: copy, vjp: copy,
 *   jvp: ([x, t], [y, dy]) => { y!.set(x!); t!.length ? dy!.set(t!) : dy!.fill(0); },
 *   pullback: ([_x, ct], [g]) => g!.set(ct!),
 * };
 * const y = new Float64Array(2);
 * ks.forward([new Float64Array([1, 2])], [y], {});
 * assert.deepStrictEqual(Array.from(y), [1, 2]);
 * ```
 */
export interface JsStageKernels {
  /** The stage's contract. */
  readonly spec: StageSpec;
  /** `name`: consts…, args… → out. */
  readonly forward: JsKernel;
  /** `name.jvp`: consts…, args…, tangents… → out, dout (params.k directions). */
  readonly jvp: JsKernel;
  /** `name.vjp`: consts…, args… → out, residuals… */
  readonly vjp: JsKernel;
  /** `name.pullback`: consts…, args…, residuals…, ct → one cotangent per arg. */
  readonly pullback: JsKernel;
}

/**
 * The four kernel names of a stage.
 *
 * @param name The stage's name.
 * @returns `[name, name.jvp, name.vjp, name.pullback]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { stageKernelNames } from "./stage_kernels.ts";
 * assert.deepStrictEqual(stageKernelNames("sop.ipgauss"), [
 *   "sop.ipgauss", "sop.ipgauss.jvp", "sop.ipgauss.vjp", "sop.ipgauss.pullback",
 * ]);
 * ```
 */
export function stageKernelNames(
  name: string,
): [string, string, string, string] {
  return [name, `${name}.jvp`, `${name}.vjp`, `${name}.pullback`];
}

/**
 * Registers a stage's kernels on a js backend (replacing any of the same names).
 *
 * @param be The js backend.
 * @param kernels The stage's kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerStageKernels } from "./stage_kernels.ts";
 * const be = createJsBackend();
 * const copy = ([x]: readonly Float64Array[], [y]: readonly Float64Array[]) => y!.set(x!);
 * registerStageKernels(be, {
 *   spec: { name: "demo.id", nConst: 0, nArgs: 1, outSize: (s) => s[0]!, residualSizes: () => [] },
 *   forward: copy, vjp: copy, jvp: copy, pullback: copy,
 * });
 * assert.ok(be.hasKernel("demo.id.pullback"));
 * ```
 */
export function registerStageKernels(
  be: JsBackend,
  kernels: JsStageKernels,
): void {
  const [f, j, v, p] = stageKernelNames(kernels.spec.name);
  const b = batchedJsStageKernels(kernels);
  be.kernelTable.set(f, b.forward);
  be.kernelTable.set(j, b.jvp);
  be.kernelTable.set(v, b.vjp);
  be.kernelTable.set(p, b.pullback);
}

/** Item sizes of a batched launch: consts as they are, batched args divided by B. */
function _itemSizes(
  spec: StageSpec,
  ins: readonly Float64Array[],
  p: KernelParams,
  B: number,
): number[] {
  const nC = spec.nConst;
  return ins.slice(0, nC + spec.nArgs).map((a, i) =>
    i >= nC && p[`bat${i - nC}`] ? a.length / B : a.length
  );
}

/**
 * A stage's js kernels with the batch axis of the stage contract: with params `batch` = B > 1
 * and `bat{i}` = 1 for each argument i that has a leading axis B (0 for one shared by every
 * item), the output is `[B, ...out]`, the tangents `[k, B, ...out]` (and `[k, B, ...arg]` in),
 * each residual buffer `[B, ...residual]`, the cotangent `[B, ...out]`; a batched argument's
 * cotangent is `[B, ...arg]`, a shared one's is summed over the batch. The per-item kernels run
 * once per item on views of the buffers (copies only where the `[k, B, …]` layout interleaves).
 * Without `batch` (or with 1) the kernels are called as they are.
 *
 * @param k The per-item kernels.
 * @returns The same kernels, batch-aware.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { batchedJsStageKernels } from "./stage_kernels.ts";
 * const twice = ([x]: readonly Float64Array[], [y]: readonly Float64Array[]) =>
 *   y!.forEach((_, i) => (y![i] = 2 * x![i]!));
 * const k = batchedJsStageKernels({
 *   spec: { name: "demo.twice", nConst: 0, nArgs: 1, outSize: (s) => s[0]!, residualSizes: () => [] },
 *   forward: twice, jvp: twice, vjp: twice, pullback: twice,
 * });
 * const y = new Float64Array(4);
 * k.forward([new Float64Array([1, 2, 3, 4])], [y], { batch: 2, bat0: 1 });
 * assert.deepStrictEqual(Array.from(y), [2, 4, 6, 8]);
 * ```
 */
export function batchedJsStageKernels(k: JsStageKernels): JsStageKernels {
  const spec = k.spec;
  const nC = spec.nConst, nA = spec.nArgs;
  const view = (a: Float64Array, b: number, n: number) =>
    a.subarray(b * n, (b + 1) * n);
  /** The inputs of item b: consts, then each arg's item (batched) or itself. */
  const argsOf = (
    ins: readonly Float64Array[],
    sizes: readonly number[],
    p: KernelParams,
    b: number,
  ) =>
    ins.slice(0, nC + nA).map((a, i) =>
      i >= nC && p[`bat${i - nC}`] ? view(a, b, sizes[i]!) : a
    );
  const B = (p: KernelParams) => p.batch ?? 1;
  return {
    spec,
    forward(ins, [out], p) {
      const nB = B(p);
      if (nB <= 1) return k.forward(ins, [out!], p);
      const sz = _itemSizes(spec, ins, p, nB);
      const n = out!.length / nB;
      for (let b = 0; b < nB; b++) {
        k.forward(argsOf(ins, sz, p, b), [view(out!, b, n)], p);
      }
    },
    jvp(ins, [out, dout], p) {
      const nB = B(p);
      if (nB <= 1) return k.jvp(ins, [out!, dout!], p);
      const K = p.k ?? 1;
      const sz = _itemSizes(spec, ins, p, nB);
      const n = out!.length / nB;
      const tans = ins.slice(nC + nA);
      const dItem = new Float64Array(K * n);
      for (let b = 0; b < nB; b++) {
        const ts = tans.map((t, i) => {
          if (t.length === 0 || !p[`bat${i}`]) return t;
          const m = sz[nC + i]!;
          const g = new Float64Array(K * m);
          for (let q = 0; q < K; q++) {
            g.set(t.subarray((q * nB + b) * m, (q * nB + b + 1) * m), q * m);
          }
          return g;
        });
        dItem.fill(0);
        k.jvp([...argsOf(ins, sz, p, b), ...ts], [view(out!, b, n), dItem], p);
        for (let q = 0; q < K; q++) {
          dout!.set(dItem.subarray(q * n, (q + 1) * n), (q * nB + b) * n);
        }
      }
    },
    vjp(ins, [out, ...res], p) {
      const nB = B(p);
      if (nB <= 1) return k.vjp(ins, [out!, ...res], p);
      const sz = _itemSizes(spec, ins, p, nB);
      const n = out!.length / nB;
      for (let b = 0; b < nB; b++) {
        k.vjp(argsOf(ins, sz, p, b), [
          view(out!, b, n),
          ...res.map((r) => view(r, b, r.length / nB)),
        ], p);
      }
    },
    pullback(ins, gs, p) {
      const nB = B(p);
      if (nB <= 1) return k.pullback(ins, gs, p);
      const sz = _itemSizes(spec, ins, p, nB);
      const res = ins.slice(nC + nA, ins.length - 1);
      const ct = ins[ins.length - 1]!;
      const n = ct.length / nB;
      const shared = gs.map((g, i) =>
        g.length > 0 && !p[`bat${i}`] ? new Float64Array(g.length) : null
      );
      for (const g of gs) g.fill(0);
      for (let b = 0; b < nB; b++) {
        shared.forEach((t) => t?.fill(0));
        const outs = gs.map((g, i) =>
          g.length === 0 ? g : shared[i] ?? view(g, b, sz[nC + i]!)
        );
        k.pullback(
          [
            ...argsOf(ins, sz, p, b),
            ...res.map((r) => view(r, b, r.length / nB)),
            view(ct, b, n),
          ],
          outs,
          p,
        );
        shared.forEach((t, i) => {
          if (t === null) return;
          const g = gs[i]!;
          for (let j = 0; j < g.length; j++) g[j] = g[j]! + t[j]!;
        });
      }
    },
  };
}

/**
 * Throws `MissingKernelError` (naming the backend and the first missing kernel) unless the
 * backend registers all four kernels of the stage.
 *
 * @param be The backend.
 * @param name The stage's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { requireStage } from "./stage_kernels.ts";
 * assert.throws(() => requireStage(createJsBackend(), "rt.emission_ibased"),
 *   /backend "js" has no kernel "rt.emission_ibased"/);
 * ```
 */
export function requireStage(be: Backend, name: string): void {
  for (const k of stageKernelNames(name)) {
    if (!be.hasKernel(k)) throw new MissingKernelError(be.name, k);
  }
}

/**
 * Puts a stage's constant array on a backend: the array itself on js (no copy, see
 * `JsBackend.wrap`), an uploaded copy elsewhere. The caller owns the buffer.
 *
 * @param be The backend.
 * @param data The constant values (not modified afterwards).
 * @returns The buffer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { uploadConst } from "./stage_kernels.ts";
 * const be = createJsBackend();
 * const nu = new Float64Array([4300, 4301]);
 * assert.strictEqual(be.view(uploadConst(be, nu)), nu);
 * ```
 */
export function uploadConst(be: Backend, data: Float64Array): DeviceBuffer {
  const js = be as Partial<JsBackend>;
  if (typeof js.wrap === "function") return js.wrap(data);
  const b = be.alloc(data.length);
  be.write(b, data);
  return b;
}

/** Options of {@link stagePrimitive}. */
export interface StagePrimitiveOptions {
  /** The constant input buffers (on the same backend), in the stage's order. */
  readonly consts: readonly DeviceBuffer[];
  /** The stage's scalar params. */
  readonly params?: KernelParams;
  /** Output shape from the argument shapes. */
  outShape(argShapes: readonly (readonly number[])[]): number[];
  /** Indices of arguments that are not differentiable (their tangents are ignored). */
  readonly nondiff?: readonly number[];
}

/** A stage bound to a backend and its constants, usable on AD values. */
export interface StagePrimitive {
  /** The AD primitive (first order). */
  readonly primitive: Primitive;
  /** Applies the stage to its arguments (tensors or tracers). */
  apply(...args: Value[]): Value;
}

/** The buffer of a stage argument on the stage's backend, or a TypeError naming it. */
function _argBuffer(
  be: Backend,
  t: Tensor,
  stage: string,
  what: string,
): DeviceBuffer {
  if (t.backend === be || (t.isHost && isHostBackend(be))) return t.buffer;
  throw new TypeError(
    `stage "${stage}" runs on backend "${be.name}"; its ${what} (shape [${
      t.shape.join(", ")
    }]) is on "${t.backend.name}": move it with toBackend()`,
  );
}

/**
 * Binds a registered stage to a backend and its constant buffers, as a first-order AD
 * primitive whose forward, JVP and VJP all run the backend's kernels of that stage.
 *
 * @param be The backend (its four kernels of `spec.name` are required).
 * @param spec The stage's contract.
 * @param opts Constants, params, output shape, non-differentiable args.
 * @returns The primitive and an `apply` over AD values.
 * @throws MissingKernelError when the backend lacks one of the stage's kernels; TypeError when
 *   the number of constants is not `spec.nConst`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { stagePrimitive } from "./stage_kernels.ts";
 * const spec = { name: "rt.missing", nConst: 0, nArgs: 1, outSize: () => 1, residualSizes: () => [] };
 * assert.throws(() => stagePrimitive(createJsBackend(), spec, { consts: [], outShape: () => [1] }),
 *   { name: "MissingKernelError" });
 * ```
 */
export function stagePrimitive(
  be: Backend,
  spec: StageSpec,
  opts: StagePrimitiveOptions,
): StagePrimitive {
  requireStage(be, spec.name);
  if (opts.consts.length !== spec.nConst) {
    throw new TypeError(
      `stage "${spec.name}" takes ${spec.nConst} constant inputs, got ${opts.consts.length}`,
    );
  }
  const [kF, kJ, kV, kP] = stageKernelNames(spec.name);
  const consts = opts.consts;
  const constSizes = consts.map((c) => c.size);
  const params = opts.params ?? {};
  const nA = spec.nArgs;
  const nondiff = new Set(opts.nondiff ?? []);
  const name = spec.name;

  /** The launch of one application: batch, item sizes and shapes, output shape. */
  const launch = (args: readonly Tensor[], bp: Params) => {
    if (args.length !== nA) {
      throw new TypeError(
        `stage "${name}" takes ${nA} arguments, got ${args.length}`,
      );
    }
    const flags: readonly boolean[] | undefined = bp?.batched;
    const B: number = flags === undefined ? 1 : bp.batch;
    const kp: Record<string, number> = { ...params };
    if (flags !== undefined) {
      if (!Number.isInteger(B) || B < 1 || flags.length !== nA) {
        throw new TypeError(
          `stage "${name}": a batch needs batch ≥ 1 and ${nA} batched flags`,
        );
      }
      kp.batch = B;
      flags.forEach((f, i) => (kp[`bat${i}`] = f ? 1 : 0));
    }
    const itemShapes = args.map((a, i) => {
      if (!flags?.[i]) return a.shape;
      if (a.shape[0] !== B) {
        throw new TypeError(
          `stage "${name}": batched argument ${i} has shape [${a.shape}], expected a leading axis of ${B}`,
        );
      }
      return a.shape.slice(1);
    });
    const sizes = [
      ...constSizes,
      ...args.map((a, i) => (flags?.[i] ? a.size / B : a.size)),
    ];
    const item = opts.outShape(itemShapes);
    return {
      kp,
      B,
      sizes,
      outSize: B * spec.outSize(sizes, params),
      outShape: flags === undefined ? item : [B, ...item],
      bufs: args.map((a, i) => _argBuffer(be, a, name, `argument ${i}`)),
    };
  };
  // a zero tangent or an unwanted cotangent: a length-0 buffer, freed after the launch
  const empty = () => be.alloc(0);
  const run = (
    kernel: string,
    ins: readonly DeviceBuffer[],
    outs: readonly DeviceBuffer[],
    p: KernelParams,
    temps: readonly DeviceBuffer[],
  ) => {
    try {
      be.run(kernel, ins, outs, p);
    } catch (e) {
      for (const b of outs) be.free(b);
      throw e;
    } finally {
      for (const b of temps) be.free(b);
    }
  };
  const tensorOf = (b: DeviceBuffer, shape: readonly number[]) =>
    Tensor.fromBuffer(be, b, shape);

  /** Runs `name.vjp`; the residuals live as long as the returned pullback (or its scope). */
  const withVjp = (
    args: Tensor[],
    bp: Params,
    needs?: readonly boolean[],
  ) => {
    const l = launch(args, bp);
    const p: Record<string, number> = { ...l.kp };
    for (let i = 0; i < nA; i++) p[`need${i}`] = needs?.[i] === false ? 0 : 1;
    // every stage kernel writes its output and residuals in full: no zeroing
    const out = allocOutput(be, l.outSize);
    const res = spec.residualSizes(l.sizes, p).map((n) =>
      allocOutput(be, l.B * n)
    );
    run(kV, [...consts, ...l.bufs], [out, ...res], p, []);
    const want = args.map((_, i) => needs?.[i] !== false && !nondiff.has(i));
    const pullback = (ct: Tensor): (Tensor | null)[] => {
      const c = _argBuffer(be, ct, name, "cotangent");
      // zeroed: a pullback may accumulate into its gradients (a broadcast argument)
      const gs = args.map((a, i) => (want[i] ? be.alloc(a.size) : empty()));
      const unwanted = gs.filter((_, i) => !want[i]);
      run(kP, [...consts, ...l.bufs, ...res, c], gs, p, unwanted);
      return gs.map((g, i) => (want[i] ? tensorOf(g, args[i]!.shape) : null));
    };
    // The residuals (and the args, which the pullback reads) must outlive the pullback:
    // jacrev calls it once per output row. Device residuals are freed when the pullback is
    // collected or when the innermost scopeSync ends; the pullback refers to the arg tensors
    // (args), so their buffers live as long as it does.
    if (!isHostBackend(be) && res.length > 0) _adopt(be, res, pullback);
    return { out: tensorOf(out, l.outShape), pullback };
  };

  const primitive: Primitive = {
    name,
    firstOrderOnly: true,
    impl(args, bp) {
      const l = launch(args, bp);
      const out = allocOutput(be, l.outSize);
      run(kF, [...consts, ...l.bufs], [out], l.kp, []);
      return tensorOf(out, l.outShape);
    },
    jvp(primals, tangents, bp, k) {
      const args = primals.map((v, i) =>
        _concreteFirstOrder(v, name, `input ${i}`)
      );
      const l = launch(args, bp);
      const temps: DeviceBuffer[] = [];
      const tans = tangents.map((t, i) => {
        if (t === null || nondiff.has(i)) {
          const b = empty();
          temps.push(b);
          return b;
        }
        return _argBuffer(
          be,
          _concreteFirstOrder(t, name, `tangent ${i}`),
          name,
          `tangent ${i}`,
        );
      });
      const out = allocOutput(be, l.outSize);
      const dout = allocOutput(be, k * l.outSize);
      run(
        kJ,
        [...consts, ...l.bufs, ...tans],
        [out, dout],
        { ...l.kp, k },
        temps,
      );
      return [tensorOf(out, l.outShape), tensorOf(dout, [k, ...l.outShape])];
    },
    vjp(primals, _out, ct, bp) {
      const args = primals.map((v, i) =>
        _concreteFirstOrder(v, name, `input ${i}`)
      );
      return withVjp(args, bp).pullback(
        _concreteFirstOrder(ct, name, "cotangent"),
      );
    },
    vjpForward(inputs, bp, needs) {
      const { out, pullback } = withVjp(inputs, bp, needs);
      return [out, pullback];
    },
    vjpFromResidual(residual, ct) {
      return (residual as (ct: Tensor) => (Tensor | null)[])(ct);
    },
  };
  return {
    primitive,
    apply: (...args: Value[]) => bind(primitive, args, {}),
  };
}
