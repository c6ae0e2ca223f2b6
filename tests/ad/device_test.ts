// The AD primitives on device tensors (src/ad/op_dispatch.ts): on a device backend whose
// buffers the host cannot read (tests/_device_backend.ts over the js kernels), every op, its
// JVP and its VJP run as `ad.*` kernels and give the host path's numbers bit for bit; host
// inputs other than one-element constants are refused; jacfwd, jacrev and the triangular
// solve's rules move their host constants explicitly; a scope frees what it made.
import assert from "node:assert";
import { createJsBackend } from "../../src/backend/js/js_backend.ts";
import { registerOpKernels } from "../../src/ad/op_dispatch.ts";
import * as ops from "../../src/ad/ops.ts";
import {
  grad,
  jacfwd,
  jacrev,
  jvp,
  type Value,
  vjp,
} from "../../src/ad/core.ts";
import {
  DeviceResidentError,
  type Tensor,
  tensor,
} from "../../src/ad/tensor.ts";
import { scopeSync } from "../../src/ad/scope.ts";
import { countingDevice } from "../_device_backend.ts";

const inner = createJsBackend();
registerOpKernels(inner);
const { be, counters } = countingDevice(inner);
const up = (t: Tensor) => ops.toBackend(t, be) as Tensor;
const host = (v: Value) => {
  const t = v as Tensor;
  return Array.from(t.isHost ? t.data : t.readSync());
};

// a function touching most primitives: broadcasting, reductions, gathers, matmul, solves
const L = tensor([2, 0, 0, 0.3, 1.5, 0, -0.4, 0.2, 1.8], [3, 3]);
const M = tensor([1, 0, 1, 0], [2, 2]);
function fOn(mask: Tensor, l: Tensor) {
  return (x: Value) => f(x, mask, l);
}
function f(x: Value, mask: Tensor, l: Tensor): Value {
  const a = ops.reshape(x, [2, 3]);
  const b = ops.add(ops.mul(ops.exp(a), ops.scalarOf(0.5)), ops.sin(a));
  const c = ops.div(
    ops.log1p(ops.mul(a, a)),
    ops.add(ops.sigmoid(a), ops.scalarOf(1)),
  );
  const d = ops.matmul(b, ops.swapLast(c)); // [2, 2]
  const e = ops.concat([ops.slice(a, 1, 0, 2), ops.take(a, [2, 0], 1)], 1); // [2, 4]
  const s = ops.sum(ops.mul(e, ops.tanh(e)), [1], true); // [2, 1]
  const g = ops.triangularSolve(l, ops.reshape(a, [3, 2]));
  const w = ops.where(mask, d, ops.broadcastTo(s, [2, 2]));
  return ops.add(
    ops.reshape(ops.powScalar(ops.softplus(ops.add(w, ops.sum(g))), 1.5), [4]),
    ops.mul(
      ops.sqrt(ops.add(ops.abs(ops.take(x, [0, 3, 5, 1])), ops.scalarOf(1))),
      ops.lgamma(
        ops.add(ops.abs(ops.take(x, [1, 2, 3, 4])), ops.scalarOf(0.5)),
      ),
    ),
  );
}

const X = tensor([0.3, -0.7, 1.1, 0.05, -1.3, 0.9]);
const U = tensor([0.2, 0.1, -0.4, 1, 0.5, -0.3]);
const CT = tensor([1, -2, 0.5, 3]);

Deno.test("device ops: forward, JVP, VJP, grad, jacfwd and jacrev equal the host path bit for bit; results stay on the device", () => {
  const xd = up(X), ud = up(U), ctd = up(CT);
  const fd = fOn(up(M), up(L)), fh = fOn(M, L);
  const y = fd(xd) as Tensor;
  assert.strictEqual(y.isHost, false);
  assert.throws(() => y.data, DeviceResidentError);
  assert.deepStrictEqual(host(y), host(fh(X)));
  const [, t1] = jvp(fd, [xd], [ud]);
  const [, t2] = jvp(fh, [X], [U]);
  assert.deepStrictEqual(host(t1), host(t2));
  const [, b1] = vjp(fd, [xd]);
  const [, b2] = vjp(fh, [X]);
  assert.deepStrictEqual(host(b1(ctd)[0]!), host(b2(CT)[0]!));
  const sd = (x: Value) => ops.sum(fd(x)), sh = (x: Value) => ops.sum(fh(x));
  assert.deepStrictEqual(host(grad(sd)(xd)), host(grad(sh)(X)));
  assert.deepStrictEqual(host(jacfwd(fd)(xd)), host(jacfwd(fh)(X)));
  assert.deepStrictEqual(host(jacrev(fd)(xd)), host(jacrev(fh)(X)));
});

Deno.test("device ops: a host input that is not a one-element constant is refused, naming toBackend; a scope frees every buffer made inside it", () => {
  const xd = up(X);
  const fd = fOn(up(M), up(L));
  assert.throws(
    () => ops.add(xd, X),
    /ad\.add: input 1 \(shape \[6\]\) is on backend "js" and another input on "device"; move it there with toBackend\(\)/,
  );
  const live0 = counters.live;
  const w0 = counters.writes, r0 = counters.reads;
  const g = scopeSync(() => grad((x: Value) => ops.sum(fd(x)))(xd)) as Tensor;
  // the gradient survives (returned); every temporary, tangent and cotangent is gone. The
  // triangular solve's mask is the only upload (a host constant of its rule), nothing is read.
  assert.strictEqual(counters.live, live0 + 1);
  assert.strictEqual(counters.writes - w0, 1);
  assert.strictEqual(counters.reads - r0, 0);
  g.dispose();
  assert.strictEqual(counters.live, live0);
});
