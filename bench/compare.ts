// deno run -A bench/compare.ts --baseline /tmp/exospec-base [--reps N] [--draws N]
// deno run -A bench/compare.ts --backends [--reps N] [--draws N]
// Old path (a checkout of an earlier commit) vs this tree, or (--backends) this tree on the js,
// wasm one-thread and wasm two-thread backends, on the tutorial's hot paths, timed interleaved
// in one process; prints medians and the ratios.
import { fileURLToPath } from "node:url";
import { loadTutorialPaths, type TutorialPaths } from "./_tutorial_paths.ts";

const arg = (name: string, dflt: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1]! : dflt;
};
const here = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const baseline = arg("--baseline", "");
const reps = Number(arg("--reps", "5"));
const draws = Number(arg("--draws", "100"));
const db = fileURLToPath(new URL("../../shared/data", import.meta.url));

const backends = Deno.args.includes("--backends");
const trees: TutorialPaths[] = [];
if (backends) {
  trees.push(await loadTutorialPaths(here, db, "js"));
  trees.push(await loadTutorialPaths(here, db, "wasm1"));
  trees.push(await loadTutorialPaths(here, db, "wasm2"));
} else {
  if (baseline) trees.push(await loadTutorialPaths(baseline, db));
  trees.push(await loadTutorialPaths(here, db));
}

/** Median of interleaved timings: one rep of every tree per round. */
function interleaved(fn: (p: TutorialPaths) => void, n = reps): number[] {
  for (const p of trees) fn(p); // warm-up
  const ts = trees.map(() => [] as number[]);
  for (let r = 0; r < n; r++) {
    trees.forEach((p, i) => {
      const t = performance.now();
      fn(p);
      ts[i]!.push(performance.now() - t);
    });
  }
  return ts.map((a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!);
}

/** The hot paths every mode times. */
const paths = (): [string, number[]][] => [
  ["fspec forward", interleaved((p) => p.fspec())],
  ["log-likelihood gradient (reverse)", interleaved((p) => p.gradient())],
  ["SVI step, AutoMultivariateNormal", interleaved((p) => p.mvnStep())],
  ["SVI step, AutoBNAFNormal", interleaved((p) => p.bnafStep())],
  [`Predictive, ${draws} draws`, interleaved((p) => p.predictive(draws), 1)],
];

if (backends) {
  const names = ["js", "wasm ×1", trees[2]!.label];
  const rows = paths();
  console.log(
    `exospec backends — ${navigator.hardwareConcurrency} logical CPUs, Deno ${Deno.version.deno}, ${reps} reps`,
  );
  console.log(
    `${"".padEnd(36)} ${names.map((n) => `${n} [ms]`.padStart(13)).join(" ")} ${
      "js/wasm×1".padStart(10)
    } ${`js/${names[2]}`.padStart(10)}`,
  );
  for (const [name, t] of rows) {
    console.log(
      `${name.padEnd(36)} ${
        t.map((x) => x.toFixed(1).padStart(13)).join(" ")
      } ${(t[0]! / t[1]!).toFixed(2).padStart(10)} ${
        (t[0]! / t[2]!).toFixed(2).padStart(10)
      }`,
    );
  }
  const f = rows[0]![1], gr = rows[1]![1];
  console.log(
    `reverse gradient / forward: js ${(gr[0]! / f[0]!).toFixed(2)}, wasm ×1 ${
      (gr[1]! / f[1]!).toFixed(2)
    }, ${names[2]} ${(gr[2]! / f[2]!).toFixed(2)}  (target <= 2)`,
  );
  Deno.exit(0);
}

const rows: [string, number[]][] = [
  ...paths(),
  // the new tree with the batch axis (all draws in one model evaluation) against the old loop
  [
    `Predictive, ${draws} draws, batchSize ${draws}`,
    interleaved((p) => p.predictive(draws, p === trees.at(-1) ? draws : 1), 1),
  ],
];
console.log(
  `exospec compare — ${navigator.hardwareConcurrency} logical CPUs, Deno ${Deno.version.deno}`,
);
console.log(
  `${"".padEnd(36)} ${baseline ? "old [ms]".padStart(10) : ""} ${
    "new [ms]".padStart(10)
  } ${baseline ? "new/old".padStart(8) : ""}`,
);
for (const [name, t] of rows) {
  const nw = t[t.length - 1]!;
  const old = baseline ? t[0]! : NaN;
  console.log(
    `${name.padEnd(36)} ${baseline ? old.toFixed(1).padStart(10) : ""} ${
      nw.toFixed(1).padStart(10)
    } ${baseline ? (nw / old).toFixed(3).padStart(8) : ""}`,
  );
}
const f = rows[0]![1], gr = rows[1]![1];
console.log(
  `reverse gradient / forward (new): ${
    (gr[gr.length - 1]! / f[f.length - 1]!).toFixed(2)
  }  (target <= 2)`,
);
