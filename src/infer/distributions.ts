/**
 * Probability distributions over `src/ad` values, following NumPyro's parameterizations:
 * the {@link Distribution} interface, univariate continuous families, the multivariate normal,
 * and the wrappers `Independent`/`toEvent`, `ExpandedDistribution`/`expand`, `Delta` and
 * `TransformedDistribution`.
 *
 * `logProb` of a value outside the support is −Infinity (as NumPyro with validation off; the
 * density is evaluated at a safe interior point so that gradients stay finite), and a value
 * whose shape does not broadcast against batchShape + eventShape is a TypeError.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { Normal, toEvent } from "./distributions.ts";
 * import { key } from "../random/prng.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const d = toEvent(new Normal(tensor([0, 1, 2]), 0.5));
 * const x = d.sample(key(0));
 * const lp = d.logProb(x) as Tensor;
 * assert.deepStrictEqual(x.shape, [3]);
 * assert.deepStrictEqual(lp.shape, []);
 * // closed form: sum_i log N(x_i | mu_i, 0.5)
 * const mu = [0, 1, 2];
 * const ref = Array.from(x.data).reduce(
 *   (s, xi, i) => s - 0.5 * ((xi - mu[i]!) / 0.5) ** 2 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI),
 *   0,
 * );
 * assert.ok(Math.abs(lp.item() - ref) < 1e-12);
 * ```
 *
 * @module
 */
export {
  bcast,
  checkSampleShape,
  Delta,
  type Distribution,
  DistributionBase,
  expand,
  ExpandedDistribution,
  Independent,
  isValue,
  toEvent,
  TransformedDistribution,
} from "./distributions/base.ts";
export {
  Beta,
  Cauchy,
  Exponential,
  Gamma,
  HalfNormal,
  LogNormal,
  Normal,
  StudentT,
  TruncatedNormal,
  Uniform,
} from "./distributions/continuous.ts";
export { MultivariateNormal, type MvnOptions } from "./distributions/mvn.ts";
