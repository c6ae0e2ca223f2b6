/**
 * The contract between the guides over the flat unconstrained latent vector
 * (`AutoContinuous` in `./base.ts`) and the distributions they put on it (`mvnLatent`, flows,
 * the affine `Preconditioner`): a reparameterized draw with its log density. It has a file of
 * its own so that `base.ts` and `preconditioner.ts` both import it without importing each other.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { Latent } from "./latent.ts";
 * import { mvnLatent } from "./mvn.ts";
 * import { tensor } from "../../ad/mod.ts";
 * const lat: Latent = mvnLatent(tensor([1, 2]), tensor([1, 0, 0, 3], [2, 2]));
 * assert.deepStrictEqual(Array.from(lat.marginal!().sd), [1, 3]);
 * ```
 *
 * @module
 */
import type { Value } from "../../ad/mod.ts";
import type { PrngKey } from "../../random/mod.ts";

/** A subclass's distribution over the flat unconstrained latent vector. */
export interface Latent {
  /**
   * A reparameterized draw z `[...sampleShape, D]` and its log density log q(z) `[...sampleShape]`.
   */
  sample(key: PrngKey, sampleShape: number[]): [Value, Value];
  /** log q(z) at any z (optional: flows without an inverse lack it). */
  logProb?(z: Value): Value;
  /** Marginal mean and standard deviation of each coordinate (Gaussian guides). */
  marginal?(): { loc: Float64Array; sd: Float64Array };
  /** Covariance [D·D], row-major (Gaussian guides). */
  covariance?(): Float64Array;
}
