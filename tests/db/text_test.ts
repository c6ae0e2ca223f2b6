import { assertEquals, assertThrowsWith } from "../_util.ts";
import {
  forEachLine,
  parseIntField,
  parseNumberField,
  splitFields,
} from "../../src/db/text.ts";

Deno.test("parseNumberField() accepts Fortran/HITRAN number forms and rejects everything else", async () => {
  const ok: [string, number][] = [
    [".0451", 0.0451],
    ["-.008358", -0.008358],
    ["3.186E-127", 3.186e-127],
    ["1.5D+02", 150],
    [" 42 ", 42],
    ["+7.", 7],
  ];
  for (const [s, v] of ok) assertEquals(parseNumberField(s, "f", 1, "x"), v);
  for (
    const bad of [
      "NaN",
      "inf",
      "Infinity",
      "0x10",
      "1e",
      "1.2.3",
      "",
      "  ",
      "1e999",
      "--1",
    ]
  ) {
    await assertThrowsWith(
      () => parseNumberField(bad, "d/f.txt", 3, "x"),
      'f.txt line 3, field "x"',
    );
  }
});

Deno.test("parseIntField() accepts integers only", async () => {
  assertEquals(parseIntField(" 0042", "f", 1, "i"), 42);
  for (const bad of ["4.0", "1e3", "", "x"]) {
    await assertThrowsWith(
      () => parseIntField(bad, "f", 2, "i"),
      'f line 2, field "i"',
    );
  }
});

Deno.test("forEachLine() numbers lines from 1, strips CR and stops on false; splitFields() splits on blanks", () => {
  const seen: [number, string][] = [];
  forEachLine("a\r\nb\n\nc\nd", (l, n) => {
    seen.push([n, l]);
    if (l === "c") return false;
  });
  assertEquals(seen, [[1, "a"], [2, "b"], [3, ""], [4, "c"]]);
  assertEquals(splitFields(" 1\t 2   3 \r"), ["1", "2", "3"]);
  assertEquals(splitFields("   "), []);
});
