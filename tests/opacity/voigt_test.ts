import { strictEqual as assertStrictEquals } from "node:assert";
import { voigtProfile, voigtProfileArray } from "../../src/opacity/voigt.ts";
import { assertRelClose, assertThrowsWith, maxRelErr } from "../_util.ts";

interface VoigtCase {
  sigma: number;
  gamma: number;
  x: number[];
  v: number[];
}
const FIX: { cases: VoigtCase[] } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../fixtures/faddeeva_voigt.json", import.meta.url),
  ),
);

Deno.test("voigtProfile() matches scipy.special.voigt_profile within 1e-10", () => {
  let worst = 0;
  for (const c of FIX.cases) {
    const got = voigtProfileArray(new Float64Array(c.x), c.sigma, c.gamma);
    const e = maxRelErr(got, c.v);
    worst = Math.max(worst, e);
    if (!(e <= 1e-10)) {
      throw new Error(`σ=${c.sigma}, γ=${c.gamma}: max rel err ${e}`);
    }
    c.x.forEach((x, i) =>
      assertStrictEquals(voigtProfile(x, c.sigma, c.gamma), got[i])
    );
  }
  console.log(`worst relative error vs scipy: ${worst.toExponential(2)}`);
});

Deno.test("voigtProfile() has exact Gaussian and Lorentzian limits (1e-10)", () => {
  const beta = 0.037;
  for (let x = -12 * beta; x <= 12 * beta; x += beta / 16) {
    const g = Math.exp(-x * x / (2 * beta * beta)) /
      (Math.sqrt(2 * Math.PI) * beta);
    assertRelClose(voigtProfile(x, beta, 0), g, 1e-13, `γ=0, x=${x}`);
    // γ ≪ β: the Lorentz admixture is O(γ/β) ≈ 1e-14 near the core.
    if (Math.abs(x) <= 4 * beta) {
      assertRelClose(voigtProfile(x, beta, 1e-14 * beta), g, 1e-10, `x=${x}`);
    }
  }
  const gam = 0.21;
  for (let x = -1e3 * gam; x <= 1e3 * gam; x += gam / 4) {
    const l = gam / (Math.PI * (x * x + gam * gam));
    assertRelClose(voigtProfile(x, 0, gam), l, 1e-15, `β=0, x=${x}`);
    // β ≪ γ: relative corrections O((β/γ)²) ≈ 1e-18.
    assertRelClose(voigtProfile(x, 1e-9 * gam, gam), l, 1e-10, `β→0, x=${x}`);
  }
});

/**
 * ∫V dx over ℝ by x = c·tan θ: the integrand V(c tan θ)·c·sec²θ is smooth on [−π/2, π/2]
 * and tends to γ/(πc) at the ends, so composite Simpson converges as h⁴ (h ≈ 3e-5 here,
 * truncation ≪ 1e-15); what remains is the ~1e-14 accuracy of V and rounding in the sum.
 */
function integrate(beta: number, gamma: number, n: number): number {
  const c = Math.max(beta, gamma);
  const h = Math.PI / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const th = -Math.PI / 2 + i * h;
    let f: number;
    if (i === 0 || i === n) f = gamma / (Math.PI * c);
    else {
      const ct = Math.cos(th);
      f = voigtProfile(c * Math.tan(th), beta, gamma) * c / (ct * ct);
    }
    s += f * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
  }
  return s * h / 3;
}

Deno.test("voigtProfile() integrates to 1 within 1e-10", () => {
  for (
    const [beta, gamma] of [[1, 0.5], [0.03, 1e-3], [1e-3, 0.05], [0.02, 0], [
      0,
      0.1,
    ]]
  ) {
    const total = integrate(beta!, gamma!, 100000);
    console.log(
      `β=${beta}, γ=${gamma}: ∫V dx − 1 = ${(total - 1).toExponential(2)}`,
    );
    assertRelClose(total, 1, 1e-10, `β=${beta}, γ=${gamma}`);
  }
});

Deno.test("voigtProfileArray() writes into out and validates arguments", async () => {
  const x = new Float64Array([-1, 0, 2]);
  const out = new Float64Array(3);
  assertStrictEquals(voigtProfileArray(x, 0.5, 0.1, out), out);
  assertStrictEquals(out[2], voigtProfile(2, 0.5, 0.1));
  await assertThrowsWith(
    () => voigtProfileArray(x, 0.5, 0.1, new Float64Array(2)),
    "out",
    "3",
  );
  await assertThrowsWith(
    () => voigtProfileArray([1] as unknown as Float64Array, 1, 1),
    "Float64Array",
  );
  await assertThrowsWith(
    () => voigtProfileArray(new Float64Array([NaN]), 1, 1),
    "x[0]",
    "NaN",
  );
  const r = await assertThrowsWith(
    () => voigtProfile(0, -1, 0.1),
    "betaD",
    "-1",
  );
  assertStrictEquals(r.name, "RangeError");
  await assertThrowsWith(() => voigtProfile(0, 1, NaN), "gammaL", "NaN");
  await assertThrowsWith(() => voigtProfile(0, 0, 0), "both 0");
  await assertThrowsWith(
    () => voigtProfile(Infinity, 1, 1),
    "x must be finite",
  );
  const t = await assertThrowsWith(
    () => voigtProfile(0, "1" as unknown as number, 1),
    "betaD",
  );
  assertStrictEquals(t.name, "TypeError");
});
