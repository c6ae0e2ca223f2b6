import {
  emissionIbased,
  emissionQuadrature,
} from "../../src/rt/emission_ibased.ts";
import { planckPi } from "../../src/rt/planck.ts";
import { pressureLayers } from "../../src/rt/pressure_layers.ts";
import { C2, PLANCK_PI_CONST } from "../../src/constants.ts";
import { assertEquals, assertThrows, maxRelErr } from "../_util.ts";
import e3fix from "../fixtures/rt_expn3.json" with { type: "json" };

const NU = new Float64Array([4200, 4300, 4350.5]);

/** Optically thick 100-layer isothermal atmosphere: dτ = κ_j dP with κ_j spanning 1..1e4 /bar. */
function thickIsothermal(
  t: number,
): { dtau: Float64Array; temperature: Float64Array } {
  const { dParr } = pressureLayers(1e-5, 10, 100);
  const kappa = [1e4, 300, 40]; // total τ ≈ 1e5, 3e3, 4e2
  const dtau = new Float64Array(100 * NU.length);
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < NU.length; j++) {
      dtau[i * NU.length + j] = kappa[j]! * dParr[i]!;
    }
  }
  return { dtau, temperature: new Float64Array(100).fill(t) };
}

/** E₃(x) from the scipy fixture. */
function e3(x: number): number {
  const k = e3fix.x.indexOf(x);
  if (k < 0) throw new Error(`no E3 fixture value at ${x}`);
  return e3fix.e3[k]!;
}

Deno.test("emissionIbased() of a thick isothermal atmosphere equals piB within 1e-6", () => {
  const { dtau, temperature } = thickIsothermal(1300);
  const ref = planckPi(NU, 1300);
  for (const nstream of [2, 4, 8, 16]) {
    const e = maxRelErr(emissionIbased(dtau, temperature, NU, nstream), ref);
    if (!(e <= 1e-6)) {
      throw new Error(`nstream ${nstream}: rel err ${e} > 1e-6`);
    }
  }
});

Deno.test("emissionIbased() converges monotonically to piB(1 - 2E3(tau0)) for an isothermal slab", () => {
  // Exact flux of an isothermal slab with no bottom source: F = πB ∫0^1 2µ(1 − e^{−τ0/µ}) dµ
  // = πB (1 − 2E₃(τ0)). The slab is split into 10 equal layers.
  const nu = new Float64Array([4300]);
  const piB = planckPi(nu, 1000)[0]!;
  for (const tau0 of [0.1, 0.5, 1, 2, 5]) {
    const exact = piB * (1 - 2 * e3(tau0));
    const dtau = new Float64Array(10).fill(tau0 / 10);
    const t = new Float64Array(10).fill(1000);
    let prev = Infinity;
    const errs: string[] = [];
    for (const nstream of [2, 4, 8, 16, 32]) {
      const err = Math.abs(
        emissionIbased(dtau, t, nu, nstream)[0]! / exact - 1,
      );
      errs.push(err.toExponential(2));
      if (!(err < prev)) {
        throw new Error(`tau0 ${tau0}: not monotone: ${errs.join(", ")}`);
      }
      prev = err;
    }
    // measured at nstream 32: 3.6e-6 (τ0 = 0.1) … 7e-14 (τ0 = 5)
    if (!(prev <= 1e-5)) {
      throw new Error(`tau0 ${tau0}: nstream-32 error ${prev} > 1e-5`);
    }
  }
});

Deno.test("emissionIbased() reproduces Eddington-Barbier F = a + 2b/3 for piB = a + b tau (semi-infinite)", () => {
  // πB(τ) = a + bτ, τ to 40 in 20000 layers of dτ = 0.002, source at each layer's mid-τ.
  // For nstream >= 4 the µ-quadrature of 2µ(a + bµ) is exact, so the only error is the
  // isothermal-layer (midpoint) discretisation, predicted as +b dτ²/6 (weight-averaged τ in a
  // layer is τ_mid − dτ²/(12µ)). nstream = 2 (µ = 1/2) gives a + b/2 + b dτ²/6 instead.
  const nu = new Float64Array([4300]);
  const v = nu[0]!;
  const a = planckPi(nu, 1000)[0]!;
  const b = 0.5 * a;
  const n = 20000;
  const dt = 0.002;
  const dtau = new Float64Array(n).fill(dt);
  const temperature = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = a + b * (i + 0.5) * dt;
    temperature[i] = (C2 * v) / Math.log1p((PLANCK_PI_CONST * v ** 3) / s);
  }
  const eb = a + (2 * b) / 3;
  const disc = (b * dt * dt) / 6;
  for (const nstream of [4, 8, 16]) {
    const f = emissionIbased(dtau, temperature, nu, nstream)[0]!;
    const rel = Math.abs(f / eb - 1);
    if (!(rel <= 1e-6)) {
      throw new Error(`nstream ${nstream}: |F/F_EB - 1| = ${rel} > 1e-6`);
    }
    const resid = Math.abs(f - eb - disc) / eb;
    if (!(resid <= 1e-9)) {
      throw new Error(
        `nstream ${nstream}: residual after b dτ²/6: ${resid} > 1e-9`,
      );
    }
  }
  const f2 = emissionIbased(dtau, temperature, nu, 2)[0]!;
  const r2 = Math.abs(f2 - (a + b / 2) - disc) / eb;
  if (!(r2 <= 1e-9)) throw new Error(`nstream 2: residual ${r2} > 1e-9`);
});

Deno.test("emissionQuadrature() maps nstream/2 Gauss-Legendre nodes to (0, 1) with weights summing to 1", () => {
  const { mu, w } = emissionQuadrature(8);
  assertEquals(mu.length, 4);
  let s = 0, s1 = 0;
  for (let m = 0; m < 4; m++) {
    s += w[m]!;
    s1 += 2 * mu[m]! * w[m]!;
  }
  if (Math.abs(s - 1) > 1e-15 || Math.abs(s1 - 1) > 1e-15) {
    throw new Error(`sums ${s}, ${s1}`);
  }
  assertThrows(() => emissionQuadrature(3), RangeError, "nstream");
  assertThrows(() => emissionQuadrature(0), RangeError, "nstream");
});

Deno.test("emissionIbased() validates shapes, optical depths and temperatures", () => {
  const t = new Float64Array([1000, 1100]);
  const nu = new Float64Array([4300, 4301]);
  assertThrows(
    () => emissionIbased(new Float64Array(3), t, nu),
    TypeError,
    "2*2 = 4, got 3",
  );
  assertThrows(
    () => emissionIbased(new Float64Array([0, 0, -1e-3, 0]), t, nu),
    RangeError,
    "layer 1, wavenumber index 0",
  );
  assertThrows(
    () => emissionIbased(new Float64Array([0, NaN, 0, 0]), t, nu),
    RangeError,
    "layer 0, wavenumber index 1",
  );
  assertThrows(
    () => emissionIbased(new Float64Array(4), new Float64Array([1000, 0]), nu),
    RangeError,
    "temperature at layer 1",
  );
  assertThrows(
    () => emissionIbased(new Float64Array(4), t, nu, 5),
    RangeError,
    "nstream",
  );
  assertThrows(
    () => emissionIbased([0, 0, 0, 0] as unknown as Float64Array, t, nu),
    TypeError,
    "Float64Array",
  );
  // an opaque (+Infinity) layer hides everything below it
  const f = emissionIbased(new Float64Array([Infinity, Infinity, 1, 1]), t, nu);
  const e = maxRelErr(f, planckPi(nu, 1000));
  if (!(e <= 1e-15)) throw new Error(`opaque top layer: ${e}`);
});

Deno.test("emissionIbased() runs 100 layers x 3500 wavenumbers x 8 streams quickly", () => {
  const nlayer = 100, nnu = 3500;
  const nu = new Float64Array(nnu).map((_, j) => 4347 + j * 0.004);
  const dtau = new Float64Array(nlayer * nnu).map((_, k) =>
    1e-3 * (1 + (k % 97)) * (1 + Math.floor(k / nnu))
  );
  const t = new Float64Array(nlayer).map((_, i) => 800 + 5 * i);
  const t0 = performance.now();
  const f = emissionIbased(dtau, t, nu, 8);
  const ms = performance.now() - t0;
  console.log(`emissionIbased 100x3500x8: ${ms.toFixed(1)} ms`);
  if (!f.every((x) => Number.isFinite(x) && x > 0)) {
    throw new Error("non-finite flux");
  }
  if (!(ms < 2000)) throw new Error(`too slow: ${ms} ms`);
});
