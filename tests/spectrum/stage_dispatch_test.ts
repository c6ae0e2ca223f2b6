// The emission model dispatches every stage through its backend's registered kernels
// (src/ad/stage_kernels.ts). Reference: the same pipeline composed from the host primitives
// (src/*/primitives.ts), which call the stage functions directly. Forward, JVP and VJP must be
// the same numbers bit for bit; a backend lacking a stage is refused by name.
import {
  bind,
  jvp,
  scalar,
  type Tensor,
  tensor,
  type Value,
  vjp,
} from "../../src/ad/mod.ts";
import { add, scalarOf } from "../../src/ad/ops.ts";
import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import { createEmissionModel } from "../../src/spectrum/emission_model.ts";
import { createJsBackend } from "../../src/backend/js/js_backend.ts";
import { MissingKernelError } from "../../src/backend/backend.ts";
import {
  createWasmBackend,
  createWasmRfftPlan,
} from "../../src/backend/wasm/mod.ts";
import {
  logaciaPrimitive,
  xsmatrixPrimitive,
} from "../../src/opacity/primitives.ts";
import {
  emissionPrimitive,
  opacityProfileCiaPrimitive,
  opacityProfileXsPrimitive,
  powerlawTemperaturePrimitive,
} from "../../src/rt/primitives.ts";
import {
  ipgaussPrimitive,
  rigidRotationPrimitive,
  samplingPrimitive,
} from "../../src/sop/primitives.ts";
import { createTutorialAd } from "../../src/spectrum/tutorial_ad.ts";
import { key, normal } from "../../src/random/prng.ts";
import { assert, assertThrows, SHARED_DATA } from "../_util.ts";

let _m: TutorialModel | undefined;
async function tutorial(): Promise<TutorialModel> {
  _m ??= await createTutorialModel({ dbDir: SHARED_DATA, nlayer: 12 });
  return _m;
}

/** fspec(T0, alpha, MMR, g, RV, vsini) composed from the host primitives. */
function hostFspec(m: TutorialModel) {
  const spec = m.emission.spec;
  const art = spec.art;
  const nu = art.nuGrid;
  const mol = spec.molecules[0]!;
  const cia = spec.cia![0]!;
  const tP = powerlawTemperaturePrimitive(art.pressure, [art.tLow, art.tHigh]);
  const xs = xsmatrixPrimitive(mol.opa);
  const dXs = opacityProfileXsPrimitive(mol.molmass, art.dParr, nu.length);
  const la = logaciaPrimitive(cia.opa);
  const dC = opacityProfileCiaPrimitive(
    art.pressure,
    art.dParr,
    cia.vmr[0],
    cia.vmr[1],
    spec.mmw,
  );
  const em = emissionPrimitive(nu, { solver: "ibased", nstream: art.nstream });
  const rot = rigidRotationPrimitive(spec.sopRot.vGrid);
  const ip = ipgaussPrimitive(spec.sopInst.vGrid);
  const samp = samplingPrimitive(nu, spec.nuObs);
  const p = tensor(art.pressure);
  const zero = scalarOf(0), beta = scalarOf(spec.betaInst);
  return (...a: Value[]): Value => {
    const [t0, alpha, mmr, g, rv, vsini] = a;
    const t = bind(tP, [t0!, alpha!], {});
    const d1 = bind(dXs, [bind(xs, [t, p], {}), mmr!, g!], {});
    const d2 = bind(dC, [bind(la, [t], {}), t, g!], {});
    const f = bind(em, [add(d1, d2), t], {});
    const fr = bind(rot, [f, vsini!, zero, zero], {});
    return bind(samp, [bind(ip, [fr, beta], {}), rv!], {});
  };
}

const THETA = [1210, 0.11, 0.009, 2.3e4, 39.5, 9] as const;

Deno.test("stage kernels vs host primitives: fspec, its JVP (3 directions) and its VJP are identical bit for bit", async () => {
  const m = await tutorial();
  const ad = createTutorialAd(m);
  const host = hostFspec(m);
  const args = THETA.map((v) => scalar(v));
  const a = ad.fspec(
    ...args as [Value, Value, Value, Value, Value, Value],
  ) as Tensor;
  const b = host(...args) as Tensor;
  assert(a.data.every((v, i) => v === b.data[i]), "forward differs");
  for (let q = 0; q < 3; q++) {
    const u = normal(key(70 + q), 6).map((z, i) => z * 0.01 * THETA[i]!);
    const us = Array.from(u, (v) => scalar(v));
    const [, ta] = jvp(
      (...x: Value[]) =>
        ad.fspec(...x as [Value, Value, Value, Value, Value, Value]),
      args,
      us,
    );
    const [, tb] = jvp(host, args, us);
    const da = (ta as Tensor).data, db = (tb as Tensor).data;
    assert(da.every((v, i) => v === db[i]), `jvp ${q} differs`);
  }
  const w = tensor(normal(key(80), a.size));
  const [, ba] = vjp(
    (...x: Value[]) =>
      ad.fspec(...x as [Value, Value, Value, Value, Value, Value]),
    args,
  );
  const [, bb] = vjp(host, args);
  const ga = ba(w) as Tensor[], gb = bb(w) as Tensor[];
  ga.forEach((g, i) =>
    assert(
      g.item() === gb[i]!.item(),
      `vjp ${i}: ${g.item()} vs ${gb[i]!.item()}`,
    )
  );
});

Deno.test("a backend without the emission stages is refused with MissingKernelError naming backend and kernel", async () => {
  const m = await tutorial();
  const spec = m.emission.spec;
  assertThrows(
    () => createEmissionModel({ ...spec, backend: createJsBackend() }),
    MissingKernelError,
    'backend "js" has no kernel "opacity.premodit_xsmatrix"',
  );
  const wasm = await createWasmBackend();
  try {
    assertThrows(
      () => createEmissionModel({ ...spec, backend: wasm }),
      MissingKernelError,
      'backend "wasm" has no kernel "opacity.premodit_xsmatrix"',
    );
  } finally {
    wasm.destroy();
  }
});

Deno.test("the tutorial's rfftPlan option (the WASM FFT) reaches the default backend's PreMODIT kernels", async () => {
  const wasm = await createWasmBackend();
  try {
    const m = await createTutorialModel({
      dbDir: SHARED_DATA,
      nlayer: 4,
      rfftPlan: (n) => createWasmRfftPlan(wasm, n),
    });
    const t = m.art.powerlawTemperature(1200, 0.1);
    const s = m.stages(1200, 0.1, 0.01, 2.4e4, 40, 10);
    // the reference: the calculator's own xsmatrix (WASM FFT) and the CIA profile, summed
    const d = m.art.opacityProfileXs(
      m.opa.xsmatrix(t, m.pressure),
      m.art.constantMmrProfile(0.01),
      m.molmass,
      2.4e4,
    );
    const c = m.art.opacityProfileCia(
      m.opaCia.logaciaMatrix(t),
      t,
      m.vmrH2,
      m.vmrH2,
      m.mmw,
      2.4e4,
    );
    assert(
      s.dtau.every((v, i) => v === d[i]! + c[i]!),
      "stage dτ differs from the WASM-FFT calculator's",
    );
  } finally {
    wasm.destroy();
  }
});
