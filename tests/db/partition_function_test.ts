import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrows,
  assertThrowsWith,
} from "../_util.ts";
import {
  parsePartitionFunction,
  partitionFunctionAt,
  readPartitionFunction,
} from "../../src/db/partition_function.ts";
import {
  DatabaseFormatError,
  DatabaseNotFoundError,
} from "../../src/db/errors.ts";
import { REF, SAMPLE_DIR } from "./_dataset.ts";

Deno.test("readPartitionFunction() reads the 1–9000 K SAMPLE table; Q(296) matches numpy exactly", async () => {
  const pf = await readPartitionFunction(
    join(SAMPLE_DIR, "12C-16O__SAMPLE.pf"),
  );
  assertEquals(pf.t.length, 9000);
  assertEquals([pf.t[0], pf.t[8999]], [1, 9000]);
  assertEquals([pf.q[0], pf.q[8999]], [1.0119, 12082.0355]);
  assertEquals(partitionFunctionAt(pf, 296), REF.exomol.qtref);
});

Deno.test("partitionFunctionAt() interpolates linearly, is exact at nodes and throws outside the table", () => {
  const pf = {
    t: new Float64Array([100, 200, 400]),
    q: new Float64Array([3, 5, 13]),
  };
  assertEquals(partitionFunctionAt(pf, 100), 3);
  assertEquals(partitionFunctionAt(pf, 400), 13);
  assertRelClose(partitionFunctionAt(pf, 150), 4, 1e-15);
  assertRelClose(partitionFunctionAt(pf, 300), 9, 1e-15);
  assertThrows(
    () => partitionFunctionAt(pf, 99.9),
    RangeError,
    "T = 99.9 K is outside",
  );
  assertThrows(() => partitionFunctionAt(pf, 400.1), RangeError, "[100, 400]");
  assertThrows(() => partitionFunctionAt(pf, NaN), RangeError, "NaN");
});

Deno.test("parsePartitionFunction() names file, line and field for malformed rows", async () => {
  const cases: [string, string, string][] = [
    ["1.0 1.5\n2.0 x\n", 'x.pf line 2, field "Q": "x" is not a number', "Q"],
    ["1.0 1.5\n2.0\n", 'x.pf line 2, field "Q": expected 2 columns', "Q"],
    ["1.0 1.5\n2.0 2.5 3\n", 'x.pf line 2, field "T": expected 2 columns', "T"],
    [
      "2.0 1.5\n1.0 2.5\n",
      'x.pf line 2, field "T": temperatures must be strictly ascending',
      "T",
    ],
    ["\n\n", 'x.pf, field "T": the partition function table is empty', "T"],
  ];
  for (const [text, msg, field] of cases) {
    const e = await assertThrowsWith(
      () => parsePartitionFunction(text, "dir/x.pf"),
      msg,
    );
    assert(
      e instanceof DatabaseFormatError && e.field === field &&
        e.file === "dir/x.pf",
    );
  }
});

Deno.test("readPartitionFunction() names the missing path", async () => {
  const e = await assertThrowsWith(
    () => readPartitionFunction("/nonexistent/dir/a.pf"),
    "/nonexistent/dir/a.pf",
  );
  assert(e instanceof DatabaseNotFoundError);
});
