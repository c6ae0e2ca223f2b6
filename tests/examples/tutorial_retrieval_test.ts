import {
  createTutorialModel,
  type TutorialModel,
} from "../../src/spectrum/tutorial.ts";
import {
  createTutorialAd,
  type TutorialAd,
} from "../../src/spectrum/tutorial_ad.ts";
import {
  TUTORIAL_PRIORS,
  TUTORIAL_SIGMA_RATE,
  tutorialModelProb,
} from "../../examples/tutorial_retrieval.ts";
import { addGaussianNoise } from "../../src/spectrum/mock.ts";
import { gravityJupiter } from "../../src/rt/gravity.ts";
import {
  adam,
  AutoMultivariateNormal,
  substitute,
  SVI,
  trace,
  TraceELBO,
  traceLogDensity,
} from "../../src/infer/mod.ts";
import { key } from "../../src/random/mod.ts";
import { scalar, type Tensor, tensor } from "../../src/ad/mod.ts";
import { assert, assertRelClose, SHARED_DATA } from "../_util.ts";

let _s: { m: TutorialModel; ad: TutorialAd; y: Float64Array } | undefined;
async function setup() {
  if (!_s) {
    const m = await createTutorialModel({ dbDir: SHARED_DATA });
    const y = addGaussianNoise(
      m.fspec(1200, 0.1, 0.01, gravityJupiter(1, 10), 40, 10),
      500,
      0,
    );
    _s = { m, ad: createTutorialAd(m), y };
  }
  return _s;
}

Deno.test("tutorialModelProb() log joint = uniform priors + exponential prior + Gaussian log-likelihood", async () => {
  const { ad, y } = await setup();
  const theta = {
    logg: 4.3,
    RV: 39,
    MMR: 0.008,
    T0: 1150,
    alpha: 0.12,
    vsini: 11,
    sigmain: 450,
  };
  const model = substitute(
    tutorialModelProb(ad),
    Object.fromEntries(Object.entries(theta).map(([k, v]) => [k, scalar(v)])),
  );
  const tr = trace(model).getTrace(tensor(y));
  assert(
    ["logg", "RV", "MMR", "T0", "alpha", "vsini", "sigmain", "spectrum"].every((
      k,
    ) => tr.has(k)),
    `sites: ${[...tr.keys()]}`,
  );
  assert(tr.get("spectrum")!.isObserved);
  const lp = (traceLogDensity(tr) as Tensor).item();
  let expected = 0;
  for (const [k, [lo, hi]] of Object.entries(TUTORIAL_PRIORS)) {
    expected -= Math.log(hi - lo) + 0 * k.length;
  }
  expected += Math.log(TUTORIAL_SIGMA_RATE) -
    TUTORIAL_SIGMA_RATE * theta.sigmain;
  const ll = ad.logLikelihoodGrad(
    new Float64Array([
      theta.T0,
      theta.alpha,
      theta.MMR,
      theta.logg,
      theta.RV,
      theta.vsini,
      theta.sigmain,
    ]),
    y,
  ).value;
  assertRelClose(lp, expected + ll, 1e-12, "log joint");
});

Deno.test("SVI with AutoMultivariateNormal runs on the tutorial model: finite losses, draws inside the priors", async () => {
  const { ad, y } = await setup();
  const modelProb = tutorialModelProb(ad);
  const guide = AutoMultivariateNormal(modelProb);
  const svi = SVI(modelProb, guide, adam(0.01), TraceELBO());
  const res = svi.run(key(0), 5, [tensor(y)], { progress: false });
  assert(res.losses.every(Number.isFinite), `losses ${res.losses}`);
  const post = guide.samplePosterior(key(1), res.params, { sampleShape: [50] });
  for (const [k, [lo, hi]] of Object.entries(TUTORIAL_PRIORS)) {
    assert(
      post[k]!.data.every((v) => v > lo && v < hi),
      `${k} outside its prior`,
    );
  }
  assert(post["sigmain"]!.data.every((v) => v > 0));
});

Deno.test("examples/get_started_svi.ts runs end to end (2 steps, no figures) and writes its summary", async () => {
  const out = await Deno.makeTempDir();
  try {
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../examples/get_started_svi.ts", import.meta.url).pathname,
        "--db",
        SHARED_DATA,
        "--guide",
        "mvn",
        "--precondition",
        "none",
        "--steps",
        "2",
        "--samples",
        "10",
        "--no-figures",
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    });
    const r = await cmd.output();
    const text = new TextDecoder().decode(r.stdout) +
      new TextDecoder().decode(r.stderr);
    assert(r.code === 0, `exit ${r.code}: ${text}`);
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert(summary.summaries[0].guide === "AutoMultivariateNormal");
    assert(text.includes("posterior summary"), text);
    const bad = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../../examples/get_started_svi.ts", import.meta.url).pathname,
        "--db",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const msg = new TextDecoder().decode(bad.stderr);
    assert(
      bad.code === 1 && msg.includes("--db") && !msg.includes("    at "),
      `missing-data message: ${msg}`,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
