import { tensor } from "../../src/ad/mod.ts";
import {
  greaterThan,
  independent,
  interval,
  lessThan,
  lowerCholesky,
  positive,
  real,
  realVector,
  unitInterval,
} from "../../src/infer/constraints.ts";
import { assert, assertEquals, assertThrows } from "../_util.ts";

Deno.test("elementwise constraints: check and mask on inside, boundary and outside points", () => {
  const x = tensor([-1, 0, 0.5, 1, 2, Infinity, NaN]);
  const m = (c: { mask: (v: typeof x) => { data: Float64Array } }) =>
    Array.from(c.mask(x).data);
  assertEquals(m(real), [1, 1, 1, 1, 1, 0, 0]);
  assertEquals(m(positive), [0, 0, 1, 1, 1, 0, 0]);
  assertEquals(m(unitInterval), [0, 1, 1, 1, 0, 0, 0]);
  assertEquals(m(interval(0, 1)), [0, 1, 1, 1, 0, 0, 0]);
  assertEquals(m(greaterThan(0.5)), [0, 0, 0, 1, 1, 0, 0]);
  assertEquals(m(lessThan(0.5)), [1, 1, 0, 0, 0, 0, 0]);
  assert(positive.check(tensor([1, 2])) && !positive.check(tensor([1, -2])));
  assertEquals(positive.name, "positive");
  assertEquals(interval(0, 1).name, "interval(0, 1)");
});

Deno.test("batched bounds broadcast against values", () => {
  const c = interval(tensor([0, 10]), tensor([1, 20]));
  assertEquals(Array.from(c.mask(tensor([0.5, 0.5, 15, 15], [2, 2])).data), [
    1,
    0,
    0,
    1,
  ]);
});

Deno.test("lowerCholesky and independent reduce over event dims", () => {
  const ok = tensor([1, 0, 0.3, 2], [2, 2]);
  const upper = tensor([1, 0.1, 0.3, 2], [2, 2]);
  const negDiag = tensor([1, 0, 0.3, -2], [2, 2]);
  assert(
    lowerCholesky.check(ok) && !lowerCholesky.check(upper) &&
      !lowerCholesky.check(negDiag),
  );
  assertEquals(lowerCholesky.eventDim, 2);
  assertEquals(
    Array.from(
      lowerCholesky.mask(tensor([1, 0, 0, 1, 1, 1, 0, 1], [2, 2, 2])).data,
    ),
    [1, 0],
  );
  const c = independent(positive, 1);
  assertEquals(c.eventDim, 1);
  assertEquals(Array.from(c.mask(tensor([1, 2, -1, 2], [2, 2])).data), [1, 0]);
  assertEquals(realVector.eventDim, 1);
  assertEquals(independent(real, 0), real);
});

Deno.test("bad constraint arguments throw", () => {
  assertThrows(() => interval(1, 0), RangeError, "lo < hi");
  assertThrows(() => interval(0, NaN), RangeError);
  assertThrows(() => independent(positive, -1), RangeError);
  assertThrows(() => lowerCholesky.check(tensor([1, 2, 3])), TypeError);
});
