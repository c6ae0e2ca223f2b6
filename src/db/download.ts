/**
 * Downloading database files into a local cache, atomically and with validation.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { validateBz2 } from "./download.ts";
 * assert.throws(() => validateBz2(new TextEncoder().encode("<html>")), /BZh/);
 * ```
 *
 * @module
 */

import { dirname } from "node:path";
import { DownloadError } from "./errors.ts";
import { decompressBz2 } from "./bz2.ts";

/** Options of {@linkcode downloadToFile}. */
export interface DownloadOptions {
  /** The fetch implementation (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** Checks the downloaded bytes; throws to reject them. */
  readonly validate?: (bytes: Uint8Array) => void;
  /**
   * Give up when the response (headers or body) delivers no data for this long [ms]
   * (default {@linkcode DOWNLOAD_IDLE_TIMEOUT_MS}). There is no limit on the total time.
   */
  readonly idleTimeoutMs?: number;
}

/**
 * Default idle timeout of {@linkcode downloadToFile} [ms]: a server that sends nothing for a
 * minute is given up on.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { DOWNLOAD_IDLE_TIMEOUT_MS } from "./download.ts";
 * assert.strictEqual(DOWNLOAD_IDLE_TIMEOUT_MS, 60000);
 * ```
 */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60000;

/**
 * Downloads `url` to `dest`. The body is checked (HTTP status ok, as long as its
 * `Content-Length`, non-empty, then `opts.validate`), written to `<dest>.tmp-<random>` and
 * renamed onto `dest`, so `dest` is either absent or complete. Parent directories are
 * created. A server that sends nothing for `opts.idleTimeoutMs` is given up on. On any
 * failure nothing is left behind and a {@linkcode DownloadError} naming the URL is thrown.
 *
 * @param url Source URL.
 * @param dest Destination path.
 * @param opts Fetch implementation and validator.
 * @returns Resolves when `dest` is in place.
 * @throws {DownloadError} on a network error, a non-2xx status, a stalled, short or empty
 *   body, or a body rejected by `validate` (the validator's error is the `cause`).
 * @throws {RangeError} when `opts.idleTimeoutMs` is not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { downloadToFile } from "./download.ts";
 * const dir = await Deno.makeTempDir();
 * const fakeFetch = (() => Promise.resolve(new Response("hello"))) as typeof fetch;
 * await downloadToFile("https://example.org/a.txt", `${dir}/sub/a.txt`, { fetch: fakeFetch });
 * assert.strictEqual(await Deno.readTextFile(`${dir}/sub/a.txt`), "hello");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function downloadToFile(
  url: string,
  dest: string,
  opts: DownloadOptions = {},
): Promise<void> {
  if (typeof url !== "string" || url === "") {
    throw new TypeError(
      `downloadToFile(): url must be a non-empty string, got ${url}`,
    );
  }
  if (typeof dest !== "string" || dest === "") {
    throw new TypeError(
      `downloadToFile(): dest must be a non-empty string, got ${dest}`,
    );
  }
  const idleMs = opts.idleTimeoutMs ?? DOWNLOAD_IDLE_TIMEOUT_MS;
  if (!(idleMs > 0)) {
    throw new RangeError(
      `downloadToFile(): idleTimeoutMs must be positive, got ${idleMs}`,
    );
  }
  const doFetch = opts.fetch ?? globalThis.fetch;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      abort.abort();
    }, idleMs);
  };
  const why = (e: unknown) =>
    stalled
      ? `no data for ${idleMs} ms`
      : e instanceof Error
      ? e.message
      : String(e);
  let res: Response;
  let bytes: Uint8Array;
  try {
    arm();
    try {
      res = await doFetch(url, { signal: abort.signal });
    } catch (e) {
      throw new DownloadError(url, `network error: ${why(e)}`, undefined, {
        cause: e,
      });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new DownloadError(
        url,
        `HTTP ${res.status} ${res.statusText}`.trim(),
        res.status,
      );
    }
    try {
      bytes = await _readBody(res, arm, abort.signal);
    } catch (e) {
      throw new DownloadError(
        url,
        `reading the body failed: ${why(e)}`,
        res.status,
        { cause: e },
      );
    }
  } finally {
    clearTimeout(timer);
  }
  // A body shorter (or longer) than the declared length is a broken transfer.
  const declared = res.headers.get("content-length");
  if (
    declared !== null && /^\d+$/.test(declared) &&
    res.headers.get("content-encoding") === null &&
    Number(declared) !== bytes.length
  ) {
    throw new DownloadError(
      url,
      `the body has ${bytes.length} bytes but Content-Length is ${declared}`,
      res.status,
    );
  }
  if (bytes.length === 0) {
    throw new DownloadError(url, "the response body is empty", res.status);
  }
  if (opts.validate) {
    try {
      opts.validate(bytes);
    } catch (e) {
      throw new DownloadError(
        url,
        `invalid content: ${e instanceof Error ? e.message : String(e)}`,
        res.status,
        {
          cause: e,
        },
      );
    }
  }
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, dest);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new DownloadError(
      url,
      `writing ${dest} failed: ${e instanceof Error ? e.message : String(e)}`,
      res.status,
      {
        cause: e,
      },
    );
  }
}

/** Reads a response body chunk by chunk, re-arming the idle timer after each chunk. */
async function _readBody(
  res: Response,
  onData: () => void,
  signal: AbortSignal,
): Promise<Uint8Array> {
  if (res.body === null) return new Uint8Array(0);
  const reader = res.body.getReader();
  const onAbort = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", onAbort);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw new Error("aborted");
      if (done) break;
      onData();
      chunks.push(value);
      total += value.length;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Validator for bzip2 files: checks the `BZh` magic, then decompresses the whole stream so
 * that truncated or corrupt downloads are rejected.
 *
 * @param bytes Downloaded bytes.
 * @returns Nothing; throws when invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { validateBz2 } from "./download.ts";
 * const ok = await Deno.readFile("../shared/data/CO/12C-16O/SAMPLE/12C-16O__SAMPLE.trans.bz2");
 * assert.doesNotThrow(() => validateBz2(ok));
 * assert.throws(() => validateBz2(ok.subarray(0, ok.length >> 1))); // a truncated download
 * ```
 */
export function validateBz2(bytes: Uint8Array): void {
  if (
    bytes.length < 3 || bytes[0] !== 0x42 || bytes[1] !== 0x5a ||
    bytes[2] !== 0x68
  ) {
    throw new Error('not bzip2 data (does not start with "BZh")');
  }
  decompressBz2(bytes, "downloaded file");
}

/**
 * Makes a validator that requires the content to start with the given text
 * (e.g. `"EXOMOL.def"` for ExoMol definition files).
 *
 * @param prefix Expected first characters.
 * @returns A validator for {@linkcode downloadToFile}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { validateStartsWith } from "./download.ts";
 * const check = validateStartsWith("EXOMOL.def");
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * assert.doesNotThrow(() => check(bytes("EXOMOL.def  # ID")));
 * assert.doesNotThrow(() => check(bytes("\uFEFFEXOMOL.def  # ID"))); // a byte-order mark is skipped
 * assert.throws(() => check(bytes("<!DOCTYPE html>")), /does not start with "EXOMOL\.def"/);
 * ```
 */
export function validateStartsWith(
  prefix: string,
): (bytes: Uint8Array) => void {
  return (bytes: Uint8Array): void => {
    const head = new TextDecoder().decode(bytes.subarray(0, prefix.length + 3))
      .replace(/^\uFEFF/, "");
    if (!head.startsWith(prefix)) {
      throw new Error(
        `content does not start with "${prefix}" (starts with ${
          JSON.stringify(head.slice(0, prefix.length))
        })`,
      );
    }
  };
}
