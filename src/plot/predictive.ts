/**
 * Posterior-predictive figure: median model, credible band, and the data.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { predictiveSpec } from "./predictive.ts";
 * const nuObs = [4350, 4351, 4352];
 * const spec = predictiveSpec({
 *   nuObs, median: [1, 0.8, 1], lo: [0.9, 0.7, 0.9], hi: [1.1, 0.9, 1.1],
 *   fobs: [1.02, 0.79, 0.97], sigma: 0.05,
 * });
 * type Layer = { mark: { type: string }; data: { values: unknown[] } };
 * const [{ layer }] = spec.layer as [{ layer: Layer[] }, unknown]; // then the top wavelength axis
 * // HPDI band, median line, then the data as ±σ rules and points
 * assert.deepStrictEqual(layer.map((l) => l.mark.type), ["area", "line", "rule", "point"]);
 * assert.ok(layer.every((l) => l.data.values.length === 3));
 * ```
 *
 * @module
 */

import {
  _dataLayers,
  _LEGEND,
  _observedRows,
  _withWavelengthAxis,
} from "./_lines.ts";
import { _checkLength, _extent, _nuX, _round, _topLevel } from "./_util.ts";
import { FLUX_TITLE } from "./spectrum.ts";
import type { FigureOptions, NumArray, VegaLiteSpec } from "./types.ts";

/** Input of {@link predictiveSpec}. */
export interface PredictiveInput extends FigureOptions {
  /** Observed wavenumbers [cm⁻¹]; the predictive arrays are on the same points. */
  nuObs: NumArray;
  /** Posterior-predictive median flux. */
  median: NumArray;
  /** Lower edge of the credible band (e.g. of the 90 % HPDI). */
  lo: NumArray;
  /** Upper edge of the credible band. */
  hi: NumArray;
  /** Observed flux. */
  fobs: NumArray;
  /** 1σ uncertainty of `fobs` (one number, or one per point). */
  sigma: NumArray | number;
  /** Legend label of the band (default "90 % HPDI"). */
  bandLabel?: string;
  /** Legend label of the data (default "data"). */
  dataLabel?: string;
  /** Y-axis title (default {@link FLUX_TITLE}). */
  yTitle?: string;
  /** Draw a secondary top axis in wavelength [Å] (default true). */
  wavelengthAxis?: boolean;
}

/**
 * Posterior-predictive check as in the tutorial's last figure: the credible band (area,
 * default "90 % HPDI"), the median (line) and the data (black points with ±1σ error
 * rules), flux against wavenumber [cm⁻¹]. Default size 1200 × 380 px.
 *
 * @param input Observed grid, predictive median and band, data and options.
 * @returns A vega-lite spec.
 * @throws {TypeError} When any array's length differs from `nuObs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { predictiveSpec } from "./predictive.ts";
 * import { renderSvg } from "./render.ts";
 * const nuObs = Float64Array.from({ length: 80 }, (_, i) => 4348 + 0.2 * i);
 * const median = nuObs.map((v) => 1 - 0.3 * Math.exp(-(((v - 4356) / 0.4) ** 2)));
 * const svg = await renderSvg(predictiveSpec({
 *   nuObs, median,
 *   lo: median.map((m) => m - 0.03), hi: median.map((m) => m + 0.03),
 *   fobs: median.map((m, i) => m + 0.02 * Math.sin(i)), sigma: 0.02,
 *   yTitle: "normalised flux [1]",
 * }));
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("normalised flux [1]") && svg.includes("90 % HPDI"));
 * ```
 */
export function predictiveSpec(input: PredictiveInput): VegaLiteSpec {
  const fn = "predictiveSpec()";
  const obs = _observedRows(fn, input.nuObs, input.fobs, input.sigma);
  const n = obs.length;
  const med = _checkLength(fn, "median", input.median, n, "nuObs");
  const lo = _checkLength(fn, "lo", input.lo, n, "nuObs");
  const hi = _checkLength(fn, "hi", input.hi, n, "nuObs");
  const nu = input.nuObs;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    nu[a]! - nu[b]!
  );
  const rows = order.map((i) => ({
    nu: _round(nu[i]!, 10),
    m: _round(med[i]!, 7),
    lo: _round(lo[i]!, 7),
    hi: _round(hi[i]!, 7),
  }));
  const bandLabel = input.bandLabel ?? "90 % HPDI";
  const yTitle = input.yTitle ?? FLUX_TITLE;
  const [numin, numax] = _extent(nu);
  const x = _nuX(numin, numax);
  const color = {
    type: "nominal",
    scale: { domain: ["median", bandLabel], range: ["#1f5fa8", "#9ecae9"] },
    // One legend for band and median: a square for the band, a stroke for the median.
    legend: {
      ..._LEGEND,
      encode: {
        symbols: {
          update: {
            shape: {
              signal: `datum.value === ${
                JSON.stringify(bandLabel)
              } ? 'square' : 'stroke'`,
            },
            stroke: { scale: "color", field: "value" },
            strokeWidth: { value: 2 },
            opacity: { value: 1 },
          },
        },
      },
    },
  };
  const layers = [
    {
      data: { values: rows },
      mark: { type: "area", opacity: 0.75, clip: true },
      encoding: {
        x,
        y: {
          field: "lo",
          type: "quantitative",
          title: yTitle,
          scale: { zero: false },
        },
        y2: { field: "hi" },
        color: { datum: bandLabel, ...color },
      },
    },
    {
      data: { values: rows },
      mark: { type: "line", strokeWidth: 1.5, clip: true },
      encoding: {
        x,
        y: { field: "m", type: "quantitative", title: yTitle },
        color: { datum: "median", ...color },
      },
    },
    ..._dataLayers(obs, x, yTitle, input.dataLabel ?? "data"),
  ];
  return _withWavelengthAxis(
    _topLevel(
      input.width ?? 1200,
      input.height ?? 380,
      input.title,
      input.subtitle,
    ),
    layers,
    numin,
    numax,
    input.wavelengthAxis ?? true,
  );
}
