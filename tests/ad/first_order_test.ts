import { definePrimitive } from "../../src/ad/first_order.ts";
import { bind, grad, type Value, valueAndGrad } from "../../src/ad/core.ts";
import { mul, sum } from "../../src/ad/ops.ts";
import { scalar, type Tensor, tensor } from "../../src/ad/tensor.ts";
import { assert, assertEquals } from "../_util.ts";

/** y = a·x (x a vector, a a scalar), recording the `needs` mask the rule receives. */
function scaled(seen: (readonly boolean[] | undefined)[]) {
  return definePrimitive({
    name: "scaled",
    outShape: ([x]) => [...x!],
    forward: ([x, a]) => x!.map((v) => v * a![0]!),
    jvp: ([x, a], [tx, ta], k) => {
      const n = x!.length;
      const dout = new Float64Array(k * n);
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < n; i++) {
          dout[j * n + i] = (tx ? tx[j * n + i]! * a![0]! : 0) +
            (ta ? ta[j]! * x![i]! : 0);
        }
      }
      return { out: x!.map((v) => v * a![0]!), dout };
    },
    withVjp: ([x, a], needs) => {
      seen.push(needs);
      return {
        out: x!.map((v) => v * a![0]!),
        pullback: (ct) => [
          needs?.[0] === false ? null : ct.map((c) => c * a![0]!),
          needs?.[1] === false ? null : new Float64Array([
            ct.reduce((s, c, i) => s + c * x![i]!, 0),
          ]),
        ],
      };
    },
  });
}

Deno.test("definePrimitive(): withVjp is told which inputs are constants of the traced function (needs mask)", () => {
  const seen: (readonly boolean[] | undefined)[] = [];
  const p = scaled(seen);
  const x = tensor([1, 2, 3]);
  // differentiate w.r.t. a only: x is a constant
  const ga = grad((a: Value) => sum(bind(p, [x, a], {})))(scalar(2)) as Tensor;
  assertEquals(ga.item(), 6);
  assertEquals(seen.at(-1), [false, true]);
  // w.r.t. x only
  const gx = grad((v: Value) => sum(mul(bind(p, [v, scalar(2)], {}), v)))(
    x,
  ) as Tensor;
  assertEquals(Array.from(gx.data), [4, 8, 12]); // d/dx Σ 2x² = 4x
  assertEquals(seen.at(-1), [true, false]);
  // both
  const [v, gs] = valueAndGrad(
    (a: Value, y: Value) => sum(bind(p, [y, a], {})),
    [0, 1],
  )(scalar(2), x);
  assertEquals((v as Tensor).item(), 12);
  assert(gs.length === 2);
  assertEquals(seen.at(-1), [true, true]);
});
