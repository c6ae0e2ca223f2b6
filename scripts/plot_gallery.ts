// Renders every figure of src/plot from synthetic data into out/gallery/ (vega-lite JSON,
// SVG, PNG, and index.html), printing the render time of each.
//
//   deno run -A scripts/plot_gallery.ts [outDir]

import {
  contributionSpec,
  crossSectionsSpec,
  indexHtml,
  lossSpec,
  observedSpectrumSpec,
  pairPlotSpec,
  predictiveSpec,
  spectrumSpec,
  type SummaryRow,
  summaryTableHtml,
  writeFigure,
} from "../src/plot/mod.ts";
import { wavenumberGrid } from "../src/grid/mod.ts";
import { key, normal, split } from "../src/random/mod.ts";

const outDir = Deno.args[0] ?? "out/gallery";
await Deno.mkdir(outDir, { recursive: true });

// Tutorial-like grid: 22920–23000 Å, 3500 ESLOG points.
const grid = wavenumberGrid(22920, 23000, 3500, { unit: "AA" });
const nu = grid.nu;
const nnu = nu.length;

// A CO-like band: lines every ~0.55 cm⁻¹ with Boltzmann-like strengths.
const lines = Array.from({ length: 30 }, (_, k) => ({
  c: nu[0]! + 0.37 + 0.552 * k + 0.002 * k * k,
  j: 10 + k,
}));
function xs(T: number): Float64Array {
  const out = new Float64Array(nnu);
  const gam = 0.02 * Math.sqrt(T / 1000);
  for (const { c, j } of lines) {
    const s = 1e-20 * j * Math.exp(-(j * (j + 1) * 2.7) / T);
    for (let i = 0; i < nnu; i++) {
      const d = nu[i]! - c;
      out[i]! += (s * gam / Math.PI) / (d * d + gam * gam);
    }
  }
  return out;
}
const xs500 = xs(500), xs1500 = xs(1500);

// Spectra: continuum 3.2e3 with absorption lines; "rotated" = Gaussian smoothing.
const raw = new Float64Array(nnu);
{
  let m = 0;
  for (const v of xs1500) m = Math.max(m, v);
  for (let i = 0; i < nnu; i++) {
    raw[i] = 3200 * (1 - 0.55 * Math.sqrt(xs1500[i]! / m));
  }
}
function smooth(f: Float64Array, sigmaPix: number): Float64Array {
  const r = Math.ceil(4 * sigmaPix);
  const w = Array.from(
    { length: 2 * r + 1 },
    (_, k) => Math.exp(-0.5 * ((k - r) / sigmaPix) ** 2),
  );
  const ws = w.reduce((a, b) => a + b);
  return f.map((_, i) => {
    let s = 0;
    for (let k = -r; k <= r; k++) {
      s += w[k + r]! * f[Math.min(nnu - 1, Math.max(0, i + k))]!;
    }
    return s / ws;
  });
}
const rotated = smooth(raw, 6);
const withIp = smooth(rotated, 10);

// Mock observation: every 14th point with noise.
const [k1, k2, k3] = split(key(0), 3) as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
];
const idx = Array.from({ length: Math.floor(nnu / 14) }, (_, i) => i * 14 + 7);
const nuObs = Float64Array.from(idx, (i) => nu[i]!);
const sigma = 40;
const noise = normal(k1, idx.length);
const fobs = Float64Array.from(idx, (i, k) => withIp[i]! + sigma * noise[k]!);
const median = Float64Array.from(idx, (i) => withIp[i]! * 1.003);
const lo = median.map((m) => m - 25), hi = median.map((m) => m + 25);

// Contribution function: 200 layers, peak pressure deeper in the continuum.
const nlayer = 200;
const pressure = Float64Array.from(
  { length: nlayer },
  (_, i) => 10 ** (-8 + (10 * i) / (nlayer - 1)),
);
const cf = new Float64Array(nlayer * nnu);
{
  let m = 0;
  for (const v of xs1500) m = Math.max(m, v);
  for (let j = 0; j < nnu; j++) {
    const lp0 = 0.5 - 5 * Math.pow(xs1500[j]! / m, 0.3);
    for (let i = 0; i < nlayer; i++) {
      const z = (Math.log10(pressure[i]!) - lp0) / 0.5;
      cf[i * nnu + j] = Math.exp(-z * z - Math.exp(-z));
    }
  }
}

// SVI loss: decays from 3e6, noise, ends negative.
const nsteps = 1500;
const ln = normal(k2, nsteps);
const losses = Float64Array.from(
  { length: nsteps },
  (_, i) => 3e6 * Math.exp(-i / 60) - 900 + 30 * ln[i]!,
);

// Posterior samples: 2000 × 7, correlated.
const names = ["T0", "alpha", "logg", "RV", "vsini", "MMRco", "logPtop"];
const truths: Record<string, number> = {
  T0: 1200,
  alpha: 0.1,
  logg: 4.4,
  RV: 10,
  vsini: 20,
  MMRco: 0.01,
  logPtop: -2,
};
const labels: Record<string, string> = {
  T0: "T₀ [K]",
  alpha: "α [1]",
  logg: "log g [cgs]",
  RV: "RV [km/s]",
  vsini: "v sin i [km/s]",
  MMRco: "MMR CO [1]",
  logPtop: "log P_top [bar]",
};
const scales = [40, 0.01, 0.08, 0.6, 1.5, 0.0015, 0.3];
const ns = 2000;
const z = normal(k3, ns * 7);
const samples: Record<string, Float64Array> = {};
names.forEach((p, d) => {
  samples[p] = Float64Array.from({ length: ns }, (_, i) => {
    const base = z[i * 7 + d]!;
    const corr = d > 0 ? 0.7 * z[i * 7 + d - 1]! : 0;
    return truths[p]! +
      scales[d]! * (base + corr) / Math.hypot(1, d > 0 ? 0.7 : 0) +
      0.3 * scales[d]!;
  });
});

const figures: { name: string; title: string; spec: object }[] = [
  {
    name: "cross_sections",
    title: "CO cross sections",
    spec: crossSectionsSpec({
      nu,
      series: [{ label: "500 K", xs: xs500 }, { label: "1500 K", xs: xs1500 }],
      title: "Cross sections at 1 bar",
    }),
  },
  {
    name: "spectrum_raw",
    title: "Raw emission spectrum",
    spec: spectrumSpec({
      nu,
      series: [{ label: "raw", flux: raw }],
      title: "Emission spectrum",
    }),
  },
  {
    name: "spectrum_rotated",
    title: "Raw vs rotated",
    spec: spectrumSpec({
      nu,
      series: [{ label: "raw", flux: raw }, {
        label: "rotated (v sin i = 20 km/s)",
        flux: rotated,
      }],
    }),
  },
  {
    name: "spectrum_ip",
    title: "Rotated vs rotated + IP",
    spec: spectrumSpec({
      nu,
      series: [{ label: "rotated", flux: rotated }, {
        label: "rotated + IP (R = 100 000)",
        flux: withIp,
      }],
    }),
  },
  {
    name: "observed",
    title: "Mock data",
    spec: observedSpectrumSpec({
      nuModel: nu,
      model: [{ label: "model (truth)", flux: withIp }],
      nuObs,
      fobs,
      sigma,
      dataLabel: "mock data ±1σ",
      title: "Mock observation",
    }),
  },
  {
    name: "contribution",
    title: "Contribution function",
    spec: contributionSpec({
      nu,
      pressure,
      cf,
      title: "Contribution function",
    }),
  },
  { name: "loss", title: "SVI loss", spec: lossSpec({ losses }) },
  {
    name: "predictive",
    title: "Posterior predictive",
    spec: predictiveSpec({
      nuObs,
      median,
      lo,
      hi,
      fobs,
      sigma,
      title: "Posterior predictive (SVI)",
    }),
  },
  {
    name: "pair",
    title: "Posterior corner plot",
    spec: pairPlotSpec({
      samples,
      truths,
      labels,
      title: "Posterior (2000 draws)",
    }),
  },
];

for (const f of figures) {
  const t0 = performance.now();
  const warnings: string[] = [];
  await writeFigure(f.spec, `${outDir}/${f.name}`, {
    onWarning: (w) => warnings.push(w),
  });
  const ms = performance.now() - t0;
  const kb = (await Deno.stat(`${outDir}/${f.name}.png`)).size / 1024;
  console.log(
    `${f.name.padEnd(18)} ${ms.toFixed(0).padStart(6)} ms  png ${
      kb.toFixed(0)
    } KiB` +
      (warnings.length ? `  WARN: ${warnings.join(" | ")}` : ""),
  );
}

const rows: SummaryRow[] = names.map((p) => {
  const s = Float64Array.from(samples[p]!).sort();
  const q = (f: number) => s[Math.round(f * (s.length - 1))]!;
  const mean = s.reduce((a, b) => a + b) / s.length;
  const sd = Math.sqrt(
    s.reduce((a, b) => a + (b - mean) ** 2, 0) / (s.length - 1),
  );
  return {
    name: labels[p]!,
    mean,
    sd,
    q5: q(0.05),
    q50: q(0.5),
    q95: q(0.95),
    truth: truths[p]!,
  };
});
await Deno.writeTextFile(
  `${outDir}/index.html`,
  indexHtml({
    title: "exospec plot gallery (synthetic data)",
    figures: figures.map((f) => ({ title: f.title, file: `${f.name}.png` })),
    summaryHtml: summaryTableHtml(rows),
  }),
);
console.log(`wrote ${outDir}/index.html`);
