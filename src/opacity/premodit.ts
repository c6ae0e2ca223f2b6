/**
 * PreMODIT cross sections (ExoJAX v2.0 `OpaPremodit`; `spec/premodit.py`, `spec/lbd.py`,
 * `spec/lsd.py`, `spec/modit_scanfft.py`, `spec/ditkernel.py`).
 *
 * Work in the grid-index coordinate q = R ln ν of an ESLOG grid, where every line has the same
 * Doppler width σ_q = 3.0415595e-7 √(T/M) R.
 *
 * 1. Once: the line basis density (LBD). Each line's S(Tref) is split over grid points in q
 *    (default: the nearest three with moment-preserving quadratic weights; ExoJAX's linear
 *    split between the two neighbours with `nuSplit: "linear"`, see
 *    {@link OpaPremoditOptions}), its two neighbouring E″ grid points (weights from
 *    {@link lbdWeightCoefficients}, Taylor order `diffmode` around 1/Twt) and the ≤ 4 corners
 *    of its cell in the broadening grid (γ_ref at Tref_broadening normalised by ν_line/R, log
 *    spaced; n_T linearly spaced with a weight |ln(T/Tref_broadening)|, bilinear weights linear
 *    in γ and n_T: ExoJAX's `make_broadpar_grid`, `broadpar_getix`). The LBD is stored sparse:
 *    one entry per distinct (ν point, broadening bin, E″ point).
 * 2. At (T, P): S_lsd[ν, b] = Σ_E LBD · f(E, T) (f = exp(−c₂E(1/T − 1/Tref)), with the first
 *    and second order terms in (1/T − 1/Twt)), × g(ν, T)/(Q(T)/Q(Tref)), g the
 *    stimulated-emission ratio at the grid ν; per bin γ_q = γ_ref,b (T/Tref_broadening)^(−n_b) P.
 * 3. Voigt convolution: each S_lsd[:, b] is zero-padded to 2N and rFFT'd, multiplied by the
 *    analytic kernel exp(−2π²σ_q²k²)·(exp(−2πγ_q|k|) − Â_b(k)), k in cycles per grid cell,
 *    summed over b, inverse-transformed; the first N points × R/ν give σ(ν) [cm²].
 *    Â_b removes the wrap-around of the Lorentz wings in the 2N-periodic buffer. ExoJAX uses
 *    an empirical fit of it (`fold_voigt_kernel_logst`); here it is exact: Â_b is the DFT of
 *    the periodic Lorentzian (closed form (1/L)·sinh a/(cosh a − cos(2πx/L)), a = 2πγ/L,
 *    L = 2N) minus the single Lorentzian γ/(π(x² + γ²)) on x ∈ (−N, N]. Lorentz wings then
 *    end at the grid edges exactly as in a direct sum over the grid.
 *
 * As ExoJAX's PreMODIT, the natural width is not added (it is in {@link createOpaDirect}), lines
 * outside the grid are ignored (ExoJAX issue #341), and the E″ grid starts at the smallest E″
 * of those lines. E″ parameters (ΔE, Tref, Twt) come from {@link premoditOptimalParams} with a
 * 1e-4 line-strength tolerance (ExoJAX's table uses 1 %).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * const n = 512;
 * const nu = Float64Array.from({ length: n }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.5]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu, { autoTrange: [500, 1500] });
 * const xs = opa.xsvector(1000, 1);
 * assert.strictEqual(xs.length, 512);
 * // The line is narrower than a grid cell (β_D ≈ 0.18 cells), so compare its area Σ σ ν/R
 * // with S(T) times the part of the Lorentzian that lies on the grid, cells (−½, n − ½):
 * const t = 1000;
 * const c2 = 1.4387773538277202;
 * const qT = 1 + 999 * (t - 1) / 2999; // Q(T) from the two-point table
 * const s = 1e-20 / (qT / 100) * Math.exp(-c2 * 500 * (1 / t - 1 / 296)) *
 *   (1 - Math.exp(-c2 * 4300.5 / t)) / (1 - Math.exp(-c2 * 4300.5 / 296));
 * const x0 = 1e5 * Math.log(4300.5 / 4300); // line position [cells]
 * const g = 0.07 * Math.sqrt(296 / t) * 1e5 / 4300.5; // γ_L [cells]
 * const inGrid = 1 - (Math.atan(g / (x0 + 0.5)) + Math.atan(g / (n - 0.5 - x0))) / Math.PI;
 * let area = 0;
 * for (let i = 0; i < n; i++) area += xs[i]! * nu[i]! / 1e5;
 * // 2e-4: the E″ interpolation is accurate to 1e-4 in autoTrange (premoditOptimalParams)
 * assert.ok(Math.abs(area / (s * inGrid) - 1) < 2e-4);
 * ```
 *
 * @module
 */

import { C2, DOPPLER_CONST, TREF } from "../constants.ts";
import type { LineList } from "../db/types.ts";
import { partitionFunctionAt } from "../db/partition_function.ts";
import {
  _checkF64,
  _checkFiniteNumber,
  _checkPositive,
  _checkSameLength,
} from "./line_strength.ts";
import { _checkLineList } from "./direct.ts";
import type { RfftPlan } from "../fft/fft.ts";
import { resolutionEslog } from "../grid/wavenumber_grid.ts";
import { createPremoditLayer, type PremoditTables } from "./premodit_layer.ts";
import {
  lbdWeightCoefficients,
  premoditOptimalParams,
} from "./premodit_params.ts";

/** Resolution of the broadening-parameter grid (ExoJAX `broadening_resolution`). */
export type BroadeningResolution =
  | { readonly mode: "manual"; readonly value: number }
  | { readonly mode: "minmax" }
  | { readonly mode: "single"; readonly value?: readonly [number, number] };

/** Options of {@link createOpaPremodit}. */
export interface OpaPremoditOptions {
  /** Temperature range [K] in which xsvector is accurate (default [500, 1500]). */
  readonly autoTrange?: readonly [number, number];
  /**
   * Manual E″-grid parameters instead of the automatic choice (ExoJAX `manual_params`).
   * The accepted temperature range is then `autoTrange` if given, else [min, max] of tref and twt.
   */
  readonly manualParams?: {
    readonly dE: number;
    readonly tref: number;
    readonly twt: number;
  };
  /**
   * Broadening grid resolution in ln γ (the 2-D grid uses it / (4/3), ExoJAX
   * `dit_grid_resolution`); default 1. Overrides `broadeningResolution`.
   */
  readonly ditGridResolution?: number;
  /** Broadening grid mode (used when `ditGridResolution` is not given). */
  readonly broadeningResolution?: BroadeningResolution;
  /** Taylor order of the E″ weights around Twt (0, 1, 2; default 2). */
  readonly diffmode?: 0 | 1 | 2;
  /** Accept temperatures outside the accurate range (default false: RangeError). */
  readonly allowOutsideRange?: boolean;
  /** Relative line-strength tolerance of the E″ grid used with `autoTrange` (default 1e-4). */
  readonly strengthTolerance?: number;
  /**
   * How a line centre is distributed over the wavenumber grid (in q = R ln ν):
   * - `"quadratic"` (default): over the nearest grid point and its two neighbours with
   *   quadratic Lagrange weights d(d−1)/2, 1−d², d(d+1)/2 (d = offset from the nearest point,
   *   in cells). The weights reproduce the line's zeroth, first and second moments exactly, so
   *   the binning error is third order in the cell size instead of second order.
   * - `"linear"`: ExoJAX's split between the two neighbouring grid points, weights 1−d and d.
   *   It adds a spurious variance d(1−d) cell² to each line, which matters when the Doppler
   *   core spans only one or two cells (low pressure on an R ≈ 10⁶ grid).
   */
  readonly nuSplit?: "quadratic" | "linear";
  /**
   * Factory of the real FFT plan of length 2N used for the Voigt convolution (default: the
   * TypeScript `createRfftPlan`). Pass e.g. `(n) => createWasmRfftPlan(wasmBackend, n)` to run
   * the convolutions on the AssemblyScript SIMD backend.
   */
  readonly rfftPlan?: (n: number) => RfftPlan;
}

/** PreMODIT opacity calculator returned by {@link createOpaPremodit}. */
export interface OpaPremodit {
  /** The opacity method, as ExoJAX's `opa.method`: always "premodit". */
  readonly method: "premodit";
  /** Wavenumber grid [cm⁻¹] (ESLOG, ascending). */
  readonly nuGrid: Float64Array;
  /** Spectral resolution R = 1/Δln ν of the grid. */
  readonly resolution: number;
  /** Reference temperature of the LBD line strengths [K]. */
  readonly tref: number;
  /** Weight temperature [K]. */
  readonly twt: number;
  /** E″ grid spacing [cm⁻¹]. */
  readonly dE: number;
  /** E″ grid [cm⁻¹]. */
  readonly elowerGrid: Float64Array;
  /** Reference temperature of the broadening grid [K]. */
  readonly trefBroadening: number;
  /** Normalised γ_ref grid (γ_ref(Tref_broadening) R/ν, grid cells). */
  readonly ngammaRefGrid: Float64Array;
  /** Temperature-exponent grid. */
  readonly nTexpGrid: Float64Array;
  /** Number of broadening bins in use. */
  readonly nBroadening: number;
  /** Normalised γ_ref of each broadening bin [grid cells at 1 bar, Tref_broadening]. */
  readonly binNgammaRef: Float64Array;
  /** Temperature exponent of each broadening bin. */
  readonly binNTexp: Float64Array;
  /** Number of nonzero LBD entries. */
  readonly nLbdEntries: number;
  /** Number of lines used (inside the grid). */
  readonly nLines: number;
  /** Taylor order of the E″ weights. */
  readonly diffmode: 0 | 1 | 2;
  /** Accurate temperature range [K]. */
  readonly tRange: readonly [number, number];
  /**
   * The T,P-independent tables (LBD, grids, broadening bins) that σ is made from; the
   * derivative rules (`createPremoditAd`, `xsmatrixPrimitive`) consume them. Read-only.
   */
  readonly tables: PremoditTables;
  /**
   * Cross section at one temperature and pressure.
   *
   * @param t Temperature [K] (inside `tRange` unless `allowOutsideRange`).
   * @param pBar Pressure [bar], finite and > 0.
   * @returns σ(ν) [cm²/molecule].
   * @throws {NonFiniteError} For a non-finite t or pBar (stage "premodit.xsvector").
   * @throws {RangeError} For t or pBar ≤ 0, or t outside `tRange`.
   */
  xsvector(t: number, pBar: number): Float64Array;
  /**
   * Cross sections of several layers.
   *
   * @param t Temperatures [K].
   * @param pBar Pressures [bar], same length.
   * @returns Row-major [nlayer][nnu] [cm²/molecule].
   * @throws {NonFiniteError} For a non-finite entry (stage "premodit.xsmatrix", parameter
   *   e.g. "t[3]").
   * @throws {RangeError} For an entry ≤ 0, or a temperature outside `tRange`.
   */
  xsmatrix(t: Float64Array, pBar: Float64Array): Float64Array;
}

/**
 * Creates a PreMODIT opacity calculator (see the module documentation for the method).
 *
 * @param lines Line list (`lineStrengthRef` at `lines.tref`, ExoMol broadening at 296 K).
 * @param nuGrid ESLOG wavenumber grid [cm⁻¹], ascending, ≥ 4 points.
 * @param opts Options (temperature range, broadening resolution, diffmode...).
 * @returns An {@link OpaPremodit}.
 * @throws {TypeError} For wrong types or lengths.
 * @throws {RangeError} For a grid that is not ESLOG, invalid ranges, or no line in the grid.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * const nu = Float64Array.from({ length: 256 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.3, 4300.6]), elower: new Float64Array([100, 3000]),
 *   gupper: new Float64Array([3, 3]), einsteinA: new Float64Array([1, 1]),
 *   lineStrengthRef: new Float64Array([1e-20, 1e-21]),
 *   alphaRef: new Float64Array([0.07, 0.06]), nTemp: new Float64Array([0.5, 0.6]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu, { autoTrange: [300, 900], diffmode: 1 });
 * const t = [400, 800];
 * const p = [0.01, 1];
 * const xs = opa.xsmatrix(new Float64Array(t), new Float64Array(p));
 * assert.strictEqual(xs.length, 512); // [2 layers][256 ν]
 * assert.ok(opa.nBroadening >= 1);
 * assert.deepStrictEqual(xs.subarray(0, 256), opa.xsvector(400, 0.01));
 * // Each layer's area Σ σ ν/R is Σ_lines S(T) × the part of its Lorentzian on the grid
 * // (cells (−½, N − ½), as in the module example)
 * const c2 = 1.4387773538277202;
 * for (let l = 0; l < 2; l++) {
 *   const qT = 1 + 999 * (t[l]! - 1) / 2999;
 *   let want = 0;
 *   for (let j = 0; j < 2; j++) {
 *     const nuj = lines.nu[j]!;
 *     const s = lines.lineStrengthRef[j]! / (qT / 100) *
 *       Math.exp(-c2 * lines.elower[j]! * (1 / t[l]! - 1 / 296)) *
 *       (1 - Math.exp(-c2 * nuj / t[l]!)) / (1 - Math.exp(-c2 * nuj / 296));
 *     const x0 = 1e5 * Math.log(nuj / 4300);
 *     const g = lines.alphaRef[j]! * p[l]! * (296 / t[l]!) ** lines.nTemp[j]! * 1e5 / nuj;
 *     want += s * (1 - (Math.atan(g / (x0 + 0.5)) + Math.atan(g / (255.5 - x0))) / Math.PI);
 *   }
 *   let area = 0;
 *   for (let i = 0; i < 256; i++) area += xs[l * 256 + i]! * nu[i]! / 1e5;
 *   assert.ok(Math.abs(area / want - 1) < 2e-4); // E″ interpolation: 1e-4 in autoTrange
 * }
 * ```
 */
export function createOpaPremodit(
  lines: LineList,
  nuGrid: Float64Array,
  opts: OpaPremoditOptions = {},
): OpaPremodit {
  _checkLineList(lines);
  const nu = _checkEslog(nuGrid);
  const N = nu.length;
  const R = resolutionEslog(nu);
  const diffmode = opts.diffmode ?? 2;
  if (diffmode !== 0 && diffmode !== 1 && diffmode !== 2) {
    throw new RangeError(`opts.diffmode must be 0, 1 or 2, got ${diffmode}`);
  }
  const allowOutside = opts.allowOutsideRange ?? false;
  const nuSplit = opts.nuSplit ?? "quadratic";
  if (nuSplit !== "quadratic" && nuSplit !== "linear") {
    throw new RangeError(
      `opts.nuSplit must be "quadratic" or "linear", got ${String(nuSplit)}`,
    );
  }
  if (nuSplit === "quadratic" && N < 3) {
    throw new RangeError(
      `opts.nuSplit "quadratic" needs at least 3 grid points, got ${N}`,
    );
  }

  // ---- E″ grid parameters ----
  let tmin: number;
  let tmax: number;
  let tref: number;
  let twt: number;
  let dE: number;
  if (opts.manualParams !== undefined) {
    const mp = opts.manualParams;
    dE = _checkPositive(mp.dE, "opts.manualParams.dE");
    tref = _checkPositive(mp.tref, "opts.manualParams.tref");
    twt = _checkPositive(mp.twt, "opts.manualParams.twt");
    tmin = Math.min(tref, twt);
    tmax = Math.max(tref, twt);
    if (opts.autoTrange !== undefined) {
      [tmin, tmax] = _checkRange(opts.autoTrange);
    }
  } else {
    [tmin, tmax] = _checkRange(opts.autoTrange ?? [500, 1500]);
    const tol = opts.strengthTolerance ?? 1e-4;
    _checkPositive(tol, "opts.strengthTolerance");
    const p = premoditOptimalParams(tmin, tmax, diffmode, tol);
    dE = p.dE;
    tref = p.tref;
    twt = p.twt;
  }

  // ---- lines inside the grid, strengths at Tref ----
  const idx: number[] = [];
  for (let i = 0; i < lines.nu.length; i++) {
    const v = lines.nu[i]!;
    if (v >= nu[0]! && v <= nu[N - 1]! && lines.lineStrengthRef[i]! > 0) {
      idx.push(i);
    }
  }
  if (idx.length === 0) {
    throw new RangeError(
      `no line with S > 0 falls inside nuGrid [${nu[0]}, ${nu[N - 1]}] cm⁻¹`,
    );
  }
  const nl = idx.length;
  const pf = lines.partitionFunction;
  const qTrefRatio = partitionFunctionAt(pf, tref) / lines.qtref;
  const qAtTref = partitionFunctionAt(pf, tref);
  const sT = new Float64Array(nl);
  const lnu = new Float64Array(nl);
  const le = new Float64Array(nl);
  let emin = Infinity;
  let emax = -Infinity;
  for (let k = 0; k < nl; k++) {
    const i = idx[k]!;
    const v = lines.nu[i]!;
    const e = lines.elower[i]!;
    lnu[k] = v;
    le[k] = e;
    sT[k] = lines.lineStrengthRef[i]! / qTrefRatio *
      Math.exp(-C2 * e * (1 / tref - 1 / lines.tref)) *
      Math.expm1(-C2 * v / tref) /
      Math.expm1(-C2 * v / lines.tref);
    emin = Math.min(emin, e);
    emax = Math.max(emax, e);
  }
  const nE = Math.floor((emax - emin) / dE) + 2;
  const elowerGrid = Float64Array.from({ length: nE }, (_, j) => emin + j * dE);

  // ---- broadening grid ----
  const br = _broadeningResolution(opts);
  const single = br.mode === "single";
  const trefB = single ? TREF : Math.sqrt(tmin * tmax);
  const ngRef = new Float64Array(nl);
  const nT = new Float64Array(nl);
  for (let k = 0; k < nl; k++) {
    const i = idx[k]!;
    nT[k] = lines.nTemp[i]!;
    ngRef[k] = lines.alphaRef[i]! * Math.pow(TREF / trefB, nT[k]!) * R /
      lnu[k]!;
    if (!(ngRef[k]! > 0)) {
      throw new RangeError(
        `lines.alphaRef[${i}] must be > 0 for PreMODIT, got ${
          lines.alphaRef[i]
        }`,
      );
    }
  }
  let gGrid: Float64Array;
  let nGrid: Float64Array;
  if (br.mode === "single") {
    if (br.value !== undefined) {
      const [g0, n0] = br.value;
      _checkPositive(g0, "opts.broadeningResolution.value[0]");
      _checkFiniteNumber(n0, "opts.broadeningResolution.value[1]");
      gGrid = new Float64Array([g0 / _median(lnu) * R]);
      nGrid = new Float64Array([n0]);
    } else {
      const a = new Float64Array(nl);
      for (let k = 0; k < nl; k++) {
        a[k] = lines.alphaRef[idx[k]!]! / lnu[k]! * R;
      }
      gGrid = new Float64Array([_median(a)]);
      nGrid = new Float64Array([_median(nT)]);
    }
  } else {
    const res = br.mode === "minmax" ? Infinity : br.value / (4 / 3);
    gGrid = _logGrid(ngRef, res);
    const weight = Math.max(
      Math.abs(Math.log(tmax / trefB)),
      Math.abs(Math.log(tmin / trefB)),
    );
    nGrid = _linearGrid(nT, res, weight);
  }

  // ---- per-line broadening corners → bins ----
  const nNg = nGrid.length;
  const binOf = new Map<number, number>();
  const binG: number[] = [];
  const binN: number[] = [];
  const lineCorners: { bin: number[]; w: number[] }[] = [];
  for (let k = 0; k < nl; k++) {
    const bins: number[] = [];
    const ws: number[] = [];
    if (single) {
      bins.push(_bin(binOf, binG, binN, 0, 0, gGrid, nGrid, nNg));
      ws.push(1);
    } else {
      const [ig, cg] = _locate(gGrid, ngRef[k]!);
      const [iN, cN] = _locate(nGrid, nT[k]!);
      const corners: [number, number, number][] = [
        [ig, iN, (1 - cg) * (1 - cN)],
        [ig + 1, iN, cg * (1 - cN)],
        [ig, iN + 1, (1 - cg) * cN],
        [ig + 1, iN + 1, cg * cN],
      ];
      for (const [a, b, w] of corners) {
        if (w === 0) continue;
        bins.push(_bin(binOf, binG, binN, a, b, gGrid, nGrid, nNg));
        ws.push(w);
      }
    }
    lineCorners.push({ bin: bins, w: ws });
  }
  const nb = binG.length;

  // ---- LBD (sparse) ----
  const lnNu0 = Math.log(nu[0]!);
  const lnGrid = Float64Array.from(nu, (v) => Math.log(v));
  const entryOf = new Map<number, number>();
  const eSlot: number[] = [];
  const eE: number[] = [];
  const e0: number[] = [];
  const e1: number[] = [];
  const e2: number[] = [];
  const add = (
    slot: number,
    ie: number,
    c0: number,
    c1: number,
    c2: number,
  ): void => {
    const key = slot * nE + ie;
    let j = entryOf.get(key);
    if (j === undefined) {
      j = eSlot.length;
      entryOf.set(key, j);
      eSlot.push(slot);
      eE.push(ie);
      e0.push(0);
      e1.push(0);
      e2.push(0);
    }
    e0[j] = e0[j]! + c0;
    e1[j] = e1[j]! + c1;
    e2[j] = e2[j]! + c2;
  };
  const splitW = new Float64Array(3);
  for (let k = 0; k < nl; k++) {
    // position of the line centre in grid cells, q = R ln ν
    const lq = Math.log(lnu[k]!);
    let iv = Math.min(N - 2, Math.max(0, Math.floor((lq - lnNu0) * R)));
    while (iv > 0 && lnGrid[iv]! > lq) iv--;
    while (iv < N - 2 && lnGrid[iv + 1]! <= lq) iv++;
    const cv = Math.min(
      1,
      Math.max(0, (lq - lnGrid[iv]!) / (lnGrid[iv + 1]! - lnGrid[iv]!)),
    );
    // E″ split
    const ie = Math.min(nE - 2, Math.max(0, Math.floor((le[k]! - emin) / dE)));
    const delta = Math.min(dE, Math.max(0, le[k]! - elowerGrid[ie]!));
    const [w0, w1r, w2r] = lbdWeightCoefficients(delta, dE, tref, twt);
    const w1 = diffmode >= 1 ? w1r : 0;
    const w2 = diffmode >= 2 ? w2r : 0;
    // Grid points and weights of the ν split (see OpaPremoditOptions.nuSplit).
    let i0: number;
    let nSplit: number;
    if (nuSplit === "linear") {
      i0 = iv;
      nSplit = 2;
      splitW[0] = 1 - cv;
      splitW[1] = cv;
    } else {
      const pos = iv + cv;
      const ic = Math.min(N - 2, Math.max(1, Math.round(pos)));
      const dd = pos - ic;
      i0 = ic - 1;
      nSplit = 3;
      splitW[0] = 0.5 * dd * (dd - 1);
      splitW[1] = 1 - dd * dd;
      splitW[2] = 0.5 * dd * (dd + 1);
    }
    const { bin, w } = lineCorners[k]!;
    for (let c = 0; c < bin.length; c++) {
      const sb = sT[k]! * w[c]!;
      for (let d = 0; d < nSplit; d++) {
        const wv = splitW[d]!;
        if (wv === 0) continue;
        const slot = bin[c]! * N + i0 + d;
        const s = sb * wv;
        add(slot, ie, s * (1 - w0), -s * w1, -s * w2);
        add(slot, ie + 1, s * w0, s * w1, s * w2);
      }
    }
  }
  const nEnt = eSlot.length;
  const entSlot = Int32Array.from(eSlot);
  const entE = Int32Array.from(eE);
  const ent0 = Float64Array.from(e0);
  const ent1 = Float64Array.from(e1);
  const ent2 = Float64Array.from(e2);
  const binNg = Float64Array.from(binG);
  const binNt = Float64Array.from(binN);

  const sigmaQFactor = DOPPLER_CONST * R / Math.sqrt(lines.molmass);
  const tables: PremoditTables = {
    nu,
    resolution: R,
    tmin,
    tmax,
    allowOutsideRange: allowOutside,
    tref,
    twt,
    trefBroadening: trefB,
    partitionFunction: pf,
    qAtTref,
    elowerGrid,
    entSlot,
    entE,
    ent0,
    ent1,
    ent2,
    binNgammaRef: binNg,
    binNTexp: binNt,
    sigmaQFactor,
    ...(opts.rfftPlan ? { rfftPlan: opts.rfftPlan } : {}),
  };
  const layer = createPremoditLayer(tables);
  function xsInto(
    t: number,
    pBar: number,
    out: Float64Array,
    off: number,
    stage: string,
    k: number,
  ): void {
    layer.spectra(t, pBar, false, false, stage, k);
    layer.inverseInto(layer.accRe, layer.accIm, out, off);
  }
  const opa: OpaPremodit = {
    method: "premodit",
    nuGrid: nu,
    resolution: R,
    tref,
    twt,
    dE,
    elowerGrid,
    trefBroadening: trefB,
    ngammaRefGrid: gGrid,
    nTexpGrid: nGrid,
    nBroadening: nb,
    binNgammaRef: binNg,
    binNTexp: binNt,
    nLbdEntries: nEnt,
    nLines: nl,
    diffmode,
    tRange: [tmin, tmax] as const,
    tables,
    xsvector(t: number, pBar: number): Float64Array {
      const out = new Float64Array(N);
      xsInto(t, pBar, out, 0, "premodit.xsvector", -1);
      return out;
    },
    xsmatrix(t: Float64Array, pBar: Float64Array): Float64Array {
      _checkF64(t, "t");
      _checkSameLength(pBar, "pBar", t.length);
      const out = new Float64Array(t.length * N);
      for (let k = 0; k < t.length; k++) {
        xsInto(t[k]!, pBar[k]!, out, k * N, "premodit.xsmatrix", k);
      }
      return out;
    },
  };
  return opa;
}

export type { PremoditTables } from "./premodit_layer.ts";

/** @deprecated Use {@link PremoditTables}. */
export type _PremoditCore = PremoditTables;

/**
 * The tables of a calculator made by {@link createOpaPremodit}, checked (`opa.tables`; for the
 * derivative rules).
 *
 * @param opa A PreMODIT calculator.
 * @returns Its tables.
 * @throws {TypeError} When `opa` was not created by {@link createOpaPremodit}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _premoditCore, createOpaPremodit } from "./premodit.ts";
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
 * const core = _premoditCore(opa);
 * assert.strictEqual(core, opa.tables);
 * assert.strictEqual(core.nu.length, 64);
 * ```
 */
export function _premoditCore(opa: OpaPremodit): PremoditTables {
  const c = typeof opa === "object" && opa !== null
    ? (opa as { tables?: PremoditTables }).tables
    : undefined;
  if (c === undefined || !(c.entSlot instanceof Int32Array)) {
    throw new TypeError(
      "opa must be a calculator created by createOpaPremodit()",
    );
  }
  return c;
}

function _checkEslog(nuGrid: Float64Array): Float64Array {
  _checkF64(nuGrid, "nuGrid");
  const n = nuGrid.length;
  if (n < 4) {
    throw new TypeError(`nuGrid must have at least 4 points, got ${n}`);
  }
  for (let i = 0; i < n; i++) {
    const v = nuGrid[i]!;
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(`nuGrid[${i}] must be finite and > 0, got ${v}`);
    }
    if (i > 0 && !(v > nuGrid[i - 1]!)) {
      throw new RangeError(
        `nuGrid must be strictly ascending, got nuGrid[${i}] = ${v} after ${
          nuGrid[i - 1]
        }`,
      );
    }
  }
  const d = Math.log(nuGrid[n - 1]! / nuGrid[0]!) / (n - 1);
  for (let i = 1; i < n; i++) {
    const di = Math.log(nuGrid[i]! / nuGrid[i - 1]!);
    if (Math.abs(di / d - 1) > 1e-5) {
      throw new RangeError(
        `nuGrid must be evenly spaced in ln ν (ESLOG): step ${i} is ${di}, mean step ${d}`,
      );
    }
  }
  return nuGrid.slice();
}

function _checkRange(r: readonly [number, number]): [number, number] {
  if (!Array.isArray(r) || r.length !== 2) {
    throw new TypeError(
      `opts.autoTrange must be [tmin, tmax], got ${JSON.stringify(r)}`,
    );
  }
  const [a, b] = r;
  _checkPositive(a, "opts.autoTrange[0]");
  _checkPositive(b, "opts.autoTrange[1]");
  if (a > b) {
    throw new RangeError(
      `opts.autoTrange must satisfy tmin <= tmax, got [${a}, ${b}]`,
    );
  }
  return [a, b];
}

function _broadeningResolution(opts: OpaPremoditOptions): BroadeningResolution {
  if (opts.ditGridResolution !== undefined) {
    return {
      mode: "manual",
      value: _checkPositive(opts.ditGridResolution, "opts.ditGridResolution"),
    };
  }
  const br = opts.broadeningResolution ?? { mode: "manual", value: 1 };
  if (br.mode === "manual") {
    _checkPositive(br.value, "opts.broadeningResolution.value");
  } else if (br.mode !== "minmax" && br.mode !== "single") {
    throw new RangeError(
      `opts.broadeningResolution.mode must be manual, minmax or single, got ${
        (br as { mode: string }).mode
      }`,
    );
  }
  return br;
}

function _median(a: Float64Array): number {
  const s = a.slice().sort();
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : 0.5 * (s[n / 2 - 1]! + s[n / 2]!);
}

/** ExoJAX `ditgrid_log_interval` (adopt = true). */
function _logGrid(x: Float64Array, res: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const l0 = Math.log(lo);
  const l1 = Math.log(hi);
  const ng = Math.floor((l1 - l0) / res) + 2;
  const g = Float64Array.from(
    { length: ng },
    (_, i) => Math.exp(l0 + (l1 - l0) * i / (ng - 1)),
  );
  g[0] = lo * (1 - 1e-15);
  g[ng - 1] = Math.max(g[ng - 1]!, hi) * (1 + 1e-15);
  return g;
}

/** ExoJAX `ditgrid_linear_interval` (adopt = true) with weight |ln(T/Tref_b)|. */
function _linearGrid(
  x: Float64Array,
  res: number,
  weight: number,
): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const w = weight > 0 ? weight : 1;
  const ng = Math.floor(w * (hi - lo) / res) + 2;
  const span = hi - lo;
  const eps = 1e-12 * Math.max(Math.abs(lo), Math.abs(hi), 1);
  const g = Float64Array.from(
    { length: ng },
    (_, i) => lo + span * i / (ng - 1),
  );
  g[0] = lo - eps;
  g[ng - 1] = hi + eps;
  return g;
}

/** Index i and fraction c of x in an ascending grid (g[i] ≤ x ≤ g[i+1]), linear in x. */
function _locate(g: Float64Array, x: number): [number, number] {
  let lo = 0;
  let hi = g.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (g[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const c = (x - g[lo]!) / (g[hi]! - g[lo]!);
  return [lo, Math.min(1, Math.max(0, c))];
}

function _bin(
  binOf: Map<number, number>,
  binG: number[],
  binN: number[],
  ig: number,
  iN: number,
  gGrid: Float64Array,
  nGrid: Float64Array,
  nNg: number,
): number {
  const key = ig * nNg + iN;
  let b = binOf.get(key);
  if (b === undefined) {
    b = binG.length;
    binOf.set(key, b);
    binG.push(gGrid[ig]!);
    binN.push(nGrid[iN]!);
  }
  return b;
}
