/**
 * Seeded mock observations: model + Gaussian noise, as in the tutorial
 * (`Fobs = sampling(...) + normal(0, 500, len(nu_obs))`, here reproducible from a seed).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { addGaussianNoise } from "./mock.ts";
 * const flux = new Float64Array([1, 2, 3]);
 * const y = addGaussianNoise(flux, 0.5, 0);
 * assert.strictEqual(y.length, 3);
 * assert.notDeepStrictEqual(y, flux);
 * assert.deepStrictEqual(addGaussianNoise(flux, 0, 0), flux); // sigma = 0: no noise
 * ```
 *
 * @module
 */
import { NonFiniteError } from "../errors.ts";
import { key, normal } from "../random/prng.ts";

/**
 * Adds seeded Gaussian noise of standard deviation `sigma` to a spectrum.
 *
 * @param flux Noise-free spectrum (any unit).
 * @param sigma Noise standard deviation (same unit as `flux`), finite and ≥ 0.
 * @param seed Non-negative integer seed of the Threefry key.
 * @returns A new array `flux + sigma · N(0, 1)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { addGaussianNoise } from "./mock.ts";
 * const a = addGaussianNoise(new Float64Array(4), 1, 7);
 * const b = addGaussianNoise(new Float64Array(4), 1, 7);
 * assert.deepStrictEqual(a, b); // same seed, same noise
 * assert.notDeepStrictEqual(addGaussianNoise(new Float64Array(4), 1, 8), a);
 * ```
 */
export function addGaussianNoise(
  flux: Float64Array,
  sigma: number,
  seed: number,
): Float64Array {
  if (!Number.isFinite(sigma) || sigma < 0) {
    const msg = `sigma must be finite and >= 0, got ${sigma}`;
    if (!Number.isFinite(sigma)) {
      throw new NonFiniteError("spectrum.mock", "sigma", sigma, msg);
    }
    throw new RangeError(msg);
  }
  const z = normal(key(seed), flux.length);
  const out = new Float64Array(flux.length);
  for (let i = 0; i < flux.length; i++) out[i] = flux[i]! + sigma * z[i]!;
  return out;
}

/**
 * Formats a spectrum as CSV text with a header line.
 *
 * @param columns Column name → values (all the same length).
 * @returns CSV text, one row per sample, full float64 precision.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { spectrumToCsv } from "./mock.ts";
 * const csv = spectrumToCsv({ nu: new Float64Array([1]), f: new Float64Array([2]) });
 * assert.strictEqual(csv, "nu,f\n1,2\n");
 * ```
 */
export function spectrumToCsv(
  columns: Record<string, ArrayLike<number>>,
): string {
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]!]!.length : 0;
  for (const k of names) {
    if (columns[k]!.length !== n) {
      throw new TypeError(
        `column "${k}" has length ${columns[k]!.length}, expected ${n}`,
      );
    }
  }
  const rows = [names.join(",")];
  for (let i = 0; i < n; i++) {
    rows.push(names.map((k) => String(columns[k]![i])).join(","));
  }
  return rows.join("\n") + "\n";
}
