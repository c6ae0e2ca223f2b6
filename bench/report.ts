// deno run -A bench/report.ts [--reps N]
// Prints timings and the ratios the issues ask for, all measured in this one run on this machine:
// PreMODIT/direct, reverse/forward and forward-mode per direction (AD), WASM/TS FFT, WebGPU/TS ibased.
// With `--baseline DIR [--draws N]` it prints instead the old-path vs new-path table of issue 9
// (fspec forward, reverse gradient, MVN and BNAF SVI steps, Predictive of N draws; bench/compare.ts).
// With `--backends [--draws N]` the same paths on the js, wasm one-thread and wasm two-thread
// backends, and the js/wasm ratios of issue 10.
import { fileURLToPath } from "node:url";
import { createTutorialModel } from "../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../src/spectrum/tutorial_ad.ts";
import { addGaussianNoise } from "../src/spectrum/mock.ts";
import { gravityJupiter } from "../src/rt/gravity.ts";
import { createOpaDirect } from "../src/opacity/direct.ts";
import { createRfftPlan } from "../src/fft/mod.ts";
import { emissionIbased } from "../src/rt/emission_ibased.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../src/backend/wasm/mod.ts";
import {
  createWebGpuBackend,
  isWebGpuAvailable,
} from "../src/backend/webgpu/mod.ts";
import { createIbasedWebGpu } from "../src/rt/mod.ts";

if (Deno.args.includes("--baseline") || Deno.args.includes("--backends")) {
  await import("./compare.ts");
  Deno.exit(0);
}

const repsArg = Deno.args.indexOf("--reps");
const reps = repsArg >= 0 ? Number(Deno.args[repsArg + 1]) : 7;

async function median(
  fn: () => unknown | Promise<unknown>,
  n = reps,
): Promise<number> {
  await fn(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

const db = fileURLToPath(new URL("../../shared/data", import.meta.url));
const model = await createTutorialModel({ dbDir: db });
const ad = createTutorialAd(model);
const g = gravityJupiter(1, 10);
const st = model.stages(1200, 0.1, 0.01, g, 40, 10);
const y = addGaussianNoise(st.mu, 500, 0);
const theta = new Float64Array([1150, 0.12, 0.008, 4.3, 39, 11, 450]);
const rows: [string, number][] = [];
const row = (name: string, ms: number) => {
  rows.push([name, ms]);
  console.log(`${name.padEnd(52)} ${ms.toFixed(2).padStart(10)} ms`);
};

console.log(
  `exospec bench report — ${navigator.hardwareConcurrency} logical CPUs, Deno ${Deno.version.deno}`,
);
const tPre = await median(() =>
  model.opa.xsmatrix(st.temperature, model.pressure)
);
row("xsmatrix PreMODIT (100 x 3500)", tPre);
const direct = createOpaDirect(model.lines, model.nuGrid);
const tDir = await median(
  () => direct.xsmatrix(st.temperature, model.pressure),
  3,
);
row("xsmatrix direct (100 x 3500)", tDir);
const tRun = await median(() => model.art.run(st.dtau, st.temperature));
row("art.run ibased nstream=8", tRun);
const tF = await median(() =>
  model.fspec(1150, 0.12, 0.008, 10 ** 4.3, 39, 11)
);
row("fspec forward", tF);
const tRev = await median(() => ad.logLikelihoodGrad(theta, y, "reverse"));
row("log-likelihood gradient, reverse", tRev);
const tFwd = await median(() => ad.logLikelihoodGrad(theta, y, "forward"));
row("log-likelihood gradient, forward (7 directions)", tFwd);

const n = 7000;
const x = Float64Array.from({ length: 3500 }, (_, i) => Math.sin(i * 0.01));
const re = new Float64Array(n / 2 + 1),
  im = new Float64Array(n / 2 + 1),
  out = new Float64Array(3500);
const ts = createRfftPlan(n);
const tTs = await median(() => {
  for (let i = 0; i < 100; i++) {
    ts.forward(x, re, im);
    ts.inverse(re, im, out);
  }
}) / 100;
row("rfft+irfft n=7000, TypeScript", tTs);
const wbe = await createWasmBackend();
const wp = createWasmRfftPlan(wbe, n);
const tW = await median(() => {
  for (let i = 0; i < 100; i++) {
    wp.forward(x, re, im);
    wp.inverse(re, im, out);
  }
}) / 100;
row("rfft+irfft n=7000, WASM SIMD", tW);

let tGpu = NaN;
let gpuName = "none";
if (await isWebGpuAvailable()) {
  const gbe = await createWebGpuBackend();
  gpuName = gbe.adapterDescription;
  const ib = await createIbasedWebGpu(
    gbe,
    model.nuGrid,
    model.pressure.length,
    8,
  );
  tGpu = await median(() => ib.forward(st.dtau, st.temperature));
  row(`ibased forward, WebGPU (${gpuName}) incl. transfers`, tGpu);
  ib.destroy();
  gbe.destroy();
}
const tIbTs = await median(() =>
  emissionIbased(st.dtau, st.temperature, model.nuGrid, 8)
);
row("ibased forward, TypeScript f64", tIbTs);

console.log("\nratios (same run):");
console.log(
  `  PreMODIT / direct xsmatrix time         ${
    (tPre / tDir).toFixed(3)
  }  (direct is ${(tDir / tPre).toFixed(1)}x slower)`,
);
console.log(
  `  reverse gradient / forward              ${
    (tRev / tF).toFixed(2)
  }  (target <= 4)`,
);
console.log(
  `  forward-mode gradient / forward / 7     ${
    (tFwd / tF / 7).toFixed(2)
  }  (target <= 1.5)`,
);
console.log(
  `  WASM SIMD / TypeScript FFT time         ${
    (tW / tTs).toFixed(2)
  }  (speed-up ${(tTs / tW).toFixed(2)}x)`,
);
if (Number.isFinite(tGpu)) {
  console.log(
    `  WebGPU / TypeScript ibased time         ${
      (tGpu / tIbTs).toFixed(2)
    }  (${gpuName})`,
  );
}
wbe.destroy();
