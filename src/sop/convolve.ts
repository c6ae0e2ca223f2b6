/**
 * Direct-summation 1-D convolutions used by the spectral operators.
 *
 * `convolveSame` reproduces `numpy.convolve(a, v, mode="same")` (and `jnp.convolve`)
 * exactly, including even kernels and kernels longer than the signal.
 * `convolveCentered` is what the operators use: it always returns the signal's length
 * with the output aligned on the kernel centre, which is ExoJAX's
 * `exojax.signal.convolve.convolve_same` for odd kernels (also when the kernel is longer
 * than the signal). Both treat the signal as zero outside its ends.
 *
 * @module
 */

import { _checkArray } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "sop.convolve";

/**
 * Slice [start, start + outLen) of the full linear convolution of `a` and `v`,
 * summing only over the kernel's range [k0, k1] (taps outside are exactly zero).
 */
function _fullSlice(
  a: Float64Array,
  v: Float64Array,
  start: number,
  outLen: number,
  k0: number,
  k1: number,
): Float64Array {
  const na = a.length;
  const out = new Float64Array(outLen);
  for (let i = 0; i < outLen; i++) {
    const m = start + i;
    // full[m] = Σ_k v[k] a[m − k], 0 ≤ m − k < na
    const lo = Math.max(k0, m - na + 1);
    const hi = Math.min(k1, m);
    let s = 0;
    for (let k = lo; k <= hi; k++) s += v[k]! * a[m - k]!;
    out[i] = s;
  }
  return out;
}

/** Index range [k0, k1] of the kernel outside which every tap is exactly zero. */
function _support(v: Float64Array): [number, number] {
  let k0 = 0;
  let k1 = v.length - 1;
  while (k0 <= k1 && v[k0] === 0) k0++;
  while (k1 >= k0 && v[k1] === 0) k1--;
  return [k0, k1];
}

/**
 * Linear convolution with `numpy.convolve(f, kernel, mode="same")` semantics: the output
 * has length max(f.length, kernel.length) and is the centre of the full convolution,
 * starting at index ⌊(min(f.length, kernel.length) − 1)/2⌋. Direct summation in float64.
 *
 * @param f Signal (any length ≥ 1, finite values).
 * @param kernel Convolution kernel (any length ≥ 1, finite values).
 * @returns The "same"-mode convolution, length max(f.length, kernel.length).
 * @throws {TypeError} If an argument is not a non-empty Float64Array.
 * @throws {RangeError} If an argument holds a non-finite value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { convolveSame } from "./convolve.ts";
 * const out = convolveSame(new Float64Array([1, 2, 3]), new Float64Array([0, 1, 0.5]));
 * // numpy.convolve([1, 2, 3], [0, 1, 0.5], "same"); dyadic values, so exact in f64
 * assert.deepStrictEqual(Array.from(out), [1, 2.5, 4]);
 * ```
 */
export function convolveSame(
  f: Float64Array,
  kernel: Float64Array,
): Float64Array {
  _checkArray(STAGE, f, "f");
  _checkArray(STAGE, kernel, "kernel");
  const outLen = Math.max(f.length, kernel.length);
  const start = (Math.min(f.length, kernel.length) - 1) >> 1;
  const [k0, k1] = _support(kernel);
  if (k0 > k1) return new Float64Array(outLen);
  return _fullSlice(f, kernel, start, outLen, k0, k1);
}

/**
 * Kernel-centred convolution of a spectrum: out[i] = Σ_k kernel[k] · f[i + h − k] with
 * h = (kernel.length − 1)/2 and f = 0 outside [0, f.length). The output always has the
 * signal's length; it equals `numpy.convolve(f, kernel, "same")` when the kernel is no
 * longer than the signal, and ExoJAX's FFT `convolve_same` for any odd kernel.
 * Near the ends (within h points) flux is lost, because the signal is zero-padded.
 *
 * @param f Spectrum (finite values).
 * @param kernel Kernel of odd length, centred on its middle element.
 * @returns Convolved spectrum, same length as `f`.
 * @throws {TypeError} If an argument is not a non-empty Float64Array, or the kernel length is even.
 * @throws {RangeError} If an argument holds a non-finite value.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { convolveCentered } from "./convolve.ts";
 * const k = new Float64Array([0.25, 0.5, 0.25]);
 * const out = convolveCentered(new Float64Array([0, 0, 4, 0, 0]), k);
 * assert.deepStrictEqual(Array.from(out), [0, 1, 2, 1, 0]); // exact: dyadic weights
 * ```
 */
export function convolveCentered(
  f: Float64Array,
  kernel: Float64Array,
): Float64Array {
  _checkArray(STAGE, f, "f");
  _checkArray(STAGE, kernel, "kernel");
  if (kernel.length % 2 === 0) {
    throw new TypeError(`kernel length must be odd, got ${kernel.length}`);
  }
  const [k0, k1] = _support(kernel);
  if (k0 > k1) return new Float64Array(f.length);
  return _fullSlice(f, kernel, (kernel.length - 1) / 2, f.length, k0, k1);
}
