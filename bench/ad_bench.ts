// deno bench -A bench/ad_bench.ts — tutorial sizes (3500 ν, 100 layers, 650 data points).
// forward alone, reverse-mode gradient of the log-likelihood, forward-mode gradient (7 directions).
import { fileURLToPath } from "node:url";
import { createTutorialModel } from "../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../src/spectrum/tutorial_ad.ts";
import { addGaussianNoise } from "../src/spectrum/mock.ts";
import { gravityJupiter } from "../src/rt/gravity.ts";

const db = fileURLToPath(new URL("../../shared/data", import.meta.url));
const model = await createTutorialModel({ dbDir: db });
const ad = createTutorialAd(model);
const y = addGaussianNoise(
  model.fspec(1200, 0.1, 0.01, gravityJupiter(1, 10), 40, 10),
  500,
  0,
);
const theta = new Float64Array([1150, 0.12, 0.008, 4.3, 39, 11, 450]);

Deno.bench(
  "fspec forward (plain float64)",
  { group: "ad", baseline: true },
  () => {
    model.fspec(1150, 0.12, 0.008, 10 ** 4.3, 39, 11);
  },
);
Deno.bench("log-likelihood gradient, reverse mode", { group: "ad" }, () => {
  ad.logLikelihoodGrad(theta, y, "reverse");
});
Deno.bench("log-likelihood gradient, forward mode (7 directions)", {
  group: "ad",
}, () => {
  ad.logLikelihoodGrad(theta, y, "forward");
});
