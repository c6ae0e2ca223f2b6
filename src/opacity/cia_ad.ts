/**
 * Hand-derived derivatives of the CIA stage `logaciaMatrix(T) → [L][N]` (log10 of the CIA
 * coefficient) with respect to the layer temperatures T [K].
 *
 * log10 k is linear in T between table temperatures, so ∂ log10 k/∂T is the slope of the table
 * interval the forward interpolates in: [T_j, T_j+1) with T_j ≤ T < T_j+1. At an interior
 * table node the derivative is therefore the right-hand slope (of [T_j, T_j+1]); at the last
 * node it is the left-hand slope. With `clampTemperature`, a T outside the table is clamped by
 * the forward, so its derivative is 0 (at T = tmax or tmin exactly, the one-sided slope from
 * inside). Each layer depends on its own T only: the Jacobian is diagonal in layers.
 *
 * The slopes per interval are precomputed once from the calculator itself,
 * (logaciaVector(T_j+1) − logaciaVector(T_j))/(T_j+1 − T_j), which is exactly the T-derivative
 * of the forward's interpolation (the ν mapping is linear in log10 k).
 *
 * Rule styles (as in `premodit_ad.ts`): `logaciaMatrixPartials(T)` → `{ logacia, dlogaciadT }`;
 * and, in the stage convention of `../ad/first_order.ts` ({@link StageJvp}, {@link StageVjp};
 * cotangents positionally in the input order `[T]` of the `logaciaMatrix` primitive),
 * `logaciaMatrixJvp(T, tT)` with K tangents [K][L] (`null` = zero) → `{ out, dout }`,
 * `logaciaMatrixVjp(T, ct)` → `[tBar]`, and `logaciaMatrixWithVjp(T)` →
 * `{ out, pullback(ct) → [tBar] }`, built on its two halves on explicit arrays (for backend
 * stages, `src/opacity/kernels.ts`): `logaciaMatrixResiduals(T)` → `{ out, intervals }` and
 * `logaciaMatrixPullbackInto(intervals, ct, tBar)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaCia } from "./cia.ts";
 * import { createCiaAd } from "./cia_ad.ts";
 * const table = {
 *   pair: "H2-H2", nu: new Float64Array([100, 200]), t: new Float64Array([100, 300]),
 *   logk: new Float64Array([-46, -45, -44, -43]),
 * };
 * const ad = createCiaAd(createOpaCia(table, new Float64Array([150])));
 * const { logacia, dlogaciadT } = ad.logaciaMatrixPartials(new Float64Array([200]));
 * // "digitize": ν = 150 uses the ν = 200 column, −45 at 100 K and −43 at 300 K (linear in T)
 * assert.ok(Math.abs(logacia[0]! + 44) < 1e-12);
 * assert.ok(Math.abs(dlogaciadT[0]! - 2 / 200) < 1e-15); // 0.01 dex/K
 * ```
 *
 * @module
 */

import type { StageJvp, StageVjp } from "../ad/first_order.ts";
import type { OpaCia } from "./cia.ts";

/** Value and per-layer derivative of `logaciaMatrix`. */
export interface CiaPartials {
  /** log10 k [L][N] [log10 cm⁵ molecule⁻²], as `opa.logaciaMatrix`. */
  readonly logacia: Float64Array;
  /** ∂ log10 k_l/∂T_l [L][N] [dex/K]. */
  readonly dlogaciadT: Float64Array;
}

/** Derivative rules of one CIA calculator, returned by {@link createCiaAd}. */
export interface CiaAd {
  /** The calculator the rules differentiate. */
  readonly opa: OpaCia;
  /**
   * log10 k and its per-layer T-derivative.
   *
   * @param t Layer temperatures [K], length L.
   * @returns `{ logacia, dlogaciadT }`, each [L][N].
   */
  logaciaMatrixPartials(t: Float64Array): CiaPartials;
  /**
   * Forward mode with K tangent directions.
   *
   * @param t Layer temperatures [K], length L.
   * @param tT Temperature tangents [K][L] [K], or null for zero.
   * @returns `{ out, dout }`: log10 k [L][N] and its tangents [K][L][N] [dex per unit of the
   *   tangent direction] (K = 0 for null).
   */
  logaciaMatrixJvp(t: Float64Array, tT: Float64Array | null): StageJvp;
  /**
   * Reverse mode: tBar_l = Σ_ν ct[l, ν] ∂ log10 k_l(ν)/∂T_l.
   *
   * @param t Layer temperatures [K], length L.
   * @param ct Cotangent [L][N].
   * @returns `[tBar]`: the cotangent of T [L] (the only input), positionally.
   */
  logaciaMatrixVjp(t: Float64Array, ct: Float64Array): [tBar: Float64Array];
  /**
   * Reverse mode for a tape: the value now and a pullback (keeps the layers' interval indices).
   *
   * @param t Layer temperatures [K], length L.
   * @returns `{ out, pullback }`: log10 k [L][N] and the pullback `ct [L][N] → [tBar]`
   *   (positional, as {@link CiaAd.logaciaMatrixVjp}).
   */
  logaciaMatrixWithVjp(t: Float64Array): StageVjp;
  /**
   * The forward pass of {@link CiaAd.logaciaMatrixWithVjp}: the value and the residual its
   * pullback reads, the table interval of each layer.
   *
   * @param t Layer temperatures [K], length L.
   * @returns `{ out, intervals }`: log10 k [L][N] and, per layer, the index j of the table
   *   interval [T_j, T_j+1] whose slope is ∂ log10 k/∂T (−1: zero derivative, e.g. clamped).
   */
  logaciaMatrixResiduals(
    t: Float64Array,
  ): { out: Float64Array; intervals: Int32Array };
  /**
   * The pullback of {@link CiaAd.logaciaMatrixWithVjp} on an explicit residual:
   * tBar_l = Σ_ν ct[l, ν] ∂ log10 k_l(ν)/∂T_l, into `tBar`. Never writes its inputs.
   *
   * @param intervals The intervals of {@link CiaAd.logaciaMatrixResiduals} (an Int32Array,
   *   or the same exact integers in a Float64Array), length L.
   * @param ct Cotangent [L][N].
   * @param tBar Cotangent of T [L], overwritten.
   * @throws {TypeError} For a ct or tBar of the wrong length.
   */
  logaciaMatrixPullbackInto(
    intervals: Int32Array | Float64Array,
    ct: Float64Array,
    tBar: Float64Array,
  ): void;
}

/**
 * Builds the T-derivative rules of a CIA calculator (see the module documentation).
 *
 * @param opa A calculator from `createOpaCia`.
 * @returns The rules.
 * @throws {TypeError} When `opa` is not a CIA calculator.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaCia } from "./cia.ts";
 * import { createCiaAd } from "./cia_ad.ts";
 * import { loadCia } from "../db/cia.ts";
 * const cia = await loadCia("../shared/data/CIA/H2-H2_Borysow.cia");
 * const ad = createCiaAd(createOpaCia(cia, new Float64Array([4299.0, 4300.0])));
 * const t = new Float64Array([1200, 1300]);
 * const { dout: dlogacia } = ad.logaciaMatrixJvp(t, new Float64Array([1, 1]));
 * const [tBar] = ad.logaciaMatrixVjp(t, new Float64Array([1, 0, 0, 0]));
 * // J is diagonal in layers, so both give ∂log k[layer 0, ν 0]/∂T₀: ⟨e₀, J·1⟩ = ⟨Jᵀe₀, 1⟩
 * assert.strictEqual(dlogacia[0], tBar[0]);
 * assert.strictEqual(tBar[1], 0); // layer 0 does not depend on T₁
 * // the tape rule gives the same cotangents, positionally
 * const [tBar2] = ad.logaciaMatrixWithVjp(t).pullback(new Float64Array([1, 0, 0, 0]));
 * assert.deepStrictEqual(tBar2, tBar);
 * // Both T lie in the table interval [1000, 2000] K. ν = 4299 uses the ν = 4300 column, whose
 * // file values are 1.087E-44 (1000 K) and 2.133E-44 (2000 K): the slope in dex/K is
 * const slope = (Math.log10(2.133e-44) - Math.log10(1.087e-44)) / 1000;
 * assert.ok(Math.abs(dlogacia[0]! / slope - 1) < 1e-12);
 * // (ν = 4300 itself is a node, so "digitize" (right=False) takes the next column, 4320 cm⁻¹:
 * // 1.070E-44 and 2.104E-44.)
 * const slope4320 = (Math.log10(2.104e-44) - Math.log10(1.070e-44)) / 1000;
 * assert.ok(Math.abs(dlogacia[1]! / slope4320 - 1) < 1e-12);
 * ```
 */
export function createCiaAd(opa: OpaCia): CiaAd {
  if (
    typeof opa !== "object" || opa === null ||
    typeof opa.logaciaVector !== "function" ||
    !(opa.nuGrid instanceof Float64Array) ||
    !(opa.table?.t instanceof Float64Array)
  ) {
    throw new TypeError("opa must be a calculator created by createOpaCia()");
  }
  const n = opa.nuGrid.length;
  const tt = opa.table.t;
  const nT = tt.length;
  const tmin = tt[0]!;
  const tmax = tt[nT - 1]!;
  // slope[j] = ∂ log10 k/∂T on [tt[j], tt[j+1]], [nT − 1][n]
  const slope = new Float64Array(Math.max(0, nT - 1) * n);
  if (nT > 1) {
    let prev = opa.logaciaVector(tt[0]!);
    for (let j = 0; j + 1 < nT; j++) {
      const next = opa.logaciaVector(tt[j + 1]!);
      const inv = 1 / (tt[j + 1]! - tt[j]!);
      for (let i = 0; i < n; i++) {
        slope[j * n + i] = (next[i]! - prev[i]!) * inv;
      }
      prev = next;
    }
  }

  /** Interval index of each layer (−1: zero derivative). */
  function intervals(t: Float64Array): Int32Array {
    const iv = new Int32Array(t.length);
    for (let l = 0; l < t.length; l++) {
      const tv = t[l]!;
      if (nT < 2 || !(tv >= tmin && tv <= tmax)) {
        iv[l] = -1;
        continue;
      }
      let lo = 0;
      let hi = nT - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (tt[mid]! <= tv) lo = mid;
        else hi = mid;
      }
      iv[l] = lo;
    }
    return iv;
  }

  function checkT(t: Float64Array): void {
    if (!(t instanceof Float64Array)) {
      throw new TypeError("t must be a Float64Array of temperatures [K]");
    }
  }

  function checkCt(ct: Float64Array, nl: number): void {
    if (!(ct instanceof Float64Array)) {
      throw new TypeError("ct must be a Float64Array [L][N]");
    }
    if (ct.length !== nl * n) {
      throw new TypeError(
        `ct must have length L·N = ${nl}·${n}, got ${ct.length}`,
      );
    }
  }

  function contractInto(
    iv: Int32Array | Float64Array,
    ct: Float64Array,
    tBar: Float64Array,
  ): void {
    const nl = iv.length;
    for (let l = 0; l < nl; l++) {
      const j = iv[l]!;
      if (j < 0) {
        tBar[l] = 0;
        continue;
      }
      let s = 0;
      const o = l * n;
      const so = j * n;
      for (let i = 0; i < n; i++) s += ct[o + i]! * slope[so + i]!;
      tBar[l] = s;
    }
  }

  function contract(iv: Int32Array, ct: Float64Array): Float64Array {
    const tBar = new Float64Array(iv.length);
    contractInto(iv, ct, tBar);
    return tBar;
  }

  function residuals(
    t: Float64Array,
  ): { out: Float64Array; intervals: Int32Array } {
    checkT(t);
    const logacia = opa.logaciaMatrix(t);
    return { out: logacia, intervals: intervals(t) };
  }

  return {
    opa,
    logaciaMatrixPartials(t: Float64Array): CiaPartials {
      checkT(t);
      const logacia = opa.logaciaMatrix(t);
      const iv = intervals(t);
      const d = new Float64Array(t.length * n);
      for (let l = 0; l < t.length; l++) {
        const j = iv[l]!;
        if (j >= 0) d.set(slope.subarray(j * n, (j + 1) * n), l * n);
      }
      return { logacia, dlogaciadT: d };
    },
    logaciaMatrixJvp(t: Float64Array, tT: Float64Array | null): StageJvp {
      checkT(t);
      const nl = t.length;
      if (tT !== null && !(tT instanceof Float64Array)) {
        throw new TypeError("tT must be a Float64Array [K][L] or null");
      }
      if (
        tT !== null && (nl === 0 ? tT.length !== 0 : tT.length % nl !== 0)
      ) {
        throw new TypeError(
          `tT must have length K·L (L = ${nl}), got ${tT.length}`,
        );
      }
      const logacia = opa.logaciaMatrix(t);
      const K = tT === null || nl === 0 ? 0 : tT.length / nl;
      const iv = intervals(t);
      const d = new Float64Array(K * nl * n);
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < nl; l++) {
          const j = iv[l]!;
          const a = tT![k * nl + l]!;
          if (j < 0 || a === 0) continue;
          const o = (k * nl + l) * n;
          const so = j * n;
          for (let i = 0; i < n; i++) d[o + i] = a * slope[so + i]!;
        }
      }
      return { out: logacia, dout: d };
    },
    logaciaMatrixVjp(
      t: Float64Array,
      ct: Float64Array,
    ): [tBar: Float64Array] {
      checkT(t);
      checkCt(ct, t.length);
      opa.logaciaMatrix(t); // validates T exactly as the forward does
      return [contract(intervals(t), ct)];
    },
    logaciaMatrixWithVjp(t: Float64Array): StageVjp {
      const { out, intervals: iv } = residuals(t);
      return {
        out,
        pullback(ct: Float64Array): (Float64Array | null)[] {
          checkCt(ct, iv.length);
          return [contract(iv, ct)];
        },
      };
    },
    logaciaMatrixResiduals: residuals,
    logaciaMatrixPullbackInto(
      iv: Int32Array | Float64Array,
      ct: Float64Array,
      tBar: Float64Array,
    ): void {
      checkCt(ct, iv.length);
      if (!(tBar instanceof Float64Array) || tBar.length !== iv.length) {
        throw new TypeError(
          `tBar must be a Float64Array of length L = ${iv.length}`,
        );
      }
      contractInto(iv, ct, tBar);
    },
  };
}
