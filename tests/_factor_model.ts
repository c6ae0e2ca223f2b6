// The tutorial's priors with the log-likelihood as a factor computed on the model's backend:
// the guide's draw goes up as one vector θ [7] (one upload), the log-likelihood comes down as
// one number. Shared by the device-backend and wasm-backend SVI tests.
import type { Tensor } from "../src/ad/tensor.ts";
import { concat, reshape, toHost } from "../src/ad/ops.ts";
import type { TutorialAd } from "../src/spectrum/tutorial_ad.ts";
import { Exponential, Uniform } from "../src/infer/distributions.ts";
import type { Model } from "../src/infer/handlers.ts";

/**
 * The model `(ctx, y) => …` with sites logg, RV, MMR, T0, alpha, vsini, sigma and a factor.
 *
 * @param ad The differentiable tutorial model (on any backend).
 * @returns The model; `y` is the data, on the model's backend or the host.
 */
export function factorModel(ad: TutorialAd): Model<[Tensor]> {
  return (ctx, yObs) => {
    const u = (name: string, lo: number, hi: number) =>
      ctx.sample(name, new Uniform(lo, hi));
    const logg = u("logg", 4.2, 4.6), rv = u("RV", 35, 45);
    const mmr = u("MMR", 0, 0.015), t0 = u("T0", 1000, 1500);
    const alpha = u("alpha", 0.05, 0.2), vsini = u("vsini", 5, 15);
    const sigma = ctx.sample("sigma", new Exponential(1e-3));
    const theta = concat(
      [t0, alpha, mmr, logg, rv, vsini, sigma].map((v) => reshape(v, [1])),
    );
    ctx.factor("loglike", toHost(ad.logLikelihood(theta, yObs)));
  };
}
