import * as ad from "../../src/ad/mod.ts";
import { Tensor, tensor, type Value } from "../../src/ad/mod.ts";
import {
  greaterThan,
  independent,
  interval,
  lessThan,
  lowerCholesky,
  positive,
  real,
  unitInterval,
} from "../../src/infer/constraints.ts";
import {
  AffineTransform,
  bijectTo,
  ComposeTransform,
  ExpTransform,
  IdentityTransform,
  IndependentTransform,
  LowerCholeskyTransform,
  SigmoidTransform,
  SoftplusTransform,
  type Transform,
} from "../../src/infer/transforms.ts";
import { asT, checkRules } from "../ad/_check.ts";
import { assert, assertEquals, assertThrows, maxRelErr } from "../_util.ts";

/** log|det| of a small dense matrix by LU with partial pivoting. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = a.slice();
  let s = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) {
      if (Math.abs(m[i * n + k]!) > Math.abs(m[p * n + k]!)) p = i;
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j]!;
        m[k * n + j] = m[p * n + j]!;
        m[p * n + j] = t;
      }
    }
    const d = m[k * n + k]!;
    s += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k]! / d;
      for (let j = k; j < n; j++) {
        m[i * n + j] = m[i * n + j]! - f * m[k * n + j]!;
      }
    }
  }
  return s;
}

const x = tensor([-2.3, -0.4, 0.0, 0.8, 3.1]);

const elementwise: [string, Transform][] = [
  ["identity", new IdentityTransform()],
  ["exp", new ExpTransform()],
  ["affine", new AffineTransform(tensor([1, 2, 3, 4, 5]), -2.5)],
  ["sigmoid", new SigmoidTransform()],
  ["softplus", new SoftplusTransform()],
  [
    "compose(exp, affine)",
    new ComposeTransform([new ExpTransform(), new AffineTransform(3, 0.5)]),
  ],
  ["bijectTo(interval(-1, 4))", bijectTo(interval(-1, 4))],
  ["bijectTo(greaterThan(2))", bijectTo(greaterThan(2))],
  ["bijectTo(lessThan(-1))", bijectTo(lessThan(-1))],
];

for (const [name, t] of elementwise) {
  Deno.test(`${name}: inverse(forward(x)) = x, log|J| = log|diag jacfwd| (1e-12), rules check`, () => {
    const y = t.forward(x);
    const back = asT(t.inverse(y));
    assert(
      maxRelErr(back.data, x.data, 1) < 1e-12,
      `${name} round trip ${maxRelErr(back.data, x.data, 1)}`,
    );
    const J = asT(ad.jacfwd((v: Value) => t.forward(v))(x));
    const n = x.size;
    const diag = Float64Array.from(
      { length: n },
      (_, i) => Math.log(Math.abs(J.data[i * n + i]!)),
    );
    const off = J.data.filter((_, k) => Math.floor(k / n) !== k % n).every((
      v,
    ) => v === 0);
    assert(off, `${name}: elementwise Jacobian must be diagonal`);
    const ladj = asT(t.logAbsDetJacobian(x, y));
    assertEquals(ladj.shape, x.shape);
    assert(
      maxRelErr(ladj.data, diag, 1) < 1e-12,
      `${name} ladj err ${maxRelErr(ladj.data, diag, 1)}`,
    );
    assert(
      t.codomain.check(y),
      `${name}: forward lands in codomain ${t.codomain.name}`,
    );
    checkRules(`${name} forward`, (v) => t.forward(v), [x]);
    checkRules(`${name} ladj`, (v) => t.logAbsDetJacobian(v, t.forward(v)), [
      x,
    ]);
  });
}

Deno.test("bijectTo maps each constraint to a transform with that codomain", () => {
  assert(bijectTo(real) instanceof IdentityTransform);
  assert(bijectTo(positive) instanceof ExpTransform);
  assert(bijectTo(unitInterval) instanceof SigmoidTransform);
  assert(bijectTo(lowerCholesky) instanceof LowerCholeskyTransform);
  const c = interval(tensor([0, 5]), tensor([1, 6]));
  const y = asT(bijectTo(c).forward(tensor([-30, 0, 30, 0.3], [2, 2])));
  assert(c.check(y), `interval forward ${Array.from(y.data)}`);
  assertEquals(bijectTo(c).codomain, c);
  const ind = bijectTo(independent(positive, 1));
  assert(ind instanceof IndependentTransform);
  const l = asT(
    ind.logAbsDetJacobian(
      tensor([1, 2, 3, 4], [2, 2]),
      tensor([0, 0, 0, 0], [2, 2]),
    ),
  );
  assertEquals(Array.from(l.data), [3, 7]);
  assertThrows(() => bijectTo({} as never), TypeError);
});

Deno.test("LowerCholeskyTransform: NumPyro layout, round trip, log|J| vs numerical Jacobian", () => {
  const t = new LowerCholeskyTransform();
  const v = tensor([0.3, -0.7, 1.1, 0.2, -0.4, 0.5]); // n = 3: 3 off-diagonal then 3 log-diag
  const L = asT(t.forward(v));
  assertEquals(L.shape, [3, 3]);
  const e = Math.exp;
  const want = [e(0.2), 0, 0, 0.3, e(-0.4), 0, -0.7, 1.1, e(0.5)];
  assert(maxRelErr(L.data, want, 1) < 1e-15, `layout ${Array.from(L.data)}`);
  assert(lowerCholesky.check(L));
  assert(maxRelErr(asT(t.inverse(L)).data, v.data, 1) < 1e-15, "round trip");
  assertEquals(t.forwardShape([4, 6]), [4, 3, 3]);
  assertEquals(t.inverseShape([4, 3, 3]), [4, 6]);
  // Jacobian of v → the 6 lower-triangular entries
  const tril = [0, 3, 4, 6, 7, 8];
  const J = asT(
    ad.jacfwd((u: Value) => ad.take(ad.reshape(t.forward(u), [9]), tril))(v),
  );
  const ref = logAbsDet(J.data, 6);
  const got = asT(t.logAbsDetJacobian(v, L)).item();
  assert(Math.abs(got - ref) < 1e-12, `ladj ${got} vs ${ref}`);
  // batched input
  const vb = tensor([...v.data, ...v.data.map((a) => -a)], [2, 6]);
  const Lb = asT(t.forward(vb));
  assertEquals(Lb.shape, [2, 3, 3]);
  assertEquals(asT(t.logAbsDetJacobian(vb, Lb)).shape, [2]);
  checkRules("lowerCholesky forward", (u) => t.forward(u), [v]);
  assertThrows(() => t.forward(tensor([1, 2, 3, 4])), TypeError, "n(n+1)/2");
});

Deno.test("ComposeTransform sums log|J| of its parts; AffineTransform rejects a zero scale", () => {
  const t = new ComposeTransform([
    new SoftplusTransform(),
    new AffineTransform(1, 3),
  ]);
  const y = t.forward(x);
  const l = asT(t.logAbsDetJacobian(x, y));
  const ref = asT(
    ad.add(
      new SoftplusTransform().logAbsDetJacobian(x, x),
      ad.scalarOf(Math.log(3)),
    ),
  );
  assert(maxRelErr(l.data, ref.data, 1) < 1e-15);
  assertThrows(() => new AffineTransform(0, 0), RangeError, "scale");
  assertThrows(() => new ComposeTransform([]), TypeError);
  assert(new Tensor(new Float64Array(1), []).size === 1);
});
