/**
 * exospec: high-resolution emission spectra of exoplanet and brown-dwarf atmospheres in
 * Deno/TypeScript, following ExoJAX v2.0's physics: ExoMol/HITRAN line lists and HITRAN CIA →
 * PreMODIT and direct cross sections → layered emission radiative transfer → rotation,
 * instrument profile and RV sampling, with explicit forward- and reverse-mode derivatives and
 * NumPyro-like stochastic variational inference.
 *
 * This module re-exports the whole public surface. Each part is also its own entry point
 * (the `exports` of deno.json):
 *
 * | entry point | contents |
 * | --- | --- |
 * | `./constants` | physical constants (CGS) |
 * | `./grid` | wavenumber grids (ESLOG, ESLIN) |
 * | `./db` | ExoMol, HITRAN/HITEMP and HITRAN CIA readers, partition functions |
 * | `./opacity` | line strengths and widths, Voigt profile, direct and PreMODIT cross sections, CIA |
 * | `./rt` | pressure layers, temperature profiles, emission solvers (ibased also on WebGPU) |
 * | `./sop` | rotation, instrument profile, RV sampling |
 * | `./spectrum` | the general emission model (`createEmissionModel`) and its tutorial instance |
 * | `./random` | explicit PRNG keys and samplers |
 * | `./ad` | tensors, primitives, `jvp`/`vjp`/`grad`, scopes, stages as named backend kernels (`stagePrimitive`) |
 * | `./infer` | distributions, handlers, ELBOs, optimizers, SVI, autoguides, Predictive |
 * | `./backend` | the backend boundary and the js backend |
 * | `./backend/wasm` | the WASM SIMD backend (FFT; stage kernels registered by their folders) |
 * | `./backend/webgpu` | the WebGPU backend and its kernel-registration API |
 * | `./plot` | vega-lite figures, SVG/PNG rendering |
 * | `./special` | special functions: ln Γ, polygammas, erf, Φ, Φ⁻¹, Eₙ, Faddeeva |
 * | `./fft` | float64 FFTs of any length (numpy conventions) |
 * | `./errors` | typed errors (`NonFiniteError`, `FirstOrderOnlyError`) |
 *
 * One name is exported by two parts: `Params` is the optimizer's parameter map of `./infer`
 * here; the primitives' parameter type of `./ad` is re-exported as `PrimitiveParams`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import {
 *   erfScalar,
 *   gravityJupiter,
 *   grad,
 *   mul,
 *   NonFiniteError,
 *   planckPi,
 *   rfft,
 *   scalar,
 *   type Tensor,
 *   wavenumberGrid,
 * } from "./mod.ts";
 * const grid = wavenumberGrid(22920, 23000, 3500, { unit: "AA", mode: "premodit" });
 * assert.strictEqual(Math.round(grid.resolution / 1e3), 1004);
 * assert.ok(planckPi(grid.nu, 1200).every((b) => b > 0));
 * assert.ok(gravityJupiter(1, 10) > 24000);
 * // ./ad: d/dx x² at x = 3
 * const g = grad((x) => mul(x, x))(scalar(3)) as Tensor;
 * assert.strictEqual(g.item(), 6);
 * // ./special, ./fft, ./errors
 * assert.ok(Math.abs(erfScalar(0.5) - 0.5204998778130465) < 1e-15);
 * assert.ok(Math.abs(rfft(new Float64Array([1, 2, 3])).re[0]! - 6) < 1e-12);
 * assert.ok(new NonFiniteError("demo", "x", NaN) instanceof RangeError);
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
export * from "./src/ad/mod.ts";
export * from "./src/infer/mod.ts";
export * from "./src/backend/mod.ts";
export * from "./src/backend/wasm/mod.ts";
export * from "./src/backend/webgpu/mod.ts";
export * from "./src/plot/mod.ts";
export * from "./src/special/mod.ts";
export * from "./src/fft/mod.ts";
export * from "./src/errors.ts";
// the one clash between the parts, resolved explicitly
export type { Params } from "./src/infer/mod.ts";
export type { Params as PrimitiveParams } from "./src/ad/mod.ts";
