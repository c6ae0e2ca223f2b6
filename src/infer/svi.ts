/**
 * Stochastic variational inference, functional as NumPyro's `SVI`: `init(key, ...args)` runs
 * the guide and the model once to collect the `param` sites and maps them to unconstrained
 * space with {@link bijectTo} of each param's constraint; `update(state, ...args)` takes one
 * optimizer step on the gradient of the loss (by reverse-mode AD through `src/ad`);
 * `stableUpdate` refuses steps whose loss or gradient is not finite, or whose model met a
 * {@link NonFiniteError} (matched by class, never by message); `run(key, numSteps, args, opts)`
 * loops with a progress display and counts the refused steps.
 *
 * States are plain values (`{ optimState, rngKey, constraints }`): keep, copy or restart from any
 * of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { SVI } from "./svi.ts";
 * import { TraceELBO } from "./elbo.ts";
 * import { adam } from "./optim.ts";
 * import { Normal } from "./distributions.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * import { scalar } from "../ad/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("z", new Normal(3, 1)); };
 * const guide = (ctx: ModelContext) => {
 *   ctx.sample("z", new Normal(ctx.param("m", scalar(0)), 1));
 * };
 * const svi = SVI(model, guide, adam(0.1), TraceELBO());
 * const { params, skippedSteps, losses } = svi.run(key(0), 300, [], { progress: false });
 * assert.strictEqual(losses.length, 300);
 * // the optimum is m = 3; with one-particle gradients, Adam(0.1) ends within ≈ ±0.18 (1 sd
 * // over seeds) of it, so the tolerance is about 4 sd
 * assert.ok(Math.abs(params.m!.item() - 3) < 0.75);
 * assert.strictEqual(skippedSteps, 0);
 * ```
 *
 * @module
 */
import { scopeSync, Tensor, type Value, valueAndGrad } from "../ad/mod.ts";
import { type PrngKey, split } from "../random/mod.ts";
import { type Constraint, real } from "./constraints.ts";
import type { ELBO } from "./elbo.ts";
import { type Model, replay, seed, trace } from "./handlers.ts";
import type { Optimizer, OptimState } from "./optim.ts";
import { bijectTo } from "./transforms.ts";
import { NonFiniteError } from "../errors.ts";

/** The state of an SVI run (a plain value). */
export interface SVIState {
  /** Optimizer state over the unconstrained parameters. */
  readonly optimState: OptimState;
  /** Key for the next step. */
  readonly rngKey: PrngKey;
  /** Constraint of each parameter (maps unconstrained → constrained with bijectTo). */
  readonly constraints: Readonly<Record<string, Constraint>>;
}

/** Options of {@link SVIInstance.run} (its fourth argument). */
export interface RunOptions {
  /** Show progress (default true): a bar on a terminal, periodic plain lines otherwise. */
  progress?: boolean;
  /**
   * Use {@link SVIInstance.stableUpdate} (default false): a step whose loss or gradient is not
   * finite, or whose model throws a {@link NonFiniteError}, is skipped and counted.
   */
  stable?: boolean;
  /** Receives the progress lines (plain-line mode) instead of the console. */
  log?: (line: string) => void;
  /** Continue from this state instead of calling `init`. */
  initState?: SVIState;
  /** Steps between plain progress lines (default: a tenth of the run). */
  logEvery?: number;
}

/** What {@link SVIInstance.run} returns. */
export interface SVIRunResult {
  /** Constrained parameters at the end. */
  params: Record<string, Tensor>;
  /** Final state. */
  state: SVIState;
  /** Loss of every step (NaN for a step refused by the stable update). */
  losses: Float64Array;
  /**
   * Number of steps refused by the stable update (non-finite loss or gradient, or a
   * {@link NonFiniteError} from the model); 0 without `stable`.
   */
  skippedSteps: number;
}

/** An SVI object bound to a model, a guide, an optimizer and a loss. */
export interface SVIInstance<A extends unknown[]> {
  /** The model. */
  readonly model: Model<A>;
  /** The guide. */
  readonly guide: Model<A>;
  /** The optimizer. */
  readonly optim: Optimizer;
  /** The objective. */
  readonly loss: ELBO;
  /** Runs guide and model once and returns the initial state. */
  init(key: PrngKey, ...args: A): SVIState;
  /** One optimizer step: `[newState, loss]`. */
  update(state: SVIState, ...args: A): [SVIState, number];
  /**
   * One step that refuses a non-finite loss or gradient, or a draw for which the model throws a
   * {@link NonFiniteError} (any other error propagates): then the optimizer state is kept (only
   * the key advances), the loss is NaN (±Infinity for an infinite loss) and `skipped` is true.
   */
  stableUpdate(state: SVIState, ...args: A): [SVIState, number, boolean];
  /** The loss at the state's parameters, with the key the next update would use. */
  evaluate(state: SVIState, ...args: A): number;
  /** Constrained parameters of a state. */
  getParams(state: SVIState): Record<string, Tensor>;
  /**
   * Runs `numSteps` updates: `init(key, ...args)` (or `opts.initState`), then `numSteps` times
   * `update(state, ...args)` (`stableUpdate` with `opts.stable`). NumPyro's
   * `svi.run(rng_key, num_steps, *args, ...)`, with the model's arguments as one array in a
   * fixed position and the options last.
   *
   * @param key PRNG key of the run.
   * @param numSteps Number of steps (integer ≥ 1).
   * @param args The model's (and guide's) arguments as an array (default `[]`: none).
   * @param opts {@link RunOptions}.
   * @throws {TypeError} If `args` is not an array, `opts` not a plain options object (or holds
   *   an unknown key or a value of the wrong type).
   * @throws {RangeError} If numSteps is not a positive integer.
   */
  run(
    key: PrngKey,
    numSteps: number,
    args?: A,
    opts?: RunOptions,
  ): SVIRunResult;
}

const _RUN_KEYS: Readonly<Record<keyof RunOptions, string>> = {
  progress: "boolean",
  stable: "boolean",
  log: "function",
  initState: "object",
  logEvery: "number",
};

function _describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "object") {
    return (x as object).constructor?.name ?? "an object";
  }
  return typeof x;
}

/** Validates `run`'s options: a plain object of known keys with values of the right type. */
function _checkRunOptions(opts: unknown): RunOptions {
  if (opts === undefined) return {};
  if (
    opts === null || typeof opts !== "object" ||
    Object.getPrototypeOf(opts) !== Object.prototype
  ) {
    throw new TypeError(
      `SVI.run(key, numSteps, args, opts): opts must be a plain options object, got ${
        _describe(opts)
      }`,
    );
  }
  for (const [k, v] of Object.entries(opts)) {
    const want = _RUN_KEYS[k as keyof RunOptions];
    if (want === undefined) {
      throw new TypeError(
        `SVI.run(): unknown option "${k}" (known: ${
          Object.keys(_RUN_KEYS).join(", ")
        })`,
      );
    }
    if (v === undefined) continue;
    if (typeof v !== want || v === null) {
      throw new TypeError(
        `SVI.run(): option ${k} must be a ${want}, got ${_describe(v)}`,
      );
    }
  }
  const o = opts as RunOptions;
  if (
    o.logEvery !== undefined &&
    !(Number.isInteger(o.logEvery) && o.logEvery >= 1)
  ) {
    throw new RangeError(
      `SVI.run(): option logEvery must be an integer >= 1, got ${o.logEvery}`,
    );
  }
  return o;
}

function _concrete(v: Value, what: string): Tensor {
  if (!(v instanceof Tensor)) {
    throw new TypeError(`${what} is not a concrete tensor`);
  }
  return v;
}

function _allFinite(t: Tensor): boolean {
  for (const x of t.data) if (!Number.isFinite(x)) return false;
  return true;
}

/**
 * Makes an SVI object (NumPyro's `SVI(model, guide, optim, loss)`).
 *
 * @param model The model `(ctx, ...args) => …`.
 * @param guide The guide, same arguments (e.g. an autoguide).
 * @param optim A functional optimizer ({@link adam}, …).
 * @param loss An objective ({@link TraceELBO}, …).
 * @returns The SVI object.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { SVI } from "./svi.ts";
 * import { TraceELBO } from "./elbo.ts";
 * import { sgd } from "./optim.ts";
 * import { Normal } from "./distributions.ts";
 * import { positive } from "./constraints.ts";
 * import type { ModelContext } from "./handlers.ts";
 * import { key } from "../random/mod.ts";
 * import { scalar } from "../ad/mod.ts";
 * const model = (ctx: ModelContext) => { ctx.sample("z", new Normal(0, 1)); };
 * const guide = (ctx: ModelContext) => {
 *   ctx.sample("z", new Normal(0, ctx.param("s", scalar(2), { constraint: positive })));
 * };
 * const svi = SVI(model, guide, sgd(0.01), TraceELBO());
 * const s0 = svi.init(key(0));
 * // the optimizer holds the unconstrained ln 2; getParams maps it back onto positive
 * assert.ok(Math.abs(s0.optimState.params.s!.item() - Math.LN2) < 1e-12);
 * assert.ok(Math.abs(svi.getParams(s0).s!.item() - 2) < 1e-12);
 * ```
 */
export function SVI<A extends unknown[]>(
  model: Model<A>,
  guide: Model<A>,
  optim: Optimizer,
  loss: ELBO,
): SVIInstance<A> {
  if (typeof model !== "function") {
    throw new TypeError("SVI: model must be a function");
  }
  if (typeof guide !== "function") {
    throw new TypeError("SVI: guide must be a function");
  }
  if (!optim || typeof optim.update !== "function") {
    throw new TypeError("SVI: optim must be an optimizer (adam(…), sgd(…), …)");
  }
  if (!loss || typeof loss.loss !== "function") {
    throw new TypeError("SVI: loss must be an ELBO (TraceELBO(), …)");
  }

  const constrain = (
    params: Readonly<Record<string, Value>>,
    constraints: Readonly<Record<string, Constraint>>,
  ): Record<string, Value> => {
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(params)) {
      const c = constraints[k] ?? real;
      out[k] = c === real ? v : bijectTo(c).forward(v);
    }
    return out;
  };

  const lossAndGrads = (
    state: SVIState,
    k: PrngKey,
    args: A,
  ): [number, Record<string, Tensor>] => {
    const params = state.optimState.params;
    const names = Object.keys(params);
    const f = (...xs: Value[]) => {
      const p: Record<string, Value> = {};
      names.forEach((n, i) => (p[n] = xs[i]!));
      return loss.loss(
        k,
        constrain(p, state.constraints),
        model,
        guide,
        ...args,
      );
    };
    // one step owns every device buffer it makes (a model evaluated on a device backend):
    // they are freed when the step returns, leaving the host loss and gradients
    return scopeSync(() => {
      if (names.length === 0) {
        return [_concrete(f(), "loss").item(), {}];
      }
      const [v, gs] = valueAndGrad(f)(...names.map((n) => params[n]!));
      const grads: Record<string, Tensor> = {};
      names.forEach((
        n,
        i,
      ) => (grads[n] = _concrete(gs[i]!, `gradient of '${n}'`)));
      return [_concrete(v, "loss").item(), grads];
    });
  };

  const self: SVIInstance<A> = {
    model,
    guide,
    optim,
    loss,
    init(key: PrngKey, ...args: A): SVIState {
      const [rngKey, km, kg] = split(key, 3) as [PrngKey, PrngKey, PrngKey];
      const guideTrace = trace(seed(guide, kg)).getTrace(...args);
      const modelTrace = trace(replay(seed(model, km), guideTrace)).getTrace(
        ...args,
      );
      const params: Record<string, Tensor> = {};
      const constraints: Record<string, Constraint> = {};
      for (const site of [...guideTrace.values(), ...modelTrace.values()]) {
        if (site.type !== "param" || Object.hasOwn(params, site.name)) continue;
        const c = site.constraint ?? real;
        const v = _concrete(
          site.value,
          `initial value of param '${site.name}'`,
        );
        const u = _concrete(bijectTo(c).inverse(v), `param '${site.name}'`);
        if (!_allFinite(u)) {
          throw new RangeError(
            `param '${site.name}': initial value is not strictly inside its constraint ${c.name}`,
          );
        }
        params[site.name] = u;
        constraints[site.name] = c;
      }
      return { optimState: optim.init(params), rngKey, constraints };
    },
    update(state, ...args) {
      const [rngKey, k] = split(state.rngKey, 2) as [PrngKey, PrngKey];
      const [l, grads] = lossAndGrads(state, k, args);
      return [
        {
          optimState: optim.update(grads, state.optimState),
          rngKey,
          constraints: state.constraints,
        },
        l,
      ];
    },
    stableUpdate(state, ...args) {
      const [rngKey, k] = split(state.rngKey, 2) as [PrngKey, PrngKey];
      let l: number, grads: Record<string, Tensor>;
      try {
        [l, grads] = lossAndGrads(state, k, args);
      } catch (e) {
        // Kernels and validators refuse NaN/±∞ with a NonFiniteError: a draw that makes the
        // model overflow is a non-finite step, skipped like a NaN loss. Anything else (a finite
        // value out of range, a wrong type, a bug) propagates.
        if (e instanceof NonFiniteError) {
          return [{ ...state, rngKey }, NaN, true];
        }
        throw e;
      }
      const ok = Number.isFinite(l) && Object.values(grads).every(_allFinite);
      if (!ok) {
        return [{ ...state, rngKey }, Number.isFinite(l) ? NaN : l, true];
      }
      return [
        {
          optimState: optim.update(grads, state.optimState),
          rngKey,
          constraints: state.constraints,
        },
        l,
        false,
      ];
    },
    evaluate(state, ...args) {
      const [, k] = split(state.rngKey, 2) as [PrngKey, PrngKey];
      const p = constrain(state.optimState.params, state.constraints);
      return _concrete(loss.loss(k, p, model, guide, ...args), "loss").item();
    },
    getParams(state) {
      const out: Record<string, Tensor> = {};
      for (
        const [n, v] of Object.entries(
          constrain(state.optimState.params, state.constraints),
        )
      ) {
        out[n] = _concrete(v, `param '${n}'`);
      }
      return out;
    },
    run(key, numSteps, args = [] as unknown as A, options) {
      if (typeof numSteps !== "number") {
        throw new TypeError(
          `SVI.run(key, numSteps, args, opts): numSteps must be a number, got ${
            _describe(numSteps)
          }`,
        );
      }
      if (!Number.isInteger(numSteps) || numSteps < 1) {
        throw new RangeError(
          `numSteps must be a positive integer, got ${numSteps}`,
        );
      }
      if (!Array.isArray(args)) {
        throw new TypeError(
          `SVI.run(key, numSteps, args, opts): args must be an array of the model's arguments ` +
            `(e.g. [y]; [] for none), got ${_describe(args)}`,
        );
      }
      const opts = _checkRunOptions(options);
      let state = opts.initState ?? self.init(key, ...args);
      const losses = new Float64Array(numSteps);
      let skipped = 0;
      const progress = _progress(numSteps, opts);
      for (let i = 0; i < numSteps; i++) {
        if (opts.stable) {
          const [s, l, sk] = self.stableUpdate(state, ...args);
          state = s;
          losses[i] = sk ? NaN : l;
          if (sk) skipped++;
        } else {
          const [s, l] = self.update(state, ...args);
          state = s;
          losses[i] = l;
        }
        progress.step(i, losses, skipped);
      }
      progress.done(losses, skipped);
      return {
        params: self.getParams(state),
        state,
        losses,
        skippedSteps: skipped,
      };
    },
  };
  return self;
}

// ---------------------------------------------------------------------------------------------
// progress display

function _avg(losses: Float64Array, from: number, to: number): number {
  let s = 0, n = 0;
  for (let i = from; i <= to; i++) {
    const v = losses[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n ? s / n : NaN;
}

function _fmtTime(s: number): string {
  const t = Math.max(0, Math.round(s));
  const m = Math.floor(t / 60), ss = t % 60;
  return `${String(m).padStart(2, "0")}:${String(ss).padStart(2, "0")}`;
}

function _isTerminal(): boolean {
  try {
    return typeof Deno !== "undefined" && Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/**
 * The progress line of {@link SVIInstance.run}: step count, rate, the initial loss and the
 * running average over the last tenth of the steps done (non-finite losses left out), and the
 * number of skipped steps when there are any.
 *
 * @param i Steps done (1-based index of the last one).
 * @param numSteps Total steps.
 * @param losses Losses so far.
 * @param elapsedS Seconds since the start.
 * @param skipped Steps skipped so far by the stable update (default 0: not mentioned).
 * @returns The line, e.g. `"svi 100/1000 (250.0 it/s) init loss: 12.5000, avg. loss [91-100]: 3.2000"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { progressLine } from "./svi.ts";
 * const losses = Float64Array.from([4, 2, NaN, 0]);
 * assert.strictEqual(
 *   progressLine(2, 4, losses, 1),
 *   "svi 2/4 (2.0 it/s) init loss: 4.0000, avg. loss [2-2]: 2.0000",
 * );
 * assert.strictEqual(
 *   progressLine(3, 4, losses, 1.5, 1),
 *   "svi 3/4 (2.0 it/s) init loss: 4.0000, avg. loss [3-3]: NaN, 1 skipped",
 * );
 * ```
 */
export function progressLine(
  i: number,
  numSteps: number,
  losses: Float64Array,
  elapsedS: number,
  skipped = 0,
): string {
  const w = Math.max(1, Math.floor(numSteps / 10));
  const from = Math.max(1, i - w + 1);
  const rate = elapsedS > 0 ? i / elapsedS : 0;
  return `svi ${i}/${numSteps} (${rate.toFixed(1)} it/s) init loss: ${
    losses[0]!.toFixed(4)
  }, avg. loss [${from}-${i}]: ${_avg(losses, from - 1, i - 1).toFixed(4)}${
    skipped > 0 ? `, ${skipped} skipped` : ""
  }`;
}

function _progress(numSteps: number, opts: RunOptions) {
  const on = opts.progress ?? true;
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  if (!on) return { step: () => {}, done: () => {} };
  const skippedNote = (n: number) => (n > 0 ? `, ${n} skipped` : "");
  const tty = !opts.log && _isTerminal();
  const log = opts.log ?? ((l: string) => console.log(l));
  const every = Math.max(1, opts.logEvery ?? Math.floor(numSteps / 10));
  if (!tty) {
    return {
      step(i: number, losses: Float64Array, skipped: number) {
        const n = i + 1;
        if (n % every === 0 || n === numSteps) {
          log(progressLine(n, numSteps, losses, elapsed(), skipped));
        }
      },
      done(_losses: Float64Array, skipped: number) {
        const e = elapsed();
        log(
          `svi done: ${numSteps} steps in ${e.toFixed(2)} s (${
            (numSteps / Math.max(e, 1e-9)).toFixed(1)
          } it/s)${skippedNote(skipped)}`,
        );
      },
    };
  }
  const enc = new TextEncoder();
  let last = -Infinity;
  const draw = (n: number, losses: Float64Array, skipped: number) => {
    const e = elapsed();
    const frac = n / numSteps;
    const width = 20;
    const full = Math.floor(frac * width);
    const bar = "█".repeat(full) + " ".repeat(width - full);
    const rate = e > 0 ? n / e : 0;
    const eta = rate > 0 ? (numSteps - n) / rate : 0;
    const w = Math.max(1, Math.floor(numSteps / 10));
    const from = Math.max(1, n - w + 1);
    const line = `\r${
      String(Math.floor(frac * 100)).padStart(3)
    }%|${bar}| ${n}/${numSteps} [${_fmtTime(e)}<${_fmtTime(eta)}, ${
      rate.toFixed(2)
    }it/s, init loss: ${losses[0]!.toFixed(4)}, avg. loss [${from}-${n}]: ${
      _avg(losses, from - 1, n - 1).toFixed(4)
    }${skippedNote(skipped)}]`;
    Deno.stdout.writeSync(enc.encode(line));
  };
  return {
    step(i: number, losses: Float64Array, skipped: number) {
      const now = performance.now();
      if (now - last > 100 || i + 1 === numSteps) {
        last = now;
        draw(i + 1, losses, skipped);
      }
    },
    done(_losses: Float64Array, skipped: number) {
      Deno.stdout.writeSync(
        enc.encode(skipped ? `\n${skipped} steps skipped\n` : "\n"),
      );
    },
  };
}
