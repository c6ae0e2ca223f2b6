/**
 * The tutorial's probabilistic model (`model_prob`): uniform priors on logg, RV, MMR, T0,
 * alpha and vsini, an exponential prior on the noise scale, and a Gaussian likelihood around the
 * differentiable spectral model. Written for exospec's PPL (an explicit model context instead
 * of NumPyro's global handler stack).
 *
 * @example
 * ```ts ignore
 * import { createTutorialModel, createTutorialAd } from "./mod.ts";
 * import { tutorialModelProb } from "./retrieval.ts";
 * const model = await createTutorialModel({ dbDir: "../shared/data" });
 * const modelProb = tutorialModelProb(createTutorialAd(model));
 * ```
 *
 * @module
 */
import { exp, mul, scalarOf, type Tensor } from "../ad/mod.ts";
import { Exponential, Normal, Uniform } from "../infer/distributions.ts";
import type { Model } from "../infer/handlers.ts";
import type { TutorialAd } from "./tutorial_ad.ts";

/** Prior bounds of the tutorial (NumPyro notebook `model_prob`). */
export const TUTORIAL_PRIORS: Readonly<
  Record<string, readonly [number, number]>
> = Object.freeze({
  logg: [4.0, 5.0],
  RV: [35.0, 45.0],
  MMR: [0.0, 0.015],
  T0: [1000.0, 1500.0],
  alpha: [0.05, 0.2],
  vsini: [5.0, 15.0],
});

/** Rate of the exponential prior on the noise scale `sigmain` [1/(erg/s/cm²/cm⁻¹)]. */
export const TUTORIAL_SIGMA_RATE = 1e-3;

/**
 * The tutorial's probabilistic model. Call it with the observed spectrum on `nuObs`, or with
 * `null` to sample a synthetic spectrum (posterior predictive).
 *
 * @param ad The differentiable model from `createTutorialAd`.
 * @returns A model `(ctx, spectrum) => void` with sample sites logg, RV, MMR, T0, alpha, vsini,
 *   sigmain and the observed site "spectrum".
 *
 * @example
 * ```ts ignore
 * const modelProb = tutorialModelProb(ad);
 * ```
 */
export function tutorialModelProb(ad: TutorialAd): Model<[Tensor | null]> {
  const ln10 = scalarOf(Math.LN10);
  const p = TUTORIAL_PRIORS;
  return (ctx, spectrum) => {
    const logg = ctx.sample("logg", new Uniform(p.logg![0], p.logg![1]));
    const rv = ctx.sample("RV", new Uniform(p.RV![0], p.RV![1]));
    const mmr = ctx.sample("MMR", new Uniform(p.MMR![0], p.MMR![1]));
    const t0 = ctx.sample("T0", new Uniform(p.T0![0], p.T0![1]));
    const alpha = ctx.sample("alpha", new Uniform(p.alpha![0], p.alpha![1]));
    const vsini = ctx.sample("vsini", new Uniform(p.vsini![0], p.vsini![1]));
    const mu = ad.fspec(t0, alpha, mmr, exp(mul(logg, ln10)), rv, vsini);
    const sigmain = ctx.sample("sigmain", new Exponential(TUTORIAL_SIGMA_RATE));
    ctx.sample(
      "spectrum",
      new Normal(mu, sigmain),
      spectrum ? { obs: spectrum } : {},
    );
  };
}
