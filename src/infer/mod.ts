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
 * assert.ok(Math.abs(params.mu_auto_loc!.item() - 2) < 0.5);
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
