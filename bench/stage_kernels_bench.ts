// deno bench -A bench/stage_kernels_bench.ts      (Deno.bench groups, js = baseline)
// deno run -A bench/stage_kernels_bench.ts        (prints js/wasm ratios measured in one run)
// The stage kernels a second backend registers, at the tutorial's size (100 layers, 3500
// wavenumbers, 8 streams), js (src/rt/kernels.ts) against WASM SIMD (asm/ibased.ts): the same
// buffers already on each backend, one launch per call, outputs left on the backend.
import { createWasmBackend } from "../src/backend/wasm/wasm_backend.ts";
import { registerRtWasmStages } from "../src/rt/wasm_kernels.ts";
import { createStageJsBackend } from "../src/spectrum/stage_backend.ts";
import type { Backend } from "../src/backend/backend.ts";
import { createTutorialModel } from "../src/spectrum/tutorial.ts";
import { createTutorialAd } from "../src/spectrum/tutorial_ad.ts";
import { createStageWasmBackend } from "../src/spectrum/stage_backend.ts";

const L = 100, N = 3500;
const wasm = await createWasmBackend();
registerRtWasmStages(wasm);
const js = createStageJsBackend();
const nu = Float64Array.from({ length: N }, (_, j) => 4347 + 0.005 * j);
const dtau = Float64Array.from(
  { length: L * N },
  (_, i) => 1e-3 * Math.exp(i / (L * N) * 12) * (1 + 0.5 * Math.sin(i)),
);
const temp = Float64Array.from({ length: L }, (_, i) => 800 + 8 * i);
const ct = Float64Array.from({ length: N }, (_, j) => Math.cos(j));

/** A kernel launch with its inputs and outputs allocated once on the backend. */
function launch(
  be: Backend,
  name: string,
  ins: Float64Array[],
  outs: number[],
  p = {},
) {
  const bi = ins.map((x) => {
    const b = be.alloc(x.length);
    be.write(b, x);
    return b;
  });
  const bo = outs.map((n) => be.alloc(n));
  return () => be.run(name, bi, bo, { nstream: 8, ...p });
}

const CASES: [string, (be: Backend) => () => void][] = [
  [
    "rt.emission_ibased (forward)",
    (be) => launch(be, "rt.emission_ibased", [nu, dtau, temp], [N]),
  ],
  [
    "rt.emission_ibased.vjp (flux + Jacobian)",
    (be) =>
      launch(
        be,
        "rt.emission_ibased.vjp",
        [nu, dtau, temp],
        [N, L * N, L * N],
        { need0: 1, need1: 1 },
      ),
  ],
  [
    "rt.emission_ibased.pullback",
    (be) =>
      launch(
        be,
        "rt.emission_ibased.pullback",
        [nu, dtau, temp, dtau, dtau, ct],
        [L * N, L],
        { need0: 1, need1: 1 },
      ),
  ],
];

// the whole tutorial model on each backend (wasm: AssemblyScript where ported, js kernels over
// linear memory elsewhere; both PreMODITs on the TypeScript FFT)
const db = new URL("../../shared/data", import.meta.url).pathname;
const models = {
  js: await createTutorialModel({ dbDir: db }),
  wasm: await createTutorialModel({
    dbDir: db,
    backend: await createStageWasmBackend(),
  }),
};
const theta = new Float64Array([1150, 0.12, 0.008, 4.3, 39, 11, 450]);
const yObs = models.js.fspec(1200, 0.1, 0.01, 24785.77, 40, 10);
const MODEL_CASES: [string, (m: typeof models.js) => () => void][] = [
  [
    "tutorial fspec",
    (m) => () => m.fspec(1150, 0.12, 0.008, 10 ** 4.3, 39, 11),
  ],
  ["tutorial log-likelihood gradient (reverse)", (m) => {
    const ad = createTutorialAd(m);
    return () => ad.logLikelihoodGrad(theta, yObs, "reverse");
  }],
];

if (import.meta.main && !Deno.args.includes("--bench")) {
  console.log(
    `stage kernels, L = ${L}, N = ${N}, nstream 8 — ${navigator.hardwareConcurrency} logical CPUs`,
  );
  const all: [string, () => void, () => void][] = [
    ...CASES.map(([n, mk]) =>
      [n, mk(js), mk(wasm)] as [string, () => void, () => void]
    ),
    ...MODEL_CASES.map(([n, mk]) =>
      [n, mk(models.js), mk(models.wasm)] as [string, () => void, () => void]
    ),
  ];
  for (const [name, fj, fw] of all) {
    for (let w = 0; w < 3; w++) {
      fj();
      fw();
    }
    const tj: number[] = [], tw: number[] = [];
    for (let r = 0; r < 15; r++) {
      let t = performance.now();
      fj();
      tj.push(performance.now() - t);
      t = performance.now();
      fw();
      tw.push(performance.now() - t);
    }
    const med = (a: number[]) => a.sort((x, y) => x - y)[7]!;
    console.log(
      `${name.padEnd(42)} js ${med(tj).toFixed(2).padStart(7)} ms  wasm ${
        med(tw).toFixed(2).padStart(7)
      } ms  js/wasm ${(med(tj) / med(tw)).toFixed(2)}×`,
    );
  }
}

for (const [name, mk] of CASES) {
  Deno.bench(`js ${name}`, { group: name, baseline: true }, mk(js));
  Deno.bench(`wasm ${name}`, { group: name }, mk(wasm));
}
for (const [name, mk] of MODEL_CASES) {
  Deno.bench(`js ${name}`, { group: name, baseline: true }, mk(models.js));
  Deno.bench(`wasm ${name}`, { group: name }, mk(models.wasm));
}
