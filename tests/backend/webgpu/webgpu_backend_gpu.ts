import { assert, assertEquals, assertThrows } from "../../_util.ts";
import { MissingKernelError } from "../../../src/backend/backend.ts";
import { createJsBackend } from "../../../src/backend/js/js_backend.ts";
import {
  BUILTIN_WEBGPU_KERNELS,
  createWebGpuBackend,
  ensureWebGpuKernels,
  isWebGpuAvailable,
} from "../../../src/backend/webgpu/webgpu_backend.ts";

const HAVE_GPU = await isWebGpuAvailable();
if (!HAVE_GPU) console.warn("tests/backend/webgpu: skipped: no WebGPU adapter");

const be = HAVE_GPU ? await createWebGpuBackend() : undefined;

function gpuTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name, ignore: !HAVE_GPU, fn });
}

gpuTest(
  "createWebGpuBackend() is an f32 backend with the built-in kernels only (stages register theirs)",
  async () => {
    assertEquals(be!.name, "webgpu");
    assertEquals(be!.defaultDtype, "f32");
    for (const k of ["scale", "copy", "sum_rows"]) {
      assert(be!.hasKernel(k), `missing kernel ${k}`);
    }
    assert(
      !be!.hasKernel("emission_ibased"),
      "physics kernels are not built in",
    );
    assertEquals(be!.readSync, undefined);
    // the generic registration API: adds a spec once, by name
    const spec = { ...BUILTIN_WEBGPU_KERNELS[0]!, name: "scale_registered" };
    await ensureWebGpuKernels(be!, [spec]);
    await ensureWebGpuKernels(be!, [spec]);
    assert(be!.hasKernel("scale_registered"));
    const a = be!.alloc(2), o = be!.alloc(2);
    be!.write(a, [1, 2]);
    be!.run("scale_registered", [a], [o], { factor: 3 });
    assertEquals(Array.from(await be!.read(o)), [3, 6]);
    be!.free(a);
    be!.free(o);
  },
);

gpuTest("write()/read() round trip f32 values, with offsets", async () => {
  const x = [1, -2.5, Math.PI, 1e-30, 3e38, 0.1];
  const b = be!.alloc(x.length);
  assertEquals(Array.from(await be!.read(b)), [0, 0, 0, 0, 0, 0]); // zero-initialised
  be!.write(b, x);
  assertEquals(Array.from(await be!.read(b)), x.map(Math.fround));
  be!.write(b, new Float64Array([7, 8]), 4);
  assertEquals(
    Array.from(await be!.read(b)),
    [...x.slice(0, 4), 7, 8].map(Math.fround),
  );
  be!.free(b);
  const e = be!.alloc(0);
  assertEquals((await be!.read(e)).length, 0);
  be!.free(e);
});

gpuTest(
  "alloc(), write() and free() reject bad sizes, dtypes and freed buffers",
  () => {
    assertThrows(() => be!.alloc(-1), RangeError, "non-negative integer");
    assertThrows(() => be!.alloc(2, "f64"), TypeError, "f32 only");
    const b = be!.alloc(2);
    assertThrows(() => be!.write(b, [1, 2, 3]), RangeError, "overflow");
    be!.free(b);
    assertThrows(() => be!.write(b, [1]), Error, "after free");
    const js = createJsBackend();
    assertThrows(
      () => be!.write(js.alloc(1), [1]),
      TypeError,
      'belongs to backend "js"',
    );
  },
);

gpuTest("run() throws MissingKernelError for an unknown kernel", () => {
  const a = be!.alloc(1);
  const err = assertThrows(
    () => be!.run("xsmatrix", [a], [a]),
    MissingKernelError,
    '"webgpu" has no kernel "xsmatrix"',
  );
  assertEquals((err as MissingKernelError).kernel, "xsmatrix");
  be!.free(a);
});

gpuTest("run() checks buffer counts and sizes", () => {
  const a = be!.alloc(3);
  const b = be!.alloc(2);
  assertThrows(
    () => be!.run("scale", [a, a], [b]),
    TypeError,
    "expected 1 inputs",
  );
  assertThrows(() => be!.run("scale", [b], [a]), TypeError, "must hold n = 3");
  assertThrows(() => be!.run("sum_rows", [a], [b]), TypeError, "rows*cols");
  be!.free(a);
  be!.free(b);
});

gpuTest(
  "scale, copy and sum_rows kernels compute what the js backend does",
  async () => {
    const n = 70000; // more than 256 workgroups of 256
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.fround(Math.sin(i) * 3);
    const a = be!.alloc(n);
    const o = be!.alloc(n);
    be!.write(a, x);
    be!.run("scale", [a], [o], { factor: 0.5 });
    const y = await be!.read(o);
    let bad = 0;
    for (let i = 0; i < n; i++) if (y[i] !== Math.fround(0.5 * x[i]!)) bad++;
    assertEquals(bad, 0);
    be!.run("copy", [a], [o]);
    assertEquals(Array.from(await be!.read(o)), Array.from(x));
    const rows = 3, cols = n / 20;
    const s = be!.alloc(rows);
    const sub = be!.alloc(rows * cols);
    be!.write(sub, x.subarray(0, rows * cols));
    be!.run("sum_rows", [sub], [s]);
    const got = await be!.read(s);
    for (let r = 0; r < rows; r++) {
      let ref = 0, abs = 0;
      for (let c = 0; c < cols; c++) {
        ref += x[r * cols + c]!;
        abs += Math.abs(x[r * cols + c]!);
      }
      assert(
        Math.abs(got[r]! - ref) <= 1e-6 * abs,
        `row ${r}: ${got[r]} vs ${ref}`,
      );
    }
    for (const b of [a, o, s, sub]) be!.free(b);
  },
);

gpuTest(
  "sync() resolves after enqueued work and destroy() makes run() throw",
  async () => {
    const other = await createWebGpuBackend({ device: be!.device });
    const a = other.alloc(4);
    other.run("scale", [a], [a], { factor: 2 });
    await other.sync();
    other.destroy();
    assertThrows(() => other.run("scale", [a], [a]), Error, "after destroy");
    // the shared device is not destroyed with a backend that did not create it
    const b = be!.alloc(1);
    be!.write(b, [5]);
    assertEquals(Array.from(await be!.read(b)), [5]);
    be!.free(b);
  },
);

// Last test of the file: release the shared device so that no GPU device outlives the tests
// (a device left to process teardown is a native-crash risk on Mesa's llvmpipe).
Deno.test({
  name: "teardown: destroy the shared WebGPU backend",
  ignore: !HAVE_GPU,
  fn() {
    be!.destroy();
  },
});
