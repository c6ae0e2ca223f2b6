/**
 * Parsers for the individual ExoMol files: `.def`, `.states`, `.trans` and `.broad`
 * (formats of Tennyson et al. 2016, J. Mol. Spectrosc. 327, 73, as read by ExoJAX's
 * `exomolapi.py`). The `.pf` reader lives in `partition_function.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseExomolBroad } from "./exomol_files.ts";
 * const b = parseExomolBroad("a0 0.0772 0.671 0\n", "x.broad");
 * assert.deepStrictEqual(b.a0.get(0), [0.0772, 0.671]);
 * ```
 *
 * @module
 */

import { DatabaseFormatError } from "./errors.ts";
import {
  forEachLine,
  parseIntField,
  parseNumberField,
  readDatabaseText,
  splitFields,
} from "./text.ts";

/**
 * Largest number of `.trans` files a `.def` may declare (ExoMol's biggest line lists have a
 * few hundred wavenumber chunks); a larger count is treated as a corrupt file.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { EXOMOL_MAX_TRANS_FILES } from "./exomol_files.ts";
 * assert.strictEqual(EXOMOL_MAX_TRANS_FILES, 100000);
 * ```
 */
export const EXOMOL_MAX_TRANS_FILES = 100000;

/** Contents of an ExoMol `.def` file that the readers use. */
export interface ExomolDef {
  /** Path of the `.def` file. */
  readonly file: string;
  /** Isotopologue formula as written (e.g. `(12C)(16O)`), possibly with typos. */
  readonly isoFormula: string;
  /** Isotopologue slug as written (e.g. `12C-16O`). */
  readonly isoSlug: string;
  /** Dataset name (e.g. `Li2015`). */
  readonly dataset: string;
  /** Version string (YYYYMMDD). */
  readonly version: string;
  /** Isotopologue mass [Da = u]. */
  readonly molmass: number;
  /** Number of states declared (the file may be an excerpt with fewer), or null. */
  readonly nStates: number | null;
  /** Total number of transitions declared, or null. */
  readonly nTransitions: number | null;
  /** Number of `.trans` files (1 unless the line list is split in wavenumber chunks). */
  readonly nTransFiles: number;
  /** Maximum wavenumber [cm⁻¹] (used to name chunked `.trans` files), or null. */
  readonly maxWavenumber: number | null;
  /** Maximum temperature of the partition function [K], or null. */
  readonly pfMaxTemperature: number | null;
  /** Number of pressure broadeners declared, or null. */
  readonly nBroadeners: number | null;
  /** Default Lorentzian HWHM α_ref [cm⁻¹ bar⁻¹], or null when not listed. */
  readonly alphaRefDefault: number | null;
  /** Default temperature exponent n_T, or null when not listed. */
  readonly nTempDefault: number | null;
  /** Quantum-number labels of the extra `.states` columns (after i, E, g, J). */
  readonly quantumLabels: readonly string[];
}

/** Parsed ExoMol `.states` columns (i, E, g_tot, J); `index` maps a state id to its row. */
export interface ExomolStates {
  /** State ids (counting numbers). */
  readonly id: Float64Array;
  /** State energies E [cm⁻¹]. */
  readonly energy: Float64Array;
  /** Total degeneracies g_tot. */
  readonly g: Float64Array;
  /** Total angular momentum J (may be half-integer). */
  readonly j: Float64Array;
  /** Row of state id `i`, or -1: `index[i]` (length max id + 1). */
  readonly index: Int32Array;
}

/** Broadening parameters of a `.broad` file (codes a0 and a1; other codes are ignored). */
export interface ExomolBroad {
  /** Code a0: J″ → [α_ref (cm⁻¹ bar⁻¹), n_T]. */
  readonly a0: Map<number, readonly [number, number]>;
  /** Code a1: `${J″},${J′}` → [α_ref (cm⁻¹ bar⁻¹), n_T]. */
  readonly a1: Map<string, readonly [number, number]>;
}

/** Transitions selected from one `.trans` file, with state quantities attached. */
export interface ExomolTransitions {
  /** Whether the rows carry a 4th column (the wavenumber); else ν = E′ − E″. */
  readonly hasWavenumber: boolean;
  /** Line centres [cm⁻¹]. */
  readonly nu: Float64Array;
  /** Einstein A [s⁻¹]. */
  readonly einsteinA: Float64Array;
  /** Lower-state energy [cm⁻¹]. */
  readonly elower: Float64Array;
  /** Upper-state degeneracy. */
  readonly gupper: Float64Array;
  /** Lower-state J. */
  readonly jlower: Float64Array;
  /** Upper-state J. */
  readonly jupper: Float64Array;
  /** 1-based line of each transition in the file (for error messages). */
  readonly line: Int32Array;
}

/**
 * Reads an ExoMol `.def` file (see {@linkcode parseExomolDef}).
 *
 * @param path Path of the `.def` file.
 * @returns The parsed definition.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { readExomolDef } from "./exomol_files.ts";
 * const def = await readExomolDef("../shared/data/CO/12C-16O/SAMPLE/12C-16O__SAMPLE.def");
 * assert.deepStrictEqual([def.molmass, def.nTransFiles], [28.0101, 1]);
 * ```
 */
export async function readExomolDef(path: string): Promise<ExomolDef> {
  return parseExomolDef(await readDatabaseText(path), path);
}

/**
 * Parses the text of an ExoMol `.def` file. Each line is `value # comment`; entries are found
 * by their comment, as ExoJAX does. Required: the `EXOMOL.def` first line and the
 * isotopologue mass; the rest is null when absent.
 *
 * @param text File content.
 * @param file File name for error messages.
 * @returns The parsed definition.
 * @throws {DatabaseFormatError} when the first line is not `EXOMOL.def`, the mass is missing
 *   or not positive, a needed value is not a number, the default α_ref is negative, or the
 *   number of `.trans` files is outside 1..{@linkcode EXOMOL_MAX_TRANS_FILES} (or, above 1,
 *   without a Maximum wavenumber of at least 1 cm⁻¹ per file).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseExomolDef } from "./exomol_files.ts";
 * const d = parseExomolDef("EXOMOL.def # ID\n  28.01 0.46e-25 # Isotopologue mass (Da) and (kg)\n", "x.def");
 * assert.strictEqual(d.molmass, 28.01);
 * ```
 */
export function parseExomolDef(text: string, file: string): ExomolDef {
  const entries: { value: string; comment: string; line: number }[] = [];
  forEachLine(text, (line, n) => {
    if (line.trim() === "") return;
    const k = line.indexOf("#");
    const value = (k >= 0 ? line.slice(0, k) : line).trim();
    // Comments are matched by their words: blanks (tabs, repeated spaces) collapse to one space.
    const comment = k >= 0 ? line.slice(k + 1).trim().replace(/\s+/g, " ") : "";
    entries.push({ value, comment, line: n });
  });
  if (entries.length === 0 || !entries[0]!.value.startsWith("EXOMOL.def")) {
    throw new DatabaseFormatError(
      file,
      1,
      "ID",
      'the first line must be "EXOMOL.def"',
    );
  }
  const find = (prefix: string) =>
    entries.find((e) =>
      e.comment.toLowerCase().startsWith(prefix.toLowerCase())
    );
  const str = (prefix: string): string => find(prefix)?.value ?? "";
  const num = (prefix: string, field: string): number | null => {
    const e = find(prefix);
    if (e === undefined) return null;
    const tok = splitFields(e.value)[0] ?? "";
    return parseNumberField(tok, file, e.line, field);
  };
  const int = (prefix: string, field: string): number | null => {
    const e = find(prefix);
    if (e === undefined) return null;
    return parseIntField(splitFields(e.value)[0] ?? "", file, e.line, field);
  };
  const massEntry = find("Isotopologue mass");
  if (massEntry === undefined) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "Isotopologue mass",
      "entry is missing",
    );
  }
  const molmass = parseNumberField(
    splitFields(massEntry.value)[0] ?? "",
    file,
    massEntry.line,
    "Isotopologue mass",
  );
  if (!(molmass > 0)) {
    throw new DatabaseFormatError(
      file,
      massEntry.line,
      "Isotopologue mass",
      `mass ${molmass} Da must be positive`,
    );
  }
  const nTransFiles =
    int("No. of transition files", "No. of transition files") ?? 1;
  if (nTransFiles < 1 || nTransFiles > EXOMOL_MAX_TRANS_FILES) {
    throw new DatabaseFormatError(
      file,
      find("No. of transition files")!.line,
      "No. of transition files",
      `must be in 1..${EXOMOL_MAX_TRANS_FILES}, got ${nTransFiles}`,
    );
  }
  const maxWavenumber = num("Maximum wavenumber", "Maximum wavenumber");
  if (nTransFiles > 1) {
    // Chunked .trans files are named by the integer bounds of maxWavenumber / n wide chunks.
    const e = find("Maximum wavenumber");
    if (maxWavenumber === null) {
      throw new DatabaseFormatError(
        file,
        undefined,
        "Maximum wavenumber",
        `entry is missing but ${nTransFiles} transition files are declared (their names need it)`,
      );
    }
    if (!(maxWavenumber / nTransFiles >= 1)) {
      throw new DatabaseFormatError(
        file,
        e!.line,
        "Maximum wavenumber",
        `${maxWavenumber} cm⁻¹ split in ${nTransFiles} transition files gives chunks narrower than 1 cm⁻¹`,
      );
    }
  }
  const alphaRefDefault = num(
    "Default value of Lorentzian half-width",
    "Default Lorentzian half-width",
  );
  if (alphaRefDefault !== null && alphaRefDefault < 0) {
    throw new DatabaseFormatError(
      file,
      find("Default value of Lorentzian half-width")!.line,
      "Default Lorentzian half-width",
      `α_ref ${alphaRefDefault} cm⁻¹ bar⁻¹ must be non-negative`,
    );
  }
  const quantumLabels: string[] = [];
  for (const e of entries) {
    if (/^Quantum label \d+/i.test(e.comment)) quantumLabels.push(e.value);
  }
  return {
    file,
    isoFormula: str("IsoFormula"),
    isoSlug: str("Iso-slug"),
    dataset: str("Isotopologue dataset name"),
    version: str("Version number"),
    molmass,
    nStates: int("No. of states in .states file", "No. of states"),
    nTransitions: int(
      "Total number of transitions",
      "Total number of transitions",
    ),
    nTransFiles,
    maxWavenumber,
    pfMaxTemperature: num(
      "Maximum temperature of partition function",
      "Maximum temperature of partition function",
    ),
    nBroadeners: int(
      "No. of pressure broadeners available",
      "No. of pressure broadeners",
    ),
    alphaRefDefault,
    nTempDefault: num(
      "Default value of temperature exponent",
      "Default temperature exponent",
    ),
    quantumLabels,
  };
}

/**
 * Parses an ExoMol `.states` file: the first four columns i, E [cm⁻¹], g_tot, J (the rest,
 * quantum labels, is ignored). Ids must be unique non-negative integers.
 *
 * @param text File content.
 * @param file File name for error messages.
 * @param declaredStates Number of states the `.def` declares, or null: ids up to
 *   max(declaredStates, 16 × rows + 2²⁰) are accepted (the id index is dense).
 * @returns The states and an id → row index.
 * @throws {DatabaseFormatError} on fewer than 4 columns, non-numeric fields, duplicate ids,
 *   or an id beyond that bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseExomolStates } from "./exomol_files.ts";
 * const s = parseExomolStates("1 0.0 1 0 e\n3 3.84 3 1 e\n", "x.states");
 * assert.strictEqual(s.energy[s.index[3]!], 3.84);
 * ```
 */
export function parseExomolStates(
  text: string,
  file: string,
  declaredStates: number | null = null,
): ExomolStates {
  const id: number[] = [];
  const rowLine: number[] = [];
  const energy: number[] = [];
  const g: number[] = [];
  const j: number[] = [];
  const names = ["i", "E", "g_tot", "J"];
  let maxId = -1;
  forEachLine(text, (line, n) => {
    const f = splitFields(line);
    if (f.length === 0) return;
    if (f.length < 4) {
      throw new DatabaseFormatError(
        file,
        n,
        names[f.length],
        `expected at least 4 columns (i, E, g_tot, J), found ${f.length}`,
      );
    }
    const i = parseIntField(f[0]!, file, n, "i");
    if (i < 0 || i > 0x7ffffffe) {
      throw new DatabaseFormatError(
        file,
        n,
        "i",
        `state id ${i} is out of range`,
      );
    }
    const e = parseNumberField(f[1]!, file, n, "E");
    const gv = parseNumberField(f[2]!, file, n, "g_tot");
    if (gv < 0) {
      throw new DatabaseFormatError(
        file,
        n,
        "g_tot",
        `degeneracy ${gv} must be non-negative`,
      );
    }
    const jv = parseNumberField(f[3]!, file, n, "J");
    id.push(i);
    rowLine.push(n);
    energy.push(e);
    g.push(gv);
    j.push(jv);
    if (i > maxId) maxId = i;
  });
  if (id.length === 0) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "i",
      "the states file has no rows",
    );
  }
  // The id → row index is dense (ids are counting numbers 1..N): refuse ids far beyond both
  // the row count and the declared number of states rather than allocating for them.
  const limit = Math.max(declaredStates ?? 0, 16 * id.length + (1 << 20));
  if (maxId > limit) {
    const r = id.indexOf(maxId);
    throw new DatabaseFormatError(
      file,
      rowLine[r],
      "i",
      `state id ${maxId} is far beyond the ${id.length} states in the file${
        declaredStates === null ? "" : ` and the ${declaredStates} declared`
      } (ids count the states 1..N)`,
    );
  }
  const index = new Int32Array(maxId + 1).fill(-1);
  for (let r = 0; r < id.length; r++) {
    const i = id[r]!;
    if (index[i] !== -1) {
      throw new DatabaseFormatError(
        file,
        rowLine[r],
        "i",
        `state id ${i} appears twice (lines ${rowLine[index[i]!]} and ${
          rowLine[r]
        })`,
      );
    }
    index[i] = r;
  }
  return {
    id: Float64Array.from(id),
    energy: Float64Array.from(energy),
    g: Float64Array.from(g),
    j: Float64Array.from(j),
    index,
  };
}

/**
 * Parses an ExoMol `.trans` file (columns i_upper, i_lower, A [s⁻¹] and an optional 4th,
 * the wavenumber ν [cm⁻¹]) and keeps the transitions with `lo <= ν <= hi`. Without the
 * 4th column ν = E′ − E″ from the states. Transitions with ν <= 0 are dropped (as ExoJAX).
 * With the 4th column the rows must be sorted by ν, and reading stops at the first ν > hi.
 *
 * @param text File content.
 * @param file File name for error messages.
 * @param states Parsed states.
 * @param lo Lower wavenumber bound [cm⁻¹] (inclusive).
 * @param hi Upper wavenumber bound [cm⁻¹] (inclusive).
 * @returns The selected transitions, in file order.
 * @throws {DatabaseFormatError} on a wrong or inconsistent column count, non-numeric fields,
 *   negative A, unknown (or negative) state ids, unsorted wavenumbers, or a non-finite
 *   E′ − E″.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseExomolStates, parseExomolTrans } from "./exomol_files.ts";
 * const s = parseExomolStates("1 0.0 1 0\n2 3.84 3 1\n", "x.states");
 * const t = parseExomolTrans("2 1 7.5e-8\n", "x.trans", s, 0, 10);
 * assert.deepStrictEqual([t.nu[0], t.hasWavenumber], [3.84, false]);
 * ```
 */
export function parseExomolTrans(
  text: string,
  file: string,
  states: ExomolStates,
  lo: number,
  hi: number,
): ExomolTransitions {
  const names = ["i_upper", "i_lower", "A", "nu"];
  const nu: number[] = [];
  const a: number[] = [];
  const el: number[] = [];
  const gu: number[] = [];
  const jl: number[] = [];
  const ju: number[] = [];
  const lineNo: number[] = [];
  let ncol = 0;
  let prevNu = -Infinity;
  const row = (id: number, n: number, field: string): number => {
    const r = id >= 0 && id < states.index.length ? states.index[id]! : -1;
    if (r < 0) {
      throw new DatabaseFormatError(
        file,
        n,
        field,
        `state id ${id} is not in the states file`,
      );
    }
    return r;
  };
  forEachLine(text, (line, n) => {
    const f = splitFields(line);
    if (f.length === 0) return;
    if (ncol === 0) {
      if (f.length !== 3 && f.length !== 4) {
        throw new DatabaseFormatError(
          file,
          n,
          names[Math.min(f.length, 3)],
          `expected 3 or 4 columns (i_upper, i_lower, A[, nu]), found ${f.length}`,
        );
      }
      ncol = f.length;
    } else if (f.length !== ncol) {
      throw new DatabaseFormatError(
        file,
        n,
        names[Math.min(f.length, ncol - 1)],
        `expected ${ncol} columns like the first row, found ${f.length}`,
      );
    }
    const iu = parseIntField(f[0]!, file, n, "i_upper");
    const il = parseIntField(f[1]!, file, n, "i_lower");
    const av = parseNumberField(f[2]!, file, n, "A");
    if (av < 0) {
      throw new DatabaseFormatError(
        file,
        n,
        "A",
        `Einstein A ${av} must be non-negative`,
      );
    }
    let v: number;
    const ru = row(iu, n, "i_upper");
    const rl = row(il, n, "i_lower");
    if (ncol === 4) {
      v = parseNumberField(f[3]!, file, n, "nu");
      if (v < prevNu) {
        throw new DatabaseFormatError(
          file,
          n,
          "nu",
          `transitions are not sorted by wavenumber (${v} after ${prevNu})`,
        );
      }
      prevNu = v;
      if (v > hi) return false;
    } else {
      v = states.energy[ru]! - states.energy[rl]!;
      if (!Number.isFinite(v)) {
        throw new DatabaseFormatError(
          file,
          n,
          "i_upper",
          `wavenumber E′ − E″ of states ${iu} and ${il} is not finite (${v})`,
        );
      }
    }
    if (!(v > 0) || v < lo || v > hi) return;
    lineNo.push(n);
    nu.push(v);
    a.push(av);
    el.push(states.energy[rl]!);
    gu.push(states.g[ru]!);
    jl.push(states.j[rl]!);
    ju.push(states.j[ru]!);
  });
  if (ncol === 0) {
    throw new DatabaseFormatError(
      file,
      undefined,
      "i_upper",
      "the transitions file has no rows",
    );
  }
  return {
    hasWavenumber: ncol === 4,
    nu: Float64Array.from(nu),
    einsteinA: Float64Array.from(a),
    elower: Float64Array.from(el),
    gupper: Float64Array.from(gu),
    jlower: Float64Array.from(jl),
    jupper: Float64Array.from(ju),
    line: Int32Array.from(lineNo),
  };
}

/**
 * Parses an ExoMol `.broad` file. Code `a0` rows are `a0 α_ref n_T J″`, code `a1` rows
 * `a1 α_ref n_T J″ J′`; rows with other codes are ignored (not supported).
 *
 * @param text File content.
 * @param file File name for error messages.
 * @returns The a0 and a1 tables.
 * @throws {DatabaseFormatError} on a line not starting with a code (letter and digits),
 *   missing columns or non-numeric values.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseExomolBroad } from "./exomol_files.ts";
 * const b = parseExomolBroad("a0 0.07 0.5 3\na1 0.06 0.4 3 4\n", "x.broad");
 * assert.deepStrictEqual(b.a1.get("3,4"), [0.06, 0.4]);
 * ```
 */
export function parseExomolBroad(text: string, file: string): ExomolBroad {
  const a0 = new Map<number, readonly [number, number]>();
  const a1 = new Map<string, readonly [number, number]>();
  const names = ["code", "alpha_ref", "n_T", "J_lower", "J_upper"];
  forEachLine(text, (line, n) => {
    const f = splitFields(line);
    if (f.length === 0) return;
    const code = f[0]!;
    if (!/^[a-z]\d+$/i.test(code)) {
      throw new DatabaseFormatError(
        file,
        n,
        "code",
        `"${code}" is not a broadening code (a letter and digits, e.g. a0)`,
      );
    }
    if (code !== "a0" && code !== "a1") return;
    const need = code === "a0" ? 4 : 5;
    if (f.length < need) {
      throw new DatabaseFormatError(
        file,
        n,
        names[f.length],
        `code ${code} needs ${need} columns, found ${f.length}`,
      );
    }
    const alpha = parseNumberField(f[1]!, file, n, "alpha_ref");
    if (alpha < 0) {
      throw new DatabaseFormatError(
        file,
        n,
        "alpha_ref",
        `α_ref ${alpha} must be non-negative`,
      );
    }
    const nt = parseNumberField(f[2]!, file, n, "n_T");
    const jl = parseNumberField(f[3]!, file, n, "J_lower");
    if (code === "a0") a0.set(jl, [alpha, nt]);
    else {a1.set(`${jl},${parseNumberField(f[4]!, file, n, "J_upper")}`, [
        alpha,
        nt,
      ]);}
  });
  return { a0, a1 };
}
