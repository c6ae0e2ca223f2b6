import { assertEquals, assertThrows } from "../_util.ts";
import { expn3, trans2E3 } from "../../src/rt/expn.ts";
import fixture from "../fixtures/rt_expn3.json" with { type: "json" };

Deno.test("expn3() matches scipy.special.expn(3, x) within 1e-12 for 0 <= x <= 700", () => {
  let worst = 0;
  for (let i = 0; i < fixture.x.length; i++) {
    const ref = fixture.e3[i]!;
    const e = Math.abs(expn3(fixture.x[i]!) - ref) / ref;
    worst = Math.max(worst, e);
  }
  if (!(worst <= 1e-12)) throw new Error(`max rel err ${worst} > 1e-12`);
});

Deno.test("trans2E3() equals (1 - x)e^-x + x^2 E1(x) at moderate x and 1 at x = 0", () => {
  assertEquals(trans2E3(0), 1);
  assertEquals(trans2E3(Infinity), 0);
  // E1(0.5) = 0.5597735947761608 (A&S table 5.1)
  const x = 0.5;
  const ref = (1 - x) * Math.exp(-x) + x * x * 0.5597735947761608;
  if (Math.abs(trans2E3(x) - ref) > 1e-15) {
    throw new Error(`${trans2E3(x)} vs ${ref}`);
  }
});

Deno.test("expn3() rejects NaN and negative arguments", () => {
  assertThrows(() => expn3(-1), RangeError, "-1");
  assertThrows(() => expn3(NaN), RangeError, "NaN");
});
