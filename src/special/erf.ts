/**
 * The error-function family in float64: erf, erfc (accurate in the upper tail), the standard
 * normal CDF Φ = `ndtrScalar` (relative accuracy kept in the lower tail) and its inverse
 * Φ⁻¹ = `ndtriScalar`. The differentiable `ndtr`/`ndtri` primitives of `./infer` call these.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { erfcScalar, erfScalar, ndtriScalar, ndtrScalar } from "./erf.ts";
 * assert.ok(Math.abs(erfScalar(0.3) + erfcScalar(0.3) - 1) < 1e-15);
 * assert.ok(Math.abs(ndtriScalar(ndtrScalar(-2.5)) + 2.5) < 1e-13);
 * ```
 *
 * @module
 */

const SQRT2 = Math.SQRT2;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

function _erfSeries(x: number): number {
  // erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); all terms positive for x > 0
  const x2 = x * x;
  let term = x, s = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    s += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(s)) break;
  }
  return 2 * INV_SQRT_PI * Math.exp(-x2) * s;
}

function _erfcCF(x: number): number {
  // x > 0: erfc(x) = e^{-x²}/√π / (x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (modified Lentz)
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    D = x + a * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = x + a / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) * INV_SQRT_PI / f;
}

/**
 * Error function erf(x) (series below |x| = 2, continued fraction above; ≲1e-15 relative).
 *
 * @param x Argument.
 * @returns erf(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { erfScalar } from "./erf.ts";
 * assert.ok(Math.abs(erfScalar(1) - 0.8427007929497149) < 1e-15);
 * ```
 */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  const v = a < 2 ? _erfSeries(a) : 1 - _erfcCF(a);
  return x < 0 ? -v : v;
}

/**
 * Complementary error function erfc(x) = 1 − erf(x), accurate in the upper tail.
 *
 * @param x Argument.
 * @returns erfc(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { erfcScalar } from "./erf.ts";
 * assert.ok(Math.abs(erfcScalar(5) / 1.5374597944280349e-12 - 1) < 1e-13);
 * ```
 */
export function erfcScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (x >= 2) return _erfcCF(x);
  if (x <= -2) return 2 - _erfcCF(-x);
  return x >= 0 ? 1 - _erfSeries(x) : 1 + _erfSeries(-x);
}

/**
 * Standard normal CDF Φ(x) = erfc(−x/√2)/2 (relative accuracy kept in the lower tail).
 *
 * @param x Argument.
 * @returns Φ(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ndtrScalar } from "./erf.ts";
 * assert.ok(Math.abs(ndtrScalar(1.959963984540054) - 0.975) < 1e-15);
 * ```
 */
export function ndtrScalar(x: number): number {
  return 0.5 * erfcScalar(-x / SQRT2);
}

/**
 * Inverse standard normal CDF Φ⁻¹(p) (Abramowitz–Stegun 26.2.23 start, then Halley steps).
 *
 * @param p Probability in [0, 1] (0 → −∞, 1 → +∞, outside → NaN).
 * @returns x with Φ(x) = p.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ndtriScalar } from "./erf.ts";
 * assert.ok(Math.abs(ndtriScalar(0.975) - 1.959963984540054) < 1e-14);
 * ```
 */
export function ndtriScalar(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -ndtriScalar(1 - p);
  if (p === 0.5) return 0;
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) /
      (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 50; i++) {
    const e = ndtrScalar(x) - p;
    const u = e * SQRT2PI * Math.exp(0.5 * x * x);
    const dx = u / (1 + 0.5 * x * u);
    x -= dx;
    if (Math.abs(dx) <= 1e-16 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}
