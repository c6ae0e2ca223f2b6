import { strictEqual as assertStrictEquals } from "node:assert";
import { faddeeva, faddeevaRe } from "../../src/special/faddeeva.ts";
import { NonFiniteError } from "../../src/errors.ts";
import { assertRelClose, assertThrowsWith } from "../_util.ts";

type Num = number | string;
const FIX: { x: number[]; y: number[]; re: Num[]; im: Num[] } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../fixtures/faddeeva_wofz.json", import.meta.url),
  ),
);
const num = (v: Num): number =>
  typeof v === "number"
    ? v
    : v === "inf"
    ? Infinity
    : v === "-inf"
    ? -Infinity
    : NaN;

/** Values below this are denormal-range and compared absolutely (precision is lost there). */
const TINY = 1e-300;

Deno.test("faddeeva() matches scipy.special.wofz within 1e-10 over the whole plane", () => {
  let worstC = 0, worstRe = 0, worstIm = 0, nInf = 0;
  for (let i = 0; i < FIX.x.length; i++) {
    const x = FIX.x[i]!,
      y = FIX.y[i]!,
      re = num(FIX.re[i]!),
      im = num(FIX.im[i]!);
    const [a, b] = faddeeva(x, y);
    if (!Number.isFinite(re) || !Number.isFinite(im)) {
      // e^{-z²} overflows (y < 0, y² − x² ≳ 709): same infinities as scipy.
      nInf++;
      if (!Number.isNaN(re)) assertStrictEquals(a, re, `Re at (${x}, ${y})`);
      if (!Number.isNaN(im)) assertStrictEquals(b, im, `Im at (${x}, ${y})`);
      continue;
    }
    const ec = Math.hypot(a - re, b - im) / Math.max(Math.hypot(re, im), TINY);
    const er = Math.abs(a - re) / Math.max(Math.abs(re), TINY);
    const ei = Math.abs(b - im) / Math.max(Math.abs(im), TINY);
    worstC = Math.max(worstC, ec);
    worstRe = Math.max(worstRe, er);
    worstIm = Math.max(worstIm, ei);
    if (!(ec <= 1e-10 && er <= 1e-10 && ei <= 1e-10)) {
      throw new Error(
        `w(${x} + ${y}i) = ${a} + ${b}i, scipy ${re} + ${im}i (${ec}, ${er}, ${ei})`,
      );
    }
  }
  console.log(
    `${FIX.x.length} points (${nInf} overflowing); worst relative error: complex ${
      worstC.toExponential(2)
    }, ` +
      `Re ${worstRe.toExponential(2)}, Im ${worstIm.toExponential(2)}`,
  );
});

Deno.test("faddeevaRe() equals faddeeva()[0] for y >= 0 and falls back for y < 0", () => {
  for (let i = 0; i < FIX.x.length; i++) {
    const x = FIX.x[i]!, y = FIX.y[i]!;
    if (y >= 0) {
      assertStrictEquals(faddeevaRe(x, y), faddeeva(x, y)[0], `(${x}, ${y})`);
    }
  }
  assertStrictEquals(faddeevaRe(1.5, -0.5), faddeeva(1.5, -0.5)[0]);
});

Deno.test("faddeeva() has the Gaussian limit Re w(x + i0) = e^{-x²}", () => {
  for (let x = 0; x <= 26; x += 0.0625) {
    // exp(-x²) itself carries ~x²·eps relative error from rounding x².
    assertRelClose(
      faddeevaRe(x, 0),
      Math.exp(-x * x),
      1e-15 * Math.max(1, x * x),
      `x=${x}`,
    );
    assertRelClose(
      faddeeva(-x, 0)[0],
      Math.exp(-x * x),
      1e-15 * Math.max(1, x * x),
      `x=${x}`,
    );
  }
  // y → 0⁺: Re w(x + iy) − e^{-x²} ≈ y·(2x Im w(x) − 2/√π) → 0 linearly.
  const x = 1.3, y = 1e-9;
  const [, imw] = faddeeva(x, 0);
  assertRelClose(
    faddeevaRe(x, y) - Math.exp(-x * x),
    y * (2 * x * imw - 2 / Math.sqrt(Math.PI)),
    1e-5,
  );
});

Deno.test("faddeeva() has the Lorentzian limit w ≈ i/(√π z) for large |z|", () => {
  for (
    const [x, y] of [[1e6, 0], [1e6, 3e5], [0, 1e7], [-4e6, 1], [3e9, 2e9], [
      1e200,
      1e150,
    ]]
  ) {
    const [a, b] = faddeeva(x!, y!);
    // i/(√π z) = (y + ix)/(√π|z|²); next term is 1/(2z²) relative.
    const s = Math.max(Math.abs(x!), Math.abs(y!));
    const d = Math.sqrt(Math.PI) * s * ((x! / s) ** 2 + (y! / s) ** 2);
    assertRelClose(b, x! / s / d, 1e-11, `Im at ${x},${y}`, Math.hypot(a, b));
    assertRelClose(a, y! / s / d, 1e-11, `Re at ${x},${y}`, 1e-300);
  }
});

Deno.test("faddeeva() is symmetric: w(−x + iy) = conj(w(x + iy)), and w(0) = 1", () => {
  for (let i = 0; i < FIX.x.length; i += 3) {
    const x = FIX.x[i]!, y = FIX.y[i]!;
    const [a, b] = faddeeva(x, y);
    const [c, d] = faddeeva(-x, y);
    // (=== so that +0 and −0 compare equal)
    if (!(c === a && d === -b)) {
      throw new Error(`w(${-x} + ${y}i) = ${c} + ${d}i vs ${a} + ${b}i`);
    }
  }
  const w0 = faddeeva(0, 0);
  assertStrictEquals(w0[0], 1);
  assertStrictEquals(w0[1], 0);
});

Deno.test("faddeeva() rejects non-numbers and non-finite input", async () => {
  const t = await assertThrowsWith(
    () => faddeeva("1" as unknown as number, 0),
    "x must be a number",
  );
  assertStrictEquals(t.name, "TypeError");
  const r = await assertThrowsWith(
    () => faddeeva(NaN, 0),
    "x must be finite",
    "NaN",
  );
  // a NonFiniteError (a RangeError) naming the stage and the parameter
  assertStrictEquals(r instanceof RangeError, true);
  assertStrictEquals(r instanceof NonFiniteError, true);
  assertStrictEquals((r as NonFiniteError).stage, "special.faddeeva");
  assertStrictEquals((r as NonFiniteError).parameter, "x");
  await assertThrowsWith(
    () => faddeevaRe(0, Infinity),
    "y must be finite",
    "Infinity",
  );
});
