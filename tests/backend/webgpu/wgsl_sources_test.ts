import { assert, assertEquals } from "../../_util.ts";
import { WGSL_SOURCES } from "../../../src/backend/webgpu/_wgsl_sources.ts";
import { readWgslDir, renderWgslSources } from "../../../scripts/embed_wgsl.ts";
import { BUILTIN_WEBGPU_KERNELS } from "../../../src/backend/webgpu/webgpu_backend.ts";
import { IBASED_WEBGPU_KERNELS } from "../../../src/rt/emission_ibased_webgpu.ts";

Deno.test("WGSL_SOURCES equals wgsl/*.wgsl (run scripts/embed_wgsl.ts after editing a shader)", async () => {
  const files = await readWgslDir();
  assertEquals(Object.keys(WGSL_SOURCES).sort(), Object.keys(files).sort());
  for (const [name, text] of Object.entries(files)) {
    assert(
      WGSL_SOURCES[name] === text,
      `embedded copy of wgsl/${name}.wgsl is out of date`,
    );
  }
  const generated = await Deno.readTextFile(
    new URL("../../../src/backend/webgpu/_wgsl_sources.ts", import.meta.url),
  );
  assert(
    generated === renderWgslSources(files),
    "_wgsl_sources.ts differs from what scripts/embed_wgsl.ts writes",
  );
});

Deno.test("every wgsl/*.wgsl file opens with a header naming the TypeScript it implements", () => {
  for (const [name, text] of Object.entries(WGSL_SOURCES)) {
    const header = text.split("\n").filter((l) => l.startsWith("//")).slice(
      0,
      4,
    ).join(" ");
    assert(
      header.startsWith(`// ${name}.wgsl:`),
      `wgsl/${name}.wgsl: header must start with "// ${name}.wgsl:"`,
    );
    assert(
      /`\w+`/.test(header) && /src\/\S+\.ts/.test(header),
      `wgsl/${name}.wgsl: header names no TS function`,
    );
  }
});

Deno.test("every WebGPU kernel stage uses embedded WGSL modules", () => {
  for (const spec of [...BUILTIN_WEBGPU_KERNELS, ...IBASED_WEBGPU_KERNELS]) {
    for (const st of spec.stages) {
      for (const m of st.modules) {
        assert(m in WGSL_SOURCES, `${spec.name}: unknown WGSL module ${m}`);
      }
    }
  }
});
