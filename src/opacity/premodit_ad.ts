/**
 * Hand-derived derivatives of PreMODIT's `xsmatrix(T, P)` with respect to the layer
 * temperatures T [K] and pressures P [bar] (forward mode with a batch of K tangents, reverse
 * mode, and the per-layer partials both are built on).
 *
 * Every layer l depends only on its own (T_l, P_l), so the Jacobian is two diagonal blocks:
 * ∂σ_l/∂T_l and ∂σ_l/∂P_l, both [N] vectors. They are computed in the same Fourier-space pass
 * as σ_l, by the layer kernel that the forward `opa.xsmatrix` itself runs
 * (`premodit_layer.ts`, where each stage's derivative is written out), so the primal of every
 * rule is the forward's σ bit for bit.
 *
 * Rule styles (the same in `cia_ad.ts`); the JVP and reverse rules return the stage convention
 * of `../ad/first_order.ts` ({@link StageJvp}, {@link StageVjp}), cotangents positionally in
 * the input order `[T, P]` of the `xsmatrix` primitive:
 * - `xsmatrixPartials(T, P)` → `{ xs, dxsdT, dxsdP }`;
 * - `xsmatrixJvp(T, P, tT, tP)` with K tangents stacked as [K][L] (`null` = zero) →
 *   `{ out: σ [L][N], dout: [K][L][N] }`;
 * - `xsmatrixVjp(T, P, ct)` → `[tBar, pBar]` (recomputes; cheapest when no primal is needed);
 * - `xsmatrixWithVjp(T, P, needs?)` → `{ out: σ, pullback(ct) → [tBar, pBar] }` (null for the
 *   cotangent `needs` does not ask for): keeps the spectra of the partials that `needs` asks
 *   for as residuals; each pullback transforms the cotangent rows (one real FFT per layer) and
 *   takes the dot products in Fourier space (Parseval);
 * - the same two halves on explicit arrays, for backend stages (`src/opacity/kernels.ts`):
 *   `xsmatrixResidualsInto(T, P, out, sT, sP)` (σ and the spectra of the partials) and
 *   `xsmatrixPullbackInto(L, sT, sP, ct, tBar, pBar)`; `xsmatrixWithVjp` is built on them.
 *   {@link createPremoditRules} gives all the rules of a set of tables without the calculator.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditAd } from "./premodit_ad.ts";
 * const nu = Float64Array.from({ length: 256 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.3]), elower: new Float64Array([1000]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu);
 * const ad = createPremoditAd(opa);
 * const { xs, dxsdT } = ad.xsmatrixPartials(new Float64Array([1000]), new Float64Array([1]));
 * assert.strictEqual(dxsdT.length, 256);
 * // the primal is the forward's σ to rounding (1e-12 of the row maximum)
 * const x0 = opa.xsvector(1000, 1);
 * const xmax = Math.max(...x0);
 * assert.ok(x0.every((v, i) => Math.abs(v - xs[i]!) <= 1e-12 * xmax));
 * // against a central difference of the forward, h = 0.1 K (truncation O(h²) ≈ 5e-9 here)
 * const up = opa.xsvector(1000.1, 1);
 * const dn = opa.xsvector(999.9, 1);
 * let scale = 0;
 * for (let i = 0; i < 256; i++) scale = Math.max(scale, Math.abs(dxsdT[i]!));
 * for (let i = 0; i < 256; i++) {
 *   assert.ok(Math.abs((up[i]! - dn[i]!) / 0.2 - dxsdT[i]!) < 1e-7 * scale);
 * }
 * ```
 *
 * @module
 */

import type { StageJvp, StageVjp } from "../ad/first_order.ts";
import { createPremoditLayer } from "./premodit_layer.ts";
import { _checkF64, _checkSameLength } from "./line_strength.ts";
import {
  _premoditCore,
  type OpaPremodit,
  type PremoditTables,
} from "./premodit.ts";

/** Per-layer partial derivatives of the PreMODIT cross sections. */
export interface PremoditPartials {
  /** σ [L][N] [cm²/molecule], as `opa.xsmatrix`. */
  readonly xs: Float64Array;
  /** ∂σ_l/∂T_l [L][N] [cm²/molecule/K]. */
  readonly dxsdT: Float64Array;
  /** ∂σ_l/∂P_l [L][N] [cm²/molecule/bar]. */
  readonly dxsdP: Float64Array;
}

/**
 * Derivative rules (and the forward) of one set of PreMODIT tables, returned by
 * {@link createPremoditRules} (and, with the calculator, by {@link createPremoditAd}).
 */
export interface PremoditRules {
  /** Number of grid points N. */
  readonly n: number;
  /**
   * The forward σ of these tables, as `opa.xsmatrix` (same checks, same layer kernel, same
   * numbers), into `out`.
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param out σ [L][N] [cm²/molecule], overwritten.
   * @throws {TypeError} For wrong types or lengths (as `opa.xsmatrix`).
   * @throws {RangeError} As `opa.xsmatrix` (NonFiniteError for non-finite entries).
   */
  xsmatrixInto(t: Float64Array, pBar: Float64Array, out: Float64Array): void;
  /**
   * σ and its per-layer partials ∂σ_l/∂T_l, ∂σ_l/∂P_l.
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @returns `{ xs, dxsdT, dxsdP }`, each [L][N].
   */
  xsmatrixPartials(t: Float64Array, pBar: Float64Array): PremoditPartials;
  /**
   * Forward mode: σ and its derivative along K tangent directions (tT_k, tP_k).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param tT Temperature tangents [K][L] [K], or null for zero.
   * @param tP Pressure tangents [K][L] [bar], or null for zero.
   * @returns `{ out, dout }`: σ [L][N] [cm²/molecule] and its tangents [K][L][N]
   *   [cm²/molecule per unit of the tangent direction] (K = 0 when both tangents are null).
   */
  xsmatrixJvp(
    t: Float64Array,
    pBar: Float64Array,
    tT: Float64Array | null,
    tP: Float64Array | null,
  ): StageJvp;
  /**
   * Reverse mode: the cotangents of T and P for one output cotangent (no primal returned).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param ct Cotangent of σ, [L][N].
   * @returns `[tBar, pBar]`, each [L]: the cotangents of T (Σ_ν ct · ∂σ/∂T, [ct units · cm²/K])
   *   and of P (Σ_ν ct · ∂σ/∂P, [ct units · cm²/bar]), in the input order.
   */
  xsmatrixVjp(
    t: Float64Array,
    pBar: Float64Array,
    ct: Float64Array,
  ): [tBar: Float64Array, pBar: Float64Array];
  /**
   * Reverse mode for a tape: σ now, and a pullback that maps any number of cotangents
   * [L][N] to `[tBar, pBar]` (each [L], as {@link PremoditAd.xsmatrixVjp}) using the stored
   * spectra of the partials (2·L·(N + 1) doubles each).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param needs Which cotangents the pullback must return (default both); the other one is
   *   returned as null and its partial is not computed.
   * @returns `{ out, pullback }`: σ [L][N] and the pullback `ct → [tBar, pBar]` (positional, in
   *   the input order; null for an input `needs` leaves out).
   */
  xsmatrixWithVjp(
    t: Float64Array,
    pBar: Float64Array,
    needs?: { readonly t?: boolean; readonly pBar?: boolean },
  ): StageVjp;
  /**
   * The forward pass of {@link PremoditRules.xsmatrixWithVjp} into given arrays: σ and the
   * residuals its pullback reads, the spectra of ∂σ_l/∂T_l and ∂σ_l/∂P_l, laid out per layer l
   * as [re (N + 1), im (N + 1)] at offset 2·l·(N + 1).
   *
   * @param t Layer temperatures [K], length L.
   * @param pBar Layer pressures [bar], length L.
   * @param out σ [L][N] [cm²/molecule], overwritten.
   * @param sT Spectra of ∂σ/∂T, length 2·L·(N + 1), overwritten; null when tBar will not be
   *   wanted (that partial is then not computed).
   * @param sP Spectra of ∂σ/∂P, length 2·L·(N + 1), or null (likewise).
   * @throws {TypeError} For wrong types or lengths.
   * @throws {RangeError} As {@link PremoditRules.xsmatrixWithVjp} (NonFiniteError for
   *   non-finite entries).
   */
  xsmatrixResidualsInto(
    t: Float64Array,
    pBar: Float64Array,
    out: Float64Array,
    sT: Float64Array | null,
    sP: Float64Array | null,
  ): void;
  /**
   * The pullback of {@link PremoditRules.xsmatrixWithVjp} on explicit residuals: per layer,
   * one real FFT of the cotangent row and its Parseval dot products with the stored spectra.
   * Never writes the residuals, so it may be called any number of times.
   *
   * @param nl Number of layers L.
   * @param sT Spectra of ∂σ/∂T from {@link PremoditRules.xsmatrixResidualsInto}, or null.
   * @param sP Spectra of ∂σ/∂P, or null.
   * @param ct Cotangent of σ, [L][N].
   * @param tBar Cotangent of T [L] (Σ_ν ct · ∂σ/∂T), overwritten; null when not wanted.
   * @param pBar Cotangent of P [L] (Σ_ν ct · ∂σ/∂P), overwritten; null when not wanted.
   * @throws {TypeError} For a ct of the wrong length, or a wanted cotangent whose spectra are
   *   null, or arrays of the wrong length.
   */
  xsmatrixPullbackInto(
    nl: number,
    sT: Float64Array | null,
    sP: Float64Array | null,
    ct: Float64Array,
    tBar: Float64Array | null,
    pBar: Float64Array | null,
  ): void;
}

/** Derivative rules of one PreMODIT calculator, returned by {@link createPremoditAd}. */
export interface PremoditAd extends PremoditRules {
  /** The calculator the rules differentiate. */
  readonly opa: OpaPremodit;
}

/**
 * Builds the derivative rules of a PreMODIT calculator (see the module documentation).
 * Precomputes the DFTs of the wrap-around series (16 FFTs of length 2N) and the buffers of the
 * fused pass; the returned object reuses them, so it is not re-entrant (like the calculator).
 *
 * @param opa A calculator from {@link createOpaPremodit}.
 * @returns The rules.
 * @throws {TypeError} When `opa` was not created by `createOpaPremodit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditAd } from "./premodit_ad.ts";
 * const nu = Float64Array.from({ length: 128 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.2]), elower: new Float64Array([800]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const opa = createOpaPremodit(lines, nu);
 * const ad = createPremoditAd(opa);
 * const t = new Float64Array([900, 1100]);
 * const p = new Float64Array([0.1, 1]);
 * // two tangent directions: d/dT_0 and d/dP_1
 * const { dout: dxs } = ad.xsmatrixJvp(t, p, new Float64Array([1, 0, 0, 0]), new Float64Array([0, 0, 0, 1]));
 * const [tBar, pBar] = ad.xsmatrixVjp(t, p, new Float64Array(2 * 128).fill(1));
 * assert.strictEqual(dxs.length, 512); // [2 tangents][2 layers][128 ν]
 * assert.strictEqual(tBar.length, 2);
 * assert.strictEqual(pBar.length, 2);
 * // Layers are independent: tangent 0 (T₀) leaves layer 1 alone, tangent 1 (P₁) layer 0.
 * assert.ok(dxs.subarray(128, 384).every((v) => v === 0));
 * // Duality ⟨1, J e_T₀⟩ = ⟨Jᵀ1, e_T₀⟩ = tBar[0] (summation order only: 1e-12)
 * let sum = 0;
 * for (let i = 0; i < 128; i++) sum += dxs[i]!;
 * assert.ok(Math.abs(sum - tBar[0]!) < 1e-12 * Math.abs(tBar[0]!));
 * // The tape rule: σ now, cotangents later, positionally [tBar, pBar]; null where not needed.
 * const { out: xs, pullback } = ad.xsmatrixWithVjp(t, p, { pBar: false });
 * assert.strictEqual(xs.length, 256);
 * const [tBar2, pBar2] = pullback(new Float64Array(2 * 128).fill(1));
 * assert.strictEqual(pBar2, null);
 * assert.ok(Math.abs(tBar2![0]! - tBar[0]!) < 1e-12 * Math.abs(tBar[0]!));
 * // ∂σ₁/∂P₁ against a central difference of the forward, h = 1e-4 bar (truncation ≈ 3e-9)
 * const up = opa.xsvector(1100, 1 + 1e-4);
 * const dn = opa.xsvector(1100, 1 - 1e-4);
 * let scale = 0;
 * for (let i = 0; i < 128; i++) scale = Math.max(scale, Math.abs(dxs[384 + i]!));
 * for (let i = 0; i < 128; i++) {
 *   assert.ok(Math.abs((up[i]! - dn[i]!) / 2e-4 - dxs[384 + i]!) < 1e-7 * scale);
 * }
 * ```
 */
export function createPremoditAd(opa: OpaPremodit): PremoditAd {
  const core = _premoditCore(opa);
  return { opa, ...createPremoditRules(core) };
}

/**
 * Builds the derivative rules (and the forward) of a set of PreMODIT tables, without the
 * calculator: what {@link createPremoditAd} returns, less `opa`. Builds its own layer kernel
 * (an FFT plan of length 2N, from `tables.rfftPlan` when given, and the wrap-around spectra);
 * like the calculator it is not re-entrant.
 *
 * @param core The tables (`opa.tables`, or tables rebuilt from a stage's constants).
 * @returns The rules.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaPremodit } from "./premodit.ts";
 * import { createPremoditRules } from "./premodit_ad.ts";
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
 * const rules = createPremoditRules(opa.tables);
 * const t = new Float64Array([900, 1100]);
 * const p = new Float64Array([0.1, 1]);
 * const xs = new Float64Array(2 * 64);
 * const sT = new Float64Array(2 * 2 * 65); // [2 layers][re, im][N + 1]
 * rules.xsmatrixResidualsInto(t, p, xs, sT, null);
 * assert.deepStrictEqual(xs, opa.xsmatrix(t, p)); // the forward, bit for bit
 * const tBar = new Float64Array(2);
 * const ct = new Float64Array(128).fill(1);
 * rules.xsmatrixPullbackInto(2, sT, null, ct, tBar, null);
 * const [tBar2] = rules.xsmatrixWithVjp(t, p, { pBar: false }).pullback(ct);
 * assert.deepStrictEqual(tBar, tBar2);
 * ```
 */
export function createPremoditRules(core: PremoditTables): PremoditRules {
  const N = core.nu.length;
  const nk = N + 1;
  const layer = createPremoditLayer(core);
  const { accRe, accIm, accTRe, accTIm, accPRe, accPIm } = layer;
  const stage = "premodit.xsmatrix";
  const wRe = new Float64Array(nk);
  const wIm = new Float64Array(nk);
  const rowBuf2 = new Float64Array(N);
  const rowBuf3 = new Float64Array(N);

  function checkTP(t: Float64Array, pBar: Float64Array): number {
    if (!(t instanceof Float64Array)) {
      throw new TypeError("t must be a Float64Array of temperatures [K]");
    }
    if (!(pBar instanceof Float64Array)) {
      throw new TypeError("pBar must be a Float64Array of pressures [bar]");
    }
    if (pBar.length !== t.length) {
      throw new TypeError(
        `pBar must have the length of t (${t.length}), got ${pBar.length}`,
      );
    }
    return t.length;
  }

  function partials(t: Float64Array, pBar: Float64Array): PremoditPartials {
    const nl = checkTP(t, pBar);
    const xs = new Float64Array(nl * N);
    const dxsdT = new Float64Array(nl * N);
    const dxsdP = new Float64Array(nl * N);
    for (let l = 0; l < nl; l++) {
      layer.spectra(t[l]!, pBar[l]!, true, true, stage, l);
      layer.inverseInto(accRe, accIm, xs, l * N);
      layer.inverseInto(accTRe, accTIm, dxsdT, l * N);
      layer.inverseInto(accPRe, accPIm, dxsdP, l * N);
    }
    return { xs, dxsdT, dxsdP };
  }

  function tangentCount(
    tan: Float64Array | null,
    name: string,
    nl: number,
  ): number {
    if (tan === null) return -1;
    if (!(tan instanceof Float64Array)) {
      throw new TypeError(`${name} must be a Float64Array [K][L] or null`);
    }
    if (nl === 0 ? tan.length !== 0 : tan.length % nl !== 0) {
      throw new TypeError(
        `${name} must have length K·L (L = ${nl}), got ${tan.length}`,
      );
    }
    return nl === 0 ? 0 : tan.length / nl;
  }

  function jvp(
    t: Float64Array,
    pBar: Float64Array,
    tT: Float64Array | null,
    tP: Float64Array | null,
  ): StageJvp {
    const nl = checkTP(t, pBar);
    const kT = tangentCount(tT, "tT", nl);
    const kP = tangentCount(tP, "tP", nl);
    if (kT >= 0 && kP >= 0 && kT !== kP) {
      throw new TypeError(
        `tT and tP must hold the same number of tangents, got ${kT} and ${kP}`,
      );
    }
    const K = Math.max(kT, kP, 0);
    const xs = new Float64Array(nl * N);
    const dxs = new Float64Array(K * nl * N);
    for (let l = 0; l < nl; l++) {
      let wantT = false;
      let wantP = false;
      for (let k = 0; k < K; k++) {
        if (tT !== null && tT[k * nl + l] !== 0) wantT = true;
        if (tP !== null && tP[k * nl + l] !== 0) wantP = true;
      }
      layer.spectra(t[l]!, pBar[l]!, wantT, wantP, stage, l);
      layer.inverseInto(accRe, accIm, xs, l * N);
      if (!wantT && !wantP) continue;
      if (K === 1) {
        // one direction: combine the spectra, one inverse FFT
        const a = wantT ? tT![l]! : 0;
        const c = wantP ? tP![l]! : 0;
        for (let m = 0; m < nk; m++) {
          wRe[m] = (wantT ? a * accTRe[m]! : 0) +
            (wantP ? c * accPRe[m]! : 0);
          wIm[m] = (wantT ? a * accTIm[m]! : 0) +
            (wantP ? c * accPIm[m]! : 0);
        }
        layer.inverseInto(wRe, wIm, dxs, l * N);
        continue;
      }
      if (wantT) layer.inverseInto(accTRe, accTIm, rowBuf2, 0);
      if (wantP) layer.inverseInto(accPRe, accPIm, rowBuf3, 0);
      for (let k = 0; k < K; k++) {
        const a = wantT ? tT![k * nl + l]! : 0;
        const c = wantP ? tP![k * nl + l]! : 0;
        const off = (k * nl + l) * N;
        if (a !== 0 && c !== 0) {
          for (let i = 0; i < N; i++) {
            dxs[off + i] = a * rowBuf2[i]! + c * rowBuf3[i]!;
          }
        } else if (a !== 0) {
          for (let i = 0; i < N; i++) dxs[off + i] = a * rowBuf2[i]!;
        } else if (c !== 0) {
          for (let i = 0; i < N; i++) dxs[off + i] = c * rowBuf3[i]!;
        }
      }
    }
    return { out: xs, dout: dxs };
  }

  function checkCt(ct: Float64Array, nl: number): void {
    if (!(ct instanceof Float64Array)) {
      throw new TypeError("ct must be a Float64Array [L][N]");
    }
    if (ct.length !== nl * N) {
      throw new TypeError(
        `ct must have length L·N = ${nl}·${N}, got ${ct.length}`,
      );
    }
  }

  function vjp(
    t: Float64Array,
    pBar: Float64Array,
    ct: Float64Array,
  ): [tBar: Float64Array, pBar: Float64Array] {
    const nl = checkTP(t, pBar);
    checkCt(ct, nl);
    const tBar = new Float64Array(nl);
    const pBarOut = new Float64Array(nl);
    for (let l = 0; l < nl; l++) {
      if (!layer.setCotangent(ct, l * N)) {
        // still validate the inputs as the forward would
        layer.spectra(t[l]!, pBar[l]!, false, false, stage, l);
        continue;
      }
      layer.spectra(t[l]!, pBar[l]!, true, true, stage, l);
      tBar[l] = layer.dotCotangent(accTRe, accTIm);
      pBarOut[l] = layer.dotCotangent(accPRe, accPIm);
    }
    return [tBar, pBarOut];
  }

  function xsmatrixInto(
    t: Float64Array,
    pBar: Float64Array,
    out: Float64Array,
  ): void {
    // opa.xsmatrix (premodit.ts): the same checks and layer calls
    _checkF64(t, "t");
    _checkSameLength(pBar, "pBar", t.length);
    _checkSameLength(out, "out", t.length * N);
    for (let k = 0; k < t.length; k++) {
      layer.spectra(t[k]!, pBar[k]!, false, false, stage, k);
      layer.inverseInto(accRe, accIm, out, k * N);
    }
  }

  function checkSpectra(
    sp: Float64Array | null,
    nl: number,
    name: string,
  ): void {
    if (
      sp !== null && !(sp instanceof Float64Array && sp.length === 2 * nl * nk)
    ) {
      throw new TypeError(
        `${name} must be null or a Float64Array of length 2·L·(N + 1) = ${
          2 * nl * nk
        }`,
      );
    }
  }

  function residualsInto(
    t: Float64Array,
    pBar: Float64Array,
    xs: Float64Array,
    sT: Float64Array | null,
    sP: Float64Array | null,
  ): void {
    const nl = checkTP(t, pBar);
    _checkSameLength(xs, "out", nl * N);
    checkSpectra(sT, nl, "sT");
    checkSpectra(sP, nl, "sP");
    // Residuals: the spectra of ∂σ/∂T and ∂σ/∂P (N + 1 complex values per layer), dotted with
    // the transformed cotangent in the pullback (Parseval): one forward FFT per layer there
    // instead of two inverse FFTs here.
    const wantT = sT !== null;
    const wantP = sP !== null;
    for (let l = 0; l < nl; l++) {
      layer.spectra(t[l]!, pBar[l]!, wantT, wantP, stage, l);
      layer.inverseInto(accRe, accIm, xs, l * N);
      if (sT !== null) {
        sT.set(accTRe, 2 * l * nk);
        sT.set(accTIm, (2 * l + 1) * nk);
      }
      if (sP !== null) {
        sP.set(accPRe, 2 * l * nk);
        sP.set(accPIm, (2 * l + 1) * nk);
      }
    }
  }

  function pullbackInto(
    nl: number,
    sT: Float64Array | null,
    sP: Float64Array | null,
    ct: Float64Array,
    tb: Float64Array | null,
    pb: Float64Array | null,
  ): void {
    checkCt(ct, nl);
    checkSpectra(sT, nl, "sT");
    checkSpectra(sP, nl, "sP");
    if (tb !== null) {
      if (sT === null) {
        throw new TypeError("tBar is wanted but its residual sT is null");
      }
      _checkSameLength(tb, "tBar", nl);
      tb.fill(0);
    }
    if (pb !== null) {
      if (sP === null) {
        throw new TypeError("pBar is wanted but its residual sP is null");
      }
      _checkSameLength(pb, "pBar", nl);
      pb.fill(0);
    }
    if (tb === null && pb === null) return;
    for (let l = 0; l < nl; l++) {
      if (!layer.setCotangent(ct, l * N)) continue;
      const o = 2 * l * nk;
      if (tb !== null) {
        tb[l] = layer.dotCotangent(
          sT!.subarray(o, o + nk),
          sT!.subarray(o + nk, o + 2 * nk),
        );
      }
      if (pb !== null) {
        pb[l] = layer.dotCotangent(
          sP!.subarray(o, o + nk),
          sP!.subarray(o + nk, o + 2 * nk),
        );
      }
    }
  }

  function withVjp(
    t: Float64Array,
    pBar: Float64Array,
    needs?: { readonly t?: boolean; readonly pBar?: boolean },
  ): StageVjp {
    const nl = checkTP(t, pBar);
    const wantT = needs?.t ?? true;
    const wantP = needs?.pBar ?? true;
    const sT = wantT ? new Float64Array(2 * nl * nk) : null;
    const sP = wantP ? new Float64Array(2 * nl * nk) : null;
    const xs = new Float64Array(nl * N);
    residualsInto(t, pBar, xs, sT, sP);
    return {
      out: xs,
      pullback(ct: Float64Array): (Float64Array | null)[] {
        const tb = sT !== null ? new Float64Array(nl) : null;
        const pb = sP !== null ? new Float64Array(nl) : null;
        pullbackInto(nl, sT, sP, ct, tb, pb);
        return [tb, pb];
      },
    };
  }

  return {
    n: N,
    xsmatrixInto,
    xsmatrixPartials: partials,
    xsmatrixJvp: jvp,
    xsmatrixVjp: vjp,
    xsmatrixWithVjp: withVjp,
    xsmatrixResidualsInto: residualsInto,
    xsmatrixPullbackInto: pullbackInto,
  };
}
