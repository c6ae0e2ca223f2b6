/**
 * The WASM SIMD FFT module (AssemblyScript source in `asm/fft.ts`, embedded as base64 in
 * `_fft_wasm_bytes.ts`): decoding, compilation (once per process) and instantiation (one linear
 * memory per instance). It implements the transforms of `src/fft/fft.ts` (numpy conventions)
 * with f64x2 SIMD; {@link FftWasmExports} documents the raw pointer-based API. Most callers want
 * the backend (`createWasmBackend`) or `createWasmRfftPlan` instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { instantiateFftWasm } from "./fft_wasm.ts";
 * const w = await instantiateFftWasm();
 * assert.strictEqual(typeof w.rfft_forward, "function");
 * assert.ok(w.memory instanceof WebAssembly.Memory);
 * ```
 *
 * @module
 */
import { FFT_WASM_BASE64, FFT_WASM_SHARED_BASE64 } from "./_fft_wasm_bytes.ts";

/**
 * The raw exports of the FFT module. Pointers are byte offsets into `memory`; f64 data is
 * 8-byte, complex data interleaved (re, im) 16-byte elements. Plans are reserved by the host
 * (`cplan_bytes(n)` / `rplan_bytes(n)` bytes at a 16-byte aligned pointer) and hold their own
 * twiddles and scratch, so one plan must not run two transforms at once.
 */
export interface FftWasmExports {
  /** The module's linear memory (grow it from the host; re-create views afterwards). */
  readonly memory: WebAssembly.Memory;
  /** First byte the host may manage (end of the module's static data). */
  heap_base(): number;
  /** Bytes needed by a complex plan of length n. */
  cplan_bytes(n: number): number;
  /** Builds a complex plan of length n ≥ 1 at `plan`. */
  cplan_init(n: number, plan: number): void;
  /** In-place forward complex FFT of n interleaved values at `data`. */
  cfft_forward(plan: number, data: number): void;
  /** In-place inverse complex FFT (scaled by 1/n) of n interleaved values at `data`. */
  cfft_inverse(plan: number, data: number): void;
  /** Interleaves `n` values at `re` and `im` into `z` (no overlap). */
  interleave(re: number, im: number, z: number, n: number): void;
  /** Splits `n` interleaved values at `z` into `re` and `im` (no overlap). */
  deinterleave(z: number, re: number, im: number, n: number): void;
  /** Bytes needed by a real plan of length n. */
  rplan_bytes(n: number): number;
  /** Builds a real plan of length n ≥ 1 at `plan`. */
  rplan_init(n: number, plan: number): void;
  /**
   * numpy.fft.rfft(x, n): `nx ≤ n` samples at `x` (zero-padded); bin k = 0..⌊n/2⌋ to
   * `outRe + k·ostride`, `outIm + k·ostride` (ostride in bytes). The input may alias the output.
   */
  rfft_forward(
    plan: number,
    x: number,
    nx: number,
    outRe: number,
    outIm: number,
    ostride: number,
  ): void;
  /**
   * numpy.fft.irfft(X, n): bins from `re + k·istride`, `im + k·istride`; the first `nout ≤ n`
   * samples to `out`. The input may alias the output.
   */
  rfft_inverse(
    plan: number,
    re: number,
    im: number,
    istride: number,
    out: number,
    nout: number,
  ): void;
}

/** Names of the functions the FFT module must export. */
export const FFT_WASM_EXPORTS: readonly string[] = [
  "heap_base",
  "cplan_bytes",
  "cplan_init",
  "cfft_forward",
  "cfft_inverse",
  "interleave",
  "deinterleave",
  "rplan_bytes",
  "rplan_init",
  "rfft_forward",
  "rfft_inverse",
];

/**
 * The embedded module's bytes (decoded from base64; a fresh copy each call).
 *
 * @param shared The variant over an imported shared memory instead of the self-contained one.
 * @returns The `.wasm` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fftWasmBytes } from "./fft_wasm.ts";
 * const bytes = fftWasmBytes();
 * assert.deepStrictEqual(Array.from(bytes.subarray(0, 4)), [0x00, 0x61, 0x73, 0x6d]); // "\0asm"
 * assert.strictEqual(WebAssembly.validate(bytes), true);
 * ```
 */
export function fftWasmBytes(
  shared = false,
): Uint8Array<ArrayBuffer> {
  const s = atob(shared ? FFT_WASM_SHARED_BASE64 : FFT_WASM_BASE64);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const _modules: (Promise<WebAssembly.Module> | null)[] = [null, null];

/**
 * Compiles the embedded module (once per process; later calls share the compiled module).
 *
 * @param shared The variant over an imported shared memory (`env.memory`) instead of the
 *   self-contained one.
 * @returns The compiled module.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compileFftWasm, FFT_WASM_EXPORTS } from "./fft_wasm.ts";
 * const m = await compileFftWasm();
 * assert.strictEqual(WebAssembly.Module.imports(m).length, 0); // self-contained
 * const names = WebAssembly.Module.exports(m).map((x) => x.name);
 * assert.ok(FFT_WASM_EXPORTS.every((n) => names.includes(n)));
 * assert.strictEqual(await compileFftWasm(), m); // compiled once, then shared
 * const s = await compileFftWasm(true);
 * assert.deepStrictEqual(WebAssembly.Module.imports(s).map((i) => i.name), ["memory"]);
 * ```
 */
export function compileFftWasm(shared = false): Promise<WebAssembly.Module> {
  const i = shared ? 1 : 0;
  let m = _modules[i];
  if (m === null || m === undefined) {
    m = WebAssembly.compile(fftWasmBytes(shared));
    m.catch(() => (_modules[i] = null));
    _modules[i] = m;
  }
  return m;
}

/**
 * Instantiates the FFT module with its own linear memory, or over a given shared memory.
 *
 * @param memory A shared `WebAssembly.Memory` (at most 65536 pages) for the shared-memory
 *   variant; omitted, the module makes its own.
 * @returns The instance's exports (`memory` is the given memory when one is given).
 * @throws {Error} If the runtime lacks WebAssembly SIMD (the module does not compile).
 * @throws {TypeError} If `memory` is not a shared WebAssembly.Memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { instantiateFftWasm } from "./fft_wasm.ts";
 * const w = await instantiateFftWasm();
 * assert.ok(w.heap_base() > 0 && w.heap_base() <= w.memory.buffer.byteLength);
 * const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
 * const s = await instantiateFftWasm(memory);
 * assert.strictEqual(s.memory, memory);
 * assert.ok(s.memory.buffer instanceof SharedArrayBuffer);
 * ```
 */
export async function instantiateFftWasm(
  memory?: WebAssembly.Memory,
): Promise<FftWasmExports> {
  if (
    memory !== undefined &&
    !(memory instanceof WebAssembly.Memory &&
      memory.buffer instanceof SharedArrayBuffer)
  ) {
    throw new TypeError(
      "instantiateFftWasm(): memory must be a shared WebAssembly.Memory",
    );
  }
  const inst = await WebAssembly.instantiate(
    await compileFftWasm(memory !== undefined),
    memory === undefined ? {} : { env: { memory } },
  );
  const e =
    (memory === undefined
      ? inst.exports
      : { ...inst.exports, memory }) as unknown as FftWasmExports;
  for (const name of FFT_WASM_EXPORTS) {
    if (typeof (e as unknown as Record<string, unknown>)[name] !== "function") {
      throw new Error(`the FFT wasm module lacks the export "${name}"`);
    }
  }
  return e;
}
