/**
 * The multivariate normal distribution, parameterized by a lower Cholesky factor
 * (`scaleTril`) or a covariance matrix (factored with the differentiable `cholesky`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { MultivariateNormal } from "./mvn.ts";
 * import { tensor, type Tensor } from "../../ad/mod.ts";
 * const d = new MultivariateNormal(tensor([0, 0]), { covarianceMatrix: tensor([2, 1, 1, 2], [2, 2]) });
 * assert.deepStrictEqual(d.eventShape, [2]);
 * // scipy.stats.multivariate_normal([0, 0], [[2, 1], [1, 2]]).logpdf([1, -1]) = -3.3871832107434
 * assert.ok(Math.abs((d.logProb(tensor([1, -1])) as Tensor).item() - -3.3871832107434) < 1e-12);
 * ```
 *
 * @module
 */
import {
  add,
  log,
  matmul,
  mul,
  reshape,
  scalarOf,
  sizeOf,
  sub,
  sum,
  swapLast,
  take,
  Tensor,
  triangularSolve,
  type Value,
} from "../../ad/mod.ts";
import { normal, type PrngKey } from "../../random/prng.ts";
import { type Constraint, realVector } from "../constraints.ts";
import { cholesky, concreteOf } from "../_ops.ts";
import { bcast, DistributionBase, isValue, param } from "./base.ts";
import { NonFiniteError } from "../../errors.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Options of {@link MultivariateNormal}: exactly one of them. */
export interface MvnOptions {
  /** Lower-triangular [n, n] factor with positive diagonal (Σ = L Lᵀ). */
  scaleTril?: Value;
  /** Symmetric positive-definite [n, n] covariance. */
  covarianceMatrix?: Value;
}

/**
 * MultivariateNormal(loc, { scaleTril } | { covarianceMatrix }): loc has shape [..., n]
 * (leading dims are the batch), the factor is one [n, n] matrix shared by the batch.
 * logProb = −½‖L⁻¹(x − loc)‖² − Σ ln Lᵢᵢ − (n/2) ln 2π.
 */
export class MultivariateNormal extends DistributionBase {
  /** @inheritdoc */
  readonly name = "MultivariateNormal";
  /** @inheritdoc */
  readonly batchShape: number[];
  /** @inheritdoc */
  readonly eventShape: number[];
  /** @inheritdoc */
  readonly support: Constraint = realVector;
  /** Mean vector(s) [..., n]. */
  readonly loc: Value;
  /** Lower Cholesky factor [n, n]. */
  readonly scaleTril: Value;
  /**
   * @param loc Mean, [..., n].
   * @param opts `{ scaleTril }` or `{ covarianceMatrix }`.
   * @throws TypeError on missing/extra options or wrong shapes; RangeError when a concrete
   *   scaleTril is not lower-triangular with a positive diagonal or a concrete covariance is not
   *   symmetric positive definite.
   * @example
   * ```ts
   * import assert from "node:assert";
   * import { MultivariateNormal } from "./mvn.ts";
   * import { tensor, type Tensor } from "../../ad/mod.ts";
   * const d = new MultivariateNormal(tensor([1, 2]), { scaleTril: tensor([1, 0, 0, 1], [2, 2]) });
   * assert.deepStrictEqual(Array.from((d.mean as Tensor).data), [1, 2]);
   * ```
   */
  constructor(loc: Value | number[], opts: MvnOptions) {
    super();
    const l = Array.isArray(loc)
      ? new Tensor(Float64Array.from(loc), [loc.length])
      : loc;
    this.loc = param(l, "MultivariateNormal", "loc");
    if (this.loc.shape.length < 1) {
      throw new TypeError("MultivariateNormal: loc must have shape [..., n]");
    }
    const n = this.loc.shape[this.loc.shape.length - 1]!;
    if (!opts || typeof opts !== "object") {
      throw new TypeError(
        "MultivariateNormal: needs { scaleTril } or { covarianceMatrix }",
      );
    }
    const given = [opts.scaleTril, opts.covarianceMatrix].filter((v) =>
      v !== undefined
    );
    if (given.length !== 1) {
      throw new TypeError(
        "MultivariateNormal: give exactly one of scaleTril or covarianceMatrix",
      );
    }
    const m = given[0]!;
    if (!isValue(m)) {
      throw new TypeError("MultivariateNormal: the matrix must be a tensor");
    }
    if (m.shape.length !== 2 || m.shape[0] !== n || m.shape[1] !== n) {
      throw new TypeError(
        `MultivariateNormal: matrix must be [${n}, ${n}] to match loc [${this.loc.shape}], got [${m.shape}]`,
      );
    }
    if (opts.covarianceMatrix !== undefined) {
      const cm = opts.covarianceMatrix;
      if (cm instanceof Tensor) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < i; j++) {
            const a = cm.data[i * n + j]!, b = cm.data[j * n + i]!;
            if (
              Math.abs(a - b) > 1e-12 * (Math.abs(a) + Math.abs(b)) + 1e-300
            ) {
              throw new RangeError(
                `MultivariateNormal: covarianceMatrix must be symmetric ([${i}, ${j}] = ${a}, [${j}, ${i}] = ${b})`,
              );
            }
          }
        }
      }
      this.scaleTril = cholesky(cm);
      if (
        cm instanceof Tensor &&
        concreteOf(this.scaleTril).data.some((v) => Number.isNaN(v))
      ) {
        throw new RangeError(
          "MultivariateNormal: covarianceMatrix must be positive definite",
        );
      }
    } else {
      const L = opts.scaleTril!;
      if (L instanceof Tensor) {
        for (let i = 0; i < n; i++) {
          const d = L.data[i * n + i]!;
          if (!(d > 0 && d < Infinity)) {
            const msg =
              `MultivariateNormal: scaleTril must have a positive diagonal, got scaleTril[${i}, ${i}] = ${d}`;
            if (!Number.isFinite(d)) {
              throw new NonFiniteError(
                "infer.MultivariateNormal",
                `scaleTril[${i}, ${i}]`,
                d,
                msg,
              );
            }
            throw new RangeError(msg);
          }
          for (let j = i + 1; j < n; j++) {
            if (L.data[i * n + j] !== 0) {
              throw new RangeError(
                `MultivariateNormal: scaleTril must be lower-triangular, got scaleTril[${i}, ${j}] = ${
                  L.data[i * n + j]
                }`,
              );
            }
          }
        }
      }
      this.scaleTril = L;
    }
    this.batchShape = this.loc.shape.slice(0, -1);
    this.eventShape = [n];
  }
  /** Σ = L Lᵀ. @returns [n, n] covariance */
  get covarianceMatrix(): Value {
    return matmul(this.scaleTril, swapLast(this.scaleTril));
  }
  /** @inheritdoc */
  override rsample(key: PrngKey, sampleShape?: number[]): Value {
    const shape = this._shape(sampleShape);
    const n = this.eventShape[0]!;
    const N = sizeOf(shape) / n;
    const eps = new Tensor(normal(key, N * n), [N, n]);
    const x = reshape(matmul(eps, swapLast(this.scaleTril)), shape);
    return add(this.loc, x);
  }
  protected _logProb(x: Value): Value {
    const n = this.eventShape[0]!;
    const diff = sub(x, this.loc);
    const outBatch = diff.shape.slice(0, -1);
    const N = sizeOf(outBatch);
    const cols = swapLast(reshape(diff, [N, n])); // [n, N]
    const z = triangularSolve(this.scaleTril, cols); // [n, N]
    const maha = reshape(sum(mul(z, z), 0), outBatch);
    return sub(
      mul(scalarOf(-0.5), maha),
      add(this.#halfLogDet(), scalarOf(n * HALF_LOG_2PI)),
    );
  }
  #halfLogDet(): Value {
    const n = this.eventShape[0]!;
    const flat = reshape(this.scaleTril, [n * n]);
    const diag = take(flat, [...Array(n).keys()].map((i) => i * (n + 1)));
    return sum(log(diag));
  }
  protected _safePoint(): Value {
    return this.loc;
  }
  /** @inheritdoc */
  get mean(): Value {
    return this.loc;
  }
  /** Diagonal of Σ, broadcast to [..., n]. @returns variance */
  get variance(): Value {
    const v = sum(mul(this.scaleTril, this.scaleTril), -1);
    return bcast(v, [...this.batchShape, ...this.eventShape]);
  }
  /**
   * Differential entropy ½ ln det(2πe Σ).
   * @returns Entropy, shape batchShape.
   */
  entropy(): Value {
    const n = this.eventShape[0]!;
    return bcast(
      add(this.#halfLogDet(), scalarOf(n * (0.5 + HALF_LOG_2PI))),
      this.batchShape,
    );
  }
}
