/**
 * How one call of a layer-separable stage's kernel divides over its layers (a
 * {@link SplitPlan} for `kernel_pool.ts`), from the stage's `layerAxis` (see
 * `StageSpec.layerAxis` in `stage_kernels.ts`) and the sizes of the call's buffers:
 *
 * | kernel | inputs | outputs |
 * | --- | --- | --- |
 * | `name` | consts and args by `layerAxis.rows` | out: `size / L` per layer |
 * | `name.vjp` | the same | out and residuals: `size / L` per layer (empty ones whole) |
 * | `name.pullback` | the same, residuals and ct `size / L` per layer | a layer-major arg's cotangent per layer; a shared arg's (`rows` 0) summed |
 *
 * `name.jvp` (tangents `[k, L, …]`, not layer-major) and batched calls (params `batch` > 1) are
 * not split, nor is any call whose sizes do not fit the plan (null).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { layerSplitPlan } from "./layer_split.ts";
 * import type { StageSpec } from "./stage_kernels.ts";
 * // a grid const [N], then t [L] and a scalar g; out [L·N]
 * const spec: StageSpec = {
 *   name: "demo", nConst: 1, nArgs: 2,
 *   outSize: (s) => s[0]! * s[1]!, residualSizes: (s) => [s[1]!],
 *   layerAxis: { of: 1, rows: () => [0, 1, 0] },
 * };
 * assert.deepStrictEqual(layerSplitPlan(spec, "forward", [64, 4, 1], [256], {}), {
 *   layers: 4, ins: ["whole", 1, "whole"], outs: [64],
 * });
 * // pullback: consts, args, the residual [L], ct [L·N] → cotangents of t (per layer) and g (summed)
 * assert.deepStrictEqual(layerSplitPlan(spec, "pullback", [64, 4, 1, 4, 256], [4, 1], {})!.outs, [1, "sum"]);
 * assert.strictEqual(layerSplitPlan(spec, "jvp", [64, 4, 1, 4, 0], [256, 256], {}), null);
 * ```
 *
 * @module
 */
import type { KernelParams } from "../backend/backend.ts";
import type { SplitPlan } from "../backend/wasm/kernel_pool.ts";
import type { StageSpec } from "./stage_kernels.ts";

/** Which of a stage's kernels a call is. */
export type StageKernelKind = "forward" | "jvp" | "vjp" | "pullback";

/** Elements per layer of an array of `len` that must be layer-major, or −1. */
function _perLayer(len: number, L: number): number {
  return len > 0 && len % L === 0 ? len / L : -1;
}

/** Whether r elements per layer make an array of n (r a positive integer). */
function _isRow(r: number, L: number, n: number): boolean {
  return Number.isInteger(r) && r > 0 && r * L === n;
}

/**
 * The split plan of one call of a stage's kernel (see the module documentation).
 *
 * @param spec The stage (without `layerAxis`: null).
 * @param kind Which kernel.
 * @param ins The sizes of the call's inputs.
 * @param outs The sizes of the call's outputs.
 * @param params The call's params.
 * @returns The plan, or null when the call is not split (jvp, a batch, L < 2, sizes that do not
 *   fit).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { layerSplitPlan } from "./layer_split.ts";
 * import { premoditXsmatrixStage } from "../opacity/kernels.ts";
 * const consts = [64, 5, 9, 9, 9, 9, 9, 2, 2, 2, 2]; // 11 tables (N = 64)
 * const plan = layerSplitPlan(premoditXsmatrixStage, "forward", [...consts, 3, 3], [192], {});
 * assert.deepStrictEqual(plan!.outs, [64]);
 * assert.strictEqual(layerSplitPlan(premoditXsmatrixStage, "forward", [...consts, 3, 3], [192], { batch: 2 }), null);
 * ```
 */
export function layerSplitPlan(
  spec: StageSpec,
  kind: StageKernelKind,
  ins: readonly number[],
  outs: readonly number[],
  params: KernelParams,
): SplitPlan | null {
  const axis = spec.layerAxis;
  if (axis === undefined || kind === "jvp" || (params.batch ?? 1) > 1) {
    return null;
  }
  const nCA = spec.nConst + spec.nArgs;
  if (ins.length < nCA) return null;
  const L = ins[axis.of]!;
  if (!(L >= 2)) return null;
  const rows = axis.rows(ins.slice(0, nCA), params);
  const inPlan: (number | "whole")[] = [];
  for (let i = 0; i < ins.length; i++) {
    if (i < nCA) {
      const r = rows[i]!;
      if (r === 0) inPlan.push("whole");
      else if (_isRow(r, L, ins[i]!)) inPlan.push(r);
      else return null;
    } else if (ins[i] === 0) {
      inPlan.push("whole"); // an empty residual (not needed) or tangent
    } else {
      const r = _perLayer(ins[i]!, L); // residuals and the cotangent
      if (r < 0) return null;
      inPlan.push(r);
    }
  }
  const outPlan: (number | "whole" | "sum")[] = [];
  for (let j = 0; j < outs.length; j++) {
    const n = outs[j]!;
    if (n === 0) {
      outPlan.push("whole");
    } else if (kind === "pullback") {
      const r = rows[spec.nConst + j];
      if (r === undefined) return null;
      if (r === 0) outPlan.push("sum");
      else if (_isRow(r, L, n)) outPlan.push(r);
      else return null;
    } else {
      const r = _perLayer(n, L);
      if (r < 0) return null;
      outPlan.push(r);
    }
  }
  return { layers: L, ins: inPlan, outs: outPlan };
}
