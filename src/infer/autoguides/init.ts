/**
 * Initialization strategies for autoguides (NumPyro's `init_to_uniform`, `init_to_median`,
 * `init_to_value`): functions that give the initial (constrained) value of a latent sample site
 * from the site and a PRNG key, or `undefined` to let the site sample as usual.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { initToUniform } from "./init.ts";
 * import { Normal } from "../distributions.ts";
 * import { key } from "../../random/mod.ts";
 * import type { Tensor } from "../../ad/mod.ts";
 * const site = { type: "sample" as const, name: "x", fn: new Normal(0, 1), isObserved: false };
 * const v = (initToUniform({ radius: 2 })(site, key(0)) as Tensor).item();
 * assert.ok(Number.isFinite(v) && Math.abs(v) < 2);
 * // same key, same value
 * assert.strictEqual((initToUniform({ radius: 2 })(site, key(0)) as Tensor).item(), v);
 * ```
 *
 * @module
 */
import { Tensor, type Value } from "../../ad/mod.ts";
import { type PrngKey, split, uniform } from "../../random/mod.ts";
import { quantile } from "../diagnostics.ts";
import type { Distribution } from "../distributions.ts";
import type { SiteType } from "../handlers.ts";
import { bijectTo } from "../transforms.ts";
import { NonFiniteError } from "../../errors.ts";

/** The fields of a site (or message) an init strategy looks at. */
export interface InitSite {
  /** Site kind. */
  type: SiteType;
  /** Site name. */
  name: string;
  /** The site's distribution. */
  fn?: Distribution;
  /** Observed sites are never initialized. */
  isObserved: boolean;
  /** Sample shape of the site. */
  sampleShape?: number[];
}

/** An init strategy: the constrained initial value of a latent site, or undefined. */
export type InitStrategy = (site: InitSite, key: PrngKey) => Value | undefined;

function _latent(site: InitSite): Distribution | undefined {
  return site.type === "sample" && !site.isObserved && site.fn
    ? site.fn
    : undefined;
}

function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

/**
 * Initializes each latent site to a uniform draw in (−radius, radius) in unconstrained space,
 * mapped to the support (NumPyro's default for autoguides).
 *
 * @param opts `radius` (default 2).
 * @returns The strategy.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { initToUniform } from "./init.ts";
 * import { Exponential } from "../distributions.ts";
 * import { key } from "../../random/mod.ts";
 * import type { Tensor } from "../../ad/mod.ts";
 * const s = { type: "sample" as const, name: "r", fn: new Exponential(1), isObserved: false };
 * const v = (initToUniform()(s, key(1)) as Tensor).item();
 * // uniform in (-2, 2) on the log scale
 * assert.ok(v > Math.exp(-2) && v < Math.exp(2));
 * assert.strictEqual((initToUniform()(s, key(1)) as Tensor).item(), v);
 * ```
 */
export function initToUniform(opts: { radius?: number } = {}): InitStrategy {
  const radius = opts.radius ?? 2;
  if (!(radius >= 0 && Number.isFinite(radius))) {
    const msg = `radius must be finite and non-negative, got ${radius}`;
    if (!Number.isFinite(radius)) {
      throw new NonFiniteError("infer.initToUniform", "radius", radius, msg);
    }
    throw new RangeError(msg);
  }
  return (site, key) => {
    const d = _latent(site);
    if (!d) return undefined;
    const [k1, k2] = split(key, 2) as [PrngKey, PrngKey];
    const t = bijectTo(d.support);
    const proto = d.sample(k1, site.sampleShape);
    const u = _concrete(t.inverse(proto));
    const r = uniform(k2, u.size).map((x) => (2 * x - 1) * radius);
    return _concrete(t.forward(new Tensor(r, u.shape)));
  };
}

/**
 * Initializes each latent site to the elementwise median of `numSamples` prior draws.
 *
 * @param opts `numSamples` (default 15).
 * @returns The strategy.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { initToMedian } from "./init.ts";
 * import { Normal } from "../distributions.ts";
 * import { key } from "../../random/mod.ts";
 * import type { Tensor } from "../../ad/mod.ts";
 * const s = { type: "sample" as const, name: "x", fn: new Normal(5, 0.001), isObserved: false };
 * // median of 15 draws from N(5, 0.001²): within a few σ of 5
 * assert.ok(Math.abs((initToMedian()(s, key(0)) as Tensor).item() - 5) < 0.01);
 * ```
 */
export function initToMedian(opts: { numSamples?: number } = {}): InitStrategy {
  const n = opts.numSamples ?? 15;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`numSamples must be a positive integer, got ${n}`);
  }
  return (site, key) => {
    const d = _latent(site);
    if (!d) return undefined;
    const draws = d.sample(key, [n, ...(site.sampleShape ?? [])]);
    const med = quantile(draws, [0.5]);
    return new Tensor(med.data, med.shape.slice(1));
  };
}

/**
 * Initializes the named sites to the given (constrained) values, the others with `fallback`
 * (default {@link initToUniform}).
 *
 * @param values Site name → value.
 * @param fallback Strategy for the other sites.
 * @returns The strategy.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { initToValue } from "./init.ts";
 * import { Normal } from "../distributions.ts";
 * import { key } from "../../random/mod.ts";
 * import { scalar, type Tensor } from "../../ad/mod.ts";
 * const s = { type: "sample" as const, name: "x", fn: new Normal(0, 1), isObserved: false };
 * assert.ok(Math.abs((initToValue({ x: scalar(0.3) })(s, key(0)) as Tensor).item() - 0.3) < 1e-12);
 * ```
 */
export function initToValue(
  values: Record<string, Value>,
  fallback: InitStrategy = initToUniform(),
): InitStrategy {
  if (values === null || typeof values !== "object") {
    throw new TypeError(
      "initToValue(values): values must be a record of tensors",
    );
  }
  return (site, key) => {
    if (!_latent(site)) return undefined;
    if (Object.hasOwn(values, site.name)) return values[site.name];
    return fallback(site, key);
  };
}
