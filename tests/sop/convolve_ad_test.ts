import { convolveCentered } from "../../src/sop/convolve.ts";
import {
  convolveCenteredJvp,
  convolveCenteredVjp,
  convolveCenteredWithVjp,
} from "../../src/sop/convolve_ad.ts";
import { key, normal, split } from "../../src/random/prng.ts";
import { assert, assertEquals, assertThrows } from "../_util.ts";
import { dot, relL2 } from "./_ad_helpers.ts";

// (signal length, kernel length): short kernel, kernel as long as / longer than the signal
const SHAPES: [number, number][] = [[300, 31], [41, 41], [25, 61], [1, 3]];

Deno.test("convolveCenteredJvp() matches central differences within 1e-9 (bilinear: exact up to rounding)", () => {
  SHAPES.forEach(([n, m], s) => {
    const [a, b, c, d] = split(key(10 + s), 4);
    const f = normal(a!, n);
    const kern = normal(b!, m);
    const df = normal(c!, n);
    const dk = normal(d!, m);
    const { out, dout } = convolveCenteredJvp(f, kern, {
      k: 3,
      f: Float64Array.from([...df, ...new Float64Array(n), ...df]),
      kernel: Float64Array.from([...new Float64Array(m), ...dk, ...dk]),
    });
    assertEquals(out, convolveCentered(f, kern));
    const h = 1e-3;
    const dirs: [number, number][] = [[1, 0], [0, 1], [1, 1]];
    dirs.forEach(([a1, a2], i) => {
      const op = convolveCentered(
        f.map((x, j) => x + h * a1 * df[j]!),
        kern.map((x, j) => x + h * a2 * dk[j]!),
      );
      const om = convolveCentered(
        f.map((x, j) => x - h * a1 * df[j]!),
        kern.map((x, j) => x - h * a2 * dk[j]!),
      );
      const fd = op.map((x, j) => (x - om[j]!) / (2 * h));
      const err = relL2(dout.subarray(i * n, (i + 1) * n), fd);
      assert(err <= 1e-9, `n=${n} m=${m} dir ${i}: ${err}`);
    });
  });
});

Deno.test("convolveCenteredWithVjp() is the transpose of convolveCenteredJvp() within 1e-12", () => {
  SHAPES.forEach(([n, m], s) => {
    const [a, b, c, d, e] = split(key(20 + s), 5);
    const f = normal(a!, n);
    const kern = normal(b!, m);
    const vf = normal(c!, n);
    const vk = normal(d!, m);
    const w = normal(e!, n);
    const { dout } = convolveCenteredJvp(f, kern, { k: 1, f: vf, kernel: vk });
    const { out, pullback } = convolveCenteredWithVjp(f, kern);
    assertEquals(out, convolveCentered(f, kern));
    const bars = pullback(w);
    assertEquals(bars.length, 2); // [fBar, kernelBar], argument order
    const [fBar, kernelBar] = bars;
    assertEquals([fBar!.length, kernelBar!.length], [n, m]);
    const lhs = dot(w, dout);
    const rhs = dot(fBar!, vf) + dot(kernelBar!, vk);
    assert(
      Math.abs(lhs - rhs) <= 1e-12 * Math.abs(lhs),
      `n=${n} m=${m}: ${lhs} vs ${rhs}`,
    );
  });
});

Deno.test("convolveCenteredVjp() handles kernels with zero end taps and rejects bad input", () => {
  const f = new Float64Array([1, 2, 3, 4]);
  const kern = new Float64Array([0, 0, 1, 0.5, 0]);
  const ct = new Float64Array([1, 0, 0, 0]);
  const [fBar, kernelBar] = convolveCenteredVjp(f, kern, ct);
  // out[0] = K[2] f[0] + K[1] f[1] + K[0] f[2]
  assertEquals(Array.from(fBar!), [1, 0, 0, 0]);
  assertEquals(Array.from(kernelBar!), [3, 2, 1, 0, 0]);
  assertThrows(
    () => convolveCenteredVjp(f, new Float64Array(4), ct),
    TypeError,
    "odd",
  );
  assertThrows(
    () => convolveCenteredVjp(f, kern, new Float64Array(3)),
    TypeError,
    "ct",
  );
  assertThrows(
    () => convolveCenteredJvp(f, kern, { k: 1, kernel: new Float64Array(4) }),
    TypeError,
    "tangents.kernel",
  );
});
