/**
 * Small neural networks for normalizing-flow guides, written with `src/ad` operations so that
 * they are differentiable in their weights and inputs: the masked autoregressive network (MADE,
 * Germain et al. 2015) behind NumPyro's `AutoregressiveNN` and the block neural autoregressive
 * network (BNAF, De Cao et al. 2019) behind `BlockNeuralAutoregressiveNN`, plus the flows built
 * from them (inverse autoregressive flow and BNAF).
 *
 * Parameters are plain records of tensors (`Record<string, Value>`), created by `init…` functions
 * from an explicit PRNG key with NumPyro's/stax's initializers, so they can be registered as
 * `param` sites one by one.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { applyIaf, initMade } from "./nn.ts";
 * import { key } from "../random/mod.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const net = initMade(key(0), 2, [2, 2]);
 * const [y, logDet] = applyIaf(net.params, net.masks, tensor([0.1, -0.3]));
 * assert.deepStrictEqual(y.shape, [2]);
 * assert.deepStrictEqual(logDet.shape, []);
 * assert.ok(Number.isFinite((logDet as Tensor).item()));
 * // autoregressive: y[0] does not depend on x[1]
 * const [y2] = applyIaf(net.params, net.masks, tensor([0.1, 5]));
 * assert.strictEqual((y2 as Tensor).data[0], (y as Tensor).data[0]);
 * ```
 *
 * @module
 */
import {
  add,
  broadcastTo,
  div,
  exp,
  expm1,
  log,
  matmul,
  mul,
  reshape,
  sigmoid,
  slice,
  softplus,
  sqrt,
  sub,
  sum,
  take,
  tanh,
  Tensor,
  type Value,
  where,
} from "../ad/mod.ts";
import { type PrngKey, split, uniform } from "../random/mod.ts";
import { normal } from "../random/mod.ts";

/** The concrete tensor underneath a value (walks tracers' primals). */
function _concrete(v: Value): Tensor {
  let x: Value = v;
  while (!(x instanceof Tensor)) x = x.primal;
  return x;
}

function _const(data: Float64Array, shape: readonly number[]): Tensor {
  return new Tensor(data, shape);
}

const _LOG2 = new Tensor(new Float64Array([Math.LN2]), []);
const _ONE = new Tensor(new Float64Array([1]), []);
const _MINUS_TWO = new Tensor(new Float64Array([-2]), []);

/**
 * ELU nonlinearity x if x > 0 else eˣ − 1 (stax.Elu), with no overflow in the unused branch.
 *
 * @param x Input.
 * @returns elu(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { elu } from "./nn.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const y = (elu(tensor([1, 0, -1])) as Tensor).data;
 * // x for x > 0, eˣ − 1 otherwise: [1, 0, e⁻¹ − 1]
 * [1, 0, -0.6321205588285577].forEach((v, i) => assert.ok(Math.abs(y[i]! - v) < 1e-12));
 * ```
 */
export function elu(x: Value): Value {
  const c = _concrete(x);
  const mask = _const(
    Float64Array.from(c.data, (v) => (v > 0 ? 1 : 0)),
    c.shape,
  );
  const zero = _const(new Float64Array(c.size), c.shape);
  return where(mask, x, expm1(where(mask, zero, x)));
}

/**
 * Clamps values to [lo, hi] with zero derivative outside (jnp.clip).
 *
 * @param x Input.
 * @param lo Lower bound.
 * @param hi Upper bound.
 * @returns Clamped values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { clamp } from "./nn.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * assert.deepStrictEqual(Array.from((clamp(tensor([-9, 0, 9]), -5, 3) as Tensor).data), [-5, 0, 3]);
 * ```
 */
export function clamp(x: Value, lo: number, hi: number): Value {
  const c = _concrete(x);
  let inside = true;
  for (const v of c.data) if (!(v >= lo && v <= hi)) inside = false;
  if (inside) return x;
  const mask = _const(
    Float64Array.from(c.data, (v) => (v >= lo && v <= hi ? 1 : 0)),
    c.shape,
  );
  const bound = _const(
    Float64Array.from(c.data, (v) => (v < lo ? lo : hi)),
    c.shape,
  );
  return where(mask, x, bound);
}

/** Truncated normal on [−2, 2] (rejection), as jax's truncated_normal initializer. */
function _truncNormal(k: PrngKey, n: number): Float64Array {
  const out = new Float64Array(n);
  let filled = 0;
  let kk = k;
  while (filled < n) {
    const [a, b] = split(kk);
    kk = a!;
    for (const z of normal(b!, 2 * (n - filled) + 4)) {
      if (Math.abs(z) <= 2 && filled < n) out[filled++] = z;
    }
  }
  return out;
}

/** glorot_normal (variance_scaling(1, "fan_avg", "truncated_normal")) for an [in, out] matrix. */
function _glorotNormal(k: PrngKey, fanIn: number, fanOut: number): Tensor {
  const sd = Math.sqrt(2 / (fanIn + fanOut)) / 0.87962566103423978;
  const z = _truncNormal(k, fanIn * fanOut);
  return new Tensor(z.map((v) => v * sd), [fanIn, fanOut]);
}

/** glorot_uniform for an [in, out] matrix. */
function _glorotUniform(k: PrngKey, fanIn: number, fanOut: number): Tensor {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  const u = uniform(k, fanIn * fanOut);
  return new Tensor(u.map((v) => (2 * v - 1) * lim), [fanIn, fanOut]);
}

// ---------------------------------------------------------------------------------------------
// MADE / AutoregressiveNN

/** A MADE network: weights and the constant masks. */
export interface Made {
  /** Weights `w0, b0, w1, b1, …` (layer i: `w{i}` [in, out], `b{i}` [out]). */
  params: Record<string, Tensor>;
  /** One 0/1 mask per layer, shaped like its weight. */
  masks: Tensor[];
}

/**
 * MADE masks (NumPyro's `create_mask`): hidden units get degrees spread evenly over
 * 1 … D − 1; unit j of layer l connects to unit i of layer l − 1 when deg(j) ≥ deg(i), and
 * output k (degree of its variable) to hidden i when deg(k) > deg(i).
 *
 * @param inputDim D.
 * @param hiddenDims Hidden layer widths.
 * @param permutation Order of the variables (default identity).
 * @param outputMultiplier Outputs per variable (2: mean and log-scale).
 * @returns One mask [in, out] per layer.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { madeMasks } from "./nn.ts";
 * const [m0, m1] = madeMasks(2, [2]);
 * assert.deepStrictEqual(m0!.shape, [2, 2]);
 * assert.deepStrictEqual(Array.from(m0!.data), [1, 1, 0, 0]);
 * assert.deepStrictEqual(m1!.shape, [2, 4]);
 * assert.deepStrictEqual(Array.from(m1!.data), [0, 1, 0, 1, 0, 1, 0, 1]);
 * ```
 */
export function madeMasks(
  inputDim: number,
  hiddenDims: readonly number[],
  permutation?: readonly number[],
  outputMultiplier = 2,
): Tensor[] {
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    throw new RangeError(
      `inputDim must be a positive integer, got ${inputDim}`,
    );
  }
  if (hiddenDims.length === 0) {
    throw new TypeError("madeMasks(): needs at least one hidden layer");
  }
  const perm = permutation ?? Array.from({ length: inputDim }, (_, i) => i);
  if (perm.length !== inputDim) {
    throw new TypeError(
      `permutation has ${perm.length} entries, expected ${inputDim}`,
    );
  }
  const varIndex = new Array<number>(inputDim);
  perm.forEach((p, i) => (varIndex[p] = i));
  const inDeg = varIndex.map((v) => v + 1);
  const hidDeg = hiddenDims.map((h) => {
    // round(linspace(1, D − 1, h)), numpy rounding (half to even)
    const a = 1, b = inputDim - 1;
    return Array.from({ length: h }, (_, i) => {
      const v = h === 1 ? a : a + (b - a) * i / (h - 1);
      const r = Math.round(v);
      return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    });
  });
  const outDeg: number[] = [];
  for (let m = 0; m < outputMultiplier; m++) outDeg.push(...inDeg);
  const mk = (from: number[], to: number[], strict: boolean) => {
    const d = new Float64Array(from.length * to.length);
    from.forEach((f, i) =>
      to.forEach((
        t,
        j,
      ) => (d[i * to.length + j] = (strict ? t > f : t >= f) ? 1 : 0))
    );
    return new Tensor(d, [from.length, to.length]);
  };
  const masks = [mk(inDeg, hidDeg[0]!, false)];
  for (let l = 1; l < hidDeg.length; l++) {
    masks.push(mk(hidDeg[l - 1]!, hidDeg[l]!, false));
  }
  masks.push(mk(hidDeg[hidDeg.length - 1]!, outDeg, true));
  return masks;
}

/**
 * Initializes a MADE network with stax's `MaskedDense` initializers (glorot-normal weights,
 * N(0, 0.01²) biases).
 *
 * @param k PRNG key.
 * @param inputDim D.
 * @param hiddenDims Hidden widths (NumPyro's AutoIAFNormal default: [D, D]).
 * @param permutation Variable order (default identity).
 * @param outputMultiplier Outputs per variable (default 2).
 * @returns Parameters and masks.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { initMade } from "./nn.ts";
 * import { key } from "../random/mod.ts";
 * const { params } = initMade(key(1), 3, [3]);
 * assert.deepStrictEqual(Object.keys(params), ["w0", "b0", "w1", "b1"]);
 * assert.deepStrictEqual(params.w1!.shape, [3, 6]);
 * ```
 */
export function initMade(
  k: PrngKey,
  inputDim: number,
  hiddenDims: readonly number[],
  permutation?: readonly number[],
  outputMultiplier = 2,
): Made {
  const masks = madeMasks(inputDim, hiddenDims, permutation, outputMultiplier);
  const keys = split(k, 2 * masks.length);
  const params: Record<string, Tensor> = {};
  masks.forEach((m, i) => {
    const [fi, fo] = m.shape as [number, number];
    params[`w${i}`] = _glorotNormal(keys[2 * i]!, fi, fo);
    params[`b${i}`] = new Tensor(
      normal(keys[2 * i + 1]!, fo).map((v) => 0.01 * v),
      [fo],
    );
  });
  return { params, masks };
}

function _as2d(x: Value): [Value, number[]] {
  const d = x.shape[x.shape.length - 1]!;
  const batch = x.shape.slice(0, -1);
  return [reshape(x, [batch.reduce((a, b) => a * b, 1), d]), batch];
}

/**
 * Applies a MADE network with ELU hidden activations.
 *
 * @param params Weights (`w{i}`, `b{i}`).
 * @param masks The masks of {@link madeMasks}.
 * @param x Input [..., D].
 * @returns Output [..., outputMultiplier·D].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { applyMade, initMade } from "./nn.ts";
 * import { key } from "../random/mod.ts";
 * import { tensor } from "../ad/mod.ts";
 * const { params, masks } = initMade(key(0), 2, [4]);
 * assert.deepStrictEqual(applyMade(params, masks, tensor([0, 1])).shape, [4]);
 * ```
 */
export function applyMade(
  params: Record<string, Value>,
  masks: readonly Tensor[],
  x: Value,
): Value {
  const [x2, batch] = _as2d(x);
  let h = x2;
  masks.forEach((m, i) => {
    const w = params[`w${i}`], b = params[`b${i}`];
    if (!w || !b) {
      throw new TypeError(`applyMade(): missing weights w${i}/b${i}`);
    }
    h = add(matmul(h, mul(w, m)), b);
    if (i < masks.length - 1) h = elu(h);
  });
  return reshape(h, [...batch, h.shape[1]!]);
}

/**
 * One inverse autoregressive flow step (NumPyro's `InverseAutoregressiveTransform`):
 * [μ, log σ] = MADE(x), log σ clipped to [−5, 3], y = σ·x + μ, log|det J| = Σ log σ.
 *
 * @param params MADE weights.
 * @param masks MADE masks.
 * @param x Input [..., D].
 * @returns `[y, logDet]` with logDet of shape [...].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { applyIaf, initMade } from "./nn.ts";
 * import { key } from "../random/mod.ts";
 * import { tensor } from "../ad/mod.ts";
 * const { params, masks } = initMade(key(0), 3, [3, 3]);
 * const [y, logDet] = applyIaf(params, masks, tensor([0, 1, 2]));
 * assert.deepStrictEqual(y.shape, [3]);
 * assert.deepStrictEqual(logDet.shape, []);
 * ```
 */
export function applyIaf(
  params: Record<string, Value>,
  masks: readonly Tensor[],
  x: Value,
): [Value, Value] {
  const d = x.shape[x.shape.length - 1]!;
  const out = applyMade(params, masks, x);
  const mu = slice(out, -1, 0, d);
  const logScale = clamp(slice(out, -1, d, 2 * d), -5, 3);
  return [add(mul(exp(logScale), x), mu), sum(logScale, -1)];
}

// ---------------------------------------------------------------------------------------------
// BNAF

/** A block neural autoregressive network. */
export interface Bnaf {
  /** Weights: per dense layer `w{i}` [D·a, D·b], `ws{i}` [D·b], `b{i}` [D·b]; `gate` if gated. */
  params: Record<string, Tensor>;
  /** Number of variables D. */
  inputDim: number;
  /** Block factors of the layers: [1, ...hiddenFactors, 1]. */
  factors: number[];
  /** Whether a gated residual connection wraps the network. */
  gated: boolean;
}

/**
 * Initializes a BNAF network as NumPyro's `BlockNeuralAutoregressiveNN`: dense block layers
 * 1 → h₁ → … → 1 (per variable) with tanh between them, glorot-uniform weights, log-uniform
 * weight scales `ws = log U(0, 1)`, biases U(−1, 1)/√out; `residual: "gated"` adds a gate
 * parameter ~ N(0, 1).
 *
 * @param k PRNG key.
 * @param inputDim D (≥ 2).
 * @param hiddenFactors Hidden block factors (default [8, 8]).
 * @param residual `"gated"` or none.
 * @returns The network.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { initBnaf } from "./nn.ts";
 * import { key } from "../random/mod.ts";
 * // factors [1, 8, 8, 1]: the middle layer is [2·8, 2·8]
 * assert.deepStrictEqual(initBnaf(key(0), 2).params.w1!.shape, [16, 16]);
 * ```
 */
export function initBnaf(
  k: PrngKey,
  inputDim: number,
  hiddenFactors: readonly number[] = [8, 8],
  residual?: "gated",
): Bnaf {
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    throw new RangeError(
      `inputDim must be a positive integer, got ${inputDim}`,
    );
  }
  for (const h of hiddenFactors) {
    if (!Number.isInteger(h) || h < 1) {
      throw new RangeError(`hiddenFactors must be positive integers, got ${h}`);
    }
  }
  const factors = [1, ...hiddenFactors, 1];
  const keys = split(k, 3 * (factors.length - 1) + 1);
  const params: Record<string, Tensor> = {};
  for (let i = 0; i + 1 < factors.length; i++) {
    const fi = inputDim * factors[i]!, fo = inputDim * factors[i + 1]!;
    params[`w${i}`] = _glorotUniform(keys[3 * i]!, fi, fo);
    params[`ws${i}`] = new Tensor(
      uniform(keys[3 * i + 1]!, fo).map((u) => Math.log(u)),
      [fo],
    );
    params[`b${i}`] = new Tensor(
      uniform(keys[3 * i + 2]!, fo).map((u) => (u - 0.5) * 2 / Math.sqrt(fo)),
      [fo],
    );
  }
  if (residual === "gated") {
    params.gate = new Tensor(normal(keys[keys.length - 1]!, 1), []);
  }
  return { params, inputDim, factors, gated: residual === "gated" };
}

const _bnafMaskCache = new Map<
  string,
  { d: Tensor; o: Tensor; diagIdx: number[] }
>();

function _bnafMasks(n: number, a: number, b: number) {
  const id = `${n},${a},${b}`;
  let m = _bnafMaskCache.get(id);
  if (!m) {
    const rows = n * a, cols = n * b;
    const d = new Float64Array(rows * cols), o = new Float64Array(rows * cols);
    const diagIdx: number[] = [];
    for (let r = 0; r < rows; r++) {
      const br = Math.floor(r / a);
      for (let c = 0; c < cols; c++) {
        const bc = Math.floor(c / b);
        if (br === bc) {
          d[r * cols + c] = 1;
          diagIdx.push(r * cols + c);
        } else if (br < bc) o[r * cols + c] = 1;
      }
    }
    m = {
      d: new Tensor(d, [rows, cols]),
      o: new Tensor(o, [rows, cols]),
      diagIdx,
    };
    _bnafMaskCache.set(id, m);
  }
  return m;
}

/** log(exp(x) @ exp(y)) with constant shifts for stability. */
function _logMatMulExp(x: Value, y: Value): Value {
  const xc = _concrete(x), yc = _concrete(y);
  const xr = xc.shape.length, yr = yc.shape.length;
  const xs = _maxKeep(xc, xr - 1), ys = _maxKeep(yc, yr - 2);
  const prod = matmul(exp(sub(x, xs)), exp(sub(y, ys)));
  return add(add(log(prod), xs), ys);
}

function _maxKeep(t: Tensor, axis: number): Tensor {
  const shape = [...t.shape];
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = t.size / (n * inner);
  const out = new Float64Array(outer * inner).fill(-Infinity);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      for (let q = 0; q < inner; q++) {
        const v = t.data[(o * n + i) * inner + q]!;
        if (v > out[o * inner + q]!) out[o * inner + q] = v;
      }
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) out[i] = 0;
  }
  shape[axis] = 1;
  return new Tensor(out, shape);
}

/**
 * Applies a BNAF network (NumPyro's `BlockNeuralAutoregressiveTransform`): returns y and the
 * log-determinant of its (triangular) Jacobian, accumulated through the block-diagonal
 * log-Jacobians of the layers with log-matmul-exp.
 *
 * @param net The network's structure (from {@link initBnaf}).
 * @param params Its weights (possibly tracers).
 * @param x Input [..., D].
 * @returns `[y, logDet]`, y [..., D], logDet [...].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { applyBnaf, initBnaf } from "./nn.ts";
 * import { key } from "../random/mod.ts";
 * import { tensor, type Tensor } from "../ad/mod.ts";
 * const net = initBnaf(key(0), 2, [4]);
 * const [y, ld] = applyBnaf(net, net.params, tensor([0.5, -1]));
 * assert.deepStrictEqual(y.shape, [2]);
 * assert.deepStrictEqual(ld.shape, []);
 * assert.ok(Number.isFinite((ld as Tensor).item()));
 * ```
 */
export function applyBnaf(
  net: Pick<Bnaf, "inputDim" | "factors" | "gated">,
  params: Record<string, Value>,
  x: Value,
): [Value, Value] {
  const n = net.inputDim;
  const [x2, batch] = _as2d(x);
  if (x2.shape[1] !== n) {
    throw new TypeError(
      `applyBnaf(): input has ${x2.shape[1]} variables, expected ${n}`,
    );
  }
  const nb = x2.shape[0]!;
  let h = x2;
  let logdet: Value | null = null;
  const L = net.factors.length - 1;
  for (let i = 0; i < L; i++) {
    const a = net.factors[i]!, b = net.factors[i + 1]!;
    const W = params[`w${i}`], ws = params[`ws${i}`], bias = params[`b${i}`];
    if (!W || !ws || !bias) {
      throw new TypeError(`applyBnaf(): missing weights of layer ${i}`);
    }
    const { d, o, diagIdx } = _bnafMasks(n, a, b);
    const w = add(mul(exp(W), d), mul(W, o));
    const wNorm = sqrt(sum(mul(w, w), 0, true)); // [1, n·b]
    const wn = mul(exp(ws), div(w, wNorm));
    h = add(matmul(h, wn), bias);
    const dl = sub(add(ws, W), log(wNorm)); // [n·a, n·b]
    const blocks = reshape(take(reshape(dl, [n * a * n * b]), diagIdx), [
      n,
      a,
      b,
    ]);
    logdet = logdet === null
      ? broadcastTo(blocks, [nb, n, a, b])
      : _logMatMulExp(logdet, blocks);
    if (i < L - 1) {
      // tanh with log(1 − tanh²(h)) = −2(h + softplus(−2h) − log 2)
      const tl = mul(
        _MINUS_TWO,
        sub(add(h, softplus(mul(_MINUS_TWO, h))), _LOG2),
      );
      logdet = add(logdet, reshape(tl, [nb, n, 1, b]));
      h = tanh(h);
    }
  }
  let ld = reshape(logdet!, [nb, n]);
  if (net.gated) {
    const g = params.gate;
    if (!g) {
      throw new TypeError("applyBnaf(): missing gate of the gated residual");
    }
    const s = sigmoid(g);
    h = add(mul(s, h), mul(sub(_ONE, s), x2));
    ld = sub(softplus(add(ld, g)), softplus(g));
  }
  return [reshape(h, [...batch, n]), reshape(sum(ld, -1), batch)];
}
