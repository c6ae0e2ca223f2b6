/**
 * Surface gravity from Jovian units (ExoJAX `utils/astrofunc.py gravity_jupiter`).
 *
 * @module
 */

import { GJ } from "../constants.ts";
import { _checkPositive } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.gravity";

/**
 * Gravity g = g_J · M / R² [cm/s²] for a radius in Jupiter radii and a mass in Jupiter masses.
 *
 * @param radiusRJ Planet radius [R_J], > 0.
 * @param massMJ Planet mass [M_J], > 0.
 * @returns Surface gravity [cm/s²].
 * @throws {RangeError} If radius or mass is not finite and positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gravityJupiter } from "./gravity.ts";
 * // g = GM/R² with G = 6.67408e-8 cm³ g⁻¹ s⁻² (CODATA 2014), M_J = 1.89813e30 g, R_J = 7.1492e9 cm
 * const gJ = (6.67408e-8 * 1.89813e30) / (7.1492e9 * 7.1492e9); // 2478.577…
 * assert.ok(Math.abs(gravityJupiter(1, 1) / gJ - 1) < 1e-14);
 * assert.strictEqual(Math.round(gravityJupiter(1, 1)), 2479);
 * // g ∝ M/R²
 * assert.ok(Math.abs(gravityJupiter(2, 3) / (gJ * 3 / 4) - 1) < 1e-14);
 * ```
 */
export function gravityJupiter(radiusRJ: number, massMJ: number): number {
  _checkPositive(STAGE, radiusRJ, "radiusRJ");
  _checkPositive(STAGE, massMJ, "massMJ");
  return (GJ * massMJ) / (radiusRJ * radiusRJ);
}
