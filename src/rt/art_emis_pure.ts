/**
 * A plain-object counterpart of ExoJAX's `ArtEmisPure` (spec/atmrt.py): pressure layers,
 * profiles, layer opacities and the pure-absorption emission solvers bound to one
 * wavenumber grid. Immutable: {@linkcode ArtEmisPure.changeTemperatureRange} returns a new object.
 *
 * @module
 */

import { emissionFbased2st } from "./emission_fbased2st.ts";
import { emissionIbased, emissionQuadrature } from "./emission_ibased.ts";
import {
  constantMmrProfile,
  opacityProfileCia,
  opacityProfileXs,
} from "./opacity_profile.ts";
import { pressureLayers } from "./pressure_layers.ts";
import { powerlawTemperature } from "./temperature.ts";
import { _checkNu, _checkRange } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.art_emis_pure";

/** Radiative-transfer solvers of {@linkcode ArtEmisPure}. */
export type EmisPureSolver = "ibased" | "fbased2st";

/** Options of {@linkcode createArtEmisPure}; defaults as ExoJAX's `ArtEmisPure`. */
export interface ArtEmisPureOptions {
  /** Wavenumber grid [cm⁻¹], ascending. */
  nuGrid: Float64Array;
  /** Pressure of the top layer [bar] (default 1e-8). */
  pressureTop?: number;
  /** Pressure of the bottom layer [bar] (default 1e2). */
  pressureBtm?: number;
  /** Number of layers (default 100). */
  nlayer?: number;
  /** Solver (default "ibased"). */
  rtsolver?: EmisPureSolver;
  /** Number of streams: even, default 8 for "ibased"; must be 2 for "fbased2st" (its default). */
  nstream?: number;
}

/** The art object returned by {@linkcode createArtEmisPure}. */
export interface ArtEmisPure {
  /** Wavenumber grid [cm⁻¹]. */
  readonly nuGrid: Float64Array;
  /** Number of layers. */
  readonly nlayer: number;
  /** Layer pressures [bar], top first. */
  readonly pressure: Float64Array;
  /** Layer pressure thicknesses [bar]. */
  readonly dParr: Float64Array;
  /** Layer boundaries [bar], length nlayer + 1. */
  readonly pressureBoundary: Float64Array;
  /** Pressure decrease rate k (P[i−1] = k P[i]). */
  readonly pressureDecreaseRate: number;
  /** Lower clipping temperature [K] (default 0). */
  readonly tLow: number;
  /** Upper clipping temperature [K] (default Infinity). */
  readonly tHigh: number;
  /** Solver used by run. */
  readonly rtsolver: EmisPureSolver;
  /** Number of streams. */
  readonly nstream: number;
  /** Gauss–Legendre cosines µ ∈ (0, 1) of the ibased solver (empty for fbased2st). */
  readonly mus: Float64Array;
  /** Weights of mus (summing to 1; empty for fbased2st). */
  readonly weights: Float64Array;
  /**
   * Returns a new art object clipping temperatures to [tLow, tHigh] K.
   * @param tLow Lower temperature [K], ≥ 0.
   * @param tHigh Upper temperature [K], ≥ tLow.
   */
  changeTemperatureRange(tLow: number, tHigh: number): ArtEmisPure;
  /**
   * Power-law temperature T0 · P^α on the layers, clipped to [tLow, tHigh].
   * @param t0 Temperature at 1 bar [K].
   * @param alpha Power-law index.
   */
  powerlawTemperature(t0: number, alpha: number): Float64Array;
  /**
   * Constant mixing-ratio profile of length nlayer.
   * @param mmr Mixing ratio, ≥ 0.
   */
  constantMmrProfile(mmr: number): Float64Array;
  /**
   * Line optical depth [nlayer][nnu] from a cross-section matrix (see opacityProfileXs).
   * @param xsmatrix Cross sections [cm²], [nlayer][nnu] or [nnu].
   * @param mmr Mass mixing ratio (number or per layer).
   * @param molmass Molecular mass [u].
   * @param gravity Gravity [cm/s²] (number or per layer).
   */
  opacityProfileXs(
    xsmatrix: Float64Array,
    mmr: number | Float64Array,
    molmass: number,
    gravity: number | Float64Array,
  ): Float64Array;
  /**
   * CIA optical depth [nlayer][nnu] (see opacityProfileCia).
   * @param logacia log10 CIA coefficient [cm⁵], [nlayer][nnu].
   * @param temperature Layer temperatures [K].
   * @param vmr1 VMR of partner 1.
   * @param vmr2 VMR of partner 2.
   * @param mmw Mean molecular weight [u].
   * @param gravity Gravity [cm/s²].
   */
  opacityProfileCia(
    logacia: Float64Array,
    temperature: Float64Array,
    vmr1: number | Float64Array,
    vmr2: number | Float64Array,
    mmw: number | Float64Array,
    gravity: number | Float64Array,
  ): Float64Array;
  /**
   * Emergent flux F_ν [erg/s/cm²/cm⁻¹] on nuGrid with the chosen solver.
   * @param dtau Optical depths [nlayer][nnu].
   * @param temperature Layer temperatures [K].
   */
  run(dtau: Float64Array, temperature: Float64Array): Float64Array;
}

/**
 * Creates an ExoJAX-like `ArtEmisPure` object: log-spaced pressure layers (reference point
 * 0.5), temperature clipping range [0, ∞), and `run` with the ibased (nstream streams) or the
 * fbased2st solver.
 *
 * @param opts Grid, pressures [bar], layer count, solver and number of streams.
 * @returns An immutable art object.
 * @throws {TypeError} If nuGrid is not a non-empty Float64Array.
 * @throws {RangeError} For invalid pressures, nlayer, rtsolver or nstream (fbased2st needs 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createArtEmisPure } from "./art_emis_pure.ts";
 * const nuGrid = new Float64Array([4300, 4301]);
 * const art = createArtEmisPure({ nuGrid, pressureTop: 1e-5, pressureBtm: 10, nlayer: 50 })
 *   .changeTemperatureRange(400, 1500);
 * const t = art.powerlawTemperature(1300, 0.1);
 * assert.ok(Math.abs(t[0]! / (1300 * Math.pow(10, -0.5)) - 1) < 1e-15); // 1e-5 bar: 411 K, unclipped
 * assert.strictEqual(t[49], 1500); // 10 bar: 1300 · 10^0.1 = 1637 K, clipped to tHigh
 * const dtau = art.opacityProfileXs(new Float64Array([1e-20, 1e-21]), art.constantMmrProfile(0.01), 28, 2478.6);
 * const flux = art.run(dtau, t);
 * assert.strictEqual(flux.length, 2);
 * // the same pipeline written out in 40-digit mpmath: P_i = logspace(−5, 1, 50), dP_i = (k^−½ − k^½)P_i,
 * // T_i = clip(1300 P_i^0.1, 400, 1500), dτ = σ dP MMR/(M m_u g), 8-stream Gauss–Legendre ibased
 * // sum with πB from CODATA 2014 h, k
 * assert.ok(Math.abs(flux[0]! / 166.13313647872745 - 1) < 1e-12);
 * assert.ok(Math.abs(flux[1]! / 1137.4154418586597 - 1) < 1e-12);
 * // 10× less opacity at 4301 cm⁻¹: the photosphere sits deeper, where it is hotter
 * assert.ok(flux[1]! > flux[0]!);
 * ```
 */
export function createArtEmisPure(opts: ArtEmisPureOptions): ArtEmisPure {
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(`opts must be an options object, got ${String(opts)}`);
  }
  const nuGrid = _checkNu(STAGE, opts.nuGrid, "nuGrid");
  const rtsolver = opts.rtsolver ?? "ibased";
  if (rtsolver !== "ibased" && rtsolver !== "fbased2st") {
    throw new RangeError(
      `rtsolver must be "ibased" or "fbased2st", got ${String(rtsolver)}`,
    );
  }
  const nstream = opts.nstream ?? (rtsolver === "fbased2st" ? 2 : 8);
  if (rtsolver === "fbased2st" && nstream !== 2) {
    throw new RangeError(
      `fbased2st (flux-based two-stream) requires nstream = 2, got ${nstream}`,
    );
  }
  const quad = rtsolver === "ibased"
    ? emissionQuadrature(nstream)
    : { mu: new Float64Array(0), w: new Float64Array(0) };
  const nlayer = opts.nlayer ?? 100;
  const layers = pressureLayers(
    opts.pressureTop ?? 1e-8,
    opts.pressureBtm ?? 1e2,
    nlayer,
  );
  return _makeArt(
    nuGrid,
    nlayer,
    layers,
    rtsolver,
    nstream,
    quad.mu,
    quad.w,
    0,
    Infinity,
  );
}

function _makeArt(
  nuGrid: Float64Array,
  nlayer: number,
  layers: ReturnType<typeof pressureLayers>,
  rtsolver: EmisPureSolver,
  nstream: number,
  mus: Float64Array,
  weights: Float64Array,
  tLow: number,
  tHigh: number,
): ArtEmisPure {
  const nnu = nuGrid.length;
  const art: ArtEmisPure = {
    nuGrid,
    nlayer,
    pressure: layers.pressure,
    dParr: layers.dParr,
    pressureBoundary: layers.pressureBoundary,
    pressureDecreaseRate: layers.k,
    tLow,
    tHigh,
    rtsolver,
    nstream,
    mus,
    weights,
    changeTemperatureRange(lo: number, hi: number): ArtEmisPure {
      const [l, h] = _checkRange(STAGE, [lo, hi]);
      return _makeArt(
        nuGrid,
        nlayer,
        layers,
        rtsolver,
        nstream,
        mus,
        weights,
        l,
        h,
      );
    },
    powerlawTemperature(t0: number, alpha: number): Float64Array {
      return powerlawTemperature(layers.pressure, t0, alpha, [tLow, tHigh]);
    },
    constantMmrProfile(mmr: number): Float64Array {
      return constantMmrProfile(nlayer, mmr);
    },
    opacityProfileXs(xsmatrix, mmr, molmass, gravity): Float64Array {
      return opacityProfileXs(
        xsmatrix,
        mmr,
        molmass,
        gravity,
        layers.dParr,
        nnu,
      );
    },
    opacityProfileCia(
      logacia,
      temperature,
      vmr1,
      vmr2,
      mmw,
      gravity,
    ): Float64Array {
      if (logacia instanceof Float64Array && logacia.length !== nlayer * nnu) {
        throw new TypeError(
          `logacia must have length nlayer*nnu = ${nlayer}*${nnu} = ${
            nlayer * nnu
          }, got ${logacia.length}`,
        );
      }
      return opacityProfileCia(
        logacia,
        temperature,
        layers.pressure,
        layers.dParr,
        vmr1,
        vmr2,
        mmw,
        gravity,
      );
    },
    run(dtau: Float64Array, temperature: Float64Array): Float64Array {
      if (
        temperature instanceof Float64Array && temperature.length !== nlayer
      ) {
        throw new TypeError(
          `temperature must have length nlayer = ${nlayer}, got ${temperature.length}`,
        );
      }
      return rtsolver === "ibased"
        ? emissionIbased(dtau, temperature, nuGrid, nstream)
        : emissionFbased2st(dtau, temperature, nuGrid);
    },
  };
  return Object.freeze(art);
}
