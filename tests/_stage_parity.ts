// Shared checks of the stage-kernel tests (tests/{sop,opacity}/kernels_test.ts): a stage's
// primitive (through its registered kernels) against the existing host primitive, bit for bit,
// for forward, batched JVP, VJP under every `needs` mask (pullbacks repeated), core jvp/vjp/grad,
// and identical errors.
import assert from "node:assert";
import {
  bind,
  grad,
  jvp,
  type Primitive,
  type Value,
  vjp,
} from "../src/ad/core.ts";
import { mul, sum } from "../src/ad/ops.ts";
import { Tensor } from "../src/ad/tensor.ts";

const t = (a: ArrayLike<number>, shape?: number[]) =>
  new Tensor(Float64Array.from(a), shape ?? [a.length]);

export function sameTensor(
  a: Value | null,
  b: Value | null,
  what: string,
): void {
  assert.ok(a instanceof Tensor && b instanceof Tensor, `${what}: tensors`);
  assert.deepStrictEqual(a.shape, b.shape, `${what}: shape`);
  assert.deepStrictEqual(a.data, b.data, `${what}: values`);
}

/** Calls a and b; both must throw the same class with the same message. */
export function sameError(
  a: () => unknown,
  b: () => unknown,
  what: string,
): void {
  let ea: unknown = null;
  let eb: unknown = null;
  try {
    a();
  } catch (e) {
    ea = e;
  }
  try {
    b();
  } catch (e) {
    eb = e;
  }
  assert.ok(eb instanceof Error, `${what}: the existing function must throw`);
  assert.ok(ea instanceof Error, `${what}: the stage must throw (${eb})`);
  assert.strictEqual(ea.constructor, eb.constructor, `${what}: class`);
  assert.strictEqual(ea.name, eb.name, `${what}: name`);
  assert.strictEqual(ea.message, eb.message, `${what}: message`);
}

export interface StageParityCase {
  readonly stage: Primitive;
  readonly ref: Primitive;
  readonly args: Tensor[];
  /** Tangent sets, each entry [2, ...argShape] or null. */
  readonly tangents: (Tensor | null)[][];
  /** Two different output cotangents. */
  readonly cts: [Tensor, Tensor];
}

/** Tests (1)–(3): primitive rules and core transformations, stage vs existing. */
export function stageParity(c: StageParityCase): void {
  const { stage, ref, args } = c;
  sameTensor(bind(stage, args, {}), bind(ref, args, {}), "forward");
  for (const [i, ts] of c.tangents.entries()) {
    const [ya, da] = stage.jvp(args, ts, {}, 2);
    const [yb, db] = ref.jvp(args, ts, {}, 2);
    sameTensor(ya, yb, `jvp ${i} out`);
    sameTensor(da, db, `jvp ${i} dout`);
  }
  const needSets: (boolean[] | undefined)[] = [
    undefined,
    ...args.map((_, i) => args.map((_, j) => j !== i)),
  ];
  for (const needs of needSets) {
    const [ya, ra] = stage.vjpForward!(args, {}, needs);
    const [yb, rb] = ref.vjpForward!(args, {}, needs);
    sameTensor(ya, yb, `vjp out (needs ${needs})`);
    const g1 = stage.vjpFromResidual!(ra, c.cts[0], {});
    const gOther = stage.vjpFromResidual!(ra, c.cts[1], {});
    const g2 = stage.vjpFromResidual!(ra, c.cts[0], {});
    const gr = ref.vjpFromResidual!(rb, c.cts[0], {});
    const gr1 = ref.vjpFromResidual!(rb, c.cts[1], {});
    args.forEach((_, i) => {
      if (needs !== undefined && !needs[i]) {
        assert.strictEqual(g1[i], null, `vjp: arg ${i} not needed`);
        return;
      }
      sameTensor(g1[i]!, gr[i]!, `vjp arg ${i} (needs ${needs})`);
      sameTensor(g2[i]!, g1[i]!, `vjp arg ${i}: pullback repeated`);
      sameTensor(gOther[i]!, gr1[i]!, `vjp arg ${i}: second cotangent`);
    });
  }
  const fa = (...xs: Value[]) => bind(stage, xs, {});
  const fb = (...xs: Value[]) => bind(ref, xs, {});
  const dirs = args.map((a, i) => {
    const tt = c.tangents[0]![i];
    return tt
      ? t(tt.data.subarray(0, a.data.length), [...a.shape])
      : t(new Float64Array(a.data.length), [...a.shape]);
  });
  const [ja, jda] = jvp(fa, args, dirs);
  const [jb, jdb] = jvp(fb, args, dirs);
  sameTensor(ja, jb, "core jvp out");
  sameTensor(jda, jdb, "core jvp tangent");
  const [va, backA] = vjp(fa, args);
  const [vb, backB] = vjp(fb, args);
  sameTensor(va, vb, "core vjp out");
  const ga = backA(c.cts[0]);
  const gb = backB(c.cts[0]);
  args.forEach((_, i) => sameTensor(ga[i]!, gb[i]!, `core vjp arg ${i}`));
  args.forEach((_, i) => {
    const loss = (f: (...xs: Value[]) => Value) => (x: Value) => {
      const xs: Value[] = args.slice();
      xs[i] = x;
      return sum(mul(c.cts[1], f(...xs)));
    };
    sameTensor(
      grad(loss(fa))(args[i]!),
      grad(loss(fb))(args[i]!),
      `grad arg ${i}`,
    );
  });
}

/**
 * 40 synthetic lines inside the grid `nu` (kept 2 cells from each end), with a partition
 * function tabulated every 50 K, drawn from the uniform numbers `u` (6 × 40 of them).
 */
export function syntheticLines(nu: Float64Array, u: Float64Array) {
  const nl = 40;
  const n = nu.length;
  const col = (j: number, f: (x: number) => number) =>
    Float64Array.from({ length: nl }, (_, i) => f(u[j * nl + i]!));
  const pt = Float64Array.from({ length: 61 }, (_, i) => 1 + 50 * i);
  return {
    molecule: "X",
    molmass: 28,
    tref: 296,
    qtref: 107,
    nu: col(0, (x) => nu[2]! + x * (nu[n - 3]! - nu[2]!)).sort(),
    elower: col(1, (x) => 100 + 4000 * x),
    gupper: col(2, (x) => 1 + Math.floor(9 * x)),
    einsteinA: col(3, (x) => 0.1 + x),
    lineStrengthRef: col(4, (x) => 1e-21 * (0.01 + x * x)),
    alphaRef: col(5, (x) => 0.03 + 0.06 * x),
    nTemp: col(5, (x) => 0.4 + 0.3 * x),
    partitionFunction: {
      t: pt,
      q: Float64Array.from(pt, (t) => 0.36 * t + 1e-5 * t * t + 1),
    },
  };
}
