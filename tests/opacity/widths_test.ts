import { assertRelClose, assertThrowsWith, maxRelErr } from "../_util.ts";
import {
  dopplerSigma,
  dopplerSigmaArray,
  gammaLorentz,
  gammaLorentzArray,
  gammaNatural,
  gammaNaturalArray,
} from "../../src/opacity/widths.ts";

const fx = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/opacity_line.json", import.meta.url),
  ),
);
const L = fx.lines;

Deno.test("dopplerSigma() and gammaLorentz() match hand values", () => {
  // β_D = 3.0415595e-7 · √(1000/28.0101) · 4350 = 7.90548e-3 cm⁻¹ (Gaussian σ, not HWHM)
  assertRelClose(
    dopplerSigma(4350, 1000, 28.0101),
    3.0415595e-7 * 5.9750655 * 4350,
    1e-7,
  );
  assertRelClose(dopplerSigma(4350, 1000, 28.0101), 7.90548e-3, 1e-5);
  // γ_L = 0.07 · 10 bar · (296/1000)^0.5 = 0.3808412 cm⁻¹
  assertRelClose(gammaLorentz(10, 1000, 0.07, 0.5), 0.3808412, 1e-6);
  // γ_N = A/(4πc) = 2.6544188e-12 · 1e7
  assertRelClose(gammaNatural(1e7), 2.6544188e-5, 1e-15);
  assertRelClose(
    gammaNatural(1) * 4 * Math.PI * 29979245800,
    1,
    1e-7,
    "1/(4πc)",
  );
});

Deno.test("width arrays match the independent Python reference within 1e-14", () => {
  for (const c of fx.cases) {
    const nu = new Float64Array(L.nu);
    const e1 = maxRelErr(dopplerSigmaArray(nu, c.t, L.molmass), c.dopplerSigma);
    const e2 = maxRelErr(
      gammaLorentzArray(
        c.pBar,
        c.t,
        new Float64Array(L.alphaRef),
        new Float64Array(L.nTemp),
      ),
      c.gammaLorentz,
    );
    const e3 = maxRelErr(
      gammaNaturalArray(new Float64Array(L.einsteinA)),
      c.gammaNatural,
    );
    if (!(Math.max(e1, e2, e3) < 1e-14)) {
      throw new Error(`T=${c.t}: ${e1} ${e2} ${e3}`);
    }
  }
});

Deno.test("width functions reject invalid inputs", async () => {
  await throwsClass(
    () => dopplerSigma(4000, -1, 28),
    RangeError,
    "t must be > 0",
  );
  await throwsClass(() => dopplerSigma(4000, 300, 0), RangeError, "molmass");
  await throwsClass(
    () => gammaLorentz(-1, 300, 0.07, 0.5),
    RangeError,
    "pBar must be >= 0",
  );
  await throwsClass(
    () => gammaLorentz(1, 300, NaN, 0.5),
    RangeError,
    "alphaRef",
  );
  await throwsClass(() => gammaNatural(-3), RangeError, "einsteinA");
  await throwsClass(
    () => gammaLorentzArray(1, 300, new Float64Array(2), new Float64Array(3)),
    TypeError,
    "nTemp must have length 2",
  );
  await throwsClass(
    () => dopplerSigmaArray([1, 2] as unknown as Float64Array, 300, 28),
    TypeError,
    "Float64Array",
  );
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
