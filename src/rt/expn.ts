/**
 * Exponential integral E₃ and the two-stream layer transmission 2E₃(x)
 * (ExoJAX `spec/rtransfer.py trans2E3`).
 *
 * @module
 */

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
 * import { expn3 } from "./expn.ts";
 * console.log(expn3(0), expn3(1).toFixed(10)); // 0.5 0.1096919513
 * ```
 */
export function expn3(x: number): number {
  if (typeof x !== "number" || !(x >= 0)) {
    throw new RangeError(`x must be >= 0 (not NaN), got ${x}`);
  }
  return _expn3(x);
}

/**
 * Two-stream (no scattering) layer transmission 2E₃(x) = (1 − x)e^{−x} + x²E₁(x), evaluated
 * through an accurate E₃ (ExoJAX uses an Abramowitz–Stegun E₁ approximation, good to ~1e-7).
 *
 * @param x Layer optical depth, ≥ 0.
 * @returns Transmission 2E₃(x) ∈ [0, 1]; 1 at x = 0.
 * @throws {RangeError} If x is NaN or negative.
 *
 * @example
 * ```ts
 * import { trans2E3 } from "./expn.ts";
 * console.log(trans2E3(0), trans2E3(1).toFixed(10)); // 1 0.2193839027
 * ```
 */
export function trans2E3(x: number): number {
  return 2 * expn3(x);
}
