/**
 * The tutorial's acceptance check, shortened for the CI machine: `examples/get_started_svi.ts`
 * on the demo's own mock data (seed 0), with the default Laplace preconditioner, runs
 * AutoMultivariateNormal (400 SVI steps instead of 2000) and AutoBNAFNormal (800 instead of
 * 10 000) concurrently, one process each, and the posterior summaries it writes are checked
 * against
 *
 * 1. the truth: T0 = 1200 K, alpha = 0.1, MMR = 0.01, logg = log10 gravityJupiter(1, 10),
 *    RV = 40 km/s, vsini = 10 km/s, sigmain = 500;
 * 2. the exact posterior of the same data, from an independent Hamiltonian Monte Carlo chain
 *    (`scripts/tutorial_mcmc.ts`, summary in `tests/fixtures/tutorial_posterior_seed0.json`).
 *
 * What is asserted, and why not more (numbers from the fixture and the runs in the note):
 * - RV, MMR, alpha, vsini: the truth lies within 3 posterior sd of the posterior mean.
 * - sigmain: |mean − 500| ≤ 3 sd (consistent with the injected noise).
 * - logg and T0 against the truth: not asserted here. The exact posterior puts the truth
 *   2.0 sd away (HMC: logg 4.258 ± 0.068, T0 1218.0 ± 9.1 K), but it is a long curved ridge in
 *   the guides' unconstrained (logit) coordinates, T0–logg correlation −0.99. The best Gaussian
 *   in KL(q‖p), which is what AutoMultivariateNormal converges to, is about half as wide along
 *   it (sd ratio 0.5), so its z-scores are ≈ 3.4–3.7; the flow widens only slowly (0.52 after 1500
 *   steps), far beyond a CI run. For them the test asserts agreement with the exact posterior
 *   instead (below).
 * - Every parameter, both guides: |guide mean − HMC mean| ≤ 0.5 HMC sd. Budget: the HMC mean's
 *   MC error is 0.17 sd for logg and T0 (ESS 34; chains differ by up to 0.3 sd), ≤ 0.09 sd for
 *   the rest; the guide's 2000-draw mean 0.02 sd; the final SVI iterate wanders by ~0.1 sd.
 *   Measured: ≤ 0.28 sd (MVN), ≤ 0.45 sd (BNAF after 400 steps: vsini, hence 800 steps here).
 * - Guide sd / HMC sd within [0.45, 1.5]: the Gaussian optimum measured 0.53–0.54 along the
 *   ridge (logg, T0) and 0.73–1.11 elsewhere; the bounds catch a collapsed or exploded guide,
 *   not the KL bias.
 */
import { assert, SHARED_DATA } from "../_util.ts";

interface Row {
  name: string;
  mean: number;
  sd: number;
  truth: number;
  z: number;
}

const REF = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/tutorial_posterior_seed0.json", import.meta.url),
  ),
) as { params: Record<string, { mean: number; sd: number; ess: number }> };

const STEPS: Record<string, number> = { mvn: 400, bnaf: 800 };
const DEMO = new URL("../../examples/get_started_svi.ts", import.meta.url)
  .pathname;

async function runDemo(guide: string, out: string): Promise<Row[]> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      DEMO,
      "--db",
      SHARED_DATA,
      "--guide",
      guide,
      "--steps",
      String(STEPS[guide]),
      "--samples",
      "2000",
      "--seed",
      "0",
      "--no-figures",
      "--out",
      out,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(r.stdout) +
    new TextDecoder().decode(r.stderr);
  assert(r.code === 0, `${guide}: exit ${r.code}: ${text}`);
  const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  assert(summary.precondition === "laplace" && summary.laplace.converged);
  return summary.summaries[0].rows as Row[];
}

Deno.test({
  name:
    "tutorial acceptance (seed 0; MVN 400, BNAF 800 SVI steps): both put RV, MMR, alpha, vsini within 3 sd of the truth, sigmain consistent with 500, and every mean within 0.5 sd of the exact (HMC) posterior, sd ratio in [0.45, 1.5]",
  fn: async () => {
    const out = await Deno.makeTempDir();
    try {
      const guides = ["mvn", "bnaf"];
      const rows = await Promise.all(
        guides.map((g) => runDemo(g, `${out}/${g}`)),
      );
      const problems: string[] = [];
      const report: string[] = [];
      guides.forEach((g, gi) => {
        for (const r of rows[gi]!) {
          const ref = REF.params[r.name]!;
          const dMean = (r.mean - ref.mean) / ref.sd;
          const ratio = r.sd / ref.sd;
          report.push(
            `${g} ${r.name}: mean ${r.mean.toPrecision(6)} sd ${
              r.sd.toPrecision(3)
            } z(truth) ${r.z.toFixed(2)}; vs MCMC Δmean ${
              dMean.toFixed(2)
            } sd, sd ratio ${ratio.toFixed(2)}`,
          );
          if (["RV", "MMR", "alpha", "vsini"].includes(r.name)) {
            if (!(Math.abs(r.z) <= 3)) {
              problems.push(`${g} ${r.name}: truth at z = ${r.z.toFixed(2)}`);
            }
          }
          if (r.name === "sigmain" && !(Math.abs(r.mean - 500) <= 3 * r.sd)) {
            problems.push(
              `${g} sigmain ${r.mean.toFixed(1)} ± ${
                r.sd.toFixed(1)
              } is not consistent with 500`,
            );
          }
          if (!(Math.abs(dMean) <= 0.5)) {
            problems.push(
              `${g} ${r.name}: mean ${
                dMean.toFixed(2)
              } reference sd from the MCMC mean`,
            );
          }
          if (!(ratio >= 0.45 && ratio <= 1.5)) {
            problems.push(
              `${g} ${r.name}: sd ratio to MCMC ${ratio.toFixed(2)}`,
            );
          }
        }
      });
      console.log(report.join("\n"));
      assert(problems.length === 0, problems.join("\n"));
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
