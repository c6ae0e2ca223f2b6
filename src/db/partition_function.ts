/**
 * Tabulated partition functions: the ExoMol `.pf` reader and linear interpolation.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { partitionFunctionAt } from "./partition_function.ts";
 * const pf = { t: new Float64Array([100, 200]), q: new Float64Array([10, 20]) };
 * assert.strictEqual(partitionFunctionAt(pf, 150), 15);
 * ```
 *
 * @module
 */

import type { PartitionFunction } from "./types.ts";
import { DatabaseFormatError } from "./errors.ts";
import {
  forEachLine,
  parseNumberField,
  readDatabaseText,
  splitFields,
} from "./text.ts";

/**
 * Reads an ExoMol `.pf` file: two whitespace-separated columns T [K] and Q(T), T strictly
 * ascending. Blank lines are ignored.
 *
 * @param path Path of the `.pf` file (a `.pf.bz2` is decompressed).
 * @returns The table.
 * @throws {DatabaseNotFoundError} when the file is missing.
 * @throws {DatabaseFormatError} on a wrong column count, a non-numeric or non-positive value,
 *   T not strictly ascending, or an empty table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readPartitionFunction } from "./partition_function.ts";
 * const pf = await readPartitionFunction("../shared/data/CO/12C-16O/SAMPLE/12C-16O__SAMPLE.pf");
 * assert.deepStrictEqual([pf.t.length, pf.q[0]], [9000, 1.0119]);
 * ```
 */
export async function readPartitionFunction(
  path: string,
): Promise<PartitionFunction> {
  const text = await readDatabaseText(path);
  return parsePartitionFunction(text, path);
}

/**
 * Parses the text of an ExoMol `.pf` file (see {@linkcode readPartitionFunction}).
 *
 * @param text File content.
 * @param file File name used in error messages.
 * @returns The table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parsePartitionFunction } from "./partition_function.ts";
 * const pf = parsePartitionFunction("1.0 1.5\n2.0 2.5\n", "x.pf");
 * assert.strictEqual(pf.q[1], 2.5);
 * ```
 */
export function parsePartitionFunction(
  text: string,
  file: string,
): PartitionFunction {
  const t: number[] = [];
  const q: number[] = [];
  forEachLine(text, (line, n) => {
    const f = splitFields(line);
    if (f.length === 0) return;
    if (f.length !== 2) {
      throw new DatabaseFormatError(
        file,
        n,
        f.length < 2 ? "Q" : "T",
        `expected 2 columns (T, Q), found ${f.length}`,
      );
    }
    const tv = parseNumberField(f[0]!, file, n, "T");
    const qv = parseNumberField(f[1]!, file, n, "Q");
    if (!(tv > 0)) {
      throw new DatabaseFormatError(
        file,
        n,
        "T",
        `temperature ${tv} must be positive`,
      );
    }
    if (!(qv > 0)) {
      throw new DatabaseFormatError(
        file,
        n,
        "Q",
        `partition function ${qv} must be positive`,
      );
    }
    if (t.length > 0 && !(tv > t[t.length - 1]!)) {
      throw new DatabaseFormatError(
        file,
        n,
        "T",
        `temperatures must be strictly ascending (${tv} after ${
          t[t.length - 1]
        })`,
      );
    }
    t.push(tv);
    q.push(qv);
  });
  if (t.length === 0) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "T",
      "the partition function table is empty",
    );
  }
  return { t: Float64Array.from(t), q: Float64Array.from(q) };
}

/**
 * Q(T) by linear interpolation in the table (as ExoJAX's `QT_interp`, `jnp.interp`), without
 * extrapolation.
 *
 * @param pf Partition function table.
 * @param t Temperature [K].
 * @returns Q(t).
 * @throws {RangeError} when `t` is NaN or outside [pf.t[0], pf.t[last]].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { partitionFunctionAt } from "./partition_function.ts";
 * const pf = { t: new Float64Array([1, 2, 4]), q: new Float64Array([1, 3, 7]) };
 * assert.strictEqual(partitionFunctionAt(pf, 3), 5);
 * ```
 */
export function partitionFunctionAt(pf: PartitionFunction, t: number): number {
  const tt = pf.t;
  const qq = pf.q;
  const n = tt.length;
  if (n === 0 || qq.length !== n) {
    throw new TypeError(
      `partitionFunctionAt(): table has ${n} temperatures and ${qq.length} values`,
    );
  }
  const t0 = tt[0]!;
  const t1 = tt[n - 1]!;
  if (!(t >= t0 && t <= t1)) {
    throw new RangeError(
      `partitionFunctionAt(): T = ${t} K is outside the partition function table [${t0}, ${t1}] K`,
    );
  }
  if (n === 1) return qq[0]!;
  const lo = _interval(tt, t);
  const hi = lo + 1;
  const ta = tt[lo]!;
  const tb = tt[hi]!;
  const w = (t - ta) / (tb - ta);
  return (1 - w) * qq[lo]! + w * qq[hi]!;
}

/**
 * Slope dQ/dT [1/K] of {@link partitionFunctionAt}'s linear interpolation at t: the slope of
 * the interval [T_j, T_j+1] with T_j ≤ t < T_j+1 that it interpolates in (the right-hand slope
 * at an interior node, the left-hand one at the last node; 0 for a one-point table). No range
 * check: call it where `partitionFunctionAt` has accepted t.
 *
 * @param pf The table.
 * @param t Temperature [K].
 * @returns dQ/dT.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { partitionFunctionSlope } from "./partition_function.ts";
 * const pf = { t: new Float64Array([1, 2, 4]), q: new Float64Array([1, 3, 7]) };
 * assert.strictEqual(partitionFunctionSlope(pf, 1.5), 2);
 * assert.strictEqual(partitionFunctionSlope(pf, 2), 2); // right-hand slope at a node
 * assert.strictEqual(partitionFunctionSlope(pf, 4), 2); // left-hand at the last node
 * ```
 */
export function partitionFunctionSlope(
  pf: PartitionFunction,
  t: number,
): number {
  const tt = pf.t;
  if (tt.length < 2) return 0;
  const lo = _interval(tt, t);
  return (pf.q[lo + 1]! - pf.q[lo]!) / (tt[lo + 1]! - tt[lo]!);
}

/** Index j of the interval [tt_j, tt_j+1] holding t (tt_j ≤ t < tt_j+1; the last one at the end). */
function _interval(tt: Float64Array, t: number): number {
  let lo = 0;
  let hi = tt.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (tt[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}
