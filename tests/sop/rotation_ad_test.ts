import { rigidRotation, rotationKernel } from "../../src/sop/rotation.ts";
import {
  rigidRotationJvp,
  rigidRotationVjp,
  rigidRotationWithVjp,
  rotationKernelPartials,
} from "../../src/sop/rotation_ad.ts";
import { createSopRotation } from "../../src/sop/sop.ts";
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

// Tutorial set-up: 22920–23000 Å, 3500 points, vsiniMax = 100 km/s.
const VG = createSopRotation(NU, { vsiniMax: 100 }).vGrid;
const DV = VG[1]! - VG[0]!;
const NK = (VG.length - 1) / 2;

/** Distance [cells] from ±vsini to the nearest grid velocity. */
function edgeMargin(vsini: number): number {
  const q = vsini / DV;
  return Math.abs(q - Math.round(q));
}

/** Random (vsini, u1, u2) with vsini ∈ [5, 15] km/s at least `margin` cells from any v_j. */
function samplePoints(
  seed: number,
  count: number,
  margin: number,
): [number, number, number][] {
  const u = uniform(key(seed), 3 * count * 4);
  const pts: [number, number, number][] = [];
  for (let i = 0; pts.length < count; i++) {
    const vsini = 5 + 10 * u[3 * i]!;
    if (edgeMargin(vsini) < margin) continue;
    // u1 = u2 = 0 is the tutorial's case; the others span typical quadratic laws.
    const ld = pts.length === 0
      ? [0, 0]
      : [0.8 * u[3 * i + 1]!, -0.2 + 0.6 * u[3 * i + 2]!];
    pts.push([vsini, ld[0]!, ld[1]!]);
  }
  return pts;
}

Deno.test("rotationKernelPartials() matches central differences of rotationKernel() within 1e-7", () => {
  let worst = 0;
  for (const [vsini, u1, u2] of samplePoints(1, 6, 0.05)) {
    const p = rotationKernelPartials(VG, vsini, u1, u2);
    assertEquals(p.kernel, rotationKernel(VG, vsini, u1, u2));
    const cases: [Float64Array, (e: number) => Float64Array, number][] = [
      [p.dVsini, (e) => rotationKernel(VG, vsini + e, u1, u2), 1e-5],
      [p.dU1, (e) => rotationKernel(VG, vsini, u1 + e, u2), 1e-4],
      [p.dU2, (e) => rotationKernel(VG, vsini, u1, u2 + e), 1e-4],
    ];
    for (const [d, fn, h] of cases) {
      const kp = fn(h);
      const km = fn(-h);
      const fd = kp.map((x, i) => (x - km[i]!) / (2 * h));
      worst = Math.max(worst, relL2(d, fd));
    }
  }
  report(`rotationKernelPartials FD rel L2 err: ${worst.toExponential(2)}`);
  assert(worst <= 1e-7, `rel err ${worst}`);
});

Deno.test("rigidRotationJvp() matches central differences within 1e-5 (f, vsini, u1, u2 and mixed)", () => {
  const f = spectrum(7);
  const vf = fDirection(f, 8);
  const zeros = new Float64Array(N);
  let worst = 0;
  for (const [vsini, u1, u2] of samplePoints(2, 6, 0.05)) {
    // directions (vf, dvsini, du1, du2): each input alone, then all together
    const dirs: [Float64Array, number, number, number][] = [
      [vf, 0, 0, 0],
      [zeros, 1, 0, 0],
      [zeros, 0, 1, 0],
      [zeros, 0, 0, 1],
      [vf, 0.7, -0.3, 0.4],
    ];
    const k = dirs.length;
    const tf = stackF(dirs);
    const { out, dout } = rigidRotationJvp(f, VG, vsini, u1, u2, {
      k,
      f: tf,
      vsini: Float64Array.from(dirs, (d) => d[1]),
      u1: Float64Array.from(dirs, (d) => d[2]),
      u2: Float64Array.from(dirs, (d) => d[3]),
    });
    assertEquals(out, rigidRotation(f, VG, vsini, u1, u2));
    const h = 1e-5;
    dirs.forEach(([df, dv, d1, d2], i) => {
      const fp = f.map((x, j) => x + h * df[j]!);
      const fm = f.map((x, j) => x - h * df[j]!);
      const op = rigidRotation(
        fp,
        VG,
        vsini + h * dv,
        u1 + h * d1,
        u2 + h * d2,
      );
      const om = rigidRotation(
        fm,
        VG,
        vsini - h * dv,
        u1 - h * d1,
        u2 - h * d2,
      );
      const fd = op.map((x, j) => (x - om[j]!) / (2 * h));
      const err = relL2(dout.subarray(i * N, (i + 1) * N), fd);
      worst = Math.max(worst, err);
      assert(err <= 1e-5, `vsini=${vsini} u=(${u1},${u2}) dir ${i}: ${err}`);
    });
  }
  report(`rigidRotationJvp FD rel L2 err: ${worst.toExponential(2)}`);
});

Deno.test("rigidRotationJvp() matches central differences within 1e-5 with ±vsini 1e-3 cells from a grid velocity", () => {
  // The √(1 − x²) edge makes the derivative of the outermost tap ∝ 1/√(1 − x²): finite
  // but steep, so the FD step must be ≪ the distance to the grid velocity.
  const f = spectrum(11);
  let worst = 0;
  for (const side of [-1, 1]) {
    const vsini = VG[NK + 33]! + side * 1e-3 * DV;
    const { dout } = rigidRotationJvp(f, VG, vsini, 0.3, 0.1, {
      k: 1,
      vsini: new Float64Array([1]),
    });
    // step: truncation ∝ (h/δ)² with δ = 3e-4 km/s vs roundoff ∝ 1/h; 2e-7 balances them
    const h = 2e-7;
    const op = rigidRotation(f, VG, vsini + h, 0.3, 0.1);
    const om = rigidRotation(f, VG, vsini - h, 0.3, 0.1);
    const fd = op.map((x, j) => (x - om[j]!) / (2 * h));
    const err = relL2(dout, fd);
    worst = Math.max(worst, err);
    assert(err <= 1e-5, `side ${side}: ${err}`);
  }
  report(`rigidRotationJvp near-edge FD rel L2 err: ${worst.toExponential(2)}`);
});

Deno.test("rigidRotationJvp() uses the one-sided (decreasing vsini) derivative when a grid velocity equals vsini", () => {
  const vsini = VG[NK + 30]!; // x² = 1 exactly at the two outermost taps
  assert((VG[NK + 30]! / vsini) ** 2 === 1);
  const p = rotationKernelPartials(VG, vsini, 0.5, 0.2);
  assert(p.dVsini[NK + 30] === 0 && p.dVsini[NK - 30] === 0);
  for (const d of p.dVsini) assert(Number.isFinite(d));
  // second-order one-sided difference from below: the edge taps stay at 0 there
  const f = spectrum(12);
  const { dout } = rigidRotationJvp(f, VG, vsini, 0.5, 0.2, {
    k: 1,
    vsini: new Float64Array([1]),
  });
  const h = 1e-6;
  const o0 = rigidRotation(f, VG, vsini, 0.5, 0.2);
  const o1 = rigidRotation(f, VG, vsini - h, 0.5, 0.2);
  const o2 = rigidRotation(f, VG, vsini - 2 * h, 0.5, 0.2);
  const fd = o0.map((x, j) => (3 * x - 4 * o1[j]! + o2[j]!) / (2 * h));
  const err = relL2(dout, fd);
  report(
    `rigidRotationJvp at-edge one-sided FD rel L2 err: ${err.toExponential(2)}`,
  );
  assert(err <= 1e-5, `${err}`);
});

Deno.test("rigidRotationWithVjp() is the transpose of rigidRotationJvp(): ⟨w, Jv⟩ = ⟨Jᵀw, v⟩ within 1e-10", () => {
  const f = spectrum(21);
  let worst = 0;
  const pts = samplePoints(3, 5, 0);
  pts.push([VG[NK + 30]!, 0.5, 0.2]); // exactly on the edge as well
  pts.forEach(([vsini, u1, u2], s) => {
    const [kv, kw, kp] = split(key(100 + s), 3);
    const vf = normal(kv!, N);
    const vp = normal(kp!, 3);
    const w = normal(kw!, N);
    const { dout } = rigidRotationJvp(f, VG, vsini, u1, u2, {
      k: 1,
      f: vf,
      vsini: vp.subarray(0, 1),
      u1: vp.subarray(1, 2),
      u2: vp.subarray(2, 3),
    });
    const { out, pullback } = rigidRotationWithVjp(f, VG, vsini, u1, u2);
    assertEquals(out, rigidRotation(f, VG, vsini, u1, u2));
    const bars = pullback(w);
    // [fBar, vsiniBar, u1Bar, u2Bar], the primitive's input order
    assertEquals(bars.map((b) => b!.length), [N, 1, 1, 1]);
    const fBar = bars[0]!;
    const [vsiniBar, u1Bar, u2Bar] = bars.slice(1).map((b) => b![0]!);
    const lhs = dot(w, dout);
    const rhs = dot(fBar, vf) + vsiniBar! * vp[0]! + u1Bar! * vp[1]! +
      u2Bar! * vp[2]!;
    const err = Math.abs(lhs - rhs) / Math.abs(lhs);
    worst = Math.max(worst, err);
    assert(err <= 1e-10, `vsini=${vsini}: ${lhs} vs ${rhs}`);
    // per-parameter cotangents against the JVP alone
    for (
      const [name, bar] of [["vsini", vsiniBar!], ["u1", u1Bar!]] as const
    ) {
      const { dout: d } = rigidRotationJvp(f, VG, vsini, u1, u2, {
        k: 1,
        [name]: new Float64Array([1]),
      });
      const e = Math.abs(dot(w, d) - bar) / Math.abs(bar);
      worst = Math.max(worst, e);
      assert(e <= 1e-10, `${name}: ${dot(w, d)} vs ${bar}`);
    }
  });
  report(`rigidRotation adjoint rel err: ${worst.toExponential(2)}`);
});

Deno.test("rigidRotationJvp() batches K = 7 directions identically to K = 1 calls and skips zero rows", () => {
  const f = spectrum(31);
  const k = 7;
  const tf = normal(key(32), k * N);
  tf.fill(0, 2 * N, 3 * N); // direction 2 moves only vsini
  const tv = normal(key(33), k);
  tv[0] = 0;
  const { dout } = rigidRotationJvp(f, VG, 11.3, 0.2, 0.1, {
    k,
    f: tf,
    vsini: tv,
  });
  for (let d = 0; d < k; d++) {
    const one = rigidRotationJvp(f, VG, 11.3, 0.2, 0.1, {
      k: 1,
      f: tf.slice(d * N, (d + 1) * N),
      vsini: tv.slice(d, d + 1),
    });
    assertEquals(dout.slice(d * N, (d + 1) * N), one.dout);
  }
  const none = rigidRotationJvp(f, VG, 11.3, 0.2, 0.1, { k: 3 });
  assertEquals(none.dout, new Float64Array(3 * N));
});

Deno.test("rigidRotationVjp() gives fBar = Kᵀ ct including the zero-padded ends", () => {
  // unit cotangent at the first output: fBar[p] = K̃[h − p] for p ≤ h
  const ct = new Float64Array(N);
  ct[0] = 1;
  const kern = rotationKernel(VG, 10, 0.4, 0.1);
  const [fBar] = rigidRotationVjp(spectrum(5), VG, 10, 0.4, 0.1, ct);
  for (let p = 0; p < 40; p++) {
    assert(fBar![p] === kern[NK - p], `p=${p}`);
  }
});

Deno.test("rigidRotationJvp()/rigidRotationWithVjp() reject bad tangents and cotangents", () => {
  const f = spectrum(51);
  assertThrows(
    () => rigidRotationJvp(f, VG, 9, 0, 0, { k: 2, f: new Float64Array(N) }),
    TypeError,
    "tangents.f",
  );
  assertThrows(
    () =>
      rigidRotationJvp(f, VG, 9, 0, 0, { k: 1, vsini: new Float64Array(2) }),
    TypeError,
    "tangents.vsini",
  );
  assertThrows(
    () => rigidRotationJvp(f, VG, 9, 0, 0, { k: -1 }),
    RangeError,
    "tangent count",
  );
  assertThrows(
    () => rigidRotationJvp(f, VG, 200, 0, 0, { k: 1 }),
    RangeError,
    "vsini",
  );
  const { pullback } = rigidRotationWithVjp(f, VG, 9, 0, 0);
  assertThrows(() => pullback(new Float64Array(N - 1)), TypeError, "ct");
  const bad = new Float64Array(N);
  bad[3] = NaN;
  assertThrows(() => pullback(bad), RangeError, "ct[3]");
});
