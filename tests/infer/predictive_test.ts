import {
  add,
  broadcastTo,
  mul,
  reshape,
  scalar,
  type Tensor,
  tensor,
} from "../../src/ad/mod.ts";
import {
  AutoMultivariateNormal,
  AutoNormal,
} from "../../src/infer/autoguides/mod.ts";
import { Normal } from "../../src/infer/distributions.ts";
import type { ModelContext } from "../../src/infer/handlers.ts";
import { Predictive } from "../../src/infer/predictive.ts";
import { key } from "../../src/random/mod.ts";
import { assert, assertEquals, assertThrows } from "../_util.ts";

// μ ~ N(0, 1); z = 2μ + 1 (deterministic); y_i ~ N(μ, 0.5) for i < n (observed when y is given)
function model(ctx: ModelContext, n: number, y?: Tensor) {
  const mu = ctx.sample("mu", new Normal(0, 1));
  ctx.deterministic("z", add(mul(mu, scalar(2)), scalar(1)));
  ctx.plate(
    "data",
    n,
    () => ctx.sample("y", new Normal(mu, 0.5), y ? { obs: y } : {}),
  );
}

function moments(a: Float64Array, stride = 1, offset = 0): [number, number] {
  const n = a.length / stride;
  let m = 0;
  for (let i = 0; i < n; i++) m += a[i * stride + offset]! / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i * stride + offset]! - m) ** 2 / (n - 1);
  return [m, v];
}

Deno.test("Predictive() prior draws: all sample and deterministic sites, leading axis numSamples", () => {
  const N = 4000;
  const out = Predictive(model, { numSamples: N })(key(0), 3);
  assertEquals(Object.keys(out), ["mu", "z", "y"]);
  assertEquals(out.mu!.shape, [N]);
  assertEquals(out.y!.shape, [N, 3]);
  for (let i = 0; i < N; i++) {
    assertEquals(out.z!.data[i], 2 * out.mu!.data[i]! + 1);
  }
  // y = μ + 0.5 ε: mean 0, variance 1.25 (3 SE tolerances: SE(mean) = √(1.25/N), SE(var) ≈ 1.25√(2/N))
  const [m, v] = moments(out.y!.data, 3, 1);
  assert(Math.abs(m) < 3 * Math.sqrt(1.25 / N), `mean ${m}`);
  assert(Math.abs(v - 1.25) < 3 * 1.25 * Math.sqrt(2 / N), `var ${v}`);
  // same key, same draws
  assertEquals(
    Predictive(model, { numSamples: 5 })(key(1), 3),
    Predictive(model, { numSamples: 5 })(key(1), 3),
  );
});

Deno.test("Predictive() with posteriorSamples substitutes them and returns the other sites", () => {
  const mu = tensor([0, 10, -10]);
  const out = Predictive(model, { posteriorSamples: { mu } })(key(2), 2);
  assertEquals(Object.keys(out), ["z", "y"]);
  assertEquals(Array.from(out.z!.data), [1, 21, -19]);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      assert(
        Math.abs(out.y!.data[i * 2 + j]! - mu.data[i]!) < 3,
        "y near its μ",
      );
    }
  }
  const only = Predictive(model, {
    posteriorSamples: { mu },
    returnSites: ["mu", "z"],
  })(key(2), 2);
  assertEquals(Object.keys(only), ["mu", "z"]);
  assertEquals(Array.from(only.mu!.data), [0, 10, -10]);
  // observed sites keep their data (as NumPyro): predict by leaving obs undefined
  const obs = Predictive(model, { posteriorSamples: { mu } })(
    key(2),
    2,
    tensor([7, 8]),
  );
  assertEquals(Array.from(obs.y!.data), [7, 8, 7, 8, 7, 8]);
});

Deno.test("Predictive() with a guide and params: posterior predictive moments", () => {
  const N = 3000;
  // an AutoNormal guide with fixed params: μ ~ N(0.8, 0.3) ⇒ y ~ N(0.8, √(0.09 + 0.25))
  const guide = AutoNormal(model);
  guide.setup(key(0), 1, tensor([0.5])); // built with y observed, so only μ is latent
  const params = { mu_auto_loc: scalar(0.8), mu_auto_scale: scalar(0.3) };
  const out = Predictive(model, { guide, params, numSamples: N })(key(3), 1);
  assertEquals(Object.keys(out), ["z", "y"]);
  const [m, v] = moments(out.y!.data);
  assert(Math.abs(m - 0.8) < 3 * Math.sqrt(0.34 / N), `mean ${m}`);
  assert(Math.abs(v - 0.34) < 3 * 0.34 * Math.sqrt(2 / N), `var ${v}`);
  // flat-vector guides: the auxiliary latent site is not substituted into the model
  const mvn = AutoMultivariateNormal(model);
  mvn.setup(key(0), 1, tensor([0.5]));
  const p2 = {
    auto_loc: tensor([0.8]),
    auto_scale_tril: tensor([0.3], [1, 1]),
  };
  const out2 = Predictive(model, {
    guide: mvn,
    params: p2,
    numSamples: N,
    returnSites: ["mu", "y"],
  })(key(4), 1);
  const [m2, v2] = moments(out2.mu!.data);
  assert(
    Math.abs(m2 - 0.8) < 3 * Math.sqrt(0.09 / N) &&
      Math.abs(v2 - 0.09) < 3 * 0.09 * Math.sqrt(2 / N),
  );
});

Deno.test("Predictive() rejects inconsistent options", () => {
  assertThrows(() => Predictive(model), RangeError, "numSamples");
  assertThrows(
    () =>
      Predictive(model, {
        posteriorSamples: { mu: tensor([1, 2]), z: tensor([1, 2, 3]) },
      }),
    TypeError,
    "different numbers of draws",
  );
  assertThrows(
    () =>
      Predictive(model, {
        posteriorSamples: { mu: tensor([1, 2]) },
        numSamples: 3,
      }),
    TypeError,
    "differs",
  );
  assertThrows(
    () =>
      Predictive(model, {
        guide: model,
        posteriorSamples: { mu: tensor([1]) },
      }),
    TypeError,
    "either guide or posteriorSamples",
  );
  assertThrows(
    () =>
      Predictive(model, { numSamples: 2, returnSites: ["nope"] })(key(0), 1),
    TypeError,
    "'nope'",
  );
});

// the same model written to broadcast over a leading batch axis of μ
function vmodel(ctx: ModelContext, n: number, y?: Tensor) {
  const mu = ctx.sample("mu", new Normal(0, 1));
  ctx.deterministic("z", add(mul(mu, scalar(2)), scalar(1)));
  const loc = mu.shape.length === 1
    ? broadcastTo(reshape(mu, [mu.shape[0]!, 1]), [mu.shape[0]!, n])
    : broadcastTo(mu, [n]);
  ctx.sample("y", new Normal(loc, 0.5), y ? { obs: y } : {});
}

Deno.test("Predictive() with batchSize: one model run per batch of draws; the latent draws are those of the loop, the predictive the same distribution", () => {
  const guide = AutoNormal(vmodel);
  guide.setup(key(0), 2, tensor([0.5, 0.1])); // y observed: only μ is latent
  const params = { mu_auto_loc: scalar(0.8), mu_auto_scale: scalar(0.3) };
  const loop = Predictive(vmodel, {
    guide,
    params,
    numSamples: 20,
    returnSites: ["mu", "z", "y"],
  })(key(3), 2);
  let runs = 0;
  const counted = (ctx: ModelContext, n: number, y?: Tensor) => {
    runs++;
    vmodel(ctx, n, y);
  };
  const batched = Predictive(counted, {
    guide,
    params,
    numSamples: 20,
    batchSize: 7, // 7 + 7 + 6
    returnSites: ["mu", "z", "y"],
  })(key(3), 2);
  assertEquals(runs, 3);
  assertEquals(batched.y!.shape, [20, 2]);
  assertEquals(Array.from(batched.mu!.data), Array.from(loop.mu!.data));
  assertEquals(Array.from(batched.z!.data), Array.from(loop.z!.data));
  const N = 3000;
  const out = Predictive(vmodel, {
    guide,
    params,
    numSamples: N,
    batchSize: 128,
  })(
    key(5),
    1,
  );
  const [m, v] = moments(out.y!.data);
  assert(Math.abs(m - 0.8) < 3 * Math.sqrt(0.34 / N), `mean ${m}`);
  assert(Math.abs(v - 0.34) < 3 * 0.34 * Math.sqrt(2 / N), `var ${v}`);
  // a model that does not broadcast over the batch is named
  const flat = (ctx: ModelContext, _n: number, _y?: Tensor) => {
    ctx.sample("mu", new Normal(0, 1));
    ctx.sample("w", new Normal(0, 1));
  };
  assertThrows(
    () =>
      Predictive(flat, { guide, params, numSamples: 4, batchSize: 2 })(
        key(0),
        2,
      ),
    TypeError,
    "site 'w' has shape [] without the leading batch axis of 2",
  );
  assertThrows(
    () => Predictive(vmodel, { numSamples: 4, batchSize: 0 }),
    RangeError,
    "batchSize must be a positive integer",
  );
});
