import {
  gaussianKernel,
  ipgauss,
  resolutionToGaussianStd,
} from "../../src/sop/instrument_profile.ts";
import {
  gaussianKernelPartials,
  ipgaussJvp,
  ipgaussVjp,
  ipgaussWithVjp,
} from "../../src/sop/instrument_profile_ad.ts";
import { createSopInstProfile } from "../../src/sop/sop.ts";
import { key, normal, split, uniform } from "../../src/random/prng.ts";
import { assert, assertEquals, assertThrows } from "../_util.ts";
import {
  dot,
  fDirection,
  N,
  NU,
  relL2,
  report,
  spectrum,
  stackF,
} from "./_ad_helpers.ts";

// Tutorial set-up: 22920–23000 Å, 3500 points, vrMax = 1000 km/s (kernel longer than
// the spectrum), β for R = 70 000.
const VG = createSopInstProfile(NU, { vrMax: 1000 }).vGrid;
const BETA = resolutionToGaussianStd(70000);
/** β values: the tutorial's and R ∈ [30 000, 100 000]. */
const BETAS = [
  BETA,
  ...uniform(key(3), 4).map((u) => resolutionToGaussianStd(30000 + 70000 * u)),
];

Deno.test("gaussianKernelPartials() matches central differences of gaussianKernel() within 1e-8", () => {
  let worst = 0;
  for (const beta of BETAS) {
    const p = gaussianKernelPartials(VG, beta);
    assertEquals(p.kernel, gaussianKernel(VG, beta));
    const h = 1e-5 * beta;
    const kp = gaussianKernel(VG, beta + h);
    const km = gaussianKernel(VG, beta - h);
    const fd = kp.map((x, i) => (x - km[i]!) / (2 * h));
    worst = Math.max(worst, relL2(p.dBeta, fd));
  }
  report(`gaussianKernelPartials FD rel L2 err: ${worst.toExponential(2)}`);
  assert(worst <= 1e-8, `${worst}`);
});

Deno.test("ipgaussJvp() matches central differences within 1e-5 (f, β and mixed)", () => {
  const f = spectrum(7);
  const vf = fDirection(f, 8);
  const zeros = new Float64Array(N);
  let worst = 0;
  for (const beta of BETAS) {
    const dirs: [Float64Array, number][] = [[vf, 0], [zeros, 1], [vf, -0.6]];
    const k = dirs.length;
    const tf = stackF(dirs);
    const { out, dout } = ipgaussJvp(f, VG, beta, {
      k,
      f: tf,
      beta: Float64Array.from(dirs, (d) => d[1]),
    });
    assertEquals(out, ipgauss(f, VG, beta));
    const h = 1e-5;
    dirs.forEach(([df, db], i) => {
      const op = ipgauss(f.map((x, j) => x + h * df[j]!), VG, beta + h * db);
      const om = ipgauss(f.map((x, j) => x - h * df[j]!), VG, beta - h * db);
      const fd = op.map((x, j) => (x - om[j]!) / (2 * h));
      const err = relL2(dout.subarray(i * N, (i + 1) * N), fd);
      worst = Math.max(worst, err);
      assert(err <= 1e-5, `beta=${beta} dir ${i}: ${err}`);
    });
  }
  report(`ipgaussJvp FD rel L2 err: ${worst.toExponential(2)}`);
});

Deno.test("ipgaussWithVjp() is the transpose of ipgaussJvp(): ⟨w, Jv⟩ = ⟨Jᵀw, v⟩ within 1e-10", () => {
  const f = spectrum(21);
  let worst = 0;
  BETAS.forEach((beta, s) => {
    const [kv, kw, kb] = split(key(200 + s), 3);
    const vf = normal(kv!, N);
    const vb = normal(kb!, 1);
    const w = normal(kw!, N);
    const { dout } = ipgaussJvp(f, VG, beta, { k: 1, f: vf, beta: vb });
    const { out, pullback } = ipgaussWithVjp(f, VG, beta);
    assertEquals(out, ipgauss(f, VG, beta));
    const bars = pullback(w);
    assertEquals(bars.length, 2); // [fBar, betaBar], the primitive's input order
    const [fBar, betaBarArr] = bars;
    assertEquals([fBar!.length, betaBarArr!.length], [N, 1]);
    const betaBar = betaBarArr![0]!;
    const lhs = dot(w, dout);
    const rhs = dot(fBar!, vf) + betaBar * vb[0]!;
    const err = Math.abs(lhs - rhs) / Math.abs(lhs);
    worst = Math.max(worst, err);
    assert(err <= 1e-10, `beta=${beta}: ${lhs} vs ${rhs}`);
    const { dout: db } = ipgaussJvp(f, VG, beta, {
      k: 1,
      beta: new Float64Array([1]),
    });
    const e = Math.abs(dot(w, db) - betaBar) / Math.abs(betaBar);
    worst = Math.max(worst, e);
    assert(e <= 1e-10, `betaBar: ${dot(w, db)} vs ${betaBar}`);
  });
  report(`ipgauss adjoint rel err: ${worst.toExponential(2)}`);
});

Deno.test("ipgaussJvp()/ipgaussVjp() Jacobians in f are exact transposes when the kernel is longer than the signal", () => {
  const n = 9;
  const vg = Float64Array.from({ length: 21 }, (_, i) => 0.5 * (i - 10));
  const f = uniform(key(9), n);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const { dout: cols } = ipgaussJvp(f, vg, 1.7, { k: n, f: eye }); // row d = J e_d
  for (let i = 0; i < n; i++) {
    const ct = new Float64Array(n);
    ct[i] = 1;
    const [fBar] = ipgaussVjp(f, vg, 1.7, ct); // fBar[p] = J[i][p]
    for (let p = 0; p < n; p++) {
      assert(
        Math.abs(fBar![p]! - cols[p * n + i]!) <= 1e-16,
        `J[${i}][${p}]`,
      );
    }
  }
});

Deno.test("ipgaussJvp() batches K = 7 directions identically to K = 1 calls", () => {
  const f = spectrum(31);
  const k = 7;
  const tf = normal(key(32), k * N);
  tf.fill(0, 4 * N, 5 * N);
  const tb = normal(key(33), k);
  tb[1] = 0;
  const { dout } = ipgaussJvp(f, VG, BETA, { k, f: tf, beta: tb });
  for (let d = 0; d < k; d++) {
    const one = ipgaussJvp(f, VG, BETA, {
      k: 1,
      f: tf.slice(d * N, (d + 1) * N),
      beta: tb.slice(d, d + 1),
    });
    assertEquals(dout.slice(d * N, (d + 1) * N), one.dout);
  }
});

Deno.test("ipgaussJvp()/ipgaussWithVjp() reject bad tangents, cotangents and β", () => {
  const f = spectrum(51);
  assertThrows(
    () => ipgaussJvp(f, VG, BETA, { k: 1, beta: new Float64Array(3) }),
    TypeError,
    "tangents.beta",
  );
  assertThrows(
    () => ipgaussJvp(f, VG, BETA, { k: 1.5 }),
    RangeError,
    "tangent count",
  );
  assertThrows(() => ipgaussJvp(f, VG, 0, { k: 1 }), RangeError, "beta");
  assertThrows(() => ipgaussWithVjp(f, VG, -1), RangeError, "beta");
  const { pullback } = ipgaussWithVjp(f, VG, BETA);
  assertThrows(() => pullback(new Float64Array(N + 1)), TypeError, "ct");
});
