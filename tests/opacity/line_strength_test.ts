import { deepStrictEqual as assertEquals } from "node:assert";
import { assertRelClose, assertThrowsWith, maxRelErr } from "../_util.ts";
import {
  lineStrength,
  lineStrengthScalar,
  partitionRatio,
} from "../../src/opacity/line_strength.ts";
import { C2, TREF } from "../../src/constants.ts";

const fx = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/opacity_line.json", import.meta.url),
  ),
);
const pf = {
  t: new Float64Array(fx.partitionFunction.t),
  q: new Float64Array(fx.partitionFunction.q),
};
const L = fx.lines;

Deno.test("lineStrength() matches the independent Python reference within 1e-13", () => {
  for (const c of fx.cases) {
    const qr = partitionRatio(pf, c.t);
    assertRelClose(qr, c.qRatio, 1e-14, "qRatio");
    const s = lineStrength(
      new Float64Array(L.lineStrengthRef),
      new Float64Array(L.nu),
      new Float64Array(L.elower),
      qr,
      c.t,
    );
    const e = maxRelErr(s, c.strength);
    if (!(e < 1e-13)) throw new Error(`T=${c.t}: rel err ${e}`);
  }
});

Deno.test("lineStrengthScalar() reproduces a hand calculation", () => {
  // S0 = 1e-20, nu = 4000, E = 1000, T = 1000 K, Q(T)/Q(Tref) = 3
  const hand = 1e-20 / 3 * Math.exp(-C2 * 1000 * (1 / 1000 - 1 / TREF)) *
    (1 - Math.exp(-C2 * 4000 / 1000)) / (1 - Math.exp(-C2 * 4000 / TREF));
  assertRelClose(lineStrengthScalar(1e-20, 4000, 1000, 3, 1000), hand, 1e-14);
  assertRelClose(hand, 1.01774e-19, 1e-5, "hand value");
  assertEquals(lineStrengthScalar(2e-21, 4350, 500, 1, TREF), 2e-21);
});

Deno.test("lineStrength() rejects bad temperatures and shapes", async () => {
  const a = new Float64Array([1e-20]);
  await throwsClass(
    () => lineStrength(a, a, a, 1, 0),
    RangeError,
    "t must be > 0",
  );
  await throwsClass(
    () => lineStrength(a, a, a, 1, NaN),
    RangeError,
    "t must be finite",
  );
  await throwsClass(
    () => lineStrength(a, new Float64Array(2), a, 1, 300),
    TypeError,
    "nu must have length 1",
  );
  await throwsClass(
    () => lineStrengthScalar(1, 1, 1, -1, 300),
    RangeError,
    "qRatio",
  );
  await throwsClass(() => partitionRatio(pf, 5000), RangeError, "5000");
});

async function throwsClass(
  fn: () => unknown,
  cls: typeof TypeError | typeof RangeError,
  fragment: string,
): Promise<void> {
  const e: Error = await assertThrowsWith(fn, fragment);
  if (!(e instanceof cls)) {
    throw new Error(`expected ${cls.name}, got ${e.name}: ${e.message}`);
  }
}
