// Seeded, bounded fuzz test of the database readers (issue 12, part 3): see _fuzz.ts.
// The fuzzer runs in a subprocess with a wall-clock limit, so that a hang fails the test
// (naming the case that hung) instead of stalling CI.
import { fileURLToPath as fromFileUrl } from "node:url";
import { assert } from "../_util.ts";
import { CASES, type FuzzReport } from "./_fuzz.ts";

const SEED = 20261206;
/** The fuzzer's own budget [ms]; it stops starting cases when spent. */
const BUDGET_MS = 40000;
/** Kill the subprocess after this long [ms]: a hang. */
const KILL_MS = 90000;
/** A single case slower than this [ms] is a near-hang (inputs are at most ~250 KB). */
const MAX_CASE_MS = 5000;

Deno.test("db readers under hostile input: every corrupted file loads correctly or fails with a db error naming file, line and field", async () => {
  const script = fromFileUrl(new URL("./_fuzz.ts", import.meta.url));
  const config = fromFileUrl(new URL("../../deno.json", import.meta.url));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      config,
      script,
      `--seed=${SEED}`,
      `--budget-ms=${BUDGET_MS}`,
      "--progress",
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(KILL_MS),
  });
  let out: Deno.CommandOutput;
  try {
    out = await child.output();
  } catch (e) {
    throw new Error(`fuzzer did not finish in ${KILL_MS} ms: ${e}`);
  }
  const stderr = new TextDecoder().decode(out.stderr);
  const lastCase = stderr.split("\n").filter((l) => l.startsWith("case "))
    .at(-1);
  if (out.signal !== null) {
    throw new Error(
      `fuzzer killed (${out.signal}) after ${KILL_MS} ms; last case: ${lastCase}`,
    );
  }
  let report: FuzzReport;
  try {
    report = JSON.parse(new TextDecoder().decode(out.stdout));
  } catch {
    throw new Error(
      `fuzzer crashed (exit ${out.code}); last case: ${lastCase}\n${
        stderr.slice(-2000)
      }`,
    );
  }
  const lines = Object.entries(report.types).map(([t, r]) =>
    `${t}: ${r.cases} cases, ${r.loaded} loaded (${r.equivalentChecked} compared with the clean load), errors ${
      JSON.stringify(r.errors)
    }, slowest ${Math.round(r.maxCaseMs)} ms`
  );
  console.log(`fuzz seed ${SEED}, ${report.elapsedMs} ms\n${lines.join("\n")}`);
  const failures = report.failures.map((f) =>
    `${f.type}#${f.caseNo} [${f.kind}]: ${f.problems.join("; ")}`
  );
  assert(
    failures.length === 0,
    `${failures.length} fuzz cases failed:\n${
      failures.slice(0, 20).join("\n")
    }`,
  );
  assert(out.code === 0, `fuzzer exit code ${out.code}`);
  for (const [t, r] of Object.entries(report.types)) {
    assert(
      r.maxCaseMs < MAX_CASE_MS,
      `${t}: a case took ${r.maxCaseMs} ms`,
    );
  }
  // Every file type ran its cases (unless the machine was too slow for the budget).
  if (!report.stoppedByBudget) {
    for (const [t, n] of Object.entries(CASES)) {
      assert(
        report.types[t]?.cases === n,
        `${t}: ${report.types[t]?.cases} of ${n} cases`,
      );
    }
  }
  // Sanity: the fuzzer exercised both outcomes for the text formats.
  for (const t of ["def", "pf", "states", "trans", "broad", "par", "cia"]) {
    const r = report.types[t]!;
    assert(
      r.loaded > 0 && r.loaded < r.cases,
      `${t}: ${r.loaded}/${r.cases} loaded`,
    );
    assert(r.equivalentChecked > 0, `${t}: no harmless mutation checked`);
  }
});
