/**
 * Spectral operators as autodiff primitives (forward kernel + batched JVP + VJP in one place;
 * rules from the `*_ad.ts` modules; first order only): rigid rotation, Gaussian instrument
 * profile, and RV sampling.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingPrimitive } from "./primitives.ts";
 * import { bind, grad, scalar, sum, tensor, type Tensor } from "../ad/mod.ts";
 * const nu = Float64Array.from({ length: 5 }, (_, i) => 4300 * Math.exp(i * 1e-5));
 * const prim = samplingPrimitive(nu, nu.slice(1, 4));
 * const f = tensor([1, 2, 3, 4, 5]);
 * const g = grad((rv) => sum(bind(prim, [f, rv], {})))(scalar(0.5)) as Tensor;
 * // f rises by 1 per grid step, so each of the 3 outputs has ∂/∂RV = ν/(c·Δν) = 1/(c·(e^{1e-5} − 1));
 * // 1e-9 relative: the grid differences Δν carry ~1e-11 relative rounding
 * assert.ok(Math.abs(g.item() / (3 / (299792.458 * Math.expm1(1e-5))) - 1) < 1e-9);
 * ```
 *
 * @module
 */
import type { Primitive } from "../ad/core.ts";
import { definePrimitive } from "../ad/first_order.ts";
import { rigidRotation } from "./rotation.ts";
import { rigidRotationJvp, rigidRotationWithVjp } from "./rotation_ad.ts";
import { ipgauss } from "./instrument_profile.ts";
import { ipgaussJvp, ipgaussWithVjp } from "./instrument_profile_ad.ts";
import { sampling } from "./sampling.ts";
import { samplingJvp, samplingWithVjp } from "./sampling_ad.ts";

/**
 * Rigid rotation as a primitive: inputs `[f [N], vsini [] (km/s), u1 [], u2 []]`, output [N].
 *
 * @param vGrid Kernel velocity grid [km/s] (e.g. `createSopRotation(...).vGrid`).
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { rigidRotationPrimitive } from "./primitives.ts";
 * assert.strictEqual(rigidRotationPrimitive(new Float64Array([-1, 0, 1])).name, "rigidRotation");
 * ```
 */
export function rigidRotationPrimitive(vGrid: Float64Array): Primitive {
  return definePrimitive({
    name: "rigidRotation",
    outShape: ([f]) => [...f!],
    forward: ([f, v, a, b]) => rigidRotation(f!, vGrid, v![0]!, a![0]!, b![0]!),
    jvp: ([f, v, a, b], [tf, tv, ta, tb], k) =>
      rigidRotationJvp(f!, vGrid, v![0]!, a![0]!, b![0]!, {
        k,
        f: tf ?? null,
        vsini: tv ?? null,
        u1: ta ?? null,
        u2: tb ?? null,
      }),
    withVjp: ([f, v, a, b]) =>
      rigidRotationWithVjp(f!, vGrid, v![0]!, a![0]!, b![0]!),
  });
}

/**
 * Gaussian instrument profile as a primitive: inputs `[f [N], beta [] (km/s)]`, output [N].
 *
 * @param vGrid Kernel velocity grid [km/s] (e.g. `createSopInstProfile(...).vGrid`).
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ipgaussPrimitive } from "./primitives.ts";
 * assert.strictEqual(ipgaussPrimitive(new Float64Array([-1, 0, 1])).name, "ipgauss");
 * ```
 */
export function ipgaussPrimitive(vGrid: Float64Array): Primitive {
  return definePrimitive({
    name: "ipgauss",
    outShape: ([f]) => [...f!],
    forward: ([f, b]) => ipgauss(f!, vGrid, b![0]!),
    jvp: ([f, b], [tf, tb], k) =>
      ipgaussJvp(f!, vGrid, b![0]!, { k, f: tf ?? null, beta: tb ?? null }),
    withVjp: ([f, b]) => ipgaussWithVjp(f!, vGrid, b![0]!),
  });
}

/**
 * RV shift and linear interpolation onto the data grid as a primitive: inputs
 * `[f [N], rv [] (km/s)]`, output [M] on `nuObs`.
 *
 * @param nuGrid Model grid [cm⁻¹].
 * @param nuObs Data grid [cm⁻¹].
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { samplingPrimitive } from "./primitives.ts";
 * assert.strictEqual(samplingPrimitive(new Float64Array([1, 2]), new Float64Array([1.5])).name, "sampling");
 * ```
 */
export function samplingPrimitive(
  nuGrid: Float64Array,
  nuObs: Float64Array,
): Primitive {
  const m = nuObs.length;
  return definePrimitive({
    name: "sampling",
    outShape: () => [m],
    forward: ([f, rv]) => sampling(f!, nuGrid, rv![0]!, nuObs),
    jvp: ([f, rv], [tf, trv], k) =>
      samplingJvp(f!, nuGrid, rv![0]!, nuObs, {
        k,
        f: tf ?? null,
        rv: trv ?? null,
      }),
    withVjp: ([f, rv]) => samplingWithVjp(f!, nuGrid, rv![0]!, nuObs),
  });
}
