/**
 * Opacity calculators (ExoJAX's `opa`): line strengths and widths, the Faddeeva function and
 * Voigt profile, the direct line-by-line reference, PreMODIT and CIA (the FFT they use is `./fft`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { voigtProfile } from "./mod.ts";
 * // a pure Doppler line of β = 0.01 cm⁻¹ peaks at 1/(√(2π) β) ≈ 39.894 per cm⁻¹
 * const peak = voigtProfile(0, 0.01, 0);
 * assert.ok(Math.abs(peak / (1 / (0.01 * Math.sqrt(2 * Math.PI))) - 1) < 1e-15);
 * ```
 *
 * @module
 */
export { faddeeva, faddeevaRe } from "../special/faddeeva.ts";
export { voigtProfile, voigtProfileArray } from "./voigt.ts";
export {
  lineStrength,
  lineStrengthScalar,
  partitionRatio,
} from "./line_strength.ts";
export {
  dopplerSigma,
  dopplerSigmaArray,
  gammaLorentz,
  gammaLorentzArray,
  gammaNatural,
  gammaNaturalArray,
} from "./widths.ts";
export { createOpaDirect, type OpaDirect } from "./direct.ts";
export {
  type BroadeningResolution,
  createOpaPremodit,
  type OpaPremodit,
  type OpaPremoditOptions,
  type PremoditTables,
} from "./premodit.ts";
export {
  lbdStrengthError,
  lbdWeightCoefficients,
  premoditOptimalParams,
  type PremoditParams,
} from "./premodit_params.ts";
export { createOpaCia, type OpaCia, type OpaCiaOptions } from "./cia.ts";
export {
  createPremoditAd,
  type PremoditAd,
  type PremoditPartials,
} from "./premodit_ad.ts";
export { type CiaAd, type CiaPartials, createCiaAd } from "./cia_ad.ts";
export { logaciaPrimitive, xsmatrixPrimitive } from "./primitives.ts";
export * from "./kernels.ts";
