/**
 * A user's script: create a WebGPU backend, run one kernel, read it back, drop it, exit.
 * Spawned as a subprocess by `exit_test.ts`, which asserts a clean exit (code 0).
 * With the argument `destroy` the backend is destroyed explicitly; without, it is simply dropped.
 */
import {
  createWebGpuBackend,
  isWebGpuAvailable,
} from "../../../src/backend/webgpu/mod.ts";

if (!(await isWebGpuAvailable())) {
  console.log("no adapter");
} else {
  const be = await createWebGpuBackend();
  const a = be.alloc(3);
  be.write(a, [1, 2, 3]);
  const b = be.alloc(3);
  be.run("scale", [a], [b], { factor: 2 });
  const out = Array.from(await be.read(b));
  if (Deno.args[0] === "destroy") be.destroy();
  console.log(out.join(","));
}
