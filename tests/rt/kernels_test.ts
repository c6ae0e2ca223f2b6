// The rt stages as js-backend kernels (src/rt/kernels.ts) against the existing primitives of
// src/rt/primitives.ts, bit for bit: forward, batched JVP (K = 2, with a zero tangent), the
// forward-with-residuals and its pullback (every need, one need off, called twice); grad, vjp,
// jvp and jacrev of src/ad/core.ts through both; and the same errors for bad input.
import assert from "node:assert";
import { createJsBackend } from "../../src/backend/js/js_backend.ts";
import { stagePrimitive, type StageSpec } from "../../src/ad/stage_kernels.ts";
import {
  grad,
  jacrev,
  jvp,
  type Primitive,
  type Value,
  vjp,
} from "../../src/ad/core.ts";
import { bind } from "../../src/ad/core.ts";
import { mul, sum } from "../../src/ad/ops.ts";
import { Tensor } from "../../src/ad/tensor.ts";
import { key, split, uniform } from "../../src/random/mod.ts";
import type { KernelParams } from "../../src/backend/backend.ts";
import {
  emissionFbased2stStage,
  emissionFbased2stStageConsts,
  emissionIbasedStage,
  emissionIbasedStageConsts,
  opacityProfileCiaStage,
  opacityProfileCiaStageConsts,
  opacityProfileXsStage,
  opacityProfileXsStageConsts,
  powerlawTemperatureStage,
  powerlawTemperatureStageConsts,
  registerRtStages,
  type RtStageConsts,
} from "../../src/rt/kernels.ts";
import {
  emissionPrimitive,
  opacityProfileCiaPrimitive,
  opacityProfileXsPrimitive,
  powerlawTemperaturePrimitive,
} from "../../src/rt/primitives.ts";
import { pressureLayers } from "../../src/rt/pressure_layers.ts";

const BE = createJsBackend();
registerRtStages(BE);

/** The stage bound to BE (consts wrapped, no copy) as an AD primitive. */
function stage(
  spec: StageSpec,
  c: RtStageConsts,
  outShape: (s: readonly (readonly number[])[]) => number[],
): Primitive {
  return stagePrimitive(BE, spec, {
    consts: c.consts.map((a) => BE.wrap(a)),
    params: c.params,
    outShape,
  }).primitive;
}

/** Uniform [lo, hi) numbers from a key. */
function u(k: ReturnType<typeof key>, n: number, lo: number, hi: number) {
  return uniform(k, n).map((x) => lo + (hi - lo) * x);
}

const T = (data: Float64Array, shape: number[]) => new Tensor(data, shape);

/** Data of a tensor (or null). */
const d = (v: Value | null): Float64Array | null =>
  v === null ? null : (v as Tensor).data;

interface Case {
  name: string;
  old: Primitive;
  neu: Primitive;
  args: Tensor[];
  /** Output shape. */
  out: number[];
  seed: number;
}

/** Random tangents [k, ...shape] for each arg. */
function tangents(c: Case, k: number, seed: number): Tensor[] {
  const ks = split(key(seed), c.args.length);
  return c.args.map((a, i) => {
    const scale =
      Math.max(...Array.from(a.data, Math.abs).filter(Number.isFinite)) || 1;
    return T(u(ks[i]!, k * a.size, -scale, scale), [k, ...a.shape]);
  });
}

/** (1) primitive-level forward, jvp, vjp + pullback: identical to the existing primitive. */
function checkPrimitive(c: Case): void {
  const { old, neu, args } = c;
  // forward
  assert.deepStrictEqual(neu.impl(args, {}).data, old.impl(args, {}).data);
  // jvp, K = 2, every tangent; then each tangent null in turn
  const tans = tangents(c, 2, c.seed + 1);
  const cases: (Tensor | null)[][] = [tans];
  for (let i = 0; i < args.length; i++) {
    cases.push(tans.map((t, j) => (j === i ? null : t)));
  }
  for (const ts of cases) {
    const [yo, dyo] = old.jvp(args, ts, {}, 2);
    const [yn, dyn] = neu.jvp(args, ts, {}, 2);
    assert.deepStrictEqual(d(yn), d(yo));
    assert.deepStrictEqual(d(dyn), d(dyo));
  }
  // vjp: every need, then each need off in turn; the pullback twice on the same residuals
  const size = c.out.reduce((a, b) => a * b, 1);
  const ct1 = T(u(key(c.seed + 2), size, -1, 1), c.out);
  const ct2 = T(u(key(c.seed + 3), size, -1, 1), c.out);
  const [yo, ro] = old.vjpForward!(args, {});
  const go1 = old.vjpFromResidual!(ro, ct1, {});
  const go2 = old.vjpFromResidual!(ro, ct2, {});
  const needSets: (boolean[] | undefined)[] = [undefined];
  for (let i = 0; i < args.length; i++) {
    needSets.push(args.map((_, j) => j !== i));
  }
  for (const needs of needSets) {
    const [yn, rn] = neu.vjpForward!(args, {}, needs);
    assert.deepStrictEqual(yn.data, yo.data);
    assert.deepStrictEqual(yn.shape, yo.shape);
    for (const [ct, go] of [[ct1, go1], [ct2, go2], [ct1, go1]] as const) {
      const gn = neu.vjpFromResidual!(rn, ct, {});
      for (let i = 0; i < args.length; i++) {
        if (needs?.[i] === false) {
          assert.strictEqual(gn[i], null, `${c.name}: unwanted cotangent ${i}`);
        } else {
          assert.deepStrictEqual(
            gn[i]!.data,
            go[i]!.data,
            `${c.name}: cotangent ${i}`,
          );
          assert.deepStrictEqual(gn[i]!.shape, go[i]!.shape);
        }
      }
    }
  }
}

/** (2) grad / vjp / jvp / jacrev of core.ts through both primitives. */
function checkCore(c: Case, jacArg: number): void {
  const { old, neu, args } = c;
  const size = c.out.reduce((a, b) => a * b, 1);
  const w = T(u(key(c.seed + 4), size, 0.5, 1.5), c.out);
  const f = (p: Primitive) => (...xs: Value[]) => bind(p, xs, {});
  const loss = (p: Primitive) => (...xs: Value[]) => sum(mul(f(p)(...xs), w));
  for (let i = 0; i < args.length; i++) {
    const go = grad(loss(old), i)(...args);
    const gn = grad(loss(neu), i)(...args);
    assert.deepStrictEqual(d(gn), d(go), `${c.name}: grad ${i}`);
  }
  const [yo, bo] = vjp(f(old), args);
  const [yn, bn] = vjp(f(neu), args);
  assert.deepStrictEqual(d(yn), d(yo));
  const ct = T(u(key(c.seed + 5), size, -1, 1), c.out);
  assert.deepStrictEqual(bn(ct).map(d), bo(ct).map(d));
  assert.deepStrictEqual(bn(ct).map(d), bo(ct).map(d)); // pullback again, same residuals
  const t1 = tangents(c, 1, c.seed + 6).map((t) =>
    T(t.data, [...t.shape.slice(1)])
  );
  const [jyo, jto] = jvp(f(old), args, t1);
  const [jyn, jtn] = jvp(f(neu), args, t1);
  assert.deepStrictEqual(d(jyn), d(jyo));
  assert.deepStrictEqual(d(jtn), d(jto));
  // jacrev: one pullback per output entry, all on the same residuals
  const at = (p: Primitive) => (x: Value) =>
    f(p)(...args.map((a, i) => (i === jacArg ? x : a)));
  const jo = jacrev(at(old))(args[jacArg]!) as Tensor;
  const jn = jacrev(at(neu))(args[jacArg]!) as Tensor;
  assert.deepStrictEqual(jn.data, jo.data);
  assert.deepStrictEqual(jn.shape, jo.shape);
}

/** The error a call throws. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new assert.AssertionError({ message: "expected a throw" });
}

/** (4) bad arguments: the same error class and message through every path. */
function checkErrors(old: Primitive, neu: Primitive, bad: Tensor[]): void {
  const k = 2;
  const ts = bad.map((a) =>
    T(new Float64Array(k * a.size).fill(1), [k, ...a.shape])
  );
  const paths: [string, (p: Primitive) => unknown][] = [
    ["impl", (p) => p.impl(bad, {})],
    ["jvp", (p) => p.jvp(bad, ts, {}, k)],
    ["vjpForward", (p) => p.vjpForward!(bad, {})],
  ];
  for (const [what, run] of paths) {
    const eo = thrown(() => run(old));
    const en = thrown(() => run(neu));
    assert.strictEqual(en.constructor, eo.constructor, `${what}: ${en}`);
    assert.strictEqual(en.message, eo.message, what);
    assert.strictEqual(en.name, eo.name);
  }
}

/** A wrong-length cotangent: the same TypeError from both pullbacks. */
function checkCotangentError(c: Case): void {
  const bad = T(new Float64Array(c.out.reduce((a, b) => a * b, 1) + 1), [
    c.out.reduce((a, b) => a * b, 1) + 1,
  ]);
  const [, ro] = c.old.vjpForward!(c.args, {});
  const [, rn] = c.neu.vjpForward!(c.args, {});
  const eo = thrown(() => c.old.vjpFromResidual!(ro, bad, {}));
  const en = thrown(() => c.neu.vjpFromResidual!(rn, bad, {}));
  assert.strictEqual(en.constructor, eo.constructor);
  assert.strictEqual(en.message, eo.message);
}

// ---------------------------------------------------------------- fixtures
const L = 24;
const N = 48;
const { pressure: P, dParr: DP } = pressureLayers(1e-5, 10, L);
const NU = Float64Array.from({ length: N }, (_, j) => 4300 + 2.5 * j);
const [kXs, kM, kG, kLa, kT, kD] = split(key(20240607), 6);

function tempCase(): Case {
  const range: [number, number] = [600, 1800];
  return {
    name: "powerlaw_temperature",
    old: powerlawTemperaturePrimitive(P, range),
    neu: stage(
      powerlawTemperatureStage,
      powerlawTemperatureStageConsts(P, range),
      () => [L],
    ),
    // 1300 · P^0.1 spans 411–1636 K: the low layers are clipped
    args: [T(new Float64Array([1300]), []), T(new Float64Array([0.1]), [])],
    out: [L],
    seed: 10,
  };
}

function xsCase(profiles: boolean): Case {
  // cross sections in ±1e-21 cm² (some negative: the |σ| branch), 1e-2…1e-4 MMR
  const xs = u(kXs!, L * N, -2e-22, 1e-21);
  xs[5] = 0; // the kink of |σ| at 0
  const mmr = profiles ? u(kM!, L, 1e-4, 1e-2) : new Float64Array([3e-3]);
  const g = profiles ? u(kG!, L, 2e3, 3e3) : new Float64Array([2478.57]);
  return {
    name: `opacity_profile_xs (${profiles ? "profiles" : "scalars"})`,
    old: opacityProfileXsPrimitive(28.01, DP, N),
    neu: stage(
      opacityProfileXsStage,
      opacityProfileXsStageConsts(28.01, DP, N),
      ([s]) => [...s!],
    ),
    args: [
      T(xs, [L, N]),
      T(mmr, profiles ? [L] : []),
      T(g, profiles ? [L] : []),
    ],
    out: [L, N],
    seed: profiles ? 30 : 20,
  };
}

function ciaCase(): Case {
  const la = u(kLa!, L * N, -47, -44);
  la[7] = -Infinity; // no CIA there: dτ = 0, zero derivative
  return {
    name: "opacity_profile_cia",
    old: opacityProfileCiaPrimitive(P, DP, 0.84, 0.84, 2.33),
    neu: stage(
      opacityProfileCiaStage,
      opacityProfileCiaStageConsts(P, DP, 0.84, 0.84, 2.33),
      ([s]) => [...s!],
    ),
    args: [
      T(la, [L, N]),
      T(u(kT!, L, 700, 1600), [L]),
      T(new Float64Array([2478.57]), []),
    ],
    out: [L, N],
    seed: 40,
  };
}

function emissionCase(solver: "ibased" | "fbased2st", nstream?: number): Case {
  // optical depths 0…0.5 per layer (column τ ≈ 6: both thin and thick layers matter)
  const dtau = u(kD!, L * N, 0, 0.5);
  const c = solver === "ibased"
    ? emissionIbasedStageConsts(NU, nstream)
    : emissionFbased2stStageConsts(NU);
  return {
    name: `emission_${solver}${nstream ? ` (nstream ${nstream})` : ""}`,
    old: emissionPrimitive(NU, { solver, ...(nstream ? { nstream } : {}) }),
    neu: stage(
      solver === "ibased" ? emissionIbasedStage : emissionFbased2stStage,
      c,
      () => [N],
    ),
    args: [T(dtau, [L, N]), T(u(kT!, L, 700, 1600), [L])],
    out: [N],
    seed: solver === "ibased" ? 50 + (nstream ?? 0) : 60,
  };
}

// ---------------------------------------------------------------- tests
Deno.test("rt.powerlaw_temperature: forward, jvp (K = 2, zero tangents), vjp (needs, repeated pullback) bit-identical to powerlawTemperaturePrimitive", () => {
  checkPrimitive(tempCase());
});

Deno.test("rt.powerlaw_temperature: grad, vjp, jvp and jacrev through the stage equal those through the primitive bit for bit", () => {
  checkCore(tempCase(), 1);
});

Deno.test("rt.powerlaw_temperature: bad t0, alpha, range and cotangent throw the primitive's errors", () => {
  const c = tempCase();
  const bad = (
    t0: number,
    a: number,
  ) => [T(new Float64Array([t0]), []), T(new Float64Array([a]), [])];
  checkErrors(c.old, c.neu, bad(-1, 0.1));
  checkErrors(c.old, c.neu, bad(1300, NaN));
  checkErrors(
    powerlawTemperaturePrimitive(P, [900, 800]),
    stage(
      powerlawTemperatureStage,
      powerlawTemperatureStageConsts(P, [900, 800]),
      () => [L],
    ),
    bad(1300, 0.1),
  );
  checkCotangentError(c);
});

Deno.test("rt.opacity_profile_xs: scalar and per-layer mmr/gravity, bit-identical to opacityProfileXsPrimitive", () => {
  checkPrimitive(xsCase(false));
  checkPrimitive(xsCase(true));
});

Deno.test("rt.opacity_profile_xs: grad, vjp, jvp and jacrev through the stage equal those through the primitive", () => {
  checkCore(xsCase(false), 1);
  checkCore(xsCase(true), 2);
});

Deno.test("rt.opacity_profile_xs: NaN cross section, negative MMR, zero gravity, wrong length and molmass throw the primitive's errors", () => {
  const c = xsCase(true);
  const [xs, m, g] = c.args;
  const nanXs = xs!.data.slice();
  nanXs[9] = NaN;
  checkErrors(c.old, c.neu, [T(nanXs, [L, N]), m!, g!]);
  checkErrors(c.old, c.neu, [xs!, T(new Float64Array([-1e-3]), []), g!]);
  checkErrors(c.old, c.neu, [xs!, m!, T(new Float64Array([0]), [])]);
  checkErrors(c.old, c.neu, [T(xs!.data.subarray(1), [L * N - 1]), m!, g!]);
  checkErrors(
    opacityProfileXsPrimitive(-28, DP, N),
    stage(
      opacityProfileXsStage,
      opacityProfileXsStageConsts(-28, DP, N),
      ([s]) => [...s!],
    ),
    c.args,
  );
  checkCotangentError(c);
});

Deno.test("rt.opacity_profile_cia: bit-identical to opacityProfileCiaPrimitive (with a −∞ log a)", () => {
  checkPrimitive(ciaCase());
});

Deno.test("rt.opacity_profile_cia: grad, vjp, jvp and jacrev through the stage equal those through the primitive", () => {
  checkCore(ciaCase(), 1);
});

Deno.test("rt.opacity_profile_cia: zero temperature, NaN log a, negative gravity throw the primitive's errors", () => {
  const c = ciaCase();
  const [la, t, g] = c.args;
  const t0 = t!.data.slice();
  t0[3] = 0;
  checkErrors(c.old, c.neu, [la!, T(t0, [L]), g!]);
  const laNan = la!.data.slice();
  laNan[11] = NaN;
  checkErrors(c.old, c.neu, [T(laNan, [L, N]), t!, g!]);
  checkErrors(c.old, c.neu, [la!, t!, T(new Float64Array([-1]), [])]);
  checkCotangentError(c);
});

Deno.test("rt.emission_ibased: nstream 8 (default) and 4, bit-identical to emissionPrimitive", () => {
  checkPrimitive(emissionCase("ibased"));
  checkPrimitive(emissionCase("ibased", 4));
});

Deno.test("rt.emission_ibased: grad, vjp, jvp and jacrev through the stage equal those through the primitive", () => {
  checkCore(emissionCase("ibased"), 1);
  checkCore(emissionCase("ibased", 4), 0);
});

Deno.test("rt.emission_ibased: negative or NaN dτ, NaN temperature, odd nstream throw the primitive's errors", () => {
  const c = emissionCase("ibased");
  const [dt, t] = c.args;
  const neg = dt!.data.slice();
  neg[4] = -0.1;
  checkErrors(c.old, c.neu, [T(neg, [L, N]), t!]);
  const nan = dt!.data.slice();
  nan[4] = NaN;
  checkErrors(c.old, c.neu, [T(nan, [L, N]), t!]);
  const tn = t!.data.slice();
  tn[2] = NaN;
  checkErrors(c.old, c.neu, [dt!, T(tn, [L])]);
  checkErrors(c.old, c.neu, [T(dt!.data.subarray(1), [L * N - 1]), t!]);
  checkErrors(
    emissionPrimitive(NU, { nstream: 3 }),
    stage(emissionIbasedStage, emissionIbasedStageConsts(NU, 3), () => [N]),
    c.args,
  );
  checkCotangentError(c);
});

Deno.test("rt.emission_fbased2st: bit-identical to emissionPrimitive(solver fbased2st)", () => {
  checkPrimitive(emissionCase("fbased2st"));
});

Deno.test("rt.emission_fbased2st: grad, vjp, jvp and jacrev through the stage equal those through the primitive", () => {
  checkCore(emissionCase("fbased2st"), 1);
});

Deno.test("rt.emission_fbased2st: negative dτ and zero temperature throw the primitive's errors", () => {
  const c = emissionCase("fbased2st");
  const [dt, t] = c.args;
  const neg = dt!.data.slice();
  neg[0] = -1;
  checkErrors(c.old, c.neu, [T(neg, [L, N]), t!]);
  const t0 = t!.data.slice();
  t0[0] = 0;
  checkErrors(c.old, c.neu, [dt!, T(t0, [L])]);
  checkCotangentError(c);
});

Deno.test("rt stages: the emission vjp kernel leaves an unwanted Jacobian empty and the pullback refuses a wanted one that is missing", () => {
  const p: KernelParams = { nstream: 8, need0: 0, need1: 1 };
  const dt = u(kD!, L * N, 0, 0.5);
  const t = u(kT!, L, 700, 1600);
  const sizes = emissionIbasedStage.residualSizes([N, L * N, L], p);
  assert.deepStrictEqual(sizes, [0, L * N]);
  const out = BE.alloc(N);
  const res = sizes.map((n) => BE.alloc(n));
  const ins = [NU, dt, t].map((a) => BE.wrap(a));
  BE.run("rt.emission_ibased.vjp", ins, [out, ...res], p);
  const ct = BE.wrap(new Float64Array(N).fill(1));
  const g = [BE.alloc(L * N), BE.alloc(L)];
  assert.throws(
    () => BE.run("rt.emission_ibased.pullback", [...ins, ...res, ct], g, p),
    { name: "TypeError", message: /Jacobian of a wanted cotangent/ },
  );
});
