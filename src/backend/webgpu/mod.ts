/**
 * The WebGPU backend (f32): the generic {@link Backend} implementation, its built-in kernels and
 * the kernel-spec API (`WebGpuKernelSpec`, `ensureWebGpuKernels`, `workgroupCount`) through which
 * stages above it register their WGSL kernels (the ibased emission solver on WebGPU is
 * `createIbasedWebGpu` of `./rt`). Works on any adapter, including software ones (Mesa
 * llvmpipe); use {@link isWebGpuAvailable} to skip when the runtime has none.
 *
 * @example
 * ```ts ignore
 * // WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).
 * import assert from "node:assert";
 * import { createWebGpuBackend, isWebGpuAvailable } from "./mod.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   const a = be.alloc(3), b = be.alloc(3);
 *   be.write(a, [1, 2, 3]);
 *   be.run("scale", [a], [b], { factor: 2 });
 *   assert.deepStrictEqual(Array.from(await be.read(b)), [2, 4, 6]);
 *   be.destroy();
 * }
 * ```
 *
 * @module
 */

export type { Backend } from "../backend.ts";
export {
  BUILTIN_WEBGPU_KERNELS,
  createWebGpuBackend,
  ensureWebGpuKernels,
  isWebGpuAvailable,
  type WebGpuBackend,
  type WebGpuBinding,
  type WebGpuKernelSpec,
  type WebGpuParam,
  type WebGpuStage,
  workgroupCount,
} from "./webgpu_backend.ts";
