// The AssemblyScript kernels of sop.ipgauss and sop.rigid_rotation (forward, .vjp, .pullback;
// asm/convolve.ts) against
// the js kernels: the same bits (each output is the same products summed in the same order), on
// N not a multiple of the SIMD width or of the eight outputs per step, N = 1, a kernel longer
// than the spectrum, a narrow β whose tails underflow (a shrunk support, subnormal taps flushed in
// the residuals), each wanted-cotangent combination; errors and a batch go to the js kernel.
import { createWasmBackend } from "../../src/backend/wasm/wasm_backend.ts";
import type { WasmBackend } from "../../src/backend/wasm/wasm_backend.ts";
import { registerSopWasmStages } from "../../src/sop/wasm_kernels.ts";
import {
  ipgaussJsKernels,
  rigidRotationJsKernels,
} from "../../src/sop/kernels.ts";
import { batchedJsStageKernels } from "../../src/ad/stage_kernels.ts";
import type { KernelParams } from "../../src/backend/backend.ts";
import { assert, assertThrowsWith } from "../_util.ts";

const IP = "sop.ipgauss";
const be = await createWasmBackend();
registerSopWasmStages(be);
const js = batchedJsStageKernels(ipgaussJsKernels());

function runWasm(
  b: WasmBackend,
  name: string,
  ins: Float64Array[],
  outs: number[],
  p: KernelParams = {},
): Float64Array[] {
  const bi = ins.map((a) => {
    const x = b.alloc(a.length);
    b.write(x, a);
    return x;
  });
  const bo = outs.map((n) => b.alloc(n));
  try {
    b.run(name, bi, bo, p);
    return bo.map((x) => b.readSync(x));
  } finally {
    [...bi, ...bo].forEach((x) => b.free(x));
  }
}

function same(a: Float64Array, b: Float64Array, what: string): void {
  assert(a.length === b.length, `${what}: length ${a.length} ≠ ${b.length}`);
  const i = a.findIndex((v, j) => !Object.is(v, b[j]));
  assert(i < 0, `${what}: differs at ${i}: ${a[i]} vs ${b[i]}`);
}

const vgrid = (m: number, dv: number) =>
  Float64Array.from({ length: m }, (_, i) => (i - (m - 1) / 2) * dv);
const wave = (n: number, s: number) =>
  Float64Array.from(
    { length: n },
    (_, i) => 1 + 0.3 * Math.sin(0.37 * i + s) + 0.05 * Math.cos(2.1 * i),
  );

Deno.test("sop.ipgauss on wasm: forward, vjp and pullback equal the js kernels bit for bit", () => {
  const cases: [number, number, number][] = [
    // [N, m, β (km/s)] with dv = 1 km/s
    [1, 1, 1],
    [1, 5, 1],
    [2, 3, 0.7],
    [7, 21, 3], // kernel longer than the spectrum
    [13, 9, 2],
    [100, 31, 4],
    [1001, 201, 20], // N odd, not a multiple of 8
    [3500, 401, 35],
    [257, 401, 0.05], // narrow: the tails underflow to 0 and subnormals (support shrinks)
  ];
  for (const [n, m, beta] of cases) {
    const v = vgrid(m, 1);
    const f = wave(n, m);
    const b = new Float64Array([beta]);
    const label = `N ${n} m ${m} β ${beta}`;
    const ref = new Float64Array(n);
    js.forward([v, f, b], [ref], {});
    same(runWasm(be, IP, [v, f, b], [n])[0]!, ref, `${label} forward`);
    const rv = [n, m, m, 4].map((s) => new Float64Array(s));
    js.vjp([v, f, b], rv, {});
    const wv = runWasm(be, `${IP}.vjp`, [v, f, b], [n, m, m, 4]);
    rv.forEach((a, i) => same(wv[i]!, a, `${label} vjp output ${i}`));
    const ct = Float64Array.from(
      { length: n },
      (_, i) => Math.sin(1.3 * i) - 0.2,
    );
    for (const [wf, wb] of [[1, 1], [1, 0], [0, 1]]) {
      const sizes = [wf ? n : 0, wb ? 1 : 0];
      const rg = sizes.map((s) => new Float64Array(s));
      js.pullback([v, f, b, ...rv.slice(1), ct], rg, {});
      const wg = runWasm(
        be,
        `${IP}.pullback`,
        [v, f, b, ...rv.slice(1), ct],
        sizes,
      );
      rg.forEach((a, i) =>
        same(wg[i]!, a, `${label} pullback ${wf}${wb} grad ${i}`)
      );
    }
  }
});

Deno.test("sop.ipgauss on wasm: the js kernel's errors; a batch runs on the js kernel", async () => {
  const v = vgrid(5, 1), f = wave(20, 0), b = new Float64Array([1]);
  const both = async (
    name: string,
    ins: Float64Array[],
    outs: number[],
    ...msg: string[]
  ) => {
    const kern = name === IP
      ? js.forward
      : name.endsWith("vjp")
      ? js.vjp
      : js.pullback;
    const jsErr = await assertThrowsWith(
      () => kern(ins, outs.map((s) => new Float64Array(s)), {}),
      ...msg,
    );
    const wErr = await assertThrowsWith(
      () => runWasm(be, name, ins, outs),
      ...msg,
    );
    assert(
      wErr.message === jsErr.message,
      `${wErr.message} ≠ ${jsErr.message}`,
    );
    assert(wErr.constructor === jsErr.constructor, "error class");
  };
  const fNaN = f.slice();
  fNaN[7] = NaN;
  await both(IP, [v, fNaN, b], [20], "f");
  await both(IP, [v, f, new Float64Array([0])], [20], "beta");
  await both(
    `${IP}.vjp`,
    [v, f, new Float64Array([-1])],
    [20, 5, 5, 4],
    "beta",
  );
  await both(IP, [vgrid(4, 1), f, b], [20], "vGrid");
  await both(IP, [v, f, b], [19], "out");
  const rv = [20, 5, 5, 4].map((s) => new Float64Array(s));
  js.vjp([v, f, b], rv, {});
  const ct = new Float64Array(20);
  ct[3] = Infinity;
  await both(`${IP}.pullback`, [v, f, b, ...rv.slice(1), ct], [20, 1], "ct");
  await both(
    `${IP}.pullback`,
    [v, f, b, ...rv.slice(1), new Float64Array(19)],
    [20, 1],
    "ct",
  );
  // two spectra in one call (the batch axis): the js kernel's result
  const f2 = new Float64Array([...f, ...wave(20, 1)]);
  const p = { batch: 2, bat0: 1, bat1: 0 }; // f batched, β shared
  const ref = new Float64Array(40);
  js.forward([v, f2, b], [ref], p);
  same(runWasm(be, IP, [v, f2, b], [40], p)[0]!, ref, "batch");
});

const ROT = "sop.rigid_rotation";
const rjs = batchedJsStageKernels(rigidRotationJsKernels());

Deno.test("sop.rigid_rotation on wasm: forward, vjp and pullback equal the js kernels bit for bit", () => {
  const cases: [number, number, number, number, number][] = [
    // [N, m, vsini (km/s), u1, u2] with dv = 1 km/s
    [1, 3, 1, 0.6, 0.2],
    [2, 5, 1.5, 0, 0],
    [7, 21, 9.5, 0.6, 0.2], // kernel longer than the spectrum
    [13, 9, 3, 0.4, 0.1], // vsini on a grid velocity: x² = 1 there
    [100, 31, 12.3, 0.8, -0.1],
    [1001, 201, 77.7, 0.6, 0.2], // N odd, not a multiple of 8
    [3500, 81, 40, 0.6, 0.2],
  ];
  for (const [n, m, vs, u1, u2] of cases) {
    const v = vgrid(m, 1);
    const f = wave(n, m);
    const a = [vs, u1, u2].map((x) => new Float64Array([x]));
    const ins = [v, f, ...a];
    const label = `N ${n} m ${m} vsini ${vs}`;
    const ref = new Float64Array(n);
    rjs.forward(ins, [ref], {});
    same(runWasm(be, ROT, ins, [n])[0]!, ref, `${label} forward`);
    const sizes = [n, m, m, m, m, 4];
    const rv = sizes.map((s) => new Float64Array(s));
    rjs.vjp(ins, rv, {});
    const wv = runWasm(be, `${ROT}.vjp`, ins, sizes);
    rv.forEach((x, i) => same(wv[i]!, x, `${label} vjp output ${i}`));
    const ct = Float64Array.from(
      { length: n },
      (_, i) => Math.sin(1.3 * i) - 0.2,
    );
    const wants = [[1, 1, 1, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1]];
    for (const w of wants) {
      const gs = w.map((x, i) => (x ? (i === 0 ? n : 1) : 0));
      const pin = [...ins, ...rv.slice(1), ct];
      const rg = gs.map((s) => new Float64Array(s));
      rjs.pullback(pin, rg, {});
      const wg = runWasm(be, `${ROT}.pullback`, pin, gs);
      rg.forEach((x, i) =>
        same(wg[i]!, x, `${label} pullback ${w.join("")} grad ${i}`)
      );
    }
  }
});

Deno.test("sop.rigid_rotation on wasm: the js kernel's errors; a batch runs on the js kernel", async () => {
  const v = vgrid(9, 1), f = wave(20, 0);
  const arg = (x: number) => new Float64Array([x]);
  const both = async (
    name: string,
    ins: Float64Array[],
    outs: number[],
    ...msg: string[]
  ) => {
    const kern = name === ROT
      ? rjs.forward
      : name.endsWith("vjp")
      ? rjs.vjp
      : rjs.pullback;
    const jsErr = await assertThrowsWith(
      () => kern(ins, outs.map((s) => new Float64Array(s)), {}),
      ...msg,
    );
    const wErr = await assertThrowsWith(
      () => runWasm(be, name, ins, outs),
      ...msg,
    );
    assert(
      wErr.message === jsErr.message,
      `${wErr.message} ≠ ${jsErr.message}`,
    );
    assert(wErr.constructor === jsErr.constructor, "error class");
  };
  const fNaN = f.slice();
  fNaN[7] = NaN;
  const ok = [arg(3), arg(0.6), arg(0.2)];
  await both(ROT, [v, fNaN, ...ok], [20], "f");
  await both(ROT, [v, f, arg(0), arg(0.6), arg(0.2)], [20], "vsini");
  await both(ROT, [v, f, arg(5), arg(0.6), arg(0.2)], [20], "vsini");
  await both(ROT, [v, f, arg(3), arg(NaN), arg(0.2)], [20], "u1");
  const sizes = [20, 9, 9, 9, 9, 4];
  await both(
    `${ROT}.vjp`,
    [v, f, arg(3), arg(0.6), arg(Infinity)],
    sizes,
    "u2",
  );
  await both(ROT, [vgrid(8, 1), f, ...ok], [20], "vGrid");
  await both(ROT, [v, f, ...ok], [19], "out");
  const rv = sizes.map((s) => new Float64Array(s));
  rjs.vjp([v, f, ...ok], rv, {});
  const ct = new Float64Array(20);
  ct[3] = NaN;
  const pin = [v, f, ...ok, ...rv.slice(1)];
  await both(`${ROT}.pullback`, [...pin, ct], [20, 1, 1, 1], "ct");
  await both(
    `${ROT}.pullback`,
    [...pin, new Float64Array(21)],
    [20, 1, 1, 1],
    "ct",
  );
  // two spectra in one call (the batch axis): the js kernel's result
  const f2 = new Float64Array([...f, ...wave(20, 1)]);
  const p = { batch: 2, bat0: 1, bat1: 0, bat2: 0, bat3: 0 }; // f batched
  const ref = new Float64Array(40);
  rjs.forward([v, f2, ...ok], [ref], p);
  same(runWasm(be, ROT, [v, f2, ...ok], [40], p)[0]!, ref, "batch");
});
