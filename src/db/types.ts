/**
 * Shared data types produced by the database readers and consumed by the opacity calculators.
 *
 * @module
 */

/** A tabulated partition function Q(T), linearly interpolated. */
export interface PartitionFunction {
  /** Temperatures [K], strictly ascending. */
  readonly t: Float64Array;
  /** Partition function values at `t` (dimensionless). */
  readonly q: Float64Array;
}

/**
 * A line list restricted to a wavenumber range, with per-line quantities in cgs units.
 * All arrays have the same length and are sorted by ascending `nu`.
 */
export interface LineList {
  /** Molecule name, e.g. "CO". */
  readonly molecule: string;
  /** Isotopologue mass [u]. */
  readonly molmass: number;
  /** Reference temperature of `lineStrengthRef` [K] (296). */
  readonly tref: number;
  /** Line centres [cm⁻¹], ascending. */
  readonly nu: Float64Array;
  /** Lower-state energies E″ [cm⁻¹]. */
  readonly elower: Float64Array;
  /** Upper-state total degeneracy g′. */
  readonly gupper: Float64Array;
  /** Einstein A coefficients [s⁻¹]. */
  readonly einsteinA: Float64Array;
  /** Line strengths at `tref` [cm/molecule]. */
  readonly lineStrengthRef: Float64Array;
  /** Pressure-broadening HWHM at 1 bar and `tref` [cm⁻¹ bar⁻¹]. */
  readonly alphaRef: Float64Array;
  /** Temperature exponent of the pressure broadening. */
  readonly nTemp: Float64Array;
  /** Partition function table. */
  readonly partitionFunction: PartitionFunction;
  /** Q(tref). */
  readonly qtref: number;
}
