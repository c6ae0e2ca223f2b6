/**
 * ExoMol line lists (as ExoJAX's `MdbExomol`): reads a dataset directory laid out like
 * `.database/CO/12C-16O/Li2015/12C-16O__Li2015.{def,pf,states.bz2,trans.bz2}` plus the
 * broadening file `.database/CO/12C-16O/Li2015/12C-16O__H2.broad`, optionally downloading
 * missing files from ExoMol.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadExomol } from "./exomol.ts";
 * const db = await loadExomol("../shared/data/CO/12C-16O/SAMPLE", { nuRange: [4340, 4350] });
 * assert.deepStrictEqual([db.molecule, db.molmass, db.nu.length > 0], ["CO", 28.0101, true]);
 * ```
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { C2, C_CGS, TREF } from "../constants.ts";
import type { LineList, PartitionFunction } from "./types.ts";
import {
  DatabaseFormatError,
  DatabaseNotFoundError,
  DownloadError,
} from "./errors.ts";
import {
  type ExomolBroad,
  type ExomolDef,
  type ExomolTransitions,
  parseExomolBroad,
  parseExomolDef,
  parseExomolStates,
  parseExomolTrans,
} from "./exomol_files.ts";
import {
  parsePartitionFunction,
  partitionFunctionAt,
} from "./partition_function.ts";
import { pathExists, readDatabaseText } from "./text.ts";
import { downloadToFile, validateBz2, validateStartsWith } from "./download.ts";

export type { ExomolDef } from "./exomol_files.ts";

/** ExoMol's database root URL. */
export const EXOMOL_BASE_URL = "https://www.exomol.com/db";

/** Default pressure-broadening parameters when neither the `.broad` nor the `.def` gives one. */
export const EXOMOL_DEFAULT_ALPHA_REF = 0.07;
/** Default temperature exponent when neither the `.broad` nor the `.def` gives one. */
export const EXOMOL_DEFAULT_N_TEMP = 0.5;

/** Download settings of {@linkcode loadExomol}. */
export interface ExomolDownloadOptions {
  /** Root URL (default {@linkcode EXOMOL_BASE_URL}); files are fetched from `<baseUrl>/<molecule>/<iso>/<dataset>/<file>`. */
  readonly baseUrl?: string;
  /** The fetch implementation (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** Give up on a response body that delivers no data for this long [ms] (default 60000). */
  readonly idleTimeoutMs?: number;
}

/** Options of {@linkcode loadExomol}. */
export interface ExomolOptions {
  /** Wavenumber range [cm⁻¹]; default: all lines. */
  readonly nuRange?: readonly [number, number];
  /** Margin added on both sides of `nuRange` [cm⁻¹] (default 0). */
  readonly margin?: number;
  /** Background gas of the `.broad` file (default "H2"). */
  readonly broadener?: "H2" | "He";
  /** Drop lines with S(296 K) below this [cm/molecule] (default 0: keep all). */
  readonly strengthCut?: number;
  /** Download missing files from ExoMol into the dataset directory (default false). */
  readonly download?: boolean | ExomolDownloadOptions;
}

/** An ExoMol line list: a {@linkcode LineList} plus ExoMol-specific data. */
export interface ExomolDb extends LineList {
  /** Dataset directory, e.g. `.database/CO/12C-16O/Li2015`. */
  readonly path: string;
  /** Isotopologue slug from the directory name, e.g. `12C-16O`. */
  readonly isotopologue: string;
  /** Dataset name from the directory name, e.g. `Li2015`. */
  readonly dataset: string;
  /** Parsed `.def`. */
  readonly def: ExomolDef;
  /** Background gas used for broadening. */
  readonly broadener: "H2" | "He";
  /** `.broad` file used, or null when absent (defaults applied to every line). */
  readonly broadFile: string | null;
  /** `.trans` file(s) read. */
  readonly transFiles: readonly string[];
  /** Whether the `.trans` rows carry the wavenumber (4th column); else ν = E′ − E″. */
  readonly transHasWavenumber: boolean;
  /** Wavenumber window actually selected [cm⁻¹] (range ± margin). */
  readonly selectedRange: readonly [number, number];
  /** Lower-state J per line. */
  readonly jlower: Float64Array;
  /** Upper-state J per line. */
  readonly jupper: Float64Array;
}

/**
 * Reference line strengths S(Tref = 296 K) [cm/molecule] from Einstein A coefficients:
 * S₀ = −A g′ e^{−c₂E″/Tref} expm1(−c₂ν/Tref) / (8π c ν² Q(Tref)) (ExoJAX `line_strength_ref`).
 *
 * @param einsteinA Einstein A [s⁻¹].
 * @param gupper Upper-state degeneracy g′.
 * @param elower Lower-state energy E″ [cm⁻¹].
 * @param nu Line centre ν [cm⁻¹].
 * @param qtref Q(296 K).
 * @returns S(296 K) per line [cm/molecule].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { lineStrengthFromEinsteinA } from "./exomol.ts";
 * const s = lineStrengthFromEinsteinA(
 *   new Float64Array([39.7]), new Float64Array([105]), new Float64Array([10000]),
 *   new Float64Array([4329.45]), 107.4,
 * );
 * assert.ok(s[0]! > 0);
 * ```
 */
export function lineStrengthFromEinsteinA(
  einsteinA: Float64Array,
  gupper: Float64Array,
  elower: Float64Array,
  nu: Float64Array,
  qtref: number,
): Float64Array {
  const n = nu.length;
  if (einsteinA.length !== n || gupper.length !== n || elower.length !== n) {
    throw new TypeError(
      `lineStrengthFromEinsteinA(): lengths differ (A ${einsteinA.length}, g ${gupper.length}, E ${elower.length}, nu ${n})`,
    );
  }
  if (!(qtref > 0)) {
    throw new RangeError(
      `lineStrengthFromEinsteinA(): qtref must be positive, got ${qtref}`,
    );
  }
  const out = new Float64Array(n);
  const k = 8.0 * Math.PI * C_CGS * qtref;
  for (let i = 0; i < n; i++) {
    const v = nu[i]!;
    out[i] = -einsteinA[i]! * gupper[i]! * Math.exp(-C2 * elower[i]! / TREF) *
      Math.expm1(-C2 * v / TREF) / (k * v * v);
  }
  return out;
}

/**
 * Simple molecule name from an ExoMol isotopologue slug: isotope numbers removed and atoms
 * concatenated (`12C-16O` → `CO`, `1H2-16O` → `H2O`, `1H-12C-14N` → `HCN`).
 *
 * @param slug Isotopologue slug.
 * @returns The molecule name used in ExoMol URLs.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { moleculeFromIsotopologue } from "./exomol.ts";
 * assert.strictEqual(moleculeFromIsotopologue("12C-1H4"), "CH4");
 * ```
 */
export function moleculeFromIsotopologue(slug: string): string {
  return slug.split("-").map((p) => p.replace(/^\d+/, "")).join("");
}

/** File names and URLs of one ExoMol dataset. */
export interface ExomolFileSet {
  /** Dataset directory. */
  readonly dir: string;
  /** Molecule, e.g. `CO`. */
  readonly molecule: string;
  /** Isotopologue slug, e.g. `12C-16O`. */
  readonly isotopologue: string;
  /** Dataset name, e.g. `Li2015`. */
  readonly dataset: string;
  /** Path stem `<dir>/<iso>__<dataset>` (append `.def`, `.pf`, ...). */
  readonly stem: string;
  /** URL stem `<baseUrl>/<molecule>/<iso>/<dataset>/<iso>__<dataset>`. */
  readonly urlStem: string;
  /** `.broad` path for a background gas. */
  broadPath(gas: string): string;
  /** `.broad` URL for a background gas (`<baseUrl>/<molecule>/<iso>/<iso>__<gas>.broad`). */
  broadUrl(gas: string): string;
}

/**
 * Local paths and ExoMol URLs of a dataset directory `<...>/<iso>/<dataset>`.
 *
 * @param path Dataset directory, e.g. `.database/CO/12C-16O/Li2015`.
 * @param baseUrl ExoMol root URL.
 * @returns The file set.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { exomolFiles } from "./exomol.ts";
 * const f = exomolFiles(".database/CO/12C-16O/Li2015");
 * assert.strictEqual(`${f.urlStem}.def`, "https://www.exomol.com/db/CO/12C-16O/Li2015/12C-16O__Li2015.def");
 * assert.strictEqual(f.broadUrl("H2"), "https://www.exomol.com/db/CO/12C-16O/12C-16O__H2.broad");
 * ```
 */
export function exomolFiles(
  path: string,
  baseUrl: string = EXOMOL_BASE_URL,
): ExomolFileSet {
  if (typeof path !== "string" || path.trim() === "") {
    throw new TypeError(
      `exomolFiles(): path must be a non-empty string, got ${path}`,
    );
  }
  const dir = path.replace(/[\/\\]+$/, "");
  const dataset = basename(dir);
  const isotopologue = basename(dirname(dir));
  if (
    dataset === "" || isotopologue === "" || isotopologue === "." ||
    !isotopologue.includes("-") && !/\d/.test(isotopologue)
  ) {
    throw new TypeError(
      `exomolFiles(): path "${path}" must end with <isotopologue>/<dataset>, e.g. .database/CO/12C-16O/Li2015`,
    );
  }
  const molecule = moleculeFromIsotopologue(isotopologue);
  const root = baseUrl.replace(/\/+$/, "");
  const stem = join(dir, `${isotopologue}__${dataset}`);
  return {
    dir,
    molecule,
    isotopologue,
    dataset,
    stem,
    urlStem:
      `${root}/${molecule}/${isotopologue}/${dataset}/${isotopologue}__${dataset}`,
    broadPath: (gas: string) => join(dir, `${isotopologue}__${gas}.broad`),
    broadUrl: (gas: string) =>
      `${root}/${molecule}/${isotopologue}/${isotopologue}__${gas}.broad`,
  };
}

/**
 * Wavenumber tags of chunked `.trans` files, as ExoJAX/ExoMol name them: the range
 * [0, maxWavenumber] split in `n` equal chunks, tags `%05d-%05d` of the integer bounds.
 *
 * @param n Number of `.trans` files (from the `.def`).
 * @param maxWavenumber Maximum wavenumber [cm⁻¹] (from the `.def`).
 * @returns One entry per chunk: its tag and range [cm⁻¹].
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { exomolTransChunks } from "./exomol.ts";
 * assert.strictEqual(exomolTransChunks(2, 200)[1]!.tag, "00100-00200");
 * ```
 */
export function exomolTransChunks(
  n: number,
  maxWavenumber: number,
): { tag: string; lo: number; hi: number }[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `exomolTransChunks(): n must be a positive integer, got ${n}`,
    );
  }
  if (!(maxWavenumber > 0)) {
    throw new RangeError(
      `exomolTransChunks(): maxWavenumber must be positive, got ${maxWavenumber}`,
    );
  }
  const d = maxWavenumber / n;
  const pad = (x: number) => String(Math.trunc(x)).padStart(5, "0");
  const out: { tag: string; lo: number; hi: number }[] = [];
  for (let k = 0; k < n; k++) {
    const lo = k * d;
    const hi = k === n - 1 ? maxWavenumber : (k + 1) * d;
    out.push({ tag: `${pad(lo)}-${pad(hi)}`, lo, hi });
  }
  return out;
}

/**
 * Loads an ExoMol line list restricted to a wavenumber window, as ExoJAX's `MdbExomol`.
 *
 * - Files: `<path>/<iso>__<dataset>.def`, `.pf`, `.states.bz2` (or plain `.states`),
 *   `.trans.bz2` (or `.trans`; chunked `<iso>__<dataset>__<tag>.trans.bz2` when the `.def`
 *   lists several transition files, only the chunks overlapping the window are read) and
 *   `<path>/<iso>__<broadener>.broad`.
 * - Lines kept: `nuRange[0] − margin <= ν <= nuRange[1] + margin`, ν > 0, and
 *   S(296) >= `strengthCut`. ν is the `.trans` 4th column when present (rows must then be
 *   sorted), else E′ − E″. The result is sorted by ν.
 * - S(296) per {@linkcode lineStrengthFromEinsteinA} with Q(296) interpolated in the `.pf`.
 * - Broadening: `.broad` code a1 (J″, J′) first, then a0 (J″); J values not listed get the
 *   `.def` defaults, or 0.07 cm⁻¹ bar⁻¹ and 0.5 when the `.def` has none (ExoJAX/radis
 *   behaviour). When the `.broad` file is absent (locally, or 404 on download) every line
 *   gets those defaults and `broadFile` is null.
 * - Missing files: with `download` they are fetched from ExoMol into `path` (atomically,
 *   validated); otherwise a {@linkcode DatabaseNotFoundError} names the path and URL.
 * - The molecule name comes from the directory's isotopologue slug (the `.def` slug may
 *   carry typos); the mass from the `.def`.
 *
 * @param path Dataset directory, e.g. `.database/CO/12C-16O/Li2015`.
 * @param opts Range, margin, broadener, strength cut, download.
 * @returns The line list.
 * @throws {DatabaseNotFoundError} for a missing file without `download`.
 * @throws {DatabaseFormatError} for malformed files (naming file, line and field).
 * @throws {DownloadError} when a download fails.
 * @throws {RangeError} for invalid options or when no line falls in the window.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadExomol } from "./exomol.ts";
 * const db = await loadExomol("../shared/data/CO/12C-16O/SAMPLE", { nuRange: [4329, 4363] });
 * assert.deepStrictEqual([db.nu.length, db.alphaRef[0]! > 0], [259, true]);
 * ```
 */
export async function loadExomol(
  path: string,
  opts: ExomolOptions = {},
): Promise<ExomolDb> {
  const range = opts.nuRange ?? [0, Infinity];
  if (!Array.isArray(range) || range.length !== 2) {
    throw new TypeError(
      `loadExomol(): nuRange must be [min, max], got ${JSON.stringify(range)}`,
    );
  }
  const [r0, r1] = range;
  if (Number.isNaN(r0) || Number.isNaN(r1) || !(r0 <= r1)) {
    throw new RangeError(
      `loadExomol(): nuRange must satisfy min <= max, got [${r0}, ${r1}]`,
    );
  }
  const margin = opts.margin ?? 0;
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new RangeError(
      `loadExomol(): margin must be a finite non-negative number, got ${margin}`,
    );
  }
  const broadener = opts.broadener ?? "H2";
  if (broadener !== "H2" && broadener !== "He") {
    throw new RangeError(
      `loadExomol(): broadener must be "H2" or "He", got ${
        JSON.stringify(broadener)
      }`,
    );
  }
  const strengthCut = opts.strengthCut ?? 0;
  if (!(strengthCut >= 0)) {
    throw new RangeError(
      `loadExomol(): strengthCut must be non-negative, got ${strengthCut}`,
    );
  }
  const dl = opts.download === undefined || opts.download === false
    ? null
    : opts.download === true
    ? {}
    : opts.download;
  const files = exomolFiles(path, dl?.baseUrl ?? EXOMOL_BASE_URL);
  const lo = r0 - margin;
  const hi = r1 + margin;

  const ensure = async (
    candidates: string[],
    url: string,
    validate: (b: Uint8Array) => void,
  ): Promise<string> => {
    for (const c of candidates) if (await pathExists(c)) return c;
    if (dl === null) {
      throw new DatabaseNotFoundError(
        candidates[0]!,
        url,
        "(or call loadExomol() with { download: true })",
      );
    }
    await downloadToFile(url, candidates[0]!, { ...dlOpts, validate });
    return candidates[0]!;
  };
  const dlOpts = dl === null ? {} : {
    ...(dl.fetch === undefined ? {} : { fetch: dl.fetch }),
    ...(dl.idleTimeoutMs === undefined
      ? {}
      : { idleTimeoutMs: dl.idleTimeoutMs }),
  };

  const defUrl = `${files.urlStem}.def`;
  const defPath = await ensure(
    [`${files.stem}.def`],
    defUrl,
    (b) => {
      validateStartsWith("EXOMOL.def")(b);
      parseExomolDef(_completeText(b, defUrl), defUrl);
    },
  );
  const def = parseExomolDef(await readDatabaseText(defPath), defPath);
  const pfUrl = `${files.urlStem}.pf`;
  const pfPath = await ensure(
    [`${files.stem}.pf`],
    pfUrl,
    (b) => {
      const table = parsePartitionFunction(_completeText(b, pfUrl), pfUrl);
      _qAtTref(table, pfUrl);
      const tmax = def.pfMaxTemperature;
      const last = table.t[table.t.length - 1]!;
      if (tmax !== null && last < tmax) {
        throw new DatabaseFormatError(
          pfUrl,
          undefined,
          "T",
          `the table ends at ${last} K but the .def declares ${tmax} K (truncated download?)`,
        );
      }
    },
  );
  const pf: PartitionFunction = parsePartitionFunction(
    await readDatabaseText(pfPath),
    pfPath,
  );
  const qtref = _qAtTref(pf, pfPath);

  // Transition files (chunked when the .def says so) overlapping [lo, hi].
  let transStems: { stem: string; url: string }[];
  if (def.nTransFiles > 1) {
    if (def.maxWavenumber === null) {
      throw new RangeError(
        `${
          basename(defPath)
        }: ${def.nTransFiles} transition files but no "Maximum wavenumber" entry`,
      );
    }
    transStems = exomolTransChunks(def.nTransFiles, def.maxWavenumber)
      .filter((c) => c.hi >= lo && c.lo <= hi)
      .map((c) => ({
        stem: `${files.stem}__${c.tag}.trans`,
        url: `${files.urlStem}__${c.tag}.trans.bz2`,
      }));
    if (transStems.length === 0) {
      throw new RangeError(
        `loadExomol(): no transition file of ${
          basename(files.stem)
        } covers [${lo}, ${hi}] cm⁻¹ (line list ends at ${def.maxWavenumber} cm⁻¹)`,
      );
    }
  } else {
    transStems = [{
      stem: `${files.stem}.trans`,
      url: `${files.urlStem}.trans.bz2`,
    }];
  }
  const statesPath = await ensure(
    [`${files.stem}.states.bz2`, `${files.stem}.states`],
    `${files.urlStem}.states.bz2`,
    validateBz2,
  );
  const transPaths: string[] = [];
  for (const t of transStems) {
    transPaths.push(
      await ensure([`${t.stem}.bz2`, t.stem], t.url, validateBz2),
    );
  }

  const states = parseExomolStates(
    await readDatabaseText(statesPath),
    statesPath,
    def.nStates,
  );
  const parts: ExomolTransitions[] = [];
  for (const tp of transPaths) {
    parts.push(
      parseExomolTrans(await readDatabaseText(tp), tp, states, lo, hi),
    );
  }

  // Broadening file.
  const broadPath = files.broadPath(broadener);
  let broad: ExomolBroad | null = null;
  let broadFile: string | null = null;
  if (await pathExists(broadPath)) {
    broadFile = broadPath;
  } else if (dl !== null) {
    try {
      const url = files.broadUrl(broadener);
      await downloadToFile(url, broadPath, {
        ...dlOpts,
        validate: (b) => {
          parseExomolBroad(_completeText(b, url), url);
        },
      });
      broadFile = broadPath;
    } catch (e) {
      if (!(e instanceof DownloadError && e.status === 404)) throw e;
    }
  }
  if (broadFile !== null) {
    broad = parseExomolBroad(await readDatabaseText(broadFile), broadFile);
  }

  // Merge, sort by nu, apply the strength cut.
  let total = 0;
  for (const p of parts) total += p.nu.length;
  const cat = (
    key: keyof Omit<ExomolTransitions, "hasWavenumber" | "line">,
  ): Float64Array => {
    const out = new Float64Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p[key], o);
      o += p[key].length;
    }
    return out;
  };
  const nuAll = cat("nu");
  const aAll = cat("einsteinA");
  const eAll = cat("elower");
  const gAll = cat("gupper");
  const jlAll = cat("jlower");
  const juAll = cat("jupper");
  const sAll = lineStrengthFromEinsteinA(aAll, gAll, eAll, nuAll, qtref);
  // Extreme but finite inputs (A·g′ ~ 1e308, ν ~ 1e-320, E″ ~ -1e308) overflow S: name the row.
  for (let i = 0, p = 0, o = 0; i < total; i++) {
    while (i - o >= parts[p]!.nu.length) o += parts[p++]!.nu.length;
    if (!Number.isFinite(sAll[i]!)) {
      throw new DatabaseFormatError(
        transPaths[p]!,
        parts[p]!.line[i - o],
        "A",
        `line strength S(296 K) = ${sAll[i]} from A = ${aAll[i]} s⁻¹, g′ = ${
          gAll[i]
        }, E″ = ${eAll[i]} cm⁻¹, ν = ${nuAll[i]} cm⁻¹ is not finite`,
      );
    }
  }
  const order: number[] = [];
  for (let i = 0; i < total; i++) if (sAll[i]! >= strengthCut) order.push(i);
  order.sort((x, y) => nuAll[x]! - nuAll[y]! || x - y);
  const transNames = transPaths.map((p) => basename(p)).join(", ");
  if (order.length === 0) {
    const why = total === 0
      ? "no line"
      : `none of the ${total} lines has S(296 K) >= ${strengthCut} cm/molecule`;
    throw new RangeError(
      `loadExomol(): ${why} in [${lo}, ${hi}] cm⁻¹ in ${transNames}`,
    );
  }
  const pick = (src: Float64Array): Float64Array =>
    Float64Array.from(order, (i) => src[i]!);
  const jl = pick(jlAll);
  const ju = pick(juAll);
  const defAlpha = def.alphaRefDefault ?? EXOMOL_DEFAULT_ALPHA_REF;
  const defN = def.nTempDefault ?? EXOMOL_DEFAULT_N_TEMP;
  const alphaRef = new Float64Array(order.length).fill(defAlpha);
  const nTemp = new Float64Array(order.length).fill(defN);
  if (broad !== null) {
    for (let k = 0; k < order.length; k++) {
      const p = broad.a1.get(`${jl[k]},${ju[k]}`) ?? broad.a0.get(jl[k]!);
      if (p !== undefined) {
        alphaRef[k] = p[0];
        nTemp[k] = p[1];
      }
    }
  }
  return {
    molecule: files.molecule,
    molmass: def.molmass,
    tref: TREF,
    nu: pick(nuAll),
    elower: pick(eAll),
    gupper: pick(gAll),
    einsteinA: pick(aAll),
    lineStrengthRef: pick(sAll),
    alphaRef,
    nTemp,
    partitionFunction: pf,
    qtref,
    path: files.dir,
    isotopologue: files.isotopologue,
    dataset: files.dataset,
    def,
    broadener,
    broadFile,
    transFiles: transPaths,
    transHasWavenumber: parts.every((p) => p.hasWavenumber),
    selectedRange: [lo, hi],
    jlower: jl,
    jupper: ju,
  };
}

/** Q(Tref) of a table, or a DatabaseFormatError naming the file when the table misses Tref. */
function _qAtTref(pf: PartitionFunction, file: string): number {
  const n = pf.t.length;
  if (!(pf.t[0]! <= TREF && pf.t[n - 1]! >= TREF)) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "T",
      `the table [${pf.t[0]}, ${
        pf.t[n - 1]
      }] K does not cover Tref = ${TREF} K, needed for the line strengths`,
    );
  }
  return partitionFunctionAt(pf, TREF);
}

/** Downloaded text; refuses a body cut inside a line (every ExoMol text file ends in a newline). */
function _completeText(bytes: Uint8Array, url: string): string {
  const text = new TextDecoder().decode(bytes);
  if (!text.endsWith("\n")) {
    throw new DatabaseFormatError(
      url,
      text.split("\n").length,
      "end of file",
      "the file does not end with a newline (truncated download?)",
    );
  }
  return text;
}
