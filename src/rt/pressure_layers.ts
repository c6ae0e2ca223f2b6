/**
 * Log-spaced atmospheric pressure layers, as ExoJAX's `pressure_layer_logspace` and
 * `pressure_boundary_logspace` (atm/atmprof.py).
 *
 * @module
 */

import { _checkPositive } from "./_validate.ts";

/** Stage named by the NonFiniteErrors this module's validators throw. */
const STAGE = "rt.pressure_layers";

/** Options of {@linkcode pressureLayers}. */
export interface PressureLayersOptions {
  /**
   * Position of the representative pressure inside a layer, in log P: 0 = upper boundary,
   * 0.5 = geometric centre (default, as ExoJAX), 1 = lower boundary.
   */
  referencePoint?: number;
}

/** Pressure layers returned by {@linkcode pressureLayers}; all pressures in bar, top first. */
export interface PressureLayers {
  /** Representative pressure of each layer [bar], ascending (top of atmosphere first), length nlayer. */
  pressure: Float64Array;
  /** Pressure thickness of each layer [bar] (ExoJAX `dParr`), length nlayer. */
  dParr: Float64Array;
  /** Layer boundaries [bar], length nlayer + 1: upper boundary of each layer, then the bottom one. */
  pressureBoundary: Float64Array;
  /** Pressure decrease rate k = 10^(−Δlog10 P) < 1: P[i−1] = k · P[i]. */
  k: number;
}

/**
 * Builds nlayer log-spaced pressure layers between pTopBar and pBtmBar (both representative
 * pressures of the outermost layers), exactly as ExoJAX `ArtCommon.init_pressure_profile`:
 * P_i = logspace(log10 P_top, log10 P_btm, n), k = 10^(−Δlog10 P),
 * dP_i = (k^(r−1) − k^r) P_i, upper boundary k^r P_i, bottom boundary k^(r−1) P_(n−1).
 *
 * @param pTopBar Pressure of the top layer [bar], > 0.
 * @param pBtmBar Pressure of the bottom layer [bar], > pTopBar.
 * @param nlayer Number of layers, an integer ≥ 2.
 * @param opts Optional reference point r ∈ [0, 1] (default 0.5).
 * @returns The pressures, layer thicknesses, boundaries [bar] and the decrease rate k.
 * @throws {RangeError} If a pressure is not finite and positive, pBtmBar ≤ pTopBar, nlayer is not
 *   an integer ≥ 2 or the reference point is outside [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { pressureLayers } from "./pressure_layers.ts";
 * const { pressure, dParr, pressureBoundary, k } = pressureLayers(1e-5, 10, 100);
 * assert.deepStrictEqual([pressure.length, dParr.length, pressureBoundary.length], [100, 100, 101]);
 * assert.strictEqual(pressure[0], 1e-5);
 * assert.strictEqual(pressure[99], 10); // the last point is set to the stop exactly
 * // log-spaced: P_i = 10^(−5 + 6i/99), k = 10^(−6/99)
 * assert.ok(Math.abs(pressure[50]! / Math.pow(10, -5 + (6 * 50) / 99) - 1) < 1e-14);
 * assert.ok(Math.abs(k / Math.pow(10, -6 / 99) - 1) < 1e-15);
 * // reference point 0.5: boundaries at the geometric means, k^(1/2)·P_i and k^(−1/2)·P_99
 * assert.ok(Math.abs(pressureBoundary[1]! / Math.sqrt(pressure[0]! * pressure[1]!) - 1) < 1e-14);
 * assert.ok(Math.abs(pressureBoundary[100]! / (10 * Math.pow(10, 3 / 99)) - 1) < 1e-14);
 * // the layers tile [boundary_0, boundary_100]: Σ dP = boundary_100 − boundary_0
 * const total = dParr.reduce((a, b) => a + b, 0);
 * assert.ok(Math.abs(total / (pressureBoundary[100]! - pressureBoundary[0]!) - 1) < 1e-13);
 * ```
 */
export function pressureLayers(
  pTopBar: number,
  pBtmBar: number,
  nlayer: number,
  opts: PressureLayersOptions = {},
): PressureLayers {
  _checkPositive(STAGE, pTopBar, "pTopBar");
  _checkPositive(STAGE, pBtmBar, "pBtmBar");
  if (!(pBtmBar > pTopBar)) {
    throw new RangeError(
      `pBtmBar (${pBtmBar} bar) must be greater than pTopBar (${pTopBar} bar)`,
    );
  }
  if (!(Number.isInteger(nlayer) && nlayer >= 2)) {
    throw new RangeError(`nlayer must be an integer >= 2, got ${nlayer}`);
  }
  const r = opts.referencePoint ?? 0.5;
  if (!(typeof r === "number" && r >= 0 && r <= 1)) {
    throw new RangeError(`referencePoint must be in [0, 1], got ${r}`);
  }
  const logTop = Math.log10(pTopBar);
  const logBtm = Math.log10(pBtmBar);
  const div = nlayer - 1;
  const dlogP = (logBtm - logTop) / div;
  // numpy.linspace: y_i = i * step + start, last point set to stop exactly.
  const step = (logBtm - logTop) / div;
  const pressure = new Float64Array(nlayer);
  for (let i = 0; i < nlayer; i++) {
    const y = i === div ? logBtm : i * step + logTop;
    pressure[i] = Math.pow(10, y);
  }
  const k = Math.pow(10, -dlogP);
  const kUp = Math.pow(k, r);
  const kLow = Math.pow(k, r - 1.0);
  const fac = kLow - kUp;
  const dParr = new Float64Array(nlayer);
  const pressureBoundary = new Float64Array(nlayer + 1);
  for (let i = 0; i < nlayer; i++) {
    dParr[i] = fac * pressure[i]!;
    pressureBoundary[i] = kUp * pressure[i]!;
  }
  pressureBoundary[nlayer] = kLow * pressure[nlayer - 1]!;
  return { pressure, dParr, pressureBoundary, k };
}
