import { createFftPlan, createRfftPlan } from "../../../src/fft/fft.ts";
import {
  FFT_WASM_BASE64,
  FFT_WASM_SOURCE_SHA256,
} from "../../../src/backend/wasm/_fft_wasm_bytes.ts";
import {
  compileFftWasm,
  FFT_WASM_EXPORTS,
  fftWasmBytes,
  instantiateFftWasm,
} from "../../../src/backend/wasm/fft_wasm.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../../../src/backend/wasm/wasm_backend.ts";
import { assert, assertEquals } from "../../_util.ts";
import { errToNorm, f64, FFT_FIXTURE as FIX, rand } from "../../_fft_ref.ts";

// 7: radix 7; 11, 13, 49 = 7², 143 = 11·13: generic radix; 53, 97, 1009, 2018: Bluestein;
// others radix 2/3/4/5 (7000 = 2³·5³·7 is the tutorial's zero-padded 2N buffer).
const SIZES = [
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
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
  143,
  1000,
  1009,
  2018,
  4096,
  7000,
  14000,
];

Deno.test("fftWasmBytes() is a valid import-free module exporting the FFT functions", async () => {
  const bytes = fftWasmBytes();
  assert(WebAssembly.validate(bytes), "invalid module");
  assert(FFT_WASM_BASE64.startsWith("AGFzbQ"), "no \\0asm magic");
  const mod = await compileFftWasm();
  assertEquals(WebAssembly.Module.imports(mod), []);
  const names = WebAssembly.Module.exports(mod).map((e) => e.name);
  for (const n of [...FFT_WASM_EXPORTS, "memory"]) {
    assert(names.includes(n), `missing export ${n}`);
  }
  const w = await instantiateFftWasm();
  assert(
    w.heap_base() > 0 && w.heap_base() < w.memory.buffer.byteLength,
    "heap_base",
  );
});

Deno.test("_fft_wasm_bytes.ts was built from the current asm/*.ts (else run scripts/build_wasm.ts)", async () => {
  const dir = new URL("../../../asm/", import.meta.url);
  const names = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => e.name)
    .sort();
  let src = "";
  for (const n of names) {
    src += `${n}\n${await Deno.readTextFile(new URL(n, dir))}\n`;
  }
  const d = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(src.replace(/\s+/g, "")),
  );
  const hex = Array.from(
    new Uint8Array(d),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  assertEquals(
    hex,
    FFT_WASM_SOURCE_SHA256,
    "asm/ changed since the last build: run `deno run -A scripts/build_wasm.ts`",
  );
});

Deno.test("createWasmRfftPlan() matches createRfftPlan() within 1e-12 of the norm for many n", async () => {
  const be = await createWasmBackend();
  let worstF = 0, worstI = 0;
  for (const n of SIZES) {
    const h = Math.floor(n / 2);
    const ts = createRfftPlan(n), ws = createWasmRfftPlan(be, n);
    for (const nx of [n, Math.ceil(n / 2)]) {
      const x = rand(nx, 3 * n + nx);
      const r1 = new Float64Array(h + 1), i1 = new Float64Array(h + 1);
      const r2 = new Float64Array(h + 1), i2 = new Float64Array(h + 1);
      ts.forward(x, r1, i1);
      ws.forward(x, r2, i2);
      const ef = errToNorm(r2, i2, r1, i1);
      if (!(ef <= 1e-12)) throw new Error(`rfft n=${n} nx=${nx}: ${ef}`);
      worstF = Math.max(worstF, ef);
    }
    // Inverse of a random (non-Hermitian-consistent) spectrum: DC/Nyquist imaginary parts ignored.
    const re = rand(h + 1, 5 * n), im = rand(h + 1, 7 * n);
    for (const no of [n, Math.max(1, n - 3)]) {
      const y1 = new Float64Array(no), y2 = new Float64Array(no);
      ts.inverse(re, im, y1);
      ws.inverse(re, im, y2);
      const z = new Float64Array(no);
      const ei = errToNorm(y2, z, y1, z);
      if (!(ei <= 1e-12)) throw new Error(`irfft n=${n} nout=${no}: ${ei}`);
      worstI = Math.max(worstI, ei);
    }
    ws.dispose();
  }
  console.log(
    `worst max|Δ|/‖ref‖ vs TS: rfft ${worstF.toExponential(2)}, irfft ${
      worstI.toExponential(2)
    }`,
  );
  be.destroy();
});

Deno.test("wasm rfft/irfft match numpy.fft within 1e-12 of the norm (fixtures)", async () => {
  const be = await createWasmBackend();
  let worst = 0;
  for (const c of FIX.cases) {
    const h = Math.floor(c.n / 2);
    const p = createWasmRfftPlan(be, c.n);
    const re = new Float64Array(h + 1), im = new Float64Array(h + 1);
    p.forward(f64(c.x).subarray(0, c.n), re, im); // numpy crops x to n
    const e1 = errToNorm(re, im, f64(c.re), f64(c.im));
    const y = new Float64Array(c.n), zero = new Float64Array(c.n);
    p.inverse(f64(c.re), f64(c.im), y);
    const e2 = errToNorm(y, zero, f64(c.irfft), zero);
    if (!(e1 <= 1e-12 && e2 <= 1e-12)) {
      throw new Error(`n=${c.n}: rfft ${e1}, irfft ${e2}`);
    }
    worst = Math.max(worst, e1, e2);
    if (c.zre && c.zim && c.irfft_z) {
      // Non-zero imaginary DC/Nyquist parts are ignored, as numpy does.
      p.inverse(f64(c.zre), f64(c.zim), y);
      const e3 = errToNorm(y, zero, f64(c.irfft_z), zero);
      if (!(e3 <= 1e-12)) throw new Error(`irfft (complex DC) n=${c.n}: ${e3}`);
      worst = Math.max(worst, e3);
    }
    p.dispose();
  }
  console.log(`worst max|Δ|/‖ref‖ vs numpy: ${worst.toExponential(2)}`);
  be.destroy();
});

Deno.test("wasm fft/ifft kernels match createFftPlan() within 1e-12 of the norm (split and interleaved)", async () => {
  const be = await createWasmBackend();
  let worst = 0;
  for (const n of SIZES) {
    const re = rand(n, n), im = rand(n, 7 * n + 1);
    const a = re.slice(), b = im.slice();
    createFftPlan(n).forward(a, b);
    const bre = be.alloc(n),
      bim = be.alloc(n),
      ore = be.alloc(n),
      oim = be.alloc(n);
    be.write(bre, re);
    be.write(bim, im);
    be.run("fft", [bre, bim], [ore, oim], { n });
    const e1 = errToNorm(be.readSync(ore), be.readSync(oim), a, b);
    const z = be.alloc(2 * n);
    const zi = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      zi[2 * k] = re[k]!;
      zi[2 * k + 1] = im[k]!;
    }
    be.write(z, zi);
    be.run("fft", [z], [z]);
    const zo = be.readSync(z);
    const e2 = errToNorm(
      zo.filter((_, i) => i % 2 === 0),
      zo.filter((_, i) => i % 2 === 1),
      a,
      b,
    );
    // Inverse: back to the input, in place.
    be.run("ifft", [ore, oim], [ore, oim]);
    be.run("ifft", [z], [z]);
    const e3 = errToNorm(be.readSync(ore), be.readSync(oim), re, im);
    const zb = be.readSync(z);
    const e4 = errToNorm(
      zb.filter((_, i) => i % 2 === 0),
      zb.filter((_, i) => i % 2 === 1),
      re,
      im,
    );
    const e = Math.max(e1, e2, e3, e4);
    if (!(e <= 1e-12)) {
      throw new Error(`n=${n}: fft ${e1} / ${e2}, ifft ${e3} / ${e4}`);
    }
    worst = Math.max(worst, e);
    for (const q of [bre, bim, ore, oim, z]) be.free(q);
  }
  console.log(
    `worst max|Δ|/‖ref‖ (fft, ifft round trip): ${worst.toExponential(2)}`,
  );
  be.destroy();
});

Deno.test("wasm irfft(rfft(x)) returns x within 1e-13 for even and odd n", async () => {
  const be = await createWasmBackend();
  for (const n of [1, 2, 3, 5, 7, 8, 30, 97, 100, 128, 7000, 14000]) {
    const h = Math.floor(n / 2);
    const x = rand(n, 11 * n);
    const bx = be.alloc(n), bz = be.alloc(2 * (h + 1)), by = be.alloc(n);
    be.write(bx, x);
    be.run("rfft", [bx], [bz]);
    be.run("irfft", [bz], [by], { n });
    const y = be.readSync(by);
    let e = 0;
    for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(y[i]! - x[i]!));
    if (!(e <= 1e-13)) throw new Error(`n=${n}: round trip error ${e}`);
  }
  be.destroy();
});
