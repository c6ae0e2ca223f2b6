import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrows,
  assertThrowsWith,
  maxRelErr,
} from "../_util.ts";
import {
  exomolFiles,
  exomolTransChunks,
  lineStrengthFromEinsteinA,
  loadExomol,
  moleculeFromIsotopologue,
} from "../../src/db/exomol.ts";
import {
  parseExomolBroad,
  parseExomolDef,
  parseExomolStates,
  parseExomolTrans,
  readExomolDef,
} from "../../src/db/exomol_files.ts";
import {
  DatabaseFormatError,
  DatabaseNotFoundError,
} from "../../src/db/errors.ts";
import {
  makeDataset,
  REF,
  SAMPLE_DIR,
  SAMPLE_STEM,
  sampleBytes,
  sampleText,
} from "./_dataset.ts";

const ref = REF.exomol;

Deno.test("readExomolDef() parses mass, counts and default broadening of the SAMPLE .def", async () => {
  const def = await readExomolDef(join(SAMPLE_DIR, `${SAMPLE_STEM}.def`));
  assertEquals(def.molmass, 28.0101);
  assertEquals(def.isoFormula, "(12C)(12O)"); // the excerpt's typo, kept verbatim
  assertEquals(def.dataset, "SAMPLE");
  assertEquals(def.nStates, 6383);
  assertEquals(def.nTransitions, 1575);
  assertEquals(def.nTransFiles, 1);
  assertEquals(def.maxWavenumber, 22000);
  assertEquals(def.alphaRefDefault, 0.07);
  assertEquals(def.nTempDefault, 0.5);
  assertEquals(def.quantumLabels, ["v", "kp"]);
});

Deno.test("loadExomol() reproduces the independent numpy S(296), E″, g′ and ν within 1e-12", async () => {
  const db = await loadExomol(SAMPLE_DIR);
  assertEquals(db.nu.length, 259);
  assertEquals(db.molecule, "CO");
  assertEquals(db.molmass, 28.0101);
  assertEquals(db.tref, 296);
  assertEquals(db.transHasWavenumber, true);
  assertRelClose(db.qtref, ref.qtref, 1e-15, "Q(296)");
  // The SAMPLE .trans is sorted by ν, so file order == sorted order.
  assert(maxRelErr(db.nu, ref.nu) === 0, "nu");
  const errS = maxRelErr(db.lineStrengthRef, ref.s0);
  assert(errS < 1e-12, `S(296) max rel err ${errS}`);
  assert(maxRelErr(db.elower, ref.elower) === 0, "elower");
  assert(maxRelErr(db.gupper, ref.gupper) === 0, "gupper");
  assert(maxRelErr(db.jlower, ref.jlower) === 0, "jlower");
  for (let i = 1; i < db.nu.length; i++) {
    assert(db.nu[i]! >= db.nu[i - 1]!, "sorted");
  }
  assertEquals(db.partitionFunction.t.length, 9000);
});

Deno.test("loadExomol() selects nuRange ± margin inclusively (125 lines in 22920–23000 Å)", async () => {
  const [lo, hi] = ref.tutorial_window as [number, number];
  const db = await loadExomol(SAMPLE_DIR, { nuRange: [lo, hi] });
  assertEquals(db.nu.length, ref.tutorial_count);
  assertEquals(db.nu.length, 125);
  const withMargin = await loadExomol(SAMPLE_DIR, {
    nuRange: [lo, hi],
    margin: 5,
  });
  const expected =
    (ref.nu as number[]).filter((v) => v >= lo - 5 && v <= hi + 5).length;
  assertEquals(withMargin.nu.length, expected);
  assertEquals(withMargin.selectedRange, [lo - 5, hi + 5]);
  // Inclusive bounds: a range [ν_k, ν_k] keeps exactly that line.
  const v = ref.nu[10] as number;
  const one = await loadExomol(SAMPLE_DIR, { nuRange: [v, v] });
  assertEquals(one.nu.length, 1);
  assertEquals(one.nu[0], v);
});

Deno.test("loadExomol() takes α_ref, n_T from the H2 or He .broad per J″ (a0) with .def defaults beyond", async () => {
  const h2 = await loadExomol(SAMPLE_DIR, { broadener: "H2" });
  assert(maxRelErr(h2.alphaRef, ref.alpha_H2) === 0, "alpha H2");
  assert(maxRelErr(h2.nTemp, ref.n_H2) === 0, "n H2");
  assertEquals(h2.broadFile, join(SAMPLE_DIR, "12C-16O__H2.broad"));
  const he = await loadExomol(SAMPLE_DIR, { broadener: "He" });
  assert(maxRelErr(he.alphaRef, ref.alpha_He) === 0, "alpha He");
  assert(maxRelErr(he.nTemp, ref.n_He) === 0, "n He");
  // J″ beyond the H2 table (max 80) gets 0.07 / 0.5.
  let beyond = 0;
  for (let i = 0; i < h2.nu.length; i++) {
    if (h2.jlower[i]! > 80) {
      beyond++;
      assertEquals([h2.alphaRef[i], h2.nTemp[i]], [0.07, 0.5]);
    }
  }
  assert(beyond > 0, "the SAMPLE has lines with J″ > 80");
});

Deno.test("loadExomol() uses default broadening for every line when the .broad file is absent", async () => {
  const ds = await makeDataset({ "12C-16O__H2.broad": null });
  try {
    const db = await loadExomol(ds.dir);
    assertEquals(db.broadFile, null);
    assert(
      db.alphaRef.every((a) => a === 0.07) && db.nTemp.every((n) => n === 0.5),
      "defaults",
    );
  } finally {
    await ds.cleanup();
  }
});

Deno.test("parseExomolBroad() lets code a1 (J″, J′) override a0, as ExoJAX's make_jj2b", () => {
  const b = parseExomolBroad(
    "a0 0.07 0.5 3\na1 0.06 0.4 3 4\nm0 1 2 3\n",
    "x.broad",
  );
  assertEquals(b.a0.get(3), [0.07, 0.5]);
  assertEquals(b.a1.get("3,4"), [0.06, 0.4]);
  assertEquals(b.a0.size + b.a1.size, 2);
});

Deno.test("loadExomol() reads plain .states/.trans and computes ν = E′ − E″ without a 4th column", async () => {
  const states = await sampleText(`${SAMPLE_STEM}.states.bz2`);
  const trans3 =
    (await sampleText(`${SAMPLE_STEM}.trans.bz2`)).split("\n").filter((l) =>
      l.trim()
    )
      .map((l) => l.trim().split(/\s+/).slice(0, 3).join(" ")).reverse().join(
        "\n",
      ) + "\n";
  const ds = await makeDataset({
    [`${SAMPLE_STEM}.states.bz2`]: null,
    [`${SAMPLE_STEM}.trans.bz2`]: null,
    [`${SAMPLE_STEM}.states`]: states,
    [`${SAMPLE_STEM}.trans`]: trans3,
  });
  try {
    const db = await loadExomol(ds.dir);
    assertEquals(db.transHasWavenumber, false);
    assertEquals(db.nu.length, 259);
    const expected = (ref.nu_states as number[]).slice().sort((a, b) => a - b);
    assert(maxRelErr(db.nu, expected) === 0, "nu from states, sorted");
    for (let i = 1; i < db.nu.length; i++) {
      assert(db.nu[i]! >= db.nu[i - 1]!, "sorted");
    }
    // E′ − E″ differs from the .trans ν column by the data's own rounding (<= 9.6e-5 cm⁻¹
    // in the SAMPLE, checked with numpy): allow 1e-4 cm⁻¹.
    let dmax = 0;
    for (let i = 0; i < db.nu.length; i++) {
      dmax = Math.max(dmax, Math.abs(db.nu[i]! - ref.nu[i]));
    }
    assert(dmax <= 1e-4, `nu states vs trans ${dmax} cm-1`);
  } finally {
    await ds.cleanup();
  }
});

Deno.test("loadExomol() reads only the chunked .trans files overlapping the range", async () => {
  const def = new TextDecoder().decode(await sampleBytes(`${SAMPLE_STEM}.def`));
  const def4 = def.replace(/^1( +# No\. of transition files)/m, "4$1")
    .replace(/^22000\.00( +# Maximum wavenumber)/m, "8000.00$1");
  assert(
    def4.includes(
      "4                                                                               # No. of transition files",
    ),
  );
  // Chunks 0-2000, 2000-4000, 4000-6000, 6000-8000: the SAMPLE lines all belong to 04000-06000.
  const ds = await makeDataset({
    [`${SAMPLE_STEM}.def`]: def4,
    [`${SAMPLE_STEM}.trans.bz2`]: null,
    [`${SAMPLE_STEM}__04000-06000.trans`]: await sampleText(
      `${SAMPLE_STEM}.trans.bz2`,
    ),
  });
  try {
    assertEquals(exomolTransChunks(4, 8000).map((c) => c.tag), [
      "00000-02000",
      "02000-04000",
      "04000-06000",
      "06000-08000",
    ]);
    const db = await loadExomol(ds.dir, { nuRange: [4300, 4400] });
    assertEquals(db.nu.length, 259);
    assertEquals(db.transFiles, [
      join(ds.dir, `${SAMPLE_STEM}__04000-06000.trans`),
    ]);
    // A range reaching into 6000-8000 needs that chunk: missing → error naming it and its URL.
    const e = await assertThrowsWith(
      () => loadExomol(ds.dir, { nuRange: [4300, 6500] }),
      `${SAMPLE_STEM}__06000-08000.trans.bz2`,
      "https://www.exomol.com/db/CO/12C-16O/SAMPLE/12C-16O__SAMPLE__06000-08000.trans.bz2",
    );
    assert(e instanceof DatabaseNotFoundError);
  } finally {
    await ds.cleanup();
  }
});

Deno.test("loadExomol() strengthCut drops lines with S(296) below it", async () => {
  const all = await loadExomol(SAMPLE_DIR);
  const cut = 1e-25;
  const db = await loadExomol(SAMPLE_DIR, { strengthCut: cut });
  const expected = (ref.s0 as number[]).filter((s) => s >= cut).length;
  assert(expected > 0 && expected < all.nu.length, "cut is selective");
  assertEquals(db.nu.length, expected);
  assert(db.lineStrengthRef.every((s) => s >= cut), "all above the cut");
});

Deno.test("lineStrengthFromEinsteinA() matches the closed form for one line", () => {
  const [a, g, e, v, q] = [39.7, 105, 1000.5, 4329.451017, 107.4198];
  const c2 = 1.4387773538277202;
  const expected = a * g * Math.exp(-c2 * e / 296) *
    (1 - Math.exp(-c2 * v / 296)) /
    (8 * Math.PI * 29979245800 * v * v * q);
  const s = lineStrengthFromEinsteinA(
    new Float64Array([a]),
    new Float64Array([g]),
    new Float64Array([e]),
    new Float64Array([v]),
    q,
  );
  assertRelClose(s[0]!, expected, 1e-14);
});

Deno.test("exomolFiles() follows ExoMol's URL layout and moleculeFromIsotopologue() strips isotopes", () => {
  const f = exomolFiles(".database/H2O/1H2-16O/POKAZATEL/");
  assertEquals(f.molecule, "H2O");
  assertEquals(f.stem, ".database/H2O/1H2-16O/POKAZATEL/1H2-16O__POKAZATEL");
  assertEquals(
    `${f.urlStem}.states.bz2`,
    "https://www.exomol.com/db/H2O/1H2-16O/POKAZATEL/1H2-16O__POKAZATEL.states.bz2",
  );
  assertEquals(
    f.broadPath("He"),
    ".database/H2O/1H2-16O/POKAZATEL/1H2-16O__He.broad",
  );
  assertEquals(moleculeFromIsotopologue("1H-12C-14N"), "HCN");
  assertEquals(moleculeFromIsotopologue("1H3-16O_p"), "H3O_p");
});

// ---------- malformed input: every error names file, line and field ----------

Deno.test("loadExomol() names the path and URL of a missing .def or .pf", async () => {
  for (const missing of ["def", "pf"]) {
    const ds = await makeDataset({ [`${SAMPLE_STEM}.${missing}`]: null });
    try {
      const e = await assertThrowsWith(
        () => loadExomol(ds.dir),
        join(ds.dir, `${SAMPLE_STEM}.${missing}`),
        `https://www.exomol.com/db/CO/12C-16O/SAMPLE/${SAMPLE_STEM}.${missing}`,
        "download: true",
      );
      assert(e instanceof DatabaseNotFoundError);
    } finally {
      await ds.cleanup();
    }
  }
});

Deno.test("loadExomol() reports a truncated .trans.bz2 naming the file and the bzip2 stream", async () => {
  const bytes = await sampleBytes(`${SAMPLE_STEM}.trans.bz2`);
  const ds = await makeDataset({
    [`${SAMPLE_STEM}.trans.bz2`]: bytes.subarray(0, 1500),
  });
  try {
    const e = await assertThrowsWith(
      () => loadExomol(ds.dir),
      `${SAMPLE_STEM}.trans.bz2`,
      'field "bzip2 stream"',
      "truncated or corrupt",
    );
    assert(e instanceof DatabaseFormatError && e.field === "bzip2 stream");
  } finally {
    await ds.cleanup();
  }
});

Deno.test("loadExomol() reports wrong column counts, non-numbers and unknown ids with file, line, field", async () => {
  const states = await sampleText(`${SAMPLE_STEM}.states.bz2`);
  const trans = (await sampleText(`${SAMPLE_STEM}.trans.bz2`)).split("\n");
  const cases: [string, string, string, string[]][] = [
    // [file to replace, content, expected fragments...]
    [
      `${SAMPLE_STEM}.trans`,
      _replaceLine(trans, 16, "5682\t5721\tx.y\t4329.9"),
      "A",
      [
        `${SAMPLE_STEM}.trans line 17, field "A": "x.y" is not a number`,
      ],
    ],
    [`${SAMPLE_STEM}.trans`, _replaceLine(trans, 4, "5682 5721"), "A", [
      `${SAMPLE_STEM}.trans line 5, field "A"`,
      "found 2",
    ]],
    [`${SAMPLE_STEM}.trans`, _replaceLine(trans, 7, "5682 5721 0.5"), "nu", [
      `${SAMPLE_STEM}.trans line 8, field "nu"`,
      "expected 4 columns",
    ]],
    [
      `${SAMPLE_STEM}.trans`,
      _replaceLine(trans, 2, "999999 5721 0.5 4329.4"),
      "i_upper",
      [
        `${SAMPLE_STEM}.trans line 3, field "i_upper"`,
        "999999 is not in the states file",
      ],
    ],
    [
      `${SAMPLE_STEM}.states`,
      _replaceLine(states.split("\n"), 9, "  72 51681.0792 3"),
      "J",
      [
        `${SAMPLE_STEM}.states line 10, field "J"`,
        "found 3",
      ],
    ],
    [
      `${SAMPLE_STEM}.states`,
      _replaceLine(states.split("\n"), 0, "30 5.1e4x 1 0 29 e"),
      "E",
      [
        `${SAMPLE_STEM}.states line 1, field "E": "5.1e4x" is not a number`,
      ],
    ],
  ];
  for (const [name, content, field, fragments] of cases) {
    const files: Record<string, string | null> = { [name]: content };
    if (name.endsWith(".trans")) files[`${SAMPLE_STEM}.trans.bz2`] = null;
    else files[`${SAMPLE_STEM}.states.bz2`] = null;
    const ds = await makeDataset(files);
    try {
      const e = await assertThrowsWith(() => loadExomol(ds.dir), ...fragments);
      assert(
        e instanceof DatabaseFormatError && e.field === field,
        `field ${field}: ${e.message}`,
      );
      assert(
        e instanceof DatabaseFormatError && e.file === join(ds.dir, name),
        "full path kept in .file",
      );
    } finally {
      await ds.cleanup();
    }
  }
});

Deno.test("loadExomol() rejects unsorted 4-column transitions naming the line", async () => {
  const trans = (await sampleText(`${SAMPLE_STEM}.trans.bz2`)).split("\n");
  const swapped = trans.slice();
  [swapped[20], swapped[21]] = [swapped[21]!, swapped[20]!];
  const ds = await makeDataset({
    [`${SAMPLE_STEM}.trans.bz2`]: null,
    [`${SAMPLE_STEM}.trans`]: swapped.join("\n"),
  });
  try {
    await assertThrowsWith(
      () => loadExomol(ds.dir),
      `${SAMPLE_STEM}.trans line 22, field "nu"`,
      "not sorted by wavenumber",
    );
  } finally {
    await ds.cleanup();
  }
});

Deno.test("loadExomol() throws a RangeError naming the file and range when no line is selected", async () => {
  const e = await assertThrowsWith(
    () => loadExomol(SAMPLE_DIR, { nuRange: [5000, 5100], margin: 1 }),
    `${SAMPLE_STEM}.trans.bz2`,
    "[4999, 5101]",
  );
  assert(e instanceof RangeError);
  await assertThrowsWith(
    () => loadExomol(SAMPLE_DIR, { nuRange: [10, 5] }),
    "nuRange",
  );
  await assertThrowsWith(
    () => loadExomol(SAMPLE_DIR, { margin: -1 }),
    "margin",
  );
  await assertThrowsWith(
    () => loadExomol(SAMPLE_DIR, { strengthCut: 1 }),
    "S(296 K) >= 1",
  );
});

Deno.test("parseExomolDef() rejects a file that is not EXOMOL.def and one without a mass", async () => {
  await assertThrowsWith(
    () => parseExomolDef("<html>\n", "x.def"),
    'x.def line 1, field "ID"',
    "EXOMOL.def",
  );
  await assertThrowsWith(
    () => parseExomolDef("EXOMOL.def # ID\n2 # Number of atoms\n", "x.def"),
    'x.def, field "Isotopologue mass": entry is missing',
  );
  await assertThrowsWith(
    () =>
      parseExomolDef(
        "EXOMOL.def # ID\n  abc 1 # Isotopologue mass (Da) and (kg)\n",
        "x.def",
      ),
    'x.def line 2, field "Isotopologue mass": "abc" is not a number',
  );
});

function _replaceLine(lines: string[], index: number, row: string): string {
  const out = lines.slice();
  out[index] = row;
  return out.join("\n");
}

// ---- Regressions found by tests/db/fuzz_test.ts (issue 12, part 3) ----

Deno.test("parseExomolDef() bounds the number of .trans files and needs a usable Maximum wavenumber for chunks", () => {
  const head =
    "EXOMOL.def # ID\n28.01 0.46e-25 # Isotopologue mass (Da) and (kg)\n";
  // 99999999 files used to build 10⁸ chunk names (out of memory).
  for (const n of ["99999999", "100001", "0"]) {
    const e = assertThrows(
      () =>
        parseExomolDef(
          `${head}${n} # No. of transition files\n22000 # Maximum wavenumber (in cm-1)\n`,
          "d.def",
        ),
      DatabaseFormatError,
      `d.def line 3, field "No. of transition files": must be in 1..100000, got ${n}`,
    ) as DatabaseFormatError;
    assertEquals(e.line, 3);
  }
  // Several files without a Maximum wavenumber was a RangeError naming neither line nor field.
  assertThrows(
    () => parseExomolDef(`${head}3 # No. of transition files\n`, "d.def"),
    DatabaseFormatError,
    'd.def, field "Maximum wavenumber": entry is missing',
  );
  assertThrows(
    () =>
      parseExomolDef(
        `${head}3 # No. of transition files\n2 # Maximum wavenumber (in cm-1)\n`,
        "d.def",
      ),
    DatabaseFormatError,
    'd.def line 4, field "Maximum wavenumber": 2 cm⁻¹ split in 3 transition files',
  );
});

Deno.test("parseExomolDef() rejects a negative default α_ref (was copied to every line's alphaRef)", () => {
  assertThrows(
    () =>
      parseExomolDef(
        "EXOMOL.def # ID\n28 1 # Isotopologue mass (Da)\n-0.07 # Default value of Lorentzian half-width for all lines\n",
        "d.def",
      ),
    DatabaseFormatError,
    'd.def line 3, field "Default Lorentzian half-width": α_ref -0.07 cm⁻¹ bar⁻¹ must be non-negative',
  );
});

Deno.test("parseExomolDef() matches entries whatever the blanks in the comments (tabs)", () => {
  const def =
    "EXOMOL.def # ID\n28.01 0.46e-25 # Isotopologue mass (Da) and (kg)\n" +
    "0.0700 # Default value of Lorentzian half-width for all lines (in cm-1/bar)\n";
  const a = parseExomolDef(def, "d.def");
  const b = parseExomolDef(def.replaceAll(" ", "\t"), "d.def");
  assertEquals(b.molmass, 28.01);
  assertEquals(b.alphaRefDefault, 0.07);
  assertEquals(b, a);
});

Deno.test("loadExomol() names the .pf when its table does not reach Tref = 296 K", async () => {
  const pf = await sampleBytes(`${SAMPLE_STEM}.pf`);
  const text = new TextDecoder().decode(pf).split("\n").slice(0, 200).join(
    "\n",
  );
  const ds = await makeDataset({ [`${SAMPLE_STEM}.pf`]: text });
  try {
    // Was: RangeError "partitionFunctionAt(): T = 296 K is outside ..." without the file.
    const e = await assertThrowsWith(
      () => loadExomol(ds.dir),
      `${SAMPLE_STEM}.pf, field "T": the table [1, 200] K does not cover Tref = 296 K`,
    );
    assert(e instanceof DatabaseFormatError, e.message);
  } finally {
    await ds.cleanup();
  }
});

Deno.test("loadExomol() refuses finite inputs whose S(296) overflows (was a silent Infinity), naming the .trans line", async () => {
  const trans = (await sampleText(`${SAMPLE_STEM}.trans.bz2`)).split("\n");
  const states = (await sampleText(`${SAMPLE_STEM}.states.bz2`)).split("\n");
  const f = trans[4]!.trim().split(/\s+/);
  // A = 1e308 s⁻¹ on line 5.
  const bigA = trans.slice();
  bigA[4] = [f[0], f[1], "1e308", f[3]].join("\t");
  const ds = await makeDataset({
    [`${SAMPLE_STEM}.trans.bz2`]: null,
    [`${SAMPLE_STEM}.trans`]: bigA.join("\n"),
  });
  try {
    const e = await assertThrowsWith(
      () => loadExomol(ds.dir),
      `${SAMPLE_STEM}.trans line 5, field "A": line strength S(296 K) = Infinity`,
    );
    assert(e instanceof DatabaseFormatError && e.line === 5, e.message);
  } finally {
    await ds.cleanup();
  }
  // E″ = -1e308 cm⁻¹ for the lower state of that line: exp(-c₂E″/T) overflows.
  const lower = f[1]!;
  const k = states.findIndex((l) => l.trim().split(/\s+/)[0] === lower);
  const g = states[k]!.trim().split(/\s+/);
  g[1] = "-1e308";
  states[k] = g.join(" ");
  const ds2 = await makeDataset({
    [`${SAMPLE_STEM}.states.bz2`]: null,
    [`${SAMPLE_STEM}.states`]: states.join("\n"),
  });
  try {
    await assertThrowsWith(
      () => loadExomol(ds2.dir),
      `${SAMPLE_STEM}.trans.bz2 line 5, field "A": line strength S(296 K)`,
      "E″ = -1e+308",
    );
  } finally {
    await ds2.cleanup();
  }
});

Deno.test("parseExomolTrans() rejects negative state ids (was a NaN E″) and a non-finite E′ − E″ (was ν = Infinity)", () => {
  const s = parseExomolStates(
    "1 0 1 0\n2 5 3 1\n3 1e308 1 2\n4 -1e308 1 2\n",
    "x.states",
  );
  const e = assertThrows(
    () => parseExomolTrans("2 -1 1e-3 5\n", "x.trans", s, 0, 10),
    DatabaseFormatError,
    'x.trans line 1, field "i_lower": state id -1 is not in the states file',
  ) as DatabaseFormatError;
  assertEquals(e.field, "i_lower");
  assertThrows(
    () => parseExomolTrans("2 1 1e-3\n3 4 1e-3\n", "x.trans", s, 0, Infinity),
    DatabaseFormatError,
    'x.trans line 2, field "i_upper": wavenumber E′ − E″ of states 3 and 4 is not finite',
  );
  const t = parseExomolTrans("2 1 1e-3\n", "x.trans", s, 0, 10);
  assertEquals(Array.from(t.line), [1]);
});

Deno.test("parseExomolStates() refuses an id far beyond the rows instead of allocating an index for it", () => {
  // Was: an 8 GB Int32Array for id 2e9.
  const e = assertThrows(
    () => parseExomolStates("1 0 1 0\n2000000000 5 3 1\n", "x.states"),
    DatabaseFormatError,
    'x.states line 2, field "i": state id 2000000000 is far beyond the 2 states',
  ) as DatabaseFormatError;
  assertEquals(e.line, 2);
  // Sparse excerpts within the declared number of states are fine.
  const s = parseExomolStates("1 0 1 0\n3000000 5 3 1\n", "x.states", 3000000);
  assertEquals(s.index.length, 3000001);
  assertEquals(s.index[3000000], 1);
  assertThrows(
    () => parseExomolStates("1 0 1 0\n7 1 1 0\n1 2 1 0\n", "x.states"),
    DatabaseFormatError,
    'x.states line 3, field "i": state id 1 appears twice (lines 1 and 3)',
  );
});

Deno.test("parseExomolBroad() rejects lines that do not start with a code (an HTML page was an empty table)", () => {
  assertThrows(
    () =>
      parseExomolBroad(
        "<html><body>Service unavailable</body></html>\n",
        "b.broad",
      ),
    DatabaseFormatError,
    'b.broad line 1, field "code": "<html><body>Service" is not a broadening code',
  );
  // Unsupported but well-formed codes are still skipped.
  const b = parseExomolBroad("m0 0.07 0.5 1 2\na0 0.06 0.4 3\n", "b.broad");
  assertEquals(b.a0.get(3), [0.06, 0.4]);
});
