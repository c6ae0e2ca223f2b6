/**
 * Database readers: ExoMol (`.def`, `.pf`, `.states`, `.trans`, `.broad`), HITRAN/HITEMP
 * `.par`, HITRAN CIA, and a download cache for ExoMol files.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { loadCia, loadExomol } from "./mod.ts";
 * const db = await loadExomol("../shared/data/CO/12C-16O/SAMPLE", { nuRange: [4347.8, 4363.0] });
 * const cia = await loadCia("../shared/data/CIA/H2-H2_Borysow.cia");
 * assert.deepStrictEqual([db.nu.length, cia.pair], [125, "H2-H2"]);
 * ```
 *
 * @module
 */

export type { LineList, PartitionFunction } from "./types.ts";
export {
  DatabaseFormatError,
  DatabaseNotFoundError,
  DownloadError,
} from "./errors.ts";
export { decompressBz2, isBz2 } from "./bz2.ts";
export {
  DOWNLOAD_IDLE_TIMEOUT_MS,
  type DownloadOptions,
  downloadToFile,
  validateBz2,
  validateStartsWith,
} from "./download.ts";
export {
  parsePartitionFunction,
  partitionFunctionAt,
  partitionFunctionSlope,
  readPartitionFunction,
} from "./partition_function.ts";
export {
  EXOMOL_MAX_TRANS_FILES,
  type ExomolBroad,
  type ExomolDef,
  type ExomolStates,
  type ExomolTransitions,
  parseExomolBroad,
  parseExomolDef,
  parseExomolStates,
  parseExomolTrans,
  readExomolDef,
} from "./exomol_files.ts";
export {
  EXOMOL_BASE_URL,
  EXOMOL_DEFAULT_ALPHA_REF,
  EXOMOL_DEFAULT_N_TEMP,
  type ExomolDb,
  type ExomolDownloadOptions,
  exomolFiles,
  type ExomolFileSet,
  type ExomolOptions,
  exomolTransChunks,
  lineStrengthFromEinsteinA,
  loadExomol,
  moleculeFromIsotopologue,
} from "./exomol.ts";
export {
  ATM_IN_BAR,
  HITRAN_ISOTOPOLOGUE_MASS,
  HITRAN_MOLECULES,
  hitranIsotopeId,
  type HitranLineList,
  type HitranParOptions,
  type HitranRecord,
  loadHitranPar,
  parseHitranRecord,
} from "./hitran.ts";
export { CIA_K_FLOOR, type CiaTable, loadCia, parseCia } from "./cia.ts";
