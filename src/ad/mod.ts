/**
 * Explicit forward- and reverse-mode automatic differentiation: tensors, primitives with
 * hand-written JVP/VJP rules, and the transformations `jvp`, `jvpBatch`, `vjp`, `grad`,
 * `valueAndGrad`, `jacfwd`, `jacrev`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { grad, mul, sum, tensor, type Tensor } from "./mod.ts";
 * const g = grad((x) => sum(mul(x, x)))(tensor([1, 2])) as Tensor;
 * assert.deepStrictEqual(Array.from(g.data), [2, 4]); // 2x
 * ```
 *
 * @module
 */
export {
  bind,
  type Fn,
  grad,
  jacfwd,
  jacrev,
  jvp,
  jvpBatch,
  JvpTracer,
  type Params,
  type Primitive,
  Tracer,
  type Value,
  valueAndGrad,
  vjp,
  VjpTracer,
} from "./core.ts";
export * from "./ops.ts";
export {
  broadcastShapes,
  constantOn,
  DeviceResidentError,
  full,
  hostBackend,
  isHostBackend,
  scalar,
  sizeOf,
  Tensor,
  tensor,
} from "./tensor.ts";
export { type Scope, scope, scopeSync } from "./scope.ts";
export {
  decodeOpLaunch,
  deviceOp,
  encodeOpLaunch,
  type HostImpl,
  opKernelNames,
  registerOpKernels,
  type ShapeRule,
} from "./op_dispatch.ts";
export {
  definePrimitive,
  type FirstOrderKernels,
  type StageJvp,
  type StageVjp,
} from "./first_order.ts";
export {
  batchedJsStageKernels,
  type JsStageKernels,
  registerStageKernels,
  requireStage,
  stageKernelNames,
  type StagePrimitive,
  stagePrimitive,
  type StagePrimitiveOptions,
  type StageSpec,
  uploadConst,
} from "./stage_kernels.ts";
