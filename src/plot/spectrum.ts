/**
 * Spectrum figures: model spectra on a wavenumber grid ({@link spectrumSpec}) and model
 * spectra against observed data with error bars ({@link observedSpectrumSpec}).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { spectrumSpec } from "./spectrum.ts";
 * const nu = Float64Array.from({ length: 100 }, (_, i) => 4348 + i * 0.03);
 * const spec = spectrumSpec({ nu, series: [{ label: "model", flux: nu.map((v) => v / 1e3) }] });
 * assert.deepStrictEqual([spec.width, spec.height], [1200, 360]);
 * type Layer = { mark: { type: string }; encoding: Record<string, { field?: string }>; data: { values: unknown[] } };
 * const [{ layer: [main] }] = spec.layer as [{ layer: [Layer] }, unknown]; // lines, then the top wavelength axis
 * assert.strictEqual(main.mark.type, "line");
 * assert.deepStrictEqual([main.encoding.x!.field, main.encoding.y!.field], ["nu", "v"]);
 * assert.strictEqual(main.data.values.length, 100); // below maxPoints: not decimated
 * ```
 *
 * @module
 */

import {
  _colorEncoding,
  _dataLayers,
  _lineFigure,
  _observedRows,
  _seriesRows,
  _withWavelengthAxis,
} from "./_lines.ts";
import {
  _checkArray,
  _checkNonEmpty,
  _extent,
  _nuX,
  _topLevel,
} from "./_util.ts";
import type { FigureOptions, NumArray, VegaLiteSpec } from "./types.ts";

/** Default y-axis title of flux plots (ExoJAX's emission flux unit). */
export const FLUX_TITLE = "flux [erg/s/cm²/cm⁻¹]";

/** A labelled flux series. */
export interface FluxSeries {
  /** Legend label, e.g. "rotated + IP". */
  label: string;
  /** Flux [erg/s/cm²/cm⁻¹] on the figure's wavenumber grid. */
  flux: NumArray;
}

/** Input of {@link spectrumSpec}. */
export interface SpectrumInput extends FigureOptions {
  /** Wavenumber grid [cm⁻¹]. */
  nu: NumArray;
  /** One or more spectra on `nu`; drawn in order (later series on top). */
  series: readonly FluxSeries[];
  /** Y-axis title (default {@link FLUX_TITLE}); include the unit. */
  yTitle?: string;
  /** Draw a secondary top axis in wavelength [Å] (default true). */
  wavelengthAxis?: boolean;
  /** Longer series are min/max-decimated to this many points (default 6000). */
  maxPoints?: number;
}

/**
 * Flux against wavenumber for one or more spectra: the raw spectrum, raw vs rotated,
 * rotated vs rotated + instrument profile, two models, …. The x axis is wavenumber
 * [cm⁻¹] with a secondary top axis in wavelength [Å] (exact λ = 1e8/ν tick positions);
 * the legend appears when there are two or more series. Default size 1200 × 360 px.
 *
 * @param input Wavenumbers, labelled flux series, and options.
 * @returns A vega-lite spec (render it with `renderSvg` or `writeFigure`).
 * @throws {TypeError} When a flux series and `nu` differ in length.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { spectrumSpec } from "./spectrum.ts";
 * import { renderSvg } from "./render.ts";
 * const nu = Float64Array.from({ length: 500 }, (_, i) => 4347.8 + i * 0.03);
 * const raw = nu.map((v) => 3e3 - 800 * Math.exp(-(((v - 4352) / 0.2) ** 2)));
 * const svg = await renderSvg(spectrumSpec({
 *   nu,
 *   series: [{ label: "raw", flux: raw }, { label: "rotated", flux: raw.map((f) => f * 0.98) }],
 * }));
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("wavenumber [cm⁻¹]") && svg.includes("wavelength [Å]"));
 * ```
 */
export function spectrumSpec(input: SpectrumInput): VegaLiteSpec {
  const fn = "spectrumSpec()";
  const nu = _checkArray(fn, "nu", input.nu);
  _checkNonEmpty(fn, "nu", nu);
  const series = input.series ?? [];
  const rows = _seriesRows(
    fn,
    nu,
    "nu",
    series.map((s) => ({ label: s.label, y: s.flux })),
    "flux",
    input.maxPoints ?? 6000,
  );
  return _lineFigure(nu, rows, series.map((s) => s.label), {
    title: input.yTitle ?? FLUX_TITLE,
    scale: { zero: false },
  }, { ...input, height: input.height ?? 360 });
}

/** Input of {@link observedSpectrumSpec}. */
export interface ObservedSpectrumInput extends FigureOptions {
  /** Model wavenumber grid [cm⁻¹]. */
  nuModel: NumArray;
  /** Model spectra on `nuModel` (lines). */
  model: readonly FluxSeries[];
  /** Observed wavenumbers [cm⁻¹]. */
  nuObs: NumArray;
  /** Observed flux, same unit as the model. */
  fobs: NumArray;
  /** 1σ uncertainty of `fobs`: one number for all points, or one per point. */
  sigma: NumArray | number;
  /** Legend label of the data (default "data"). */
  dataLabel?: string;
  /** Y-axis title (default {@link FLUX_TITLE}). */
  yTitle?: string;
  /** Draw a secondary top axis in wavelength [Å] (default true). */
  wavelengthAxis?: boolean;
  /** Longer model series are min/max-decimated to this many points (default 6000). */
  maxPoints?: number;
}

/**
 * Model spectra (lines) over observed data (black points with ±1σ error bars drawn as
 * rules), flux against wavenumber [cm⁻¹] with a top wavelength [Å] axis. Default size
 * 1200 × 360 px.
 *
 * @param input Model grid and spectra, observed points, uncertainties, options.
 * @returns A vega-lite spec.
 * @throws {TypeError} When `fobs`, `sigma` (if an array) and `nuObs` differ in length, or a
 * model series and `nuModel` do.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { observedSpectrumSpec } from "./spectrum.ts";
 * const nuModel = Float64Array.from({ length: 400 }, (_, i) => 4348 + i * 0.02);
 * const nuObs = Float64Array.from({ length: 40 }, (_, i) => 4348.1 + i * 0.19);
 * const spec = observedSpectrumSpec({
 *   nuModel,
 *   model: [{ label: "model", flux: nuModel.map(() => 1) }],
 *   nuObs,
 *   fobs: nuObs.map(() => 1.02),
 *   sigma: 0.05,
 * });
 * type Layer = { mark: { type: string }; data: { values: unknown[] } };
 * const [{ layer }] = spec.layer as [{ layer: Layer[] }, unknown]; // then the top wavelength axis
 * // model line, then the data as ±σ rules and points
 * assert.deepStrictEqual(layer.map((l) => l.mark.type), ["line", "rule", "point"]);
 * assert.deepStrictEqual(layer.map((l) => l.data.values.length), [400, 40, 40]);
 * ```
 */
export function observedSpectrumSpec(
  input: ObservedSpectrumInput,
): VegaLiteSpec {
  const fn = "observedSpectrumSpec()";
  const nuModel = _checkArray(fn, "nuModel", input.nuModel);
  const model = input.model ?? [];
  const rows = _seriesRows(
    fn,
    nuModel,
    "nuModel",
    model.map((s) => ({ label: s.label, y: s.flux })),
    "flux",
    input.maxPoints ?? 6000,
  );
  const obs = _observedRows(fn, input.nuObs, input.fobs, input.sigma);
  const dataLabel = input.dataLabel ?? "data";
  const [m0, m1] = _extent(nuModel);
  const [o0, o1] = _extent(input.nuObs);
  const numin = Math.min(m0, o0), numax = Math.max(m1, o1);
  const labels = model.map((s) => s.label);
  const color = _colorEncoding(labels, true);
  const x = _nuX(numin, numax);
  const yTitle = input.yTitle ?? FLUX_TITLE;
  const layers = [
    {
      data: { values: rows },
      mark: {
        type: "line",
        strokeWidth: 1.4,
        clip: true,
        invalid: "break-paths-filter-domains",
      },
      encoding: {
        x,
        y: {
          field: "v",
          type: "quantitative",
          title: yTitle,
          scale: { zero: false },
        },
        color,
      },
    },
    ..._dataLayers(obs, x, yTitle, dataLabel),
  ];
  return _withWavelengthAxis(
    _topLevel(
      input.width ?? 1200,
      input.height ?? 360,
      input.title,
      input.subtitle,
    ),
    layers,
    numin,
    numax,
    input.wavelengthAxis ?? true,
  );
}
