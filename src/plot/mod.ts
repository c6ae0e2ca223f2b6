/**
 * Figures for the exospec tutorial: vega-lite spec builders (pure functions of typed
 * arrays) and headless rendering to SVG (vega) and PNG (resvg, WebAssembly), plus an HTML
 * index page.
 *
 * Builders: {@link crossSectionsSpec}, {@link spectrumSpec}, {@link observedSpectrumSpec},
 * {@link contributionSpec}, {@link lossSpec}, {@link predictiveSpec}, {@link pairPlotSpec}.
 * Rendering: {@link renderSvg}, {@link svgToPng}, {@link writeFigure}; pages:
 * {@link indexHtml}, {@link summaryTableHtml}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { indexHtml, spectrumSpec, writeFigure } from "./mod.ts";
 * const nu = Float64Array.from({ length: 400 }, (_, i) => 4348 + 0.04 * i);
 * const flux = nu.map((v) => 3000 - 700 * Math.exp(-(((v - 4352) / 0.1) ** 2)));
 * const dir = await Deno.makeTempDir();
 * const files = await writeFigure(spectrumSpec({ nu, series: [{ label: "model", flux }] }), `${dir}/spectrum`);
 * const html = indexHtml({ title: "demo", figures: [{ title: "Spectrum", file: "spectrum.png" }] });
 * assert.strictEqual(files.png, `${dir}/spectrum.png`);
 * assert.ok((await Deno.readTextFile(files.svg)).startsWith("<svg"));
 * assert.ok(html.includes('<img src="spectrum.png" alt="Spectrum">'));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export type { FigureOptions, NumArray, VegaLiteSpec } from "./types.ts";
export {
  type CrossSectionSeries,
  type CrossSectionsInput,
  crossSectionsSpec,
} from "./cross_sections.ts";
export {
  FLUX_TITLE,
  type FluxSeries,
  type ObservedSpectrumInput,
  observedSpectrumSpec,
  type SpectrumInput,
  spectrumSpec,
} from "./spectrum.ts";
export { type ContributionInput, contributionSpec } from "./contribution.ts";
export { type LossInput, type LossScale, lossSpec } from "./loss.ts";
export { type PredictiveInput, predictiveSpec } from "./predictive.ts";
export { type PairPlotInput, pairPlotSpec, SIGMA_MASSES } from "./pair_plot.ts";
export {
  type ContourLine,
  contourLines,
  densityLevels,
  type Grid2d,
  type Kde1d,
  kde1d,
  type Kde1dOptions,
  kde2d,
  type Kde2dOptions,
} from "./kde.ts";
export {
  type CompiledSpec,
  compileSpec,
  DEFAULT_FONT_FILE,
  type FigureFiles,
  type PngOptions,
  renderSvg,
  type RenderSvgOptions,
  svgToPng,
  writeFigure,
} from "./render.ts";
export {
  type IndexFigure,
  indexHtml,
  type IndexHtmlInput,
  type SummaryRow,
  summaryTableHtml,
} from "./html.ts";
