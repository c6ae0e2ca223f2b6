// The tutorial's hot paths, timed for one source tree: fspec forward, the reverse-mode gradient
// of the log-likelihood, one AutoMultivariateNormal and one AutoBNAFNormal SVI step, and the
// posterior predictive of N draws. `bench/report.ts --baseline DIR` loads the same entry points
// from a second checkout (e.g. `git worktree add /tmp/exospec-base <commit>`) and times both in
// one run, interleaved, so the ratios are measured under the same machine load.
//
// The entry points are loaded by URL so that two versions of the package live in one process;
// only long-standing public names are used (createTutorialModel, createTutorialAd,
// tutorialModelProb, SVI, adam, TraceELBO, the two guides, Predictive, key).

/** What one source tree offers the bench. */
export interface TutorialPaths {
  /** The tree's root folder. */
  readonly root: string;
  /** A label: the tree, or the backend ("js", "wasm ×1", "wasm ×2"). */
  readonly label: string;
  /** Runs fspec once (T0, alpha, MMR, gravity, RV, vsini). */
  fspec(): void;
  /** Runs the reverse-mode gradient of the log-likelihood once. */
  gradient(): void;
  /** One AutoMultivariateNormal SVI step. */
  mvnStep(): void;
  /** One AutoBNAFNormal SVI step. */
  bnafStep(): void;
  /**
   * The posterior predictive spectrum of `n` draws from the MVN guide, `batch` draws per model
   * evaluation (trees before the batch axis ignore `batch` and loop).
   */
  predictive(n: number, batch?: number): void;
}

// deno-lint-ignore no-explicit-any
type Any = any;

/**
 * Loads a source tree's tutorial pipeline and prepares the closures to time.
 *
 * @param root Absolute path of the tree (holds src/).
 * @param dbDir Database folder (../shared/data).
 * @param backend The model's backend: the js default, or this tree's wasm backend with 1 or 2
 *   threads (`createStageWasmBackend`).
 * @returns The timed closures.
 */
export async function loadTutorialPaths(
  root: string,
  dbDir: string,
  backend: "js" | "wasm1" | "wasm2" = "js",
): Promise<TutorialPaths> {
  const u = (p: string) => new URL(`file://${root}/src/${p}`).href;
  const tut: Any = await import(u("spectrum/tutorial.ts"));
  const tad: Any = await import(u("spectrum/tutorial_ad.ts"));
  // the tutorial's priors moved from src/spectrum/retrieval.ts to examples/ (issue 9)
  const ret: Any = await import(
    await Deno.stat(`${root}/examples/tutorial_retrieval.ts`).then(
      () => new URL(`file://${root}/examples/tutorial_retrieval.ts`).href,
      () => u("spectrum/retrieval.ts"),
    )
  );
  const mock: Any = await import(u("spectrum/mock.ts"));
  const infer: Any = await import(u("infer/mod.ts"));
  const rnd: Any = await import(u("random/mod.ts"));
  const adm: Any = await import(u("ad/mod.ts"));

  const stb: Any = backend === "js"
    ? null
    : await import(u("spectrum/stage_backend.ts"));
  const be = stb === null ? undefined : await stb.createStageWasmBackend({
    workers: backend === "wasm2" ? 1 : 0,
  });
  const model = await tut.createTutorialModel({
    dbDir,
    ...(be ? { backend: be } : {}),
  });
  const ad = tad.createTutorialAd(model);
  const g = 10 ** 4.3942;
  const mu = model.fspec(1200, 0.1, 0.01, g, 40, 10);
  const y = mock.addGaussianNoise(mu, 500, 0);
  const yT = adm.tensor(y);
  const theta = new Float64Array([1150, 0.12, 0.008, 4.3, 39, 11, 450]);
  const modelProb = ret.tutorialModelProb(ad);
  const start: Record<string, number> = {
    logg: 4.39,
    RV: 40,
    MMR: 0.01,
    T0: 1200,
    alpha: 0.1,
    vsini: 10,
    sigmain: 500,
  };
  const guideOpts = {
    initLocFn: infer.initToValue(
      Object.fromEntries(
        Object.entries(start).map(([k, v]) => [k, adm.scalar(v)]),
      ),
    ),
  };
  const makeStep = (guide: Any) => {
    const svi = infer.SVI(
      modelProb,
      guide,
      infer.adam(0.01),
      infer.TraceELBO(),
    );
    let state = svi.init(rnd.key(0), yT);
    return {
      svi,
      step: () => {
        [state] = svi.update(state, yT);
      },
      params: () => svi.getParams(state),
    };
  };
  const mvn = infer.AutoMultivariateNormal(modelProb, guideOpts);
  const mvnS = makeStep(mvn);
  const bnafS = makeStep(infer.AutoBNAFNormal(modelProb, guideOpts));
  return {
    root,
    label: backend === "js"
      ? root
      : `wasm ×${backend === "wasm2" ? be.pool?.threads ?? 1 : 1}`,
    fspec: () => model.fspec(1150, 0.12, 0.008, 10 ** 4.3, 39, 11),
    gradient: () => ad.logLikelihoodGrad(theta, y, "reverse"),
    mvnStep: mvnS.step,
    bnafStep: bnafS.step,
    predictive: (n: number, batch = 1) =>
      infer.Predictive(modelProb, {
        guide: mvn,
        params: mvnS.params(),
        numSamples: n,
        returnSites: ["spectrum"],
        batchSize: batch,
      })(rnd.key(1), null),
  };
}
