// Layering of the package (issue 9): the backends are the ground floor and there are no import
// circles among the modules under src/. The test reads every .ts file under src/, parses its
// static import/export-from statements (type-only ones included: a circle of types is still a
// circle for a reader) and checks the graph.
import assert from "node:assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SRC = ROOT + "src/";

/** All .ts files under `dir`, as paths relative to the repository root ("src/..."). */
function listTs(dir: string, rel: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) {
      out.push(...listTs(`${dir}${e.name}/`, `${rel}${e.name}/`));
    } else if (e.isFile && e.name.endsWith(".ts")) out.push(rel + e.name);
  }
  return out.sort();
}

// Top-level statements only (a line starting with `import`/`export`), so the `import` lines of
// JSDoc examples (` * import ...`) are not read. The name list may span lines.
const FROM_RE =
  /^(?:import|export)(?:\s+type)?\s+(?:\{[^}]*\}|\*\s+as\s+[\w$]+|\*|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)\s+from\s*["']([^"']+)["']/gm;
const BARE_RE = /^import\s*["']([^"']+)["']/gm;

/** Specifiers of the static imports and re-exports of one source text. */
export function importSpecifiers(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(FROM_RE)) specs.push(m[1]!);
  for (const m of text.matchAll(BARE_RE)) specs.push(m[1]!);
  return specs;
}

/** Normalises `from` (a path like "src/a/b.ts") joined with a relative specifier. */
function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const p of spec.split("/")) {
    if (p === "." || p === "") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return parts.join("/");
}

/** The import graph of src/: file → files it imports (only relative, in-package imports). */
function srcGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of listTs(SRC, "src/")) {
    const text = Deno.readTextFileSync(ROOT + f);
    const deps = importSpecifiers(text)
      .filter((s) => s.startsWith("."))
      .map((s) => resolve(f, s));
    g.set(f, [...new Set(deps)]);
  }
  return g;
}

/** Strongly connected components with more than one file (or a self-import), via Tarjan. */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) {
        out.push(comp.sort());
      }
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

Deno.test("architecture: the import parser reads multi-line, type-only and re-export statements", () => {
  const text = [
    'import { a } from "./a.ts";',
    "import type {",
    "  B,",
    "  C,",
    '} from "../b.ts";',
    'export * from "./c.ts";',
    'export * as d from "./d.ts";',
    'export { e, type F } from "./e.ts";',
    'import g, { h } from "./g.ts";',
    'import "./side.ts";',
    ' * import { notMe } from "./doc.ts";',
    'const s = "import { x } from \\"./str.ts\\"";',
  ].join("\n");
  assert.deepStrictEqual(importSpecifiers(text).sort(), [
    "../b.ts",
    "./a.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./g.ts",
    "./side.ts",
  ]);
});

Deno.test("architecture: every relative import under src/ resolves to a file under src/", () => {
  const g = srcGraph();
  const missing: string[] = [];
  for (const [f, deps] of g) {
    for (const d of deps) {
      if (!g.has(d) && !d.endsWith(".d.ts")) missing.push(`${f} → ${d}`);
    }
  }
  assert.deepStrictEqual(missing, []);
  // The parser sees the package: mod.ts files re-export many modules.
  assert.ok((g.get("src/rt/mod.ts") ?? []).length > 3);
});

Deno.test("architecture: src/backend/** imports nothing outside src/backend (but src/errors.ts)", () => {
  const g = srcGraph();
  const bad: string[] = [];
  for (const [f, deps] of g) {
    if (!f.startsWith("src/backend/")) continue;
    for (const d of deps) {
      if (!d.startsWith("src/backend/") && d !== "src/errors.ts") {
        bad.push(`${f} → ${d}`);
      }
    }
  }
  assert.deepStrictEqual(
    bad,
    [],
    `backend imports from above it:\n${bad.join("\n")}`,
  );
});

Deno.test("architecture: no import cycle among src/ modules", () => {
  const found = cycles(srcGraph());
  assert.deepStrictEqual(
    found,
    [],
    `import cycles:\n${found.map((c) => c.join(" ↔ ")).join("\n")}`,
  );
});

Deno.test("architecture: examples/ import only the package's entry points (deno.json exports) and each other", () => {
  const cfg = JSON.parse(Deno.readTextFileSync(ROOT + "deno.json")) as {
    exports: Record<string, string>;
  };
  const entries = new Set(
    Object.values(cfg.exports).map((p) => p.replace(/^\.\//, "")),
  );
  assert.ok(entries.has("mod.ts") && entries.has("src/special/mod.ts"));
  const bad: string[] = [];
  for (const e of Deno.readDirSync(ROOT + "examples/")) {
    if (!e.isFile || !e.name.endsWith(".ts")) continue;
    const f = `examples/${e.name}`;
    const text = Deno.readTextFileSync(ROOT + f);
    // static imports plus `import("...")` (dynamic imports and inline type imports)
    const specs = [
      ...importSpecifiers(text),
      ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) =>
        m[1]!
      ),
    ];
    for (const s of specs) {
      if (!s.startsWith(".")) continue;
      const target = resolve(f, s);
      // an example may build on another example (examples/tutorial_retrieval.ts)
      if (!entries.has(target) && !/^examples\/[^/]+\.ts$/.test(target)) {
        bad.push(`${f} → ${target}`);
      }
    }
  }
  assert.deepStrictEqual(
    bad,
    [],
    `examples import internals:\n${bad.join("\n")}`,
  );
});

Deno.test("architecture: every deno.json export is a file with a module doc", () => {
  const cfg = JSON.parse(Deno.readTextFileSync(ROOT + "deno.json")) as {
    exports: Record<string, string>;
  };
  const root = Deno.readTextFileSync(ROOT + "mod.ts");
  const doc = root.slice(0, root.indexOf("@module"));
  for (const [name, path] of Object.entries(cfg.exports)) {
    const text = Deno.readTextFileSync(ROOT + path);
    assert.ok(text.trimStart().startsWith("/**"), `${path} lacks a module doc`);
    assert.ok(text.includes("@module"), `${path} lacks @module`);
    // mod.ts lists every sub-module and re-exports it
    if (name === ".") continue;
    assert.ok(
      doc.includes("`" + name + "`"),
      `mod.ts's doc does not list ${name}`,
    );
    assert.ok(
      root.includes(`export * from "${path}"`),
      `mod.ts does not re-export ${path}`,
    );
  }
});
