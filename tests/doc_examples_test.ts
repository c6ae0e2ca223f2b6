// Every runnable ```ts example (JSDoc in src/ and mod.ts, and the README walk-through) asserts
// what it claims: `deno test --doc` runs them, and an example that only prints would pass with a
// wrong value. `ts ignore` blocks are not run and are not checked here.
import assert from "node:assert";

const root = new URL("../", import.meta.url);

async function tsFiles(dir: URL): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) out.push(...await tsFiles(url));
    else if (e.name.endsWith(".ts")) out.push(url.pathname);
  }
  return out;
}

/** Runnable ```ts blocks of a text, with the 1-based line where each starts. */
function tsBlocks(text: string): { line: number; body: string }[] {
  const blocks: { line: number; body: string }[] = [];
  const re = /```ts[ \t]*\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    blocks.push({
      line: text.slice(0, m.index).split("\n").length,
      body: m[1]!,
    });
  }
  return blocks;
}

Deno.test("doc examples: every runnable example asserts its output", async () => {
  const files = [
    ...await tsFiles(new URL("src/", root)),
    new URL("mod.ts", root).pathname,
    new URL("README.md", root).pathname,
  ];
  const missing: string[] = [];
  let n = 0;
  for (const f of files.sort()) {
    for (const b of tsBlocks(await Deno.readTextFile(f))) {
      n++;
      if (!/\bassert\b|\bassert\./.test(b.body)) {
        missing.push(`${f.slice(root.pathname.length)}:${b.line}`);
      }
    }
  }
  assert.ok(n > 400, `found only ${n} examples: is the scan broken?`);
  assert.deepStrictEqual(
    missing,
    [],
    `${missing.length} examples print without asserting`,
  );
});

Deno.test("doc examples: the scanner finds blocks and skips `ts ignore`", () => {
  const text =
    "/**\n * ```ts\n * f();\n * ```\n * ```ts ignore\n * g();\n * ```\n */";
  const blocks = tsBlocks(text);
  assert.strictEqual(blocks.length, 1);
  assert.strictEqual(blocks[0]!.line, 2);
});

Deno.test("doc examples: no runnable example touches WebGPU; marked ones assert", async () => {
  // A worker of its own per example that creates a GPU instance made the test process abort at
  // exit (issue 12, part 1): such examples are `ts ignore` + marker and tests/webgpu_gpu.ts runs
  // them, in a child process.
  const marker = "// WebGPU example: tests/webgpu_gpu.ts runs it";
  const gpu = /isWebGpuAvailable|createWebGpuBackend|navigator\.gpu/;
  const files = [
    ...await tsFiles(new URL("src/", root)),
    new URL("mod.ts", root).pathname,
    new URL("README.md", root).pathname,
  ];
  const offenders: string[] = [];
  let marked = 0;
  for (const f of files.sort()) {
    const text = await Deno.readTextFile(f);
    const where = (i: number) =>
      `${f.slice(root.pathname.length)}:${text.slice(0, i).split("\n").length}`;
    for (const b of tsBlocks(text)) {
      if (gpu.test(b.body)) {
        offenders.push(`${f.slice(root.pathname.length)}:${b.line}`);
      }
    }
    const re = /```ts ignore[ \t]*\n([\s\S]*?)```/g;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (!m[1]!.includes(marker)) continue;
      marked++;
      if (!/\bassert\b/.test(m[1]!)) {
        offenders.push(`${where(m.index)} (no assert)`);
      }
    }
  }
  assert.deepStrictEqual(offenders, []);
  assert.strictEqual(marked, 8);
});
