import {
  allocOutput,
  MissingKernelError,
} from "../../../src/backend/backend.ts";
import { createJsBackend } from "../../../src/backend/js/js_backend.ts";
import { createRfftPlan } from "../../../src/fft/fft.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
  wasmFreeBlocks,
} from "../../../src/backend/wasm/wasm_backend.ts";
import { assert, assertEquals, assertThrows, maxRelErr } from "../../_util.ts";

Deno.test("createWasmBackend() allocates zeroed buffers, writes, reads and frees", async () => {
  const be = await createWasmBackend();
  assertEquals([be.name, be.defaultDtype], ["wasm", "f64"]);
  const before = wasmFreeBlocks(be);
  const a = be.alloc(5);
  assertEquals(Array.from(be.readSync(a)), [0, 0, 0, 0, 0]);
  be.write(a, [1, 2, 3]);
  be.write(a, new Float64Array([9, 8]), 3);
  assertEquals(Array.from(await be.read(a)), [1, 2, 3, 9, 8]);
  assertEquals(be.ptr(a) % 16, 0);
  const b = be.alloc(3, "f32");
  be.write(b, [0.5, 1.5, 1 / 3]);
  assertEquals(Array.from(be.readSync(b)), [0.5, 1.5, Math.fround(1 / 3)]);
  const c = be.alloc(0);
  assertEquals(be.readSync(c).length, 0);
  // Reused memory is zeroed again.
  be.free(a);
  const a2 = be.alloc(5);
  assertEquals(Array.from(be.readSync(a2)), [0, 0, 0, 0, 0]);
  for (const q of [a2, b, c]) be.free(q);
  assertEquals(wasmFreeBlocks(be), before, "free list coalesces back");
  be.destroy();
});

Deno.test("allocUninit() leaves the bytes as they are (NaN with poisonUninit), checks like alloc(), and allocOutput() uses it where a backend has it", async () => {
  const be = await createWasmBackend();
  const a = be.alloc(4);
  be.write(a, [1, 2, 3, 4]);
  be.free(a);
  const u = be.allocUninit(4); // the block just freed, not zeroed
  assertEquals(Array.from(be.readSync(u)), [1, 2, 3, 4]);
  assertThrows(() => be.allocUninit(-1), RangeError, "allocUninit()");
  assertThrows(() => be.allocUninit(2, "f16" as "f32"), TypeError);
  be.free(u);
  const z = be.alloc(4); // alloc still zeroes reused memory
  assertEquals(Array.from(be.readSync(z)), [0, 0, 0, 0]);
  be.destroy();
  const p = await createWasmBackend({ poisonUninit: true });
  const o = allocOutput(p, 3);
  assert(Array.from(p.readSync(o)).every(Number.isNaN), "poisoned");
  const o32 = p.allocUninit(2, "f32");
  assert(Array.from(p.readSync(o32)).every(Number.isNaN), "poisoned f32");
  assertEquals(Array.from(p.readSync(p.alloc(2))), [0, 0]);
  p.destroy();
  const js = createJsBackend(); // no allocUninit: a zeroed buffer
  assertEquals(Array.from(js.view(allocOutput(js, 2))), [0, 0]);
});

Deno.test("wasm backend rejects bad sizes, overflowing writes, foreign and freed buffers", async () => {
  const be = await createWasmBackend();
  assertThrows(() => be.alloc(-1), RangeError);
  assertThrows(() => be.alloc(1.5), RangeError);
  assertThrows(() => be.alloc(2, "f16" as "f32"), TypeError);
  const a = be.alloc(2);
  assertThrows(() => be.write(a, [1, 2, 3]), RangeError, "overflow");
  assertThrows(() => be.write(a, [1], 2), RangeError);
  const js = createJsBackend();
  assertThrows(() => be.readSync(js.alloc(2)), TypeError, "js");
  be.free(a);
  assertThrows(() => be.readSync(a), Error, "after free");
  assertThrows(() => be.free(a), Error, "after free");
  let rejected = false;
  await be.read(a).catch(() => (rejected = true));
  assert(rejected, "read() of a freed buffer rejects");
  be.destroy();
  assertThrows(() => be.alloc(1), Error, "destroy");
});

Deno.test("wasm backend memory growth keeps the data of live buffers", async () => {
  const be = await createWasmBackend();
  const a = be.alloc(1000);
  const data = Float64Array.from({ length: 1000 }, (_, i) => Math.sqrt(i) - 7);
  be.write(a, data);
  const v0 = be.view(a);
  const m0 = be.memoryBytes();
  const big: ReturnType<typeof be.alloc>[] = [];
  for (let i = 0; i < 4; i++) big.push(be.alloc(1_000_000)); // 8 MB each
  assert(be.memoryBytes() > m0 + 30e6, `memory grew to ${be.memoryBytes()}`);
  assertEquals(v0.length, 0, "old views are detached by growth");
  assertEquals(Array.from(be.readSync(a)), Array.from(data));
  be.write(big[3]!, [42], 999_999);
  assertEquals(be.readSync(big[3]!)[999_999], 42);
  for (const b of big) be.free(b);
  // The freed space is reused without further growth.
  const m1 = be.memoryBytes();
  const again = be.alloc(3_000_000);
  assertEquals(be.memoryBytes(), m1);
  be.free(again);
  be.free(a);
  be.destroy();
});

Deno.test("wasm backend run() throws MissingKernelError naming the backend and kernel", async () => {
  const be = await createWasmBackend();
  for (const k of ["rfft", "irfft", "fft", "ifft", "copy", "scale"]) {
    assert(be.hasKernel(k), k);
  }
  assertEquals(be.kernels().sort(), [
    "copy",
    "fft",
    "ifft",
    "irfft",
    "rfft",
    "scale",
  ]);
  const a = be.alloc(2);
  const err = assertThrows(
    () => be.run("xsmatrix", [a], [a]),
    MissingKernelError,
  );
  assert(
    err.message.includes("wasm") && err.message.includes("xsmatrix"),
    err.message,
  );
  assert(!be.hasKernel("toString"), "no prototype kernels");
  assertThrows(() => be.run("toString", [a], [a]), MissingKernelError);
  be.destroy();
});

Deno.test("wasm backend copy/scale kernels and rfft/irfft argument checks", async () => {
  const be = await createWasmBackend();
  const a = be.alloc(3), b = be.alloc(3);
  be.write(a, [1, 2, 3]);
  be.run("scale", [a], [b], { factor: 2 });
  assertEquals(Array.from(be.readSync(b)), [2, 4, 6]);
  be.run("copy", [b], [a]);
  assertEquals(Array.from(be.readSync(a)), [2, 4, 6]);
  const x = be.alloc(8),
    re = be.alloc(5),
    im = be.alloc(5),
    small = be.alloc(4),
    f32 = be.alloc(8, "f32");
  be.write(x, [1, 2, 3, 4, 5, 6, 7, 8]);
  assertThrows(
    () => be.run("rfft", [x], [small, small]),
    TypeError,
    "at least 5",
  );
  assertThrows(
    () => be.run("rfft", [x], [re, im], { n: 4 }),
    TypeError,
    "more than n",
  );
  assertThrows(() => be.run("rfft", [x], [re, im], { n: 0 }), RangeError);
  assertThrows(() => be.run("rfft", [f32], [re, im]), TypeError, "f64");
  assertThrows(() => be.run("irfft", [re, small], [x]), TypeError, "differ");
  assertThrows(
    () => be.run("irfft", [re, im], [x], { n: 10 }),
    TypeError,
    "bins",
  );
  assertThrows(() => be.run("fft", [x, re], [x, re]), TypeError, "expected 8");
  assertThrows(() => be.run("fft", [x], [re]), TypeError);
  // rfft with n > x.size zero-pads; irfft writes the first y.size samples.
  be.write(small, [1, 2, 3, 4]);
  be.run("rfft", [small], [re, im], { n: 8 });
  const tr = new Float64Array(5), ti = new Float64Array(5);
  createRfftPlan(8).forward(be.readSync(small), tr, ti);
  assert(maxRelErr(be.readSync(re), tr, 1) < 1e-15, "rfft zero-padded");
  const y = be.alloc(3);
  be.run("irfft", [re, im], [y], { n: 8 });
  const yv = be.readSync(y);
  for (let i = 0; i < 3; i++) {
    assert(Math.abs(yv[i]! - (i + 1)) < 1e-15, `y[${i}] = ${yv[i]}`);
  }
  be.destroy();
});

Deno.test("createWasmRfftPlan() validates like createRfftPlan() and refuses use after dispose()", async () => {
  const be = await createWasmBackend();
  assertThrows(() => createWasmRfftPlan(be, 0), RangeError);
  assertThrows(() => createWasmRfftPlan(be, 2.5), RangeError);
  assertThrows(
    () => createWasmRfftPlan(createJsBackend() as never, 8),
    TypeError,
  );
  const p = createWasmRfftPlan(be, 8);
  const re = new Float64Array(5), im = new Float64Array(5);
  assertThrows(
    () => p.forward(new Float64Array(9), re, im),
    TypeError,
    "length <= 8",
  );
  assertThrows(
    () => p.forward(new Float64Array(8), new Float64Array(4), im),
    TypeError,
    ">= 5",
  );
  assertThrows(
    () => p.forward([1, 2] as unknown as Float64Array, re, im),
    TypeError,
    "Float64Array",
  );
  assertThrows(
    () => p.inverse(re, im, new Float64Array(9)),
    TypeError,
    "length <= 8",
  );
  p.dispose();
  assertThrows(() => p.forward(new Float64Array(8), re, im), Error, "dispose");
  be.destroy();
});
