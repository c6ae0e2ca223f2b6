/**
 * Intensity-based n-stream emission for a pure-absorption atmosphere of isothermal layers
 * (ExoJAX `rtrun_emis_pureabs_ibased` with `initialize_gaussian_quadrature`).
 *
 * @module
 */

import { gaussLegendre } from "./gauss_legendre.ts";
import { _planckPiRow } from "./planck.ts";
import { _checkDtau, _checkNu, _checkTemperature } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.emission_ibased";

/**
 * Cosines µ ∈ (0, 1) and weights for nstream/2 Gauss–Legendre nodes mapped from [−1, 1]:
 * µ = (x + 1)/2, w = w_GL/2 (ExoJAX `initialize_gaussian_quadrature`).
 *
 * @param nstream Number of streams, an even integer ≥ 2.
 * @returns Nodes mu (ascending) and weights w (summing to 1).
 * @throws {RangeError} If nstream is not an even integer ≥ 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionQuadrature } from "./emission_ibased.ts";
 * // 2 streams: one Gauss–Legendre node x = 0 with weight 2 → µ = 1/2, w = 1
 * const q2 = emissionQuadrature(2);
 * assert.deepStrictEqual([q2.mu[0], q2.w[0]], [0.5, 1]);
 * // 4 streams: x = ±1/√3, w_GL = 1 → µ = (1 ∓ 1/√3)/2, w = 1/2
 * const { mu, w } = emissionQuadrature(4);
 * assert.ok(Math.abs(mu[0]! - (1 - 1 / Math.sqrt(3)) / 2) < 1e-15);
 * assert.ok(Math.abs(mu[1]! - (1 + 1 / Math.sqrt(3)) / 2) < 1e-15);
 * assert.ok(Math.abs(w[0]! - 0.5) < 1e-15 && Math.abs(w[0]! + w[1]! - 1) < 1e-15);
 * ```
 */
export function emissionQuadrature(
  nstream: number,
): { mu: Float64Array; w: Float64Array } {
  if (
    !(Number.isInteger(nstream) && nstream >= 2 && nstream % 2 === 0 &&
      nstream <= 2000)
  ) {
    throw new RangeError(
      `nstream must be an even integer >= 2, got ${nstream}`,
    );
  }
  const { x, w } = gaussLegendre(nstream / 2);
  const mu = new Float64Array(x.length);
  const wm = new Float64Array(x.length);
  for (let m = 0; m < x.length; m++) {
    mu[m] = 0.5 * (x[m]! + 1.0);
    wm[m] = 0.5 * w[m]!;
  }
  return { mu, w: wm };
}

/**
 * Emergent flux of a pure-absorption atmosphere with isothermal layers, intensity-based:
 * F_ν = Σ_µ 2µw Σ_i πB_ν(T_i) (e^{−τ_(i−1)/µ} − e^{−τ_i/µ}), τ_i = Σ_(k≤i) dτ_k, τ_(−1) = 0,
 * no bottom boundary term (make the bottom optically thick). The layer term is evaluated as
 * e^{−τ_(i−1)/µ} · (−expm1(−dτ_i/µ)), which equals ExoJAX's difference of exponentials without
 * its cancellation for thin layers. Cost O(nlayer · nnu · nstream/2), O(nnu · nstream) memory.
 *
 * @param dtau Layer optical depths [nlayer][nnu] row-major (top first), each ≥ 0 (+Infinity allowed).
 * @param temperature Layer temperatures [K], length nlayer, each finite and > 0.
 * @param nu Wavenumbers [cm⁻¹], length nnu, each finite and > 0.
 * @param nstream Number of streams (even, ≥ 2; default 8 as ExoJAX's ArtEmisPure).
 * @returns Flux F_ν [erg/s/cm²/cm⁻¹], length nnu.
 * @throws {TypeError} If an array has the wrong type or length.
 * @throws {RangeError} For NaN/negative dτ or non-positive T (naming the layer), bad ν or nstream.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionIbased } from "./emission_ibased.ts";
 * import { planckPi } from "./planck.ts";
 * const nu = new Float64Array([4300]);
 * const b = planckPi(nu, 1000)[0]!;
 * // an optically thick isothermal atmosphere emits πB(T)
 * const thick = emissionIbased(new Float64Array([1, 100]), new Float64Array([1000, 1000]), nu);
 * assert.ok(Math.abs(thick[0]! / b - 1) < 1e-12);
 * // one slab of τ = 1: F/πB = Σ_µ 2µw (1 − e^{−1/µ}) with the 4 nodes of
 * // scipy.special.roots_legendre(4) mapped to (0, 1) (numpy: 0.7808614984306743)
 * const slab = emissionIbased(new Float64Array([1]), new Float64Array([1000]), nu);
 * assert.ok(Math.abs(slab[0]! / b / 0.7808614984306743 - 1) < 1e-14);
 * // no optical depth and no surface: no emission
 * const empty = emissionIbased(new Float64Array([0, 0]), new Float64Array([1000, 1200]), nu);
 * assert.strictEqual(empty[0], 0);
 * ```
 */
export function emissionIbased(
  dtau: Float64Array,
  temperature: Float64Array,
  nu: Float64Array,
  nstream = 8,
): Float64Array {
  const t = _checkTemperature(STAGE, temperature, "temperature");
  const n = _checkNu(STAGE, nu);
  const nlayer = t.length;
  const nnu = n.length;
  const dt = _checkDtau(STAGE, dtau, nlayer, nnu);
  const { mu, w } = emissionQuadrature(nstream);
  const nmu = mu.length;
  const trans = new Float64Array(nmu * nnu).fill(1); // e^{−τ_(i−1)/µ}
  const flux = new Float64Array(nnu);
  const src = new Float64Array(nnu);
  const coef = new Float64Array(nmu);
  const invMu = new Float64Array(nmu);
  for (let m = 0; m < nmu; m++) {
    coef[m] = 2 * mu[m]! * w[m]!;
    invMu[m] = 1 / mu[m]!;
  }
  for (let i = 0; i < nlayer; i++) {
    _planckPiRow(n, t[i]!, src);
    const off = i * nnu;
    for (let m = 0; m < nmu; m++) {
      const c = coef[m]!;
      const im = invMu[m]!;
      const toff = m * nnu;
      for (let j = 0; j < nnu; j++) {
        // e^{−dτ/µ}: exp instead of expm1 (≈ 5× faster in V8). For tiny dτ/µ the layer term
        // tr·(1 − e) loses relative precision, but its absolute error stays ≤ 1e-16·πB per layer.
        const tr = trans[toff + j]!;
        const trNext = tr * Math.exp(-dt[off + j]! * im);
        flux[j]! += c * src[j]! * (tr - trNext);
        trans[toff + j] = trNext;
      }
    }
  }
  return flux;
}
