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
import { stageKernelNames } from "../ad/stage_kernels.ts";
import { emissionQuadrature } from "./emission_ibased.ts";
import { _checkDtau, _checkNu, _checkTemperature } from "./_validate.ts";

/** The exports of asm/ibased.ts (byte pointers, sizes). */
interface _IbasedExports {
  ibased_forward(
    nu: number,
    dtau: number,
    temp: number,
    out: number,
    nlayer: number,
    n: number,
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

/**
 * Registers the WASM kernels of the rt stages that have them (see the module doc).
 *
 * @param be The wasm backend.
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
export function registerRtWasmStages(be: WasmBackend): void {
  const e = be.exports as unknown as _IbasedExports;
  const quads = new Map<number, Float64Array>();
  /** [c_m, 1/µ_m, c_m/µ_m] × nµ for nstream streams (as emission_ibased_ad.ts). */
  const quadOf = (nstream: number): Float64Array => {
    let q = quads.get(nstream);
    if (q === undefined) {
      const { mu, w } = emissionQuadrature(nstream);
      q = new Float64Array(3 * mu.length);
      for (let m = 0; m < mu.length; m++) {
        const c = 2 * mu[m]! * w[m]!, im = 1 / mu[m]!;
        q[3 * m] = c;
        q[3 * m + 1] = im;
        q[3 * m + 2] = c * im;
      }
      quads.set(nstream, q);
    }
    return q;
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
  /** Runs `fn` with the quadrature of params.nstream in wasm memory, and `extra` temporaries. */
  const withQuad = <T>(
    p: KernelParams,
    extra: readonly number[],
    fn: (quad: number, nmu: number, ptrs: number[]) => T,
  ): T => {
    const q = quadOf(p.nstream ?? 8);
    const qb = be.alloc(q.length);
    try {
      be.write(qb, q);
      return temps(extra, (rest) => fn(be.ptr(qb), q.length / 3, rest));
    } finally {
      be.free(qb);
    }
  };
  const ptr0 = (b: DeviceBuffer) => (b.size === 0 ? 0 : be.ptr(b));
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
    const ne = N + (N & 1);
    withQuad(p, [rD !== 0 ? L * N : 0], (quad, nmu, [h]) => {
      temps([(nmu + 5) * ne], ([scratch]) => {
        e.ibased_jacobian(
          be.ptr(ins[0]!),
          be.ptr(ins[1]!),
          be.ptr(ins[2]!),
          be.ptr(out),
          rD,
          rT,
          rD !== 0 ? h! : 0,
          L,
          N,
          nmu,
          quad,
          scratch!,
        );
      });
    });
  };
  const [kF, kJ, kV, kP] = stageKernelNames(STAGE);
  be.registerKernel(kF, (ins, [out], p) => {
    const { L, N } = sizes(ins, p);
    const ne = N + (N & 1);
    withQuad(p, [], (quad, nmu) => {
      temps([(nmu + 1) * ne], ([scratch]) => {
        e.ibased_forward(
          be.ptr(ins[0]!),
          be.ptr(ins[1]!),
          be.ptr(ins[2]!),
          be.ptr(out!),
          L,
          N,
          nmu,
          quad,
          scratch!,
        );
      });
    });
  });
  be.registerKernel(kV, (ins, [out, rD, rT], p) => {
    const { L, N } = sizes(ins, p);
    jacobian(ins, out!, ptr0(rD!), ptr0(rT!), L, N, p);
  });
  be.registerKernel(kP, (ins, [dBar, tBar], p) => {
    const { L, N } = sizes(ins, p);
    const [, , , rD, rT, ct] = ins;
    e.ibased_pullback(
      ptr0(rD!),
      ptr0(rT!),
      be.ptr(ct!),
      dBar!.size === 0 ? 0 : be.ptr(dBar!),
      tBar!.size === 0 ? 0 : be.ptr(tBar!),
      L,
      N,
    );
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
}
