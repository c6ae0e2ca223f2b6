// Private: long-format line layers shared by the spectrum-like builders.

import {
  _checkArray,
  _checkLength,
  _checkNonEmpty,
  _decimate,
  _extent,
  _nuX,
  _PALETTE,
  _round,
  _topLevel,
  _wavelengthAxisLayer,
} from "./_util.ts";
import type { NumArray, VegaLiteSpec } from "./types.ts";

/** One labelled y series on a shared x grid. */
export interface _Series {
  label: string;
  y: NumArray;
}

/**
 * Long-format rows {nu, v, label} for several series on the grid `x`, min/max-decimated
 * to at most `maxPoints` per series. With `positiveOnly`, values ≤ 0 become null (gaps on
 * a log axis).
 */
export function _seriesRows(
  fn: string,
  x: NumArray,
  xName: string,
  series: readonly _Series[],
  yName: string,
  maxPoints: number,
  positiveOnly = false,
): Record<string, unknown>[] {
  _checkArray(fn, xName, x);
  if (!Array.isArray(series) || series.length === 0) {
    throw new TypeError(`${fn}: series must be a non-empty array`);
  }
  const seen = new Set<string>();
  const rows: Record<string, unknown>[] = [];
  series.forEach((s, k) => {
    if (typeof s?.label !== "string") {
      throw new TypeError(`${fn}: series[${k}].label must be a string`);
    }
    if (seen.has(s.label)) {
      throw new TypeError(`${fn}: duplicate series label "${s.label}"`);
    }
    seen.add(s.label);
    const y = _checkLength(fn, `series[${k}].${yName}`, s.y, x.length, xName);
    for (const i of _decimate(y, maxPoints)) {
      const v = y[i]!;
      rows.push({
        nu: _round(x[i]!, 10),
        v: positiveOnly && !(v > 0) ? null : _round(v, 6),
        label: s.label,
      });
    }
  });
  return rows;
}

/** Legend placement shared by all figures: above the plot, horizontal. */
export const _LEGEND: Record<string, unknown> = {
  orient: "top",
  direction: "horizontal",
  title: null,
  symbolStrokeWidth: 2,
};

/** A colour encoding with a fixed label → colour mapping (legend optional). */
export function _colorEncoding(
  labels: readonly string[],
  showLegend: boolean,
  extra: { label: string; color: string }[] = [],
): Record<string, unknown> {
  const domain = [...labels, ...extra.map((e) => e.label)];
  const range = [
    ...labels.map((_, i) => _PALETTE[i % _PALETTE.length]!),
    ...extra.map((e) => e.color),
  ];
  return {
    field: "label",
    type: "nominal",
    title: null,
    scale: { domain, range },
    legend: showLegend ? _LEGEND : null,
  };
}

/** Rows {nu, f, lo, hi} of observed points; validates lengths. */
export function _observedRows(
  fn: string,
  nuObs: NumArray,
  fobs: NumArray,
  sigma: NumArray | number,
): Record<string, number | null>[] {
  const x = _checkArray(fn, "nuObs", nuObs);
  _checkNonEmpty(fn, "nuObs", x);
  const f = _checkLength(fn, "fobs", fobs, x.length, "nuObs");
  let sig: (i: number) => number;
  if (typeof sigma === "number") {
    if (!(sigma >= 0)) {
      throw new RangeError(`${fn}: sigma must be ≥ 0, got ${sigma}`);
    }
    sig = () => sigma;
  } else {
    const s = _checkLength(fn, "sigma", sigma, x.length, "nuObs");
    sig = (i) => s[i]!;
  }
  const rows: Record<string, number | null>[] = [];
  for (let i = 0; i < x.length; i++) {
    const fi = f[i]!, si = sig(i);
    rows.push({
      nu: _round(x[i]!, 10),
      f: _round(fi, 7),
      lo: _round(fi - si, 7),
      hi: _round(fi + si, 7),
    });
  }
  return rows;
}

/** Error-bar (rule) and point layers for observed data, coloured via `datum`. */
export function _dataLayers(
  obs: Record<string, number | null>[],
  x: Record<string, unknown>,
  yTitle: string,
  dataLabel: string,
): Record<string, unknown>[] {
  return [
    {
      data: { values: obs },
      mark: {
        type: "rule",
        strokeWidth: 1,
        opacity: 0.7,
        clip: true,
        aria: false,
      },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", title: yTitle },
        y2: { field: "hi" },
        color: { value: "black" },
      },
    },
    {
      data: { values: obs },
      mark: {
        type: "point",
        aria: false,
        filled: true,
        size: 18,
        opacity: 1,
        clip: true,
        color: "black",
      },
      encoding: {
        x,
        y: { field: "f", type: "quantitative", title: yTitle },
        shape: {
          datum: dataLabel,
          type: "nominal",
          scale: { range: ["circle"] },
          legend: _LEGEND,
        },
      },
    },
  ];
}

/**
 * Puts the figure's layers under `spec`, adding the wavelength top axis as an independent
 * axis on the shared x scale when requested.
 */
export function _withWavelengthAxis(
  spec: VegaLiteSpec,
  layers: Record<string, unknown>[],
  numin: number,
  numax: number,
  wavelengthAxis: boolean,
): VegaLiteSpec {
  const top = wavelengthAxis
    ? _wavelengthAxisLayer(numin, numax, (spec.width as number) / 150)
    : undefined;
  if (top === undefined) {
    spec.layer = layers;
    return spec;
  }
  spec.layer = [{ layer: layers }, top];
  spec.resolve = { axis: { x: "independent" } };
  return spec;
}

/**
 * A wavenumber figure made of labelled line series: one line layer over `nu` (x), with the
 * given y encoding, the colour legend when there are two or more series, and the optional
 * top wavelength axis. Shared by the spectrum and cross-section builders.
 */
export function _lineFigure(
  nu: NumArray,
  rows: Record<string, unknown>[],
  labels: readonly string[],
  y: Record<string, unknown>,
  opts: {
    width?: number | undefined;
    height: number;
    title?: string | undefined;
    subtitle?: string | undefined;
    wavelengthAxis?: boolean | undefined;
  },
): VegaLiteSpec {
  const [numin, numax] = _extent(nu);
  const main = {
    data: { values: rows },
    mark: {
      type: "line",
      strokeWidth: 1.2,
      clip: true,
      invalid: "break-paths-filter-domains",
    },
    encoding: {
      x: _nuX(numin, numax),
      y: { field: "v", type: "quantitative", ...y },
      color: _colorEncoding(labels, labels.length > 1),
    },
  };
  return _withWavelengthAxis(
    _topLevel(opts.width ?? 1200, opts.height, opts.title, opts.subtitle),
    [main],
    numin,
    numax,
    opts.wavelengthAxis ?? true,
  );
}
