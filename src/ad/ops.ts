/**
 * Differentiable operations. Each is a {@link Primitive} (forward kernel + JVP rule + VJP rule in
 * one place) and a function that applies it with {@link bind}. Rules are written with these same
 * operations, so they can be differentiated again (`jacfwd(grad(f))`).
 *
 * Broadcasting follows numpy (right-aligned). In JVP rules tangents have a leading batch axis K.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { add, exp, mul, sum } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * // (1·3 + e⁰) + (2·4 + e⁰) = 13
 * const y = sum(add(mul(tensor([1, 2]), tensor([3, 4])), exp(tensor([0, 0]))));
 * assert.ok(Math.abs((y as Tensor).item() - 13) < 1e-12);
 * ```
 *
 * @module
 */
import {
  _installCoreOps,
  _installJacOps,
  bind,
  type Params,
  type Primitive,
  type Value,
} from "./core.ts";
import {
  broadcastShapes,
  broadcastStrides,
  hostBackend,
  isHostBackend,
  sizeOf,
  Tensor,
} from "./tensor.ts";
import type { Backend } from "../backend/backend.ts";
import {
  type _Arith,
  _arithSame,
  deviceOp,
  type ShapeRule,
} from "./op_dispatch.ts";
import {
  digammaScalar,
  lgammaScalar,
  tetragammaScalar,
  trigammaScalar,
} from "../special/gamma.ts";

// ---------------------------------------------------------------------------------------------
// concrete helpers

function _same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Elementwise binary map with broadcasting on concrete tensors (`op`: f's own loop). */
function _binary(
  a: Tensor,
  b: Tensor,
  f: (x: number, y: number) => number,
  op?: _Arith,
): Tensor {
  if (_same(a.shape, b.shape)) {
    const out = new Float64Array(a.size);
    const ad = a.data, bd = b.data;
    if (op !== undefined) _arithSame(op, ad, bd, out);
    else for (let i = 0; i < out.length; i++) out[i] = f(ad[i]!, bd[i]!);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(a.shape, b.shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const ad = a.data, bd = b.data;
  if (b.size === 1) {
    const y = bd[0]!;
    if (a.size === n) {
      for (let i = 0; i < n; i++) out[i] = f(ad[i]!, y);
      return new Tensor(out, shape);
    }
  }
  if (a.size === 1 && b.size === n) {
    const x = ad[0]!;
    for (let i = 0; i < n; i++) out[i] = f(x, bd[i]!);
    return new Tensor(out, shape);
  }
  const sa = broadcastStrides(a.shape, shape),
    sb = broadcastStrides(b.shape, shape);
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(ad[ia]!, bd[ib]!);
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      ia += sa[d]!;
      ib += sb[d]!;
      if (idx[d]! < shape[d]!) break;
      ia -= sa[d]! * shape[d]!;
      ib -= sb[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

function _unary(a: Tensor, f: (x: number) => number): Tensor {
  const out = new Float64Array(a.size);
  const ad = a.data;
  for (let i = 0; i < out.length; i++) out[i] = f(ad[i]!);
  return new Tensor(out, a.shape);
}

function _normAxes(
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  const list = axes === undefined
    ? [...Array(rank).keys()]
    : typeof axes === "number"
    ? [axes]
    : [...axes];
  const out = list.map((a) => (a < 0 ? a + rank : a));
  for (const a of out) {
    if (a < 0 || a >= rank) {
      throw new RangeError(`axis ${a} out of range for rank ${rank}`);
    }
  }
  return [...new Set(out)].sort((x, y) => x - y);
}

function _sumConcrete(x: Tensor, axes: number[], keepdims: boolean): Tensor {
  const shape = x.shape;
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepdims ? keep : shape.filter((_, i) => !axes.includes(i));
  const out = new Float64Array(sizeOf(keep));
  const so = broadcastStrides(keep, shape);
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  let io = 0;
  const xd = x.data;
  for (let i = 0; i < x.size; i++) {
    out[io] = out[io]! + xd[i]!;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      io += so[d]!;
      if (idx[d]! < shape[d]!) break;
      io -= so[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

function _broadcastConcrete(x: Tensor, shape: readonly number[]): Tensor {
  if (_same(x.shape, shape)) return x;
  return _binary(
    x,
    new Tensor(new Float64Array(sizeOf(shape)), shape),
    (a) => a,
  );
}

// ---------------------------------------------------------------------------------------------
// output-shape rules (what a device launch allocates)

const _same0: ShapeRule = (s) => [...s[0]!];
const _bcast2: ShapeRule = (s) => broadcastShapes(s[0]!, s[1]!);
const _toShape: ShapeRule = (_s, p) => [...p.shape];
const _alongAxis = (key: "len" | "size"): ShapeRule => (s, p) => {
  const out = [...s[0]!];
  out[p.axis] = key === "len"
    ? (p.indices !== undefined ? p.indices.length : p.stop - p.start)
    : p.size;
  return out;
};

// ---------------------------------------------------------------------------------------------
// primitive helpers

function _t(v: Value | null | undefined): v is Value {
  return v !== null && v !== undefined;
}

/** Pads a tangent [K, ...s] to rank 1 + outRank with unit axes after K. */
function _padTangent(t: Value, inRank: number, outRank: number): Value {
  if (inRank === outRank) return t;
  const [k, ...rest] = t.shape;
  return reshape(t, [k!, ...new Array(outRank - inRank).fill(1), ...rest]);
}

/** Sums a cotangent of shape `g.shape` down to `shape` (undoing broadcasting). */
export function unbroadcast(g: Value, shape: readonly number[]): Value {
  if (_same(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return reshape(s, shape);
}

function _fullTangent(t: Value, k: number, outShape: readonly number[]): Value {
  const want = [k, ...outShape];
  return _same(t.shape, want) ? t : broadcastTo(t, want);
}

function _elementwiseBinary(
  name: string,
  f: (x: number, y: number) => number,
  partials: (a: Value, b: Value, out: Value) => [Value | null, Value | null],
): Primitive {
  const prim: Primitive = {
    name,
    impl: deviceOp(
      name,
      ([a, b]) =>
        _binary(
          a!,
          b!,
          f,
          name === "mul" || name === "div" ? name : undefined,
        ),
      _bcast2,
    ),
    jvp([a, b], [ta, tb], _p, k) {
      const out = bind(prim, [a!, b!], {});
      const r = out.shape.length;
      const [pa, pb] = partials(a!, b!, out);
      let t: Value | null = null;
      if (_t(ta) && pa) t = mul(_padTangent(ta, a!.shape.length, r), pa);
      if (_t(tb) && pb) {
        const c = mul(_padTangent(tb, b!.shape.length, r), pb);
        t = t ? add(t, c) : c;
      }
      return [out, t ? _fullTangent(t, k, out.shape) : null];
    },
    vjp([a, b], out, ct) {
      const [pa, pb] = partials(a!, b!, out);
      return [
        pa ? unbroadcast(mul(ct, pa), a!.shape) : null,
        pb ? unbroadcast(mul(ct, pb), b!.shape) : null,
      ];
    },
  };
  return prim;
}

function _elementwiseUnary(
  name: string,
  f: (x: number) => number,
  deriv: (x: Value, out: Value) => Value,
): Primitive {
  const prim: Primitive = {
    name,
    impl: deviceOp(name, ([a]) => _unary(a!, f), _same0),
    jvp([a], [ta], _p) {
      const out = bind(prim, [a!], {});
      return [out, mul(ta!, deriv(a!, out))];
    },
    vjp([a], out, ct) {
      return [mul(ct, deriv(a!, out))];
    },
  };
  return prim;
}

const _ONE = new Tensor(new Float64Array([1]), []);

/** A constant of `shape` filled with `value`, on the backend of `like`'s primal. */
const _fullImpl = deviceOp(
  "full",
  (_ins, { shape, value }) =>
    new Tensor(new Float64Array(sizeOf(shape)).fill(value), shape),
  _toShape,
);

/**
 * A constant tensor of a shape filled with a value, on the same backend as `like` (host for a
 * host tensor; the kernel `ad.full` on a device, with no transfer).
 *
 * @param like A value whose (innermost primal's) backend is used; its values are not read.
 * @param shape Dimensions.
 * @param value Fill value.
 * @returns The constant tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { fullOn } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from(fullOn(tensor([5]), [2], 1).data), [1, 1]);
 * ```
 */
export function fullOn(
  like: Value,
  shape: readonly number[],
  value: number,
): Tensor {
  const c = _concrete(like);
  if (c.isHost) {
    return new Tensor(new Float64Array(sizeOf(shape)).fill(value), shape);
  }
  return _fullImpl([c], { shape: [...shape], value });
}

// ---------------------------------------------------------------------------------------------
// arithmetic

/** Primitive: a + b. */
export const addPrim: Primitive = {
  name: "add",
  impl: deviceOp(
    "add",
    ([a, b]) => _binary(a!, b!, (x, y) => x + y, "add"),
    _bcast2,
  ),
  jvp([a, b], [ta, tb], _p, k) {
    const out = bind(addPrim, [a!, b!], {});
    const r = out.shape.length;
    let t: Value | null = _t(ta) ? _padTangent(ta, a!.shape.length, r) : null;
    if (_t(tb)) {
      const c = _padTangent(tb, b!.shape.length, r);
      t = t ? add(t, c) : c;
    }
    return [out, t ? _fullTangent(t, k, out.shape) : null];
  },
  vjp([a, b], _out, ct) {
    return [unbroadcast(ct, a!.shape), unbroadcast(ct, b!.shape)];
  },
};
/** Primitive: a − b. */
export const subPrim: Primitive = {
  name: "sub",
  impl: deviceOp(
    "sub",
    ([a, b]) => _binary(a!, b!, (x, y) => x - y, "sub"),
    _bcast2,
  ),
  jvp([a, b], [ta, tb], _p, k) {
    const out = bind(subPrim, [a!, b!], {});
    const r = out.shape.length;
    let t: Value | null = _t(ta) ? _padTangent(ta, a!.shape.length, r) : null;
    if (_t(tb)) {
      const c = neg(_padTangent(tb, b!.shape.length, r));
      t = t ? add(t, c) : c;
    }
    return [out, t ? _fullTangent(t, k, out.shape) : null];
  },
  vjp([a, b], _out, ct) {
    return [unbroadcast(ct, a!.shape), unbroadcast(neg(ct), b!.shape)];
  },
};
/** Primitive: a · b (elementwise). */
export const mulPrim: Primitive = _elementwiseBinary(
  "mul",
  (x, y) => x * y,
  (a, b) => [b, a],
);
/** Primitive: a / b. */
export const divPrim: Primitive = _elementwiseBinary(
  "div",
  (x, y) => x / y,
  (_a, b, out) => [div(_ONE, b), neg(div(out, b))],
);
/** Primitive: −a. */
export const negPrim: Primitive = {
  name: "neg",
  impl: deviceOp("neg", ([a]) => _unary(a!, (x) => -x), _same0),
  jvp: ([a], [ta]) => [neg(a!), neg(ta!)],
  vjp: (_p, _o, ct) => [neg(ct)],
};
/** Primitive: eˣ. */
export const expPrim: Primitive = _elementwiseUnary(
  "exp",
  Math.exp,
  (_x, out) => out,
);
/** Primitive: ln x. */
export const logPrim: Primitive = _elementwiseUnary(
  "log",
  Math.log,
  (x) => div(_ONE, x),
);
/** Primitive: ln(1 + x). */
export const log1pPrim: Primitive = _elementwiseUnary(
  "log1p",
  Math.log1p,
  (x) => div(_ONE, add(x, _ONE)),
);
/** Primitive: eˣ − 1. */
export const expm1Prim: Primitive = _elementwiseUnary(
  "expm1",
  Math.expm1,
  (_x, out) => add(out, _ONE),
);
/** Primitive: √x. */
export const sqrtPrim: Primitive = _elementwiseUnary(
  "sqrt",
  Math.sqrt,
  (_x, out) => div(new Tensor(new Float64Array([0.5]), []), out),
);
/** Primitive: sin x. */
export const sinPrim: Primitive = _elementwiseUnary(
  "sin",
  Math.sin,
  (x) => cos(x),
);
/** Primitive: cos x. */
export const cosPrim: Primitive = _elementwiseUnary(
  "cos",
  Math.cos,
  (x) => neg(sin(x)),
);
/** Primitive: tanh x. */
export const tanhPrim: Primitive = _elementwiseUnary(
  "tanh",
  Math.tanh,
  (_x, out) => sub(_ONE, mul(out, out)),
);
/** Primitive: |x| (derivative sign(x), 0 at 0). */
export const absPrim: Primitive = _elementwiseUnary(
  "abs",
  Math.abs,
  (x) => stopGradient(_signImpl([_concrete(x)], {})),
);
/** Primitive: logistic sigmoid 1/(1+e⁻ˣ). */
export const sigmoidPrim: Primitive = _elementwiseUnary(
  "sigmoid",
  (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  (_x, out) => mul(out, sub(_ONE, out)),
);
/** Primitive: softplus ln(1 + eˣ), computed stably. */
export const softplusPrim: Primitive = _elementwiseUnary(
  "softplus",
  (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  (x) => sigmoid(x),
);
/** Primitive: ln Γ(x) for x > 0 (derivative digamma). */
export const lgammaPrim: Primitive = _elementwiseUnary(
  "lgamma",
  lgammaScalar,
  (x) => digamma(x),
);
/** Primitive: digamma ψ(x) (derivative trigamma). */
export const digammaPrim: Primitive = _elementwiseUnary(
  "digamma",
  digammaScalar,
  (x) => trigamma(x),
);
/** Primitive: trigamma ψ′(x) (derivative tetragamma, by the same series). */
export const trigammaPrim: Primitive = _elementwiseUnary(
  "trigamma",
  trigammaScalar,
  (x) => stopGradient(_tetragammaImpl([_concrete(x)], {})),
);

/** ψ″ of the primal (a constant in trigamma's rules). */
const _tetragammaImpl = deviceOp(
  "tetragamma",
  ([a]) => _unary(a!, tetragammaScalar),
  _same0,
);
/** sign of the primal (a constant in abs's rules). */
const _signImpl = deviceOp(
  "sign",
  ([a]) => _unary(a!, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)),
  _same0,
);

function _concrete(x: Value): Tensor {
  let v: Value = x;
  while (!(v instanceof Tensor)) v = v.primal;
  return v;
}

/** Primitive: identity in value, zero derivative. */
export const stopGradientPrim: Primitive = {
  name: "stopGradient",
  impl: ([a]) => a!,
  jvp: ([a]) => [stopGradient(a!), null],
  vjp: () => [null],
};

/** Primitive: x raised to a constant power p (params.p). */
export const powScalarPrim: Primitive = {
  name: "powScalar",
  impl: deviceOp(
    "powScalar",
    ([a], { p }) => _unary(a!, (x) => Math.pow(x, p)),
    _same0,
  ),
  jvp([a], [ta], { p }) {
    return [powScalar(a!, p), mul(ta!, mul(scalarOf(p), powScalar(a!, p - 1)))];
  },
  vjp([a], _o, ct, { p }) {
    return [mul(ct, mul(scalarOf(p), powScalar(a!, p - 1)))];
  },
};

/** Primitive: select(mask, a, b) = mask ? a : b elementwise; mask is a constant 0/1 tensor (params.mask). */
export const wherePrim: Primitive = {
  name: "where",
  impl: deviceOp(
    "where",
    ([a, b], { mask }: { mask: Tensor }) => {
      const shape = broadcastShapes(
        broadcastShapes(mask.shape, a!.shape),
        b!.shape,
      );
      const m = _broadcastConcrete(mask, shape).data,
        aa = _broadcastConcrete(a!, shape).data,
        bb = _broadcastConcrete(b!, shape).data;
      const out = new Float64Array(sizeOf(shape));
      for (let i = 0; i < out.length; i++) out[i] = m[i] ? aa[i]! : bb[i]!;
      return new Tensor(out, shape);
    },
    (s, p) => broadcastShapes(broadcastShapes(p.mask.shape, s[0]!), s[1]!),
    [
      "mask",
    ],
  ),
  jvp([a, b], [ta, tb], params, k) {
    const out = where(params.mask, a!, b!);
    const r = out.shape.length;
    const ones = new Array(r).fill(1);
    const za = _t(ta)
      ? _padTangent(ta, a!.shape.length, r)
      : fullOn(a!, [k, ...ones], 0);
    const zb = _t(tb)
      ? _padTangent(tb, b!.shape.length, r)
      : fullOn(b!, [k, ...ones], 0);
    return [out, _fullTangent(where(params.mask, za, zb), k, out.shape)];
  },
  vjp([a, b], _o, ct, params) {
    const z = zerosLike(ct);
    return [
      unbroadcast(where(params.mask, ct, z), a!.shape),
      unbroadcast(where(params.mask, z, ct), b!.shape),
    ];
  },
};

// ---------------------------------------------------------------------------------------------
// shapes and reductions

/** Primitive: sum over axes (params.axes, params.keepdims). */
export const sumPrim: Primitive = {
  name: "sum",
  impl: deviceOp(
    "sum",
    ([a], { axes, keepdims }) => _sumConcrete(a!, axes, keepdims),
    (s, { axes, keepdims }) =>
      keepdims
        ? s[0]!.map((d, i) => (axes.includes(i) ? 1 : d))
        : s[0]!.filter((_, i) => !axes.includes(i)),
  ),
  jvp([a], [ta], { axes, keepdims }) {
    return [
      bind(sumPrim, [a!], { axes, keepdims }),
      bind(sumPrim, [ta!], { axes: axes.map((x: number) => x + 1), keepdims }),
    ];
  },
  vjp([a], _o, ct, { axes }) {
    const keep = a!.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return [broadcastTo(reshape(ct, keep), a!.shape)];
  },
};

/** Primitive: reshape (params.shape). */
export const reshapePrim: Primitive = {
  name: "reshape",
  impl: deviceOp(
    "reshape",
    ([a], { shape }) => new Tensor(a!.data, shape),
    _toShape,
  ),
  jvp: (
    [a],
    [ta],
    { shape },
    k,
  ) => [reshape(a!, shape), reshape(ta!, [k, ...shape])],
  vjp: ([a], _o, ct) => [reshape(ct, a!.shape)],
};

/** Primitive: broadcast to a shape (params.shape). */
export const broadcastToPrim: Primitive = {
  name: "broadcastTo",
  impl: deviceOp(
    "broadcastTo",
    ([a], { shape }) => _broadcastConcrete(a!, shape),
    _toShape,
  ),
  jvp([a], [ta], { shape }, k) {
    return [
      broadcastTo(a!, shape),
      broadcastTo(_padTangent(ta!, a!.shape.length, shape.length), [
        k,
        ...shape,
      ]),
    ];
  },
  vjp: ([a], _o, ct) => [unbroadcast(ct, a!.shape)],
};

function _swapLastConcrete(a: Tensor): Tensor {
  const r = a.rank;
  if (r < 2) throw new TypeError(`swapLast(): needs rank >= 2, got ${r}`);
  const m = a.shape[r - 2]!, n = a.shape[r - 1]!;
  const batch = a.size / (m * n);
  const out = new Float64Array(a.size);
  for (let b = 0; b < batch; b++) {
    const o = b * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) out[o + j * m + i] = a.data[o + i * n + j]!;
    }
  }
  return new Tensor(out, [...a.shape.slice(0, r - 2), n, m]);
}

/** Primitive: swap the last two axes. */
export const swapLastPrim: Primitive = {
  name: "swapLast",
  impl: deviceOp("swapLast", ([a]) => _swapLastConcrete(a!), (s) => {
    const r = s[0]!.length;
    if (r < 2) throw new TypeError(`swapLast(): needs rank >= 2, got ${r}`);
    return [...s[0]!.slice(0, r - 2), s[0]![r - 1]!, s[0]![r - 2]!];
  }),
  jvp: ([a], [ta]) => [swapLast(a!), swapLast(ta!)],
  vjp: (_p, _o, ct) => [swapLast(ct)],
};

function _matmulConcrete(a: Tensor, b: Tensor): Tensor {
  if (a.rank < 2 || b.rank < 2) {
    throw new TypeError(
      `matmul(): operands need rank >= 2, got ${a.rank} and ${b.rank}`,
    );
  }
  const m = a.shape[a.rank - 2]!, ka = a.shape[a.rank - 1]!;
  const kb = b.shape[b.rank - 2]!, n = b.shape[b.rank - 1]!;
  if (ka !== kb) {
    throw new TypeError(`matmul(): inner dimensions differ (${ka} vs ${kb})`);
  }
  const ba = a.shape.slice(0, -2), bb = b.shape.slice(0, -2);
  const bs = broadcastShapes(ba, bb);
  const nb = sizeOf(bs);
  const sa = broadcastStrides(ba, bs), sb = broadcastStrides(bb, bs);
  const out = new Float64Array(nb * m * n);
  const idx = new Array<number>(bs.length).fill(0);
  for (let t = 0; t < nb; t++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < bs.length; d++) {
      oa += idx[d]! * sa[d]!;
      ob += idx[d]! * sb[d]!;
    }
    const A = oa * m * ka, B = ob * kb * n, O = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < ka; p++) {
        const av = a.data[A + i * ka + p]!;
        if (av === 0) continue;
        const bo = B + p * n, oo = O + i * n;
        for (let j = 0; j < n; j++) {
          out[oo + j] = out[oo + j]! + av * b.data[bo + j]!;
        }
      }
    }
    for (let d = bs.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < bs[d]!) break;
      idx[d] = 0;
    }
  }
  return new Tensor(out, [...bs, m, n]);
}

/** Primitive: batched matrix product over the last two axes (batch axes broadcast). */
export const matmulPrim: Primitive = {
  name: "matmul",
  impl: deviceOp("matmul", ([a, b]) => _matmulConcrete(a!, b!), ([a, b]) => {
    if (a!.length < 2 || b!.length < 2) {
      throw new TypeError(
        `matmul(): operands need rank >= 2, got ${a!.length} and ${b!.length}`,
      );
    }
    return [
      ...broadcastShapes(a!.slice(0, -2), b!.slice(0, -2)),
      a![a!.length - 2]!,
      b![b!.length - 1]!,
    ];
  }),
  jvp([a, b], [ta, tb], _p, k) {
    const out = matmul(a!, b!);
    const r = out.shape.length;
    let t: Value | null = _t(ta)
      ? matmul(_padTangent(ta, a!.shape.length, r), b!)
      : null;
    if (_t(tb)) {
      const c = matmul(a!, _padTangent(tb, b!.shape.length, r));
      t = t ? add(t, c) : c;
    }
    return [out, _fullTangent(t!, k, out.shape)];
  },
  vjp([a, b], _o, ct) {
    return [
      unbroadcast(matmul(ct, swapLast(b!)), a!.shape),
      unbroadcast(matmul(swapLast(a!), ct), b!.shape),
    ];
  },
};

function _sliceConcrete(
  a: Tensor,
  axis: number,
  start: number,
  stop: number,
): Tensor {
  const shape = [...a.shape];
  const outer = sizeOf(shape.slice(0, axis)),
    inner = sizeOf(shape.slice(axis + 1)),
    n = shape[axis]!;
  const len = stop - start;
  const out = new Float64Array(outer * len * inner);
  for (let o = 0; o < outer; o++) {
    out.set(
      a.data.subarray((o * n + start) * inner, (o * n + stop) * inner),
      o * len * inner,
    );
  }
  shape[axis] = len;
  return new Tensor(out, shape);
}

function _padSliceConcrete(
  a: Tensor,
  axis: number,
  start: number,
  size: number,
): Tensor {
  const shape = [...a.shape];
  const outer = sizeOf(shape.slice(0, axis)),
    inner = sizeOf(shape.slice(axis + 1)),
    len = shape[axis]!;
  const out = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) {
    out.set(
      a.data.subarray(o * len * inner, (o + 1) * len * inner),
      (o * size + start) * inner,
    );
  }
  shape[axis] = size;
  return new Tensor(out, shape);
}

/** Primitive: slice [start, stop) along an axis (params.axis, start, stop). */
export const slicePrim: Primitive = {
  name: "slice",
  impl: deviceOp(
    "slice",
    ([a], { axis, start, stop }) => _sliceConcrete(a!, axis, start, stop),
    _alongAxis("len"),
  ),
  jvp: (
    [a],
    [ta],
    p,
  ) => [
    bind(slicePrim, [a!], p),
    bind(slicePrim, [ta!], { ...p, axis: p.axis + 1 }),
  ],
  vjp: (
    [a],
    _o,
    ct,
    p,
  ) => [
    bind(padSlicePrim, [ct], {
      axis: p.axis,
      start: p.start,
      size: a!.shape[p.axis],
    }),
  ],
};

/** Primitive: embed into zeros of length `size` along an axis at `start` (adjoint of slice). */
export const padSlicePrim: Primitive = {
  name: "padSlice",
  impl: deviceOp(
    "padSlice",
    ([a], { axis, start, size }) => _padSliceConcrete(a!, axis, start, size),
    _alongAxis("size"),
  ),
  jvp: (
    [a],
    [ta],
    p,
  ) => [
    bind(padSlicePrim, [a!], p),
    bind(padSlicePrim, [ta!], { ...p, axis: p.axis + 1 }),
  ],
  vjp: (
    [a],
    _o,
    ct,
    p,
  ) => [
    bind(slicePrim, [ct], {
      axis: p.axis,
      start: p.start,
      stop: p.start + a!.shape[p.axis]!,
    }),
  ],
};

function _takeConcrete(a: Tensor, idx: Int32Array, axis: number): Tensor {
  const shape = [...a.shape];
  const outer = sizeOf(shape.slice(0, axis)),
    inner = sizeOf(shape.slice(axis + 1)),
    n = shape[axis]!;
  const out = new Float64Array(outer * idx.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const s = idx[j]!;
      if (s < 0 || s >= n) {
        throw new RangeError(`take(): index ${s} out of range [0, ${n})`);
      }
      out.set(
        a.data.subarray((o * n + s) * inner, (o * n + s + 1) * inner),
        (o * idx.length + j) * inner,
      );
    }
  }
  shape[axis] = idx.length;
  return new Tensor(out, shape);
}

function _scatterAddConcrete(
  a: Tensor,
  idx: Int32Array,
  axis: number,
  size: number,
): Tensor {
  const shape = [...a.shape];
  const outer = sizeOf(shape.slice(0, axis)),
    inner = sizeOf(shape.slice(axis + 1));
  const out = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const d = (o * size + idx[j]!) * inner, s = (o * idx.length + j) * inner;
      for (let q = 0; q < inner; q++) out[d + q] = out[d + q]! + a.data[s + q]!;
    }
  }
  shape[axis] = size;
  return new Tensor(out, shape);
}

/** Primitive: gather along an axis (params.indices: Int32Array, params.axis). */
export const takePrim: Primitive = {
  name: "take",
  impl: deviceOp(
    "take",
    ([a], { indices, axis }) => _takeConcrete(a!, indices, axis),
    _alongAxis("len"),
  ),
  jvp: (
    [a],
    [ta],
    p,
  ) => [
    bind(takePrim, [a!], p),
    bind(takePrim, [ta!], { ...p, axis: p.axis + 1 }),
  ],
  vjp: (
    [a],
    _o,
    ct,
    p,
  ) => [bind(scatterAddPrim, [ct], { ...p, size: a!.shape[p.axis] })],
};

/** Primitive: scatter-add along an axis into zeros of length `size` (adjoint of take). */
export const scatterAddPrim: Primitive = {
  name: "scatterAdd",
  impl: deviceOp(
    "scatterAdd",
    ([a], { indices, axis, size }) =>
      _scatterAddConcrete(a!, indices, axis, size),
    _alongAxis("size"),
  ),
  jvp: (
    [a],
    [ta],
    p,
  ) => [
    bind(scatterAddPrim, [a!], p),
    bind(scatterAddPrim, [ta!], { ...p, axis: p.axis + 1 }),
  ],
  vjp: (
    _p,
    _o,
    ct,
    p,
  ) => [bind(takePrim, [ct], { indices: p.indices, axis: p.axis })],
};

/** Primitive: concatenate along an axis (params.axis; any number of inputs). */
export const concatPrim: Primitive = {
  name: "concat",
  impl: deviceOp("concat", (xs, { axis }) => {
    const first = xs[0]!;
    const shape = [...first.shape];
    const outer = sizeOf(shape.slice(0, axis)),
      inner = sizeOf(shape.slice(axis + 1));
    const total = xs.reduce((s, x) => s + x.shape[axis]!, 0);
    const out = new Float64Array(outer * total * inner);
    let off = 0;
    for (const x of xs) {
      const len = x.shape[axis]!;
      for (let o = 0; o < outer; o++) {
        out.set(
          x.data.subarray(o * len * inner, (o + 1) * len * inner),
          (o * total + off) * inner,
        );
      }
      off += len;
    }
    shape[axis] = total;
    return new Tensor(out, shape);
  }, (s, { axis }) => {
    const out = [...s[0]!];
    out[axis] = s.reduce((n, x) => n + x[axis]!, 0);
    return out;
  }),
  jvp(xs, ts, { axis }, k) {
    const out = bind(concatPrim, xs, { axis });
    const full = xs.map((x, i) => ts[i] ?? fullOn(x, [k, ...x.shape], 0));
    return [out, bind(concatPrim, full, { axis: axis + 1 })];
  },
  vjp(xs, _o, ct, { axis }) {
    let off = 0;
    return xs.map((x) => {
      const len = x.shape[axis]!;
      const s = bind(slicePrim, [ct], { axis, start: off, stop: off + len });
      off += len;
      return s;
    });
  },
};

function _trisolveConcrete(
  L: Tensor,
  b: Tensor,
  lower: boolean,
  trans: boolean,
): Tensor {
  // Solves op(L) x = b for each column of b ([n, m]); op = transpose when trans.
  const n = L.shape[0]!, m = b.shape[1]!;
  const x = b.data.slice();
  const Ld = L.data;
  const at = (
    i: number,
    j: number,
  ) => (trans ? Ld[j * n + i]! : Ld[i * n + j]!);
  const effLower = lower !== trans;
  for (let c = 0; c < m; c++) {
    if (effLower) {
      for (let i = 0; i < n; i++) {
        let s = x[i * m + c]!;
        for (let j = 0; j < i; j++) s -= at(i, j) * x[j * m + c]!;
        x[i * m + c] = s / at(i, i);
      }
    } else {
      for (let i = n - 1; i >= 0; i--) {
        let s = x[i * m + c]!;
        for (let j = i + 1; j < n; j++) s -= at(i, j) * x[j * m + c]!;
        x[i * m + c] = s / at(i, i);
      }
    }
  }
  return new Tensor(x, b.shape);
}

/** Primitive: solve op(L) X = B for triangular L [n, n] and B [n, m] (params.lower, params.trans). */
export const triangularSolvePrim: Primitive = {
  name: "triangularSolve",
  impl: deviceOp("triangularSolve", ([L, B], { lower, trans }) => {
    if (
      L!.rank !== 2 || B!.rank !== 2 || L!.shape[0] !== L!.shape[1] ||
      B!.shape[0] !== L!.shape[0]
    ) {
      throw new TypeError(
        `triangularSolve(): needs L [n, n] and B [n, m], got [${
          L!.shape
        }] and [${B!.shape}]`,
      );
    }
    return _trisolveConcrete(L!, B!, lower, trans);
  }, (s) => [...s[1]!]),
  jvp([L, B], [tL, tB], p, k) {
    // X = op(L)⁻¹ B  ⇒  dX = op(L)⁻¹ (dB − op(dL) X), batched over K columns-blocks.
    const X = bind(triangularSolvePrim, [L!, B!], p);
    const n = L!.shape[0]!, m = B!.shape[1]!;
    let rhs: Value | null = _t(tB) ? tB : null;
    if (_t(tL)) {
      const dLop = p.trans ? swapLast(tL) : tL; // [K, n, n]
      const c = neg(matmul(dLop, X)); // [K, n, m]
      rhs = rhs ? add(rhs, c) : c;
    }
    // solve all K right-hand sides at once: [K, n, m] → [n, K·m]
    const rk = _kToColumns(rhs!, k, n, m);
    const sol = bind(triangularSolvePrim, [L!, rk], p);
    return [X, _columnsToK(sol, k, n, m)];
  },
  vjp([L, B], X, ct, p) {
    // B̄ = op(L)⁻ᵀ X̄ ; L̄ = −B̄ Xᵀ (or its transpose for trans), masked to the triangle.
    const Bbar = bind(triangularSolvePrim, [L!, ct], {
      lower: p.lower,
      trans: !p.trans,
    });
    const G = neg(
      p.trans ? matmul(X, swapLast(Bbar)) : matmul(Bbar, swapLast(X)),
    );
    const n = L!.shape[0]!;
    const mask = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (p.lower ? j <= i : j >= i) mask[i * n + j] = 1;
      }
    }
    void B;
    // the triangle mask is a host constant: moved to a device G (one upload)
    const m = new Tensor(mask, [n, n]);
    const gc = _concrete(G);
    return [mul(G, gc.isHost ? m : _move(m, gc.backend)), Bbar];
  },
};

function _kToColumns(t: Value, k: number, n: number, m: number): Value {
  // [K, n, m] → [n, K·m] with column index kk·m + c
  const perm = swapLast(reshape(t, [k, n * m])); // [n·m, K]
  const a = reshape(perm, [n, m, k]);
  return reshape(swapLast(a), [n, k * m]); // [n, K, m] → [n, K·m]
}

function _columnsToK(t: Value, k: number, n: number, m: number): Value {
  // [n, K·m] → [K, n, m]
  const a = swapLast(reshape(t, [n, k, m])); // [n, m, K]
  return reshape(swapLast(reshape(a, [n * m, k])), [k, n, m]);
}

// ---------------------------------------------------------------------------------------------
// public functions

/** Makes a scalar constant. @param x value @returns rank-0 tensor
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { scalarOf } from "./ops.ts";
 * const s = scalarOf(2);
 * assert.deepStrictEqual(s.shape, []);
 * assert.strictEqual(s.item(), 2);
 * ```
 */
export function scalarOf(x: number): Tensor {
  return new Tensor(new Float64Array([x]), []);
}
/** a + b (broadcasting). @param a left @param b right @returns the sum
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { add } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((add(tensor([1, 2]), tensor([3])) as Tensor).data), [4, 5]);
 * ```
 */
export function add(a: Value, b: Value): Value {
  return bind(addPrim, [a, b], {});
}
/** a − b. @param a left @param b right @returns difference
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sub } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.strictEqual((sub(scalar(3), scalar(1)) as Tensor).item(), 2);
 * ```
 */
export function sub(a: Value, b: Value): Value {
  return bind(subPrim, [a, b], {});
}
/** a · b elementwise. @param a left @param b right @returns product
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mul } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.strictEqual((mul(scalar(3), scalar(2)) as Tensor).item(), 6);
 * ```
 */
export function mul(a: Value, b: Value): Value {
  return bind(mulPrim, [a, b], {});
}
/** a / b. @param a numerator @param b denominator @returns quotient
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { div } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.strictEqual((div(scalar(3), scalar(2)) as Tensor).item(), 1.5);
 * ```
 */
export function div(a: Value, b: Value): Value {
  return bind(divPrim, [a, b], {});
}
/** −a. @param a value @returns negation
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { neg } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.strictEqual((neg(scalar(3)) as Tensor).item(), -3);
 * ```
 */
export function neg(a: Value): Value {
  return bind(negPrim, [a], {});
}
/** eˣ. @param a value @returns exp
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { exp } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((exp(scalar(0)) as Tensor).item() - 1) < 1e-12);
 * ```
 */
export function exp(a: Value): Value {
  return bind(expPrim, [a], {});
}
/** ln x. @param a value @returns log
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { log } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((log(scalar(1)) as Tensor).item() - 0) < 1e-12);
 * ```
 */
export function log(a: Value): Value {
  return bind(logPrim, [a], {});
}
/** ln(1 + x). @param a value @returns log1p
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { log1p } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((log1p(scalar(0)) as Tensor).item() - 0) < 1e-12);
 * ```
 */
export function log1p(a: Value): Value {
  return bind(log1pPrim, [a], {});
}
/** eˣ − 1. @param a value @returns expm1
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { expm1 } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((expm1(scalar(0)) as Tensor).item() - 0) < 1e-12);
 * ```
 */
export function expm1(a: Value): Value {
  return bind(expm1Prim, [a], {});
}
/** √x. @param a value @returns sqrt
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sqrt } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((sqrt(scalar(4)) as Tensor).item() - 2) < 1e-12);
 * ```
 */
export function sqrt(a: Value): Value {
  return bind(sqrtPrim, [a], {});
}
/** sin x. @param a value @returns sin
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sin } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((sin(scalar(0)) as Tensor).item() - 0) < 1e-12);
 * ```
 */
export function sin(a: Value): Value {
  return bind(sinPrim, [a], {});
}
/** cos x. @param a value @returns cos
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { cos } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((cos(scalar(0)) as Tensor).item() - 1) < 1e-12);
 * ```
 */
export function cos(a: Value): Value {
  return bind(cosPrim, [a], {});
}
/** tanh x. @param a value @returns tanh
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { tanh } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((tanh(scalar(0)) as Tensor).item() - 0) < 1e-12);
 * ```
 */
export function tanh(a: Value): Value {
  return bind(tanhPrim, [a], {});
}
/** |x|. @param a value @returns abs
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { abs } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.strictEqual((abs(scalar(-2)) as Tensor).item(), 2);
 * ```
 */
export function abs(a: Value): Value {
  return bind(absPrim, [a], {});
}
/** Logistic sigmoid. @param a value @returns 1/(1+e⁻ˣ)
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sigmoid } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((sigmoid(scalar(0)) as Tensor).item() - 0.5) < 1e-12);
 * ```
 */
export function sigmoid(a: Value): Value {
  return bind(sigmoidPrim, [a], {});
}
/** softplus ln(1+eˣ). @param a value @returns softplus
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { softplus } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // softplus(0) = ln 2
 * assert.ok(Math.abs((softplus(scalar(0)) as Tensor).item() - Math.LN2) < 1e-12);
 * ```
 */
export function softplus(a: Value): Value {
  return bind(softplusPrim, [a], {});
}
/** ln Γ(x), x > 0. @param a value @returns lgamma
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lgamma } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // Γ(5) = 4! = 24
 * assert.ok(Math.abs((lgamma(scalar(5)) as Tensor).item() - Math.log(24)) < 1e-12);
 * ```
 */
export function lgamma(a: Value): Value {
  return bind(lgammaPrim, [a], {});
}
/** Digamma ψ(x). @param a value @returns digamma
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { digamma } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // ψ(1) = −γ (Euler–Mascheroni)
 * assert.ok(Math.abs((digamma(scalar(1)) as Tensor).item() + 0.5772156649015329) < 1e-12);
 * ```
 */
export function digamma(a: Value): Value {
  return bind(digammaPrim, [a], {});
}
/** Trigamma ψ′(x). @param a value @returns trigamma
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { trigamma } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * // ψ′(1) = π²/6; the asymptotic series of `trigammaScalar` is good to ~2e-11 relative
 * const t = (trigamma(scalar(1)) as Tensor).item();
 * assert.ok(Math.abs(t / (Math.PI ** 2 / 6) - 1) < 3e-11);
 * ```
 */
export function trigamma(a: Value): Value {
  return bind(trigammaPrim, [a], {});
}
/** Identity with zero derivative. @param a value @returns a
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { stopGradient } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.strictEqual((stopGradient(scalar(2)) as Tensor).item(), 2);
 * ```
 */
export function stopGradient(a: Value): Value {
  return bind(stopGradientPrim, [a], {});
}
/** xᵖ for a constant p. @param a base @param p exponent @returns power
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powScalar } from "./ops.ts";
 * import { scalar, type Tensor } from "./tensor.ts";
 * assert.ok(Math.abs((powScalar(scalar(2), 3) as Tensor).item() - 8) < 1e-12);
 * ```
 */
export function powScalar(a: Value, p: number): Value {
  return bind(powScalarPrim, [a], { p });
}
/** Elementwise select by a constant mask. @param mask 0/1 tensor @param a where 1 @param b where 0 @returns selection
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { where } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])) as Tensor).data), [1, 4]);
 * ```
 */
export function where(mask: Tensor, a: Value, b: Value): Value {
  return bind(wherePrim, [a, b], { mask });
}
/** Sum over axes. @param a value @param axes axes (default all) @param keepdims keep unit axes @returns sum
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { sum } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((sum(tensor([1, 2, 3, 4], [2, 2]), 0) as Tensor).data), [4, 6]);
 * ```
 */
export function sum(
  a: Value,
  axes?: number | readonly number[],
  keepdims = false,
): Value {
  return bind(sumPrim, [a], {
    axes: _normAxes(axes, a.shape.length),
    keepdims,
  });
}
/** Mean over axes. @param a value @param axes axes (default all) @param keepdims keep unit axes @returns mean
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mean } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.strictEqual((mean(tensor([1, 2, 3])) as Tensor).item(), 2);
 * ```
 */
export function mean(
  a: Value,
  axes?: number | readonly number[],
  keepdims = false,
): Value {
  const ax = _normAxes(axes, a.shape.length);
  const n = ax.reduce((s, i) => s * a.shape[i]!, 1);
  return div(sum(a, ax, keepdims), scalarOf(n));
}
/** Reshape. @param a value @param shape new shape (same size) @returns reshaped
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { reshape } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * const r = reshape(tensor([1, 2, 3, 4]), [2, 2]) as Tensor;
 * assert.deepStrictEqual(r.shape, [2, 2]);
 * assert.deepStrictEqual(Array.from(r.data), [1, 2, 3, 4]); // row-major, data unchanged
 * ```
 */
export function reshape(a: Value, shape: readonly number[]): Value {
  if (sizeOf(shape) !== sizeOf(a.shape)) {
    throw new TypeError(
      `reshape(): cannot reshape [${a.shape.join(", ")}] to [${
        shape.join(", ")
      }]`,
    );
  }
  if (_same(a.shape, shape)) return a;
  return bind(reshapePrim, [a], { shape: [...shape] });
}
/** Broadcast to a shape. @param a value @param shape target @returns broadcast value
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { broadcastTo } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * const b = broadcastTo(tensor([1, 2]), [3, 2]) as Tensor;
 * assert.deepStrictEqual(b.shape, [3, 2]);
 * assert.deepStrictEqual(Array.from(b.data), [1, 2, 1, 2, 1, 2]);
 * ```
 */
export function broadcastTo(a: Value, shape: readonly number[]): Value {
  if (_same(a.shape, shape)) return a;
  broadcastShapes(a.shape, shape);
  return bind(broadcastToPrim, [a], { shape: [...shape] });
}
/** Swap the last two axes. @param a value (rank ≥ 2) @returns transposed
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { swapLast } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((swapLast(tensor([1, 2, 3, 4], [2, 2])) as Tensor).data), [1, 3, 2, 4]);
 * ```
 */
export function swapLast(a: Value): Value {
  return bind(swapLastPrim, [a], {});
}
/** Batched matrix product. @param a [..., m, k] @param b [..., k, n] @returns [..., m, n]
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { matmul } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * // [1 2]·[3 4]ᵀ = 1·3 + 2·4
 * assert.deepStrictEqual(Array.from((matmul(tensor([1, 2], [1, 2]), tensor([3, 4], [2, 1])) as Tensor).data), [11]);
 * ```
 */
export function matmul(a: Value, b: Value): Value {
  return bind(matmulPrim, [a, b], {});
}
/** Slice [start, stop) along an axis. @param a value @param axis axis @param start first index @param stop end (exclusive) @returns slice
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { slice } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((slice(tensor([1, 2, 3]), 0, 1, 3) as Tensor).data), [2, 3]);
 * ```
 */
export function slice(
  a: Value,
  axis: number,
  start: number,
  stop: number,
): Value {
  const ax = axis < 0 ? axis + a.shape.length : axis;
  const n = a.shape[ax];
  if (n === undefined || !(0 <= start && start <= stop && stop <= n)) {
    throw new RangeError(
      `slice(): [${start}, ${stop}) out of range on axis ${axis} of [${
        a.shape.join(", ")
      }]`,
    );
  }
  return bind(slicePrim, [a], { axis: ax, start, stop });
}
/** Gather along an axis. @param a value @param indices indices @param axis axis (default 0) @returns gathered
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { take } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((take(tensor([5, 6, 7]), [2, 0]) as Tensor).data), [7, 5]);
 * ```
 */
export function take(a: Value, indices: ArrayLike<number>, axis = 0): Value {
  const ax = axis < 0 ? axis + a.shape.length : axis;
  return bind(takePrim, [a], { indices: Int32Array.from(indices), axis: ax });
}
/** Concatenate along an axis. @param xs values @param axis axis (default 0) @returns concatenation
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { concat } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * assert.deepStrictEqual(Array.from((concat([tensor([1]), tensor([2, 3])]) as Tensor).data), [1, 2, 3]);
 * ```
 */
export function concat(xs: Value[], axis = 0): Value {
  if (xs.length === 0) {
    throw new TypeError("concat(): needs at least one value");
  }
  const ax = axis < 0 ? axis + xs[0]!.shape.length : axis;
  return bind(concatPrim, xs, { axis: ax });
}
/** Solve op(L) X = B with L triangular. @param L [n, n] @param b [n, m] @param opts lower (default true), trans (default false) @returns X
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { triangularSolve } from "./ops.ts";
 * import { type Tensor, tensor } from "./tensor.ts";
 * // [[2, 0], [1, 1]] x = [2, 3]: x₀ = 2/2 = 1, x₁ = 3 − x₀ = 2
 * const x = triangularSolve(tensor([2, 0, 1, 1], [2, 2]), tensor([2, 3], [2, 1])) as Tensor;
 * assert.deepStrictEqual(x.shape, [2, 1]);
 * assert.deepStrictEqual(Array.from(x.data), [1, 2]);
 * ```
 */
export function triangularSolve(
  L: Value,
  b: Value,
  opts: { lower?: boolean; trans?: boolean } = {},
): Value {
  return bind(triangularSolvePrim, [L, b], {
    lower: opts.lower ?? true,
    trans: opts.trans ?? false,
  });
}
/** Zeros with the shape of a value (a constant). @param a value @returns zeros
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { zerosLike } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * const z = zerosLike(tensor([1, 2]));
 * assert.strictEqual(z.size, 2);
 * assert.deepStrictEqual(Array.from(z.data), [0, 0]);
 * ```
 */
export function zerosLike(a: Value): Tensor {
  return fullOn(a, a.shape, 0);
}

// ---------------------------------------------------------------------------------------------
// moving values between backends

function _move(x: Tensor, be: Backend): Tensor {
  if (x.backend === be || (x.isHost && isHostBackend(be))) return x;
  const host = x.isHost ? x.data : x.readSync();
  if (isHostBackend(be)) return new Tensor(host, x.shape);
  const b = be.alloc(x.size);
  be.write(b, host);
  return Tensor.fromBuffer(be, b, x.shape);
}

/**
 * Primitive: the same values on another backend (params.backend). Forward: one upload (or one
 * read back to the host); JVP: the tangent moves too; VJP: the cotangent moves back to the
 * input's backend. A one-element host cotangent (the seed of a loss) reaches a device as a
 * kernel parameter of `ad.full`, not as a buffer write.
 */
export const toBackendPrim: Primitive = {
  name: "toBackend",
  impl: ([x], { backend }) => _move(x!, backend),
  jvp: ([x], [t], { backend }) => [
    toBackend(x!, backend),
    toBackend(t!, backend),
  ],
  vjp([x], _o, ct) {
    const home = _concrete(x!);
    if (ct instanceof Tensor && ct.isHost && ct.size === 1 && !home.isHost) {
      return [fullOn(home, home.shape, ct.data[0]!)];
    }
    return [toBackend(ct, home.backend)];
  },
};

/**
 * Moves a value to a backend: the explicit, differentiable transfer between the host and a
 * device. Nothing moves when it is already there (host tensors count as being on every js
 * backend). Its VJP brings the cotangent back, so `grad` of a function that uploads its
 * parameters reads back exactly one gradient per uploaded value.
 *
 * @param x The value (tensor or tracer).
 * @param backend The target backend.
 * @returns The value on `backend` (a host tensor when `backend` is a js backend).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { toBackend } from "./ops.ts";
 * import { hostBackend, tensor } from "./tensor.ts";
 * const x = tensor([1, 2]);
 * assert.strictEqual(toBackend(x, hostBackend), x); // already there: no copy
 * ```
 */
export function toBackend(x: Value, backend: Backend): Value {
  return bind(toBackendPrim, [x], { backend });
}

/**
 * Brings a value to the host (one read for a device value; nothing for a host one):
 * `toBackend(x, hostBackend)`. Use it where a device result (a log-likelihood) enters host code
 * (the ELBO's sum of site log-densities); its cotangent goes back as a kernel parameter.
 *
 * @param x The value.
 * @returns The value as a host tensor (or tracer over one).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { toHost } from "./ops.ts";
 * import { tensor } from "./tensor.ts";
 * const x = tensor([1]);
 * assert.strictEqual(toHost(x), x);
 * ```
 */
export function toHost(x: Value): Value {
  return bind(toBackendPrim, [x], { backend: hostBackend });
}

// ---------------------------------------------------------------------------------------------
// wiring for the core transformations

_installCoreOps({
  add,
  zerosLike,
  reshape,
  fullOn,
  moveLike: (t, like) => {
    const c = _concrete(like);
    return c.isHost ? t : _move(t, c.backend);
  },
});
_installJacOps({
  stack: (vs, shape) =>
    reshape(concat(vs.map((v) => reshape(v, [1, ...v.shape])), 0), shape),
  transpose2: (v, a, b, shape) => reshape(swapLast(reshape(v, [a, b])), shape),
});

/** Checks parameters object type (exported for primitives defined elsewhere). */
export type { Params };
