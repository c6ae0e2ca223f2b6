/**
 * Low-level text helpers shared by the database readers: reading a plain or `.bz2` file,
 * iterating lines with their 1-based numbers, and strict number parsing with
 * {@linkcode DatabaseFormatError}s that name file, line and field.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseNumberField } from "./text.ts";
 * assert.strictEqual(parseNumberField("1.5D+02", "f.txt", 1, "x"), 150);
 * ```
 *
 * @module
 */

import { decompressBz2 } from "./bz2.ts";
import { DatabaseFormatError, DatabaseNotFoundError } from "./errors.ts";

const _FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;
const _INT_RE = /^[+-]?\d+$/;

/**
 * Reads a database file as text; a name ending in `.bz2` is decompressed first.
 *
 * @param path File path.
 * @returns The file content (UTF-8).
 * @throws {DatabaseNotFoundError} when the file does not exist.
 * @throws {DatabaseFormatError} when a `.bz2` file is truncated or corrupt.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readDatabaseText } from "./text.ts";
 * const txt = await readDatabaseText("../shared/data/CO/12C-16O/SAMPLE/12C-16O__SAMPLE.trans.bz2");
 * assert.ok(txt.startsWith("5682"));
 * ```
 */
export async function readDatabaseText(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new DatabaseNotFoundError(path, undefined);
    }
    throw e;
  }
  if (path.endsWith(".bz2")) bytes = decompressBz2(bytes, path);
  // The decoder drops a leading byte-order mark (fixed-column .par records would shift).
  return new TextDecoder("utf-8").decode(bytes);
}

/**
 * Calls `fn(line, lineNo)` for each line of `text` (line numbers are 1-based; a trailing
 * `\r` is removed). Iteration stops early when `fn` returns `false`.
 *
 * @param text Whole file content.
 * @param fn Callback; return `false` to stop.
 * @returns Nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { forEachLine } from "./text.ts";
 * const seen: [number, string][] = [];
 * forEachLine("a\r\nb\n", (l, n) => {
 *   seen.push([n, l]);
 * });
 * assert.deepStrictEqual(seen, [[1, "a"], [2, "b"], [3, ""]]);
 * ```
 */
export function forEachLine(
  text: string,
  fn: (line: string, lineNo: number) => boolean | void,
): void {
  let start = 0;
  let lineNo = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    lineNo++;
    let line = text.slice(start, end);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (fn(line, lineNo) === false) return;
    start = end + 1;
  }
}

/**
 * Splits a line into whitespace-separated tokens (empty array for a blank line).
 *
 * @param line One line of text.
 * @returns The tokens.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { splitFields } from "./text.ts";
 * assert.deepStrictEqual(splitFields("  1\t2  3 "), ["1", "2", "3"]);
 * ```
 */
export function splitFields(line: string): string[] {
  const t = line.trim();
  return t === "" ? [] : t.split(/\s+/);
}

/**
 * Parses a finite decimal number (Fortran `D` exponents accepted); anything else — empty,
 * `NaN`, `inf`, hex, trailing garbage — raises a {@linkcode DatabaseFormatError}.
 *
 * @param token Text of the field (surrounding blanks are ignored).
 * @param file File name for the error message.
 * @param line 1-based line number for the error message.
 * @param field Field name for the error message.
 * @returns The number.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseNumberField } from "./text.ts";
 * assert.strictEqual(parseNumberField(" 3.5e-2", "a.pf", 1, "Q"), 0.035);
 * ```
 */
export function parseNumberField(
  token: string,
  file: string,
  line: number | undefined,
  field: string,
): number {
  const t = token.trim();
  if (!_FLOAT_RE.test(t)) {
    throw new DatabaseFormatError(
      file,
      line,
      field,
      t === "" ? "is empty" : `"${t}" is not a number`,
    );
  }
  const v = Number(t.replace(/[dD]/, "e"));
  if (!Number.isFinite(v)) {
    throw new DatabaseFormatError(
      file,
      line,
      field,
      `"${t}" is not a finite number`,
    );
  }
  return v;
}

/**
 * Parses a decimal integer; anything else raises a {@linkcode DatabaseFormatError}.
 *
 * @param token Text of the field (surrounding blanks are ignored).
 * @param file File name for the error message.
 * @param line 1-based line number for the error message.
 * @param field Field name for the error message.
 * @returns The integer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseIntField } from "./text.ts";
 * assert.strictEqual(parseIntField("0042", "a.states", 1, "i"), 42);
 * ```
 */
export function parseIntField(
  token: string,
  file: string,
  line: number | undefined,
  field: string,
): number {
  const t = token.trim();
  if (!_INT_RE.test(t)) {
    throw new DatabaseFormatError(
      file,
      line,
      field,
      t === "" ? "is empty" : `"${t}" is not an integer`,
    );
  }
  const v = Number(t);
  if (!Number.isSafeInteger(v)) {
    throw new DatabaseFormatError(
      file,
      line,
      field,
      `"${t}" is out of integer range`,
    );
  }
  return v;
}

/**
 * Whether a path exists (file or directory).
 *
 * @param path Path to test.
 * @returns True when `Deno.stat` succeeds.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { pathExists } from "./text.ts";
 * assert.strictEqual(await pathExists("/definitely/not/here"), false);
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
