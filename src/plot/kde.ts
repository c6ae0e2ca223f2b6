/**
 * Gaussian kernel density estimates (1-D and 2-D, Scott's bandwidth as in
 * `scipy.stats.gaussian_kde`), highest-density levels enclosing given probability masses,
 * and contour lines by marching squares: the numerics behind {@link pairPlotSpec}'s corner
 * plot.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { contourLines, densityLevels, kde2d } from "./kde.ts";
 * const x = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i * 12.9898) * 2);
 * const y = Float64Array.from({ length: 500 }, (_, i) => Math.cos(i * 78.233) * 2);
 * const g = kde2d(x, y);
 * const [l39] = densityLevels(g.density, [0.393]);
 * // the cells at or above the level hold 39.3 % of the total, those strictly above less
 * const total = g.density.reduce((a, b) => a + b);
 * const above = g.density.reduce((a, d) => a + (d >= l39! ? d : 0), 0);
 * assert.ok(above >= 0.393 * total && above - l39! < 0.393 * total);
 * assert.ok(contourLines(g, l39!).length > 0);
 * ```
 *
 * @module
 */

import type { NumArray } from "./types.ts";

/** A 1-D density on a regular grid. */
export interface Kde1d {
  /** Grid points. */
  x: Float64Array;
  /** Density at `x` (integrates to ≈ 1 over the whole line). */
  density: Float64Array;
  /** Kernel standard deviation used. */
  bandwidth: number;
}

/** Options of {@link kde1d}. */
export interface Kde1dOptions {
  /** Grid start (default: min − 3 bandwidths). */
  min?: number;
  /** Grid end (default: max + 3 bandwidths). */
  max?: number;
  /** Number of grid points (default 200). */
  n?: number;
  /** Kernel standard deviation (default Scott's rule σ·N^(−1/5)). */
  bandwidth?: number;
}

/** A 2-D density on a regular grid. */
export interface Grid2d {
  /** Column coordinates, length nx. */
  x: Float64Array;
  /** Row coordinates, length ny. */
  y: Float64Array;
  /** Row-major values: `density[i * nx + j]` is at (x[j], y[i]). */
  density: Float64Array;
}

/** Options of {@link kde2d}. */
export interface Kde2dOptions {
  /** Grid range in x (default: data range ± 3 kernel standard deviations). */
  xRange?: readonly [number, number];
  /** Grid range in y (default: data range ± 3 kernel standard deviations). */
  yRange?: readonly [number, number];
  /** Grid points along x (default 64). */
  nx?: number;
  /** Grid points along y (default 64). */
  ny?: number;
  /**
   * Bandwidth factor f: the kernel covariance is f² × the sample covariance (default
   * Scott's N^(−1/6), as `scipy.stats.gaussian_kde`).
   */
  bandwidthFactor?: number;
}

/** One contour polyline from {@link contourLines}. */
export interface ContourLine {
  /** x coordinates of the vertices. */
  x: Float64Array;
  /** y coordinates of the vertices. */
  y: Float64Array;
  /** True when the line is a closed ring (its last vertex equals its first). */
  closed: boolean;
}

function _meanVar(a: NumArray): [number, number] {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - m) ** 2;
  return [m, a.length > 1 ? v / (a.length - 1) : 0];
}

function _checkSamples(fn: string, name: string, a: NumArray): void {
  if (!(ArrayBuffer.isView(a) || Array.isArray(a))) {
    throw new TypeError(`${fn}: ${name} must be an array of numbers`);
  }
  if (a.length < 2) {
    throw new RangeError(`${fn}: ${name} needs ≥ 2 samples, got ${a.length}`);
  }
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      throw new RangeError(`${fn}: ${name}[${i}] is not finite (${a[i]})`);
    }
  }
}

/** A width to use when the samples have (almost) no spread. */
function _fallbackScale(m: number): number {
  return Math.max(Math.abs(m) * 1e-3, 1e-9);
}

/**
 * 1-D Gaussian KDE evaluated on a regular grid.
 *
 * @param samples Draws (all finite, at least 2).
 * @param options Grid and bandwidth.
 * @returns Grid, density and bandwidth.
 * @throws {RangeError} For fewer than 2 or non-finite samples.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { kde1d } from "./kde.ts";
 * const k = kde1d([0, 1, 2, 1.5, 0.5], { n: 400 });
 * // Scott's rule with the ddof = 1 standard deviation, as scipy.stats.gaussian_kde
 * assert.ok(Math.abs(k.bandwidth - Math.sqrt(0.625) * 5 ** -0.2) < 1e-12);
 * // scipy.stats.gaussian_kde([0, 1, 2, 1.5, 0.5])(1.00681445088783), k.x[200]
 * assert.ok(Math.abs(k.x[200]! - 1.00681445088783) < 1e-12);
 * assert.ok(Math.abs(k.density[200]! - 0.39029443356557275) < 1e-12);
 * // ≈ 1: the grid ends 3 bandwidths past the extreme samples, cutting off 0.056 % of the mass
 * const dx = k.x[1]! - k.x[0]!;
 * assert.ok(Math.abs(k.density.reduce((a, b) => a + b) * dx - 1) < 1e-3);
 * ```
 */
export function kde1d(samples: NumArray, options: Kde1dOptions = {}): Kde1d {
  const fn = "kde1d()";
  _checkSamples(fn, "samples", samples);
  const n = samples.length;
  const [m, v] = _meanVar(samples);
  let h = options.bandwidth ?? Math.sqrt(v) * Math.pow(n, -0.2);
  if (!(h > 0)) h = _fallbackScale(m);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, samples[i]!);
    hi = Math.max(hi, samples[i]!);
  }
  const a = options.min ?? lo - 3 * h, b = options.max ?? hi + 3 * h;
  const ng = options.n ?? 200;
  if (!(ng >= 2 && b > a)) {
    throw new RangeError(
      `${fn}: need n ≥ 2 and max > min, got ${ng}, [${a}, ${b}]`,
    );
  }
  const x = Float64Array.from(
    { length: ng },
    (_, k) => a + ((b - a) * k) / (ng - 1),
  );
  const d = new Float64Array(ng);
  const c = 1 / (n * h * Math.sqrt(2 * Math.PI));
  const cut = 6 * h;
  const dx = (b - a) / (ng - 1);
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    const k0 = Math.max(0, Math.ceil((s - cut - a) / dx));
    const k1 = Math.min(ng - 1, Math.floor((s + cut - a) / dx));
    for (let k = k0; k <= k1; k++) {
      const z = (x[k]! - s) / h;
      d[k]! += c * Math.exp(-0.5 * z * z);
    }
  }
  return { x, density: d, bandwidth: h };
}

/**
 * 2-D Gaussian KDE on a regular grid, with the full kernel covariance H = f²·Σ (Σ the
 * sample covariance, f Scott's N^(−1/6)), so correlated parameters get elongated kernels.
 * Each sample only touches the grid points within 4 kernel standard deviations, so the
 * cost is about N × (8 σ_kernel / cell)², not N × nx × ny.
 *
 * @param x First coordinate of the samples.
 * @param y Second coordinate (same length).
 * @param options Grid ranges, sizes and bandwidth factor.
 * @returns The grid and the density (integrating to ≈ 1 over the plane).
 * @throws {TypeError} When `x` and `y` differ in length.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { kde2d } from "./kde.ts";
 * const g = kde2d([0, 1, 0.5, 0.2], [1, 0, 0.3, 0.8], { nx: 20, ny: 30 });
 * assert.deepStrictEqual([g.x.length, g.y.length, g.density.length], [20, 30, 600]);
 * assert.ok(g.density.every((d) => d >= 0));
 * ```
 */
export function kde2d(
  x: NumArray,
  y: NumArray,
  options: Kde2dOptions = {},
): Grid2d {
  const fn = "kde2d()";
  _checkSamples(fn, "x", x);
  _checkSamples(fn, "y", y);
  if (x.length !== y.length) {
    throw new TypeError(
      `${fn}: x has length ${x.length} but y has length ${y.length}`,
    );
  }
  const n = x.length;
  const [mx, vx0] = _meanVar(x);
  const [my, vy0] = _meanVar(y);
  let cxy = 0;
  for (let i = 0; i < n; i++) cxy += (x[i]! - mx) * (y[i]! - my);
  cxy /= n - 1;
  const vx = vx0 > 0 ? vx0 : _fallbackScale(mx) ** 2;
  const vy = vy0 > 0 ? vy0 : _fallbackScale(my) ** 2;
  // Keep the covariance positive definite (|ρ| ≤ 0.999).
  const rmax = 0.999 * Math.sqrt(vx * vy);
  if (Math.abs(cxy) > rmax) cxy = Math.sign(cxy) * rmax;
  const f = options.bandwidthFactor ?? Math.pow(n, -1 / 6);
  const f2 = f * f;
  const hxx = f2 * vx, hyy = f2 * vy, hxy = f2 * cxy;
  const det = hxx * hyy - hxy * hxy;
  const ixx = hyy / det, iyy = hxx / det, ixy = -hxy / det;
  const sx = Math.sqrt(hxx), sy = Math.sqrt(hyy);
  const [xa, xb] = options.xRange ?? _range(x, 3 * sx);
  const [ya, yb] = options.yRange ?? _range(y, 3 * sy);
  const nx = options.nx ?? 64, ny = options.ny ?? 64;
  if (!(nx >= 2 && ny >= 2 && xb > xa && yb > ya)) {
    throw new RangeError(
      `${fn}: need nx, ny ≥ 2 and non-empty ranges, got ${nx} × ${ny}, ` +
        `[${xa}, ${xb}] × [${ya}, ${yb}]`,
    );
  }
  const gx = Float64Array.from(
    { length: nx },
    (_, j) => xa + ((xb - xa) * j) / (nx - 1),
  );
  const gy = Float64Array.from(
    { length: ny },
    (_, i) => ya + ((yb - ya) * i) / (ny - 1),
  );
  const dx = (xb - xa) / (nx - 1), dy = (yb - ya) / (ny - 1);
  const d = new Float64Array(nx * ny);
  const norm = 1 / (n * 2 * Math.PI * Math.sqrt(det));
  const rx = 4 * sx, ry = 4 * sy;
  for (let s = 0; s < n; s++) {
    const px = x[s]!, py = y[s]!;
    const j0 = Math.max(0, Math.ceil((px - rx - xa) / dx));
    const j1 = Math.min(nx - 1, Math.floor((px + rx - xa) / dx));
    const i0 = Math.max(0, Math.ceil((py - ry - ya) / dy));
    const i1 = Math.min(ny - 1, Math.floor((py + ry - ya) / dy));
    for (let i = i0; i <= i1; i++) {
      const ey = gy[i]! - py;
      const qy = iyy * ey * ey;
      const row = i * nx;
      for (let j = j0; j <= j1; j++) {
        const ex = gx[j]! - px;
        const q = ixx * ex * ex + 2 * ixy * ex * ey + qy;
        if (q < 32) d[row + j]! += norm * Math.exp(-0.5 * q);
      }
    }
  }
  return { x: gx, y: gy, density: d };
}

function _range(a: NumArray, pad: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]!);
    hi = Math.max(hi, a[i]!);
  }
  return [lo - pad, hi + pad];
}

/**
 * Highest-density levels: for each mass m, the density value t such that the grid cells
 * with density ≥ t hold a fraction m of the grid's total (as corner.py does). For a 2-D
 * Gaussian, m = 1 − e^(−k²/2) gives the k-σ ellipse: 0.393 (1σ), 0.865 (2σ), 0.989 (3σ).
 *
 * @param density Grid values (any shape, ≥ 0).
 * @param masses Fractions in (0, 1).
 * @returns One level per mass (decreasing as the mass increases).
 * @throws {RangeError} When a mass is outside (0, 1) or the density sums to 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { densityLevels } from "./kde.ts";
 * // total 10: 4 alone holds 40 %, 4 + 3 hold 70 %
 * assert.deepStrictEqual(densityLevels([4, 3, 2, 1], [0.4, 0.7]), [4, 3]);
 * ```
 */
export function densityLevels(
  density: NumArray,
  masses: readonly number[],
): number[] {
  const fn = "densityLevels()";
  const v = Float64Array.from(density).filter((d) => d > 0).sort().reverse();
  let total = 0;
  for (const d of v) total += d;
  if (!(total > 0)) throw new RangeError(`${fn}: density sums to ${total}`);
  return masses.map((m) => {
    if (!(m > 0 && m < 1)) {
      throw new RangeError(`${fn}: mass must be in (0, 1), got ${m}`);
    }
    let c = 0;
    for (let k = 0; k < v.length; k++) {
      c += v[k]!;
      if (c >= m * total) return v[k]!;
    }
    return v[v.length - 1]!;
  });
}

// Marching-squares segment table. Corner bits: bottom-left 1, bottom-right 2, top-right 4,
// top-left 8 (set when the value is above the level). Edges: 0 bottom, 1 right, 2 top,
// 3 left. Saddles (5, 10) are resolved with the cell-centre average, see contourLines.
const _SEGMENTS: readonly (readonly number[])[] = [
  [],
  [3, 0],
  [0, 1],
  [3, 1],
  [1, 2],
  [], // saddle
  [0, 2],
  [3, 2],
  [2, 3],
  [0, 2],
  [], // saddle
  [1, 2],
  [3, 1],
  [0, 1],
  [3, 0],
  [],
];

/**
 * Contour lines of a gridded field at one level (marching squares with linear
 * interpolation along cell edges; saddle cells are split using the average of the four
 * corners). Segments are chained into polylines; lines that do not touch the grid border
 * come back closed.
 *
 * @param grid The field, e.g. from {@link kde2d}.
 * @param level The contour value.
 * @returns The polylines (empty when the level is outside the field's range).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { contourLines } from "./kde.ts";
 * const x = Float64Array.from({ length: 41 }, (_, j) => -2 + j * 0.1);
 * const density = new Float64Array(41 * 41).map((_, k) => Math.hypot(x[k % 41]!, x[(k / 41) | 0]!));
 * const lines = contourLines({ x, y: x, density }, 1);
 * assert.strictEqual(lines.length, 1);
 * const ring = lines[0]!;
 * assert.ok(ring.closed);
 * // linear interpolation of r along a cell edge (step h = 0.1) errs by at most h²/(8r) ≈ 1.3e-3
 * assert.ok(ring.x.every((xv, k) => Math.abs(Math.hypot(xv, ring.y[k]!) - 1) < 1.5e-3));
 * ```
 */
export function contourLines(grid: Grid2d, level: number): ContourLine[] {
  const { x, y, density } = grid;
  const nx = x.length, ny = y.length;
  if (density.length !== nx * ny) {
    throw new TypeError(
      `contourLines(): density has length ${density.length} but x.length × y.length = ${
        nx * ny
      }`,
    );
  }
  // Edge ids: horizontal edge (i, j) → i*(nx-1)+j; vertical edge (i, j) → H + i*nx + j.
  const H = ny * (nx - 1);
  const segA: number[] = [], segB: number[] = [];
  const up = (i: number, j: number) => density[i * nx + j]! > level;
  for (let i = 0; i < ny - 1; i++) {
    for (let j = 0; j < nx - 1; j++) {
      const code = (up(i, j) ? 1 : 0) | (up(i, j + 1) ? 2 : 0) |
        (up(i + 1, j + 1) ? 4 : 0) | (up(i + 1, j) ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const edge = [
        i * (nx - 1) + j, // bottom
        H + i * nx + j + 1, // right
        (i + 1) * (nx - 1) + j, // top
        H + i * nx + j, // left
      ];
      let pairs: number[];
      if (code === 5 || code === 10) {
        const centre = 0.25 * (density[i * nx + j]! + density[i * nx + j + 1]! +
          density[(i + 1) * nx + j]! + density[(i + 1) * nx + j + 1]!);
        const centreUp = centre > level;
        // code 5: bl & tr above. Centre above → cut off br (0-1) and tl (2-3).
        pairs = (code === 5) === centreUp ? [0, 1, 2, 3] : [3, 0, 1, 2];
      } else {
        pairs = _SEGMENTS[code] as number[];
      }
      for (let k = 0; k < pairs.length; k += 2) {
        segA.push(edge[pairs[k]!]!);
        segB.push(edge[pairs[k + 1]!]!);
      }
    }
  }
  // Point of an edge crossing.
  const point = (e: number): [number, number] => {
    if (e < H) {
      const i = Math.floor(e / (nx - 1)), j = e % (nx - 1);
      const d0 = density[i * nx + j]!, d1 = density[i * nx + j + 1]!;
      const t = (level - d0) / (d1 - d0);
      return [x[j]! + t * (x[j + 1]! - x[j]!), y[i]!];
    }
    const r = e - H;
    const i = Math.floor(r / nx), j = r % nx;
    const d0 = density[i * nx + j]!, d1 = density[(i + 1) * nx + j]!;
    const t = (level - d0) / (d1 - d0);
    return [x[j]!, y[i]! + t * (y[i + 1]! - y[i]!)];
  };
  // Chain segments through shared edges.
  const byEdge = new Map<number, number[]>();
  for (let s = 0; s < segA.length; s++) {
    for (const e of [segA[s]!, segB[s]!]) {
      const l = byEdge.get(e);
      if (l === undefined) byEdge.set(e, [s]);
      else l.push(s);
    }
  }
  const used = new Uint8Array(segA.length);
  const lines: ContourLine[] = [];
  const walk = (s0: number, from: number): ContourLine => {
    const edges: number[] = [from];
    let s = s0, e = from;
    for (;;) {
      used[s] = 1;
      e = segA[s] === e ? segB[s]! : segA[s]!;
      edges.push(e);
      const next = (byEdge.get(e) ?? []).find((t) => !used[t]);
      if (next === undefined) break;
      s = next;
    }
    const closed = edges.length > 2 && edges[0] === edges[edges.length - 1];
    const px = new Float64Array(edges.length),
      py = new Float64Array(edges.length);
    edges.forEach((ed, k) => {
      [px[k], py[k]] = point(ed);
    });
    return { x: px, y: py, closed };
  };
  // Open lines start at border edges (used by one segment only).
  for (const [e, l] of byEdge) {
    if (l.length === 1 && !used[l[0]!]) lines.push(walk(l[0]!, e));
  }
  for (let s = 0; s < segA.length; s++) {
    if (!used[s]) lines.push(walk(s, segA[s]!));
  }
  return lines;
}
