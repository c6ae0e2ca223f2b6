import { pressureLayers } from "../../src/rt/pressure_layers.ts";
import { assertEquals, assertThrows, maxRelErr } from "../_util.ts";
import fixture from "../fixtures/rt_pressure_layers.json" with { type: "json" };

Deno.test("pressureLayers() matches the numpy ExoJAX formulas within 1e-14", () => {
  for (const c of fixture.cases) {
    const got = pressureLayers(c.pTop, c.pBtm, c.nlayer, {
      referencePoint: c.referencePoint,
    });
    const tag = `case ${c.pTop}-${c.pBtm} n=${c.nlayer} r=${c.referencePoint}`;
    for (
      const [name, a, b] of [
        ["pressure", got.pressure, c.pressure],
        ["dParr", got.dParr, c.dParr],
        ["pressureBoundary", got.pressureBoundary, c.pressureBoundary],
        ["k", [got.k], [c.k]],
      ] as const
    ) {
      const e = maxRelErr(a, b);
      if (!(e <= 1e-14)) {
        throw new Error(`${tag}: ${name} rel err ${e} > 1e-14`);
      }
    }
  }
});

Deno.test("pressureLayers() boundaries bracket the layers and dParr is their difference", () => {
  const { pressure, dParr, pressureBoundary, k } = pressureLayers(
    1e-8,
    100,
    100,
  );
  assertEquals(pressure.length, 100);
  assertEquals(pressureBoundary.length, 101);
  for (let i = 0; i < 100; i++) {
    if (
      !(pressureBoundary[i]! < pressure[i]! &&
        pressure[i]! < pressureBoundary[i + 1]!)
    ) {
      throw new Error(`layer ${i} not bracketed`);
    }
    // geometric centre (r = 0.5)
    const gm = Math.sqrt(pressureBoundary[i]! * pressureBoundary[i + 1]!);
    if (Math.abs(gm / pressure[i]! - 1) > 1e-13) {
      throw new Error(`layer ${i} not centred`);
    }
    const d = pressureBoundary[i + 1]! - pressureBoundary[i]!;
    if (Math.abs(d / dParr[i]! - 1) > 1e-12) {
      throw new Error(`dParr[${i}] != boundary diff`);
    }
  }
  if (Math.abs(pressure[0]! / pressure[1]! - k) > 1e-14) {
    throw new Error("k mismatch");
  }
});

Deno.test("pressureLayers() rejects invalid arguments", () => {
  assertThrows(() => pressureLayers(10, 1, 10), RangeError, "pBtmBar");
  assertThrows(() => pressureLayers(0, 1, 10), RangeError, "pTopBar");
  assertThrows(() => pressureLayers(1e-5, NaN, 10), RangeError, "pBtmBar");
  assertThrows(() => pressureLayers(1e-5, 10, 1), RangeError, "nlayer");
  assertThrows(() => pressureLayers(1e-5, 10, 2.5), RangeError, "nlayer");
  assertThrows(
    () => pressureLayers(1e-5, 10, 10, { referencePoint: 1.5 }),
    RangeError,
    "referencePoint",
  );
});
