import { Tensor, tensor } from "../../src/ad/mod.ts";
import {
  autocorrelation,
  effectiveSampleSize,
  formatSummary,
  gelmanRubin,
  hpdi,
  quantile,
  splitGelmanRubin,
  summary,
} from "../../src/infer/diagnostics.ts";
import { assert, assertEquals, assertThrows, maxRelErr } from "../_util.ts";

// Reference values: scripts/gen_infer_fixtures.py (numpy transcription of numpyro.diagnostics)
const F = JSON.parse(
  Deno.readTextFileSync(
    new URL("../fixtures/infer_diagnostics.json", import.meta.url),
  ),
);
const X = new Tensor(Float64Array.from(F.samples), [F.n, F.m]); // 3 AR(1) columns φ = 0, 0.5, 0.9

Deno.test("effectiveSampleSize() matches numpyro's FFT-based estimator to 1e-10", () => {
  const e = maxRelErr(effectiveSampleSize(X).data, F.ess);
  assert(
    e < 1e-10,
    `ESS rel err ${e}: ${effectiveSampleSize(X).data} vs ${F.ess}`,
  );
  // more correlation, fewer effective draws
  const [a, b, c] = F.ess as number[];
  assert(a! > b! && b! > c!, `ESS not decreasing with φ: ${F.ess}`);
  const chains = new Tensor(Float64Array.from(F.chains), [2, 400]);
  const ec = effectiveSampleSize(chains, { groupByChain: true }).data[0]!;
  assert(
    Math.abs(ec - F.essChains) < 1e-9 * F.essChains,
    `2-chain ESS ${ec} vs ${F.essChains}`,
  );
});

Deno.test("autocorrelation() equals numpyro's (biased, FFT) autocorrelation", () => {
  for (let j = 0; j < F.m; j++) {
    const col = Float64Array.from(
      { length: F.n },
      (_, i) => X.data[i * F.m + j]!,
    );
    const got = autocorrelation(col, { maxLag: 5 });
    const want = Array.from({ length: 6 }, (_, k) => F.autocorr[k * F.m + j]);
    assert(
      maxRelErr(got, want, 1e-3) < 1e-10,
      `column ${j}: ${got} vs ${want}`,
    );
  }
});

Deno.test("hpdi() and quantile() match numpyro / numpy on the fixture samples", () => {
  assertEquals(Array.from(hpdi(X, 0.9).data), F.hpdi90);
  assertEquals(Array.from(hpdi(X, 0.5).data), F.hpdi50);
  assert(
    maxRelErr(quantile(X, [0.05, 0.5, 0.95]).data, F.quantiles, 1e-12) < 1e-13,
  );
  assertEquals(hpdi(X).shape, [2, 3]);
  // hpdi is the shortest interval: for a skewed sample it is narrower than the central one
  const skew = tensor(
    Array.from({ length: 1000 }, (_, i) => -Math.log(1 - (i + 0.5) / 1000)),
  );
  const [lo, hi] = hpdi(skew, 0.9).data;
  const [qlo, qhi] = quantile(skew, [0.05, 0.95]).data;
  assert(
    hi! - lo! < qhi! - qlo!,
    "hpdi should be shorter than the central interval",
  );
  assert(lo! < qlo!, "hpdi of an exponential sample starts near 0");
});

Deno.test("gelmanRubin() and splitGelmanRubin() match numpyro", () => {
  const chains = new Tensor(Float64Array.from(F.chains), [2, 400]);
  assert(Math.abs(gelmanRubin(chains).data[0]! - F.rhat) < 1e-12);
  assert(Math.abs(splitGelmanRubin(chains).data[0]! - F.splitRhat) < 1e-12);
});

Deno.test("summary() reports mean, sd, median, hpdi and nEff per element; rHat only with chains", () => {
  const s = summary({ x: X, c: tensor([1, 2, 3, 4]) });
  assertEquals(s.x!.shape, [3]);
  assertEquals(s.x!.rHat, undefined);
  for (let j = 0; j < 3; j++) {
    let m = 0;
    for (let i = 0; i < F.n; i++) m += X.data[i * 3 + j]! / F.n;
    assert(Math.abs(s.x!.mean[j]! - m) < 1e-12);
    assertEquals(s.x!.lower[j], F.hpdi90[j]);
    assertEquals(s.x!.upper[j], F.hpdi90[3 + j]);
    assertEquals(s.x!.median[j], F.quantiles[3 + j]);
  }
  assert(maxRelErr(s.x!.nEff, F.ess) < 1e-10);
  assert(Math.abs(s.c!.sd[0]! - Math.sqrt(5 / 3)) < 1e-15); // ddof 1, as numpyro.diagnostics.summary
  const chains = new Tensor(Float64Array.from(F.chains), [2, 400]);
  const sc = summary({ a: chains }, { groupByChain: true });
  assert(Math.abs(sc.a!.rHat![0]! - F.splitRhat) < 1e-12);
  const table = formatSummary(s);
  assert(
    table.split("\n").length === 1 + 3 + 1 && table.includes("x[2]"),
    table,
  );
});

Deno.test("diagnostics reject bad arguments", () => {
  assertThrows(() => hpdi(X, 0), RangeError, "prob");
  assertThrows(() => quantile(X, [1.5]), RangeError, "[0, 1]");
  assertThrows(() => effectiveSampleSize([1]), RangeError, "at least 2 draws");
  assertThrows(
    () => gelmanRubin(tensor([1, 2, 3, 4], [1, 4])),
    RangeError,
    "2 chains",
  );
  assertThrows(() => hpdi("x" as unknown as number[]), TypeError, "samples");
});
