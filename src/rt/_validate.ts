// Private input-validation helpers for src/rt (not re-exported from mod.ts).

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

/** Throws a RangeError unless `v` is a finite number > 0. */
export function _checkPositive(v: unknown, name: string): number {
  if (typeof v !== "number") {
    throw new TypeError(`${name} must be a number, got ${_describe(v)}`);
  }
  if (!(Number.isFinite(v) && v > 0)) {
    throw new RangeError(`${name} must be a finite positive number, got ${v}`);
  }
  return v;
}

/** Throws a RangeError unless `v` is a finite number. */
export function _checkFinite(v: unknown, name: string): number {
  if (typeof v !== "number") {
    throw new TypeError(`${name} must be a number, got ${_describe(v)}`);
  }
  if (!Number.isFinite(v)) {
    throw new RangeError(`${name} must be finite, got ${v}`);
  }
  return v;
}

/** Validates a wavenumber grid: non-empty Float64Array of finite values > 0 [cm⁻¹]. */
export function _checkNu(nu: unknown, name = "nu"): Float64Array {
  const a = _checkF64(nu, name);
  if (a.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let j = 0; j < a.length; j++) {
    const v = a[j]!;
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(
        `${name}[${j}] must be a finite positive wavenumber, got ${v}`,
      );
    }
  }
  return a;
}

/** Validates a temperature profile: Float64Array of finite values > 0 K, one per layer. */
export function _checkTemperature(
  t: unknown,
  name = "temperature",
  length?: number,
): Float64Array {
  const a = _checkF64(t, name, length);
  if (a.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(
        `${name} at layer ${i} must be finite and > 0 K, got ${v}`,
      );
    }
  }
  return a;
}

/** Validates a positive per-layer profile (pressure, dP, ...). */
export function _checkPositiveProfile(
  p: unknown,
  name: string,
  length?: number,
): Float64Array {
  const a = _checkF64(p, name, length);
  if (a.length === 0) throw new TypeError(`${name} must not be empty`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!(Number.isFinite(v) && v > 0)) {
      throw new RangeError(
        `${name} at layer ${i} must be finite and > 0, got ${v}`,
      );
    }
  }
  return a;
}

/**
 * Validates an optical-depth matrix [nlayer][nnu]: length nlayer·nnu, no NaN, no negative
 * values (+Infinity is allowed: a fully opaque layer).
 */
export function _checkDtau(
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
      throw new RangeError(
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
  v: number | Float64Array,
  name: string,
  nlayer: number,
  allowZero = false,
): (i: number) => number {
  if (typeof v === "number") {
    if (!(Number.isFinite(v) && (allowZero ? v >= 0 : v > 0))) {
      throw new RangeError(
        `${name} must be finite and ${allowZero ? ">= 0" : "> 0"}, got ${v}`,
      );
    }
    return () => v;
  }
  const a = _checkF64(v, name, nlayer);
  for (let i = 0; i < nlayer; i++) {
    const x = a[i]!;
    if (!(Number.isFinite(x) && (allowZero ? x >= 0 : x > 0))) {
      throw new RangeError(
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
  range: readonly [number, number],
): [number, number] {
  if (!Array.isArray(range) || range.length !== 2) {
    throw new TypeError(
      `temperature range must be a [tLow, tHigh] pair, got ${String(range)}`,
    );
  }
  const [tLow, tHigh] = range;
  if (!(typeof tLow === "number" && Number.isFinite(tLow) && tLow >= 0)) {
    throw new RangeError(`tLow must be finite and >= 0 K, got ${tLow}`);
  }
  if (!(typeof tHigh === "number" && tHigh >= tLow)) {
    throw new RangeError(`tHigh must be >= tLow (${tLow} K), got ${tHigh}`);
  }
  return [tLow, tHigh];
}
