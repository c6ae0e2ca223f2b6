/**
 * PreMODIT's E″-grid interpolation: the line-basis weights (ExoJAX `spec/lbd.py`
 * `lbd_coefficients`), their line-strength error (`spec/lbderror.py`) and the choice of
 * Tref, Twt and the E″ grid spacing for a temperature range (`optimal_params`).
 *
 * A line at E″ = E₁ + δ between grid points E₁ and E₂ = E₁ + ΔE is split between them with the
 * weight w₂(t) = (x_l − x₁)/(x₂ − x₁), x = exp(−c₂E(t − 1/Tref)), t = 1/T; this is exact at every
 * T, but LBD stores only its Taylor expansion around t_wt = 1/Twt of order `diffmode`
 * (0, 1 or 2), so the strength of the line is reproduced exactly at T = Twt and T = Tref and
 * approximately elsewhere.
 *
 * ExoJAX picks (ΔE, Tref, Twt) from a precomputed table that keeps the strength error ≤ 1 %
 * over the requested range. Here {@link premoditOptimalParams} computes it on the fly with a
 * tighter default tolerance (1e-4): for each (Tref, Twt) on a 13×13 grid uniform in 1/T over
 * [1/Tu, 1/Tl], the largest ΔE whose worst relative error (over 33 temperatures and 19 line
 * positions δ/ΔE) stays below the tolerance is found by bisection; the pair with the largest ΔE
 * wins, and ΔE is then shrunk until a 4× finer check also passes.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lbdStrengthError, premoditOptimalParams } from "./premodit_params.ts";
 * const p = premoditOptimalParams(500, 1500, 2, 1e-4);
 * assert.ok(p.maxError > 0 && p.maxError <= 1e-4);
 * // an independent scan (uniform in T, not in 1/T; 49 line positions) stays within the
 * // tolerance (p.maxError is measured on the search's own points, so it is not a bound here)
 * let worst = 0;
 * for (let tk = 500; tk <= 1500; tk += 10) {
 *   for (let j = 1; j < 50; j++) {
 *     worst = Math.max(worst, Math.abs(lbdStrengthError(tk, p.tref, p.twt, p.dE, j / 50, 2)));
 *   }
 * }
 * assert.ok(worst <= 1e-4);
 * ```
 *
 * @module
 */

import { C2 } from "../constants.ts";
import { _checkPositive } from "./line_strength.ts";

/** PreMODIT E″-grid parameters. */
export interface PremoditParams {
  /** E″ grid spacing [cm⁻¹]. */
  readonly dE: number;
  /** Reference temperature of the LBD line strengths [K]. */
  readonly tref: number;
  /** Temperature at which the E″ weights are exact [K]. */
  readonly twt: number;
  /** Worst relative line-strength error over the range (fine check). */
  readonly maxError: number;
}

/**
 * Weight of grid point 2 (the upper E″ neighbour) and its first two derivatives with respect
 * to t = 1/T, evaluated at t = 1/twt. Point 1 receives (1 − w, −w′, −w″).
 *
 * @param delta E″ − E₁ [cm⁻¹], 0 ≤ delta ≤ dE.
 * @param dE Grid spacing [cm⁻¹], > 0.
 * @param tref Reference temperature [K].
 * @param twt Weight temperature [K].
 * @returns [w, dw/dt, d²w/dt²] (t in K⁻¹).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lbdWeightCoefficients } from "./premodit_params.ts";
 * import { C2 } from "../constants.ts";
 * // With Twt = Tref the weight is linear in E″: w = δ/ΔE.
 * const [w, dw, d2w] = lbdWeightCoefficients(25, 100, 800, 800);
 * assert.ok(Math.abs(w - 0.25) < 1e-15);
 * // w(t) = expm1(pH)/expm1(H), H = −c₂ΔE(t − 1/Tref), p = δ/ΔE, expands to
 * // p + p(p−1)H/2 + p(p−1)(2p−1)H²/12, so at t = 1/Tref:
 * // dw/dt = c₂ΔE p(1−p)/2 ≈ 13.4885 and d²w/dt² = c₂²ΔE² p(p−1)(2p−1)/6 ≈ 323.450
 * assert.ok(Math.abs(dw / (C2 * 100 * 0.25 * 0.75 / 2) - 1) < 1e-12);
 * assert.ok(Math.abs(d2w / (C2 * C2 * 1e4 * 0.25 * -0.75 * -0.5 / 6) - 1) < 1e-12);
 * ```
 */
export function lbdWeightCoefficients(
  delta: number,
  dE: number,
  tref: number,
  twt: number,
): [number, number, number] {
  const u = -C2 * (1 / twt - 1 / tref);
  const h = u * dE;
  const p = delta / dE;
  if (Math.abs(h) < 1e-5) {
    const a = p * (p - 1) / 2;
    const b = p * (p - 1) * (2 * p - 1) / 6;
    const w = p + a * h + b * h * h / 2;
    const du = dE * (a + b * h);
    const duu = dE * dE * b;
    return [w, -C2 * du, C2 * C2 * duu];
  }
  const eN = Math.exp(u * delta);
  const eD = Math.exp(u * dE);
  const n = Math.expm1(u * delta);
  const d = Math.expm1(u * dE);
  const n1 = delta * eN;
  const n2 = delta * delta * eN;
  const d1 = dE * eD;
  const d2 = dE * dE * eD;
  const w = n / d;
  const wu = (n1 * d - n * d1) / (d * d);
  const wuu = n2 / d - 2 * n1 * d1 / (d * d) - n * d2 / (d * d) +
    2 * n * d1 * d1 / (d * d * d);
  return [w, -C2 * wu, C2 * C2 * wuu];
}

/**
 * Relative line-strength error of the LBD E″ interpolation for one line at temperature `t`
 * (ExoJAX `single_tilde_line_strength_*`): predicted/true − 1.
 *
 * @param t Temperature [K].
 * @param tref Reference temperature [K].
 * @param twt Weight temperature [K].
 * @param dE E″ grid spacing [cm⁻¹].
 * @param p Line position between its grid points, (E″ − E₁)/ΔE in [0, 1].
 * @param diffmode Taylor order of the weights (0, 1, 2).
 * @returns The relative error (signed).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lbdStrengthError } from "./premodit_params.ts";
 * import { C2 } from "../constants.ts";
 * // Exact at T = Twt (the weights are exact there) and at T = Tref (both grid points carry
 * // the reference strength), for any diffmode:
 * assert.ok(Math.abs(lbdStrengthError(700, 1000, 700, 300, 0.5, 2)) < 1e-12);
 * assert.ok(Math.abs(lbdStrengthError(1000, 1000, 700, 300, 0.5, 0)) < 1e-12);
 * // Elsewhere, by hand for diffmode 0 (w frozen at Twt): with u = −c₂(1/Twt − 1/Tref),
 * // w = expm1(uδ)/expm1(uΔE), β = c₂(1/T − 1/Tref): error = (1−w)e^{βδ} + w e^{−β(ΔE−δ)} − 1
 * // (−1.0351466812e-3 at 850 K, also with mpmath)
 * const u = -C2 * (1 / 700 - 1 / 1000);
 * const w = Math.expm1(u * 150) / Math.expm1(u * 300);
 * const b = C2 * (1 / 850 - 1 / 1000);
 * const want = (1 - w) * Math.exp(b * 150) + w * Math.exp(-b * 150) - 1;
 * assert.ok(Math.abs(lbdStrengthError(850, 1000, 700, 300, 0.5, 0) / want - 1) < 1e-9);
 * // diffmode 2 is far better than the frozen weight
 * assert.ok(Math.abs(lbdStrengthError(850, 1000, 700, 300, 0.5, 2)) < 1e-3 * Math.abs(want));
 * ```
 */
export function lbdStrengthError(
  t: number,
  tref: number,
  twt: number,
  dE: number,
  p: number,
  diffmode: 0 | 1 | 2,
): number {
  const [w0, w1, w2] = lbdWeightCoefficients(p * dE, dE, tref, twt);
  return _error(1 / t, 1 / tref, 1 / twt, dE, p, w0, w1, w2, diffmode);
}

function _error(
  it: number,
  itref: number,
  itwt: number,
  dE: number,
  p: number,
  w0: number,
  w1: number,
  w2: number,
  diffmode: number,
): number {
  const x = it - itwt;
  let w = w0;
  if (diffmode >= 1) w += w1 * x;
  if (diffmode >= 2) w += 0.5 * w2 * x * x;
  const beta = C2 * (it - itref);
  return (1 - w) * Math.exp(beta * p * dE) +
    w * Math.exp(-beta * (1 - p) * dE) - 1;
}

function _worst(
  itl: number,
  itu: number,
  itref: number,
  itwt: number,
  dE: number,
  diffmode: number,
  nt: number,
  np: number,
): number {
  let worst = 0;
  for (let ip = 1; ip < np; ip++) {
    const p = ip / np;
    const [w0, w1, w2] = lbdWeightCoefficients(p * dE, dE, 1 / itref, 1 / itwt);
    for (let k = 0; k < nt; k++) {
      const it = nt === 1 ? itl : itu + (itl - itu) * k / (nt - 1);
      const e = Math.abs(_error(it, itref, itwt, dE, p, w0, w1, w2, diffmode));
      if (!(e <= worst)) {
        if (!Number.isFinite(e)) return Infinity;
        worst = e;
      }
    }
  }
  return worst;
}

const _cache = new Map<string, PremoditParams>();

/**
 * Chooses (ΔE, Tref, Twt) so that the LBD E″ interpolation reproduces every line strength to
 * `tolerance` (relative) for all T in [tl, tu] (see the module documentation).
 *
 * @param tl Lower temperature [K], > 0.
 * @param tu Upper temperature [K], ≥ tl.
 * @param diffmode Taylor order of the weights (0, 1, 2; default 2).
 * @param tolerance Maximum relative line-strength error (default 1e-4).
 * @returns The parameters and the measured worst error.
 * @throws {RangeError} When tl > tu or values are not positive and finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lbdStrengthError, premoditOptimalParams } from "./premodit_params.ts";
 * const { dE, tref, twt, maxError } = premoditOptimalParams(500, 1500);
 * assert.ok(dE > 0);
 * // Tref and Twt are picked from the 1/T grid over the range (1e-9: 1/(1/T) rounding)
 * assert.ok(tref >= 500 * (1 - 1e-9) && tref <= 1500 * (1 + 1e-9));
 * assert.ok(twt >= 500 * (1 - 1e-9) && twt <= 1500 * (1 + 1e-9));
 * assert.ok(maxError <= 1e-4); // the default tolerance
 * // a line in the middle of an E″ cell, at both ends of the range, is within the tolerance
 * assert.ok(Math.abs(lbdStrengthError(500, tref, twt, dE, 0.5, 2)) <= 1e-4);
 * assert.ok(Math.abs(lbdStrengthError(1500, tref, twt, dE, 0.5, 2)) <= 1e-4);
 * // a finer tolerance needs a finer E″ grid
 * assert.ok(premoditOptimalParams(500, 1500, 2, 1e-6).dE < dE);
 * ```
 */
export function premoditOptimalParams(
  tl: number,
  tu: number,
  diffmode: 0 | 1 | 2 = 2,
  tolerance = 1e-4,
): PremoditParams {
  _checkPositive(tl, "tl");
  _checkPositive(tu, "tu");
  _checkPositive(tolerance, "tolerance");
  if (tl > tu) {
    throw new RangeError(`tl must be <= tu, got tl = ${tl} K, tu = ${tu} K`);
  }
  if (diffmode !== 0 && diffmode !== 1 && diffmode !== 2) {
    throw new RangeError(`diffmode must be 0, 1 or 2, got ${diffmode}`);
  }
  const key = `${tl}|${tu}|${diffmode}|${tolerance}`;
  const hit = _cache.get(key);
  if (hit) return hit;
  const itl = 1 / tl;
  const itu = 1 / tu;
  const K = tl === tu ? 1 : 13;
  const NT = 33;
  const NP = 20;
  const dEmin = 1e-3;
  const dEmax = 2e4;
  let best = { dE: 0, itref: itl, itwt: itl };
  for (let a = 0; a < K; a++) {
    const itref = K === 1 ? itl : itu + (itl - itu) * a / (K - 1);
    for (let b = 0; b < K; b++) {
      const itwt = K === 1 ? itl : itu + (itl - itu) * b / (K - 1);
      if (_worst(itl, itu, itref, itwt, dEmax, diffmode, NT, NP) <= tolerance) {
        best = { dE: dEmax, itref, itwt };
        continue;
      }
      if (
        _worst(itl, itu, itref, itwt, best.dE || dEmin, diffmode, NT, NP) >
          tolerance
      ) continue;
      let lo = Math.log(best.dE || dEmin);
      let hi = Math.log(dEmax);
      for (let it = 0; it < 40 && hi - lo > 1e-4; it++) {
        const mid = 0.5 * (lo + hi);
        if (
          _worst(itl, itu, itref, itwt, Math.exp(mid), diffmode, NT, NP) <=
            tolerance
        ) lo = mid;
        else hi = mid;
      }
      const dE = Math.exp(lo);
      if (dE > best.dE) best = { dE, itref, itwt };
    }
  }
  // Fine check: 4x denser in temperature and line position; shrink until it passes.
  let dE = best.dE;
  let err = _worst(
    itl,
    itu,
    best.itref,
    best.itwt,
    dE,
    diffmode,
    4 * NT - 3,
    4 * NP,
  );
  while (err > tolerance && dE > dEmin) {
    dE *= 0.97;
    err = _worst(
      itl,
      itu,
      best.itref,
      best.itwt,
      dE,
      diffmode,
      4 * NT - 3,
      4 * NP,
    );
  }
  const res: PremoditParams = {
    dE,
    tref: 1 / best.itref,
    twt: 1 / best.itwt,
    maxError: err,
  };
  _cache.set(key, res);
  return res;
}
