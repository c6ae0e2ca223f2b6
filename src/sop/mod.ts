/**
 * Spectral operators (ExoJAX `specop.py`): rigid rotation, Gaussian instrumental
 * profile and radial-velocity sampling of spectra on an ESLOG wavenumber grid.
 * Kernels live on a fixed velocity grid, are normalised to unit sum and applied by a
 * kernel-centred "same" convolution (zero outside the spectrum's ends).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createSopInstProfile, createSopRotation, resolutionToGaussianStd } from "./mod.ts";
 * const nu = new Float64Array(400).map((_, i) => 4350 * Math.exp(i * 1e-6));
 * const f = new Float64Array(400).fill(1);
 * f[200] = 0.5; // an unresolved absorption line
 * const rot = createSopRotation(nu, { vsiniMax: 20 });
 * const ip = createSopInstProfile(nu, { vrMax: 20 });
 * const broadened = ip.ipgauss(rot.rigidRotation(f, 10, 0.6, 0.1), resolutionToGaussianStd(1e5));
 * const obs = ip.sampling(broadened, 3.0, Float64Array.of(nu[150]!, nu[200]!, nu[250]!));
 * assert.strictEqual(obs.length, 3);
 * // the line is spread out (reference value from a NumPy re-implementation) ...
 * assert.ok(Math.abs(broadened[200]! - 0.9894917506758929) < 1e-12);
 * // ... but unit-sum kernels conserve its equivalent width, 0.5 grid points
 * const ew = broadened.slice(101, 299).reduce((s, b) => s + (1 - b), 0);
 * assert.ok(Math.abs(ew - 0.5) < 1e-12);
 * ```
 *
 * @module
 */

export { convolveCentered, convolveSame } from "./convolve.ts";
export { rigidRotation, rotationKernel } from "./rotation.ts";
export {
  gaussianKernel,
  ipgauss,
  resolutionToGaussianStd,
} from "./instrument_profile.ts";
export { type OutOfRange, sampling, type SamplingOptions } from "./sampling.ts";
export {
  createSopInstProfile,
  createSopRotation,
  type SopInstProfile,
  type SopInstProfileOptions,
  type SopRotation,
  type SopRotationOptions,
} from "./sop.ts";
export {
  convolveCenteredJvp,
  type ConvolveCenteredTangents,
  convolveCenteredVjp,
  convolveCenteredWithVjp,
} from "./convolve_ad.ts";
export {
  rigidRotationJvp,
  type RigidRotationTangents,
  rigidRotationVjp,
  rigidRotationWithVjp,
  type RotationKernelPartials,
  rotationKernelPartials,
} from "./rotation_ad.ts";
export {
  type GaussianKernelPartials,
  gaussianKernelPartials,
  ipgaussJvp,
  type IpgaussTangents,
  ipgaussVjp,
  ipgaussWithVjp,
} from "./instrument_profile_ad.ts";
export {
  samplingJvp,
  type SamplingTangents,
  samplingVjp,
  samplingWithVjp,
} from "./sampling_ad.ts";
export {
  ipgaussPrimitive,
  rigidRotationPrimitive,
  samplingPrimitive,
} from "./primitives.ts";
export * from "./kernels.ts";
