/**
 * The WASM SIMD kernels of the `sop.ipgauss` and `sop.rigid_rotation` stages (AssemblyScript,
 * `asm/convolve.ts`), for a {@link WasmBackend}:
 *
 * | stage | kernels on wasm |
 * |---|---|
 * | `sop.ipgauss` | forward, `.vjp`, `.pullback` (`.jvp` and a batch axis: the js kernel) |
 * | `sop.rigid_rotation` | forward, `.vjp`, `.pullback` (`.jvp` and a batch axis: the js kernel) |
 *
 * The kernel-centred convolution, its transpose and the kernel cotangent run in
 * AssemblyScript, eight outputs per step, each output the same products summed in the same order
 * as the js loops of `convolve_ad.ts`: the results are the js kernels' bits. The kernels (Gaussian,
 * rotation), their parameter derivatives, the subnormal flush and the supports are computed here
 * by the js functions (O(m) for an m-point velocity grid); the inputs are checked by the js
 * kernel's validators, so errors are its own, and a wrong length or a batch goes to the js kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * import { registerSopWasmStages } from "./wasm_kernels.ts";
 * import { ipgauss } from "./instrument_profile.ts";
 * const be = await createWasmBackend();
 * registerSopWasmStages(be);
 * const v = new Float64Array([-2, -1, 0, 1, 2]);
 * const f = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
 * const put = (a: Float64Array) => { const b = be.alloc(a.length); be.write(b, a); return b; };
 * const out = be.alloc(40);
 * be.run("sop.ipgauss", [put(v), put(f), put(new Float64Array([1.3]))], [out], {});
 * assert.deepStrictEqual(be.readSync(out), ipgauss(f, v, 1.3));
 * be.destroy();
 * ```
 *
 * @module
 */
import type { DeviceBuffer, KernelParams } from "../backend/backend.ts";
import type { WasmBackend } from "../backend/wasm/wasm_backend.ts";
import { batchedJsStageKernels } from "../ad/stage_kernels.ts";
import { _IP_STAGE, gaussianKernel } from "./instrument_profile.ts";
import { gaussianKernelPartials } from "./instrument_profile_ad.ts";
import { _checkCotangent, _flushSubnormals, _support } from "./convolve_ad.ts";
import { _checkArray, _checkVelocityGrid } from "./_validate.ts";
import { ipgaussJsKernels, rigidRotationJsKernels } from "./kernels.ts";
import { rotationKernel } from "./rotation.ts";
import { _prepareRotation, rotationKernelPartials } from "./rotation_ad.ts";

/** One export of asm/convolve.ts (byte pointers; k0, k1 the support; h the centre). */
type _ConvFn = (
  a: number,
  v: number,
  k0: number,
  k1: number,
  h: number,
  n: number,
  out: number,
) => void;

/** The exports of asm/convolve.ts. */
interface _ConvolveExports {
  conv_centered: _ConvFn;
  corr_centered: _ConvFn;
  kernel_bar: _ConvFn;
}

const IP = "sop.ipgauss";
const ROT = "sop.rigid_rotation";
/** The NonFiniteError stage of the rotation's validators (rotation.ts). */
const ROT_STAGE = "sop.rotation";

/**
 * Registers the WASM kernels of `sop.ipgauss` and `sop.rigid_rotation` (forward, `.vjp`,
 * `.pullback`) on a wasm backend (see the module documentation); `.jvp` and batched calls stay on
 * the js kernels.
 *
 * @param be The backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * import { registerSopWasmStages } from "./wasm_kernels.ts";
 * const be = await createWasmBackend();
 * registerSopWasmStages(be);
 * assert.strictEqual(be.kernelKind("sop.ipgauss.pullback"), "asm");
 * assert.strictEqual(be.kernelKind("sop.rigid_rotation.vjp"), "asm");
 * be.destroy();
 * ```
 */
export function registerSopWasmStages(be: WasmBackend): void {
  const e = be.exports as unknown as _ConvolveExports;
  const js = batchedJsStageKernels(ipgaussJsKernels());
  const f64 = (b: DeviceBuffer): Float64Array => be.view(b) as Float64Array;
  const views = (bs: readonly DeviceBuffer[]) => bs.map(f64);
  /** A kept scratch region of at least n values (allocated before any view is taken). */
  let scratch: DeviceBuffer | null = null;
  const scratchOf = (n: number): DeviceBuffer => {
    if (scratch !== null && scratch.size >= n) return scratch;
    if (scratch !== null) be.free(scratch);
    scratch = be.alloc(Math.max(n, 16));
    return scratch;
  };
  /** The forward convolution of f by the (unflushed) kernel into out, as convolveCentered. */
  const convolve = (
    fb: DeviceBuffer,
    kernel: Float64Array,
    kb: DeviceBuffer,
    out: DeviceBuffer,
  ): void => {
    const [k0, k1] = _support(kernel);
    if (k0 > k1) {
      f64(out).fill(0);
      return;
    }
    f64(kb).set(kernel);
    const h = (kernel.length - 1) / 2;
    e.conv_centered(be.ptr(fb), be.ptr(kb), k0, k1, h, fb.size, be.ptr(out));
  };
  /**
   * Validates [vGrid, f, beta] with the js kernel's own validators (so its errors) and says
   * whether the call has the shapes the AssemblyScript path takes (else: the js kernel).
   */
  const plainArgs = (ins: readonly DeviceBuffer[], p: KernelParams) => {
    const [vb, fb, bb] = ins;
    if ((p.batch ?? 1) > 1 || vb === undefined || fb === undefined) {
      return false;
    }
    if (bb === undefined || bb.size !== 1 || fb.size === 0) return false;
    _checkArray(_IP_STAGE, f64(fb), "f");
    _checkVelocityGrid(_IP_STAGE, f64(vb));
    return true;
  };

  /**
   * The pullback of a kernel-centred convolution by a kernel K̃(θ) from its residuals: fBar =
   * corr(ct, K̃) when wanted (size n), and for each parameter whose cotangent is wanted (size 1),
   * Σ_j C[j]·∂K̃_j/∂θ over the partials' support, C the kernel cotangent: the js pullbacks' sums
   * in their order. `stage` names the cotangent's NonFiniteError.
   */
  const kernelPullback = (
    stage: string,
    fb: DeviceBuffer,
    kb: DeviceBuffer,
    sb: DeviceBuffer,
    cb: DeviceBuffer,
    partials: readonly DeviceBuffer[],
    fBar: DeviceBuffer,
    pBars: readonly DeviceBuffer[],
  ): void => {
    const n = fb.size, m = kb.size;
    _checkCotangent(stage, f64(cb), n);
    const c = pBars.some((g) => g.size === 1) ? scratchOf(m) : null;
    const sup = f64(sb);
    const [k0, k1, j0, j1] = [sup[0]!, sup[1]!, sup[2]!, sup[3]!];
    const h = (m - 1) / 2;
    if (fBar.size === n) {
      e.corr_centered(be.ptr(cb), be.ptr(kb), k0, k1, h, n, be.ptr(fBar));
    }
    if (c === null) return;
    if (j0 <= j1) e.kernel_bar(be.ptr(cb), be.ptr(fb), j0, j1, h, n, be.ptr(c));
    const cv = f64(c);
    partials.forEach((d, q) => {
      if (pBars[q]!.size !== 1) return;
      const dv = f64(d);
      let s = 0;
      for (let j = j0; j <= j1; j++) s += cv[j]! * dv[j]!;
      f64(pBars[q]!)[0] = s;
    });
  };

  be.registerKernel(IP, (ins, outs, p) => {
    const [vb, fb, bb] = ins;
    const out = outs[0];
    if (
      !plainArgs(ins, p) || outs.length !== 1 || out!.size !== fb!.size
    ) {
      js.forward(views(ins), views(outs), p);
      return;
    }
    const kb = scratchOf(vb!.size);
    // gaussianKernel throws (as the js kernel) on an all-zero kernel
    const kernel = gaussianKernel(f64(vb!), f64(bb!)[0]!);
    convolve(fb!, kernel, kb, out!);
  });

  be.registerKernel(`${IP}.vjp`, (ins, outs, p) => {
    const [vb, fb, bb] = ins;
    const [out, kOut, dOut, sOut] = outs;
    const m = vb?.size ?? 0;
    if (
      !plainArgs(ins, p) || outs.length !== 4 || out!.size !== fb!.size ||
      kOut!.size !== m || dOut!.size !== m || sOut!.size !== 4
    ) {
      js.vjp(views(ins), views(outs), p);
      return;
    }
    const kb = scratchOf(m);
    // as ipgaussResiduals: the output by the unflushed kernel, the residuals flushed
    const { kernel, dBeta } = gaussianKernelPartials(f64(vb!), f64(bb!)[0]!);
    convolve(fb!, kernel, kb, out!);
    const kf = _flushSubnormals(kernel);
    const db = _flushSubnormals(dBeta);
    const [k0, k1] = _support(kf);
    const [j0, j1] = _support(db);
    f64(kOut!).set(kf);
    f64(dOut!).set(db);
    f64(sOut!).set([k0, k1, j0, j1]);
  });

  be.registerKernel(`${IP}.pullback`, (ins, outs, p) => {
    // [vGrid, f, beta, kernel, dBeta, support, ct] → [fBar [n] or 0, betaBar [1] or 0]
    const [, fb, , kb, db, sb, cb] = ins;
    const [fBar, bBar] = outs;
    const n = fb?.size ?? 0;
    const m = kb?.size ?? 0;
    const ok = (p.batch ?? 1) <= 1 && ins.length === 7 && outs.length === 2 &&
      n > 0 && m % 2 === 1 && db!.size === m && sb!.size === 4 &&
      cb!.size === n && (fBar!.size === n || fBar!.size === 0) &&
      (bBar!.size === 1 || bBar!.size === 0);
    if (!ok) {
      js.pullback(views(ins), views(outs), p);
      return;
    }
    kernelPullback(_IP_STAGE, fb!, kb!, sb!, cb!, [db!], fBar!, [bBar!]);
  });

  // sop.rigid_rotation: the same convolutions, with the rotation kernel and its three partials
  const rjs = batchedJsStageKernels(rigidRotationJsKernels());
  /** [vGrid, f, vsini, u1, u2] validated as rigidRotation; false: the js kernel's shapes. */
  const rotArgs = (ins: readonly DeviceBuffer[], p: KernelParams) => {
    const [vb, fb, sb, ab, bb] = ins;
    if ((p.batch ?? 1) > 1 || ins.length !== 5 || fb!.size === 0) return false;
    if (sb!.size !== 1 || ab!.size !== 1 || bb!.size !== 1) return false;
    _checkArray(ROT_STAGE, f64(fb!), "f");
    _checkVelocityGrid(ROT_STAGE, f64(vb!));
    return true;
  };
  const scalarsOf = (ins: readonly DeviceBuffer[]) =>
    [f64(ins[2]!)[0]!, f64(ins[3]!)[0]!, f64(ins[4]!)[0]!] as const;

  be.registerKernel(ROT, (ins, outs, p) => {
    const out = outs[0];
    if (!rotArgs(ins, p) || outs.length !== 1 || out!.size !== ins[1]!.size) {
      rjs.forward(views(ins), views(outs), p);
      return;
    }
    const kb = scratchOf(ins[0]!.size);
    // rotationKernel checks vsini, u1, u2 and the kernel sum (the js kernel's errors)
    const kernel = rotationKernel(f64(ins[0]!), ...scalarsOf(ins));
    convolve(ins[1]!, kernel, kb, out!);
  });

  be.registerKernel(`${ROT}.vjp`, (ins, outs, p) => {
    const m = ins[0]?.size ?? 0;
    const [out, kOut, vOut, aOut, bOut, sOut] = outs;
    if (
      !rotArgs(ins, p) || outs.length !== 6 || out!.size !== ins[1]!.size ||
      kOut!.size !== m || vOut!.size !== m || aOut!.size !== m ||
      bOut!.size !== m || sOut!.size !== 4
    ) {
      rjs.vjp(views(ins), views(outs), p);
      return;
    }
    const kb = scratchOf(m);
    // as rigidRotationResiduals: the output by the unflushed kernel, the residuals flushed
    const pt = rotationKernelPartials(f64(ins[0]!), ...scalarsOf(ins));
    convolve(ins[1]!, pt.kernel, kb, out!);
    const q = _prepareRotation(pt);
    f64(kOut!).set(q.kernel);
    f64(vOut!).set(q.dVsini);
    f64(aOut!).set(q.dU1);
    f64(bOut!).set(q.dU2);
    f64(sOut!).set([q.k0, q.k1, q.j0, q.j1]);
  });

  be.registerKernel(`${ROT}.pullback`, (ins, outs, p) => {
    // [vGrid, f, vsini, u1, u2, kernel, dVsini, dU1, dU2, support, ct]
    //   → [fBar [n] or 0, vsiniBar, u1Bar, u2Bar [1] or 0 each]
    const [, fb, , , , kb, vb, ab, bb, sb, cb] = ins;
    const [fBar, ...sBars] = outs;
    const n = fb?.size ?? 0;
    const m = kb?.size ?? 0;
    const ok = (p.batch ?? 1) <= 1 && ins.length === 11 && outs.length === 4 &&
      n > 0 && m % 2 === 1 && vb!.size === m && ab!.size === m &&
      bb!.size === m && sb!.size === 4 && cb!.size === n &&
      (fBar!.size === n || fBar!.size === 0) &&
      sBars.every((g) => g.size === 1 || g.size === 0);
    if (!ok) {
      rjs.pullback(views(ins), views(outs), p);
      return;
    }
    kernelPullback(
      ROT_STAGE,
      fb!,
      kb!,
      sb!,
      cb!,
      [vb!, ab!, bb!],
      fBar!,
      sBars,
    );
  });
}
