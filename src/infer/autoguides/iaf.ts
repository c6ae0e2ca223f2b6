/**
 * {@link AutoIAFNormal}: a standard Normal over the flat unconstrained latent vector pushed
 * through `numFlows` inverse autoregressive flows (MADE networks with ELU activations; NumPyro's
 * `AutoIAFNormal`: 3 flows, hidden dims [D, D], the variable order reversed between flows,
 * log-scales clipped to [−5, 3]).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoIAFNormal } from "./iaf.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { seed, trace } from "../handlers.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1), { sampleShape: [2] }); };
 * const tr = trace(seed(AutoIAFNormal(model, { numFlows: 1 }), 0)).getTrace();
 * // one MADE with hidden dims [D, D]: 3 layers, a weight and a bias each
 * assert.strictEqual([...tr.keys()].filter((k) => k.startsWith("auto_arn__0")).length, 6);
 * ```
 *
 * @module
 */
import type { Tensor, Value } from "../../ad/mod.ts";
import { type PrngKey, split } from "../../random/mod.ts";
import type { Model } from "../handlers.ts";
import { applyIaf, initMade, madeMasks } from "../nn.ts";
import {
  AutoContinuous,
  type AutoGuide,
  type AutoGuideOptions,
  type Latent,
  makeGuide,
  type ParamSpec,
  type Prototype,
  sampleFlowStack,
} from "./base.ts";

/** Options of {@link AutoIAFNormal}. */
export interface IafOptions extends AutoGuideOptions {
  /** Number of flows (default 3). */
  numFlows?: number;
  /** Hidden layer widths of each MADE (default [D, D]). */
  hiddenDims?: number[];
}

class _AutoIAF<A extends unknown[]> extends AutoContinuous<A> {
  readonly name = "AutoIAFNormal";
  readonly numFlows: number;
  readonly #hidden: number[] | undefined;
  #masks: Tensor[] | undefined;
  constructor(model: Model<A>, opts: IafOptions) {
    super(model, opts);
    this.numFlows = opts.numFlows ?? 3;
    if (!Number.isInteger(this.numFlows) || this.numFlows < 1) {
      throw new RangeError(
        `numFlows must be a positive integer, got ${opts.numFlows}`,
      );
    }
    if (opts.hiddenDims !== undefined) {
      if (
        !Array.isArray(opts.hiddenDims) || opts.hiddenDims.length === 0 ||
        opts.hiddenDims.some((h) => !Number.isInteger(h) || h < 1)
      ) {
        throw new RangeError(
          `hiddenDims must be a non-empty list of positive integers, got ${opts.hiddenDims}`,
        );
      }
    }
    this.#hidden = opts.hiddenDims;
  }
  protected override checkPrototype(proto: Prototype): void {
    if (proto.latentDim < 2) {
      throw new RangeError(
        `AutoIAFNormal: latent dim = ${proto.latentDim}; use AutoDiagonalNormal for a single latent value`,
      );
    }
    this.#masks = madeMasks(proto.latentDim, this.hidden(proto.latentDim));
  }
  hidden(d: number): number[] {
    return this.#hidden ?? [d, d];
  }
  #layers(d: number): number {
    return this.hidden(d).length + 1;
  }
  #name(i: number, w: string): string {
    return `${this.prefix}_arn__${i}$${w}`;
  }
  protected paramSpecs(proto: Prototype): ParamSpec[] {
    const out: ParamSpec[] = [];
    for (let i = 0; i < this.numFlows; i++) {
      for (let l = 0; l < this.#layers(proto.latentDim); l++) {
        out.push({ name: this.#name(i, `w${l}`) }, {
          name: this.#name(i, `b${l}`),
        });
      }
    }
    return out;
  }
  protected initParams(proto: Prototype, key: PrngKey): Record<string, Tensor> {
    const keys = split(key, this.numFlows);
    const out: Record<string, Tensor> = {};
    for (let i = 0; i < this.numFlows; i++) {
      const made = initMade(
        keys[i]!,
        proto.latentDim,
        this.hidden(proto.latentDim),
      );
      for (const [k, v] of Object.entries(made.params)) {
        out[this.#name(i, k)] = v;
      }
    }
    return out;
  }
  latent(proto: Prototype, p: Record<string, Value>): Latent {
    const d = proto.latentDim;
    const masks = this.#masks!;
    const nets: Record<string, Value>[] = [];
    for (let i = 0; i < this.numFlows; i++) {
      const net: Record<string, Value> = {};
      for (let l = 0; l < masks.length; l++) {
        net[`w${l}`] = p[this.#name(i, `w${l}`)]!;
        net[`b${l}`] = p[this.#name(i, `b${l}`)]!;
      }
      nets.push(net);
    }
    return {
      sample(key: PrngKey, ss: number[]): [Value, Value] {
        return sampleFlowStack(
          key,
          ss,
          d,
          nets.map((net) => (x: Value) => applyIaf(net, masks, x)),
        );
      },
    };
  }
}

/**
 * An inverse-autoregressive-flow guide over the flat unconstrained latent vector (needs D ≥ 2).
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn` (only used to check the model), `numFlows` (3),
 *   `hiddenDims` ([D, D]).
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoIAFNormal } from "./iaf.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * assert.strictEqual(AutoIAFNormal((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); }).name, "AutoIAFNormal");
 * ```
 */
export function AutoIAFNormal<A extends unknown[]>(
  model: Model<A>,
  opts: IafOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoIAF(model, opts));
}
