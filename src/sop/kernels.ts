/**
 * The spectral operators as backend stages (see `../ad/stage_kernels.ts`): rigid rotation
 * (`sop.rigid_rotation`), the Gaussian instrument profile (`sop.ipgauss`) and RV sampling
 * (`sop.sampling`), each with its js kernels `name`, `name.jvp`, `name.vjp` and
 * `name.pullback`. The kernels call the validated functions of `rotation.ts`,
 * `instrument_profile.ts`, `sampling.ts` and their `*_ad.ts` rules, so their numbers and
 * errors are those of the primitives of `primitives.ts` (`rigidRotationPrimitive`, …), bit
 * for bit.
 *
 * | stage | consts | args | out | residuals |
 * | --- | --- | --- | --- | --- |
 * | `sop.rigid_rotation` | vGrid [m] (km/s) | f [N], vsini [1] (km/s), u1 [1], u2 [1] | [N] | K̃, ∂K̃/∂vsini, ∂K̃/∂u1, ∂K̃/∂u2 [m each], support [4] |
 * | `sop.ipgauss` | vGrid [m] (km/s) | f [N], beta [1] (km/s) | [N] | K̃, ∂K̃/∂β [m each], support [4] |
 * | `sop.sampling` | nuGrid [N] (cm⁻¹), nuObs [M] (cm⁻¹) | f [N], rv [1] (km/s) | [M] | j, t, ∂out/∂RV [M each] |
 *
 * Params: none, except `sop.sampling`'s optional `outOfRangeError` (1: throw for a shifted
 * point outside nuGrid, as `outOfRange: "error"`; 0 or absent: clamp, the default). The
 * residuals do not depend on `need0`…: they are always written in full.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { stagePrimitive } from "../ad/stage_kernels.ts";
 * import { grad } from "../ad/core.ts";
 * import { sum } from "../ad/ops.ts";
 * import { scalar, tensor, type Tensor } from "../ad/tensor.ts";
 * import { ipgaussStage, registerSopStages } from "./kernels.ts";
 * const be = createJsBackend();
 * registerSopStages(be);
 * const ip = stagePrimitive(be, ipgaussStage, {
 *   consts: [be.wrap(new Float64Array([-2, -1, 0, 1, 2]))],
 *   outShape: (s) => [...s[0]!],
 * });
 * const f = tensor([1, 1, 1, 1, 1, 1, 1]);
 * const g = grad((b) => sum(ip.apply(f, b) as Tensor))(scalar(1)) as Tensor;
 * assert.ok(g.item() < 0); // the zero-padded ends lose flux as the profile widens
 * ```
 *
 * @module
 */
import type { KernelParams } from "../backend/backend.ts";
import type { JsBackend, JsKernel } from "../backend/js/js_backend.ts";
import {
  type JsStageKernels,
  registerStageKernels,
  type StageSpec,
} from "../ad/stage_kernels.ts";
import { rigidRotation } from "./rotation.ts";
import {
  rigidRotationJvp,
  rigidRotationPullbackInto,
  rigidRotationResiduals,
} from "./rotation_ad.ts";
import { ipgauss } from "./instrument_profile.ts";
import {
  ipgaussJvp,
  ipgaussPullbackInto,
  ipgaussResiduals,
} from "./instrument_profile_ad.ts";
import { sampling, type SamplingOptions } from "./sampling.ts";
import {
  samplingJvp,
  samplingPullbackInto,
  samplingResiduals,
} from "./sampling_ad.ts";

/** A stage's constant buffers and scalar params, as `stagePrimitive` takes them. */
export interface SopStageConsts {
  /** The constant input arrays, in the stage's order. */
  readonly consts: Float64Array[];
  /** The stage's scalar params. */
  readonly params: Record<string, number>;
}

/** Copies src into dst, whose length must match (a buffer sized by the stage's spec). */
function _put(dst: Float64Array, src: Float64Array, what: string): void {
  if (dst.length !== src.length) {
    throw new TypeError(
      `${what} buffer has length ${dst.length}, the result has ${src.length}`,
    );
  }
  dst.set(src);
}

/** A tangent buffer: length 0 means zero (null). */
function _tan(t: Float64Array | undefined): Float64Array | null {
  return t === undefined || t.length === 0 ? null : t;
}

/** Gradient output buffers: length 0 means not wanted (null). */
function _wanted(gs: readonly Float64Array[]): (Float64Array | null)[] {
  return gs.map((g) => (g.length === 0 ? null : g));
}

/**
 * The `sop.rigid_rotation` stage: consts `[vGrid [m] (km/s)]`, args
 * `[f [N], vsini [1] (km/s), u1 [1], u2 [1]]`, out [N]; residuals (`.vjp` → `.pullback`)
 * `[K̃ [m], ∂K̃/∂vsini [m], ∂K̃/∂u1 [m], ∂K̃/∂u2 [m], support [4]]`
 * (`RigidRotationResiduals` of `rotation_ad.ts`). No params.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationStage } from "./kernels.ts";
 * assert.strictEqual(rigidRotationStage.outSize([5, 100, 1, 1, 1], {}), 100);
 * assert.deepStrictEqual(rigidRotationStage.residualSizes([5, 100, 1, 1, 1], {}), [5, 5, 5, 5, 4]);
 * ```
 */
export const rigidRotationStage: StageSpec = Object.freeze({
  name: "sop.rigid_rotation",
  nConst: 1,
  nArgs: 4,
  outSize: (s: readonly number[]) => s[1]!,
  residualSizes: (s: readonly number[]) => [s[0]!, s[0]!, s[0]!, s[0]!, 4],
});

/**
 * The js kernels of {@link rigidRotationStage}: {@link rigidRotation},
 * `rigidRotationJvp`, `rigidRotationResiduals` and `rigidRotationPullbackInto` of
 * `rotation_ad.ts` on the stage's buffers.
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationJsKernels } from "./kernels.ts";
 * import { rigidRotation } from "./rotation.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array([1, 2, 3, 4, 5, 6, 7]);
 * const out = new Float64Array(7);
 * const arg = (x: number) => new Float64Array([x]);
 * rigidRotationJsKernels().forward([v, f, arg(1.5), arg(0.6), arg(0.2)], [out], {});
 * assert.deepStrictEqual(out, rigidRotation(f, v, 1.5, 0.6, 0.2));
 * ```
 */
export function rigidRotationJsKernels(): JsStageKernels {
  const forward: JsKernel = ([vGrid, f, vs, u1, u2], [out]) => {
    _put(out!, rigidRotation(f!, vGrid!, vs![0]!, u1![0]!, u2![0]!), "out");
  };
  const jvp: JsKernel = (
    [vGrid, f, vs, u1, u2, tf, tv, t1, t2],
    [out, dout],
    p,
  ) => {
    const r = rigidRotationJvp(f!, vGrid!, vs![0]!, u1![0]!, u2![0]!, {
      k: p.k as number,
      f: _tan(tf),
      vsini: _tan(tv),
      u1: _tan(t1),
      u2: _tan(t2),
    });
    _put(out!, r.out, "out");
    _put(dout!, r.dout, "dout");
  };
  const vjp: JsKernel = ([vGrid, f, vs, u1, u2], [out, k, dv, d1, d2, sup]) => {
    const { out: y, residuals: r } = rigidRotationResiduals(
      f!,
      vGrid!,
      vs![0]!,
      u1![0]!,
      u2![0]!,
    );
    _put(out!, y, "out");
    _put(k!, r.kernel, "kernel residual");
    _put(dv!, r.dVsini, "dVsini residual");
    _put(d1!, r.dU1, "dU1 residual");
    _put(d2!, r.dU2, "dU2 residual");
    _put(sup!, r.support, "support residual");
  };
  const pullback: JsKernel = (
    [_vGrid, f, _vs, _u1, _u2, kernel, dVsini, dU1, dU2, support, ct],
    grads,
  ) => {
    rigidRotationPullbackInto(
      f!,
      {
        kernel: kernel!,
        dVsini: dVsini!,
        dU1: dU1!,
        dU2: dU2!,
        support: support!,
      },
      ct!,
      _wanted(grads),
    );
  };
  return { spec: rigidRotationStage, forward, jvp, vjp, pullback };
}

/**
 * Consts and params of {@link rigidRotationStage} from a rotation operator.
 *
 * @param sop The operator (`createSopRotation(...)`, or any `{ vGrid }`): its velocity grid
 *   [km/s] is the stage's one constant.
 * @returns `{ consts: [vGrid], params: {} }` (vGrid itself, not a copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationStageConsts } from "./kernels.ts";
 * const vGrid = new Float64Array([-1, 0, 1]);
 * assert.strictEqual(rigidRotationStageConsts({ vGrid }).consts[0], vGrid);
 * ```
 */
export function rigidRotationStageConsts(
  sop: { readonly vGrid: Float64Array },
): SopStageConsts {
  return { consts: [sop.vGrid], params: {} };
}

/**
 * The `sop.ipgauss` stage: consts `[vGrid [m] (km/s)]`, args `[f [N], beta [1] (km/s)]`,
 * out [N]; residuals `[K̃ [m], ∂K̃/∂β [m], support [4]]` (`IpgaussResiduals` of
 * `instrument_profile_ad.ts`). No params.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussStage } from "./kernels.ts";
 * assert.deepStrictEqual(ipgaussStage.residualSizes([7, 100, 1], {}), [7, 7, 4]);
 * ```
 */
export const ipgaussStage: StageSpec = Object.freeze({
  name: "sop.ipgauss",
  nConst: 1,
  nArgs: 2,
  outSize: (s: readonly number[]) => s[1]!,
  residualSizes: (s: readonly number[]) => [s[0]!, s[0]!, 4],
});

/**
 * The js kernels of {@link ipgaussStage}: {@link ipgauss}, `ipgaussJvp`, `ipgaussResiduals`
 * and `ipgaussPullbackInto` of `instrument_profile_ad.ts` on the stage's buffers.
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussJsKernels } from "./kernels.ts";
 * import { ipgauss } from "./instrument_profile.ts";
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = new Float64Array([1, 2, 3, 4, 5, 6, 7]);
 * const out = new Float64Array(7);
 * ipgaussJsKernels().forward([v, f, new Float64Array([1.2])], [out], {});
 * assert.deepStrictEqual(out, ipgauss(f, v, 1.2));
 * ```
 */
export function ipgaussJsKernels(): JsStageKernels {
  const forward: JsKernel = ([vGrid, f, b], [out]) => {
    _put(out!, ipgauss(f!, vGrid!, b![0]!), "out");
  };
  const jvp: JsKernel = ([vGrid, f, b, tf, tb], [out, dout], p) => {
    const r = ipgaussJvp(f!, vGrid!, b![0]!, {
      k: p.k as number,
      f: _tan(tf),
      beta: _tan(tb),
    });
    _put(out!, r.out, "out");
    _put(dout!, r.dout, "dout");
  };
  const vjp: JsKernel = ([vGrid, f, b], [out, k, db, sup]) => {
    const { out: y, residuals: r } = ipgaussResiduals(f!, vGrid!, b![0]!);
    _put(out!, y, "out");
    _put(k!, r.kernel, "kernel residual");
    _put(db!, r.dBeta, "dBeta residual");
    _put(sup!, r.support, "support residual");
  };
  const pullback: JsKernel = (
    [_vGrid, f, _b, kernel, dBeta, support, ct],
    grads,
  ) => {
    ipgaussPullbackInto(
      f!,
      { kernel: kernel!, dBeta: dBeta!, support: support! },
      ct!,
      _wanted(grads),
    );
  };
  return { spec: ipgaussStage, forward, jvp, vjp, pullback };
}

/**
 * Consts and params of {@link ipgaussStage} from an instrument-profile operator.
 *
 * @param sop The operator (`createSopInstProfile(...)`, or any `{ vGrid }`): its velocity
 *   grid [km/s] is the stage's one constant.
 * @returns `{ consts: [vGrid], params: {} }` (vGrid itself, not a copy).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussStageConsts } from "./kernels.ts";
 * const vGrid = new Float64Array([-1, 0, 1]);
 * assert.deepStrictEqual(ipgaussStageConsts({ vGrid }).params, {});
 * ```
 */
export function ipgaussStageConsts(
  sop: { readonly vGrid: Float64Array },
): SopStageConsts {
  return { consts: [sop.vGrid], params: {} };
}

/**
 * The `sop.sampling` stage: consts `[nuGrid [N] (cm⁻¹), nuObs [M] (cm⁻¹)]`, args
 * `[f [N], rv [1] (km/s)]`, out [M]; residuals `[j [M], t [M], ∂out/∂RV [M]]`
 * (`SamplingResiduals` of `sampling_ad.ts`; j as exact float64 integers). Params:
 * `outOfRangeError` (optional; 1 = `outOfRange: "error"`, 0 = clamp, the default).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingStage } from "./kernels.ts";
 * assert.strictEqual(samplingStage.outSize([100, 20, 100, 1], {}), 20);
 * assert.deepStrictEqual(samplingStage.residualSizes([100, 20, 100, 1], {}), [20, 20, 20]);
 * ```
 */
export const samplingStage: StageSpec = Object.freeze({
  name: "sop.sampling",
  nConst: 2,
  nArgs: 2,
  outSize: (s: readonly number[]) => s[1]!,
  residualSizes: (s: readonly number[]) => [s[1]!, s[1]!, s[1]!],
});

/** `outOfRangeError` param → sampling options. */
function _samplingOptions(p: KernelParams): SamplingOptions {
  const e = p.outOfRangeError;
  if (e === undefined || e === 0) return {};
  if (e === 1) return { outOfRange: "error" };
  throw new TypeError(
    `sop.sampling: param outOfRangeError must be 0 or 1, got ${e}`,
  );
}

/**
 * The js kernels of {@link samplingStage}: {@link sampling}, `samplingJvp`,
 * `samplingResiduals` and `samplingPullbackInto` of `sampling_ad.ts` on the stage's buffers.
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingJsKernels } from "./kernels.ts";
 * const nu = new Float64Array([1, 2, 3]);
 * const out = new Float64Array(3);
 * samplingJsKernels().forward(
 *   [nu, new Float64Array([1.5, 0.5, 4]), new Float64Array([0, 10, 20]), new Float64Array([0])],
 *   [out],
 *   {},
 * );
 * assert.deepStrictEqual(Array.from(out), [5, 0, 20]); // the two ends are clamped
 * ```
 */
export function samplingJsKernels(): JsStageKernels {
  const forward: JsKernel = ([nuGrid, nuObs, f, rv], [out], p) => {
    _put(
      out!,
      sampling(f!, nuGrid!, rv![0]!, nuObs!, _samplingOptions(p)),
      "out",
    );
  };
  const jvp: JsKernel = ([nuGrid, nuObs, f, rv, tf, tr], [out, dout], p) => {
    const r = samplingJvp(
      f!,
      nuGrid!,
      rv![0]!,
      nuObs!,
      { k: p.k as number, f: _tan(tf), rv: _tan(tr) },
      _samplingOptions(p),
    );
    _put(out!, r.out, "out");
    _put(dout!, r.dout, "dout");
  };
  const vjp: JsKernel = ([nuGrid, nuObs, f, rv], [out, j, t, dRv], p) => {
    const { out: y, residuals: r } = samplingResiduals(
      f!,
      nuGrid!,
      rv![0]!,
      nuObs!,
      _samplingOptions(p),
    );
    _put(out!, y, "out");
    if (j!.length !== r.j.length) {
      throw new TypeError(
        `j residual buffer has length ${
          j!.length
        }, the result has ${r.j.length}`,
      );
    }
    j!.set(r.j);
    _put(t!, r.t, "t residual");
    _put(dRv!, r.dRv, "dRv residual");
  };
  const pullback: JsKernel = (
    [_nuGrid, _nuObs, _f, _rv, j, t, dRv, ct],
    grads,
  ) => {
    samplingPullbackInto({ j: j!, t: t!, dRv: dRv! }, ct!, _wanted(grads));
  };
  return { spec: samplingStage, forward, jvp, vjp, pullback };
}

/**
 * Consts and params of {@link samplingStage}.
 *
 * @param nuGrid Model wavenumber grid [cm⁻¹] (e.g. `createSopInstProfile(...).nuGrid`).
 * @param nuObs Observed wavenumbers [cm⁻¹].
 * @param options As `sampling` (`outOfRange`, default "clamp").
 * @returns `{ consts: [nuGrid, nuObs], params: { outOfRangeError } }` (the arrays themselves).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingStageConsts } from "./kernels.ts";
 * const c = samplingStageConsts(new Float64Array([1, 2]), new Float64Array([1.5]), { outOfRange: "error" });
 * assert.deepStrictEqual(c.params, { outOfRangeError: 1 });
 * ```
 */
export function samplingStageConsts(
  nuGrid: Float64Array,
  nuObs: Float64Array,
  options: SamplingOptions = {},
): SopStageConsts {
  const mode = options.outOfRange ?? "clamp";
  if (mode !== "clamp" && mode !== "error") {
    throw new TypeError(
      `outOfRange must be "clamp" or "error", got ${String(mode)}`,
    );
  }
  return {
    consts: [nuGrid, nuObs],
    params: { outOfRangeError: mode === "error" ? 1 : 0 },
  };
}

/**
 * Registers the three spectral-operator stages (`sop.rigid_rotation`, `sop.ipgauss`,
 * `sop.sampling`, four kernels each) on a js backend.
 *
 * @param be The js backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerSopStages } from "./kernels.ts";
 * const be = createJsBackend();
 * registerSopStages(be);
 * assert.ok(be.hasKernel("sop.rigid_rotation.pullback") && be.hasKernel("sop.sampling.jvp"));
 * ```
 */
export function registerSopStages(be: JsBackend): void {
  registerStageKernels(be, rigidRotationJsKernels());
  registerStageKernels(be, ipgaussJsKernels());
  registerStageKernels(be, samplingJsKernels());
}
