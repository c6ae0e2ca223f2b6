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
import { _openScope, Tensor } from "./tensor.ts";

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

/** A scope over an explicit buffer map; `more()` counts what it owns besides. */
function _explicitScope(
  owned: Map<DeviceBuffer, Backend>,
  more: () => number,
): Scope {
  return {
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
      return owned.size + more();
    },
  };
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
  const s = _explicitScope(owned, () => 0);
  try {
    return await fn(s);
  } finally {
    for (const [buf, be] of owned) be.free(buf);
    owned.clear();
  }
}

/**
 * Runs `fn` synchronously as one step that owns every device buffer made while it runs: each
 * device tensor (kernel outputs, transfers, stage residuals) created inside is freed when `fn`
 * returns or throws, except the tensors found in its return value (a tensor, or arrays and
 * plain objects of them), which pass to the enclosing scope. Buffers from `s.alloc` are freed
 * too, unless `s.keep` excludes them. Host tensors are ordinary garbage-collected arrays.
 *
 * Scopes nest; a pullback or tensor kept beyond its scope (in a closure, a cache) must not be
 * used after the scope ends: its buffers are gone, and the backend says "used after free".
 *
 * @param fn The step; must not return a Promise (use {@link scope} for async work).
 * @returns What `fn` returns.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scopeSync } from "./scope.ts";
 * import { Tensor } from "./tensor.ts";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * const be = await createWasmBackend();
 * const up = (x: number[]) => {
 *   const b = be.alloc(x.length);
 *   be.write(b, x);
 *   return Tensor.fromBuffer(be, b, [x.length]);
 * };
 * let tmp: Tensor | undefined;
 * const kept = scopeSync(() => {
 *   tmp = up([1, 2]); // freed when the scope ends
 *   return up([3]); // returned: survives
 * });
 * assert.deepStrictEqual(Array.from(kept.readSync()), [3]);
 * assert.throws(() => tmp!.readSync(), /free/);
 * ```
 */
export function scopeSync<T>(fn: (s: Scope) => T): T {
  const owned = new Map<DeviceBuffer, Backend>();
  const amb = _openScope();
  const s = _explicitScope(owned, () => amb.size);
  try {
    const r = fn(s);
    if (r instanceof Promise) {
      throw new TypeError(
        "scopeSync(): fn returned a Promise; use scope() for async work",
      );
    }
    _keepFound(r, amb, 0);
    return r;
  } finally {
    amb.close();
    for (const [buf, be] of owned) be.free(buf);
    owned.clear();
  }
}

function _keepFound(
  v: unknown,
  amb: { keep(t: Tensor): void },
  depth: number,
): void {
  if (v instanceof Tensor) {
    amb.keep(v);
    return;
  }
  if (depth > 4 || v === null || typeof v !== "object") return;
  if (Array.isArray(v)) {
    for (const x of v) _keepFound(x, amb, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v)) _keepFound(x, amb, depth + 1);
  }
}
