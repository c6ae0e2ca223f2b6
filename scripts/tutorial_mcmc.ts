/**
 * Reference posterior of the tutorial retrieval by MCMC, independent of SVI: Hamiltonian Monte
 * Carlo (`--method hmc`, default; leapfrog on the potential energy with reverse-mode gradients)
 * or random-walk Metropolis (`--method rwm`), both
 * mock data as in `examples/get_started_svi.ts` (seed 0 by default), the exact log joint of
 * `tutorialModelProb` in unconstrained space (`potentialEnergy`: likelihood, uniform and
 * exponential priors, log-Jacobians of the transforms), and Gaussian proposals
 * shaped by the Laplace fit (`scale` × its Cholesky factor; HMC runs in the same whitened
 * coordinates with unit mass, step `--eps` jittered ±20 % and `--leapfrog` steps). Prints a JSON summary (mean, sd,
 * integrated autocorrelation time and effective sample size per parameter, after burn-in).
 *
 *   deno run -A scripts/tutorial_mcmc.ts --db ../shared/data [--steps 700 (hmc) | 5000 (rwm)] [--scale 0.6]
 *       [--key 5] [--data-seed 0] [--burn 200] [--chain-out chain.jsonl] [--chain chain.jsonl]
 *
 * `--chain FILE` summarises an existing chain (JSON lines with `x`) instead of running one.
 * `tests/fixtures/tutorial_posterior_seed0.json` concatenates three HMC chains (20 burn-in
 * each, summarised with `--chain FILE --burn 0`): key 5, ε 0.3, 8 leapfrog steps, 150 iterations
 * (ended by a divergence, before divergences were handled as rejections); key 5, ε 0.3, 8 steps,
 * 700 iterations; key 11, ε 0.2, 10 steps, 450 iterations. Its `options` record this.
 */
import { parseArgs } from "node:util";
import { createTutorialModel } from "../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../src/spectrum/tutorial_ad.ts";
import { tutorialModelProb } from "../examples/tutorial_retrieval.ts";
import { gravityJupiter } from "../src/rt/gravity.ts";
import { addGaussianNoise } from "../src/spectrum/mock.ts";
import { laplaceFit, potentialEnergy } from "../src/infer/mod.ts";
import { Tensor, tensor } from "../src/ad/mod.ts";
import { key, normal, split, uniform } from "../src/random/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    db: { type: "string", default: "../shared/data" },
    steps: { type: "string" },
    method: { type: "string", default: "hmc" },
    eps: { type: "string", default: "0.3" },
    leapfrog: { type: "string", default: "8" },
    scale: { type: "string", default: "0.6" },
    key: { type: "string", default: "5" },
    "data-seed": { type: "string", default: "0" },
    burn: { type: "string", default: "200" },
    chain: { type: "string" },
    "chain-out": { type: "string" },
  },
});
const NAMES = ["logg", "RV", "MMR", "T0", "alpha", "vsini", "sigmain"];
const burn = Number(values.burn);

let chain: number[][];
let acceptance = NaN;
if (values.chain) {
  chain = (await Deno.readTextFile(values.chain)).trim().split("\n").map((
    l,
  ) => JSON.parse(l).x);
} else {
  const m = await createTutorialModel({ dbDir: values.db });
  const g10 = gravityJupiter(1, 10);
  const y = addGaussianNoise(
    m.fspec(1200, 0.1, 0.01, g10, 40, 10),
    500,
    Number(values["data-seed"]),
  );
  const modelProb = tutorialModelProb(createTutorialAd(m));
  const fit = laplaceFit(modelProb, [tensor(y)]);
  const pe = potentialEnergy(modelProb, [tensor(y)]);
  /** Constrained values in NAMES order. */
  const named = (u: Float64Array) => {
    const v = pe.constrain(u);
    return NAMES.map((k) => v[k]!.item());
  };
  /** The exact log joint in unconstrained space (−U, forward only) and the constrained point. */
  const logp = (u: Float64Array) => ({
    lp: -(pe.U(new Tensor(u.slice(), [u.length])) as Tensor).item(),
    x: named(u),
  });
  const d = 7, scale = Number(values.scale);
  const n = Number(values.steps ?? (values.method === "hmc" ? 700 : 5000));
  const P = fit.scaleTril;
  let u = fit.loc.slice();
  let acc = 0;
  chain = [];
  const lines: string[] = [];
  const keys = split(key(Number(values.key)), n);
  if (values.method === "hmc") {
    const toU = (w: Float64Array) => {
      const out = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let s = fit.loc[i]!;
        for (let j = 0; j <= i; j++) s += P[i * d + j]! * w[j]!;
        out[i] = s;
      }
      return out;
    };
    // A divergent leapfrog trajectory (e.g. sigmain → 0) can make the model throw on a
    // non-finite value; such a proposal is rejected (U = +∞).
    const gradW = (w: Float64Array) => {
      let v: number, g: Float64Array;
      try {
        ({ v, g } = pe.valueAndGrad(toU(w)));
      } catch (_) {
        return { v: Infinity, g: new Float64Array(d) };
      }
      if (!Number.isFinite(v) || !g.every(Number.isFinite)) {
        return { v: Infinity, g: new Float64Array(d) };
      }
      const gw = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = j; i < d; i++) s += P[i * d + j]! * g[i]!;
        gw[j] = s;
      }
      return { v, g: gw };
    };
    const eps0 = Number(values.eps), L = Number(values.leapfrog);
    let w = new Float64Array(d);
    let st = gradW(w);
    for (let t = 0; t < n; t++) {
      const [k1, k2, k3] = split(keys[t]!, 3);
      const eps = eps0 * (0.8 + 0.4 * uniform(k3!, 1)[0]!);
      const p0 = normal(k1!, d);
      const p = p0.slice(), x = w.slice();
      let s2 = st;
      for (let i = 0; i < d; i++) p[i] = p[i]! - 0.5 * eps * s2.g[i]!;
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < d; i++) x[i] = x[i]! + eps * p[i]!;
        s2 = gradW(x);
        if (!Number.isFinite(s2.v)) break;
        const f = l === L - 1 ? 0.5 : 1;
        for (let i = 0; i < d; i++) p[i] = p[i]! - f * eps * s2.g[i]!;
      }
      const h0 = st.v + 0.5 * p0.reduce((a, b) => a + b * b, 0);
      const h1 = s2.v + 0.5 * p.reduce((a, b) => a + b * b, 0);
      if (Number.isFinite(h1) && Math.log(uniform(k2!, 1)[0]!) < h0 - h1) {
        w = x;
        st = s2;
        acc++;
      }
      const xr = named(toU(w));
      chain.push(xr);
      lines.push(JSON.stringify({ t, x: xr, U: st.v }));
      if (values["chain-out"] && t % 50 === 49) {
        await Deno.writeTextFile(values["chain-out"], lines.join("\n") + "\n");
      }
    }
  } else {
    let cur = logp(u);
    for (let t = 0; t < n; t++) {
      const [k1, k2] = split(keys[t]!, 2);
      const e = normal(k1!, d);
      const un = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        let s = u[i]!;
        for (let j = 0; j <= i; j++) s += scale * P[i * d + j]! * e[j]!;
        un[i] = s;
      }
      const nx = logp(un);
      if (Math.log(uniform(k2!, 1)[0]!) < nx.lp - cur.lp) {
        u = un;
        cur = nx;
        acc++;
      }
      chain.push(cur.x);
      lines.push(JSON.stringify({ t, x: cur.x, lp: cur.lp }));
    }
  }
  acceptance = acc / n;
  if (values["chain-out"]) {
    await Deno.writeTextFile(values["chain-out"], lines.join("\n") + "\n");
  }
}

/** Integrated autocorrelation time (initial positive sequence, cut where ρ < 0.05). */
function iat(x: number[]): number {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const c = x.map((v) => v - m);
  const c0 = c.reduce((a, b) => a + b * b, 0) / n;
  let tau = 1;
  for (let k = 1; k < n / 2; k++) {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += c[i]! * c[i + k]!;
    const rho = s / n / c0;
    if (rho < 0.05) break;
    tau += 2 * rho;
  }
  return tau;
}

const kept = chain.slice(burn);
const summary: Record<string, unknown> = {
  generator: "scripts/tutorial_mcmc.ts",
  options: values,
  draws: kept.length,
  acceptance,
  params: Object.fromEntries(NAMES.map((name, i) => {
    const x = kept.map((r) => r[i]!);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const sd = Math.sqrt(
      x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1),
    );
    const tau = iat(x);
    return [name, { mean, sd, iat: tau, ess: x.length / tau }];
  })),
};
console.log(JSON.stringify(summary, null, 2));
