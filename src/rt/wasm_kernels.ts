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
 * | `rt.opacity_profile_xs` | forward, `.vjp`, `.pullback` of an [L][N] σ (the js bits; a vector σ shared by the layers, a batch or a bad input: the js kernel) |
 *
 * Given a kernel pool (`opts.pool`, the worker of `createStageWasmBackend`), the optical-depth
 * profiles run the upper half of the layers on the worker (the same export on its rows: the same
 * bits; a scalar argument's cotangent is summed over the layers here, in the js order), and the
 * emission's forward, `.vjp` and `.pullback` kernels run the upper half of the wavenumbers on it (the same
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
import {
  opacityProfileCiaJsKernels,
  opacityProfileXsJsKernels,
} from "./kernels.ts";
import { KB, LOG10_KB, LOG10_MU, OPACITY_FACTOR } from "../constants.ts";

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
const XS = "rt.opacity_profile_xs";

/** The export of asm/opacity_profile.ts. */
interface _ProfileExports {
  cia_profile(
    la: number,
    l1: number,
    l2: number,
    fac: number,
    out: number,
    out2: number,
    nlayer: number,
    n: number,
    k: number,
    lg: number,
    lm: number,
  ): number;
  xs_profile(
    xs: number,
    dp: number,
    m: number,
    d: number,
    out: number,
    nlayer: number,
    n: number,
    f: number,
  ): number;
  xs_profile_pullback(
    xs: number,
    ct: number,
    c: number,
    m: number,
    g: number,
    xsBar: number,
    rBar: number,
    gBar: number,
    nlayer: number,
    n: number,
  ): void;
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
 * @returns The layer-separable kernels that split their layers over the pool themselves (the
 *   CIA and line optical-depth profiles; none without a pool), which a generic layer split
 *   must leave alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * import { registerRtWasmStages } from "./wasm_kernels.ts";
 * const be = await createWasmBackend();
 * assert.deepStrictEqual(registerRtWasmStages(be), []); // no pool
 * assert.ok(be.hasKernel("rt.emission_ibased.pullback"));
 * be.destroy();
 * ```
 */
export function registerRtWasmStages(
  be: WasmBackend,
  opts: RtWasmStageOptions = {},
): string[] {
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
   * per-layer terms, the line profile's per-layer terms and cotangents, the two status words
   * of a layer split), grown, kept.
   */
  const scratch: (DeviceBuffer | null)[] = [null, null, null, null, null, null];
  const scratchPtr = (i: 0 | 1 | 2 | 3 | 4 | 5, n: number): number => {
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
  /**
   * Runs the export `fn` of asm/opacity_profile.ts (its arguments `argsOf(i0, n, status)` for
   * the rows [i0, i0 + n)) on the layers [0, h) here and [h, L) on the worker, or on all L here.
   * Every row is computed as on one thread, so the results are the same bits. Returns the
   * index of the first bad value the export reports (in the call's rows), or −1 (for an export
   * that reports none, such as the pullback: not meaningful).
   */
  const layers = (
    L: number,
    N: number,
    fn: "xs_profile" | "xs_profile_pullback" | "cia_profile",
    argsOf: (i0: number, n: number, status: number) => number[],
  ): number => {
    const st = scratchPtr(5, 2); // the two halves' status words
    const call = (a: number[]) => (ep[fn] as (...a: number[]) => number)(...a);
    const h = Math.floor(L / 2);
    if (pool === null || pool.threads < 2 || L * N < minSplit || h === 0) {
      return call(argsOf(0, L, st));
    }
    const forked = pool.fork(fn, argsOf(h, L - h, st + 8));
    call(argsOf(0, h, st));
    if (!forked || !pool.join()) call(argsOf(h, L - h, st + 8));
    const [a, b] = new Float64Array(be.memory.buffer, st, 2);
    return a! >= 0 ? a! : b! >= 0 ? h * N + b! : -1;
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
    const lg = Math.log10(gv);
    const bad = layers(L, N, "cia_profile", (i0, n, status) => {
      const row = 8 * i0 * N, lay = 8 * i0;
      return [
        be.ptr(la!) + row,
        tp + lay,
        tp + 8 * L + lay,
        tp + 16 * L + lay,
        be.ptr(outs[0]!) + row,
        vjp ? be.ptr(outs[1]!) + row : 0,
        n,
        N,
        LOG10_KB,
        lg,
        LOG10_MU,
        status,
      ];
    });
    if (bad >= 0) return js(); // a NaN or +∞ in logacia: the js kernel's error
    if (vjp) f64(outs[2]!, "gravity residual").fill(gv);
  };
  be.registerKernel(CIA, (ins, outs, p) => cia(ins, outs, p, false));
  be.registerKernel(`${CIA}.vjp`, (ins, outs, p) => cia(ins, outs, p, true));

  // rt.opacity_profile_xs: forward, .vjp and .pullback of an [L][N] matrix (a vector σ [N]
  // shared by the layers, a batch or anything unusual: the js kernel, so its errors)
  const xsJs = batchedJsStageKernels(opacityProfileXsJsKernels());
  const xsViews = (bs: readonly DeviceBuffer[]) => bs.map((b) => f64(b, XS));
  /** L, N of a plain call (per-layer inputs valid as the js kernel checks them), or null. */
  const xsShape = (
    ins: readonly DeviceBuffer[],
    p: KernelParams,
  ): { L: number; N: number } | null => {
    const [dp, xs, m, g] = ins;
    const N = p.nnu!, L = dp!.size;
    if (
      (p.batch ?? 1) > 1 || !Number.isInteger(N) || N < 1 || L < 1 ||
      xs!.size !== L * N || (m!.size !== 1 && m!.size !== L) ||
      (g!.size !== 1 && g!.size !== L) ||
      !(Number.isFinite(p.molmass) && p.molmass! > 0)
    ) {
      return null;
    }
    const ok = (v: Float64Array, zero: boolean) =>
      v.every((x) => Number.isFinite(x) && (zero ? x >= 0 : x > 0));
    if (!ok(f64(dp!, "dParr"), false) || !ok(f64(m!, "mmr"), true)) return null;
    return ok(f64(g!, "gravity"), false) ? { L, N } : null;
  };
  /** Per-layer value i of a [1] or [L] buffer's view. */
  const at = (v: Float64Array, i: number) => v.length === 1 ? v[0]! : v[i]!;
  const xsForward = (
    ins: readonly DeviceBuffer[],
    outs: readonly DeviceBuffer[],
    p: KernelParams,
    vjp: boolean,
  ): void => {
    const js = () =>
      vjp
        ? xsJs.vjp(xsViews(ins), xsViews(outs), p)
        : xsJs.forward(xsViews(ins), xsViews(outs), p);
    const sh = xsShape(ins, p);
    if (sh === null || outs[0]!.size !== sh.L * sh.N) return js();
    const { L, N } = sh;
    if (vjp && outs.slice(1).some((b) => b.size !== L)) return js();
    const tp = scratchPtr(4, 2 * L);
    const terms = new Float64Array(be.memory.buffer, tp, 2 * L);
    const dv = f64(ins[0]!, "dParr"), mv = f64(ins[2]!, "mmr");
    const gv = f64(ins[3]!, "gravity"), M = p.molmass!;
    for (let i = 0; i < L; i++) {
      // the js kernel's per-layer values (opacityProfileXs)
      terms[i] = at(mv, i);
      terms[L + i] = M * at(gv, i);
    }
    const bad = layers(L, N, "xs_profile", (i0, n, status) => [
      be.ptr(ins[1]!) + 8 * i0 * N,
      be.ptr(ins[0]!) + 8 * i0,
      tp + 8 * i0,
      tp + 8 * (L + i0),
      be.ptr(outs[0]!) + 8 * i0 * N,
      n,
      N,
      OPACITY_FACTOR,
      status,
    ]);
    if (bad >= 0) return js(); // a non-finite σ: the js kernel's error
    if (!vjp) return;
    // the residuals of opacityProfileXsResiduals: c = F dP/(M g), m, g per layer
    const [rc, rm, rg] = [1, 2, 3].map((k) => f64(outs[k]!, "residual"));
    for (let i = 0; i < L; i++) {
      rc![i] = (OPACITY_FACTOR * dv[i]!) / (M * at(gv, i));
      rm![i] = at(mv, i);
      rg![i] = at(gv, i);
    }
  };
  be.registerKernel(XS, (ins, outs, p) => xsForward(ins, outs, p, false));
  be.registerKernel(
    `${XS}.vjp`,
    (ins, outs, p) => xsForward(ins, outs, p, true),
  );
  be.registerKernel(`${XS}.pullback`, (ins, outs, p) => {
    // [dParr, xs, mmr, gravity, c, m, g, ct] → [xsBar, mmrBar, gravityBar] (length 0: not wanted)
    const [dp, xs, m, g, rc, rm, rg, ct] = ins;
    const [xsBar, mBar, gBar] = outs;
    const N = p.nnu!, L = rc?.size ?? 0;
    const wantX = xsBar!.size !== 0, wantM = mBar!.size !== 0;
    const wantG = gBar!.size !== 0;
    const okSize = (b: DeviceBuffer, want: boolean, arg: DeviceBuffer) =>
      !want || b.size === arg.size;
    if (
      (p.batch ?? 1) > 1 || ins.length !== 8 || outs.length !== 3 ||
      !Number.isInteger(N) || N < 1 || L < 1 || dp!.size !== L ||
      xs!.size !== L * N || ct!.size !== L * N || rm!.size !== L ||
      rg!.size !== L || (wantX && xsBar!.size !== L * N) ||
      !okSize(mBar!, wantM, m!) || !okSize(gBar!, wantG, g!) ||
      (m!.size !== 1 && m!.size !== L) || (g!.size !== 1 && g!.size !== L)
    ) {
      xsJs.pullback(xsViews(ins), xsViews(outs), p);
      return;
    }
    if (!wantX && !wantM && !wantG) return;
    const sp = scratchPtr(4, 2 * L);
    // the per-layer cotangents on both threads, a scalar's sum here: the js bits
    layers(L, N, "xs_profile_pullback", (i0, n) => {
      const row = 8 * i0 * N, lay = 8 * i0;
      return [
        be.ptr(xs!) + row,
        be.ptr(ct!) + row,
        be.ptr(rc!) + lay,
        be.ptr(rm!) + lay,
        be.ptr(rg!) + lay,
        wantX ? be.ptr(xsBar!) + row : 0,
        sp + lay,
        sp + 8 * L + lay,
        n,
        N,
      ];
    });
    const r = new Float64Array(be.memory.buffer, sp, 2 * L);
    // a scalar argument's cotangent: its per-layer ones summed in layer order (as _sum)
    const put = (out: DeviceBuffer, per: Float64Array) => {
      const o = f64(out, "cotangent");
      if (o.length === L && L !== 1) {
        o.set(per);
        return;
      }
      let s = 0;
      for (let i = 0; i < L; i++) s += per[i]!;
      o[0] = s;
    };
    if (wantM) put(mBar!, r.subarray(0, L));
    if (wantG) put(gBar!, r.subarray(L, 2 * L));
  });
  // the profile kernels that split their layers themselves (for createStageWasmBackend)
  return pool === null
    ? []
    : [CIA, `${CIA}.vjp`, XS, `${XS}.vjp`, `${XS}.pullback`];
}
