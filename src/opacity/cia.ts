/**
 * Collision-induced absorption coefficients on a wavenumber grid, as ExoJAX v2.0's `OpaCIA`
 * (`interp_logacia_matrix` / `interp_logacia_vector` in `hitrancia.py`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaCia } from "./cia.ts";
 * const table = {
 *   pair: "H2-H2", nu: new Float64Array([100, 200]), t: new Float64Array([100, 300]),
 *   logk: new Float64Array([-46, -45, -44, -43]),
 * };
 * const opa = createOpaCia(table, new Float64Array([150]), { nuInterpolation: "linear" });
 * // logk is [T][ν]; midway in T and in ν: (−46 − 45 − 44 − 43)/4 = −44.5
 * assert.ok(Math.abs(opa.logaciaVector(200)[0]! + 44.5) < 1e-12);
 * ```
 *
 * @module
 */

import type { CiaTable } from "../db/cia.ts";
import { NonFiniteError } from "../errors.ts";

/** Options of {@linkcode createOpaCia}. */
export interface OpaCiaOptions {
  /**
   * How ν is mapped to the table (default "digitize"):
   * - "digitize": ExoJAX v2.0 — the table column `i` with nu[i−1] <= ν < nu[i]
   *   (`jnp.digitize`, the right neighbour; ν = nu[last] uses the last column), no interpolation in ν;
   * - "linear": log10 k interpolated linearly in ν between the two neighbouring columns.
   */
  readonly nuInterpolation?: "digitize" | "linear";
  /**
   * Clamp T to [tmin, tmax] like ExoJAX's `jnp.interp` instead of throwing (default false).
   */
  readonly clampTemperature?: boolean;
}

/** CIA opacity calculator returned by {@linkcode createOpaCia}. */
export interface OpaCia {
  /** The wavenumber grid [cm⁻¹]. */
  readonly nuGrid: Float64Array;
  /** The CIA table. */
  readonly table: CiaTable;
  /** The options the calculator was made with, defaults filled in. */
  readonly options: Readonly<Required<OpaCiaOptions>>;
  /**
   * log10 of the CIA coefficient [log10 cm⁵ molecule⁻²] for each temperature.
   *
   * @param t Layer temperatures [K], length nLayer.
   * @returns [nLayer][nnu] row-major.
   */
  logaciaMatrix(t: Float64Array): Float64Array;
  /**
   * log10 of the CIA coefficient [log10 cm⁵ molecule⁻²] at one temperature.
   *
   * @param t Temperature [K].
   * @returns [nnu].
   */
  logaciaVector(t: number): Float64Array;
}

/**
 * Builds a CIA opacity calculator on `nuGrid`. log10 k is interpolated linearly in T
 * (as ExoJAX's `jnp.interp(T, tcia, logac[:, i])`); in ν the table column is selected as
 * ExoJAX's `jnp.digitize` (default) or interpolated linearly (`nuInterpolation: "linear"`).
 *
 * @param table CIA table from `loadCia`.
 * @param nuGrid Wavenumber grid [cm⁻¹]; every value must lie within [table.nu[0], table.nu[last]].
 * @param opts ν mapping and temperature clamping.
 * @returns The calculator; its methods throw RangeError for T outside [tmin, tmax]
 *   (unless `clampTemperature`) or non-finite T.
 * @throws {TypeError} for a malformed table or grid.
 * @throws {RangeError} when a grid value lies outside the table's ν range.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createOpaCia } from "./cia.ts";
 * import { loadCia } from "../db/cia.ts";
 * const cia = await loadCia("../shared/data/CIA/H2-H2_Borysow.cia");
 * const opa = createOpaCia(cia, new Float64Array([4299.0]));
 * // "digitize" takes the right neighbour column, ν = 4300 cm⁻¹, and 200 K is a table node:
 * // the file's 200 K block reads "4300.0000  3.431E-45" (10^log10 round trip: 1e-12)
 * const k = 10 ** opa.logaciaVector(200)[0]!;
 * assert.ok(Math.abs(k / 3.431e-45 - 1) < 1e-12);
 * ```
 */
export function createOpaCia(
  table: CiaTable,
  nuGrid: Float64Array,
  opts: OpaCiaOptions = {},
): OpaCia {
  if (!(nuGrid instanceof Float64Array) || nuGrid.length === 0) {
    throw new TypeError(
      "createOpaCia(): nuGrid must be a non-empty Float64Array",
    );
  }
  const tnu = table.nu;
  const tt = table.t;
  const nnuT = tnu.length;
  const nT = tt.length;
  if (
    !(tnu instanceof Float64Array) || !(tt instanceof Float64Array) ||
    !(table.logk instanceof Float64Array)
  ) {
    throw new TypeError(
      "createOpaCia(): table.nu, table.t and table.logk must be Float64Arrays",
    );
  }
  if (nnuT === 0 || nT === 0 || table.logk.length !== nT * nnuT) {
    throw new TypeError(
      `createOpaCia(): table.logk has length ${table.logk.length}, expected nT × nnu = ${nT} × ${nnuT}`,
    );
  }
  const mode = opts.nuInterpolation ?? "digitize";
  if (mode !== "digitize" && mode !== "linear") {
    throw new RangeError(
      `createOpaCia(): nuInterpolation must be "digitize" or "linear", got ${
        JSON.stringify(mode)
      }`,
    );
  }
  const clamp = opts.clampTemperature ?? false;
  const nu0 = tnu[0]!;
  const nu1 = tnu[nnuT - 1]!;
  const n = nuGrid.length;
  // Per grid point: left column i0, right column i1, weight w of i1.
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = nuGrid[k]!;
    if (!(x >= nu0 && x <= nu1)) {
      throw new RangeError(
        `createOpaCia(): nuGrid[${k}] = ${x} cm⁻¹ is outside the CIA table range [${nu0}, ${nu1}] cm⁻¹ of ${table.pair}`,
      );
    }
    // d = number of table nodes <= x (np.digitize, right=False).
    let lo = 0;
    let hi = nnuT;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tnu[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    const d = lo;
    if (mode === "digitize") {
      const c = Math.min(d, nnuT - 1);
      i0[k] = c;
      i1[k] = c;
      w[k] = 0;
    } else {
      const a = Math.max(0, Math.min(d - 1, nnuT - 2));
      const b = Math.min(a + 1, nnuT - 1);
      i0[k] = a;
      i1[k] = b;
      w[k] = b === a ? 0 : (x - tnu[a]!) / (tnu[b]! - tnu[a]!);
    }
  }
  const logk = table.logk;

  const fill = (
    out: Float64Array,
    offset: number,
    t: number,
    where: string,
    parameter: string,
  ): void => {
    if (!Number.isFinite(t)) {
      throw new NonFiniteError(
        "opacity.cia",
        parameter,
        t,
        `${where}: temperature must be finite, got ${t}`,
      );
    }
    const tmin = tt[0]!;
    const tmax = tt[nT - 1]!;
    let tv = t;
    if (tv < tmin || tv > tmax) {
      if (!clamp) {
        throw new RangeError(
          `${where}: T = ${t} K is outside the CIA table range [${tmin}, ${tmax}] K of ${table.pair}`,
        );
      }
      tv = Math.min(Math.max(tv, tmin), tmax);
    }
    let ja = 0;
    let jb = 0;
    let wt = 0;
    if (nT > 1) {
      let lo = 0;
      let hi = nT - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (tt[mid]! <= tv) lo = mid;
        else hi = mid;
      }
      ja = lo;
      jb = hi;
      wt = (tv - tt[lo]!) / (tt[hi]! - tt[lo]!);
    }
    const ra = ja * nnuT;
    const rb = jb * nnuT;
    for (let k = 0; k < n; k++) {
      const a = i0[k]!;
      const b = i1[k]!;
      const wn = w[k]!;
      const va = (1 - wt) * logk[ra + a]! + wt * logk[rb + a]!;
      const vb = b === a ? va : (1 - wt) * logk[ra + b]! + wt * logk[rb + b]!;
      out[offset + k] = wn === 0 ? va : (1 - wn) * va + wn * vb;
    }
  };

  return {
    nuGrid,
    table,
    options: Object.freeze({ nuInterpolation: mode, clampTemperature: clamp }),
    logaciaMatrix(t: Float64Array): Float64Array {
      if (!(t instanceof Float64Array)) {
        throw new TypeError(
          "logaciaMatrix(): t must be a Float64Array of temperatures [K]",
        );
      }
      const out = new Float64Array(t.length * n);
      for (let l = 0; l < t.length; l++) {
        fill(out, l * n, t[l]!, `logaciaMatrix(): layer ${l}`, `t[${l}]`);
      }
      return out;
    },
    logaciaVector(t: number): Float64Array {
      if (typeof t !== "number") {
        throw new TypeError(
          `logaciaVector(): t must be a number, got ${typeof t}`,
        );
      }
      const out = new Float64Array(n);
      fill(out, 0, t, "logaciaVector()", "t");
      return out;
    },
  };
}
