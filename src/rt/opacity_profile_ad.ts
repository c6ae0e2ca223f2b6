/**
 * Derivatives of the layer optical depths {@linkcode opacityProfileXs} and
 * {@linkcode opacityProfileCia}: batched JVPs and VJP (pullback) rules.
 *
 * - Cross sections: dτ_ij = F · |σ_ij| · dP_i · m_i / (M · g_i) (F = OPACITY_FACTOR), so
 *   ∂dτ_ij/∂σ_ij = F · sgn(σ_ij) · dP_i m_i/(M g_i), ∂dτ_ij/∂m_i = F |σ_ij| dP_i/(M g_i) and
 *   ∂dτ_ij/∂g_i = −dτ_ij/g_i. The kink of |σ| at σ = 0 takes the right derivative, sgn(0) = +1
 *   (as JAX's `abs`): a zero cross section that grows adds optical depth.
 * - CIA: dτ_ij = 10^(log a_ij) · v₁v₂ n_i² k_B T_i dP_i / (g_i m_u μ_i P_i) with n_i = P_i·10⁶/(k_B T_i),
 *   i.e. dτ ∝ 10^(log a)/(T g). Hence ∂dτ/∂(log a) = ln10 · dτ, ∂dτ/∂T_i = −dτ/T_i (explicit
 *   dependence only: the T-dependence of log a itself belongs to the CIA interpolation's rule) and
 *   ∂dτ/∂g_i = −dτ/g_i. Entries with log a = −∞ (dτ = 0) have zero derivative.
 *
 * Differentiable inputs: xsmatrix, mmr, gravity (Xs); logacia, temperature, gravity (CIA).
 * molmass, dParr, pressure, vmr1, vmr2 and mmw are treated as constants. A scalar primal (mmr,
 * gravity) has a tangent of length K and a length-1 cotangent; a per-layer one [K][L] and [L].
 * Pullbacks return the cotangents positionally, in the order of the primitives' inputs
 * (src/rt/primitives.ts): [xsmatrixBar, mmrBar, gravityBar] and [logaciaBar, temperatureBar,
 * gravityBar].
 *
 * @module
 */

import { OPACITY_FACTOR } from "../constants.ts";
import { opacityProfileCia, opacityProfileXs } from "./opacity_profile.ts";
import { _checkCotangent, _checkK, _checkTangent } from "./_common_ad.ts";
import type { StageJvp, StageVjp } from "../ad/first_order.ts";

/** Tangents of {@linkcode opacityProfileXsJvp} (K directions; null/omitted = zero). */
export interface OpacityProfileXsTangents {
  /** Number of tangent directions K (≥ 1). */
  k: number;
  /** Tangent of xsmatrix [cm²], [K][...xsmatrix shape] ([K][L][N], or [K][N] for a vector). */
  xsmatrix?: Float64Array | null;
  /** Tangent of mmr: length K for a scalar mmr, [K][L] for a profile. */
  mmr?: Float64Array | null;
  /** Tangent of gravity [cm/s²]: length K for a scalar gravity, [K][L] for a profile. */
  gravity?: Float64Array | null;
}

/** Tangents of {@linkcode opacityProfileCiaJvp} (K directions; null/omitted = zero). */
export interface OpacityProfileCiaTangents {
  /** Number of tangent directions K (≥ 1). */
  k: number;
  /** Tangent of logacia, [K][L][N]. */
  logacia?: Float64Array | null;
  /** Tangent of temperature [K], [K][L]. */
  temperature?: Float64Array | null;
  /** Tangent of gravity [cm/s²]: length K for a scalar gravity, [K][L] for a profile. */
  gravity?: Float64Array | null;
}

/** Per-layer values of a (validated) scalar-or-profile input. */
function _perLayer(v: number | Float64Array, nlayer: number): Float64Array {
  return typeof v === "number" ? new Float64Array(nlayer).fill(v) : v;
}

/** Shape bookkeeping shared by the Xs rules (inputs already validated by the forward). */
function _xsSetup(
  xs: Float64Array,
  mmr: number | Float64Array,
  molmass: number,
  gravity: number | Float64Array,
  dParr: Float64Array,
  nnu: number,
): {
  nlayer: number;
  isVector: boolean;
  m: Float64Array;
  g: Float64Array;
  c: Float64Array;
} {
  const nlayer = dParr.length;
  const isVector = xs.length === nnu && nlayer !== 1;
  const m = _perLayer(mmr, nlayer);
  const g = _perLayer(gravity, nlayer);
  const c = new Float64Array(nlayer); // F dP_i / (M g_i)
  for (let i = 0; i < nlayer; i++) {
    c[i] = (OPACITY_FACTOR * dParr[i]!) / (molmass * g[i]!);
  }
  return { nlayer, isVector, m, g, c };
}

/**
 * Batched forward-mode derivative of {@linkcode opacityProfileXs} w.r.t. xsmatrix, mmr and gravity.
 *
 * @param xsmatrix Cross sections [cm²], [L][N] (or a vector [N] used for every layer).
 * @param mmr Mass mixing ratio, scalar or [L].
 * @param molmass Molecular mass [u] (constant).
 * @param gravity Gravity [cm/s²], scalar or [L].
 * @param dParr Layer pressure thicknesses [bar], [L] (constant).
 * @param nnu Number of wavenumbers N.
 * @param tangents K directions of (xsmatrix, mmr, gravity), see {@linkcode OpacityProfileXsTangents}.
 * @returns A `StageJvp`: out = dτ [L][N] (as the forward) and dout [K][L][N].
 * @throws {TypeError} If an array or tangent has the wrong type or length.
 * @throws {RangeError} For the forward's range errors, or a bad K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsJvp } from "./opacity_profile_ad.ts";
 * const xs = new Float64Array([1e-22, 2e-22]);
 * const dP = new Float64Array([0.1]);
 * const { out, dout } = opacityProfileXsJvp(xs, 0.01, 28, 1e5, dP, 2, {
 *   k: 1,
 *   mmr: new Float64Array([1]),
 * });
 * // dτ is linear in the mixing ratio: ∂dτ/∂MMR = dτ/MMR
 * assert.ok(Math.abs(dout[0]! * 0.01 / out[0]! - 1) < 1e-15);
 * // = σ dP[dyn/cm²]/(M m_u g) = 1e-22 · 1e5/(28 · 1.66053904e-24 · 1e5) = 2.1507645923389862
 * assert.ok(Math.abs(dout[0]! / 2.1507645923389862 - 1) < 1e-14);
 * // a gravity direction: ∂dτ/∂g = −dτ/g
 * const tg = opacityProfileXsJvp(xs, 0.01, 28, 1e5, dP, 2, { k: 1, gravity: new Float64Array([1]) });
 * assert.ok(Math.abs(tg.dout[1]! * -1e5 / out[1]! - 1) < 1e-15);
 * ```
 */
export function opacityProfileXsJvp(
  xsmatrix: Float64Array,
  mmr: number | Float64Array,
  molmass: number,
  gravity: number | Float64Array,
  dParr: Float64Array,
  nnu: number,
  tangents: OpacityProfileXsTangents,
): StageJvp {
  const out = opacityProfileXs(xsmatrix, mmr, molmass, gravity, dParr, nnu);
  const k = _checkK(tangents?.k);
  const { nlayer, isVector, m, g, c } = _xsSetup(
    xsmatrix,
    mmr,
    molmass,
    gravity,
    dParr,
    nnu,
  );
  const txs = _checkTangent(tangents.xsmatrix, "xsmatrix", k, xsmatrix.length);
  const mScalar = typeof mmr === "number";
  const gScalar = typeof gravity === "number";
  const tm = _checkTangent(tangents.mmr, "mmr", k, mScalar ? 1 : nlayer);
  const tg = _checkTangent(
    tangents.gravity,
    "gravity",
    k,
    gScalar ? 1 : nlayer,
  );
  const size = nlayer * nnu;
  const tan = new Float64Array(k * size);
  for (let q = 0; q < k; q++) {
    const toff = q * size;
    const xoffK = q * xsmatrix.length;
    for (let i = 0; i < nlayer; i++) {
      const ci = c[i]!;
      const mi = m[i]!;
      const a = (tm === null ? 0 : tm[mScalar ? q : q * nlayer + i]!) -
        (tg === null ? 0 : (mi * tg[gScalar ? q : q * nlayer + i]!) / g[i]!);
      const cm = ci * mi;
      const off = i * nnu;
      const xoff = isVector ? 0 : off;
      if (txs === null) {
        if (a === 0) continue;
        const ca = ci * a;
        for (let j = 0; j < nnu; j++) {
          tan[toff + off + j] = ca * Math.abs(xsmatrix[xoff + j]!);
        }
      } else {
        const ca = ci * a;
        for (let j = 0; j < nnu; j++) {
          const s = xsmatrix[xoff + j]!;
          const ts = txs[xoffK + xoff + j]!;
          // d|σ|/dσ = +1 at σ = 0 (right derivative)
          tan[toff + off + j] = s >= 0 ? cm * ts + ca * s : -cm * ts - ca * s;
        }
      }
    }
  }
  return { out, dout: tan };
}

/**
 * {@linkcode opacityProfileXs} with its reverse-mode rule: the pullback maps ct [L][N] to the
 * cotangents [xsmatrixBar (its shape), mmrBar, gravityBar] (length 1 for a scalar primal, [L] for
 * a profile).
 *
 * @param xsmatrix Cross sections [cm²], [L][N] (or a vector [N] used for every layer).
 * @param mmr Mass mixing ratio, scalar or [L].
 * @param molmass Molecular mass [u] (constant).
 * @param gravity Gravity [cm/s²], scalar or [L].
 * @param dParr Layer pressure thicknesses [bar], [L] (constant).
 * @param nnu Number of wavenumbers N.
 * @returns A `StageVjp`: out = dτ [L][N] and pullback(ct [L][N]) → [xsmatrixBar, mmrBar,
 *   gravityBar] (positional, the order of the opacityProfileXs primitive's inputs).
 * @throws {TypeError} If an array (or later ct) has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsJvp, opacityProfileXsWithVjp } from "./opacity_profile_ad.ts";
 * const xs = new Float64Array([1e-22, 2e-22]);
 * const dP = new Float64Array([0.1]);
 * const { out, pullback } = opacityProfileXsWithVjp(xs, 0.01, 28, 1e5, dP, 2);
 * const [xsBar, mmrBar, gBar] = pullback(new Float64Array([1, 1]));
 * // ∂dτ/∂g = −dτ/g, summed over the cotangent's entries (scalar gravity: a length-1 cotangent)
 * assert.strictEqual(gBar!.length, 1);
 * assert.ok(Math.abs(gBar![0]! * -1e5 / (out[0]! + out[1]!) - 1) < 1e-15);
 * // ∂dτ/∂σ = dτ/σ (σ > 0), ∂dτ/∂MMR = dτ/MMR
 * assert.ok(Math.abs(xsBar![1]! * 2e-22 / out[1]! - 1) < 1e-15);
 * assert.ok(Math.abs(mmrBar![0]! * 0.01 / (out[0]! + out[1]!) - 1) < 1e-15);
 * // dot-product test against the JVP: ⟨ct, J u⟩ = ⟨Jᵀ ct, u⟩
 * const ct = new Float64Array([0.7, -2]);
 * const [cx, cm, cg] = pullback(ct);
 * const ux = new Float64Array([3e-23, -1e-23]);
 * const u = { k: 1, xsmatrix: ux, mmr: new Float64Array([0.002]), gravity: new Float64Array([-300]) };
 * const ju = opacityProfileXsJvp(xs, 0.01, 28, 1e5, dP, 2, u).dout;
 * const lhs = ct[0]! * ju[0]! + ct[1]! * ju[1]!;
 * const rhs = cx![0]! * ux[0]! + cx![1]! * ux[1]! + cm![0]! * 0.002 + cg![0]! * -300;
 * assert.ok(Math.abs(lhs / rhs - 1) < 1e-13);
 * ```
 */
export function opacityProfileXsWithVjp(
  xsmatrix: Float64Array,
  mmr: number | Float64Array,
  molmass: number,
  gravity: number | Float64Array,
  dParr: Float64Array,
  nnu: number,
): StageVjp {
  const res = opacityProfileXsResiduals(
    xsmatrix,
    mmr,
    molmass,
    gravity,
    dParr,
    nnu,
  );
  const nlayer = res.c.length;
  const mScalar = typeof mmr === "number";
  const gScalar = typeof gravity === "number";
  return {
    out: res.out,
    pullback(ct: Float64Array): Float64Array[] {
      const xsBar = new Float64Array(xsmatrix.length);
      const mBar = new Float64Array(mScalar ? 1 : nlayer);
      const gBar = new Float64Array(gScalar ? 1 : nlayer);
      opacityProfileXsPullback(
        xsmatrix,
        nnu,
        res,
        ct,
        { xsmatrix: xsBar, mmr: mBar, gravity: gBar },
        { mmr: mScalar, gravity: gScalar },
      );
      return [xsBar, mBar, gBar];
    },
  };
}

/** The forward of {@linkcode opacityProfileXs} and the residuals of its reverse-mode rule. */
export interface OpacityProfileXsResiduals {
  /** dτ [L][N] (as the forward). */
  out: Float64Array;
  /** c_i = F dP_i/(M g_i) [cm⁻² per unit σ·MMR], [L]. */
  c: Float64Array;
  /** Per-layer mass mixing ratio m_i, [L]. */
  m: Float64Array;
  /** Per-layer gravity g_i [cm/s²], [L]. */
  g: Float64Array;
}

/** Cotangent outputs of {@linkcode opacityProfileXsPullback} (length 0: not wanted). */
export interface OpacityProfileXsBars {
  /** xsmatrix̄, xsmatrix's length, zero-filled on entry (the vector case accumulates). */
  xsmatrix: Float64Array;
  /** mmr̄: [1] for a scalar mmr, [L] for a profile. */
  mmr: Float64Array;
  /** gravitȳ: [1] for a scalar gravity, [L] for a profile. */
  gravity: Float64Array;
}

/**
 * The forward {@linkcode opacityProfileXs} and the residuals its pullback
 * ({@linkcode opacityProfileXsPullback}) reads: the per-layer factor c = F dP/(M g), MMR and
 * gravity, [L] each. {@linkcode opacityProfileXsWithVjp} is these two functions.
 *
 * @param xsmatrix Cross sections [cm²], [L][N] (or a vector [N] used for every layer).
 * @param mmr Mass mixing ratio, scalar or [L].
 * @param molmass Molecular mass [u] (constant).
 * @param gravity Gravity [cm/s²], scalar or [L].
 * @param dParr Layer pressure thicknesses [bar], [L] (constant).
 * @param nnu Number of wavenumbers N.
 * @returns out = dτ [L][N] and the residuals c, m, g ([L] each).
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsResiduals } from "./opacity_profile_ad.ts";
 * const r = opacityProfileXsResiduals(new Float64Array([1e-22, 2e-22]), 0.01, 28, 1e5, new Float64Array([0.1]), 2);
 * assert.deepStrictEqual([r.c.length, Array.from(r.m), Array.from(r.g)], [1, [0.01], [1e5]]);
 * // dτ = c · |σ| · MMR
 * assert.ok(Math.abs(r.out[0]! / (r.c[0]! * 1e-22 * 0.01) - 1) < 1e-15);
 * ```
 */
export function opacityProfileXsResiduals(
  xsmatrix: Float64Array,
  mmr: number | Float64Array,
  molmass: number,
  gravity: number | Float64Array,
  dParr: Float64Array,
  nnu: number,
): OpacityProfileXsResiduals {
  const out = opacityProfileXs(xsmatrix, mmr, molmass, gravity, dParr, nnu);
  const { m, g, c } = _xsSetup(xsmatrix, mmr, molmass, gravity, dParr, nnu);
  return { out, c, m, g };
}

/**
 * The pullback of {@linkcode opacityProfileXs} from its residuals: writes the cotangents of
 * xsmatrix, mmr and gravity for ct [L][N] into `bars` (a length-0 output is skipped; a scalar
 * input's cotangent is the sum of its per-layer ones). Pure in its inputs: it may be called any
 * number of times with the same residuals.
 *
 * @param xsmatrix Cross sections [cm²] (the primal), [L][N] or [N].
 * @param nnu Number of wavenumbers N.
 * @param res The residuals (`c`, `m`, `g`; `out` is not read).
 * @param ct Cotangent of dτ, [L][N].
 * @param bars The outputs (see {@linkcode OpacityProfileXsBars}).
 * @param scalar Whether mmr and gravity are scalars (their outputs then have length 1).
 * @throws {TypeError} If ct is not a Float64Array of length L·N.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsPullback, opacityProfileXsResiduals } from "./opacity_profile_ad.ts";
 * const xs = new Float64Array([1e-22, 2e-22]);
 * const r = opacityProfileXsResiduals(xs, 0.01, 28, 1e5, new Float64Array([0.1]), 2);
 * const gBar = new Float64Array(1);
 * const none = new Float64Array(0);
 * opacityProfileXsPullback(xs, 2, r, new Float64Array([1, 1]), { xsmatrix: none, mmr: none, gravity: gBar },
 *   { mmr: true, gravity: true });
 * assert.ok(Math.abs(gBar[0]! * -1e5 / (r.out[0]! + r.out[1]!) - 1) < 1e-15); // ∂dτ/∂g = −dτ/g
 * ```
 */
export function opacityProfileXsPullback(
  xsmatrix: Float64Array,
  nnu: number,
  res: Pick<OpacityProfileXsResiduals, "c" | "m" | "g">,
  ct: Float64Array,
  bars: OpacityProfileXsBars,
  scalar: { readonly mmr: boolean; readonly gravity: boolean },
): void {
  const { c, m, g } = res;
  const nlayer = c.length;
  const isVector = xsmatrix.length === nnu && nlayer !== 1;
  _checkCotangent(ct, nlayer * nnu);
  const xsBar = bars.xsmatrix;
  const wantX = xsBar.length !== 0;
  const wantM = bars.mmr.length !== 0;
  const wantG = bars.gravity.length !== 0;
  const mBar = wantM && !scalar.mmr ? bars.mmr : new Float64Array(nlayer);
  const gBar = wantG && !scalar.gravity
    ? bars.gravity
    : new Float64Array(nlayer);
  const wantR = wantM || wantG;
  for (let i = 0; i < nlayer; i++) {
    const ci = c[i]!;
    const cm = ci * m[i]!;
    const off = i * nnu;
    const xoff = isVector ? 0 : off;
    let r = 0; // Σ_j ct_ij |σ_ij|
    if (wantX) {
      for (let j = 0; j < nnu; j++) {
        const s = xsmatrix[xoff + j]!;
        const w = ct[off + j]!;
        if (s >= 0) {
          xsBar[xoff + j]! += cm * w;
          r += w * s;
        } else {
          xsBar[xoff + j]! -= cm * w;
          r -= w * s;
        }
      }
    } else if (wantR) {
      for (let j = 0; j < nnu; j++) {
        const s = xsmatrix[xoff + j]!;
        const w = ct[off + j]!;
        if (s >= 0) r += w * s;
        else r -= w * s;
      }
    } else continue;
    r *= ci;
    mBar[i] = r;
    gBar[i] = (-r * m[i]!) / g[i]!;
  }
  if (wantM && scalar.mmr) bars.mmr[0] = _sum(mBar)[0]!;
  if (wantG && scalar.gravity) bars.gravity[0] = _sum(gBar)[0]!;
}

/**
 * Batched forward-mode derivative of {@linkcode opacityProfileCia} w.r.t. logacia, temperature
 * and gravity (explicit dependence; see the module notes).
 *
 * @param logacia log10 CIA coefficient [cm⁵], [L][N] (−Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param pressure Layer pressures [bar], [L] (constant).
 * @param dParr Layer pressure thicknesses [bar], [L] (constant).
 * @param vmr1 VMR of the first partner, scalar or [L] (constant).
 * @param vmr2 VMR of the second partner, scalar or [L] (constant).
 * @param mmw Mean molecular weight [u], scalar or [L] (constant).
 * @param gravity Gravity [cm/s²], scalar or [L].
 * @param tangents K directions of (logacia, temperature, gravity), see {@linkcode OpacityProfileCiaTangents}.
 * @returns A `StageJvp`: out = dτ [L][N] (as the forward) and dout [K][L][N].
 * @throws {TypeError} If an array or tangent has the wrong type or length.
 * @throws {RangeError} For the forward's range errors, or a bad K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaJvp } from "./opacity_profile_ad.ts";
 * import { opacityProfileCia } from "./opacity_profile.ts";
 * const one = new Float64Array([1]);
 * const la = new Float64Array([-45]);
 * const dP = new Float64Array([0.1]);
 * const { out, dout } = opacityProfileCiaJvp(
 *   la, new Float64Array([1000]), one, dP, 0.8, 0.8, 2.33, 1e5, { k: 1, temperature: one },
 * );
 * // at fixed log a, dτ ∝ n² · T ∝ 1/T, so ∂dτ/∂T = −dτ/T
 * assert.ok(Math.abs(dout[0]! * -1000 / out[0]! - 1) < 1e-15);
 * // and the forward's central difference (step 0.01 K; truncation ~1e-10)
 * const f = (t: number) => opacityProfileCia(la, new Float64Array([t]), one, dP, 0.8, 0.8, 2.33, 1e5)[0]!;
 * assert.ok(Math.abs(dout[0]! / ((f(1000.01) - f(999.99)) / 0.02) - 1) < 1e-8);
 * ```
 */
export function opacityProfileCiaJvp(
  logacia: Float64Array,
  temperature: Float64Array,
  pressure: Float64Array,
  dParr: Float64Array,
  vmr1: number | Float64Array,
  vmr2: number | Float64Array,
  mmw: number | Float64Array,
  gravity: number | Float64Array,
  tangents: OpacityProfileCiaTangents,
): StageJvp {
  const out = opacityProfileCia(
    logacia,
    temperature,
    pressure,
    dParr,
    vmr1,
    vmr2,
    mmw,
    gravity,
  );
  const k = _checkK(tangents?.k);
  const nlayer = temperature.length;
  const nnu = logacia.length / nlayer;
  const size = nlayer * nnu;
  const gScalar = typeof gravity === "number";
  const g = _perLayer(gravity, nlayer);
  const ta = _checkTangent(tangents.logacia, "logacia", k, size);
  const tT = _checkTangent(tangents.temperature, "temperature", k, nlayer);
  const tg = _checkTangent(
    tangents.gravity,
    "gravity",
    k,
    gScalar ? 1 : nlayer,
  );
  const tan = new Float64Array(k * size);
  for (let q = 0; q < k; q++) {
    const toff = q * size;
    for (let i = 0; i < nlayer; i++) {
      const b = -(tT === null ? 0 : tT[q * nlayer + i]! / temperature[i]!) -
        (tg === null ? 0 : tg[gScalar ? q : q * nlayer + i]! / g[i]!);
      const off = i * nnu;
      if (ta === null) {
        if (b === 0) continue;
        for (let j = 0; j < nnu; j++) tan[toff + off + j] = out[off + j]! * b;
      } else {
        for (let j = 0; j < nnu; j++) {
          const d = out[off + j]!;
          tan[toff + off + j] = d === 0
            ? 0
            : d * (Math.LN10 * ta[toff + off + j]! + b);
        }
      }
    }
  }
  return { out, dout: tan };
}

/**
 * {@linkcode opacityProfileCia} with its reverse-mode rule: the pullback maps ct [L][N] to the
 * cotangents [logaciaBar [L][N], temperatureBar [L], gravityBar] (gravityBar length 1 for a
 * scalar gravity, [L] for a profile).
 *
 * @param logacia log10 CIA coefficient [cm⁵], [L][N] (−Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param pressure Layer pressures [bar], [L] (constant).
 * @param dParr Layer pressure thicknesses [bar], [L] (constant).
 * @param vmr1 VMR of the first partner, scalar or [L] (constant).
 * @param vmr2 VMR of the second partner, scalar or [L] (constant).
 * @param mmw Mean molecular weight [u], scalar or [L] (constant).
 * @param gravity Gravity [cm/s²], scalar or [L].
 * @returns A `StageVjp`: out = dτ [L][N] and pullback(ct [L][N]) → [logaciaBar, temperatureBar,
 *   gravityBar] (positional, the order of the opacityProfileCia primitive's inputs).
 * @throws {TypeError} If an array (or later ct) has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaJvp, opacityProfileCiaWithVjp } from "./opacity_profile_ad.ts";
 * const args = [
 *   new Float64Array([-45, -46]), new Float64Array([1000]), new Float64Array([1]),
 *   new Float64Array([0.1]), 0.8, 0.8, 2.33, 1e5,
 * ] as const;
 * const { out, pullback } = opacityProfileCiaWithVjp(...args);
 * const ct = new Float64Array([1, 3]);
 * const [laBar, tBar, gBar] = pullback(ct);
 * // dτ ∝ 10^(log a): ∂dτ/∂(log a) = ln 10 · dτ
 * assert.ok(Math.abs(laBar![0]! / (Math.LN10 * out[0]!) - 1) < 1e-15);
 * // dτ ∝ 1/(T g): T̄ = −Σ ct dτ / T, ḡ = −Σ ct dτ / g
 * const s = out[0]! + 3 * out[1]!;
 * assert.ok(Math.abs(tBar![0]! * -1000 / s - 1) < 1e-15);
 * assert.ok(Math.abs(gBar![0]! * -1e5 / s - 1) < 1e-15);
 * // dot-product test against the JVP: ⟨ct, J u⟩ = ⟨Jᵀ ct, u⟩
 * const ua = new Float64Array([0.2, -0.1]);
 * const ju = opacityProfileCiaJvp(...args, {
 *   k: 1, logacia: ua, temperature: new Float64Array([15]), gravity: new Float64Array([-40]),
 * }).dout;
 * const lhs = ct[0]! * ju[0]! + ct[1]! * ju[1]!;
 * const rhs = laBar![0]! * 0.2 + laBar![1]! * -0.1 + tBar![0]! * 15 + gBar![0]! * -40;
 * assert.ok(Math.abs(lhs / rhs - 1) < 1e-13);
 * ```
 */
export function opacityProfileCiaWithVjp(
  logacia: Float64Array,
  temperature: Float64Array,
  pressure: Float64Array,
  dParr: Float64Array,
  vmr1: number | Float64Array,
  vmr2: number | Float64Array,
  mmw: number | Float64Array,
  gravity: number | Float64Array,
): StageVjp {
  const res = opacityProfileCiaResiduals(
    logacia,
    temperature,
    pressure,
    dParr,
    vmr1,
    vmr2,
    mmw,
    gravity,
  );
  const nlayer = temperature.length;
  const gScalar = typeof gravity === "number";
  return {
    out: res.out,
    pullback(ct: Float64Array): Float64Array[] {
      const aBar = new Float64Array(res.out.length);
      const tBar = new Float64Array(nlayer);
      const gBar = new Float64Array(gScalar ? 1 : nlayer);
      opacityProfileCiaPullback(
        res,
        temperature,
        ct,
        { logacia: aBar, temperature: tBar, gravity: gBar },
        gScalar,
      );
      return [aBar, tBar, gBar];
    },
  };
}

/** The forward of {@linkcode opacityProfileCia} and the residuals of its reverse-mode rule. */
export interface OpacityProfileCiaResiduals {
  /** dτ [L][N] (the forward; also the residual the pullback reads). */
  out: Float64Array;
  /** Per-layer gravity g_i [cm/s²], [L]. */
  g: Float64Array;
}

/** Cotangent outputs of {@linkcode opacityProfileCiaPullback} (length 0: not wanted). */
export interface OpacityProfileCiaBars {
  /** logacia̅, [L][N]. */
  logacia: Float64Array;
  /** T̄ [1/K], [L]. */
  temperature: Float64Array;
  /** gravitȳ: [1] for a scalar gravity, [L] for a profile. */
  gravity: Float64Array;
}

/**
 * The forward {@linkcode opacityProfileCia} and the residuals its pullback
 * ({@linkcode opacityProfileCiaPullback}) reads: dτ itself [L][N] and the per-layer gravity [L].
 * {@linkcode opacityProfileCiaWithVjp} is these two functions.
 *
 * @param logacia log10 CIA coefficient [cm⁵], [L][N] (−Infinity allowed).
 * @param temperature Layer temperatures [K], [L].
 * @param pressure Layer pressures [bar], [L] (constant).
 * @param dParr Layer pressure thicknesses [bar], [L] (constant).
 * @param vmr1 VMR of the first partner, scalar or [L] (constant).
 * @param vmr2 VMR of the second partner, scalar or [L] (constant).
 * @param mmw Mean molecular weight [u], scalar or [L] (constant).
 * @param gravity Gravity [cm/s²], scalar or [L].
 * @returns out = dτ [L][N] and g [L].
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For the forward's range errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaResiduals } from "./opacity_profile_ad.ts";
 * import { opacityProfileCia } from "./opacity_profile.ts";
 * const args = [
 *   new Float64Array([-45, -46]), new Float64Array([1000]), new Float64Array([1]),
 *   new Float64Array([0.1]), 0.8, 0.8, 2.33, 1e5,
 * ] as const;
 * const r = opacityProfileCiaResiduals(...args);
 * assert.deepStrictEqual(r.out, opacityProfileCia(...args));
 * assert.deepStrictEqual(Array.from(r.g), [1e5]);
 * ```
 */
export function opacityProfileCiaResiduals(
  logacia: Float64Array,
  temperature: Float64Array,
  pressure: Float64Array,
  dParr: Float64Array,
  vmr1: number | Float64Array,
  vmr2: number | Float64Array,
  mmw: number | Float64Array,
  gravity: number | Float64Array,
): OpacityProfileCiaResiduals {
  const out = opacityProfileCia(
    logacia,
    temperature,
    pressure,
    dParr,
    vmr1,
    vmr2,
    mmw,
    gravity,
  );
  return { out, g: _perLayer(gravity, temperature.length) };
}

/**
 * The pullback of {@linkcode opacityProfileCia} from its residuals: writes the cotangents of
 * logacia, temperature and gravity for ct [L][N] into `bars` (a length-0 output is skipped; a
 * scalar gravity's cotangent is the sum of the per-layer ones). Pure in its inputs: it may be
 * called any number of times with the same residuals.
 *
 * @param res The residuals (dτ as `out`, and `g`).
 * @param temperature Layer temperatures [K] (the primal), [L].
 * @param ct Cotangent of dτ, [L][N].
 * @param bars The outputs (see {@linkcode OpacityProfileCiaBars}).
 * @param scalarGravity Whether gravity is a scalar (its output then has length 1).
 * @throws {TypeError} If ct is not a Float64Array of length L·N.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaPullback, opacityProfileCiaResiduals } from "./opacity_profile_ad.ts";
 * const t = new Float64Array([1000]);
 * const r = opacityProfileCiaResiduals(
 *   new Float64Array([-45, -46]), t, new Float64Array([1]), new Float64Array([0.1]), 0.8, 0.8, 2.33, 1e5,
 * );
 * const tBar = new Float64Array(1);
 * const none = new Float64Array(0);
 * opacityProfileCiaPullback(r, t, new Float64Array([1, 3]), { logacia: none, temperature: tBar, gravity: none }, true);
 * assert.ok(Math.abs(tBar[0]! * -1000 / (r.out[0]! + 3 * r.out[1]!) - 1) < 1e-15); // dτ ∝ 1/T
 * ```
 */
export function opacityProfileCiaPullback(
  res: OpacityProfileCiaResiduals,
  temperature: Float64Array,
  ct: Float64Array,
  bars: OpacityProfileCiaBars,
  scalarGravity: boolean,
): void {
  const { out, g } = res;
  const nlayer = temperature.length;
  const nnu = out.length / nlayer;
  _checkCotangent(ct, nlayer * nnu);
  const aBar = bars.logacia;
  const wantA = aBar.length !== 0;
  const wantT = bars.temperature.length !== 0;
  const wantG = bars.gravity.length !== 0;
  const tBar = bars.temperature;
  const gBar = wantG && !scalarGravity
    ? bars.gravity
    : new Float64Array(nlayer);
  const wantR = wantT || wantG;
  for (let i = 0; i < nlayer; i++) {
    const off = i * nnu;
    let r = 0; // Σ_j ct_ij dτ_ij
    if (wantA) {
      for (let j = 0; j < nnu; j++) {
        const v = ct[off + j]! * out[off + j]!;
        aBar[off + j] = Math.LN10 * v;
        r += v;
      }
    } else if (wantR) {
      for (let j = 0; j < nnu; j++) r += ct[off + j]! * out[off + j]!;
    } else continue;
    if (wantT) tBar[i] = -r / temperature[i]!;
    gBar[i] = -r / g[i]!;
  }
  if (wantG && scalarGravity) bars.gravity[0] = _sum(gBar)[0]!;
}

/** The sum of a's entries as a length-1 array (the cotangent of a scalar input). */
function _sum(a: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return new Float64Array([s]);
}
