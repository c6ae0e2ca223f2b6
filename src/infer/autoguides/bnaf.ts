/**
 * {@link AutoBNAFNormal}: a standard Normal over the flat unconstrained latent vector pushed
 * through block neural autoregressive flows (NumPyro's `AutoBNAFNormal`: `numFlows` = 1,
 * `hiddenFactors` = [8, 8], tanh between the block layers, a gated residual on every flow but the
 * last, the variable order reversed between flows). The log-determinant is accumulated through the
 * block-diagonal log-Jacobians of the layers.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoBNAFNormal } from "./bnaf.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * import { seed, trace } from "../handlers.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1), { sampleShape: [2] }); };
 * const tr = trace(seed(AutoBNAFNormal(model), 0)).getTrace();
 * // D = 2, hidden factor 8: the hidden block layer is (2·8) × (2·8)
 * assert.deepStrictEqual(tr.get("auto_arn__0$w1")!.value.shape, [16, 16]);
 * ```
 *
 * @module
 */
import type { Tensor, Value } from "../../ad/mod.ts";
import { type PrngKey, split } from "../../random/mod.ts";
import type { Model } from "../handlers.ts";
import { applyBnaf, initBnaf } from "../nn.ts";
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

/** Options of {@link AutoBNAFNormal}. */
export interface BnafOptions extends AutoGuideOptions {
  /** Number of flows (default 1). */
  numFlows?: number;
  /** Hidden block factors (default [8, 8]). */
  hiddenFactors?: number[];
}

class _AutoBNAF<A extends unknown[]> extends AutoContinuous<A> {
  readonly name = "AutoBNAFNormal";
  readonly numFlows: number;
  readonly hiddenFactors: number[];
  constructor(model: Model<A>, opts: BnafOptions) {
    super(model, opts);
    this.numFlows = opts.numFlows ?? 1;
    if (!Number.isInteger(this.numFlows) || this.numFlows < 1) {
      throw new RangeError(
        `numFlows must be a positive integer, got ${opts.numFlows}`,
      );
    }
    this.hiddenFactors = opts.hiddenFactors ?? [8, 8];
    if (
      !Array.isArray(this.hiddenFactors) ||
      this.hiddenFactors.some((h) => !Number.isInteger(h) || h < 1)
    ) {
      throw new RangeError(
        `hiddenFactors must be positive integers, got ${opts.hiddenFactors}`,
      );
    }
  }
  protected override checkPrototype(proto: Prototype): void {
    if (proto.latentDim < 2) {
      throw new RangeError(
        `AutoBNAFNormal: latent dim = ${proto.latentDim}; use AutoDiagonalNormal for a single latent value`,
      );
    }
  }
  #name(i: number, w: string): string {
    return `${this.prefix}_arn__${i}$${w}`;
  }
  #gated(i: number): boolean {
    return i < this.numFlows - 1;
  }
  #weightNames(i: number): string[] {
    const out: string[] = [];
    for (let l = 0; l <= this.hiddenFactors.length; l++) {
      out.push(`w${l}`, `ws${l}`, `b${l}`);
    }
    if (this.#gated(i)) out.push("gate");
    return out;
  }
  protected paramSpecs(): ParamSpec[] {
    const out: ParamSpec[] = [];
    for (let i = 0; i < this.numFlows; i++) {
      for (const w of this.#weightNames(i)) {
        out.push({ name: this.#name(i, w) });
      }
    }
    return out;
  }
  protected initParams(proto: Prototype, key: PrngKey): Record<string, Tensor> {
    const keys = split(key, this.numFlows);
    const out: Record<string, Tensor> = {};
    for (let i = 0; i < this.numFlows; i++) {
      const net = initBnaf(
        keys[i]!,
        proto.latentDim,
        this.hiddenFactors,
        this.#gated(i) ? "gated" : undefined,
      );
      for (const [k, v] of Object.entries(net.params)) {
        out[this.#name(i, k)] = v;
      }
    }
    return out;
  }
  latent(proto: Prototype, p: Record<string, Value>): Latent {
    const d = proto.latentDim;
    const factors = [1, ...this.hiddenFactors, 1];
    const nets = Array.from({ length: this.numFlows }, (_, i) => {
      const params: Record<string, Value> = {};
      for (const w of this.#weightNames(i)) params[w] = p[this.#name(i, w)]!;
      return { net: { inputDim: d, factors, gated: this.#gated(i) }, params };
    });
    return {
      sample(key: PrngKey, ss: number[]): [Value, Value] {
        return sampleFlowStack(
          key,
          ss,
          d,
          nets.map(({ net, params }) => (x: Value) =>
            applyBnaf(net, params, x)
          ),
        );
      },
    };
  }
}

/**
 * A block-neural-autoregressive-flow guide over the flat unconstrained latent vector (D ≥ 2).
 *
 * @param model The model.
 * @param opts `prefix`, `initLocFn` (only used to check the model), `numFlows` (1),
 *   `hiddenFactors` ([8, 8]).
 * @returns The guide.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { AutoBNAFNormal } from "./bnaf.ts";
 * import { Normal } from "../distributions.ts";
 * import type { ModelContext } from "../handlers.ts";
 * const g = AutoBNAFNormal((ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); });
 * assert.strictEqual(g.name, "AutoBNAFNormal");
 * ```
 */
export function AutoBNAFNormal<A extends unknown[]>(
  model: Model<A>,
  opts: BnafOptions = {},
): AutoGuide<A> {
  return makeGuide(new _AutoBNAF(model, opts));
}
