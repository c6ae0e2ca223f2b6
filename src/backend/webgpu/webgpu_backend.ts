/**
 * The WebGPU backend: f32 storage buffers on a `GPUDevice` and compute kernels written in WGSL
 * (sources in `wgsl/`, embedded by `scripts/embed_wgsl.ts`). A kernel is one or more compute
 * stages (pipelines compiled once per backend, when it is created or when the kernel is added);
 * `run` encodes all of a kernel's dispatches in one command encoder and submits it, so
 * enqueueing is synchronous and only `read` waits.
 *
 * Binding convention of every stage: `@binding(0)` is a uniform struct of the kernel's scalar
 * params (in declaration order, each a u32 or f32), then the stage's storage buffers in the order
 * its spec lists them (inputs read-only, outputs and scratch read-write).
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { createWebGpuBackend, isWebGpuAvailable } from "./webgpu_backend.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   const a = be.alloc(3);
 *   be.write(a, [1, 2, 3]);
 *   const b = be.alloc(3);
 *   be.run("scale", [a], [b], { factor: 2 });
 *   assert.deepStrictEqual(Array.from(await be.read(b)), [2, 4, 6]); // exact in f32
 *   be.destroy();
 * }
 * ```
 *
 * @module
 */
import {
  type Backend,
  checkBuffer,
  type DeviceBuffer,
  type DType,
  type KernelParams,
  MissingKernelError,
} from "../backend.ts";
import { WGSL_SOURCES } from "./_wgsl_sources.ts";

/**
 * Number of workgroups of `size` threads covering n items (at least 1), for kernel specs'
 * `dispatch` functions.
 *
 * @param n Number of items.
 * @param size Threads per workgroup.
 * @returns max(1, ⌈n / size⌉).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { workgroupCount } from "./webgpu_backend.ts";
 * assert.strictEqual(workgroupCount(257, 256), 2);
 * assert.strictEqual(workgroupCount(0, 64), 1);
 * ```
 */
export function workgroupCount(n: number, size: number): number {
  return Math.max(1, Math.ceil(n / size));
}
const _groups = workgroupCount;

/**
 * Registers the kernels of `specs` that `backend` does not have yet (by name), compiling their
 * pipelines. This is how a stage above the backend (e.g. the ibased emission solver of `./rt`)
 * adds its kernels: the backend module itself knows only the built-in, generic ones.
 *
 * @param backend The WebGPU backend.
 * @param specs Kernel specs; a name already registered is left as it is.
 * @returns Resolves once every missing kernel is compiled.
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import {
 *   BUILTIN_WEBGPU_KERNELS,
 *   createWebGpuBackend,
 *   ensureWebGpuKernels,
 *   isWebGpuAvailable,
 * } from "./webgpu_backend.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   const twice = { ...BUILTIN_WEBGPU_KERNELS[0]!, name: "scale_again" };
 *   await ensureWebGpuKernels(be, [twice]);
 *   await ensureWebGpuKernels(be, [twice]); // no-op: already registered
 *   assert.ok(be.hasKernel("scale_again"));
 *   be.destroy();
 * }
 * ```
 */
export async function ensureWebGpuKernels(
  backend: WebGpuBackend,
  specs: readonly WebGpuKernelSpec[],
): Promise<void> {
  for (const spec of specs) {
    if (!backend.hasKernel(spec.name)) await backend.addKernel(spec);
  }
}

/** Where a stage's storage binding comes from: an input, an output, or a backend-owned scratch buffer. */
export type WebGpuBinding =
  | { readonly input: number }
  | { readonly output: number }
  | {
    /** Scratch name, unique within the kernel. */
    readonly scratch: string;
    /** Number of f32 elements needed for these params. */
    readonly size: (params: Readonly<Record<string, number>>) => number;
  };

/** One compute pass of a kernel. */
export interface WebGpuStage {
  /** WGSL module names (keys of the embedded sources) concatenated into the shader, in order. */
  readonly modules: readonly string[];
  /** Entry point (default "main"). */
  readonly entryPoint?: string;
  /** Storage bindings 1, 2, … in order (binding 0 is the params uniform). */
  readonly bindings: readonly WebGpuBinding[];
  /** Workgroup counts [x, y, z] for the resolved params. */
  readonly dispatch: (
    params: Readonly<Record<string, number>>,
  ) => readonly [number, number, number];
}

/** A scalar kernel parameter: name, WGSL type and default (a number or a function of the buffers). */
export interface WebGpuParam {
  /** Field name in the WGSL params struct. */
  readonly name: string;
  /** WGSL scalar type. */
  readonly type: "u32" | "f32";
  /** Value when `run` is not given one; required when absent. */
  readonly default?:
    | number
    | ((
      inputs: readonly DeviceBuffer[],
      outputs: readonly DeviceBuffer[],
      params: Readonly<Record<string, number>>,
    ) => number);
}

/** A WebGPU kernel: its params, buffer counts, a size check and its stages. */
export interface WebGpuKernelSpec {
  /** Kernel name used by `run`. */
  readonly name: string;
  /** Number of input buffers. */
  readonly inputs: number;
  /** Number of output buffers. */
  readonly outputs: number;
  /** Scalar params in struct order (defaults resolved in this order). */
  readonly params: readonly WebGpuParam[];
  /** Throws (TypeError/RangeError) when buffer sizes or params are inconsistent. */
  readonly check?: (
    inputs: readonly DeviceBuffer[],
    outputs: readonly DeviceBuffer[],
    params: Readonly<Record<string, number>>,
  ) => void;
  /** The compute passes, dispatched in order in one command encoder. */
  readonly stages: readonly WebGpuStage[];
}

/** The WebGPU backend, with its device and kernel registration. */
export interface WebGpuBackend extends Backend {
  /** The device every buffer and pipeline lives on. */
  readonly device: GPUDevice;
  /** Adapter description (e.g. "llvmpipe …"), when known. */
  readonly adapterDescription: string;
  /** Compiles and registers (or replaces) a kernel. */
  addKernel(spec: WebGpuKernelSpec): Promise<void>;
  /** The GPUBuffer behind a DeviceBuffer (for kernels and tests). */
  gpuBuffer(buf: DeviceBuffer): GPUBuffer;
}

interface _GpuDeviceBuffer extends DeviceBuffer {
  handle: GPUBuffer | null;
}

interface _CompiledKernel {
  spec: WebGpuKernelSpec;
  pipelines: GPUComputePipeline[];
  uniformBytes: number;
}

const _USAGE_STORAGE = 0x0080 | 0x0004 | 0x0008; // STORAGE | COPY_SRC | COPY_DST
const _USAGE_UNIFORM = 0x0040 | 0x0008; // UNIFORM | COPY_DST
const _USAGE_READBACK = 0x0001 | 0x0008; // MAP_READ | COPY_DST
const _MAP_READ = 0x0001;

/** The built-in kernels every WebGPU backend has: `scale`, `copy` (as on the js backend), `sum_rows`. */
export const BUILTIN_WEBGPU_KERNELS: readonly WebGpuKernelSpec[] = [
  ...(["scale", "copy"] as const).map((name): WebGpuKernelSpec => ({
    name,
    inputs: 1,
    outputs: 1,
    params: [
      { name: "n", type: "u32", default: (_i, o) => o[0]!.size },
      { name: "factor", type: "f32", default: 1 },
    ],
    check: (i, o, p) => {
      if (i[0]!.size < p.n! || o[0]!.size < p.n!) {
        throw new TypeError(
          `${name}: buffers must hold n = ${p.n} elements, got ${
            i[0]!.size
          } and ${o[0]!.size}`,
        );
      }
    },
    stages: [{
      modules: ["elementwise"],
      entryPoint: name,
      bindings: [{ input: 0 }, { output: 0 }],
      dispatch: (p) => {
        const g = _groups(p.n!, 256);
        return g <= 65535 ? [g, 1, 1] : [65535, Math.ceil(g / 65535), 1];
      },
    }],
  })),
  {
    name: "sum_rows",
    inputs: 1,
    outputs: 1,
    params: [
      { name: "rows", type: "u32", default: (_i, o) => o[0]!.size },
      {
        name: "cols",
        type: "u32",
        default: (
          i,
          o,
        ) => (o[0]!.size > 0 ? Math.floor(i[0]!.size / o[0]!.size) : 0),
      },
    ],
    check: (i, o, p) => {
      if (i[0]!.size !== p.rows! * p.cols! || o[0]!.size !== p.rows) {
        throw new TypeError(
          `sum_rows: input must be rows*cols = ${p.rows}*${p.cols} and output rows = ${p.rows}, got ${
            i[0]!.size
          } and ${o[0]!.size}`,
        );
      }
    },
    stages: [{
      modules: ["reduce_rows"],
      bindings: [{ input: 0 }, { output: 0 }],
      dispatch: (
        p,
      ) => [Math.min(p.rows!, 65535), Math.ceil(p.rows! / 65535), 1],
    }],
  },
];

let _available: Promise<boolean> | undefined;

/**
 * Whether this runtime offers a WebGPU adapter (a software one such as llvmpipe counts).
 * Tests use it to skip clearly when there is none. The answer is cached.
 *
 * @returns True when `navigator.gpu.requestAdapter()` yields an adapter.
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { isWebGpuAvailable } from "./webgpu_backend.ts";
 * assert.strictEqual(typeof (await isWebGpuAvailable()), "boolean"); // never throws
 * assert.strictEqual(isWebGpuAvailable(), isWebGpuAvailable()); // cached: the same promise
 * ```
 */
export function isWebGpuAvailable(): Promise<boolean> {
  _available ??= _requestAdapter().then((a) => a !== null, () => false);
  return _available;
}

async function _requestAdapter(): Promise<GPUAdapter | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  return (await gpu.requestAdapter()) ??
    (await gpu.requestAdapter({ forceFallbackAdapter: true }));
}

/**
 * Creates a WebGPU backend (name "webgpu", f32 storage) and compiles its built-in kernels
 * (`scale`, `copy`, `sum_rows`). Physics stages register their own kernels on it
 * ({@link ensureWebGpuKernels}; e.g. `registerIbasedWebGpuKernels` of `./rt`).
 *
 * @param opts `device` to use an existing device (the backend will not destroy it), or `adapter`
 *   to request the device from; by default the runtime's default adapter.
 * @returns The backend.
 * @throws {Error} When no WebGPU adapter is available or a shader fails to compile.
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { createWebGpuBackend, isWebGpuAvailable } from "./webgpu_backend.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   assert.deepStrictEqual([be.name, be.defaultDtype], ["webgpu", "f32"]);
 *   assert.ok(be.hasKernel("sum_rows") && !be.hasKernel("emission_ibased"));
 *   be.destroy();
 * }
 * ```
 */
export async function createWebGpuBackend(
  opts: { adapter?: GPUAdapter; device?: GPUDevice } = {},
): Promise<WebGpuBackend> {
  let device = opts.device;
  const ownsDevice = device === undefined;
  let description = "";
  if (device === undefined) {
    const adapter = opts.adapter ?? (await _requestAdapter());
    if (!adapter) {
      throw new Error("createWebGpuBackend(): no WebGPU adapter available");
    }
    description = adapter.info?.description ?? "";
    const want = Math.min(adapter.limits.maxStorageBuffersPerShaderStage, 10);
    device = await adapter.requestDevice({
      requiredLimits: { maxStorageBuffersPerShaderStage: want },
    });
  }
  const be = _makeBackend(device, ownsDevice, description);
  for (const spec of BUILTIN_WEBGPU_KERNELS) {
    await be.addKernel(spec);
  }
  return be;
}

function _makeBackend(
  device: GPUDevice,
  ownsDevice: boolean,
  adapterDescription: string,
): WebGpuBackend {
  const table = new Map<string, _CompiledKernel>();
  const modules = new Map<string, GPUShaderModule>();
  const scratch = new Map<string, GPUBuffer>();
  let destroyed = false;

  const gpuBuffer = (buf: DeviceBuffer): GPUBuffer => {
    checkBuffer(be, buf);
    const h = (buf as _GpuDeviceBuffer).handle;
    if (h === null) throw new Error("webgpu backend: buffer used after free()");
    return h;
  };

  const shaderModule = async (
    names: readonly string[],
  ): Promise<GPUShaderModule> => {
    const key = names.join("+");
    const cached = modules.get(key);
    if (cached) return cached;
    const code = names.map((n) => {
      const src = WGSL_SOURCES[n];
      if (src === undefined) {
        throw new TypeError(`webgpu backend: no WGSL module "${n}"`);
      }
      return src;
    }).join("\n");
    const mod = device.createShaderModule({ label: key, code });
    const info = await mod.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === "error");
    if (errors.length > 0) {
      throw new Error(
        `webgpu backend: WGSL "${key}" does not compile: ${
          errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ")
        }`,
      );
    }
    modules.set(key, mod);
    return mod;
  };

  const scratchBuffer = (key: string, size: number): GPUBuffer => {
    const bytes = Math.max(16, size * 4);
    const old = scratch.get(key);
    if (old && old.size >= bytes) return old;
    old?.destroy();
    const b = device.createBuffer({
      label: key,
      size: bytes,
      usage: _USAGE_STORAGE,
    });
    scratch.set(key, b);
    return b;
  };

  const be: WebGpuBackend = {
    name: "webgpu",
    defaultDtype: "f32",
    device,
    adapterDescription,
    alloc(size: number, dtype: DType = "f32"): DeviceBuffer {
      if (!Number.isInteger(size) || size < 0) {
        throw new RangeError(
          `alloc(): size must be a non-negative integer, got ${size}`,
        );
      }
      if (dtype !== "f32") {
        throw new TypeError(
          `webgpu backend stores f32 only, got dtype "${dtype}"`,
        );
      }
      const handle = device.createBuffer({
        size: Math.max(16, size * 4),
        usage: _USAGE_STORAGE,
      });
      const b: _GpuDeviceBuffer = { backend: "webgpu", size, dtype, handle };
      return b;
    },
    write(buf, data, offset = 0) {
      const h = gpuBuffer(buf);
      if (
        !Number.isInteger(offset) || offset < 0 ||
        offset + data.length > buf.size
      ) {
        throw new RangeError(
          `write(): ${data.length} values at offset ${offset} overflow a buffer of ${buf.size}`,
        );
      }
      if (data.length === 0) return;
      device.queue.writeBuffer(h, offset * 4, new Float32Array(data));
    },
    async read(buf) {
      const h = gpuBuffer(buf);
      if (buf.size === 0) return new Float64Array(0);
      const bytes = buf.size * 4;
      const staging = device.createBuffer({
        size: bytes,
        usage: _USAGE_READBACK,
      });
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(h, 0, staging, 0, bytes);
      device.queue.submit([enc.finish()]);
      try {
        await staging.mapAsync(_MAP_READ);
        const out = new Float64Array(buf.size);
        out.set(new Float32Array(staging.getMappedRange()));
        staging.unmap();
        return out;
      } finally {
        staging.destroy();
      }
    },
    free(buf) {
      gpuBuffer(buf).destroy();
      (buf as _GpuDeviceBuffer).handle = null;
    },
    gpuBuffer,
    hasKernel: (name) => table.has(name),
    kernels: () => [...table.keys()],
    async addKernel(spec) {
      const pipelines: GPUComputePipeline[] = [];
      for (const [s, stage] of spec.stages.entries()) {
        const module = await shaderModule(stage.modules);
        pipelines.push(
          await device.createComputePipelineAsync({
            label: `${spec.name}#${s}`,
            layout: "auto",
            compute: { module, entryPoint: stage.entryPoint ?? "main" },
          }),
        );
      }
      const uniformBytes = Math.max(
        16,
        Math.ceil((spec.params.length * 4) / 16) * 16,
      );
      table.set(spec.name, { spec, pipelines, uniformBytes });
    },
    run(kernel, inputs, outputs, params = {}) {
      if (destroyed) throw new Error("webgpu backend: run() after destroy()");
      const k = table.get(kernel);
      if (!k) throw new MissingKernelError("webgpu", kernel);
      const { spec } = k;
      if (inputs.length !== spec.inputs || outputs.length !== spec.outputs) {
        throw new TypeError(
          `${kernel}: expected ${spec.inputs} inputs and ${spec.outputs} outputs, got ${inputs.length} and ${outputs.length}`,
        );
      }
      const ins = inputs.map((b, i) => {
        checkBuffer(be, b, undefined, `${kernel} input ${i}`);
        return gpuBuffer(b);
      });
      const outs = outputs.map((b, i) => {
        checkBuffer(be, b, undefined, `${kernel} output ${i}`);
        return gpuBuffer(b);
      });
      const p = _resolveParams(spec, inputs, outputs, params);
      spec.check?.(inputs, outputs, p);
      const uni = device.createBuffer({
        size: k.uniformBytes,
        usage: _USAGE_UNIFORM,
      });
      device.queue.writeBuffer(uni, 0, _packParams(spec, p, k.uniformBytes));
      const enc = device.createCommandEncoder({ label: kernel });
      const pass = enc.beginComputePass();
      for (const [s, stage] of spec.stages.entries()) {
        const pipe = k.pipelines[s]!;
        const entries: GPUBindGroupEntry[] = [{
          binding: 0,
          resource: { buffer: uni },
        }];
        stage.bindings.forEach((b, i) => {
          const buffer = "input" in b
            ? ins[b.input]!
            : "output" in b
            ? outs[b.output]!
            : scratchBuffer(`${kernel}/${b.scratch}`, b.size(p));
          entries.push({ binding: i + 1, resource: { buffer } });
        });
        const group = device.createBindGroup({
          layout: pipe.getBindGroupLayout(0),
          entries,
        });
        const [x, y, z] = stage.dispatch(p);
        if (x === 0 || y === 0 || z === 0) continue;
        pass.setPipeline(pipe);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(x, y, z);
      }
      pass.end();
      device.queue.submit([enc.finish()]);
      uni.destroy(); // released once the submitted work is done
    },
    sync: () => device.queue.onSubmittedWorkDone(),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const b of scratch.values()) b.destroy();
      scratch.clear();
      table.clear();
      modules.clear();
      if (ownsDevice) device.destroy();
    },
  };
  return be;
}

/** Fills params in declaration order (explicit value, else default), validating u32 values. */
function _resolveParams(
  spec: WebGpuKernelSpec,
  inputs: readonly DeviceBuffer[],
  outputs: readonly DeviceBuffer[],
  given: KernelParams,
): Record<string, number> {
  const p: Record<string, number> = {};
  for (const d of spec.params) {
    let v = given[d.name];
    if (v === undefined) {
      if (d.default === undefined) {
        throw new TypeError(`${spec.name}: missing param "${d.name}"`);
      }
      v = typeof d.default === "number"
        ? d.default
        : d.default(inputs, outputs, p);
    }
    if (
      d.type === "u32" && !(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)
    ) {
      throw new RangeError(
        `${spec.name}: param "${d.name}" must be a u32, got ${v}`,
      );
    }
    if (d.type === "f32" && !Number.isFinite(v)) {
      throw new RangeError(
        `${spec.name}: param "${d.name}" must be finite, got ${v}`,
      );
    }
    p[d.name] = v;
  }
  return p;
}

function _packParams(
  spec: WebGpuKernelSpec,
  p: Record<string, number>,
  bytes: number,
): ArrayBuffer {
  const buf = new ArrayBuffer(bytes);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  spec.params.forEach((d, i) => {
    if (d.type === "u32") u[i] = p[d.name]!;
    else f[i] = p[d.name]!;
  });
  return buf;
}
