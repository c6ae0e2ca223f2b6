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
 * import { gravityJupiter } from "./gravity.ts";
 * console.log(Math.round(gravityJupiter(1, 1))); // 2479
 * ```
 */
export function gravityJupiter(radiusRJ: number, massMJ: number): number {
  _checkPositive(STAGE, radiusRJ, "radiusRJ");
  _checkPositive(STAGE, massMJ, "massMJ");
  return (GJ * massMJ) / (radiusRJ * radiusRJ);
}
