/**
 * Calibration of the tutorial retrieval over noise realizations: for each seed, a mock spectrum
 * (truth T0 = 1200 K, alpha = 0.1, MMR = 0.01, g = gravityJupiter(1, 10), RV = 40 km/s,
 * vsini = 10 km/s, sigma = 500) is retrieved with the Laplace fit and a preconditioned
 * AutoMultivariateNormal, and (posterior mean − truth) / posterior sd is printed per parameter.
 * For a calibrated posterior these z-scores scatter like N(0, 1) across seeds.
 *
 *   deno run -A scripts/tutorial_calibration.ts --db ../shared/data --seeds 0,1,2 [--steps 400]
 */
import { parseArgs } from "node:util";
import { createTutorialModel } from "../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../src/spectrum/tutorial_ad.ts";
import { tutorialModelProb } from "../examples/tutorial_retrieval.ts";
import { addGaussianNoise } from "../src/spectrum/mock.ts";
import { gravityJupiter } from "../src/rt/gravity.ts";
import {
  adam,
  AutoMultivariateNormal,
  initToValue,
  laplaceFit,
  SVI,
  TraceELBO,
} from "../src/infer/mod.ts";
import { tensor } from "../src/ad/mod.ts";
import { key } from "../src/random/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    db: { type: "string", default: "../shared/data" },
    seeds: { type: "string", default: "0,1,2,3" },
    steps: { type: "string", default: "400" },
  },
});
const model = await createTutorialModel({ dbDir: values.db });
const modelProb = tutorialModelProb(createTutorialAd(model));
const g10 = gravityJupiter(1, 10);
const truth: Record<string, number> = {
  logg: Math.log10(g10),
  RV: 40,
  MMR: 0.01,
  T0: 1200,
  alpha: 0.1,
  vsini: 10,
  sigmain: 500,
};
const mu = model.fspec(1200, 0.1, 0.01, g10, 40, 10);
const names = Object.keys(truth);
console.log(
  ["seed", "method", ...names].map((s) => s.padStart(9)).join(""),
);
for (const seed of values.seeds.split(",").map(Number)) {
  const y = tensor(addGaussianNoise(mu, 500, seed));
  const fit = laplaceFit(modelProb, [y]);
  const guide = AutoMultivariateNormal(modelProb, {
    preconditioner: fit.preconditioner,
    initLocFn: initToValue(fit.values),
    initScale: 1,
  });
  const svi = SVI(modelProb, guide, adam(0.01), TraceELBO());
  const res = svi.run(key(seed), Number(values.steps), [y], {
    progress: false,
  });
  const post = guide.samplePosterior(key(1000 + seed), res.params, {
    sampleShape: [4000],
  });
  const z = names.map((n) => {
    const s = post[n]!.data;
    const m = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(
      s.reduce((a, b) => a + (b - m) ** 2, 0) / (s.length - 1),
    );
    return (m - truth[n]!) / sd;
  });
  console.log(
    [String(seed), "MVN", ...z.map((v) => v.toFixed(2))].map((s) =>
      s.padStart(9)
    ).join(""),
  );
}
