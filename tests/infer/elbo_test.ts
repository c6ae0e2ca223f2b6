import {
  scalar,
  type Tensor,
  tensor,
  type Value,
  valueAndGrad,
} from "../../src/ad/mod.ts";
import { positive } from "../../src/infer/constraints.ts";
import {
  type Distribution,
  Exponential,
  Independent,
  LogNormal,
  MultivariateNormal,
  Normal,
} from "../../src/infer/distributions.ts";
import {
  klDivergence,
  TraceELBO,
  TraceMeanFieldELBO,
} from "../../src/infer/elbo.ts";
import type { ModelContext } from "../../src/infer/handlers.ts";
import { key, split } from "../../src/random/mod.ts";
import { assert, assertThrows } from "../_util.ts";

const t = (v: Value) => v as Tensor;

// Conjugate model: μ ~ N(0, τ), y_i ~ N(μ, σ)
const Y = [1.2, 0.7, 2.1, 1.5, 0.9];
const TAU = 2, SIG = 1;
function model(ctx: ModelContext, y: Tensor) {
  const mu = ctx.sample("mu", new Normal(0, TAU));
  ctx.plate(
    "data",
    y.size,
    () => ctx.sample("y", new Normal(mu, SIG), { obs: y }),
  );
}
function guide(ctx: ModelContext, _y: Tensor) {
  const m = ctx.param("m", scalar(0.3));
  const s = ctx.param("s", scalar(0.5), { constraint: positive });
  ctx.sample("mu", new Normal(m, s));
}
const y = tensor(Y);

/** Closed-form ELBO of the conjugate model for q = N(m, s). */
function analyticElbo(m: number, s: number): number {
  const n = Y.length;
  let ll = -0.5 * n * Math.log(2 * Math.PI * SIG ** 2);
  for (const yi of Y) ll -= ((yi - m) ** 2 + s * s) / (2 * SIG ** 2);
  const lp = -0.5 * Math.log(2 * Math.PI * TAU ** 2) -
    (m * m + s * s) / (2 * TAU ** 2);
  const h = 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
  return ll + lp + h;
}

/** Mean and standard error of single-particle losses over n keys. */
function mcLoss(
  loss: (k: Uint32Array) => number,
  n: number,
  seed: number,
): [number, number] {
  const ks = split(key(seed), n);
  const v = ks.map(loss);
  const m = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return [m, sd / Math.sqrt(n)];
}

const params = { m: scalar(0.3), s: scalar(0.5) };

Deno.test("TraceELBO().loss() is exactly 0 when the guide equals a normalized model", () => {
  const m = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(1, 2));
  };
  const g = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(1, 2));
  };
  for (const s of [0, 1, 2]) {
    const l = t(TraceELBO({ numParticles: 3 }).loss(key(s), {}, m, g)).item();
    assert(Math.abs(l) < 1e-14, `loss ${l}`);
  }
});

Deno.test("TraceELBO().loss() averages to the closed-form negative ELBO within 3 standard errors", () => {
  const want = -analyticElbo(0.3, 0.5);
  const [m, se] = mcLoss(
    (k) => t(TraceELBO().loss(k, params, model, guide, y)).item(),
    2000,
    1,
  );
  assert(Math.abs(m - want) < 3 * se, `MC ${m} ± ${se} vs ${want}`);
  // numParticles averages particles: same estimator, smaller spread
  const l8 = t(
    TraceELBO({ numParticles: 500 }).loss(key(5), params, model, guide, y),
  ).item();
  assert(
    Math.abs(l8 - want) < 3 * se * Math.sqrt(2000 / 500),
    `500 particles: ${l8} vs ${want}`,
  );
});

Deno.test("TraceELBO gradient (reparameterized) agrees with the closed-form gradient within 3 SE", () => {
  const n = Y.length, b = n / SIG ** 2 + 1 / TAU ** 2;
  const m0 = 0.3, s0 = 0.5;
  const a = Y.reduce((acc, v) => acc + (v - m0) / SIG ** 2, 0) - m0 / TAU ** 2;
  // d(−ELBO)/dm = −a ; d(−ELBO)/ds = b·s − 1/s (per-particle sds: s·b and √(a² + 2b²s²))
  const wantM = -a, wantS = b * s0 - 1 / s0;
  const P = 800;
  const elbo = TraceELBO({ numParticles: P });
  const [, [gm, gs]] = valueAndGrad((m: Value, s: Value) =>
    elbo.loss(key(11), { m, s }, model, guide, y)
  )(scalar(m0), scalar(s0));
  const seM = (s0 * b) / Math.sqrt(P),
    seS = Math.sqrt(a * a + 2 * b * b * s0 * s0) / Math.sqrt(P);
  assert(
    Math.abs(t(gm!).item() - wantM) < 3 * seM,
    `dm ${t(gm!).item()} vs ${wantM} (SE ${seM})`,
  );
  assert(
    Math.abs(t(gs!).item() - wantS) < 3 * seS,
    `ds ${t(gs!).item()} vs ${wantS} (SE ${seS})`,
  );
});

Deno.test("TraceMeanFieldELBO uses the analytic KL: same expectation, exact KL for latent-only models", () => {
  const want = -analyticElbo(0.3, 0.5);
  const [m, se] = mcLoss(
    (k) => t(TraceMeanFieldELBO().loss(k, params, model, guide, y)).item(),
    1000,
    2,
  );
  assert(Math.abs(m - want) < 3 * se, `MC ${m} ± ${se} vs ${want}`);
  // with no observations the loss is KL(q ‖ p) exactly, whatever the key
  const prior = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(0, 2));
  };
  const q = (ctx: ModelContext) => {
    ctx.sample("z", new Normal(1, 0.5));
  };
  const kl = Math.log(2 / 0.5) + (0.25 + 1) / 8 - 0.5;
  for (const sd of [0, 1]) {
    const l = t(TraceMeanFieldELBO().loss(key(sd), {}, prior, q)).item();
    assert(Math.abs(l - kl) < 1e-14, `KL ${l} vs ${kl}`);
  }
  // without a registered KL (Exponential prior vs LogNormal guide) it falls back to Monte Carlo
  const m2 = (ctx: ModelContext) => {
    ctx.sample("r", new Exponential(1));
  };
  const g2 = (ctx: ModelContext) => {
    ctx.sample("r", new LogNormal(0, 1));
  };
  const a = t(TraceMeanFieldELBO().loss(key(4), {}, m2, g2)).item();
  const b = t(TraceELBO().loss(key(4), {}, m2, g2)).item();
  assert(Math.abs(a - b) < 1e-14, `${a} vs ${b}`);
});

Deno.test("klDivergence() matches closed forms for Normal, Independent and MultivariateNormal", () => {
  const kl = (p: Distribution, q: Distribution) => t(klDivergence(p, q)!);
  const want = Math.log(2 / 0.5) + (0.25 + 1) / 8 - 0.5;
  assert(
    Math.abs(kl(new Normal(1, 0.5), new Normal(0, 2)).item() - want) < 1e-14,
  );
  const ind = kl(
    new Independent(new Normal(tensor([1, 1]), 0.5), 1),
    new Independent(new Normal(0, tensor([2, 2])), 1),
  );
  assert(ind.shape.length === 0 && Math.abs(ind.item() - 2 * want) < 1e-14);
  // MVN: ½[tr(Σq⁻¹Σp) + Δᵀ Σq⁻¹ Δ − n + ln|Σq|/|Σp|]
  const Lp = tensor([1, 0, 0.5, 0.8], [2, 2]),
    Lq = tensor([2, 0, -0.3, 1.5], [2, 2]);
  const d = kl(
    new MultivariateNormal(tensor([0.2, -0.1]), { scaleTril: Lp }),
    new MultivariateNormal(tensor([0, 0.4]), { scaleTril: Lq }),
  ).item();
  const Sp = [1, 0.5, 0.5, 0.25 + 0.64], Sq = [4, -0.6, -0.6, 0.09 + 2.25];
  const det = (S: number[]) => S[0]! * S[3]! - S[1]! * S[2]!;
  const iq = [
    Sq[3]! / det(Sq),
    -Sq[1]! / det(Sq),
    -Sq[2]! / det(Sq),
    Sq[0]! / det(Sq),
  ];
  const tr = iq[0]! * Sp[0]! + iq[1]! * Sp[2]! + iq[2]! * Sp[1]! +
    iq[3]! * Sp[3]!;
  const dl = [0 - 0.2, 0.4 + 0.1];
  const maha = dl[0]! * (iq[0]! * dl[0]! + iq[1]! * dl[1]!) +
    dl[1]! * (iq[2]! * dl[0]! + iq[3]! * dl[1]!);
  const wantMvn = 0.5 * (tr + maha - 2 + Math.log(det(Sq) / det(Sp)));
  assert(Math.abs(d - wantMvn) < 1e-13, `MVN KL ${d} vs ${wantMvn}`);
  assert(klDivergence(new Exponential(1), new Normal(0, 1)) === null);
});

Deno.test("ELBOs reject bad particles, missing guide sites and non-reparameterizable guides", () => {
  assertThrows(
    () => TraceELBO({ numParticles: 0 }),
    RangeError,
    "numParticles",
  );
  const empty = (_ctx: ModelContext, _y: Tensor) => {};
  assertThrows(
    () => TraceELBO().loss(key(0), {}, model, empty, y),
    Error,
    "latent site 'mu' of the model is missing from the guide",
  );
  const base = new Normal(0, 1);
  const noRsample: Distribution = {
    batchShape: [],
    eventShape: [],
    support: base.support,
    hasRsample: false,
    sample: (k, s) => base.sample(k, s),
    rsample: () => {
      throw new Error("no rsample");
    },
    logProb: (v) => base.logProb(v),
    mean: base.mean,
    variance: base.variance,
  };
  const g = (ctx: ModelContext, _y: Tensor) => {
    ctx.sample("mu", noRsample);
  };
  assertThrows(
    () => TraceELBO().loss(key(0), {}, model, g, y),
    TypeError,
    "not reparameterizable",
  );
});
