import { assert, assertThrows } from "../_util.ts";
import {
  createWebGpuBackend,
  isWebGpuAvailable,
} from "../../src/backend/webgpu/webgpu_backend.ts";
import {
  createIbasedWebGpu,
  ibasedQuadrature,
} from "../../src/rt/emission_ibased_webgpu.ts";
import { emissionIbased } from "../../src/rt/emission_ibased.ts";
import {
  emissionIbasedJvp,
  emissionIbasedWithVjp,
} from "../../src/rt/emission_ibased_ad.ts";
import { planckPi } from "../../src/rt/planck.ts";
import { wavenumberGrid } from "../../src/grid/mod.ts";
import { key, normal, split, uniform } from "../../src/random/mod.ts";

const HAVE_GPU = await isWebGpuAvailable();
if (!HAVE_GPU) {
  console.warn("tests/rt/emission_ibased_webgpu: skipped: no WebGPU adapter");
}
const be = HAVE_GPU ? await createWebGpuBackend() : undefined;
const VERBOSE = Deno.env.get("EXOSPEC_GPU_REPORT") !== undefined;

function gpuTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name, ignore: !HAVE_GPU, fn });
}

/** max |a − b| / max |b|: the error measure the WebGPU tolerances are stated in. */
function relToMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert(a.length === b.length, `length ${a.length} vs ${b.length}`);
  let e = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    e = d > e || Number.isNaN(d) ? d : e;
    s = Math.max(s, Math.abs(b[i]!));
  }
  return e / s;
}

function check(
  what: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tol: number,
): void {
  const e = relToMax(a, b);
  if (VERBOSE) console.log(`  ${what}: ${e.toExponential(2)} of max`);
  assert(e <= tol, `${what}: error ${e} of max |value| > ${tol}`);
}

// Tutorial sizes: 100 layers (1e-5…10 bar), 3500 ν points of the 22920–23000 Å grid, 8 streams.
const L = 100;
const N = 3500;
const NSTREAM = 8;
const NU =
  wavenumberGrid(22920.0, 23000.0, N, { unit: "AA", mode: "premodit" }).nu;

/**
 * A smooth, seeded dτ field: log10 dτ_ij = −6 + 7 u_ij with u rising with depth (0…0.75) plus a
 * line-like profile in ν (0…0.25) and a little noise, so dτ spans 1e-6…10 and the bottom is thick.
 */
function inputs(seed: number): { dtau: Float64Array; t: Float64Array } {
  const [k1, k2, k3] = split(key(seed), 3);
  const centers = uniform(k1!, 12);
  const noise = uniform(k2!, L);
  const prof = new Float64Array(N);
  let pmax = 0;
  for (let j = 0; j < N; j++) {
    const x = j / (N - 1);
    let p = 0;
    for (const c of centers) p += 1 / (1 + ((x - c) / 0.004) ** 2);
    prof[j] = p;
    pmax = Math.max(pmax, p);
  }
  const dtau = new Float64Array(L * N);
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < N; j++) {
      const u = 0.75 * (i / (L - 1)) + 0.24 * (prof[j]! / pmax) +
        0.01 * noise[i]!;
      dtau[i * N + j] = 10 ** (-6 + 7 * u);
    }
  }
  // T0 ∈ [1000, 1500] K, alpha ∈ [0.05, 0.2] on 1e-5…10 bar, clipped to 500–1500 K
  const [t0, alpha] = uniform(k3!, 2);
  const t = new Float64Array(L);
  for (let i = 0; i < L; i++) {
    const p = 10 ** (-5 + 6 * (i / (L - 1)));
    t[i] = Math.min(
      1500,
      Math.max(500, (1000 + 500 * t0!) * p ** (0.05 + 0.15 * alpha!)),
    );
  }
  return { dtau, t };
}

/** K random directions: relative dτ perturbations and temperature tangents of a few K. */
function tangents(
  seed: number,
  k: number,
): { dtau: Float64Array; temperature: Float64Array } {
  const [a, b] = split(key(seed), 2);
  return {
    dtau: normal(a!, k * L * N),
    temperature: normal(b!, k * L).map((x) => 5 * x),
  };
}
function scaleByDtau(tdt: Float64Array, dtau: Float64Array): Float64Array {
  return tdt.map((x, q) => x * dtau[q % (L * N)]!);
}

const { dtau: DTAU, t: TEMP } = inputs(1);
const rt = HAVE_GPU ? await createIbasedWebGpu(be!, NU, L, NSTREAM) : undefined;

gpuTest("ibasedQuadrature() lists mu then w and rejects nstream > 64", () => {
  const q = ibasedQuadrature(4);
  assert(
    q.length === 4 && q[0]! < q[1]! && Math.abs(q[2]! + q[3]! - 1) < 1e-15,
  );
  assertThrows(() => ibasedQuadrature(66), RangeError, "[2, 64]");
  assertThrows(() => ibasedQuadrature(3), RangeError, "even");
});

gpuTest(
  "emission_ibased (WGSL f32) matches emissionIbased() within 1e-5 of max on tutorial sizes",
  async () => {
    for (const seed of [1, 2, 3]) {
      const { dtau, t } = seed === 1 ? { dtau: DTAU, t: TEMP } : inputs(seed);
      check(
        `forward seed ${seed}`,
        await rt!.forward(dtau, t),
        emissionIbased(dtau, t, NU, NSTREAM),
        1e-5,
      );
    }
  },
);

gpuTest(
  "emission_ibased (WGSL f32) handles thin, thick and opaque layers and other nstream",
  async () => {
    const nu = new Float64Array([4300, 4350.5, 4400]);
    const dtau = new Float64Array([
      1e-9,
      0.3,
      0.29,
      1e-7,
      2,
      88,
      5,
      Infinity,
      1e3,
      30,
      30,
      30,
    ]);
    const t = new Float64Array([600, 900, 1200, 1500]);
    for (const ns of [2, 4, 16, 64]) {
      const r = await createIbasedWebGpu(be!, nu, 4, ns);
      check(
        `small nstream ${ns}`,
        await r.forward(dtau, t),
        emissionIbased(dtau, t, nu, ns),
        1e-5,
      );
      r.destroy();
    }
    // thick isothermal: F = πB and dF/dT (all layers) = dπB/dT
    const r = await createIbasedWebGpu(be!, nu, 4, 8);
    const iso = new Float64Array(4).fill(1100);
    const thick = new Float64Array(12).fill(50);
    check(
      "thick isothermal",
      await r.forward(thick, iso),
      planckPi(nu, 1100),
      1e-5,
    );
    const { dout } = await r.jvp(thick, iso, {
      k: 1,
      temperature: new Float64Array(4).fill(1),
    });
    const fd = planckPi(nu, 1100.01).map((x, j) =>
      (x - planckPi(nu, 1099.99)[j]!) / 0.02
    );
    check("thick isothermal dF/dT", dout, fd, 1e-5);
    r.destroy();
  },
);

gpuTest(
  "emission_ibased_jvp (WGSL f32) matches emissionIbasedJvp() within 1e-5 of max, K = 1, 7, 9",
  async () => {
    for (const k of [1, 7, 9]) {
      const tg = tangents(10 + k, k);
      const tdt = scaleByDtau(tg.dtau, DTAU);
      const gpu = await rt!.jvp(DTAU, TEMP, {
        k,
        dtau: tdt,
        temperature: tg.temperature,
      });
      const ref = emissionIbasedJvp(DTAU, TEMP, NU, NSTREAM, {
        k,
        dtau: tdt,
        temperature: tg.temperature,
      });
      check(`jvp K=${k} primal`, gpu.out, ref.out, 1e-5);
      for (let q = 0; q < k; q++) {
        const sl = (x: Float64Array) => x.subarray(q * N, (q + 1) * N);
        check(
          `jvp K=${k} direction ${q}`,
          sl(gpu.dout),
          sl(ref.dout),
          1e-5,
        );
      }
    }
  },
);

gpuTest(
  "emission_ibased_jvp (WGSL f32) with a null dtau or temperature tangent",
  async () => {
    const k = 3;
    const tg = tangents(20, k);
    const tdt = scaleByDtau(tg.dtau, DTAU);
    for (
      const [name, t] of [["dtau only", { k, dtau: tdt }], ["T only", {
        k,
        temperature: tg.temperature,
      }]] as const
    ) {
      const gpu = await rt!.jvp(DTAU, TEMP, t);
      const ref = emissionIbasedJvp(DTAU, TEMP, NU, NSTREAM, t);
      for (let q = 0; q < k; q++) {
        check(
          `jvp ${name} ${q}`,
          gpu.dout.subarray(q * N, (q + 1) * N),
          ref.dout.subarray(q * N, (q + 1) * N),
          1e-5,
        );
      }
    }
    await assertRejects(
      () => rt!.jvp(DTAU, TEMP, { k: 2, dtau: tdt }),
      TypeError,
      "length",
    );
    await assertRejects(
      () => rt!.jvp(DTAU, TEMP, { k: 0 }),
      RangeError,
      "tangents.k",
    );
  },
);

gpuTest(
  "emission_ibased_jvp (WGSL f32) agrees with central differences of the f64 forward within 1e-5",
  async () => {
    const tg = tangents(30, 1);
    const v = scaleByDtau(tg.dtau, DTAU).map((x) => x * 0.1);
    const vt = tg.temperature;
    const h = 1e-3;
    const plus = emissionIbased(
      DTAU.map((x, q) => x + h * v[q]!),
      TEMP.map((x, i) => x + h * vt[i]!),
      NU,
      NSTREAM,
    );
    const minus = emissionIbased(
      DTAU.map((x, q) => x - h * v[q]!),
      TEMP.map((x, i) => x - h * vt[i]!),
      NU,
      NSTREAM,
    );
    const fd = plus.map((x, j) => (x - minus[j]!) / (2 * h));
    const gpu = await rt!.jvp(DTAU, TEMP, { k: 1, dtau: v, temperature: vt });
    check("jvp vs FD", gpu.dout, fd, 1e-5);
  },
);

gpuTest(
  "emission_ibased_vjp (WGSL f32) matches emissionIbasedWithVjp() within 1e-5 of max",
  async () => {
    for (const seed of [40, 41]) {
      const { dtau, t } = seed === 40 ? { dtau: DTAU, t: TEMP } : inputs(seed);
      const ct = normal(key(seed), N);
      const [gDtau, gT] = await rt!.vjp(dtau, t, ct);
      const [rDtau, rT] = emissionIbasedWithVjp(dtau, t, NU, NSTREAM).pullback(
        ct,
      );
      check(`vjp seed ${seed} dtauBar`, gDtau, rDtau!, 1e-5);
      check(`vjp seed ${seed} tBar`, gT, rT!, 1e-5);
    }
    await assertRejects(
      () => rt!.vjp(DTAU, TEMP, new Float64Array(3)),
      TypeError,
      "ct",
    );
  },
);

gpuTest(
  "emission_ibased jvp and vjp (WGSL f32) satisfy <w, J v> = <J^T w, v> within 1e-5",
  async () => {
    const k = 2;
    const tg = tangents(50, k);
    const tdt = scaleByDtau(tg.dtau, DTAU);
    const w = normal(key(51), N);
    const { dout: jv } = await rt!.jvp(DTAU, TEMP, {
      k,
      dtau: tdt,
      temperature: tg.temperature,
    });
    const [dtauBar, tBar] = await rt!.vjp(DTAU, TEMP, w);
    for (let q = 0; q < k; q++) {
      let lhs = 0, rhs = 0, scale = 0;
      for (let j = 0; j < N; j++) {
        lhs += w[j]! * jv[q * N + j]!;
        scale += Math.abs(w[j]! * jv[q * N + j]!);
      }
      for (let x = 0; x < L * N; x++) rhs += dtauBar[x]! * tdt[q * L * N + x]!;
      for (let i = 0; i < L; i++) {
        rhs += tBar[i]! * tg.temperature[q * L + i]!;
      }
      if (VERBOSE) {
        console.log(
          `  dot test ${q}: ${(Math.abs(lhs - rhs) / scale).toExponential(2)}`,
        );
      }
      assert(
        Math.abs(lhs - rhs) <= 1e-5 * scale,
        `direction ${q}: <w,Jv> = ${lhs}, <J^T w,v> = ${rhs}`,
      );
    }
  },
);

gpuTest("createIbasedWebGpu() validates its arguments", async () => {
  await assertRejects(
    () => createIbasedWebGpu(be!, NU, 0),
    RangeError,
    "nlayer",
  );
  await assertRejects(
    () => createIbasedWebGpu(be!, new Float64Array([-1]), 1),
    RangeError,
    "nu[0]",
  );
  await assertRejects(
    () => createIbasedWebGpu(be!, NU, 2, 7),
    RangeError,
    "nstream",
  );
  await assertRejects(
    () => rt!.forward(DTAU.subarray(1), TEMP),
    TypeError,
    "dtau",
  );
  await assertRejects(
    () => rt!.forward(DTAU, TEMP.map((x, i) => (i === 3 ? -x : x))),
    RangeError,
    "layer 3",
  );
});

Deno.test({
  name:
    "emission_ibased WebGPU timings vs emissionIbased() (informational, EXOSPEC_GPU_TIMING=1)",
  ignore: !HAVE_GPU || Deno.env.get("EXOSPEC_GPU_TIMING") === undefined,
  fn: async () => {
    // best of n (the machine may be shared): ms per call
    const time = async (f: () => unknown, n = 5): Promise<number> => {
      await f();
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await f();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const t7 = tangents(60, 7);
    const tdt7 = scaleByDtau(t7.dtau, DTAU);
    const t1 = {
      k: 1,
      dtau: tdt7.subarray(0, L * N),
      temperature: t7.temperature.subarray(0, L),
    };
    const ct = normal(key(61), N);
    const ts = await time(() => emissionIbased(DTAU, TEMP, NU, NSTREAM));
    const tsJ1 = await time(() =>
      emissionIbasedJvp(DTAU, TEMP, NU, NSTREAM, t1)
    );
    const tsJ7 = await time(() =>
      emissionIbasedJvp(DTAU, TEMP, NU, NSTREAM, { k: 7, ...t7, dtau: tdt7 })
    );
    const tsV = await time(() =>
      emissionIbasedWithVjp(DTAU, TEMP, NU, NSTREAM).pullback(ct)
    );
    const gf = await time(() => rt!.forward(DTAU, TEMP));
    const gj1 = await time(() => rt!.jvp(DTAU, TEMP, t1));
    const gj7 = await time(() =>
      rt!.jvp(DTAU, TEMP, { k: 7, ...t7, dtau: tdt7 })
    );
    const gv = await time(() => rt!.vjp(DTAU, TEMP, ct));
    // device-only: inputs already uploaded, one dispatch + sync
    const bufs = [
      be!.alloc(L * N),
      be!.alloc(L),
      be!.alloc(N),
      be!.alloc(2 * (NSTREAM / 2)),
    ];
    be!.write(bufs[0]!, DTAU);
    be!.write(bufs[1]!, TEMP);
    be!.write(bufs[2]!, NU);
    be!.write(bufs[3]!, ibasedQuadrature(NSTREAM));
    const flux = be!.alloc(N);
    const td = be!.alloc(7 * L * N);
    be!.write(td, tdt7);
    const tt = be!.alloc(7 * L);
    be!.write(tt, t7.temperature);
    const df = be!.alloc(7 * N);
    const ctb = be!.alloc(N);
    be!.write(ctb, ct);
    const db = be!.alloc(L * N);
    const tb = be!.alloc(L);
    const kf = await time(
      () => (be!.run("emission_ibased", bufs, [flux]), be!.sync()),
    );
    const kj7 = await time(
      () => (be!.run("emission_ibased_jvp", [...bufs, td, tt], [flux, df]),
        be!.sync()),
    );
    const kv = await time(
      () => (be!.run("emission_ibased_vjp", [...bufs, ctb], [db, tb]),
        be!.sync()),
    );
    const r = (x: number) => x.toFixed(1);
    console.log(
      `  ${
        be!.adapterDescription
      }; L=${L}, N=${N}, nstream=${NSTREAM}; best-of-5 ms per call`,
    );
    console.log(
      `  TS f64:        forward ${r(ts)}  jvp K=1 ${r(tsJ1)}  K=7 ${
        r(tsJ7)
      }  vjp ${r(tsV)}`,
    );
    console.log(
      `  WebGPU+io:     forward ${r(gf)}  jvp K=1 ${r(gj1)}  K=7 ${
        r(gj7)
      }  vjp ${r(gv)}`,
    );
    console.log(
      `  WebGPU kernel: forward ${r(kf)}  jvp K=7 ${r(kj7)}  vjp ${r(kv)}`,
    );
    for (const b of [...bufs, flux, td, tt, df, ctb, db, tb]) be!.free(b);
  },
});

async function assertRejects(
  fn: () => Promise<unknown>,
  cls: new (...args: never[]) => Error,
  fragment: string,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert(e instanceof cls, `expected ${cls.name}, got ${e}`);
    assert(
      e.message.includes(fragment),
      `message "${e.message}" lacks "${fragment}"`,
    );
    return;
  }
  throw new Error(`expected a ${cls.name}`);
}

// Last test of the file: release the shared device so that no GPU device outlives the tests
// (a device left to process teardown is a native-crash risk on Mesa's llvmpipe).
Deno.test({
  name: "teardown: destroy the shared WebGPU backend",
  ignore: !HAVE_GPU,
  fn() {
    be!.destroy();
  },
});
