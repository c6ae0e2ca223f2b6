/**
 * The general emission model ({@link createEmissionModel}: any line absorbers and CIA pairs,
 * written once with autodiff primitives), the tutorial's instance of it, seeded mock data,
 * and the database locator.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { addGaussianNoise } from "./mod.ts";
 * const y = addGaussianNoise(new Float64Array(2), 1, 0);
 * assert.strictEqual(y.length, 2);
 * assert.ok(y.every((x) => Number.isFinite(x) && x !== 0));
 * ```
 *
 * @module
 */
export {
  type CiaAbsorber,
  createEmissionModel,
  type EmissionInputs,
  type EmissionModel,
  type EmissionModelSpec,
  type EmissionStages,
  type LineAbsorber,
} from "./emission_model.ts";
export {
  createTutorialModel,
  type TutorialModel,
  type TutorialOptions,
  type TutorialStages,
} from "./tutorial.ts";
export {
  locateTutorialDatabase,
  TUTORIAL_CIA_CANDIDATES,
  TUTORIAL_MDB_CANDIDATES,
  type TutorialDatabase,
} from "./database.ts";
export { addGaussianNoise, spectrumToCsv } from "./mock.ts";
export {
  createTutorialAd,
  TUTORIAL_PARAMS,
  type TutorialAd,
} from "./tutorial_ad.ts";
export * from "./stage_backend.ts";
