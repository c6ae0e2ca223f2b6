/**
 * The gamma family in float64: ln Γ (`lgammaScalar`), the polygamma functions ψ, ψ′, ψ″
 * (`digammaScalar`, `trigammaScalar`, `tetragammaScalar`) and the regularized lower incomplete
 * gamma P(a, x) (`gammaincScalar`). The differentiable `lgamma`/`digamma`/`trigamma` primitives
 * of `./ad` and the Gamma-family distributions of `./infer` call these.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { digammaScalar, lgammaScalar } from "./gamma.ts";
 * // ψ = d ln Γ / dx: compare with a central difference at x = 3.5
 * const h = 1e-5, x = 3.5;
 * const fd = (lgammaScalar(x + h) - lgammaScalar(x - h)) / (2 * h);
 * assert.ok(Math.abs(fd - digammaScalar(x)) < 1e-9);
 * ```
 *
 * @module
 */

/**
 * ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative).
 *
 * @param x Argument.
 * @returns ln Γ(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lgammaScalar } from "./gamma.ts";
 * assert.ok(Math.abs(lgammaScalar(0.5) - Math.log(Math.sqrt(Math.PI))) < 1e-14);
 * ```
 */
export function lgammaScalar(x: number): number {
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) -
      lgammaScalar(1 - x);
  }
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t +
    Math.log(a);
}

/**
 * Digamma ψ(x) (recurrence to x ≥ 6, then the asymptotic series; the series truncation at
 * x = 6 bounds the accuracy to ~2e-13 absolute).
 *
 * @param x Argument (x > 0, or non-integer x < 0 by reflection).
 * @returns ψ(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { digammaScalar } from "./gamma.ts";
 * assert.ok(Math.abs(digammaScalar(2) - (1 - 0.5772156649015329)) < 3e-13); // ψ(2) = 1 − γ
 * ```
 */
export function digammaScalar(x: number): number {
  if (x <= 0 && Number.isInteger(x)) return NaN;
  if (x < 0) return digammaScalar(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x -
    f *
      (1 / 12 -
        f *
          (1 / 120 -
            f *
              (1 / 252 -
                f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
}

/**
 * Trigamma ψ′(x) for x > 0 (recurrence to x ≥ 6, then the asymptotic series: ~2e-11 relative
 * at small x, limited by that truncation).
 *
 * @param x Argument.
 * @returns ψ′(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { trigammaScalar } from "./gamma.ts";
 * assert.ok(Math.abs(trigammaScalar(1) / (Math.PI ** 2 / 6) - 1) < 3e-11); // ψ′(1) = π²/6
 * ```
 */
export function trigammaScalar(x: number): number {
  let r = 0;
  while (x < 6) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 +
    (1 / (x * x * x)) *
      (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * 5 / 66))));
}

/**
 * Tetragamma ψ″(x) for x > 0 (recurrence to x ≥ 6, then the asymptotic series: ~2e-11
 * relative at small x, limited by that truncation).
 *
 * @param x Argument.
 * @returns ψ″(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tetragammaScalar } from "./gamma.ts";
 * assert.ok(Math.abs(tetragammaScalar(1) / -2.404113806319188 - 1) < 3e-11); // ψ″(1) = −2ζ(3)
 * ```
 */
export function tetragammaScalar(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 2 / (x * x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r - f - 1 / (x * x * x) -
    f * f * (1 / 2 - f * (1 / 6 - f * (1 / 6 - f * (3 / 10 - f * 5 / 6))));
}

/**
 * Regularized lower incomplete gamma P(a, x) (series for x < a + 1, continued fraction above).
 *
 * @param a Shape a > 0.
 * @param x Argument x ≥ 0.
 * @returns P(a, x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gammaincScalar } from "./gamma.ts";
 * assert.ok(Math.abs(gammaincScalar(1, 2) - (1 - Math.exp(-2))) < 1e-15);
 * ```
 */
export function gammaincScalar(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  const lpre = a * Math.log(x) - x - lgammaScalar(a);
  if (x < a + 1) {
    let term = 1 / a, s = term;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return Math.exp(lpre) * s;
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - Math.exp(lpre) * h;
}
