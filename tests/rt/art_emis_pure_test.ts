import { createArtEmisPure } from "../../src/rt/art_emis_pure.ts";
import { pressureLayers } from "../../src/rt/pressure_layers.ts";
import {
  opacityProfileCia,
  opacityProfileXs,
} from "../../src/rt/opacity_profile.ts";
import { emissionIbased } from "../../src/rt/emission_ibased.ts";
import { emissionFbased2st } from "../../src/rt/emission_fbased2st.ts";
import { planckPi } from "../../src/rt/planck.ts";
import { assertEquals, assertThrows, maxRelErr } from "../_util.ts";

const nuGrid = new Float64Array([4300, 4310, 4320, 4330]);

Deno.test("createArtEmisPure() mirrors ExoJAX ArtEmisPure defaults and layers", () => {
  const art = createArtEmisPure({ nuGrid });
  assertEquals(art.nlayer, 100);
  assertEquals(art.rtsolver, "ibased");
  assertEquals(art.nstream, 8);
  assertEquals(art.mus.length, 4);
  assertEquals([art.tLow, art.tHigh], [0, Infinity]);
  const ref = pressureLayers(1e-8, 1e2, 100);
  assertEquals(maxRelErr(art.pressure, ref.pressure), 0);
  assertEquals(maxRelErr(art.pressureBoundary, ref.pressureBoundary), 0);
  assertEquals(art.pressureDecreaseRate, ref.k);
  const f = createArtEmisPure({ nuGrid, rtsolver: "fbased2st" });
  assertEquals(f.nstream, 2);
});

Deno.test("createArtEmisPure() methods equal the standalone functions", () => {
  const art = createArtEmisPure({
    nuGrid,
    pressureTop: 1e-5,
    pressureBtm: 10,
    nlayer: 60,
  })
    .changeTemperatureRange(500, 1500);
  const t = art.powerlawTemperature(1300, 0.1);
  assertEquals(Math.min(...t), 500);
  assertEquals(Math.max(...t), 1500); // 1300·10^0.1 = 1637 clipped
  const xs = new Float64Array(60 * 4).map((_, k) => 1e-21 * (1 + (k % 5)));
  const mmr = art.constantMmrProfile(0.01);
  const dtauXs = art.opacityProfileXs(xs, mmr, 28.01, 2478.57);
  assertEquals(
    maxRelErr(dtauXs, opacityProfileXs(xs, mmr, 28.01, 2478.57, art.dParr, 4)),
    0,
  );
  const logacia = new Float64Array(60 * 4).fill(-45);
  const dtauCia = art.opacityProfileCia(logacia, t, 0.84, 0.84, 2.33, 2478.57);
  const refCia = opacityProfileCia(
    logacia,
    t,
    art.pressure,
    art.dParr,
    0.84,
    0.84,
    2.33,
    2478.57,
  );
  assertEquals(maxRelErr(dtauCia, refCia), 0);
  const dtau = dtauXs.map((x, k) => x + dtauCia[k]!);
  assertEquals(
    maxRelErr(art.run(dtau, t), emissionIbased(dtau, t, nuGrid, 8)),
    0,
  );
  const art2 = createArtEmisPure({
    nuGrid,
    pressureTop: 1e-5,
    pressureBtm: 10,
    nlayer: 60,
    rtsolver: "fbased2st",
  });
  assertEquals(
    maxRelErr(art2.run(dtau, t), emissionFbased2st(dtau, t, nuGrid)),
    0,
  );
});

Deno.test("createArtEmisPure() changeTemperatureRange() returns a new object", () => {
  const art = createArtEmisPure({ nuGrid, nlayer: 10 });
  const clipped = art.changeTemperatureRange(400, 900);
  assertEquals([art.tLow, art.tHigh], [0, Infinity]);
  assertEquals([clipped.tLow, clipped.tHigh], [400, 900]);
  if (!Object.isFrozen(clipped)) throw new Error("art object should be frozen");
  assertThrows(() => art.changeTemperatureRange(900, 400), RangeError, "tHigh");
});

Deno.test("createArtEmisPure() run() gives piB for a thick isothermal atmosphere (both solvers)", () => {
  for (const rtsolver of ["ibased", "fbased2st"] as const) {
    const art = createArtEmisPure({
      nuGrid,
      pressureTop: 1e-5,
      pressureBtm: 10,
      nlayer: 100,
      rtsolver,
    });
    const t = art.powerlawTemperature(1100, 0);
    const dtau = art.opacityProfileXs(
      new Float64Array(4).fill(1e-19),
      0.01,
      28,
      1e4,
    );
    const e = maxRelErr(art.run(dtau, t), planckPi(nuGrid, 1100));
    if (!(e <= 1e-6)) throw new Error(`${rtsolver}: ${e}`);
  }
});

Deno.test("createArtEmisPure() validates options and run() inputs", () => {
  assertThrows(
    () => createArtEmisPure({ nuGrid: [4300] as unknown as Float64Array }),
    TypeError,
    "nuGrid",
  );
  assertThrows(
    () => createArtEmisPure({ nuGrid, rtsolver: "fbased2st", nstream: 8 }),
    RangeError,
    "nstream = 2",
  );
  assertThrows(
    () => createArtEmisPure({ nuGrid, nstream: 7 }),
    RangeError,
    "nstream",
  );
  assertThrows(
    () =>
      createArtEmisPure({
        nuGrid,
        rtsolver: "lart" as unknown as "ibased",
      }),
    RangeError,
    "rtsolver",
  );
  assertThrows(
    () => createArtEmisPure({ nuGrid, pressureTop: 10, pressureBtm: 1 }),
    RangeError,
    "pBtmBar",
  );
  const art = createArtEmisPure({ nuGrid, nlayer: 5 });
  const t = new Float64Array(5).fill(1000);
  assertThrows(
    () => art.run(new Float64Array(20), new Float64Array(4).fill(1000)),
    TypeError,
    "nlayer = 5, got 4",
  );
  assertThrows(
    () => art.run(new Float64Array(19), t),
    TypeError,
    "5*4 = 20, got 19",
  );
  const bad = new Float64Array(20);
  bad[13] = -1;
  assertThrows(
    () => art.run(bad, t),
    RangeError,
    "layer 3, wavenumber index 1",
  );
  t[2] = -10;
  assertThrows(
    () => art.run(new Float64Array(20), t),
    RangeError,
    "temperature at layer 2",
  );
  assertThrows(
    () => art.opacityProfileCia(new Float64Array(8), t, 0.8, 0.8, 2.3, 1e3),
    TypeError,
    "logacia",
  );
});
