/**
 * Wavenumber grids as ExoJAX v2.0 builds them (`exojax/utils/grids.py` `wavenumber_grid`,
 * `velocity_grid`; `exojax/utils/instfunc.py` `resolution_eslog`;
 * `exojax/spec/unitconvert.py` `wav2nu`, `nu2wav`).
 *
 * An ESLOG grid is evenly spaced in ln ν: `np.logspace(log10 x0, log10 x1, n)` in the input
 * unit, converted to cm⁻¹ (ν = 1e8/λ[Å] = 1e7/λ[nm] = 1e4/λ[µm]) and sorted ascending.
 * Its resolution is R = (n − 1)/ln(ν_last/ν_first) = 1/Δln ν.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { wavenumberGrid } from "./wavenumber_grid.ts";
 * const g = wavenumberGrid(22920, 23000, 3500, { unit: "AA" });
 * assert.strictEqual(g.nu.length, 3500);
 * // R = (n − 1)/ln(λ₁/λ₀); ln of a ratio this close to 1 magnifies rounding ~300×, hence 1e-11
 * assert.ok(Math.abs(g.resolution / (3499 / Math.log(23000 / 22920)) - 1) < 1e-11);
 * assert.strictEqual(Math.round(g.resolution), 1004212);
 * ```
 *
 * @module
 */

import { C_KMS } from "../constants.ts";
import { NonFiniteError } from "../errors.ts";

/** Stage named by the NonFiniteErrors this module throws. */
const STAGE = "grid.wavenumber_grid";

/** Unit of the grid end points: Ångström, nanometre, micrometre, or wavenumber cm⁻¹. */
export type GridUnit = "AA" | "nm" | "um" | "cm-1";

/** Cross-section modes that use an ESLOG grid (ExoJAX `xsmode`). */
export type GridMode = "premodit" | "modit" | "lpf";

/** An ESLOG wavenumber grid and its companion wavelength grid. */
export interface WavenumberGrid {
  /** Wavenumbers [cm⁻¹], ascending, evenly spaced in ln ν. */
  nu: Float64Array;
  /**
   * Wavelengths in the input unit (Å when the input unit is cm⁻¹). As in ExoJAX's default
   * `wavelength_order="descending"`, `wavelength[i]` is the wavelength of `nu[i]`, so the array
   * is in descending order; with `wavelengthOrder: "ascending"` it is reversed
   * (`wavelength[i]` ↔ `nu[n − 1 − i]`).
   */
  wavelength: Float64Array;
  /** Spectral resolution R = 1/Δln ν (`resolution_eslog`). */
  resolution: number;
  /** Unit of the input end points (and of `wavelength`, Å for "cm-1"). */
  unit: GridUnit;
  /** Cross-section mode the grid was built for. */
  mode: string;
}

/** Options of {@link wavenumberGrid}. */
export interface WavenumberGridOptions {
  /** Unit of x0 and x1 (default "AA"). */
  unit?: GridUnit;
  /** Cross-section mode (default "premodit"); all supported modes use ESLOG. */
  mode?: GridMode;
  /** Order of the returned wavelength array (default "descending", as ExoJAX). */
  wavelengthOrder?: "descending" | "ascending";
}

const _UNITS: readonly GridUnit[] = ["AA", "nm", "um", "cm-1"];
const _MODES: readonly string[] = ["premodit", "modit", "lpf"];
const _TO_NU: Record<Exclude<GridUnit, "cm-1">, number> = {
  AA: 1e8,
  nm: 1e7,
  um: 1e4,
};

function _checkPositiveFinite(v: unknown, name: string, fn: string): void {
  if (typeof v !== "number") {
    throw new TypeError(`${fn}: ${name} must be a number, got ${typeof v}`);
  }
  if (!Number.isFinite(v) || v <= 0) {
    const msg = `${fn}: ${name} must be finite and > 0, got ${v}`;
    if (!Number.isFinite(v)) throw new NonFiniteError(STAGE, name, v, msg);
    throw new RangeError(msg);
  }
}

/**
 * Builds an ESLOG wavenumber grid like ExoJAX's `wavenumber_grid(x0, x1, n, xsmode, unit=…)`.
 *
 * The n points are `10^linspace(log10 x0, log10 x1, n)` in the input unit (numpy's
 * `logspace`), converted to cm⁻¹ and ascending. ExoJAX additionally insists on an even n
 * (for its rigid-rotation convolution); exospec accepts any n ≥ 2.
 *
 * @param x0 Start of the range in `unit` (> 0).
 * @param x1 End of the range in `unit` (> x0).
 * @param n Number of grid points, an integer ≥ 2.
 * @param opts Unit (default "AA"), mode (default "premodit"), wavelength order.
 * @returns The grid: `nu` [cm⁻¹] ascending, `wavelength`, `resolution`, `unit`, `mode`.
 * @throws {TypeError} If an argument has the wrong type.
 * @throws {RangeError} If x0, x1 are not finite and positive with x0 < x1, n is not an
 *   integer ≥ 2, or the unit, mode or order is unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { wavenumberGrid } from "./wavenumber_grid.ts";
 * const g = wavenumberGrid(4000, 4001, 4, { unit: "cm-1" });
 * assert.ok(Math.abs(g.nu[3]! / 4001 - 1) < 1e-12); // last point = x1 [cm⁻¹]
 * assert.ok(Math.abs(g.wavelength[0]! / 25000 - 1) < 1e-12); // 1e8 / 4000 cm⁻¹ = 25000 Å
 * ```
 */
export function wavenumberGrid(
  x0: number,
  x1: number,
  n: number,
  opts: WavenumberGridOptions = {},
): WavenumberGrid {
  const fn = "wavenumberGrid()";
  _checkPositiveFinite(x0, "x0", fn);
  _checkPositiveFinite(x1, "x1", fn);
  if (!(x0 < x1)) {
    throw new RangeError(`${fn}: x0 must be < x1, got x0=${x0}, x1=${x1}`);
  }
  if (typeof n !== "number") {
    throw new TypeError(`${fn}: n must be a number, got ${typeof n}`);
  }
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`${fn}: n must be an integer >= 2, got ${n}`);
  }
  const unit = opts.unit ?? "AA";
  if (!_UNITS.includes(unit)) {
    throw new RangeError(
      `${fn}: unknown unit "${unit}" (use AA, nm, um or cm-1)`,
    );
  }
  const mode = opts.mode ?? "premodit";
  if (!_MODES.includes(mode)) {
    throw new RangeError(
      `${fn}: unknown mode "${mode}" (use premodit, modit or lpf)`,
    );
  }
  const order = opts.wavelengthOrder ?? "descending";
  if (order !== "descending" && order !== "ascending") {
    throw new RangeError(`${fn}: unknown wavelengthOrder "${order}"`);
  }
  // numpy.logspace: 10 ** linspace(start, stop, n), linspace = start + i*step, last = stop.
  const a = Math.log10(x0);
  const b = Math.log10(x1);
  const step = (b - a) / (n - 1);
  const grid = new Float64Array(n);
  for (let i = 0; i < n; i++) grid[i] = Math.pow(10, a + i * step);
  grid[n - 1] = Math.pow(10, b);
  const nu = new Float64Array(n);
  if (unit === "cm-1") {
    nu.set(grid);
  } else {
    const f = _TO_NU[unit];
    for (let i = 0; i < n; i++) nu[i] = f / grid[n - 1 - i]!;
  }
  const wf = unit === "cm-1" ? 1e8 : _TO_NU[unit];
  const wavelength = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    wavelength[i] = wf / (order === "descending" ? nu[i]! : nu[n - 1 - i]!);
  }
  return { nu, wavelength, resolution: resolutionEslog(nu), unit, mode };
}

/**
 * Spectral resolution of an ESLOG grid, R = (n − 1)/ln(ν_last/ν_first) = 1/Δln ν
 * (ExoJAX `resolution_eslog`).
 *
 * @param nu Ascending wavenumber grid [cm⁻¹], at least 2 positive points.
 * @returns R (dimensionless).
 * @throws {TypeError} If nu is not a Float64Array with at least 2 points.
 * @throws {RangeError} If the end points are not positive and ascending.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { resolutionEslog } from "./wavenumber_grid.ts";
 * // (2 − 1)/ln(e/1) = 1
 * assert.ok(Math.abs(resolutionEslog(new Float64Array([1, Math.E])) - 1) < 1e-12);
 * ```
 */
export function resolutionEslog(nu: Float64Array): number {
  if (!(nu instanceof Float64Array)) {
    throw new TypeError("resolutionEslog(): nu must be a Float64Array");
  }
  if (nu.length < 2) {
    throw new TypeError(
      `resolutionEslog(): nu needs at least 2 points, got ${nu.length}`,
    );
  }
  const first = nu[0]!;
  const last = nu[nu.length - 1]!;
  if (!(first > 0) || !(last > first) || !Number.isFinite(last)) {
    throw new RangeError(
      `resolutionEslog(): nu must be positive and ascending, got nu[0]=${first}, nu[-1]=${last}`,
    );
  }
  return (nu.length - 1) / Math.log(last / first);
}

/**
 * Velocity grid for spectral operators (rotation, instrument profile), exactly as ExoJAX's
 * `velocity_grid(resolution, vmax)`: Δv = c·log1p(1/R) [km/s], N_k = ⌊vmax/Δv + 1⌋, and the
 * 2N_k + 1 points Δv·(−N_k … N_k).
 *
 * @param resolution Spectral resolution R of the ESLOG grid (> 0).
 * @param vmax Largest velocity to cover [km/s] (≥ 0).
 * @returns Velocities [km/s], ascending, symmetric about 0.
 * @throws {TypeError} If an argument is not a number.
 * @throws {RangeError} If resolution is not finite and > 0, or vmax is not finite and ≥ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { velocityGrid } from "./wavenumber_grid.ts";
 * // Δv = c·log1p(1e-6) ≈ 0.29979 km/s, N_k = ⌊1/Δv + 1⌋ = 4
 * const v = velocityGrid(1e6, 1);
 * assert.strictEqual(v.length, 9);
 * assert.strictEqual(v[0], -v[v.length - 1]!);
 * assert.ok(Math.abs(v[5]! - 299792.458 * Math.log1p(1e-6)) < 1e-12);
 * ```
 */
export function velocityGrid(resolution: number, vmax: number): Float64Array {
  const fn = "velocityGrid()";
  _checkPositiveFinite(resolution, "resolution", fn);
  if (typeof vmax !== "number") {
    throw new TypeError(`${fn}: vmax must be a number, got ${typeof vmax}`);
  }
  if (!Number.isFinite(vmax) || vmax < 0) {
    const msg = `${fn}: vmax must be finite and >= 0, got ${vmax}`;
    if (!Number.isFinite(vmax)) {
      throw new NonFiniteError(STAGE, "vmax", vmax, msg);
    }
    throw new RangeError(msg);
  }
  const dv = C_KMS * Math.log1p(1 / resolution);
  const nk = Math.trunc(vmax / dv + 1);
  const v = new Float64Array(2 * nk + 1);
  for (let i = 0; i < v.length; i++) v[i] = dv * (i - nk);
  return v;
}

/**
 * Grid-index coordinate q = R·ln(ν/ν₀) of the ESLOG grid: the fractional index of ν
 * (q = i at ν = nu[i]). PreMODIT works in this coordinate, where the Doppler width is the
 * same for every line.
 *
 * @param nu Wavenumber [cm⁻¹] (> 0).
 * @param grid The ESLOG grid (`nu` ascending and `resolution`).
 * @returns The fractional grid index q.
 * @throws {TypeError} If nu is not a number.
 * @throws {RangeError} If nu is not finite and > 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gridIndexCoordinate, wavenumberGrid } from "./wavenumber_grid.ts";
 * const g = wavenumberGrid(4000, 4100, 101, { unit: "cm-1" });
 * // q = R·ln(ν/ν₀) with R ≈ 4050 multiplies the rounding of ν (~1e-16) by R: allow 1e-10
 * assert.ok(Math.abs(gridIndexCoordinate(g.nu[37]!, g) - 37) < 1e-10);
 * ```
 */
export function gridIndexCoordinate(
  nu: number,
  grid: Pick<WavenumberGrid, "nu" | "resolution">,
): number {
  _checkPositiveFinite(nu, "nu", "gridIndexCoordinate()");
  return grid.resolution * Math.log(nu / grid.nu[0]!);
}
