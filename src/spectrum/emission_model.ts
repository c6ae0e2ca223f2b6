/**
 * The general emission-spectrum model, written once with autodiff primitives: any number of
 * line absorbers (PreMODIT, or the direct line-by-line reference), any number of CIA pairs, the
 * atmosphere's emission solver (`ibased` or `fbased2st`), rigid rotation, a Gaussian instrument
 * profile and RV sampling onto the data grid. Called on concrete tensors it is the forward pass;
 * called on tracers (inside `grad`, `vjp`, `jvp`) it is differentiated through every stage's
 * hand-derived rules. The tutorial's model ({@link createTutorialModel}) is one instance.
 *
 * The pipeline, per layer l and wavenumber ν (ExoJAX's `ArtEmisPure` + `SopRotation` +
 * `SopInstProfile`):
 * dτ = Σ_molecules dτ_xs(σ(T, P), MMR, g) + Σ_CIA dτ_cia(log10 α(T), T, g),
 * F = solver(dτ, T), then F_rot = rotation(F, vsini, u1, u2), F_inst = IP(F_rot, β),
 * μ = sampling(F_inst, RV) on `nuObs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scalar, tensor, type Tensor } from "../ad/mod.ts";
 * import { createTutorialModel } from "./tutorial.ts";
 * const m = await createTutorialModel({ dbDir: "../shared/data" });
 * const t = tensor(m.art.powerlawTemperature(1200, 0.1));
 * const mu = m.emission.spectrum({
 *   temperature: t, mmr: [scalar(0.01)], gravity: scalar(24785.77), rv: scalar(40), vsini: scalar(10),
 * }) as Tensor;
 * // on concrete tensors the general model is the tutorial's forward pass, bit for bit
 * assert.deepStrictEqual(mu.data, m.fspec(1200, 0.1, 0.01, 24785.77, 40, 10));
 * ```
 *
 * @module
 */
import { bind, type Value } from "../ad/core.ts";
import { add, toBackend } from "../ad/ops.ts";
import { constantOn, isHostBackend, Tensor } from "../ad/tensor.ts";
import { scopeSync } from "../ad/scope.ts";
import type { OpaPremodit } from "../opacity/premodit.ts";
import type { OpaDirect } from "../opacity/direct.ts";
import type { OpaCia } from "../opacity/cia.ts";
import { xsmatrixPrimitive } from "../opacity/primitives.ts";
import type { ArtEmisPure } from "../rt/art_emis_pure.ts";
import type { SopInstProfile, SopRotation } from "../sop/sop.ts";
import type { Backend, KernelParams } from "../backend/backend.ts";
import {
  stagePrimitive,
  type StageSpec,
  uploadConst,
} from "../ad/stage_kernels.ts";
import {
  emissionFbased2stStage,
  emissionIbasedStage,
  opacityProfileCiaStage,
  opacityProfileXsStage,
} from "../rt/kernels.ts";
import {
  ipgaussStage,
  rigidRotationStage,
  samplingStage,
} from "../sop/kernels.ts";
import {
  ciaLogaciaStage,
  ciaStageConsts,
  premoditStageConsts,
  premoditXsmatrixStage,
} from "../opacity/kernels.ts";
import { createStageJsBackend } from "./stage_backend.ts";

/** A line absorber of the model. */
export interface LineAbsorber {
  /** Label used in error messages (e.g. "CO"). */
  readonly name: string;
  /** Cross-section calculator on the atmosphere's grid: PreMODIT, or the direct reference (forward only). */
  readonly opa: OpaPremodit | OpaDirect;
  /** Molecular mass [u]. */
  readonly molmass: number;
}

/** A collision-induced absorption pair of the model. */
export interface CiaAbsorber {
  /** Label used in error messages (e.g. "H2-H2"). */
  readonly name: string;
  /** CIA calculator on the atmosphere's grid. */
  readonly opa: OpaCia;
  /** Volume mixing ratios of the two partners (e.g. [0.855, 0.855] for H2–H2). */
  readonly vmr: readonly [number, number];
}

/** What the model is made of. */
export interface EmissionModelSpec {
  /** The atmosphere: layers, grid `nuGrid` [cm⁻¹], emission solver. */
  readonly art: ArtEmisPure;
  /** Line absorbers, in the order of `mmr` in {@link EmissionInputs}. */
  readonly molecules: readonly LineAbsorber[];
  /** CIA pairs (default none). */
  readonly cia?: readonly CiaAbsorber[];
  /** Mean molecular weight [u] used by the CIA column densities. */
  readonly mmw: number;
  /** Rotation operator on `art.nuGrid`. */
  readonly sopRot: SopRotation;
  /** Instrument-profile and sampling operator on `art.nuGrid`. */
  readonly sopInst: SopInstProfile;
  /** Instrument Gaussian standard deviation β [km/s]. */
  readonly betaInst: number;
  /** Data grid [cm⁻¹] the spectrum is sampled onto. */
  readonly nuObs: Float64Array;
  /**
   * The backend every stage runs on (default: a js backend with the stages registered, using
   * the first PreMODIT calculator's FFT plan factory). It must register all the stages the
   * model uses, or `createEmissionModel` throws `MissingKernelError`.
   */
  readonly backend?: Backend;
  /** Limb-darkening coefficients (u1, u2) of the rotation kernel (default [0, 0]). */
  readonly limbDarkening?: readonly [number, number];
}

/**
 * Inputs of one evaluation: AD values (concrete tensors or tracers). For a batch of B parameter
 * sets evaluated in one pass of kernels, give the temperature as [B, nlayer] and every other
 * input with a leading B axis (mmr [B] or [B, nlayer], gravity, rv and vsini [B]): the spectrum
 * is then [B, nObs], and item b is the spectrum of the b-th set, bit for bit.
 */
export interface EmissionInputs {
  /** Layer temperatures [K], shape [nlayer] (top first), or [B, nlayer]. */
  readonly temperature: Value;
  /** Mass mixing ratio of each molecule, shape [] (constant) or [nlayer]; batched [B] or [B, nlayer]. */
  readonly mmr: readonly Value[];
  /** Surface gravity [cm/s²], shape [] (batched [B]). */
  readonly gravity: Value;
  /** Radial velocity [km/s], shape [] (batched [B]). */
  readonly rv: Value;
  /** Projected rotation velocity vsini [km/s], shape [] (batched [B]). */
  readonly vsini: Value;
}

/** Every intermediate product of one forward evaluation (host arrays). */
export interface EmissionStages {
  /** Layer temperatures [K] (top first). */
  temperature: Float64Array;
  /** Total layer optical depth [nlayer][nnu]. */
  dtau: Float64Array;
  /** Raw emergent flux [erg/s/cm²/cm⁻¹] on `nuGrid`. */
  flux: Float64Array;
  /** Rotationally broadened flux on `nuGrid`. */
  fluxRot: Float64Array;
  /** After the instrument profile, on `nuGrid`. */
  fluxInst: Float64Array;
  /** Shifted by RV and sampled on `nuObs`. */
  mu: Float64Array;
}

/** The assembled model. */
export interface EmissionModel {
  /** What it was made of. */
  readonly spec: EmissionModelSpec;
  /** The backend the stages run on (the spec's, or the default js one). */
  readonly backend: Backend;
  /**
   * Whether every input has derivative rules. False when a molecule uses the direct opacity:
   * then derivatives w.r.t. the temperature (which reaches σ(T, P)) are refused, those w.r.t.
   * MMR, gravity, RV and vsini still work.
   */
  readonly differentiable: boolean;
  /**
   * The spectrum on `nuObs` [erg/s/cm²/cm⁻¹], shape [nObs] ([B, nObs] for a batch). Differentiable
   * in every input. On a device backend it is a device tensor.
   */
  spectrum(inputs: EmissionInputs): Value;
  /** The forward pass on concrete tensors, keeping every stage. */
  stages(inputs: EmissionInputs): EmissionStages;
}

type _Record = (stage: keyof EmissionStages, v: Value) => void;

/** The default backend: js with every stage, the first PreMODIT calculator's FFT plans. */
function _defaultBackend(spec: EmissionModelSpec): Backend {
  for (const m of spec.molecules) {
    if (m.opa.method === "premodit" && m.opa.tables.rfftPlan) {
      return createStageJsBackend({ rfftPlan: m.opa.tables.rfftPlan });
    }
  }
  return createStageJsBackend();
}

/**
 * Builds the emission model from its parts.
 *
 * @param spec Atmosphere, absorbers, spectral operators and data grid.
 * @returns The model: `spectrum` (differentiable) and `stages` (forward, every product).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { grad, scalar, sum, tensor, type Tensor } from "../ad/mod.ts";
 * import { createTutorialModel } from "./tutorial.ts";
 * const m = await createTutorialModel({ dbDir: "../shared/data", nlayer: 20 });
 * const em = m.emission;
 * assert.strictEqual(em.differentiable, true);
 * const inputs = (g: Tensor) => ({
 *   temperature: tensor(m.art.powerlawTemperature(1200, 0.1)), mmr: [scalar(0.01)],
 *   gravity: g, rv: scalar(40), vsini: scalar(10),
 * });
 * const s = em.stages(inputs(scalar(24785.77)));
 * assert.deepStrictEqual([s.dtau.length, s.mu.length], [20 * 3500, 650]);
 * // a stronger gravity means a thinner column: every dτ falls, so the summed flux moves
 * const dg = grad((g) => sum(em.spectrum(inputs(g as Tensor))))(scalar(24785.77)) as Tensor;
 * assert.ok(Number.isFinite(dg.item()) && dg.item() !== 0);
 * ```
 */
export function createEmissionModel(spec: EmissionModelSpec): EmissionModel {
  const art = spec.art;
  const nu = art.nuGrid;
  const _sameGrid = (g: Float64Array, what: string) => {
    if (
      g.length !== nu.length || g[0] !== nu[0] ||
      g[g.length - 1] !== nu[nu.length - 1]
    ) {
      throw new TypeError(
        `createEmissionModel(): ${what} is not on the atmosphere's grid (${g.length} points from ${
          g[0]
        } cm⁻¹, art.nuGrid has ${nu.length} from ${nu[0]} cm⁻¹)`,
      );
    }
  };
  if (spec.molecules.length === 0 && (spec.cia ?? []).length === 0) {
    throw new TypeError(
      "createEmissionModel(): no absorber (molecules and cia are both empty)",
    );
  }
  for (const m of spec.molecules) {
    _sameGrid(m.opa.nuGrid, `molecule ${m.name}'s opacity`);
  }
  for (const c of spec.cia ?? []) _sameGrid(c.opa.nuGrid, `CIA ${c.name}`);
  _sameGrid(spec.sopRot.nuGrid, "sopRot");
  _sameGrid(spec.sopInst.nuGrid, "sopInst");
  if (!(Number.isFinite(spec.betaInst) && spec.betaInst > 0)) {
    throw new RangeError(
      `createEmissionModel(): betaInst must be a positive number of km/s, got ${spec.betaInst}`,
    );
  }
  const be = spec.backend ?? _defaultBackend(spec);
  // the model's constants live on its backend (one upload each, here, on a device)
  const pressure = constantOn(be, art.pressure);
  // inputs reach a device backend through the explicit, differentiable transfer
  const onBe = isHostBackend(be)
    ? (v: Value) => v
    : (v: Value) => toBackend(v, be);
  const stage = (
    st: StageSpec,
    consts: readonly Float64Array[],
    params: KernelParams,
    outShape: (s: readonly (readonly number[])[]) => number[],
  ) =>
    stagePrimitive(be, st, {
      consts: consts.map((c) => uploadConst(be, c)),
      params,
      outShape,
    }).primitive;
  const n = nu.length;
  const same = (s: readonly (readonly number[])[]) => [...s[0]!];
  const byLayer = (s: readonly (readonly number[])[]) => [s[0]![0]!, n];
  const lines = spec.molecules.map((m) => {
    let xs;
    if (m.opa.method === "premodit") {
      const c = premoditStageConsts(m.opa.tables);
      xs = stage(premoditXsmatrixStage, c.consts, c.params, byLayer);
    } else {
      // the direct line-by-line reference: forward only, on the host (no stage kernels)
      xs = xsmatrixPrimitive(m.opa);
    }
    return {
      name: m.name,
      direct: m.opa.method !== "premodit",
      xs,
      dtau: stage(
        opacityProfileXsStage,
        [art.dParr],
        { molmass: m.molmass, nnu: n },
        same,
      ),
    };
  });
  const cias = (spec.cia ?? []).map((c) => {
    const k = ciaStageConsts(c.opa);
    return {
      name: c.name,
      logacia: stage(ciaLogaciaStage, k.consts, k.params, byLayer),
      dtau: stage(
        opacityProfileCiaStage,
        [art.pressure, art.dParr],
        { vmr1: c.vmr[0], vmr2: c.vmr[1], mmw: spec.mmw },
        same,
      ),
    };
  });
  const emission = art.rtsolver === "ibased"
    ? stage(emissionIbasedStage, [nu], { nstream: art.nstream }, () => [n])
    : stage(emissionFbased2stStage, [nu], {}, () => [n]);
  const rot = stage(rigidRotationStage, [spec.sopRot.vGrid], {}, same);
  const ip = stage(ipgaussStage, [spec.sopInst.vGrid], {}, same);
  const m = spec.nuObs.length;
  const samp = stage(samplingStage, [nu, spec.nuObs], {}, () => [m]);
  const [u1v, u2v] = spec.limbDarkening ?? [0, 0];
  const [u1, u2, beta] = [u1v, u2v, spec.betaInst].map((v) =>
    constantOn(be, new Float64Array([v]), [])
  );

  const run = (x: EmissionInputs, record?: _Record): Value => {
    if (x.mmr.length !== lines.length) {
      throw new TypeError(
        `EmissionModel: mmr has ${x.mmr.length} entries, the model has ${lines.length} molecules (${
          lines.map((l) => l.name).join(", ")
        })`,
      );
    }
    const t = onBe(x.temperature);
    const ts = t.shape;
    const batched = ts.length === 2;
    if (ts[ts.length - 1] !== art.nlayer || !(ts.length === 1 || batched)) {
      throw new TypeError(
        `EmissionModel: temperature must have shape [${art.nlayer}] or [B, ${art.nlayer}], got [${ts}]`,
      );
    }
    const B = batched ? ts[0]! : 1;
    if (batched) {
      const scalars: [string, Value][] = [
        ["gravity", x.gravity],
        ["rv", x.rv],
        ["vsini", x.vsini],
      ];
      x.mmr.forEach((m, i) => {
        if (m.shape.length !== 2) scalars.push([`mmr[${i}]`, m]);
        else if (m.shape[0] !== B || m.shape[1] !== art.nlayer) {
          throw new TypeError(
            `EmissionModel: with a batch of ${B}, mmr[${i}] must have shape [${B}] or [${B}, ${art.nlayer}], got [${m.shape}]`,
          );
        }
      });
      for (const [name, v] of scalars) {
        if (v.shape.length !== 1 || v.shape[0] !== B) {
          throw new TypeError(
            `EmissionModel: with a batch of ${B} (temperature [${ts}]), ${name} must have shape [${B}], got [${v.shape}]`,
          );
        }
      }
      if (lines.some((l) => l.direct)) {
        throw new TypeError(
          "EmissionModel: a batch needs PreMODIT opacities (the direct reference is evaluated one parameter set at a time)",
        );
      }
    }
    /** Stage params: which arguments carry the batch axis (none without a batch). */
    const bat = (...flags: boolean[]) =>
      batched ? { batch: B, batched: flags } : {};
    record?.("temperature", t);
    let dtau: Value | null = null;
    const acc = (d: Value) => {
      dtau = dtau === null ? d : add(dtau, d);
    };
    const gravity = onBe(x.gravity);
    lines.forEach((l, i) => {
      const xs = bind(l.xs, [t, pressure], bat(true, false));
      acc(
        bind(l.dtau, [xs, onBe(x.mmr[i]!), gravity], bat(true, true, true)),
      );
    });
    for (const c of cias) {
      const la = bind(c.logacia, [t], bat(true));
      acc(bind(c.dtau, [la, t, gravity], bat(true, true, true)));
    }
    record?.("dtau", dtau!);
    const flux = bind(emission, [dtau!, t], bat(true, true));
    record?.("flux", flux);
    const fRot = bind(
      rot,
      [flux, onBe(x.vsini), u1!, u2!],
      bat(true, true, false, false),
    );
    record?.("fluxRot", fRot);
    const fInst = bind(ip, [fRot, beta!], bat(true, false));
    record?.("fluxInst", fInst);
    const mu = bind(samp, [fInst, onBe(x.rv)], bat(true, true));
    record?.("mu", mu);
    return mu;
  };

  return {
    spec,
    backend: be,
    differentiable: spec.molecules.every((m) => m.opa.method === "premodit"),
    spectrum: (x) => run(x),
    stages(x) {
      // the stages are read back to host arrays, so every device buffer of the evaluation is
      // freed when it returns
      return scopeSync(() => {
        const out: Partial<EmissionStages> = {};
        run(x, (stage, v) => {
          if (!(v instanceof Tensor)) {
            throw new TypeError(
              "EmissionModel.stages(): inputs must be concrete tensors (use spectrum() under autodiff)",
            );
          }
          out[stage] = v.isHost ? v.data : v.readSync();
        });
        return out as EmissionStages;
      });
    },
  };
}
