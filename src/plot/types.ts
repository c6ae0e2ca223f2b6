/**
 * Types shared by the figure builders.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import type { VegaLiteSpec } from "./types.ts";
 * const spec: VegaLiteSpec = { $schema: "https://vega.github.io/schema/vega-lite/v6.json" };
 * spec.width = 300; // any other vega-lite property
 * assert.deepStrictEqual(JSON.parse(JSON.stringify(spec)), spec); // plain, serialisable
 * ```
 *
 * @module
 */

/**
 * A vega-lite JSON specification (plain, serialisable object). The builders return these;
 * callers may tweak fields (title, width, …) before rendering.
 */
export interface VegaLiteSpec {
  /** The vega-lite JSON-schema URL. */
  $schema: string;
  /** Any other vega-lite property. */
  [key: string]: unknown;
}

/** Numbers in an array: a typed array (usually Float64Array) or a plain array. */
export type NumArray = ArrayLike<number>;

/** Size and title options common to all single-panel builders. */
export interface FigureOptions {
  /** Total width of the figure in px, axes and legend included. */
  width?: number;
  /** Total height of the figure in px, axes, titles and legend included. */
  height?: number;
  /** Figure title. */
  title?: string;
  /** Subtitle under the title. */
  subtitle?: string;
}
