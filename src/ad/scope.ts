/**
 * Scoped ownership of device buffers: a {@link Scope} owns every buffer allocated through it
 * and frees them when the scope ends, except those it was told to keep. Users never count
 * references; a step (one spectrum, one SVI update) runs inside one scope.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scope } from "./scope.ts";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * const be = createJsBackend();
 * const [freed, kept] = await scope(async (s) => {
 *   const tmp = s.alloc(be, 4); // freed at the end
 *   const out = s.keep(s.alloc(be, 2)); // survives
 *   be.run("copy", [tmp], [tmp]);
 *   return [tmp, out] as const;
 * });
 * assert.strictEqual(kept.size, 2);
 * assert.deepStrictEqual(Array.from(be.readSync!(kept)), [0, 0]); // still usable
 * assert.throws(() => be.readSync!(freed), /used after free/);
 * ```
 *
 * @module
 */
import type { Backend, DeviceBuffer, DType } from "../backend/backend.ts";

/** Owner of temporary device buffers. */
export interface Scope {
  /** Allocates a buffer owned by the scope. */
  alloc(backend: Backend, size: number, dtype?: DType): DeviceBuffer;
  /** Makes the scope own an existing buffer. */
  track(backend: Backend, buf: DeviceBuffer): DeviceBuffer;
  /** Excludes a buffer from the release at the end of the scope and returns it. */
  keep(buf: DeviceBuffer): DeviceBuffer;
  /** Number of buffers currently owned. */
  readonly owned: number;
}

/**
 * Runs `fn` with a fresh scope and frees what it owns when `fn` settles (also on error).
 *
 * @param fn Work to do; may be async.
 * @returns What `fn` returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scope } from "./scope.ts";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * const be = createJsBackend();
 * const n = await scope((s) => { s.alloc(be, 3); return s.owned; });
 * assert.strictEqual(n, 1);
 * ```
 */
export async function scope<T>(fn: (s: Scope) => T | Promise<T>): Promise<T> {
  const owned = new Map<DeviceBuffer, Backend>();
  const s: Scope = {
    alloc(backend, size, dtype) {
      const b = backend.alloc(size, dtype);
      owned.set(b, backend);
      return b;
    },
    track(backend, buf) {
      owned.set(buf, backend);
      return buf;
    },
    keep(buf) {
      owned.delete(buf);
      return buf;
    },
    get owned() {
      return owned.size;
    },
  };
  try {
    return await fn(s);
  } finally {
    for (const [buf, be] of owned) be.free(buf);
    owned.clear();
  }
}
