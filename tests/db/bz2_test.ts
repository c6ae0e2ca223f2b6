import { assert, assertEquals, assertThrowsWith } from "../_util.ts";
import { decompressBz2, isBz2 } from "../../src/db/bz2.ts";
import { DatabaseFormatError } from "../../src/db/errors.ts";
import { SAMPLE_STEM, sampleBytes } from "./_dataset.ts";

Deno.test("decompressBz2() decodes the SAMPLE .states.bz2 (Python bz2: 27348 bytes)", async () => {
  const bytes = await sampleBytes(`${SAMPLE_STEM}.states.bz2`);
  assert(isBz2(bytes));
  const out = decompressBz2(bytes, "s.bz2");
  assertEquals(out.length, 27348);
  assert(
    new TextDecoder().decode(out.subarray(0, 40)).includes("51678.247900"),
  );
});

Deno.test("decompressBz2() reports truncated, corrupt and non-bzip2 input naming the file", async () => {
  const bytes = await sampleBytes(`${SAMPLE_STEM}.trans.bz2`);
  for (const n of [4, 100, 1500, bytes.length - 1]) {
    const e = await assertThrowsWith(
      () => decompressBz2(bytes.subarray(0, n), "a/t.trans.bz2"),
      't.trans.bz2, field "bzip2 stream": truncated or corrupt bzip2 data',
    );
    assert(e instanceof DatabaseFormatError && e.file === "a/t.trans.bz2");
  }
  const corrupt = bytes.slice();
  corrupt[500] = corrupt[500]! ^ 0xff;
  await assertThrowsWith(() => decompressBz2(corrupt, "c.bz2"), "c.bz2", "CRC");
  await assertThrowsWith(
    () => decompressBz2(new TextEncoder().encode("hello"), "h.bz2"),
    'h.bz2, field "bzip2 stream": not bzip2 data',
  );
});
