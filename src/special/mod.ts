/**
 * Special functions in float64, one implementation each, shared by the whole package:
 *
 * - gamma family (`./gamma.ts`): `lgammaScalar`, `digammaScalar`, `trigammaScalar`,
 *   `tetragammaScalar`, the regularized lower incomplete gamma `gammaincScalar`;
 * - error-function family (`./erf.ts`): `erfScalar`, `erfcScalar`, the standard normal CDF
 *   `ndtrScalar` and its inverse `ndtriScalar`;
 * - exponential integrals (`./expn.ts`): `expn2`, `expn3`;
 * - the Faddeeva function (`./faddeeva.ts`): `faddeeva`, `faddeevaRe` (the Voigt function).
 *
 * The differentiable primitives built on them stay with their layers (`lgamma`, `digamma`,
 * `trigamma` in `./ad`, `ndtr`/`ndtri` in `./infer`, the Voigt profile in `./opacity`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { erfScalar, expn3, faddeevaRe, lgammaScalar, ndtriScalar } from "./mod.ts";
 * assert.ok(Math.abs(lgammaScalar(5) - Math.log(24)) < 1e-14); // ln 4!
 * assert.ok(Math.abs(erfScalar(1) - 0.8427007929497149) < 1e-15);
 * assert.ok(Math.abs(ndtriScalar(0.975) - 1.959963984540054) < 1e-14);
 * assert.strictEqual(expn3(0), 0.5);
 * assert.strictEqual(faddeevaRe(0, 0), 1); // w(0) = 1
 * ```
 *
 * @module
 */
export {
  digammaScalar,
  gammaincScalar,
  lgammaScalar,
  tetragammaScalar,
  trigammaScalar,
} from "./gamma.ts";
export { erfcScalar, erfScalar, ndtriScalar, ndtrScalar } from "./erf.ts";
export { expn2, expn3 } from "./expn.ts";
export { faddeeva, faddeevaRe } from "./faddeeva.ts";
