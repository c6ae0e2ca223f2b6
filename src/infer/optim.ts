/**
 * Functional optimizers over records of unconstrained parameters, with the update rules of
 * `jax.example_libraries.optimizers` (which NumPyro's `numpyro.optim` wraps), and learning-rate
 * schedules.
 *
 * An optimizer is three pure functions: `init(params) → state`, `update(grads, state) → state`
 * and `getParams(state) → params`. States are plain immutable values (a step counter, the
 * parameters and per-parameter slot arrays), so an SVI state can be copied, kept or discarded
 * freely.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adam } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const opt = adam(0.1);
 * let s = opt.init({ x: tensor([1]) });
 * s = opt.update({ x: tensor([2]) }, s);
 * assert.strictEqual(s.step, 1);
 * // first Adam step: m̂ = g, v̂ = g², so x = 1 − 0.1·2/(2 + 1e-8) ≈ 0.9
 * assert.ok(Math.abs(opt.getParams(s).x!.data[0]! - 0.9000000005) < 1e-12);
 * ```
 *
 * @module
 */
import { Tensor } from "../ad/mod.ts";
import { NonFiniteError } from "../errors.ts";

/** A learning rate as a function of the (0-based) step number. */
export type Schedule = (step: number) => number;

/** A record of named parameter tensors. */
export type Params = Record<string, Tensor>;

/** The state of a functional optimizer: step count, parameters and per-parameter slots. */
export interface OptimState {
  /** Number of updates applied so far. */
  readonly step: number;
  /** Current (unconstrained) parameters. */
  readonly params: Readonly<Params>;
  /** Optimizer-specific accumulators, one list of arrays per parameter. */
  readonly slots: Readonly<Record<string, readonly Float64Array[]>>;
}

/** A functional optimizer. */
export interface Optimizer {
  /** Name, e.g. "adam". */
  readonly name: string;
  /** Makes the initial state from parameters (copied). */
  init(params: Params): OptimState;
  /** Applies one update with the gradients of the loss (same keys and shapes as the params). */
  update(grads: Params, state: OptimState): OptimState;
  /** The parameters held by a state. */
  getParams(state: OptimState): Params;
}

function _checkRate(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) {
    const msg = `${name} must be a finite non-negative number, got ${v}`;
    if (!Number.isFinite(v)) {
      throw new NonFiniteError("infer.optim", name, v, msg);
    }
    throw new RangeError(msg);
  }
}

function _schedule(stepSize: number | Schedule): Schedule {
  if (typeof stepSize === "function") return stepSize;
  if (typeof stepSize !== "number") {
    throw new TypeError(
      `stepSize must be a number or a schedule function, got ${typeof stepSize}`,
    );
  }
  _checkRate("stepSize", stepSize);
  return () => stepSize;
}

function _checkFraction(name: string, v: number): void {
  if (!(v >= 0 && v < 1)) {
    throw new RangeError(`${name} must lie in [0, 1), got ${v}`);
  }
}

/**
 * Builds an optimizer from an elementwise rule. `rule(i, g, x, slots, lr)` updates `x` and the
 * slot arrays in place at element `i` (they are fresh copies).
 */
function _elementwise(
  name: string,
  nSlots: number,
  stepSize: number | Schedule,
  rule: (
    i: number,
    g: number,
    x: Float64Array,
    slots: Float64Array[],
    lr: number,
    t: number,
  ) => void,
): Optimizer {
  const lrOf = _schedule(stepSize);
  return {
    name,
    init(params) {
      if (params === null || typeof params !== "object") {
        throw new TypeError(
          `${name}.init(): params must be a record of tensors`,
        );
      }
      const p: Params = {};
      const slots: Record<string, Float64Array[]> = {};
      for (const [k, v] of Object.entries(params)) {
        if (!(v instanceof Tensor)) {
          throw new TypeError(
            `${name}.init(): param '${k}' must be a concrete Tensor`,
          );
        }
        p[k] = new Tensor(v.data.slice(), v.shape);
        slots[k] = Array.from(
          { length: nSlots },
          () => new Float64Array(v.size),
        );
      }
      return { step: 0, params: p, slots };
    },
    update(grads, state) {
      const lr = lrOf(state.step);
      const p: Params = {};
      const slots: Record<string, Float64Array[]> = {};
      for (const [k, v] of Object.entries(state.params)) {
        const g = grads[k];
        if (!(g instanceof Tensor)) {
          throw new TypeError(`${name}.update(): missing gradient for '${k}'`);
        }
        if (g.size !== v.size) {
          throw new TypeError(
            `${name}.update(): gradient of '${k}' has ${g.size} values, param has ${v.size}`,
          );
        }
        const x = v.data.slice();
        const s = state.slots[k]!.map((a) => a.slice());
        for (let i = 0; i < x.length; i++) {
          rule(i, g.data[i]!, x, s, lr, state.step);
        }
        p[k] = new Tensor(x, v.shape);
        slots[k] = s;
      }
      return { step: state.step + 1, params: p, slots };
    },
    getParams(state) {
      return { ...state.params };
    },
  };
}

/**
 * Stochastic gradient descent: x ← x − η(t)·g.
 *
 * @param stepSize Learning rate or schedule.
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sgd } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const o = sgd(0.5);
 * const s = o.update({ x: tensor([2]) }, o.init({ x: tensor([1]) }));
 * // 1 − 0.5·2, exact in f64
 * assert.strictEqual(o.getParams(s).x!.data[0], 0);
 * ```
 */
export function sgd(stepSize: number | Schedule): Optimizer {
  return _elementwise("sgd", 0, stepSize, (i, g, x, _s, lr) => {
    x[i] = x[i]! - lr * g;
  });
}

/**
 * SGD with (heavy-ball) momentum: v ← mass·v + g, x ← x − η(t)·v.
 *
 * @param stepSize Learning rate or schedule.
 * @param opts `mass` (default 0.9).
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { momentum } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const o = momentum(0.1, { mass: 0.5 });
 * const s = o.update({ x: tensor([1]) }, o.init({ x: tensor([0]) }));
 * // v = 0.5·0 + 1, x = 0 − 0.1·v
 * assert.ok(Math.abs(o.getParams(s).x!.data[0]! - -0.1) < 1e-12);
 * ```
 */
export function momentum(
  stepSize: number | Schedule,
  opts: { mass?: number } = {},
): Optimizer {
  const mass = opts.mass ?? 0.9;
  _checkFraction("mass", mass);
  return _elementwise("momentum", 1, stepSize, (i, g, x, [v], lr) => {
    v![i] = mass * v![i]! + g;
    x[i] = x[i]! - lr * v![i]!;
  });
}

/**
 * Adam (Kingma & Ba 2015) with bias correction:
 * m ← (1−b1)g + b1·m, v ← (1−b2)g² + b2·v, x ← x − η(t)·m̂/(√v̂ + eps).
 *
 * @param stepSize Learning rate or schedule.
 * @param opts `b1` (0.9), `b2` (0.999), `eps` (1e-8).
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adam } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const o = adam(0.01);
 * const s = o.update({ x: tensor([-3]) }, o.init({ x: tensor([0]) }));
 * // the first step has length ≈ η whatever |g|: x = 0.01·3/(3 + 1e-8)
 * assert.ok(Math.abs(o.getParams(s).x!.data[0]! - 0.009999999966666666) < 1e-12);
 * ```
 */
export function adam(
  stepSize: number | Schedule,
  opts: { b1?: number; b2?: number; eps?: number } = {},
): Optimizer {
  return _adamLike("adam", stepSize, opts, null);
}

function _adamLike(
  name: string,
  stepSize: number | Schedule,
  opts: { b1?: number; b2?: number; eps?: number },
  clip: { clipNorm: number; lrd: number } | null,
): Optimizer {
  const b1 = opts.b1 ?? 0.9, b2 = opts.b2 ?? 0.999, eps = opts.eps ?? 1e-8;
  _checkFraction("b1", b1);
  _checkFraction("b2", b2);
  _checkRate("eps", eps);
  const lrd = clip?.lrd ?? 1;
  return _elementwise(name, 2, stepSize, (i, g0, x, [m, v], lr, t) => {
    const g = clip ? Math.min(clip.clipNorm, Math.max(-clip.clipNorm, g0)) : g0;
    m![i] = (1 - b1) * g + b1 * m![i]!;
    v![i] = (1 - b2) * g * g + b2 * v![i]!;
    const mhat = m![i]! / (1 - Math.pow(b1, t + 1));
    const vhat = v![i]! / (1 - Math.pow(b2, t + 1));
    const eta = lrd === 1 ? lr : lr * Math.pow(lrd, t);
    x[i] = x[i]! - eta * mhat / (Math.sqrt(vhat) + eps);
  });
}

/**
 * Adam with gradients clamped elementwise to [−clipNorm, clipNorm] before the update (NumPyro's
 * `ClippedAdam`) and an optional per-step learning-rate decay `lrd` (Pyro's: the rate at step t is
 * η(t)·lrdᵗ).
 *
 * @param stepSize Learning rate or schedule.
 * @param opts `b1`, `b2`, `eps` as {@link adam}; `clipNorm` (10); `lrd` (1: no decay).
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { clippedAdam } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const o = clippedAdam(0.01, { clipNorm: 1 });
 * const s = o.update({ x: tensor([1e9]) }, o.init({ x: tensor([0]) }));
 * // g is clipped to 1: x = −0.01·1/(1 + 1e-8)
 * assert.ok(Math.abs(o.getParams(s).x!.data[0]! - -0.009999999900000002) < 1e-12);
 * ```
 */
export function clippedAdam(
  stepSize: number | Schedule,
  opts: {
    b1?: number;
    b2?: number;
    eps?: number;
    clipNorm?: number;
    lrd?: number;
  } = {},
): Optimizer {
  const clipNorm = opts.clipNorm ?? 10;
  const lrd = opts.lrd ?? 1;
  if (!(clipNorm > 0)) {
    throw new RangeError(`clipNorm must be positive, got ${clipNorm}`);
  }
  if (!(lrd > 0 && lrd <= 1)) {
    throw new RangeError(`lrd must lie in (0, 1], got ${lrd}`);
  }
  return _adamLike("clippedAdam", stepSize, opts, { clipNorm, lrd });
}

/**
 * Adagrad with momentum (as `jax.example_libraries.optimizers.adagrad`):
 * G ← G + g², m ← (1−momentum)·g/√G + momentum·m, x ← x − η(t)·m.
 *
 * @param stepSize Learning rate or schedule.
 * @param opts `momentum` (0.9).
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { adagrad } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const o = adagrad(1, { momentum: 0 });
 * const s = o.update({ x: tensor([4]) }, o.init({ x: tensor([0]) }));
 * // G = 16, x = 0 − 1·4/√16
 * assert.ok(Math.abs(o.getParams(s).x!.data[0]! - -1) < 1e-12);
 * ```
 */
export function adagrad(
  stepSize: number | Schedule,
  opts: { momentum?: number } = {},
): Optimizer {
  const mom = opts.momentum ?? 0.9;
  _checkFraction("momentum", mom);
  return _elementwise("adagrad", 2, stepSize, (i, g, x, [gsq, m], lr) => {
    gsq![i] = gsq![i]! + g * g;
    const inv = gsq![i]! > 0 ? 1 / Math.sqrt(gsq![i]!) : 0;
    m![i] = (1 - mom) * (g * inv) + mom * m![i]!;
    x[i] = x[i]! - lr * m![i]!;
  });
}

/**
 * RMSProp (as `jax.example_libraries.optimizers.rmsprop`):
 * a ← gamma·a + (1−gamma)·g², x ← x − η(t)·g/√(a + eps).
 *
 * @param stepSize Learning rate or schedule.
 * @param opts `gamma` (0.9), `eps` (1e-8).
 * @returns The optimizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rmsprop } from "./optim.ts";
 * import { tensor } from "../ad/mod.ts";
 * const o = rmsprop(0.1, { gamma: 0, eps: 0 });
 * const s = o.update({ x: tensor([3]) }, o.init({ x: tensor([0]) }));
 * // a = 9, x = 0 − 0.1·3/√9
 * assert.ok(Math.abs(o.getParams(s).x!.data[0]! - -0.1) < 1e-12);
 * ```
 */
export function rmsprop(
  stepSize: number | Schedule,
  opts: { gamma?: number; eps?: number } = {},
): Optimizer {
  const gamma = opts.gamma ?? 0.9, eps = opts.eps ?? 1e-8;
  _checkFraction("gamma", gamma);
  _checkRate("eps", eps);
  return _elementwise("rmsprop", 1, stepSize, (i, g, x, [a], lr) => {
    a![i] = gamma * a![i]! + (1 - gamma) * g * g;
    x[i] = x[i]! - lr * g / Math.sqrt(a![i]! + eps);
  });
}

/**
 * Exponential decay η(t) = η₀ · rate^(t / decaySteps) (`optimizers.exponential_decay`).
 *
 * @param initValue η₀.
 * @param decaySteps Steps per factor `rate`.
 * @param decayRate The factor.
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { exponentialDecay } from "./optim.ts";
 * // 1 · 0.5^(20/10)
 * assert.ok(Math.abs(exponentialDecay(1, 10, 0.5)(20) - 0.25) < 1e-12);
 * ```
 */
export function exponentialDecay(
  initValue: number,
  decaySteps: number,
  decayRate: number,
): Schedule {
  _checkRate("initValue", initValue);
  if (!(decaySteps > 0)) {
    throw new RangeError(`decaySteps must be positive, got ${decaySteps}`);
  }
  if (!(decayRate > 0)) {
    throw new RangeError(`decayRate must be positive, got ${decayRate}`);
  }
  return (t) => initValue * Math.pow(decayRate, t / decaySteps);
}

/**
 * Piecewise constant: `values[0]` for t < boundaries[0], `values[i]` for
 * boundaries[i−1] ≤ t < boundaries[i], `values[n]` after (`optimizers.piecewise_constant`).
 *
 * @param boundaries Increasing step numbers (n).
 * @param values Rates (n + 1).
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { piecewiseConstant } from "./optim.ts";
 * const s = piecewiseConstant([10, 20], [1, 0.1, 0.01]);
 * // the values are returned as given, so they compare exactly
 * assert.deepStrictEqual([s(0), s(9), s(10), s(20), s(25)], [1, 1, 0.1, 0.01, 0.01]);
 * ```
 */
export function piecewiseConstant(
  boundaries: readonly number[],
  values: readonly number[],
): Schedule {
  if (values.length !== boundaries.length + 1) {
    throw new TypeError(
      `piecewiseConstant(): needs boundaries.length + 1 = ${
        boundaries.length + 1
      } values, got ${values.length}`,
    );
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i]! > boundaries[i - 1]!)) {
      throw new RangeError(
        `piecewiseConstant(): boundaries must increase, got ${
          boundaries.join(", ")
        }`,
      );
    }
  }
  for (const v of values) _checkRate("values[i]", v);
  const b = [...boundaries], v = [...values];
  return (t) => {
    let i = 0;
    while (i < b.length && t >= b[i]!) i++;
    return v[i]!;
  };
}

/**
 * Cosine decay (optax `cosine_decay_schedule`):
 * η(t) = η₀ · ((1 − alpha) · ½(1 + cos(π·min(t, decaySteps)/decaySteps)) + alpha).
 *
 * @param initValue η₀.
 * @param decaySteps Steps to reach the floor.
 * @param alpha Final rate as a fraction of η₀ (default 0).
 * @returns The schedule.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { cosineDecay } from "./optim.ts";
 * const s = cosineDecay(1, 100);
 * // ½(1 + cos(π·t/100)) for t ≤ 100, then the floor alpha = 0
 * assert.ok(Math.abs(s(0) - 1) < 1e-12);
 * assert.ok(Math.abs(s(50) - 0.5) < 1e-12);
 * assert.ok(Math.abs(s(200)) < 1e-12);
 * ```
 */
export function cosineDecay(
  initValue: number,
  decaySteps: number,
  alpha = 0,
): Schedule {
  _checkRate("initValue", initValue);
  if (!(decaySteps > 0)) {
    throw new RangeError(`decaySteps must be positive, got ${decaySteps}`);
  }
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new RangeError(`alpha must lie in [0, 1], got ${alpha}`);
  }
  return (t) => {
    const c = 0.5 *
      (1 + Math.cos(Math.PI * Math.min(t, decaySteps) / decaySteps));
    return initValue * ((1 - alpha) * c + alpha);
  };
}
