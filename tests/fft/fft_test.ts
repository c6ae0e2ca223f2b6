import { strictEqual as assertStrictEquals } from "node:assert";
import {
  createFftPlan,
  createRfftPlan,
  irfft,
  rfft,
} from "../../src/fft/fft.ts";
import { assertThrowsWith } from "../_util.ts";
import {
  dftBin,
  errToNorm,
  f64,
  FFT_FIXTURE as FIX,
  rand,
} from "../_fft_ref.ts";

Deno.test("createFftPlan() matches the direct DFT within 1e-12 of the norm for many lengths", () => {
  // 7, 49, 14, 35, 7000: radix 7; 11, 13, 121: generic radix; 53, 97, 202 = 2·101: Bluestein;
  // others radix 2/3/4/5.
  const sizes = [
    14,
    35,
    121,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    11,
    12,
    13,
    16,
    30,
    49,
    53,
    97,
    100,
    128,
    202,
    1000,
    7000,
  ];
  let worst = 0;
  for (const n of sizes) {
    const re = rand(n, n), im = rand(n, 7 * n + 1);
    const a = re.slice(), b = im.slice();
    createFftPlan(n).forward(a, b);
    const bins = n <= 1000
      ? [...Array(n).keys()]
      : [0, 1, 2, 7, 1000, 3499, 3500, 3501, 5000, 6999];
    const dr: number[] = [],
      di: number[] = [],
      gr: number[] = [],
      gi: number[] = [];
    let norm2 = 0;
    for (let k = 0; k < n; k++) norm2 += re[k]! ** 2 + im[k]! ** 2; // Parseval: ‖X‖² = n‖x‖²
    for (const k of bins) {
      const [r, i] = dftBin(re, im, k);
      dr.push(r);
      di.push(i);
      gr.push(a[k]!);
      gi.push(b[k]!);
    }
    let e = 0;
    for (let q = 0; q < bins.length; q++) {
      e = Math.max(e, Math.hypot(gr[q]! - dr[q]!, gi[q]! - di[q]!));
    }
    const rel = e / Math.sqrt(n * norm2);
    worst = Math.max(worst, rel);
    if (!(rel <= 1e-12)) throw new Error(`n=${n}: error/‖X‖ = ${rel}`);
  }
  console.log(`worst max|ΔX|/‖X‖ = ${worst.toExponential(2)}`);
});

Deno.test("FftPlan.inverse() undoes forward() within 1e-13", () => {
  for (const n of [1, 2, 3, 5, 7, 9, 10, 97, 128, 360, 1001, 7000, 14000]) {
    const re = rand(n, 3 * n), im = rand(n, 5 * n);
    const a = re.slice(), b = im.slice();
    const p = createFftPlan(n);
    p.forward(a, b);
    p.inverse(a, b);
    let e = 0;
    for (let k = 0; k < n; k++) {
      e = Math.max(e, Math.abs(a[k]! - re[k]!), Math.abs(b[k]! - im[k]!));
    }
    if (!(e <= 1e-13)) throw new Error(`n=${n}: round trip error ${e}`);
  }
});

Deno.test("rfft() and irfft() match numpy.fft within 1e-12 of the norm", () => {
  let worst = 0;
  for (const c of FIX.cases) {
    const x = f64(c.x);
    const got = rfft(x, c.n);
    const e1 = errToNorm(got.re, got.im, f64(c.re), f64(c.im));
    if (!(e1 <= 1e-12)) throw new Error(`rfft n=${c.n}: ${e1}`);
    const y = irfft(f64(c.re), f64(c.im), c.n);
    const zero = new Float64Array(c.n);
    const e2 = errToNorm(y, zero, f64(c.irfft), zero);
    if (!(e2 <= 1e-12)) throw new Error(`irfft n=${c.n}: ${e2}`);
    worst = Math.max(worst, e1, e2);
    if (c.zre && c.zim && c.irfft_z && c.irfft_trunc && c.n_trunc) {
      // Non-zero imaginary DC/Nyquist parts are ignored, as numpy does.
      const yz = irfft(f64(c.zre), f64(c.zim), c.n);
      const e3 = errToNorm(yz, zero, f64(c.irfft_z), zero);
      if (!(e3 <= 1e-12)) throw new Error(`irfft (complex DC) n=${c.n}: ${e3}`);
      const z2 = new Float64Array(c.n_trunc);
      const yt = irfft(f64(c.zre), f64(c.zim), c.n_trunc);
      const e4 = errToNorm(yt, z2, f64(c.irfft_trunc), z2);
      if (!(e4 <= 1e-12)) {
        throw new Error(`irfft (truncated) n=${c.n_trunc}: ${e4}`);
      }
      worst = Math.max(worst, e3, e4);
    }
  }
  console.log(`worst max|Δ|/‖ref‖ vs numpy: ${worst.toExponential(2)}`);
  // Default n: rfft uses x.length, irfft uses 2(m − 1).
  const x = rand(10, 1);
  const s = rfft(x);
  assertStrictEquals(s.re.length, 6);
  const y = irfft(s.re, s.im);
  for (let i = 0; i < 10; i++) {
    if (!(Math.abs(y[i]! - x[i]!) < 1e-15)) throw new Error("round trip");
  }
});

Deno.test("createRfftPlan() zero-pads, writes partial output, and is fast for n = 14000", () => {
  const c = FIX.cases.find((q) => q.n === 14000)!;
  const plan = createRfftPlan(14000);
  const re = new Float64Array(7001),
    im = new Float64Array(7001),
    y = new Float64Array(7000);
  const x = f64(c.x);
  plan.forward(x, re, im);
  const e1 = errToNorm(re, im, f64(c.re), f64(c.im));
  if (!(e1 <= 1e-12)) throw new Error(`forward: ${e1}`);
  plan.inverse(re, im, y);
  let e2 = 0;
  for (let i = 0; i < 7000; i++) e2 = Math.max(e2, Math.abs(y[i]! - x[i]!));
  if (!(e2 <= 1e-13)) throw new Error(`inverse: ${e2}`);
  // Odd length plan.
  const p9 = createRfftPlan(9);
  const r9 = new Float64Array(5),
    i9 = new Float64Array(5),
    y9 = new Float64Array(9);
  const x9 = rand(9, 9);
  p9.forward(x9, r9, i9);
  p9.inverse(r9, i9, y9);
  for (let i = 0; i < 9; i++) {
    if (!(Math.abs(y9[i]! - x9[i]!) < 1e-15)) throw new Error("odd n");
  }
  // Timing (reported, not asserted: hardware dependent).
  for (let i = 0; i < 50; i++) {
    plan.forward(x, re, im);
    plan.inverse(re, im, y);
  }
  const reps = 300;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    plan.forward(x, re, im);
    plan.inverse(re, im, y);
  }
  const ms = (performance.now() - t0) / reps;
  console.log(
    `n = 14000 (7000 zero-padded): forward + inverse ${
      (ms * 1000).toFixed(0)
    } µs`,
  );
});

Deno.test("FFT plans reject bad lengths and arrays", async () => {
  const r = await assertThrowsWith(
    () => createFftPlan(0),
    "n must be a positive integer",
    "0",
  );
  assertStrictEquals(r.name, "RangeError");
  await assertThrowsWith(() => createRfftPlan(2.5), "n", "2.5");
  const p = createFftPlan(4);
  const t = await assertThrowsWith(
    () => p.forward(new Float64Array(4), new Float64Array(3)),
    "length 4",
    "3",
  );
  assertStrictEquals(t.name, "TypeError");
  await assertThrowsWith(
    () =>
      p.inverse([0, 0, 0, 0] as unknown as Float64Array, new Float64Array(4)),
    "re",
  );
  const q = createRfftPlan(8);
  await assertThrowsWith(
    () =>
      q.forward(new Float64Array(9), new Float64Array(5), new Float64Array(5)),
    "x",
    "9",
  );
  await assertThrowsWith(
    () =>
      q.forward(new Float64Array(8), new Float64Array(4), new Float64Array(5)),
    ">= 5",
  );
  await assertThrowsWith(
    () =>
      q.inverse(new Float64Array(5), new Float64Array(5), new Float64Array(9)),
    "out",
    "9",
  );
  await assertThrowsWith(
    () => irfft(new Float64Array(3), new Float64Array(2)),
    "equal lengths",
  );
  await assertThrowsWith(() => rfft(new Float64Array(3), 0), "n", "0");
});
