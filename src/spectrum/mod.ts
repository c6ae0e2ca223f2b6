/**
 * The tutorial's spectral model assembled from the physics stages, seeded mock data,
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
export {
  TUTORIAL_PRIORS,
  TUTORIAL_SIGMA_RATE,
  tutorialModelProb,
} from "./retrieval.ts";
