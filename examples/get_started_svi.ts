/**
 * exospec's main job: ExoJAX's tutorial "Stochastic Variational Inference with Auto Guide
 * Generation of an Emission Spectrum", end to end, in Deno.
 *
 *   deno run -A examples/get_started_svi.ts --db ../shared/data [--quick] [--guide mvn,bnaf]
 *       [--steps N] [--lr 0.01] [--seed 0] [--samples 2000] [--backend auto|js|wasm] [--out out]
 *
 * grid → CO mdb → PreMODIT → cross sections at 500 and 1500 K → emission spectrum →
 * contribution function → rotation → instrument profile + RV sampling → seeded mock data →
 * the probabilistic model with the tutorial's priors → MAP and Laplace approximation
 * (`laplaceFit`; the guides' preconditioner, `--precondition none` to skip it) → SVI
 * (AutoMultivariateNormal, 2000 steps; AutoBNAFNormal, 10 000 steps; Adam 0.01) → posterior
 * predictive median and 90 % HPDI → pair plot.
 * Every figure is written as vega-lite JSON, SVG and PNG to --out, with an index.html.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  adam,
  addGaussianNoise,
  AutoBNAFNormal,
  AutoDelta,
  AutoDiagonalNormal,
  type AutoGuide,
  AutoIAFNormal,
  AutoLaplaceApproximation,
  AutoLowRankMultivariateNormal,
  AutoMultivariateNormal,
  AutoNormal,
  type Backend,
  contributionSpec,
  createStageBackend,
  createTutorialAd,
  createTutorialModel,
  createWasmRfftPlan,
  crossSectionsSpec,
  gravityJupiter,
  hpdi,
  indexHtml,
  type InitStrategy,
  initToUniform,
  initToValue,
  key,
  type LaplaceFit,
  laplaceFit,
  lossSpec,
  type Model,
  mvnLatent,
  observedSpectrumSpec,
  pairPlotSpec,
  type Preconditioner,
  Predictive,
  predictiveSpec,
  quantile,
  spectrumSpec,
  spectrumToCsv,
  split,
  type StageBackendKind,
  type StageWasmBackend,
  summaryTableHtml,
  SVI,
  Tensor,
  tensor,
  TraceELBO,
  type WasmBackend,
  writeFigure,
} from "../mod.ts";
import { TUTORIAL_PRIORS, tutorialModelProb } from "./tutorial_retrieval.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    db: { type: "string", default: ".database" },
    download: { type: "boolean", default: false },
    out: { type: "string", default: "out" },
    guide: { type: "string", default: "mvn,bnaf" },
    steps: { type: "string" },
    lr: { type: "string", default: "0.01" },
    seed: { type: "string", default: "0" },
    samples: { type: "string" },
    backend: { type: "string", default: "auto" },
    precondition: { type: "string", default: "laplace" },
    quick: { type: "boolean", default: false },
    "no-figures": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

type GuideOpts = {
  preconditioner?: Preconditioner;
  initLocFn?: InitStrategy;
  initScale?: number;
};
/**
 * Guide factories. With the Laplace preconditioner (default), the guides over the flat latent
 * vector describe whitened coordinates and start at the MAP; the Gaussian ones start with unit
 * scale there (the Laplace approximation itself). AutoNormal and AutoDelta work per site, so
 * they only start at the MAP.
 */
const GUIDES: Record<
  string,
  [
    string,
    (m: Model<[Tensor | null]>, o: GuideOpts) => AutoGuide<[Tensor | null]>,
    number,
  ]
> = {
  mvn: [
    "AutoMultivariateNormal",
    (m, o) => AutoMultivariateNormal(m, o),
    2000,
  ],
  bnaf: ["AutoBNAFNormal", (m, o) => AutoBNAFNormal(m, _flow(o)), 10000],
  iaf: ["AutoIAFNormal", (m, o) => AutoIAFNormal(m, _flow(o)), 10000],
  diag: ["AutoDiagonalNormal", (m, o) => AutoDiagonalNormal(m, o), 2000],
  normal: ["AutoNormal", (m, o) => AutoNormal(m, _perSite(o)), 2000],
  lowrank: [
    "AutoLowRankMultivariateNormal",
    (m, o) => AutoLowRankMultivariateNormal(m, o),
    2000,
  ],
  laplace: [
    "AutoLaplaceApproximation",
    (m, o) => AutoLaplaceApproximation(m, _flow(o)),
    2000,
  ],
  delta: ["AutoDelta", (m, o) => AutoDelta(m, _perSite(o)), 2000],
};
function _flow(o: GuideOpts): GuideOpts {
  const { initScale: _, ...rest } = o;
  return rest;
}
function _perSite(o: GuideOpts): GuideOpts {
  const { preconditioner: _, initScale: __, ...rest } = o;
  return rest;
}

if (values.help) {
  console.log(
    `usage: deno run -A examples/get_started_svi.ts [--db DIR] [--download] [--out DIR] [--guide ${
      Object.keys(GUIDES).join("|")
    }[,...]] [--steps N] [--lr LR] [--seed N] [--samples N] [--backend auto|js|wasm] [--precondition laplace|none] [--quick] [--no-figures]`,
  );
  Deno.exit(0);
}

function fail(msg: string): never {
  console.error(`error: ${msg}`);
  Deno.exit(1);
}

const guideKeys = values.guide.split(",").map((s) => s.trim().toLowerCase())
  .filter(Boolean);
for (const g of guideKeys) {
  if (!GUIDES[g]) {
    fail(`unknown guide "${g}"; choose from ${Object.keys(GUIDES).join(", ")}`);
  }
}
const lr = Number(values.lr);
if (!(lr > 0)) fail(`--lr must be a positive number, got ${values.lr}`);
if (values.precondition !== "laplace" && values.precondition !== "none") {
  fail(
    `--precondition must be laplace or none, got ${values.precondition}`,
  );
}
const seed = Number(values.seed);
if (!Number.isSafeInteger(seed) || seed < 0) {
  fail(`--seed must be a non-negative integer, got ${values.seed}`);
}
const nSamples = values.samples
  ? Number(values.samples)
  : values.quick
  ? 200
  : 2000;
if (!Number.isInteger(nSamples) || nSamples < 10) {
  fail(`--samples must be an integer >= 10, got ${values.samples}`);
}
if (
  values.backend !== "auto" && values.backend !== "js" &&
  values.backend !== "wasm"
) {
  fail(
    `--backend ${values.backend} is not available for the retrieval yet: the WebGPU kernels (ibased forward, JVP, VJP) ` +
      `run in bench/report.ts, but the retrieval pipeline is synchronous; use auto, js or wasm`,
  );
}
const outDir = values.out;
const figures: { title: string; file: string }[] = [];
const t00 = performance.now();
const lap = (label: string, t: number) =>
  console.log(
    `  ${label.padEnd(44)} ${
      ((performance.now() - t) / 1000).toFixed(2).padStart(8)
    } s`,
  );

async function figure(
  name: string,
  title: string,
  spec: () => unknown,
): Promise<void> {
  if (values["no-figures"]) return;
  try {
    await writeFigure(spec() as Record<string, unknown>, join(outDir, name));
    figures.push({ title, file: `${name}.png` });
  } catch (e) {
    console.warn(
      `  warning: figure ${name} not written: ${(e as Error).message}`,
    );
  }
}

await Deno.mkdir(outDir, { recursive: true });
console.log("1. grid, databases, opacity");
let t = performance.now();
let rfftPlan:
  | ((n: number) => import("../src/fft/mod.ts").RfftPlan)
  | undefined;
// the CPU default is wasm (the AssemblyScript SIMD kernels where ported, the js kernels over
// linear memory elsewhere, half the layers on a worker thread); js when it does not load (with
// a notice) or when asked
let backend: Backend | undefined;
try {
  backend = await createStageBackend(values.backend as StageBackendKind);
} catch (e) {
  fail(`--backend ${values.backend}: ${(e as Error).message}`);
}
if (backend.name === "wasm") {
  const wasm = backend as WasmBackend;
  rfftPlan = (n) => createWasmRfftPlan(wasm, n);
  const threads = (backend as StageWasmBackend).pool?.threads ?? 1;
  console.log(`  backend wasm (${threads} thread${threads > 1 ? "s" : ""})`);
} else {
  console.log("  backend js");
  backend = undefined; // the model's own js backend
}
let model;
try {
  model = await createTutorialModel({
    dbDir: values.db,
    download: values.download,
    ...(rfftPlan ? { rfftPlan } : {}),
    ...(backend ? { backend } : {}),
  });
} catch (e) {
  fail((e as Error).message);
}
lap("grid + mdb + cdb + PreMODIT setup", t);
console.log(
  `  grid ${model.nuGrid.length} points, R = ${
    model.resolution.toFixed(0)
  }; ${model.lines.nu.length} CO lines from ${model.database.mdbPath}`,
);

t = performance.now();
const xs500 = model.xsvector(500, 1), xs1500 = model.xsvector(1500, 1);
lap("cross sections at 500 and 1500 K, 1 bar", t);
await figure(
  "01_cross_sections",
  "CO cross sections at 1 bar",
  () =>
    crossSectionsSpec({
      nu: model.nuGrid,
      series: [{ label: "500 K", xs: xs500 }, { label: "1500 K", xs: xs1500 }],
    }),
);

console.log("2. atmosphere, emission, spectral operators, mock data");
const g10 = gravityJupiter(1.0, 10.0);
const truth = {
  T0: 1200.0,
  alpha: 0.1,
  MMR: 0.01,
  logg: Math.log10(g10),
  RV: 40.0,
  vsini: 10.0,
  sigmain: 500.0,
};
t = performance.now();
const st = model.stages(
  truth.T0,
  truth.alpha,
  truth.MMR,
  g10,
  truth.RV,
  truth.vsini,
);
lap("fspec (one evaluation, all stages)", t);
const fobs = addGaussianNoise(st.mu, truth.sigmain, seed);
await Deno.writeTextFile(
  join(outDir, "mock_spectrum.csv"),
  spectrumToCsv({ nu_obs_cm1: model.nuObs, flux_obs: fobs, flux_true: st.mu }),
);
await figure(
  "02_raw_spectrum",
  "Raw emission spectrum",
  () =>
    spectrumSpec({
      nu: model.nuGrid,
      series: [{ label: "raw", flux: st.flux }],
    }),
);
await figure(
  "03_contribution",
  "Contribution function",
  () =>
    contributionSpec({
      nu: model.nuGrid,
      pressure: model.pressure,
      cf: model.contribution(st.dtau, st.temperature),
    }),
);
await figure(
  "04_rotation",
  "Raw vs rotated (vsini = 10 km/s)",
  () =>
    spectrumSpec({
      nu: model.nuGrid,
      series: [{ label: "raw spectrum", flux: st.flux }, {
        label: "rotated",
        flux: st.fluxRot,
      }],
    }),
);
await figure(
  "05_mock_data",
  "Rotated + IP, and the mock data",
  () =>
    observedSpectrumSpec({
      nuModel: model.nuGrid,
      model: [{ label: "rotated", flux: st.fluxRot }, {
        label: "rotated + IP",
        flux: st.fluxInst,
      }],
      nuObs: model.nuObs,
      fobs,
      sigma: truth.sigmain,
    }),
);
await figure(
  "06_two_models",
  "fspec for two parameter sets",
  () =>
    spectrumSpec({
      nu: model.nuObs,
      series: [
        {
          label: "T0=1200, alpha=0.09, g=gJ(1,1), RV=40, vsini=10",
          flux: model.fspec(1200, 0.09, 0.01, gravityJupiter(1, 1), 40, 10),
        },
        {
          label: "T0=1100, alpha=0.12, g=gJ(1,10), RV=20, vsini=5",
          flux: model.fspec(1100, 0.12, 0.01, g10, 20, 5),
        },
      ],
    }),
);

console.log("3. retrieval with SVI");
const ad = createTutorialAd(model);
const modelProb = tutorialModelProb(ad);
const y = tensor(fobs);
const params = [
  "logg",
  "RV",
  "MMR",
  "T0",
  "alpha",
  "vsini",
  "sigmain",
] as const;
const summaries: {
  guide: string;
  rows: Record<string, number | string>[];
  steps: number;
  seconds: number;
  finalLoss: number;
}[] = [];
let guideOpts: GuideOpts = { initLocFn: initToUniform() };
let laplace: LaplaceFit | undefined;
let laplaceSeconds = 0;
if (values.precondition === "laplace") {
  t = performance.now();
  laplace = laplaceFit(modelProb, [y]);
  laplaceSeconds = (performance.now() - t) / 1000;
  lap(
    `MAP + Laplace (${laplace.iterations} Newton steps, ${laplace.gradEvals} gradients)`,
    t,
  );
  const d = laplace.loc.length;
  console.log(
    `  MAP: ${
      laplace.sites.map((s) =>
        `${s.name} ${laplace!.values[s.name]!.item().toPrecision(5)}`
      ).join(", ")
    }`,
  );
  const laplaceSd = mvnLatent(
    new Tensor(laplace.loc, [d]),
    new Tensor(laplace.scaleTril, [d, d]),
  ).marginal!().sd;
  console.log(
    `  Laplace sd in unconstrained space: ${
      laplace.sites.map((s) =>
        `${s.name} ${laplaceSd[s.offset]!.toPrecision(3)}`
      ).join(", ")
    }`,
  );
  guideOpts = {
    preconditioner: laplace.preconditioner,
    initLocFn: initToValue(laplace.values),
    initScale: 1,
  };
}
let rootKey = key(seed);
for (const gk of guideKeys) {
  const [gname, make, fullSteps] = GUIDES[gk]!;
  const steps = values.steps
    ? Number(values.steps)
    : values.quick
    ? Math.min(fullSteps, 300)
    : fullSteps;
  const guide = make(modelProb, guideOpts);
  const svi = SVI(modelProb, guide, adam(lr), TraceELBO());
  const [kRun, kPred, kNext] = split(rootKey, 3) as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  rootKey = kNext;
  console.log(`  ${gname}: Adam(${lr}), ${steps} steps`);
  t = performance.now();
  const res = svi.run(kRun, steps, [y], { stable: true });
  const secs = (performance.now() - t) / 1000;
  const tail = res.losses.slice(Math.floor(0.9 * steps)).filter(
    Number.isFinite,
  );
  const finalLoss = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
  console.log(
    `  ${gname}: ${secs.toFixed(1)} s, ${
      (steps / secs).toFixed(2)
    } steps/s, final avg loss ${
      finalLoss.toFixed(1)
    }, skipped ${res.skippedSteps}`,
  );
  t = performance.now();
  const post = guide.samplePosterior(kPred, res.params, {
    sampleShape: [nSamples],
  });
  await figure(
    `07_loss_${gk}`,
    `SVI loss, ${gname}`,
    () => lossSpec({ losses: res.losses }),
  );
  if (!values["no-figures"]) {
    // The predictive spectra only feed the figure (nSamples forward models).
    const pred = Predictive(modelProb, {
      guide,
      params: res.params,
      numSamples: nSamples,
      returnSites: ["spectrum"],
    })(kPred, null);
    lap(`posterior predictive (${nSamples} spectra)`, t);
    const spec = pred["spectrum"]!;
    const med = quantile(spec, [0.5]).data;
    const band = hpdi(spec, 0.9).data;
    const m = model.nuObs.length;
    await figure(
      `08_predictive_${gk}`,
      `Posterior predictive (median, 90 % HPDI), ${gname}`,
      () =>
        predictiveSpec({
          nuObs: model.nuObs,
          median: med.slice(0, m),
          lo: band.slice(0, m),
          hi: band.slice(m, 2 * m),
          fobs,
          sigma: truth.sigmain,
        }),
    );
  }
  const samples: Record<string, Float64Array> = {};
  for (const p of params) samples[p] = post[p]!.data;
  await figure(
    `09_pair_${gk}`,
    `Posterior pair plot, ${gname}`,
    () => pairPlotSpec({ samples, truths: truth }),
  );
  const rows = params.map((p) => {
    const s = samples[p]!;
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(
      s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1),
    );
    const q = quantile(tensor(s), [0.05, 0.5, 0.95]).data;
    return {
      name: p,
      mean,
      sd,
      q5: q[0]!,
      q50: q[1]!,
      q95: q[2]!,
      truth: truth[p],
      z: (mean - truth[p]) / sd,
    };
  });
  console.log(`\n  posterior summary, ${gname} (${nSamples} draws)`);
  console.log(
    `  ${"param".padEnd(8)}${
      ["mean", "sd", "5%", "50%", "95%", "truth"].map((h) => h.padStart(12))
        .join("")
    }${"(mean-truth)/sd".padStart(17)}`,
  );
  for (const r of rows) {
    console.log(
      `  ${r.name.padEnd(8)}${
        [r.mean, r.sd, r.q5, r.q50, r.q95, r.truth].map((v) =>
          v.toPrecision(5).padStart(12)
        ).join("")
      }${r.z.toFixed(2).padStart(17)}`,
    );
  }
  console.log("");
  summaries.push({ guide: gname, rows, steps, seconds: secs, finalLoss });
}

await Deno.writeTextFile(
  join(outDir, "summary.json"),
  JSON.stringify(
    {
      truth,
      priors: TUTORIAL_PRIORS,
      precondition: values.precondition,
      laplace: laplace
        ? {
          seconds: laplaceSeconds,
          iterations: laplace.iterations,
          gradEvals: laplace.gradEvals,
          converged: laplace.converged,
          map: Object.fromEntries(
            Object.entries(laplace.values).map(([k, v]) => [k, v.item()]),
          ),
        }
        : null,
      summaries,
    },
    null,
    2,
  ),
);
if (!values["no-figures"]) {
  const summaryHtml = summaries.map((s) =>
    `<h2>${s.guide}: ${s.steps} steps, ${s.seconds.toFixed(1)} s, final loss ${
      s.finalLoss.toFixed(1)
    }</h2>` +
    summaryTableHtml(s.rows.map((r) => ({
      name: String(r.name),
      mean: Number(r.mean),
      sd: Number(r.sd),
      q5: Number(r.q5),
      q50: Number(r.q50),
      q95: Number(r.q95),
      truth: Number(r.truth),
    })))
  ).join("\n");
  await Deno.writeTextFile(
    join(outDir, "index.html"),
    indexHtml({
      title: "exospec — SVI retrieval of the mock CO spectrum",
      figures,
      summaryHtml,
    }),
  );
  console.log(`figures and index.html in ${outDir}/`);
}
console.log(`total ${((performance.now() - t00) / 1000).toFixed(1)} s`);
