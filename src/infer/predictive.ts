/**
 * Predictive distributions (NumPyro's `Predictive`): prior predictive draws, posterior
 * predictive draws from posterior samples, or from a guide with fitted params. Each draw runs the
 * model seeded with fresh keys and its latent sites substituted; the result stacks the requested
 * sites along a leading axis of length `numSamples`.
 *
 * Observed sites keep their observed values (as in NumPyro): to predict data, call the model
 * with `obs` left undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { Predictive } from "./predictive.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * const model = (ctx: ModelContext) => {
 *   const mu = ctx.sample("mu", new Normal(0, 1));
 *   ctx.sample("y", new Normal(mu, 0.1));
 * };
 * const draws = Predictive(model, { numSamples: 5 })(key(0));
 * assert.deepStrictEqual(Object.keys(draws), ["mu", "y"]);
 * assert.deepStrictEqual(draws.mu!.shape, [5]);
 * assert.deepStrictEqual(draws.y!.shape, [5]);
 * // each y is drawn around its own mu (sd 0.1): a 10-sd bound never fails
 * draws.y!.data.forEach((y, i) => assert.ok(Math.abs(y - draws.mu!.data[i]!) < 1));
 * ```
 *
 * @module
 */
import { scopeSync, Tensor, type Value } from "../ad/mod.ts";
import { type PrngKey, split } from "../random/mod.ts";
import { type Model, seed, substitute, trace } from "./handlers.ts";

/** Options of {@link Predictive}. */
export interface PredictiveOptions<A extends unknown[]> {
  /** A guide to draw the latent sites from (with `params`). */
  guide?: Model<A>;
  /** Constrained params substituted into the guide and the model. */
  params?: Record<string, Value>;
  /** Posterior samples by site, leading axis = draws. */
  posteriorSamples?: Record<string, Tensor>;
  /** Number of draws (default: the samples' leading size; required otherwise). */
  numSamples?: number;
  /**
   * Sites to return (any kind). Default: sample sites not given as posterior samples (and not
   * drawn by the guide) plus deterministic sites; for prior draws, all sample and deterministic
   * sites.
   */
  returnSites?: string[];
  /**
   * Draws per model evaluation (default 1). With B > 1 the latent values of B draws are stacked
   * along a new leading axis and the model runs once per batch, so a model whose sites broadcast
   * over that axis (a vectorised model: `fspec` of [B] parameters is [B, nObs]) evaluates B
   * spectra in one pass of kernels. The latent draws are those of `batchSize` 1; the model's own
   * random sites (the noise of an observation) use one key per batch. Every returned site must
   * then have the leading batch axis (a TypeError names the one that does not).
   */
  batchSize?: number;
}

function _concrete(v: Value, what: string): Tensor {
  if (!(v instanceof Tensor)) {
    throw new TypeError(`${what} is not a concrete tensor`);
  }
  return v;
}

function _unsqueeze(t: Tensor): Tensor {
  return new Tensor(t.data, [1, ...t.shape]);
}

function _stack(ts: readonly Tensor[], what: string): Tensor {
  const shape = ts[0]!.shape;
  const n = ts[0]!.size;
  const data = new Float64Array(ts.length * n);
  ts.forEach((t, i) => {
    if (t.size !== n) {
      throw new TypeError(`Predictive: ${what} changes shape between draws`);
    }
    data.set(t.data, i * n);
  });
  return new Tensor(data, [ts.length, ...shape]);
}

function _row(t: Tensor, i: number): Tensor {
  const inner = t.size / t.shape[0]!;
  return new Tensor(t.data.slice(i * inner, (i + 1) * inner), t.shape.slice(1));
}

/**
 * Makes a predictive sampler.
 *
 * @param model The model.
 * @param opts `guide` + `params`, or `posteriorSamples`, or neither (prior); `numSamples`;
 *   `returnSites`.
 * @returns `(key, ...args) → Record<site, Tensor [numSamples, ...siteShape]>`.
 * @throws TypeError on inconsistent options or sample shapes; RangeError on a bad numSamples.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { Predictive } from "./predictive.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * import { tensor } from "../ad/mod.ts";
 * const model = (ctx: ModelContext) => {
 *   const mu = ctx.sample("mu", new Normal(0, 1));
 *   ctx.deterministic("twice", mu);
 * };
 * const out = Predictive(model, { posteriorSamples: { mu: tensor([1, 2, 3]) } })(key(0));
 * // the given site is not returned; the deterministic one sees each posterior draw in turn
 * assert.deepStrictEqual(Object.keys(out), ["twice"]);
 * assert.deepStrictEqual(out.twice!.shape, [3]);
 * assert.deepStrictEqual(Array.from(out.twice!.data), [1, 2, 3]);
 * ```
 */
export function Predictive<A extends unknown[]>(
  model: Model<A>,
  opts: PredictiveOptions<A> = {},
): (key: PrngKey, ...args: A) => Record<string, Tensor> {
  if (typeof model !== "function") {
    throw new TypeError("Predictive: model must be a function");
  }
  if (opts.guide !== undefined && opts.posteriorSamples !== undefined) {
    throw new TypeError(
      "Predictive: give either guide or posteriorSamples, not both",
    );
  }
  if (opts.guide !== undefined && typeof opts.guide !== "function") {
    throw new TypeError("Predictive: guide must be a function");
  }
  const samples = opts.posteriorSamples;
  let n = opts.numSamples;
  if (samples) {
    let lead: number | undefined;
    for (const [k, v] of Object.entries(samples)) {
      if (!(v instanceof Tensor) || v.rank < 1) {
        throw new TypeError(
          `Predictive: posterior samples of '${k}' need a leading draw axis`,
        );
      }
      if (lead !== undefined && v.shape[0] !== lead) {
        throw new TypeError(
          `Predictive: posterior samples have different numbers of draws (${lead} vs ${
            v.shape[0]
          } for '${k}')`,
        );
      }
      lead = v.shape[0];
    }
    if (lead !== undefined) {
      if (n !== undefined && n !== lead) {
        throw new TypeError(
          `Predictive: numSamples ${n} differs from the ${lead} posterior draws`,
        );
      }
      n = lead;
    }
  }
  if (n === undefined || !Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Predictive: numSamples must be a positive integer, got ${n}`,
    );
  }
  const numSamples = n;
  const batchSize = opts.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Predictive: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const params = opts.params ?? {};
  return (key: PrngKey, ...args: A) => {
    const keys = numSamples === 1 ? [key] : split(key, numSamples);
    /** The latent values of draw i, and the model key of that draw. */
    const draw = (i: number): [Record<string, Tensor>, PrngKey] => {
      const [km, kg] = split(keys[i]!, 2) as [PrngKey, PrngKey];
      const latent: Record<string, Tensor> = {};
      if (samples) {
        for (const [k, v] of Object.entries(samples)) latent[k] = _row(v, i);
      } else if (opts.guide) {
        const gtr = trace(substitute(seed(opts.guide, kg), params)).getTrace(
          ...args,
        );
        for (const s of gtr.values()) {
          if (s.type === "sample" && !s.isObserved && !s.infer?.isAuxiliary) {
            latent[s.name] = _concrete(s.value, `guide site '${s.name}'`);
          }
        }
      }
      return [latent, km];
    };
    // chunks of draws: [first draw, count]; each chunk is one model evaluation
    const chunks: Record<string, Tensor>[] = [];
    const counts: number[] = [];
    let names: string[] | undefined = opts.returnSites;
    /** The returned sites of one evaluation, as host tensors with the leading draw axis. */
    const collect = (
      tr: ReturnType<ReturnType<typeof trace>["getTrace"]>,
      latent: Record<string, Tensor>,
      nb: number,
    ): Record<string, Tensor> => {
      if (!names) {
        names = [...tr.values()]
          .filter((s) =>
            (s.type === "sample" && !Object.hasOwn(latent, s.name)) ||
            s.type === "deterministic"
          )
          .map((s) => s.name);
      }
      const chunk: Record<string, Tensor> = {};
      for (const name of names) {
        const s = tr.get(name);
        if (!s) {
          throw new TypeError(`Predictive: the model has no site '${name}'`);
        }
        const c = _concrete(s.value, `site '${name}'`);
        const v = c.isHost ? c : new Tensor(c.readSync(), c.shape);
        if (batchSize > 1 && v.shape[0] !== nb) {
          throw new TypeError(
            `Predictive: with batchSize ${batchSize}, site '${name}' has shape [${v.shape}] without the leading batch axis of ${nb} (the model does not broadcast over the batch)`,
          );
        }
        chunk[name] = batchSize > 1 ? v : _unsqueeze(v);
      }
      return chunk;
    };
    for (let start = 0; start < numSamples; start += batchSize) {
      const nb = Math.min(batchSize, numSamples - start);
      let latent: Record<string, Tensor>, km: PrngKey;
      if (batchSize === 1) {
        [latent, km] = draw(start);
      } else {
        const ds = Array.from({ length: nb }, (_, j) => draw(start + j));
        km = ds[0]![1];
        latent = {};
        for (const k of Object.keys(ds[0]![0])) {
          latent[k] = _stack(ds.map((d) => d[0][k]!), `latent site '${k}'`);
        }
      }
      // a model on a device backend: the evaluation's buffers are freed with its scope (the
      // returned sites are read back to the host below, inside it)
      const chunk = scopeSync(() => {
        const tr = trace(substitute(seed(model, km), { ...params, ...latent }))
          .getTrace(
            ...args,
          );
        return collect(tr, latent, nb);
      });
      chunks.push(chunk);
      counts.push(nb);
    }
    const out: Record<string, Tensor> = {};
    for (const name of names!) {
      const item = chunks[0]![name]!.shape.slice(1);
      const size = item.reduce((a, b) => a * b, 1);
      const data = new Float64Array(numSamples * size);
      let off = 0;
      chunks.forEach((c, i) => {
        const t = c[name]!;
        if (t.size !== counts[i]! * size) {
          throw new TypeError(
            `Predictive: site '${name}' changes shape between draws`,
          );
        }
        data.set(t.data, off);
        off += t.size;
      });
      out[name] = new Tensor(data, [numSamples, ...item]);
    }
    return out;
  };
}
