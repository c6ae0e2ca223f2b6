import {
  compileSpec,
  contributionSpec,
  crossSectionsSpec,
  lossSpec,
  observedSpectrumSpec,
  pairPlotSpec,
  predictiveSpec,
  renderSvg,
  spectrumSpec,
  type VegaLiteSpec,
} from "../../src/plot/mod.ts";
import { key, normal } from "../../src/random/mod.ts";
import { assert, assertEquals, assertThrows } from "../_util.ts";

const N = 600;
const nu = Float64Array.from({ length: N }, (_, i) => 4347.8 + 0.026 * i);
const flux = nu.map((v) =>
  3000 - 700 * Math.exp(-(((v - 4352) / 0.15) ** 2)) +
  50 * Math.sin(v * 7)
);
const nuObs = nu.filter((_, i) => i % 10 === 3);
const fobs = nuObs.map((v) => 2900 + 40 * Math.cos(v * 3));

/** Compiles with no vega-lite warning, renders with no vega warning, returns the SVG. */
async function cleanSvg(spec: VegaLiteSpec): Promise<string> {
  const { warnings } = compileSpec(spec);
  assertEquals(warnings, [], "vega-lite compile warnings");
  const runtime: string[] = [];
  const svg = await renderSvg(spec, { onWarning: (w) => runtime.push(w) });
  assertEquals(runtime, [], "vega runtime warnings");
  assert(svg.startsWith("<svg"), "not an SVG");
  // The spec must survive a JSON round trip (it is written as .vl.json).
  assertEquals(JSON.parse(JSON.stringify(spec)), spec);
  return svg;
}

function assertHas(svg: string, ...titles: string[]): void {
  for (const t of titles) assert(svg.includes(t), `SVG lacks "${t}"`);
}

/** Width/height attributes of the root <svg>. */
function svgSize(svg: string): [number, number] {
  const m = svg.match(/<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/);
  assert(m, "no size on <svg>");
  return [Number(m[1]), Number(m[2])];
}

Deno.test("crossSectionsSpec() renders a log-y figure with units and legend", async () => {
  const xs = nu.map((v) => 1e-20 / (1 + ((v - 4352) / 0.02) ** 2));
  const spec = crossSectionsSpec({
    nu,
    series: [{ label: "500 K", xs }, {
      label: "1500 K",
      xs: xs.map((x) => 2 * x),
    }],
  });
  const svg = await cleanSvg(spec);
  assertHas(
    svg,
    "cross section [cm²]",
    "wavenumber [cm⁻¹]",
    "wavelength [Å]",
    "500 K",
    "1500 K",
  );
  assertHas(svg, "10⁻²⁰"); // power-of-ten tick labels
  assertEquals(svgSize(svg), [1200, 400]);
});

Deno.test("crossSectionsSpec() leaves out values ≤ 0 instead of failing on the log axis", async () => {
  const xs = nu.map((_, i) => (i % 7 === 0 ? 0 : 1e-21));
  const spec = crossSectionsSpec({ nu, series: [{ label: "T", xs }] });
  const rows =
    (spec.layer as { layer: { data: { values: { v: number | null }[] } }[] }[])[
      0
    ]!
      .layer[0]!.data.values;
  assertEquals(rows.filter((r) => r.v === null).length, Math.ceil(N / 7));
  await cleanSvg(spec);
});

Deno.test("spectrumSpec() renders flux vs wavenumber at 1200 × 360 px", async () => {
  const spec = spectrumSpec({
    nu,
    series: [{ label: "raw", flux }, {
      label: "rotated",
      flux: flux.map((f) => f * 0.99),
    }],
    title: "Emission",
  });
  const svg = await cleanSvg(spec);
  assertHas(
    svg,
    "flux [erg/s/cm²/cm⁻¹]",
    "wavenumber [cm⁻¹]",
    "wavelength [Å]",
    "raw",
    "rotated",
    "Emission",
  );
  assertEquals(svgSize(svg), [1200, 360]);
});

Deno.test("spectrumSpec() honours yTitle, size and wavelengthAxis: false", async () => {
  const spec = spectrumSpec({
    nu,
    series: [{ label: "a", flux }],
    yTitle: "normalised flux [1]",
    width: 700,
    height: 300,
    wavelengthAxis: false,
  });
  const svg = await cleanSvg(spec);
  assertHas(svg, "normalised flux [1]");
  assert(!svg.includes("wavelength [Å]"));
  assertEquals(svgSize(svg), [700, 300]);
});

Deno.test("spectrumSpec() min/max-decimates long series but keeps the extremes", () => {
  const long = Float64Array.from({ length: 50_000 }, (_, i) => 4000 + i * 1e-3);
  const f = long.map((_, i) => (i === 31_337 ? -5 : Math.sin(i / 100)));
  const spec = spectrumSpec({
    nu: long,
    series: [{ label: "x", flux: f }],
    maxPoints: 2000,
  });
  const rows =
    (spec.layer as { layer: { data: { values: { v: number }[] } }[] }[])[0]!
      .layer[0]!.data.values;
  assert(rows.length <= 2002, `${rows.length} rows`);
  assert(rows.some((r) => r.v === -5), "lost the minimum");
});

Deno.test("observedSpectrumSpec() draws model lines and data with error bars", async () => {
  const spec = observedSpectrumSpec({
    nuModel: nu,
    model: [{ label: "model A", flux }, {
      label: "model B",
      flux: flux.map((f) => f + 20),
    }],
    nuObs,
    fobs,
    sigma: nuObs.map(() => 30),
    dataLabel: "mock data",
  });
  const svg = await cleanSvg(spec);
  assertHas(
    svg,
    "flux [erg/s/cm²/cm⁻¹]",
    "wavenumber [cm⁻¹]",
    "model A",
    "model B",
    "mock data",
  );
  // One error-bar rule per data point, in the rule-mark group.
  const at = svg.indexOf("mark-rule role-mark");
  assert(at > 0, "no rule mark");
  const group = svg.slice(at, svg.indexOf("</g>", at));
  assertEquals((group.match(/<line/g) ?? []).length, nuObs.length);
});

Deno.test("predictiveSpec() draws the band, the median and the data", async () => {
  const median = fobs.map((f) => f + 5);
  const svg = await cleanSvg(predictiveSpec({
    nuObs,
    median,
    lo: median.map((m) => m - 40),
    hi: median.map((m) => m + 40),
    fobs,
    sigma: 30,
  }));
  assertHas(
    svg,
    "flux [erg/s/cm²/cm⁻¹]",
    "wavenumber [cm⁻¹]",
    "90 % HPDI",
    "median",
    "data",
  );
  assert(svg.includes("mark-area"), "no area mark");
});

Deno.test("contributionSpec() renders a log-pressure heat map, top of atmosphere up", async () => {
  const nl = 120, nn = 900;
  const pressure = Float64Array.from(
    { length: nl },
    (_, i) => 10 ** (-6 + (8 * i) / (nl - 1)),
  );
  const grid = Float64Array.from({ length: nn }, (_, j) => 4350 + 0.01 * j);
  const cf = new Float64Array(nl * nn).map((_, k) =>
    Math.exp(-((Math.floor(k / nn) - 80) ** 2) / 50)
  );
  const spec = contributionSpec({
    nu: grid,
    pressure,
    cf,
    maxNu: 300,
    maxLayers: 60,
  });
  const layer = spec.layer as {
    data?: { values: unknown[] };
    encoding: Record<string, { scale?: Record<string, unknown> }>;
  }[];
  assertEquals(layer[0]!.data!.values.length, 300 * 60);
  assertEquals(layer[0]!.encoding.y!.scale!.reverse, true);
  assertEquals(layer[0]!.encoding.y!.scale!.type, "log");
  const svg = await cleanSvg(spec);
  assertHas(
    svg,
    "pressure [bar]",
    "wavenumber [cm⁻¹]",
    "contribution / max",
    "10⁻⁶",
    "0.01",
  );
  // Low pressure (10⁻⁶ bar) is drawn above high pressure (100 bar).
  const y = (label: string) => {
    const at = svg.indexOf(`>${label}</text>`);
    assert(at > 0, `no tick label ${label}`);
    const m = svg.slice(Math.max(0, at - 300), at).match(
      /translate\([\d.-]+,([\d.-]+)\)[^(]*$/,
    );
    assert(m, `no position for ${label}`);
    return Number(m[1]);
  };

  assert(y("10⁻⁶") < y("100"), "pressure axis is not increasing downward");
});

Deno.test("lossSpec() uses the raw log scale for positive losses, shift otherwise", async () => {
  const pos = Float64Array.from(
    { length: 300 },
    (_, i) => 1e4 * Math.exp(-i / 50) + 10,
  );
  const a = lossSpec({ losses: pos });
  assert(
    !String((a.encoding as { y: { title: string } }).y.title).includes("min"),
  );
  const neg = Float64Array.from(
    { length: 300 },
    (_, i) => 1e7 * Math.exp(-i / 20) - 500,
  );
  neg[17] = NaN;
  const b = lossSpec({ losses: neg });
  const svg = await cleanSvg(b);
  assertHas(
    svg,
    "loss (−ELBO) − min + 1",
    "step",
    "1 non-finite values left out",
  );
  const ys = (b.data as { values: { loss: number }[] }).values.map((r) =>
    r.loss
  );
  assertEquals(Math.min(...ys), 1);
  assertEquals(ys.length, 299);
  assertThrows(
    () => lossSpec({ losses: neg, scale: "log" }),
    RangeError,
    "needs losses > 0",
  );
  assertThrows(
    () => lossSpec({ losses: [NaN, Infinity] }),
    RangeError,
    "no finite loss",
  );
});

Deno.test("lossSpec() picks a linear y axis (not from zero) for losses within a factor 1.5, and honours scale", () => {
  const flat = Float64Array.from(
    { length: 200 },
    (_, i) => 5002 + Math.sin(i),
  );
  const y = (spec: ReturnType<typeof lossSpec>) =>
    (spec.encoding as { y: { scale: Record<string, unknown> } }).y.scale;
  assertEquals(y(lossSpec({ losses: flat })), { zero: false });
  assertEquals(y(lossSpec({ losses: flat, scale: "log" })), { type: "log" });
  const wide = Float64Array.from({ length: 200 }, (_, i) => 1e4 / (1 + i));
  assertEquals(y(lossSpec({ losses: wide })), { type: "log" });
  assertEquals(y(lossSpec({ losses: wide, scale: "linear" })), {
    zero: false,
  });
});

Deno.test("pairPlotSpec() renders a lower-triangle corner plot with labels and truths", async () => {
  const n = 2000;
  const z = normal(key(3), n * 7);
  const names = ["a", "b", "c", "d", "e", "f", "g"];
  const samples: Record<string, Float64Array> = {};
  names.forEach((p, d) => {
    samples[p] = Float64Array.from(
      { length: n },
      (_, i) => 10 * d + z[i * 7 + d]! + 0.5 * z[i * 7]!,
    );
  });
  const labels = Object.fromEntries(names.map((p) => [p, `${p} [km/s]`]));
  const t0 = performance.now();
  const spec = pairPlotSpec({ samples, labels, truths: { a: 0, c: 20 } });
  const buildMs = performance.now() - t0;
  assert(buildMs < 1500, `pairPlotSpec took ${buildMs} ms`);
  assertEquals((spec.concat as unknown[]).length, 49);
  assertEquals(spec.columns, 7);
  const svg = await cleanSvg(spec);
  for (const p of names) assertHas(svg, `${p} [km/s]`);
  assertHas(svg, "39.3 % mass", "86.5 % mass");
});

Deno.test("builders reject mismatched lengths with a clear TypeError", () => {
  assertThrows(
    () =>
      spectrumSpec({ nu, series: [{ label: "x", flux: flux.subarray(1) }] }),
    TypeError,
    `series[0].flux has length ${N - 1} but nu has length ${N}`,
  );
  assertThrows(
    () => crossSectionsSpec({ nu, series: [{ label: "x", xs: [1, 2] }] }),
    TypeError,
    "series[0].xs has length 2",
  );
  assertThrows(
    () =>
      observedSpectrumSpec({
        nuModel: nu,
        model: [{ label: "m", flux }],
        nuObs,
        fobs: fobs.subarray(2),
        sigma: 1,
      }),
    TypeError,
    "fobs has length",
  );
  assertThrows(
    () =>
      observedSpectrumSpec({
        nuModel: nu,
        model: [{ label: "m", flux }],
        nuObs,
        fobs,
        sigma: [1, 2],
      }),
    TypeError,
    "sigma has length 2",
  );
  assertThrows(
    () =>
      predictiveSpec({
        nuObs,
        median: fobs,
        lo: fobs,
        hi: fobs.subarray(1),
        fobs,
        sigma: 1,
      }),
    TypeError,
    "hi has length",
  );
  assertThrows(
    () =>
      contributionSpec({
        nu: [1, 2, 3],
        pressure: [1, 2],
        cf: new Float64Array(5),
      }),
    TypeError,
    "cf has length 5 but pressure.length × nu.length = 2 × 3 = 6",
  );
  assertThrows(
    () => pairPlotSpec({ samples: { a: [1, 2, 3], b: [1, 2] } }),
    TypeError,
    "samples.b has length 2 but samples.a has 3",
  );
  assertThrows(
    () =>
      spectrumSpec({
        nu,
        series: [{ label: "x", flux }, { label: "x", flux }],
      }),
    TypeError,
    'duplicate series label "x"',
  );
});

Deno.test("builders reject out-of-range values with a RangeError", () => {
  assertThrows(
    () =>
      contributionSpec({
        nu: [1, 2],
        pressure: [1, 0],
        cf: new Float64Array(4),
      }),
    RangeError,
    "pressure[1] must be > 0, got 0",
  );
  const eight = Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => [`p${i}`, [1, 2, 3]]),
  );
  assertThrows(
    () => pairPlotSpec({ samples: eight }),
    RangeError,
    "at most 7 parameters, got 8",
  );
  assertThrows(
    () => pairPlotSpec({ samples: { a: [1, NaN, 2] } }),
    RangeError,
    "samples.a[1] is not finite",
  );
});
