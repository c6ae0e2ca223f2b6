import nodeAssert from "node:assert";
import { createRfftPlan } from "../../src/fft/fft.ts";
import { createPremoditAlias } from "../../src/opacity/premodit_alias.ts";

const N = 3500;
const alias = createPremoditAlias(N, createRfftPlan(2 * N));

/** Σ_{n∉(−N,N]} γ/(π(n² + γ²)) by direct summation to M and the integral tail. */
function outerTails(gam: number): number {
  const M = 2_000_000;
  let s = 0;
  for (let n = M; n >= N + 1; n--) s += 1 / (n * n + gam * gam); // n > N
  const pos = s + Math.atan(gam / (M + 0.5)) / gam; // ∫_{M+½}^∞ dn/(n² + γ²)
  const neg = pos + 1 / (N * N + gam * gam); // n ≤ −N
  return gam / Math.PI * (pos + neg);
}

Deno.test("wrap-around series: Â(0) equals the directly summed outer tails at small γ", () => {
  const a = new Float64Array(N + 1);
  for (const gam of [1e-3, 0.1, 7.9, 300]) {
    nodeAssert.ok(alias.into(gam, a));
    const want = outerTails(gam);
    const rel = Math.abs(a[0]! - want) / want;
    nodeAssert.ok(rel < 1e-12, `γ = ${gam}: rel ${rel}`);
  }
});

Deno.test("wrap-around: series and closed form agree across the switch γ = 0.25 N", () => {
  // Just below the switch the series is used; a hair above, the closed form + rFFT.
  const lo = new Float64Array(N + 1);
  const hi = new Float64Array(N + 1);
  const gLo = new Float64Array(N + 1);
  const gHi = new Float64Array(N + 1);
  alias.into(0.25 * N, lo, gLo);
  alias.into(0.25 * N * (1 + 1e-13), hi, gHi);
  let peak = 0;
  let peakG = 0;
  for (let m = 0; m <= N; m++) {
    peak = Math.max(peak, Math.abs(lo[m]!));
    peakG = Math.max(peakG, Math.abs(gLo[m]!));
  }
  for (let m = 0; m <= N; m++) {
    nodeAssert.ok(Math.abs(lo[m]! - hi[m]!) < 1e-12 * peak, `Â(${m})`);
    nodeAssert.ok(Math.abs(gLo[m]! - gHi[m]!) < 1e-12 * peakG, `γ∂Â(${m})`);
  }
});

Deno.test("wrap-around: negligible below γ = 1e-8 · 2N", () => {
  nodeAssert.strictEqual(alias.into(1e-5, new Float64Array(N + 1)), false);
});
