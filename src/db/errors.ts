/**
 * Error classes raised by the database readers.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DatabaseFormatError } from "./errors.ts";
 * const e = new DatabaseFormatError("/data/x.trans", 17, "A", '"x.y" is not a number');
 * assert.strictEqual(e.message, 'x.trans line 17, field "A": "x.y" is not a number');
 * ```
 *
 * @module
 */

/**
 * A database file exists but its content does not follow the expected format.
 *
 * The message reads like `12C-16O__SAMPLE.trans.bz2 line 17, field "A": "x.y" is not a number`
 * (file base name, 1-based line, field name, what is wrong); the full path is kept in `file`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DatabaseFormatError } from "./errors.ts";
 * const e = new DatabaseFormatError("a/b.pf", 3, "Q", "is not a number");
 * assert.deepStrictEqual([e.file, e.line, e.field], ["a/b.pf", 3, "Q"]);
 * ```
 */
export class DatabaseFormatError extends Error {
  /** Path of the offending file. */
  readonly file: string;
  /** 1-based line number, or undefined when the problem is not tied to one line. */
  readonly line: number | undefined;
  /** Name of the offending field, or undefined. */
  readonly field: string | undefined;

  /**
   * @param file Path of the offending file.
   * @param line 1-based line number, or undefined.
   * @param field Field name, or undefined.
   * @param detail What is wrong, e.g. `"x.y" is not a number`.
   * @param options Standard error options (`cause`).
   */
  constructor(
    file: string,
    line: number | undefined,
    field: string | undefined,
    detail: string,
    options?: ErrorOptions,
  ) {
    let where = _baseName(file);
    if (line !== undefined) where += ` line ${line}`;
    if (field !== undefined) where += `, field "${field}"`;
    super(`${where}: ${detail}`, options);
    this.name = "DatabaseFormatError";
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/**
 * A database file is missing locally. The message names the path and where to get it.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DatabaseNotFoundError } from "./errors.ts";
 * const e = new DatabaseNotFoundError("/db/x.def", "https://example.org/x.def");
 * assert.ok(e.message.includes("https://example.org/x.def"));
 * ```
 */
export class DatabaseNotFoundError extends Error {
  /** Path that was looked for. */
  readonly file: string;
  /** URL the file can be downloaded from, or undefined when unknown. */
  readonly url: string | undefined;

  /**
   * @param file Path that was looked for.
   * @param url Download URL, or undefined.
   * @param hint Extra advice appended to the message.
   */
  constructor(file: string, url: string | undefined, hint = "") {
    const src = url === undefined ? "" : `; download it from ${url}`;
    super(`Database file not found: ${file}${src}${hint ? ` ${hint}` : ""}`);
    this.name = "DatabaseNotFoundError";
    this.file = file;
    this.url = url;
  }
}

/**
 * A download failed (HTTP status, empty body, or content that fails validation).
 * Nothing is left at the destination when this is thrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DownloadError } from "./errors.ts";
 * const e = new DownloadError("https://example.org/a.bz2", "HTTP 404 Not Found");
 * assert.strictEqual(e.message, "Download of https://example.org/a.bz2 failed: HTTP 404 Not Found");
 * ```
 */
export class DownloadError extends Error {
  /** The URL that was fetched. */
  readonly url: string;
  /** HTTP status, or undefined when the failure was not an HTTP status. */
  readonly status: number | undefined;

  /**
   * @param url The URL that was fetched.
   * @param detail What went wrong.
   * @param status HTTP status if relevant.
   * @param options Standard error options (`cause`).
   */
  constructor(
    url: string,
    detail: string,
    status?: number,
    options?: ErrorOptions,
  ) {
    super(`Download of ${url} failed: ${detail}`, options);
    this.name = "DownloadError";
    this.url = url;
    this.status = status;
  }
}

function _baseName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i >= 0 ? path.slice(i + 1) : path;
}
