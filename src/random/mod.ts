/**
 * Seeded, splittable random numbers (Threefry-2x32 keys, as in JAX).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key, normal } from "./mod.ts";
 * const z = normal(key(0), 2);
 * assert.strictEqual(z.length, 2);
 * assert.deepStrictEqual(normal(key(0), 2), z); // same key, same numbers
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
