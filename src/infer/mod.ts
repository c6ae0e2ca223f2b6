/**
 * Probabilistic programming and stochastic variational inference, after NumPyro: constraints
 * and bijectors, distributions, effect handlers on explicit model contexts, ELBOs, functional
 * optimizers, SVI, autoguides (including normalizing flows), predictive sampling and
 * diagnostics. Values are `src/ad` values, so every density is differentiable; randomness comes
 * from explicit PRNG keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adam, AutoNormal, Normal, SVI, TraceELBO, type ModelContext } from "./mod.ts";
 * import { key } from "../random/mod.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * function model(ctx: ModelContext, y: Tensor) {
 *   const mu = ctx.sample("mu", new Normal(0, 10));
 *   ctx.plate("data", y.size, () => ctx.sample("y", new Normal(mu, 1), { obs: y }));
 * }
 * const guide = AutoNormal(model);
 * const svi = SVI(model, guide, adam(0.05), TraceELBO());
 * const { params } = svi.run(key(0), 200, [tensor([1.9, 2.1, 2.0])], { progress: false });
 * // exact posterior: N(6/3.01, 1/3.01), i.e. mean 1.99336 and sd 0.57639; after 200 noisy
 * // Adam steps loc and scale end ≈ ±0.09 and ±0.08 (1 sd over seeds) from them: ~4 sd bounds
 * assert.ok(Math.abs(params.mu_auto_loc!.item() - 1.993355481727575) < 0.35);
 * assert.ok(Math.abs(params.mu_auto_scale!.item() - 0.576390417704235) < 0.3);
 * ```
 *
 * @module
 */
export * from "./constraints.ts";
export * from "./transforms.ts";
export * from "./distributions.ts";
export * from "./handlers.ts";
export { cholesky, ndtr, ndtri } from "./_ops.ts";
export * from "./elbo.ts";
export * from "./optim.ts";
export * from "./svi.ts";
export * from "./autoguides/mod.ts";
export * from "./laplace_fit.ts";
export * from "./predictive.ts";
export * from "./diagnostics.ts";
export {
  applyBnaf,
  applyIaf,
  applyMade,
  type Bnaf,
  clamp,
  elu,
  initBnaf,
  initMade,
  type Made,
  madeMasks,
} from "./nn.ts";
