/**
 * Seeded, splittable random numbers (Threefry-2x32 keys, as in JAX).
 *
 * @example
 * ```ts
 * import { key, normal } from "./mod.ts";
 * console.log(normal(key(0), 2).length); // 2
 * ```
 *
 * @module
 */
export {
  key,
  normal,
  type PrngKey,
  randomBits,
  split,
  uniform,
} from "./prng.ts";
