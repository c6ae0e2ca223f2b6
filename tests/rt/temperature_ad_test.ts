import { assert, assertEquals, assertThrows } from "../_util.ts";
import { powerlawTemperature } from "../../src/rt/temperature.ts";
import {
  powerlawTemperatureJvp,
  powerlawTemperatureWithVjp,
} from "../../src/rt/temperature_ad.ts";
import { dot, P, relDiff, rng } from "./_ad_helpers.ts";

const RANGE: [number, number] = [500, 1500];

/** A prior sample (T0, alpha) whose layers all stay ≥ 1e-4 (relative) away from the clip bounds. */
function sample(r: () => number): [number, number] {
  for (;;) {
    const t0 = 1000 + 500 * r();
    const alpha = 0.05 + 0.15 * r();
    let ok = true;
    for (const p of P) {
      const t = t0 * p ** alpha;
      if (Math.abs(t / 500 - 1) < 1e-4 || Math.abs(t / 1500 - 1) < 1e-4) {
        ok = false;
      }
    }
    if (ok) return [t0, alpha];
  }
}

Deno.test("powerlawTemperatureJvp() matches central differences within 1e-5 across the priors", () => {
  const r = rng(1);
  let worst = 0;
  for (let s = 0; s < 30; s++) {
    const [t0, alpha] = sample(r);
    // K = 3 directions (t0 [K], alpha): random, pure t0, pure alpha
    const v0 = [100 * (2 * r() - 1), 100, 0];
    const va = [0.05 * (2 * r() - 1), 0, 0.05];
    const { out, dout } = powerlawTemperatureJvp(P, t0, alpha, RANGE, {
      k: 3,
      t0: new Float64Array(v0),
      alpha: new Float64Array(va),
    });
    assertEquals(out, powerlawTemperature(P, t0, alpha, RANGE));
    const h = 1e-5;
    for (let q = 0; q < 3; q++) {
      const plus = powerlawTemperature(
        P,
        t0 + h * v0[q]!,
        alpha + h * va[q]!,
        RANGE,
      );
      const minus = powerlawTemperature(
        P,
        t0 - h * v0[q]!,
        alpha - h * va[q]!,
        RANGE,
      );
      const fd = plus.map((x, i) => (x - minus[i]!) / (2 * h));
      const jv = dout.subarray(q * P.length, (q + 1) * P.length);
      worst = Math.max(worst, relDiff(jv, fd));
    }
  }
  console.log(
    `powerlawTemperatureJvp FD max rel err ${worst.toExponential(2)}`,
  );
  assert(worst <= 1e-5, `rel err ${worst} > 1e-5`);
});

Deno.test("powerlawTemperatureWithVjp() matches central differences and the JVP (dot test 1e-10)", () => {
  const r = rng(2);
  let worstFd = 0;
  let worstDot = 0;
  for (let s = 0; s < 30; s++) {
    const [t0, alpha] = sample(r);
    const { out, pullback } = powerlawTemperatureWithVjp(P, t0, alpha, RANGE);
    assertEquals(out, powerlawTemperature(P, t0, alpha, RANGE));
    const w = new Float64Array(P.length).map(() => 2 * r() - 1);
    const g = pullback(w);
    assertEquals(g.length, 2);
    const [t0Bar, alphaBar] = g;
    assertEquals([t0Bar!.length, alphaBar!.length], [1, 1]);
    // FD of each component: ⟨w, ∂T/∂t0⟩ and ⟨w, ∂T/∂alpha⟩
    const hT = 1e-3;
    const hA = 1e-7;
    const fdT0 = (dot(w, powerlawTemperature(P, t0 + hT, alpha, RANGE)) -
      dot(w, powerlawTemperature(P, t0 - hT, alpha, RANGE))) / (2 * hT);
    const fdA = (dot(w, powerlawTemperature(P, t0, alpha + hA, RANGE)) -
      dot(w, powerlawTemperature(P, t0, alpha - hA, RANGE))) / (2 * hA);
    worstFd = Math.max(
      worstFd,
      Math.abs(t0Bar![0]! - fdT0) / Math.abs(fdT0),
      Math.abs(alphaBar![0]! - fdA) / Math.abs(fdA),
    );
    const v = [2 * r() - 1, 2 * r() - 1];
    const jv = powerlawTemperatureJvp(P, t0, alpha, RANGE, {
      k: 1,
      t0: new Float64Array([v[0]!]),
      alpha: new Float64Array([v[1]!]),
    }).dout;
    const lhs = dot(w, jv);
    const rhs = t0Bar![0]! * v[0]! + alphaBar![0]! * v[1]!;
    worstDot = Math.max(
      worstDot,
      Math.abs(lhs - rhs) / Math.max(Math.abs(lhs), Math.abs(rhs)),
    );
  }
  console.log(
    `powerlawTemperatureWithVjp FD max rel err ${
      worstFd.toExponential(2)
    }, dot test ${worstDot.toExponential(2)}`,
  );
  assert(worstFd <= 1e-5, `FD rel err ${worstFd} > 1e-5`);
  assert(worstDot <= 1e-10, `dot rel err ${worstDot} > 1e-10`);
});

Deno.test("powerlawTemperatureJvp() is zero outside the clip range and one-sided from inside AT a bound", () => {
  // Find (p, alpha, t0) with t0 * p^alpha === bound exactly in float64.
  function exact(bound: number, p: number): [number, number] {
    for (let a = 0.05; a < 0.2; a += 0.0013) {
      const t0 = bound / p ** a;
      if (t0 * p ** a === bound) return [t0, a];
    }
    throw new Error("no exact case found");
  }
  for (const [bound, p] of [[1500, 3.7], [500, 2e-4]] as const) {
    const [t0, alpha] = exact(bound, p);
    // layers: below range, AT the bound, inside, above range
    const pr = new Float64Array([1e-30, p, 1, 1e30]);
    const lo = bound === 500 ? 500 : 400;
    const hi = bound === 1500 ? 1500 : 1600;
    const range: [number, number] = [lo, hi];
    const out = powerlawTemperature(pr, t0, alpha, range);
    assertEquals(out[1], bound);
    const { dout } = powerlawTemperatureJvp(pr, t0, alpha, range, {
      k: 2,
      t0: new Float64Array([1, 0]),
      alpha: new Float64Array([0, 1]),
    });
    // clipped layers: exactly zero
    for (const i of [0, 3]) {
      assertEquals(dout[i], 0);
      assertEquals(dout[4 + i], 0);
    }
    // AT the bound: the unclipped (inside) derivative
    const pa = p ** alpha;
    assertEquals(dout[1], pa);
    assertEquals(dout[5], t0 * pa * Math.log(p));
    // ... which equals the one-sided difference taken from inside the range
    const h = 1e-7;
    for (const [dir, idx] of [[0, 1], [1, 5]] as const) {
      const dT = dir === 0 ? dout[1]! : dout[5]!;
      // step sign that moves T into the range
      const sgn = (bound === 1500 ? -1 : 1) * Math.sign(dT);
      const step = dir === 0 ? h * t0 : h * alpha;
      const t1 = powerlawTemperature(
        pr,
        t0 + (dir === 0 ? sgn * step : 0),
        alpha + (dir === 1 ? sgn * step : 0),
        range,
      );
      const fd = (t1[1]! - out[1]!) / (sgn * step);
      const err = Math.abs(fd - dout[idx]!) / Math.abs(dout[idx]!);
      assert(err <= 1e-5, `one-sided FD at bound ${bound}: rel err ${err}`);
    }
    // the VJP agrees
    const g = powerlawTemperatureWithVjp(pr, t0, alpha, range).pullback(
      new Float64Array([1, 1, 1, 1]),
    );
    assertEquals(g, [
      new Float64Array([pa + 1 * 1 ** alpha]),
      new Float64Array([t0 * pa * Math.log(p) + 0]),
    ]);
  }
});

Deno.test("powerlawTemperatureJvp() handles null tangents and rejects bad K, tangents and cotangents", () => {
  const { dout } = powerlawTemperatureJvp(P, 1200, 0.1, RANGE, { k: 3 });
  assertEquals(dout.length, 3 * P.length);
  assert(dout.every((x) => x === 0));
  assertThrows(
    () => powerlawTemperatureJvp(P, 1200, 0.1, RANGE, { k: 0 }),
    RangeError,
    "tangents.k",
  );
  assertThrows(
    () =>
      powerlawTemperatureJvp(P, 1200, 0.1, RANGE, {
        k: 2,
        t0: new Float64Array(3),
      }),
    TypeError,
    "t0",
  );
  assertThrows(
    () =>
      powerlawTemperatureJvp(P, 1200, 0.1, RANGE, {
        k: 1,
        alpha: [1] as unknown as Float64Array,
      }),
    TypeError,
    "Float64Array",
  );
  assertThrows(
    () =>
      powerlawTemperatureWithVjp(P, 1200, 0.1).pullback(new Float64Array(3)),
    TypeError,
    "cotangent",
  );
  assertThrows(
    () => powerlawTemperatureWithVjp(P, -1, 0.1),
    RangeError,
    "t0",
  );
});
