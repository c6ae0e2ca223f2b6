import * as ad from "../../src/ad/mod.ts";
import {
  grad,
  jacfwd,
  jacrev,
  type Value,
  valueAndGrad,
} from "../../src/ad/core.ts";
import { tensor } from "../../src/ad/tensor.ts";
import { asT, checkRules } from "./_check.ts";
import { assert, assertRelClose, assertThrows, maxRelErr } from "../_util.ts";

const x3 = tensor([0.7, 1.3, 2.1]);
const y3 = tensor([1.9, 0.4, 0.8]);
const m23 = tensor([0.5, -1.2, 0.3, 2.0, 0.9, -0.4], [2, 3]);
const m32 = tensor([1.1, 0.2, -0.7, 0.5, 0.3, 1.4], [3, 2]);

const unary: [string, (x: Value) => Value, number[]][] = [
  ["neg", ad.neg, [0.7, -1.3, 2.1]],
  ["exp", ad.exp, [0.7, -1.3, 2.1]],
  ["log", ad.log, [0.7, 1.3, 2.1]],
  ["log1p", ad.log1p, [0.7, 1.3, 2.1]],
  ["expm1", ad.expm1, [0.7, -1.3, 2.1]],
  ["sqrt", ad.sqrt, [0.7, 1.3, 2.1]],
  ["sin", ad.sin, [0.7, -1.3, 2.1]],
  ["cos", ad.cos, [0.7, -1.3, 2.1]],
  ["tanh", ad.tanh, [0.7, -1.3, 2.1]],
  ["abs", ad.abs, [0.7, -1.3, 2.1]],
  ["sigmoid", ad.sigmoid, [0.7, -1.3, 2.1]],
  ["softplus", ad.softplus, [0.7, -1.3, 25]],
  ["lgamma", ad.lgamma, [0.7, 1.3, 7.1]],
  ["digamma", ad.digamma, [0.7, 1.3, 7.1]],
  ["trigamma", ad.trigamma, [0.7, 1.3, 7.1]],
  ["powScalar", (x) => ad.powScalar(x, 2.5), [0.7, 1.3, 2.1]],
];

for (const [name, f, vals] of unary) {
  Deno.test(`${name}() JVP and VJP agree with finite differences and with each other`, () => {
    checkRules(name, f, [tensor(vals)]);
  });
}

Deno.test("binary ops with broadcasting: JVP/VJP vs finite differences and <w, Jv>", () => {
  const col = tensor([0.3, 1.7], [2, 1]);
  checkRules("add", ad.add, [m23, col]);
  checkRules("sub", ad.sub, [col, m23]);
  checkRules("mul", ad.mul, [m23, tensor([2.0, 0.5, 1.5])]);
  checkRules("div", ad.div, [m23, tensor([2.0, 0.5, 1.5])]);
  checkRules("div scalar", ad.div, [tensor(3.0), x3]);
  checkRules("where", (a, b) => ad.where(tensor([1, 0, 1]), a, b), [x3, y3]);
});

Deno.test("shape ops, reductions, matmul, gather and solves: JVP/VJP checks", () => {
  checkRules("sum all", (a) => ad.sum(a), [m23]);
  checkRules("sum axis 1 keepdims", (a) => ad.sum(a, 1, true), [m23]);
  checkRules("mean axis 0", (a) => ad.mean(a, 0), [m23]);
  checkRules("reshape", (a) => ad.reshape(a, [3, 2]), [m23]);
  checkRules("broadcastTo", (a) => ad.broadcastTo(a, [4, 3]), [x3]);
  checkRules("swapLast", ad.swapLast, [m23]);
  checkRules("matmul", ad.matmul, [m23, m32]);
  checkRules("batched matmul", ad.matmul, [
    tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]),
    m32,
  ]);
  checkRules("slice", (a) => ad.slice(a, 1, 1, 3), [m23]);
  checkRules("take", (a) => ad.take(a, [2, 0, 2], 1), [m23]);
  checkRules("concat", (a, b) => ad.concat([a, b], 0), [x3, y3]);
  const L = tensor([2.0, 0, 0, 0.5, 1.5, 0, -0.3, 0.8, 1.2], [3, 3]);
  const B = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
  // perturb only the lower triangle of L (the solve reads only it)
  const dirL = Float64Array.from([0.3, 0, 0, -0.7, 0.2, 0, 0.5, 0.9, -0.4]);
  checkRules("triangularSolve", (l, b) => ad.triangularSolve(l, b), [L, B], {
    directions: [dirL, null],
  });
  checkRules(
    "triangularSolve trans",
    (l, b) => ad.triangularSolve(l, b, { trans: true }),
    [L, B],
    {
      directions: [dirL, null],
    },
  );
});

Deno.test("triangularSolve() solves L x = b and Lᵀ x = b", () => {
  const L = tensor([2.0, 0, 0, 0.5, 1.5, 0, -0.3, 0.8, 1.2], [3, 3]);
  const x = tensor([1, -2, 0.5], [3, 1]);
  const b = asT(ad.matmul(L, x));
  assert(maxRelErr(asT(ad.triangularSolve(L, b)).data, x.data) < 1e-14);
  const bt = asT(ad.matmul(ad.swapLast(L), x));
  assert(
    maxRelErr(asT(ad.triangularSolve(L, bt, { trans: true })).data, x.data) <
      1e-14,
  );
});

Deno.test("jacfwd(grad(f)) equals the analytic Hessian of a small function", () => {
  // f(x) = sum(exp(x0 x1) + x2² sin x0) ; Hessian by hand
  const f = (x: Value) => {
    const x0 = ad.slice(x, 0, 0, 1),
      x1 = ad.slice(x, 0, 1, 2),
      x2 = ad.slice(x, 0, 2, 3);
    return ad.sum(
      ad.add(ad.exp(ad.mul(x0, x1)), ad.mul(ad.mul(x2, x2), ad.sin(x0))),
    );
  };
  const [a, b, c] = [0.3, -0.8, 1.7];
  const e = Math.exp(a * b);
  const H = [
    [b * b * e - c * c * Math.sin(a), e + a * b * e, 2 * c * Math.cos(a)],
    [e + a * b * e, a * a * e, 0],
    [2 * c * Math.cos(a), 0, 2 * Math.sin(a)],
  ].flat();
  const x = tensor([a, b, c]);
  const Hf = asT(jacfwd(grad(f))(x));
  const Hr = asT(jacrev(grad(f))(x));
  assert(Hf.shape.join() === "3,3");
  for (let i = 0; i < 9; i++) {
    assertRelClose(Hf.data[i]!, H[i]!, 1e-12, `H[${i}]`, 1);
    assertRelClose(Hr.data[i]!, H[i]!, 1e-12, `Hrev[${i}]`, 1);
  }
  // third order through nested forward mode still runs (jacfwd ∘ jacfwd ∘ grad)
  const T3 = asT(jacfwd(jacfwd(grad(f)))(x));
  assert(T3.shape.join() === "3,3,3");
  assertRelClose(
    T3.data[0]!,
    b * b * b * e - c * c * Math.cos(a),
    1e-12,
    "T000",
  );
});

Deno.test("valueAndGrad() and jacrev() agree with jacfwd() on a vector function", () => {
  const f = (x: Value) => ad.mul(ad.tanh(x), ad.sum(ad.exp(x)));
  const x = tensor([0.2, -0.5, 1.1]);
  const Jf = asT(jacfwd(f)(x)), Jr = asT(jacrev(f)(x));
  assert(maxRelErr(Jf.data, Jr.data, 1e-12) < 1e-13);
  const [v, [g]] = valueAndGrad((y: Value) => ad.sum(f(y)))(x);
  assertRelClose(asT(v).item(), asT(ad.sum(f(x))).item(), 1e-15);
  const colSum = [0, 1, 2].map((j) =>
    Jf.data[j]! + Jf.data[3 + j]! + Jf.data[6 + j]!
  );
  assert(maxRelErr(asT(g!).data, colSum) < 1e-13);
  assertThrows(() => valueAndGrad(f)(x), TypeError, "single value");
  assertThrows(() => ad.reshape(x, [2]), TypeError, "reshape");
  assertThrows(
    () => ad.add(tensor([1, 2]), tensor([1, 2, 3])),
    TypeError,
    "broadcast",
  );
});
