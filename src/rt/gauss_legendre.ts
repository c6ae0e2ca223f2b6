/**
 * Gauss–Legendre quadrature nodes and weights on [−1, 1] (same order as
 * scipy.special.roots_legendre, which ExoJAX's `initialize_gaussian_quadrature` uses).
 *
 * @module
 */

/** Gauss–Legendre nodes and weights. */
export interface GaussLegendre {
  /** Nodes in ascending order on (−1, 1). */
  x: Float64Array;
  /** Weights, summing to 2. */
  w: Float64Array;
}

/**
 * n-point Gauss–Legendre rule, computed by Newton iteration on the Legendre polynomial P_n
 * (three-term recurrence) from Tricomi's initial guesses; w = 2 / ((1 − x²) P_n′(x)²).
 * The rule integrates polynomials of degree ≤ 2n − 1 exactly.
 *
 * @param n Number of nodes, an integer in [1, 1000].
 * @returns Nodes x (ascending) and weights w.
 * @throws {RangeError} If n is not an integer in [1, 1000].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gaussLegendre } from "./gauss_legendre.ts";
 * // n = 2: nodes ±1/√3, weights 1 (scipy.special.roots_legendre(2))
 * const r2 = gaussLegendre(2);
 * assert.ok(Math.abs(r2.x[0]! + 1 / Math.sqrt(3)) < 1e-15);
 * assert.ok(Math.abs(r2.x[1]! - 1 / Math.sqrt(3)) < 1e-15);
 * assert.ok(Math.abs(r2.w[0]! - 1) < 1e-15 && Math.abs(r2.w[1]! - 1) < 1e-15); // 1 + 2⁻⁵² here
 * // n = 3: nodes −√(3/5), 0, √(3/5), weights 5/9, 8/9, 5/9
 * const { x, w } = gaussLegendre(3);
 * assert.ok(Math.abs(x[2]! - Math.sqrt(0.6)) < 1e-15 && x[1] === 0);
 * assert.ok(Math.abs(w[0]! - 5 / 9) < 1e-15 && Math.abs(w[1]! - 8 / 9) < 1e-15);
 * // n = 5 against scipy.special.roots_legendre(5) (x = √(5 + 2√(10/7))/3, w = (322 − 13√70)/900)
 * const r5 = gaussLegendre(5);
 * assert.ok(Math.abs(r5.x[4]! - 0.906179845938664) < 1e-15);
 * assert.ok(Math.abs(r5.w[4]! - 0.23692688505618897) < 1e-15);
 * ```
 */
export function gaussLegendre(n: number): GaussLegendre {
  if (!(Number.isInteger(n) && n >= 1 && n <= 1000)) {
    throw new RangeError(`n must be an integer in [1, 1000], got ${n}`);
  }
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const half = Math.floor((n + 1) / 2);
  for (let i = 0; i < half; i++) {
    // i-th largest root; Tricomi's approximation as starting point.
    const theta = (Math.PI * (i + 0.75)) / (n + 0.5);
    let z = Math.cos(theta) * (1 - (n - 1) / (8 * n * n * n));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      const [p, d] = _legendre(n, z);
      dp = d;
      const dz = p / d;
      z -= dz;
      if (Math.abs(dz) <= 1e-16 * Math.max(1, Math.abs(z))) break;
    }
    if (n % 2 === 1 && i === half - 1) z = 0; // exact middle node
    // Weight at the exact root z* = z − δ, δ = P_n(z)/P_n′(z) (below one ulp): with the Legendre
    // ODE, d ln w/dz = −2z/(1 − z²) at a root, so w(z*) ≈ w(z)·(1 + 2zδ/(1 − z²)).
    const [p, d] = _legendre(n, z);
    dp = d;
    const omz2 = (1 - z) * (1 + z);
    const delta = p / d;
    const wi = (2 / (omz2 * dp * dp)) * (1 + (2 * z * delta) / omz2);
    x[n - 1 - i] = z;
    x[i] = -z;
    w[n - 1 - i] = wi;
    w[i] = wi;
  }
  return { x, w };
}

/** Returns [P_n(z), P_n′(z)] by the three-term recurrence. */
function _legendre(n: number, z: number): [number, number] {
  let p0 = 1;
  let p1 = z;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  // P_n'(z) = n (z P_n − P_{n−1}) / (z² − 1); fine for |z| < 1.
  const d = (n * (z * p1 - p0)) / ((z - 1) * (z + 1));
  return [p1, d];
}
