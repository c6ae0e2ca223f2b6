/**
 * The two-stream layer transmission 2E₃(x) (ExoJAX `spec/rtransfer.py trans2E3`). The
 * exponential integrals themselves are in `src/special/expn.ts` (`./special`).
 *
 * @module
 */

import { expn3 } from "../special/expn.ts";

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
 * import assert from "node:assert";
 * import { trans2E3 } from "./expn.ts";
 * assert.strictEqual(trans2E3(0), 1); // a layer of zero optical depth transmits everything
 * assert.ok(Math.abs(trans2E3(1) - 0.2193839343955204) < 1e-15); // 2 · scipy.special.expn(3, 1)
 * ```
 */
export function trans2E3(x: number): number {
  return 2 * expn3(x);
}
