/**
 * Contribution-function heat map: pressure [bar] (logarithmic, top of the atmosphere at the
 * top) against wavenumber [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { contributionSpec } from "./contribution.ts";
 * const nu = [4350, 4351, 4352];
 * const pressure = [1e-3, 1e-1, 10];
 * const cf = new Float64Array(9).fill(1);
 * const spec = contributionSpec({ nu, pressure, cf });
 * assert.deepStrictEqual([spec.width, spec.height], [1200, 440]);
 * type Layer = { mark: { type: string }; encoding: Record<string, { field?: string }>; data: { values: { c: number }[] } };
 * const [main] = spec.layer as [Layer, unknown]; // the heat map, then the top wavelength axis
 * assert.strictEqual(main.mark.type, "rect");
 * assert.deepStrictEqual([main.encoding.x!.field, main.encoding.y!.field, main.encoding.color!.field], ["x0", "y0", "c"]);
 * assert.strictEqual(main.data.values.length, 9); // 3 layers × 3 wavenumbers, no averaging
 * assert.ok(main.data.values.every((r) => r.c === 1)); // normalised to the maximum
 * ```
 *
 * @module
 */

import {
  _checkArray,
  _checkNonEmpty,
  _log10Axis,
  _round,
  _topLevel,
  _wavelengthAxisLayer,
} from "./_util.ts";
import type { FigureOptions, NumArray, VegaLiteSpec } from "./types.ts";

/** Input of {@link contributionSpec}. */
export interface ContributionInput extends FigureOptions {
  /** Wavenumber grid [cm⁻¹], length nnu, monotonic. */
  nu: NumArray;
  /** Layer pressures [bar], length nlayer, all > 0 (either order). */
  pressure: NumArray;
  /**
   * Contribution function, row-major [nlayer][nnu] flattened (`cf[i * nnu + j]` is layer i
   * at `nu[j]`), as ExoJAX's `art.contribution_function` / `plotcf` array.
   */
  cf: NumArray;
  /**
   * Normalisation of the colours: "max" divides by the overall maximum (default), "column"
   * scales each wavenumber column to a maximum of 1 (shows where each ν is formed even in
   * weak lines), "none" keeps the values.
   */
  normalize?: "max" | "column" | "none";
  /** At most this many wavenumber cells (default 400); neighbouring columns are averaged. */
  maxNu?: number;
  /** At most this many pressure cells (default 100); neighbouring layers are averaged. */
  maxLayers?: number;
  /** Draw a secondary top axis in wavelength [Å] (default true). */
  wavelengthAxis?: boolean;
}

/**
 * Heat map of a contribution function: wavenumber [cm⁻¹] on x, pressure [bar] on a log y
 * axis increasing downward (top of atmosphere at the top). The array is block-averaged to
 * at most `maxNu` × `maxLayers` (default 400 × 100) rect cells, whose edges sit halfway
 * between grid points (geometric midpoints in pressure). Default size 1200 × 440 px.
 *
 * @param input Grid, pressures, the flattened [nlayer][nnu] contribution function, options.
 * @returns A vega-lite spec.
 * @throws {TypeError} When `cf.length !== pressure.length × nu.length`.
 * @throws {RangeError} When a pressure is not > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { contributionSpec } from "./contribution.ts";
 * import { renderSvg } from "./render.ts";
 * const nu = Float64Array.from({ length: 60 }, (_, j) => 4350 + 0.05 * j);
 * const pressure = Float64Array.from({ length: 30 }, (_, i) => 10 ** (-4 + (6 * i) / 29));
 * const cf = new Float64Array(30 * 60).map((_, k) => Math.exp(-((((k / 60) | 0) - 20) ** 2) / 8));
 * const svg = await renderSvg(contributionSpec({ nu, pressure, cf }));
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("pressure [bar]") && svg.includes("wavenumber [cm⁻¹]"));
 * ```
 */
export function contributionSpec(input: ContributionInput): VegaLiteSpec {
  const fn = "contributionSpec()";
  const nu = _checkArray(fn, "nu", input.nu);
  const p = _checkArray(fn, "pressure", input.pressure);
  const cf = _checkArray(fn, "cf", input.cf);
  _checkNonEmpty(fn, "nu", nu);
  _checkNonEmpty(fn, "pressure", p);
  const nnu = nu.length, nl = p.length;
  if (cf.length !== nnu * nl) {
    throw new TypeError(
      `${fn}: cf has length ${cf.length} but pressure.length × nu.length = ` +
        `${nl} × ${nnu} = ${nl * nnu}`,
    );
  }
  for (let i = 0; i < nl; i++) {
    if (!(p[i]! > 0)) {
      throw new RangeError(`${fn}: pressure[${i}] must be > 0, got ${p[i]}`);
    }
  }
  const maxNu = input.maxNu ?? 400, maxLayers = input.maxLayers ?? 100;
  if (!(maxNu >= 1 && maxLayers >= 1)) {
    throw new RangeError(
      `${fn}: maxNu and maxLayers must be ≥ 1, got ${maxNu}, ${maxLayers}`,
    );
  }
  const xb = _bins(nnu, maxNu), yb = _bins(nl, maxLayers);
  const xe = _edges(nu, false), ye = _edges(p, true);
  // Block averages.
  const nx = xb.length - 1, ny = yb.length - 1;
  const val = new Float64Array(nx * ny);
  for (let a = 0; a < ny; a++) {
    for (let b = 0; b < nx; b++) {
      let s = 0, c = 0;
      for (let i = yb[a]!; i < yb[a + 1]!; i++) {
        for (let j = xb[b]!; j < xb[b + 1]!; j++) {
          const v = cf[i * nnu + j]!;
          if (Number.isFinite(v)) {
            s += v;
            c++;
          }
        }
      }
      val[a * nx + b] = c > 0 ? s / c : NaN;
    }
  }
  const norm = input.normalize ?? "max";
  if (norm === "max") {
    let m = 0;
    for (const v of val) if (Math.abs(v) > m) m = Math.abs(v);
    if (m > 0) { for (let k = 0; k < val.length; k++) val[k]! /= m; }
  } else if (norm === "column") {
    for (let b = 0; b < nx; b++) {
      let m = 0;
      for (let a = 0; a < ny; a++) m = Math.max(m, Math.abs(val[a * nx + b]!));
      if (m > 0) { for (let a = 0; a < ny; a++) val[a * nx + b]! /= m; }
    }
  } else if (norm !== "none") {
    throw new RangeError(`${fn}: unknown normalize "${norm}"`);
  }
  // Block edges; each cell reaches 60 % into its successor so anti-aliased edges leave
  // no seams (cells are drawn in order, the overlap is covered by the next cell).
  const bx = xb.map((k) => xe[k]!), by = yb.map((k) => ye[k]!);
  const reach = (e: number[], k: number, log: boolean) => {
    if (k + 1 >= e.length) return e[k]!;
    return log
      ? e[k]! * Math.pow(e[k + 1]! / e[k]!, 0.6)
      : e[k]! + 0.6 * (e[k + 1]! - e[k]!);
  };
  const rows: Record<string, number | null>[] = [];
  for (let a = 0; a < ny; a++) {
    const y0 = _round(by[a]!, 6), y1 = _round(reach(by, a + 1, true), 6);
    for (let b = 0; b < nx; b++) {
      rows.push({
        x0: _round(bx[b]!, 10),
        x1: _round(reach(bx, b + 1, false), 10),
        y0,
        y1,
        c: _round(val[a * nx + b]!, 4),
      });
    }
  }
  const numin = Math.min(xe[0]!, xe[nnu]!), numax = Math.max(xe[0]!, xe[nnu]!);
  const pmin = Math.min(ye[0]!, ye[nl]!), pmax = Math.max(ye[0]!, ye[nl]!);
  const cTitle = norm === "none"
    ? "contribution"
    : norm === "max"
    ? "contribution / max"
    : "contribution / column max";
  const main = {
    data: { values: rows },
    // aria: false drops a per-cell aria-label (it would make the SVG ~10× larger).
    mark: { type: "rect", clip: true, aria: false },
    encoding: {
      x: {
        field: "x0",
        type: "quantitative",
        title: "wavenumber [cm⁻¹]",
        scale: { domain: [numin, numax], nice: false, zero: false },
        axis: {
          orient: "bottom",
          labelFlush: true,
          tickCount: 12,
          grid: false,
        },
      },
      x2: { field: "x1" },
      y: {
        field: "y0",
        type: "quantitative",
        title: "pressure [bar]",
        scale: {
          type: "log",
          domain: [pmin, pmax],
          nice: false,
          reverse: true,
        },
        axis: { grid: false, ..._log10Axis(pmin, pmax, 3) },
      },
      y2: { field: "y1" },
      color: {
        field: "c",
        type: "quantitative",
        title: cTitle,
        scale: { scheme: "viridis" },
        legend: { orient: "right", gradientLength: 240, titleOrient: "left" },
      },
    },
  };
  const spec = _topLevel(
    input.width ?? 1200,
    input.height ?? 440,
    input.title,
    input.subtitle,
  );
  const top = (input.wavelengthAxis ?? true)
    ? _wavelengthAxisLayer(numin, numax, (spec.width as number) / 150)
    : undefined;
  if (top === undefined) {
    spec.layer = [main];
  } else {
    spec.layer = [main, top];
    spec.resolve = { axis: { x: "independent" } };
  }
  return spec;
}

/** Bin boundaries (indices) splitting n items into at most m contiguous blocks. */
function _bins(n: number, m: number): number[] {
  const k = Math.min(n, Math.floor(m));
  return Array.from({ length: k + 1 }, (_, b) => Math.round((b * n) / k));
}

/** n + 1 cell edges halfway between the n points (geometric halfway with `log`). */
function _edges(v: ArrayLike<number>, log: boolean): Float64Array {
  const n = v.length;
  const f = (x: number) => (log ? Math.log(x) : x);
  const g = (x: number) => (log ? Math.exp(x) : x);
  const e = new Float64Array(n + 1);
  if (n === 1) {
    const x = f(v[0]!);
    const h = log ? 0.5 : Math.max(Math.abs(x) * 1e-6, 0.5);
    e[0] = g(x - h);
    e[1] = g(x + h);
    return e;
  }
  for (let i = 1; i < n; i++) e[i] = g(0.5 * (f(v[i - 1]!) + f(v[i]!)));
  e[0] = g(1.5 * f(v[0]!) - 0.5 * f(v[1]!));
  e[n] = g(1.5 * f(v[n - 1]!) - 0.5 * f(v[n - 2]!));
  return e;
}
