/**
 * The opacity stages as backend stages (see `../ad/stage_kernels.ts`): PreMODIT cross
 * sections `opacity.premodit_xsmatrix` and CIA log10 coefficients `opacity.cia_logacia`, each
 * with its js kernels `name`, `name.jvp`, `name.vjp` and `name.pullback`. The kernels rebuild
 * the calculator's tables from the stage's constant buffers and run the rules of
 * `premodit_ad.ts` ({@link createPremoditRules}) and `cia_ad.ts` ({@link createCiaAd}), so
 * their numbers and errors are those of `xsmatrixPrimitive` / `logaciaPrimitive`
 * (`primitives.ts`), bit for bit.
 *
 * | stage | consts | args | out | residuals |
 * | --- | --- | --- | --- | --- |
 * | `opacity.premodit_xsmatrix` | the 11 table arrays of {@link premoditStageConsts} | t [L] (K), pBar [L] (bar) | σ [L·N] (cm²) | sT, sP [2·L·(N + 1) each, 0 when not needed] |
 * | `opacity.cia_logacia` | nuGrid, table ν, table T, table log10 k, pair name | t [L] (K) | log10 k [L·N] | intervals [L] |
 *
 * Rebuilding the tables' derived state (the PreMODIT layer kernel with its FFT plan and
 * wrap-around spectra; the CIA calculator and its slope table) is memoized per kernel set in a
 * WeakMap keyed by the first constant buffer (the ν grid), so repeated calls with the same
 * wrapped constants build it once. The constants must not be modified afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { stagePrimitive } from "../ad/stage_kernels.ts";
 * import { bind } from "../ad/core.ts";
 * import { tensor, type Tensor } from "../ad/tensor.ts";
 * import { createOpaCia } from "./cia.ts";
 * import { ciaLogaciaStage, ciaStageConsts, registerOpacityStages } from "./kernels.ts";
 * const table = {
 *   pair: "H2-H2", nu: new Float64Array([100, 200]), t: new Float64Array([100, 300]),
 *   logk: new Float64Array([-46, -45, -44, -43]),
 * };
 * const opa = createOpaCia(table, new Float64Array([150, 200]));
 * const be = createJsBackend();
 * registerOpacityStages(be);
 * const { consts, params } = ciaStageConsts(opa);
 * const cia = stagePrimitive(be, ciaLogaciaStage, {
 *   consts: consts.map((c) => be.wrap(c)), params, outShape: (s) => [s[0]![0]!, 2],
 * });
 * const t = new Float64Array([150, 250]);
 * const y = bind(cia.primitive, [tensor(t)], {}) as Tensor;
 * assert.deepStrictEqual(y.data, opa.logaciaMatrix(t));
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
import type { RfftPlan } from "../fft/fft.ts";
import type { PremoditTables } from "./premodit_layer.ts";
import { createPremoditRules, type PremoditRules } from "./premodit_ad.ts";
import { createOpaCia, type OpaCia, type OpaCiaOptions } from "./cia.ts";
import { type CiaAd, createCiaAd } from "./cia_ad.ts";

/** A stage's constant arrays and scalar params, as `stagePrimitive` takes them. */
export interface OpacityStageConsts {
  /** The constant input arrays, in the stage's order. */
  readonly consts: Float64Array[];
  /** The stage's scalar params. */
  readonly params: Record<string, number>;
}

/** Options of {@link premoditXsmatrixJsKernels} and {@link registerOpacityStages}. */
export interface OpacityKernelOptions {
  /**
   * Factory of the real FFT plan of length 2N of the PreMODIT kernels (default: the
   * TypeScript `createRfftPlan`): what `OpaPremoditOptions.rfftPlan` is to the calculator
   * (a plan cannot travel in a buffer). Give the calculator's own factory for its numbers bit
   * for bit.
   */
  readonly rfftPlan?: (n: number) => RfftPlan;
}

// ---------------------------------------------------------------- memo

/** One memoized build: the constants and params it was made from. */
interface _MemoEntry<T> {
  consts: readonly Float64Array[];
  params: readonly number[];
  value: T;
}

/** Builds per first constant buffer; a few entries per key (several stages may share a grid). */
type _Memo<T> = WeakMap<Float64Array, _MemoEntry<T>[]>;

/** Most entries kept per key (the oldest is dropped). */
const _MEMO_ENTRIES = 8;

/** Whether two arrays hold the same values (NaN equal to NaN). Private. */
export function _sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return false;
  }
  return true;
}

function _sameParams(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * The memoized value for these constants and params (same buffers, or buffers of the same
 * content), built once by `build`.
 */
function _memoized<T>(
  memo: _Memo<T>,
  consts: readonly Float64Array[],
  params: readonly number[],
  build: () => T,
): T {
  const key = consts[0]!;
  let list = memo.get(key);
  if (list === undefined) {
    list = [];
    memo.set(key, list);
  }
  for (const e of list) {
    if (
      _sameParams(e.params, params) &&
      e.consts.every((c, i) => _sameArray(c, consts[i]!))
    ) {
      e.consts = consts.slice(); // the next call with these buffers compares by identity
      return e.value;
    }
  }
  const value = build();
  list.push({ consts: consts.slice(), params: params.slice(), value });
  if (list.length > _MEMO_ENTRIES) list.shift();
  return value;
}

/** Throws a TypeError unless there are n constant Float64Arrays. */
function _checkConsts(
  consts: readonly Float64Array[],
  n: number,
  stage: string,
): void {
  if (
    consts.length < n ||
    consts.slice(0, n).some((c) => !(c instanceof Float64Array))
  ) {
    throw new TypeError(`${stage}: needs ${n} constant Float64Arrays`);
  }
}

/** A finite number param. */
function _param(p: KernelParams, name: string, stage: string): number {
  const v = p[name];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new TypeError(
      `${stage}: param ${name} must be a finite number, got ${v}`,
    );
  }
  return v;
}

/** A 0/1 param (absent: `dflt`). */
function _flag(
  p: KernelParams,
  name: string,
  stage: string,
  dflt: 0 | 1,
): boolean {
  const v = p[name] ?? dflt;
  if (v !== 0 && v !== 1) {
    throw new TypeError(`${stage}: param ${name} must be 0 or 1, got ${v}`);
  }
  return v === 1;
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

/** Integer table from exact float64 values. */
function _int32(a: Float64Array, name: string, stage: string): Int32Array {
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if ((v | 0) !== v) {
      throw new TypeError(
        `${stage}: constant ${name}[${i}] must be an int32 value, got ${v}`,
      );
    }
    out[i] = v;
  }
  return out;
}

// ---------------------------------------------------------------- PreMODIT

const PREMODIT = "opacity.premodit_xsmatrix";
/** Number of PreMODIT constants. */
const PREMODIT_NCONST = 11;
/** The PreMODIT scalar params, in a fixed order. */
/** The PreMODIT scalar params, in the memo key's order. Private. */
export const _PREMODIT_PARAMS = [
  "resolution",
  "tmin",
  "tmax",
  "allowOutsideRange",
  "tref",
  "twt",
  "trefBroadening",
  "qAtTref",
  "sigmaQFactor",
] as const;

/**
 * The `opacity.premodit_xsmatrix` stage. Consts (11, from {@link premoditStageConsts}):
 * `[nu [N] (cm⁻¹), elowerGrid (cm⁻¹), entSlot, entE, ent0, ent1, ent2, binNgammaRef,
 * binNTexp, partition function t (K), partition function q]` (entSlot and entE as exact
 * float64 integers). Args `[t [L] (K), pBar [L] (bar)]`, out σ [L·N] (cm²/molecule).
 * Params: `resolution, tmin, tmax (K), allowOutsideRange (0/1), tref, twt, trefBroadening
 * (K), qAtTref, sigmaQFactor`. Residuals `[sT, sP]`: the spectra of ∂σ/∂T and ∂σ/∂P,
 * 2·L·(N + 1) each (per layer l, re then im of N + 1 bins at offset 2·l·(N + 1)); one is
 * empty when its `need` param is 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { premoditXsmatrixStage } from "./kernels.ts";
 * const sizes = [64, 5, 9, 9, 9, 9, 9, 2, 2, 2, 2, 3, 3]; // 11 consts (N = 64), t and pBar (L = 3)
 * assert.strictEqual(premoditXsmatrixStage.outSize(sizes, {}), 3 * 64);
 * assert.deepStrictEqual(premoditXsmatrixStage.residualSizes(sizes, { need0: 1, need1: 0 }), [390, 0]);
 * ```
 */
export const premoditXsmatrixStage: StageSpec = Object.freeze({
  name: PREMODIT,
  nConst: PREMODIT_NCONST,
  nArgs: 2,
  outSize: (s: readonly number[]) => s[PREMODIT_NCONST]! * s[0]!,
  residualSizes: (s: readonly number[], p: KernelParams) => {
    const n = 2 * s[PREMODIT_NCONST]! * (s[0]! + 1);
    return [p.need0 === 0 ? 0 : n, p.need1 === 0 ? 0 : n];
  },
  // each layer's σ row and spectra depend on its (T, P) only
  layerAxis: {
    of: PREMODIT_NCONST,
    rows: () => [...new Array<number>(PREMODIT_NCONST).fill(0), 1, 1],
  },
});

/**
 * The constants and params of {@link premoditXsmatrixStage} from a calculator's tables.
 *
 * @param tables `opa.tables` of a calculator from `createOpaPremodit`.
 * @returns `{ consts, params }`: the table arrays in the stage's order (the float arrays
 *   themselves; entSlot and entE copied to float64) and its scalars (allowOutsideRange as
 *   0/1). `tables.rfftPlan` cannot travel: give it to {@link premoditXsmatrixJsKernels}.
 * @throws {TypeError} When `tables` are not a calculator's tables.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { premoditStageConsts } from "./kernels.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const { tables } = createOpaPremodit(lines, nu);
 * const { consts, params } = premoditStageConsts(tables);
 * assert.strictEqual(consts.length, 11);
 * assert.strictEqual(consts[0], tables.nu);
 * assert.strictEqual(params.allowOutsideRange, 0);
 * ```
 */
export function premoditStageConsts(
  tables: PremoditTables,
): OpacityStageConsts {
  if (
    typeof tables !== "object" || tables === null ||
    !(tables.entSlot instanceof Int32Array) ||
    !(tables.entE instanceof Int32Array) ||
    !(tables.nu instanceof Float64Array)
  ) {
    throw new TypeError(
      "premoditStageConsts(): tables must be opa.tables of a calculator created by createOpaPremodit()",
    );
  }
  const params: Record<string, number> = {
    resolution: tables.resolution,
    tmin: tables.tmin,
    tmax: tables.tmax,
    allowOutsideRange: tables.allowOutsideRange ? 1 : 0,
    tref: tables.tref,
    twt: tables.twt,
    trefBroadening: tables.trefBroadening,
    qAtTref: tables.qAtTref,
    sigmaQFactor: tables.sigmaQFactor,
  };
  return {
    consts: [
      tables.nu,
      tables.elowerGrid,
      Float64Array.from(tables.entSlot),
      Float64Array.from(tables.entE),
      tables.ent0,
      tables.ent1,
      tables.ent2,
      tables.binNgammaRef,
      tables.binNTexp,
      tables.partitionFunction.t,
      tables.partitionFunction.q,
    ],
    params,
  };
}

/**
 * The tables of a calculator rebuilt from the constants and params of
 * {@link premoditXsmatrixStage} (the inverse of {@link premoditStageConsts}).
 *
 * @param consts The 11 constant arrays, in the stage's order (referenced, not copied, except
 *   entSlot and entE, made Int32Arrays).
 * @param params The stage's params.
 * @param rfftPlan The FFT plan factory of the tables (optional).
 * @returns The tables.
 * @throws {TypeError} For missing constants, non-integer entSlot/entE values or a missing or
 *   non-finite param.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { premoditStageConsts, premoditTablesFromConsts } from "./kernels.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const { tables } = createOpaPremodit(lines, nu);
 * const c = premoditStageConsts(tables);
 * const back = premoditTablesFromConsts(c.consts, c.params);
 * assert.deepStrictEqual(back.entSlot, tables.entSlot);
 * assert.strictEqual(back.sigmaQFactor, tables.sigmaQFactor);
 * ```
 */
export function premoditTablesFromConsts(
  consts: readonly Float64Array[],
  params: KernelParams,
  rfftPlan?: (n: number) => RfftPlan,
): PremoditTables {
  _checkConsts(consts, PREMODIT_NCONST, PREMODIT);
  const [nu, eg, slot, ie, e0, e1, e2, bg, bt, pt, pq] = consts;
  const v = (name: string) => _param(params, name, PREMODIT);
  return {
    nu: nu!,
    resolution: v("resolution"),
    tmin: v("tmin"),
    tmax: v("tmax"),
    allowOutsideRange: _flag(params, "allowOutsideRange", PREMODIT, 0),
    tref: v("tref"),
    twt: v("twt"),
    trefBroadening: v("trefBroadening"),
    partitionFunction: { t: pt!, q: pq! },
    qAtTref: v("qAtTref"),
    elowerGrid: eg!,
    entSlot: _int32(slot!, "entSlot", PREMODIT),
    entE: _int32(ie!, "entE", PREMODIT),
    ent0: e0!,
    ent1: e1!,
    ent2: e2!,
    binNgammaRef: bg!,
    binNTexp: bt!,
    sigmaQFactor: v("sigmaQFactor"),
    ...(rfftPlan ? { rfftPlan } : {}),
  };
}

/**
 * The js kernels of {@link premoditXsmatrixStage}: the forward `opa.xsmatrix` and the rules of
 * `createPremoditAd` (`xsmatrixJvp`; `xsmatrixResidualsInto` with the spectra that `need0`
 * (T) and `need1` (P) ask for; `xsmatrixPullbackInto`, one real FFT per layer and Parseval
 * dot products) on the tables rebuilt from the constants. The rules (layer kernel, FFT plan,
 * wrap-around spectra) are memoized in a WeakMap keyed by the ν constant, per kernel set.
 *
 * @param opts The FFT plan factory (`tables.rfftPlan`, e.g. the WASM FFT).
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { premoditStageConsts, premoditXsmatrixJsKernels } from "./kernels.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu);
 * const { consts, params } = premoditStageConsts(opa.tables);
 * const t = new Float64Array([800, 1200]);
 * const p = new Float64Array([0.1, 1]);
 * const out = new Float64Array(2 * 64);
 * premoditXsmatrixJsKernels().forward([...consts, t, p], [out], params);
 * assert.deepStrictEqual(out, opa.xsmatrix(t, p));
 * ```
 */
export function premoditXsmatrixJsKernels(
  opts: OpacityKernelOptions = {},
): JsStageKernels {
  const plan = opts.rfftPlan;
  const memo: _Memo<PremoditRules> = new WeakMap();
  const rules = (ins: readonly Float64Array[], p: KernelParams) => {
    _checkConsts(ins, PREMODIT_NCONST, PREMODIT);
    const consts = ins.slice(0, PREMODIT_NCONST);
    const key = _PREMODIT_PARAMS.map((k) => p[k] ?? NaN);
    return _memoized(
      memo,
      consts,
      key,
      () => createPremoditRules(premoditTablesFromConsts(consts, p, plan)),
    );
  };
  const C = PREMODIT_NCONST;
  const forward: JsKernel = (ins, [out], p) => {
    rules(ins, p).xsmatrixInto(ins[C]!, ins[C + 1]!, out!);
  };
  const jvp: JsKernel = (ins, [out, dout], p) => {
    const tt = ins[C + 2]!;
    const tp = ins[C + 3]!;
    const r = rules(ins, p).xsmatrixJvp(
      ins[C]!,
      ins[C + 1]!,
      tt.length === 0 ? null : tt,
      tp.length === 0 ? null : tp,
    );
    _put(out!, r.out, "out");
    if (r.dout.length === 0) dout!.fill(0); // both tangents zero
    else _put(dout!, r.dout, "dout");
  };
  const vjp: JsKernel = (ins, [out, sT, sP], p) => {
    rules(ins, p).xsmatrixResidualsInto(
      ins[C]!,
      ins[C + 1]!,
      out!,
      p.need0 === 0 ? null : sT!,
      p.need1 === 0 ? null : sP!,
    );
  };
  const pullback: JsKernel = (ins, [gT, gP], p) => {
    const t = ins[C]!;
    rules(ins, p).xsmatrixPullbackInto(
      t.length,
      p.need0 === 0 ? null : ins[C + 2]!,
      p.need1 === 0 ? null : ins[C + 3]!,
      ins[C + 4]!,
      gT!.length === 0 ? null : gT!,
      gP!.length === 0 ? null : gP!,
    );
  };
  return { spec: premoditXsmatrixStage, forward, jvp, vjp, pullback };
}

// ---------------------------------------------------------------- CIA

const CIA = "opacity.cia_logacia";
/** Number of CIA constants. */
const CIA_NCONST = 5;

/**
 * The `opacity.cia_logacia` stage. Consts (5, from {@link ciaStageConsts}):
 * `[nuGrid [N] (cm⁻¹), table ν (cm⁻¹), table T (K), table log10 k [nT][nν], pair name (char
 * codes)]`. Args `[t [L] (K)]`, out log10 k [L·N] (log10 cm⁵ molecule⁻²). Params:
 * `nuInterpolation` (0 = "digitize", 1 = "linear"), `clampTemperature` (0/1). Residuals
 * `[intervals [L]]` (the table interval of each layer, −1 for a zero derivative, as exact
 * float64 integers; empty when `need0` is 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ciaLogaciaStage } from "./kernels.ts";
 * const sizes = [100, 2, 2, 4, 5, 7]; // 5 consts (N = 100), t (L = 7)
 * assert.strictEqual(ciaLogaciaStage.outSize(sizes, {}), 700);
 * assert.deepStrictEqual(ciaLogaciaStage.residualSizes(sizes, { need0: 1 }), [7]);
 * ```
 */
export const ciaLogaciaStage: StageSpec = Object.freeze({
  name: CIA,
  nConst: CIA_NCONST,
  nArgs: 1,
  outSize: (s: readonly number[]) => s[CIA_NCONST]! * s[0]!,
  residualSizes: (s: readonly number[], p: KernelParams) => [
    p.need0 === 0 ? 0 : s[CIA_NCONST]!,
  ],
  // each layer's row depends on its temperature only
  layerAxis: {
    of: CIA_NCONST,
    rows: () => [...new Array<number>(CIA_NCONST).fill(0), 1],
  },
});

/**
 * The constants and params of {@link ciaLogaciaStage} from a CIA calculator (its table and
 * the options it was made with, `opa.options`). `opts`, when given, must equal those.
 *
 * @param opa A calculator from `createOpaCia`.
 * @param opts The options it was created with (optional; checked).
 * @returns `{ consts: [nuGrid, table.nu, table.t, table.logk, pair char codes], params:
 *   { nuInterpolation, clampTemperature } }` (the arrays themselves, not copies).
 * @throws {TypeError} When `opa` is not a CIA calculator or does not match the options.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaCia } from "./cia.ts";
 * import { ciaStageConsts } from "./kernels.ts";
 * const table = {
 *   pair: "H2-He", nu: new Float64Array([100, 200]), t: new Float64Array([100, 300]),
 *   logk: new Float64Array([-46, -45, -44, -43]),
 * };
 * const opa = createOpaCia(table, new Float64Array([150]), { nuInterpolation: "linear", clampTemperature: true });
 * const { consts, params } = ciaStageConsts(opa);
 * assert.deepStrictEqual(params, { nuInterpolation: 1, clampTemperature: 1 });
 * assert.strictEqual(String.fromCharCode(...consts[4]!), "H2-He");
 * ```
 */
export function ciaStageConsts(
  opa: OpaCia,
  opts?: OpaCiaOptions,
): OpacityStageConsts {
  createCiaAd(opa); // the same TypeError for a non-calculator
  const tab = opa.table;
  if (
    !(tab.nu instanceof Float64Array) || !(tab.logk instanceof Float64Array)
  ) {
    throw new TypeError("opa must be a calculator created by createOpaCia()");
  }
  const o = opa.options;
  if (
    opts !== undefined &&
    ((opts.nuInterpolation ?? "digitize") !== o.nuInterpolation ||
      (opts.clampTemperature ?? false) !== o.clampTemperature)
  ) {
    throw new TypeError(
      `ciaStageConsts(): options ${
        JSON.stringify(opts)
      } differ from the calculator's ${JSON.stringify(o)}`,
    );
  }
  const pair = String(tab.pair);
  return {
    consts: [
      opa.nuGrid,
      tab.nu,
      tab.t,
      tab.logk,
      Float64Array.from({ length: pair.length }, (_, i) => pair.charCodeAt(i)),
    ],
    params: {
      nuInterpolation: o.nuInterpolation === "linear" ? 1 : 0,
      clampTemperature: o.clampTemperature ? 1 : 0,
    },
  };
}

/** The CIA calculator and rules of a stage's constants. */
interface _Cia {
  readonly opa: OpaCia;
  readonly ad: CiaAd;
}

/**
 * The js kernels of {@link ciaLogaciaStage}: `opa.logaciaMatrix` and the rules of
 * `createCiaAd` (`logaciaMatrixJvp`, `logaciaMatrixResiduals`, `logaciaMatrixPullbackInto`)
 * on the calculator rebuilt from the constants (`createOpaCia`). The calculator and its slope
 * table are memoized in a WeakMap keyed by the ν-grid constant, per kernel set.
 *
 * @returns The four kernels.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaCia } from "./cia.ts";
 * import { ciaLogaciaJsKernels, ciaStageConsts } from "./kernels.ts";
 * const table = {
 *   pair: "H2-H2", nu: new Float64Array([100, 200]), t: new Float64Array([100, 300]),
 *   logk: new Float64Array([-46, -45, -44, -43]),
 * };
 * const opa = createOpaCia(table, new Float64Array([150]));
 * const { consts, params } = ciaStageConsts(opa);
 * const [out, dout] = [new Float64Array(1), new Float64Array(1)];
 * ciaLogaciaJsKernels().jvp([...consts, new Float64Array([200]), new Float64Array([1])], [out, dout], { ...params, k: 1 });
 * assert.ok(Math.abs(dout[0]! - 0.01) < 1e-15); // −45 at 100 K, −43 at 300 K: 0.01 dex/K
 * ```
 */
export function ciaLogaciaJsKernels(): JsStageKernels {
  const memo: _Memo<_Cia> = new WeakMap();
  const cia = (ins: readonly Float64Array[], p: KernelParams): _Cia => {
    _checkConsts(ins, CIA_NCONST, CIA);
    const consts = ins.slice(0, CIA_NCONST);
    const linear = _flag(p, "nuInterpolation", CIA, 0);
    const clamp = _flag(p, "clampTemperature", CIA, 0);
    return _memoized(memo, consts, [linear ? 1 : 0, clamp ? 1 : 0], () => {
      const [nuGrid, nu, t, logk, pair] = consts;
      const opa = createOpaCia(
        { pair: String.fromCharCode(...pair!), nu: nu!, t: t!, logk: logk! },
        nuGrid!,
        {
          nuInterpolation: linear ? "linear" : "digitize",
          clampTemperature: clamp,
        },
      );
      return { opa, ad: createCiaAd(opa) };
    });
  };
  const C = CIA_NCONST;
  const forward: JsKernel = (ins, [out], p) => {
    _put(out!, cia(ins, p).opa.logaciaMatrix(ins[C]!), "out");
  };
  const jvp: JsKernel = (ins, [out, dout], p) => {
    const { opa, ad } = cia(ins, p);
    const tt = ins[C + 1]!;
    if (tt.length === 0) {
      // as logaciaPrimitive: the forward, and zero tangents
      _put(out!, opa.logaciaMatrix(ins[C]!), "out");
      dout!.fill(0);
      return;
    }
    const r = ad.logaciaMatrixJvp(ins[C]!, tt);
    _put(out!, r.out, "out");
    _put(dout!, r.dout, "dout");
  };
  const vjp: JsKernel = (ins, [out, iv], p) => {
    const r = cia(ins, p).ad.logaciaMatrixResiduals(ins[C]!);
    _put(out!, r.out, "out");
    if (iv!.length !== 0) {
      if (iv!.length !== r.intervals.length) {
        throw new TypeError(
          `intervals residual buffer has length ${
            iv!.length
          }, the result has ${r.intervals.length}`,
        );
      }
      iv!.set(r.intervals);
    }
  };
  const pullback: JsKernel = (ins, [gT], p) => {
    if (gT!.length === 0) return; // not wanted
    cia(ins, p).ad.logaciaMatrixPullbackInto(ins[C + 1]!, ins[C + 2]!, gT!);
  };
  return { spec: ciaLogaciaStage, forward, jvp, vjp, pullback };
}

/**
 * Registers the opacity stages (`opacity.premodit_xsmatrix`, `opacity.cia_logacia`, four
 * kernels each) on a js backend.
 *
 * @param be The js backend.
 * @param opts The PreMODIT FFT plan factory.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { registerOpacityStages } from "./kernels.ts";
 * const be = createJsBackend();
 * registerOpacityStages(be);
 * assert.ok(be.hasKernel("opacity.premodit_xsmatrix.pullback") && be.hasKernel("opacity.cia_logacia.jvp"));
 * ```
 */
export function registerOpacityStages(
  be: JsBackend,
  opts: OpacityKernelOptions = {},
): void {
  registerStageKernels(be, premoditXsmatrixJsKernels(opts));
  registerStageKernels(be, ciaLogaciaJsKernels());
}
