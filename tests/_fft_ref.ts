// Shared FFT test references (not published): the numpy.fft fixture, deterministic inputs,
// a direct DFT and the error measure used by tests/fft/fft_test.ts and
// tests/backend/wasm/fft_wasm_test.ts.

type Num = number | string;
/** One case of tests/fixtures/faddeeva_fft.json (numbers may be strings such as "inf"). */
export interface FftCase {
  x: number[];
  n: number;
  re: Num[];
  im: Num[];
  irfft: Num[];
  zre?: Num[];
  zim?: Num[];
  irfft_z?: Num[];
  n_trunc?: number;
  irfft_trunc?: Num[];
}
/** numpy.fft rfft/irfft reference cases. */
export const FFT_FIXTURE: { cases: FftCase[] } = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/faddeeva_fft.json", import.meta.url),
  ),
);
export const f64 = (a: Num[]): Float64Array => new Float64Array(a.map(Number));

/** Deterministic pseudo-random numbers in [−0.5, 0.5). */
export function rand(n: number, seed: number): Float64Array {
  const a = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/** Direct DFT bin k (angles reduced exactly, so the reference has ~1e-16 twiddle error). */
export function dftBin(
  re: Float64Array,
  im: Float64Array,
  k: number,
): [number, number] {
  const n = re.length;
  let sr = 0, si = 0;
  for (let j = 0; j < n; j++) {
    const a = -2 * Math.PI * ((j * k) % n) / n;
    const c = Math.cos(a), s = Math.sin(a);
    sr += re[j]! * c - im[j]! * s;
    si += re[j]! * s + im[j]! * c;
  }
  return [sr, si];
}

/**
 * max_k |a_k − b_k| / ‖b‖₂ for complex vectors (b the reference); NaN or ∞ (so any
 * `!(err <= tol)` check fails) when b is all zero.
 */
export function errToNorm(
  ar: ArrayLike<number>,
  ai: ArrayLike<number>,
  br: ArrayLike<number>,
  bi: ArrayLike<number>,
): number {
  let e = 0, nrm = 0;
  for (let k = 0; k < br.length; k++) {
    e = Math.max(e, Math.hypot(ar[k]! - br[k]!, ai[k]! - bi[k]!));
    nrm += br[k]! ** 2 + bi[k]! ** 2;
  }
  return e / Math.sqrt(nrm);
}
