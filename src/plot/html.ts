/**
 * A self-contained HTML index (inline CSS, no scripts) of rendered figures, and a posterior
 * summary table.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { indexHtml, summaryTableHtml } from "./html.ts";
 * const html = indexHtml({
 *   title: "exospec tutorial",
 *   figures: [{ title: "Spectrum", file: "spectrum.png" }],
 *   summaryHtml: summaryTableHtml([{ name: "T0", mean: 1201, sd: 40, q5: 1135, q50: 1200, q95: 1266, truth: 1200 }]),
 * });
 * assert.ok(html.startsWith("<!DOCTYPE html>"));
 * assert.ok(html.includes('<img src="spectrum.png" alt="Spectrum">'));
 * assert.ok(html.includes('<table class="summary">')); // the summary sits above the figures
 * ```
 *
 * @module
 */

import { _escapeHtml } from "./_util.ts";

/** One figure of {@link indexHtml}. */
export interface IndexFigure {
  /** Caption. */
  title: string;
  /** Image path relative to the HTML file (.png or .svg). */
  file: string;
  /** Optional extra text under the caption (plain text, escaped). */
  note?: string;
}

/** Input of {@link indexHtml}. */
export interface IndexHtmlInput {
  /** Page title and heading. */
  title: string;
  /** Figures, shown in order. */
  figures: readonly IndexFigure[];
  /** Trusted HTML placed before the figures, e.g. from {@link summaryTableHtml}. */
  summaryHtml?: string;
}

/** One row of {@link summaryTableHtml}: a parameter's posterior summary. */
export interface SummaryRow {
  /** Parameter name (with unit if wanted), e.g. "T0 [K]". */
  name: string;
  /** Posterior mean. */
  mean: number;
  /** Posterior standard deviation. */
  sd: number;
  /** 5 % quantile. */
  q5: number;
  /** Median. */
  q50: number;
  /** 95 % quantile. */
  q95: number;
  /** True (injected) value, if known. */
  truth?: number;
}

const _CSS = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 24px auto; max-width: 1280px; color: #222; padding: 0 12px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 16px; margin: 0 0 6px; }
figure { margin: 28px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 13px; color: #555; margin-top: 4px; }
figcaption a { color: #4c78a8; margin-left: 8px; }
table.summary { border-collapse: collapse; font-size: 13px; margin: 12px 0 20px; }
table.summary th, table.summary td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
table.summary th:first-child, table.summary td:first-child { text-align: left; }
table.summary td.miss { color: #c0392b; font-weight: bold; }
nav a { margin-right: 12px; font-size: 13px; }
`.trim();

/**
 * A self-contained HTML page (inline CSS, no scripts or external resources) showing all
 * figures in order with captions, links to each figure's SVG / vega-lite JSON siblings
 * (same path, `.svg` / `.vl.json`), and an optional summary block on top.
 *
 * @param input Title, figures (paths relative to the page), optional summary HTML.
 * @returns The HTML document.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { indexHtml } from "./html.ts";
 * const html = indexHtml({ title: "A < B", figures: [{ title: "Loss", file: "loss.png" }] });
 * assert.ok(html.includes("<title>A &lt; B</title>")); // escaped
 * assert.ok(html.includes('<a href="loss.svg">svg</a><a href="loss.vl.json">vega-lite</a>'));
 * ```
 */
export function indexHtml(input: IndexHtmlInput): string {
  const figs = input.figures.map((f, i) => {
    const src = _escapeHtml(f.file);
    const stem = f.file.replace(/\.(png|svg)$/i, "");
    const links = stem !== f.file
      ? ` <a href="${_escapeHtml(stem)}.svg">svg</a><a href="${
        _escapeHtml(stem)
      }.vl.json">vega-lite</a>`
      : "";
    const note = f.note !== undefined ? `<br>${_escapeHtml(f.note)}` : "";
    return `<figure id="fig${i + 1}">
<h2>${i + 1}. ${_escapeHtml(f.title)}</h2>
<img src="${src}" alt="${_escapeHtml(f.title)}">
<figcaption>${_escapeHtml(f.file)}${links}${note}</figcaption>
</figure>`;
  });
  const nav = input.figures.map((f, i) =>
    `<a href="#fig${i + 1}">${i + 1}. ${_escapeHtml(f.title)}</a>`
  ).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${_escapeHtml(input.title)}</title>
<style>
${_CSS}
</style>
</head>
<body>
<h1>${_escapeHtml(input.title)}</h1>
<nav>
${nav}
</nav>
${input.summaryHtml ?? ""}
${figs.join("\n")}
</body>
</html>
`;
}

/**
 * An HTML table of posterior summaries (mean, sd, 5/50/95 % quantiles, truth). When a
 * truth is given, a last column says whether it lies in the 90 % interval [q5, q95]
 * (marked in red when not). Numbers are shown with 4 significant digits.
 *
 * @param rows One row per parameter.
 * @returns A `<table class="summary">` element.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { summaryTableHtml } from "./html.ts";
 * const t = summaryTableHtml([{ name: "T0 [K]", mean: 1203.4, sd: 41.2, q5: 1135, q50: 1201, q95: 1270, truth: 1200 }]);
 * // 4 significant digits; the truth lies in [q5, q95]
 * assert.ok(t.includes("<tr><td>T0 [K]</td><td>1203</td><td>41.2</td><td>1135</td><td>1201</td><td>1270</td><td>1200</td><td>yes</td></tr>"));
 * ```
 */
export function summaryTableHtml(rows: readonly SummaryRow[]): string {
  const hasTruth = rows.some((r) => r.truth !== undefined);
  const head = ["parameter", "mean", "sd", "5 %", "50 %", "95 %"];
  if (hasTruth) head.push("truth", "truth in 90 %");
  const body = rows.map((r) => {
    const cells = [
      `<td>${_escapeHtml(r.name)}</td>`,
      ...[r.mean, r.sd, r.q5, r.q50, r.q95].map((v) => `<td>${_num(v)}</td>`),
    ];
    if (hasTruth) {
      if (r.truth === undefined) cells.push("<td></td>", "<td></td>");
      else {
        const inside = r.truth >= r.q5 && r.truth <= r.q95;
        cells.push(
          `<td>${_num(r.truth)}</td>`,
          inside ? "<td>yes</td>" : '<td class="miss">no</td>',
        );
      }
    }
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table class="summary">
<thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead>
<tbody>
${body.join("\n")}
</tbody>
</table>`;
}

function _num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}
