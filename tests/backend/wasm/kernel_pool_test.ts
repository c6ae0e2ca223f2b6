// The kernel pool of createStageWasmBackend: a layer-split call equals the one-thread call bit
// for bit (and a summed output to a few ulps); an error in the worker's half is the kernel's own
// error with the right layer index; a kernel the worker lacks falls back to this thread;
// destroy() stops the worker.
import {
  createKernelPool,
  poolSupported,
} from "../../../src/backend/wasm/kernel_pool.ts";
import { createStageWasmBackend } from "../../../src/spectrum/stage_backend.ts";
import {
  opacityProfileCiaJsKernels,
  opacityProfileXsJsKernels,
} from "../../../src/rt/kernels.ts";
import type { DeviceBuffer } from "../../../src/backend/backend.ts";
import type { WasmBackend } from "../../../src/backend/wasm/wasm_backend.ts";
import { NonFiniteError } from "../../../src/errors.ts";
import { assert, assertThrowsWith } from "../../_util.ts";

const L = 8, N = 8192; // 65536 output values: large enough to be split (the rt kernels' minSplit)
const WORKER = new URL(
  "../../../src/spectrum/stage_worker.ts",
  import.meta.url,
);

function up(be: WasmBackend, a: Float64Array): DeviceBuffer {
  const b = be.alloc(a.length);
  be.write(b, a);
  return b;
}

const dP = Float64Array.from({ length: L }, (_, i) => 0.01 * (i + 1));
const xs = Float64Array.from(
  { length: L * N },
  (_, k) => 1e-22 * (1 + Math.sin(k)),
);
const XS_PARAMS = { molmass: 28, nnu: N };

Deno.test({
  name:
    "kernel pool: rt.opacity_profile_xs split over two threads equals the js kernel bit for bit",
  ignore: !poolSupported(),
  fn: async () => {
    const be = await createStageWasmBackend({ workers: 1 });
    assert(be.pool !== null && be.pool.threads === 2);
    const ins = [dP, xs, new Float64Array([0.01]), new Float64Array([1e5])];
    const out = be.alloc(L * N);
    be.run(
      "rt.opacity_profile_xs",
      ins.map((a) => up(be, a)),
      [out],
      XS_PARAMS,
    );
    assert(be.pool.stats.split === 1, JSON.stringify(be.pool.stats));
    const ref = new Float64Array(L * N);
    opacityProfileXsJsKernels().forward(ins, [ref], XS_PARAMS);
    const got = be.readSync(out);
    assert(got.every((v, i) => Object.is(v, ref[i])), "split ≠ one thread");
    const pool = be.pool;
    be.destroy();
    assert(pool.threads as number === 1, "destroy() did not stop the worker");
  },
});

Deno.test({
  name:
    "kernel pool: a bad value in the worker's half gives the kernel's error with its true layer index",
  ignore: !poolSupported(),
  fn: async () => {
    const be = await createStageWasmBackend({ workers: 1 });
    const bad = xs.slice();
    bad[6 * N + 5] = NaN; // layer 6: the worker's half (layers 4..7)
    const ins = [dP, bad, new Float64Array([0.01]), new Float64Array([1e5])];
    const bufs = ins.map((a) => up(be, a));
    const err = await assertThrowsWith(
      () => be.run("rt.opacity_profile_xs", bufs, [be.alloc(L * N)], XS_PARAMS),
      "layer 6, wavenumber index 5",
    );
    assert(err instanceof NonFiniteError, String(err));
    // the line profile splits its layers itself: the worker's half ran and reported the bad
    // value, and the js kernel gave the error
    assert(be.pool!.stats.split === 1, JSON.stringify(be.pool!.stats));
    be.destroy();
  },
});

Deno.test({
  name:
    "kernel pool: the summed cotangent of a scalar gravity (CIA profile pullback) agrees to 1e-15",
  ignore: !poolSupported(),
  fn: async () => {
    const be = await createStageWasmBackend({ workers: 1 });
    const p = Float64Array.from({ length: L }, (_, i) => 0.1 * (i + 1));
    const la = Float64Array.from(
      { length: L * N },
      (_, k) => -45 - (k % 7) / 10,
    );
    const t = Float64Array.from({ length: L }, (_, i) => 900 + 50 * i);
    const g = new Float64Array([2e5]);
    const params = {
      vmr1: 0.8,
      vmr2: 0.8,
      mmw: 2.3,
      need0: 1,
      need1: 1,
      need2: 1,
    };
    const k = opacityProfileCiaJsKernels();
    const ins = [p, dP, la, t, g];
    const res = [
      new Float64Array(L * N),
      new Float64Array(L * N),
      new Float64Array(L),
    ];
    k.vjp(ins, res, params);
    const ct = Float64Array.from({ length: L * N }, (_, i) => Math.cos(i));
    const pbIns = [...ins, res[1]!, res[2]!, ct];
    const ref = [
      new Float64Array(L * N),
      new Float64Array(L),
      new Float64Array(1),
    ];
    k.pullback(pbIns, ref, params);
    const outs = ref.map((a) => be.alloc(a.length));
    be.run(
      "rt.opacity_profile_cia.pullback",
      pbIns.map((a) => up(be, a)),
      outs,
      params,
    );
    assert(be.pool!.stats.split === 1, JSON.stringify(be.pool!.stats));
    const got = outs.map((b) => be.readSync(b));
    assert(
      got[0]!.every((v, i) => Object.is(v, ref[0]![i])),
      "logacia cotangent",
    );
    assert(
      got[1]!.every((v, i) => Object.is(v, ref[1]![i])),
      "temperature cotangent",
    );
    const e = Math.abs(got[2]![0]! / ref[2]![0]! - 1);
    assert(e < 1e-15, `gravity cotangent: relative difference ${e}`);
    be.destroy();
  },
});

Deno.test({
  name:
    "kernel pool: a kernel the worker does not have runs whole on this thread, with the worker's message kept",
  ignore: !poolSupported(),
  fn: async () => {
    const memory = new WebAssembly.Memory({
      initial: 16,
      maximum: 64,
      shared: true,
    });
    const pool = await createKernelPool(memory, WORKER);
    const x = new Float64Array(memory.buffer, 0, 20000);
    const y = new Float64Array(memory.buffer, 8 * 20000, 20000);
    x.fill(3);
    const twice = (
      [a]: readonly Float64Array[],
      [b]: readonly Float64Array[],
    ) => {
      for (let i = 0; i < a!.length; i++) b![i] = 2 * a![i]!;
    };
    pool.run("demo.twice", twice, [x], [y], {}, {
      layers: 4,
      ins: [5000],
      outs: [5000],
    });
    assert(y.every((v) => v === 6));
    assert(pool.stats.fallback === 1 && pool.stats.split === 0);
    assert(
      String(pool.stats.lastError).includes("demo.twice"),
      String(pool.stats.lastError),
    );
    // a call too small to pay runs on this thread without asking the worker
    pool.run("demo.twice", twice, [x.subarray(0, 8)], [y.subarray(0, 8)], {}, {
      layers: 4,
      ins: [2],
      outs: [2],
    });
    assert(pool.stats.fallback === 1);
    pool.close();
    assert(pool.threads === 1);
  },
});

Deno.test({
  name:
    "kernel pool: a split AssemblyScript kernel (the CIA profile) called many times does not grow the worker's memory",
  ignore: !poolSupported(),
  fn: async () => {
    const be = await createStageWasmBackend({ workers: 1 });
    const L = 20, N = 20000; // each half's log10 k: 1.6 MB copied to the worker per call
    const ins = [
      Float64Array.from({ length: L }, (_, i) => 0.1 * (i + 1)),
      Float64Array.from({ length: L }, (_, i) => 0.01 * (i + 1)),
      Float64Array.from({ length: L * N }, (_, k) => -45 - (k % 7) / 10),
      Float64Array.from({ length: L }, (_, i) => 900 + 20 * i),
      new Float64Array([2e5]),
    ].map((a) => up(be, a));
    const out = be.alloc(L * N);
    const params = { vmr1: 0.8, vmr2: 0.8, mmw: 2.3 };
    const call = () => be.run("rt.opacity_profile_cia", ins, [out], params);
    for (let i = 0; i < 5; i++) call();
    const rss0 = Deno.memoryUsage().rss;
    for (let i = 0; i < 60; i++) call();
    const grown = (Deno.memoryUsage().rss - rss0) / 2 ** 20;
    // a kept copy per call would add 60 × 1.6 MB ≈ 96 MB
    assert(
      grown < 40,
      `the process grew by ${grown.toFixed(1)} MB over 60 calls`,
    );
    assert(be.pool!.stats.split >= 65, JSON.stringify(be.pool!.stats));
    be.destroy();
  },
});
