import { powerlawTemperature } from "../../src/rt/temperature.ts";
import { gravityJupiter } from "../../src/rt/gravity.ts";
import { GJ } from "../../src/constants.ts";
import { assertEquals, assertRelClose, assertThrows } from "../_util.ts";

Deno.test("powerlawTemperature() gives T0 P^alpha clipped to the range", () => {
  const p = new Float64Array([1e-5, 1e-2, 1, 10]);
  const t = powerlawTemperature(p, 1300, 0.1);
  for (let i = 0; i < p.length; i++) {
    assertRelClose(t[i]!, 1300 * p[i]! ** 0.1, 1e-15);
  }
  const c = powerlawTemperature(p, 1300, 0.1, [500, 1400]);
  assertEquals(c[0], 500); // 1300 * 1e-5^0.1 = 411 -> 500
  assertRelClose(c[1]!, 1300 * 0.01 ** 0.1, 1e-15);
  assertEquals(c[2], 1300);
  assertEquals(c[3], 1400); // 1636 -> 1400
});

Deno.test("powerlawTemperature() rejects bad pressures, T0 and ranges", () => {
  const p = new Float64Array([1, -1]);
  assertThrows(() => powerlawTemperature(p, 1000, 0.1), RangeError, "layer 1");
  assertThrows(
    () => powerlawTemperature(new Float64Array([1]), 0, 0.1),
    RangeError,
    "t0",
  );
  assertThrows(
    () => powerlawTemperature(new Float64Array([1]), 1000, NaN),
    RangeError,
    "alpha",
  );
  assertThrows(
    () => powerlawTemperature(new Float64Array([1]), 1000, 0.1, [900, 800]),
    RangeError,
    "tHigh",
  );
  assertThrows(
    () => powerlawTemperature([1] as unknown as Float64Array, 1000, 0.1),
    TypeError,
    "Float64Array",
  );
});

Deno.test("gravityJupiter() equals g_J M / R^2", () => {
  assertEquals(gravityJupiter(1, 1), GJ);
  assertRelClose(gravityJupiter(0.88, 33.2), (GJ * 33.2) / 0.88 ** 2, 1e-15);
  assertThrows(() => gravityJupiter(0, 1), RangeError, "radiusRJ");
  assertThrows(() => gravityJupiter(1, -2), RangeError, "massMJ");
});
