// Parity cases for the `ad.*` kernels (src/ad/op_dispatch.ts): for each primitive of ops.ts,
// host tensors of several shapes (broadcasting, size-1 axes, a scalar passed by value) and its
// params, encoded as a launch exactly as a device dispatch encodes it. `expected` is what the
// public op returns on the host, so the harness also checks the encode/decode round trip.
import type { KernelCase } from "./_stage_cases.ts";
import { encodeOpLaunch } from "../../src/ad/op_dispatch.ts";
import * as ops from "../../src/ad/ops.ts";
import { type Tensor, tensor } from "../../src/ad/tensor.ts";
import { key, split, uniform } from "../../src/random/mod.ts";
import type { Value } from "../../src/ad/core.ts";

/** A parity case with the host op's result. */
export interface OpCase extends KernelCase {
  /** The public op's result on the host tensors. */
  expected: Float64Array;
}

let _k = key(20261208);
function rand(shape: number[], lo = -1, hi = 1): Tensor {
  const [a, b] = split(_k);
  _k = a!;
  const n = shape.reduce((x, y) => x * y, 1);
  return tensor(uniform(b!, n).map((u) => lo + (hi - lo) * u), shape);
}

function mk(
  label: string,
  inputs: Tensor[],
  params: Record<string, unknown>,
  run: () => Value,
  opts: { byValue?: number[]; tensorParams?: string[] } = {},
): OpCase {
  const out = run() as Tensor;
  const p = encodeOpLaunch(
    inputs,
    params,
    out.shape,
    opts.tensorParams ?? [],
  ) as Record<string, number>;
  const all = [
    ...inputs,
    ...(opts.tensorParams ?? []).map((k) => params[k] as Tensor),
  ];
  const bufs = all.map((t, i) => {
    if (opts.byValue?.includes(i)) {
      p[`in${i}.const`] = t.data[0]!;
      return new Float64Array(0);
    }
    return t.data.slice();
  });
  return {
    label,
    inputs: bufs,
    outputs: [out.size],
    params: p,
    expected: out.data,
  };
}

const UNARY: Record<string, [(x: Value) => Value, number, number]> = {
  neg: [ops.neg, -2, 2],
  exp: [ops.exp, -2, 2],
  log: [ops.log, 0.1, 3],
  log1p: [ops.log1p, -0.5, 3],
  expm1: [ops.expm1, -2, 2],
  sqrt: [ops.sqrt, 0.1, 4],
  sin: [ops.sin, -3, 3],
  cos: [ops.cos, -3, 3],
  tanh: [ops.tanh, -3, 3],
  abs: [ops.abs, -2, 2],
  sigmoid: [ops.sigmoid, -4, 4],
  softplus: [ops.softplus, -4, 4],
  lgamma: [ops.lgamma, 0.2, 6],
  digamma: [ops.digamma, 0.2, 6],
  trigamma: [ops.trigamma, 0.2, 6],
};

const BINARY: Record<string, (a: Value, b: Value) => Value> = {
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
};

/**
 * Parity cases of every `ad.*` kernel.
 *
 * @returns Case factories by kernel name.
 */
export function opCases(): Record<string, () => OpCase[]> {
  const c: Record<string, () => OpCase[]> = {};
  for (const [name, [f, lo, hi]] of Object.entries(UNARY)) {
    c[`ad.${name}`] = () =>
      [[1], [7], [2, 3], []].map((s) => {
        const a = rand(s, lo, hi);
        return mk(`[${s}]`, [a], {}, () => f(a));
      });
  }
  // the rule helpers: ψ″ (trigamma's derivative) and sign (abs's), as their own kernels
  c["ad.tetragamma"] = () => {
    const a = rand([5], 0.2, 6);
    // reference by the same op path: d/dx trigamma = tetragamma
    const [, t] = ops.trigammaPrim.jvp([a], [tensor(1, [])], {}, 1) as [
      Value,
      Tensor,
    ];
    const out = tensor(t.data.slice(), [5]);
    return [mk("[5]", [a], {}, () => out)];
  };
  c["ad.sign"] = () => {
    const a = tensor([-2, 0, 3, -0.5, 1e-300], [5]);
    return [mk("[5] with 0", [a], {}, () => tensor([-1, 0, 1, -1, 1]))];
  };
  for (const [name, f] of Object.entries(BINARY)) {
    const lo = name === "div" ? 0.5 : -2, hi = 2;
    c[`ad.${name}`] = () => [
      ...[[[7], [7]], [[2, 3], [3]], [[2, 1], [1, 3]], [[], [5]], [[4], []]]
        .map(([sa, sb]) => {
          const a = rand(sa!, -2, 2), b = rand(sb!, lo, hi);
          return mk(`[${sa}] ∘ [${sb}]`, [a, b], {}, () => f(a, b));
        }),
      (() => {
        const a = rand([6], -2, 2), b = rand([], lo, hi);
        return mk("[6] ∘ scalar by value", [a, b], {}, () => f(a, b), {
          byValue: [1],
        });
      })(),
      (() => {
        const a = rand([], lo, hi), b = rand([2, 2], lo, hi);
        return mk("scalar by value ∘ [2,2]", [a, b], {}, () => f(a, b), {
          byValue: [0],
        });
      })(),
    ];
  }
  c["ad.powScalar"] = () =>
    [2, 0.5, -1.5].map((p) => {
      const a = rand([6], 0.2, 3);
      return mk(`p=${p}`, [a], { p }, () => ops.powScalar(a, p));
    });
  c["ad.where"] = () => {
    const mask = tensor([1, 0, 0, 1, 1, 0], [2, 3]);
    const a = rand([2, 3]), b = rand([3]);
    return [
      mk("[2,3] mask", [a, b], { mask }, () => ops.where(mask, a, b), {
        tensorParams: ["mask"],
      }),
    ];
  };
  c["ad.sum"] = () => {
    const a = rand([2, 3, 4]);
    return ([[[1], false], [[0, 2], true], [[0, 1, 2], false]] as const).map((
      [axes, keepdims],
    ) =>
      mk(
        `axes ${axes} keepdims ${keepdims}`,
        [a],
        { axes: [...axes], keepdims },
        () => ops.sum(a, [...axes], keepdims),
      )
    );
  };
  c["ad.reshape"] = () => {
    const a = rand([2, 3]);
    return [
      mk("[2,3]→[3,2]", [a], { shape: [3, 2] }, () => ops.reshape(a, [3, 2])),
    ];
  };
  c["ad.broadcastTo"] = () => {
    const a = rand([3]), b = rand([2, 1]);
    return [
      mk("[3]→[2,3]", [a], { shape: [2, 3] }, () => ops.broadcastTo(a, [2, 3])),
      mk(
        "[2,1]→[2,4]",
        [b],
        { shape: [2, 4] },
        () => ops.broadcastTo(b, [2, 4]),
      ),
    ];
  };
  c["ad.swapLast"] = () => {
    const a = rand([2, 3, 4]);
    return [mk("[2,3,4]", [a], {}, () => ops.swapLast(a))];
  };
  c["ad.matmul"] = () => {
    const a = rand([2, 3]), b = rand([3, 4]);
    const a3 = rand([2, 2, 3]), b3 = rand([3, 5]);
    return [
      mk("[2,3]·[3,4]", [a, b], {}, () => ops.matmul(a, b)),
      mk("[2,2,3]·[3,5]", [a3, b3], {}, () => ops.matmul(a3, b3)),
    ];
  };
  c["ad.slice"] = () => {
    const a = rand([4, 5]);
    return [
      mk(
        "[4,5] axis 1 [1,4)",
        [a],
        { axis: 1, start: 1, stop: 4 },
        () => ops.slice(a, 1, 1, 4),
      ),
    ];
  };
  c["ad.padSlice"] = () => {
    const a = rand([4, 3]);
    const p = { axis: 1, start: 1, size: 6 };
    return [
      mk(
        "[4,3] axis 1 at 1 into 6",
        [a],
        p,
        () => ops.padSlicePrim.impl([a], p),
      ),
    ];
  };
  c["ad.take"] = () => {
    const a = rand([5, 3]);
    return [
      mk(
        "[5,3] rows 4,0,2,2",
        [a],
        { indices: Int32Array.from([4, 0, 2, 2]), axis: 0 },
        () => ops.take(a, [4, 0, 2, 2], 0),
      ),
    ];
  };
  c["ad.scatterAdd"] = () => {
    const a = rand([4, 3]);
    const p = { indices: Int32Array.from([4, 0, 2, 2]), axis: 0, size: 5 };
    return [
      mk("[4,3] into 5 rows", [a], p, () => ops.scatterAddPrim.impl([a], p)),
    ];
  };
  c["ad.concat"] = () => {
    const a = rand([2, 3]), b = rand([2, 1]), d = rand([2, 2]);
    return [
      mk(
        "[2,3]|[2,1]|[2,2] axis 1",
        [a, b, d],
        { axis: 1 },
        () => ops.concat([a, b, d], 1),
      ),
    ];
  };
  c["ad.triangularSolve"] = () => {
    const L = tensor([2, 0, 0, 0.3, 1.5, 0, -0.4, 0.2, 1.8], [3, 3]);
    const B = rand([3, 2]);
    return [[true, false], [true, true]].map(([lower, trans]) =>
      mk(
        `lower ${lower} trans ${trans}`,
        [L, B],
        { lower, trans },
        () => ops.triangularSolve(L, B, { lower: lower!, trans: trans! }),
      )
    );
  };
  c["ad.full"] = () => {
    const a = rand([1]);
    return [
      mk(
        "[2,3] of 1.5",
        [a],
        { shape: [2, 3], value: 1.5 },
        () => ops.fullOn(a, [2, 3], 1.5),
      ),
    ];
  };
  return c;
}
