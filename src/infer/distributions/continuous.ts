/**
 * Univariate continuous distributions (NumPyro parameterizations): Normal, Uniform,
 * Exponential, LogNormal, HalfNormal, Gamma, Beta, Cauchy, StudentT, TruncatedNormal. All are
 * reparameterized (`rsample` is differentiable in every parameter; Gamma, Beta and StudentT
 * through implicit reparameterization of the Gamma draw, first-order).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { Normal } from "./continuous.ts";
 * import { scalar, type Tensor } from "../../ad/mod.ts";
 * // scipy.stats.norm(0, 1).logpdf(0) = -0.9189385332046727
 * assert.ok(Math.abs((new Normal(0, 1).logProb(scalar(0)) as Tensor).item() - -0.9189385332046727) < 1e-12);
 * ```
 *
 * @module
 */
import {
  abs,
  add,
  broadcastShapes,
  div,
  exp,
  lgamma,
  log,
  log1p,
  mul,
  neg,
  scalarOf,
  sizeOf,
  sqrt,
  sub,
  Tensor,
  type Value,
  where,
} from "../../ad/mod.ts";
import { normal, type PrngKey, split, uniform } from "../../random/prng.ts";
import {
  type Constraint,
  greaterThan,
  interval,
  lessThan,
  positive,
  real,
  unitInterval,
} from "../constraints.ts";
import {
  clip,
  concreteOf,
  ndtr,
  ndtri,
  standardGammaRsample,
} from "../_ops.ts";
import { bcast, DistributionBase, fill, param } from "./base.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const c = scalarOf;

function _batch(...vs: Value[]): number[] {
  let s: number[] = [];
  for (const v of vs) s = broadcastShapes(s, v.shape);
  return s;
}

function _normalEps(key: PrngKey, shape: number[]): Tensor {
  return new Tensor(normal(key, sizeOf(shape)), shape);
}

/** Uniforms in the open interval (0, 1). */
function _openUniform(key: PrngKey, shape: number[]): Float64Array {
  const u = uniform(key, sizeOf(shape));
  for (let i = 0; i < u.length; i++) u[i] = u[i]! + 5.551115123125783e-17;
  return u;
}

/** Normal(loc, scale): density exp(−z²/2)/(scale √(2π)), z = (x − loc)/scale. */
export class Normal extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Normal";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = real;
  /** Mean. */
  readonly loc: Value;
  /** Standard deviation (> 0). */
  readonly scale: Value;
  /**
   * @param loc Mean (default 0).
   * @param scale Standard deviation > 0 (default 1).
   * @throws RangeError for a non-positive concrete scale.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Normal } from "./continuous.ts";
   * import { key } from "../../random/prng.ts";
   * const x = new Normal(0, 2).sample(key(0), [3]);
   * assert.deepStrictEqual(x.shape, [3]);
   * assert.ok(Array.from(x.data).every(Number.isFinite));
   * assert.deepStrictEqual(Array.from(new Normal(0, 2).sample(key(0), [3]).data), Array.from(x.data));
   * ```
   */
  constructor(loc: Value | number = 0, scale: Value | number = 1) {
    super();
    this.loc = param(loc, "Normal", "loc");
    this.scale = param(scale, "Normal", "scale", "positive");
    this.batchShape = _batch(this.loc, this.scale);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const eps = _normalEps(key, this._shape(sampleShape));
    return add(this.loc, mul(this.scale, eps));
  }
  protected _logProb(x: Value): Value {
    const z = div(sub(x, this.loc), this.scale);
    return sub(mul(c(-0.5), mul(z, z)), add(log(this.scale), c(HALF_LOG_2PI)));
  }
  protected _safePoint(): Value {
    return this.loc;
  }
  /** @inheritdoc */
  get mean(): Value {
    return bcast(this.loc, this.batchShape);
  }
  /** @inheritdoc */
  get variance(): Value {
    return bcast(mul(this.scale, this.scale), this.batchShape);
  }
  /**
   * Differential entropy ½ ln(2πe σ²).
   * @returns Entropy, shape batchShape.
   */
  entropy(): Value {
    return bcast(add(log(this.scale), c(0.5 + HALF_LOG_2PI)), this.batchShape);
  }
}

/** Uniform(low, high) on [low, high]. */
export class Uniform extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Uniform";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint;
  /** Lower bound. */
  readonly low: Value;
  /** Upper bound (> low). */
  readonly high: Value;
  /**
   * @param low Lower bound (default 0).
   * @param high Upper bound > low (default 1).
   * @throws RangeError when a concrete high ≤ low.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Uniform } from "./continuous.ts";
   * import { scalar, type Tensor } from "../../ad/mod.ts";
   * // scipy.stats.uniform(0, 4).logpdf(1) = -log(4)
   * assert.ok(Math.abs((new Uniform(0, 4).logProb(scalar(1)) as Tensor).item() - -1.3862943611198906) < 1e-12);
   * ```
   */
  constructor(low: Value | number = 0, high: Value | number = 1) {
    super();
    this.low = param(low, "Uniform", "low");
    this.high = param(high, "Uniform", "high");
    this.batchShape = _batch(this.low, this.high);
    const l = concreteOf(bcast(this.low, this.batchShape));
    const h = concreteOf(bcast(this.high, this.batchShape));
    for (let i = 0; i < l.size; i++) {
      if (!(h.data[i]! > l.data[i]!)) {
        throw new RangeError(
          `Uniform: high must be greater than low, got low = ${
            l.data[i]
          }, high = ${h.data[i]}`,
        );
      }
    }
    this.support = interval(this.low, this.high);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const u = new Tensor(uniform(key, sizeOf(shape)), shape);
    return add(this.low, mul(sub(this.high, this.low), u));
  }
  protected _logProb(x: Value): Value {
    return bcast(
      neg(log(sub(this.high, this.low))),
      _batch(x, this.low, this.high),
    );
  }
  protected _safePoint(): Value {
    return mul(add(this.low, this.high), c(0.5));
  }
  /** @inheritdoc */
  get mean(): Value {
    return bcast(mul(add(this.low, this.high), c(0.5)), this.batchShape);
  }
  /** @inheritdoc */
  get variance(): Value {
    const w = sub(this.high, this.low);
    return bcast(div(mul(w, w), c(12)), this.batchShape);
  }
}

/** Exponential(rate): density rate·e^{−rate·x} on x > 0. */
export class Exponential extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Exponential";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = positive;
  /** Rate (> 0). */
  readonly rate: Value;
  /**
   * @param rate Rate > 0 (default 1).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Exponential } from "./continuous.ts";
   * import { type Tensor } from "../../ad/mod.ts";
   * // rate 2: mean 1 / 2
   * assert.ok(Math.abs((new Exponential(2).mean as Tensor).item() - 0.5) < 1e-12);
   * ```
   */
  constructor(rate: Value | number = 1) {
    super();
    this.rate = param(rate, "Exponential", "rate", "positive");
    this.batchShape = [...this.rate.shape];
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const u = _openUniform(key, shape);
    const e = Float64Array.from(u, (v) => -Math.log(v));
    return div(new Tensor(e, shape), this.rate);
  }
  protected _logProb(x: Value): Value {
    return sub(log(this.rate), mul(this.rate, x));
  }
  protected _safePoint(): Value {
    return div(c(1), this.rate);
  }
  /** @inheritdoc */
  get mean(): Value {
    return div(c(1), this.rate);
  }
  /** @inheritdoc */
  get variance(): Value {
    return div(c(1), mul(this.rate, this.rate));
  }
}

/** LogNormal(loc, scale): ln x ~ Normal(loc, scale). */
export class LogNormal extends DistributionBase {
  /** @inheritdoc */
  readonly name = "LogNormal";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = positive;
  /** Mean of ln x. */
  readonly loc: Value;
  /** Standard deviation of ln x (> 0). */
  readonly scale: Value;
  /**
   * @param loc Mean of ln x (default 0).
   * @param scale Standard deviation of ln x > 0 (default 1).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { LogNormal } from "./continuous.ts";
   * import { type Tensor } from "../../ad/mod.ts";
   * // scipy.stats.lognorm(1).mean() = exp(1 / 2)
   * assert.ok(Math.abs((new LogNormal(0, 1).mean as Tensor).item() - 1.6487212707001282) < 1e-12);
   * ```
   */
  constructor(loc: Value | number = 0, scale: Value | number = 1) {
    super();
    this.loc = param(loc, "LogNormal", "loc");
    this.scale = param(scale, "LogNormal", "scale", "positive");
    this.batchShape = _batch(this.loc, this.scale);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const eps = _normalEps(key, this._shape(sampleShape));
    return exp(add(this.loc, mul(this.scale, eps)));
  }
  protected _logProb(x: Value): Value {
    const lx = log(x);
    const z = div(sub(lx, this.loc), this.scale);
    return sub(
      mul(c(-0.5), mul(z, z)),
      add(add(log(this.scale), c(HALF_LOG_2PI)), lx),
    );
  }
  protected _safePoint(): Value {
    return exp(this.loc);
  }
  /** @inheritdoc */
  get mean(): Value {
    return bcast(
      exp(add(this.loc, mul(c(0.5), mul(this.scale, this.scale)))),
      this.batchShape,
    );
  }
  /** @inheritdoc */
  get variance(): Value {
    const s2 = mul(this.scale, this.scale);
    return bcast(
      mul(sub(exp(s2), c(1)), exp(add(mul(c(2), this.loc), s2))),
      this.batchShape,
    );
  }
}

/** HalfNormal(scale): |X| for X ~ Normal(0, scale). */
export class HalfNormal extends DistributionBase {
  /** @inheritdoc */
  readonly name = "HalfNormal";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = positive;
  /** Scale (> 0). */
  readonly scale: Value;
  /**
   * @param scale Scale > 0 (default 1).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { HalfNormal } from "./continuous.ts";
   * import { type Tensor } from "../../ad/mod.ts";
   * // scipy.stats.halfnorm().mean() = sqrt(2 / π)
   * assert.ok(Math.abs((new HalfNormal(1).mean as Tensor).item() - 0.7978845608028654) < 1e-12);
   * ```
   */
  constructor(scale: Value | number = 1) {
    super();
    this.scale = param(scale, "HalfNormal", "scale", "positive");
    this.batchShape = [...this.scale.shape];
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const eps = _normalEps(key, this._shape(sampleShape));
    return mul(this.scale, abs(eps));
  }
  protected _logProb(x: Value): Value {
    const z = div(x, this.scale);
    return sub(
      mul(c(-0.5), mul(z, z)),
      add(log(this.scale), c(HALF_LOG_2PI - Math.LN2)),
    );
  }
  protected _safePoint(): Value {
    return this.scale;
  }
  /** @inheritdoc */
  get mean(): Value {
    return mul(this.scale, c(Math.sqrt(2 / Math.PI)));
  }
  /** @inheritdoc */
  get variance(): Value {
    return mul(mul(this.scale, this.scale), c(1 - 2 / Math.PI));
  }
}

/** Gamma(concentration α, rate β): density β^α x^{α−1} e^{−βx}/Γ(α) on x > 0. */
export class Gamma extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Gamma";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = positive;
  /** Shape α (> 0). */
  readonly concentration: Value;
  /** Rate β (> 0). */
  readonly rate: Value;
  /**
   * @param concentration Shape α > 0.
   * @param rate Rate β > 0 (default 1).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Gamma } from "./continuous.ts";
   * import { type Tensor } from "../../ad/mod.ts";
   * // concentration 3, rate 2: mean 3 / 2
   * assert.ok(Math.abs((new Gamma(3, 2).mean as Tensor).item() - 1.5) < 1e-12);
   * ```
   */
  constructor(concentration: Value | number, rate: Value | number = 1) {
    super();
    this.concentration = param(
      concentration,
      "Gamma",
      "concentration",
      "positive",
    );
    this.rate = param(rate, "Gamma", "rate", "positive");
    this.batchShape = _batch(this.concentration, this.rate);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    return div(standardGammaRsample(key, this.concentration, shape), this.rate);
  }
  protected _logProb(x: Value): Value {
    const a = this.concentration, b = this.rate;
    return sub(
      add(mul(a, log(b)), mul(sub(a, c(1)), log(x))),
      add(mul(b, x), lgamma(a)),
    );
  }
  protected _safePoint(): Value {
    return div(this.concentration, this.rate);
  }
  /** @inheritdoc */
  get mean(): Value {
    return bcast(div(this.concentration, this.rate), this.batchShape);
  }
  /** @inheritdoc */
  get variance(): Value {
    return bcast(
      div(this.concentration, mul(this.rate, this.rate)),
      this.batchShape,
    );
  }
}

/** Beta(α, β) on [0, 1]: density x^{α−1}(1−x)^{β−1}/B(α, β). */
export class Beta extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Beta";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = unitInterval;
  /** α (> 0). */
  readonly concentration1: Value;
  /** β (> 0). */
  readonly concentration0: Value;
  /**
   * @param concentration1 α > 0.
   * @param concentration0 β > 0.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Beta } from "./continuous.ts";
   * import { type Tensor } from "../../ad/mod.ts";
   * // mean a / (a + b) = 2 / 8
   * assert.ok(Math.abs((new Beta(2, 6).mean as Tensor).item() - 0.25) < 1e-12);
   * ```
   */
  constructor(concentration1: Value | number, concentration0: Value | number) {
    super();
    this.concentration1 = param(
      concentration1,
      "Beta",
      "concentration1",
      "positive",
    );
    this.concentration0 = param(
      concentration0,
      "Beta",
      "concentration0",
      "positive",
    );
    this.batchShape = _batch(this.concentration1, this.concentration0);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const [k1, k2] = split(key, 2) as [PrngKey, PrngKey];
    const x = standardGammaRsample(k1, this.concentration1, shape);
    const y = standardGammaRsample(k2, this.concentration0, shape);
    return div(x, add(x, y));
  }
  protected _logProb(x: Value): Value {
    const a = this.concentration1, b = this.concentration0;
    const lbeta = sub(add(lgamma(a), lgamma(b)), lgamma(add(a, b)));
    return sub(
      add(mul(sub(a, c(1)), log(x)), mul(sub(b, c(1)), log1p(neg(x)))),
      lbeta,
    );
  }
  protected _safePoint(): Value {
    return c(0.5);
  }
  /** @inheritdoc */
  get mean(): Value {
    return bcast(
      div(this.concentration1, add(this.concentration1, this.concentration0)),
      this.batchShape,
    );
  }
  /** @inheritdoc */
  get variance(): Value {
    const a = this.concentration1, b = this.concentration0, s = add(a, b);
    return bcast(div(mul(a, b), mul(mul(s, s), add(s, c(1)))), this.batchShape);
  }
}

/** Cauchy(loc, scale): density 1/(π scale (1 + z²)); mean NaN and variance +∞ (as NumPyro). */
export class Cauchy extends DistributionBase {
  /** @inheritdoc */
  readonly name = "Cauchy";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = real;
  /** Location (median). */
  readonly loc: Value;
  /** Scale (> 0). */
  readonly scale: Value;
  /**
   * @param loc Location (default 0).
   * @param scale Scale > 0 (default 1).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { Cauchy } from "./continuous.ts";
   * import { scalar, type Tensor } from "../../ad/mod.ts";
   * // scipy.stats.cauchy().logpdf(0) = -log(π)
   * assert.ok(Math.abs((new Cauchy(0, 1).logProb(scalar(0)) as Tensor).item() - -1.1447298858494002) < 1e-12);
   * ```
   */
  constructor(loc: Value | number = 0, scale: Value | number = 1) {
    super();
    this.loc = param(loc, "Cauchy", "loc");
    this.scale = param(scale, "Cauchy", "scale", "positive");
    this.batchShape = _batch(this.loc, this.scale);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const u = _openUniform(key, shape);
    const t = Float64Array.from(u, (v) => Math.tan(Math.PI * (v - 0.5)));
    return add(this.loc, mul(this.scale, new Tensor(t, shape)));
  }
  protected _logProb(x: Value): Value {
    const z = div(sub(x, this.loc), this.scale);
    return neg(
      add(add(log(this.scale), c(Math.log(Math.PI))), log1p(mul(z, z))),
    );
  }
  protected _safePoint(): Value {
    return this.loc;
  }
  /** NaN (undefined). @returns NaN of batch shape */
  get mean(): Value {
    return fill(this.batchShape, NaN);
  }
  /** +∞. @returns +∞ of batch shape */
  get variance(): Value {
    return fill(this.batchShape, Infinity);
  }
}

/** Student's t with `df` degrees of freedom, location and scale. */
export class StudentT extends DistributionBase {
  /** @inheritdoc */
  readonly name = "StudentT";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint = real;
  /** Degrees of freedom ν (> 0). */
  readonly df: Value;
  /** Location. */
  readonly loc: Value;
  /** Scale (> 0). */
  readonly scale: Value;
  /**
   * @param df Degrees of freedom ν > 0.
   * @param loc Location (default 0).
   * @param scale Scale > 0 (default 1).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { StudentT } from "./continuous.ts";
   * import { type Tensor } from "../../ad/mod.ts";
   * // scipy.stats.t(4).var() = 4 / (4 - 2)
   * assert.ok(Math.abs((new StudentT(4, 0, 1).variance as Tensor).item() - 2) < 1e-12);
   * ```
   */
  constructor(
    df: Value | number,
    loc: Value | number = 0,
    scale: Value | number = 1,
  ) {
    super();
    this.df = param(df, "StudentT", "df", "positive");
    this.loc = param(loc, "StudentT", "loc");
    this.scale = param(scale, "StudentT", "scale", "positive");
    this.batchShape = _batch(this.df, this.loc, this.scale);
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const [k1, k2] = split(key, 2) as [PrngKey, PrngKey];
    const eps = _normalEps(k1, shape);
    const g = standardGammaRsample(k2, mul(this.df, c(0.5)), shape); // χ²_ν / 2
    const t = mul(eps, sqrt(div(mul(this.df, c(0.5)), g)));
    return add(this.loc, mul(this.scale, t));
  }
  protected _logProb(x: Value): Value {
    const nu = this.df;
    const z = div(sub(x, this.loc), this.scale);
    const half = mul(add(nu, c(1)), c(0.5));
    return sub(
      sub(lgamma(half), lgamma(mul(nu, c(0.5)))),
      add(
        add(mul(c(0.5), log(mul(nu, c(Math.PI)))), log(this.scale)),
        mul(half, log1p(div(mul(z, z), nu))),
      ),
    );
  }
  protected _safePoint(): Value {
    return this.loc;
  }
  /** loc for ν > 1, NaN otherwise. @returns mean */
  get mean(): Value {
    const bs = this.batchShape;
    const df = concreteOf(bcast(this.df, bs));
    const m = new Tensor(
      Float64Array.from(df.data, (v) => (v > 1 ? 1 : 0)),
      bs,
    );
    return where(m, bcast(this.loc, bs), fill(bs, NaN));
  }
  /** scale² ν/(ν−2) for ν > 2, +∞ for 1 < ν ≤ 2, NaN for ν ≤ 1. @returns variance */
  get variance(): Value {
    const bs = this.batchShape;
    const df = concreteOf(bcast(this.df, bs));
    const ok = new Tensor(
      Float64Array.from(df.data, (v) => (v > 2 ? 1 : 0)),
      bs,
    );
    const other = new Tensor(
      Float64Array.from(df.data, (v) => (v > 1 ? Infinity : NaN)),
      bs,
    );
    const safeDf = where(ok, bcast(this.df, bs), fill(bs, 3));
    const v = div(mul(mul(this.scale, this.scale), safeDf), sub(safeDf, c(2)));
    return where(ok, bcast(v, bs), other);
  }
}

/**
 * Normal(loc, scale) truncated to [low, high] (either bound may be infinite; default
 * (−∞, ∞)): density φ(z)/(scale·Z) with Z = Φ(β) − Φ(α), α = (low − loc)/scale,
 * β = (high − loc)/scale. Sampling is by inverse CDF, using the reflected form Φ(−α) − Φ(−β)
 * when α > 0 so that upper-tail truncations keep their precision.
 */
export class TruncatedNormal extends DistributionBase {
  /** @inheritdoc */
  readonly name = "TruncatedNormal";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[] = [];
  /** @inheritdoc */
  readonly support: Constraint;
  /** Location of the untruncated normal. */
  readonly loc: Value;
  /** Scale of the untruncated normal (> 0). */
  readonly scale: Value;
  /** Lower bound (may be −∞). */
  readonly low: Value;
  /** Upper bound (may be +∞). */
  readonly high: Value;
  readonly #lowMask: Tensor; // 1 where low is finite
  readonly #highMask: Tensor; // 1 where high is finite
  readonly #reflect: Tensor; // 1 where α > 0
  readonly #closed: Constraint;
  /**
   * @param loc Location (default 0).
   * @param scale Scale > 0 (default 1).
   * @param low Lower bound (default −∞).
   * @param high Upper bound > low (default +∞).
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { TruncatedNormal } from "./continuous.ts";
   * import { scalar, type Tensor } from "../../ad/mod.ts";
   * const d = new TruncatedNormal(0, 1, 0); // half-normal
   * // scipy.stats.truncnorm(0, inf).logpdf(0) = log(2 / sqrt(2π))
   * assert.ok(Math.abs((d.logProb(scalar(0)) as Tensor).item() - -0.22579135264472738) < 1e-12);
   * ```
   */
  constructor(
    loc: Value | number = 0,
    scale: Value | number = 1,
    low: Value | number = -Infinity,
    high: Value | number = Infinity,
  ) {
    super();
    this.loc = param(loc, "TruncatedNormal", "loc");
    this.scale = param(scale, "TruncatedNormal", "scale", "positive");
    this.low = param(low, "TruncatedNormal", "low", "any");
    this.high = param(high, "TruncatedNormal", "high", "any");
    const bs = _batch(this.loc, this.scale, this.low, this.high);
    this.batchShape = bs;
    const lo = concreteOf(bcast(this.low, bs)),
      hi = concreteOf(bcast(this.high, bs));
    for (let i = 0; i < lo.size; i++) {
      if (
        !(hi.data[i]! > lo.data[i]!) || lo.data[i] === Infinity ||
        hi.data[i] === -Infinity
      ) {
        throw new RangeError(
          `TruncatedNormal: needs low < high, got low = ${lo.data[i]}, high = ${
            hi.data[i]
          }`,
        );
      }
    }
    this.#lowMask = new Tensor(
      Float64Array.from(lo.data, (v) => (v > -Infinity ? 1 : 0)),
      bs,
    );
    this.#highMask = new Tensor(
      Float64Array.from(hi.data, (v) => (v < Infinity ? 1 : 0)),
      bs,
    );
    const allLowInf = this.#lowMask.data.every((v) => v === 0);
    const allHighInf = this.#highMask.data.every((v) => v === 0);
    this.support = allLowInf && allHighInf
      ? real
      : allHighInf && this.#lowMask.data.every((v) => v === 1)
      ? greaterThan(this.low)
      : allLowInf && this.#highMask.data.every((v) => v === 1)
      ? lessThan(this.high)
      : interval(this.low, this.high);
    this.#closed = interval(this.low, this.high);
    const a = concreteOf(this.#alpha());
    this.#reflect = new Tensor(
      Float64Array.from(a.data, (v) => (v > 0 ? 1 : 0)),
      bs,
    );
  }
  /** α with −40 where low = −∞ (Φ(−40) underflows to 0, φ(−40) too, so it acts as −∞). */
  #alpha(): Value {
    const bs = this.batchShape;
    const lowSafe = where(this.#lowMask, bcast(this.low, bs), fill(bs, 0));
    return where(
      this.#lowMask,
      div(sub(lowSafe, this.loc), this.scale),
      fill(bs, -40),
    );
  }
  /** β with +40 where high = +∞. */
  #beta(): Value {
    const bs = this.batchShape;
    const highSafe = where(this.#highMask, bcast(this.high, bs), fill(bs, 0));
    return where(
      this.#highMask,
      div(sub(highSafe, this.loc), this.scale),
      fill(bs, 40),
    );
  }
  /** Normalizer Z = Φ(β) − Φ(α) (reflected where α > 0). */
  #z(a: Value, b: Value): Value {
    return where(
      this.#reflect,
      sub(ndtr(neg(a)), ndtr(neg(b))),
      sub(ndtr(b), ndtr(a)),
    );
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const u = new Tensor(_openUniform(key, shape), shape);
    const a = this.#alpha(), b = this.#beta();
    const tiny = 1e-300, top = 1 - 1.1102230246251565e-16;
    // plain: Φ⁻¹(Φ(α) + u Z); reflected: −Φ⁻¹(Φ(−α) − u Z)
    const pa = ndtr(a), pb = ndtr(b);
    const plain = ndtri(clip(add(pa, mul(u, sub(pb, pa))), tiny, top));
    const qa = ndtr(neg(a)), qb = ndtr(neg(b));
    const refl = neg(ndtri(clip(sub(qa, mul(u, sub(qa, qb))), tiny, top)));
    const z = where(this.#reflect, refl, plain);
    // keep inside [α, β] despite rounding
    return add(this.loc, mul(this.scale, z));
  }
  protected _logProb(x: Value): Value {
    const z = div(sub(x, this.loc), this.scale);
    const logZ = log(this.#z(this.#alpha(), this.#beta()));
    return sub(
      mul(c(-0.5), mul(z, z)),
      add(add(log(this.scale), c(HALF_LOG_2PI)), logZ),
    );
  }
  protected _safePoint(): Value {
    return this.mean;
  }
  /** The density is defined on the closed interval [low, high] (bounds included). */
  protected override _supportMask(v: Value): Tensor {
    return this.#closed.mask(v);
  }
  #phi(x: Value): Value {
    return mul(exp(mul(c(-0.5), mul(x, x))), c(1 / Math.sqrt(2 * Math.PI)));
  }
  /** loc + scale (φ(α) − φ(β))/Z. @returns mean */
  get mean(): Value {
    const a = this.#alpha(), b = this.#beta();
    const Z = this.#z(a, b);
    return bcast(
      add(this.loc, mul(this.scale, div(sub(this.#phi(a), this.#phi(b)), Z))),
      this.batchShape,
    );
  }
  /** scale² [1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]. @returns variance */
  get variance(): Value {
    const a = this.#alpha(), b = this.#beta();
    const Z = this.#z(a, b);
    const pa = this.#phi(a), pb = this.#phi(b);
    const d = div(sub(pa, pb), Z);
    const t = div(sub(mul(a, pa), mul(b, pb)), Z);
    return bcast(
      mul(mul(this.scale, this.scale), sub(add(c(1), t), mul(d, d))),
      this.batchShape,
    );
  }
}
