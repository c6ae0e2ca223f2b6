// PreMODIT vs direct line-by-line on the ExoJAX CO sample (2.3 µm band head), printing the
// distribution of the relative error where σ_direct > 1e-3·max, the band-integrated error,
// and xsmatrix timings. Run: deno run -A scripts/premodit_error_report.ts [--quick]
import { wavenumberGrid } from "../src/grid/wavenumber_grid.ts";
import { loadExomol } from "../src/db/exomol.ts";
import { createOpaDirect } from "../src/opacity/direct.ts";
import { createOpaPremodit } from "../src/opacity/premodit.ts";

const quick = Deno.args.includes("--quick");
const grid = wavenumberGrid(22920, 23000, 3500, {
  unit: "AA",
  mode: "premodit",
});
const nu = grid.nu;
const n = nu.length;
const lines = await loadExomol(
  new URL("../../shared/data/CO/12C-16O/SAMPLE", import.meta.url).pathname,
  { nuRange: [nu[0]!, nu[n - 1]!] },
);
console.log(
  `CO sample: ${lines.nu.length} lines, grid ${n} points, R = ${
    grid.resolution.toFixed(0)
  }`,
);
const direct = createOpaDirect(lines, nu);

function trapz(y: Float64Array): number {
  let s = 0;
  for (let i = 1; i < n; i++) {
    s += 0.5 * (y[i]! + y[i - 1]!) * (nu[i]! - nu[i - 1]!);
  }
  return s;
}

function stats(
  a: Float64Array,
  b: Float64Array,
): { med: number; p90: number; max: number; band: number } {
  let mx = 0;
  for (const v of b) mx = Math.max(mx, v);
  const e: number[] = [];
  for (let i = 0; i < n; i++) {
    if (b[i]! > 1e-3 * mx) e.push(Math.abs(a[i]! - b[i]!) / b[i]!);
  }
  e.sort((x, y) => x - y);
  const q = (f: number) =>
    e[Math.min(e.length - 1, Math.floor(f * (e.length - 1)))]!;
  return {
    med: q(0.5),
    p90: q(0.9),
    max: e[e.length - 1]!,
    band: Math.abs(trapz(a) / trapz(b) - 1),
  };
}

const fmt = (x: number) => x.toExponential(2);
for (
  const [dit, nuSplit] of [
    [1, "quadratic"],
    [0.2, "quadratic"],
    [1, "linear"],
    [0.2, "linear"],
  ] as const
) {
  const opa = createOpaPremodit(lines, nu, {
    autoTrange: [500, 1500],
    ditGridResolution: dit,
    nuSplit,
  });
  console.log(
    `\nnuSplit = ${nuSplit}, ditGridResolution = ${dit}: Tref = ${
      opa.tref.toFixed(1)
    } K, Twt = ${opa.twt.toFixed(1)} K, ` +
      `dE = ${opa.dE.toFixed(1)} cm⁻¹, ${opa.elowerGrid.length} E″ points, ` +
      `${opa.nBroadening} broadening bins, ${opa.nLbdEntries} LBD entries`,
  );
  const temps = quick ? [1000] : [500, 1000, 1500];
  for (const t of temps) {
    console.log(
      `  T = ${t} K   P [bar] |  median    90 %      max    | band-integrated`,
    );
    for (const p of [1e-5, 1e-3, 1e-2, 1, 10]) {
      const s = stats(opa.xsvector(t, p), direct.xsvector(t, p));
      console.log(
        `           ${p.toExponential(0).padStart(6)} | ${fmt(s.med)}  ${
          fmt(s.p90)
        }  ${fmt(s.max)} | ${fmt(s.band)}`,
      );
    }
  }
}

// timing of xsmatrix, 100 layers
const nl = 100;
const tArr = new Float64Array(nl);
const pArr = new Float64Array(nl);
for (let i = 0; i < nl; i++) {
  pArr[i] = Math.pow(10, -5 + 7 * i / (nl - 1));
  tArr[i] = Math.min(1500, Math.max(500, 1000 * Math.pow(pArr[i]!, 0.1)));
}
const opa = createOpaPremodit(lines, nu, { autoTrange: [500, 1500] });
opa.xsmatrix(tArr.subarray(0, 2), pArr.subarray(0, 2)); // warm-up
let t0 = performance.now();
opa.xsmatrix(tArr, pArr);
const tp = performance.now() - t0;
t0 = performance.now();
const reps = quick ? 0 : 1;
for (let r = 0; r < reps; r++) direct.xsmatrix(tArr, pArr);
const td = reps ? (performance.now() - t0) / reps : NaN;
console.log(
  `\nxsmatrix, ${nl} layers × ${n} points: PreMODIT ${
    tp.toFixed(0)
  } ms, direct ${td.toFixed(0)} ms`,
);
