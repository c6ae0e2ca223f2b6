// Stages as backend kernels (src/ad/stage_kernels.ts): a toy stage with residuals checked
// against its closed form, central differences and the ⟨v, J u⟩ identity; repeated pullbacks
// (jacrev); the `need` mask; MissingKernelError; and device tensors on a backend that cannot
// wrap host arrays (transfers and live buffers counted).
import assert from "node:assert";
import {
  createJsBackend,
  type JsBackend,
} from "../../src/backend/js/js_backend.ts";
import {
  type JsStageKernels,
  registerStageKernels,
  stagePrimitive,
  type StageSpec,
} from "../../src/ad/stage_kernels.ts";
import {
  bind,
  grad,
  jacfwd,
  jacrev,
  jvp,
  jvpBatch,
  type Value,
  vjp,
} from "../../src/ad/core.ts";
import { sum, toBackend } from "../../src/ad/ops.ts";
import { registerOpKernels } from "../../src/ad/op_dispatch.ts";
import { scopeSync } from "../../src/ad/scope.ts";
import { countingDevice } from "../_device_backend.ts";
import { scalar, type Tensor, tensor } from "../../src/ad/tensor.ts";

// y_i = c_i · s · x_i²; consts [c], args [x (n), s (1)]; residuals [2 c s x, c x²] (n each).
const SPEC: StageSpec = {
  name: "test.scaled_square",
  nConst: 1,
  nArgs: 2,
  outSize: (sz) => sz[1]!,
  residualSizes: (sz, p) => [p.need0 ? sz[1]! : 0, p.need1 ? sz[1]! : 0],
};
const needsSeen: number[][] = [];
const KERNELS: JsStageKernels = {
  spec: SPEC,
  forward: ([c, x, s], [y]) => {
    for (let i = 0; i < x!.length; i++) y![i] = c![i]! * s![0]! * x![i]! ** 2;
  },
  jvp: ([c, x, s, tx, ts], [y, dy], p) => {
    const n = x!.length;
    for (let i = 0; i < n; i++) y![i] = c![i]! * s![0]! * x![i]! ** 2;
    for (let q = 0; q < p.k!; q++) {
      for (let i = 0; i < n; i++) {
        dy![q * n + i] =
          (tx!.length ? 2 * c![i]! * s![0]! * x![i]! * tx![q * n + i]! : 0) +
          (ts!.length ? c![i]! * x![i]! ** 2 * ts![q]! : 0);
      }
    }
  },
  vjp: ([c, x, s], [y, r0, r1], p) => {
    needsSeen.push([p.need0!, p.need1!]);
    for (let i = 0; i < x!.length; i++) {
      y![i] = c![i]! * s![0]! * x![i]! ** 2;
      if (r0!.length) r0![i] = 2 * c![i]! * s![0]! * x![i]!;
      if (r1!.length) r1![i] = c![i]! * x![i]! ** 2;
    }
  },
  pullback: ([_c, _x, _s, r0, r1, ct], [gx, gs]) => {
    if (gx!.length) {
      for (let i = 0; i < ct!.length; i++) gx![i] = ct![i]! * r0![i]!;
    }
    if (gs!.length) {
      let a = 0;
      for (let i = 0; i < ct!.length; i++) a += ct![i]! * r1![i]!;
      gs![0] = a;
    }
  },
};

const C = new Float64Array([1, 3, -2]);
const X = tensor([2, 5, 0.5]);
const S = scalar(1.5);

function jsStage(): { be: JsBackend; f: (x: Value, s: Value) => Value } {
  const be = createJsBackend();
  registerStageKernels(be, KERNELS);
  const st = stagePrimitive(be, SPEC, {
    consts: [be.wrap(C)],
    outShape: (s) => [...s[0]!],
  });
  return { be, f: (x, s) => st.apply(x, s) };
}

Deno.test("stage primitive: forward, jvp and vjp equal the closed form; grad agrees with central differences and ⟨v, J u⟩ = ⟨Jᵀv, u⟩ to 1e-14", () => {
  const { f } = jsStage();
  const y = f(X, S) as Tensor;
  assert.deepStrictEqual(
    Array.from(y.data),
    [0, 1, 2].map((i) => C[i]! * 1.5 * X.data[i]! ** 2),
  );
  const u = tensor([0.3, -1, 2]), us = scalar(0.7);
  const [, ty] = jvp(f, [X, S], [u, us]);
  const v = tensor([1, -0.5, 0.25]);
  const [, back] = vjp(f, [X, S]);
  const [gx, gs] = back(v) as [Tensor, Tensor];
  const lhs = (ty as Tensor).data.reduce((a, t, i) => a + t * v.data[i]!, 0);
  const rhs = gx.data.reduce((a, g, i) => a + g * u.data[i]!, 0) +
    gs.item() * us.item();
  assert.ok(Math.abs(lhs - rhs) <= 1e-14 * Math.abs(lhs), `${lhs} vs ${rhs}`);
  // central differences of sum(f) in x, h = 1e-5 (quadratic: exact up to rounding)
  const g = grad((x) => sum(f(x, S)))(X) as Tensor;
  for (let i = 0; i < 3; i++) {
    const e = new Float64Array(3);
    e[i] = 1e-5;
    const up = X.data.map((xv, j) => xv + e[j]!);
    const dn = X.data.map((xv, j) => xv - e[j]!);
    const fd = ((sum(f(tensor(up), S)) as Tensor).item() -
      (sum(f(tensor(dn), S)) as Tensor).item()) / 2e-5;
    assert.ok(Math.abs(fd - g.data[i]!) <= 1e-8 * Math.abs(g.data[i]!) + 1e-9);
  }
});

Deno.test("stage primitive: jacrev calls the pullback once per row with the same residuals and equals jacfwd", () => {
  const { f } = jsStage();
  const jr = jacrev((x) => f(x, S))(X) as Tensor;
  const jf = jacfwd((x) => f(x, S))(X) as Tensor;
  assert.deepStrictEqual(jr.shape, [3, 3]);
  // equal as numbers (a zero cotangent row times a negative residual gives −0)
  assert.deepStrictEqual(
    Array.from(jr.data, (v) => v + 0),
    Array.from(jf.data, (v) => v + 0),
  );
  assert.strictEqual(jr.data[4], 2 * 3 * 1.5 * 5);
});

Deno.test("stage primitive: the need mask reaches the vjp kernel (a constant argument's residual is skipped)", () => {
  const { f } = jsStage();
  needsSeen.length = 0;
  const g = grad((x) => sum(f(x, S)))(X) as Tensor;
  assert.deepStrictEqual(needsSeen, [[1, 0]]);
  assert.deepStrictEqual(
    Array.from(g.data),
    [0, 1, 2].map((i) => 2 * C[i]! * 1.5 * X.data[i]!),
  );
});

Deno.test("stage primitive: a backend lacking one of the four kernels fails with MissingKernelError naming it", () => {
  const be = createJsBackend();
  registerStageKernels(be, KERNELS);
  be.kernelTable.delete("test.scaled_square.pullback");
  assert.throws(
    () =>
      stagePrimitive(be, SPEC, {
        consts: [be.wrap(C)],
        outShape: (s) => [...s[0]!],
      }),
    (e: Error) =>
      e.name === "MissingKernelError" &&
      e.message === 'backend "js" has no kernel "test.scaled_square.pullback"',
  );
  const be2 = createJsBackend();
  registerStageKernels(be2, KERNELS);
  assert.throws(
    () =>
      stagePrimitive(be2, SPEC, { consts: [], outShape: (s) => [...s[0]!] }),
    /stage "test.scaled_square" takes 1 constant inputs, got 0/,
  );
});

/** A CPU backend without `wrap`/`view` (like wasm): every host array is uploaded. */
Deno.test("stage primitive on a device backend: device tensors in and out, the same numbers as js; forward and jvp leave only their outputs; a pullback keeps its residuals, takes a device cotangent and moves nothing", () => {
  const { f: fJs } = jsStage();
  const inner = createJsBackend();
  registerStageKernels(inner, KERNELS);
  registerOpKernels(inner);
  const { be, counters } = countingDevice(inner);
  const c = be.alloc(3);
  be.write(c, C);
  const st = stagePrimitive(be, SPEC, {
    consts: [c],
    outShape: (s) => [...s[0]!],
  });
  const f = (x: Value, s: Value) => st.apply(x, s);
  const up = (t: Tensor) => toBackend(t, be) as Tensor;
  const xd = up(X), sd = up(S);
  assert.strictEqual(counters.live, 3);
  // host arguments are refused: nothing is uploaded behind the caller's back
  assert.throws(() => f(X, sd), /runs on backend "device".*toBackend/);
  const y = f(xd, sd) as Tensor;
  assert.strictEqual(y.isHost, false);
  assert.throws(() => y.data, { name: "DeviceResidentError" });
  assert.deepStrictEqual(
    Array.from(y.readSync()),
    Array.from((fJs(X, S) as Tensor).data),
  );
  y.dispose();
  assert.strictEqual(counters.live, 3);
  const u = up(tensor([0.3, -1, 2]));
  const [o1, t1] = scopeSync(() => jvp((x) => f(x, sd), [xd], [u]));
  const [, t2] = jvp((x) => fJs(x, S), [X], [tensor([0.3, -1, 2])]);
  assert.deepStrictEqual(
    Array.from((t1 as Tensor).readSync()),
    Array.from((t2 as Tensor).data),
  );
  (o1 as Tensor).dispose();
  (t1 as Tensor).dispose();
  assert.strictEqual(counters.live, 4); // c, x, s, u
  const g = scopeSync(() => {
    const [, back] = vjp(f, [xd, sd]);
    const w0 = counters.writes, r0 = counters.reads;
    const ct = up(tensor([1, 2, 3]));
    const g1 = back(ct) as Tensor[];
    const g2 = back(ct) as Tensor[]; // a second pullback on the same residuals
    assert.strictEqual(counters.writes - w0, 1); // the cotangent, uploaded by the test
    assert.strictEqual(counters.reads - r0, 0);
    assert.deepStrictEqual(g1[0]!.readSync(), g2[0]!.readSync());
    return g1;
  });
  // the scope freed the output, the residuals, the cotangent and the second pullback's
  // gradients; the returned gradients survive
  assert.strictEqual(counters.live, 4 + 2);
  const [, backJs] = vjp(fJs, [X, S]);
  const gJs = backJs(tensor([1, 2, 3])) as Tensor[];
  assert.deepStrictEqual(
    Array.from(g[0]!.readSync()),
    Array.from(gJs[0]!.data),
  );
  assert.strictEqual(g[1]!.item(), gJs[1]!.item());
});

Deno.test("stage primitive with a batch axis: B items in one launch equal B single launches bit for bit (forward, JVP, VJP); a shared argument's cotangent is the sum over the batch", () => {
  const { be, f } = jsStage();
  const st = stagePrimitive(be, SPEC, {
    consts: [be.wrap(C)],
    outShape: (s) => [...s[0]!],
  });
  const rows = [[2, 5, 0.5], [-1, 0.25, 3], [0.7, -4, 1.5]];
  const xb = tensor(rows.flat(), [3, 3]);
  const items = rows.map((r) => tensor(r));
  for (
    const [sArg, flags] of [
      [tensor([1.5]), [true, false]],
      [tensor([1.5, -0.5, 2], [3, 1]), [true, true]],
    ] as const
  ) {
    const sOf = (b: number) =>
      flags[1] ? tensor([(sArg as Tensor).data[b]!]) : sArg;
    const g = (x: Value, s: Value) =>
      bind(st.primitive, [x, s], { batch: 3, batched: flags });
    const y = g(xb, sArg) as Tensor;
    assert.deepStrictEqual(y.shape, [3, 3]);
    assert.deepStrictEqual(
      Array.from(y.data),
      items.flatMap((x, b) => Array.from((f(x, sOf(b)) as Tensor).data)),
    );
    // JVP along 2 directions at once: tangents [2, 3, 3] and [2, ...s]
    const tx = tensor(Array.from({ length: 18 }, (_, i) => Math.sin(i)), [
      2,
      3,
      3,
    ]);
    const ts = tensor(
      Array.from({ length: 2 * sArg.size }, (_, i) => Math.cos(i)),
      [2, ...sArg.shape],
    );
    const [, dy] = jvpBatch(g, [xb, sArg], [tx, ts]);
    for (let b = 0; b < 3; b++) {
      const txb = tensor(
        [0, 1].flatMap((q) =>
          Array.from(tx.data.subarray(q * 9 + b * 3, q * 9 + b * 3 + 3))
        ),
        [2, 3],
      );
      const tsb = flags[1]
        ? tensor([ts.data[b]!, ts.data[3 + b]!], [2, 1])
        : ts;
      const [, d1] = jvpBatch(f, [items[b]!, sOf(b)], [txb, tsb]);
      for (let q = 0; q < 2; q++) {
        assert.deepStrictEqual(
          Array.from(
            (dy as Tensor).data.subarray(q * 9 + b * 3, q * 9 + b * 3 + 3),
          ),
          Array.from((d1 as Tensor).data.subarray(q * 3, q * 3 + 3)),
        );
      }
    }
    // VJP
    const ct = tensor(Array.from({ length: 9 }, (_, i) => 1 + i), [3, 3]);
    const [, back] = vjp(g, [xb, sArg]);
    const [gx, gs] = back(ct) as Tensor[];
    let sum = 0;
    items.forEach((x, b) => {
      const [, bk] = vjp(f, [x, sOf(b)]);
      const [g1, g2] = bk(tensor(ct.data.slice(3 * b, 3 * b + 3))) as Tensor[];
      assert.deepStrictEqual(
        Array.from(gx!.data.subarray(3 * b, 3 * b + 3)),
        Array.from(g1!.data),
      );
      if (flags[1]) assert.strictEqual(gs!.data[b], g2!.item());
      else sum += g2!.item();
    });
    if (!flags[1]) assert.strictEqual(gs!.item(), sum);
  }
  assert.throws(
    () =>
      bind(st.primitive, [tensor([1, 2]), tensor([1])], {
        batch: 3,
        batched: [true, false],
      }),
    /batched argument 0 has shape \[2\], expected a leading axis of 3/,
  );
});
