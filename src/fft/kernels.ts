/**
 * The FFT kernels of the `js` backend (float64 TypeScript, the reference that the WASM SIMD
 * kernels of the same names are checked against by `tests/backend/parity_test.ts`): `rfft`,
 * `irfft`, `fft` and `ifft`, with the buffer conventions of the wasm backend.
 *
 * - `rfft`: inputs `[x]` (length ≤ n, zero-padded), params `n` (default `x.size`); outputs
 *   `[re, im]` (each ≥ ⌊n/2⌋ + 1 elements) or `[z]` interleaved (≥ 2(⌊n/2⌋ + 1)).
 * - `irfft`: inputs `[re, im]` or `[z]` interleaved, params `n` (default 2(bins − 1)); output
 *   `[y]` (≤ n elements: the first `y.size` samples, normalised by 1/n).
 * - `fft` / `ifft`: inputs `[re, im]` → outputs `[re, im]`, each exactly n; or `[z]` → `[z]`
 *   interleaved, 2n each. `ifft` is normalised by 1/n.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createJsBackend } from "../backend/js/js_backend.ts";
 * import { fftJsKernels } from "./kernels.ts";
 * const be = createJsBackend(fftJsKernels());
 * const x = be.alloc(4), re = be.alloc(3), im = be.alloc(3);
 * be.write(x, [1, 1, 0, 0]);
 * be.run("rfft", [x], [re, im]);
 * // numpy.fft.rfft([1, 1, 0, 0]) = [2, 1-1j, 0]
 * assert.deepStrictEqual(Array.from(be.readSync(re)), [2, 1, 0]);
 * assert.deepStrictEqual(Array.from(be.readSync(im)), [0, -1, 0]);
 * ```
 *
 * @module
 */
import type { JsKernel } from "../backend/js/js_backend.ts";
import type { KernelParams } from "../backend/backend.ts";
import { createFftPlan, irfft, rfft } from "./fft.ts";

function _n(params: KernelParams, fallback: number, k: string): number {
  const n = params.n ?? fallback;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${k}: n must be a positive integer, got ${n}`);
  }
  return n;
}

function _atLeast(a: Float64Array, m: number, what: string, k: string): void {
  if (a.length < m) {
    throw new TypeError(
      `${k}: ${what} has ${a.length} elements, needs at least ${m}`,
    );
  }
}

function _exactly(a: Float64Array, m: number, what: string, k: string): void {
  if (a.length !== m) {
    throw new TypeError(
      `${k}: ${what} has ${a.length} elements, expected ${m}`,
    );
  }
}

const _rfft: JsKernel = ([x], outs, p) => {
  const k = "rfft";
  const n = _n(p, x!.length, k);
  if (x!.length > n) {
    throw new TypeError(
      `${k}: x has ${x!.length} elements, more than n = ${n}`,
    );
  }
  const h = Math.floor(n / 2);
  const { re, im } = rfft(x!, n);
  if (outs.length === 1) {
    _atLeast(outs[0]!, 2 * (h + 1), "z", k);
    for (let i = 0; i <= h; i++) {
      outs[0]![2 * i] = re[i]!;
      outs[0]![2 * i + 1] = im[i]!;
    }
  } else {
    _atLeast(outs[0]!, h + 1, "re", k);
    _atLeast(outs[1]!, h + 1, "im", k);
    outs[0]!.set(re);
    outs[1]!.set(im);
  }
};

const _irfft: JsKernel = (ins, [y], p) => {
  const k = "irfft";
  let re: Float64Array, im: Float64Array;
  if (ins.length === 1) {
    const bins = Math.floor(ins[0]!.length / 2);
    re = new Float64Array(bins);
    im = new Float64Array(bins);
    for (let i = 0; i < bins; i++) {
      re[i] = ins[0]![2 * i]!;
      im[i] = ins[0]![2 * i + 1]!;
    }
  } else {
    re = ins[0]!;
    im = ins[1]!;
    if (re.length !== im.length) {
      throw new TypeError(
        `${k}: re and im sizes differ (${re.length} and ${im.length})`,
      );
    }
  }
  const n = _n(p, 2 * (re.length - 1), k);
  const h = Math.floor(n / 2);
  if (re.length < h + 1) {
    throw new TypeError(
      `${k}: the spectrum has ${re.length} bins, needs at least ${
        h + 1
      } for n = ${n}`,
    );
  }
  if (y!.length > n) {
    throw new TypeError(
      `${k}: y has ${y!.length} elements, more than n = ${n}`,
    );
  }
  y!.set(
    irfft(re.subarray(0, h + 1), im.subarray(0, h + 1), n).subarray(
      0,
      y!.length,
    ),
  );
};

function _complex(inverse: boolean): JsKernel {
  const k = inverse ? "ifft" : "fft";
  return (ins, outs, p) => {
    if (ins.length === 1) {
      const z = ins[0]!, o = outs[0]!;
      const n = _n(p, Math.floor(z.length / 2), k);
      _exactly(z, 2 * n, "z", k);
      _exactly(o, 2 * n, "output z", k);
      const re = new Float64Array(n), im = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        re[i] = z[2 * i]!;
        im[i] = z[2 * i + 1]!;
      }
      const plan = createFftPlan(n);
      if (inverse) plan.inverse(re, im);
      else plan.forward(re, im);
      for (let i = 0; i < n; i++) {
        o[2 * i] = re[i]!;
        o[2 * i + 1] = im[i]!;
      }
      return;
    }
    const n = _n(p, ins[0]!.length, k);
    const names = ["re", "im", "output re", "output im"];
    [ins[0]!, ins[1]!, outs[0]!, outs[1]!].forEach((a, i) =>
      _exactly(a, n, names[i]!, k)
    );
    const re = Float64Array.from(ins[0]!), im = Float64Array.from(ins[1]!);
    const plan = createFftPlan(n);
    if (inverse) plan.inverse(re, im);
    else plan.forward(re, im);
    outs[0]!.set(re);
    outs[1]!.set(im);
  };
}

/**
 * The FFT kernels for a js backend (pass them to `createJsBackend`, or register them one by one
 * with `registerJsKernel`).
 *
 * @returns Kernel name → js kernel, for `rfft`, `irfft`, `fft` and `ifft`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fftJsKernels } from "./kernels.ts";
 * assert.deepStrictEqual(Object.keys(fftJsKernels()).sort(), ["fft", "ifft", "irfft", "rfft"]);
 * ```
 */
export function fftJsKernels(): Record<string, JsKernel> {
  return {
    rfft: _rfft,
    irfft: _irfft,
    fft: _complex(false),
    ifft: _complex(true),
  };
}
