// Shared set-up for the tests/sop/*_ad_test.ts derivative tests (not published).
import { planckPi } from "../../src/rt/planck.ts";
import { key, normal, split, uniform } from "../../src/random/prng.ts";
import { eslogGridAA } from "./_eslog.ts";

/** The tutorial grid: 22920–23000 Å, 3500 ESLOG points. */
export const NU: Float64Array = eslogGridAA(22920, 23000, 3500);
export const N: number = NU.length;

const REPORT = Deno.permissions.querySync?.({
      name: "env",
      variable: "EXOSPEC_AD_REPORT",
    }).state === "granted" && Deno.env.get("EXOSPEC_AD_REPORT") === "1";

/** Logs msg when EXOSPEC_AD_REPORT=1 (and env access is granted). */
export function report(msg: string): void {
  if (REPORT) console.log(msg);
}

/** Planck continuum (T = 1200 K) on NU with 40 Gaussian absorption lines, 1–4 cells wide. */
export function spectrum(seed: number): Float64Array {
  const [k1, k2, k3] = split(key(seed), 3);
  const c = uniform(k1!, 40);
  const w = uniform(k2!, 40);
  const dep = uniform(k3!, 40);
  const f = planckPi(NU, 1200);
  for (let i = 0; i < N; i++) {
    let a = 0;
    for (let l = 0; l < 40; l++) {
      const z = (i - c[l]! * N) / (1 + 3 * w[l]!);
      a += (0.05 + 0.6 * dep[l]!) * Math.exp(-0.5 * z * z);
    }
    f[i] = f[i]! * Math.exp(-a);
  }
  return f;
}

/** A normal(key(seed)) direction in f, scaled to 1e-2 of max(f). */
export function fDirection(f: Float64Array, seed: number): Float64Array {
  let fscale = 0;
  for (const x of f) fscale = Math.max(fscale, x);
  return normal(key(seed), N).map((x) => x * fscale * 1e-2);
}

/** The f parts (first entries) of the directions, stacked into one K·N array. */
export function stackF(
  dirs: readonly (readonly [Float64Array, ...number[]])[],
) {
  const tf = new Float64Array(dirs.length * N);
  dirs.forEach((d, i) => tf.set(d[0], i * N));
  return tf;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ‖a − b‖₂ / ‖b‖₂. */
export function relL2(a: Float64Array, b: Float64Array): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i]! - b[i]!) ** 2;
    s += b[i]! ** 2;
  }
  return Math.sqrt(e / s);
}
