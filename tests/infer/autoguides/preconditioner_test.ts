// The affine preconditioner u = a + P w of the flat-latent autoguides
// (src/infer/autoguides/preconditioner.ts and its use in AutoContinuous). Every tolerance is
// stated in the test name or next to its assertion; all runs use fixed PRNG keys.
import {
  add,
  mul,
  sum,
  type Tensor,
  tensor,
  type Value,
  valueAndGrad,
} from "../../../src/ad/mod.ts";
import {
  affineLatent,
  AutoBNAFNormal,
  AutoDelta,
  AutoDiagonalNormal,
  type AutoGuide,
  AutoIAFNormal,
  AutoLaplaceApproximation,
  AutoLowRankMultivariateNormal,
  AutoMultivariateNormal,
  AutoNormal,
  checkPreconditioner,
  initToValue,
  type Latent,
  mvnLatent,
  mvnLogProb,
  type Preconditioner,
  toWhitened,
} from "../../../src/infer/autoguides/mod.ts";
import {
  HalfNormal,
  MultivariateNormal,
  Normal,
} from "../../../src/infer/distributions.ts";
import { TraceELBO } from "../../../src/infer/elbo.ts";
import type { Model, ModelContext } from "../../../src/infer/handlers.ts";
import { laplaceFit } from "../../../src/infer/laplace_fit.ts";
import { adam, piecewiseConstant } from "../../../src/infer/optim.ts";
import { SVI } from "../../../src/infer/svi.ts";
import { key, normal, type PrngKey } from "../../../src/random/mod.ts";
import { assert, assertEquals, assertThrows, maxRelErr } from "../../_util.ts";

const T = (v: Value) => v as Tensor;

// ---------------------------------------------------------------------------------------------
// small dense linear algebra, written independently of the code under test

/** Row-major d×d product A·B (full loops: no triangular shortcuts). */
function mm(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number[] {
  const c = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) {
        c[i * d + j] = c[i * d + j]! + a[i * d + k]! * b[k * d + j]!;
      }
    }
  }
  return c;
}

function tr(a: ArrayLike<number>, d: number): number[] {
  const t = new Array<number>(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j]!;
  }
  return t;
}

/** A Aᵀ. */
function aat(a: ArrayLike<number>, d: number): number[] {
  return mm(a, tr(a, d), d);
}

/** a + M x. */
function affine(
  a: ArrayLike<number>,
  m: ArrayLike<number>,
  x: ArrayLike<number>,
): number[] {
  const d = a.length;
  return Array.from({ length: d }, (_, i) => {
    let s = a[i]!;
    for (let k = 0; k < d; k++) s += m[i * d + k]! * x[k]!;
    return s;
  });
}

/** Lower Cholesky factor of a symmetric positive-definite matrix. */
function chol(s: ArrayLike<number>, d: number): number[] {
  const L = new Array<number>(d * d).fill(0);
  for (let j = 0; j < d; j++) {
    let v = s[j * d + j]!;
    for (let k = 0; k < j; k++) v -= L[j * d + k]! ** 2;
    L[j * d + j] = Math.sqrt(v);
    for (let i = j + 1; i < d; i++) {
      let t = s[i * d + j]!;
      for (let k = 0; k < j; k++) t -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = t / L[j * d + j]!;
    }
  }
  return L;
}

/** A random lower-triangular matrix with diagonal in [0.5, 2) (deterministic from the key). */
function randomTril(k: PrngKey, d: number): number[] {
  const z = normal(k, d * d);
  const L = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) L[i * d + j] = z[i * d + j]!;
    L[i * d + i] = 0.5 + 1.5 / (1 + Math.exp(-z[i * d + i]!));
  }
  return L;
}

/** sqrt(Σ (a − b)² / Σ b²). */
function frobRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, n = 0;
  for (let i = 0; i < b.length; i++) {
    e += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(e / n);
}

// A fixed, deliberately "wrong" 3-D preconditioner (not the posterior's scale).
const PC3: Preconditioner = {
  loc: [0.4, -1, 1.3],
  scaleTril: [2, 0, 0, 0.5, 0.7, 0, -0.3, 0.4, 1.5],
};

// ---------------------------------------------------------------------------------------------
// checkPreconditioner / toWhitened

Deno.test("checkPreconditioner: every error class with its message; float64 copies and log|det P| to 1e-15", () => {
  const ok = { loc: [1, 2], scaleTril: [2, 0, 0.5, 3] };
  // not an object
  assertThrows(
    () => checkPreconditioner(null as unknown as Preconditioner, 2, "who"),
    TypeError,
    "who: preconditioner must be { loc, scaleTril }",
  );
  // wrong lengths: TypeError naming the caller, the field and the expected size
  assertThrows(
    () => checkPreconditioner({ ...ok, loc: [1] }, 2, "G"),
    TypeError,
    "G: preconditioner.loc has length 1, expected the latent dimension 2",
  );
  assertThrows(
    () =>
      checkPreconditioner({ loc: [1, 2] } as unknown as Preconditioner, 2, "G"),
    TypeError,
    "preconditioner.scaleTril has length undefined",
  );
  assertThrows(
    () => checkPreconditioner({ ...ok, scaleTril: [1, 0, 1] }, 2, "G"),
    TypeError,
    "G: preconditioner.scaleTril has length 3, expected 2×2 = 4",
  );
  // non-finite entries
  assertThrows(
    () => checkPreconditioner({ ...ok, loc: [1, NaN] }, 2, "G"),
    RangeError,
    "G: preconditioner.loc[1] is NaN",
  );
  assertThrows(
    () =>
      checkPreconditioner({ ...ok, scaleTril: [2, 0, Infinity, 3] }, 2, "G"),
    RangeError,
    "G: preconditioner.scaleTril[1][0] is Infinity",
  );
  assertThrows(
    () => checkPreconditioner({ ...ok, scaleTril: [2, 0, 0, NaN] }, 2, "G"),
    RangeError,
    "preconditioner.scaleTril[1][1] is NaN",
  );
  // nonzero above the diagonal
  assertThrows(
    () => checkPreconditioner({ ...ok, scaleTril: [2, 0.5, 0, 3] }, 2, "G"),
    RangeError,
    "G: preconditioner.scaleTril must be lower triangular; [0][1] = 0.5",
  );
  // non-positive diagonal (zero and negative)
  assertThrows(
    () => checkPreconditioner({ ...ok, scaleTril: [2, 0, 0.5, 0] }, 2, "G"),
    RangeError,
    "G: preconditioner.scaleTril[1][1] must be > 0, got 0",
  );
  assertThrows(
    () => checkPreconditioner({ ...ok, scaleTril: [-2, 0, 0.5, 3] }, 2, "G"),
    RangeError,
    "G: preconditioner.scaleTril[0][0] must be > 0, got -2",
  );
  // success: Float64Array copies, log|det P| = Σ log P_ii
  const loc = new Float32Array([1, 2]);
  const r = checkPreconditioner({ loc, scaleTril: ok.scaleTril }, 2, "G");
  assert(r.loc instanceof Float64Array && r.scaleTril instanceof Float64Array);
  assertEquals(Array.from(r.loc), [1, 2]);
  assertEquals(Array.from(r.scaleTril), [2, 0, 0.5, 3]);
  r.loc[0] = 99;
  r.scaleTril[0] = 99;
  assertEquals(loc[0], 1);
  assertEquals(ok.scaleTril[0], 2);
  assert(Math.abs(r.logDet - Math.log(6)) < 1e-15, `logDet ${r.logDet}`);
});

Deno.test("toWhitened inverts u = a + P w for a random lower-triangular P (D = 6, to 1e-12)", () => {
  const d = 6;
  const P = randomTril(key(11), d);
  const a = Array.from(normal(key(12), d));
  const pc = { loc: a, scaleTril: P };
  for (const s of [13, 14, 15]) {
    const w = Array.from(normal(key(s), d), (v) => 3 * v);
    const u = affine(a, P, w);
    const back = toWhitened(pc, u);
    assert(back instanceof Float64Array && back.length === d);
    const e = maxRelErr(back, w, 1);
    assert(e < 1e-12, `w ${back} vs ${w} (rel ${e})`);
  }
  // the doc example and the centre: toWhitened(a) = 0
  assertEquals(
    Array.from(toWhitened({ loc: [1, 0], scaleTril: [2, 0, 1, 1] }, [3, 1])),
    [1, 0],
  );
  assertEquals(Array.from(toWhitened(pc, a)), new Array(d).fill(0));
  // the point's length defines D: a mismatch is a TypeError
  assertThrows(() => toWhitened(pc, [1, 2]), TypeError, "toWhitened");
});

// ---------------------------------------------------------------------------------------------
// affineLatent

const MW = [0.3, -0.7, 1.1]; // inner mean (w space)
const LW = [0.8, 0, 0, -0.4, 1.2, 0, 0.25, 0.6, 0.5]; // inner scale (w space)
const innerMvn = () => mvnLatent(tensor(MW), tensor(LW, [3, 3]));
/** Exact moments of u = a + P w, w ~ N(MW, LW LWᵀ). */
const U_MEAN = affine(PC3.loc, PC3.scaleTril, MW);
const U_COV = mm(mm(PC3.scaleTril, aat(LW, 3), 3), tr(PC3.scaleTril, 3), 3);

Deno.test("affineLatent: draw shapes; log q of each draw = logProb (1e-10) = log N(u; a + P m, P C Pᵀ) (1e-10)", () => {
  const lat = affineLatent(innerMvn(), PC3);
  for (const ss of [[], [5], [4, 3]]) {
    const [u, lq] = lat.sample(key(21), ss);
    assertEquals(u.shape, [...ss, 3]);
    assertEquals(lq.shape, ss);
    const lp = T(lat.logProb!(u));
    assertEquals(lp.shape, ss);
    const e = maxRelErr(lp.data, T(lq).data, 1);
    assert(e < 1e-10, `sampleShape [${ss}]: log q vs logProb rel ${e}`);
    // independent density: MVN with mean a + P m and Cholesky factor P·L (lower triangular)
    const ref = T(
      mvnLogProb(u, tensor(U_MEAN), tensor(mm(PC3.scaleTril, LW, 3), [3, 3])),
    );
    const e2 = maxRelErr(lp.data, ref.data, 1);
    assert(e2 < 1e-10, `sampleShape [${ss}]: logProb vs reference rel ${e2}`);
  }
  // logProb at an arbitrary point, too
  const u0 = tensor([1, 2, 3, -1, 0, 0.5], [2, 3]);
  const e3 = maxRelErr(
    T(lat.logProb!(u0)).data,
    T(mvnLogProb(u0, tensor(U_MEAN), tensor(mm(PC3.scaleTril, LW, 3), [3, 3])))
      .data,
    1,
  );
  assert(e3 < 1e-10, `logProb at fixed points rel ${e3}`);
});

Deno.test("affineLatent: covariance = P C Pᵀ and marginal = (a + P m, √diag) to 1e-12 (mvnLatent L Lᵀ to 1e-15); 20000 draws match within 4 MC SEs", () => {
  // mvnLatent's own covariance is L Lᵀ
  const cw = innerMvn().covariance!();
  assert(maxRelErr(cw, aat(LW, 3), 1) < 1e-15, `mvnLatent covariance ${cw}`);
  const lat = affineLatent(innerMvn(), PC3);
  const cov = lat.covariance!();
  const m = lat.marginal!();
  assert(maxRelErr(cov, U_COV, 1) < 1e-12, `cov ${cov} vs ${U_COV}`);
  assert(maxRelErr(m.loc, U_MEAN, 1) < 1e-12, `mean ${m.loc} vs ${U_MEAN}`);
  const sdRef = [0, 1, 2].map((i) => Math.sqrt(U_COV[i * 4]!));
  assert(maxRelErr(m.sd, sdRef) < 1e-12, `sd ${m.sd} vs ${sdRef}`);
  // empirical moments of N = 20000 draws. SE of a mean: √(Σ_ii/N); SE of a Gaussian sample
  // covariance: √((Σ_ii Σ_jj + Σ_ij²)/N). Tolerance 4 SE per entry (12 checks, fixed key).
  const N = 20000, d = 3;
  const u = T(lat.sample(key(22), [N])[0]).data;
  const mean = [0, 0, 0];
  for (let s = 0; s < N; s++) {
    for (let i = 0; i < d; i++) mean[i] = mean[i]! + u[s * d + i]! / N;
  }
  let worst = 0;
  for (let i = 0; i < d; i++) {
    const z = Math.abs(mean[i]! - m.loc[i]!) / Math.sqrt(cov[i * 4]! / N);
    worst = Math.max(worst, z);
    assert(z < 4, `mean[${i}] ${mean[i]} vs ${m.loc[i]} (${z.toFixed(2)} SE)`);
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let c = 0;
      for (let s = 0; s < N; s++) {
        c += (u[s * d + i]! - mean[i]!) * (u[s * d + j]! - mean[j]!);
      }
      c /= N - 1;
      const ref = cov[i * d + j]!;
      const se = Math.sqrt(
        (cov[i * d + i]! * cov[j * d + j]! + ref ** 2) / N,
      );
      const z = Math.abs(c - ref) / se;
      worst = Math.max(worst, z);
      assert(z < 4, `cov[${i}][${j}] ${c} vs ${ref} (${z.toFixed(2)} SE)`);
    }
  }
  console.log(`affineLatent 20000 draws: worst moment ${worst.toFixed(2)} SE`);
  // the doc example
  const lat2 = affineLatent(
    mvnLatent(tensor([0, 0]), tensor([1, 0, 0, 1], [2, 2])),
    {
      loc: [1, 2],
      scaleTril: [2, 0, 0.5, 1],
    },
  );
  assertEquals(Array.from(lat2.marginal!().sd), [2, Math.sqrt(1.25)]);
});

Deno.test("affineLatent: capabilities follow the inner latent (logProb only with one; marginal needs marginal + covariance)", () => {
  const full = innerMvn();
  const onlySample: Latent = { sample: full.sample.bind(full) };
  const a = affineLatent(onlySample, PC3);
  assert(a.logProb === undefined && a.marginal === undefined);
  assert(a.covariance === undefined);
  const [u, lq] = a.sample(key(23), [2]);
  assertEquals(u.shape, [2, 3]);
  // log q still accounts for log|det P| = log(2·0.7·1.5)
  const lqInner = T(full.sample(key(23), [2])[1]).data;
  const e = maxRelErr(
    T(lq).data,
    Array.from(lqInner, (v) => v - Math.log(2 * 0.7 * 1.5)),
    1,
  );
  assert(e < 1e-12, `log q − log|det P| rel ${e}`);
  const noCov: Latent = {
    sample: full.sample.bind(full),
    logProb: full.logProb!.bind(full),
    marginal: full.marginal!.bind(full),
  };
  const b = affineLatent(noCov, PC3);
  assert(b.logProb !== undefined && b.marginal === undefined);
  // an invalid preconditioner is rejected when the latent is built
  assertThrows(
    () =>
      affineLatent(full, {
        loc: [0, 0, 0],
        scaleTril: [1, 0, 0, 0, 1, 0, 0, 0, 0],
      }),
    RangeError,
    "affineLatent: preconditioner.scaleTril[2][2] must be > 0",
  );
});

Deno.test("affineLatent: grad of functions of the draws and of logProb w.r.t. the inner params = central FD (rel 1e-6, floor 1)", () => {
  const uFixed = tensor([1, -2, 0.5, 0.3, 0.1, 2], [2, 3]);
  // f1: a function of reparameterized draws and their log q; f2: log density at fixed points
  const f1 = (loc: Value, L: Value): Value => {
    const [u, lq] = affineLatent(mvnLatent(loc, L), PC3).sample(key(24), [7]);
    return add(mul(tensor([0.1]), sum(mul(u, u))), sum(lq));
  };
  const f2 = (loc: Value, L: Value): Value =>
    sum(affineLatent(mvnLatent(loc, L), PC3).logProb!(uFixed));
  for (const [name, f] of [["draws", f1], ["logProb", f2]] as const) {
    const [, [gLoc, gL]] = valueAndGrad(f)(tensor(MW), tensor(LW, [3, 3]));
    const ad = [...T(gLoc!).data, ...T(gL!).data];
    const h = 1e-5;
    const x0 = [...MW, ...LW];
    const at = (x: number[]) =>
      T(f(tensor(x.slice(0, 3)), tensor(x.slice(3), [3, 3]))).item();
    const fd = x0.map((_, i) => {
      const up = x0.slice(), dn = x0.slice();
      up[i] = up[i]! + h;
      dn[i] = dn[i]! - h;
      return (at(up) - at(dn)) / (2 * h);
    });
    const e = maxRelErr(ad, fd, 1);
    assert(e < 1e-6, `${name}: AD ${ad} vs FD ${fd} (rel ${e})`);
    // the gradient reaches every lower-triangular entry of L and every entry of loc
    assert(ad.slice(0, 3).every((v) => v !== 0), `${name}: loc gradient`);
    console.log(
      `affineLatent grad (${name}): AD vs FD rel err ${e.toExponential(1)}`,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// the guides

const F = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../fixtures/infer_svi.json", import.meta.url),
  ),
);
const G3 = F.gauss3 as { mean: number[]; cov: number[]; precision: number[] };
const gauss3: Model = (ctx: ModelContext) => {
  ctx.sample(
    "x",
    new MultivariateNormal(tensor(G3.mean), {
      scaleTril: tensor(chol(G3.cov, 3), [3, 3]),
    }),
  );
};

const mixed: Model = (ctx: ModelContext) => {
  ctx.sample("a", new Normal(0, 1));
  ctx.sample("s", new HalfNormal(2), { sampleShape: [2] });
};

/** Covariance of u = a + P w for a Gaussian guide's params (w covariance from the params). */
function guideCovU(
  name: string,
  p: Record<string, Tensor>,
  pc: Preconditioner,
  d: number,
): number[] {
  let cw: number[];
  if (name === "AutoMultivariateNormal") cw = aat(p.auto_scale_tril!.data, d);
  else if (name === "AutoDiagonalNormal") {
    cw = new Array<number>(d * d).fill(0);
    for (let i = 0; i < d; i++) cw[i * d + i] = p.auto_scale!.data[i]! ** 2;
  } else if (name === "AutoLowRankMultivariateNormal") {
    // W Wᵀ + diag(s²)
    const W = p.auto_cov_factor!.data, r = W.length / d;
    cw = new Array<number>(d * d).fill(0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let v = i === j ? p.auto_scale!.data[i]! ** 2 : 0;
        for (let k = 0; k < r; k++) v += W[i * r + k]! * W[j * r + k]!;
        cw[i * d + j] = v;
      }
    }
  } else throw new Error(name);
  return mm(mm(pc.scaleTril, cw, d), tr(pc.scaleTril, d), d);
}

/** SVI schedule of the stochastic Gaussian fits (3000 steps), as in autoguides_test.ts. */
const SCHEDULE = piecewiseConstant([600, 1200], [0.05, 0.01, 0.001]);

/**
 * 3000 SVI steps of a preconditioned guide on the 3-D Gaussian; also the stationary fluctuation
 * of the posterior-mean iterate a + P·loc over steps 1500–3000 (the MC error of the final iterate).
 */
function fitGauss3(
  make: (
    m: Model,
    o: { preconditioner: Preconditioner },
  ) => AutoGuide<unknown[]>,
  pc: Preconditioner,
  numParticles: number,
  seedN: number,
) {
  const guide = make(gauss3, { preconditioner: pc });
  const svi = SVI(gauss3, guide, adam(SCHEDULE), TraceELBO({ numParticles }));
  let state = svi.init(key(seedN));
  const d = 3, s1 = [0, 0, 0], s2 = [0, 0, 0];
  let k = 0;
  for (let i = 0; i < 3000; i++) {
    [state] = svi.update(state);
    if (i >= 1500) {
      const u = affine(
        pc.loc,
        pc.scaleTril,
        state.optimState.params.auto_loc!.data,
      );
      for (let j = 0; j < d; j++) {
        s1[j] = s1[j]! + u[j]!;
        s2[j] = s2[j]! + u[j]! ** 2;
      }
      k++;
    }
  }
  const iterSd = s1.map((a, j) =>
    Math.sqrt(Math.max(s2[j]! / k - (a / k) ** 2, 0))
  );
  return { guide, params: svi.getParams(state), iterSd };
}

/** Posterior mean of 1000 guide draws vs the exact mean within 3 SE = 3·√(Σ_ii/N + sd_iter²). */
function checkMean(
  label: string,
  guide: AutoGuide<unknown[]>,
  params: Record<string, Tensor>,
  iterSd: number[],
): number {
  const N = 1000, d = 3;
  const x = guide.samplePosterior(key(99), params, { sampleShape: [N] }).x!;
  assertEquals(x.shape, [N, d]);
  let worst = 0;
  for (let i = 0; i < d; i++) {
    let m = 0;
    for (let s = 0; s < N; s++) m += x.data[s * d + i]! / N;
    const se = Math.sqrt(G3.cov[i * 4]! / N + iterSd[i]! ** 2);
    const z = Math.abs(m - G3.mean[i]!) / se;
    worst = Math.max(worst, z);
    assert(
      z < 3,
      `${label}: mean[${i}] ${m} vs ${G3.mean[i]} (${z.toFixed(2)} SE)`,
    );
  }
  return worst;
}

Deno.test("preconditioned AutoMultivariateNormal recovers the 3-D correlated Gaussian: mean within 3 MC SEs, covariance to 5 %", () => {
  const { guide, params, iterSd } = fitGauss3(
    AutoMultivariateNormal,
    PC3,
    4,
    1,
  );
  const z = checkMean("MVN + preconditioner", guide, params, iterSd);
  const e = frobRel(guideCovU(guide.name, params, PC3, 3), G3.cov);
  assert(e < 0.05, `covariance Frobenius rel err ${e}`);
  console.log(
    `MVN + fixed preconditioner: worst mean ${z.toFixed(2)} SE, cov rel err ${
      (e * 100).toFixed(2)
    } %`,
  );
});

Deno.test("AutoDiagonalNormal with the laplaceFit preconditioner recovers the full 3-D covariance (to 5 %) and mean (3 MC SEs)", () => {
  // in whitened coordinates the posterior is N(0, I), which a diagonal guide represents exactly
  const pc = laplaceFit(gauss3, []).preconditioner;
  const { guide, params, iterSd } = fitGauss3(AutoDiagonalNormal, pc, 4, 2);
  const z = checkMean("Diagonal + preconditioner", guide, params, iterSd);
  const e = frobRel(guideCovU(guide.name, params, pc, 3), G3.cov);
  assert(e < 0.05, `covariance Frobenius rel err ${e}`);
  console.log(
    `Diagonal + Laplace preconditioner: worst mean ${
      z.toFixed(2)
    } SE, cov rel err ${(e * 100).toFixed(2)} %`,
  );
});

// correlation 0.995, marginal sds 1 and 100 (scales differing 100×)
const SD2 = [1, 100], RHO = 0.995;
const corr2: Model = (ctx: ModelContext) => {
  ctx.sample(
    "x",
    new MultivariateNormal(tensor([0.5, -20]), {
      scaleTril: tensor(
        [SD2[0]!, 0, RHO * SD2[1]!, SD2[1]! * Math.sqrt(1 - RHO * RHO)],
        [2, 2],
      ),
    }),
  );
};

Deno.test("on a 0.995-correlated 2-D Gaussian with scales 1 and 100, 300 Adam steps get the preconditioned MVN's sds within 10 % while the plain MVN's are not", () => {
  const fit = laplaceFit(corr2, []);
  assert(fit.converged);
  const run = (opts: { preconditioner?: Preconditioner }) => {
    const g = AutoMultivariateNormal(corr2, opts);
    const svi = SVI(
      corr2,
      g,
      adam(piecewiseConstant([180], [0.05, 0.005])),
      TraceELBO({ numParticles: 4 }),
    );
    const p = svi.run(key(1), 300, [], { progress: false }).params;
    const L = p.auto_scale_tril!.data;
    const P = opts.preconditioner?.scaleTril ?? [1, 0, 0, 1];
    const c = mm(mm(P, aat(L, 2), 2), tr(P, 2), 2);
    return [Math.sqrt(c[0]!) / SD2[0]!, Math.sqrt(c[3]!) / SD2[1]!];
  };
  const pre = run({ preconditioner: fit.preconditioner });
  const plain = run({});
  console.log(
    `sd ratios to the truth after 300 steps: preconditioned ${
      pre.map((v) => v.toFixed(3))
    }, plain ${plain.map((v) => v.toFixed(3))}`,
  );
  for (const r of pre) {
    assert(Math.abs(r - 1) < 0.1, `preconditioned sd ratio ${r}`);
  }
  assert(plain.some((r) => Math.abs(r - 1) >= 0.1), `plain sd ratios ${plain}`);
});

Deno.test("every AutoContinuous guide accepts a preconditioner: one SVI step, finite constrained draws of the right shape", () => {
  const pc: Preconditioner = {
    loc: [0.2, 0.1, -0.3],
    scaleTril: [0.5, 0, 0, 0.1, 0.8, 0, -0.2, 0.3, 1.2],
  };
  const makers = [
    AutoDiagonalNormal,
    AutoMultivariateNormal,
    AutoLowRankMultivariateNormal,
    AutoLaplaceApproximation,
    AutoIAFNormal,
    AutoBNAFNormal,
  ] as ((
    m: Model,
    o: { preconditioner: Preconditioner },
  ) => AutoGuide<unknown[]>)[];
  for (const make of makers) {
    const g = make(mixed, { preconditioner: pc });
    const svi = SVI(mixed, g, adam(0.01), TraceELBO());
    const st = svi.init(key(8));
    const [st2, l] = svi.update(st);
    assert(Number.isFinite(l), `${g.name} loss ${l}`);
    const d = g.samplePosterior(key(9), svi.getParams(st2), {
      sampleShape: [20, 2],
    });
    assertEquals(d.a!.shape, [20, 2]);
    assertEquals(d.s!.shape, [20, 2, 2]);
    assert(d.a!.data.every(Number.isFinite), `${g.name}: finite draws`);
    assert(
      d.s!.data.every((v) => v > 0 && Number.isFinite(v)),
      `${g.name}: positive site`,
    );
  }
  // a preconditioner of the wrong dimension is a TypeError at setup, naming the guide
  assertThrows(
    () =>
      AutoMultivariateNormal(mixed, {
        preconditioner: { loc: [0, 0], scaleTril: [1, 0, 0, 1] },
      }).setup(key(0)),
    TypeError,
    "AutoMultivariateNormal: preconditioner.loc has length 2, expected the latent dimension 3",
  );
});

Deno.test("AutoBNAFNormal with the laplaceFit preconditioner: 20 SVI steps run, finite draws of the right shape", () => {
  const pc = laplaceFit(gauss3, []).preconditioner;
  const g = AutoBNAFNormal(gauss3, { preconditioner: pc });
  const r = SVI(gauss3, g, adam(0.01), TraceELBO()).run(key(3), 20, [], {
    progress: false,
  });
  assert(r.losses.every(Number.isFinite), `losses ${r.losses}`);
  const x = g.samplePosterior(key(4), r.params, { sampleShape: [200] }).x!;
  assertEquals(x.shape, [200, 3]);
  assert(x.data.every(Number.isFinite));
});

Deno.test("AutoNormal and AutoDelta reject a preconditioner with a TypeError", () => {
  const pc = { loc: [0, 0, 0], scaleTril: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  assertThrows(
    () => AutoNormal(mixed, { preconditioner: pc }),
    TypeError,
    "AutoNormal: a preconditioner needs a guide over the flat latent vector",
  );
  assertThrows(
    () => AutoDelta(mixed, { preconditioner: pc }),
    TypeError,
    "AutoDelta: a preconditioner needs a guide over the flat latent vector",
  );
});

Deno.test("preconditioned guides start at the centre (auto_loc = 0 exactly), or at the mapped initLocFn point (to 1e-12)", () => {
  const makers = [
    AutoDiagonalNormal,
    AutoMultivariateNormal,
    AutoLowRankMultivariateNormal,
    AutoLaplaceApproximation,
  ] as ((
    m: Model,
    o: {
      preconditioner: Preconditioner;
      initLocFn?: ReturnType<typeof initToValue>;
    },
  ) => AutoGuide<unknown[]>)[];
  // u0 = (a, log s₁, log s₂) of the explicit init point
  const u0 = [0.25, 0, Math.log(3)];
  for (const make of makers) {
    const g = make(mixed, { preconditioner: PC3 });
    const svi = SVI(mixed, g, adam(0.01), TraceELBO());
    const loc = svi.getParams(svi.init(key(8))).auto_loc!;
    assertEquals(Array.from(loc.data), [0, 0, 0], `${g.name} default start`);
    const gi = make(mixed, {
      preconditioner: PC3,
      initLocFn: initToValue({ a: tensor(0.25), s: tensor([1, 3]) }),
    });
    const si = SVI(mixed, gi, adam(0.01), TraceELBO());
    const w = si.getParams(si.init(key(8))).auto_loc!.data;
    assert(maxRelErr(w, toWhitened(PC3, u0), 1) < 1e-12, `${g.name}: ${w}`);
    // independent check: a + P w reproduces the init point
    const back = affine(PC3.loc, PC3.scaleTril, w);
    assert(maxRelErr(back, u0, 1) < 1e-12, `${g.name}: a + P w = ${back}`);
  }
});

Deno.test("preconditioned Gaussian guides (MVN, diagonal, low-rank): quantiles equal the closed-form marginals (1e-12), median at init = the centre (1e-15)", () => {
  const qs = [0.025, 0.1, 0.5, 0.9, 0.975];
  const zq = [
    -1.959963984540054,
    -1.2815515655446004,
    0,
    1.2815515655446004,
    1.959963984540054,
  ];
  for (
    const make of [
      AutoMultivariateNormal,
      AutoDiagonalNormal,
      AutoLowRankMultivariateNormal,
    ] as ((m: Model, o: { preconditioner: Preconditioner }) => AutoGuide<
      unknown[]
    >)[]
  ) {
    const g = make(mixed, { preconditioner: PC3 });
    const svi = SVI(mixed, g, adam(0.05), TraceELBO());
    let st = svi.init(key(8));
    const p0 = svi.getParams(st);
    // median at init = the centre mapped to constrained space: a, exp(log s)
    const med = g.median(p0);
    assert(
      Math.abs(med.a!.item() - PC3.loc[0]!) < 1e-15,
      `${g.name}: median a ${med.a!.item()}`,
    );
    assert(
      maxRelErr(med.s!.data, [Math.exp(PC3.loc[1]!), Math.exp(PC3.loc[2]!)]) <
        1e-15,
      `${g.name}: median s ${med.s!.data}`,
    );
    // after a few steps loc ≠ 0 (and the MVN / low-rank factors are not diagonal):
    // u ~ N(a + P loc, P C_w Pᵀ), C_w from the params (computed here independently)
    for (let i = 0; i < 10; i++) [st] = svi.update(st);
    const p = svi.getParams(st);
    assert(p.auto_loc!.data.every((v) => v !== 0), `${g.name}: loc moved`);
    if (g.name === "AutoMultivariateNormal") {
      assert(Math.abs(p.auto_scale_tril!.data[3]!) > 1e-4, "L non-diagonal");
    }
    if (g.name === "AutoLowRankMultivariateNormal") {
      assert(p.auto_cov_factor!.data.some((v) => Math.abs(v) > 1e-4), "W ≠ 0");
    }
    const m = affine(PC3.loc, PC3.scaleTril, p.auto_loc!.data);
    const c = guideCovU(g.name, p, PC3, 3);
    const q = g.quantiles(p, qs);
    assertEquals(q.a!.shape, [5]);
    assertEquals(q.s!.shape, [5, 2]);
    for (let k = 0; k < qs.length; k++) {
      const ua = m[0]! + Math.sqrt(c[0]!) * zq[k]!;
      assert(
        Math.abs(q.a!.data[k]! - ua) < 1e-12 * Math.max(1, Math.abs(ua)),
        `${g.name}: q(a) ${qs[k]}: ${q.a!.data[k]} vs ${ua}`,
      );
      for (let j = 0; j < 2; j++) {
        const us = Math.exp(m[1 + j]! + Math.sqrt(c[(1 + j) * 4]!) * zq[k]!);
        const got = q.s!.data[k * 2 + j]!;
        assert(
          Math.abs(got - us) < 1e-12 * us,
          `${g.name}: q(s${j}) ${qs[k]}: ${got} vs ${us}`,
        );
      }
    }
  }
});

Deno.test("AutoLaplaceApproximation.getPosterior with a preconditioner equals the plain one and the exact posterior (loc, covariance, quantiles to 1e-8)", () => {
  const map = laplaceFit(gauss3, [], { tol: 1e-20 }).loc;
  const plain = AutoLaplaceApproximation(gauss3);
  plain.setup(key(0));
  const pre = AutoLaplaceApproximation(gauss3, { preconditioner: PC3 });
  pre.setup(key(0));
  const pPlain = { auto_loc: tensor(Array.from(map)) };
  const pPre = { auto_loc: tensor(Array.from(toWhitened(PC3, map))) };
  const a = plain.getPosterior(pPlain), b = pre.getPosterior(pPre);
  const covA = aat(T(a.scaleTril).data, 3), covB = aat(T(b.scaleTril).data, 3);
  const eLoc = maxRelErr(T(b.loc).data, T(a.loc).data, 1);
  const eCov = maxRelErr(covB, covA, 1);
  assert(eLoc < 1e-8, `loc ${T(b.loc).data} vs ${T(a.loc).data}`);
  assert(eCov < 1e-8, `cov ${covB} vs ${covA}`);
  // the preconditioned factor is still lower triangular with a positive diagonal
  const Lb = T(b.scaleTril).data;
  assert(
    Lb[1] === 0 && Lb[2] === 0 && Lb[5] === 0 &&
      [0, 4, 8].every((i) => Lb[i]! > 0),
  );
  // both equal the exact posterior (a Gaussian model: Laplace is exact)
  assert(maxRelErr(T(b.loc).data, G3.mean, 1) < 1e-8);
  assert(maxRelErr(covB, G3.cov, 1) < 1e-8, `cov ${covB} vs ${G3.cov}`);
  // quantiles through the preconditioned posterior latent agree too
  const qa = plain.quantiles(pPlain, [0.1, 0.5, 0.9]).x!.data;
  const qb = pre.quantiles(pPre, [0.1, 0.5, 0.9]).x!.data;
  assert(maxRelErr(qb, qa, 1) < 1e-8, `quantiles ${qb} vs ${qa}`);
  console.log(
    `Laplace getPosterior, preconditioned vs plain: loc ${
      eLoc.toExponential(1)
    }, cov ${eCov.toExponential(1)}`,
  );
});

Deno.test("a guide copies its preconditioner: changing the caller's arrays later does not change the guide (exact)", () => {
  const model = (ctx: ModelContext) => {
    ctx.sample("x", new Normal(0, 1));
    ctx.sample("y", new Normal(0, 1));
  };
  const pc = {
    loc: new Float64Array([1, 2]),
    scaleTril: new Float64Array([2, 0, 0, 3]),
  };
  const g = AutoMultivariateNormal(model, { preconditioner: pc });
  pc.loc[0] = 100;
  pc.scaleTril[0] = 50;
  const svi = SVI(model, g, adam(0.01), TraceELBO());
  const params = svi.getParams(svi.init(key(3)));
  const med = g.median(params);
  assertEquals(med.x!.item(), 1);
  assertEquals(med.y!.item(), 2);
});
