// The WASM SIMD kernels of rt.emission_ibased (asm/ibased.ts via src/rt/wasm_kernels.ts)
// against the js kernels of the same names, on the edge cases issue 10 names: sizes that are
// not a multiple of the SIMD width, one layer, one wavenumber, optical depths 0 and 1e4, and
// 2 to 16 streams. Outputs agree to 1e-12 relative to each output's largest |value|; bad input
// throws the js kernel's error.
import assert from "node:assert";
import { createWasmBackend } from "../../src/backend/wasm/wasm_backend.ts";
import { registerRtWasmStages } from "../../src/rt/wasm_kernels.ts";
import {
  createStageJsBackend,
  createStageWasmBackend,
} from "../../src/spectrum/stage_backend.ts";
import { poolSupported } from "../../src/backend/wasm/kernel_pool.ts";
import type { Backend, KernelParams } from "../../src/backend/backend.ts";
import { key, split, uniform } from "../../src/random/mod.ts";

const wasm = await createWasmBackend();
registerRtWasmStages(wasm);
const js = createStageJsBackend();

let k = key(20261207);
function rand(n: number, lo: number, hi: number): Float64Array {
  const [a, b] = split(k);
  k = a!;
  return uniform(b!, n).map((u) => lo + (hi - lo) * u);
}

function run(
  be: Backend,
  name: string,
  ins: Float64Array[],
  outs: number[],
  p: KernelParams,
): Float64Array[] {
  const bi = ins.map((x) => {
    const b = be.alloc(x.length);
    be.write(b, x);
    return b;
  });
  const bo = outs.map((n) => be.alloc(n));
  try {
    be.run(name, bi, bo, p);
    return bo.map((b) => be.readSync!(b));
  } finally {
    [...bi, ...bo].forEach((b) => be.free(b));
  }
}

function worst(a: Float64Array[], b: Float64Array[]): number {
  let e = 0;
  a.forEach((x, j) => {
    const s = Math.max(1e-300, ...Array.from(x, Math.abs));
    x.forEach((v, i) => (e = Math.max(e, Math.abs(b[j]![i]! - v) / s)));
  });
  return e;
}

const CASES: [string, number, number, (n: number) => Float64Array][] = [
  ["L=6 N=7 (odd)", 6, 7, (n) => rand(n, 0, 2)],
  ["L=1 N=1", 1, 1, (n) => rand(n, 0, 2)],
  ["L=1 N=8", 1, 8, (n) => rand(n, 0, 2)],
  ["L=5 N=1", 5, 1, (n) => rand(n, 0, 2)],
  ["dtau 0", 4, 9, (n) => new Float64Array(n)],
  ["dtau 1e4", 4, 9, (n) => new Float64Array(n).fill(1e4)],
  [
    "dtau 0 … 1e4 mixed",
    8,
    33,
    (n) =>
      rand(n, 0, 1).map((u, i) => (i % 3 === 0 ? 0 : u < 0.5 ? 1e4 * u : u)),
  ],
];

Deno.test("wasm rt.emission_ibased (forward, jvp, vjp, pullback) equals js to 1e-12 on the edge cases", () => {
  let maxErr = 0;
  for (const [label, L, N, dtauOf] of CASES) {
    for (const nstream of [2, 8, 16]) {
      const nu = Float64Array.from({ length: N }, (_, j) => 4300 + 0.37 * j);
      const dtau = dtauOf(L * N);
      const t = rand(L, 600, 2500);
      const p = { nstream };
      const what = `${label}, nstream ${nstream}`;
      const cmp = (
        name: string,
        ins: Float64Array[],
        outs: number[],
        q: KernelParams,
      ) => {
        const e = worst(
          run(js, name, ins, outs, q),
          run(wasm, name, ins, outs, q),
        );
        assert.ok(e < 1e-12, `${name} ${what}: relative error ${e}`);
        maxErr = Math.max(maxErr, e);
      };
      cmp("rt.emission_ibased", [nu, dtau, t], [N], p);
      for (const [n0, n1] of [[1, 1], [1, 0], [0, 1]] as const) {
        const q = { ...p, need0: n0, need1: n1 };
        cmp("rt.emission_ibased.vjp", [nu, dtau, t], [
          N,
          n0 * L * N,
          n1 * L * N,
        ], q);
        const [, rD, rT] = run(js, "rt.emission_ibased.vjp", [nu, dtau, t], [
          N,
          n0 * L * N,
          n1 * L * N,
        ], q);
        cmp(
          "rt.emission_ibased.pullback",
          [nu, dtau, t, rD!, rT!, rand(N, -1, 1)],
          [n0 * L * N, n1 * L],
          q,
        );
      }
      for (const K of [1, 3]) {
        for (const [wd, wt] of [[1, 1], [1, 0], [0, 1]] as const) {
          cmp(
            "rt.emission_ibased.jvp",
            [
              nu,
              dtau,
              t,
              wd ? rand(K * L * N, -1, 1) : new Float64Array(0),
              wt ? rand(K * L, -50, 50) : new Float64Array(0),
            ],
            [N, K * N],
            { ...p, k: K },
          );
        }
      }
    }
  }
  console.log(
    `worst relative difference wasm vs js: ${maxErr.toExponential(2)}`,
  );
});

Deno.test("wasm rt.emission_ibased refuses bad input with the js kernel's errors, and a batch", () => {
  const nu = new Float64Array([4300, 4301]);
  const bad = new Float64Array([0.1, NaN, 0.2, 0.3]),
    t = new Float64Array([900, 1000]);
  const msg = (be: Backend) => {
    try {
      run(be, "rt.emission_ibased", [nu, bad, t], [2], { nstream: 8 });
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return "no error";
  };
  assert.strictEqual(msg(wasm), msg(js));
  assert.match(msg(wasm), /NonFiniteError/);
  assert.throws(
    () =>
      run(
        wasm,
        "rt.emission_ibased",
        [nu, new Float64Array(8), new Float64Array(4)],
        [4],
        { nstream: 8, batch: 2, bat0: 1, bat1: 1 },
      ),
    /takes no batch axis yet/,
  );
});

Deno.test({
  name:
    "wasm rt.emission_ibased on two threads (half the wavenumbers on the worker): flux and Jacobian equal one thread bit for bit, the ∂/∂T pullback within the bound of a reordered sum",
  ignore: !poolSupported(),
  fn: async () => {
    const two = await createStageWasmBackend({ workers: 1 });
    const one = await createStageWasmBackend({ workers: 0 });
    assert.ok(two.pool !== null);
    const L = 17, N = 4001; // L·N above the split threshold; N odd: the worker's part is odd
    const nu = Float64Array.from({ length: N }, (_, j) => 4000 + 0.1 * j);
    const dtau = rand(L * N, 0, 2);
    dtau[5 * N + 3000] = 1e4;
    dtau[2 * N + 100] = 0;
    const t = rand(L, 600, 1600);
    const ct = rand(N, -1, 1);
    const p = { nstream: 8, need0: 1, need1: 1 };
    const same = (a: Float64Array, b: Float64Array) =>
      a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    const split0 = two.pool.stats.split;
    const [f2] = run(two, "rt.emission_ibased", [nu, dtau, t], [N], p);
    const [f1] = run(one, "rt.emission_ibased", [nu, dtau, t], [N], p);
    assert.ok(same(f2!, f1!), "flux");
    const v2 = run(two, "rt.emission_ibased.vjp", [nu, dtau, t], [
      N,
      L * N,
      L * N,
    ], p);
    const v1 = run(one, "rt.emission_ibased.vjp", [nu, dtau, t], [
      N,
      L * N,
      L * N,
    ], p);
    v1.forEach((a, i) => assert.ok(same(v2[i]!, a), `vjp output ${i}`));
    const pin = [nu, dtau, t, v1[1]!, v1[2]!, ct];
    const b2 = run(two, "rt.emission_ibased.pullback", pin, [L * N, L], p);
    const b1 = run(one, "rt.emission_ibased.pullback", pin, [L * N, L], p);
    assert.ok(same(b2[0]!, b1[0]!), "dτ cotangent");
    // the ∂/∂T sums over ν in another order (two partial sums): each summation has an error of
    // at most (N − 1)·u·Σ|terms| (u = 2⁻⁵³), so they differ by at most twice that
    const rT = v1[2]!;
    b1[1]!.forEach((g, i) => {
      let abs = 0;
      for (let j = 0; j < N; j++) abs += Math.abs(ct[j]! * rT[i * N + j]!);
      const bound = 2 * (N - 1) * 2 ** -53 * abs;
      assert.ok(
        Math.abs(b2[1]![i]! - g) <= bound,
        `T cotangent ${i}: ${b2[1]![i]} vs ${g} (bound ${bound})`,
      );
    });
    assert.strictEqual(two.pool.stats.split - split0, 3);
    assert.strictEqual(
      two.pool.stats.fallback,
      0,
      String(two.pool.stats.lastError),
    );
    two.destroy();
    one.destroy();
  },
});

Deno.test("wasm rt.opacity_profile_cia (forward, vjp) equals js to 1e-12 (odd N, one layer, −∞ log k), and bad input gets the js kernel's error", () => {
  const p = {
    vmr1: 0.855,
    vmr2: 0.855,
    mmw: 2.33,
    need0: 1,
    need1: 1,
    need2: 1,
  };
  for (const [L, N] of [[1, 1], [3, 7], [10, 501]] as const) {
    const pr = rand(L, 1e-3, 10), dp = pr.map((x) => 0.1 * x);
    const la = rand(L * N, -47, -43);
    la[L * N - 1] = -Infinity;
    const t = rand(L, 500, 2500), g = new Float64Array([2.4e4]);
    const ins = [pr, dp, la, t, g];
    for (
      const [k, outs] of [["", [L * N]], [".vjp", [L * N, L * N, L]]] as const
    ) {
      const w = run(wasm, `rt.opacity_profile_cia${k}`, ins, [...outs], p);
      const j = run(js, `rt.opacity_profile_cia${k}`, ins, [...outs], p);
      j.forEach((a, i) => {
        const e = worst([a], [w[i]!]);
        assert.ok(e < 1e-12, `L ${L} N ${N} ${k} output ${i}: ${e}`);
      });
      assert.strictEqual(w[0]![L * N - 1], 0);
    }
  }
  const L = 3, N = 5;
  const base = [
    new Float64Array([0.1, 1, 10]),
    new Float64Array([0.01, 0.1, 1]),
    rand(L * N, -46, -44),
    new Float64Array([800, 900, 1000]),
    new Float64Array([2.4e4]),
  ];
  const bad: [number, number, string][] = [[2, 7, "NaN"], [2, 13, "Infinity"], [
    3,
    1,
    "0",
  ]];
  for (const [arg, at, v] of bad) {
    const ins = base.map((a) => a.slice());
    ins[arg]![at] = Number(v);
    let we = "", je = "";
    try {
      run(wasm, "rt.opacity_profile_cia", ins, [L * N], p);
    } catch (e) {
      we = String(e);
    }
    try {
      run(js, "rt.opacity_profile_cia", ins, [L * N], p);
    } catch (e) {
      je = String(e);
    }
    assert.ok(
      je !== "" && we === je,
      `${arg}[${at}] = ${v}: "${we}" vs "${je}"`,
    );
  }
});

Deno.test("wasm rt.opacity_profile_xs (forward, vjp, pullback) equals js bit for bit (odd N, one layer, one wavenumber, σ < 0, per-layer and scalar mmr and gravity, each wanted cotangent)", () => {
  const same = (a: Float64Array, b: Float64Array, what: string) => {
    assert.strictEqual(a.length, b.length, `${what}: length`);
    const i = a.findIndex((v, j) => !Object.is(v, b[j]));
    assert.ok(i < 0, `${what}: differs at ${i}: ${a[i]} vs ${b[i]}`);
  };
  const XS = "rt.opacity_profile_xs";
  for (const [L, N] of [[1, 1], [1, 8], [3, 7], [10, 501], [5, 1]] as const) {
    for (const profile of [false, true]) {
      const dp = rand(L, 1e-3, 1);
      const xs = rand(L * N, -1e-24, 1e-20);
      xs[0] = -0; // the sign test of the pullback at −0
      const m = profile ? rand(L, 0, 0.02) : new Float64Array([0.01]);
      const g = profile ? rand(L, 1e3, 1e5) : new Float64Array([2.4e4]);
      const p = { molmass: 28.0101, nnu: N, need0: 1, need1: 1, need2: 1 };
      const ins = [dp, xs, m, g];
      const label = `L ${L} N ${N} ${profile ? "profiles" : "scalars"}`;
      const vs = [L * N, L, L, L];
      for (const [k, outs] of [["", [L * N]], [".vjp", vs]] as const) {
        const w = run(wasm, `${XS}${k}`, ins, [...outs], p);
        const j = run(js, `${XS}${k}`, ins, [...outs], p);
        j.forEach((a, i) => same(w[i]!, a, `${label}${k} output ${i}`));
      }
      const res = run(js, `${XS}.vjp`, ins, vs, p).slice(1);
      const ct = rand(L * N, -1, 1);
      for (const want of [[1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]) {
        const gs = want.map((x, i) => (x ? ins[i + 1]!.length : 0));
        const pin = [...ins, ...res, ct];
        const w = run(wasm, `${XS}.pullback`, pin, gs, p);
        const j = run(js, `${XS}.pullback`, pin, gs, p);
        j.forEach((a, i) =>
          same(w[i]!, a, `${label} pullback ${want.join("")} grad ${i}`)
        );
      }
    }
  }
  // bad input: the js kernel's errors
  const L = 3, N = 5;
  const p = { molmass: 28, nnu: N, need0: 1, need1: 1, need2: 1 };
  const base = [
    new Float64Array([0.1, 0.2, 0.3]),
    rand(L * N, 0, 1e-20),
    new Float64Array([0.01]),
    new Float64Array([2.4e4]),
  ];
  const bad: [number, number, number][] = [
    [1, 7, NaN],
    [1, 14, Infinity],
    [1, 4, -Infinity],
    [0, 1, 0],
    [2, 0, -1],
    [3, 0, NaN],
  ];
  for (const [arg, at, v] of bad) {
    const ins = base.map((a) => a.slice());
    ins[arg]![at] = v;
    for (const k of ["", ".vjp"]) {
      const outs = k === "" ? [L * N] : [L * N, L, L, L];
      let we = "", je = "";
      try {
        run(wasm, `${XS}${k}`, ins, outs, p);
      } catch (e) {
        we = String(e);
      }
      try {
        run(js, `${XS}${k}`, ins, outs, p);
      } catch (e) {
        je = String(e);
      }
      assert.ok(
        je !== "" && we === je,
        `${arg}[${at}] = ${v}${k}: "${we}" vs "${je}"`,
      );
    }
  }
});

Deno.test({
  name:
    "wasm rt.opacity_profile_xs and _cia on two threads (half the layers on the worker): one thread's bits and js's (xs), a bad value in the worker's half gets the js kernel's error",
  ignore: !poolSupported(),
  fn: async () => {
    const two = await createStageWasmBackend({ workers: 1 });
    const one = await createStageWasmBackend({ workers: 0 });
    assert.ok(two.pool !== null);
    const same = (a: Float64Array, b: Float64Array) =>
      a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    const L = 21, N = 3501; // L·N above the split threshold, L odd: the halves differ
    const split0 = two.pool.stats.split;
    // the line profile, scalar mmr and gravity (their cotangents summed over both halves)
    const XS = "rt.opacity_profile_xs";
    const px = { molmass: 28.0101, nnu: N, need0: 1, need1: 1, need2: 1 };
    const dp = rand(L, 1e-3, 1), xs = rand(L * N, -1e-24, 1e-20);
    const xin = [dp, xs, new Float64Array([0.01]), new Float64Array([2.4e4])];
    const vs = [L * N, L, L, L];
    for (const be of [two, js]) {
      const [a] = run(be, XS, xin, [L * N], px);
      const [b] = run(one, XS, xin, [L * N], px);
      assert.ok(same(a!, b!), `xs forward (${be.name})`);
      const va = run(be, `${XS}.vjp`, xin, vs, px);
      const vb = run(one, `${XS}.vjp`, xin, vs, px);
      va.forEach((x, i) => assert.ok(same(x, vb[i]!), `xs vjp ${i}`));
      const pin = [...xin, ...vb.slice(1), rand(L * N, -1, 1)];
      const ga = run(be, `${XS}.pullback`, pin, [L * N, 1, 1], px);
      const gb = run(one, `${XS}.pullback`, pin, [L * N, 1, 1], px);
      ga.forEach((x, i) => assert.ok(same(x, gb[i]!), `xs pullback ${i}`));
    }
    // the CIA profile
    const CIA = "rt.opacity_profile_cia";
    const pc = {
      vmr1: 0.855,
      vmr2: 0.855,
      mmw: 2.33,
      need0: 1,
      need1: 1,
      need2: 1,
    };
    const pr = rand(L, 1e-3, 10);
    const cin = [
      pr,
      pr.map((x) => 0.1 * x),
      rand(L * N, -47, -43),
      rand(L, 500, 2500),
      new Float64Array([2.4e4]),
    ];
    for (
      const [k, outs] of [["", [L * N]], [".vjp", [L * N, L * N, L]]] as const
    ) {
      const a = run(two, `${CIA}${k}`, cin, [...outs], pc);
      const b = run(one, `${CIA}${k}`, cin, [...outs], pc);
      a.forEach((x, i) => assert.ok(same(x, b[i]!), `cia${k} output ${i}`));
    }
    assert.strictEqual(two.pool.stats.split - split0, 5);
    // a bad value in the worker's half (the last layer): the js kernel's error
    const err = (
      be: Backend,
      name: string,
      ins: Float64Array[],
      outs: number[],
      p: KernelParams,
    ) => {
      try {
        run(be, name, ins, outs, p);
      } catch (e) {
        return String(e);
      }
      return "";
    };
    const xbad = xin.map((a) => a.slice());
    xbad[1]![(L - 1) * N + 17] = NaN;
    const ex = err(js, XS, xbad, [L * N], px);
    assert.ok(ex !== "" && err(two, XS, xbad, [L * N], px) === ex, ex);
    const cbad = cin.map((a) => a.slice());
    cbad[2]![(L - 1) * N + 5] = Infinity;
    const ec = err(js, CIA, cbad, [L * N], pc);
    assert.ok(ec !== "" && err(two, CIA, cbad, [L * N], pc) === ec, ec);
    assert.strictEqual(
      two.pool.stats.fallback,
      0,
      String(two.pool.stats.lastError),
    );
    two.destroy();
    one.destroy();
  },
});

Deno.test("wasm rt.emission_ibased: teardown", () => wasm.destroy());
