// The opacity stages (src/opacity/kernels.ts) through stagePrimitive on the js backend against
// the existing primitives (src/opacity/primitives.ts): forward, JVP, VJP and the core
// transformations give the same numbers bit for bit, pullbacks are repeatable, bad input throws
// the same errors, and the rebuilt tables are memoized.
import {
  sameError,
  sameTensor,
  stageParity,
  syntheticLines,
} from "../_stage_parity.ts";
import assert from "node:assert";
import { createJsBackend } from "../../src/backend/js/js_backend.ts";
import {
  registerStageKernels,
  stagePrimitive,
} from "../../src/ad/stage_kernels.ts";
import { bind } from "../../src/ad/core.ts";
import { Tensor } from "../../src/ad/tensor.ts";
import { key, split, uniform } from "../../src/random/mod.ts";
import { createRfftPlan } from "../../src/fft/fft.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../../src/backend/wasm/wasm_backend.ts";
import {
  ciaLogaciaJsKernels,
  ciaLogaciaStage,
  ciaStageConsts,
  premoditStageConsts,
  premoditTablesFromConsts,
  premoditXsmatrixJsKernels,
  premoditXsmatrixStage,
  registerOpacityStages,
} from "../../src/opacity/kernels.ts";
import {
  logaciaPrimitive,
  xsmatrixPrimitive,
} from "../../src/opacity/primitives.ts";
import {
  createOpaPremodit,
  type OpaPremoditOptions,
} from "../../src/opacity/premodit.ts";
import { createOpaCia, type OpaCiaOptions } from "../../src/opacity/cia.ts";

// ESLOG grid, R = 1e5, 512 points from 4300 cm⁻¹.
const N = 512;
const NU = Float64Array.from({ length: N }, (_, i) => 4300 * Math.exp(i / 1e5));
const [kl, kt, kc, kw, kx] = split(key(7351), 5);

/** 40 random lines inside the grid, partition function tabulated every 50 K. */
const LINES = syntheticLines(NU, uniform(kl!, 6 * 40));

const L = 6;
const T = Float64Array.from(uniform(kt!, L), (x) => 600 + 800 * x);
const P = Float64Array.from({ length: L }, (_, l) => 10 ** (-2 + 0.5 * l));
const UC = uniform(kc!, 8 * N);
const UW = uniform(kw!, 8 * N);
const UX = uniform(kx!, 8 * L);

const t = (a: ArrayLike<number>, shape?: number[]) =>
  new Tensor(Float64Array.from(a), shape ?? [a.length]);

const byLayer = (s: readonly (readonly number[])[]) => [s[0]![0]!, N];
const cts: [Tensor, Tensor] = [
  t(UC.subarray(0, L * N).map((x) => 2 * x - 1), [L, N]),
  t(UW.subarray(0, L * N).map((x) => x - 0.3), [L, N]),
];

// ---------------------------------------------------------------- PreMODIT

function premoditCase(opts: OpaPremoditOptions) {
  const opa = createOpaPremodit(LINES, NU, opts);
  const be = createJsBackend();
  registerOpacityStages(be);
  const c = premoditStageConsts(opa.tables);
  const stage = stagePrimitive(be, premoditXsmatrixStage, {
    consts: c.consts.map((a) => be.wrap(a)),
    params: c.params,
    outShape: byLayer,
  }).primitive;
  return { opa, stage, ref: xsmatrixPrimitive(opa) };
}

const PM = premoditCase({ autoTrange: [500, 1500] });

Deno.test("opacity.premodit_xsmatrix: stage = xsmatrixPrimitive bit for bit", () => {
  assert.ok(PM.opa.nBroadening > 1 && PM.opa.nLbdEntries > 100);
  const tT = t(UX.subarray(0, 2 * L).map((x) => 40 * x - 20), [2, L]);
  const tP = t(UX.subarray(2 * L, 4 * L).map((x) => x - 0.5), [2, L]);
  // a direction that moves only some layers (per-layer skipping in the rule)
  const sparse = t(
    Float64Array.from({ length: 2 * L }, (_, i) => (i % 3 === 0 ? 5 : 0)),
    [2, L],
  );
  stageParity({
    stage: PM.stage,
    ref: PM.ref,
    args: [t(T), t(P)],
    tangents: [
      [tT, tP],
      [null, tP],
      [tT, null],
      [sparse, null],
      [null, null],
    ],
    cts,
  });
  // both tangents zero: the forward and zero tangents
  const [y0, d0] = PM.stage.jvp([t(T), t(P)], [null, null], {}, 2);
  sameTensor(y0, bind(PM.ref, [t(T), t(P)], {}), "zero tangents: out");
  sameTensor(
    d0,
    t(new Float64Array(2 * L * N), [2, L, N]),
    "zero tangents: dout",
  );
  // a zero cotangent row: that layer is skipped in the pullback
  const ct = cts[0].data.slice();
  ct.fill(0, 2 * N, 3 * N);
  const [, ra] = PM.stage.vjpForward!([t(T), t(P)], {});
  const [, rb] = PM.ref.vjpForward!([t(T), t(P)], {});
  const ga = PM.stage.vjpFromResidual!(ra, t(ct, [L, N]), {});
  const gb = PM.ref.vjpFromResidual!(rb, t(ct, [L, N]), {});
  sameTensor(ga[0]!, gb[0]!, "zero row: tBar");
  sameTensor(ga[1]!, gb[1]!, "zero row: pBar");
  assert.strictEqual((ga[0] as Tensor).data[2], 0);
});

Deno.test("opacity.premodit_xsmatrix: allowOutsideRange and diffmode 1 travel in the consts", () => {
  const c = premoditCase({
    autoTrange: [700, 1000],
    allowOutsideRange: true,
    diffmode: 1,
  });
  const tt = t(UX.subarray(4 * L, 6 * L).map((x) => 10 * x), [2, L]);
  stageParity({
    stage: c.stage,
    ref: c.ref,
    args: [t(T), t(P)],
    tangents: [[tt, null]],
    cts,
  });
});

Deno.test("opacity.premodit_xsmatrix: bad input throws the existing errors", () => {
  const bad = (i: number, v: number, a = T) => {
    const x = a.slice();
    x[i] = v;
    return x;
  };
  const cases: [string, Tensor[]][] = [
    ["t outside the range", [t(bad(2, 1600)), t(P)]],
    ["t NaN", [t(bad(1, NaN)), t(P)]],
    ["t ≤ 0", [t(bad(0, -5)), t(P)]],
    ["pBar ∞", [t(T), t(bad(4, Infinity, P))]],
    ["pBar = 0", [t(T), t(bad(3, 0, P))]],
  ];
  const tan = [t(new Float64Array(2 * L).fill(1), [2, L]), null];
  for (const [what, args] of cases) {
    sameError(
      () => bind(PM.stage, args, {}),
      () => bind(PM.ref, args, {}),
      `${what}: forward`,
    );
    sameError(
      () => PM.stage.jvp(args, tan, {}, 2),
      () => PM.ref.jvp(args, tan, {}, 2),
      `${what}: jvp`,
    );
    sameError(
      () => PM.stage.vjpForward!(args, {}),
      () => PM.ref.vjpForward!(args, {}),
      `${what}: vjp`,
    );
  }
  // lengths: the forward's TypeError (opa.xsmatrix) and the rules' (vjp)
  const short = [t(T), t(P.subarray(1))];
  sameError(
    () => bind(PM.stage, short, {}),
    () => bind(PM.ref, short, {}),
    "pBar length: forward",
  );
  sameError(
    () => PM.stage.vjpForward!(short, {}),
    () => PM.ref.vjpForward!(short, {}),
    "pBar length: vjp",
  );
});

Deno.test("opacity.premodit_xsmatrix: the rebuilt rules are memoized per ν constant", () => {
  let plans = 0;
  const ks = premoditXsmatrixJsKernels({
    rfftPlan: (n) => {
      plans++;
      return createRfftPlan(n);
    },
  });
  const be = createJsBackend();
  registerStageKernels(be, ks);
  const c = premoditStageConsts(PM.opa.tables);
  const consts = c.consts.map((a) => be.wrap(a));
  const mk = (cs = consts) =>
    stagePrimitive(be, premoditXsmatrixStage, {
      consts: cs,
      params: c.params,
      outShape: byLayer,
    }).primitive;
  const stage = mk();
  const args = [t(T), t(P)];
  sameTensor(bind(stage, args, {}), bind(PM.ref, args, {}), "forward");
  stage.jvp(args, [t(new Float64Array(L).fill(1), [1, L]), null], {}, 1);
  const [, r] = stage.vjpForward!(args, {});
  stage.vjpFromResidual!(r, cts[0], {});
  assert.strictEqual(plans, 1);
  // the same tables again (new entSlot/entE copies, same content): still one build
  const c2 = premoditStageConsts(PM.opa.tables);
  bind(mk(c2.consts.map((a) => be.wrap(a))), args, {});
  assert.strictEqual(plans, 1);
  // other tables on another grid: a second build
  const other = createOpaPremodit(LINES, NU, {
    autoTrange: [500, 1500],
    diffmode: 0,
  });
  const c3 = premoditStageConsts(other.tables);
  const s3 = stagePrimitive(be, premoditXsmatrixStage, {
    consts: c3.consts.map((a) => be.wrap(a)),
    params: c3.params,
    outShape: byLayer,
  }).primitive;
  sameTensor(
    bind(s3, args, {}),
    bind(xsmatrixPrimitive(other), args, {}),
    "other tables",
  );
  assert.strictEqual(plans, 2);
  // the round trip of the tables
  const back = premoditTablesFromConsts(c.consts, c.params);
  assert.deepStrictEqual(back.entSlot, PM.opa.tables.entSlot);
  assert.deepStrictEqual(back.entE, PM.opa.tables.entE);
  assert.throws(
    () => premoditTablesFromConsts(c.consts, { ...c.params, tref: NaN }),
    {
      name: "TypeError",
      message:
        "opacity.premodit_xsmatrix: param tref must be a finite number, got NaN",
    },
  );
});

Deno.test("opacity.premodit_xsmatrix: the WASM FFT plan factory gives the calculator's numbers", async () => {
  const wasm = await createWasmBackend();
  try {
    const rfftPlan = (n: number) => createWasmRfftPlan(wasm, n);
    const opa = createOpaPremodit(LINES, NU, {
      autoTrange: [500, 1500],
      rfftPlan,
    });
    const be = createJsBackend();
    registerOpacityStages(be, { rfftPlan });
    const c = premoditStageConsts(opa.tables);
    const stage = stagePrimitive(be, premoditXsmatrixStage, {
      consts: c.consts.map((a) => be.wrap(a)),
      params: c.params,
      outShape: byLayer,
    }).primitive;
    const tT = t(UX.subarray(0, 2 * L), [2, L]);
    // the option matters: the default (TypeScript) plan gives other last bits
    const ref = bind(xsmatrixPrimitive(opa), [t(T), t(P)], {}) as Tensor;
    const ts = bind(PM.stage, [t(T), t(P)], {}) as Tensor;
    assert.notDeepStrictEqual(ts.data, ref.data);
    stageParity({
      stage,
      ref: xsmatrixPrimitive(opa),
      args: [t(T), t(P)],
      tangents: [[tT, tT]],
      cts,
    });
  } finally {
    wasm.destroy();
  }
});

// ---------------------------------------------------------------- CIA

/** A synthetic table: 40 ν columns over 4250–4350 cm⁻¹, 7 temperatures. */
const CIA_TABLE = (() => {
  const nu = Float64Array.from({ length: 40 }, (_, i) => 4250 + 2.5 * i);
  const tt = new Float64Array([200, 400, 600, 1000, 1500, 2000, 3000]);
  const u = uniform(key(99), tt.length * nu.length);
  const logk = Float64Array.from(
    u,
    (x, i) => -46 + 0.4 * Math.floor(i / nu.length) + 0.3 * x,
  );
  return { pair: "H2-He", nu, t: tt, logk };
})();
// includes table nodes (600, 1500 K) and, for the clamped calculator, temperatures outside
const TC = new Float64Array([
  650.5,
  600,
  1500,
  1234.5,
  2999,
  250,
  3000,
  1999.9,
]);
const TCOUT = new Float64Array([
  650.5,
  150,
  1500,
  1234.5,
  3500,
  250,
  3000,
  1999.9,
]);
const LC = TC.length;
const ctsC: [Tensor, Tensor] = [
  t(UC.subarray(0, LC * N).map((x) => 2 * x - 1), [LC, N]),
  t(UW.subarray(0, LC * N).map((x) => x - 0.3), [LC, N]),
];

function ciaCase(opts: OpaCiaOptions) {
  const opa = createOpaCia(CIA_TABLE, NU, opts);
  const be = createJsBackend();
  registerOpacityStages(be);
  const c = ciaStageConsts(opa);
  const stage = stagePrimitive(be, ciaLogaciaStage, {
    consts: c.consts.map((a) => be.wrap(a)),
    params: c.params,
    outShape: byLayer,
  }).primitive;
  return { opa, c, stage, ref: logaciaPrimitive(opa) };
}

Deno.test("opacity.cia_logacia: stage = logaciaPrimitive bit for bit, every option", () => {
  for (const nuInterpolation of ["digitize", "linear"] as const) {
    for (const clampTemperature of [false, true]) {
      const opts = { nuInterpolation, clampTemperature };
      const k = ciaCase(opts);
      assert.deepStrictEqual(k.c.params, {
        nuInterpolation: nuInterpolation === "linear" ? 1 : 0,
        clampTemperature: clampTemperature ? 1 : 0,
      }, `options ${JSON.stringify(opts)}`);
      const temps = clampTemperature ? TCOUT : TC;
      const tT = t(UX.subarray(0, 2 * LC).map((x) => 20 * x - 10), [2, LC]);
      stageParity({
        stage: k.stage,
        ref: k.ref,
        args: [t(temps)],
        tangents: [[tT], [null]],
        cts: ctsC,
      });
    }
  }
});

Deno.test("opacity.cia_logacia: bad input throws the existing errors", () => {
  const k = ciaCase({});
  const cases: [string, Tensor[]][] = [
    ["T above the table", [t([500, 3500])]],
    ["T below the table", [t([100, 500])]],
    ["T NaN", [t([500, NaN])]],
  ];
  for (const [what, args] of cases) {
    const tan = [t(new Float64Array(4).fill(1), [2, 2])];
    sameError(
      () => bind(k.stage, args, {}),
      () => bind(k.ref, args, {}),
      `${what}: forward`,
    );
    sameError(
      () => k.stage.jvp(args, tan, {}, 2),
      () => k.ref.jvp(args, tan, {}, 2),
      `${what}: jvp`,
    );
    sameError(
      () => k.stage.jvp(args, [null], {}, 2),
      () => k.ref.jvp(args, [null], {}, 2),
      `${what}: jvp, zero tangent`,
    );
    sameError(
      () => k.stage.vjpForward!(args, {}),
      () => k.ref.vjpForward!(args, {}),
      `${what}: vjp`,
    );
  }
  // the pair name travels in the consts: it is in the message
  assert.throws(
    () => bind(k.stage, [t([5000])], {}),
    /CIA table range \[200, 3000\] K of H2-He/,
  );
  // ciaStageConsts checks given options against the calculator
  assert.throws(
    () => ciaStageConsts(k.opa, { nuInterpolation: "linear" }),
    TypeError,
  );
  assert.throws(
    () => ciaStageConsts(k.opa, { clampTemperature: true }),
    TypeError,
  );
  assert.deepStrictEqual(
    ciaStageConsts(k.opa, { nuInterpolation: "digitize" }).params,
    k.c.params,
  );
  sameError(
    () => ciaStageConsts({} as never),
    () => logaciaPrimitive({} as never),
    "not a calculator",
  );
});

Deno.test("opacity.cia_logacia: the rebuilt calculator is memoized; two pairs share the grid", () => {
  const be = createJsBackend();
  const ks = ciaLogaciaJsKernels();
  registerStageKernels(be, ks);
  const a = createOpaCia(CIA_TABLE, NU);
  const b = createOpaCia({
    ...CIA_TABLE,
    pair: "H2-H2",
    logk: CIA_TABLE.logk.map((x) => x - 1),
  }, NU);
  const prim = (opa: typeof a) => {
    const c = ciaStageConsts(opa);
    return stagePrimitive(be, ciaLogaciaStage, {
      consts: c.consts.map((x) => be.wrap(x)),
      params: c.params,
      outShape: byLayer,
    }).primitive;
  };
  const [pa, pb] = [prim(a), prim(b)];
  const args = [t(TC)];
  for (let i = 0; i < 3; i++) {
    sameTensor(
      bind(pa, args, {}),
      bind(logaciaPrimitive(a), args, {}),
      "pair a",
    );
    sameTensor(
      bind(pb, args, {}),
      bind(logaciaPrimitive(b), args, {}),
      "pair b",
    );
  }
});
