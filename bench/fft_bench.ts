// deno bench -A bench/fft_bench.ts
// Real FFT forward + inverse (numpy rfft/irfft semantics): the TypeScript f64 plan
// (src/fft/fft.ts, the baseline) versus the WASM v128-SIMD plan (asm/fft.ts) at the
// tutorial's zero-padded PreMODIT length n = 7000 = 2³·5³·7 and at 14000. Both copy Float64Array
// in and out, as PreMODIT would use them.
import { createRfftPlan } from "../src/fft/fft.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../src/backend/wasm/wasm_backend.ts";

const be = await createWasmBackend();

for (const n of [7000, 14000]) {
  const h = n / 2;
  const x = Float64Array.from(
    { length: n },
    (_, i) => Math.sin(0.37 * i) + 0.1 * Math.cos(3.1 * i),
  );
  const re = new Float64Array(h + 1),
    im = new Float64Array(h + 1),
    y = new Float64Array(n);
  const ts = createRfftPlan(n);
  const ws = createWasmRfftPlan(be, n);
  Deno.bench(
    `TS rfft+irfft n=${n}`,
    { group: `rfft n=${n}`, baseline: true },
    () => {
      ts.forward(x, re, im);
      ts.inverse(re, im, y);
    },
  );
  Deno.bench(`WASM SIMD rfft+irfft n=${n}`, { group: `rfft n=${n}` }, () => {
    ws.forward(x, re, im);
    ws.inverse(re, im, y);
  });
  // The backend kernels on device buffers (no host copies).
  const bx = be.alloc(n), bz = be.alloc(2 * (h + 1)), by = be.alloc(n);
  be.write(bx, x);
  Deno.bench(`WASM SIMD rfft+irfft kernels n=${n} (device buffers)`, {
    group: `rfft n=${n}`,
  }, () => {
    be.run("rfft", [bx], [bz]);
    be.run("irfft", [bz], [by]);
  });
}
