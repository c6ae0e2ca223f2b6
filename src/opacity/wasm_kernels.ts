/**
 * The WASM kernels of `opacity.premodit_xsmatrix` (its forward and `.vjp`; the `.jvp` and
 * `.pullback` stay the js kernels over linear memory): glue between the stage's buffers and
 * `asm/premodit.ts`, which runs the PreMODIT layer kernel (`premodit_layer.ts`) operation for
 * operation, its FFTs on this backend's WASM plans.
 *
 * The glue checks T and P as the js kernel does (the same errors: a non-positive or non-finite
 * `t[l]` or `pBar[l]`, a temperature outside the calculator's range), interpolates the partition
 * function per layer, and keeps per calculator (memoized on the constant buffers, or on their
 * contents when other buffers come; the buffers must not change) the derived tables in linear memory: R/ν, expm1(−c₂ν/Tref), the integer LBD indices,
 * the wrap-around series basis, the FFT plan of length 2N and the scratch. A batch axis is
 * refused (as on the ibased kernels).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createWasmBackend } from "../backend/wasm/wasm_backend.ts";
 * import { registerOpacityWasmStages } from "./wasm_kernels.ts";
 * const be = await createWasmBackend();
 * registerOpacityWasmStages(be);
 * assert.strictEqual(be.kernelKind("opacity.premodit_xsmatrix"), "asm");
 * assert.strictEqual(be.kernelKind("opacity.premodit_xsmatrix.vjp"), "asm");
 * be.destroy();
 * ```
 *
 * @module
 */
import type { DeviceBuffer, KernelParams } from "../backend/backend.ts";
import {
  createWasmRfftPlan,
  type WasmBackend,
} from "../backend/wasm/wasm_backend.ts";
import { C2 } from "../constants.ts";
import {
  partitionFunctionAt,
  partitionFunctionSlope,
} from "../db/partition_function.ts";
import { _checkPositive } from "./line_strength.ts";
import { premoditAliasBasis } from "./premodit_alias.ts";
import {
  _PREMODIT_PARAMS,
  _sameArray,
  premoditTablesFromConsts,
  premoditXsmatrixStage,
} from "./kernels.ts";
import type { PremoditTables } from "./premodit_layer.ts";
import type { KernelPool } from "../backend/wasm/kernel_pool.ts";

/** The exports of asm/premodit.ts. */
interface _PremoditExports {
  premodit_config_slots(): number;
  premodit_scratch_bytes(n: number, ne: number, nb: number): number;
  premodit_layers(cfg: number): void;
  rplan_bytes(n: number): number;
  rplan_init(n: number, plan: number): void;
}

const STAGE = premoditXsmatrixStage.name;
/** The stage name in the js kernels' messages (premodit_ad.ts). */
const MSG_STAGE = "premodit.xsmatrix";
const NCONST = premoditXsmatrixStage.nConst;

/** The alias series basis [m·16 + k] (premoditAliasBasis) as [k·nk + m], for the kernel. */
function transposeBasis(b: Float64Array, nk: number): Float64Array {
  const kmax = b.length / nk;
  const t = new Float64Array(b.length);
  for (let m = 0; m < nk; m++) {
    for (let k = 0; k < kmax; k++) t[k * nk + m] = b[m * kmax + k]!;
  }
  return t;
}

/** Config slots (asm/premodit.ts). */
const C = {
  N: 0,
  NE: 1,
  NENT: 2,
  NB: 3,
  L: 4,
  RNU: 5,
  NU: 6,
  STIM: 7,
  EG: 8,
  SLOT: 9,
  ENTE: 10,
  ENT0: 11,
  ENT1: 12,
  ENT2: 13,
  BNG: 14,
  BNT: 15,
  BASIS: 16,
  SIN2: 17,
  T: 18,
  P: 19,
  QR: 20,
  DLNQR: 21,
  TREF: 22,
  TWT: 23,
  TREFB: 24,
  SQF: 25,
  WANTT: 26,
  WANTP: 27,
  OUT: 28,
  ST: 29,
  SP: 30,
  PLAN: 31,
  SCRATCH: 32,
  C2: 33,
} as const;

/** One calculator's derived state in linear memory. */
interface _Calc {
  /** The constant buffers it was last used with (compared by identity first). */
  consts: readonly DeviceBuffer[];
  /** Their contents (compared when the buffers differ). */
  readonly copies: readonly Float64Array[];
  readonly key: readonly number[];
  readonly tables: PremoditTables;
  /** Owned buffers: R/ν, stim, slot, entE, basis, sin2, plan, scratch, cfg. */
  readonly bufs: {
    rnu: DeviceBuffer;
    stim: DeviceBuffer;
    slot: DeviceBuffer;
    ente: DeviceBuffer;
    basis: DeviceBuffer;
    sin2: DeviceBuffer;
    plan: DeviceBuffer;
    scratch: DeviceBuffer;
    cfg: DeviceBuffer;
  };
  /** The worker's plan, scratch and config block (with a pool), else null. */
  readonly worker: {
    plan: DeviceBuffer;
    scratch: DeviceBuffer;
    cfg: DeviceBuffer;
  } | null;
  /** Per-layer qr, d ln qr (grown as needed). */
  layer: DeviceBuffer;
}

/**
 * Registers the AssemblyScript forward and `.vjp` kernels of `opacity.premodit_xsmatrix` on a
 * wasm backend (see the module documentation). The `.jvp` and `.pullback` kernels must come
 * from the js kernels (`createStageWasmBackend` registers them over linear memory).
 *
 * With a kernel pool (`opts.pool`, the worker of `createStageWasmBackend`), the forward and
 * `.vjp` kernels run the second half of the layers on the worker's instance of the module, over
 * the same memory (its own FFT plan and scratch): the same numbers, bit for bit; a worker that
 * fails or does not answer leaves that half to this thread.
 *
 * @param be The backend.
 * @param opts The pool and the smallest call that is split.
 * @returns The kernels that split their layers themselves (none without a pool).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { createStageWasmBackend } from "../spectrum/stage_backend.ts";
 * import { premoditStageConsts, premoditXsmatrixJsKernels } from "./kernels.ts";
 * import { createOpaPremodit } from "./premodit.ts";
 * const nu = Float64Array.from({ length: 64 }, (_, i) => 4300 * Math.exp(i / 1e5));
 * const lines = {
 *   molecule: "X", molmass: 28, tref: 296, qtref: 100,
 *   nu: new Float64Array([4300.1]), elower: new Float64Array([500]),
 *   gupper: new Float64Array([3]), einsteinA: new Float64Array([1]),
 *   lineStrengthRef: new Float64Array([1e-20]),
 *   alphaRef: new Float64Array([0.07]), nTemp: new Float64Array([0.5]),
 *   partitionFunction: { t: new Float64Array([1, 3000]), q: new Float64Array([1, 1000]) },
 * };
 * const { consts, params } = premoditStageConsts(createOpaPremodit(lines, nu).tables);
 * const t = new Float64Array([800, 1200]), p = new Float64Array([0.1, 1]);
 * const be = await createStageWasmBackend({ workers: 0 }); // registers these kernels
 * const ins = [...consts, t, p].map((a) => { const b = be.alloc(a.length); be.write(b, a); return b; });
 * const out = be.alloc(2 * 64);
 * be.run("opacity.premodit_xsmatrix", ins, [out], params);
 * const ref = new Float64Array(2 * 64);
 * premoditXsmatrixJsKernels().forward([...consts, t, p], [ref], params);
 * const got = be.readSync(out);
 * const scale = Math.max(...ref.map(Math.abs));
 * assert.ok(got.every((v, i) => Math.abs(v - ref[i]!) <= 1e-12 * scale));
 * be.destroy();
 * ```
 */
export function registerOpacityWasmStages(
  be: WasmBackend,
  opts: OpacityWasmStageOptions = {},
): string[] {
  const e = be.exports as unknown as _PremoditExports;
  const pool = opts.pool ?? null;
  const minSplit = opts.minSplit ?? 16384;
  const nSlots = e.premodit_config_slots();
  const calcs: _Calc[] = [];
  const f64 = (b: DeviceBuffer): Float64Array => be.view(b) as Float64Array;
  const upload = (a: ArrayLike<number>): DeviceBuffer => {
    const b = be.alloc(a.length);
    be.write(b, a);
    return b;
  };
  const i32buf = (a: Int32Array): DeviceBuffer => {
    const b = be.alloc(Math.ceil(a.length / 2) + 1);
    new Int32Array(be.memory.buffer, be.ptr(b), a.length).set(a);
    return b;
  };
  /** An rfft plan of length n in linear memory (asm/fft.ts), for one thread at a time. */
  const newPlan = (n: number): DeviceBuffer => {
    const b = be.alloc(Math.ceil(e.rplan_bytes(n) / 8) + 1);
    e.rplan_init(n, be.ptr(b));
    return b;
  };
  const calcOf = (ins: readonly DeviceBuffer[], p: KernelParams): _Calc => {
    const key = _PREMODIT_PARAMS.map((k) => p[k] ?? NaN);
    const sameKey = (c: _Calc) => c.key.every((v, i) => Object.is(v, key[i]));
    for (const c of calcs) {
      if (c.consts.every((b, i) => b === ins[i]) && sameKey(c)) return c;
    }
    // other buffers with the same contents (a copy of the tables: a worker's upload)
    for (const c of calcs) {
      if (
        sameKey(c) &&
        c.copies.every((a, i) => _sameArray(a, f64(ins[i]!)))
      ) {
        c.consts = ins.slice(0, NCONST);
        return c;
      }
    }
    const views = ins.slice(0, NCONST).map((b) => f64(b).slice());
    const tables = premoditTablesFromConsts(views, p);
    const N = tables.nu.length;
    const L2 = 2 * N;
    const nb = tables.binNgammaRef.length;
    const plan = newPlan(L2);
    // the basis on this backend's FFT (as the js kernel on wasm computes it)
    const tsPlan = createWasmRfftPlan(be, L2);
    // transposed, [k·(N + 1) + m], so that the kernel loads consecutive wavenumbers
    const basis = upload(transposeBasis(premoditAliasBasis(N, tsPlan), N + 1));
    tsPlan.dispose();
    const scratchSize = Math.ceil(
      e.premodit_scratch_bytes(N, tables.elowerGrid.length, nb) / 8,
    );
    const bufs = {
      rnu: upload(Float64Array.from(tables.nu, (v) => tables.resolution / v)),
      stim: upload(
        Float64Array.from(tables.nu, (v) => Math.expm1(-C2 * v / tables.tref)),
      ),
      slot: i32buf(tables.entSlot),
      ente: i32buf(tables.entE),
      basis,
      sin2: upload(
        Float64Array.from(
          { length: N + 1 },
          (_, n) => 2 * Math.sin(Math.PI * n / L2) ** 2,
        ),
      ),
      plan,
      scratch: be.alloc(scratchSize),
      cfg: be.alloc(nSlots),
    };
    let worker: _Calc["worker"] = null;
    if (pool !== null) {
      worker = {
        plan: newPlan(L2),
        scratch: be.alloc(scratchSize),
        cfg: be.alloc(nSlots),
      };
    }
    const calc: _Calc = {
      consts: ins.slice(0, NCONST),
      copies: views,
      key,
      tables,
      bufs,
      worker,
      layer: be.alloc(2),
    };
    calcs.push(calc);
    if (calcs.length > 8) {
      const old = calcs.shift()!;
      for (const b of Object.values(old.bufs)) be.free(b);
      for (const b of Object.values(old.worker ?? {})) be.free(b);
      be.free(old.layer);
    }
    return calc;
  };

  /** Checks T, P as the js kernel's layer loop does; fills qr and d ln qr per layer (c.layer holds 2L). */
  const layerInputs = (
    c: _Calc,
    t: Float64Array,
    pBar: Float64Array,
    wantT: boolean,
  ): void => {
    const tb = c.tables;
    const L = t.length;
    const lv = f64(c.layer);
    for (let l = 0; l < L; l++) {
      const tl = t[l]!;
      _checkPositive(tl, `t[${l}]`, MSG_STAGE);
      _checkPositive(pBar[l], `pBar[${l}]`, MSG_STAGE);
      if (!tb.allowOutsideRange && (tl < tb.tmin || tl > tb.tmax)) {
        throw new RangeError(
          `t = ${tl} K is outside the PreMODIT temperature range [${tb.tmin}, ${tb.tmax}] K ` +
            `(set allowOutsideRange to accept it)`,
        );
      }
      const qr = partitionFunctionAt(tb.partitionFunction, tl) / tb.qAtTref;
      lv[l] = qr;
      lv[L + l] = wantT
        ? partitionFunctionSlope(tb.partitionFunction, tl) / tb.qAtTref / qr
        : 0;
    }
  };

  const run = (
    ins: readonly DeviceBuffer[],
    out: DeviceBuffer,
    sT: DeviceBuffer | null,
    sP: DeviceBuffer | null,
    p: KernelParams,
  ): void => {
    if ((p.batch ?? 1) > 1) {
      throw new TypeError(
        `${STAGE} on wasm takes no batch axis yet (batch = ${p.batch})`,
      );
    }
    const tBuf = ins[NCONST]!, pBuf = ins[NCONST + 1]!;
    const c = calcOf(ins, p);
    const tb = c.tables;
    const N = tb.nu.length, nk = N + 1;
    const L = tBuf.size;
    if (pBuf.size !== L) {
      throw new TypeError(
        `pBar must have the length of t (${L}), got ${pBuf.size}`,
      );
    }
    if (out.size !== L * N) {
      throw new TypeError(
        `out must have length ${L * N}, got ${out.size}`,
      );
    }
    for (const [s, name] of [[sT, "sT"], [sP, "sP"]] as const) {
      if (s !== null && s.size !== 2 * L * nk) {
        throw new TypeError(
          `${name} must be null or a Float64Array of length 2·L·(N + 1) = ${
            2 * L * nk
          }`,
        );
      }
    }
    if (L === 0) return;
    if (c.layer.size < 2 * L) {
      // before any view is taken: an allocation may grow (and detach) the memory
      be.free(c.layer);
      c.layer = be.alloc(2 * L);
    }
    layerInputs(c, f64(tBuf), f64(pBuf), sT !== null);
    const b = c.bufs;
    const cfg = f64(b.cfg);
    const ptr = (x: DeviceBuffer) => be.ptr(x);
    cfg[C.N] = N;
    cfg[C.NE] = tb.elowerGrid.length;
    cfg[C.NENT] = tb.entSlot.length;
    cfg[C.NB] = tb.binNgammaRef.length;
    cfg[C.L] = L;
    cfg[C.RNU] = ptr(b.rnu);
    cfg[C.NU] = ptr(ins[0]!);
    cfg[C.STIM] = ptr(b.stim);
    cfg[C.EG] = ptr(ins[1]!);
    cfg[C.SLOT] = ptr(b.slot);
    cfg[C.ENTE] = ptr(b.ente);
    cfg[C.ENT0] = ptr(ins[4]!);
    cfg[C.ENT1] = ptr(ins[5]!);
    cfg[C.ENT2] = ptr(ins[6]!);
    cfg[C.BNG] = ptr(ins[7]!);
    cfg[C.BNT] = ptr(ins[8]!);
    cfg[C.BASIS] = ptr(b.basis);
    cfg[C.SIN2] = ptr(b.sin2);
    cfg[C.T] = ptr(tBuf);
    cfg[C.P] = ptr(pBuf);
    cfg[C.QR] = ptr(c.layer);
    cfg[C.DLNQR] = ptr(c.layer) + 8 * L;
    cfg[C.TREF] = tb.tref;
    cfg[C.TWT] = tb.twt;
    cfg[C.TREFB] = tb.trefBroadening;
    cfg[C.SQF] = tb.sigmaQFactor;
    cfg[C.WANTT] = sT !== null ? 1 : 0;
    cfg[C.WANTP] = sP !== null ? 1 : 0;
    cfg[C.OUT] = ptr(out);
    cfg[C.ST] = sT !== null ? ptr(sT) : 0;
    cfg[C.SP] = sP !== null ? ptr(sP) : 0;
    cfg[C.PLAN] = ptr(b.plan);
    cfg[C.SCRATCH] = ptr(b.scratch);
    cfg[C.C2] = C2;
    const w = c.worker;
    const h = Math.ceil(L / 2);
    if (
      w === null || pool === null || pool.threads < 2 || L < 2 ||
      L * N < minSplit
    ) {
      e.premodit_layers(ptr(b.cfg));
      return;
    }
    // layers [h, L) on the worker: its own plan and scratch, the same tables and buffers
    const cw = f64(w.cfg);
    cw.set(cfg);
    cfg[C.L] = h;
    cw[C.L] = L - h;
    for (const k of [C.T, C.P, C.QR, C.DLNQR] as const) cw[k] = cfg[k]! + 8 * h;
    cw[C.OUT] = cfg[C.OUT]! + 8 * h * N;
    if (sT !== null) cw[C.ST] = cfg[C.ST]! + 8 * 2 * h * nk;
    if (sP !== null) cw[C.SP] = cfg[C.SP]! + 8 * 2 * h * nk;
    cw[C.PLAN] = ptr(w.plan);
    cw[C.SCRATCH] = ptr(w.scratch);
    const forked = pool.fork("premodit_layers", [ptr(w.cfg)]);
    e.premodit_layers(ptr(b.cfg));
    if (!forked || !pool.join()) e.premodit_layers(ptr(w.cfg));
  };
  be.registerKernel(STAGE, (ins, [out], p) => run(ins, out!, null, null, p));
  be.registerKernel(`${STAGE}.vjp`, (ins, [out, sT, sP], p) =>
    run(
      ins,
      out!,
      p.need0 === 0 ? null : sT!,
      p.need1 === 0 ? null : sP!,
      p,
    ));
  return pool === null ? [] : [STAGE, `${STAGE}.vjp`];
}

/** Options of {@link registerOpacityWasmStages}. */
export interface OpacityWasmStageOptions {
  /**
   * A pool whose worker runs the second half of the layers (null or absent: one thread); its
   * memory must be `be`'s, and its module the shared-memory build.
   */
  readonly pool?: KernelPool | null;
  /** The fewest layers × wavenumbers that are split (default 16384). */
  readonly minSplit?: number;
}
