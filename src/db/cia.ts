/**
 * HITRAN collision-induced absorption (CIA) files (`.cia`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadCia } from "./cia.ts";
 * const cia = await loadCia("../shared/data/CIA/H2-H2_TEST.cia");
 * assert.deepStrictEqual([cia.pair, cia.t.length, cia.nu.length], ["H2-H2", 1, 100]);
 * ```
 *
 * @module
 */

import { DatabaseFormatError } from "./errors.ts";
import {
  forEachLine,
  parseIntField,
  parseNumberField,
  readDatabaseText,
  splitFields,
} from "./text.ts";

/** Floor applied to k before taking log10 [cm⁵ molecule⁻²]: zero or negative k → −100. */
export const CIA_K_FLOOR = 1e-100;

/** A CIA table on a common (ν, T) grid. */
export interface CiaTable {
  /** Collision pair, e.g. "H2-H2". */
  readonly pair: string;
  /** Wavenumbers [cm⁻¹], strictly ascending. */
  readonly nu: Float64Array;
  /** Temperatures [K], strictly ascending. */
  readonly t: Float64Array;
  /** log10 k [log10 cm⁵ molecule⁻²], [nT][nnu] row-major. */
  readonly logk: Float64Array;
}

/**
 * Parses HITRAN CIA text (see {@linkcode loadCia}).
 *
 * @param text File content.
 * @param file File name for error messages.
 * @returns The table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseCia } from "./cia.ts";
 * const txt = "H2-H2 1.0 2.0 2 300.0 1e-45 -.999 x 1\n 1.0 1e-46\n 2.0 1e-45\n";
 * assert.deepStrictEqual(Array.from(parseCia(txt, "x.cia").logk), [-46, -45]);
 * ```
 */
export function parseCia(text: string, file: string): CiaTable {
  type Block = {
    t: number;
    line: number;
    nu: number[];
    k: number[];
    npts: number;
    pair: string;
  };
  const blocks: Block[] = [];
  let cur: Block | null = null;
  const close = (lineNo: number | undefined) => {
    if (cur !== null && cur.nu.length !== cur.npts) {
      throw new DatabaseFormatError(
        file,
        lineNo ?? cur.line,
        "number of points",
        `block at T = ${cur.t} K (header line ${cur.line}) declares ${cur.npts} rows but has ${cur.nu.length}`,
      );
    }
  };
  forEachLine(text, (line, n) => {
    const f = splitFields(line);
    if (f.length === 0) return;
    const isHeader = cur === null || cur.nu.length === cur.npts ||
      !/^[+-]?[\d.]/.test(f[0]!);
    if (isHeader) {
      close(n);
      if (cur !== null && /^[+-]?[\d.]/.test(f[0]!)) {
        throw new DatabaseFormatError(
          file,
          n,
          "number of points",
          `block at T = ${cur.t} K (header line ${cur.line}) declares ${cur.npts} rows but has more`,
        );
      }
      if (f.length < 5) {
        throw new DatabaseFormatError(
          file,
          n,
          ["pair", "nu_min", "nu_max", "number of points", "T"][f.length],
          `header needs at least 5 fields (pair, nu_min, nu_max, number of points, T), found ${f.length}`,
        );
      }
      if (/^[+-]?[\d.]/.test(f[0]!)) {
        throw new DatabaseFormatError(
          file,
          n,
          "pair",
          `expected a block header starting with the pair name, found "${
            f[0]
          }"`,
        );
      }
      const npts = parseIntField(f[3]!, file, n, "number of points");
      if (npts < 1) {
        throw new DatabaseFormatError(
          file,
          n,
          "number of points",
          `must be >= 1, got ${npts}`,
        );
      }
      const t = parseNumberField(f[4]!, file, n, "T");
      if (!(t > 0)) {
        throw new DatabaseFormatError(
          file,
          n,
          "T",
          `temperature ${t} K must be positive`,
        );
      }
      parseNumberField(f[1]!, file, n, "nu_min");
      parseNumberField(f[2]!, file, n, "nu_max");
      cur = { t, line: n, nu: [], k: [], npts, pair: f[0]! };
      blocks.push(cur);
      return;
    }
    const b = cur!;
    if (f.length !== 2) {
      throw new DatabaseFormatError(
        file,
        n,
        f.length < 2 ? "k" : "nu",
        `expected 2 columns (nu, k), found ${f.length}`,
      );
    }
    const nu = parseNumberField(f[0]!, file, n, "nu");
    const k = parseNumberField(f[1]!, file, n, "k");
    if (b.nu.length > 0 && !(nu > b.nu[b.nu.length - 1]!)) {
      throw new DatabaseFormatError(
        file,
        n,
        "nu",
        `wavenumbers must be strictly ascending (${nu} after ${
          b.nu[b.nu.length - 1]
        })`,
      );
    }
    b.nu.push(nu);
    b.k.push(k);
  });
  close(undefined);
  if (blocks.length === 0) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "pair",
      "the file has no blocks",
    );
  }
  const first = blocks[0]!;
  for (const b of blocks) {
    if (b.pair !== first.pair) {
      throw new DatabaseFormatError(
        file,
        b.line,
        "pair",
        `pair "${b.pair}" differs from "${first.pair}" of the first block`,
      );
    }
    let same = b.nu.length === first.nu.length;
    for (let i = 0; same && i < b.nu.length; i++) {
      same = b.nu[i] === first.nu[i];
    }
    if (!same) {
      throw new DatabaseFormatError(
        file,
        b.line,
        "nu",
        `block at T = ${b.t} K has a wavenumber grid different from the first block's; blocks on different grids are not supported`,
      );
    }
  }
  const sorted = blocks.slice().sort((a, b) => a.t - b.t);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.t === sorted[i - 1]!.t) {
      throw new DatabaseFormatError(
        file,
        sorted[i]!.line,
        "T",
        `temperature ${sorted[i]!.t} K appears in two blocks`,
      );
    }
  }
  const nnu = first.nu.length;
  const logk = new Float64Array(sorted.length * nnu);
  sorted.forEach((b, it) => {
    for (let i = 0; i < nnu; i++) {
      logk[it * nnu + i] = Math.log10(Math.max(b.k[i]!, CIA_K_FLOOR));
    }
  });
  return {
    pair: first.pair,
    nu: Float64Array.from(first.nu),
    t: Float64Array.from(sorted, (b) => b.t),
    logk,
  };
}

/**
 * Reads a HITRAN CIA file: one or more temperature blocks, each a header line
 * (pair, ν_min, ν_max, number of points, T, max k, resolution, comment, reference) followed
 * by (ν [cm⁻¹], k [cm⁵ molecule⁻²]) rows.
 *
 * - All blocks must share one ν grid (as ExoJAX's `read_cia`, which reshapes the data
 *   assuming so); a block on another grid is an error — no resampling.
 * - Blocks are sorted by T; a repeated T is an error.
 * - `logk` = log10(max(k, 1e-100)): ExoJAX takes log10 k directly (−inf for k = 0, NaN for
 *   k < 0); the floor keeps zero/negative table entries finite and negligible.
 *
 * @param path `.cia` file path (plain, or `.bz2`).
 * @returns The table.
 * @throws {DatabaseNotFoundError} when the file is missing.
 * @throws {DatabaseFormatError} for a bad header, a row-count mismatch, wrong columns,
 *   non-numeric values, unsorted ν, or blocks on different ν grids.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadCia } from "./cia.ts";
 * const cia = await loadCia("../shared/data/CIA/H2-H2_Borysow.cia");
 * assert.deepStrictEqual([cia.t.length, cia.nu.length], [20, 824]);
 * ```
 */
export async function loadCia(path: string): Promise<CiaTable> {
  return parseCia(await readDatabaseText(path), path);
}
