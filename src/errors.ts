/**
 * Typed errors that control flow may match on (never on message text).
 *
 * - {@link NonFiniteError}: a kernel or validator met a NaN or ±Infinity where a finite value
 *   is required. `SVI.stableUpdate` skips such a step and counts it.
 * - {@link FirstOrderOnlyError}: a primitive whose rules evaluate dedicated derivative kernels
 *   was differentiated twice (e.g. `jacfwd(grad(f))`); `laplaceFit` then falls back to a
 *   finite-difference Hessian of the exact gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { NonFiniteError } from "./errors.ts";
 * const e = new NonFiniteError("rt.emission", "temperature[3]", NaN);
 * assert.ok(e instanceof RangeError);
 * assert.strictEqual(e.stage, "rt.emission");
 * assert.strictEqual(e.parameter, "temperature[3]");
 * assert.strictEqual(e.message, "rt.emission: temperature[3] must be finite, got NaN");
 * ```
 *
 * @module
 */

/**
 * A value that must be finite is NaN or ±Infinity. A `RangeError`, so code that catches range
 * errors keeps working; match on the class, not on the message.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { NonFiniteError } from "./errors.ts";
 * const e = new NonFiniteError("sop.sampling", "rv", Infinity, "rv [km/s] must be finite, got Infinity");
 * assert.ok(e instanceof NonFiniteError && e instanceof RangeError);
 * assert.strictEqual(e.value, Infinity);
 * assert.strictEqual(e.message, "rv [km/s] must be finite, got Infinity");
 * ```
 */
export class NonFiniteError extends RangeError {
  /** The stage or function that refused the value (e.g. "rt.emission", "premodit.xsmatrix"). */
  readonly stage: string;
  /** The parameter, with its index where there is one (e.g. "temperature[3]"). */
  readonly parameter: string;
  /** The offending value. */
  readonly value: number;
  /**
   * @param stage The stage or function that refused the value.
   * @param parameter The parameter's name (and index).
   * @param value The offending value.
   * @param message Optional message (default: "`stage`: `parameter` must be finite, got `value`").
   */
  constructor(
    stage: string,
    parameter: string,
    value: number,
    message?: string,
  ) {
    super(message ?? `${stage}: ${parameter} must be finite, got ${value}`);
    this.name = "NonFiniteError";
    this.stage = stage;
    this.parameter = parameter;
    this.value = value;
  }
}

/**
 * A primitive whose derivative rules are first order only was differentiated twice.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { FirstOrderOnlyError } from "./errors.ts";
 * const e = new FirstOrderOnlyError("xsmatrix");
 * assert.ok(e instanceof TypeError);
 * assert.strictEqual(e.primitive, "xsmatrix");
 * assert.ok(e.message.startsWith("xsmatrix: "));
 * ```
 */
export class FirstOrderOnlyError extends TypeError {
  /** The primitive's name. */
  readonly primitive: string;
  /**
   * @param primitive The primitive's name.
   * @param message Optional message.
   */
  constructor(primitive: string, message?: string) {
    super(
      message ??
        `${primitive}: this primitive's rules are first order only (use one level of jvp/vjp/grad through it)`,
    );
    this.name = "FirstOrderOnlyError";
    this.primitive = primitive;
  }
}
