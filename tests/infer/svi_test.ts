import {
  exp,
  log,
  scalar,
  type Tensor,
  tensor,
  type Value,
  valueAndGrad,
} from "../../src/ad/mod.ts";
import { bind } from "../../src/ad/mod.ts";
import { definePrimitive } from "../../src/ad/first_order.ts";
import { positive } from "../../src/infer/constraints.ts";
import { Normal } from "../../src/infer/distributions.ts";
import { TraceELBO } from "../../src/infer/elbo.ts";
import type { ModelContext } from "../../src/infer/handlers.ts";
import { adam, sgd } from "../../src/infer/optim.ts";
import { progressLine, SVI } from "../../src/infer/svi.ts";
import { NonFiniteError } from "../../src/errors.ts";
import { key, split } from "../../src/random/mod.ts";
import { assert, assertEquals, assertThrows } from "../_util.ts";

const y = tensor([1.2, 0.7, 2.1, 1.5, 0.9]);
function model(ctx: ModelContext, data: Tensor) {
  const mu = ctx.sample("mu", new Normal(0, 2));
  ctx.plate(
    "data",
    data.size,
    () => ctx.sample("y", new Normal(mu, 1), { obs: data }),
  );
}
function guide(ctx: ModelContext, _data: Tensor) {
  const m = ctx.param("m", scalar(0.3));
  const s = ctx.param("s", scalar(2), { constraint: positive });
  ctx.sample("mu", new Normal(m, s));
}

Deno.test("SVI.init() collects params and maps them to unconstrained space with bijectTo", () => {
  const svi = SVI(model, guide, sgd(0.1), TraceELBO());
  const s = svi.init(key(0), y);
  assertEquals(Object.keys(s.optimState.params).sort(), ["m", "s"]);
  assert(Math.abs(s.optimState.params.s!.item() - Math.log(2)) < 1e-15);
  assertEquals(svi.getParams(s).s!.item(), 2);
  assertEquals(s.constraints.s, positive);
  // model params are collected too
  const m2 = (ctx: ModelContext, d: Tensor) => {
    const w = ctx.param("w", scalar(3), { constraint: positive });
    ctx.sample("y", new Normal(w, 1), { obs: d });
  };
  const s2 = SVI(
    m2,
    (_c: ModelContext, _d: Tensor) => {},
    sgd(0.1),
    TraceELBO(),
  ).init(key(0), scalar(1));
  assert(Math.abs(s2.optimState.params.w!.item() - Math.log(3)) < 1e-15);
});

Deno.test("SVI.update() is one optimizer step on the AD gradient w.r.t. unconstrained params", () => {
  const opt = sgd(0.01);
  const svi = SVI(model, guide, opt, TraceELBO({ numParticles: 2 }));
  const s0 = svi.init(key(1), y);
  const [s1, loss] = svi.update(s0, y);
  // by hand: the step key is the second half of split(state.rngKey)
  const [, k] = split(s0.rngKey, 2);
  const [v, [gm, gu]] = valueAndGrad((m: Value, u: Value) =>
    TraceELBO({ numParticles: 2 }).loss(k!, { m, s: exp(u) }, model, guide, y)
  )(s0.optimState.params.m!, s0.optimState.params.s!);
  assertEquals(loss, (v as Tensor).item());
  assertEquals(
    s1.optimState.params.m!.item(),
    s0.optimState.params.m!.item() - 0.01 * (gm as Tensor).item(),
  );
  assertEquals(
    s1.optimState.params.s!.item(),
    s0.optimState.params.s!.item() - 0.01 * (gu as Tensor).item(),
  );
  assertEquals(svi.evaluate(s0, y), loss);
});

Deno.test("SVI.run() fits the conjugate model and returns losses, params and state", () => {
  const svi = SVI(model, guide, adam(0.05), TraceELBO());
  const r = svi.run(key(2), 600, [y], { progress: false });
  assertEquals(r.losses.length, 600);
  assertEquals(r.skippedSteps, 0);
  // posterior N(6.4/5.25, 1/√5.25): loose check of a short run (6 posterior sds of slack)
  assert(
    Math.abs(r.params.m!.item() - 6.4 / 5.25) < 6 * 0.436 / Math.sqrt(10),
    `m ${r.params.m!.item()}`,
  );
  const head = r.losses.slice(0, 50).reduce((a, b) => a + b, 0) / 50;
  const tail = r.losses.slice(-100).reduce((a, b) => a + b, 0) / 100;
  assert(tail < head, `losses should decrease: ${head} → ${tail}`);
  // continuing from a state
  const r2 = svi.run(key(3), 10, [y], { progress: false, initState: r.state });
  assertEquals(r2.state.optimState.step, 610);
});

// A model that produces NaN whenever the guide's draw of z is negative (log of a negative number)
const nanModel = (ctx: ModelContext) => {
  const z = ctx.sample("z", new Normal(0, 1));
  ctx.factor("f", log(z));
};
const nanGuide = (ctx: ModelContext) => {
  ctx.sample(
    "z",
    new Normal(
      ctx.param("m", scalar(1)),
      ctx.param("s", scalar(1), { constraint: positive }),
    ),
  );
};

Deno.test("stableUpdate() skips non-finite steps and run() reports how many were skipped", () => {
  const svi = SVI(nanModel, nanGuide, adam(0.01), TraceELBO());
  const s0 = svi.init(key(4));
  // find a skipped step: state kept, key advanced
  let s = s0;
  let sawSkip = false;
  for (let i = 0; i < 50 && !sawSkip; i++) {
    const [next, l, skipped] = svi.stableUpdate(s);
    if (skipped) {
      sawSkip = true;
      assert(!Number.isFinite(l), `skipped loss ${l}`);
      assert(
        next.optimState === s.optimState,
        "optimizer state must be unchanged",
      );
      assert(next.rngKey !== s.rngKey, "the key must advance");
    }
    s = next;
  }
  assert(sawSkip, "expected a NaN step within 50 updates (P(z < 0) ≈ 0.16)");
  const r = svi.run(key(5), 200, [], { progress: false, stable: true });
  const nans = r.losses.filter((v) => Number.isNaN(v)).length;
  assert(
    r.skippedSteps > 0 && r.skippedSteps === nans,
    `skipped ${r.skippedSteps}, NaN losses ${nans}`,
  );
  for (const v of Object.values(r.params)) {
    assert(Number.isFinite(v.item()), "params stay finite");
  }
  // the plain update does not refuse anything (here the gradient stays finite: d log z/dz = 1/z)
  const plain = svi.run(key(5), 200, [], { progress: false });
  assertEquals(plain.skippedSteps, 0);
  assert(
    plain.losses.some((v) => Number.isNaN(v)),
    "plain run records the NaN losses",
  );
});

Deno.test("run() progress: plain periodic lines in non-TTY mode via the log option", () => {
  const lines: string[] = [];
  const svi = SVI(model, guide, adam(0.05), TraceELBO());
  svi.run(key(6), 50, [y], { log: (l) => lines.push(l) });
  assertEquals(lines.length, 11);
  assert(
    /^svi 5\/50 \(\d+\.\d it\/s\) init loss: -?\d+\.\d{4}, avg\. loss \[1-5\]: -?\d+\.\d{4}$/
      .test(lines[0]!),
    lines[0],
  );
  assert(
    lines[9]!.startsWith("svi 50/50") &&
      lines[9]!.includes("avg. loss [46-50]"),
    lines[9],
  );
  assert(
    /^svi done: 50 steps in [\d.]+ s \([\d.]+ it\/s\)$/.test(
      lines[10]!,
    ),
    lines[10],
  );
  const quiet: string[] = [];
  svi.run(key(6), 20, [y], { progress: false, log: (l) => quiet.push(l) });
  assertEquals(quiet.length, 0);
  const every: string[] = [];
  svi.run(key(6), 20, [y], { logEvery: 4, log: (l) => every.push(l) });
  assertEquals(every.length, 6);
  // the average leaves out non-finite losses
  assertEquals(
    progressLine(4, 4, Float64Array.from([3, NaN, 1, 2]), 2),
    "svi 4/4 (2.0 it/s) init loss: 3.0000, avg. loss [4-4]: 2.0000",
  );
});

Deno.test("SVI rejects bad arguments with clear errors (bad model/guide, negative scale, wrong obs length)", () => {
  assertThrows(
    () => SVI(model, "g" as unknown as typeof guide, sgd(0.1), TraceELBO()),
    TypeError,
    "guide",
  );
  assertThrows(
    () => SVI(model, guide, {} as ReturnType<typeof sgd>, TraceELBO()),
    TypeError,
    "optim",
  );
  const svi = SVI(model, guide, sgd(0.1), TraceELBO());
  assertThrows(() => svi.run(key(0), 0, [y]), RangeError, "numSteps");
  const negScale = (ctx: ModelContext, _d: Tensor) => {
    ctx.sample("mu", new Normal(0, -1));
  };
  assertThrows(
    () => SVI(negScale, guide, sgd(0.1), TraceELBO()).init(key(0), y),
    RangeError,
    "scale",
  );
  const wrongObs = (ctx: ModelContext, d: Tensor) => {
    const mu = ctx.sample("mu", new Normal(0, 2));
    ctx.plate("data", 3, () => ctx.sample("y", new Normal(mu, 1), { obs: d }));
  };
  assertThrows(
    () => SVI(wrongObs, guide, sgd(0.1), TraceELBO()).init(key(0), y),
    TypeError,
    "observed value of shape [5]",
  );
  const badInit = (ctx: ModelContext, _d: Tensor) => {
    ctx.sample(
      "mu",
      new Normal(ctx.param("s", scalar(0), { constraint: positive }), 1),
    );
  };
  assertThrows(
    () => SVI(model, badInit, sgd(0.1), TraceELBO()).init(key(0), y),
    RangeError,
    "'s'",
  );
});

// A first-order primitive that, like the physics kernels, refuses a value: for z < 0 it throws
// `make(z)` (a NonFiniteError in the stable-update test, a plain RangeError in the other).
function guardedModel(make: (z: number) => Error) {
  const check = (x: Float64Array) => {
    if (!(x[0]! >= 0)) throw make(x[0]!);
    return new Float64Array([-0.5 * (x[0]! - 1) ** 2]);
  };
  const guarded = definePrimitive({
    name: "guarded",
    outShape: () => [],
    forward: ([x]) => check(x!),
    jvp: ([x], [t]) => ({
      out: check(x!),
      dout: new Float64Array([-(x![0]! - 1) * (t ? t[0]! : 0)]),
    }),
    withVjp: ([x]) => ({
      out: check(x!),
      pullback: (ct) => [new Float64Array([-(x![0]! - 1) * ct[0]!])],
    }),
  });
  return (ctx: ModelContext) => {
    const z = ctx.sample("z", new Normal(0, 1));
    ctx.factor("f", bind(guarded, [z], {}));
  };
}

Deno.test("stableUpdate() skips and counts the steps whose kernel throws a NonFiniteError; run() and its log report the count", () => {
  const m = guardedModel((z) =>
    new NonFiniteError(
      "test.guarded",
      "z",
      Math.log(z),
      `z must be >= 0, got ${z}`,
    )
  );
  const svi = SVI(m, nanGuide, adam(0.01), TraceELBO());
  // one refused step: state kept, key advanced, loss NaN
  let s = svi.init(key(6));
  let seen = 0;
  for (let i = 0; i < 50; i++) {
    const [next, l, skipped] = svi.stableUpdate(s);
    if (skipped) {
      seen++;
      assert(Number.isNaN(l), `skipped loss ${l}`);
      assert(
        next.optimState === s.optimState,
        "optimizer state must be unchanged",
      );
      assert(next.rngKey !== s.rngKey, "the key must advance");
    } else {
      assert(Number.isFinite(l) && next.optimState !== s.optimState);
    }
    s = next;
  }
  assert(
    seen > 0,
    "expected a refused step within 50 updates (P(z < 0) ≈ 0.16)",
  );
  const lines: string[] = [];
  const r = svi.run(key(6), 100, [], {
    stable: true,
    logEvery: 50,
    log: (l) => lines.push(l),
  });
  assert(
    r.skippedSteps > 0 && r.skippedSteps < 50,
    `skipped ${r.skippedSteps}`,
  );
  assertEquals(r.losses.filter((v) => Number.isNaN(v)).length, r.skippedSteps);
  assertEquals(r.state.optimState.step, 100 - r.skippedSteps);
  for (const v of Object.values(r.params)) assert(Number.isFinite(v.item()));
  assertEquals(lines.length, 3);
  assert(lines[1]!.endsWith(`, ${r.skippedSteps} skipped`), lines[1]);
  assert(
    /^svi done: 100 steps in [\d.]+ s \([\d.]+ it\/s\), \d+ skipped$/.test(
      lines[2]!,
    ) &&
      lines[2]!.endsWith(`, ${r.skippedSteps} skipped`),
    lines[2],
  );
  // the plain update lets the NonFiniteError through (it is still a RangeError)
  const e = assertThrows(
    () => svi.run(key(6), 100, [], { progress: false }),
    NonFiniteError,
    "z must be >= 0",
  );
  assert(e instanceof RangeError);
  assertEquals((e as NonFiniteError).stage, "test.guarded");
});

Deno.test("stableUpdate() lets other errors through: a plain RangeError (even one saying 'finite') and a TypeError", () => {
  const m = guardedModel((z) =>
    new RangeError(`z must be finite and >= 0, got ${z}`)
  );
  const svi = SVI(m, nanGuide, adam(0.01), TraceELBO());
  const e = assertThrows(
    () => svi.run(key(6), 100, [], { progress: false, stable: true }),
    RangeError,
    "must be finite and >= 0",
  );
  assert(!(e instanceof NonFiniteError));
  const broken = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(0, 1));
    throw new TypeError("broken model");
  };
  const s2 = SVI(broken, nanGuide, adam(0.01), TraceELBO());
  assertThrows(() => s2.stableUpdate(s2.init(key(7))), TypeError, "broken");
});

Deno.test("SVI.run(key, numSteps, args, opts): args is an array in a fixed position, opts a checked options object", () => {
  const svi = SVI(model, guide, adam(0.05), TraceELBO());
  // the same steps as init + update(state, ...args)
  const r = svi.run(key(9), 3, [y], { progress: false });
  let st = svi.init(key(9), y);
  const ls: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [n, l] = svi.update(st, y);
    st = n;
    ls.push(l);
  }
  assertEquals(Array.from(r.losses), ls);
  assertEquals(r.params.m!.item(), svi.getParams(st).m!.item());
  // a model without arguments: args may be omitted or []
  const z0 = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(0, 1));
  };
  const g0 = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(ctx.param("m", scalar(0.5)), 1));
  };
  const s0 = SVI(z0, g0, sgd(0.1), TraceELBO());
  assertEquals(
    s0.run(key(1), 2, undefined, { progress: false }).losses.length,
    2,
  );
  assertEquals(
    s0.run(key(1), 2, [], { progress: false }).losses.length,
    2,
  );
  // wrong types: clear TypeErrors
  const bad = svi as unknown as {
    run(k: Uint32Array, n: unknown, a?: unknown, o?: unknown): unknown;
  };
  assertThrows(
    () => bad.run(key(0), 3, y, { progress: false }),
    TypeError,
    "args must be an array",
  );
  assertThrows(
    () => bad.run(key(0), 3, { progress: false }),
    TypeError,
    "got Object",
  );
  assertThrows(
    () => bad.run(key(0), 3, [y], [{ progress: false }]),
    TypeError,
    "opts must be a plain options object",
  );
  assertThrows(
    () => bad.run(key(0), 3, [y], { progres: false }),
    TypeError,
    'unknown option "progres"',
  );
  assertThrows(
    () => bad.run(key(0), 3, [y], { stable: "yes" }),
    TypeError,
    "stable must be a boolean",
  );
  assertThrows(
    () => bad.run(key(0), 3, [y], { log: 1 }),
    TypeError,
    "log must be a function",
  );
  assertThrows(
    () => bad.run(key(0), 3, [y], { logEvery: 0 }),
    RangeError,
    "logEvery",
  );
  assertThrows(
    () => bad.run(key(0), "3", [y]),
    TypeError,
    "numSteps must be a number",
  );
});
