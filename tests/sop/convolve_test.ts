import assert from "node:assert/strict";
import { convolveCentered, convolveSame } from "../../src/sop/convolve.ts";
import { assertThrowsWith } from "../_util.ts";
import { maxAbsErrScaled, readFixture } from "./_eslog.ts";

interface ConvCase {
  f: number[];
  kernel: number[];
  same: number[];
}

Deno.test("convolveSame() matches numpy.convolve(mode='same') within 1e-13", async () => {
  const { cases } = await readFixture<{ cases: ConvCase[] }>(
    "sop_convolve.json",
  );
  assert.ok(cases.length >= 9);
  for (const c of cases) {
    const out = convolveSame(new Float64Array(c.f), new Float64Array(c.kernel));
    assert.equal(
      out.length,
      c.same.length,
      `length for N=${c.f.length}, L=${c.kernel.length}`,
    );
    const err = maxAbsErrScaled(out, c.same);
    assert.ok(err <= 1e-13, `N=${c.f.length} L=${c.kernel.length}: err ${err}`);
  }
});

Deno.test("convolveCentered() equals convolveSame() for odd kernels no longer than the signal", () => {
  const f = new Float64Array(40).map((_, i) => Math.sin(i * 0.7) + 0.1 * i);
  for (const n of [1, 3, 9, 39]) {
    const k = new Float64Array(n).map((_, i) => Math.cos(i * 1.3) + 2);
    assert.deepEqual(convolveCentered(f, k), convolveSame(f, k));
  }
});

Deno.test("convolveCentered() keeps the signal length for kernels longer than the signal", () => {
  // ExoJAX convolve_same: full convolution sliced [h : h + N], h = (L − 1)/2.
  const f = new Float64Array([1, -2, 3, 0.5, 4]);
  const k = new Float64Array(11).map((_, i) => 1 / (1 + (i - 5) ** 2));
  const full = new Float64Array(f.length + k.length - 1);
  for (let i = 0; i < f.length; i++) {
    for (let j = 0; j < k.length; j++) full[i + j]! += f[i]! * k[j]!;
  }
  const out = convolveCentered(f, k);
  assert.equal(out.length, f.length);
  assert.ok(maxAbsErrScaled(out, full.subarray(5, 10)) <= 1e-15);
});

Deno.test("convolveCentered() skips exactly-zero kernel ends without changing the result", () => {
  const f = new Float64Array(30).map((_, i) => (i * 7) % 5 - 2);
  const k = new Float64Array([0, 0, 0, 0.2, 0.5, 0.3, 0, 0, 0]);
  const ref = convolveSame(f, new Float64Array([0, 0.2, 0.5, 0.3, 0]));
  assert.deepEqual(convolveCentered(f, k), ref);
  assert.deepEqual(
    convolveCentered(f, new Float64Array(5)),
    new Float64Array(30),
  );
});

Deno.test("convolveSame() and convolveCentered() reject bad inputs", async () => {
  const ok = new Float64Array([1, 2, 3]);
  await assertThrowsWith(
    () => convolveSame(new Float64Array(0), ok),
    "f",
    "empty",
  );
  await assertThrowsWith(
    () => convolveSame(ok, new Float64Array(0)),
    "kernel",
    "empty",
  );
  await assertThrowsWith(
    () => convolveSame([1, 2] as unknown as Float64Array, ok),
    "f",
    "Float64Array",
  );
  await assertThrowsWith(
    () => convolveSame(new Float64Array([1, NaN]), ok),
    "f[1]",
    "NaN",
  );
  await assertThrowsWith(
    () => convolveCentered(ok, new Float64Array(4)),
    "kernel length",
    "odd",
    "4",
  );
  try {
    convolveCentered(ok, new Float64Array(2));
    assert.fail("expected TypeError");
  } catch (e) {
    assert.ok(e instanceof TypeError);
  }
});
