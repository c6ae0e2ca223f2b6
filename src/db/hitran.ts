/**
 * HITRAN / HITEMP line lists in the 160-character `.par` format.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hitranIsotopeId } from "./hitran.ts";
 * assert.deepStrictEqual([hitranIsotopeId("0"), hitranIsotopeId("A")], [10, 11]);
 * ```
 *
 * @module
 */

import { TREF } from "../constants.ts";
import type { LineList, PartitionFunction } from "./types.ts";
import { DatabaseFormatError } from "./errors.ts";
import { partitionFunctionAt } from "./partition_function.ts";
import {
  forEachLine,
  parseIntField,
  parseNumberField,
  readDatabaseText,
} from "./text.ts";

/** 1 atm in bar: HITRAN half-widths are per atm, {@linkcode LineList.alphaRef} per bar. */
export const ATM_IN_BAR = 1.01325;

/** HITRAN molecule ids → formulas (the first 20 and a few more). */
export const HITRAN_MOLECULES: Readonly<Record<number, string>> = {
  1: "H2O",
  2: "CO2",
  3: "O3",
  4: "N2O",
  5: "CO",
  6: "CH4",
  7: "O2",
  8: "NO",
  9: "SO2",
  10: "NO2",
  11: "NH3",
  12: "HNO3",
  13: "OH",
  14: "HF",
  15: "HCl",
  16: "HBr",
  17: "HI",
  18: "ClO",
  19: "OCS",
  20: "H2CO",
  23: "HCN",
  26: "C2H2",
  27: "C2H6",
  28: "PH3",
  31: "H2S",
  45: "H2",
};

/**
 * Isotopologue masses [u] from HITRAN's molparam table, by molecule id then local isotope id
 * (CO only: 26, 36, 28, 27, 38, 37).
 */
export const HITRAN_ISOTOPOLOGUE_MASS: Readonly<
  Record<number, Readonly<Record<number, number>>>
> = {
  5: {
    1: 27.994915,
    2: 28.99827,
    3: 29.999161,
    4: 28.99913,
    5: 31.002516,
    6: 30.002485,
  },
};

/** Options of {@linkcode loadHitranPar}. */
export interface HitranParOptions {
  /** Wavenumber range [cm⁻¹]; default: all lines. */
  readonly nuRange?: readonly [number, number];
  /** Margin on both sides of `nuRange` [cm⁻¹] (default 0). */
  readonly margin?: number;
  /** HITRAN local isotopologue id (1–9, 10 for "0", 11+ for "A", "B", …; default 1). */
  readonly isotope?: number;
  /** Pressure-broadening half-width used for `alphaRef`: "air" (default) or "self". */
  readonly broadener?: "air" | "self";
  /**
   * Q(T) of the selected isotopologue (required: no TIPS tables are bundled). For example
   * `await readPartitionFunction(".../12C-16O__Li2015.pf")` for HITRAN CO isotope 1.
   */
  readonly partitionFunction: PartitionFunction;
  /** Isotopologue mass [u]; default from {@linkcode HITRAN_ISOTOPOLOGUE_MASS} (CO 1–6). */
  readonly molmass?: number;
}

/** A HITRAN/HITEMP line list: a {@linkcode LineList} plus the `.par` broadening fields. */
export interface HitranLineList extends LineList {
  /** Path of the `.par` file. */
  readonly path: string;
  /** HITRAN molecule id. */
  readonly moleculeId: number;
  /** HITRAN local isotopologue id. */
  readonly isotope: number;
  /** Which half-width `alphaRef` holds. */
  readonly broadener: "air" | "self";
  /** Air-broadened HWHM at 296 K as in the file [cm⁻¹ atm⁻¹]. */
  readonly gammaAir: Float64Array;
  /** Self-broadened HWHM at 296 K as in the file [cm⁻¹ atm⁻¹]. */
  readonly gammaSelf: Float64Array;
  /** Temperature exponent of the air broadening. */
  readonly nAir: Float64Array;
  /** Air pressure shift at 296 K [cm⁻¹ atm⁻¹]. */
  readonly deltaAir: Float64Array;
  /** Lower-state degeneracy g″. */
  readonly glower: Float64Array;
}

/** One parsed `.par` record. */
export interface HitranRecord {
  /** HITRAN molecule id. */
  readonly moleculeId: number;
  /** Local isotopologue id. */
  readonly isotope: number;
  /** Line centre [cm⁻¹]. */
  readonly nu: number;
  /** Line intensity at 296 K [cm/molecule], including the isotopic abundance. */
  readonly s: number;
  /** Einstein A [s⁻¹]. */
  readonly a: number;
  /** Air-broadened HWHM [cm⁻¹ atm⁻¹]. */
  readonly gammaAir: number;
  /** Self-broadened HWHM [cm⁻¹ atm⁻¹]. */
  readonly gammaSelf: number;
  /** Lower-state energy [cm⁻¹]. */
  readonly elower: number;
  /** Temperature exponent of γ_air. */
  readonly nAir: number;
  /** Air pressure shift [cm⁻¹ atm⁻¹]. */
  readonly deltaAir: number;
  /** Upper-state degeneracy. */
  readonly gupper: number;
  /** Lower-state degeneracy. */
  readonly glower: number;
}

// [name, start, end) of the 160-character record (HITRAN 2004 format).
const _FIELDS: readonly (readonly [string, number, number])[] = [
  ["molecule id", 0, 2],
  ["isotope id", 2, 3],
  ["nu", 3, 15],
  ["S", 15, 25],
  ["A", 25, 35],
  ["gamma_air", 35, 40],
  ["gamma_self", 40, 45],
  ["E_lower", 45, 55],
  ["n_air", 55, 59],
  ["delta_air", 59, 67],
  ["V_upper", 67, 82],
  ["V_lower", 82, 97],
  ["Q_upper", 97, 112],
  ["Q_lower", 112, 127],
  ["ierr", 127, 133],
  ["iref", 133, 145],
  ["flag", 145, 146],
  ["g_upper", 146, 153],
  ["g_lower", 153, 160],
];

/**
 * HITRAN local isotopologue id from the one-character field: "1"–"9" → 1–9, "0" → 10,
 * "A" → 11, "B" → 12, …
 *
 * @param ch The isotope character.
 * @returns The isotope number.
 * @throws {RangeError} for any other character.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { hitranIsotopeId } from "./hitran.ts";
 * assert.deepStrictEqual([hitranIsotopeId("5"), hitranIsotopeId("B")], [5, 12]);
 * ```
 */
export function hitranIsotopeId(ch: string): number {
  if (ch.length === 1) {
    if (ch >= "1" && ch <= "9") return ch.charCodeAt(0) - 48;
    if (ch === "0") return 10;
    if (ch >= "A" && ch <= "Z") return 11 + ch.charCodeAt(0) - 65;
  }
  throw new RangeError(
    `hitranIsotopeId(): "${ch}" is not a HITRAN isotope id (1-9, 0, A-Z)`,
  );
}

/**
 * Parses one 160-character `.par` record.
 *
 * @param line The record (a trailing `\r` is tolerated).
 * @param file File name for error messages.
 * @param lineNo 1-based line number for error messages.
 * @returns The parsed record.
 * @throws {DatabaseFormatError} for a record not 160 characters long (trailing blanks aside),
 *   a non-numeric field, a molecule id below 1, ν <= 0, or a negative S, A, γ or g.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { parseHitranRecord } from "./hitran.ts";
 * const rec = " 51 4100.0087333.186E-127 2.648E+01.04510.04651407.07690.67-.008358             31             28                    P 28      447664 5 8 2 2 1 7    55.0   57.0";
 * assert.strictEqual(parseHitranRecord(rec, "x.par", 1).gupper, 55);
 * ```
 */
export function parseHitranRecord(
  line: string,
  file: string,
  lineNo: number,
): HitranRecord {
  const rec = line.endsWith("\r") ? line.slice(0, -1) : line;
  _checkLength(rec, file, lineNo);
  const f = (k: number): string => rec.slice(_FIELDS[k]![1], _FIELDS[k]![2]);
  const num = (k: number): number =>
    parseNumberField(f(k), file, lineNo, _FIELDS[k]![0]);
  // Quantities that cannot be negative (and ν, which must be positive).
  const pos = (k: number, strict = false): number => {
    const v = num(k);
    if (strict ? !(v > 0) : v < 0) {
      throw new DatabaseFormatError(
        file,
        lineNo,
        _FIELDS[k]![0],
        `${v} must be ${strict ? "positive" : "non-negative"}`,
      );
    }
    return v;
  };
  return {
    moleculeId: _moleculeId(f(0), file, lineNo),
    isotope: _isotope(f(1), file, lineNo),
    nu: pos(2, true),
    s: pos(3),
    a: pos(4),
    gammaAir: pos(5),
    gammaSelf: pos(6),
    elower: num(7),
    nAir: num(8),
    deltaAir: num(9),
    gupper: pos(17),
    glower: pos(18),
  };
}

/**
 * Loads one isotopologue from a HITRAN/HITEMP `.par` file (plain, or `.bz2`).
 *
 * - `lineStrengthRef` is HITRAN's S(296 K), which includes the isotopic abundance (as
 *   ExoJAX's `MdbHitran`/`MdbHitemp` `Sij0`); use the same Q(T) source consistently with it.
 * - The partition function is user-supplied (`opts.partitionFunction`): no TIPS tables are
 *   bundled. For HITEMP CO isotope 1 the ExoMol Li2015 `.pf` is consistent: S recomputed
 *   from A with its Q(296) and abundance 0.986544 matches the file's S within 0.06 % for
 *   strong lines (0.3 % at most for the highest E″).
 * - `alphaRef` = γ_air (or γ_self) / 1.01325 [cm⁻¹ bar⁻¹] (HITRAN gives cm⁻¹ atm⁻¹; ExoJAX's
 *   `gamma_hitran` divides P[bar] by 1.01325), `nTemp` = n_air for both broadeners (the
 *   160-character format has no self exponent).
 * - Kept: the selected isotope with `nuRange[0] − margin <= ν <= nuRange[1] + margin`,
 *   sorted by ν. Every record's length, molecule id, isotope id and ν (> 0) are validated, the
 *   other fields only for the selected records. All records must belong to one molecule.
 *
 * @param path `.par` file path.
 * @param opts Range, isotope, broadener, partition function, mass.
 * @returns The line list.
 * @throws {DatabaseNotFoundError} when the file is missing.
 * @throws {DatabaseFormatError} for records not 160 characters long, non-numeric or
 *   out-of-range fields (see {@linkcode parseHitranRecord}), mixed molecules.
 * @throws {RangeError} for invalid options, an unknown default mass, or no line selected.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadHitranPar } from "./hitran.ts";
 * import { readPartitionFunction } from "./partition_function.ts";
 * const pf = await readPartitionFunction("../shared/data/CO/12C-16O/SAMPLE/12C-16O__SAMPLE.pf");
 * const ll = await loadHitranPar("../shared/data/HITEMP/05_HITEMP_SAMPLE.par", {
 *   nuRange: [4300, 4310], partitionFunction: pf,
 * });
 * assert.deepStrictEqual([ll.molecule, ll.molmass], ["CO", 27.994915]);
 * ```
 */
export async function loadHitranPar(
  path: string,
  opts: HitranParOptions,
): Promise<HitranLineList> {
  if (opts === undefined || opts === null || typeof opts !== "object") {
    throw new TypeError(
      "loadHitranPar(): opts with a partitionFunction is required (no TIPS tables are bundled)",
    );
  }
  const pf = opts.partitionFunction;
  if (
    pf === undefined || !(pf.t instanceof Float64Array) ||
    !(pf.q instanceof Float64Array)
  ) {
    throw new TypeError(
      "loadHitranPar(): opts.partitionFunction {t, q} is required (no TIPS tables are bundled); e.g. readPartitionFunction() of an ExoMol .pf",
    );
  }
  const range = opts.nuRange ?? [0, Infinity];
  const [r0, r1] = range;
  if (Number.isNaN(r0) || Number.isNaN(r1) || !(r0 <= r1)) {
    throw new RangeError(
      `loadHitranPar(): nuRange must satisfy min <= max, got [${r0}, ${r1}]`,
    );
  }
  const margin = opts.margin ?? 0;
  if (!(margin >= 0) || !Number.isFinite(margin)) {
    throw new RangeError(
      `loadHitranPar(): margin must be a finite non-negative number, got ${margin}`,
    );
  }
  const isotope = opts.isotope ?? 1;
  if (!Number.isInteger(isotope) || isotope < 1 || isotope > 36) {
    throw new RangeError(
      `loadHitranPar(): isotope must be an integer in 1..36, got ${isotope}`,
    );
  }
  const broadener = opts.broadener ?? "air";
  if (broadener !== "air" && broadener !== "self") {
    throw new RangeError(
      `loadHitranPar(): broadener must be "air" or "self", got ${
        JSON.stringify(broadener)
      }`,
    );
  }
  if (opts.molmass !== undefined && !(opts.molmass > 0)) {
    throw new RangeError(
      `loadHitranPar(): molmass must be positive, got ${opts.molmass}`,
    );
  }
  const qtref = partitionFunctionAt(pf, TREF);
  const lo = r0 - margin;
  const hi = r1 + margin;

  const text = await readDatabaseText(path);
  const recs: HitranRecord[] = [];
  let molId = -1;
  forEachLine(text, (line, n) => {
    const rec = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (rec.trim() === "") return;
    _checkLength(rec, path, n);
    const m = _moleculeId(rec.slice(0, 2), path, n);
    if (molId < 0) molId = m;
    else if (m !== molId) {
      throw new DatabaseFormatError(
        path,
        n,
        "molecule id",
        `molecule ${m} differs from ${molId} of the first record`,
      );
    }
    const iso = _isotope(rec.slice(2, 3), path, n);
    const nu = parseNumberField(rec.slice(3, 15), path, n, "nu");
    if (!(nu > 0)) {
      throw new DatabaseFormatError(path, n, "nu", `${nu} must be positive`);
    }
    if (iso !== isotope || nu < lo || nu > hi) return;
    recs.push(parseHitranRecord(rec, path, n));
  });
  if (molId < 0) {
    throw new DatabaseFormatError(
      path,
      undefined,
      "molecule id",
      "the file has no records",
    );
  }
  if (recs.length === 0) {
    throw new RangeError(
      `loadHitranPar(): no line of isotope ${isotope} in [${lo}, ${hi}] cm⁻¹ in ${path}`,
    );
  }
  const molmass = opts.molmass ?? HITRAN_ISOTOPOLOGUE_MASS[molId]?.[isotope];
  if (molmass === undefined) {
    throw new RangeError(
      `loadHitranPar(): no default mass for HITRAN molecule ${molId} isotope ${isotope}; pass opts.molmass [u]`,
    );
  }
  recs.sort((a, b) => a.nu - b.nu);
  const col = (fn: (r: HitranRecord) => number) => Float64Array.from(recs, fn);
  const gammaAir = col((r) => r.gammaAir);
  const gammaSelf = col((r) => r.gammaSelf);
  const alphaRef = (broadener === "air" ? gammaAir : gammaSelf).map((g) =>
    g / ATM_IN_BAR
  );
  const nAir = col((r) => r.nAir);
  return {
    molecule: HITRAN_MOLECULES[molId] ?? `HITRAN molecule ${molId}`,
    molmass,
    tref: TREF,
    nu: col((r) => r.nu),
    elower: col((r) => r.elower),
    gupper: col((r) => r.gupper),
    einsteinA: col((r) => r.a),
    lineStrengthRef: col((r) => r.s),
    alphaRef,
    nTemp: nAir.slice(),
    partitionFunction: pf,
    qtref,
    path,
    moleculeId: molId,
    isotope,
    broadener,
    gammaAir,
    gammaSelf,
    nAir,
    deltaAir: col((r) => r.deltaAir),
    glower: col((r) => r.glower),
  };
}

function _moleculeId(field: string, file: string, lineNo: number): number {
  const m = parseIntField(field, file, lineNo, "molecule id");
  if (m < 1) {
    throw new DatabaseFormatError(
      file,
      lineNo,
      "molecule id",
      `${m} is not a HITRAN molecule id (1-99)`,
    );
  }
  return m;
}

function _checkLength(rec: string, file: string, lineNo: number): void {
  if (rec.length > 160) {
    // Only blanks may follow the 160 characters: anything else means shifted columns.
    if (rec.slice(160).trim() === "") return;
    throw new DatabaseFormatError(
      file,
      lineNo,
      "g_lower",
      `record has ${rec.length} characters, a .par record has 160`,
    );
  }
  if (rec.length === 160) return;
  const cut = _FIELDS.find((f) => f[2] > rec.length)!;
  throw new DatabaseFormatError(
    file,
    lineNo,
    cut[0],
    `record has ${rec.length} characters, a .par record needs 160`,
  );
}

function _isotope(ch: string, file: string, lineNo: number): number {
  try {
    return hitranIsotopeId(ch);
  } catch {
    throw new DatabaseFormatError(
      file,
      lineNo,
      "isotope id",
      `"${ch}" is not a HITRAN isotope id (1-9, 0, A-Z)`,
    );
  }
}
