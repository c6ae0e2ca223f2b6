import { tensor, type Value } from "../../src/ad/mod.ts";
import * as ad from "../../src/ad/mod.ts";
import {
  cholesky,
  clip,
  gammaRsampleGradScalar,
  ndtr,
  ndtri,
  sampleStandardGamma,
  standardGammaRsample,
} from "../../src/infer/_ops.ts";
import { key, split } from "../../src/random/prng.ts";
import { asT, checkRules } from "../ad/_check.ts";
import {
  assert,
  assertRelClose,
  maxRelErr,
  readJsonFixture,
} from "../_util.ts";

const fx = readJsonFixture("infer_distributions.json");

Deno.test("implicit Gamma reparameterization dz/dα matches scipy gammaincinv differences (1e-6)", () => {
  for (const [a, z, g] of fx.gammaGrad as number[][]) {
    // reference: central differences with h = 1e-5 α, good to ~1e-8 relative
    assertRelClose(gammaRsampleGradScalar(a!, z!), g!, 1e-6, `α=${a} z=${z}`);
  }
});

Deno.test("ndtr, ndtri, clip, cholesky: JVP vs central differences, <w, Jv> = <Jᵀw, v>", () => {
  checkRules("ndtr", ndtr, [tensor([-3.2, -0.4, 0.7, 2.1])]);
  checkRules("ndtri", ndtri, [tensor([0.03, 0.4, 0.5, 0.93])]);
  checkRules("clip", (x) => clip(x, -1, 1), [tensor([-2.2, -0.4, 0.7, 3.1])]);
  const A = tensor([4, 1.2, -0.6, 1.2, 3, 0.5, -0.6, 0.5, 2], [3, 3]);
  const r = checkRules("cholesky", cholesky, [A]);
  assert(r.fdErr < 1e-7, `cholesky fd ${r.fdErr}`);
  // second order: the rules are written with primitives, so jacfwd(grad) works
  const h = asT(
    ad.jacfwd(ad.grad((a: Value) => ad.sum(ad.exp(cholesky(a)))))(A),
  );
  assert(
    h.shape.length === 4 && h.data.every(Number.isFinite),
    "hessian shape/finite",
  );
  checkRules(
    "grad of cholesky",
    (a) => ad.grad((b: Value) => ad.sum(ad.exp(cholesky(b))))(a),
    [A],
  );
});

Deno.test("cholesky reproduces A = L Lᵀ and gives NaN for an indefinite matrix", () => {
  const A = tensor([4, 1.2, -0.6, 1.2, 3, 0.5, -0.6, 0.5, 2], [3, 3]);
  const L = cholesky(A);
  const LLt = asT(ad.matmul(L, ad.swapLast(L)));
  assert(maxRelErr(LLt.data, A.data, 1) < 1e-15, "L Lᵀ");
  const bad = asT(cholesky(tensor([1, 2, 2, 1], [2, 2])));
  assert(bad.data.every(Number.isNaN), "indefinite → NaN");
});

Deno.test("standardGammaRsample: VJP/JVP agree; E[dz/dα] = 1 within 4 standard errors", () => {
  const alpha = tensor([0.4, 1.0, 3.5]);
  const k = key(11);
  const f = (a: Value) => standardGammaRsample(k, a, [3]);
  const v = tensor([0.3, -1.1, 0.7]);
  const [, jv] = ad.jvp(f, [alpha], [v]);
  const w = tensor([1.3, 0.2, -0.8]);
  const [, back] = ad.vjp(f, [alpha]);
  const [jtw] = back(w);
  const lhs = asT(jv).data.reduce((s, x, i) => s + x * w.data[i]!, 0);
  const rhs = asT(jtw!).data.reduce((s, x, i) => s + x * v.data[i]!, 0);
  assertRelClose(lhs, rhs, 1e-12, "<w,Jv>");
  // d/dα E[z] = 1 for z ~ Gamma(α, 1): average the per-draw derivatives
  for (const a of [0.3, 1.0, 4.0]) {
    const n = 4000;
    const aT = tensor(new Float64Array(n).fill(a));
    const g = asT(
      ad.grad((x: Value) => ad.sum(standardGammaRsample(key(5), x, [n])))(aT),
    ).data;
    const m = g.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(g.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
    assert(
      Math.abs(m - 1) < 4 * sd / Math.sqrt(n),
      `α=${a}: mean dz/dα ${m} (se ${sd / Math.sqrt(n)})`,
    );
  }
});

Deno.test("sampleStandardGamma: sample mean and variance = α within 4 standard errors", () => {
  const ks = split(key(3), 3);
  for (const [i, a] of [0.2, 1.7, 25].entries()) {
    const n = 20000;
    const z = sampleStandardGamma(ks[i]!, new Float64Array(n).fill(a));
    const m = z.reduce((s, x) => s + x, 0) / n;
    const v = z.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
    // Var(z) = α; Var of the sample variance ≈ (μ4 − σ⁴)/n with μ4 = 3α² + 6α
    const seM = Math.sqrt(a / n),
      seV = Math.sqrt((3 * a * a + 6 * a - a * a) / n);
    assert(Math.abs(m - a) < 4 * seM, `α=${a} mean ${m}`);
    assert(Math.abs(v - a) < 4 * seV, `α=${a} var ${v}`);
  }
});
