// Private helpers shared by the spec builders (not exported from mod.ts).

import type { VegaLiteSpec } from "./types.ts";

/** The vega-lite schema the builders target. */
export const _SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Font family written into every spec; `svgToPng` loads DejaVu Sans by default. */
export const _FONT = "DejaVu Sans";

/** Tableau-10 colours, used in order for the series of a figure. */
export const _PALETTE: readonly string[] = [
  "#4c78a8",
  "#f58518",
  "#54a24b",
  "#e45756",
  "#72b7b2",
  "#b279a2",
  "#eeca3b",
  "#9d755d",
  "#ff9da6",
  "#bab0ac",
];

/** Shared look: DejaVu Sans, readable sizes, white background, light grid. */
export function _config(): Record<string, unknown> {
  return {
    font: _FONT,
    background: "white",
    axis: {
      labelFontSize: 12,
      titleFontSize: 13,
      titleFontWeight: "normal",
      gridColor: "#e4e4e4",
      tickColor: "#888",
      domainColor: "#888",
    },
    legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 520 },
    title: {
      fontSize: 15,
      fontWeight: "bold",
      subtitleFontSize: 12,
      subtitleColor: "#555",
      anchor: "start",
    },
    view: { stroke: "#888" },
  };
}

/** Builds the top-level fields common to all single-view figures. */
export function _topLevel(
  width: number,
  height: number,
  title: string | undefined,
  subtitle: string | undefined,
): VegaLiteSpec {
  const spec: VegaLiteSpec = {
    $schema: _SCHEMA,
    width,
    height,
    autosize: { type: "fit", contains: "padding" },
    padding: 8,
    config: _config(),
  };
  if (title !== undefined || subtitle !== undefined) {
    const t: Record<string, unknown> = { text: title ?? "" };
    if (subtitle !== undefined) t.subtitle = subtitle;
    spec.title = t;
  }
  return spec;
}

/** Throws a TypeError unless `a` is an array-like of numbers. */
export function _checkArray(
  fn: string,
  name: string,
  a: unknown,
): ArrayLike<number> {
  if (
    !(ArrayBuffer.isView(a) || Array.isArray(a)) ||
    typeof (a as ArrayLike<number>).length !== "number"
  ) {
    throw new TypeError(`${fn}: ${name} must be an array of numbers`);
  }
  return a as ArrayLike<number>;
}

/** Throws a TypeError unless `a.length === n`, naming both arrays. */
export function _checkLength(
  fn: string,
  name: string,
  a: unknown,
  n: number,
  refName: string,
): ArrayLike<number> {
  const arr = _checkArray(fn, name, a);
  if (arr.length !== n) {
    throw new TypeError(
      `${fn}: ${name} has length ${arr.length} but ${refName} has length ${n}`,
    );
  }
  return arr;
}

/** Throws a RangeError if the array is empty. */
export function _checkNonEmpty(
  fn: string,
  name: string,
  a: ArrayLike<number>,
): void {
  if (a.length === 0) throw new RangeError(`${fn}: ${name} is empty`);
}

/** Rounds to `digits` significant digits (keeps the JSON small); non-finite → null. */
export function _round(x: number, digits: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

/**
 * Indices that keep a line's shape when it has more than `maxPoints` points: the
 * first/last point and the minimum and maximum of each of ⌈maxPoints/2⌉ buckets, in order
 * (min/max decimation). Returns all indices when no decimation is needed.
 */
export function _decimate(y: ArrayLike<number>, maxPoints: number): number[] {
  const n = y.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const nb = Math.max(1, Math.floor(maxPoints / 2));
  const out: number[] = [];
  for (let b = 0; b < nb; b++) {
    const i0 = Math.floor((b * n) / nb);
    const i1 = Math.floor(((b + 1) * n) / nb);
    let iMin = i0, iMax = i0;
    for (let i = i0; i < i1; i++) {
      const v = y[i]!;
      if (v < y[iMin]! || !Number.isFinite(y[iMin]!)) iMin = i;
      if (v > y[iMax]! || !Number.isFinite(y[iMax]!)) iMax = i;
    }
    if (iMin === iMax) out.push(iMin);
    else out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  if (out[0] !== 0) out.unshift(0);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** Minimum and maximum of the finite values (NaN, NaN when there are none). */
export function _extent(a: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** A "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks over `span`. */
export function _niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/**
 * A top x axis in wavelength [Å] on a wavenumber [cm⁻¹] scale: a transparent layer whose
 * axis has its ticks at round wavelengths (λ = 1e8/ν, exact, not a linear approximation).
 * Returns undefined when the range is degenerate.
 */
export function _wavelengthAxisLayer(
  numin: number,
  numax: number,
  tickCount: number,
): Record<string, unknown> | undefined {
  if (!(numin > 0 && numax > numin)) return undefined;
  const wmin = 1e8 / numax, wmax = 1e8 / numin;
  const step = _niceStep(wmax - wmin, tickCount);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  for (let k = Math.ceil(wmin / step); k * step <= wmax * (1 + 1e-12); k++) {
    values.push(1e8 / (k * step));
  }
  if (values.length < 2) return undefined;
  return {
    data: { values: [{ nu: numin }, { nu: numax }] },
    mark: { type: "point", opacity: 0 },
    encoding: {
      x: {
        field: "nu",
        type: "quantitative",
        axis: {
          orient: "top",
          title: "wavelength [Å]",
          values: values.map((v) => _round(v, 12)),
          labelExpr: `format(1e8 / datum.value, ',.${decimals}f')`,
          grid: false,
        },
      },
    },
  };
}

/** The x encoding for wavenumber [cm⁻¹] with a fixed, un-niced domain. */
export function _nuX(numin: number, numax: number): Record<string, unknown> {
  return {
    field: "nu",
    type: "quantitative",
    title: "wavenumber [cm⁻¹]",
    scale: { domain: [numin, numax], nice: false, zero: false },
    axis: { orient: "bottom", labelFlush: true, tickCount: 12 },
  };
}

/** Escapes text for HTML element content and attribute values. */
export function _escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const _SUP: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** "10⁻²²" for e = −22. */
export function _pow10Label(e: number): string {
  return "10" + [...String(e)].map((c) => _SUP[c] ?? c).join("");
}

/**
 * Axis properties for a log scale over [lo, hi]: ticks at powers of ten (every k-th decade
 * when there are more than `maxTicks`), labelled 10ⁿ (or as decimals for |n| ≤ `plainUpTo`).
 */
export function _log10Axis(
  lo: number,
  hi: number,
  plainUpTo = -1,
  maxTicks = 12,
): Record<string, unknown> {
  const e0 = Math.ceil(Math.log10(lo) - 1e-9),
    e1 = Math.floor(Math.log10(hi) + 1e-9);
  if (!(e1 >= e0)) return {};
  const step = Math.max(1, Math.ceil((e1 - e0 + 1) / maxTicks));
  const labels: string[] = [];
  for (let e = e0; e <= e1; e++) {
    labels.push(
      Math.abs(e) <= plainUpTo ? String(Number(`1e${e}`)) : _pow10Label(e),
    );
  }
  const values: number[] = [];
  for (let e = e0; e <= e1; e += step) values.push(Number(`1e${e}`));
  return {
    values,
    labelExpr: `${
      JSON.stringify(labels)
    }[round(log(datum.value) / LN10) - (${e0})]`,
  };
}
