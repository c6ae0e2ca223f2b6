// Private helpers shared by the derivative kernels of src/rt (*_ad.ts); not re-exported from mod.ts.
//
// Conventions of every src/rt/*_ad.ts kernel (the stage convention of src/ad/first_order.ts):
// - `xxxJvp(primals..., tangents)` evaluates the primal and a BATCH of K tangent directions in one
//   pass. `tangents` is an object `{ k, <input>: Float64Array | null, ... }`; each tangent has a
//   leading K dimension ([K][...inputShape], row-major flat; a scalar input's tangent has length K),
//   and `null` (or an omitted key) means zero. Returns a `StageJvp` `{ out, dout }` with dout
//   [K][...outShape].
// - `xxxWithVjp(primals...)` evaluates the primal once, saves the residuals the rule needs and
//   returns a `StageVjp` `{ out, pullback }`; `pullback(ct)` maps ONE output cotangent to the
//   cotangents of the inputs, POSITIONALLY in the order of the stage's primitive inputs
//   (src/rt/primitives.ts); a scalar input's cotangent is a length-1 array, an array input's an
//   array of its shape. The pullback is pure: it may be called any number of times.

import { C2, PLANCK_PI_CONST } from "../constants.ts";
import { _describe } from "./_validate.ts";
import type { StageVjp } from "../ad/first_order.ts";

/** Validates the batch size K of a JVP. */
export function _checkK(k: unknown): number {
  if (!(typeof k === "number" && Number.isInteger(k) && k >= 1)) {
    throw new RangeError(
      `tangents.k (the number of tangent directions) must be an integer >= 1, got ${
        String(k)
      }`,
    );
  }
  return k;
}

/**
 * Validates an optional batched tangent: null/undefined → null, otherwise a Float64Array of length
 * k · size.
 */
export function _checkTangent(
  t: unknown,
  name: string,
  k: number,
  size: number,
): Float64Array | null {
  if (t === null || t === undefined) return null;
  if (!(t instanceof Float64Array)) {
    throw new TypeError(
      `tangent of ${name} must be a Float64Array or null, got ${_describe(t)}`,
    );
  }
  if (t.length !== k * size) {
    throw new TypeError(
      `tangent of ${name} must have length K*${size} = ${
        k * size
      }, got ${t.length}`,
    );
  }
  return t;
}

/** Validates a cotangent: a Float64Array of the output's length. */
export function _checkCotangent(ct: unknown, length: number): Float64Array {
  if (!(ct instanceof Float64Array)) {
    throw new TypeError(
      `cotangent must be a Float64Array, got ${_describe(ct)}`,
    );
  }
  if (ct.length !== length) {
    throw new TypeError(
      `cotangent must have the output's length ${length}, got ${ct.length}`,
    );
  }
  return ct;
}

/**
 * Writes πB_ν(T) (bit-identical to planck.ts `_planckPiRow`) and ∂πB_ν/∂T into `out` and `outDt`:
 * with x = c₂ν/T, ∂πB/∂T = πB · (x/T) · e^x/(e^x − 1) = πB · (x/T) · (1 + 1/expm1(x)).
 */
export function _planckPiRowDt(
  nu: Float64Array,
  t: number,
  out: Float64Array,
  outDt: Float64Array,
): void {
  const invT = 1 / t;
  for (let j = 0; j < nu.length; j++) {
    const v = nu[j]!;
    const x = (C2 * v) / t;
    const em1 = Math.expm1(x);
    const b = (PLANCK_PI_CONST * v * v * v) / em1;
    out[j] = b;
    outDt[j] = b * x * invT * (1 + 1 / em1);
  }
}

/** Tangents of an emission JVP (K directions; null/omitted = zero). */
export interface EmissionTangents {
  /** Number of tangent directions K (≥ 1). */
  k: number;
  /** Tangent of dtau, [K][L][N]. */
  dtau?: Float64Array | null;
  /** Tangent of temperature [K], [K][L]. */
  temperature?: Float64Array | null;
}

/** Flux and its (ν-diagonal) Jacobian. */
export interface EmissionJacobian {
  /** Flux F_ν [erg/s/cm²/cm⁻¹], [N] (as the forward). */
  flux: Float64Array;
  /** ∂F_j/∂dτ_ij, [L][N]. */
  dFluxDdtau: Float64Array;
  /** ∂F_j/∂T_i [erg/s/cm²/cm⁻¹/K], [L][N]. */
  dFluxDtemperature: Float64Array;
}

/**
 * Pullback of a ν-diagonal emission Jacobian: dτ̄_ij = ct_j D_ij, T̄_i = Σ_j ct_j J_ij, returned
 * positionally as [dτ̄ [L][N], T̄ [L]]. (Shared by the emission rules; see
 * {@linkcode _blockDiagonalPullbackInto}.)
 */
export function _blockDiagonalPullback(
  dFluxDdtau: Float64Array,
  dFluxDtemperature: Float64Array,
  nlayer: number,
  nnu: number,
): StageVjp["pullback"] {
  return (ct: Float64Array): Float64Array[] => {
    const dtauBar = new Float64Array(nlayer * nnu);
    const tBar = new Float64Array(nlayer);
    _blockDiagonalPullbackInto(
      dFluxDdtau,
      dFluxDtemperature,
      nlayer,
      nnu,
      ct,
      dtauBar,
      tBar,
    );
    return [dtauBar, tBar];
  };
}

/**
 * The pullback of a ν-diagonal emission Jacobian into given outputs: dτ̄_ij = ct_j D_ij
 * (into `dtauBar` [L][N]) and T̄_i = Σ_j ct_j J_ij (into `tBar` [L]); a length-0 output is
 * skipped (and its Jacobian matrix is not read, so it may have length 0 too). Reads its inputs
 * only: it may be called any number of times with the same Jacobian.
 *
 * @param dFluxDdtau D = ∂F/∂dτ, [L][N] (length 0 when dtauBar is not wanted).
 * @param dFluxDtemperature J = ∂F/∂T [erg/s/cm²/cm⁻¹/K], [L][N] (length 0 when tBar is not wanted).
 * @param nlayer L.
 * @param nnu N.
 * @param ct Cotangent of the flux, [N].
 * @param dtauBar Output [L][N] or length 0.
 * @param tBar Output [L] or length 0.
 * @throws {TypeError} If ct is not a Float64Array of length N, or a wanted output's matrix is
 *   missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { _blockDiagonalPullbackInto } from "./_common_ad.ts";
 * const tBar = new Float64Array(2);
 * _blockDiagonalPullbackInto(new Float64Array(0), new Float64Array([1, 2, 3, 4]), 2, 2,
 *   new Float64Array([1, 10]), new Float64Array(0), tBar);
 * assert.deepStrictEqual(Array.from(tBar), [21, 43]);
 * ```
 */
export function _blockDiagonalPullbackInto(
  dFluxDdtau: Float64Array,
  dFluxDtemperature: Float64Array,
  nlayer: number,
  nnu: number,
  ct: Float64Array,
  dtauBar: Float64Array,
  tBar: Float64Array,
): void {
  _checkCotangent(ct, nnu);
  const wantD = dtauBar.length !== 0;
  const wantT = tBar.length !== 0;
  const size = nlayer * nnu;
  if (
    (wantD && dFluxDdtau.length !== size) ||
    (wantT && dFluxDtemperature.length !== size)
  ) {
    throw new TypeError(
      `emission pullback: the Jacobian of a wanted cotangent must have length L*N = ${size}`,
    );
  }
  for (let i = 0; i < nlayer; i++) {
    const off = i * nnu;
    if (wantD) {
      for (let j = 0; j < nnu; j++) {
        dtauBar[off + j] = ct[j]! * dFluxDdtau[off + j]!;
      }
    }
    if (wantT) {
      let s = 0;
      for (let j = 0; j < nnu; j++) s += ct[j]! * dFluxDtemperature[off + j]!;
      tBar[i] = s;
    }
  }
}
