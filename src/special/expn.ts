/**
 * Exponential integrals Eₙ(x) = ∫₁^∞ e^{−xt} t⁻ⁿ dt in float64: E₃ (the two-stream layer
 * transmission is 2E₃, `trans2E3` of `./rt`) and E₂ = −dE₃/dx (its derivative), with the
 * modified-Lentz continued fraction shared by every order above x = 1 and power series below.
 * Relative accuracy ~1e-15 (tested against scipy.special.expn).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { expn2, expn3 } from "./expn.ts";
 * // recurrence n·E_(n+1)(x) = e^{−x} − x·E_n(x), at n = 2
 * const x = 0.7;
 * assert.ok(Math.abs(2 * expn3(x) - (Math.exp(-x) - x * expn2(x))) < 1e-15);
 * ```
 *
 * @module
 */

import { NonFiniteError } from "../errors.ts";

const EULER_GAMMA = 0.5772156649015329;

/**
 * Eₙ(x) for x > 1 by the modified-Lentz continued fraction
 * Eₙ(x) = e^{−x} / (x + n − 1·n/(x + n + 2 − 2(n+1)/(x + n + 4 − …))); 0 beyond x ≈ 745.
 *
 * @param n Order (≥ 1).
 * @param x Argument, > 1 (or +Infinity).
 * @returns Eₙ(x) to ~1e-15 relative.
 */
export function _expnContinuedFraction(n: number, x: number): number {
  if (x > 745) return 0;
  const tiny = 1e-300;
  let b = x + n;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= 500; i++) {
    const an = -i * (n - 1 + i);
    b += 2;
    d = 1 / (an * d + b);
    c = b + an / c;
    const del = c * d;
    h *= del;
    if (Math.abs(del - 1) <= 1e-16) break;
  }
  return h * Math.exp(-x);
}

/**
 * E₃(x) without validation (x ≥ 0 or +Infinity). Power series for x ≤ 1, modified-Lentz
 * continued fraction for x > 1; relative accuracy ~1e-15 (underflows to 0 beyond x ≈ 740).
 */
export function _expn3(x: number): number {
  if (x === 0) return 0.5;
  if (x > 1) return _expnContinuedFraction(3, x);
  // E_3(x) = 1/2 − x + x²/2 (3/2 − γ − ln x) − Σ_{k≥3} (−x)^k / ((k − 2) k!)
  let sum = 0;
  let term = (x * x) / 2; // (−x)^k / k! at k = 2
  for (let k = 3; k <= 60; k++) {
    term *= -x / k;
    const t = term / (k - 2);
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  return 0.5 - x + ((x * x) / 2) * (1.5 - EULER_GAMMA - Math.log(x)) - sum;
}

/**
 * Exponential integral of order 3, E₃(x) = ∫₁^∞ e^{−xt} t⁻³ dt.
 *
 * @param x Argument, ≥ 0 (+Infinity gives 0).
 * @returns E₃(x); E₃(0) = 1/2.
 * @throws {RangeError} If x is NaN or negative.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { expn3 } from "./expn.ts";
 * assert.strictEqual(expn3(0), 0.5);
 * assert.ok(Math.abs(expn3(1) - 0.1096919671977602) < 1e-15); // scipy.special.expn(3, 1)
 * ```
 */
export function expn3(x: number): number {
  if (typeof x !== "number" || !(x >= 0)) {
    const msg = `x must be >= 0 (not NaN), got ${x}`;
    if (Number.isNaN(x)) throw new NonFiniteError("special.expn", "x", x, msg);
    throw new RangeError(msg);
  }
  return _expn3(x);
}

/** E₂(x) for 0 ≤ x ≤ 1: 1 + x(ln x − 1 + γ) − Σ_(k≥2) (−x)^k / ((k − 1) k!). */
function _expn2Series(x: number): number {
  if (x === 0) return 1;
  let sum = 0;
  let term = -x; // (−x)^k / k! at k = 1
  for (let k = 2; k <= 60; k++) {
    term *= -x / k;
    const t = term / (k - 1);
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  return 1 + x * (Math.log(x) - 1 + EULER_GAMMA) - sum;
}

/**
 * E₂(x) without validation (x ≥ 0 or +Infinity): series for x ≤ 1, modified-Lentz continued
 * fraction for x > 1 (as `_expn3`); relative accuracy ~1e-15, 0 beyond x ≈ 745.
 */
export function _expn2(x: number): number {
  if (x <= 1) return _expn2Series(x);
  return _expnContinuedFraction(2, x);
}

/**
 * E₂(x) given the transmission tr = 2E₃(x) already at hand (x ≥ 0 or +Infinity): the recurrence
 * E₂ = (e^{−x} − 2E₃)/x for x > 1 (which loses < 2 bits there), the series for x ≤ 1.
 */
export function _expn2FromTrans(x: number, tr: number): number {
  if (x <= 1) return _expn2Series(x);
  if (x > 745) return 0;
  return (Math.exp(-x) - tr) / x;
}

/**
 * Exponential integral of order 2, E₂(x) = ∫₁^∞ e^{−xt} t⁻² dt = −dE₃/dx.
 *
 * @param x Argument, ≥ 0 (+Infinity gives 0).
 * @returns E₂(x); E₂(0) = 1.
 * @throws {RangeError} If x is NaN or negative.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { expn2 } from "./expn.ts";
 * assert.strictEqual(expn2(0), 1);
 * assert.ok(Math.abs(expn2(1) - 0.14849550677592194) < 1e-15); // scipy.special.expn(2, 1)
 * ```
 */
export function expn2(x: number): number {
  if (typeof x !== "number" || !(x >= 0)) {
    const msg = `x must be >= 0 (not NaN), got ${x}`;
    if (Number.isNaN(x)) throw new NonFiniteError("special.expn", "x", x, msg);
    throw new RangeError(msg);
  }
  return _expn2(x);
}
