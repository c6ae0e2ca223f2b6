/**
 * A counter-based, splittable pseudo-random number generator (Threefry-2x32, 20 rounds;
 * Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"), in the style of
 * JAX's `PRNGKey`/`split`: a key is an immutable pair of 32-bit words, there is no hidden
 * global state, and the same key always gives the same numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key, normal, split } from "./prng.ts";
 * const [k1, k2] = split(key(0));
 * const z = normal(k1!, 4);
 * assert.strictEqual(z.length, 4);
 * assert.ok(z.every(Number.isFinite));
 * assert.strictEqual(split(k2!, 3).length, 3);
 * ```
 *
 * @module
 */

/** A PRNG key: two unsigned 32-bit words. Treat as opaque and immutable. */
export type PrngKey = Uint32Array;

const _ROT = [13, 15, 26, 6, 17, 29, 16, 24];

function _rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * Threefry-2x32 block function with 20 rounds.
 *
 * @param k0 First key word.
 * @param k1 Second key word.
 * @param c0 First counter word.
 * @param c1 Second counter word.
 * @param out Receives the two output words.
 */
function _threefry(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array,
): void {
  const k2 = (0x1bd11bda ^ k0 ^ k1) >>> 0;
  const ks = [k0 >>> 0, k1 >>> 0, k2];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let block = 0; block < 5; block++) {
    for (let r = 0; r < 4; r++) {
      x0 = (x0 + x1) >>> 0;
      x1 = _rotl(x1, _ROT[(block % 2) * 4 + r]!) ^ x0;
    }
    const s = block + 1;
    x0 = (x0 + ks[s % 3]!) >>> 0;
    x1 = (x1 + ks[(s + 1) % 3]! + s) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
}

function _checkKey(k: PrngKey): void {
  if (!(k instanceof Uint32Array) || k.length !== 2) {
    throw new TypeError(
      "PRNG key must be a Uint32Array of length 2 (make one with key(seed))",
    );
  }
}

/**
 * Makes a key from an integer seed.
 *
 * @param seed A non-negative safe integer.
 * @returns A new key.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key } from "./prng.ts";
 * assert.deepStrictEqual(Array.from(key(42)), [0, 42]); // [high word, low word]
 * assert.deepStrictEqual(Array.from(key(2 ** 32 + 5)), [1, 5]);
 * ```
 */
export function key(seed: number): PrngKey {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(
      `seed must be a non-negative safe integer, got ${seed}`,
    );
  }
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const lo = seed >>> 0;
  return new Uint32Array([hi, lo]);
}

/**
 * Splits a key into `n` independent keys.
 *
 * @param k The key to split (not modified).
 * @param n Number of keys to make (default 2).
 * @returns An array of `n` new keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key, split } from "./prng.ts";
 * const [a, b] = split(key(1));
 * assert.notDeepStrictEqual(a, b);
 * // key i is Threefry-2x32-20 of counter (0, i): Random123's known-answer vector for
 * // key = counter = (0, 0) is (0x6b200159, 0x99ba4efe)
 * assert.deepStrictEqual(Array.from(split(key(0))[0]!), [0x6b200159, 0x99ba4efe]);
 * ```
 */
export function split(k: PrngKey, n = 2): PrngKey[] {
  _checkKey(k);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`split count must be a positive integer, got ${n}`);
  }
  const out: PrngKey[] = [];
  for (let i = 0; i < n; i++) {
    const w = new Uint32Array(2);
    _threefry(k[0]!, k[1]!, 0, i, w);
    out.push(w);
  }
  return out;
}

/**
 * Draws `n` pairs of random 32-bit words from a key (counter mode, counters offset from 2^31
 * so they never coincide with those `split` uses).
 *
 * @param k The key.
 * @param n Number of 32-bit words.
 * @returns Random words.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key, randomBits } from "./prng.ts";
 * const bits = randomBits(key(0), 3);
 * assert.strictEqual(bits.length, 3);
 * // counter mode: a shorter draw is a prefix of a longer one
 * assert.deepStrictEqual(randomBits(key(0), 2), bits.slice(0, 2));
 * ```
 */
export function randomBits(k: PrngKey, n: number): Uint32Array {
  _checkKey(k);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`n must be a non-negative integer, got ${n}`);
  }
  const out = new Uint32Array(n);
  const w = new Uint32Array(2);
  for (let i = 0; i < n; i += 2) {
    _threefry(k[0]!, k[1]!, 0x80000000, i >>> 1, w);
    out[i] = w[0]!;
    if (i + 1 < n) out[i + 1] = w[1]!;
  }
  return out;
}

/**
 * Uniform variates on [0, 1) with 53 random bits each.
 *
 * @param k The key.
 * @param n Number of variates.
 * @returns Uniform numbers in [0, 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key, uniform } from "./prng.ts";
 * const u = uniform(key(0), 1000);
 * assert.strictEqual(u.length, 1000);
 * assert.ok(u.every((x) => x >= 0 && x < 1));
 * ```
 */
export function uniform(k: PrngKey, n: number): Float64Array {
  const bits = randomBits(k, 2 * n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hi = bits[2 * i]! >>> 5; // 27 bits
    const lo = bits[2 * i + 1]! >>> 6; // 26 bits
    out[i] = (hi * 67108864 + lo) / 9007199254740992;
  }
  return out;
}

/**
 * Standard normal variates (Box–Muller on 53-bit uniforms).
 *
 * @param k The key.
 * @param n Number of variates.
 * @returns Independent N(0, 1) numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { key, normal } from "./prng.ts";
 * const z = normal(key(3), 10000);
 * const mean = z.reduce((a, b) => a + b, 0) / z.length;
 * const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / (z.length - 1);
 * // statistical: the standard errors are 0.01 (mean) and 0.014 (variance), so these are 5σ and 7σ
 * assert.ok(Math.abs(mean) < 0.05);
 * assert.ok(Math.abs(variance - 1) < 0.1);
 * ```
 */
export function normal(k: PrngKey, n: number): Float64Array {
  const m = Math.ceil(n / 2);
  const u = uniform(k, 2 * m);
  const out = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const u1 = 1 - u[2 * i]!; // (0, 1]
    const u2 = u[2 * i + 1]!;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[2 * i] = r * Math.cos(2 * Math.PI * u2);
    if (2 * i + 1 < n) out[2 * i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
