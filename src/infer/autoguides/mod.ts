/**
 * Automatic guides for SVI, as NumPyro's `numpyro.infer.autoguide`: a prototype run of the
 * model finds the latent sites; {@link AutoDelta} and {@link AutoNormal} work per site, the
 * others over one flat unconstrained vector ({@link AutoDiagonalNormal},
 * {@link AutoMultivariateNormal}, {@link AutoLowRankMultivariateNormal},
 * {@link AutoLaplaceApproximation}, {@link AutoIAFNormal}, {@link AutoBNAFNormal}). Init
 * strategies: {@link initToUniform}, {@link initToMedian}, {@link initToValue}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoMultivariateNormal } from "./mod.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1), { sampleShape: [3] }); };
 * assert.strictEqual(AutoMultivariateNormal(model).setup(key(0)).latentDim, 3);
 * ```
 *
 * @module
 */
export {
  type AutoGuide,
  type AutoGuideOptions,
  buildPrototype,
  type Latent,
  type LatentSite,
  type Prototype,
  unpackLatent,
} from "./base.ts";
export { AutoBNAFNormal, type BnafOptions } from "./bnaf.ts";
export { AutoDelta } from "./delta.ts";
export { AutoIAFNormal, type IafOptions } from "./iaf.ts";
export {
  type InitSite,
  type InitStrategy,
  initToMedian,
  initToUniform,
  initToValue,
} from "./init.ts";
export { AutoLaplaceApproximation, type LaplaceGuide } from "./laplace.ts";
export {
  AutoLowRankMultivariateNormal,
  type LowRankOptions,
} from "./lowrank.ts";
export { AutoMultivariateNormal, mvnLatent, mvnLogProb } from "./mvn.ts";
export {
  affineLatent,
  checkPreconditioner,
  type Preconditioner,
  toWhitened,
} from "./preconditioner.ts";
export {
  AutoDiagonalNormal,
  AutoNormal,
  type NormalGuideOptions,
} from "./normal.ts";
