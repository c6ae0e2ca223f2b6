// deno run -A scripts/premodit_reference.ts [IMPL] [OUT]
//
// Freezes PreMODIT cross sections of the CO sample (22920–23000 Å, N = 3500, autoTrange
// [500, 1500] K, default options) at a few (T [K], P [bar]) into a JSON fixture, every 10th grid
// point. IMPL is the module path of the implementation to freeze (default the current
// ../src/opacity/premodit.ts). tests/fixtures/premodit_reference.json was made from the code
// before the shared wrap-around series (commit 2da7954):
//   git show 2da7954:src/opacity/premodit.ts | sed -e 's#from "\./#from "/work/main/src/opacity/#' \
//     -e 's#from "\.\./#from "/work/main/src/#' > /tmp/pm/premodit_old.ts
//   deno run -A scripts/premodit_reference.ts /tmp/pm/premodit_old.ts
import { fileURLToPath, pathToFileURL } from "node:url";
import { wavenumberGrid } from "../src/grid/wavenumber_grid.ts";
import { loadExomol } from "../src/db/exomol.ts";
import type { createOpaPremodit as Create } from "../src/opacity/premodit.ts";

const impl = Deno.args[0] ?? fileURLToPath(
  new URL("../src/opacity/premodit.ts", import.meta.url),
);
const outPath = Deno.args[1] ??
  fileURLToPath(
    new URL("../tests/fixtures/premodit_reference.json", import.meta.url),
  );
const mod = await import(pathToFileURL(impl).href) as {
  createOpaPremodit: typeof Create;
};
const db = fileURLToPath(new URL("../../shared/data", import.meta.url));
const nu = wavenumberGrid(22920, 23000, 3500, { unit: "AA", mode: "premodit" })
  .nu;
const co = await loadExomol(`${db}/CO/12C-16O/SAMPLE`, {
  nuRange: [nu[0]!, nu[nu.length - 1]!],
});
const opa = mod.createOpaPremodit(co, nu, { autoTrange: [500, 1500] });
const tp: [number, number][] = [
  [500, 1e-5],
  [500, 10],
  [800, 1],
  [1000, 1e-2],
  [1200, 0.1],
  [1500, 1e-5],
  [1500, 10],
];
const stride = 10;
const rows = tp.map(([t, p]) => {
  const xs = opa.xsvector(t, p);
  return Array.from(
    { length: Math.ceil(xs.length / stride) },
    (_, i) => xs[i * stride]!,
  );
});
await Deno.writeTextFile(
  outPath,
  JSON.stringify({
    description:
      "PreMODIT sigma [cm^2] of the CO sample before the shared wrap-around series (commit 2da7954); every 10th point of the 3500-point grid",
    stride,
    n: nu.length,
    tp,
    xs: rows,
  }) + "\n",
);
console.log(`wrote ${outPath} (${tp.length} rows)`);
