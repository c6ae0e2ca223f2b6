/**
 * exospec: high-resolution emission spectra of exoplanet and brown-dwarf atmospheres in
 * Deno/TypeScript, following ExoJAX v2.0's physics: ExoMol/HITRAN line lists and HITRAN CIA →
 * PreMODIT and direct cross sections → layered emission radiative transfer → rotation,
 * instrument profile and RV sampling.
 *
 * Sub-modules: `./grid`, `./db`, `./opacity`, `./rt`, `./sop`, `./spectrum`, `./random`,
 * `./constants`.
 *
 * @example
 * ```ts
 * import { gravityJupiter, planckPi, wavenumberGrid } from "./mod.ts";
 * const grid = wavenumberGrid(22920, 23000, 3500, { unit: "AA", mode: "premodit" });
 * console.log(Math.round(grid.resolution / 1e3)); // 1004
 * console.log(planckPi(grid.nu, 1200).every((b) => b > 0)); // true
 * console.log(gravityJupiter(1, 10) > 24000); // true
 * ```
 *
 * @module
 */
export * from "./src/constants.ts";
export * from "./src/grid/mod.ts";
export * from "./src/db/mod.ts";
export * from "./src/opacity/mod.ts";
export * from "./src/rt/mod.ts";
export * from "./src/sop/mod.ts";
export * from "./src/spectrum/mod.ts";
export * from "./src/random/mod.ts";
