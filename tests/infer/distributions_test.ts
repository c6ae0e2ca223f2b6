import * as ad from "../../src/ad/mod.ts";
import { scalar, tensor, type Value } from "../../src/ad/mod.ts";
import {
  Beta,
  Cauchy,
  Delta,
  type Distribution,
  expand,
  Exponential,
  Gamma,
  HalfNormal,
  Independent,
  LogNormal,
  MultivariateNormal,
  Normal,
  StudentT,
  toEvent,
  TransformedDistribution,
  TruncatedNormal,
  Uniform,
} from "../../src/infer/distributions.ts";
import { ExpTransform } from "../../src/infer/transforms.ts";
import { key, split } from "../../src/random/prng.ts";
import { asT } from "../ad/_check.ts";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrows,
  maxRelErr,
} from "../_util.ts";

const fx = JSON.parse(
  Deno.readTextFileSync(
    new URL("../fixtures/infer_distributions.json", import.meta.url),
  ),
  (
    _k,
    v,
  ) => (v === "NaN"
    ? NaN
    : v === "Infinity"
    ? Infinity
    : v === "-Infinity"
    ? -Infinity
    : v),
);

// deno-lint-ignore no-explicit-any
const ctors: Record<string, (...p: any[]) => Distribution> = {
  Normal: (a, b) => new Normal(a, b),
  Uniform: (a, b) => new Uniform(a, b),
  Exponential: (a) => new Exponential(a),
  LogNormal: (a, b) => new LogNormal(a, b),
  HalfNormal: (a) => new HalfNormal(a),
  Gamma: (a, b) => new Gamma(a, b),
  Beta: (a, b) => new Beta(a, b),
  Cauchy: (a, b) => new Cauchy(a, b),
  StudentT: (a, b, c) => new StudentT(a, b, c),
  TruncatedNormal: (a, b, c, d) => new TruncatedNormal(a, b, c, d),
};

const num = (v: Value) => asT(v).item();

Deno.test("logProb, mean and variance of every distribution match scipy (1e-12 relative, floor 1)", () => {
  let worst = 0;
  for (const c of fx.dists) {
    const d = ctors[c.name]!(...c.params);
    // one batched call over all points
    const lp = asT(d.logProb(tensor(c.x)));
    const e = maxRelErr(lp.data, c.logpdf, 1);
    assert(
      e < 1e-12,
      `${c.name}(${c.params}) logProb err ${e}: ${
        Array.from(lp.data)
      } vs ${c.logpdf}`,
    );
    worst = Math.max(worst, e);
    const m = num(d.mean), v = num(d.variance);
    if (Number.isFinite(c.mean)) {
      assertRelClose(m, c.mean, 1e-12, `${c.name} mean`, 1);
    } else {assert(
        Object.is(m, c.mean) || (Number.isNaN(m) && Number.isNaN(c.mean)),
        `${c.name} mean ${m}`,
      );}
    if (c.kappa !== undefined) {
      // truncated normal: σ²[1 + t − d²] cancels in tail truncations; the fixture (40-digit
      // arithmetic) gives its condition number κ, and the requirement is 1e-14·κ (a few ulps per term)
      assertRelClose(
        v,
        c.var,
        1e-14 * c.kappa,
        `${c.name} variance (κ ${c.kappa})`,
      );
    } else if (Number.isFinite(c.var)) {
      assertRelClose(v, c.var, 1e-12, `${c.name} variance`, 1e-300);
    } else if (c.name === "Cauchy") {
      assert(v === Infinity, "Cauchy variance is +∞ (NumPyro; scipy says NaN)");
    } else {assert(
        v === c.var || (Number.isNaN(v) && Number.isNaN(c.var)),
        `${c.name} var ${v}`,
      );}
  }
  assert(worst < 1e-12);
});

Deno.test("MultivariateNormal logProb (scaleTril and covariance forms) and entropy match scipy", () => {
  const { loc, cov, scaleTril, x, logpdf, entropy } = fx.mvn;
  const a = new MultivariateNormal(tensor(loc), {
    scaleTril: tensor(scaleTril, [3, 3]),
  });
  const b = new MultivariateNormal(tensor(loc), {
    covarianceMatrix: tensor(cov, [3, 3]),
  });
  for (const d of [a, b]) {
    const lp = asT(d.logProb(tensor(x, [3, 3])));
    assertEquals(lp.shape, [3]);
    assert(
      maxRelErr(lp.data, logpdf, 1) < 1e-12,
      `mvn ${Array.from(lp.data)} vs ${logpdf}`,
    );
    assertRelClose(num(d.entropy()), entropy, 1e-12, "entropy");
    assert(
      maxRelErr(asT(d.variance).data, [cov[0], cov[4], cov[8]], 1) < 1e-14,
      "variance",
    );
  }
  assert(
    maxRelErr(asT(b.scaleTril).data, scaleTril, 1) < 1e-14,
    "cholesky of covariance",
  );
  // batch of locations
  const batched = new MultivariateNormal(tensor([...loc, ...loc], [2, 3]), {
    scaleTril: tensor(scaleTril, [3, 3]),
  });
  assertEquals(batched.batchShape, [2]);
  assertEquals(asT(batched.logProb(tensor(x.slice(0, 3)))).shape, [2]);
});

Deno.test("out-of-support values give -Infinity with finite gradients", () => {
  const cases: [Distribution, number][] = [
    [new Exponential(2), -1],
    [new Gamma(2, 1), 0],
    [new Beta(2, 2), 1.5],
    [new Uniform(0, 1), 2],
    [new LogNormal(0, 1), -3],
    [new HalfNormal(1), -0.1],
    [new TruncatedNormal(0, 1, -1, 1), 1.5],
  ];
  for (const [d, v] of cases) {
    const lp = asT(d.logProb(tensor([v, 0.5])));
    assert(
      lp.data[0] === -Infinity && Number.isFinite(lp.data[1]!),
      `${(d as unknown as { name: string }).name}`,
    );
  }
  const g = asT(
    ad.grad((r: Value) =>
      ad.sum(
        ad.where(
          tensor([0, 1]),
          new Exponential(r).logProb(tensor([-1, 0.5])),
          tensor([0, 0]),
        ),
      )
    )(scalar(2)),
  );
  assert(
    Number.isFinite(g.item()) && Math.abs(g.item() - (0.5 - 0.5)) < 1e-15,
    `grad ${g.item()}`,
  );
});

Deno.test("shapes: batch broadcasting, sample shapes, wrong value shapes are TypeErrors", () => {
  const d = new Normal(tensor([0, 1, 2]), 1);
  assertEquals(d.batchShape, [3]);
  assertEquals(d.sample(key(0), [4]).shape, [4, 3]);
  assertEquals(asT(d.logProb(tensor(new Float64Array(6), [2, 3]))).shape, [
    2,
    3,
  ]);
  assertEquals(asT(d.logProb(scalar(0))).shape, [3]);
  assertThrows(() => d.logProb(tensor([1, 2, 3, 4])), TypeError, "batch shape");
  assertThrows(() => d.sample(key(0), [-1]), TypeError, "sampleShape");
  const m = new MultivariateNormal(tensor([0, 0]), {
    scaleTril: tensor([1, 0, 0, 1], [2, 2]),
  });
  assertThrows(() => m.logProb(tensor([1, 2, 3])), TypeError, "event shape");
  assertEquals(m.sample(key(1), [5]).shape, [5, 2]);
});

Deno.test("constructors reject invalid concrete parameters with a RangeError naming them", () => {
  assertThrows(() => new Normal(0, -1), RangeError, "scale");
  assertThrows(() => new Normal(NaN, 1), RangeError, "loc");
  assertThrows(() => new HalfNormal(0), RangeError, "scale");
  assertThrows(() => new Exponential(-2), RangeError, "rate");
  assertThrows(() => new Gamma(-1, 1), RangeError, "concentration");
  assertThrows(() => new Beta(1, 0), RangeError, "concentration0");
  assertThrows(() => new StudentT(0, 0, 1), RangeError, "df");
  assertThrows(() => new Uniform(1, 0), RangeError, "high");
  assertThrows(() => new TruncatedNormal(0, 1, 2, 1), RangeError, "low < high");
  assertThrows(() => new LogNormal(0, tensor([1, -1])), RangeError, "scale");
  assertThrows(() => new Normal("a" as never, 1), TypeError, "loc");
  const bad = tensor([1, 2, 2, 1], [2, 2]);
  assertThrows(
    () => new MultivariateNormal(tensor([0, 0]), { covarianceMatrix: bad }),
    RangeError,
    "positive definite",
  );
  assertThrows(
    () =>
      new MultivariateNormal(tensor([0, 0]), {
        covarianceMatrix: tensor([1, 0.5, 0, 1], [2, 2]),
      }),
    RangeError,
    "symmetric",
  );
  assertThrows(
    () =>
      new MultivariateNormal(tensor([0, 0]), {
        scaleTril: tensor([1, 0, 0, -1], [2, 2]),
      }),
    RangeError,
    "scaleTril",
  );
  assertThrows(
    () =>
      new MultivariateNormal(tensor([0, 0]), {
        scaleTril: tensor([1, 0, 0, 1, 0, 0, 0, 0, 1], [3, 3]),
      }),
    TypeError,
    "[2, 2]",
  );
  assertThrows(
    () => new MultivariateNormal(tensor([0, 0]), {}),
    TypeError,
    "exactly one",
  );
});

// ---------------------------------------------------------------------------------------------
// Monte Carlo: sample mean and variance vs closed forms. With n draws, the standard error of the
// mean is sqrt(var/n) and that of the sample variance sqrt((μ4 − var²)/n) (μ4 estimated from the
// draws); each check requires |error| < 5 standard errors (false-alarm rate ~6e-7 per check).

function moments(x: Float64Array): { m: number; v: number; mu4: number } {
  const n = x.length;
  const m = x.reduce((s, a) => s + a, 0) / n;
  let v = 0, mu4 = 0;
  for (const a of x) {
    v += (a - m) ** 2;
    mu4 += (a - m) ** 4;
  }
  return { m, v: v / (n - 1), mu4: mu4 / n };
}

const mcCases: [string, Distribution][] = [
  ["Normal", new Normal(0.3, 1.7)],
  ["Uniform", new Uniform(-1, 2.5)],
  ["Exponential", new Exponential(2.5)],
  ["LogNormal", new LogNormal(0.2, 0.5)],
  ["HalfNormal", new HalfNormal(1.5)],
  ["Gamma(2.5, 1.5)", new Gamma(2.5, 1.5)],
  ["Gamma(0.4, 3)", new Gamma(0.4, 3)],
  ["Beta(2, 5)", new Beta(2, 5)],
  ["Beta(0.5, 0.7)", new Beta(0.5, 0.7)],
  ["StudentT(9, 1, 2)", new StudentT(9, 1, 2)],
  ["TruncatedNormal(0.5, 2, -1, 3)", new TruncatedNormal(0.5, 2, -1, 3)],
  ["TruncatedNormal(0, 1, 4, ∞)", new TruncatedNormal(0, 1, 4)],
  [
    "TruncatedNormal(1, 0.5, -∞, 0.2)",
    new TruncatedNormal(1, 0.5, -Infinity, 0.2),
  ],
];

Deno.test("sample mean and variance agree with the closed forms within 5 standard errors", () => {
  const n = 20000;
  const keys = split(key(2024), mcCases.length);
  mcCases.forEach(([name, d], i) => {
    const x = d.sample(keys[i]!, [n]).data;
    assert(
      d.support.check(d.sample(keys[i]!, [n])),
      `${name} samples in support`,
    );
    const { m, v, mu4 } = moments(x);
    const mean = num(d.mean), variance = num(d.variance);
    const seM = Math.sqrt(variance / n),
      seV = Math.sqrt(Math.max(mu4 - v * v, 0) / n);
    assert(
      Math.abs(m - mean) < 5 * seM,
      `${name}: sample mean ${m} vs ${mean} (se ${seM})`,
    );
    assert(
      Math.abs(v - variance) < 5 * seV,
      `${name}: sample var ${v} vs ${variance} (se ${seV})`,
    );
  });
});

Deno.test("Cauchy samples: P(x < loc) = 1/2 and P(|x − loc| < scale) = 1/2 within 5 standard errors", () => {
  const n = 20000;
  const x = new Cauchy(0.5, 2).sample(key(9), [n]).data;
  const below = x.filter((a) => a < 0.5).length / n;
  const inner = x.filter((a) => Math.abs(a - 0.5) < 2).length / n;
  const se = Math.sqrt(0.25 / n);
  assert(
    Math.abs(below - 0.5) < 5 * se && Math.abs(inner - 0.5) < 5 * se,
    `${below} ${inner}`,
  );
});

Deno.test("MultivariateNormal samples: covariance entries within 5 standard errors of Σ", () => {
  const { loc, cov } = fx.mvn;
  const d = new MultivariateNormal(tensor(loc), {
    covarianceMatrix: tensor(cov, [3, 3]),
  });
  const n = 20000;
  const x = d.sample(key(77), [n]).data;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0, mi = 0, mj = 0;
      for (let k = 0; k < n; k++) {
        mi += x[k * 3 + i]!;
        mj += x[k * 3 + j]!;
      }
      mi /= n;
      mj /= n;
      for (let k = 0; k < n; k++) {
        s += (x[k * 3 + i]! - mi) * (x[k * 3 + j]! - mj);
      }
      s /= n - 1;
      // Var of a sample covariance of a Gaussian pair: (Σii Σjj + Σij²)/n
      const se = Math.sqrt(
        (cov[i * 3 + i] * cov[j * 3 + j] + cov[i * 3 + j] ** 2) / n,
      );
      assert(
        Math.abs(s - cov[i * 3 + j]) < 5 * se,
        `cov[${i},${j}] ${s} vs ${cov[i * 3 + j]}`,
      );
      if (i === j) {
        assert(
          Math.abs(mi - loc[i]) < 5 * Math.sqrt(cov[i * 3 + i] / n),
          `mean ${i}`,
        );
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// rsample gradients

/**
 * Monte Carlo check of d E[f(x)]/dθ: the parameter is replicated n times (one copy per draw) so
 * that the gradient of Σ f(xᵢ)/n with respect to the copies gives the per-draw estimators; their
 * mean must be within 5 standard errors of the analytic derivative.
 */
function mcGrad(
  make: (theta: Value) => Distribution,
  theta: number,
  f: (x: Value) => Value,
  want: number,
  seed: number,
  n = 8000,
): void {
  const th = tensor(new Float64Array(n).fill(theta));
  const g =
    asT(ad.grad((t: Value) => ad.sum(f(make(t).rsample(key(seed)))))(th)).data;
  const { m, v } = moments(g);
  const se = Math.sqrt(v / n);
  assert(Math.abs(m - want) < 5 * se, `d E/dθ ${m} vs ${want} (se ${se})`);
}

Deno.test("rsample gradients: pathwise values exact, d E[f(x)]/dθ vs analytic within 5 standard errors", () => {
  // exact pathwise identity for Normal: d/dμ Σ x² = 2 Σ x, d/dσ Σ x² = 2 Σ x ε
  const k = key(4);
  const [gl, gs] = ad.valueAndGrad((l: Value, s: Value) =>
    ad.sum(
      ad.mul(
        new Normal(l, s).rsample(k, [50]),
        new Normal(l, s).rsample(k, [50]),
      ),
    )
  )(scalar(0.7), scalar(1.3))[1].map(asT);
  const x = new Normal(0.7, 1.3).sample(k, [50]).data;
  assertRelClose(gl!.item(), 2 * x.reduce((s, a) => s + a, 0), 1e-13, "dμ");
  assertRelClose(
    gs!.item(),
    2 * x.reduce((s, a) => s + a * (a - 0.7) / 1.3, 0),
    1e-13,
    "dσ",
  );
  const sq = (v: Value) => ad.mul(v, v);
  const id = (v: Value) => v;
  // Normal: E[x²] = μ² + σ²
  mcGrad((t) => new Normal(t, 1.3), 0.7, sq, 1.4, 1);
  mcGrad((t) => new Normal(0.7, t), 1.3, sq, 2.6, 2);
  // LogNormal: E[x] = exp(μ + σ²/2)
  mcGrad((t) => new LogNormal(t, 0.5), 0.2, id, Math.exp(0.2 + 0.125), 3);
  mcGrad((t) => new LogNormal(0.2, t), 0.5, id, 0.5 * Math.exp(0.2 + 0.125), 4);
  // Exponential: E[x] = 1/λ; Uniform: E[x] = (l + h)/2; HalfNormal: E[x] = σ √(2/π)
  mcGrad((t) => new Exponential(t), 2, id, -0.25, 5);
  mcGrad((t) => new Uniform(t, 3), 1, sq, (2 * 1 + 3) / 3, 6); // E[x²] = (l² + lh + h²)/3
  mcGrad((t) => new HalfNormal(t), 1.5, id, Math.sqrt(2 / Math.PI), 7);
  // Gamma (implicit reparameterization): E[x] = α/β
  mcGrad((t) => new Gamma(t, 1.5), 2.5, id, 1 / 1.5, 8);
  mcGrad((t) => new Gamma(t, 2), 0.4, id, 0.5, 9);
  mcGrad((t) => new Gamma(2.5, t), 1.5, id, -2.5 / 2.25, 10);
  // Beta: E[x] = a/(a+b) → d/da = b/(a+b)²
  mcGrad((t) => new Beta(t, 5), 2, id, 5 / 49, 11);
  // StudentT: E[x²] = σ² ν/(ν−2) + μ² → d/dν = −2σ²/(ν−2)²
  mcGrad((t) => new StudentT(t, 1, 2), 9, sq, -8 / 49, 12, 20000);
  // TruncatedNormal: d E[x]/d loc equals the derivative of the closed-form mean
  const dm = asT(
    ad.grad((t: Value) => new TruncatedNormal(t, 2, -1, 3).mean)(scalar(0.5)),
  ).item();
  mcGrad((t) => new TruncatedNormal(t, 2, -1, 3), 0.5, id, dm, 13);
  const ds = asT(
    ad.grad((t: Value) => new TruncatedNormal(0, t, 4).mean)(scalar(1)),
  ).item();
  mcGrad((t) => new TruncatedNormal(0, t, 4), 1, id, ds, 14);
});

Deno.test("MultivariateNormal rsample: d E‖x‖²/dμ = 2μ and d/dL = 2L within 5 standard errors", () => {
  const mu = tensor([0.1, -0.7]);
  const L = tensor([1.2, 0, 0.4, 0.8], [2, 2]);
  const n = 1000; // draws; the per-draw gradients give the standard errors
  const ks = split(key(31), n);
  const gm: number[][] = [[], []], gL: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    const [a, b] = ad.valueAndGrad((m: Value, l: Value) => {
      const x = new MultivariateNormal(m, { scaleTril: l }).rsample(ks[i]!);
      return ad.sum(ad.mul(x, x));
    })(mu, L)[1].map(asT);
    gm[0]!.push(a!.data[0]!);
    gm[1]!.push(a!.data[1]!);
    gL[0]!.push(b!.data[0]!);
    gL[1]!.push(b!.data[2]!);
    gL[2]!.push(b!.data[3]!);
  }
  const check = (xs: number[], want: number, what: string) => {
    const { m, v } = moments(Float64Array.from(xs));
    const se = Math.sqrt(v / xs.length);
    assert(Math.abs(m - want) < 5 * se, `${what}: ${m} vs ${want} (se ${se})`);
  };
  check(gm[0]!, 0.2, "dμ0");
  check(gm[1]!, -1.4, "dμ1");
  check(gL[0]!, 2.4, "dL00");
  check(gL[1]!, 0.8, "dL10");
  check(gL[2]!, 1.6, "dL11");
  // covariance form: gradients flow through cholesky
  const g = asT(
    ad.grad((c: Value) =>
      ad.sum(
        new MultivariateNormal(mu, { covarianceMatrix: c }).logProb(
          tensor([0.5, 0.5]),
        ),
      )
    )(tensor([2, 0.3, 0.3, 1], [2, 2])),
  );
  assert(
    g.data.every(Number.isFinite) && Math.abs(g.data[1]! - g.data[2]!) < 1e-14,
    "symmetric grad",
  );
});

// ---------------------------------------------------------------------------------------------
// wrappers

Deno.test("Independent / toEvent sum log densities over reinterpreted dims", () => {
  const base = new Normal(tensor([0, 1, 2, 3, 4, 5], [2, 3]), 1.5);
  const d = new Independent(base, 1);
  assertEquals(d.batchShape, [2]);
  assertEquals(d.eventShape, [3]);
  const v = tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [2, 3]);
  const lp = asT(d.logProb(v));
  const ref = asT(ad.sum(base.logProb(v), 1));
  assert(maxRelErr(lp.data, ref.data) < 1e-15);
  assertEquals(toEvent(base).eventShape, [2, 3]);
  assertEquals(toEvent(base, 0), base);
  assertEquals(d.support.eventDim, 1);
  assertThrows(() => new Independent(base, 3), RangeError);
});

Deno.test("expand adds independent batch dims (leading and size-1 interior)", () => {
  const d = expand(new Normal(tensor([0, 100], [2, 1]), 1), [4, 2, 3]);
  assertEquals(d.batchShape, [4, 2, 3]);
  const x = d.sample(key(3), [5]);
  assertEquals(x.shape, [5, 4, 2, 3]);
  // entries of the second row are around 100; all draws distinct
  const row2 = Array.from(x.data).filter((_, i) => Math.floor(i / 3) % 2 === 1);
  assert(row2.every((a) => a > 90), "interior dim kept its parameter");
  assertEquals(new Set(x.data).size, x.size);
  assertEquals(asT(d.logProb(x)).shape, [5, 4, 2, 3]);
  assertEquals(asT(d.mean).shape, [4, 2, 3]);
  assertThrows(() => expand(new Normal(tensor([0, 1]), 1), [3]), TypeError);
});

Deno.test("Delta and TransformedDistribution", () => {
  const d = new Delta(tensor([1, 2]), { logDensity: 0.5, eventDim: 1 });
  assertEquals(d.eventShape, [2]);
  assertEquals(num(d.logProb(tensor([1, 2]))), 0.5);
  assertEquals(num(d.logProb(tensor([1, 3]))), -Infinity);
  assertEquals(Array.from(d.sample(key(0), [2]).data), [1, 2, 1, 2]);
  const t = new TransformedDistribution(
    new Normal(0.2, 0.8),
    new ExpTransform(),
  );
  const ln = new LogNormal(0.2, 0.8);
  const xs = tensor([0.3, 1, 4]);
  assert(maxRelErr(asT(t.logProb(xs)).data, asT(ln.logProb(xs)).data) < 1e-14);
  assertEquals(t.support.name, "positive");
  assert(t.sample(key(1), [10]).data.every((a) => a > 0));
  assertThrows(() => t.mean, Error, "closed form");
});
