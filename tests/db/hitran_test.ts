import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrows,
  assertThrowsWith,
} from "../_util.ts";
import {
  ATM_IN_BAR,
  hitranIsotopeId,
  loadHitranPar,
  parseHitranRecord,
} from "../../src/db/hitran.ts";
import { readPartitionFunction } from "../../src/db/partition_function.ts";
import { lineStrengthFromEinsteinA } from "../../src/db/exomol.ts";
import { DatabaseFormatError } from "../../src/db/errors.ts";
import { SHARED_DATA } from "../_util.ts";
import { REF, SAMPLE_DIR } from "./_dataset.ts";

const PAR = join(SHARED_DATA, "HITEMP", "05_HITEMP_SAMPLE.par");
const ref = REF.hitemp;
const pf = await readPartitionFunction(join(SAMPLE_DIR, "12C-16O__SAMPLE.pf"));

Deno.test("loadHitranPar() selects each isotope with the counts of an independent Python count", async () => {
  for (
    const [iso, count] of Object.entries(ref.counts as Record<string, number>)
  ) {
    const ll = await loadHitranPar(PAR, {
      isotope: Number(iso),
      partitionFunction: pf,
    });
    assertEquals(ll.nu.length, count, `isotope ${iso}`);
    assertEquals(ll.isotope, Number(iso));
    for (let i = 1; i < ll.nu.length; i++) {
      assert(ll.nu[i]! >= ll.nu[i - 1]!, "sorted");
    }
  }
  const win = await loadHitranPar(PAR, {
    nuRange: [4301, 4309],
    margin: 1,
    partitionFunction: pf,
  });
  assertEquals(win.nu.length, ref.iso1_4300_4310);
});

Deno.test("loadHitranPar() parses a spot-check record's fields and converts γ from atm⁻¹ to bar⁻¹", async () => {
  const s = ref.spot;
  const air = await loadHitranPar(PAR, {
    nuRange: [s.nu, s.nu],
    partitionFunction: pf,
  });
  assertEquals(air.nu.length, 1);
  assertEquals(air.molecule, "CO");
  assertEquals(air.moleculeId, 5);
  assertEquals(air.molmass, 27.994915);
  assertEquals(
    [
      air.nu[0],
      air.lineStrengthRef[0],
      air.einsteinA[0],
      air.elower[0],
      air.gupper[0],
      air.glower[0],
    ],
    [s.nu, s.s, s.a, s.elower, s.gupper, s.glower],
  );
  assertEquals([
    air.gammaAir[0],
    air.gammaSelf[0],
    air.nAir[0],
    air.deltaAir[0],
  ], [
    s.gamma_air,
    s.gamma_self,
    s.n_air,
    s.delta_air,
  ]);
  assertRelClose(air.alphaRef[0]!, s.gamma_air / 1.01325, 1e-15);
  assertEquals(air.nTemp[0], s.n_air);
  assertEquals(air.qtref, REF.exomol.qtref);
  const self = await loadHitranPar(PAR, {
    nuRange: [s.nu, s.nu],
    partitionFunction: pf,
    broadener: "self",
  });
  assertRelClose(self.alphaRef[0]!, s.gamma_self / ATM_IN_BAR, 1e-15);
});

Deno.test("loadHitranPar() S(296) agrees with S from A, ExoMol Q(296) and abundance 0.986544", async () => {
  // HITEMP CO is built from Li2015; measured: strong lines (S > 1e-30, 182 of them) within
  // 5.4e-4 (4-digit rounding of S and A), all 2367 lines within 0.31 % (growing with E″).
  const ll = await loadHitranPar(PAR, { isotope: 1, partitionFunction: pf });
  const s = lineStrengthFromEinsteinA(
    ll.einsteinA,
    ll.gupper,
    ll.elower,
    ll.nu,
    ll.qtref,
  );
  let maxStrong = 0;
  let maxAll = 0;
  let nStrong = 0;
  for (let i = 0; i < s.length; i++) {
    const rel = Math.abs(0.986544 * s[i]! / ll.lineStrengthRef[i]! - 1);
    maxAll = Math.max(maxAll, rel);
    if (ll.lineStrengthRef[i]! > 1e-30) {
      nStrong++;
      maxStrong = Math.max(maxStrong, rel);
    }
  }
  assertEquals(nStrong, ref.s_from_a.n_strong);
  assert(maxStrong < 1e-3, `strong lines: max rel diff ${maxStrong}`);
  assert(maxAll < 5e-3, `all lines: max rel diff ${maxAll}`);
  assertRelClose(maxStrong, ref.s_from_a.max_rel, 1e-6, "same as numpy");
});

Deno.test("hitranIsotopeId() maps 1-9, 0 → 10, A → 11 and loadHitranPar() selects such records", async () => {
  assertEquals([
    hitranIsotopeId("1"),
    hitranIsotopeId("9"),
    hitranIsotopeId("0"),
    hitranIsotopeId("A"),
  ], [1, 9, 10, 11]);
  assertThrows(() => hitranIsotopeId("*"), RangeError, '"*"');
  const lines = (await Deno.readTextFile(PAR)).split("\n").slice(0, 3);
  const text = [
    lines[0]!.slice(0, 2) + "0" + lines[0]!.slice(3),
    lines[1]!.slice(0, 2) + "A" + lines[1]!.slice(3),
    lines[2],
  ]
    .join("\n");
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "x.par");
    await Deno.writeTextFile(path, text);
    const ten = await loadHitranPar(path, {
      isotope: 10,
      partitionFunction: pf,
      molmass: 30,
    });
    assertEquals([ten.nu.length, ten.nu[0]], [1, 4100.008733]);
    const eleven = await loadHitranPar(path, {
      isotope: 11,
      partitionFunction: pf,
      molmass: 30,
    });
    assertEquals(eleven.nu.length, 1);
    await assertThrowsWith(
      () => loadHitranPar(path, { isotope: 10, partitionFunction: pf }),
      "no default mass for HITRAN molecule 5 isotope 10",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadHitranPar() reports short records and bad fields with file, line and field", async () => {
  const lines = (await Deno.readTextFile(PAR)).split("\n").slice(0, 5).map((
    l,
  ) => l.replace(/\r$/, ""));
  const cases: [string[], string, string][] = [
    [
      [lines[0]!, lines[1]!.slice(0, 150), lines[2]!],
      'x.par line 2, field "g_upper": record has 150 characters',
      "g_upper",
    ],
    [
      [
        lines[0]!,
        lines[1]!,
        lines[2]!.slice(0, 3) + "4100.0x" + lines[2]!.slice(10),
      ],
      'x.par line 3, field "nu": "4100.0x',
      "nu",
    ],
    [
      [lines[0]!.slice(0, 15) + "3.18?E-127" + lines[0]!.slice(25)],
      'x.par line 1, field "S": "3.18?E-127" is not a number',
      "S",
    ],
    [
      [lines[0]!, " 6" + lines[1]!.slice(2)],
      'x.par line 2, field "molecule id": molecule 6 differs from 5',
      "molecule id",
    ],
    [
      [lines[0]!, lines[1]!.slice(0, 2) + "*" + lines[1]!.slice(3)],
      'x.par line 2, field "isotope id"',
      "isotope id",
    ],
  ];
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "x.par");
    for (const [rows, msg, field] of cases) {
      await Deno.writeTextFile(path, rows.join("\r\n") + "\r\n");
      const e = await assertThrowsWith(
        () => loadHitranPar(path, { partitionFunction: pf }),
        msg,
      );
      assert(e instanceof DatabaseFormatError && e.field === field, e.message);
    }
    await assertThrowsWith(
      () =>
        loadHitranPar(PAR, { nuRange: [5000, 5001], partitionFunction: pf }),
      "no line of isotope 1 in [5000, 5001]",
      "05_HITEMP_SAMPLE.par",
    );
    await assertThrowsWith(
      () =>
        loadHitranPar(PAR, {} as unknown as { partitionFunction: typeof pf }),
      "partitionFunction",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseHitranRecord() reads all numeric fields of the first record", async () => {
  const line = (await Deno.readTextFile(PAR)).split("\n")[0]!;
  const r = parseHitranRecord(line, "x.par", 1);
  assertEquals(r, {
    moleculeId: 5,
    isotope: 1,
    nu: 4100.008733,
    s: 3.186e-127,
    a: 26.48,
    gammaAir: 0.0451,
    gammaSelf: 0.046,
    elower: 51407.0769,
    nAir: 0.67,
    deltaAir: -0.008358,
    gupper: 55,
    glower: 57,
  });
});

// Regression (fuzz, issue 12): records with shifted columns (longer than 160 characters),
// molecule ids below 1 and negative S, A, γ or g were accepted.
Deno.test("loadHitranPar() rejects shifted columns, molecule id 0 and negative S, A, γ, g naming line and field", async () => {
  const rec = (await Deno.readTextFile(PAR)).split("\n")[0]!.replace(
    /\r$/,
    "",
  );
  const put = (a: number, b: number, s: string) =>
    rec.slice(0, a) + s.padStart(b - a).slice(0, b - a) + rec.slice(b);
  const cases: [string, string, string][] = [
    [rec.slice(0, 40) + " " + rec.slice(40), "g_lower", "161 characters"],
    [put(0, 2, "0"), "molecule id", "0 is not a HITRAN molecule id"],
    [put(0, 2, "-5"), "molecule id", "-5 is not a HITRAN molecule id"],
    [put(3, 15, "-4100.0"), "nu", "-4100 must be positive"],
    [put(15, 25, "-3.1E-27"), "S", "must be non-negative"],
    [put(25, 35, "-2.6E+01"), "A", "must be non-negative"],
    [put(35, 40, "-.045"), "gamma_air", "must be non-negative"],
    [put(40, 45, "-.046"), "gamma_self", "must be non-negative"],
    [put(146, 153, "-55.0"), "g_upper", "must be non-negative"],
  ];
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "y.par");
    for (const [row, field, msg] of cases) {
      await Deno.writeTextFile(path, `${rec}\n${row}\n`);
      const e = await assertThrowsWith(
        () => loadHitranPar(path, { partitionFunction: pf }),
        `y.par line 2, field "${field}"`,
        msg,
      );
      assert(e instanceof DatabaseFormatError && e.field === field, e.message);
    }
    // Trailing blanks after the 160 characters, a BOM and CRLF are harmless.
    await Deno.writeTextFile(path, `\uFEFF${rec}   \r\n${rec}\r\n`);
    const ll = await loadHitranPar(path, { partitionFunction: pf });
    assertEquals(ll.nu.length, 2);
    assertEquals(ll.nu[0], 4100.008733);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
