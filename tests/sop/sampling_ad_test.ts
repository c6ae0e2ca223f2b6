import { sampling } from "../../src/sop/sampling.ts";
import {
  samplingJvp,
  samplingVjp,
  samplingWithVjp,
} from "../../src/sop/sampling_ad.ts";
import { C_KMS } from "../../src/constants.ts";
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

// Tutorial set-up: 3500-point ESLOG grid, nuObs = nuGrid[::5][:-50] (650 points).
const NOBS = Math.ceil(N / 5) - 50;
const NUOBS = Float64Array.from({ length: NOBS }, (_, i) => NU[5 * i]!);

/** Smallest distance [cells] of a shifted observed point to a grid node. */
function nodeMargin(rv: number, nuObs: Float64Array): number {
  let m = Infinity;
  for (const nu of nuObs) {
    const x = nu * (1 + rv / C_KMS);
    if (x < NU[0]! || x > NU[N - 1]!) continue;
    let j = 0;
    while (j < N - 2 && NU[j + 1]! <= x) j++;
    const t = (x - NU[j]!) / (NU[j + 1]! - NU[j]!);
    m = Math.min(m, t, 1 - t);
  }
  return m;
}

/** RV ∈ [35, 45] km/s whose shifted points stay ≥ 1e-2 cells from any node. */
function sampleRvs(seed: number, count: number): number[] {
  const u = uniform(key(seed), 10 * count);
  const out: number[] = [];
  for (let i = 0; out.length < count; i++) {
    const rv = 35 + 10 * u[i]!;
    if (nodeMargin(rv, NUOBS.subarray(0, 20)) >= 1e-2) out.push(rv);
  }
  return out;
}

Deno.test("samplingJvp() matches central differences within 1e-5 (f, RV and mixed) on the tutorial grid", () => {
  const f = spectrum(7);
  const vf = fDirection(f, 8);
  const zeros = new Float64Array(N);
  let worst = 0;
  for (const rv of [...sampleRvs(1, 5), -41.7]) {
    assert(nodeMargin(rv, NUOBS) >= 1e-3, `rv ${rv} too close to a node`);
    const dirs: [Float64Array, number][] = [[vf, 0], [zeros, 1], [vf, 0.8]];
    const k = dirs.length;
    const tf = stackF(dirs);
    const { out, dout } = samplingJvp(f, NU, rv, NUOBS, {
      k,
      f: tf,
      rv: Float64Array.from(dirs, (d) => d[1]),
    });
    assertEquals(out, sampling(f, NU, rv, NUOBS));
    // piecewise linear in RV: any step that crosses no node is exact up to rounding
    const h = 1e-4; // 3e-4 cells
    dirs.forEach(([df, dr], i) => {
      const op = sampling(
        f.map((x, j) => x + h * df[j]!),
        NU,
        rv + h * dr,
        NUOBS,
      );
      const om = sampling(
        f.map((x, j) => x - h * df[j]!),
        NU,
        rv - h * dr,
        NUOBS,
      );
      const fd = op.map((x, j) => (x - om[j]!) / (2 * h));
      const err = relL2(dout.subarray(i * NOBS, (i + 1) * NOBS), fd);
      worst = Math.max(worst, err);
      assert(err <= 1e-5, `rv=${rv} dir ${i}: ${err}`);
    });
  }
  report(`samplingJvp FD rel L2 err: ${worst.toExponential(2)}`);
});

Deno.test("samplingWithVjp() is the transpose of samplingJvp(): ⟨w, Jv⟩ = ⟨Jᵀw, v⟩ within 1e-10", () => {
  const f = spectrum(21);
  // also points clamped at both ends and one outside the grid's ν range entirely
  const nuObs = new Float64Array([NU[0]! * 0.999, ...NUOBS, NU[N - 1]! * 1.01]);
  let worst = 0;
  [...sampleRvs(2, 4), 0].forEach((rv, s) => {
    const [kv, kw, kr] = split(key(300 + s), 3);
    const vf = normal(kv!, N);
    const vr = normal(kr!, 1);
    const w = normal(kw!, nuObs.length);
    const { dout } = samplingJvp(f, NU, rv, nuObs, { k: 1, f: vf, rv: vr });
    const { out, pullback } = samplingWithVjp(f, NU, rv, nuObs);
    assertEquals(out, sampling(f, NU, rv, nuObs));
    const bars = pullback(w);
    assertEquals(bars.length, 2); // [fBar, rvBar], the primitive's input order
    const [fBar, rvBarArr] = bars;
    assertEquals([fBar!.length, rvBarArr!.length], [N, 1]);
    const rvBar = rvBarArr![0]!;
    const lhs = dot(w, dout);
    const rhs = dot(fBar!, vf) + rvBar * vr[0]!;
    const err = Math.abs(lhs - rhs) / Math.abs(lhs);
    worst = Math.max(worst, err);
    assert(err <= 1e-10, `rv=${rv}: ${lhs} vs ${rhs}`);
    const { dout: dr } = samplingJvp(f, NU, rv, nuObs, {
      k: 1,
      rv: new Float64Array([1]),
    });
    const e = Math.abs(dot(w, dr) - rvBar) / Math.abs(rvBar);
    worst = Math.max(worst, e);
    assert(e <= 1e-10, `rvBar: ${dot(w, dr)} vs ${rvBar}`);
  });
  report(`sampling adjoint rel err: ${worst.toExponential(2)}`);
});

Deno.test("samplingJvp() uses the right-hand slope on nodes and zero RV derivative when clamped or on the last node", () => {
  const nu = new Float64Array([1, 2, 3, 4]);
  const f = new Float64Array([0, 10, 30, 60]);
  // x = 1 (first node), 2 (interior node), 4 (last node), 0.5 / 5 (clamped), 2.5
  const nuObs = new Float64Array([1, 2, 4, 0.5, 5, 2.5]);
  const { out, dout } = samplingJvp(f, nu, 0, nuObs, {
    k: 1,
    rv: new Float64Array([C_KMS]), // d/d(RV/c)
  });
  assertEquals(Array.from(out), [0, 10, 60, 0, 60, 20]);
  assertEquals(Array.from(dout), [10 * 1, 20 * 2, 0, 0, 0, 20 * 2.5]);
  // right-hand finite differences agree (exactly linear on the right of each node)
  const h = 1e-9 * C_KMS;
  const op = sampling(f, nu, h, nuObs);
  for (let i = 0; i < nuObs.length; i++) {
    const fd = (op[i]! - out[i]!) / (h / C_KMS);
    assert(Math.abs(fd - dout[i]!) <= 1e-5 * Math.max(1, dout[i]!), `i=${i}`);
  }
  // clamped points scatter their cotangent onto the end nodes
  const [fBar, rvBar] = samplingVjp(
    f,
    nu,
    0,
    nuObs,
    new Float64Array([1, 1, 1, 1, 1, 1]),
  );
  assertEquals(Array.from(fBar!), [2, 1.5, 0.5, 2]);
  assertEquals(rvBar!.length, 1);
  assert(Math.abs(rvBar![0]! * C_KMS - (10 + 40 + 50)) <= 1e-12);
});

Deno.test("samplingJvp() batches K = 7 directions identically to K = 1 calls", () => {
  const f = spectrum(31);
  const k = 7;
  const tf = normal(key(32), k * N);
  tf.fill(0, 6 * N, 7 * N);
  const tr = normal(key(33), k);
  tr[3] = 0;
  const { dout } = samplingJvp(f, NU, 40, NUOBS, { k, f: tf, rv: tr });
  for (let d = 0; d < k; d++) {
    const one = samplingJvp(f, NU, 40, NUOBS, {
      k: 1,
      f: tf.slice(d * N, (d + 1) * N),
      rv: tr.slice(d, d + 1),
    });
    assertEquals(dout.slice(d * NOBS, (d + 1) * NOBS), one.dout);
  }
});

Deno.test("samplingJvp()/samplingWithVjp() reject bad tangents and cotangents", () => {
  const f = spectrum(51);
  assertThrows(
    () => samplingJvp(f, NU, 40, NUOBS, { k: 2, f: new Float64Array(N) }),
    TypeError,
    "tangents.f",
  );
  assertThrows(
    () => samplingJvp(f, NU, 40, NUOBS, { k: 1, rv: new Float64Array(0) }),
    TypeError,
    "tangents.rv",
  );
  assertThrows(
    () => samplingJvp(f, NU, NaN, NUOBS, { k: 1 }),
    RangeError,
    "rvKms",
  );
  const { pullback } = samplingWithVjp(f, NU, 40, NUOBS);
  assertThrows(() => pullback(new Float64Array(N)), TypeError, "ct");
});
