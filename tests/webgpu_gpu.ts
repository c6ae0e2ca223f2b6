// Every WebGPU test of the package, in one test module that tests/webgpu_test.ts runs in a child
// `deno test` process of its own (issue 12, part 1: see there). The GPU test files are named
// `*_gpu.ts`, so `deno test tests/` does not pick them up on their own, and are imported here; the
// JSDoc examples that touch WebGPU are fenced `ts ignore` with the marker line below and are run
// from here instead of each in a `deno test --doc` worker of its own.
import assert from "node:assert";
import "./backend/webgpu/webgpu_backend_gpu.ts";
import "./rt/emission_ibased_webgpu_gpu.ts";

/** The marker line that hands a JSDoc example to this module. */
export const WEBGPU_EXAMPLE_MARKER =
  "// WebGPU example: tests/webgpu_gpu.ts runs it (in a test process of its own).";

/** Source files whose WebGPU examples run here (the checker in doc_examples_test.ts finds them). */
export const WEBGPU_EXAMPLE_FILES = [
  "src/backend/webgpu/mod.ts",
  "src/backend/webgpu/webgpu_backend.ts",
  "src/rt/emission_ibased_webgpu.ts",
];

const root = new URL("../", import.meta.url);

/** The marked `ts ignore` blocks of a source text, as code with the JSDoc ` * ` removed. */
export function webgpuExamples(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /```ts ignore[ \t]*\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const code = m[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, "")).join(
      "\n",
    );
    if (!code.includes(WEBGPU_EXAMPLE_MARKER)) continue;
    out.push({ line: text.slice(0, m.index).split("\n").length, code });
  }
  return out;
}

const tmp = await Deno.makeTempDir({ prefix: "exospec_webgpu_examples_" });
let nExamples = 0;
for (const rel of WEBGPU_EXAMPLE_FILES) {
  const file = new URL(rel, root);
  for (const ex of webgpuExamples(await Deno.readTextFile(file))) {
    nExamples++;
    Deno.test(`webgpu example ${rel}:${ex.line}`, async () => {
      // Relative specifiers are resolved against the source file, as `deno test --doc` does.
      const code = ex.code.replace(
        /from "(\.\.?\/[^"]+)"/g,
        (_s, spec: string) => `from "${new URL(spec, file).href}"`,
      );
      const path = `${tmp}/${rel.replaceAll("/", "_")}_${ex.line}.ts`;
      await Deno.writeTextFile(path, code);
      await import(new URL(`file://${path}`).href);
    });
  }
}

Deno.test("webgpu examples: every marked example was found", () => {
  assert.strictEqual(nExamples, 8);
});

Deno.test("webgpu examples: the extractor strips JSDoc and skips unmarked blocks", () => {
  const text =
    `/**\n * \`\`\`ts ignore\n * ${WEBGPU_EXAMPLE_MARKER}\n * f(1);\n * \`\`\`\n` +
    " * ```ts ignore\n * g();\n * ```\n */";
  const ex = webgpuExamples(text);
  assert.strictEqual(ex.length, 1);
  assert.strictEqual(ex[0]!.line, 2);
  assert.ok(ex[0]!.code.includes("\nf(1);\n"));
});
