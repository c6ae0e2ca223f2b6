import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import { locateTutorialDatabase } from "../../src/spectrum/database.ts";
import { addGaussianNoise, spectrumToCsv } from "../../src/spectrum/mock.ts";
import { gravityJupiter } from "../../src/rt/gravity.ts";
import {
  assert,
  assertThrows,
  assertThrowsWith,
  SHARED_DATA,
} from "../_util.ts";

const G10 = gravityJupiter(1.0, 10.0);
let _premodit: TutorialModel | undefined;
let _direct: TutorialModel | undefined;
async function premoditModel(): Promise<TutorialModel> {
  return _premodit ??= await createTutorialModel({ dbDir: SHARED_DATA });
}
async function directModel(): Promise<TutorialModel> {
  return _direct ??= await createTutorialModel({
    dbDir: SHARED_DATA,
    opacity: "direct",
  });
}

Deno.test("createTutorialModel() builds the tutorial sizes from ../shared/data", async () => {
  const m = await premoditModel();
  assert(m.nuGrid.length === 3500, `grid ${m.nuGrid.length}`);
  assert(m.nuObs.length === 650, `nuObs ${m.nuObs.length}`); // ceil(3500/5) - 50
  assert(m.nuObs[1] === m.nuGrid[5]);
  assert(m.pressure.length === 100);
  assert(
    m.lines.nu.length === 125,
    `lines in the window: ${m.lines.nu.length}`,
  );
  assert(Math.abs(m.resolution / 1.0042e6 - 1) < 1e-4, `R = ${m.resolution}`);
});

Deno.test("fspec() gives a finite, positive spectrum with the CO band head", async () => {
  const m = await premoditModel();
  const st = m.stages(1200, 0.1, 0.01, G10, 40, 10);
  for (const arr of [st.flux, st.fluxRot, st.fluxInst, st.mu]) {
    assert(
      arr.every((v) => Number.isFinite(v) && v > 0),
      "non-finite or non-positive flux",
    );
  }
  // The band head: the R-branch lines of the CO 2–0 band pile up just below ~4360.5 cm⁻¹
  // (22 935 Å) and stop there. So the 1-cm⁻¹ running mean of the instrument-convolved flux is
  // lowest just below the head, and the flux just above the head is close to the continuum.
  // ("same" convolutions treat the spectrum as zero beyond the grid: the first and last ~40
  // cells, the rotation + IP kernel half-widths at vsini = 10 km/s, are left out.)
  const nu = m.nuGrid;
  const f = st.fluxInst;
  const edge = 100;
  const windowMean = (lo: number, hi: number): number => {
    let sum = 0, n = 0;
    for (let i = edge; i < nu.length - edge; i++) {
      if (nu[i]! >= lo && nu[i]! < hi) {
        sum += f[i]!;
        n++;
      }
    }
    return sum / n;
  };
  let best = Infinity, bestLo = 0;
  for (let lo = nu[edge]!; lo + 1 < nu[nu.length - edge]!; lo += 0.05) {
    const v = windowMean(lo, lo + 1);
    if (v < best) [best, bestLo] = [v, lo];
  }
  assert(
    bestLo > 4358.5 && bestLo + 1 < 4360.8,
    `darkest 1-cm-1 window starts at ${bestLo}`,
  );
  const above = windowMean(4360.8, 4361.8);
  let fmax = 0;
  for (let i = edge; i < nu.length - edge; i++) fmax = Math.max(fmax, f[i]!);
  assert(above > 0.98 * fmax, `flux above the head ${above} vs max ${fmax}`);
  assert(
    best < 0.75 * above,
    `band-head window mean ${best} vs above-head ${above}`,
  );
});

Deno.test("fspec() with PreMODIT agrees with direct line-by-line to 1e-3 of the continuum after the IP", async () => {
  const mp = await premoditModel();
  const md = await directModel();
  // Photospheric temperatures of about 500, 1000 and 1500 K: isothermal-ish power laws clipped at the range.
  for (const [t0, alpha] of [[500, 0.02], [1000, 0.1], [1500, 0.05]] as const) {
    const a = mp.stages(t0, alpha, 0.01, G10, 40, 10).fluxInst;
    const b = md.stages(t0, alpha, 0.01, G10, 40, 10).fluxInst;
    let cont = 0, maxDiff = 0;
    for (let i = 0; i < a.length; i++) {
      cont = Math.max(cont, b[i]!);
      maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    }
    const rel = maxDiff / cont;
    console.log(
      `T0=${t0} alpha=${alpha}: max |PreMODIT - direct| / continuum = ${
        rel.toExponential(3)
      }`,
    );
    assert(rel <= 1e-3, `T0=${t0}: ${rel}`);
  }
});

Deno.test("fspec() rejects NaN and out-of-range parameters by name", async () => {
  const m = await premoditModel();
  assertThrows(() => m.fspec(NaN, 0.1, 0.01, G10, 40, 10), RangeError, "T0");
  assertThrows(() => m.fspec(1200, 0.1, -0.01, G10, 40, 10), RangeError, "mmr");
  assertThrows(() => m.fspec(1200, 0.1, 0.01, G10, 40, 0), RangeError, "vsini");
  assertThrows(
    () => m.fspec(1200, 0.1, 0.01, Infinity, 40, 10),
    RangeError,
    "gravity",
  );
});

Deno.test("locateTutorialDatabase() says what to download when nothing is there", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertThrowsWith(
      () => locateTutorialDatabase(dir),
      "Li2015",
      "H2-H2_2011.cia",
      "--db",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("addGaussianNoise() is reproducible and has the requested standard deviation", () => {
  const n = 20000;
  const y = addGaussianNoise(new Float64Array(n), 500, 0);
  const y2 = addGaussianNoise(new Float64Array(n), 500, 0);
  assert(y.every((v, i) => v === y2[i]));
  let s = 0;
  for (const v of y) s += v * v;
  const sd = Math.sqrt(s / n);
  // Standard error of the sd estimate: 500/sqrt(2n) = 2.5; allow 5 of them.
  assert(Math.abs(sd - 500) < 12.5, `sd ${sd}`);
  assertThrows(() => addGaussianNoise(new Float64Array(1), -1, 0), RangeError);
  assertThrows(() => spectrumToCsv({ a: [1, 2], b: [1] }), TypeError);
});
