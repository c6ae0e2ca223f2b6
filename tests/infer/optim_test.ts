import { Tensor, tensor } from "../../src/ad/mod.ts";
import {
  adagrad,
  adam,
  clippedAdam,
  cosineDecay,
  exponentialDecay,
  momentum,
  type Optimizer,
  piecewiseConstant,
  rmsprop,
  sgd,
} from "../../src/infer/optim.ts";
import { assert, assertEquals, assertThrows, maxRelErr } from "../_util.ts";

// f(x) = ½ Σ a_i (x_i − c_i)², gradient a ⊙ (x − c)
const A = [1.0, 4.0, 0.25];
const C = [0.5, -1.0, 2.0];
const grad = (x: Float64Array) => x.map((v, i) => A[i]! * (v - C[i]!));

/** Runs an optimizer for n steps on the quadratic and returns the trajectory. */
function runOpt(opt: Optimizer, n: number): Float64Array[] {
  let s = opt.init({ x: tensor([0, 0, 0]) });
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    s = opt.update({ x: new Tensor(grad(s.params.x!.data), [3]) }, s);
    out.push(opt.getParams(s).x!.data.slice());
  }
  return out;
}

/** The same rules written out by hand, one parameter vector, from x = 0. */
function reference(
  rule: (
    x: number[],
    g: number[],
    t: number,
    st: Record<string, number[]>,
  ) => number[],
  n: number,
): number[][] {
  let x = [0, 0, 0];
  const st: Record<string, number[]> = {};
  const out: number[][] = [];
  for (let t = 0; t < n; t++) {
    x = rule(x, Array.from(grad(Float64Array.from(x))), t, st);
    out.push(x);
  }
  return out;
}

function check(name: string, opt: Optimizer, ref: number[][]): void {
  const got = runOpt(opt, ref.length);
  for (let t = 0; t < ref.length; t++) {
    const e = maxRelErr(got[t]!, ref[t]!, 1e-12);
    assert(e < 1e-13, `${name} step ${t}: rel err ${e}`);
  }
}

const z = () => [0, 0, 0];

Deno.test("sgd() and momentum() match hand-computed updates on a quadratic", () => {
  check(
    "sgd",
    sgd(0.1),
    reference((x, g) => x.map((v, i) => v - 0.1 * g[i]!), 20),
  );
  check(
    "momentum",
    momentum(0.05, { mass: 0.8 }),
    reference((x, g, _t, st) => {
      const v = (st.v ??= z());
      v.forEach((_, i) => (v[i] = 0.8 * v[i]! + g[i]!));
      return x.map((xi, i) => xi - 0.05 * v[i]!);
    }, 20),
  );
});

Deno.test("adam() and clippedAdam() match hand-computed updates (bias correction, clipping, lrd)", () => {
  const adamRef = (lr: number, clip: number, lrd: number) =>
    reference((x, g0, t, st) => {
      const m = (st.m ??= z()), v = (st.v ??= z());
      return x.map((xi, i) => {
        const g = Math.max(-clip, Math.min(clip, g0[i]!));
        m[i] = 0.1 * g + 0.9 * m[i]!;
        v[i] = 0.001 * g * g + 0.999 * v[i]!;
        const mh = m[i]! / (1 - 0.9 ** (t + 1)),
          vh = v[i]! / (1 - 0.999 ** (t + 1));
        return xi - lr * lrd ** t * mh / (Math.sqrt(vh) + 1e-8);
      });
    }, 25);
  check("adam", adam(0.05), adamRef(0.05, Infinity, 1));
  check(
    "clippedAdam",
    clippedAdam(0.05, { clipNorm: 0.6, lrd: 0.97 }),
    adamRef(0.05, 0.6, 0.97),
  );
});

Deno.test("adagrad() and rmsprop() match hand-computed updates", () => {
  check(
    "adagrad",
    adagrad(0.3, { momentum: 0.5 }),
    reference((x, g, _t, st) => {
      const G = (st.G ??= z()), m = (st.m ??= z());
      return x.map((xi, i) => {
        G[i] = G[i]! + g[i]! ** 2;
        m[i] = 0.5 * g[i]! / Math.sqrt(G[i]!) + 0.5 * m[i]!;
        return xi - 0.3 * m[i]!;
      });
    }, 20),
  );
  check(
    "rmsprop",
    rmsprop(0.02, { gamma: 0.8, eps: 1e-6 }),
    reference((x, g, _t, st) => {
      const a = (st.a ??= z());
      return x.map((xi, i) => {
        a[i] = 0.8 * a[i]! + 0.2 * g[i]! ** 2;
        return xi - 0.02 * g[i]! / Math.sqrt(a[i]! + 1e-6);
      });
    }, 20),
  );
});

Deno.test("optimizers converge to the minimum of the quadratic", () => {
  const cases: [string, Optimizer, number][] = [
    ["sgd", sgd(0.4), 200],
    ["momentum", momentum(0.1), 300],
    ["adam", adam(exponentialDecay(0.1, 1000, 0.001)), 3000],
    ["adagrad", adagrad(0.5), 3000],
    ["rmsprop", rmsprop(exponentialDecay(0.05, 1000, 0.001)), 3000],
  ];
  for (const [name, opt, n] of cases) {
    const x = runOpt(opt, n).at(-1)!;
    const e = Math.max(...Array.from(x, (v, i) => Math.abs(v - C[i]!)));
    assert(e < 1e-3, `${name}: |x − c| = ${e}`);
  }
});

Deno.test("schedules: exponentialDecay, piecewiseConstant, cosineDecay values", () => {
  const e = exponentialDecay(0.1, 100, 0.5);
  assertEquals([e(0), e(100), e(200)].map((v) => +v.toPrecision(12)), [
    0.1,
    0.05,
    0.025,
  ]);
  const p = piecewiseConstant([10, 20], [1, 0.5, 0.25]);
  assertEquals([p(0), p(9), p(10), p(19), p(20), p(1e6)], [
    1,
    1,
    0.5,
    0.5,
    0.25,
    0.25,
  ]);
  const c = cosineDecay(2, 100, 0.1);
  assertEquals(c(0), 2);
  assert(Math.abs(c(50) - 2 * (0.9 * 0.5 + 0.1)) < 1e-15);
  assert(Math.abs(c(100) - 0.2) < 1e-15 && Math.abs(c(500) - 0.2) < 1e-15);
  // a schedule drives the step size of an optimizer: step t uses η(t)
  const o = sgd((t) => (t === 0 ? 1 : 0.5));
  let s = o.init({ x: tensor([0]) });
  s = o.update({ x: tensor([1]) }, s);
  s = o.update({ x: tensor([1]) }, s);
  assertEquals(o.getParams(s).x!.data[0], -1.5);
});

Deno.test("optimizers are pure: update returns a new state and leaves the old one alone", () => {
  const o = adam(0.1);
  const s0 = o.init({ x: tensor([1, 2]) });
  const s1 = o.update({ x: tensor([1, 1]) }, s0);
  assertEquals(Array.from(s0.params.x!.data), [1, 2]);
  assertEquals(s0.step, 0);
  assertEquals(s1.step, 1);
  assert(s1.params.x!.data[0] !== 1);
});

Deno.test("optimizers reject bad arguments with clear errors", () => {
  assertThrows(() => adam(-0.1), RangeError, "stepSize");
  assertThrows(() => adam(0.1, { b1: 1 }), RangeError, "b1");
  assertThrows(() => clippedAdam(0.1, { clipNorm: 0 }), RangeError, "clipNorm");
  assertThrows(() => momentum(0.1, { mass: -1 }), RangeError, "mass");
  assertThrows(() => exponentialDecay(0.1, 0, 0.5), RangeError, "decaySteps");
  assertThrows(() => piecewiseConstant([1, 2], [1]), TypeError, "values");
  assertThrows(
    () => piecewiseConstant([2, 1], [1, 1, 1]),
    RangeError,
    "increase",
  );
  const o = sgd(0.1);
  const s = o.init({ x: tensor([1, 2]) });
  assertThrows(() => o.update({}, s), TypeError, "missing gradient for 'x'");
  assertThrows(
    () => o.update({ x: tensor([1]) }, s),
    TypeError,
    "has 1 values",
  );
});
