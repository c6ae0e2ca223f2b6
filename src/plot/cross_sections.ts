/**
 * Cross-section figure: σ(ν) [cm²] on a logarithmic axis for several temperatures.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossSectionsSpec } from "./cross_sections.ts";
 * const nu = Float64Array.from({ length: 50 }, (_, i) => 4350 + i * 0.1);
 * const spec = crossSectionsSpec({ nu, series: [{ label: "1000 K", xs: nu.map(() => 1e-22) }] });
 * assert.deepStrictEqual([spec.width, spec.height], [1200, 400]);
 * type Layer = { mark: { type: string }; encoding: Record<string, { field?: string; scale?: { type?: string } }>; data: { values: unknown[] } };
 * const [{ layer: [main] }] = spec.layer as [{ layer: [Layer] }, unknown]; // lines, then the top wavelength axis
 * assert.strictEqual(main.mark.type, "line");
 * assert.deepStrictEqual([main.encoding.x!.field, main.encoding.y!.field], ["nu", "v"]);
 * assert.strictEqual(main.encoding.y!.scale!.type, "log");
 * assert.strictEqual(main.data.values.length, 50);
 * ```
 *
 * @module
 */

import { _lineFigure, _seriesRows } from "./_lines.ts";
import {
  _checkArray,
  _checkNonEmpty,
  type _extent,
  _log10Axis,
  type _nuX,
  type _topLevel,
} from "./_util.ts";
import type { FigureOptions, NumArray, VegaLiteSpec } from "./types.ts";

/** One labelled cross-section series. */
export interface CrossSectionSeries {
  /** Legend label, e.g. "500 K" or "1000 K, 1 bar". */
  label: string;
  /** Cross section [cm²] on the figure's wavenumber grid. */
  xs: NumArray;
}

/** Input of {@link crossSectionsSpec}. */
export interface CrossSectionsInput extends FigureOptions {
  /** Wavenumber grid [cm⁻¹]. */
  nu: NumArray;
  /** Cross sections on `nu` (e.g. one per temperature). */
  series: readonly CrossSectionSeries[];
  /** Y-axis title (default "cross section [cm²]"). */
  yTitle?: string;
  /**
   * Lower end of the y axis [cm²]. Default: 1e-12 × the largest value, so far line wings
   * do not squash the figure. Values at or below 0 are always left out (log axis).
   */
  yMin?: number;
  /** Draw a secondary top axis in wavelength [Å] (default true). */
  wavelengthAxis?: boolean;
  /** Longer series are min/max-decimated to this many points (default 6000). */
  maxPoints?: number;
}

/**
 * Cross sections [cm²] against wavenumber [cm⁻¹] on a logarithmic y axis, one line per
 * series (the tutorial compares 500 K and 1500 K, or PreMODIT and direct line-by-line).
 * Values ≤ 0 are left out (gaps). Default size 1200 × 400 px.
 *
 * @param input Wavenumbers, labelled cross sections and options.
 * @returns A vega-lite spec.
 * @throws {TypeError} When a series and `nu` differ in length.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossSectionsSpec } from "./cross_sections.ts";
 * import { renderSvg } from "./render.ts";
 * const nu = Float64Array.from({ length: 300 }, (_, i) => 4350 + i * 0.01);
 * const line = (w: number) => nu.map((v) => 1e-20 / (1 + ((v - 4351.5) / w) ** 2));
 * const svg = await renderSvg(crossSectionsSpec({
 *   nu,
 *   series: [{ label: "500 K", xs: line(0.01) }, { label: "1500 K", xs: line(0.03) }],
 * }));
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("cross section [cm²]"));
 * assert.ok(svg.includes("500 K") && svg.includes("1500 K")); // two series: a legend
 * ```
 */
export function crossSectionsSpec(input: CrossSectionsInput): VegaLiteSpec {
  const fn = "crossSectionsSpec()";
  const nu = _checkArray(fn, "nu", input.nu);
  _checkNonEmpty(fn, "nu", nu);
  const series = input.series ?? [];
  const rows = _seriesRows(
    fn,
    nu,
    "nu",
    series.map((s) => ({ label: s.label, y: s.xs })),
    "xs",
    input.maxPoints ?? 6000,
    true,
  );
  let ymax = 0;
  for (const r of rows) {
    const v = r.v as number | null;
    if (v !== null && v > ymax) ymax = v;
  }
  const yMin = input.yMin ?? (ymax > 0 ? ymax * 1e-12 : undefined);
  if (yMin !== undefined && !(yMin > 0)) {
    throw new RangeError(`${fn}: yMin must be > 0, got ${yMin}`);
  }
  const yScale: Record<string, unknown> = { type: "log" };
  if (yMin !== undefined && ymax > yMin) {
    let lo = Infinity;
    for (const r of rows) {
      const v = r.v as number | null;
      if (v !== null && v < lo) lo = v;
    }
    yScale.domainMin = Math.pow(10, Math.floor(Math.log10(Math.max(lo, yMin))));
    yScale.domainMax = Math.pow(10, Math.ceil(Math.log10(ymax)));
    yScale.nice = false;
  }
  return _lineFigure(nu, rows, series.map((s) => s.label), {
    title: input.yTitle ?? "cross section [cm²]",
    scale: yScale,
    axis: typeof yScale.domainMin === "number"
      ? _log10Axis(yScale.domainMin, yScale.domainMax as number)
      : {},
  }, { ...input, height: input.height ?? 400 });
}
