/**
 * {@link AutoDelta}: a point mass at each latent site (maximum a posteriori estimation, NumPyro's
 * `AutoDelta`). The params live in constrained space (constraint = the site's support), so SVI
 * with this guide maximizes log p(x, z) over z itself, without a Jacobian term.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoDelta } from "./delta.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { key } from "../../random/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); };
 * const g = AutoDelta(model);
 * g.setup(key(0));
 * assert.strictEqual(g.prototype!.sites[0]!.name, "x");
 * assert.strictEqual(g.prototype!.sites.length, 1);
 * ```
 *
 * @module
 */
import { broadcastTo, Tensor, type Value } from "../../ad/mod.ts";
import type { PrngKey } from "../../random/mod.ts";
import { Delta } from "../distributions.ts";
import type { Model, ModelContext } from "../handlers.ts";
import {
  type AutoGuide,
  AutoGuideBase,
  type AutoGuideOptions,
  makeGuide,
  type ParamSpec,
  type Prototype,
} from "./base.ts";

function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

class _AutoDelta<A extends unknown[]> extends AutoGuideBase<A> {
  readonly name = "AutoDelta";
  constructor(model: Model<A>, opts: AutoGuideOptions = {}) {
    super(model, opts);
    if (opts.preconditioner) {
      throw new TypeError(
        "AutoDelta: a preconditioner needs a guide over the flat latent vector (e.g. AutoMultivariateNormal)",
      );
    }
  }
  #loc(site: string): string {
    return `${site}_${this.prefix}_loc`;
  }
  protected paramSpecs(proto: Prototype): ParamSpec[] {
    return proto.sites.map((s) => ({
      name: this.#loc(s.name),
      constraint: s.fn.support,
    }));
  }
  protected initParams(proto: Prototype): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      out[this.#loc(s.name)] = proto.initValues[s.name]!;
    }
    return out;
  }
  call(ctx: ModelContext, args: A): void {
    const proto = this.ensure(ctx, args);
    const p = this.params(ctx, proto);
    for (const s of proto.sites) {
      const v = p[this.#loc(s.name)]!;
      ctx.sample(s.name, new Delta(v, { eventDim: v.shape.length }));
    }
  }
  samplePosterior(
    _key: PrngKey,
    params: Record<string, Value>,
    opts: { sampleShape?: number[] } = {},
  ): Record<string, Tensor> {
    const proto = this.ready("samplePosterior");
    const p = this.pick(proto, params);
    const ss = opts.sampleShape ?? [];
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      const v = _concrete(p[this.#loc(s.name)]!);
      out[s.name] = _concrete(broadcastTo(v, [...ss, ...v.shape]));
    }
    return out;
  }
  quantiles(
    params: Record<string, Value>,
    qs: readonly number[],
  ): Record<string, Tensor> {
    const proto = this.ready("quantiles");
    const p = this.pick(proto, params);
    const out: Record<string, Tensor> = {};
    for (const s of proto.sites) {
      const v = _concrete(p[this.#loc(s.name)]!);
      out[s.name] = _concrete(broadcastTo(v, [qs.length, ...v.shape]));
    }
    return out;
  }
}

/**
 * A point-mass guide (MAP): params `{site}_{prefix}_loc` constrained to each site's support,
 * initialized by `initLocFn` (default `initToUniform`).
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn`.
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoDelta } from "./delta.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * assert.strictEqual(AutoDelta((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); }).name, "AutoDelta");
 * ```
 */
export function AutoDelta<A extends unknown[]>(
  model: Model<A>,
  opts: AutoGuideOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoDelta(model, opts));
}
