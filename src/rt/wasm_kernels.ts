/**
 * The WASM SIMD kernels of the rt stages (issue 10), registered on a wasm backend under the
 * same names as their js twins in `kernels.ts`, with the same buffers and params, so the
 * parity harness compares them (1e-12 relative). The compiled code is `asm/ibased.ts` (in the
 * backend's module); this file is the glue: it validates the buffers with the js validators
 * (the same typed errors), computes the quadrature on the host (a few numbers) and calls the
 * module with byte pointers.
 *
 * | stage | kernels on wasm |
 * |---|---|
 * | `rt.emission_ibased` | forward, `.jvp`, `.vjp`, `.pullback` (no batch axis yet) |
 * | `rt.opacity_profile_cia` | forward, `.vjp` (10^e on f64x2 lanes; the per-layer terms and checks here, anything unusual on the js kernel, so errors are its own) |
 *
 * Given a kernel pool (`opts.pool`, the worker of `createStageWasmBackend`), the forward, `.vjp`
 * and `.pullback` kernels run the upper half of the wavenumbers on the worker (the same
 * export of the shared-memory module on its own scratch; every column is computed as on one
 * thread, so the flux and the Jacobian are the same bits; the pullback's ∂/∂T sums over ν are
 * added from two halves). The quadrature and the scratch stay in the backend's memory between
 * calls.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * import { registerRtWasmStages } from "./wasm_kernels.ts";
 * import { emissionIbased } from "./emission_ibased.ts";
 * const be = await createWasmBackend();
 * registerRtWasmStages(be);
 * const nu = new Float64Array([4300, 4301, 4302]);
 * const dtau = new Float64Array([0.1, 0.2, 0.3, 1, 2, 3]), t = new Float64Array([900, 1200]);
 * const put = (a: Float64Array) => { const b = be.alloc(a.length); be.write(b, a); return b; };
 * const out = be.alloc(3);
 * be.run("rt.emission_ibased", [put(nu), put(dtau), put(t)], [out], { nstream: 8 });
 * const ref = emissionIbased(dtau, t, nu, 8);
 * assert.ok(be.readSync(out).every((f, j) => Math.abs(f / ref[j]! - 1) < 1e-12));
 * be.destroy();
 * ```
 *
 * @module
 */
import type { DeviceBuffer, KernelParams } from "../backend/backend.ts";
import type { WasmBackend } from "../backend/wasm/wasm_backend.ts";
import type { KernelPool } from "../backend/wasm/kernel_pool.ts";
import {
  batchedJsStageKernels,
  stageKernelNames,
} from "../ad/stage_kernels.ts";
import { emissionQuadrature } from "./emission_ibased.ts";
import { _checkDtau, _checkNu, _checkTemperature } from "./_validate.ts";
import { opacityProfileCiaJsKernels } from "./kernels.ts";
import { KB, LOG10_KB, LOG10_MU } from "../constants.ts";

/** The exports of asm/ibased.ts (byte pointers, sizes; ld: the row stride of [L, ·] arrays). */
interface _IbasedExports {
  ibased_forward(
    nu: number,
    dtau: number,
    temp: number,
    out: number,
    nlayer: number,
    n: number,
    ld: number,
    nmu: number,
    quad: number,
    scratch: number,
  ): void;
  ibased_jacobian(
    nu: number,
    dtau: number,
    temp: number,
    out: number,
    dTau: number,
    dT: number,
    hbuf: number,
    nlayer: number,
    n: number,
    ld: number,
    nmu: number,
    quad: number,
    scratch: number,
  ): void;
  ibased_pullback(
    rD: number,
    rT: number,
    ct: number,
    dBar: number,
    tBar: number,
    nlayer: number,
    n: number,
    ld: number,
  ): void;
  ibased_jvp_contract(
    rD: number,
    rT: number,
    td: number,
    tt: number,
    dout: number,
    nlayer: number,
    n: number,
    k: number,
  ): void;
}

const STAGE = "rt.emission_ibased";
const CIA = "rt.opacity_profile_cia";

/** The export of asm/opacity_profile.ts. */
interface _ProfileExports {
  cia_profile(
    la: number,
    terms: number,
    out: number,
    out2: number,
    nlayer: number,
    n: number,
    k: number,
    lg: number,
    lm: number,
  ): number;
}

/** Options of {@link registerRtWasmStages}. */
export interface RtWasmStageOptions {
  /** A pool whose worker runs half the wavenumbers (null or absent: one thread). */
  readonly pool?: KernelPool | null;
  /** Fewest L·N values of a call that is split (default 65536). */
  readonly minSplit?: number;
}

/**
 * Registers the WASM kernels of the rt stages that have them (see the module doc).
 *
 * @param be The wasm backend.
 * @param opts The kernel pool that may run half of each call (its memory must be `be`'s).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * import { registerRtWasmStages } from "./wasm_kernels.ts";
 * const be = await createWasmBackend();
 * registerRtWasmStages(be);
 * assert.ok(be.hasKernel("rt.emission_ibased.pullback"));
 * be.destroy();
 * ```
 */
export function registerRtWasmStages(
  be: WasmBackend,
  opts: RtWasmStageOptions = {},
): void {
  const e = be.exports as unknown as _IbasedExports;
  const pool = opts.pool ?? null;
  const minSplit = opts.minSplit ?? 65536;
  /** [c_m, 1/µ_m, c_m/µ_m] × nµ for nstream streams (as emission_ibased_ad.ts), in memory. */
  const quads = new Map<number, DeviceBuffer>();
  const quadOf = (nstream: number): [ptr: number, nmu: number] => {
    let q = quads.get(nstream);
    if (q === undefined) {
      const { mu, w } = emissionQuadrature(nstream);
      const a = new Float64Array(3 * mu.length);
      for (let m = 0; m < mu.length; m++) {
        const c = 2 * mu[m]! * w[m]!, im = 1 / mu[m]!;
        a[3 * m] = c;
        a[3 * m + 1] = im;
        a[3 * m + 2] = c * im;
      }
      q = be.alloc(a.length);
      be.write(q, a);
      quads.set(nstream, q);
    }
    return [be.ptr(q), q.size / 3];
  };
  /**
   * Scratch regions (this thread's, the worker's, the Jacobian's h [L·N], the CIA profile's
   * per-layer terms), grown, kept.
   */
  const scratch: (DeviceBuffer | null)[] = [null, null, null, null];
  const scratchPtr = (i: 0 | 1 | 2 | 3, n: number): number => {
    const s = scratch[i] ?? null;
    if (s !== null && s.size >= n) return be.ptr(s);
    if (s !== null) be.free(s);
    const b = be.alloc(Math.max(n, 16));
    scratch[i] = b;
    return be.ptr(b);
  };
  const f64 = (b: DeviceBuffer, what: string): Float64Array => {
    const v = be.view(b);
    if (!(v instanceof Float64Array)) {
      throw new TypeError(`${STAGE}: ${what} must be f64`);
    }
    return v;
  };
  /** Validates nu, dtau, T (the js kernel's errors) and returns the sizes. */
  const sizes = (
    [nu, d, t]: readonly DeviceBuffer[],
    p: KernelParams,
  ): { L: number; N: number } => {
    if ((p.batch ?? 1) > 1) {
      throw new TypeError(
        `${STAGE} on wasm takes no batch axis yet (batch = ${p.batch})`,
      );
    }
    const tv = _checkTemperature(STAGE, f64(t!, "temperature"), "temperature");
    const nv = _checkNu(STAGE, f64(nu!, "nu"));
    _checkDtau(STAGE, f64(d!, "dtau"), tv.length, nv.length);
    return { L: tv.length, N: nv.length };
  };
  /** Temporary buffers, freed after `fn`. */
  const temps = <T>(ns: readonly number[], fn: (ptrs: number[]) => T): T => {
    const bs = ns.map((n) => be.alloc(n));
    try {
      return fn(bs.map((b) => be.ptr(b)));
    } finally {
      bs.forEach((b) => be.free(b));
    }
  };
  const ptr0 = (b: DeviceBuffer) => (b.size === 0 ? 0 : be.ptr(b));
  const even = (n: number) => n + (n & 1);
  /**
   * Runs `part(j0, n, scratch)` for the columns [0, h) here and [h, N) on the worker
   * (`forkArgs` gives the worker's export and arguments), or all N here.
   */
  const columns = (
    L: number,
    N: number,
    scratchPerCol: number,
    part: (j0: number, n: number, scratch: number) => void,
    fork: (j0: number, n: number, scratch: number) => [string, number[]],
  ): void => {
    const h = 2 * Math.floor(N / 4); // even: the worker's columns stay 16-byte aligned
    if (pool === null || pool.threads < 2 || L * N < minSplit || h === 0) {
      part(0, N, scratchPtr(0, scratchPerCol * even(N)));
      return;
    }
    // both scratch regions before either pointer is taken (an allocation may move nothing, but
    // keep the order obvious)
    const s0 = scratchPtr(0, scratchPerCol * even(h));
    const s1 = scratchPtr(1, scratchPerCol * even(N - h));
    const [fn, args] = fork(h, N - h, s1);
    const forked = pool.fork(fn, args);
    part(0, h, s0);
    if (!forked || !pool.join()) part(h, N - h, s1); // the worker's part here
  };
  const [kF, kJ, kV, kP] = stageKernelNames(STAGE);
  be.registerKernel(kF, (ins, [out], p) => {
    const { L, N } = sizes(ins, p);
    const [quad, nmu] = quadOf(p.nstream ?? 8);
    const [nu, d, t] = ins.map((b) => be.ptr(b));
    const o = be.ptr(out!);
    const args = (j0: number, n: number, sc: number): number[] => [
      nu! + 8 * j0,
      d! + 8 * j0,
      t!,
      o + 8 * j0,
      L,
      n,
      N,
      nmu,
      quad,
      sc,
    ];
    columns(
      L,
      N,
      nmu + 1,
      (j0, n, sc) =>
        (e.ibased_forward as (...a: number[]) => void)(...args(j0, n, sc)),
      (j0, n, sc) => ["ibased_forward", args(j0, n, sc)],
    );
  });
  /** Flux and, for the wanted partials, the block-diagonal Jacobian into rD / rT. */
  const jacobian = (
    ins: readonly DeviceBuffer[],
    out: DeviceBuffer,
    rD: number,
    rT: number,
    L: number,
    N: number,
    p: KernelParams,
  ) => {
    const [quad, nmu] = quadOf(p.nstream ?? 8);
    const h = rD !== 0 ? scratchPtr(2, L * N) : 0;
    {
      const [nu, d, t] = ins.map((b) => be.ptr(b));
      const o = be.ptr(out);
      const at = (x: number, j0: number) => (x === 0 ? 0 : x + 8 * j0);
      const args = (j0: number, n: number, sc: number): number[] => [
        nu! + 8 * j0,
        d! + 8 * j0,
        t!,
        o + 8 * j0,
        at(rD, j0),
        at(rT, j0),
        rD !== 0 ? h + 8 * j0 : 0,
        L,
        n,
        N,
        nmu,
        quad,
        sc,
      ];
      columns(
        L,
        N,
        nmu + 5,
        (j0, n, sc) =>
          (e.ibased_jacobian as (...a: number[]) => void)(...args(j0, n, sc)),
        (j0, n, sc) => ["ibased_jacobian", args(j0, n, sc)],
      );
    }
  };
  be.registerKernel(kV, (ins, [out, rD, rT], p) => {
    const { L, N } = sizes(ins, p);
    jacobian(ins, out!, ptr0(rD!), ptr0(rT!), L, N, p);
  });
  be.registerKernel(kP, (ins, [dBar, tBar], p) => {
    const { L, N } = sizes(ins, p);
    const [, , , rD, rT, ct] = ins;
    const wantT = tBar!.size > 0;
    // the worker's ∂/∂T sums over its columns go to a temporary, added here
    temps([wantT ? L : 0], ([tb2]) => {
      let usedTemp = false;
      const args = (j0: number, n: number, tb: number): number[] => [
        rD!.size === 0 ? 0 : be.ptr(rD!) + 8 * j0,
        rT!.size === 0 ? 0 : be.ptr(rT!) + 8 * j0,
        be.ptr(ct!) + 8 * j0,
        dBar!.size === 0 ? 0 : be.ptr(dBar!) + 8 * j0,
        tb,
        L,
        n,
        N,
      ];
      const tMain = wantT ? be.ptr(tBar!) : 0;
      columns(
        L,
        N,
        0,
        (j0, n) => {
          // here: the columns from 0 into tBar; the worker's part, if run here, into the temp
          const own = j0 === 0;
          if (!own) usedTemp = true;
          (e.ibased_pullback as (...a: number[]) => void)(
            ...args(j0, n, wantT ? (own ? tMain : tb2!) : 0),
          );
        },
        (j0, n) => {
          usedTemp = true;
          return ["ibased_pullback", args(j0, n, wantT ? tb2! : 0)];
        },
      );
      if (wantT && usedTemp) {
        const a = f64(tBar!, "tBar");
        const b = new Float64Array(be.memory.buffer, tb2!, L);
        for (let i = 0; i < L; i++) a[i] = a[i]! + b[i]!;
      }
    });
  });
  be.registerKernel(kJ, (ins, [out, dout], p) => {
    const { L, N } = sizes(ins, p);
    const [, , , td, tt] = ins;
    const k = p.k ?? 1;
    const wantD = td!.size > 0, wantT = tt!.size > 0;
    temps([wantD ? L * N : 0, wantT ? L * N : 0], ([rD, rT]) => {
      jacobian(ins, out!, wantD ? rD! : 0, wantT ? rT! : 0, L, N, p);
      e.ibased_jvp_contract(
        wantD ? rD! : 0,
        wantT ? rT! : 0,
        wantD ? be.ptr(td!) : 0,
        wantT ? be.ptr(tt!) : 0,
        be.ptr(dout!),
        L,
        N,
        k,
      );
    });
  });

  // rt.opacity_profile_cia: forward and .vjp (the .jvp and .pullback stay js over memory)
  const ep = be.exports as unknown as _ProfileExports;
  const ciaJs = batchedJsStageKernels(opacityProfileCiaJsKernels());
  const views = (bs: readonly DeviceBuffer[]) => bs.map((b) => f64(b, CIA));
  /** dτ into out (and rd), or the js kernel (its error) when an input is not plain. */
  const cia = (
    ins: readonly DeviceBuffer[],
    outs: readonly DeviceBuffer[],
    p: KernelParams,
    vjp: boolean,
  ): void => {
    const [pr, dp, la, t, g] = ins;
    const L = t!.size, N = L > 0 ? la!.size / L : 0;
    const js = () =>
      vjp
        ? ciaJs.vjp(views(ins), views(outs), p)
        : ciaJs.forward(views(ins), views(outs), p);
    const pos = (x: number) => Number.isFinite(x) && x > 0;
    const { vmr1, vmr2, mmw } = p;
    if (
      (p.batch ?? 1) > 1 || L === 0 || !Number.isInteger(N) || N === 0 ||
      pr!.size !== L || dp!.size !== L || g!.size !== 1 ||
      outs[0]!.size !== L * N ||
      !(Number.isFinite(vmr1) && vmr1! >= 0) ||
      !(Number.isFinite(vmr2) && vmr2! >= 0) || !pos(mmw!)
    ) {
      return js();
    }
    const pv = f64(pr!, "pressure"), dv = f64(dp!, "dParr");
    const tv = f64(t!, "temperature"), gv = f64(g!, "gravity")[0]!;
    if (!pos(gv)) return js();
    for (let i = 0; i < L; i++) {
      if (!pos(tv[i]!) || !pos(pv[i]!) || !pos(dv[i]!)) return js();
    }
    const tp = scratchPtr(3, 3 * L);
    const terms = new Float64Array(be.memory.buffer, tp, 3 * L);
    const tv2 = f64(t!, "temperature"), pv2 = f64(pr!, "pressure");
    const dv2 = f64(dp!, "dParr");
    for (let i = 0; i < L; i++) {
      // the js kernel's expressions (opacityProfileCia)
      const ti = tv2[i]!;
      const n = (pv2[i]! * 1.0e6) / (KB * ti);
      terms[i] = Math.log10(vmr1! * n);
      terms[L + i] = Math.log10(vmr2! * n);
      terms[2 * L + i] = (ti / mmw!) * (dv2[i]! / pv2[i]!);
    }
    const bad = ep.cia_profile(
      be.ptr(la!),
      tp,
      be.ptr(outs[0]!),
      vjp ? be.ptr(outs[1]!) : 0,
      L,
      N,
      LOG10_KB,
      Math.log10(gv),
      LOG10_MU,
    );
    if (bad >= 0) return js(); // a NaN or +∞ in logacia: the js kernel's error
    if (vjp) f64(outs[2]!, "gravity residual").fill(gv);
  };
  be.registerKernel(CIA, (ins, outs, p) => cia(ins, outs, p, false));
  be.registerKernel(`${CIA}.vjp`, (ins, outs, p) => cia(ins, outs, p, true));
}
