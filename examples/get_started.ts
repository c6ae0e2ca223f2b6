/**
 * exospec's tutorial, forward part: grid → CO mdb → PreMODIT → cross sections → emission
 * spectrum → rotation → instrument profile + RV sampling → seeded mock data, written to --out.
 *
 *   deno run -A examples/get_started.ts --db ../shared/data [--out out] [--seed 0] [--noise 500]
 *
 * Without --db it looks in ./.database (ExoJAX's layout) and, with --download, fetches
 * the ExoMol CO Li2015 line list and HITRAN's H2-H2_2011.cia into it.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  addGaussianNoise,
  createTutorialModel,
  gravityJupiter,
  spectrumToCsv,
} from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    db: { type: "string", default: ".database" },
    out: { type: "string", default: "out" },
    seed: { type: "string", default: "0" },
    noise: { type: "string", default: "500" },
    download: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(
    "usage: deno run -A examples/get_started.ts [--db DIR] [--download] [--out DIR] [--seed N] [--noise SIGMA]",
  );
  Deno.exit(0);
}

const t0 = performance.now();
const lap = (label: string, since: number) =>
  console.log(
    `${label.padEnd(38)} ${
      (performance.now() - since).toFixed(0).padStart(7)
    } ms`,
  );

let model;
try {
  model = await createTutorialModel({
    dbDir: values.db,
    download: values.download,
  });
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  Deno.exit(1);
}
lap("load databases + PreMODIT precompute", t0);
console.log(
  `grid: ${model.nuGrid.length} points, ${model.nuGrid[0]!.toFixed(4)}–${
    model.nuGrid.at(-1)!.toFixed(4)
  } cm-1, R = ${model.resolution.toFixed(1)}`,
);
console.log(
  `lines: ${model.lines.nu.length} CO lines from ${model.database.mdbPath}; CIA: ${model.database.ciaPath}`,
);

const truth = {
  T0: 1200.0,
  alpha: 0.1,
  MMR: 0.01,
  g: gravityJupiter(1.0, 10.0),
  RV: 40.0,
  vsini: 10.0,
};
let t = performance.now();
const st = model.stages(
  truth.T0,
  truth.alpha,
  truth.MMR,
  truth.g,
  truth.RV,
  truth.vsini,
);
lap("fspec (one evaluation)", t);
t = performance.now();
const sigma = Number(values.noise);
const fobs = addGaussianNoise(st.mu, sigma, Number(values.seed));
await Deno.mkdir(values.out, { recursive: true });
await Deno.writeTextFile(
  join(values.out, "mock_spectrum.csv"),
  spectrumToCsv({
    nu_obs_cm1: model.nuObs,
    flux_obs: fobs,
    flux_true: st.mu,
    sigma: new Float64Array(fobs.length).fill(sigma),
  }),
);
await Deno.writeTextFile(
  join(values.out, "raw_spectrum.csv"),
  spectrumToCsv({
    nu_cm1: model.nuGrid,
    flux: st.flux,
    flux_rot: st.fluxRot,
    flux_inst: st.fluxInst,
  }),
);
await Deno.writeTextFile(
  join(values.out, "mock_spectrum.json"),
  JSON.stringify({
    truth,
    seed: Number(values.seed),
    sigma,
    nuObs: Array.from(model.nuObs),
    flux: Array.from(fobs),
  }),
);
lap("write outputs", t);
let fmin = Infinity, fmax = -Infinity;
for (const v of st.flux) [fmin, fmax] = [Math.min(fmin, v), Math.max(fmax, v)];
console.log(
  `raw flux range ${fmin.toExponential(4)} – ${
    fmax.toExponential(4)
  } erg/s/cm2/cm-1`,
);
console.log(
  `wrote ${
    join(values.out, "mock_spectrum.csv")
  } (${fobs.length} points, sigma = ${sigma}, seed = ${values.seed})`,
);
lap("total", t0);
