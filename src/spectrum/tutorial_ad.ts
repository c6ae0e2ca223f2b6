/**
 * The tutorial's spectral model and Gaussian log-likelihood as differentiable functions on the
 * explicit AD layer (the tutorial's parametrisation, power-law T(P), constant MMR and log g, of
 * the general {@link createEmissionModel}): every stage is a coarse primitive with hand-derived JVP/VJP rules, so the
 * gradient of the log-likelihood w.r.t. (T0, alpha, MMR, logg, RV, vsini, sigma) takes one
 * reverse sweep over ~10 primitives, or one forward pass with 7 tangent directions.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createTutorialModel } from "./tutorial.ts";
 * import { createTutorialAd } from "./tutorial_ad.ts";
 * const model = await createTutorialModel({ dbDir: "../shared/data" });
 * const ad = createTutorialAd(model);
 * const y = model.fspec(1200, 0.1, 0.01, 24785.77, 40, 10);
 * const theta = new Float64Array([1200, 0.1, 0.01, 4.39, 40, 10, 500]);
 * const { value, grad } = ad.logLikelihoodGrad(theta, y, "reverse");
 * assert.ok(Number.isFinite(value));
 * assert.strictEqual(grad.length, 7);
 * // forward mode gives the same gradient (the same terms, summed in another order)
 * const fwd = ad.logLikelihoodGrad(theta, y, "forward");
 * assert.ok(fwd.grad.every((g, i) => Math.abs(g / grad[i]! - 1) < 1e-10));
 * ```
 *
 * @module
 */
import { NonFiniteError } from "../errors.ts";
import { jvpBatch, Tracer, type Value, valueAndGrad } from "../ad/core.ts";
import {
  bind,
  div,
  exp,
  log,
  mul,
  reshape,
  scalarOf,
  sub,
  sum,
  take,
  toBackend,
} from "../ad/mod.ts";
import { isHostBackend, Tensor } from "../ad/tensor.ts";
import { scopeSync } from "../ad/scope.ts";
import { powerlawTemperatureStage } from "../rt/kernels.ts";
import { stagePrimitive, uploadConst } from "../ad/stage_kernels.ts";
import type { TutorialModel } from "./tutorial.ts";

/** Names of the tutorial's retrieval parameters, in the order of `theta`. */
export const TUTORIAL_PARAMS: readonly string[] = [
  "T0",
  "alpha",
  "MMR",
  "logg",
  "RV",
  "vsini",
  "sigma",
];

/** Differentiable pieces of the tutorial model. */
export interface TutorialAd {
  /**
   * fspec on AD values (rank-0 tensors or tracers): T0 [K], alpha, MMR, gravity [cm/s²],
   * RV [km/s], vsini [km/s] → model flux on `nuObs` [erg/s/cm²/cm⁻¹].
   */
  fspec(
    t0: Value,
    alpha: Value,
    mmr: Value,
    gravity: Value,
    rv: Value,
    vsini: Value,
  ): Value;
  /**
   * The spectrum from a temperature profile T [L] and an MMR profile [L] (or scalar),
   * differentiable w.r.t. both profiles, gravity, RV and vsini.
   */
  fspecProfiles(
    temperature: Value,
    mmr: Value,
    gravity: Value,
    rv: Value,
    vsini: Value,
  ): Value;
  /**
   * Gaussian log-likelihood of data y given theta = [T0, alpha, MMR, logg, RV, vsini, sigma]:
   * shape [] for theta [7]; [B] for a batch theta [B, 7], evaluated in one pass of kernels.
   */
  logLikelihood(theta: Value, y: Tensor): Value;
  /**
   * Values and gradients of the log-likelihood for a batch of B parameter sets in one reverse
   * pass: theta is [B, 7] row-major; returns value [B] and grad [B, 7] (row b is
   * `logLikelihoodGrad` of row b, bit for bit).
   */
  logLikelihoodGradBatch(
    theta: Float64Array,
    y: Float64Array,
  ): { value: Float64Array; grad: Float64Array };
  /** Value and gradient of the log-likelihood by reverse or forward (7 directions) mode. */
  logLikelihoodGrad(
    theta: Float64Array,
    y: Float64Array,
    mode?: "reverse" | "forward",
  ): { value: number; grad: Float64Array };
}

/**
 * Builds the differentiable tutorial model on top of a {@link TutorialModel} (PreMODIT opacity).
 *
 * @param model The model from `createTutorialModel`.
 * @returns fspec, fspecProfiles, the log-likelihood and its gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * import { createTutorialModel } from "./tutorial.ts";
 * import { createTutorialAd } from "./tutorial_ad.ts";
 * const model = await createTutorialModel({ dbDir: "../shared/data" });
 * const ad = createTutorialAd(model);
 * // on plain tensors the AD fspec is the model's fspec
 * const [t0, alpha, mmr, g, rv, vsini] = [1200, 0.1, 0.01, 24785.77, 40, 10].map(scalar);
 * const mu = ad.fspec(t0!, alpha!, mmr!, g!, rv!, vsini!) as Tensor;
 * const ref = model.fspec(1200, 0.1, 0.01, 24785.77, 40, 10);
 * assert.ok(mu.data.every((x, i) => Math.abs(x / ref[i]! - 1) < 1e-12));
 * ```
 */
export function createTutorialAd(model: TutorialModel): TutorialAd {
  const em = model.emission;
  if (!em.differentiable) {
    throw new TypeError(
      'createTutorialAd(): the model must use PreMODIT opacity (opacity: "premodit"); ' +
        "the direct line-by-line opacity has no derivative rules",
    );
  }
  const art = model.art;
  const L = art.pressure.length;
  const be = em.backend;
  const onBe = isHostBackend(be)
    ? (v: Value) => v
    : (v: Value) => toBackend(v, be);
  const tPrim = stagePrimitive(em.backend, powerlawTemperatureStage, {
    consts: [uploadConst(em.backend, art.pressure)],
    params: { tmin: art.tLow, tmax: art.tHigh },
    outShape: () => [L],
  }).primitive;
  const fromProfiles = (
    temperature: Value,
    mmr: Value,
    gravity: Value,
    rv: Value,
    vsini: Value,
  ): Value => em.spectrum({ temperature, mmr: [mmr], gravity, rv, vsini });
  const fspec = (
    t0: Value,
    alpha: Value,
    mmr: Value,
    gravity: Value,
    rv: Value,
    vsini: Value,
  ): Value =>
    fromProfiles(
      bind(
        tPrim,
        [onBe(t0), onBe(alpha)],
        // a batch of B parameter sets: T0 and alpha [B] give T [B, L]
        t0.shape.length === 1
          ? { batch: t0.shape[0], batched: [true, true] }
          : {},
      ),
      mmr,
      gravity,
      rv,
      vsini,
    );

  const LN10 = scalarOf(Math.LN10);
  const logLikelihood = (thetaIn: Value, yIn: Tensor): Value => {
    // on a device backend: θ moves once (7 numbers; its cotangent comes back once), and the
    // data move unless they are already there
    const theta = onBe(thetaIn), y = onBe(yIn) as Tensor;
    const ts = theta.shape;
    if (ts[ts.length - 1] !== 7 || ts.length > 2 || ts.length < 1) {
      throw new TypeError(
        `logLikelihood(): theta must have shape [7] or [B, 7] (${
          TUTORIAL_PARAMS.join(", ")
        }), got [${ts}]`,
      );
    }
    const batched = ts.length === 2;
    if (y.size !== model.nuObs.length) {
      throw new TypeError(
        `logLikelihood(): data has ${y.size} points, nuObs has ${model.nuObs.length}`,
      );
    }
    // parameter i: [] (or [B] for a batch)
    const p = (i: number) =>
      batched
        ? reshape(take(theta, [i], 1), [ts[0]!])
        : reshape(take(theta, [i]), []);
    const g = exp(mul(p(3), LN10));
    const mu = fspec(p(0), p(1), p(2), g, p(4), p(5));
    const sigma = p(6);
    const r = div(sub(y, mu), batched ? reshape(sigma, [ts[0]!, 1]) : sigma);
    const m = y.size;
    return sub(
      sub(
        mul(scalarOf(-0.5), batched ? sum(mul(r, r), [1]) : sum(mul(r, r))),
        mul(scalarOf(m), log(sigma)),
      ),
      scalarOf(0.5 * m * Math.log(2 * Math.PI)),
    );
  };

  const logLikelihoodGrad = (
    theta: Float64Array,
    y: Float64Array,
    mode: "reverse" | "forward" = "reverse",
  ): { value: number; grad: Float64Array } => {
    if (theta.length !== 7) {
      throw new TypeError(
        `logLikelihoodGrad(): theta must have 7 entries, got ${theta.length}`,
      );
    }
    theta.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(
          "spectrum.logLikelihoodGrad",
          `theta[${i}] (${TUTORIAL_PARAMS[i]})`,
          v,
          `logLikelihoodGrad(): ${TUTORIAL_PARAMS[i]} is ${v}`,
        );
      }
    });
    // every device buffer of the evaluation is freed on return
    return scopeSync(() => {
      const th = new Tensor(theta.slice(), [7]);
      const yt = new Tensor(y, [y.length]);
      if (mode === "reverse") {
        const [v, [g]] = valueAndGrad((t) => logLikelihood(t, yt))(th);
        return { value: (v as Tensor).item(), grad: (g as Tensor).data };
      }
      const eye = new Float64Array(49);
      for (let i = 0; i < 7; i++) eye[i * 8] = 1;
      const [v, t] = jvpBatch((x) => logLikelihood(x, yt), [th], [
        new Tensor(eye, [7, 7]),
      ]);
      return { value: (v as Tensor).item(), grad: (t as Tensor).readSync() };
    });
  };

  const logLikelihoodGradBatch = (
    theta: Float64Array,
    y: Float64Array,
  ): { value: Float64Array; grad: Float64Array } => {
    if (theta.length === 0 || theta.length % 7 !== 0) {
      throw new TypeError(
        `logLikelihoodGradBatch(): theta must hold B × 7 values, got ${theta.length}`,
      );
    }
    theta.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        throw new NonFiniteError(
          "spectrum.logLikelihoodGradBatch",
          `theta[${Math.floor(i / 7)}][${i % 7}] (${TUTORIAL_PARAMS[i % 7]})`,
          v,
          `logLikelihoodGradBatch(): ${TUTORIAL_PARAMS[i % 7]} of set ${
            Math.floor(i / 7)
          } is ${v}`,
        );
      }
    });
    return scopeSync(() => {
      const B = theta.length / 7;
      const th = new Tensor(theta.slice(), [B, 7]);
      const yt = new Tensor(y, [y.length]);
      let values: Tensor | undefined;
      const [, [g]] = valueAndGrad((t) => {
        const ll = logLikelihood(t, yt);
        values = (ll instanceof Tracer ? ll.primal : ll) as Tensor;
        return sum(ll);
      })(th);
      return { value: values!.readSync(), grad: (g as Tensor).readSync() };
    });
  };

  return {
    fspec,
    fspecProfiles: fromProfiles,
    logLikelihood,
    logLikelihoodGrad,
    logLikelihoodGradBatch,
  };
}
