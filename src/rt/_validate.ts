// Private input-validation helpers for src/rt (not re-exported from mod.ts).
//
// Every helper that refuses a NaN or ±Infinity throws a NonFiniteError (a RangeError) carrying
// the calling stage (first argument, e.g. "rt.emission_ibased") and the parameter with its index;
// finite values out of range stay plain RangeErrors. Messages are unchanged.

import { NonFiniteError } from "../errors.ts";

/** Short description of a value's type for error messages. */
export function _describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "Array";
  if (typeof x === "object") return (x as object).constructor?.name ?? "object";
  return typeof x;
}

/** Throws a TypeError unless `x` is a Float64Array (of `length`, when given). */
export function _checkF64(
  x: unknown,
  name: string,
  length?: number,
): Float64Array {
  if (!(x instanceof Float64Array)) {
    throw new TypeError(`${name} must be a Float64Array, got ${_describe(x)}`);
  }
  if (length !== undefined && x.length !== length) {
    throw new TypeError(`${name} must have length ${length}, got ${x.length}`);
  }
  return x;
}

/**
 * Throws `message` as a {@link NonFiniteError} when `v` is NaN or ±Infinity, else as a plain
 * RangeError (a finite value out of range).
 */
export function _refuse(
  stage: string,
  parameter: string,
  v: number,
  message: string,
): never {
  if (!Number.isFinite(v)) {
    throw new NonFiniteError(stage, parameter, v, message);
  }
  throw new RangeError(message);
}

/** Throws a RangeError (NonFiniteError for NaN/±∞) unless `v` is a finite number > 0. */
export function _checkPositive(
  stage: string,
  v: unknown,
  name: string,
): number {
  if (typeof v !== "number") {
    throw new TypeError(`${name} must be a number, got ${_describe(v)}`);
  }
  if (!(Number.isFinite(v) && v > 0)) {
    _refuse(
      stage,
      name,
      v,
      `${name} must be a finite positive number, got ${v}`,
    );
  }
  return v;
}

/** Throws a NonFiniteError unless `v` is a finite number (TypeError for non-numbers). */
export function _checkFinite(stage: string, v: unknown, name: string): number {
  if (typeof v !== "number") {
    throw new TypeError(`${name} must be a number, got ${_describe(v)}`);
  }
  if (!Number.isFinite(v)) {
    throw new NonFiniteError(
      stage,
      name,
      v,
      `${name} must be finite, got ${v}`,
    );
  }
  return v;
}

/** Validates a wavenumber grid: non-empty Float64Array of finite values > 0 [cm⁻¹]. */
export function _checkNu(
  stage: string,
  nu: unknown,
  name = "nu",
): Float64Array {
  const a = _checkF64(nu, name);
  if (a.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let j = 0; j < a.length; j++) {
    const v = a[j]!;
    if (!(Number.isFinite(v) && v > 0)) {
      _refuse(
        stage,
        `${name}[${j}]`,
        v,
        `${name}[${j}] must be a finite positive wavenumber, got ${v}`,
      );
    }
  }
  return a;
}

/** Validates a temperature profile: Float64Array of finite values > 0 K, one per layer. */
export function _checkTemperature(
  stage: string,
  t: unknown,
  name = "temperature",
  length?: number,
): Float64Array {
  const a = _checkF64(t, name, length);
  if (a.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(Number.isFinite(v) && v > 0)) {
      _refuse(
        stage,
        `${name}[${i}]`,
        v,
        `${name} at layer ${i} must be finite and > 0 K, got ${v}`,
      );
    }
  }
  return a;
}

/** Validates a positive per-layer profile (pressure, dP, ...). */
export function _checkPositiveProfile(
  stage: string,
  p: unknown,
  name: string,
  length?: number,
): Float64Array {
  const a = _checkF64(p, name, length);
  if (a.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(Number.isFinite(v) && v > 0)) {
      _refuse(
        stage,
        `${name}[${i}]`,
        v,
        `${name} at layer ${i} must be finite and > 0, got ${v}`,
      );
    }
  }
  return a;
}

/**
 * Validates an optical-depth matrix [nlayer][nnu]: length nlayer·nnu, no NaN, no negative
 * values (+Infinity is allowed: a fully opaque layer). NaN (and −Infinity) throw a
 * NonFiniteError naming `dtau[i][j]`.
 */
export function _checkDtau(
  stage: string,
  dtau: unknown,
  nlayer: number,
  nnu: number,
  name = "dtau",
): Float64Array {
  const a = _checkF64(dtau, name);
  if (a.length !== nlayer * nnu) {
    throw new TypeError(
      `${name} must have length nlayer*nnu = ${nlayer}*${nnu} = ${
        nlayer * nnu
      }, got ${a.length}`,
    );
  }
  for (let k = 0; k < a.length; k++) {
    const v = a[k]!;
    if (!(v >= 0)) {
      const i = Math.floor(k / nnu);
      _refuse(
        stage,
        `${name}[${i}][${k - i * nnu}]`,
        v,
        `${name} at layer ${i}, wavenumber index ${
          k - i * nnu
        } must be >= 0 (not NaN), got ${v}`,
      );
    }
  }
  return a;
}

/** Validates a scalar-or-per-layer positive quantity and returns an accessor. */
export function _layerValue(
  stage: string,
  v: number | Float64Array,
  name: string,
  nlayer: number,
  allowZero = false,
): (i: number) => number {
  if (typeof v === "number") {
    if (!(Number.isFinite(v) && (allowZero ? v >= 0 : v > 0))) {
      _refuse(
        stage,
        name,
        v,
        `${name} must be finite and ${allowZero ? ">= 0" : "> 0"}, got ${v}`,
      );
    }
    return () => v;
  }
  const a = _checkF64(v, name, nlayer);
  for (let i = 0; i < nlayer; i++) {
    const x = a[i]!;
    if (!(Number.isFinite(x) && (allowZero ? x >= 0 : x > 0))) {
      _refuse(
        stage,
        `${name}[${i}]`,
        x,
        `${name} at layer ${i} must be finite and ${
          allowZero ? ">= 0" : "> 0"
        }, got ${x}`,
      );
    }
  }
  return (i: number) => a[i]!;
}

/** Validates a clipping range [tLow, tHigh] in K. */
export function _checkRange(
  stage: string,
  range: readonly [number, number],
): [number, number] {
  if (!Array.isArray(range) || range.length !== 2) {
    throw new TypeError(
      `temperature range must be a [tLow, tHigh] pair, got ${String(range)}`,
    );
  }
  const [tLow, tHigh] = range;
  if (!(typeof tLow === "number" && Number.isFinite(tLow) && tLow >= 0)) {
    const msg = `tLow must be finite and >= 0 K, got ${tLow}`;
    if (typeof tLow === "number") _refuse(stage, "tLow", tLow, msg);
    throw new RangeError(msg);
  }
  if (!(typeof tHigh === "number" && tHigh >= tLow)) {
    const msg = `tHigh must be >= tLow (${tLow} K), got ${tHigh}`;
    if (typeof tHigh === "number") _refuse(stage, "tHigh", tHigh, msg); // NaN: non-finite
    throw new RangeError(msg);
  }
  return [tLow, tHigh];
}
