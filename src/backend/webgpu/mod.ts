/**
 * The WebGPU backend (f32) and its WGSL kernels: the generic {@link Backend} implementation plus
 * the intensity-based emission solver (forward, JVP for K directions, VJP) as compute shaders.
 * Works on any adapter, including software ones (Mesa llvmpipe); use
 * {@link isWebGpuAvailable} to skip when the runtime has none.
 *
 * @example
 * ```ts
 * import { createIbasedWebGpu, createWebGpuBackend, isWebGpuAvailable } from "./mod.ts";
 * import { emissionIbased } from "../../rt/emission_ibased.ts";
 * if (await isWebGpuAvailable()) {
 *   const be = await createWebGpuBackend();
 *   const nu = new Float64Array([4300, 4310, 4320]);
 *   const dtau = new Float64Array([1e-3, 0.2, 0.05, 5, 40, 20]);
 *   const t = new Float64Array([900, 1300]);
 *   const rt = createIbasedWebGpu(be, nu, 2);
 *   const f32 = await rt.forward(dtau, t);
 *   const f64 = emissionIbased(dtau, t, nu);
 *   console.log(Math.abs(f32[1]! / f64[1]! - 1) < 1e-5); // true
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
  isWebGpuAvailable,
  type WebGpuBackend,
  type WebGpuBinding,
  type WebGpuKernelSpec,
  type WebGpuParam,
  type WebGpuStage,
} from "./webgpu_backend.ts";
export {
  createIbasedWebGpu,
  IBASED_WEBGPU_KERNELS,
  IBASED_WEBGPU_MAX_NSTREAM,
  ibasedQuadrature,
  type IbasedTangents,
  type IbasedWebGpu,
} from "./ibased_webgpu.ts";
