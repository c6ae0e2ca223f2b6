import {
  compileSpec,
  DEFAULT_FONT_FILE,
  indexHtml,
  lossSpec,
  renderSvg,
  spectrumSpec,
  summaryTableHtml,
  svgToPng,
  writeFigure,
} from "../../src/plot/mod.ts";
import { assert, assertEquals, assertThrowsWith } from "../_util.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the PNG's IHDR chunk (which must come first). */
function pngSize(png: Uint8Array): [number, number] {
  assertEquals([...png.subarray(0, 8)], PNG_SIGNATURE, "PNG signature");
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assertEquals(dv.getUint32(8), 13, "IHDR length");
  assertEquals(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  return [dv.getUint32(16), dv.getUint32(20)];
}

const nu = Float64Array.from({ length: 300 }, (_, i) => 4350 + 0.03 * i);
const spec = spectrumSpec({
  nu,
  series: [{ label: "model", flux: nu.map((v) => 1000 + Math.sin(v * 20)) }],
});

Deno.test("svgToPng() writes a PNG of the spec's size, scaled", async () => {
  const svg = await renderSvg(spec);
  assertEquals(pngSize(await svgToPng(svg)), [1200, 360]);
  assertEquals(pngSize(await svgToPng(svg, { scale: 2 })), [2400, 720]);
  const small = await renderSvg(
    lossSpec({ losses: [5, 3, 2, 1.5], width: 400, height: 250 }),
  );
  assertEquals(pngSize(await svgToPng(small, { scale: 1.5 })), [600, 375]);
});

Deno.test("svgToPng() draws the text (a PNG with glyphs differs from one without)", async () => {
  const box = (t: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="120" height="30" fill="white"/><text x="4" y="22" font-family="DejaVu Sans" font-size="18">${t}</text></svg>`;
  const a = await svgToPng(box("cm⁻¹ Å"));
  const b = await svgToPng(box(""));
  assert(
    a.length > b.length + 100,
    `text PNG ${a.length} B vs blank ${b.length} B`,
  );
});

Deno.test("svgToPng() names the missing font file and the Debian package", async () => {
  const svg = await renderSvg(spec);
  const err = await assertThrowsWith(
    () => svgToPng(svg, { fontFiles: ["/no/such/dir/DejaVuSans.ttf"] }),
    "/no/such/dir/DejaVuSans.ttf",
    "fonts-dejavu-core",
  );
  assert(err instanceof Deno.errors.NotFound, `got ${err.constructor.name}`);
  await assertThrowsWith(
    () => svgToPng(svg, { scale: 0 }),
    "scale must be > 0",
  );
});

Deno.test("DEFAULT_FONT_FILE exists on this machine", async () => {
  const st = await Deno.stat(DEFAULT_FONT_FILE);
  assert(st.isFile);
});

Deno.test("renderSvg() accepts a Vega spec and leaves the input unmodified", async () => {
  const { vega } = compileSpec(spec);
  const svg = await renderSvg(vega);
  assert(svg.includes("wavenumber [cm⁻¹]"));
  const before = JSON.stringify(spec);
  await renderSvg(spec);
  assertEquals(JSON.stringify(spec), before);
  const rows = (spec.layer as { layer: { data: { values: object[] } }[] }[])[0]!
    .layer[0]!.data.values;
  assertEquals(
    Object.getOwnPropertySymbols(rows[0]!).length,
    0,
    "vega tagged the caller's rows",
  );
});

Deno.test("compileSpec() reports vega-lite warnings; renderSvg() forwards them", async () => {
  const bad = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: [{ a: 1 }] },
    mark: "point",
    encoding: {
      x: { field: "a", type: "quantitative" },
      size: { field: "a", type: "nominal" },
    },
  };
  const { warnings } = compileSpec(bad);
  assert(warnings.length > 0, "expected a warning for size on a nominal field");
  const seen: string[] = [];
  await renderSvg(bad, { onWarning: (w) => seen.push(w) });
  assert(seen.length >= warnings.length);
});

Deno.test("writeFigure() writes .vl.json, .svg and .png", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeFigure(spec, `${dir}/sub/spectrum`);
    assertEquals(files, {
      json: `${dir}/sub/spectrum.vl.json`,
      svg: `${dir}/sub/spectrum.svg`,
      png: `${dir}/sub/spectrum.png`,
    });
    assertEquals(
      JSON.parse(await Deno.readTextFile(files.json)),
      JSON.parse(JSON.stringify(spec)),
    );
    assert((await Deno.readTextFile(files.svg)).startsWith("<svg"));
    assertEquals(pngSize(await Deno.readFile(files.png)), [1200, 360]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("indexHtml() lists every figure, escapes text and embeds the summary", () => {
  const summary = summaryTableHtml([
    {
      name: "T0 [K]",
      mean: 1203.44,
      sd: 41.2,
      q5: 1135,
      q50: 1201,
      q95: 1270,
      truth: 1200,
    },
    {
      name: "<b>MMR</b>",
      mean: 0.0123,
      sd: 0.0012,
      q5: 0.0105,
      q50: 0.0122,
      q95: 0.0141,
      truth: 0.02,
    },
    { name: "RV [km/s]", mean: 9.98, sd: 0.5, q5: 9.1, q50: 10, q95: 10.8 },
  ]);
  assert(summary.includes("<td>1203</td>"), "4 significant digits");
  assert(summary.includes("&lt;b&gt;MMR&lt;/b&gt;"), "escaped name");
  assert(
    summary.includes('<td class="miss">no</td>'),
    "truth outside 90 % flagged",
  );
  assertEquals((summary.match(/<tr>/g) ?? []).length, 4);
  const html = indexHtml({
    title: "exospec & friends",
    figures: [
      { title: "Spectrum", file: "spectrum.png" },
      { title: "Corner", file: "pair.svg", note: "2000 draws" },
    ],
    summaryHtml: summary,
  });
  assert(html.startsWith("<!DOCTYPE html>"));
  assert(html.includes("<title>exospec &amp; friends</title>"));
  assert(
    html.includes('<img src="spectrum.png"') &&
      html.includes('<img src="pair.svg"'),
  );
  assert(html.includes('href="spectrum.vl.json"'));
  assert(html.includes(summary));
  assert(
    !/<script|<link|https?:\/\//.test(html),
    "page must be self-contained",
  );
});
