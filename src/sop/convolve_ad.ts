/**
 * Derivatives of the kernel-centred convolution {@link convolveCentered}
 * (out[i] = Σ_k K[k] · f[i + h − k], h = (K.length − 1)/2, f = 0 outside its ends),
 * which is bilinear in (f, K):
 *
 * - JVP: d out = conv(df, K) + conv(f, dK), batched over K tangent directions.
 * - VJP: f̄ = corr(ḡ, K) (the transpose of the convolution, including the zero-padded
 *   ends: f̄[p] = Σ_k K[k] · ḡ[p − h + k]) and K̄[k] = Σ_i ḡ[i] · f[i + h − k].
 *
 * Derivative-rule style of src/sop (used by every `*_ad.ts` file here), with the result
 * types shared by every physics stage (`StageJvp`, `StageVjp` in `src/ad/first_order.ts`):
 * - `xxxJvp(primals…, tangents)` → `StageJvp` `{ out, dout }`: the primal output and K
 *   tangent outputs, `dout` flat [K][…outShape]. Tangents are passed as an object with the
 *   direction count `k` and one optional entry per differentiable input, each with a
 *   leading K dimension (arrays [K][n] flat, scalars [K]); a missing or `null` entry is
 *   zero. All-zero tangent rows are detected and skipped.
 * - `xxxWithVjp(primals…)` → `StageVjp` `{ out, pullback(ct) }`: the forward pass keeps
 *   what the reverse pass needs (kernels, kernel partials, interpolation weights) in the
 *   closure; `pullback` may be called any number of times. It returns the input cotangents
 *   positionally, in the order of the stage's differentiable inputs (the order of its
 *   primitive's inputs in `primitives.ts`); a scalar input's cotangent is a length-1
 *   array. The primal arrays are referenced, not copied: do not mutate them while the
 *   pullback is alive.
 * - `xxxVjp(primals…, ct)` = `xxxWithVjp(primals…).pullback(ct)`, for one-off use.
 *
 * @module
 */

import type { StageJvp, StageVjp } from "../ad/first_order.ts";
import { convolveCentered } from "./convolve.ts";
import { _checkArray } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.convolve";

/** Index range [k0, k1] of v outside which every tap is exactly zero (k0 > k1 if none). */
export function _support(v: Float64Array): [number, number] {
  let k0 = 0;
  let k1 = v.length - 1;
  while (k0 <= k1 && v[k0] === 0) k0++;
  while (k1 >= k0 && v[k1] === 0) k1--;
  return [k0, k1];
}

/** True when a[off .. off + n) is all zeros. */
export function _isZero(a: Float64Array, off: number, n: number): boolean {
  for (let i = off; i < off + n; i++) if (a[i] !== 0) return false;
  return true;
}

/**
 * out[oOff + i] = Σ_{k=k0..k1} v[k] · a[aOff + i + h − k] for i in [0, n), terms with
 * i + h − k outside [0, n) omitted. Same summation order as convolveCentered, so the
 * result is bitwise equal to it.
 */
export function _convInto(
  a: Float64Array,
  aOff: number,
  v: Float64Array,
  k0: number,
  k1: number,
  h: number,
  n: number,
  out: Float64Array,
  oOff: number,
): void {
  for (let i = 0; i < n; i++) {
    const m = h + i;
    const lo = Math.max(k0, m - n + 1);
    const hi = Math.min(k1, m);
    const base = aOff + m;
    let s = 0;
    for (let k = lo; k <= hi; k++) s += v[k]! * a[base - k]!;
    out[oOff + i] = s;
  }
}

/**
 * Fused pair: out[oOff + i] = Σ_{k=k0..k1} (v[k] · a[aOff + m − k] + w[k] · b[m − k]),
 * m = i + h, over the union [k0, k1] of both kernels' supports (taps outside a kernel's
 * own support must be 0). One pass instead of two for a direction that moves both the
 * signal (a = its tangent) and the kernel (w = the kernel tangent, b = the signal).
 */
export function _conv2Into(
  a: Float64Array,
  aOff: number,
  v: Float64Array,
  b: Float64Array,
  w: Float64Array,
  k0: number,
  k1: number,
  h: number,
  n: number,
  out: Float64Array,
  oOff: number,
): void {
  for (let i = 0; i < n; i++) {
    const m = h + i;
    const lo = Math.max(k0, m - n + 1);
    const hi = Math.min(k1, m);
    const base = aOff + m;
    let s = 0;
    let t = 0;
    for (let k = lo; k <= hi; k++) {
      s += v[k]! * a[base - k]!;
      t += w[k]! * b[m - k]!;
    }
    out[oOff + i] = s + t;
  }
}

/** Copy of v with subnormal entries (|x| < 2.2e-308) set to 0: they cost ~50× per multiply. */
export function _flushSubnormals(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    out[i] = Math.abs(x) < 2.2250738585072014e-308 ? 0 : x;
  }
  return out;
}

/**
 * Transpose of {@link _convInto} in a: out[p] = Σ_{k=k0..k1} v[k] · g[p − h + k] for
 * p in [0, n), terms with p − h + k outside [0, n) omitted.
 */
export function _corrInto(
  g: Float64Array,
  v: Float64Array,
  k0: number,
  k1: number,
  h: number,
  n: number,
  out: Float64Array,
): void {
  for (let p = 0; p < n; p++) {
    const lo = Math.max(k0, h - p);
    const hi = Math.min(k1, n - 1 + h - p);
    const base = p - h;
    let s = 0;
    for (let k = lo; k <= hi; k++) s += v[k]! * g[base + k]!;
    out[p] = s;
  }
}

/**
 * Kernel cotangent of the centred convolution: out[k] = Σ_i g[i] · f[i + h − k] for
 * k in [k0, k1] (other entries untouched), i and i + h − k in [0, n).
 */
export function _kernelBarInto(
  g: Float64Array,
  f: Float64Array,
  k0: number,
  k1: number,
  h: number,
  n: number,
  out: Float64Array,
): void {
  for (let k = k0; k <= k1; k++) {
    const lo = Math.max(0, k - h);
    const hi = Math.min(n - 1, n - 1 + k - h);
    const d = h - k;
    let s = 0;
    for (let i = lo; i <= hi; i++) s += g[i]! * f[i + d]!;
    out[k] = s;
  }
}

/** Throws a TypeError unless x is null/undefined or a Float64Array of length len. */
export function _checkTangent(
  x: unknown,
  len: number,
  name: string,
): Float64Array | null {
  if (x === null || x === undefined) return null;
  if (!(x instanceof Float64Array) || x.length !== len) {
    throw new TypeError(
      `${name} must be null or a Float64Array of length ${len}, got ${
        x instanceof Float64Array ? `length ${x.length}` : typeof x
      }`,
    );
  }
  return x;
}

/** Throws a TypeError unless `g` is null or a Float64Array of length `len` (a gradient output). */
export function _checkOutput(
  g: Float64Array | null,
  len: number,
  name: string,
): void {
  if (g !== null && (!(g instanceof Float64Array) || g.length !== len)) {
    throw new TypeError(
      `${name} must be null or a Float64Array of length ${len}`,
    );
  }
}

/** Throws unless k is a non-negative integer tangent count. */
export function _checkCount(k: unknown): number {
  if (typeof k !== "number") {
    throw new TypeError(`tangent count k must be a number, got ${typeof k}`);
  }
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(
      `tangent count k must be a non-negative integer, got ${k}`,
    );
  }
  return k;
}

/** Throws a TypeError unless ct is a Float64Array of length n (NonFiniteError if not finite). */
export function _checkCotangent(
  stage: string,
  ct: unknown,
  n: number,
): Float64Array {
  const c = _checkArray(stage, ct, "ct");
  if (c.length !== n) {
    throw new TypeError(
      `ct must have the output's length ${n}, got ${c.length}`,
    );
  }
  return c;
}

/** Tangents of {@link convolveCenteredJvp}: K directions, each input [K][len] flat or null (zero). */
export interface ConvolveCenteredTangents {
  /** Number of tangent directions K (≥ 0). */
  k: number;
  /** Signal tangents, [K][f.length] flat. */
  f?: Float64Array | null;
  /** Kernel tangents, [K][kernel.length] flat. */
  kernel?: Float64Array | null;
}

function _checkKernel(f: Float64Array, kernel: Float64Array): void {
  _checkArray(STAGE, f, "f");
  _checkArray(STAGE, kernel, "kernel");
  if (kernel.length % 2 === 0) {
    throw new TypeError(`kernel length must be odd, got ${kernel.length}`);
  }
}

/**
 * Forward-mode derivative of {@link convolveCentered}: out = conv(f, K) and, for each of
 * the K tangent directions, dout[k] = conv(df[k], K) + conv(f, dK[k]). Zero tangent rows
 * are skipped, so a direction costs at most two convolutions.
 *
 * @param f Signal (finite), length n.
 * @param kernel Odd-length kernel (finite), length m.
 * @param tangents `{ k, f?: [K][n], kernel?: [K][m] }`, null entries are zero.
 * @returns `{ out: [n], dout: [K][n] }`.
 * @throws {TypeError} On wrong types, an even kernel or tangent lengths ≠ K·n / K·m.
 * @throws {RangeError} On non-finite primals or a bad count k.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { convolveCenteredJvp } from "./convolve_ad.ts";
 * const f = new Float64Array([0, 0, 4, 0, 0]);
 * const k = new Float64Array([0.25, 0.5, 0.25]);
 * const { out, dout } = convolveCenteredJvp(f, k, {
 *   k: 1,
 *   kernel: new Float64Array([1, 0, -1]),
 * });
 * assert.deepStrictEqual(Array.from(out), [0, 1, 2, 1, 0]);
 * // dout[i] = f[i + 1] − f[i − 1] (exact)
 * assert.deepStrictEqual(Array.from(dout), [0, 4, 0, -4, 0]);
 * ```
 */
export function convolveCenteredJvp(
  f: Float64Array,
  kernel: Float64Array,
  tangents: ConvolveCenteredTangents,
): StageJvp {
  _checkKernel(f, kernel);
  const nk = _checkCount(tangents.k);
  const n = f.length;
  const m = kernel.length;
  const tf = _checkTangent(tangents.f, nk * n, "tangents.f");
  const tk = _checkTangent(tangents.kernel, nk * m, "tangents.kernel");
  const h = (m - 1) / 2;
  const out = convolveCentered(f, kernel);
  const dout = new Float64Array(nk * n);
  const [k0, k1] = _support(kernel);
  const dk = new Float64Array(m);
  for (let d = 0; d < nk; d++) {
    const hasF = tf !== null && k0 <= k1 && !_isZero(tf, d * n, n);
    let j0 = 1;
    let j1 = 0;
    if (tk !== null) {
      dk.set(tk.subarray(d * m, (d + 1) * m));
      [j0, j1] = _support(dk);
    }
    if (hasF && j0 <= j1) {
      const lo = Math.min(k0, j0);
      const hi = Math.max(k1, j1);
      _conv2Into(tf!, d * n, kernel, f, dk, lo, hi, h, n, dout, d * n);
    } else if (hasF) {
      _convInto(tf!, d * n, kernel, k0, k1, h, n, dout, d * n);
    } else if (j0 <= j1) {
      _convInto(f, 0, dk, j0, j1, h, n, dout, d * n);
    }
  }
  return { out, dout };
}

/**
 * Reverse-mode derivative of {@link convolveCentered}: returns the primal output and a
 * pullback mapping an output cotangent ḡ to f̄ = corr(ḡ, K) (the exact transpose of the
 * zero-padded centred convolution) and K̄[k] = Σ_i ḡ[i] f[i + h − k]. The kernel
 * cotangent is computed for every tap (cost n · m); the operator-specific rules only
 * evaluate it on the support of their kernel derivatives.
 *
 * @param f Signal (finite), length n.
 * @param kernel Odd-length kernel (finite), length m.
 * @returns `{ out, pullback(ct) → [fBar [n], kernelBar [m]] }`: `out` equals
 *   convolveCentered(f, kernel); the pullback returns the cotangents positionally, in
 *   argument order (f, kernel).
 * @throws {TypeError} On wrong types or an even kernel (pullback: ct length ≠ n).
 * @throws {RangeError} On non-finite values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { convolveCenteredWithVjp } from "./convolve_ad.ts";
 * const f = new Float64Array([1, 2, 3]);
 * const { out, pullback } = convolveCenteredWithVjp(f, new Float64Array([0, 1, 0.5]));
 * const [fBar, kernelBar] = pullback(new Float64Array([1, 0, 0]));
 * assert.deepStrictEqual(Array.from(out), [1, 2.5, 4]);
 * assert.deepStrictEqual(Array.from(fBar!), [1, 0, 0]);
 * assert.deepStrictEqual(Array.from(kernelBar!), [2, 1, 0]); // K̄[k] = f[1 − k]
 * ```
 */
export function convolveCenteredWithVjp(
  f: Float64Array,
  kernel: Float64Array,
): StageVjp {
  _checkKernel(f, kernel);
  const out = convolveCentered(f, kernel);
  const n = f.length;
  const m = kernel.length;
  const h = (m - 1) / 2;
  const [k0, k1] = _support(kernel);
  return {
    out,
    pullback(ct: Float64Array): Float64Array[] {
      const g = _checkCotangent(STAGE, ct, n);
      const fBar = new Float64Array(n);
      if (k0 <= k1) _corrInto(g, kernel, k0, k1, h, n, fBar);
      const kernelBar = new Float64Array(m);
      _kernelBarInto(g, f, 0, m - 1, h, n, kernelBar);
      return [fBar, kernelBar];
    },
  };
}

/**
 * Reverse-mode derivative of {@link convolveCentered} for one cotangent
 * (= `convolveCenteredWithVjp(f, kernel).pullback(ct)`).
 *
 * @param f Signal (finite), length n.
 * @param kernel Odd-length kernel (finite).
 * @param ct Output cotangent, length n.
 * @returns `[fBar [n], kernelBar [kernel.length]]`, positionally in argument order.
 * @throws {TypeError} On wrong types or lengths, or an even kernel.
 * @throws {RangeError} On non-finite values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { convolveCenteredVjp } from "./convolve_ad.ts";
 * const [fBar] = convolveCenteredVjp(
 *   new Float64Array([1, 2, 3]),
 *   new Float64Array([0.25, 0.5, 0.25]),
 *   new Float64Array([0, 1, 0]),
 * );
 * assert.deepStrictEqual(Array.from(fBar!), [0.25, 0.5, 0.25]); // the kernel, reversed
 * ```
 */
export function convolveCenteredVjp(
  f: Float64Array,
  kernel: Float64Array,
  ct: Float64Array,
): (Float64Array | null)[] {
  return convolveCenteredWithVjp(f, kernel).pullback(ct);
}
