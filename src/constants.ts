/**
 * Physical constants in cgs units, matching ExoJAX v2.0 (`exojax/utils/constants.py`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { C2, TREF } from "./constants.ts";
 * assert.ok(C2 * 1000 / TREF > 0);
 * ```
 *
 * @module
 */

/** Reference temperature of line lists [K]. */
export const TREF = 296.0;
/** Second radiation constant hc/k_B [cm K]. */
export const C2 = 1.4387773538277202;
/** Speed of light [cm/s]. */
export const C_CGS = 29979245800.0;
/** Speed of light [km/s]. */
export const C_KMS = 299792.458;
/** Boltzmann constant [erg/K]. */
export const KB = 1.38064852e-16;
/** Atomic mass unit [g]. */
export const MU = 1.66053904e-24;
/** Jupiter radius [cm]. */
export const RJ = 7.1492e9;
/**
 * Jupiter mass [g], the value ExoJAX's g_J is made from: GJ = G·MJ/RJ² with G = 6.67408e-8
 * cm³ g⁻¹ s⁻² (CODATA 2014) to 1e-15.
 */
export const MJ = 1.89813e30;
/** Jupiter surface gravity [cm/s²] = G·MJ/RJ² (ExoJAX's `gJ`). */
export const GJ = 2478.57730044555;
/** One bar in cgs [dyn/cm²]. */
export const BAR_CGS = 1.0e6;
/** bar_cgs / m_u [dyn cm⁻² g⁻¹]: converts σ·P[bar]·MMR/(M g) into an optical depth. */
export const OPACITY_FACTOR = 6.022140858549162e29;
/** log10 of k_B [erg/K]. */
export const LOG10_KB = -15.859916868309735;
/** log10 of m_u [g]. */
export const LOG10_MU = -23.779750909492115;
/** Doppler constant: β_D = DOPPLER_CONST · √(T/M) · ν gives the Gaussian standard deviation [cm⁻¹]. */
export const DOPPLER_CONST = 3.0415595e-7;
/** Natural-width constant: γ_N = GAMMA_NATURAL_CONST · A [cm⁻¹] (= 1/(4πc)). */
export const GAMMA_NATURAL_CONST = 2.6544188e-12;
/** 2hc² in units giving πB_ν in erg/s/cm²/cm⁻¹: πB_ν = PLANCK_PI_CONST · ν³ / (e^{c₂ν/T} − 1). */
export const PLANCK_PI_CONST = 3.741771790075259e-5;
