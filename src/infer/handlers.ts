/**
 * Effect handlers for models, in the style of NumPyro, without a global handler stack.
 *
 * A model is a plain function that receives an explicit {@link ModelContext} and calls
 * `ctx.sample`, `ctx.param`, `ctx.deterministic`, `ctx.plate` and `ctx.factor`. Each site
 * becomes a message that travels through the handlers of that run (the messenger pattern:
 * `process` from the innermost handler outwards, then the default behaviour, then `postprocess`
 * back inwards); the handler stack lives in the context object created for the run.
 *
 * Handlers wrap a model and return a model, so they compose like NumPyro's:
 * `trace(seed(substitute(model, params), key)).getTrace(...args)`.
 *
 * - {@link seed}: supplies PRNG keys (split once per random site, reproducible per run).
 * - {@link trace}: records every site in a {@link Trace} (`Map<string, Site>`, in order).
 * - {@link substitute}: fixes values of sample/param/deterministic sites (not observed).
 * - {@link condition}: observes sample sites (values + `isObserved`).
 * - {@link replay}: reuses the values of another trace's sample sites (as NumPyro's `replay`).
 * - {@link block}: hides sites from the handlers outside it.
 * - {@link scale}: multiplies log densities (site `scale`).
 *
 * `ctx.plate(name, size, fn)` runs `fn` with a plate: every sample site inside gets its
 * distribution expanded so that the plate is one batch dimension (the first plate entered is
 * the rightmost batch dim, -1, the next one -2, … as NumPyro allocates them).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { seed, trace, traceLogDensity, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { key } from "../random/prng.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * function model(ctx: ModelContext, y: Tensor) {
 *   const mu = ctx.sample("mu", new Normal(0, 10));
 *   ctx.plate("data", y.size, () => ctx.sample("y", new Normal(mu, 1), { obs: y }));
 * }
 * const tr = trace(seed(model, key(0))).getTrace(tensor([0.1, -0.2, 0.3]));
 * assert.deepStrictEqual([...tr.keys()], ["mu", "data", "y"]);
 * const lp = traceLogDensity(tr) as Tensor;
 * assert.deepStrictEqual(lp.shape, []);
 * assert.ok(Number.isFinite(lp.item()));
 * // the plate expanded the likelihood to one batch dimension of size 3
 * assert.deepStrictEqual(tr.get("y")!.fn!.batchShape, [3]);
 * ```
 *
 * @module
 */
import {
  add,
  broadcastShapes,
  mul,
  scalarOf,
  sum,
  Tensor,
  type Value,
} from "../ad/mod.ts";
import { key as makeKey, type PrngKey, split } from "../random/prng.ts";
import type { Constraint } from "./constraints.ts";
import { type Distribution, expand, isValue } from "./distributions/base.ts";
import { NonFiniteError } from "../errors.ts";

/** Site kinds. */
export type SiteType =
  | "sample"
  | "param"
  | "deterministic"
  | "plate"
  | "factor";

/** One recorded site of a model run. */
export interface Site {
  /** Site kind. */
  type: SiteType;
  /** Unique name within a run. */
  name: string;
  /** The distribution (sample sites; expanded by enclosing plates). */
  fn?: Distribution;
  /** The value (for a plate: the indices 0…size−1; for a factor: the log factor). */
  value: Value;
  /** True for observed sample sites (obs or condition) and factors. */
  isObserved: boolean;
  /** Log-density multiplier (from `scale` handlers). */
  scale: number;
  /** Free-form inference hints (`opts.infer` of `ctx.sample`). */
  infer?: Record<string, unknown>;
  /** Constraint of a param site (default: none, i.e. real). */
  constraint?: Constraint;
  /** Names of the enclosing plates, outermost first. */
  plates: string[];
  /** Sample shape requested at a sample site. */
  sampleShape?: number[];
  /** Plate sites: the size. */
  size?: number;
  /** Plate sites: the batch dimension (negative, counted from the right of the batch shape). */
  dim?: number;
}

/** The sites of one run, in execution order. */
export type Trace = Map<string, Site>;

/** A message travelling through the handlers (a site before it is final). */
export interface Message {
  /** Site kind. */
  type: SiteType;
  /** Site name. */
  name: string;
  /** Distribution (sample sites). */
  fn?: Distribution;
  /** Value, once known (handlers may set it). */
  value?: Value;
  /** Observed? */
  isObserved: boolean;
  /** Log-density multiplier. */
  scale: number;
  /** Inference hints. */
  infer?: Record<string, unknown>;
  /** PRNG key for the default behaviour (set by `seed`). */
  key?: PrngKey;
  /** Param initial value or initializer. */
  init?: Value | ((key: PrngKey) => Value);
  /** Param constraint. */
  constraint?: Constraint;
  /** Sample shape of a sample site. */
  sampleShape?: number[];
  /** Enclosing plates, outermost first. */
  plates: string[];
  /** Plate size / dim. */
  size?: number;
  /** Plate dim. */
  dim?: number;
  /** Set by a handler to stop the message from reaching the handlers outside it. */
  stop: boolean;
}

/** A handler: hooks called on each message of a run. */
export interface Messenger {
  /** Called innermost handler first, before the default behaviour. */
  process?(msg: Message): void;
  /** Called after the default behaviour, outermost processed handler first. */
  postprocess?(msg: Message): void;
}

/** What a model receives: the primitives that create sites. */
export interface ModelContext {
  /**
   * A random variable. Unobserved: a draw (reparameterized when the distribution allows) from
   * the key supplied by {@link seed}; observed (`obs`): the data.
   */
  sample(
    name: string,
    d: Distribution,
    opts?: {
      obs?: Value;
      sampleShape?: number[];
      infer?: Record<string, unknown>;
    },
  ): Value;
  /** A learnable parameter with an initial value (or an initializer taking a key). */
  param(
    name: string,
    init: Value | number | ((key: PrngKey) => Value),
    opts?: { constraint?: Constraint },
  ): Value;
  /** Records a derived value. */
  deterministic(name: string, v: Value): Value;
  /** Runs `fn` inside a plate of `size` conditionally independent entries. */
  plate(name: string, size: number, fn: () => void): void;
  /** Adds an arbitrary log factor to the joint density. */
  factor(name: string, logp: Value): void;
  /** A fresh PRNG key from the enclosing `seed` (undefined without one). */
  prngKey(): PrngKey | undefined;
}

/** A model: a plain function of a context and arguments. */
// deno-lint-ignore no-explicit-any
export type Model<A extends unknown[] = any[]> = (
  ctx: ModelContext,
  ...args: A
) => void | Value;

const _STACK = Symbol("handlerStack");

interface _Internal {
  [_STACK]: Messenger[];
}

class _Context implements ModelContext, _Internal {
  [_STACK]: Messenger[] = [];
  #plates: { name: string; size: number; dim: number }[] = [];

  #apply(msg: Message): Message {
    const stack = this[_STACK];
    let pointer = 0;
    for (let i = stack.length - 1; i >= 0; i--) {
      pointer++;
      stack[i]!.process?.(msg);
      if (msg.stop) break;
    }
    this.#default(msg);
    for (let j = stack.length - pointer; j < stack.length; j++) {
      stack[j]!.postprocess?.(msg);
    }
    return msg;
  }

  #default(msg: Message): void {
    if (msg.value !== undefined) return;
    if (msg.type === "sample") {
      if (!msg.key) {
        throw new Error(
          `sample site '${msg.name}' needs a PRNG key: wrap the model in seed()`,
        );
      }
      const d = msg.fn!;
      msg.value = d.hasRsample
        ? d.rsample(msg.key, msg.sampleShape)
        : d.sample(msg.key, msg.sampleShape);
    } else if (msg.type === "param") {
      const init = msg.init!;
      if (typeof init === "function") {
        if (!msg.key) {
          throw new Error(
            `param site '${msg.name}' has an initializer function and needs a PRNG key: wrap the model in seed()`,
          );
        }
        msg.value = init(msg.key);
      } else msg.value = init;
    }
  }

  #checkName(name: unknown, what: string): asserts name is string {
    if (typeof name !== "string" || name.length === 0) {
      throw new TypeError(`${what}: site name must be a non-empty string`);
    }
  }

  #baseMsg(type: SiteType, name: string): Message {
    return {
      type,
      name,
      isObserved: false,
      scale: 1,
      plates: this.#plates.map((p) => p.name),
      stop: false,
    };
  }

  sample(
    name: string,
    d: Distribution,
    opts: {
      obs?: Value;
      sampleShape?: number[];
      infer?: Record<string, unknown>;
    } = {},
  ): Value {
    this.#checkName(name, "sample");
    if (!d || typeof d !== "object" || typeof d.logProb !== "function") {
      throw new TypeError(
        `sample site '${name}': second argument must be a Distribution`,
      );
    }
    let obs = opts.obs as Value | number | undefined;
    if (typeof obs === "number") obs = new Tensor(new Float64Array([obs]), []);
    if (obs !== undefined && obs !== null && !isValue(obs)) {
      throw new TypeError(`sample site '${name}': obs must be a tensor`);
    }
    const ss = opts.sampleShape ?? [];
    if (!Array.isArray(ss) || ss.some((x) => !Number.isInteger(x) || x < 0)) {
      throw new TypeError(
        `sample site '${name}': sampleShape must be an array of non-negative integers`,
      );
    }
    const msg = this.#baseMsg("sample", name);
    msg.fn = d;
    msg.sampleShape = [...ss];
    if (opts.infer) msg.infer = { ...opts.infer };
    if (obs !== undefined && obs !== null) {
      msg.value = obs;
      msg.isObserved = true;
    }
    this.#apply(msg);
    if (msg.isObserved) _checkObs(msg);
    return msg.value!;
  }

  param(
    name: string,
    init: Value | number | ((key: PrngKey) => Value),
    opts: { constraint?: Constraint } = {},
  ): Value {
    this.#checkName(name, "param");
    if (typeof init === "number") {
      init = new Tensor(new Float64Array([init]), []);
    }
    if (typeof init !== "function" && !isValue(init)) {
      throw new TypeError(
        `param site '${name}': init must be a tensor or a function of a PRNG key`,
      );
    }
    const msg = this.#baseMsg("param", name);
    msg.init = init;
    if (opts.constraint) msg.constraint = opts.constraint;
    this.#apply(msg);
    const v = msg.value!;
    if (opts.constraint && v instanceof Tensor && !opts.constraint.check(v)) {
      throw new RangeError(
        `param site '${name}': value is outside its constraint ${opts.constraint.name}`,
      );
    }
    return v;
  }

  deterministic(name: string, v: Value): Value {
    this.#checkName(name, "deterministic");
    if (!isValue(v)) {
      throw new TypeError(
        `deterministic site '${name}': value must be a tensor`,
      );
    }
    const msg = this.#baseMsg("deterministic", name);
    msg.value = v;
    this.#apply(msg);
    return msg.value!;
  }

  factor(name: string, logp: Value): void {
    this.#checkName(name, "factor");
    if (typeof logp === "number") {
      logp = new Tensor(new Float64Array([logp]), []);
    }
    if (!isValue(logp)) {
      throw new TypeError(`factor site '${name}': logp must be a tensor`);
    }
    const msg = this.#baseMsg("factor", name);
    msg.value = logp;
    msg.isObserved = true;
    this.#apply(msg);
  }

  plate(name: string, size: number, fn: () => void): void {
    this.#checkName(name, "plate");
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(
        `plate '${name}': size must be a positive integer, got ${size}`,
      );
    }
    if (typeof fn !== "function") {
      throw new TypeError(`plate '${name}': fn must be a function`);
    }
    if (this.#plates.some((p) => p.name === name)) {
      throw new Error(`plate '${name}' is already active`);
    }
    const dim = -(this.#plates.length + 1);
    const msg = this.#baseMsg("plate", name);
    msg.value = new Tensor(Float64Array.from({ length: size }, (_, i) => i), [
      size,
    ]);
    msg.size = size;
    msg.dim = dim;
    this.#apply(msg);
    const plateMessenger: Messenger = {
      process(m) {
        if (m.type !== "sample" || !m.fn) return;
        const bs = m.fn.batchShape;
        const need = -dim;
        const target = bs.length >= need ? [...bs] : [
          ...new Array(need - bs.length).fill(1),
          ...bs,
        ];
        const pos = target.length + dim;
        if (target[pos] !== 1 && target[pos] !== size) {
          throw new TypeError(
            `sample site '${m.name}': batch shape [${bs}] conflicts with plate '${name}' of size ${size} at dim ${dim}`,
          );
        }
        target[pos] = size;
        m.fn = expand(m.fn, target);
      },
    };
    this.#plates.push({ name, size, dim });
    this[_STACK].push(plateMessenger);
    try {
      fn();
    } finally {
      this[_STACK].pop();
      this.#plates.pop();
    }
  }

  prngKey(): PrngKey | undefined {
    // the innermost seed handler answers
    const stack = this[_STACK];
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i] as Messenger & { _key?: () => PrngKey };
      if (s._key) return s._key();
    }
    return undefined;
  }
}

function _checkObs(msg: Message): void {
  const d = msg.fn!, v = msg.value!;
  const want = [...(msg.sampleShape ?? []), ...d.batchShape, ...d.eventShape];
  let ok = true;
  try {
    const b = broadcastShapes(v.shape, want);
    ok = b.length === want.length && b.every((x, i) => x === want[i]);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new TypeError(
      `sample site '${msg.name}': observed value of shape [${v.shape}] does not match the distribution's shape [${want}] (sample [${
        msg.sampleShape ?? []
      }], batch [${d.batchShape}], event [${d.eventShape}])`,
    );
  }
}

function _checkModel(model: unknown, what: string): void {
  if (typeof model !== "function") {
    throw new TypeError(
      `${what}: model must be a function (ctx, ...args) => …`,
    );
  }
}

function _ctxOf(ctx: ModelContext, what: string): _Context {
  if (!(ctx instanceof _Context)) {
    throw new TypeError(`${what}: the model was called with a foreign context`);
  }
  return ctx;
}

/**
 * Wraps a model with a messenger created afresh for every run (the building block of all
 * handlers; use it to write new ones).
 *
 * @param model The model.
 * @param make Makes the messenger for one run.
 * @param what Name used in messages.
 * @returns The wrapped model.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { handle, trace, type ModelContext } from "./handlers.ts";
 * const names: string[] = [];
 * const m = handle((ctx: ModelContext) => { ctx.param("a", 1); }, () => ({ process: (msg) => { names.push(msg.name); } }));
 * trace(m).getTrace();
 * assert.deepStrictEqual(names, ["a"]);
 * ```
 */
export function handle<A extends unknown[]>(
  model: Model<A>,
  make: () => Messenger,
  what = "handle",
): Model<A> {
  _checkModel(model, what);
  return (ctx: ModelContext, ...args: A) => {
    const c = _ctxOf(ctx, what);
    c[_STACK].push(make());
    try {
      return model(ctx, ...args);
    } finally {
      c[_STACK].pop();
    }
  };
}

/**
 * Runs a model in a fresh context (no handlers besides those it is wrapped in) and returns what
 * it returns.
 *
 * @param model The model.
 * @param args Its arguments.
 * @returns The model's return value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { runModel, seed, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { key } from "../random/prng.ts";
 * const m = (ctx: ModelContext) => ctx.sample("x", new Normal(0, 1));
 * assert.deepStrictEqual(runModel(seed(m, key(1)))!.shape, []);
 * ```
 */
export function runModel<A extends unknown[]>(
  model: Model<A>,
  ...args: A
): void | Value {
  _checkModel(model, "runModel");
  return model(new _Context(), ...args);
}

/**
 * Supplies PRNG keys: each unobserved sample site (and each param initializer, and
 * `ctx.prngKey()`) gets the next key split from `rngSeed`, starting afresh for every run, so
 * that runs are reproducible.
 *
 * @param model The model.
 * @param rngSeed A PRNG key or a non-negative integer seed.
 * @returns The seeded model.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { runModel, seed, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { type Tensor } from "../ad/mod.ts";
 * const m = seed((ctx: ModelContext) => ctx.sample("x", new Normal(0, 1)), 3);
 * assert.strictEqual((runModel(m) as Tensor).item(), (runModel(m) as Tensor).item());
 * ```
 */
export function seed<A extends unknown[]>(
  model: Model<A>,
  rngSeed: PrngKey | number,
): Model<A> {
  const k0 = typeof rngSeed === "number" ? makeKey(rngSeed) : rngSeed;
  if (!(k0 instanceof Uint32Array) || k0.length !== 2) {
    throw new TypeError(
      "seed(model, key): key must be a PRNG key (key(n)) or an integer",
    );
  }
  return handle(model, () => {
    let k = k0;
    const next = (): PrngKey => {
      const [a, b] = split(k, 2) as [PrngKey, PrngKey];
      k = a;
      return b;
    };
    const m: Messenger & { _key: () => PrngKey } = {
      _key: next,
      process(msg) {
        if (msg.key) return;
        if (msg.type === "sample" && !msg.isObserved) msg.key = next();
        else if (
          msg.type === "param" && typeof msg.init === "function" &&
          msg.value === undefined
        ) {
          msg.key = next();
        }
      },
    };
    return m;
  }, "seed");
}

/** A model that can also be run to collect its trace. */
export interface TracedModel<A extends unknown[]> {
  /** Runs as a model inside other handlers (the trace of that run is discarded). */
  (ctx: ModelContext, ...args: A): void | Value;
  /** Runs the model in a fresh context and returns its trace. */
  getTrace(...args: A): Trace;
  /** Runs the model in a fresh context and returns its trace and return value. */
  run(...args: A): { trace: Trace; value: void | Value };
}

function _recorder(tr: Trace): Messenger {
  return {
    postprocess(msg) {
      if (tr.has(msg.name)) {
        throw new Error(`duplicate site name '${msg.name}' in one model run`);
      }
      const s: Site = {
        type: msg.type,
        name: msg.name,
        value: msg.value!,
        isObserved: msg.isObserved,
        scale: msg.scale,
        plates: [...msg.plates],
      };
      if (msg.fn) s.fn = msg.fn;
      if (msg.infer) s.infer = msg.infer;
      if (msg.constraint) s.constraint = msg.constraint;
      if (msg.sampleShape) s.sampleShape = msg.sampleShape;
      if (msg.size !== undefined) s.size = msg.size;
      if (msg.dim !== undefined) s.dim = msg.dim;
      tr.set(msg.name, s);
    },
  };
}

/**
 * Records the sites of a run.
 *
 * @param model The model.
 * @returns A {@link TracedModel}: callable as a model, with `getTrace(...args)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { trace, type ModelContext } from "./handlers.ts";
 * import { tensor } from "../ad/mod.ts";
 * const tr = trace((ctx: ModelContext) => { ctx.param("w", tensor([1, 2])); }).getTrace();
 * assert.strictEqual(tr.get("w")!.type, "param");
 * ```
 */
export function trace<A extends unknown[]>(model: Model<A>): TracedModel<A> {
  _checkModel(model, "trace");
  const asModel = handle(model, () => _recorder(new Map()), "trace");
  const run = (...args: A) => {
    const tr: Trace = new Map();
    const ctx = new _Context();
    ctx[_STACK].push(_recorder(tr));
    const value = model(ctx, ...args);
    return { trace: tr, value };
  };
  const out =
    ((ctx: ModelContext, ...args: A) => asModel(ctx, ...args)) as TracedModel<
      A
    >;
  out.getTrace = (...args: A) => run(...args).trace;
  out.run = run;
  return out;
}

/** Values for {@link substitute}: a record by site name, or a function of the message. */
export type SubstituteData =
  | Record<string, Value>
  | ((site: Message) => Value | undefined);

/**
 * Fixes the values of sample, param and deterministic sites (sample sites stay unobserved).
 *
 * @param model The model.
 * @param values A record by site name, or a function returning a value or undefined.
 * @returns The model with substituted values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { runModel, substitute, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const m = (ctx: ModelContext) => ctx.sample("x", new Normal(0, 1));
 * assert.strictEqual((runModel(substitute(m, { x: scalar(2) })) as Tensor).item(), 2);
 * ```
 */
export function substitute<A extends unknown[]>(
  model: Model<A>,
  values: SubstituteData,
): Model<A> {
  if (
    typeof values !== "function" &&
    (values === null || typeof values !== "object")
  ) {
    throw new TypeError(
      "substitute(model, values): values must be a record or a function",
    );
  }
  return handle(model, () => ({
    process(msg) {
      if (
        msg.type !== "sample" && msg.type !== "param" &&
        msg.type !== "deterministic"
      ) {
        return;
      }
      const v = typeof values === "function"
        ? values(msg)
        : Object.hasOwn(values, msg.name)
        ? values[msg.name]
        : undefined;
      if (v === undefined) return;
      if (!isValue(v)) {
        throw new TypeError(
          `substitute: value for site '${msg.name}' must be a tensor`,
        );
      }
      msg.value = v;
    },
  }), "substitute");
}

/**
 * Observes sample sites: their values are taken from `data` and they count as observed.
 *
 * @param model The model.
 * @param data Values by site name.
 * @returns The conditioned model.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { condition, trace, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { scalar } from "../ad/mod.ts";
 * const m = (ctx: ModelContext) => ctx.sample("x", new Normal(0, 1));
 * assert.strictEqual(trace(condition(m, { x: scalar(1) })).getTrace().get("x")!.isObserved, true);
 * ```
 */
export function condition<A extends unknown[]>(
  model: Model<A>,
  data: Record<string, Value>,
): Model<A> {
  if (data === null || typeof data !== "object") {
    throw new TypeError(
      "condition(model, data): data must be a record of tensors",
    );
  }
  for (const [k, v] of Object.entries(data)) {
    if (!isValue(v)) {
      throw new TypeError(`condition: value for site '${k}' must be a tensor`);
    }
  }
  return handle(model, () => ({
    process(msg) {
      if (msg.type === "sample" && Object.hasOwn(data, msg.name)) {
        msg.value = data[msg.name]!;
        msg.isObserved = true;
      }
    },
  }), "condition");
}

/**
 * Replays the values of unobserved sample sites from another trace (e.g. a guide's), as
 * NumPyro's `replay`.
 *
 * @param model The model.
 * @param guideTrace The trace to take values from.
 * @returns The model with replayed values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { replay, runModel, type ModelContext, type Trace } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const tr: Trace = new Map([["x", { type: "sample", name: "x", value: scalar(5), isObserved: false, scale: 1, plates: [] }]]);
 * const m = (ctx: ModelContext) => ctx.sample("x", new Normal(0, 1));
 * assert.strictEqual((runModel(replay(m, tr)) as Tensor).item(), 5);
 * ```
 */
export function replay<A extends unknown[]>(
  model: Model<A>,
  guideTrace: Trace,
): Model<A> {
  if (!(guideTrace instanceof Map)) {
    throw new TypeError("replay(model, trace): trace must be a Map");
  }
  return handle(model, () => ({
    process(msg) {
      if (msg.type !== "sample" || msg.isObserved) return;
      const s = guideTrace.get(msg.name);
      if (s && s.type === "sample") msg.value = s.value;
    },
  }), "replay");
}

/**
 * Hides sites from the handlers outside this one (e.g. an outer `trace` does not see them).
 *
 * @param model The model.
 * @param hide Site names to hide, or a predicate on the message; default: hide everything.
 * @returns The blocked model.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { block, trace, type ModelContext } from "./handlers.ts";
 * const m = (ctx: ModelContext) => { ctx.param("a", 1); ctx.param("b", 2); };
 * assert.deepStrictEqual([...trace(block(m, ["a"])).getTrace().keys()], ["b"]);
 * ```
 */
export function block<A extends unknown[]>(
  model: Model<A>,
  hide?: string[] | ((site: Message) => boolean),
): Model<A> {
  if (
    hide !== undefined && !Array.isArray(hide) && typeof hide !== "function"
  ) {
    throw new TypeError(
      "block(model, hide): hide must be an array of names or a predicate",
    );
  }
  const pred = hide === undefined
    ? () => true
    : Array.isArray(hide)
    ? (m: Message) => hide.includes(m.name)
    : hide;
  return handle(model, () => ({
    process(msg) {
      if (pred(msg)) msg.stop = true;
    },
  }), "block");
}

/**
 * Multiplies the log densities of sample and factor sites by a positive factor (e.g. N/B for
 * minibatches, or annealing).
 *
 * @param model The model.
 * @param factor Positive, finite multiplier.
 * @returns The scaled model.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scale, seed, trace, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * const m = (ctx: ModelContext) => ctx.sample("x", new Normal(0, 1));
 * assert.strictEqual(trace(scale(seed(m, 0), 10)).getTrace().get("x")!.scale, 10);
 * ```
 */
export function scale<A extends unknown[]>(
  model: Model<A>,
  factor: number,
): Model<A> {
  if (typeof factor !== "number" || !(factor > 0 && factor < Infinity)) {
    const msg =
      `scale(model, factor): factor must be positive and finite, got ${factor}`;
    if (typeof factor === "number" && !Number.isFinite(factor)) {
      throw new NonFiniteError("infer.scale", "factor", factor, msg);
    }
    throw new RangeError(msg);
  }
  return handle(model, () => ({
    process(msg) {
      if (msg.type === "sample" || msg.type === "factor") msg.scale *= factor;
    },
  }), "scale");
}

/**
 * The scaled log density a site contributes: scale · Σ logProb(value) for a sample site,
 * scale · Σ value for a factor, 0 for the other kinds.
 *
 * @param site A trace site.
 * @returns A scalar value (differentiable).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { siteLogProb, trace, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const tr = trace((ctx: ModelContext) => ctx.sample("x", new Normal(0, 1), { obs: scalar(0) })).getTrace();
 * // log N(0 | 0, 1) = -½ ln 2π
 * const lp = (siteLogProb(tr.get("x")!) as Tensor).item();
 * assert.ok(Math.abs(lp - -0.9189385332046727) < 1e-12);
 * ```
 */
export function siteLogProb(site: Site): Value {
  let lp: Value;
  if (site.type === "sample") lp = sum(site.fn!.logProb(site.value));
  else if (site.type === "factor") lp = sum(site.value);
  else return scalarOf(0);
  return site.scale === 1 ? lp : mul(scalarOf(site.scale), lp);
}

/**
 * The log joint density of a trace: Σ scale · logProb over sample sites (observed and latent)
 * plus the factors.
 *
 * @param tr A trace.
 * @returns A scalar value (differentiable in whatever produced the trace's values and
 *   distributions).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { condition, trace, traceLogDensity, type ModelContext } from "./handlers.ts";
 * import { Normal } from "./distributions.ts";
 * import { scalar, type Tensor } from "../ad/mod.ts";
 * const m = (ctx: ModelContext) => { ctx.sample("x", new Normal(0, 1)); ctx.factor("f", scalar(1)); };
 * const tr = trace(condition(m, { x: scalar(0) })).getTrace();
 * // 1 − ½ ln 2π
 * const lp = (traceLogDensity(tr) as Tensor).item();
 * assert.ok(Math.abs(lp - 0.08106146679532733) < 1e-12);
 * ```
 */
export function traceLogDensity(tr: Trace): Value {
  if (!(tr instanceof Map)) {
    throw new TypeError("traceLogDensity(trace): trace must be a Map");
  }
  let total: Value = scalarOf(0);
  for (const s of tr.values()) {
    if (s.type === "sample" || s.type === "factor") {
      total = add(total, siteLogProb(s));
    }
  }
  return total;
}
