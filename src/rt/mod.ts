/**
 * Atmospheric layers and emission radiative transfer (pure absorption), following ExoJAX v2.0:
 * log-spaced pressure layers, power-law temperatures, layer optical depths from cross sections
 * and CIA, the Planck source πB_ν, the intensity-based (Gauss–Legendre) and flux-based 2E₃
 * two-stream solvers (the ibased one also on WebGPU, `createIbasedWebGpu`), the contribution
 * function and an `ArtEmisPure`-like convenience object. Each stage's js kernels are in
 * `kernels.ts`; `registerRtWasmStages` puts the WASM SIMD ones (so far `rt.emission_ibased`)
 * on a wasm backend.
 *
 * Matrices are row-major flat Float64Array [nlayer][nnu], top layer (lowest pressure) first.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createArtEmisPure, planckPi } from "./mod.ts";
 * const nuGrid = new Float64Array([4300, 4310, 4320]);
 * const art = createArtEmisPure({ nuGrid, pressureTop: 1e-5, pressureBtm: 10, nlayer: 100 });
 * const t = art.powerlawTemperature(1000, 0); // isothermal 1000 K
 * const dtau = art.opacityProfileXs(new Float64Array([1e-19, 1e-19, 1e-19]), 0.01, 28, 1e5);
 * const flux = art.run(dtau, t);
 * // total τ ≈ 2e3: an opaque isothermal atmosphere emits πB(T) at every ν (the 1e-12 allows the
 * // round-off of summing 100 layers)
 * const b = planckPi(nuGrid, 1000);
 * for (let j = 0; j < 3; j++) assert.ok(Math.abs(flux[j]! / b[j]! - 1) < 1e-12);
 * // the two-stream solver agrees on this closed form too
 * const art2 = createArtEmisPure({ nuGrid, pressureTop: 1e-5, pressureBtm: 10, nlayer: 100, rtsolver: "fbased2st" });
 * assert.ok(Math.abs(art2.run(dtau, t)[0]! / b[0]! - 1) < 1e-12);
 * ```
 *
 * @module
 */

export {
  type ArtEmisPure,
  type ArtEmisPureOptions,
  createArtEmisPure,
  type EmisPureSolver,
} from "./art_emis_pure.ts";
export {
  contributionFunction,
  type ContributionOptions,
} from "./contribution.ts";
export { emissionFbased2st } from "./emission_fbased2st.ts";
export { emissionIbased, emissionQuadrature } from "./emission_ibased.ts";
export {
  createIbasedWebGpu,
  IBASED_WEBGPU_KERNELS,
  IBASED_WEBGPU_MAX_NSTREAM,
  ibasedQuadrature,
  type IbasedTangents,
  type IbasedWebGpu,
  registerIbasedWebGpuKernels,
} from "./emission_ibased_webgpu.ts";
export { trans2E3 } from "./expn.ts";
// the exponential integrals live in src/special (re-exported here for the two-stream solver's users)
export { expn2, expn3 } from "../special/expn.ts";
export { type GaussLegendre, gaussLegendre } from "./gauss_legendre.ts";
export { gravityJupiter } from "./gravity.ts";
export {
  constantMmrProfile,
  numberDensity,
  opacityProfileCia,
  opacityProfileXs,
} from "./opacity_profile.ts";
export { planckPi, planckPiMatrix } from "./planck.ts";
export {
  type PressureLayers,
  pressureLayers,
  type PressureLayersOptions,
} from "./pressure_layers.ts";
export { powerlawTemperature } from "./temperature.ts";
export {
  powerlawTemperatureJvp,
  type PowerlawTemperatureTangents,
  powerlawTemperatureWithVjp,
} from "./temperature_ad.ts";
export {
  opacityProfileCiaJvp,
  type OpacityProfileCiaTangents,
  opacityProfileCiaWithVjp,
  opacityProfileXsJvp,
  type OpacityProfileXsTangents,
  opacityProfileXsWithVjp,
} from "./opacity_profile_ad.ts";
export {
  emissionIbasedJacobian,
  emissionIbasedJvp,
  emissionIbasedWithVjp,
} from "./emission_ibased_ad.ts";
export {
  emissionFbased2stJacobian,
  emissionFbased2stJvp,
  emissionFbased2stWithVjp,
} from "./emission_fbased2st_ad.ts";
export type { EmissionJacobian, EmissionTangents } from "./_common_ad.ts";
export {
  emissionPrimitive,
  opacityProfileCiaPrimitive,
  opacityProfileXsPrimitive,
  powerlawTemperaturePrimitive,
} from "./primitives.ts";
export * from "./kernels.ts";
export { registerRtWasmStages } from "./wasm_kernels.ts";
