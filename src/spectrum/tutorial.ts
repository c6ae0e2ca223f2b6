/**
 * The spectral model of ExoJAX's tutorial "Stochastic Variational Inference with Auto Guide
 * Generation of an Emission Spectrum": CO (ExoMol, PreMODIT) + H2–H2 CIA, 100 layers from
 * 1e-5 to 10 bar, `ibased` emission with 8 streams, rigid rotation (u1 = u2 = 0),
 * a Gaussian instrument profile at R = 70 000, and RV sampling onto `nuObs = nuGrid[::5][:-50]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createTutorialModel } from "./tutorial.ts";
 * const model = await createTutorialModel({ dbDir: "../shared/data" });
 * const mu = model.fspec(1200, 0.1, 0.01, 2478.57730044555 * 10, 40, 10);
 * assert.strictEqual(mu.length, model.nuObs.length);
 * assert.ok(mu.every((x) => Number.isFinite(x) && x > 0)); // emitted flux
 * ```
 *
 * @module
 */
import type { Backend } from "../backend/backend.ts";
import { NonFiniteError } from "../errors.ts";
import { wavenumberGrid } from "../grid/wavenumber_grid.ts";
import { loadExomol } from "../db/exomol.ts";
import { loadCia } from "../db/cia.ts";
import type { LineList } from "../db/types.ts";
import { createOpaPremodit, type OpaPremodit } from "../opacity/premodit.ts";
import type { RfftPlan } from "../fft/fft.ts";
import { createOpaDirect, type OpaDirect } from "../opacity/direct.ts";
import { createOpaCia, type OpaCia } from "../opacity/cia.ts";
import { type ArtEmisPure, createArtEmisPure } from "../rt/art_emis_pure.ts";
import {
  createSopInstProfile,
  createSopRotation,
  type SopInstProfile,
  type SopRotation,
} from "../sop/sop.ts";
import { resolutionToGaussianStd } from "../sop/instrument_profile.ts";
import { contributionFunction } from "../rt/contribution.ts";
import { scalarOf } from "../ad/ops.ts";
import { Tensor } from "../ad/tensor.ts";
import { locateTutorialDatabase, type TutorialDatabase } from "./database.ts";
import {
  createEmissionModel,
  type EmissionModel,
  type EmissionStages,
} from "./emission_model.ts";

/** Options of {@link createTutorialModel}. Every default is the tutorial's. */
export interface TutorialOptions {
  /** Database root: holds `CO/12C-16O/<dataset>/` and the CIA file (see {@link locateTutorialDatabase}). Default ".database". */
  dbDir?: string;
  /** Download missing database files from ExoMol/HITRAN into `dbDir` (default false). */
  download?: boolean;
  /** Wavelength range [Å] of the model grid (default [22920, 23000]). */
  wavelengthRangeAA?: [number, number];
  /** Number of grid points (default 3500). */
  nGrid?: number;
  /** Opacity calculator: "premodit" (default) or "direct" (exact line-by-line, slow reference). */
  opacity?: "premodit" | "direct";
  /** PreMODIT robust temperature range [K] (default [500, 1500]). */
  autoTrange?: [number, number];
  /** PreMODIT broadening grid resolution (default 1). */
  ditGridResolution?: number;
  /** Number of layers (default 100). */
  nlayer?: number;
  /** Emission solver (default "ibased"). */
  rtsolver?: "ibased" | "fbased2st";
  /** Number of streams of `ibased` (default 8). */
  nstream?: number;
  /** Instrument resolving power (default 70 000). */
  resolutionInst?: number;
  /** FFT plan factory for PreMODIT (e.g. the WASM SIMD one); default the TypeScript FFT. */
  rfftPlan?: (n: number) => RfftPlan;
  /**
   * The backend the model's stages run on (default: a js backend with every stage registered;
   * see `createEmissionModel`).
   */
  backend?: Backend;
}

/** Intermediate products of one evaluation of the tutorial model (see {@link EmissionStages}). */
export type TutorialStages = EmissionStages;

/** The assembled tutorial model. */
export interface TutorialModel {
  /** Where the line list and CIA table were read from. */
  database: TutorialDatabase;
  /** Model wavenumber grid [cm⁻¹], ascending ESLOG. */
  nuGrid: Float64Array;
  /** Resolving power of the model grid. */
  resolution: number;
  /** Data grid [cm⁻¹]: `nuGrid[::5]` without its last 50 points. */
  nuObs: Float64Array;
  /** The CO line list in range. */
  lines: LineList;
  /** CO mass [u]. */
  molmass: number;
  /** Layer pressures [bar], top first. */
  pressure: Float64Array;
  /** Instrument Gaussian standard deviation [km/s]. */
  betaInst: number;
  /** H2 volume mixing ratio (0.855) and mean molecular weight (2.33). */
  vmrH2: number;
  /** Mean molecular weight [u]. */
  mmw: number;
  /**
   * The tutorial's spectral model.
   *
   * @param t0 Temperature at 1 bar [K].
   * @param alpha Power-law index of T(P).
   * @param mmr CO mass mixing ratio.
   * @param gravity Surface gravity [cm/s²].
   * @param rv Radial velocity [km/s].
   * @param vsini Projected rotation velocity [km/s].
   * @returns Model flux on `nuObs` [erg/s/cm²/cm⁻¹].
   */
  fspec(
    t0: number,
    alpha: number,
    mmr: number,
    gravity: number,
    rv: number,
    vsini: number,
  ): Float64Array;
  /** Same as `fspec` but returns every intermediate stage. */
  stages(
    t0: number,
    alpha: number,
    mmr: number,
    gravity: number,
    rv: number,
    vsini: number,
  ): TutorialStages;
  /** Cross section [cm²] of CO on `nuGrid` at (T [K], P [bar]). */
  xsvector(t: number, pBar: number): Float64Array;
  /** Contribution function [nlayer][nnu] of a given dtau and temperature profile. */
  contribution(dtau: Float64Array, temperature: Float64Array): Float64Array;
  /**
   * The general emission model this tutorial instantiates (CO + H2–H2 CIA); `fspec` and
   * `stages` are its forward pass, `createTutorialAd` differentiates it.
   */
  emission: EmissionModel;
  /** The CO opacity calculator (PreMODIT unless `opacity: "direct"`). */
  opa: OpaPremodit | OpaDirect;
  /** The H2–H2 CIA calculator. */
  opaCia: OpaCia;
  /** The atmosphere (layers, temperature range, solver). */
  art: ArtEmisPure;
  /** Rotation operator. */
  sopRot: SopRotation;
  /** Instrument-profile and sampling operator. */
  sopInst: SopInstProfile;
  /** Limb-darkening coefficients (0, 0 in the tutorial). */
  u1: number;
  /** Second limb-darkening coefficient. */
  u2: number;
}

function _checkParam(name: string, v: number, positive = false): void {
  if (!Number.isFinite(v) || (positive && v <= 0)) {
    const msg = `fspec(): ${name} must be a finite${
      positive ? " positive" : ""
    } number, got ${v}`;
    if (!Number.isFinite(v)) {
      throw new NonFiniteError("spectrum.fspec", name, v, msg);
    }
    throw new RangeError(msg);
  }
}

/**
 * Builds the tutorial's model from a local database directory.
 *
 * @param opts Options; every default is the tutorial's.
 * @returns The model with `fspec`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createTutorialModel } from "./tutorial.ts";
 * const m = await createTutorialModel({ dbDir: "../shared/data" });
 * assert.strictEqual(m.nuGrid.length, 3500);
 * assert.strictEqual(m.nuObs.length, 3500 / 5 - 50); // nuGrid[::5][:-50]
 * ```
 */
export async function createTutorialModel(
  opts: TutorialOptions = {},
): Promise<TutorialModel> {
  const [w0, w1] = opts.wavelengthRangeAA ?? [22920.0, 23000.0];
  const n = opts.nGrid ?? 3500;
  const grid = wavenumberGrid(w0, w1, n, { unit: "AA", mode: "premodit" });
  const nuGrid = grid.nu;
  const database = await locateTutorialDatabase(opts.dbDir ?? ".database", {
    download: opts.download ?? false,
  });
  const lines = await loadExomol(database.mdbPath, {
    nuRange: [nuGrid[0]!, nuGrid[nuGrid.length - 1]!],
    broadener: "H2",
    ...(opts.download ? { download: true } : {}),
  });
  const molmass = lines.molmass;
  const autoTrange = opts.autoTrange ?? [500.0, 1500.0];
  const opa = (opts.opacity ?? "premodit") === "direct"
    ? createOpaDirect(lines, nuGrid)
    : createOpaPremodit(lines, nuGrid, {
      autoTrange,
      ditGridResolution: opts.ditGridResolution ?? 1.0,
      ...(opts.rfftPlan ? { rfftPlan: opts.rfftPlan } : {}),
    });
  const cia = await loadCia(database.ciaPath);
  const opaCia = createOpaCia(cia, nuGrid);
  const art = createArtEmisPure({
    nuGrid,
    pressureTop: 1e-5,
    pressureBtm: 1e1,
    nlayer: opts.nlayer ?? 100,
    rtsolver: opts.rtsolver ?? "ibased",
    nstream: opts.nstream ?? 8,
  }).changeTemperatureRange(autoTrange[0], autoTrange[1]);
  const sopRot = createSopRotation(nuGrid, { vsiniMax: 100.0 });
  const sopInst = createSopInstProfile(nuGrid, { vrMax: 1000.0 });
  const betaInst = resolutionToGaussianStd(opts.resolutionInst ?? 70000.0);
  const nObs = Math.ceil(n / 5) - 50;
  if (nObs < 2) {
    throw new RangeError(
      `nGrid = ${n} is too small: nuGrid[::5][:-50] would have ${nObs} points`,
    );
  }
  const nuObs = new Float64Array(nObs);
  for (let i = 0; i < nObs; i++) nuObs[i] = nuGrid[5 * i]!;
  const vmrH2 = 0.855;
  const mmw = 2.33;
  const u1 = 0.0;
  const u2 = 0.0;
  const emission = createEmissionModel({
    art,
    molecules: [{ name: "CO", opa, molmass }],
    cia: [{ name: "H2-H2", opa: opaCia, vmr: [vmrH2, vmrH2] }],
    mmw,
    sopRot,
    sopInst,
    betaInst,
    nuObs,
    limbDarkening: [u1, u2],
    ...(opts.backend ? { backend: opts.backend } : {}),
  });

  const stages = (
    t0: number,
    alpha: number,
    mmr: number,
    gravity: number,
    rv: number,
    vsini: number,
  ): TutorialStages => {
    _checkParam("T0", t0, true);
    _checkParam("alpha", alpha);
    _checkParam("mmr", mmr);
    if (mmr < 0) {
      throw new RangeError(`fspec(): mmr must be non-negative, got ${mmr}`);
    }
    _checkParam("gravity", gravity, true);
    _checkParam("RV", rv);
    _checkParam("vsini", vsini, true);
    return emission.stages({
      temperature: new Tensor(art.powerlawTemperature(t0, alpha), [art.nlayer]),
      mmr: [scalarOf(mmr)],
      gravity: scalarOf(gravity),
      rv: scalarOf(rv),
      vsini: scalarOf(vsini),
    });
  };

  return {
    database,
    nuGrid,
    resolution: grid.resolution,
    nuObs,
    lines,
    molmass,
    pressure: art.pressure,
    betaInst,
    vmrH2,
    mmw,
    fspec: (t0, alpha, mmr, gravity, rv, vsini) =>
      stages(t0, alpha, mmr, gravity, rv, vsini).mu,
    stages,
    xsvector: (t, pBar) => opa.xsvector(t, pBar),
    emission,
    opa,
    opaCia,
    art,
    sopRot,
    sopInst,
    u1,
    u2,
    contribution: (dtau, temperature) =>
      contributionFunction(dtau, temperature, art.pressure, art.dParr, nuGrid),
  };
}
