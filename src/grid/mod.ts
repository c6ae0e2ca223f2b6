/**
 * Wavenumber and velocity grids (ESLOG, as ExoJAX's `utils/grids.py`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { velocityGrid, wavenumberGrid } from "./mod.ts";
 * const g = wavenumberGrid(22920, 23000, 3500, { unit: "AA", mode: "premodit" });
 * const v = velocityGrid(g.resolution, 50); // km/s
 * assert.ok(g.nu.every((x, i) => i === 0 || x > g.nu[i - 1]!)); // ascending
 * // R ≈ 1.004e6, Δv = c·log1p(1/R) ≈ 0.2985 km/s, N_k = ⌊50/Δv + 1⌋ = 168: 2·168 + 1 points
 * assert.strictEqual(v.length, 337);
 * assert.strictEqual(v[168], 0);
 * ```
 *
 * @module
 */

export {
  gridIndexCoordinate,
  type GridMode,
  type GridUnit,
  resolutionEslog,
  velocityGrid,
  type WavenumberGrid,
  wavenumberGrid,
  type WavenumberGridOptions,
} from "./wavenumber_grid.ts";
