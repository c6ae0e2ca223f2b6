import * as ad from "../../src/ad/mod.ts";
import { scalar, type Tensor, tensor, type Value } from "../../src/ad/mod.ts";
import { positive } from "../../src/infer/constraints.ts";
import { Exponential, Normal } from "../../src/infer/distributions.ts";
import {
  block,
  condition,
  handle,
  type ModelContext,
  replay,
  runModel,
  scale,
  seed,
  siteLogProb,
  substitute,
  trace,
  traceLogDensity,
} from "../../src/infer/handlers.ts";
import { key } from "../../src/random/prng.ts";
import { asT } from "../ad/_check.ts";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrows,
} from "../_util.ts";

const y = tensor([0.4, -0.3, 1.2, 0.8]);

function model(ctx: ModelContext, data: Tensor) {
  const mu = ctx.sample("mu", new Normal(0, 10));
  const sigma = ctx.sample("sigma", new Exponential(1));
  ctx.plate("data", data.size, () => {
    ctx.sample("obs", new Normal(mu, sigma), { obs: data });
  });
  return ctx.deterministic("twice", ad.mul(mu, scalar(2)));
}

const v = (t: Value) => asT(t).item();

Deno.test("seed: same key → same draws, different key → different; unseeded sample is a clear error", () => {
  const a = trace(seed(model, key(1))).getTrace(y);
  const b = trace(seed(model, key(1))).getTrace(y);
  const c = trace(seed(model, key(2))).getTrace(y);
  assertEquals(v(a.get("mu")!.value), v(b.get("mu")!.value));
  assertEquals(v(a.get("sigma")!.value), v(b.get("sigma")!.value));
  assert(v(a.get("mu")!.value) !== v(c.get("mu")!.value));
  // integer seeds are accepted
  assertEquals(
    v(trace(seed(model, 1)).getTrace(y).get("mu")!.value),
    v(a.get("mu")!.value),
  );
  assertThrows(
    () => trace(model).getTrace(y),
    Error,
    "sample site 'mu' needs a PRNG key: wrap the model in seed()",
  );
  // observed sites need no key
  const obsOnly = (ctx: ModelContext) =>
    ctx.sample("x", new Normal(0, 1), { obs: scalar(1) });
  assertEquals(v(runModel(obsOnly) as Value), 1);
});

Deno.test("trace records every site in order with type, value, observation, plates and expanded fn", () => {
  const tr = trace(seed(model, key(0))).getTrace(y);
  assertEquals([...tr.keys()], ["mu", "sigma", "data", "obs", "twice"]);
  const obs = tr.get("obs")!;
  assertEquals(obs.type, "sample");
  assert(obs.isObserved && !tr.get("mu")!.isObserved);
  assertEquals(obs.plates, ["data"]);
  assertEquals(obs.fn!.batchShape, [4]);
  assertEquals(tr.get("data")!.type, "plate");
  assertEquals(tr.get("data")!.size, 4);
  assertEquals(tr.get("data")!.dim, -1);
  assertEquals(tr.get("twice")!.type, "deterministic");
  assertEquals(v(tr.get("twice")!.value), 2 * v(tr.get("mu")!.value));
  assertEquals(obs.scale, 1);
  // traceLogDensity = Σ logProb of sample sites
  const mu = tr.get("mu")!.value, sg = tr.get("sigma")!.value;
  const ref = v(new Normal(0, 10).logProb(mu)) +
    v(new Exponential(1).logProb(sg)) +
    v(ad.sum(new Normal(mu, sg).logProb(y)));
  assertRelClose(v(traceLogDensity(tr)), ref, 1e-14);
});

Deno.test("nested plates: the first plate is dim -1, the second dim -2", () => {
  const m = (ctx: ModelContext) => {
    ctx.plate("x", 3, () => {
      ctx.plate("y", 4, () => {
        ctx.sample("z", new Normal(0, 1));
      });
    });
  };
  const tr = trace(seed(m, key(0))).getTrace();
  assertEquals(asT(tr.get("z")!.value).shape, [4, 3]);
  assertEquals(tr.get("y")!.dim, -2);
  assertEquals(tr.get("z")!.plates, ["x", "y"]);
  const bad = (ctx: ModelContext) =>
    ctx.plate("p", 3, () => {
      ctx.sample("w", new Normal(tensor([0, 1]), 1));
    });
  assertThrows(
    () => trace(seed(bad, key(0))).getTrace(),
    TypeError,
    "conflicts with plate 'p'",
  );
  assertThrows(
    () => runModel((ctx: ModelContext) => ctx.plate("p", 0, () => {})),
    RangeError,
    "size",
  );
});

Deno.test("substitute fixes values (record or function), leaves sites unobserved, also params", () => {
  const tr = trace(seed(substitute(model, { mu: scalar(3) }), key(0))).getTrace(
    y,
  );
  assertEquals(v(tr.get("mu")!.value), 3);
  assert(!tr.get("mu")!.isObserved);
  assertEquals(v(tr.get("twice")!.value), 6);
  const tr2 = trace(
    seed(
      substitute(model, (s) => (s.name === "sigma" ? scalar(0.5) : undefined)),
      key(0),
    ),
  )
    .getTrace(y);
  assertEquals(v(tr2.get("sigma")!.value), 0.5);
  const pm = (ctx: ModelContext) =>
    ctx.param("w", scalar(1), { constraint: positive });
  assertEquals(v(runModel(substitute(pm, { w: scalar(7) })) as Value), 7);
  const ptr = trace(pm).getTrace();
  assertEquals(ptr.get("w")!.type, "param");
  assertEquals(ptr.get("w")!.constraint, positive);
  assertThrows(
    () => runModel(substitute(pm, { w: scalar(-1) })),
    RangeError,
    "constraint",
  );
  assertThrows(() => substitute(model, 3 as never), TypeError);
});

Deno.test("param initializers take a key from seed; ctx.prngKey() gives fresh keys", () => {
  const pm = (ctx: ModelContext) => {
    const a = ctx.param("a", (k) => new Normal(0, 1).sample(k));
    const k1 = ctx.prngKey(), k2 = ctx.prngKey();
    assert(k1 && k2 && (k1[0] !== k2[0] || k1[1] !== k2[1]));
    return a;
  };
  assertEquals(
    v(runModel(seed(pm, 4)) as Value),
    v(runModel(seed(pm, 4)) as Value),
  );
  assertThrows(() => runModel(pm), Error, "needs a PRNG key");
});

Deno.test("condition observes sites; replay reuses a guide trace's values", () => {
  const tr = trace(seed(condition(model, { mu: scalar(0.25) }), key(0)))
    .getTrace(y);
  assert(tr.get("mu")!.isObserved);
  assertEquals(v(tr.get("mu")!.value), 0.25);
  const guideTr = trace(seed(model, key(9))).getTrace(y);
  const rt = trace(seed(replay(model, guideTr), key(1))).getTrace(y);
  assertEquals(v(rt.get("mu")!.value), v(guideTr.get("mu")!.value));
  assertEquals(v(rt.get("sigma")!.value), v(guideTr.get("sigma")!.value));
  assertThrows(() => condition(model, { mu: 3 as never }), TypeError);
});

Deno.test("block hides sites from outer handlers (all, by name, by predicate)", () => {
  assertEquals([...trace(block(seed(model, key(0)))).getTrace(y).keys()], []);
  assertEquals(
    [...trace(block(seed(model, key(0)), ["mu", "obs"])).getTrace(y).keys()],
    ["sigma", "data", "twice"],
  );
  assertEquals(
    [
      ...trace(block(seed(model, key(0)), (s) => s.type !== "sample")).getTrace(
        y,
      ).keys(),
    ],
    ["mu", "sigma", "obs"],
  );
  // a blocked site is still sampled by the seed inside the block
  assert(Number.isFinite(v(runModel(block(seed(model, key(0))), y) as Value)));
});

Deno.test("scale multiplies site scales and the log density; nested scales compose", () => {
  const base = trace(seed(model, key(0))).getTrace(y);
  const tr = trace(scale(scale(seed(model, key(0)), 2), 5)).getTrace(y);
  assertEquals(tr.get("obs")!.scale, 10);
  assertRelClose(v(traceLogDensity(tr)), 10 * v(traceLogDensity(base)), 1e-14);
  assertRelClose(
    v(siteLogProb(tr.get("obs")!)),
    10 * v(siteLogProb(base.get("obs")!)),
    1e-14,
  );
  assertThrows(() => scale(model, -1), RangeError, "factor");
});

Deno.test("factor sites add to the log density; duplicate names are errors", () => {
  const m = (ctx: ModelContext) => {
    ctx.sample("x", new Normal(0, 1), { obs: scalar(0) });
    ctx.factor("f", tensor([0.5, 0.25]));
  };
  const tr = trace(m).getTrace();
  assertEquals(tr.get("f")!.type, "factor");
  assertRelClose(
    v(traceLogDensity(tr)),
    -0.5 * Math.log(2 * Math.PI) + 0.75,
    1e-15,
  );
  const dup = (ctx: ModelContext) => {
    ctx.param("a", 1);
    ctx.param("a", 2);
  };
  assertThrows(() => trace(dup).getTrace(), Error, "duplicate site name 'a'");
});

Deno.test("bad arguments: negative scale, wrong obs length, non-distribution, bad names", () => {
  const negScale = (ctx: ModelContext) => ctx.sample("x", new Normal(0, -1));
  assertThrows(() => runModel(seed(negScale, 0)), RangeError, "scale");
  const plateObs = (ctx: ModelContext, d: Tensor) =>
    ctx.plate("n", 3, () => {
      ctx.sample("o", new Normal(0, 1), { obs: d });
    });
  assertThrows(
    () => runModel(plateObs, tensor([1, 2, 3, 4, 5])),
    TypeError,
    "sample site 'o'",
  );
  const batchObs = (ctx: ModelContext) =>
    ctx.sample("o", new Normal(tensor([0, 1, 2]), 1), { obs: tensor([1, 2]) });
  assertThrows(() => runModel(batchObs), TypeError, "does not match");
  assertThrows(
    () => runModel((ctx: ModelContext) => ctx.sample("x", {} as never)),
    TypeError,
    "Distribution",
  );
  assertThrows(
    () => runModel((ctx: ModelContext) => ctx.sample("", new Normal())),
    TypeError,
    "name",
  );
  assertThrows(() => seed(model, -1), RangeError);
  assertThrows(() => trace(3 as never), TypeError, "model must be a function");
  assertThrows(() => runModel(handle(model, () => ({})), y), Error, "PRNG key");
});

Deno.test("gradients flow through substitute + trace + traceLogDensity (as SVI uses them)", () => {
  const logJoint = (mu: Value, sg: Value) =>
    traceLogDensity(trace(substitute(model, { mu, sigma: sg })).getTrace(y));
  const [, [gmu, gsg]] = ad.valueAndGrad(logJoint)(scalar(0.3), scalar(0.9));
  // d/dμ = −μ/100 + Σ (y − μ)/σ², d/dσ = −1 + Σ[(y − μ)²/σ³ − 1/σ]
  let a = -0.3 / 100, b = -1;
  for (const yi of y.data) {
    a += (yi - 0.3) / 0.81;
    b += (yi - 0.3) ** 2 / 0.729 - 1 / 0.9;
  }
  assertRelClose(v(gmu!), a, 1e-13, "dμ");
  assertRelClose(v(gsg!), b, 1e-13, "dσ");
});
