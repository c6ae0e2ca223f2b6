/**
 * Wavenumber and velocity grids (ESLOG, as ExoJAX's `utils/grids.py`).
 *
 * @example
 * ```ts
 * import { velocityGrid, wavenumberGrid } from "./mod.ts";
 * const g = wavenumberGrid(22920, 23000, 3500, { unit: "AA", mode: "premodit" });
 * const v = velocityGrid(g.resolution, 50); // km/s
 * console.log(g.nu[0]! < g.nu[1]!, v.length % 2); // true 1
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
