// Seeded, bounded fuzzer for the database readers (issue 12, part 3).
//
// Every case corrupts one real input file (from ../shared/data, shrunk, copied to a temp dir),
// runs the loader and checks that the outcome is either a correct load (finite arrays, the
// invariants the loaders promise; equal to the clean load when the mutation is harmless, such
// as CRLF or a BOM) or an error of the db error classes naming the file (and line and field
// when given) — never another exception, a hang, a NaN/Infinity in the loaded arrays, or a
// partial file in the download cache.
//
// Run directly (prints a JSON report; exit code 1 when a case fails):
//   deno run -A tests/db/_fuzz.ts --seed=1 --scale=1 --budget-ms=40000
// tests/db/fuzz_test.ts runs it as a subprocess with a wall-clock limit (a hang fails there).

import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadExomol } from "../../src/db/exomol.ts";
import { loadHitranPar } from "../../src/db/hitran.ts";
import { loadCia } from "../../src/db/cia.ts";
import { decompressBz2 } from "../../src/db/bz2.ts";
import { readPartitionFunction } from "../../src/db/partition_function.ts";
import {
  DatabaseFormatError,
  DatabaseNotFoundError,
  DownloadError,
} from "../../src/db/errors.ts";
import type { LineList } from "../../src/db/types.ts";
import type { CiaTable } from "../../src/db/cia.ts";

const DATA = fileURLToPath(new URL("../../../shared/data", import.meta.url));
const SAMPLE = join(DATA, "CO", "12C-16O", "SAMPLE");
const STEM = "12C-16O__SAMPLE";

// ---------------------------------------------------------------- random numbers

/** Small seeded PRNG (mulberry32). */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

// ---------------------------------------------------------------- mutations

/** Tokens that hostile files contain. */
export const TOKENS: readonly string[] = [
  "1e400",
  "-1e400",
  "1e308",
  "-1e308",
  "1.7976931348623157e308",
  "1e-320",
  "5e-324",
  "-0",
  "0",
  "-1",
  "-5",
  "NaN",
  "nan",
  "-nan",
  "Inf",
  "-inf",
  "Infinity",
  "+Infinity",
  "2000000000",
  "2147483647",
  "99999999999",
  "9007199254740993",
  "0x1F",
  "1_000",
  "1,5",
  "1.5.5",
  "e5",
  "+",
  "-",
  ".",
  "#",
  "x",
  "a0",
  "a1",
  "EXOMOL.def",
  "\u0000",
  "\uFFFD",
  "\t",
  "",
];

/** A mutated text and whether it must load exactly like the original. */
export interface TextMutation {
  readonly kind: string;
  readonly text: string;
  /** True when the mutation is harmless (CRLF, BOM, blank lines, ...): same result required. */
  readonly equivalent: boolean;
}

const lines = (t: string) => t.split("\n");
const joinLines = (l: string[]) => l.join("\n");

function replaceTokenInLine(line: string, rng: Rng, tok: string): string {
  const spans: [number, number][] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    spans.push([m.index, m.index + m[0].length]);
  }
  if (spans.length === 0) return line + tok;
  const [a, b] = rng.pick(spans);
  return line.slice(0, a) + tok + line.slice(b);
}

/** Replaces a fixed-width field of a .par record, keeping the record length. */
function replaceParField(line: string, rng: Rng, tok: string): string {
  const fields = [
    [0, 2],
    [2, 3],
    [3, 15],
    [15, 25],
    [25, 35],
    [35, 40],
    [40, 45],
    [45, 55],
    [55, 59],
    [59, 67],
    [146, 153],
    [153, 160],
  ] as const;
  const [a, b] = rng.pick(fields);
  const w = b - a;
  const t = tok.length >= w ? tok.slice(0, w) : tok.padStart(w, " ");
  return line.slice(0, a) + t + line.slice(b);
}

/** One random mutation of a text file (`fixed`: fixed-column format, as .par). */
export function mutateText(
  text: string,
  rng: Rng,
  fixed = false,
): TextMutation {
  const kinds = [
    "truncate-byte",
    "truncate-line",
    "flip-bytes",
    "insert-token",
    "replace-field",
    "replace-field",
    "replace-field",
    "replace-first-field",
    "swap-columns",
    "delete-line",
    "duplicate-line",
    "swap-lines",
    "drop-column",
    "extra-column",
    "garbage-line",
    "empty",
    "whitespace-only",
    "crlf",
    "bom",
    "tabs",
    "no-trailing-newline",
    "blank-lines",
  ];
  const kind = rng.pick(kinds);
  const L = lines(text);
  // Index of a random non-blank line.
  const anyLine = () => {
    for (let k = 0; k < 20; k++) {
      const i = rng.int(L.length);
      if (L[i]!.trim() !== "") return i;
    }
    return 0;
  };
  switch (kind) {
    case "truncate-byte":
      return {
        kind,
        text: text.slice(0, rng.int(text.length)),
        equivalent: false,
      };
    case "truncate-line": {
      const n = rng.int(L.length);
      return { kind, text: joinLines(L.slice(0, n)), equivalent: false };
    }
    case "flip-bytes": {
      const b = new TextEncoder().encode(text);
      const n = 1 + rng.int(3);
      for (let k = 0; k < n && b.length > 0; k++) {
        const i = rng.int(b.length);
        b[i] = b[i]! ^ (1 + rng.int(255));
      }
      return {
        kind,
        text: new TextDecoder().decode(b),
        equivalent: false,
      };
    }
    case "insert-token": {
      const i = rng.int(text.length + 1);
      const tok = rng.pick(TOKENS);
      return {
        kind: `${kind}(${JSON.stringify(tok)})`,
        text: text.slice(0, i) + tok + text.slice(i),
        equivalent: false,
      };
    }
    case "replace-field": {
      const i = anyLine();
      const tok = rng.pick(TOKENS);
      L[i] = fixed
        ? replaceParField(L[i]!, rng, tok)
        : replaceTokenInLine(L[i]!, rng, tok);
      return {
        kind: `${kind}(${JSON.stringify(tok)} line ${i + 1})`,
        text: joinLines(L),
        equivalent: false,
      };
    }
    case "replace-first-field": {
      // Ids and counts live in the first column: out-of-range integers there.
      const i = anyLine();
      const tok = rng.pick(["-1", "0", "2000000000", "2147483647", "99999999"]);
      L[i] = fixed
        ? tok.padStart(2).slice(0, 2) + L[i]!.slice(2)
        : L[i]!.replace(/^(\s*)\S+/, `$1${tok}`);
      return {
        kind: `${kind}(${tok} line ${i + 1})`,
        text: joinLines(L),
        equivalent: false,
      };
    }
    case "swap-columns": {
      const i = anyLine();
      if (fixed) {
        const a = rng.int(150);
        const b = a + 1 + rng.int(8);
        const s = L[i]!;
        L[i] = s.slice(0, a) + s.slice(b, b + (b - a)) + s.slice(a, b) +
          s.slice(b + (b - a));
      } else {
        const f = L[i]!.trim().split(/\s+/);
        if (f.length >= 2) {
          const x = rng.int(f.length);
          const y = rng.int(f.length);
          [f[x], f[y]] = [f[y]!, f[x]!];
        }
        L[i] = f.join(" ");
      }
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "delete-line": {
      L.splice(anyLine(), 1);
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "duplicate-line": {
      const i = anyLine();
      L.splice(i, 0, L[i]!);
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "swap-lines": {
      const i = anyLine();
      const j = anyLine();
      [L[i], L[j]] = [L[j]!, L[i]!];
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "drop-column": {
      const i = anyLine();
      L[i] = fixed
        ? L[i]!.slice(0, 100)
        : L[i]!.trim().split(/\s+/).slice(0, -1).join(" ");
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "extra-column": {
      const i = anyLine();
      L[i] = `${L[i]!} ${rng.pick(["1", "1.5", "x", "0", "-1"])}`;
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "garbage-line": {
      const i = rng.int(L.length + 1);
      const g = Array.from(
        { length: 1 + rng.int(6) },
        () => rng.pick(TOKENS),
      ).join(" ");
      L.splice(i, 0, fixed ? g.padEnd(160, "9").slice(0, 160) : g);
      return { kind, text: joinLines(L), equivalent: false };
    }
    case "empty":
      return { kind, text: "", equivalent: false };
    case "whitespace-only":
      return { kind, text: " \n\t\n\n", equivalent: false };
    case "crlf":
      return { kind, text: text.replaceAll("\n", "\r\n"), equivalent: true };
    case "bom":
      return { kind, text: "\uFEFF" + text, equivalent: true };
    case "tabs":
      // A tab for each blank keeps fixed columns and whitespace-separated fields.
      return { kind, text: text.replaceAll(" ", "\t"), equivalent: true };
    case "no-trailing-newline":
      return { kind, text: text.replace(/\n+$/, ""), equivalent: true };
    case "blank-lines": {
      const i = rng.int(L.length + 1);
      L.splice(i, 0, "", "   ");
      return { kind, text: joinLines(L), equivalent: true };
    }
  }
  throw new Error(`unknown mutation ${kind}`);
}

/** One random mutation of a bzip2 file (byte level). */
export function mutateBytes(
  bytes: Uint8Array,
  rng: Rng,
): { kind: string; bytes: Uint8Array } {
  const kind = rng.pick([
    "truncate",
    "truncate",
    "flip-bytes",
    "flip-bytes",
    "flip-header",
    "flip-tail",
    "insert-bytes",
    "delete-bytes",
    "append-garbage",
    "append-stream",
    "empty",
    "magic-only",
    "zeros",
    "block-size-digit",
  ]);
  const b = bytes.slice();
  switch (kind) {
    case "truncate":
      return { kind, bytes: b.subarray(0, rng.int(b.length)) };
    case "flip-bytes":
    case "flip-header":
    case "flip-tail": {
      const n = 1 + rng.int(3);
      for (let k = 0; k < n; k++) {
        const i = kind === "flip-header"
          ? rng.int(Math.min(14, b.length))
          : kind === "flip-tail"
          ? b.length - 1 - rng.int(Math.min(10, b.length))
          : rng.int(b.length);
        b[i] = b[i]! ^ (1 + rng.int(255));
      }
      return { kind, bytes: b };
    }
    case "insert-bytes":
    case "delete-bytes": {
      const i = rng.int(b.length);
      const n = 1 + rng.int(8);
      const ins = kind === "insert-bytes"
        ? Uint8Array.from({ length: n }, () => rng.int(256))
        : new Uint8Array(0);
      const out = new Uint8Array([
        ...b.subarray(0, i),
        ...ins,
        ...b.subarray(kind === "delete-bytes" ? i + n : i),
      ]);
      return { kind, bytes: out };
    }
    case "append-garbage":
      return {
        kind,
        bytes: new Uint8Array([
          ...b,
          ...Uint8Array.from({ length: 1 + rng.int(32) }, () => rng.int(256)),
        ]),
      };
    case "append-stream":
      return { kind, bytes: new Uint8Array([...b, ...b]) };
    case "empty":
      return { kind, bytes: new Uint8Array(0) };
    case "magic-only":
      return { kind, bytes: new TextEncoder().encode("BZh9") };
    case "zeros":
      return { kind, bytes: new Uint8Array(b.length) };
    case "block-size-digit":
      b[3] = rng.pick([0x30, 0x31, 0x3a, 0x41]);
      return { kind, bytes: b };
  }
  throw new Error(`unknown mutation ${kind}`);
}

// ---------------------------------------------------------------- oracles

/** Problems found in one case (empty: the case passed). */
type Problems = string[];

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** Invariants of a loaded LineList (see types.ts and the loaders' docs). */
export function checkLineList(
  ll: LineList,
  range: readonly [number, number],
): Problems {
  const p: Problems = [];
  const n = ll.nu.length;
  const arrays: Record<string, Float64Array> = {
    nu: ll.nu,
    elower: ll.elower,
    gupper: ll.gupper,
    einsteinA: ll.einsteinA,
    lineStrengthRef: ll.lineStrengthRef,
    alphaRef: ll.alphaRef,
    nTemp: ll.nTemp,
  };
  // deno-lint-ignore no-explicit-any
  const extra = ll as any;
  for (
    const k of [
      "jlower",
      "jupper",
      "gammaAir",
      "gammaSelf",
      "nAir",
      "deltaAir",
      "glower",
    ]
  ) {
    if (extra[k] instanceof Float64Array) arrays[k] = extra[k];
  }
  if (n === 0) p.push("loaded an empty line list");
  for (const [k, a] of Object.entries(arrays)) {
    if (a.length !== n) p.push(`${k} has length ${a.length}, nu ${n}`);
    if (!allFinite(a)) p.push(`${k} has a non-finite value`);
  }
  for (let i = 0; i < n; i++) {
    const v = ll.nu[i]!;
    if (!(v > 0)) p.push(`nu[${i}] = ${v} is not positive`);
    if (i > 0 && !(v >= ll.nu[i - 1]!)) p.push(`nu is not sorted at ${i}`);
    if (v < range[0] || v > range[1]) p.push(`nu[${i}] = ${v} outside range`);
    for (
      const k of [
        "einsteinA",
        "gupper",
        "lineStrengthRef",
        "alphaRef",
        "gammaAir",
        "gammaSelf",
        "glower",
      ]
    ) {
      const a = arrays[k];
      if (a !== undefined && !(a[i]! >= 0)) {
        p.push(`${k}[${i}] = ${a[i]} is negative`);
      }
    }
    if (p.length > 5) break;
  }
  if (!(ll.molmass > 0 && Number.isFinite(ll.molmass))) {
    p.push(`molmass ${ll.molmass}`);
  }
  if (!(ll.qtref > 0 && Number.isFinite(ll.qtref))) p.push(`qtref ${ll.qtref}`);
  const { t, q } = ll.partitionFunction;
  if (t.length === 0 || t.length !== q.length) p.push("pf lengths");
  if (!allFinite(t) || !allFinite(q)) p.push("pf has a non-finite value");
  for (let i = 0; i < t.length; i++) {
    if (!(t[i]! > 0) || !(q[i]! > 0)) {
      p.push(`pf[${i}] not positive`);
      break;
    }
    if (i > 0 && !(t[i]! > t[i - 1]!)) {
      p.push(`pf T not ascending at ${i}`);
      break;
    }
  }
  return p;
}

/** Invariants of a loaded CIA table. */
export function checkCia(c: CiaTable): Problems {
  const p: Problems = [];
  if (c.nu.length === 0 || c.t.length === 0) p.push("empty CIA table");
  if (c.logk.length !== c.nu.length * c.t.length) p.push("logk length");
  for (const [k, a] of [["nu", c.nu], ["t", c.t], ["logk", c.logk]] as const) {
    if (!allFinite(a)) p.push(`${k} has a non-finite value`);
  }
  for (let i = 1; i < c.nu.length; i++) {
    if (!(c.nu[i]! > c.nu[i - 1]!)) {
      p.push(`nu not strictly ascending at ${i}`);
      break;
    }
  }
  for (let i = 0; i < c.t.length; i++) {
    if (!(c.t[i]! > 0) || (i > 0 && !(c.t[i]! > c.t[i - 1]!))) {
      p.push(`t not positive ascending at ${i}`);
      break;
    }
  }
  return p;
}

/** Numeric content of a load result, for comparing an equivalent mutation with the clean load. */
// deno-lint-ignore no-explicit-any
function numericContent(x: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    if (v instanceof Float64Array) out[k] = Array.from(v);
    else if (typeof v === "number") out[k] = v;
    else if (k === "partitionFunction" && v !== null) {
      out[k] = numericContent(v);
    }
  }
  return out;
}

function sameContent(a: unknown, b: unknown): string | null {
  const x = numericContent(a);
  const y = numericContent(b);
  for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
    if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) {
      return `field ${k} differs from the clean load`;
    }
  }
  return null;
}

/**
 * Checks a thrown value: a db error naming a known file (and its line and field when set), or a
 * documented RangeError naming a known file.
 */
export function checkError(
  e: unknown,
  knownFiles: readonly string[],
  lineCounts: Readonly<Record<string, number>> = {},
): Problems {
  const names = knownFiles.map((f) => basename(f));
  if (e instanceof DatabaseFormatError) {
    const p: Problems = [];
    const b = basename(e.file);
    if (!names.includes(b)) p.push(`names unknown file ${e.file}`);
    if (!e.message.includes(b)) p.push("message lacks the file name");
    if (e.field === undefined) p.push("no field");
    else if (!e.message.includes(`field "${e.field}"`)) {
      p.push("message lacks the field");
    }
    if (e.line !== undefined) {
      if (!Number.isInteger(e.line) || e.line < 1) p.push(`line ${e.line}`);
      const nl = lineCounts[b];
      if (nl !== undefined && e.line > nl) {
        p.push(`line ${e.line} beyond the file's ${nl} lines`);
      }
      if (!e.message.includes(`line ${e.line}`)) {
        p.push("message lacks the line");
      }
    }
    return p.map((s) => `${s}: ${e.message}`);
  }
  if (e instanceof DatabaseNotFoundError) {
    return names.includes(basename(e.file)) && e.message.includes(e.file)
      ? []
      : [`DatabaseNotFoundError for unexpected file: ${e.message}`];
  }
  if (e instanceof DownloadError) {
    return e.message.includes(e.url) ? [] : [`bad DownloadError ${e.message}`];
  }
  if (e instanceof RangeError && e.constructor === RangeError) {
    return names.some((n) => e.message.includes(n))
      ? []
      : [`RangeError not naming the file: ${e.message}`];
  }
  const name = (e as Error)?.constructor?.name ?? typeof e;
  return [
    `uncaught ${name}: ${(e as Error)?.message ?? String(e)}${
      (e as Error)?.stack
        ? ` @ ${(e as Error).stack!.split("\n").slice(1, 3).join(" | ")}`
        : ""
    }`,
  ];
}

// ---------------------------------------------------------------- harness

/** Outcome counts of one file type. */
export interface TypeReport {
  cases: number;
  loaded: number;
  equivalentChecked: number;
  errors: Record<string, number>;
  maxCaseMs: number;
}

/** Full report of a fuzz run. */
export interface FuzzReport {
  seed: number;
  elapsedMs: number;
  stoppedByBudget: boolean;
  types: Record<string, TypeReport>;
  failures: {
    type: string;
    caseNo: number;
    kind: string;
    problems: string[];
  }[];
}

/** Fuzz settings. */
export interface FuzzOptions {
  readonly seed?: number;
  /** Multiplies the per-type case counts (default 1). */
  readonly scale?: number;
  /** Wall-clock budget [ms]; remaining cases are skipped when spent (default 40000). */
  readonly budgetMs?: number;
  /** Called before each case (progress; used to find a hanging case). */
  readonly onCase?: (type: string, caseNo: number, kind: string) => void;
}

/** Cases per file type at scale 1. */
export const CASES: Readonly<Record<string, number>> = {
  def: 180,
  pf: 180,
  states: 180,
  trans: 180,
  "states.bz2": 120,
  "trans.bz2": 120,
  broad: 140,
  par: 220,
  cia: 220,
  "missing-file": 24,
  download: 120,
};

const EXOMOL_OPTS = [
  {},
  { nuRange: [4300, 4345] as const },
  { nuRange: [4340, 4400] as const, margin: 1 },
  { broadener: "He" as const, nuRange: [0, 5000] as const },
] as const;

function lineCount(text: string): number {
  return text.split("\n").length;
}

function errorKey(e: unknown): string {
  if (e instanceof DatabaseFormatError) {
    return `DatabaseFormatError(${e.field ?? "-"})`;
  }
  return (e as Error)?.constructor?.name ?? typeof e;
}

/** Runs the fuzzer. */
export async function runFuzz(opts: FuzzOptions = {}): Promise<FuzzReport> {
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  const budget = opts.budgetMs ?? 40000;
  const t0 = performance.now();
  const rng = new Rng(seed);
  const report: FuzzReport = {
    seed,
    elapsedMs: 0,
    stoppedByBudget: false,
    types: {},
    failures: [],
  };
  const root = await Deno.makeTempDir({ prefix: "exospec_fuzz_" });
  try {
    // Clean inputs (shrunk) and their clean loads.
    const dir = join(root, "CO", "12C-16O", "SAMPLE");
    await Deno.mkdir(dir, { recursive: true });
    const dec = (b: Uint8Array, n: string) =>
      new TextDecoder().decode(decompressBz2(b, n));
    const orig = {
      def: await Deno.readTextFile(join(SAMPLE, `${STEM}.def`)),
      pf: (await Deno.readTextFile(join(SAMPLE, `${STEM}.pf`)))
        .split("\n").slice(0, 400).join("\n") + "\n",
      statesBz2: await Deno.readFile(join(SAMPLE, `${STEM}.states.bz2`)),
      transBz2: await Deno.readFile(join(SAMPLE, `${STEM}.trans.bz2`)),
      broadH2: await Deno.readTextFile(join(SAMPLE, "12C-16O__H2.broad")),
      broadHe: await Deno.readTextFile(join(SAMPLE, "12C-16O__He.broad")),
    };
    const statesText = dec(orig.statesBz2, "states");
    const transText = dec(orig.transBz2, "trans");
    const names = {
      def: `${STEM}.def`,
      pf: `${STEM}.pf`,
      statesBz2: `${STEM}.states.bz2`,
      transBz2: `${STEM}.trans.bz2`,
      states: `${STEM}.states`,
      trans: `${STEM}.trans`,
      broadH2: "12C-16O__H2.broad",
      broadHe: "12C-16O__He.broad",
    };
    const restore = async () => {
      await Deno.writeTextFile(join(dir, names.def), orig.def);
      await Deno.writeTextFile(join(dir, names.pf), orig.pf);
      await Deno.writeFile(join(dir, names.statesBz2), orig.statesBz2);
      await Deno.writeFile(join(dir, names.transBz2), orig.transBz2);
      await Deno.writeTextFile(join(dir, names.broadH2), orig.broadH2);
      await Deno.writeTextFile(join(dir, names.broadHe), orig.broadHe);
      for (const n of [names.states, names.trans]) {
        await Deno.remove(join(dir, n)).catch(() => {});
      }
    };
    await restore();
    const known = [
      ...Object.values(names),
      `${STEM}__00000-11000.trans`,
      `${STEM}__00000-11000.trans.bz2`,
    ];
    const clean: unknown[] = [];
    for (const o of EXOMOL_OPTS) clean.push(await loadExomol(dir, o));

    const parPath = join(DATA, "HITEMP", "05_HITEMP_SAMPLE.par");
    const parText = (await Deno.readTextFile(parPath)).split(/\r?\n/)
      .slice(0, 300).join("\n") + "\n";
    const fullPf = await readPartitionFunction(join(SAMPLE, `${STEM}.pf`));
    const parOpts = [
      { partitionFunction: fullPf },
      { partitionFunction: fullPf, nuRange: [4100, 4103] as const },
      { partitionFunction: fullPf, isotope: 2, broadener: "self" as const },
    ];
    const parFile = join(root, "fuzz.par");
    await Deno.writeTextFile(parFile, parText);
    const parClean: unknown[] = [];
    for (const o of parOpts) parClean.push(await loadHitranPar(parFile, o));

    const ciaTest = await Deno.readTextFile(
      join(DATA, "CIA", "H2-H2_TEST.cia"),
    );
    const ciaBor =
      (await Deno.readTextFile(join(DATA, "CIA", "H2-H2_Borysow.cia")))
        .split("\n").slice(0, 1650).join("\n") + "\n";
    const ciaFile = join(root, "fuzz.cia");
    const ciaClean: CiaTable[] = [];
    for (const t of [ciaTest, ciaBor]) {
      await Deno.writeTextFile(ciaFile, t);
      ciaClean.push(await loadCia(ciaFile));
    }

    const over = () => performance.now() - t0 > budget;
    const rec = (type: string): TypeReport => (report.types[type] ??= {
      cases: 0,
      loaded: 0,
      equivalentChecked: 0,
      errors: {},
      maxCaseMs: 0,
    });

    /** Runs one case: `load` returns a result checked by `check`; equivalence vs `cleanRes`. */
    const runCase = async (
      type: string,
      kind: string,
      equivalent: boolean,
      load: () => Promise<unknown>,
      check: (r: unknown) => Problems,
      cleanRes: unknown,
      files: readonly string[],
      counts: Record<string, number>,
    ) => {
      const r = rec(type);
      const caseNo = r.cases++;
      opts.onCase?.(type, caseNo, kind);
      const c0 = performance.now();
      let problems: Problems;
      try {
        const res = await load();
        r.loaded++;
        problems = check(res);
        if (equivalent) {
          r.equivalentChecked++;
          const d = sameContent(res, cleanRes);
          if (d !== null) problems.push(d);
        }
      } catch (e) {
        r.errors[errorKey(e)] = (r.errors[errorKey(e)] ?? 0) + 1;
        problems = checkError(e, files, counts);
        if (equivalent) {
          problems.push(
            `harmless mutation failed to load: ${(e as Error)?.message}`,
          );
        }
      }
      const ms = performance.now() - c0;
      r.maxCaseMs = Math.max(r.maxCaseMs, ms);
      if (problems.length > 0) {
        report.failures.push({ type, caseNo, kind, problems });
      }
    };

    // ExoMol text files.
    const exoTargets: {
      type: string;
      text: string;
      write: (t: string) => Promise<void>;
      fname: string;
    }[] = [
      {
        type: "def",
        text: orig.def,
        fname: names.def,
        write: (t) => Deno.writeTextFile(join(dir, names.def), t),
      },
      {
        type: "pf",
        text: orig.pf,
        fname: names.pf,
        write: (t) => Deno.writeTextFile(join(dir, names.pf), t),
      },
      {
        type: "states",
        text: statesText,
        fname: names.states,
        write: async (t) => {
          await Deno.remove(join(dir, names.statesBz2));
          await Deno.writeTextFile(join(dir, names.states), t);
        },
      },
      {
        type: "trans",
        text: transText,
        fname: names.trans,
        write: async (t) => {
          await Deno.remove(join(dir, names.transBz2));
          await Deno.writeTextFile(join(dir, names.trans), t);
        },
      },
      {
        type: "broad",
        text: orig.broadH2,
        fname: names.broadH2,
        write: (t) => Deno.writeTextFile(join(dir, names.broadH2), t),
      },
    ];
    for (const tg of exoTargets) {
      const n = Math.round((CASES[tg.type] ?? 0) * scale);
      for (let k = 0; k < n && !over(); k++) {
        const oi = rng.int(EXOMOL_OPTS.length);
        const o = EXOMOL_OPTS[oi]!;
        const range = exoRange(o);
        // The He options read the He .broad: corrupt that one for them.
        const he = tg.type === "broad" && "broadener" in o;
        const m = mutateText(he ? orig.broadHe : tg.text, rng);
        if (he) await Deno.writeTextFile(join(dir, names.broadHe), m.text);
        else await tg.write(m.text);
        await runCase(
          tg.type,
          m.kind,
          m.equivalent,
          () => loadExomol(dir, o),
          (r) => checkLineList(r as LineList, range),
          clean[oi],
          known,
          { [he ? names.broadHe : tg.fname]: lineCount(m.text) },
        );
        await restore();
      }
    }

    // ExoMol bzip2 streams.
    for (
      const [type, bytes, fname] of [
        ["states.bz2", orig.statesBz2, names.statesBz2],
        ["trans.bz2", orig.transBz2, names.transBz2],
      ] as const
    ) {
      const n = Math.round((CASES[type] ?? 0) * scale);
      for (let k = 0; k < n && !over(); k++) {
        const m = mutateBytes(bytes, rng);
        await Deno.writeFile(join(dir, fname), m.bytes);
        await runCase(
          type,
          m.kind,
          false,
          () => loadExomol(dir),
          (r) => checkLineList(r as LineList, [0, Infinity]),
          clean[0],
          known,
          {},
        );
        await restore();
      }
    }

    // A dataset with a file missing, or a .def pointing to chunked files that are absent.
    {
      const n = Math.round((CASES["missing-file"] ?? 0) * scale);
      for (let k = 0; k < n && !over(); k++) {
        let kind: string;
        if (k % 2 === 0) {
          const f = rng.pick([
            names.def,
            names.pf,
            names.statesBz2,
            names.transBz2,
          ]);
          kind = `missing ${f}`;
          await Deno.remove(join(dir, f));
        } else {
          const nf = rng.pick(["2", "3", "10", "100000", "99999999"]);
          kind = `def: ${nf} transition files`;
          await Deno.writeTextFile(
            join(dir, names.def),
            orig.def.replace(
              /^1( +# No\. of transition files)/m,
              `${nf}$1`,
            ),
          );
        }
        await runCase(
          "missing-file",
          kind,
          false,
          () => loadExomol(dir),
          (r) => checkLineList(r as LineList, [0, Infinity]),
          clean[0],
          [...known, ...chunkNames()],
          {},
        );
        await restore();
      }
    }

    // HITRAN .par.
    {
      const n = Math.round((CASES.par ?? 0) * scale);
      for (let k = 0; k < n && !over(); k++) {
        const m = mutateText(parText, rng, true);
        const oi = rng.int(parOpts.length);
        const o = parOpts[oi]!;
        await Deno.writeTextFile(parFile, m.text);
        const range = o.nuRange ?? [0, Infinity];
        await runCase(
          "par",
          m.kind,
          m.equivalent,
          () => loadHitranPar(parFile, o),
          (r) => checkLineList(r as LineList, range),
          parClean[oi],
          [parFile],
          { [basename(parFile)]: lineCount(m.text) },
        );
      }
    }

    // CIA.
    {
      const n = Math.round((CASES.cia ?? 0) * scale);
      for (let k = 0; k < n && !over(); k++) {
        const which = k % 3 === 2 ? 1 : 0;
        const m = mutateText([ciaTest, ciaBor][which]!, rng);
        await Deno.writeTextFile(ciaFile, m.text);
        await runCase(
          "cia",
          m.kind,
          m.equivalent,
          () => loadCia(ciaFile),
          (r) => checkCia(r as CiaTable),
          ciaClean[which],
          [ciaFile],
          { [basename(ciaFile)]: lineCount(m.text) },
        );
      }
    }

    // Downloads into the cache from a misbehaving local server.
    {
      const n = Math.round((CASES.download ?? 0) * scale);
      if (n > 0 && !over()) {
        // Downloads serve the real files (the full .pf: its end is checked against the .def).
        const full = {
          ...orig,
          pf: await Deno.readTextFile(join(SAMPLE, names.pf)),
        };
        const cleanFull = await loadExomol(SAMPLE);
        await fuzzDownloads(
          n,
          rng,
          root,
          full,
          names,
          cleanFull,
          over,
          runCase,
        );
      }
    }
    report.stoppedByBudget = over();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
  report.elapsedMs = Math.round(performance.now() - t0);
  return report;
}

function exoRange(o: (typeof EXOMOL_OPTS)[number]): [number, number] {
  const r = "nuRange" in o ? o.nuRange : [0, Infinity];
  const m = "margin" in o ? o.margin : 0;
  return [r[0] - m, r[1] + m];
}

function chunkNames(): string[] {
  const out: string[] = [];
  for (const n of [2, 3, 10]) {
    const d = 22000 / n;
    const pad = (x: number) => String(Math.trunc(x)).padStart(5, "0");
    for (let k = 0; k < n; k++) {
      const tag = `${pad(k * d)}-${pad(k === n - 1 ? 22000 : (k + 1) * d)}`;
      out.push(`${STEM}__${tag}.trans.bz2`, `${STEM}__${tag}.trans`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- download fuzzing

export type ServeMode =
  | "ok"
  | "slow-ok"
  | "truncated-length"
  | "truncated-close"
  | "chunked-abort"
  | "stall"
  | "corrupt"
  | "status-500"
  | "status-404"
  | "empty"
  | "html";

/** A raw HTTP/1.1 server on 127.0.0.1 whose misbehaviour is set per request. */
export function rawServer(
  handler: (path: string) => { mode: ServeMode; body: Uint8Array },
): { baseUrl: string; close: () => Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const enc = new TextEncoder();
  const serveConn = async (conn: Deno.Conn) => {
    conns.add(conn);
    try {
      const buf = new Uint8Array(8192);
      let head = "";
      while (!head.includes("\r\n\r\n")) {
        const n = await conn.read(buf);
        if (n === null) return;
        head += new TextDecoder().decode(buf.subarray(0, n));
      }
      const path = head.split(" ")[1] ?? "/";
      const { mode, body } = handler(path);
      const write = async (b: Uint8Array) => {
        let o = 0;
        while (o < b.length) o += await conn.write(b.subarray(o));
      };
      const hdr = (status: string, extra: string) =>
        enc.encode(
          `HTTP/1.1 ${status}\r\nConnection: close\r\n${extra}\r\n`,
        );
      const half = body.subarray(0, Math.floor(body.length / 2));
      switch (mode) {
        case "ok":
        case "corrupt":
        case "html":
          await write(hdr("200 OK", `Content-Length: ${body.length}\r\n`));
          await write(body);
          break;
        case "slow-ok":
          await write(hdr("200 OK", `Content-Length: ${body.length}\r\n`));
          for (let o = 0; o < body.length; o += 1024) {
            await write(body.subarray(o, o + 1024));
            await new Promise((r) => setTimeout(r, 5));
          }
          break;
        case "truncated-length":
          await write(hdr("200 OK", `Content-Length: ${body.length}\r\n`));
          await write(half);
          break;
        case "truncated-close":
          // No length, no chunking: the body ends when the connection closes.
          await write(hdr("200 OK", ""));
          await write(half);
          break;
        case "chunked-abort":
          await write(hdr("200 OK", "Transfer-Encoding: chunked\r\n"));
          await write(enc.encode(`${half.length.toString(16)}\r\n`));
          await write(half);
          await write(enc.encode("\r\n"));
          break; // no terminating 0-chunk
        case "stall":
          await write(hdr("200 OK", `Content-Length: ${body.length}\r\n`));
          await write(half);
          await new Promise((r) => setTimeout(r, 1500));
          break;
        case "status-500":
          await write(
            hdr("500 Internal Server Error", "Content-Length: 4\r\n"),
          );
          await write(enc.encode("oops"));
          break;
        case "status-404":
          await write(hdr("404 Not Found", "Content-Length: 9\r\n"));
          await write(enc.encode("not found"));
          break;
        case "empty":
          await write(hdr("200 OK", "Content-Length: 0\r\n"));
          break;
      }
    } catch {
      // The client hung up: fine.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };
  const pending = new Set<Promise<void>>();
  const accept = (async () => {
    try {
      for await (const conn of listener) {
        const p = serveConn(conn);
        pending.add(p);
        p.finally(() => pending.delete(p));
      }
    } catch { /* listener closed */ }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/db`,
    close: async () => {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accept;
      await Promise.allSettled([...pending]);
    },
  };
}

async function fuzzDownloads(
  n: number,
  rng: Rng,
  root: string,
  orig: {
    def: string;
    pf: string;
    statesBz2: Uint8Array;
    transBz2: Uint8Array;
    broadH2: string;
  },
  names: Record<string, string>,
  cleanLoad: unknown,
  over: () => boolean,
  runCase: (
    type: string,
    kind: string,
    equivalent: boolean,
    load: () => Promise<unknown>,
    check: (r: unknown) => Problems,
    cleanRes: unknown,
    files: readonly string[],
    counts: Record<string, number>,
  ) => Promise<void>,
): Promise<void> {
  const enc = new TextEncoder();
  const files: Record<string, Uint8Array> = {
    [names.def!]: enc.encode(orig.def),
    [names.pf!]: enc.encode(orig.pf),
    [names.statesBz2!]: orig.statesBz2,
    [names.transBz2!]: orig.transBz2,
    [names.broadH2!]: enc.encode(orig.broadH2),
  };
  const modes: ServeMode[] = [
    "ok",
    "slow-ok",
    "truncated-length",
    "truncated-close",
    "truncated-close",
    "chunked-abort",
    "stall",
    "corrupt",
    "corrupt",
    "status-500",
    "status-404",
    "empty",
    "html",
  ];
  let target = "";
  let mode: ServeMode = "ok";
  let served: Uint8Array = new Uint8Array(0);
  const server = rawServer((path) => {
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (name !== target) return { mode: "status-404", body: new Uint8Array(0) };
    return { mode, body: served };
  });
  try {
    for (let k = 0; k < n && !over(); k++) {
      target = rng.pick(Object.keys(files));
      mode = rng.pick(modes);
      const body = files[target]!;
      if (mode === "corrupt") {
        served = target.endsWith(".bz2")
          ? mutateBytes(body, rng).bytes
          : enc.encode(mutateText(new TextDecoder().decode(body), rng).text);
        if (served.length === 0) served = enc.encode(" ");
      } else if (mode === "html") {
        served = enc.encode("<html><body>Service unavailable</body></html>\n");
      } else served = body;
      const servedNow = served;
      const dir = join(root, `dl${k}`, "CO", "12C-16O", "SAMPLE");
      await Deno.mkdir(dir, { recursive: true });
      for (const [f, b] of Object.entries(files)) {
        if (f !== target) await Deno.writeFile(join(dir, f), b);
      }
      const kind = `${mode} ${target}`;
      const outcome = { loaded: false };
      const c0 = performance.now();
      await runCase(
        "download",
        kind,
        false,
        async () => {
          const r = await loadExomol(dir, {
            download: { baseUrl: server.baseUrl, idleTimeoutMs: 300 },
          });
          outcome.loaded = true;
          return r;
        },
        (r) => {
          const p = checkLineList(r as LineList, [0, Infinity]);
          if (mode === "ok" || mode === "slow-ok") {
            const d = sameContent(r, cleanLoad);
            if (d !== null) p.push(d);
          }
          return p;
        },
        cleanLoad,
        [...Object.keys(files), server.baseUrl],
        {},
      );
      const caseMs = performance.now() - c0;
      // The cache: no temp files; the target absent, or byte-identical to a complete body.
      const listing: string[] = [];
      for await (const e of Deno.readDir(dir)) listing.push(e.name);
      const problems: string[] = [];
      const leftovers = listing.filter((f) => !(f in files));
      if (leftovers.length > 0) {
        problems.push(`leftover files ${leftovers.join(", ")}`);
      }
      if (listing.includes(target)) {
        const got = await Deno.readFile(join(dir, target));
        const complete = mode === "ok" || mode === "slow-ok" ||
          mode === "corrupt";
        if (!complete || !equalBytes(got, servedNow)) {
          problems.push(
            `cache holds ${got.length} bytes of ${target} after a "${mode}" response of ${servedNow.length}`,
          );
        }
      } else if (mode === "ok" || mode === "slow-ok") {
        problems.push(`complete ${target} not cached`);
      }
      if ((mode === "ok" || mode === "slow-ok") && !outcome.loaded) {
        problems.push("a complete download did not load");
      }
      if (mode === "stall" && caseMs > 1200) {
        problems.push(
          `a stalled body was waited on for ${
            Math.round(caseMs)
          } ms (idle timeout 300 ms)`,
        );
      }
      if (problems.length > 0) {
        report_push(problems, k, kind);
      }
      await Deno.remove(join(root, `dl${k}`), { recursive: true });
    }
  } finally {
    await server.close();
  }
  function report_push(problems: string[], caseNo: number, kind: string) {
    _downloadFailures.push({ type: "download-cache", caseNo, kind, problems });
  }
}

const _downloadFailures: FuzzReport["failures"] = [];

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs the fuzzer and merges the cache-state failures of the download cases. */
export async function runFuzzAll(opts: FuzzOptions = {}): Promise<FuzzReport> {
  _downloadFailures.length = 0;
  const r = await runFuzz(opts);
  r.failures.push(..._downloadFailures);
  return r;
}

if (import.meta.main) {
  const arg = (k: string, d: number) => {
    const a = Deno.args.find((x) => x.startsWith(`--${k}=`));
    return a === undefined ? d : Number(a.slice(k.length + 3));
  };
  const progress = Deno.args.includes("--progress");
  const report = await runFuzzAll({
    seed: arg("seed", 1),
    scale: arg("scale", 1),
    budgetMs: arg("budget-ms", 40000),
    ...(progress
      ? {
        onCase: (t: string, n: number, k: string) =>
          console.error(`case ${t}#${n} ${k}`),
      }
      : {}),
  });
  console.log(JSON.stringify(report, null, 1));
  Deno.exit(report.failures.length > 0 ? 1 : 0);
}
