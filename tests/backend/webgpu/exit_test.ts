// A user's own script that creates and drops a WebGPU backend exits cleanly (code 0, no abort at
// teardown). Run as subprocesses: the exit-time abort of issue 12 was a native teardown crash that
// no in-process test can see.
import assert from "node:assert";

const script = new URL("./_drop_backend.ts", import.meta.url).pathname;

for (const mode of ["drop", "destroy"]) {
  Deno.test(`webgpu: a script that creates and ${mode}s a backend exits with code 0`, async () => {
    for (let i = 0; i < 3; i++) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--quiet", script, mode],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stdout = new TextDecoder().decode(out.stdout).trim();
      const stderr = new TextDecoder().decode(out.stderr).trim();
      assert.strictEqual(
        out.code,
        0,
        `run ${i}: exit code ${out.code}, stderr: ${stderr}`,
      );
      assert.ok(
        stdout === "2,4,6" || stdout === "no adapter",
        `run ${i}: stdout ${stdout}`,
      );
    }
  });
}
