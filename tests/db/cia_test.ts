import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrowsWith,
  SHARED_DATA,
} from "../_util.ts";
import { CIA_K_FLOOR, loadCia, parseCia } from "../../src/db/cia.ts";
import {
  DatabaseFormatError,
  DatabaseNotFoundError,
} from "../../src/db/errors.ts";

const BORYSOW = join(SHARED_DATA, "CIA", "H2-H2_Borysow.cia");
const TEST = join(SHARED_DATA, "CIA", "H2-H2_TEST.cia");

Deno.test("loadCia() reads the 20 Borysow blocks on one 20–16480 cm⁻¹ grid", async () => {
  const c = await loadCia(BORYSOW);
  assertEquals(c.pair, "H2-H2");
  assertEquals(Array.from(c.t), [
    60,
    100,
    150,
    200,
    250,
    300,
    350,
    400,
    500,
    600,
    700,
    800,
    900,
    1000,
    2000,
    3000,
    4000,
    5000,
    6000,
    7000,
  ]);
  assertEquals(c.nu.length, 824);
  assertEquals([c.nu[0], c.nu[823]], [20, 16480]);
  assertEquals(c.logk.length, 20 * 824);
  // 200 K block (index 3), 4300 cm⁻¹ (index 214): 3.431E-45 in the file.
  assertRelClose(10 ** c.logk[3 * 824 + 214]!, 3.431e-45, 1e-14);
  assertEquals(c.logk[0], Math.log10(5.372e-47));
});

Deno.test("loadCia() reads the one-block H2-H2_TEST file (200 K, 4300–4399 cm⁻¹)", async () => {
  const c = await loadCia(TEST);
  assertEquals(Array.from(c.t), [200]);
  assertEquals(c.nu.length, 100);
  assertEquals([c.nu[0], c.nu[99]], [4300, 4399]);
  assertEquals(c.logk[0], Math.log10(3.243e-45));
  assertEquals(c.logk[99], Math.log10(2.477e-45));
});

Deno.test("parseCia() sorts blocks by T and floors zero/negative k at 1e-100", () => {
  const h = (t: number) => `   X-Y   1.0 3.0  3 ${t} 1e-40 -.999 c 1`;
  const c = parseCia(
    [
      h(300),
      " 1.0 1e-45",
      " 2.0 0.0",
      " 3.0 -1e-50",
      h(100),
      " 1.0 1e-46",
      " 2.0 1e-46",
      " 3.0 1e-46",
    ].join("\n"),
    "x.cia",
  );
  assertEquals(Array.from(c.t), [100, 300]);
  assertEquals(Array.from(c.logk), [-46, -46, -46, -45, -100, -100]);
  assertEquals(CIA_K_FLOOR, 1e-100);
});

Deno.test("parseCia() reports bad headers, row-count mismatches and grid mismatches with file, line, field", async () => {
  const h = (t: number, n = 2, nu0 = "1.0") =>
    `   X-Y   ${nu0} 2.0  ${n} ${t} 1e-40 -.999 c 1`;
  const cases: [string[], string, string][] = [
    [
      ["   X-Y 1.0 2.0", " 1.0 1e-45"],
      'x.cia line 1, field "number of points": header needs at least 5 fields',
      "number of points",
    ],
    [
      ["   X-Y 1.0 2.0 two 300", " 1.0 1e-45"],
      'x.cia line 1, field "number of points": "two" is not an integer',
      "number of points",
    ],
    [
      [
        h(300, 3),
        " 1.0 1e-45",
        " 2.0 1e-45",
        h(400),
        " 1.0 1e-45",
        " 2.0 1e-45",
      ],
      'x.cia line 4, field "number of points": block at T = 300 K (header line 1) declares 3 rows but has 2',
      "number of points",
    ],
    [
      [h(300), " 1.0 1e-45", " 2.0 1e-45", " 3.0 1e-45"],
      'x.cia line 4, field "number of points": block at T = 300 K (header line 1) declares 2 rows but has more',
      "number of points",
    ],
    [
      [h(300, 3), " 1.0 1e-45", " 2.0 1e-45"],
      'x.cia line 1, field "number of points": block at T = 300 K (header line 1) declares 3 rows but has 2',
      "number of points",
    ],
    [
      [h(300), " 1.0 1e-45", " 2.0 abc"],
      'x.cia line 3, field "k": "abc" is not a number',
      "k",
    ],
    [
      [h(300), " 1.0 1e-45 7", " 2.0 1e-45"],
      'x.cia line 2, field "nu": expected 2 columns',
      "nu",
    ],
    [
      [h(300), " 2.0 1e-45", " 1.0 1e-45"],
      'x.cia line 3, field "nu": wavenumbers must be strictly ascending',
      "nu",
    ],
    [
      [h(300), " 1.0 1e-45", " 2.0 1e-45", h(400), " 1.5 1e-45", " 2.0 1e-45"],
      'x.cia line 4, field "nu": block at T = 400 K has a wavenumber grid different',
      "nu",
    ],
    [
      [h(300), " 1.0 1e-45", " 2.0 1e-45", h(300), " 1.0 1e-45", " 2.0 1e-45"],
      'x.cia line 4, field "T": temperature 300 K appears in two blocks',
      "T",
    ],
  ];
  for (const [rows, msg, field] of cases) {
    const e = await assertThrowsWith(
      () => parseCia(rows.join("\n"), "d/x.cia"),
      msg,
    );
    assert(
      e instanceof DatabaseFormatError && e.field === field &&
        e.file === "d/x.cia",
      e.message,
    );
  }
  const e = await assertThrowsWith(
    () => loadCia("/nonexistent/H2-H2_2011.cia"),
    "/nonexistent/H2-H2_2011.cia",
  );
  assert(e instanceof DatabaseNotFoundError);
});
