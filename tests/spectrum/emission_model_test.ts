import {
  createEmissionModel,
  type EmissionModel,
} from "../../src/spectrum/emission_model.ts";
import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import { grad, scalar, sum, type Tensor, tensor } from "../../src/ad/mod.ts";
import { key, normal } from "../../src/random/prng.ts";
import { checkRules } from "../ad/_check.ts";
import {
  assert,
  assertRelClose,
  assertThrows,
  maxRelErr,
  SHARED_DATA,
} from "../_util.ts";

let _m: TutorialModel | undefined;
async function tutorial(): Promise<TutorialModel> {
  _m ??= await createTutorialModel({ dbDir: SHARED_DATA, nlayer: 30 });
  return _m;
}

/** The tutorial model with CO entered twice, as two absorbers. */
function twoCo(m: TutorialModel): EmissionModel {
  const spec = m.emission.spec;
  return createEmissionModel({
    ...spec,
    molecules: [spec.molecules[0]!, { ...spec.molecules[0]!, name: "CO'" }],
  });
}

Deno.test("the tutorial's fspec and stages are the general model's forward pass, bit for bit", async () => {
  const m = await tutorial();
  const p = [1300, 0.12, 0.008, 2.1e4, 38, 7] as const;
  const s = m.stages(...p);
  const mu = m.emission.spectrum({
    temperature: tensor(m.art.powerlawTemperature(p[0], p[1])),
    mmr: [scalar(p[2])],
    gravity: scalar(p[3]),
    rv: scalar(p[4]),
    vsini: scalar(p[5]),
  }) as Tensor;
  assert(mu.data.every((v, i) => v === s.mu[i]), "spectrum() !== stages().mu");
  assert(m.fspec(...p).every((v, i) => v === s.mu[i]), "fspec !== stages().mu");
});

Deno.test("two line absorbers add their optical depths: CO at MMR a and CO at b equal CO at a + b (1e-13)", async () => {
  const m = await tutorial();
  const two = twoCo(m);
  const base = {
    temperature: tensor(m.art.powerlawTemperature(1200, 0.1)),
    gravity: scalar(24785.77),
    rv: scalar(40),
    vsini: scalar(10),
  };
  const a = two.stages({ ...base, mmr: [scalar(0.004), scalar(0.006)] });
  const b = m.emission.stages({ ...base, mmr: [scalar(0.01)] });
  // dτ is linear in MMR: 0.004 σ + 0.006 σ = 0.01 σ up to rounding of the two products
  assert(
    maxRelErr(a.dtau, b.dtau) < 1e-13,
    `dtau ${maxRelErr(a.dtau, b.dtau)}`,
  );
  assert(maxRelErr(a.mu, b.mu) < 1e-13, `mu ${maxRelErr(a.mu, b.mu)}`);
  // a per-layer MMR profile is accepted too and gives the same spectrum as the constant
  const prof = two.stages({
    ...base,
    mmr: [tensor(new Float64Array(30).fill(0.004)), scalar(0.006)],
  });
  assert(maxRelErr(prof.mu, a.mu) === 0);
});

Deno.test("two-absorber model: JVP and VJP against central differences (1e-5) and each other (1e-10)", async () => {
  const m = await tutorial();
  const two = twoCo(m);
  const T = m.art.powerlawTemperature(1250, 0.05); // 703–1400 K: inside the PreMODIT range
  const z = normal(key(31), 30);
  const x = [0.004, 0.006, 24785.77, 40, 10];
  checkRules(
    "two absorbers",
    (t, m1, m2, g, rv, vs) =>
      two.spectrum({
        temperature: t,
        mmr: [m1, m2],
        gravity: g,
        rv,
        vsini: vs,
      }),
    [tensor(T), ...x.map((v) => scalar(v))],
    {
      eps: 1e-6,
      directions: [
        Float64Array.from(T, (v, i) => z[i]! * v / 1e3),
        ...x.map((v) => new Float64Array([0.3 * v])),
      ],
      h: 1e-6,
      fdTol: 1e-5,
      dotTol: 1e-10,
    },
  );
});

Deno.test("the direct (lpf) opacity: forward is the hand-composed stage functions bit for bit, derivatives refused by name", async () => {
  const d = await createTutorialModel({
    dbDir: SHARED_DATA,
    nlayer: 4,
    nGrid: 400,
    opacity: "direct",
  });
  assert(d.emission.differentiable === false);
  // the reference: the stage functions called one after another on arrays
  const t = d.art.powerlawTemperature(1200, 0.1);
  const dtau = d.art.opacityProfileXs(
    d.opa.xsmatrix(t, d.art.pressure),
    d.art.constantMmrProfile(0.01),
    d.molmass,
    24785.77,
  );
  const dc = d.art.opacityProfileCia(
    d.opaCia.logaciaMatrix(t),
    t,
    d.vmrH2,
    d.vmrH2,
    d.mmw,
    24785.77,
  );
  for (let i = 0; i < dtau.length; i++) dtau[i] = dtau[i]! + dc[i]!;
  const f = d.sopInst.sampling(
    d.sopInst.ipgauss(
      d.sopRot.rigidRotation(d.art.run(dtau, t), 10, 0, 0),
      d.betaInst,
    ),
    40,
    d.nuObs,
  );
  const s = d.stages(1200, 0.1, 0.01, 24785.77, 40, 10);
  assert(s.dtau.every((v, i) => v === dtau[i]), "dtau");
  assert(s.mu.every((v, i) => v === f[i]), "mu");
  const inputs = (t: Tensor, g: Tensor) => ({
    temperature: t,
    mmr: [scalar(0.01)],
    gravity: g,
    rv: scalar(40),
    vsini: scalar(10),
  });
  // the temperature reaches σ(T, P): the lpf primitive refuses, naming itself
  assertThrows(
    () =>
      grad((tt) => sum(d.emission.spectrum(inputs(tt as Tensor, scalar(2e4)))))(
        tensor(t),
      ),
    TypeError,
    'method "lpf"',
  );
  // gravity does not reach σ: its derivative needs no opacity rule and matches differences
  const gg = grad((g) =>
    sum(d.emission.spectrum(inputs(tensor(t), g as Tensor)))
  )(
    scalar(2e4),
  ) as Tensor;
  const tot = (g: number) =>
    d.fspec(1200, 0.1, 0.01, g, 40, 10).reduce((a, b) => a + b, 0);
  assertRelClose(
    gg.item(),
    (tot(2e4 * (1 + 1e-6)) - tot(2e4 * (1 - 1e-6))) / 4e-2,
    1e-6,
  );
});

Deno.test("createEmissionModel and spectrum() refuse inconsistent parts with messages naming them", async () => {
  const m = await tutorial();
  const spec = m.emission.spec;
  const other = await createTutorialModel({
    dbDir: SHARED_DATA,
    nlayer: 30,
    nGrid: 3000,
  });
  assertThrows(
    () => createEmissionModel({ ...spec, sopRot: other.sopRot }),
    TypeError,
    "sopRot is not on the atmosphere's grid",
  );
  assertThrows(
    () =>
      createEmissionModel({
        ...spec,
        molecules: [{ ...spec.molecules[0]!, opa: other.opa }],
      }),
    TypeError,
    "molecule CO's opacity",
  );
  assertThrows(
    () => createEmissionModel({ ...spec, molecules: [], cia: [] }),
    TypeError,
    "no absorber",
  );
  assertThrows(
    () => createEmissionModel({ ...spec, betaInst: 0 }),
    RangeError,
    "betaInst",
  );
  const base = { gravity: scalar(2e4), rv: scalar(40), vsini: scalar(10) };
  const T = tensor(m.art.powerlawTemperature(1200, 0.1));
  assertThrows(
    () => m.emission.spectrum({ ...base, temperature: T, mmr: [] }),
    TypeError,
    "mmr has 0 entries, the model has 1 molecules (CO)",
  );
  assertThrows(
    () =>
      m.emission.spectrum({
        ...base,
        temperature: tensor([1000, 1000]),
        mmr: [scalar(0.01)],
      }),
    TypeError,
    "temperature must have shape [30] or [B, 30], got [2]",
  );
  // stages() is forward only: under grad it says to use spectrum()
  assertThrows(
    () =>
      grad((g) => {
        m.emission.stages({
          ...base,
          gravity: g,
          temperature: T,
          mmr: [scalar(0.01)],
        });
        return g;
      })(scalar(2e4)),
    TypeError,
    "use spectrum() under autodiff",
  );
  // the stages' validators still name a non-finite input: NonFiniteError is a RangeError
  assertThrows(
    () =>
      m.emission.spectrum({
        ...base,
        gravity: scalar(NaN),
        temperature: T,
        mmr: [scalar(0.01)],
      }),
    RangeError,
    "gravity",
  );
});
