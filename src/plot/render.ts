/**
 * Headless rendering of vega-lite / Vega specs: SVG with vega's `renderer: "none"` view
 * (no DOM, no canvas), PNG with resvg (WebAssembly, initialised once per process from the
 * `@resvg/resvg-wasm` npm package) and a font file (DejaVu Sans by default).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { renderSvg, svgToPng } from "./render.ts";
 * const svg = await renderSvg({
 *   $schema: "https://vega.github.io/schema/vega-lite/v6.json",
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * assert.ok(svg.startsWith("<svg"));
 * const png = await svgToPng(svg);
 * // the 8-byte PNG signature: \x89 P N G \r \n \x1a \n
 * assert.deepStrictEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
 * ```
 *
 * @module
 */

import * as vega from "vega";
import * as vegaLite from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { fileURLToPath } from "node:url";
import { _FONT } from "./_util.ts";
import { _dejavuWidth } from "./_text_width.ts";

/** Default font file for PNG output (Debian package `fonts-dejavu-core`). */
export const DEFAULT_FONT_FILE =
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/** Result of {@link compileSpec}. */
export interface CompiledSpec {
  /** The Vega spec (the input itself when it already was one). */
  vega: Record<string, unknown>;
  /** Warnings vega-lite emitted while compiling (empty for a clean spec). */
  warnings: string[];
}

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /**
   * Called with every vega-lite compile warning and vega runtime warning. Default: none
   * (warnings are dropped); pass `console.warn` to see them.
   */
  onWarning?: (message: string) => void;
}

/** Options of {@link svgToPng} and {@link writeFigure}. */
export interface PngOptions {
  /**
   * Font files (TrueType/OpenType) resvg may use; the first one's family is the default.
   * Default: [{@link DEFAULT_FONT_FILE}].
   */
  fontFiles?: readonly string[];
  /** Family used for text whose font is not found (default "DejaVu Sans"). */
  defaultFontFamily?: string;
  /** Pixel scale: the PNG is round(scale × SVG size) (default 1). */
  scale?: number;
}

/** Paths written by {@link writeFigure}. */
export interface FigureFiles {
  /** The SVG file. */
  svg: string;
  /** The PNG file. */
  png: string;
  /** The vega-lite (or Vega) JSON spec. */
  json: string;
}

/** True when `spec` is a vega-lite spec (by `$schema`, else by its top-level keys). */
function _isVegaLite(spec: Record<string, unknown>): boolean {
  const schema = spec.$schema;
  if (typeof schema === "string") return schema.includes("vega-lite");
  if ("marks" in spec || "signals" in spec || "scales" in spec) return false;
  return ["mark", "layer", "concat", "hconcat", "vconcat", "facet", "repeat"]
    .some((k) => k in spec);
}

function _messageOf(args: unknown[]): string {
  return args.map((a) => (a instanceof Error ? a.message : String(a))).join(
    " ",
  );
}

/** A vega/vega-lite logger that collects warnings and throws on errors. */
function _logger(sink: (m: string) => void) {
  let lvl = 2;
  const logger = {
    level(v?: number) {
      if (v === undefined) return lvl as never;
      lvl = v;
      return logger as never;
    },
    error(...args: unknown[]): never {
      throw new Error(`vega: ${_messageOf(args)}`);
    },
    warn(...args: unknown[]) {
      sink(_messageOf(args));
      return logger as never;
    },
    info() {
      return logger as never;
    },
    debug() {
      return logger as never;
    },
  };
  return logger;
}

/**
 * Compiles a vega-lite spec to Vega, collecting the compiler's warnings. A Vega spec is
 * returned unchanged (with no warnings).
 *
 * @param spec A vega-lite or Vega JSON spec.
 * @returns The Vega spec and the warnings.
 * @throws {Error} When vega-lite reports an error.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compileSpec } from "./render.ts";
 * const { vega, warnings } = compileSpec({
 *   $schema: "https://vega.github.io/schema/vega-lite/v6.json",
 *   data: { values: [{ a: 1 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" } },
 * });
 * assert.ok(Array.isArray(vega.marks));
 * assert.deepStrictEqual(warnings, []);
 * ```
 */
export function compileSpec(spec: object): CompiledSpec {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TypeError("compileSpec(): spec must be a JSON object");
  }
  const s = spec as Record<string, unknown>;
  if (!_isVegaLite(s)) return { vega: s, warnings: [] };
  const warnings: string[] = [];
  const out = vegaLite.compile(s as unknown as vegaLite.TopLevelSpec, {
    logger: _logger((m) => warnings.push(m)) as never,
  });
  return {
    vega: out.spec as unknown as Record<string, unknown>,
    warnings,
  };
}

let _metricsInstalled = false;

/**
 * Makes vega measure text with DejaVu Sans advance widths (as vl-convert installs its own
 * measure): without a canvas, vega guesses 0.8 em per character, which misplaces titles
 * and legends. Affects vega's layout process-wide; harmless for other DejaVu-like fonts.
 */
function _installTextMetrics(): void {
  if (_metricsInstalled) return;
  _metricsInstalled = true;
  // `textMetrics` is exported by vega (from vega-scenegraph) but missing from its typings.
  const metrics = (vega as unknown as {
    textMetrics: {
      width: (item: Record<string, unknown>, text: unknown) => number;
    };
  }).textMetrics;
  metrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const w = item.fontWeight;
    const bold = w === "bold" || (typeof w === "number" && w >= 600);
    const s = text == null ? "" : String(text).trim();
    const width = _dejavuWidth(s, size, bold);
    // Like vega's own measure: text longer than `limit` is shown truncated to it.
    const limit = Number(item.limit);
    return limit > 0 ? Math.min(width, limit) : width;
  };
}

/**
 * Renders a vega-lite or Vega spec to an SVG string, headlessly (no DOM or canvas; text is
 * measured with DejaVu Sans advance widths).
 *
 * @param spec A vega-lite spec (as the builders of this module return) or a Vega spec.
 * @param options Where warnings go.
 * @returns The SVG document.
 * @throws {Error} When vega-lite or vega reports an error.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { renderSvg } from "./render.ts";
 * const svg = await renderSvg({
 *   $schema: "https://vega.github.io/schema/vega-lite/v6.json",
 *   data: { values: [{ p: 1 }, { p: 10 }] },
 *   mark: "point",
 *   encoding: { y: { field: "p", type: "quantitative", title: "pressure [bar]" } },
 * });
 * assert.ok(svg.startsWith("<svg"));
 * assert.ok(svg.includes("pressure [bar]"));
 * ```
 */
export async function renderSvg(
  spec: object,
  options: RenderSvgOptions = {},
): Promise<string> {
  const sink = options.onWarning ?? (() => {});
  _installTextMetrics();
  // vega tags inline data rows (Symbol ids): render a copy, leave the caller's spec as is.
  const { vega: vg, warnings } = compileSpec(structuredClone(spec));
  for (const w of warnings) sink(w);
  const view = new vega.View(vega.parse(vg as vega.Spec), {
    renderer: "none",
    logger: _logger(sink) as never,
    logLevel: vega.Warn,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let _wasmInit: Promise<void> | undefined;

/** Initialises resvg's WebAssembly once per process (from the npm package's .wasm). */
function _initResvg(): Promise<void> {
  if (_wasmInit === undefined) {
    _wasmInit = (async () => {
      const url = new URL(
        "index_bg.wasm",
        import.meta.resolve("@resvg/resvg-wasm"),
      );
      if (url.protocol !== "file:") {
        throw new Error(
          `svgToPng(): cannot locate resvg's index_bg.wasm (resolved ${url.href}); ` +
            `enable "nodeModulesDir": "auto" in deno.json`,
        );
      }
      await initWasm(await Deno.readFile(fileURLToPath(url)));
    })();
    _wasmInit.catch(() => {
      _wasmInit = undefined;
    });
  }
  return _wasmInit;
}

const _fontCache = new Map<string, Uint8Array>();

async function _readFont(path: string): Promise<Uint8Array> {
  const hit = _fontCache.get(path);
  if (hit !== undefined) return hit;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(
        `svgToPng(): font file not found: ${path} (install the Debian package ` +
          `fonts-dejavu-core, or pass fontFiles with existing .ttf/.otf paths)`,
        { cause: e },
      );
    }
    throw e;
  }
  _fontCache.set(path, bytes);
  return bytes;
}

/**
 * Rasterises an SVG to PNG with resvg (WebAssembly). Text is drawn with the given font
 * files only (system fonts are not searched, so output is reproducible).
 *
 * @param svg An SVG document, e.g. from {@link renderSvg}.
 * @param options Font files and pixel scale.
 * @returns The PNG bytes; its size is round(scale × the SVG's width/height).
 * @throws {Deno.errors.NotFound} When a font file is missing (the message names the path
 * and the Debian package `fonts-dejavu-core`).
 * @throws {RangeError} When `scale` is not a positive finite number.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { svgToPng } from "./render.ts";
 * const png = await svgToPng(
 *   '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15">Å</text></svg>',
 *   { scale: 2 },
 * );
 * // IHDR width and height (big-endian, bytes 16–23): 2 × 40 by 2 × 20 px
 * const ihdr = new DataView(png.buffer, png.byteOffset);
 * assert.deepStrictEqual([ihdr.getUint32(16), ihdr.getUint32(20)], [80, 40]);
 * ```
 */
export async function svgToPng(
  svg: string,
  options: PngOptions = {},
): Promise<Uint8Array> {
  if (typeof svg !== "string") {
    throw new TypeError("svgToPng(): svg must be a string");
  }
  const scale = options.scale ?? 1;
  if (!(scale > 0 && Number.isFinite(scale))) {
    throw new RangeError(`svgToPng(): scale must be > 0, got ${scale}`);
  }
  const files = options.fontFiles ?? [DEFAULT_FONT_FILE];
  const fontBuffers = await Promise.all(files.map(_readFont));
  await _initResvg();
  const family = options.defaultFontFamily ?? _FONT;
  const resvg = new Resvg(svg, {
    font: {
      fontBuffers,
      loadSystemFonts: false,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
    fitTo: scale === 1 ? { mode: "original" } : { mode: "zoom", value: scale },
  });
  try {
    const img = resvg.render();
    try {
      return img.asPng();
    } finally {
      img.free();
    }
  } finally {
    resvg.free();
  }
}

/**
 * Renders a spec and writes `<path>.vl.json` (the spec), `<path>.svg` and `<path>.png`,
 * creating the parent folder.
 *
 * @param spec A vega-lite or Vega spec.
 * @param pathWithoutExt Output path without extension, e.g. "out/spectrum".
 * @param options PNG options (fonts, scale) and the warning sink.
 * @returns The three paths written.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeFigure } from "./render.ts";
 * const dir = await Deno.makeTempDir();
 * const spec = {
 *   $schema: "https://vega.github.io/schema/vega-lite/v6.json",
 *   data: { values: [{ a: 1, b: 2 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
 * };
 * const files = await writeFigure(spec, `${dir}/fig`);
 * assert.deepStrictEqual(files, { json: `${dir}/fig.vl.json`, svg: `${dir}/fig.svg`, png: `${dir}/fig.png` });
 * assert.deepStrictEqual(JSON.parse(await Deno.readTextFile(files.json)), spec);
 * assert.ok((await Deno.readTextFile(files.svg)).startsWith("<svg"));
 * assert.ok((await Deno.stat(files.png)).size > 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFigure(
  spec: object,
  pathWithoutExt: string,
  options: PngOptions & RenderSvgOptions = {},
): Promise<FigureFiles> {
  const svg = await renderSvg(spec, options);
  const png = await svgToPng(svg, options);
  const slash = Math.max(
    pathWithoutExt.lastIndexOf("/"),
    pathWithoutExt.lastIndexOf("\\"),
  );
  if (slash > 0) {
    await Deno.mkdir(pathWithoutExt.slice(0, slash), { recursive: true });
  }
  const files: FigureFiles = {
    json: `${pathWithoutExt}.vl.json`,
    svg: `${pathWithoutExt}.svg`,
    png: `${pathWithoutExt}.png`,
  };
  await Deno.writeTextFile(files.json, JSON.stringify(spec));
  await Deno.writeTextFile(files.svg, svg);
  await Deno.writeFile(files.png, png);
  return files;
}
