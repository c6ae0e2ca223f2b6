/**
 * The intensity-based n-stream emission solver (`emissionIbased`, src/rt/emission_ibased.ts) on
 * WebGPU in f32: forward flux, forward-mode derivative for K tangent directions in one dispatch,
 * and reverse-mode derivative (per-wavenumber adjoint plus a per-layer reduction over ν).
 *
 * Kernels (registered on a WebGPU backend by {@link registerIbasedWebGpuKernels}, which
 * {@link createIbasedWebGpu} calls; layers top first, [nlayer][nnu] row-major):
 * - `emission_ibased`: inputs [dtau [L][N], temperature [L] (K), nu [N] (cm⁻¹), quad [2·nµ]]
 *   → outputs [flux [N]] (erg/s/cm²/cm⁻¹).
 * - `emission_ibased_jvp`: inputs [dtau, temperature, nu, quad, tDtau [K][L][N], tT [K][L]]
 *   → outputs [flux [N], dflux [K][N]]; params `has_tdtau`/`has_tt` = 0 mark a zero tangent
 *   (its buffer is then ignored and may be any buffer).
 * - `emission_ibased_vjp`: inputs [dtau, temperature, nu, quad, ct [N]]
 *   → outputs [dtauBar [L][N], tBar [L]].
 *
 * `quad` is {@link ibasedQuadrature}: the nstream/2 cosines µ then their weights w. Params
 * (nlayer, nnu, nmu, nk) default to the values implied by the buffer sizes.
 *
 * Precision (f32, tested against the float64 TypeScript twins on L = 100, N = 3500, nstream = 8,
 * dτ spanning 1e-6…10 per layer, T 500–1500 K): every output within 1e-5 of its max |value|.
 *
 * The stage depends on the backend, never the other way round: the backend module knows only
 * the generic kernel-spec API (`WebGpuKernelSpec`, `ensureWebGpuKernels`).
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { createWebGpuBackend, isWebGpuAvailable } from "../backend/webgpu/webgpu_backend.ts";
 * import { createIbasedWebGpu } from "./emission_ibased_webgpu.ts";
 * import { emissionIbased } from "./emission_ibased.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   const nu = new Float64Array([4300, 4310]);
 *   const dtau = new Float64Array([0.1, 0.2, 50, 50]), t = new Float64Array([1000, 1200]);
 *   const rt = await createIbasedWebGpu(be, nu, 2, 8);
 *   const f32 = await rt.forward(dtau, t);
 *   const f64 = emissionIbased(dtau, t, nu, 8);
 *   assert.ok(f32.every((v, i) => Math.abs(v / f64[i]! - 1) < 1e-5));
 *   be.destroy();
 * }
 * ```
 *
 * @module
 */
import type { DeviceBuffer } from "../backend/backend.ts";
import {
  ensureWebGpuKernels,
  type WebGpuBackend,
  type WebGpuKernelSpec,
  workgroupCount as _groups,
} from "../backend/webgpu/webgpu_backend.ts";
import type { StageJvp } from "../ad/first_order.ts";
import { emissionQuadrature } from "./emission_ibased.ts";
import {
  _checkDtau,
  _checkF64,
  _checkNu,
  _checkTemperature,
} from "./_validate.ts";

/** Largest nstream the WGSL kernels support (MAX_NMU = 32 cosines in wgsl/rt_common.wgsl). */
export const IBASED_WEBGPU_MAX_NSTREAM = 64;

/**
 * The quadrature buffer of the ibased kernels: the nstream/2 Gauss–Legendre cosines µ followed
 * by their weights w (from {@link emissionQuadrature}), length nstream.
 *
 * @param nstream Number of streams, even, 2 … 64.
 * @returns [µ_0 … µ_(nµ−1), w_0 … w_(nµ−1)].
 * @throws {RangeError} If nstream is not an even integer in [2, 64].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { ibasedQuadrature } from "./emission_ibased_webgpu.ts";
 * assert.deepStrictEqual(Array.from(ibasedQuadrature(2)), [0.5, 1]); // µ = 1/2, w = 1
 * ```
 */
export function ibasedQuadrature(nstream: number): Float64Array {
  if (!(Number.isInteger(nstream) && nstream <= IBASED_WEBGPU_MAX_NSTREAM)) {
    throw new RangeError(
      `nstream must be an even integer in [2, ${IBASED_WEBGPU_MAX_NSTREAM}] on WebGPU, got ${nstream}`,
    );
  }
  const { mu, w } = emissionQuadrature(nstream);
  const q = new Float64Array(2 * mu.length);
  q.set(mu, 0);
  q.set(w, mu.length);
  return q;
}

type _P = Readonly<Record<string, number>>;

function _checkCommon(name: string, ins: readonly DeviceBuffer[], p: _P): void {
  const [dtau, t, nu, quad] = ins;
  const { nlayer, nnu, nmu } = p as Record<"nlayer" | "nnu" | "nmu", number>;
  if (!(nmu >= 1 && nmu <= IBASED_WEBGPU_MAX_NSTREAM / 2)) {
    throw new RangeError(
      `${name}: nmu must be in [1, ${
        IBASED_WEBGPU_MAX_NSTREAM / 2
      }], got ${nmu}`,
    );
  }
  if (nlayer < 1 || nnu < 1) {
    throw new RangeError(
      `${name}: nlayer and nnu must be >= 1, got ${nlayer}, ${nnu}`,
    );
  }
  const want: [DeviceBuffer, number, string][] = [
    [dtau!, nlayer * nnu, "dtau"],
    [t!, nlayer, "temperature"],
    [nu!, nnu, "nu"],
    [quad!, 2 * nmu, "quad"],
  ];
  for (const [b, n, what] of want) {
    if (b.size !== n) {
      throw new TypeError(
        `${name}: ${what} must have ${n} elements, got ${b.size}`,
      );
    }
  }
}

function _checkSize(
  name: string,
  b: DeviceBuffer,
  n: number,
  what: string,
): void {
  if (b.size !== n) {
    throw new TypeError(
      `${name}: ${what} must have ${n} elements, got ${b.size}`,
    );
  }
}

const _SHAPE_PARAMS = [
  {
    name: "nlayer",
    type: "u32",
    default: (i: readonly DeviceBuffer[]) => i[1]!.size,
  },
  {
    name: "nnu",
    type: "u32",
    default: (i: readonly DeviceBuffer[]) => i[2]!.size,
  },
  {
    name: "nmu",
    type: "u32",
    default: (i: readonly DeviceBuffer[]) => Math.floor(i[3]!.size / 2),
  },
] as const;

/** The ibased emission kernel specs (see the module doc); {@link registerIbasedWebGpuKernels} adds them. */
export const IBASED_WEBGPU_KERNELS: readonly WebGpuKernelSpec[] = [
  {
    name: "emission_ibased",
    inputs: 4,
    outputs: 1,
    params: _SHAPE_PARAMS,
    check: (i, o, p) => {
      _checkCommon("emission_ibased", i, p);
      _checkSize("emission_ibased", o[0]!, p.nnu!, "flux");
    },
    stages: [{
      modules: ["rt_common", "emission_ibased"],
      bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { input: 3 }, {
        output: 0,
      }],
      dispatch: (p) => [_groups(p.nnu!, 64), 1, 1],
    }],
  },
  {
    name: "emission_ibased_jvp",
    inputs: 6,
    outputs: 2,
    params: [
      ..._SHAPE_PARAMS,
      {
        name: "nk",
        type: "u32",
        default: (_i, o, p) => Math.floor(o[1]!.size / p.nnu!),
      },
      { name: "has_tdtau", type: "u32", default: 1 },
      { name: "has_tt", type: "u32", default: 1 },
    ],
    check: (i, o, p) => {
      const n = "emission_ibased_jvp";
      _checkCommon(n, i, p);
      const { nlayer, nnu, nk } = p as Record<"nlayer" | "nnu" | "nk", number>;
      if (p.has_tdtau) _checkSize(n, i[4]!, nk * nlayer * nnu, "tDtau");
      if (p.has_tt) _checkSize(n, i[5]!, nk * nlayer, "tT");
      _checkSize(n, o[0]!, nnu, "flux");
      _checkSize(n, o[1]!, nk * nnu, "dflux");
    },
    stages: [{
      modules: ["rt_common", "emission_ibased_jvp"],
      bindings: [
        { input: 0 },
        { input: 1 },
        { input: 2 },
        { input: 3 },
        { input: 4 },
        { input: 5 },
        { output: 0 },
        { output: 1 },
      ],
      dispatch: (p) => [_groups(p.nnu!, 64), _groups(p.nk!, 8), 1],
    }],
  },
  {
    name: "emission_ibased_vjp",
    inputs: 5,
    outputs: 2,
    params: _SHAPE_PARAMS,
    check: (i, o, p) => {
      const n = "emission_ibased_vjp";
      _checkCommon(n, i, p);
      _checkSize(n, i[4]!, p.nnu!, "ct");
      _checkSize(n, o[0]!, p.nlayer! * p.nnu!, "dtauBar");
      _checkSize(n, o[1]!, p.nlayer!, "tBar");
    },
    stages: [
      {
        modules: ["rt_common", "emission_ibased_vjp"],
        bindings: [
          { input: 0 },
          { input: 1 },
          { input: 2 },
          { input: 3 },
          { input: 4 },
          { output: 0 },
          { scratch: "q", size: (p) => p.nlayer! * p.nnu! },
        ],
        dispatch: (p) => [_groups(p.nnu!, 64), 1, 1],
      },
      {
        // params struct starts (nlayer, nnu) = (rows, cols) as reduce_rows expects
        modules: ["reduce_rows"],
        bindings: [{ scratch: "q", size: (p) => p.nlayer! * p.nnu! }, {
          output: 1,
        }],
        dispatch: (
          p,
        ) => [Math.min(p.nlayer!, 65535), Math.ceil(p.nlayer! / 65535), 1],
      },
    ],
  },
];

/**
 * Registers the ibased emission kernels ({@link IBASED_WEBGPU_KERNELS}) on a WebGPU backend,
 * compiling only those it does not have yet. Needed before running the raw kernels with
 * `backend.run("emission_ibased", ...)`; {@link createIbasedWebGpu} calls it.
 *
 * @param backend The WebGPU backend.
 * @returns Resolves once the pipelines are compiled.
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { createWebGpuBackend, isWebGpuAvailable } from "../backend/webgpu/webgpu_backend.ts";
 * import { registerIbasedWebGpuKernels } from "./emission_ibased_webgpu.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   assert.strictEqual(be.hasKernel("emission_ibased"), false);
 *   await registerIbasedWebGpuKernels(be);
 *   assert.ok(be.hasKernel("emission_ibased") && be.hasKernel("emission_ibased_vjp"));
 *   be.destroy();
 * }
 * ```
 */
export function registerIbasedWebGpuKernels(
  backend: WebGpuBackend,
): Promise<void> {
  return ensureWebGpuKernels(backend, IBASED_WEBGPU_KERNELS);
}

/** K tangent directions of (dτ, T), as taken by `emissionIbasedJvp` (src/rt/emission_ibased_ad.ts). */
export interface IbasedTangents {
  /** Number of directions K (≥ 1). */
  k: number;
  /** Tangent of dtau, [K][nlayer][nnu]; null or absent = zero. */
  dtau?: Float64Array | null;
  /** Tangent of temperature [K], [K][nlayer]; null or absent = zero. */
  temperature?: Float64Array | null;
}

/** Forward, JVP and VJP of `emissionIbased` on one WebGPU backend for a fixed grid and layer count. */
export interface IbasedWebGpu {
  /** Number of layers. */
  readonly nlayer: number;
  /** Number of wavenumbers. */
  readonly nnu: number;
  /** Number of streams. */
  readonly nstream: number;
  /**
   * Flux F_ν [erg/s/cm²/cm⁻¹], length nnu.
   *
   * @param dtau Layer optical depths [nlayer][nnu] (top first), each ≥ 0.
   * @param temperature Layer temperatures [K], length nlayer, each > 0.
   */
  forward(dtau: Float64Array, temperature: Float64Array): Promise<Float64Array>;
  /**
   * Flux and its directional derivatives for K tangent directions (one dispatch), shaped as
   * `emissionIbasedJvp`'s result (a `StageJvp`): out = F [nnu], dout = dF [K][nnu].
   *
   * @param dtau Layer optical depths [nlayer][nnu].
   * @param temperature Layer temperatures [K], length nlayer.
   * @param tangents K directions of dtau and/or temperature.
   */
  jvp(
    dtau: Float64Array,
    temperature: Float64Array,
    tangents: IbasedTangents,
  ): Promise<StageJvp>;
  /**
   * Cotangents of dtau [nlayer][nnu] and temperature [nlayer] for one flux cotangent, returned
   * positionally as [dtauBar, temperatureBar], like the pullback of `emissionIbasedWithVjp`.
   *
   * @param dtau Layer optical depths [nlayer][nnu].
   * @param temperature Layer temperatures [K], length nlayer.
   * @param ct Flux cotangent, length nnu.
   */
  vjp(
    dtau: Float64Array,
    temperature: Float64Array,
    ct: Float64Array,
  ): Promise<[dtauBar: Float64Array, temperatureBar: Float64Array]>;
  /** Frees the device buffers (the backend stays usable). */
  destroy(): void;
}

/**
 * Uploads a wavenumber grid and quadrature once and returns forward/JVP/VJP functions that
 * upload dτ and T, run the ibased kernels and read the results back (as float64). Calls may
 * overlap: each enqueues its writes, dispatch and readback synchronously, in queue order.
 *
 * @param backend A WebGPU backend (the ibased kernels are registered on it if missing).
 * @param nu Wavenumbers [cm⁻¹], each finite and > 0.
 * @param nlayer Number of layers, a positive integer.
 * @param nstream Number of streams (even, 2 … 64; default 8).
 * @returns The solver object, once its kernels are compiled on `backend`.
 * @throws {TypeError} If nu is not a non-empty Float64Array.
 * @throws {RangeError} For a bad wavenumber, nlayer or nstream.
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { createWebGpuBackend, isWebGpuAvailable } from "../backend/webgpu/webgpu_backend.ts";
 * import { createIbasedWebGpu } from "./emission_ibased_webgpu.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   const rt = await createIbasedWebGpu(be, new Float64Array([4300]), 2);
 *   const dtau = new Float64Array([0.5, 100]);
 *   const t = new Float64Array([1000, 1000]);
 *   const { dout } = await rt.jvp(dtau, t, { k: 1, temperature: new Float64Array([1, 1]) });
 *   const [, tBar] = await rt.vjp(dtau, t, new Float64Array([1]));
 *   // the JVP along T = (1, 1) equals the VJP's sum over layers
 *   assert.ok(Math.abs((tBar[0]! + tBar[1]!) / dout[0]! - 1) < 1e-5);
 *   be.destroy();
 * }
 * ```
 */
export async function createIbasedWebGpu(
  backend: WebGpuBackend,
  nu: Float64Array,
  nlayer: number,
  nstream = 8,
): Promise<IbasedWebGpu> {
  const n = _checkNu("webgpu.ibased", nu);
  if (!(Number.isInteger(nlayer) && nlayer >= 1)) {
    throw new RangeError(`nlayer must be a positive integer, got ${nlayer}`);
  }
  const quad = ibasedQuadrature(nstream);
  await registerIbasedWebGpuKernels(backend);
  const nnu = n.length;
  const be = backend;
  const nuBuf = be.alloc(nnu);
  be.write(nuBuf, n);
  const quadBuf = be.alloc(quad.length);
  be.write(quadBuf, quad);
  const dtauBuf = be.alloc(nlayer * nnu);
  const tBuf = be.alloc(nlayer);
  const fluxBuf = be.alloc(nnu);
  const dummy = be.alloc(1);
  const owned: DeviceBuffer[] = [nuBuf, quadBuf, dtauBuf, tBuf, fluxBuf, dummy];
  const lazy = new Map<string, DeviceBuffer>();
  const sized = (key: string, size: number): DeviceBuffer => {
    const old = lazy.get(key);
    if (old && old.size === size) return old;
    if (old) be.free(old);
    const b = be.alloc(size);
    lazy.set(key, b);
    return b;
  };
  const upload = (dtau: Float64Array, temperature: Float64Array): void => {
    _checkTemperature("webgpu.ibased", temperature, "temperature", nlayer);
    _checkDtau("webgpu.ibased", dtau, nlayer, nnu);
    be.write(dtauBuf, dtau);
    be.write(tBuf, temperature);
  };
  const base = [dtauBuf, tBuf, nuBuf, quadBuf];
  return {
    nlayer,
    nnu,
    nstream,
    forward(dtau, temperature) {
      upload(dtau, temperature);
      be.run("emission_ibased", base, [fluxBuf]);
      return be.read(fluxBuf);
    },
    async jvp(dtau, temperature, tangents) {
      const k = tangents?.k;
      if (!(typeof k === "number" && Number.isInteger(k) && k >= 1)) {
        throw new RangeError(
          `tangents.k (the number of directions) must be an integer >= 1, got ${k}`,
        );
      }
      const tDtau = tangents.dtau ?? null;
      const tTemp = tangents.temperature ?? null;
      if (tDtau !== null) _checkF64(tDtau, "tangents.dtau", k * nlayer * nnu);
      if (tTemp !== null) _checkF64(tTemp, "tangents.temperature", k * nlayer);
      upload(dtau, temperature);
      let td = dummy;
      if (tDtau !== null) {
        td = sized("tDtau", k * nlayer * nnu);
        be.write(td, tDtau);
      }
      let tt = dummy;
      if (tTemp !== null) {
        tt = sized("tT", k * nlayer);
        be.write(tt, tTemp);
      }
      const dfluxBuf = sized("dflux", k * nnu);
      be.run("emission_ibased_jvp", [...base, td, tt], [fluxBuf, dfluxBuf], {
        nk: k,
        has_tdtau: td === dummy ? 0 : 1,
        has_tt: tt === dummy ? 0 : 1,
      });
      const [out, tan] = await Promise.all([
        be.read(fluxBuf),
        be.read(dfluxBuf),
      ]);
      return { out, dout: tan };
    },
    async vjp(dtau, temperature, ct) {
      _checkF64(ct, "ct", nnu);
      upload(dtau, temperature);
      const ctBuf = sized("ct", nnu);
      be.write(ctBuf, ct);
      const dtauBarBuf = sized("dtauBar", nlayer * nnu);
      const tBarBuf = sized("tBar", nlayer);
      be.run("emission_ibased_vjp", [...base, ctBuf], [dtauBarBuf, tBarBuf]);
      const [dtauBar, tBar] = await Promise.all([
        be.read(dtauBarBuf),
        be.read(tBarBuf),
      ]);
      return [dtauBar, tBar];
    },
    destroy() {
      for (const b of [...owned, ...lazy.values()]) be.free(b);
      owned.length = 0;
      lazy.clear();
    },
  };
}
