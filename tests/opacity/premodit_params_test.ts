import { assertRelClose, assertThrowsWith } from "../_util.ts";
import {
  lbdStrengthError,
  lbdWeightCoefficients,
  premoditOptimalParams,
} from "../../src/opacity/premodit_params.ts";

Deno.test("lbdWeightCoefficients() derivatives match finite differences in 1/T", () => {
  for (
    const [delta, dE, tref, twt] of [
      [30, 100, 800, 600],
      [400, 533, 1500, 600],
      [1, 50, 300, 900],
    ]
  ) {
    const [w, w1, w2] = lbdWeightCoefficients(delta!, dE!, tref!, twt!);
    const f = (it: number) =>
      lbdWeightCoefficients(delta!, dE!, tref!, 1 / it)[0];
    const it = 1 / twt!;
    const h = 1e-6 * it;
    const h2 = 1e-4 * it;
    assertRelClose(f(it), w, 1e-15);
    assertRelClose((f(it + h) - f(it - h)) / (2 * h), w1, 1e-6, "dw/dt");
    assertRelClose(
      (f(it + h2) - 2 * f(it) + f(it - h2)) / (h2 * h2),
      w2,
      1e-4,
      "d²w/dt²",
    );
  }
  // Twt = Tref: series branch, w linear in E″
  const [w, w1] = lbdWeightCoefficients(25, 100, 800, 800);
  assertRelClose(w, 0.25, 1e-15);
  assertRelClose(
    w1,
    lbdWeightCoefficients(25, 100, 800, 800 * (1 + 1e-4))[1],
    1e-3,
  );
});

Deno.test("lbdStrengthError() vanishes at Tref and Twt", () => {
  for (const d of [0, 1, 2] as const) {
    for (const p of [0.1, 0.5, 0.9]) {
      if (!(Math.abs(lbdStrengthError(1200, 1200, 700, 500, p, d)) < 1e-13)) {
        throw new Error("Tref");
      }
      if (!(Math.abs(lbdStrengthError(700, 1200, 700, 500, p, d)) < 1e-13)) {
        throw new Error("Twt");
      }
    }
  }
});

Deno.test("premoditOptimalParams() keeps the line-strength error below the tolerance over the range", () => {
  for (const d of [0, 1, 2] as const) {
    for (
      const [tl, tu, tol] of [[500, 1500, 1e-4], [300, 3000, 1e-2], [
        1000,
        1000,
        1e-4,
      ]]
    ) {
      const prm = premoditOptimalParams(tl!, tu!, d, tol!);
      let worst = 0;
      for (let k = 0; k <= 400; k++) {
        const t = 1 / (1 / tu! + (1 / tl! - 1 / tu!) * k / 400);
        for (let j = 1; j < 200; j++) {
          worst = Math.max(
            worst,
            Math.abs(
              lbdStrengthError(t, prm.tref, prm.twt, prm.dE, j / 200, d),
            ),
          );
        }
      }
      if (!(worst <= tol! * 1.0001)) {
        throw new Error(
          `diffmode ${d} [${tl}, ${tu}]: worst ${worst} > ${tol} (${
            JSON.stringify(prm)
          })`,
        );
      }
    }
  }
  // higher Taylor orders allow coarser E″ grids
  const [a, b, c] = ([0, 1, 2] as const).map((d) =>
    premoditOptimalParams(500, 1500, d).dE
  );
  if (!(a! < b! && b! < c!)) throw new Error(`dE ${a} ${b} ${c}`);
});

Deno.test("premoditOptimalParams() rejects inverted ranges and bad diffmode", async () => {
  const e1: Error = await assertThrowsWith(
    () => premoditOptimalParams(900, 500),
    "tl must be <= tu",
  );
  if (!(e1 instanceof RangeError)) throw e1;
  const e2: Error = await assertThrowsWith(
    () => premoditOptimalParams(500, 900, 5 as unknown as 0),
    "diffmode",
  );
  if (!(e2 instanceof RangeError)) throw e2;
});
