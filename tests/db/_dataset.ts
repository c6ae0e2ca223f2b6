// Temporary ExoMol datasets for the db tests (real SAMPLE files, optionally altered).
import { join } from "node:path";
import { SHARED_DATA } from "../_util.ts";
import { decompressBz2 } from "../../src/db/bz2.ts";

/** The real SAMPLE dataset directory. */
export const SAMPLE_DIR: string = join(SHARED_DATA, "CO", "12C-16O", "SAMPLE");
/** Stem of the SAMPLE files. */
export const SAMPLE_STEM = "12C-16O__SAMPLE";

/** Reads a SAMPLE file's raw bytes. */
export function sampleBytes(name: string): Promise<Uint8Array> {
  return Deno.readFile(join(SAMPLE_DIR, name));
}

/** Decompressed text of a SAMPLE .bz2 file. */
export async function sampleText(name: string): Promise<string> {
  return new TextDecoder().decode(decompressBz2(await sampleBytes(name), name));
}

/** A temp root with `<root>/CO/12C-16O/SAMPLE/`; `files` maps a file name to its content (null: omit). */
export async function makeDataset(
  files: Record<string, string | Uint8Array | null> = {},
  opts: { copyDefaults?: boolean } = {},
): Promise<{ root: string; dir: string; cleanup: () => Promise<void> }> {
  const root = await Deno.makeTempDir({ prefix: "exospec_db_" });
  const dir = join(root, "CO", "12C-16O", "SAMPLE");
  await Deno.mkdir(dir, { recursive: true });
  const defaults = opts.copyDefaults ?? true
    ? [
      `${SAMPLE_STEM}.def`,
      `${SAMPLE_STEM}.pf`,
      `${SAMPLE_STEM}.states.bz2`,
      `${SAMPLE_STEM}.trans.bz2`,
      "12C-16O__H2.broad",
      "12C-16O__He.broad",
    ]
    : [];
  for (const name of defaults) {
    if (name in files) continue;
    await Deno.writeFile(join(dir, name), await sampleBytes(name));
  }
  for (const [name, content] of Object.entries(files)) {
    if (content === null) continue;
    if (typeof content === "string") {
      await Deno.writeTextFile(join(dir, name), content);
    } else await Deno.writeFile(join(dir, name), content);
  }
  return { root, dir, cleanup: () => Deno.remove(root, { recursive: true }) };
}

/** Reference values from scripts/gen_db_fixtures.py. */
// deno-lint-ignore no-explicit-any
export const REF: any = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/db_reference.json", import.meta.url),
  ),
);
