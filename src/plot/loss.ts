/**
 * SVI loss curve.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lossSpec } from "./loss.ts";
 * const spec = lossSpec({ losses: Float64Array.from({ length: 100 }, (_, i) => 1e4 / (i + 1)) });
 * assert.deepStrictEqual([spec.width, spec.height], [800, 360]);
 * const enc = spec.encoding as Record<string, { field: string; scale: { type?: string } }>;
 * assert.deepStrictEqual([enc.x!.field, enc.y!.field], ["step", "loss"]);
 * assert.strictEqual(enc.y!.scale.type, "log"); // positive, 2 decades: "auto" picks log
 * assert.strictEqual((spec.mark as { type: string }).type, "line");
 * assert.strictEqual((spec.data as { values: unknown[] }).values.length, 100);
 * ```
 *
 * @module
 */

import { _decimate, _round, _topLevel } from "./_util.ts";
import type { FigureOptions, NumArray, VegaLiteSpec } from "./types.ts";

/**
 * How losses are put on the log axis:
 * - "log": the raw loss (all finite losses must be > 0);
 * - "shift": loss − min(loss) + 1, which is ≥ 1 whatever the sign or size of the loss
 *   (the ELBO loss of a well-fitted model is often negative) and reaches 1 at the best step;
 * - "linear": the raw loss on a linear axis that does not start at zero (for a run that starts
 *   near its optimum, e.g. from a Laplace warm start, whose losses vary by a few per cent);
 * - "auto" (default): "linear" when every finite loss is > 0 and max/min ≤ 1.5, "log" when they
 *   are > 0 and span at most 6 decades, else "shift".
 */
export type LossScale = "auto" | "log" | "shift" | "linear";

/** Input of {@link lossSpec}. */
export interface LossInput extends FigureOptions {
  /** Loss per step (e.g. the negative ELBO from SVI). Non-finite values are left out. */
  losses: NumArray;
  /** Labels of the losses' meaning for the y-axis title (default "loss (−ELBO)"). */
  labels?: { loss?: string; step?: string };
  /** See {@link LossScale} (default "auto"). */
  scale?: LossScale;
  /** Longer curves are min/max-decimated to this many points (default 3000). */
  maxPoints?: number;
}

/**
 * Loss against optimisation step on a logarithmic y axis. Negative or huge losses are
 * handled by the {@link LossScale} "shift" transform (loss − min + 1), chosen
 * automatically when needed and stated in the axis title; non-finite losses are dropped and
 * counted in the subtitle. Default size 800 × 360 px.
 *
 * @param input The losses and options.
 * @returns A vega-lite spec.
 * @throws {RangeError} When no loss is finite, or `scale: "log"` meets a loss ≤ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lossSpec } from "./loss.ts";
 * import { renderSvg } from "./render.ts";
 * const losses = Float64Array.from({ length: 500 }, (_, i) => 3e5 * Math.exp(-i / 40) - 800);
 * const svg = await renderSvg(lossSpec({ losses }));
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("loss − min + 1")); // negative losses: shifted onto the log axis
 * ```
 */
export function lossSpec(input: LossInput): VegaLiteSpec {
  const fn = "lossSpec()";
  const losses = input.losses;
  if (!(ArrayBuffer.isView(losses) || Array.isArray(losses))) {
    throw new TypeError(`${fn}: losses must be an array of numbers`);
  }
  let min = Infinity, max = -Infinity, bad = 0;
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i]!;
    if (!Number.isFinite(v)) {
      bad++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= max)) {
    throw new RangeError(
      `${fn}: no finite loss among ${losses.length} values`,
    );
  }
  let mode = input.scale ?? "auto";
  if (mode === "auto") {
    mode = min > 0 && max / min <= 1.5
      ? "linear"
      : min > 0 && max / min <= 1e6
      ? "log"
      : "shift";
  }
  if (mode === "log" && !(min > 0)) {
    throw new RangeError(
      `${fn}: scale "log" needs losses > 0, the minimum is ${min}; use "shift"`,
    );
  }
  if (mode !== "log" && mode !== "shift" && mode !== "linear") {
    throw new RangeError(`${fn}: unknown scale "${mode}"`);
  }
  const shift = mode === "shift" ? 1 - min : 0;
  const finite: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i]!;
    if (Number.isFinite(v)) {
      finite.push(v + shift);
      steps.push(i);
    }
  }
  const rows = _decimate(finite, input.maxPoints ?? 3000).map((k) => ({
    step: steps[k]!,
    loss: _round(finite[k]!, 8),
  }));
  const name = input.labels?.loss ?? "loss (−ELBO)";
  const yTitle = mode === "shift" ? `${name} − min + 1` : name;
  const notes: string[] = [];
  if (input.subtitle !== undefined) notes.push(input.subtitle);
  notes.push(`${losses.length} steps, final loss ${_fmt(_last(losses))}`);
  if (mode === "shift") {
    notes.push(`plotted: loss − min + 1, min = ${_fmt(min)}`);
  }
  if (bad > 0) notes.push(`${bad} non-finite values left out`);
  const spec = _topLevel(
    input.width ?? 800,
    input.height ?? 360,
    input.title ?? "SVI loss",
    notes.join("; "),
  );
  spec.data = { values: rows };
  spec.mark = { type: "line", strokeWidth: 1.2, color: "#4c78a8" };
  spec.encoding = {
    x: {
      field: "step",
      type: "quantitative",
      title: input.labels?.step ?? "step",
      scale: { nice: false, zero: false },
      axis: { tickCount: 8, labelFlush: true },
    },
    y: {
      field: "loss",
      type: "quantitative",
      title: yTitle,
      scale: mode === "linear" ? { zero: false } : { type: "log" },
    },
  };
  return spec;
}

function _last(a: NumArray): number {
  for (let i = a.length - 1; i >= 0; i--) {
    if (Number.isFinite(a[i]!)) return a[i]!;
  }
  return NaN;
}

function _fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const ax = Math.abs(x);
  return ax !== 0 && (ax >= 1e6 || ax < 1e-3)
    ? x.toExponential(3)
    : String(Number(x.toPrecision(6)));
}
