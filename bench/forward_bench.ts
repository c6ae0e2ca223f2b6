// deno bench -A bench/forward_bench.ts
// Tutorial sizes: 3500-point ESLOG grid, 100 layers, CO SAMPLE lines, H2-H2 CIA (Borysow).
import { fileURLToPath } from "node:url";
import { createTutorialModel } from "../src/spectrum/tutorial.ts";
import { createOpaDirect } from "../src/opacity/direct.ts";
import { createOpaPremodit } from "../src/opacity/premodit.ts";
import { createArtEmisPure } from "../src/rt/art_emis_pure.ts";
import { gravityJupiter } from "../src/rt/gravity.ts";

const db = fileURLToPath(new URL("../../shared/data", import.meta.url));
const model = await createTutorialModel({ dbDir: db });
const g = gravityJupiter(1.0, 10.0);
const st = model.stages(1200, 0.1, 0.01, g, 40, 10);
const premodit = createOpaPremodit(model.lines, model.nuGrid, {
  autoTrange: [500, 1500],
  ditGridResolution: 1,
});
const direct = createOpaDirect(model.lines, model.nuGrid);
const art = createArtEmisPure({
  nuGrid: model.nuGrid,
  pressureTop: 1e-5,
  pressureBtm: 10,
  nlayer: 100,
  rtsolver: "ibased",
  nstream: 8,
}).changeTemperatureRange(500, 1500);
const art2 = createArtEmisPure({
  nuGrid: model.nuGrid,
  pressureTop: 1e-5,
  pressureBtm: 10,
  nlayer: 100,
  rtsolver: "fbased2st",
}).changeTemperatureRange(500, 1500);

Deno.bench("xsmatrix PreMODIT (100 layers x 3500)", {
  group: "xsmatrix",
  baseline: true,
}, () => {
  premodit.xsmatrix(st.temperature, model.pressure);
});
Deno.bench("xsmatrix direct line-by-line (100 layers x 3500)", {
  group: "xsmatrix",
  n: 5,
  warmup: 1,
}, () => {
  direct.xsmatrix(st.temperature, model.pressure);
});
Deno.bench("art.run ibased nstream=8", { group: "rt", baseline: true }, () => {
  art.run(st.dtau, st.temperature);
});
Deno.bench("art.run fbased2st", { group: "rt" }, () => {
  art2.run(st.dtau, st.temperature);
});
Deno.bench("fspec (tutorial, whole model)", { group: "fspec" }, () => {
  model.fspec(1200, 0.1, 0.01, g, 40, 10);
});
