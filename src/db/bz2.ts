/**
 * Typed wrapper around the pure-JavaScript bzip2 decoder `seek-bzip`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { isBz2 } from "./bz2.ts";
 * assert.strictEqual(isBz2(new TextEncoder().encode("BZh91AY")), true);
 * ```
 *
 * @module
 */

// @ts-types="./_seek_bzip.d.ts"
import Bunzip from "seek-bzip";
import { DatabaseFormatError } from "./errors.ts";

/**
 * Whether the bytes start with the bzip2 magic `BZh` followed by a block-size digit 1–9.
 *
 * @param bytes Raw file content.
 * @returns True for a bzip2 stream header.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { isBz2 } from "./bz2.ts";
 * assert.strictEqual(isBz2(new Uint8Array([0x42, 0x5a, 0x68, 0x39])), true);
 * assert.strictEqual(isBz2(new Uint8Array([1, 2, 3])), false);
 * ```
 */
export function isBz2(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x42 && bytes[1] === 0x5a &&
    bytes[2] === 0x68 &&
    bytes[3]! >= 0x31 && bytes[3]! <= 0x39;
}

/**
 * Decompresses a complete bzip2 file (concatenated streams allowed), checking block and
 * stream CRCs.
 *
 * @param bytes Compressed bytes.
 * @param file File name or URL used in error messages.
 * @returns The decompressed bytes.
 * @throws {DatabaseFormatError} when the input is not bzip2, truncated, or corrupt
 *   (field `"bzip2 stream"`, naming `file`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { decompressBz2 } from "./bz2.ts";
 * assert.throws(() => decompressBz2(new Uint8Array([1, 2, 3]), "x.bz2"), {
 *   message: 'x.bz2, field "bzip2 stream": not bzip2 data (no "BZh" magic)',
 * });
 * ```
 */
export function decompressBz2(bytes: Uint8Array, file: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `decompressBz2(): bytes must be a Uint8Array, got ${typeof bytes}`,
    );
  }
  if (!isBz2(bytes)) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "bzip2 stream",
      'not bzip2 data (no "BZh" magic)',
    );
  }
  if (bytes.length < 14) {
    // The smallest complete stream (empty content) is 14 bytes: seek-bzip accepts a bare header.
    throw new DatabaseFormatError(
      file,
      undefined,
      "bzip2 stream",
      `truncated or corrupt bzip2 data (${bytes.length} bytes)`,
    );
  }
  let out: Uint8Array;
  try {
    out = Bunzip.decode(bytes, undefined, true);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DatabaseFormatError(
      file,
      undefined,
      "bzip2 stream",
      `truncated or corrupt bzip2 data (${bytes.length} bytes): ${why}`,
      { cause: e },
    );
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
