// Private input-validation helpers for src/sop (not re-exported from mod.ts).
//
// A helper that refuses a NaN or ±Infinity throws a NonFiniteError (a RangeError) carrying the
// calling stage (first argument, e.g. "sop.rotation") and the parameter with its index; finite
// values out of range stay plain RangeErrors. Messages are unchanged.

import { NonFiniteError } from "../errors.ts";

/** Throws a TypeError unless `x` is a non-empty Float64Array of finite values. */
export function _checkArray(
  stage: string,
  x: unknown,
  name: string,
): Float64Array {
  if (!(x instanceof Float64Array)) {
    throw new TypeError(`${name} must be a Float64Array, got ${_describe(x)}`);
  }
  if (x.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new NonFiniteError(
        stage,
        `${name}[${i}]`,
        x[i]!,
        `${name}[${i}] must be finite, got ${x[i]}`,
      );
    }
  }
  return x;
}

/** Short description of a value's type for error messages. */
export function _describe(x: unknown): string {
  if (x === null) return "null";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

/** Throws unless `x` is a finite number (TypeError for non-numbers, NonFiniteError for NaN/±∞). */
export function _checkFinite(stage: string, x: unknown, name: string): number {
  if (typeof x !== "number") {
    throw new TypeError(`${name} must be a number, got ${_describe(x)}`);
  }
  if (!Number.isFinite(x)) {
    throw new NonFiniteError(
      stage,
      name,
      x,
      `${name} must be finite, got ${x}`,
    );
  }
  return x;
}

/** Throws unless `x` is a finite number > 0. */
export function _checkPositive(
  stage: string,
  x: unknown,
  name: string,
): number {
  _checkFinite(stage, x, name);
  if (!((x as number) > 0)) {
    throw new RangeError(`${name} must be > 0, got ${x}`);
  }
  return x as number;
}

/**
 * Checks a kernel velocity grid: finite, odd length, symmetric about its centre
 * (v[i] = −v[L−1−i] to 1e-9 of max |v|). Returns max |v|.
 */
export function _checkVelocityGrid(
  stage: string,
  vGrid: unknown,
  name = "vGrid",
): number {
  const v = _checkArray(stage, vGrid, name);
  const n = v.length;
  if (n % 2 === 0) throw new TypeError(`${name} length must be odd, got ${n}`);
  let vmax = 0;
  for (let i = 0; i < n; i++) vmax = Math.max(vmax, Math.abs(v[i]!));
  for (let i = 0; i < n; i++) {
    if (Math.abs(v[i]! + v[n - 1 - i]!) > 1e-9 * vmax) {
      throw new RangeError(
        `${name} must be symmetric about its centre, got ${name}[${i}] = ${
          v[i]
        } and ${name}[${n - 1 - i}] = ${v[n - 1 - i]}`,
      );
    }
  }
  return vmax;
}

/** Throws unless nuGrid is a strictly ascending Float64Array of ≥ 2 finite values. */
export function _checkAscendingGrid(
  stage: string,
  nuGrid: unknown,
  name: string,
): Float64Array {
  const nu = _checkArray(stage, nuGrid, name);
  if (nu.length < 2) {
    throw new TypeError(
      `${name} must have at least 2 points, got ${nu.length}`,
    );
  }
  for (let i = 1; i < nu.length; i++) {
    if (!(nu[i]! > nu[i - 1]!)) {
      throw new RangeError(
        `${name} must be strictly ascending, got ${name}[${i - 1}] = ${
          nu[i - 1]
        } and ${name}[${i}] = ${nu[i]}`,
      );
    }
  }
  return nu;
}
