/**
 * The contracts of a fast Fourier transform plan (numpy's conventions: forward
 * X_k = Σ_j x_j e^{−2πijk/n}, inverse normalised by 1/n). They live at the ground floor so a
 * backend can implement them (the WASM SIMD plan, `createWasmRfftPlan`) without importing the
 * code that uses them; the float64 TypeScript reference plans are `createFftPlan` /
 * `createRfftPlan` in `src/fft/fft.ts` (the `./fft` entry point).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { RfftPlan } from "./fft_plan.ts";
 * // A length-1 "transform" that satisfies the contract: X_0 = x_0.
 * const unit: RfftPlan = {
 *   n: 1,
 *   forward: (x, re, im) => { re[0] = x[0] ?? 0; im[0] = 0; },
 *   inverse: (re, _im, out) => { if (out.length > 0) out[0] = re[0]!; },
 * };
 * const re = new Float64Array(1), im = new Float64Array(1);
 * unit.forward(new Float64Array([3]), re, im);
 * assert.strictEqual(re[0], 3);
 * ```
 *
 * @module
 */

/** An in-place complex FFT of fixed length n. */
export interface FftPlan {
  /** Transform length. */
  readonly n: number;
  /**
   * Forward transform X_k = Σ_j x_j e^{−2πijk/n}, in place.
   * @param re Real parts, length n (overwritten).
   * @param im Imaginary parts, length n (overwritten).
   */
  forward(re: Float64Array, im: Float64Array): void;
  /**
   * Inverse transform x_j = (1/n) Σ_k X_k e^{+2πijk/n}, in place.
   * @param re Real parts, length n (overwritten).
   * @param im Imaginary parts, length n (overwritten).
   */
  inverse(re: Float64Array, im: Float64Array): void;
}

/** A real-input FFT of fixed length n that reuses its buffers (for hot loops). */
export interface RfftPlan {
  /** Transform length. */
  readonly n: number;
  /**
   * Forward real FFT, like `numpy.fft.rfft(x, n)`.
   * @param x Input of length ≤ n (zero-padded to n).
   * @param outRe Output real parts, length ≥ ⌊n/2⌋ + 1 (the first ⌊n/2⌋ + 1 are written).
   * @param outIm Output imaginary parts, same length rule as `outRe`.
   */
  forward(x: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
  /**
   * Inverse real FFT, like `numpy.fft.irfft(X, n)`: uses the first ⌊n/2⌋ + 1 bins and
   * ignores the imaginary parts of bin 0 (and of bin n/2 for even n).
   * @param re Spectrum real parts, length ≥ ⌊n/2⌋ + 1.
   * @param im Spectrum imaginary parts, length ≥ ⌊n/2⌋ + 1.
   * @param out Output of length ≤ n: receives the first `out.length` samples of the signal.
   */
  inverse(re: Float64Array, im: Float64Array, out: Float64Array): void;
}
