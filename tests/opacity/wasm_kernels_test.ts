// The AssemblyScript kernels of opacity.premodit_xsmatrix (forward and .vjp) against the js
// kernels, at 1e-12 relative to each output's largest value, on the edge cases: one layer, N
// odd, pressures that take every wrap-around path (none: γ < 1e-8·2N; the series; the closed
// form for γ > N/4), temperatures at the range ends, each need0/need1 combination; and the js
// kernel's errors (a non-finite or non-positive T or P at its layer, a T out of range).
import { createStageWasmBackend } from "../../src/spectrum/stage_backend.ts";
import {
  premoditStageConsts,
  premoditXsmatrixJsKernels,
} from "../../src/opacity/kernels.ts";
import { createOpaPremodit } from "../../src/opacity/premodit.ts";
import type { WasmBackend } from "../../src/backend/wasm/wasm_backend.ts";
import type { KernelParams } from "../../src/backend/backend.ts";
import { syntheticLines } from "../_stage_parity.ts";
import { assert, assertThrowsWith } from "../_util.ts";

const STAGE = "opacity.premodit_xsmatrix";

function setup(n: number) {
  const nu = Float64Array.from(
    { length: n },
    (_, i) => 4300 * Math.exp(i / 1e5),
  );
  const u = Float64Array.from(
    { length: 240 },
    (_, i) => (Math.sin(7 * i + 1) + 1) / 2,
  );
  const opa = createOpaPremodit(syntheticLines(nu, u), nu, {
    autoTrange: [500, 1500],
  });
  return premoditStageConsts(opa.tables);
}

function rel(a: Float64Array, b: Float64Array): number {
  let s = 0, e = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i]! - b[i]!));
  return s === 0 ? e : e / s;
}

/** Runs a kernel on wasm (inputs uploaded) and returns its outputs. */
function runWasm(
  be: WasmBackend,
  name: string,
  ins: Float64Array[],
  outs: number[],
  p: KernelParams,
): Float64Array[] {
  const bi = ins.map((a) => {
    const b = be.alloc(a.length);
    be.write(b, a);
    return b;
  });
  const bo = outs.map((n) => be.alloc(n));
  be.run(name, bi, bo, p);
  const r = bo.map((b) => be.readSync(b));
  [...bi, ...bo].forEach((b) => be.free(b));
  return r;
}

const be = await createStageWasmBackend({ workers: 0 });

Deno.test("premodit on wasm: forward and vjp equal js to 1e-12 over the wrap-around paths, one layer, odd N, every need", () => {
  for (const n of [257, 512]) {
    const { consts, params } = setup(n);
    const js = premoditXsmatrixJsKernels();
    const nk = n + 1;
    const cases: [string, number[], number[]][] = [
      ["one layer", [1000], [1]],
      // γ from ~1e-11 cells (no wrap-around) through the series to the closed form (γ > N/4)
      ["every alias path", [500, 800, 1100, 1300, 1500], [
        1e-12,
        1e-3,
        3,
        300,
        3e4,
      ]],
    ];
    for (const [label, t, p] of cases) {
      const L = t.length;
      const ins = [...consts, new Float64Array(t), new Float64Array(p)];
      const ref = new Float64Array(L * n);
      js.forward(ins, [ref], params);
      const [got] = runWasm(be, STAGE, ins, [L * n], params);
      const e = rel(got!, ref);
      assert(e < 1e-12, `N ${n} ${label} forward: ${e}`);
      for (const [need0, need1] of [[1, 1], [1, 0], [0, 1], [0, 0]] as const) {
        const pp = { ...params, need0, need1 };
        const sizes = [L * n, need0 ? 2 * L * nk : 0, need1 ? 2 * L * nk : 0];
        const r = sizes.map((s) => new Float64Array(s));
        js.vjp(ins, r, pp);
        const w = runWasm(be, `${STAGE}.vjp`, ins, sizes, pp);
        r.forEach((a, i) => {
          const ei = rel(w[i]!, a);
          assert(
            ei < 1e-12,
            `N ${n} ${label} vjp need ${need0}${need1} output ${i}: ${ei}`,
          );
        });
      }
    }
  }
});

Deno.test("premodit on wasm: the js kernel's errors, naming the layer", async () => {
  const { consts, params } = setup(64);
  const bad = async (t: number[], p: number[], ...msg: string[]) => {
    const ins = [...consts, new Float64Array(t), new Float64Array(p)];
    const jsErr = await assertThrowsWith(
      () =>
        premoditXsmatrixJsKernels().forward(ins, [
          new Float64Array(t.length * 64),
        ], params),
      ...msg,
    );
    const wErr = await assertThrowsWith(
      () => runWasm(be, STAGE, ins, [t.length * 64], params),
      ...msg,
    );
    assert(
      wErr.message === jsErr.message,
      `${wErr.message} ≠ ${jsErr.message}`,
    );
    assert(wErr.constructor === jsErr.constructor, "error class");
  };
  await bad([1000, 1000, NaN], [1, 1, 1], "t[2]");
  await bad([1000, 1000], [1, 0], "pBar[1]");
  await bad(
    [1000, 2000],
    [1, 1],
    "2000",
    "outside the PreMODIT temperature range",
  );
  await assertThrowsWith(
    () =>
      runWasm(
        be,
        STAGE,
        [...consts, new Float64Array([1000, 1000]), new Float64Array([1, 1])],
        [128],
        {
          ...params,
          batch: 2,
          bat0: 1,
          bat1: 1,
        },
      ),
    "no batch axis",
  );
});

Deno.test("premodit on wasm, two threads: the worker's half of the layers (its own plan and scratch, the same memory) equals one thread bit for bit", async () => {
  const be2 = await createStageWasmBackend({ workers: 1 });

  try {
    if (be2.pool === null) return; // no worker threads here: nothing to compare
    const n = 3001; // odd; 7 layers × 3001 ≥ the 16384 elements that are split
    const { consts, params } = setup(n);
    const nk = n + 1;
    const t = [500, 700, 800, 1000, 1200, 1400, 1500];
    const p = [1e-12, 1e-3, 0.1, 3, 30, 300, 3e4];
    const L = t.length;
    const ins = [...consts, new Float64Array(t), new Float64Array(p)];
    const s0 = be2.pool.stats.split;
    for (
      const [name, sizes, pp] of [
        [STAGE, [L * n], params],
        [`${STAGE}.vjp`, [L * n, 2 * L * nk, 2 * L * nk], {
          ...params,
          need0: 1,
          need1: 1,
        }],
        [`${STAGE}.vjp`, [L * n, 2 * L * nk, 0], {
          ...params,
          need0: 1,
          need1: 0,
        }],
      ] as [string, number[], KernelParams][]
    ) {
      const one = runWasm(be, name, ins, sizes, pp);
      const got = runWasm(be2, name, ins, sizes, pp);
      one.forEach((a, i) => {
        const d = a.findIndex((v, j) => !Object.is(v, got[i]![j]));
        assert(d < 0, `${name} output ${i} differs at ${d}`);
      });
    }
    assert(be2.pool.stats.split === s0 + 3, "every call split");
    assert(be2.pool.stats.fallback === 0, "no fallback");
    // one layer, or a call below the split size, runs whole here
    runWasm(
      be2,
      STAGE,
      [...consts, new Float64Array([900]), new Float64Array([1])],
      [n],
      params,
    );
    assert(be2.pool.stats.split === s0 + 3, "one layer is not split");
  } finally {
    be2.destroy();
  }
});
