/**
 * The tutorial's probabilistic model (`model_prob`): uniform priors on logg, RV, MMR, T0,
 * alpha and vsini, an exponential prior on the noise scale, and a Gaussian likelihood around the
 * differentiable spectral model. Written for exospec's PPL (an explicit model context instead
 * of NumPyro's global handler stack). It belongs to the example, as `model_prob` belongs to
 * ExoJAX's notebook: the package holds the spectral model (`createEmissionModel`,
 * `createTutorialModel`), a retrieval writes its own priors.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createTutorialAd, createTutorialModel, seed, trace } from "../mod.ts";
 * import { tutorialModelProb } from "./tutorial_retrieval.ts";
 * const model = await createTutorialModel({ dbDir: "../shared/data" });
 * const modelProb = tutorialModelProb(createTutorialAd(model));
 * const sites = [...trace(seed(modelProb, 0)).getTrace(null).keys()];
 * assert.deepStrictEqual(sites, ["logg", "RV", "MMR", "T0", "alpha", "vsini", "sigmain", "spectrum"]);
 * ```
 *
 * @module
 */
import {
  exp,
  Exponential,
  type Model,
  mul,
  Normal,
  reshape,
  scalarOf,
  type Tensor,
  toHost,
  type TutorialAd,
  Uniform,
} from "../mod.ts";

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
 * ```ts
 * import assert from "node:assert";
 * import { createTutorialAd, createTutorialModel, seed, tensor, type Tensor, trace } from "../mod.ts";
 * import { tutorialModelProb } from "./tutorial_retrieval.ts";
 * const model = await createTutorialModel({ dbDir: "../shared/data" });
 * const ad = createTutorialAd(model);
 * const modelProb = tutorialModelProb(ad);
 * const y = tensor(model.fspec(1200, 0.1, 0.01, 24785.77, 40, 10));
 * assert.ok(trace(seed(modelProb, 0)).getTrace(y).get("spectrum")!.isObserved);
 * // with null, "spectrum" is sampled: a synthetic spectrum on nuObs
 * const s = trace(seed(modelProb, 0)).getTrace(null).get("spectrum")!;
 * assert.strictEqual(s.isObserved, false);
 * assert.deepStrictEqual((s.value as Tensor).shape, [model.nuObs.length]);
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
    // the spectrum comes to the host for the likelihood (no transfer when the model runs on js;
    // on a device backend: the spectrum read once, its cotangent sent back once)
    const mu = toHost(
      ad.fspec(t0, alpha, mmr, exp(mul(logg, ln10)), rv, vsini),
    );
    const sigmain = ctx.sample("sigmain", new Exponential(TUTORIAL_SIGMA_RATE));
    // a batch of B draws (Predictive's batchSize): μ [B, nObs], sigmain [B] → [B, 1]
    const scale = mu.shape.length === 2
      ? reshape(sigmain, [mu.shape[0]!, 1])
      : sigmain;
    ctx.sample(
      "spectrum",
      new Normal(mu, scale),
      spectrum ? { obs: spectrum } : {},
    );
  };
}
