/**
 * Finds the tutorial's database files (CO line list + H2–H2 CIA) under a database root,
 * in ExoJAX's `.database/` layout, and explains what is missing when they are absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { locateTutorialDatabase } from "./database.ts";
 * // the offline data hold the SAMPLE excerpt, not Li2015
 * const db = await locateTutorialDatabase("../shared/data");
 * assert.strictEqual(db.mdbPath, join("../shared/data", "CO/12C-16O/SAMPLE"));
 * ```
 *
 * @module
 */
import { join } from "node:path";

/** Paths of the tutorial's two databases. */
export interface TutorialDatabase {
  /** ExoMol dataset directory, e.g. `.database/CO/12C-16O/Li2015`. */
  mdbPath: string;
  /** HITRAN-format CIA file. */
  ciaPath: string;
}

/** Line-list datasets searched for, in order of preference. */
export const TUTORIAL_MDB_CANDIDATES: readonly string[] = [
  "CO/12C-16O/Li2015",
  "CO/12C-16O/SAMPLE",
];
/** CIA files searched for, in order of preference. */
export const TUTORIAL_CIA_CANDIDATES: readonly string[] = [
  "H2-H2_2011.cia",
  "CIA/H2-H2_2011.cia",
  "CIA/H2-H2_Borysow.cia",
];

async function _exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function _hasDataset(dir: string): Promise<boolean> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.name.endsWith(".def")) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * Locates the CO ExoMol dataset and the H2–H2 CIA table under `dbDir`.
 * With `download: true`, the missing pieces default to the tutorial's own files
 * (`CO/12C-16O/Li2015` and `H2-H2_2011.cia`) so that the loaders fetch them.
 *
 * @param dbDir Database root directory (ExoJAX: `.database`).
 * @param opts `download`: allow returning paths that do not exist yet (to be downloaded).
 * @returns The dataset directory and the CIA file path.
 * @throws Error naming what is missing and how to get it when nothing is found.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { join } from "node:path";
 * import { locateTutorialDatabase } from "./database.ts";
 * // no H2-H2_2011.cia offline: the first candidate present is the Borysow table
 * const db = await locateTutorialDatabase("../shared/data");
 * assert.strictEqual(db.ciaPath, join("../shared/data", "CIA/H2-H2_Borysow.cia"));
 * await assert.rejects(locateTutorialDatabase("no/such/dir"), /Tutorial database not found/);
 * ```
 */
export async function locateTutorialDatabase(
  dbDir: string,
  opts: { download?: boolean } = {},
): Promise<TutorialDatabase> {
  let mdbPath: string | undefined;
  for (const c of TUTORIAL_MDB_CANDIDATES) {
    if (await _hasDataset(join(dbDir, c))) {
      mdbPath = join(dbDir, c);
      break;
    }
  }
  let ciaPath: string | undefined;
  for (const c of TUTORIAL_CIA_CANDIDATES) {
    if (await _exists(join(dbDir, c))) {
      ciaPath = join(dbDir, c);
      break;
    }
  }
  if (opts.download) {
    mdbPath ??= join(dbDir, TUTORIAL_MDB_CANDIDATES[0]!);
    ciaPath ??= join(dbDir, TUTORIAL_CIA_CANDIDATES[0]!);
  }
  if (mdbPath === undefined || ciaPath === undefined) {
    const missing: string[] = [];
    if (mdbPath === undefined) {
      missing.push(
        `no CO line list: looked for ${
          TUTORIAL_MDB_CANDIDATES.map((c) => join(dbDir, c)).join(" and ")
        } (ExoMol files https://www.exomol.com/db/CO/12C-16O/Li2015/12C-16O__Li2015.{def,pf,states.bz2,trans.bz2})`,
      );
    }
    if (ciaPath === undefined) {
      missing.push(
        `no H2-H2 CIA table: looked for ${
          TUTORIAL_CIA_CANDIDATES.map((c) => join(dbDir, c)).join(", ")
        } (HITRAN https://hitran.org/data/CIA/H2-H2_2011.cia)`,
      );
    }
    throw new Error(
      `Tutorial database not found under "${dbDir}": ${missing.join("; ")}. ` +
        `Pass --db DIR pointing at a local copy (offline: --db ../shared/data), or --download to fetch them.`,
    );
  }
  return { mdbPath, ciaPath };
}
