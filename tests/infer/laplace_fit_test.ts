// laplaceFit: damped Newton for the MAP point in unconstrained space and the Laplace
// approximation there (src/infer/laplace_fit.ts). Every tolerance is stated in the test name or
// next to its assertion; all runs are deterministic (fixed keys, explicit init strategies).
import {
  bind,
  log,
  mul,
  type Primitive,
  scalar,
  sub,
  sum,
  type Tensor,
  tensor,
} from "../../src/ad/mod.ts";
import { FirstOrderOnlyError, NonFiniteError } from "../../src/errors.ts";
import { definePrimitive } from "../../src/ad/first_order.ts";
import { initToValue } from "../../src/infer/autoguides/mod.ts";
import { Exponential, Normal, toEvent } from "../../src/infer/distributions.ts";
import type { ModelContext } from "../../src/infer/handlers.ts";
import { laplaceFit } from "../../src/infer/laplace_fit.ts";
import { key } from "../../src/random/mod.ts";
import { assert, assertEquals, assertThrows, maxRelErr } from "../_util.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Row-major d×d product A·B. */
function matmulD(a: ArrayLike<number>, b: ArrayLike<number>, d: number) {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k]! * b[k * d + j]!;
      c[i * d + j] = s;
    }
  }
  return c;
}

/** Row-major transpose. */
function transposeD(a: ArrayLike<number>, d: number) {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j]!;
  }
  return t;
}

/** max |A·B − I| for d×d matrices. */
function offIdentity(a: ArrayLike<number>, b: ArrayLike<number>, d: number) {
  const p = matmulD(a, b, d);
  let m = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      m = Math.max(m, Math.abs(p[i * d + j]! - (i === j ? 1 : 0)));
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// μ ~ N(m0, s0), σ ~ Exponential(r), y_i ~ N(μ, σ), i = 1..n; unconstrained u = (μ, t = log σ).
//
// U(μ, t) = ½((μ − m0)/s0)² + log s0 + ½ log 2π            (−log prior of μ)
//         − log r + r eᵗ − t                              (−log prior of σ, − log|dσ/dt|)
//         + n t + S(μ) e^{−2t}/2 + n ½ log 2π,             S(μ) = Σ (y_i − μ)²
//
// ∂U/∂μ = 0 ⇔ μ = (m0/s0² + n ȳ/σ²)/(1/s0² + n/σ²), which depends on σ only; ∂U/∂t = 0 ⇔
// r σ³ + (n − 1) σ² = S(μ) = S0 + n (ȳ − μ)², S0 = Σ (y_i − ȳ)². So choosing σ* first, μ*
// follows, and data with the spread S0 = r σ*³ + (n − 1) σ*² − n (ȳ − μ*)² have this exact MAP.
// Hessian there: H_μμ = 1/s0² + n/σ², H_μt = 2 n (ȳ − μ)/σ², H_tt = r σ + 2 S(μ)/σ².

const M0 = 0, S0P = 2, RATE = 0.5, N = 5, YBAR = 0.8, SIGMA = 1.5;
const MU = (M0 / S0P ** 2 + N * YBAR / SIGMA ** 2) /
  (1 / S0P ** 2 + N / SIGMA ** 2);
const S_MU = RATE * SIGMA ** 3 + (N - 1) * SIGMA ** 2; // S(μ*)
const SPREAD = S_MU - N * (YBAR - MU) ** 2; // S0 of the data
const Z = [-2, -1, 0, 1, 2]; // Σz = 0, Σz² = 10
const Y = tensor(Z.map((z) => YBAR + Math.sqrt(SPREAD / 10) * z));
const H_EXACT = [
  1 / S0P ** 2 + N / SIGMA ** 2,
  2 * N * (YBAR - MU) / SIGMA ** 2,
  2 * N * (YBAR - MU) / SIGMA ** 2,
  RATE * SIGMA + 2 * S_MU / SIGMA ** 2,
];
const U_EXACT = 0.5 * ((MU - M0) / S0P) ** 2 + Math.log(S0P) + HALF_LOG_2PI -
  Math.log(RATE) + RATE * SIGMA - Math.log(SIGMA) +
  N * Math.log(SIGMA) + S_MU / (2 * SIGMA ** 2) + N * HALF_LOG_2PI;

const normalExp = (ctx: ModelContext, y: Tensor) => {
  const mu = ctx.sample("mu", new Normal(M0, S0P));
  const s = ctx.sample("s", new Exponential(RATE));
  ctx.plate(
    "data",
    y.size,
    () => ctx.sample("y", new Normal(mu, s), { obs: y }),
  );
};

Deno.test("laplaceFit: Normal–Exponential MAP to 1e-10, AD Hessian, U and values to 1e-10 relative vs closed form", () => {
  // sanity of the construction: the data have mean ȳ and spread S0
  const yd = Array.from(Y.data);
  assert(Math.abs(yd.reduce((a, b) => a + b, 0) / N - YBAR) < 1e-15);
  assert(SPREAD > 0);
  const fit = laplaceFit(normalExp, [Y], { hessian: "ad", tol: 1e-24 });
  assertEquals(fit.sites, [
    { name: "mu", offset: 0, size: 1 },
    { name: "s", offset: 1, size: 1 },
  ]);
  assertEquals(fit.hessianMode, "ad");
  assert(fit.converged, `decrement ${fit.decrement}`);
  assert(fit.decrement < 1e-24);
  // MAP in unconstrained space (μ, log σ): absolute 1e-10
  assert(Math.abs(fit.loc[0]! - MU) < 1e-10, `μ ${fit.loc[0]} vs ${MU}`);
  assert(
    Math.abs(fit.loc[1]! - Math.log(SIGMA)) < 1e-10,
    `log σ ${fit.loc[1]} vs ${Math.log(SIGMA)}`,
  );
  // Hessian: relative 1e-10 of the largest entry
  const eH = maxRelErr(fit.hessian, H_EXACT, Math.max(...H_EXACT));
  assert(eH < 1e-10, `Hessian ${fit.hessian} vs ${H_EXACT} (rel ${eH})`);
  // the off-diagonal term is genuinely nonzero here (exercises the mixed partial)
  assert(Math.abs(H_EXACT[1]!) > 0.01);
  // the potential includes the log-Jacobian −t of σ = eᵗ: relative 1e-10
  assert(
    Math.abs(fit.potential - U_EXACT) < 1e-10 * Math.abs(U_EXACT),
    `U ${fit.potential} vs ${U_EXACT}`,
  );
  // values are constrained: σ itself, not log σ (relative 1e-10)
  assert(Math.abs(fit.values.mu!.item() - MU) < 1e-10);
  assert(
    Math.abs(fit.values.s!.item() - SIGMA) < 1e-10 * SIGMA,
    `σ ${fit.values.s!.item()}`,
  );
  assertEquals(fit.values.s!.shape, []);
  // the preconditioner is the MAP and chol(H⁻¹), as copies
  assertEquals(Array.from(fit.preconditioner.loc), Array.from(fit.loc));
  assertEquals(
    Array.from(fit.preconditioner.scaleTril),
    Array.from(fit.scaleTril),
  );
  assert(fit.preconditioner.loc !== fit.loc);
  // another prototype key (another initToMedian start) reaches the same MAP (1e-10)
  const other = laplaceFit(normalExp, [Y], { key: key(7), tol: 1e-24 });
  assert(maxRelErr(other.loc, fit.loc, 1) < 1e-10, `key(7): ${other.loc}`);
  // counters: one gradient per trial point (AD Hessians cost none)
  assert(fit.iterations >= 1 && fit.gradEvals >= fit.iterations + 1);
  console.log(
    `Normal–Exponential: ${fit.iterations} iterations, ${fit.gradEvals} gradients, Hessian rel err ${
      eH.toExponential(1)
    }`,
  );
});

Deno.test("laplaceFit: scaleTril·scaleTrilᵀ = H⁻¹ to 1e-10, scaleTril lower triangular with positive diagonal", () => {
  const fit = laplaceFit(normalExp, [Y], { tol: 1e-20 });
  const L = fit.scaleTril, d = 2;
  assertEquals(L[1], 0); // above the diagonal
  assert(L[0]! > 0 && L[3]! > 0);
  const cov = matmulD(L, transposeD(L, d), d);
  // H · (L Lᵀ) = I and (L Lᵀ) · H = I entrywise to 1e-10
  const e1 = offIdentity(fit.hessian, cov, d),
    e2 = offIdentity(cov, fit.hessian, d);
  assert(e1 < 1e-10 && e2 < 1e-10, `H·LLᵀ − I ${e1}, LLᵀ·H − I ${e2}`);
  // the Hessian is symmetric exactly (symmetrised)
  assertEquals(fit.hessian[1], fit.hessian[2]);
});

Deno.test("laplaceFit: finite-difference Hessian agrees with the AD one to 1e-6 relative (entrywise, floor 1e-3·max)", () => {
  const ad = laplaceFit(normalExp, [Y], { hessian: "ad", tol: 1e-20 });
  const fd = laplaceFit(normalExp, [Y], { hessian: "fd", tol: 1e-20 });
  assertEquals(fd.hessianMode, "fd");
  const scale = Math.max(...Array.from(ad.hessian, Math.abs));
  const e = maxRelErr(fd.hessian, ad.hessian, 1e-3 * scale);
  assert(e < 1e-6, `FD vs AD Hessian rel err ${e}`);
  // same MAP (the Hessian only shapes the steps): 1e-10
  assert(maxRelErr(fd.loc, ad.loc, 1) < 1e-10, `${fd.loc} vs ${ad.loc}`);
  // each FD Hessian costs 2·D gradients, on top of one per trial point
  const d = 2;
  assert(
    fd.gradEvals >= (fd.iterations + 1) * (2 * d + 1),
    `fd gradEvals ${fd.gradEvals}, iterations ${fd.iterations}`,
  );
  // "auto" on a model whose primitives all have second-order rules stays with AD
  assertEquals(laplaceFit(normalExp, [Y]).hessianMode, "ad");
  console.log(`FD vs AD Hessian: rel err ${e.toExponential(1)}`);
});

// ---------------------------------------------------------------------------------------------
// a first-order-only primitive (as the spectral model's): y = x² elementwise with hand JVP/VJP

const square = definePrimitive({
  name: "test_square",
  outShape: (s) => [...s[0]!],
  forward: ([x]) => x!.map((v) => v * v),
  jvp: ([x], [t], k) => {
    const n = x!.length;
    const dout = new Float64Array(k * n);
    if (t) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < n; i++) {
          dout[j * n + i] = 2 * x![i]! * t[j * n + i]!;
        }
      }
    }
    return { out: x!.map((v) => v * v), dout };
  },
  withVjp: ([x]) => ({
    out: x!.map((v) => v * v),
    pullback: (ct) => [ct.map((c, i) => 2 * x![i]! * c)],
  }),
});

// x ~ N(0, I₂), factor −½ Σ (x_i² − c_i)²: ∂U/∂x_i = x_i + 2 x_i (x_i² − c_i) = 0 ⇒ MAP
// x_i = √(c_i − ½) (from a positive start), Hessian diag(1 + 6 x_i² − 2 c_i) = diag(1 + 4 c_i − 3).
const C = [2, 3];
const X_MAP = C.map((c) => Math.sqrt(c - 0.5));
const H_FO = [1 + 4 * C[0]! - 3, 0, 0, 1 + 4 * C[1]! - 3];
const firstOrderModel = (ctx: ModelContext) => {
  const x = ctx.sample("x", toEvent(new Normal(tensor([0, 0]), 1), 1));
  const r = sub(bind(square, [x], {}), tensor(C));
  ctx.factor("fit", mul(scalar(-0.5), sum(mul(r, r))));
};
const foInit = { initLocFn: initToValue({ x: tensor([1, 1]) }) };

Deno.test('laplaceFit: a first-order-only primitive falls back to FD under "auto" (Hessian to 1e-6 relative); "ad" rethrows', () => {
  const fit = laplaceFit(firstOrderModel, [], { ...foInit, tol: 1e-20 });
  assertEquals(fit.hessianMode, "fd");
  assert(fit.converged);
  // MAP to 1e-10 absolute, Hessian to 1e-6 relative of the largest entry (FD step 1e-5)
  const eX = maxRelErr(fit.loc, X_MAP, 1);
  assert(eX < 1e-10, `MAP ${fit.loc} vs ${X_MAP}`);
  const eH = maxRelErr(fit.hessian, H_FO, Math.max(...H_FO));
  assert(eH < 1e-6, `Hessian ${fit.hessian} vs ${H_FO} (rel ${eH})`);
  // hessian: "ad" does not hide the primitive's second-order error (matched by class)
  const e = assertThrows(
    () => laplaceFit(firstOrderModel, [], { ...foInit, hessian: "ad" }),
    FirstOrderOnlyError,
    "first order",
  );
  assert(e instanceof TypeError);
  assertEquals((e as FirstOrderOnlyError).primitive, "test_square");
  // hessian: "fd" gives the same result as the fallback (bit for bit: same steps)
  const fd = laplaceFit(firstOrderModel, [], {
    ...foInit,
    tol: 1e-20,
    hessian: "fd",
  });
  assertEquals(Array.from(fd.hessian), Array.from(fit.hessian));
  console.log(
    `first-order primitive: FD Hessian rel err ${eH.toExponential(1)}`,
  );
});

// A primitive whose reverse rule works but whose forward-mode rule fails with an unrelated
// TypeError (a bug, not "first order only"): the gradient is fine, the AD Hessian throws it.
const brokenJvp: Primitive = {
  name: "test_broken_jvp",
  impl: ([x]) => mul(x!, x!) as Tensor,
  jvp() {
    throw new TypeError("test_broken_jvp: an unrelated bug in a forward rule");
  },
  vjp: ([x], _out, ct) => [mul(ct, mul(scalar(2), x!))],
};
const brokenModel = (ctx: ModelContext) => {
  const x = ctx.sample("x", toEvent(new Normal(tensor([0, 0]), 1), 1));
  const r = sub(bind(brokenJvp, [x], {}), tensor(C));
  ctx.factor("fit", mul(scalar(-0.5), sum(mul(r, r))));
};

Deno.test('laplaceFit: "auto" falls back to FD only for FirstOrderOnlyError; an unrelated TypeError propagates', () => {
  assertThrows(
    () => laplaceFit(brokenModel, [], foInit),
    TypeError,
    "an unrelated bug in a forward rule",
  );
  // with hessian: "fd" the same model fits (the gradient path never calls the broken rule)
  const fd = laplaceFit(brokenModel, [], {
    ...foInit,
    tol: 1e-20,
    hessian: "fd",
  });
  assertEquals(fd.hessianMode, "fd");
  assert(maxRelErr(fd.loc, X_MAP, 1) < 1e-10, `MAP ${fd.loc} vs ${X_MAP}`);
});

// ---------------------------------------------------------------------------------------------
// Rosenbrock as a proper density: x ~ N(1, √½), y | x ~ N(x², √(1/200)) ⇒
// U = (x − 1)² + 100 (y − x²)² + const, mode (1, 1), Hessian [[802, −400], [−400, 200]],
// H⁻¹ = [[0.5, 1], [1, 2.005]].

const banana = (ctx: ModelContext) => {
  const x = ctx.sample("x", new Normal(1, Math.SQRT1_2));
  ctx.sample("y", new Normal(mul(x, x), Math.sqrt(1 / 200)));
};

// λ_min(H) at the mode = (1002 − √(1002² − 1600))/2 ≈ 0.399
const BANANA_LMIN = (1002 - Math.sqrt(1002 ** 2 - 1600)) / 2;

Deno.test("laplaceFit: Rosenbrock banana from far away converges by damping; MAP to 1e-4, Hessian to 1e-8 relative, LLᵀ = H⁻¹ to 1e-10", () => {
  // (−0.5, 3) has an indefinite Hessian (H_xx = 2 − 400(y − x²) + 800x² < 0): no pure Newton step
  // exists there, only a damped one
  assert(2 - 400 * (3 - 0.25) + 800 * 0.25 < 0);
  for (const start of [[-1.2, 1], [2.5, -1], [-3, -2], [-0.5, 3]]) {
    const where = `start (${start})`;
    const initLocFn = initToValue({
      x: scalar(start[0]!),
      y: scalar(start[1]!),
    });
    // default options (tol 1e-4, maxIter 50) converge from here
    const def = laplaceFit(banana, [], { initLocFn });
    assert(def.converged && def.decrement < 1e-4, `${where}: default tol`);
    // tol 1e-20: the decrement bounds the MAP error by ≈ √(2·1e-20/λ_min) ≈ 2e-10, so the
    // Hessian (slopes ~2400 per unit of x) is exact to ~1e-9 relative: stated bound 1e-8
    const lines: string[] = [];
    const fit = laplaceFit(banana, [], {
      initLocFn,
      tol: 1e-20,
      maxIter: 100,
      log: (l) => lines.push(l),
    });
    assert(fit.converged, `${where}: decrement ${fit.decrement}`);
    const e = Math.max(Math.abs(fit.loc[0]! - 1), Math.abs(fit.loc[1]! - 1));
    assert(e < 1e-4, `${where}: MAP ${fit.loc}`);
    assert(Math.sqrt(2 * 1e-20 / BANANA_LMIN) < 1e-9);
    const eH = maxRelErr(fit.hessian, [802, -400, -400, 200], 802);
    assert(eH < 1e-8, `${where}: Hessian ${fit.hessian}`);
    const L = fit.scaleTril;
    const cov = matmulD(L, transposeD(L, 2), 2);
    assert(offIdentity(fit.hessian, cov, 2) < 1e-10, `${where}: LLᵀ ≠ H⁻¹`);
    // damping engaged: some trial steps were rejected (one log line per trial point) and λ > 0
    assert(lines.length > fit.iterations, `${where}: no step was rejected`);
    assert(
      lines.some((l) => !l.endsWith("λ 0.0e+0")),
      `${where}: damping never engaged`,
    );
    assert(lines.every((l) => l.startsWith("laplaceFit: iter ")));
    console.log(
      `banana ${where}: default tol ${def.iterations} steps; tol 1e-20 ${fit.iterations} accepted / ${lines.length} trial steps, MAP err ${
        e.toExponential(1)
      }, H rel err ${eH.toExponential(1)}`,
    );
  }
});

Deno.test("laplaceFit: option errors are RangeErrors naming the option", () => {
  const m = (ctx: ModelContext) => {
    ctx.sample("x", new Normal(0, 1));
  };
  assertThrows(() => laplaceFit(m, [], { maxIter: -1 }), RangeError, "maxIter");
  assertThrows(
    () => laplaceFit(m, [], { maxIter: 2.5 }),
    RangeError,
    "maxIter",
  );
  assertThrows(() => laplaceFit(m, [], { tol: 0 }), RangeError, "tol");
  assertThrows(() => laplaceFit(m, [], { tol: NaN }), RangeError, "tol");
  assertThrows(() => laplaceFit(m, [], { fdStep: 2 }), RangeError, "fdStep");
  assertThrows(() => laplaceFit(m, [], { fdStep: 0 }), RangeError, "fdStep");
  assertThrows(
    () => laplaceFit(m, [], { hessian: "bogus" as "ad" }),
    RangeError,
    "hessian",
  );
  // the doc example: x ~ N(3, 2) has its mode at 3 and Hessian 1/4 (exact)
  const f = laplaceFit((ctx: ModelContext) => {
    ctx.sample("x", new Normal(3, 2));
  }, []);
  assert(
    Math.abs(f.loc[0]! - 3) < 1e-12 && Math.abs(f.hessian[0]! - 0.25) < 1e-15,
  );
});

Deno.test('laplaceFit: a log joint that is NaN at the start is a NonFiniteError ("not finite")', () => {
  const bad = (ctx: ModelContext) => {
    const x = ctx.sample("x", new Normal(-3, 0.1));
    ctx.factor("f", log(x)); // log of a negative number
  };
  const e = assertThrows(
    () => laplaceFit(bad, []),
    NonFiniteError,
    "not finite",
  );
  assert(e instanceof RangeError);
  assertEquals((e as NonFiniteError).stage, "infer.laplaceFit");
  assertEquals((e as NonFiniteError).parameter, "U");
  assert(Number.isNaN((e as NonFiniteError).value));
});

Deno.test("laplaceFit: no positive-definite Hessian after the last iteration is a RangeError", () => {
  // at (0, 1) the banana's Hessian has H_xx = 2 − 400 < 0; with maxIter 0 no step is taken
  const opts = {
    initLocFn: initToValue({ x: scalar(0), y: scalar(1) }),
    maxIter: 0,
  };
  assertThrows(
    () => laplaceFit(banana, [], opts),
    RangeError,
    "positive definite",
  );
  // maxIter 0 at a positive-definite point returns the start, not converged
  const f = laplaceFit(banana, [], {
    initLocFn: initToValue({ x: scalar(-1.2), y: scalar(1) }),
    maxIter: 0,
  });
  assertEquals(Array.from(f.loc), [-1.2, 1]);
  assertEquals(f.iterations, 0);
  assert(!f.converged && f.decrement > 1);
});
