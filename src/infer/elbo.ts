/**
 * Evidence lower bounds for stochastic variational inference, as NumPyro's `Trace_ELBO` and
 * `TraceMeanField_ELBO`. `loss(key, params, model, guide, ...args)` returns the negative ELBO
 * estimated with `numParticles` independent draws from the guide; it is written with `src/ad`
 * operations, so `valueAndGrad` differentiates it with respect to the (constrained) parameters,
 * through the guide's reparameterized (`rsample`) draws.
 *
 * One particle: the guide runs under `seed` and `substitute(params)` and is traced; the model is
 * replayed with the guide's latent values (and the same params) and traced; the particle's
 * ELBO is log p(x, z) − log q(z) (sums of `scale · logProb` over sample sites, plus factors).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { TraceELBO } from "./elbo.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("z", new Normal(0, 1)); };
 * const guide = (ctx: ModelContext) => {
 *   ctx.sample("z", new Normal(ctx.param("m", scalar(0)), 1));
 * };
 * // q = p: log p(z) − log q(z) vanishes for every draw, so the ELBO is exactly log Z = 0
 * const loss = TraceELBO().loss(key(0), {}, model, guide) as Tensor;
 * assert.deepStrictEqual(loss.shape, []);
 * assert.ok(Math.abs(loss.item()) < 1e-12);
 * ```
 *
 * @module
 */
import {
  add,
  broadcastTo,
  div,
  log,
  mul,
  neg,
  reshape,
  scalarOf,
  sub,
  sum,
  swapLast,
  Tensor,
  triangularSolve,
  type Value,
} from "../ad/mod.ts";
import { type PrngKey, split } from "../random/mod.ts";
import {
  type Distribution,
  ExpandedDistribution,
  Independent,
  MultivariateNormal,
  Normal,
} from "./distributions.ts";
import {
  type Model,
  replay,
  seed,
  siteLogProb,
  substitute,
  type Trace,
  trace,
} from "./handlers.ts";

/** A variational objective. */
export interface ELBO {
  /** Name, e.g. "TraceELBO". */
  readonly name: string;
  /** Number of particles averaged per estimate. */
  readonly numParticles: number;
  /**
   * Negative ELBO estimated with `numParticles` draws.
   *
   * @param key PRNG key.
   * @param params Constrained parameter values (tensors or tracers), substituted into both
   *   model and guide.
   * @param model The model.
   * @param guide The guide (same arguments as the model).
   * @param args Model arguments.
   * @returns A scalar value.
   */
  loss<A extends unknown[]>(
    key: PrngKey,
    params: Record<string, Value>,
    model: Model<A>,
    guide: Model<A>,
    ...args: A
  ): Value;
}

function _checkParticles(n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`numParticles must be a positive integer, got ${n}`);
  }
  return n;
}

/**
 * Runs the guide and the model replayed against it for one particle (the guide under
 * `seed(·, k₂)` and `substitute(params)`, the model under `seed(·, k₁)`, `replay(guideTrace)` and
 * `substitute(params)`), checking that every latent model site is in the guide and that the
 * guide's draws are reparameterizable.
 *
 * @param key PRNG key of the particle.
 * @param params Constrained params.
 * @param model Model.
 * @param guide Guide.
 * @param args Model arguments.
 * @returns The two traces.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { getTraces } from "./elbo.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * const m = (ctx: ModelContext) => { ctx.sample("z", new Normal(0, 1)); };
 * const { modelTrace, guideTrace } = getTraces(key(0), {}, m, m, []);
 * // the model replays the guide's draw (the very same tensor), as a latent site
 * assert.strictEqual(modelTrace.get("z")!.value, guideTrace.get("z")!.value);
 * assert.strictEqual(modelTrace.get("z")!.isObserved, false);
 * ```
 */
export function getTraces<A extends unknown[]>(
  key: PrngKey,
  params: Record<string, Value>,
  model: Model<A>,
  guide: Model<A>,
  args: A,
): { modelTrace: Trace; guideTrace: Trace } {
  const [km, kg] = split(key, 2);
  const guideTrace = trace(substitute(seed(guide, kg!), params)).getTrace(
    ...args,
  );
  for (const site of guideTrace.values()) {
    if (
      site.type === "sample" && !site.isObserved && site.fn &&
      !site.fn.hasRsample
    ) {
      throw new TypeError(
        `guide site '${site.name}' is not reparameterizable (hasRsample false): the ELBO gradient needs rsample`,
      );
    }
  }
  const modelTrace = trace(
    substitute(replay(seed(model, km!), guideTrace), params),
  ).getTrace(...args);
  for (const site of modelTrace.values()) {
    if (site.type !== "sample" || site.isObserved) continue;
    const g = guideTrace.get(site.name);
    if (!g || g.type !== "sample") {
      throw new Error(
        `latent site '${site.name}' of the model is missing from the guide`,
      );
    }
  }
  return { modelTrace, guideTrace };
}

function _sumSites(t: Trace): Value {
  let acc: Value = scalarOf(0);
  for (const site of t.values()) {
    if (site.type === "sample" || site.type === "factor") {
      acc = add(acc, siteLogProb(site));
    }
  }
  return acc;
}

function _average(
  key: PrngKey,
  n: number,
  particle: (k: PrngKey) => Value,
): Value {
  const keys = n === 1 ? [key] : split(key, n);
  let acc: Value | null = null;
  for (const k of keys) {
    const e = particle(k);
    acc = acc === null ? e : add(acc, e);
  }
  return n === 1 ? acc! : div(acc!, scalarOf(n));
}

/**
 * The standard ELBO, E_q[log p(x, z) − log q(z)], estimated with `numParticles` draws
 * (NumPyro's `Trace_ELBO`). Guide sample sites must be reparameterizable.
 *
 * @param opts `numParticles` (default 1).
 * @returns The objective.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { TraceELBO } from "./elbo.ts";
 * const elbo = TraceELBO({ numParticles: 4 });
 * assert.strictEqual(elbo.name, "TraceELBO");
 * assert.strictEqual(elbo.numParticles, 4);
 * ```
 */
export function TraceELBO(opts: { numParticles?: number } = {}): ELBO {
  const n = _checkParticles(opts.numParticles ?? 1);
  return {
    name: "TraceELBO",
    numParticles: n,
    loss(key, params, model, guide, ...args) {
      return neg(_average(key, n, (k) => {
        const { modelTrace, guideTrace } = getTraces(
          k,
          params,
          model,
          guide,
          args,
        );
        return sub(_sumSites(modelTrace), _sumSites(guideTrace));
      }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// KL divergences

/** Elementwise view of a Normal-family distribution: loc/scale of full shape batch+event. */
function _normalParts(
  d: Distribution,
): { loc: Value; scale: Value; eventDims: number } | null {
  let cur: Distribution = d;
  let eventDims = 0;
  for (;;) {
    if (cur instanceof Independent) {
      eventDims += cur.reinterpretedBatchNdims;
      cur = cur.base;
    } else if (cur instanceof ExpandedDistribution) {
      cur = cur.base;
    } else break;
  }
  if (!(cur instanceof Normal)) return null;
  return { loc: cur.loc, scale: cur.scale, eventDims };
}

/**
 * KL(p ‖ q) in closed form where registered: Normal ‖ Normal (also wrapped in
 * `Independent`/`ExpandedDistribution`, summed over p's event dimensions) and
 * MultivariateNormal ‖ MultivariateNormal. Returns `null` when no closed form is registered.
 *
 * @param p First distribution.
 * @param q Second distribution.
 * @returns KL with p's batch shape, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { klDivergence } from "./elbo.ts";
 * import { Normal } from "./distributions.ts";
 * import type { Tensor } from "../ad/mod.ts";
 * // equal scales: KL = (μp − μq)²/2
 * const kl = klDivergence(new Normal(1, 1), new Normal(0, 1)) as Tensor;
 * assert.ok(Math.abs(kl.item() - 0.5) < 1e-12);
 * // KL(N(0, 2²) ‖ N(0, 1)) = ln ½ + 4/2 − ½
 * const kl2 = klDivergence(new Normal(0, 2), new Normal(0, 1)) as Tensor;
 * assert.ok(Math.abs(kl2.item() - 0.8068528194400547) < 1e-12);
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): Value | null {
  const a = _normalParts(p), b = _normalParts(q);
  if (a && b) {
    // log(σq/σp) + (σp² + (μp − μq)²)/(2σq²) − ½
    const r = div(a.scale, b.scale);
    const dz = div(sub(a.loc, b.loc), b.scale);
    const half = scalarOf(0.5);
    let kl = sub(
      add(neg(log(r)), mul(half, add(mul(r, r), mul(dz, dz)))),
      half,
    );
    const full = [...p.batchShape, ...p.eventShape];
    kl = _broadcastTo(kl, full);
    const e = p.eventShape.length;
    if (e > 0) {
      kl = sum(kl, [...Array(e).keys()].map((i) => full.length - 1 - i));
    }
    return kl;
  }
  if (p instanceof MultivariateNormal && q instanceof MultivariateNormal) {
    const n = p.eventShape[0]!;
    const Lp = p.scaleTril, Lq = q.scaleTril;
    // ½ [ tr(Σq⁻¹Σp) + (μq−μp)ᵀΣq⁻¹(μq−μp) − n + ln det Σq − ln det Σp ]
    const M = triangularSolve(Lq, Lp); // Lq⁻¹ Lp
    const tr = sum(mul(M, M));
    const diff = sub(q.loc, p.loc);
    const lead = diff.shape.slice(0, -1);
    const nb = lead.reduce((x, y) => x * y, 1);
    const cols = swapLast(_reshape(diff, [nb, n])); // [n, nb]
    const z = triangularSolve(Lq, cols);
    const maha = _reshape(sum(mul(z, z), 0), lead);
    const ld = (L: Value) => sum(log(_diag(L, n)));
    const half = scalarOf(0.5);
    return mul(
      half,
      add(
        add(sub(tr, scalarOf(n)), maha),
        mul(scalarOf(2), sub(ld(Lq), ld(Lp))),
      ),
    );
  }
  return null;
}

function _broadcastTo(v: Value, shape: readonly number[]): Value {
  if (
    v.shape.length === shape.length && v.shape.every((d, i) => d === shape[i])
  ) return v;
  return broadcastTo(v, shape);
}

function _reshape(v: Value, shape: readonly number[]): Value {
  return reshape(v, shape);
}

function _diag(L: Value, n: number): Value {
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  return sum(mul(L, new Tensor(eye, [n, n])), -1);
}

/**
 * The mean-field ELBO (NumPyro's `TraceMeanField_ELBO`): for each latent site, the analytic
 * KL(q ‖ p) when {@link klDivergence} knows the pair (e.g. a Normal guide site against a Normal
 * prior), otherwise the Monte Carlo term log p − log q; observed sites and factors add their
 * log densities; auxiliary guide sites (not in the model) subtract theirs.
 *
 * @param opts `numParticles` (default 1).
 * @returns The objective.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { TraceMeanFieldELBO } from "./elbo.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * import type { Tensor } from "../ad/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("z", new Normal(0, 1)); };
 * const guide = (ctx: ModelContext) => { ctx.sample("z", new Normal(1, 1)); };
 * // no observations: the loss is the analytic KL(q ‖ p) = (1 − 0)²/2, with no Monte-Carlo noise
 * const loss = (TraceMeanFieldELBO().loss(key(0), {}, model, guide) as Tensor).item();
 * assert.ok(Math.abs(loss - 0.5) < 1e-12);
 * ```
 */
export function TraceMeanFieldELBO(
  opts: { numParticles?: number } = {},
): ELBO {
  const n = _checkParticles(opts.numParticles ?? 1);
  return {
    name: "TraceMeanFieldELBO",
    numParticles: n,
    loss(key, params, model, guide, ...args) {
      return neg(_average(key, n, (k) => {
        const { modelTrace, guideTrace } = getTraces(
          k,
          params,
          model,
          guide,
          args,
        );
        let elbo: Value = scalarOf(0);
        for (const site of modelTrace.values()) {
          if (site.type === "factor") {
            elbo = add(elbo, siteLogProb(site));
          } else if (site.type === "sample") {
            if (site.isObserved) {
              elbo = add(elbo, siteLogProb(site));
              continue;
            }
            const g = guideTrace.get(site.name)!;
            const kl = g.fn && site.fn ? klDivergence(g.fn, site.fn) : null;
            if (kl) {
              const s = kl.shape.length ? sum(kl) : kl;
              elbo = sub(
                elbo,
                g.scale === 1 ? s : mul(s, scalarOf(g.scale)),
              );
            } else {
              elbo = add(
                elbo,
                sub(siteLogProb(site), siteLogProb(g)),
              );
            }
          }
        }
        for (const site of guideTrace.values()) {
          if (site.type === "sample" && !modelTrace.has(site.name)) {
            elbo = sub(elbo, siteLogProb(site));
          }
        }
        return elbo;
      }));
    },
  };
}
