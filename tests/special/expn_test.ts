// Exponential integrals Eₙ (src/special/expn.ts) and the layer transmission 2E₃ built on them.
import { assert, assertEquals, assertThrows } from "../_util.ts";
import {
  _expn2,
  _expn2FromTrans,
  _expn3,
  expn2,
  expn3,
} from "../../src/special/expn.ts";
import { trans2E3 } from "../../src/rt/expn.ts";
import { E2_SCIPY } from "./_expn_ref.ts";
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

Deno.test("expn2() matches scipy.special.expn(2, x) within 1e-14, directly and from 2E3", () => {
  let worst = 0;
  let worstRec = 0;
  for (const [x, ref] of E2_SCIPY) {
    worst = Math.max(worst, Math.abs(expn2(x) / ref - 1));
    worstRec = Math.max(
      worstRec,
      Math.abs(_expn2FromTrans(x, x === 0 ? 1 : 2 * _expn3(x)) / ref - 1),
    );
  }
  console.log(
    `expn2 max rel err vs scipy ${worst.toExponential(2)}, via 2E3 ${
      worstRec.toExponential(2)
    }`,
  );
  assert(worst <= 1e-14, `expn2 rel err ${worst}`);
  assert(worstRec <= 1e-14, `expn2 via 2E3 rel err ${worstRec}`);
  assertEquals(expn2(Infinity), 0);
  assertEquals(_expn2(800), 0);
  assertThrows(() => expn2(-1), RangeError, "x");
  assertThrows(() => expn2(NaN), RangeError, "x");
});

Deno.test("expn2() is -dE3/dx (central differences of the forward's E3)", () => {
  for (const x of [1e-4, 0.02, 0.4, 0.9, 1.2, 3, 8, 30]) {
    const h = 1e-5 * Math.min(x, 1);
    const fd = -(_expn3(x + h) - _expn3(x - h)) / (2 * h);
    const e = Math.abs(expn2(x) / fd - 1);
    assert(e <= 1e-8, `x = ${x}: rel err ${e}`);
  }
});
