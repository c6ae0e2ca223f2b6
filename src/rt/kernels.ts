/**
 * The radiative-transfer stages as named js-backend kernels (the stage contract of
 * src/ad/stage_kernels.ts): the clipped power-law temperature, the line and CIA optical-depth
 * profiles and the two emission solvers. Every kernel calls the validated forward, `…Jvp`,
 * `…Residuals`/`…Jacobian` and `…Pullback` functions of the `*_ad.ts` modules beside it, so its
 * numbers are bit-for-bit those of the primitives in primitives.ts and it throws the same errors.
 *
 * | stage | consts | args | params | residuals |
 * | --- | --- | --- | --- | --- |
 * | `rt.powerlaw_temperature` | pressure [L] bar | t0 [1] K, alpha [1] | tmin, tmax (K) | dT0 [L], dAlpha [L] |
 * | `rt.opacity_profile_xs` | dParr [L] bar | xsmatrix [L·N] cm², mmr [1 or L], gravity [1 or L] cm/s² | molmass (u), nnu | c [L], mmr [L], gravity [L] |
 * | `rt.opacity_profile_cia` | pressure [L] bar, dParr [L] bar | logacia [L·N], temperature [L] K, gravity [1] cm/s² | vmr1, vmr2, mmw (u) | dτ [L·N], gravity [L] |
 * | `rt.emission_ibased` | nu [N] cm⁻¹ | dtau [L·N], temperature [L] K | nstream | ∂F/∂dτ [L·N], ∂F/∂T [L·N] |
 * | `rt.emission_fbased2st` | nu [N] cm⁻¹ | dtau [L·N], temperature [L] K | — | ∂F/∂dτ [L·N], ∂F/∂T [L·N] |
 *
 * A length-1 mmr or gravity is a scalar (as the primitives' `_sc`). The emission residuals of an
 * argument whose cotangent is not wanted (`need0`/`need1` = 0) have length 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { stagePrimitive, uploadConst } from "../ad/stage_kernels.ts";
 * import { grad, scalar, sum, type Tensor } from "../ad/mod.ts";
 * import { powerlawTemperatureStage, powerlawTemperatureStageConsts, registerRtStages } from "./kernels.ts";
 * const be = createJsBackend();
 * registerRtStages(be);
 * const { consts, params } = powerlawTemperatureStageConsts(new Float64Array([0.1, 1, 10]), [500, 1500]);
 * const t = stagePrimitive(be, powerlawTemperatureStage, {
 *   consts: consts.map((c) => uploadConst(be, c)), params, outShape: () => [3],
 * });
 * const g = grad((t0) => sum(t.apply(t0, scalar(0.1))))(scalar(1200)) as Tensor;
 * // T = 1200 · P^0.1 = 953, 1200, 1511 → clipped to 1500 K, so d ΣT/dT0 = 0.1^0.1 + 1 + 0
 * assert.ok(Math.abs(g.item() - (Math.pow(10, -0.1) + 1)) < 1e-15);
 * ```
 *
 * @module
 */
import type { KernelParams } from "../backend/backend.ts";
import type { JsBackend } from "../backend/js/js_backend.ts";
import {
  type JsStageKernels,
  registerStageKernels,
  type StageSpec,
} from "../ad/stage_kernels.ts";
import type { StageJvp } from "../ad/first_order.ts";
import type { EmissionJacobian, EmissionTangents } from "./_common_ad.ts";
import { _blockDiagonalPullbackInto } from "./_common_ad.ts";
import { powerlawTemperature } from "./temperature.ts";
import {
  powerlawTemperatureJvp,
  powerlawTemperaturePullback,
  powerlawTemperatureResiduals,
} from "./temperature_ad.ts";
import { opacityProfileCia, opacityProfileXs } from "./opacity_profile.ts";
import {
  opacityProfileCiaJvp,
  opacityProfileCiaPullback,
  opacityProfileCiaResiduals,
  opacityProfileXsJvp,
  opacityProfileXsPullback,
  opacityProfileXsResiduals,
} from "./opacity_profile_ad.ts";
import { emissionIbased } from "./emission_ibased.ts";
import {
  emissionIbasedJacobian,
  emissionIbasedJvp,
} from "./emission_ibased_ad.ts";
import { emissionFbased2st } from "./emission_fbased2st.ts";
import {
  emissionFbased2stJacobian,
  emissionFbased2stJvp,
} from "./emission_fbased2st_ad.ts";

/** The constant buffers and scalar params of a stage, ready for `stagePrimitive`. */
export interface RtStageConsts {
  /** The constant arrays, in the stage's order (not copied: do not modify them). */
  readonly consts: Float64Array[];
  /** The stage's scalar params. */
  readonly params: KernelParams;
}

/** A length-1 array as a scalar, otherwise the array (per-layer values), as primitives.ts. */
const _sc = (x: Float64Array): number | Float64Array => (
  x.length === 1 ? x[0]! : x
);

/** A tangent buffer as the `*Jvp` functions take it: length 0 → null (zero). */
const _tan = (t: Float64Array): Float64Array | null => (
  t.length === 0 ? null : t
);

/** Whether argument i's cotangent is wanted (`need<i>` absent counts as wanted). */
const _need = (p: KernelParams, i: number): boolean => p[`need${i}`] !== 0;

/** A size that `alloc` accepts: a product of sizes, 0 when a factor is not a valid count. */
const _count = (...f: (number | undefined)[]): number => {
  let n = 1;
  for (const x of f) {
    if (!(typeof x === "number" && Number.isInteger(x) && x >= 0)) return 0;
    n *= x;
  }
  return n;
};

// ---------------------------------------------------------------- rt.powerlaw_temperature

/**
 * `rt.powerlaw_temperature`: T = clip(T0·P^α, [tmin, tmax]). Consts [pressure [L] bar]; args
 * [t0 [1] K, alpha [1]]; params {tmin, tmax} (K; default 0 and +Infinity); out T [L] K;
 * residuals [dT0 [L], dAlpha [L] K].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperatureStage } from "./kernels.ts";
 * assert.strictEqual(powerlawTemperatureStage.name, "rt.powerlaw_temperature");
 * assert.strictEqual(powerlawTemperatureStage.outSize([100, 1, 1], {}), 100);
 * assert.deepStrictEqual(powerlawTemperatureStage.residualSizes([100, 1, 1], {}), [100, 100]);
 * ```
 */
export const powerlawTemperatureStage: StageSpec = Object.freeze({
  name: "rt.powerlaw_temperature",
  nConst: 1,
  nArgs: 2,
  outSize: (s: readonly number[]) => s[0]!,
  residualSizes: (s: readonly number[]) => [s[0]!, s[0]!],
});

/** The clipping range [K] of the temperature params. */
const _range = (p: KernelParams): [number, number] => [
  p.tmin ?? 0,
  p.tmax ?? Infinity,
];

/**
 * The js kernels of {@linkcode powerlawTemperatureStage} (powerlawTemperature,
 * powerlawTemperatureJvp, powerlawTemperatureResiduals and powerlawTemperaturePullback).
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperatureJsKernels } from "./kernels.ts";
 * const k = powerlawTemperatureJsKernels();
 * const t = new Float64Array(2);
 * k.forward([new Float64Array([1, 100]), new Float64Array([1000]), new Float64Array([0.1])], [t],
 *   { tmin: 0, tmax: 1200 });
 * assert.deepStrictEqual(Array.from(t), [1000, 1200]); // 1000 · 100^0.1 = 1585 K, clipped
 * ```
 */
export function powerlawTemperatureJsKernels(): JsStageKernels {
  return {
    spec: powerlawTemperatureStage,
    forward: ([p, t0, a], [out], params) => {
      out!.set(powerlawTemperature(p!, t0![0]!, a![0]!, _range(params)));
    },
    jvp: ([p, t0, a, tt0, ta], [out, dout], params) => {
      const r = powerlawTemperatureJvp(p!, t0![0]!, a![0]!, _range(params), {
        k: params.k!,
        t0: _tan(tt0!),
        alpha: _tan(ta!),
      });
      out!.set(r.out);
      dout!.set(r.dout);
    },
    vjp: ([p, t0, a], [out, dT0, dAlpha], params) => {
      const r = powerlawTemperatureResiduals(
        p!,
        t0![0]!,
        a![0]!,
        _range(params),
      );
      out!.set(r.out);
      dT0!.set(r.dT0);
      dAlpha!.set(r.dAlpha);
    },
    pullback: ([_p, _t0, _a, dT0, dAlpha, ct], [t0Bar, alphaBar]) => {
      powerlawTemperaturePullback(
        { dT0: dT0!, dAlpha: dAlpha! },
        ct!,
        t0Bar!,
        alphaBar!,
      );
    },
  };
}

/**
 * Consts and params of {@linkcode powerlawTemperatureStage} from the arguments of
 * `powerlawTemperaturePrimitive`.
 *
 * @param pressure Layer pressures [bar], [L].
 * @param range Clipping range [tmin, tmax] [K].
 * @returns `{ consts: [pressure], params: { tmin, tmax } }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperatureStageConsts } from "./kernels.ts";
 * const p = new Float64Array([0.1, 1]);
 * const c = powerlawTemperatureStageConsts(p, [500, 1500]);
 * assert.strictEqual(c.consts[0], p);
 * assert.deepStrictEqual(c.params, { tmin: 500, tmax: 1500 });
 * ```
 */
export function powerlawTemperatureStageConsts(
  pressure: Float64Array,
  range: readonly [number, number] = [0, Infinity],
): RtStageConsts {
  return { consts: [pressure], params: { tmin: range[0], tmax: range[1] } };
}

// ---------------------------------------------------------------- rt.opacity_profile_xs

/**
 * `rt.opacity_profile_xs`: dτ = F·|σ|·dP·MMR/(M g). Consts [dParr [L] bar]; args [xsmatrix [L·N]
 * cm² (or [N]), mmr [1 or L], gravity [1 or L] cm/s²] (length 1: a scalar); params {molmass (u),
 * nnu}; out dτ [L·N]; residuals [c [L], mmr [L], gravity [L] cm/s²] with c = F dP/(M g).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsStage } from "./kernels.ts";
 * assert.strictEqual(opacityProfileXsStage.outSize([100, 100 * 3500, 1, 1], { molmass: 28, nnu: 3500 }), 350000);
 * assert.deepStrictEqual(opacityProfileXsStage.residualSizes([100, 350000, 1, 1], {}), [100, 100, 100]);
 * ```
 */
export const opacityProfileXsStage: StageSpec = Object.freeze({
  name: "rt.opacity_profile_xs",
  nConst: 1,
  nArgs: 3,
  outSize: (s: readonly number[], p: KernelParams) => _count(s[0], p.nnu),
  residualSizes: (s: readonly number[]) => [s[0]!, s[0]!, s[0]!],
  // per layer: dParr, the σ row (unless one [N] row serves every layer), mmr and g when [L]
  layerAxis: {
    of: 0,
    rows: (s: readonly number[], p: KernelParams) => {
      const L = s[0]!;
      return [
        1,
        L > 1 && s[1] === L * (p.nnu ?? NaN) ? p.nnu! : 0,
        s[2] === L ? 1 : 0,
        s[3] === L ? 1 : 0,
      ];
    },
  },
});

/**
 * The js kernels of {@linkcode opacityProfileXsStage} (opacityProfileXs, opacityProfileXsJvp,
 * opacityProfileXsResiduals and opacityProfileXsPullback).
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsJsKernels } from "./kernels.ts";
 * import { opacityProfileXs } from "./opacity_profile.ts";
 * const xs = new Float64Array([1e-22, 2e-22]);
 * const dP = new Float64Array([0.1]);
 * const out = new Float64Array(2);
 * opacityProfileXsJsKernels().forward(
 *   [dP, xs, new Float64Array([0.01]), new Float64Array([1e5])], [out], { molmass: 28, nnu: 2 },
 * );
 * assert.deepStrictEqual(out, opacityProfileXs(xs, 0.01, 28, 1e5, dP, 2));
 * ```
 */
export function opacityProfileXsJsKernels(): JsStageKernels {
  return {
    spec: opacityProfileXsStage,
    forward: ([dp, xs, m, g], [out], p) => {
      out!.set(
        opacityProfileXs(xs!, _sc(m!), p.molmass!, _sc(g!), dp!, p.nnu!),
      );
    },
    jvp: ([dp, xs, m, g, txs, tm, tg], [out, dout], p) => {
      const r = opacityProfileXsJvp(
        xs!,
        _sc(m!),
        p.molmass!,
        _sc(g!),
        dp!,
        p.nnu!,
        { k: p.k!, xsmatrix: _tan(txs!), mmr: _tan(tm!), gravity: _tan(tg!) },
      );
      out!.set(r.out);
      dout!.set(r.dout);
    },
    vjp: ([dp, xs, m, g], [out, rc, rm, rg], p) => {
      const r = opacityProfileXsResiduals(
        xs!,
        _sc(m!),
        p.molmass!,
        _sc(g!),
        dp!,
        p.nnu!,
      );
      out!.set(r.out);
      rc!.set(r.c);
      rm!.set(r.m);
      rg!.set(r.g);
    },
    pullback: (
      [_dp, xs, m, g, rc, rm, rg, ct],
      [xsBar, mBar, gBar],
      p,
    ) => {
      opacityProfileXsPullback(
        xs!,
        p.nnu!,
        { c: rc!, m: rm!, g: rg! },
        ct!,
        { xsmatrix: xsBar!, mmr: mBar!, gravity: gBar! },
        { mmr: m!.length === 1, gravity: g!.length === 1 },
      );
    },
  };
}

/**
 * Consts and params of {@linkcode opacityProfileXsStage} from the arguments of
 * `opacityProfileXsPrimitive`.
 *
 * @param molmass Molecular mass [u].
 * @param dParr Layer pressure thicknesses [bar], [L].
 * @param nnu Number of wavenumbers N.
 * @returns `{ consts: [dParr], params: { molmass, nnu } }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsStageConsts } from "./kernels.ts";
 * const c = opacityProfileXsStageConsts(28, new Float64Array([0.1]), 2);
 * assert.deepStrictEqual(c.params, { molmass: 28, nnu: 2 });
 * ```
 */
export function opacityProfileXsStageConsts(
  molmass: number,
  dParr: Float64Array,
  nnu: number,
): RtStageConsts {
  return { consts: [dParr], params: { molmass, nnu } };
}

// ---------------------------------------------------------------- rt.opacity_profile_cia

/**
 * `rt.opacity_profile_cia`: the CIA optical depth. Consts [pressure [L] bar, dParr [L] bar]; args
 * [logacia [L·N] (log10 cm⁵), temperature [L] K, gravity [1] cm/s²]; params {vmr1, vmr2, mmw (u)};
 * out dτ [L·N]; residuals [dτ [L·N], gravity [L] cm/s²].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaStage } from "./kernels.ts";
 * assert.strictEqual(opacityProfileCiaStage.outSize([2, 2, 6, 2, 1], {}), 6);
 * assert.deepStrictEqual(opacityProfileCiaStage.residualSizes([2, 2, 6, 2, 1], {}), [6, 2]);
 * ```
 */
export const opacityProfileCiaStage: StageSpec = Object.freeze({
  name: "rt.opacity_profile_cia",
  nConst: 2,
  nArgs: 3,
  outSize: (s: readonly number[]) => s[2]!,
  residualSizes: (s: readonly number[]) => [s[2]!, s[3]!],
  // per layer: pressure, dParr, the log10 k row, temperature; g when [L]
  layerAxis: {
    of: 0,
    rows: (s: readonly number[]) => [
      1,
      1,
      s[2]! / s[0]!,
      1,
      s[4] === s[0] ? 1 : 0,
    ],
  },
});

/**
 * The js kernels of {@linkcode opacityProfileCiaStage} (opacityProfileCia, opacityProfileCiaJvp,
 * opacityProfileCiaResiduals and opacityProfileCiaPullback).
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaJsKernels } from "./kernels.ts";
 * import { opacityProfileCia } from "./opacity_profile.ts";
 * const [p, dp, la, t] = [[1], [0.1], [-45, -46], [1000]].map((a) => new Float64Array(a));
 * const out = new Float64Array(2);
 * opacityProfileCiaJsKernels().forward([p!, dp!, la!, t!, new Float64Array([1e5])], [out],
 *   { vmr1: 0.855, vmr2: 0.855, mmw: 2.33 });
 * assert.deepStrictEqual(out, opacityProfileCia(la!, t!, p!, dp!, 0.855, 0.855, 2.33, 1e5));
 * ```
 */
export function opacityProfileCiaJsKernels(): JsStageKernels {
  return {
    spec: opacityProfileCiaStage,
    forward: ([pr, dp, la, t, g], [out], p) => {
      out!.set(
        opacityProfileCia(la!, t!, pr!, dp!, p.vmr1!, p.vmr2!, p.mmw!, g![0]!),
      );
    },
    jvp: ([pr, dp, la, t, g, tla, tt, tg], [out, dout], p) => {
      const r = opacityProfileCiaJvp(
        la!,
        t!,
        pr!,
        dp!,
        p.vmr1!,
        p.vmr2!,
        p.mmw!,
        g![0]!,
        {
          k: p.k!,
          logacia: _tan(tla!),
          temperature: _tan(tt!),
          gravity: _tan(tg!),
        },
      );
      out!.set(r.out);
      dout!.set(r.dout);
    },
    vjp: ([pr, dp, la, t, g], [out, rd, rg], p) => {
      const r = opacityProfileCiaResiduals(
        la!,
        t!,
        pr!,
        dp!,
        p.vmr1!,
        p.vmr2!,
        p.mmw!,
        g![0]!,
      );
      out!.set(r.out);
      rd!.set(r.out);
      rg!.set(r.g);
    },
    pullback: ([_pr, _dp, _la, t, _g, rd, rg, ct], [laBar, tBar, gBar]) => {
      opacityProfileCiaPullback(
        { out: rd!, g: rg! },
        t!,
        ct!,
        { logacia: laBar!, temperature: tBar!, gravity: gBar! },
        true,
      );
    },
  };
}

/**
 * Consts and params of {@linkcode opacityProfileCiaStage} from the arguments of
 * `opacityProfileCiaPrimitive`.
 *
 * @param pressure Layer pressures [bar], [L].
 * @param dParr Layer pressure thicknesses [bar], [L].
 * @param vmr1 Volume mixing ratio of the first collision partner.
 * @param vmr2 Volume mixing ratio of the second.
 * @param mmw Mean molecular weight [u].
 * @returns `{ consts: [pressure, dParr], params: { vmr1, vmr2, mmw } }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaStageConsts } from "./kernels.ts";
 * const c = opacityProfileCiaStageConsts(new Float64Array([1]), new Float64Array([0.1]), 0.855, 0.855, 2.33);
 * assert.strictEqual(c.consts.length, 2);
 * assert.deepStrictEqual(c.params, { vmr1: 0.855, vmr2: 0.855, mmw: 2.33 });
 * ```
 */
export function opacityProfileCiaStageConsts(
  pressure: Float64Array,
  dParr: Float64Array,
  vmr1: number,
  vmr2: number,
  mmw: number,
): RtStageConsts {
  return { consts: [pressure, dParr], params: { vmr1, vmr2, mmw } };
}

// ---------------------------------------------------------------- emission

/** Residual sizes of an emission stage: the two [L·N] Jacobians, 0 for an unwanted one. */
const _emissionResidualSizes = (
  s: readonly number[],
  p: KernelParams,
): number[] => [_need(p, 0) ? s[1]! : 0, _need(p, 1) ? s[1]! : 0];

/** The stage-specific functions behind an emission stage's kernels. */
interface _EmissionFns {
  forward(
    d: Float64Array,
    t: Float64Array,
    nu: Float64Array,
    p: KernelParams,
  ): Float64Array;
  jvp(
    d: Float64Array,
    t: Float64Array,
    nu: Float64Array,
    p: KernelParams,
    tangents: EmissionTangents,
  ): StageJvp;
  jacobian(
    d: Float64Array,
    t: Float64Array,
    nu: Float64Array,
    p: KernelParams,
  ): EmissionJacobian;
}

/** The js kernels of an emission stage from its forward, JVP and Jacobian functions. */
function _emissionJsKernels(spec: StageSpec, f: _EmissionFns): JsStageKernels {
  return {
    spec,
    forward: ([nu, d, t], [out], p) => {
      out!.set(f.forward(d!, t!, nu!, p));
    },
    jvp: ([nu, d, t, td, tt], [out, dout], p) => {
      const r = f.jvp(d!, t!, nu!, p, {
        k: p.k!,
        dtau: _tan(td!),
        temperature: _tan(tt!),
      });
      out!.set(r.out);
      dout!.set(r.dout);
    },
    vjp: ([nu, d, t], [out, rD, rT], p) => {
      const j = f.jacobian(d!, t!, nu!, p);
      out!.set(j.flux);
      if (rD!.length !== 0) rD!.set(j.dFluxDdtau);
      if (rT!.length !== 0) rT!.set(j.dFluxDtemperature);
    },
    pullback: ([nu, _d, t, rD, rT, ct], [dBar, tBar]) => {
      _blockDiagonalPullbackInto(
        rD!,
        rT!,
        t!.length,
        nu!.length,
        ct!,
        dBar!,
        tBar!,
      );
    },
  };
}

/** The number of streams of the ibased params (default 8, as emissionPrimitive). */
const _nstream = (p: KernelParams): number => p.nstream ?? 8;

/**
 * `rt.emission_ibased`: the intensity-based n-stream emergent flux. Consts [nu [N] cm⁻¹]; args
 * [dtau [L·N], temperature [L] K]; params {nstream} (default 8); out F [N] erg/s/cm²/cm⁻¹;
 * residuals [∂F/∂dτ [L·N] (0 when need0 = 0), ∂F/∂T [L·N] (0 when need1 = 0)] from
 * emissionIbasedJacobian.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbasedStage } from "./kernels.ts";
 * assert.strictEqual(emissionIbasedStage.outSize([3500, 350000, 100], { nstream: 8 }), 3500);
 * assert.deepStrictEqual(emissionIbasedStage.residualSizes([3500, 350000, 100], { need0: 0, need1: 1 }), [0, 350000]);
 * ```
 */
export const emissionIbasedStage: StageSpec = Object.freeze({
  name: "rt.emission_ibased",
  nConst: 1,
  nArgs: 2,
  outSize: (s: readonly number[]) => s[0]!,
  residualSizes: _emissionResidualSizes,
});

/**
 * The js kernels of {@linkcode emissionIbasedStage} (emissionIbased, emissionIbasedJvp,
 * emissionIbasedJacobian, and the block-diagonal pullback of that Jacobian).
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbasedJsKernels } from "./kernels.ts";
 * import { emissionIbased } from "./emission_ibased.ts";
 * const [nu, d, t] = [[4300, 4310], [0.5, 0.5, 100, 100], [900, 1200]].map((a) => new Float64Array(a));
 * const f = new Float64Array(2);
 * emissionIbasedJsKernels().forward([nu!, d!, t!], [f], { nstream: 8 });
 * assert.deepStrictEqual(f, emissionIbased(d!, t!, nu!, 8));
 * ```
 */
export function emissionIbasedJsKernels(): JsStageKernels {
  return _emissionJsKernels(emissionIbasedStage, {
    forward: (d, t, nu, p) => emissionIbased(d, t, nu, _nstream(p)),
    jvp: (d, t, nu, p, tan) => emissionIbasedJvp(d, t, nu, _nstream(p), tan),
    jacobian: (d, t, nu, p) => emissionIbasedJacobian(d, t, nu, _nstream(p)),
  });
}

/**
 * Consts and params of {@linkcode emissionIbasedStage} from the arguments of
 * `emissionPrimitive(nu, { solver: "ibased", nstream })`.
 *
 * @param nu Wavenumber grid [cm⁻¹], [N].
 * @param nstream Number of streams (default 8).
 * @returns `{ consts: [nu], params: { nstream } }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbasedStageConsts } from "./kernels.ts";
 * assert.deepStrictEqual(emissionIbasedStageConsts(new Float64Array([4300])).params, { nstream: 8 });
 * ```
 */
export function emissionIbasedStageConsts(
  nu: Float64Array,
  nstream = 8,
): RtStageConsts {
  return { consts: [nu], params: { nstream } };
}

/**
 * `rt.emission_fbased2st`: the flux-based two-stream emergent flux. Consts [nu [N] cm⁻¹]; args
 * [dtau [L·N], temperature [L] K]; params {}; out F [N] erg/s/cm²/cm⁻¹; residuals as
 * {@linkcode emissionIbasedStage} (from emissionFbased2stJacobian).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2stStage } from "./kernels.ts";
 * assert.strictEqual(emissionFbased2stStage.name, "rt.emission_fbased2st");
 * assert.deepStrictEqual(emissionFbased2stStage.residualSizes([2, 6, 3], { need0: 1, need1: 1 }), [6, 6]);
 * ```
 */
export const emissionFbased2stStage: StageSpec = Object.freeze({
  name: "rt.emission_fbased2st",
  nConst: 1,
  nArgs: 2,
  outSize: (s: readonly number[]) => s[0]!,
  residualSizes: _emissionResidualSizes,
});

/**
 * The js kernels of {@linkcode emissionFbased2stStage} (emissionFbased2st, emissionFbased2stJvp,
 * emissionFbased2stJacobian, and the block-diagonal pullback of that Jacobian).
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2stJsKernels } from "./kernels.ts";
 * import { emissionFbased2st } from "./emission_fbased2st.ts";
 * const [nu, d, t] = [[4300, 4310], [0.5, 0.5, 100, 100], [900, 1200]].map((a) => new Float64Array(a));
 * const f = new Float64Array(2);
 * emissionFbased2stJsKernels().forward([nu!, d!, t!], [f], {});
 * assert.deepStrictEqual(f, emissionFbased2st(d!, t!, nu!));
 * ```
 */
export function emissionFbased2stJsKernels(): JsStageKernels {
  return _emissionJsKernels(emissionFbased2stStage, {
    forward: (d, t, nu) => emissionFbased2st(d, t, nu),
    jvp: (d, t, nu, _p, tan) => emissionFbased2stJvp(d, t, nu, tan),
    jacobian: (d, t, nu) => emissionFbased2stJacobian(d, t, nu),
  });
}

/**
 * Consts and params of {@linkcode emissionFbased2stStage} from the arguments of
 * `emissionPrimitive(nu, { solver: "fbased2st" })`.
 *
 * @param nu Wavenumber grid [cm⁻¹], [N].
 * @returns `{ consts: [nu], params: {} }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionFbased2stStageConsts } from "./kernels.ts";
 * const nu = new Float64Array([4300]);
 * assert.strictEqual(emissionFbased2stStageConsts(nu).consts[0], nu);
 * ```
 */
export function emissionFbased2stStageConsts(nu: Float64Array): RtStageConsts {
  return { consts: [nu], params: {} };
}

// ---------------------------------------------------------------- registration

/**
 * Registers the five rt stages (`rt.powerlaw_temperature`, `rt.opacity_profile_xs`,
 * `rt.opacity_profile_cia`, `rt.emission_ibased`, `rt.emission_fbased2st`, each with its
 * `.jvp`, `.vjp` and `.pullback`) on a js backend.
 *
 * @param be The js backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerRtStages } from "./kernels.ts";
 * const be = createJsBackend();
 * registerRtStages(be);
 * assert.ok(be.hasKernel("rt.emission_ibased.pullback") && be.hasKernel("rt.opacity_profile_cia.jvp"));
 * ```
 */
export function registerRtStages(be: JsBackend): void {
  for (
    const k of [
      powerlawTemperatureJsKernels(),
      opacityProfileXsJsKernels(),
      opacityProfileCiaJsKernels(),
      emissionIbasedJsKernels(),
      emissionFbased2stJsKernels(),
    ]
  ) registerStageKernels(be, k);
}
