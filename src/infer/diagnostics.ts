/**
 * Posterior summaries and sampler diagnostics, following `numpyro.diagnostics`: quantiles, the
 * highest posterior density interval, autocorrelation, effective sample size, (split)
 * Gelman–Rubin R̂ and a per-site summary table.
 *
 * Samples are tensors whose leading axis indexes draws (`[N, ...]`); with `groupByChain` the
 * two leading axes are `[chains, draws, ...]`. Statistics are computed per trailing element
 * ("column").
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hpdi, summary } from "./diagnostics.ts";
 * import { tensor } from "../ad/mod.ts";
 * const x = tensor([0, 1, 2, 3, 10]);
 * assert.deepStrictEqual(Array.from(hpdi(x, 0.6).data), [0, 3]);
 * // (0 + 1 + 2 + 3 + 10) / 5
 * assert.ok(Math.abs(summary({ x }).x!.mean[0]! - 3.2) < 1e-12);
 * ```
 *
 * @module
 */
import { Tensor } from "../ad/mod.ts";

/** Samples: a tensor with draws on the leading axis, or a flat array of draws. */
export type Samples = Tensor | Float64Array | readonly number[];

function _asTensor(x: Samples, what: string): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof Float64Array) return new Tensor(x, [x.length]);
  if (Array.isArray(x)) return new Tensor(Float64Array.from(x), [x.length]);
  throw new TypeError(
    `${what}: samples must be a Tensor or an array of numbers`,
  );
}

/** Splits [N, ...rest] into N·M data as M columns of length N. */
function _columns(
  t: Tensor,
  what: string,
): { n: number; rest: number[]; cols: Float64Array[] } {
  if (t.rank < 1) {
    throw new TypeError(`${what}: samples need a leading draw axis`);
  }
  const n = t.shape[0]!;
  const rest = t.shape.slice(1);
  const m = n === 0 ? 0 : t.size / n;
  const cols: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = t.data[i * m + j]!;
    cols.push(c);
  }
  return { n, rest, cols };
}

function _quantileSorted(sorted: Float64Array, q: number): number {
  // numpy's default ("linear") method: position q·(n − 1)
  const n = sorted.length;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const f = pos - lo;
  return f === 0 ? sorted[lo]! : sorted[lo]! + f * (sorted[hi]! - sorted[lo]!);
}

/**
 * Quantiles per column, with numpy's default linear interpolation.
 *
 * @param samples Draws `[N, ...]`.
 * @param qs Probabilities in [0, 1].
 * @returns Tensor `[qs.length, ...]`.
 * @throws RangeError when a probability lies outside [0, 1] or there are no draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { quantile } from "./diagnostics.ts";
 * const q = quantile([1, 2, 3, 4], [0, 0.5, 1]);
 * assert.deepStrictEqual(q.shape, [3]);
 * // numpy.quantile([1, 2, 3, 4], [0, 0.5, 1]) = [1, 2.5, 4]
 * [1, 2.5, 4].forEach((v, i) => assert.ok(Math.abs(q.data[i]! - v) < 1e-12));
 * ```
 */
export function quantile(samples: Samples, qs: readonly number[]): Tensor {
  const t = _asTensor(samples, "quantile()");
  for (const q of qs) {
    if (!(q >= 0 && q <= 1)) {
      throw new RangeError(
        `quantile(): probabilities must lie in [0, 1], got ${q}`,
      );
    }
  }
  const { n, rest, cols } = _columns(t, "quantile()");
  if (n === 0) throw new RangeError("quantile(): needs at least one draw");
  const m = cols.length;
  const out = new Float64Array(qs.length * m);
  cols.forEach((c, j) => {
    const s = c.slice().sort();
    qs.forEach((q, k) => (out[k * m + j] = _quantileSorted(s, q)));
  });
  return new Tensor(out, [qs.length, ...rest]);
}

/**
 * Highest posterior density interval per column: the shortest interval between two sorted draws
 * that contains ⌊prob·N⌋ + 1 draws (as `numpyro.diagnostics.hpdi`).
 *
 * @param samples Draws `[N, ...]`.
 * @param prob Probability mass (default 0.9), in (0, 1].
 * @returns Tensor `[2, ...]`: lower and upper bounds.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hpdi } from "./diagnostics.ts";
 * // ⌊0.6·5⌋ + 1 = 4 draws: [0, 3] (width 3) beats [1, 10] (width 9); bounds are draws
 * assert.deepStrictEqual(Array.from(hpdi([0, 1, 2, 3, 10], 0.6).data), [0, 3]);
 * ```
 */
export function hpdi(samples: Samples, prob = 0.9): Tensor {
  if (!(prob > 0 && prob <= 1)) {
    throw new RangeError(`hpdi(): prob must lie in (0, 1], got ${prob}`);
  }
  const t = _asTensor(samples, "hpdi()");
  const { n, rest, cols } = _columns(t, "hpdi()");
  if (n === 0) throw new RangeError("hpdi(): needs at least one draw");
  const m = cols.length;
  const len = Math.floor(prob * n);
  const out = new Float64Array(2 * m);
  cols.forEach((c, j) => {
    const s = c.slice().sort();
    let best = 0, bestW = Infinity;
    for (let i = 0; i < n - len; i++) {
      const w = s[i + len]! - s[i]!;
      if (w < bestW) {
        bestW = w;
        best = i;
      }
    }
    if (len >= n) best = 0;
    out[j] = s[best]!;
    out[m + j] = s[Math.min(best + len, n - 1)]!;
  });
  return new Tensor(out, [2, ...rest]);
}

/**
 * Autocorrelation of a single series, ρ_k = Σ_t (x_t − x̄)(x_{t+k} − x̄) / Σ_t (x_t − x̄)²
 * (the biased estimator, as `numpyro.diagnostics.autocorrelation(bias=True)`); with
 * `bias: false` each lag is divided by N − k before normalizing.
 *
 * @param x The series.
 * @param opts `bias` (default true), `maxLag` (default N − 1).
 * @returns ρ_0 … ρ_maxLag (ρ_0 = 1; NaN for a constant series).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { autocorrelation } from "./diagnostics.ts";
 * const r = autocorrelation([1, -1, 1, -1], { maxLag: 1 });
 * assert.strictEqual(r.length, 2);
 * // ρ₁ = (−1 − 1 − 1) / (1 + 1 + 1 + 1)
 * [1, -0.75].forEach((v, i) => assert.ok(Math.abs(r[i]! - v) < 1e-12));
 * ```
 */
export function autocorrelation(
  x: ArrayLike<number>,
  opts: { bias?: boolean; maxLag?: number } = {},
): Float64Array {
  const n = x.length;
  if (n < 1) {
    throw new RangeError("autocorrelation(): needs at least one value");
  }
  const maxLag = Math.min(opts.maxLag ?? n - 1, n - 1);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = x[i]! - mean;
  const out = new Float64Array(maxLag + 1);
  let c0 = 0;
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += c[t]! * c[t + k]!;
    if (opts.bias === false) s /= n - k;
    if (k === 0) c0 = s;
    out[k] = s / c0;
  }
  return out;
}

function _var(x: Float64Array, ddof: number): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) * (v - m);
  return s / (x.length - ddof);
}

function _mean(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  return m / x.length;
}

/** Chains × draws for one column. */
function _chainColumns(
  t: Tensor,
  groupByChain: boolean,
  what: string,
): { c: number; n: number; rest: number[]; cols: Float64Array[][] } {
  const rank = groupByChain ? 2 : 1;
  if (t.rank < rank) {
    throw new TypeError(
      `${what}: samples need ${
        groupByChain ? "[chains, draws, ...]" : "[draws, ...]"
      } axes, got shape [${t.shape.join(", ")}]`,
    );
  }
  const c = groupByChain ? t.shape[0]! : 1;
  const n = groupByChain ? t.shape[1]! : t.shape[0]!;
  const rest = t.shape.slice(rank);
  const m = rest.reduce((a, b) => a * b, 1);
  const cols: Float64Array[][] = [];
  for (let j = 0; j < m; j++) {
    const chains: Float64Array[] = [];
    for (let ch = 0; ch < c; ch++) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = t.data[(ch * n + i) * m + j]!;
      chains.push(a);
    }
    cols.push(chains);
  }
  return { c, n, rest, cols };
}

function _varianceStats(chains: Float64Array[]): [number, number] {
  const c = chains.length, n = chains[0]!.length;
  const varWithin = _mean(chains.map((x) => _var(x, 1)));
  let varEst = varWithin * (n - 1) / n;
  if (c > 1) {
    varEst += _var(Float64Array.from(chains.map(_mean)), 1);
    return [varWithin, varEst];
  }
  return [varEst, varEst];
}

function _essColumn(chains: Float64Array[]): number {
  const c = chains.length, n = chains[0]!.length;
  const [varWithin, varEst] = _varianceStats(chains);
  // mean autocovariance over chains: ρ_k(chain) · var(chain, ddof 0)
  const gamma = new Float64Array(n);
  for (const x of chains) {
    const r = autocorrelation(x);
    const v = _var(x, 0);
    for (let k = 0; k < n; k++) gamma[k] = gamma[k]! + r[k]! * v / c;
  }
  const rho = Float64Array.from(gamma, (g) => 1 - (varWithin - g) / varEst);
  rho[0] = 1; // the correlation at lag 0 is 1 (with several chains the formula above is not)
  // initial positive sequence, then initial monotone sequence (Geyer 1992)
  const pairs = Math.floor(n / 2);
  let sum = 0;
  let prev = Infinity;
  for (let k = 0; k < pairs; k++) {
    let r = rho[2 * k]! + rho[2 * k + 1]!;
    if (k > 0) {
      // NumPyro's running minimum starts at the first pair after lag 0, not at Rho_0
      r = Math.min(Math.max(r, 0), prev);
      prev = r;
    }
    sum += r;
  }
  const tau = -1 + 2 * sum;
  return (c * n) / tau;
}

/**
 * Effective sample size by the autocorrelation (Geyer's initial monotone sequence), exactly as
 * `numpyro.diagnostics.effective_sample_size`.
 *
 * @param samples `[draws, ...]` (one chain) or, with `groupByChain`, `[chains, draws, ...]`.
 * @param opts `groupByChain` (default false).
 * @returns Tensor of the trailing shape: N_eff per element.
 * @throws RangeError with fewer than 2 draws.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { effectiveSampleSize } from "./diagnostics.ts";
 * const x = [0.3, -1.2, 0.8, 0.1, -0.5, 1.1, -0.9, 0.4];
 * const ess = effectiveSampleSize(x);
 * assert.deepStrictEqual(ess.shape, []);
 * // NumPyro's algorithm gives 17.6043: more than the 8 draws, as the series is anticorrelated
 * assert.ok(Math.abs(ess.data[0]! - 17.604297224709047) < 1e-12);
 * ```
 */
export function effectiveSampleSize(
  samples: Samples,
  opts: { groupByChain?: boolean } = {},
): Tensor {
  const t = _asTensor(samples, "effectiveSampleSize()");
  const { n, rest, cols } = _chainColumns(
    t,
    opts.groupByChain ?? false,
    "effectiveSampleSize()",
  );
  if (n < 2) {
    throw new RangeError(
      `effectiveSampleSize(): needs at least 2 draws, got ${n}`,
    );
  }
  return new Tensor(Float64Array.from(cols.map(_essColumn)), rest);
}

/**
 * Gelman–Rubin R̂ = √(V̂ / W) over chains (`numpyro.diagnostics.gelman_rubin`).
 *
 * @param samples `[chains, draws, ...]` with at least 2 chains.
 * @returns Tensor of the trailing shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { gelmanRubin } from "./diagnostics.ts";
 * import { tensor } from "../ad/mod.ts";
 * const r = gelmanRubin(tensor([0, 1, 0, 1, 0, 1, 0, 1], [2, 4]));
 * // identical chains: W = 1/3, V̂ = W·3/4 + 0, R̂ = √(3/4)
 * assert.ok(Math.abs(r.data[0]! - Math.sqrt(3) / 2) < 1e-12);
 * ```
 */
export function gelmanRubin(samples: Tensor): Tensor {
  const { c, rest, cols } = _chainColumns(samples, true, "gelmanRubin()");
  if (c < 2) {
    throw new RangeError(`gelmanRubin(): needs at least 2 chains, got ${c}`);
  }
  return new Tensor(
    Float64Array.from(cols.map((ch) => {
      const [w, v] = _varianceStats(ch);
      return Math.sqrt(v / w);
    })),
    rest,
  );
}

/**
 * Split Gelman–Rubin R̂: each chain is cut into halves that count as chains
 * (`numpyro.diagnostics.split_gelman_rubin`).
 *
 * @param samples `[chains, draws, ...]` with at least 4 draws.
 * @returns Tensor of the trailing shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { splitGelmanRubin } from "./diagnostics.ts";
 * import { tensor } from "../ad/mod.ts";
 * // one chain that drifts: its halves [0, 1] and [5, 6] disagree
 * const r = splitGelmanRubin(tensor([0, 1, 5, 6], [1, 4]));
 * // W = 1/2, V̂ = W/2 + var([0.5, 5.5]) = 12.75, R̂ = √25.5
 * assert.ok(Math.abs(r.data[0]! - Math.sqrt(25.5)) < 1e-12);
 * ```
 */
export function splitGelmanRubin(samples: Tensor): Tensor {
  const { c, n, rest, cols } = _chainColumns(
    samples,
    true,
    "splitGelmanRubin()",
  );
  if (n < 4) {
    throw new RangeError(
      `splitGelmanRubin(): needs at least 4 draws, got ${n}`,
    );
  }
  const h = Math.floor(n / 2);
  void c;
  return new Tensor(
    Float64Array.from(cols.map((ch) => {
      const split = ch.flatMap((x) => [x.slice(0, h), x.slice(n - h)]);
      const [w, v] = _varianceStats(split);
      return Math.sqrt(v / w);
    })),
    rest,
  );
}

/** Summary statistics of one site, one entry per element of the site's shape. */
export interface SiteSummary {
  /** The site's shape (trailing sample axes). */
  shape: number[];
  /** Posterior mean. */
  mean: Float64Array;
  /** Standard deviation over the pooled draws (ddof 1, as `numpyro.diagnostics.summary`). */
  sd: Float64Array;
  /** Median. */
  median: Float64Array;
  /** Lower end of the `prob` HPDI. */
  lower: Float64Array;
  /** Upper end of the `prob` HPDI. */
  upper: Float64Array;
  /** Effective sample size. */
  nEff: Float64Array;
  /** Split R̂ (only with several chains; undefined for one chain). */
  rHat: Float64Array | undefined;
}

/**
 * Per-site summary like `numpyro.diagnostics.summary`: mean, sd, median, the `prob` HPDI (by
 * default 90 %, the "5 %" and "95 %" columns of `print_summary`), N_eff and, for several chains,
 * split R̂.
 *
 * @param samples Site name → draws `[N, ...]` (or `[chains, N, ...]` with `groupByChain`).
 * @param opts `prob` (0.9), `groupByChain` (false).
 * @returns Site name → {@link SiteSummary}.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { summary } from "./diagnostics.ts";
 * import { tensor } from "../ad/mod.ts";
 * const s = summary({ a: tensor([1, 2, 3, 4, 5]) });
 * assert.deepStrictEqual(s.a!.shape, []);
 * assert.ok(Math.abs(s.a!.mean[0]! - 3) < 1e-12);
 * assert.ok(Math.abs(s.a!.median[0]! - 3) < 1e-12);
 * // one chain: no R̂
 * assert.strictEqual(s.a!.rHat, undefined);
 * ```
 */
export function summary(
  samples: Record<string, Samples>,
  opts: { prob?: number; groupByChain?: boolean } = {},
): Record<string, SiteSummary> {
  const prob = opts.prob ?? 0.9;
  const byChain = opts.groupByChain ?? false;
  const out: Record<string, SiteSummary> = {};
  for (const [name, s] of Object.entries(samples)) {
    const t = _asTensor(s, `summary() site '${name}'`);
    const { c, n, rest, cols } = _chainColumns(
      t,
      byChain,
      `summary() site '${name}'`,
    );
    // pooled draws [c·n, ...]
    const flat = new Tensor(t.data, [c * n, ...rest]);
    const m = cols.length;
    const mean = new Float64Array(m), sd = new Float64Array(m);
    cols.forEach((ch, j) => {
      const all = new Float64Array(c * n);
      ch.forEach((x, i) => all.set(x, i * n));
      mean[j] = _mean(all);
      sd[j] = Math.sqrt(_var(all, 1));
    });
    const med = quantile(flat, [0.5]).data;
    const h = hpdi(flat, prob).data;
    out[name] = {
      shape: rest,
      mean,
      sd,
      median: med.slice(),
      lower: h.slice(0, m),
      upper: h.slice(m),
      nEff: n >= 2
        ? effectiveSampleSize(t, { groupByChain: byChain }).data
        : new Float64Array(m).fill(NaN),
      rHat: byChain && c > 1 && n >= 4 ? splitGelmanRubin(t).data : undefined,
    };
  }
  return out;
}

/**
 * Formats a {@link summary} as a fixed-width table (like `print_summary`).
 *
 * @param s The summary.
 * @param prob The HPDI mass used (for the column titles; default 0.9).
 * @returns The table, one line per element.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { formatSummary, summary } from "./diagnostics.ts";
 * const t = formatSummary(summary({ a: [1, 2, 3, 4] }));
 * const lines = t.split("\n");
 * // a header and one row per element
 * assert.strictEqual(lines.length, 2);
 * assert.deepStrictEqual(lines[0]!.trim().split(/ +/), ["mean", "std", "median", "5.0%", "95.0%", "n_eff", "r_hat"]);
 * assert.strictEqual(lines[1]!.split(/ +/)[0], "a");
 * ```
 */
export function formatSummary(
  s: Record<string, SiteSummary>,
  prob = 0.9,
): string {
  const lo = ((1 - prob) / 2 * 100).toFixed(1) + "%";
  const hi = ((1 + prob) / 2 * 100).toFixed(1) + "%";
  const head = ["", "mean", "std", "median", lo, hi, "n_eff", "r_hat"];
  const rows: string[][] = [head];
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v));
  for (const [name, st] of Object.entries(s)) {
    for (let j = 0; j < st.mean.length; j++) {
      let label = name;
      if (st.shape.length) {
        const idx: number[] = [];
        let r = j;
        for (let d = st.shape.length - 1; d >= 0; d--) {
          idx.unshift(r % st.shape[d]!);
          r = Math.floor(r / st.shape[d]!);
        }
        label += `[${idx.join(",")}]`;
      }
      rows.push([
        label,
        f(st.mean[j]!),
        f(st.sd[j]!),
        f(st.median[j]!),
        f(st.lower[j]!),
        f(st.upper[j]!),
        f(st.nEff[j]!),
        st.rHat ? f(st.rHat[j]!) : "",
      ]);
    }
  }
  const w = head.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  return rows.map((r) =>
    r.map((c, k) => c.padStart(w[k]!)).join("  ").trimEnd()
  ).join(
    "\n",
  );
}
