import { join } from "node:path";
import {
  assert,
  assertEquals,
  assertRelClose,
  assertThrows,
  SHARED_DATA,
} from "../_util.ts";
import { loadCia } from "../../src/db/cia.ts";
import { createOpaCia } from "../../src/opacity/cia.ts";

const REF = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/db_reference.json", import.meta.url),
  ),
).cia;
const table = await loadCia(join(SHARED_DATA, "CIA", "H2-H2_Borysow.cia"));
const NNU = table.nu.length;
const logkAt = (it: number, inu: number) => table.logk[it * NNU + inu]!;
const T = (t: number) => Array.from(table.t).indexOf(t);
const NU = (nu: number) => Array.from(table.nu).indexOf(nu);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

Deno.test("createOpaCia() default (digitize) matches ExoJAX's interp_logacia_vector emulated in numpy within 1e-12 dex", () => {
  const opa = createOpaCia(table, new Float64Array(REF.nu));
  REF.t.forEach((t: number, k: number) => {
    const d = maxAbsDiff(opa.logaciaVector(t), REF.digitize[k]);
    assert(d < 1e-12, `T=${t}: ${d} dex`);
  });
});

Deno.test("createOpaCia() linear mode matches numpy bilinear interpolation of log10 k within 1e-12 dex", () => {
  const opa = createOpaCia(table, new Float64Array(REF.nu), {
    nuInterpolation: "linear",
  });
  REF.t.forEach((t: number, k: number) => {
    const d = maxAbsDiff(opa.logaciaVector(t), REF.linear[k]);
    assert(d < 1e-12, `T=${t}: ${d} dex`);
  });
});

Deno.test("createOpaCia() reproduces tabulated values exactly at table nodes", () => {
  const lin = createOpaCia(table, new Float64Array([4300, 20, 16480]), {
    nuInterpolation: "linear",
  });
  for (const t of [60, 200, 7000]) {
    const v = lin.logaciaVector(t);
    assertEquals(Array.from(v), [
      logkAt(T(t), NU(4300)),
      logkAt(T(t), 0),
      logkAt(T(t), NNU - 1),
    ]);
  }
  // ExoJAX's digitize picks the right neighbour: every ν in [4280, 4300) gets the 4300 column.
  const dig = createOpaCia(
    table,
    new Float64Array([4280, 4290, 4299.999, 4300]),
  );
  const v = dig.logaciaVector(200);
  assertEquals(Array.from(v), [
    logkAt(T(200), NU(4300)),
    logkAt(T(200), NU(4300)),
    logkAt(T(200), NU(4300)),
    logkAt(T(200), NU(4320)),
  ]);
});

Deno.test("createOpaCia() between nodes equals a hand computation (linear in T, and in ν for linear mode)", () => {
  // T = 275 K is halfway between 250 and 300 K; ν = 4310 halfway between 4300 and 4320.
  const a = logkAt(T(250), NU(4300));
  const b = logkAt(T(300), NU(4300));
  const c = logkAt(T(250), NU(4320));
  const d = logkAt(T(300), NU(4320));
  const lin = createOpaCia(table, new Float64Array([4310]), {
    nuInterpolation: "linear",
  });
  assertRelClose(lin.logaciaVector(275)[0]!, 0.25 * (a + b + c + d), 1e-14);
  const dig = createOpaCia(table, new Float64Array([4310]));
  assertRelClose(dig.logaciaVector(275)[0]!, 0.5 * (c + d), 1e-14);
  // T = 1234.5 K: weight 0.2345 between 1000 and 2000 K.
  const e = logkAt(T(1000), NU(4320));
  const f = logkAt(T(2000), NU(4320));
  assertRelClose(dig.logaciaVector(1234.5)[0]!, e + 0.2345 * (f - e), 1e-14);
});

Deno.test("createOpaCia() gives 3.43e-45 cm⁵ for Borysow H2-H2 at 4300 cm⁻¹, 200 K", () => {
  const opa = createOpaCia(table, new Float64Array([4300]), {
    nuInterpolation: "linear",
  });
  const k = 10 ** opa.logaciaVector(200)[0]!;
  assertRelClose(k, 3.431e-45, 1e-12);
  assertRelClose(k, REF.k_4300_200, 1e-12);
  assertRelClose(k, 3.43e-45, 5e-4);
});

Deno.test("createOpaCia() logaciaMatrix() rows equal logaciaVector() for each layer", () => {
  const grid = new Float64Array(50).map((_, i) => 4200 + 3.7 * i);
  const opa = createOpaCia(table, grid);
  const temps = new Float64Array([500, 812.3, 1500, 60, 7000]);
  const m = opa.logaciaMatrix(temps);
  assertEquals(m.length, temps.length * grid.length);
  temps.forEach((t, l) =>
    assertEquals(
      Array.from(m.subarray(l * 50, (l + 1) * 50)),
      Array.from(opa.logaciaVector(t)),
    )
  );
});

Deno.test("createOpaCia() throws RangeError for T or ν outside the table (ExoJAX clamps: opt-in)", () => {
  const opa = createOpaCia(table, new Float64Array([4300]));
  assertThrows(
    () => opa.logaciaVector(59.9),
    RangeError,
    "T = 59.9 K is outside the CIA table range [60, 7000] K",
  );
  assertThrows(() => opa.logaciaVector(7000.1), RangeError, "7000.1");
  assertThrows(() => opa.logaciaVector(NaN), RangeError, "NaN");
  assertThrows(
    () => opa.logaciaMatrix(new Float64Array([300, 8000])),
    RangeError,
    "layer 1",
  );
  assertThrows(
    () => createOpaCia(table, new Float64Array([4300, 19.9])),
    RangeError,
    "nuGrid[1] = 19.9",
  );
  assertThrows(
    () => createOpaCia(table, new Float64Array([16480.5])),
    RangeError,
    "[20, 16480]",
  );
  assertThrows(
    () => createOpaCia(table, new Float64Array([])),
    TypeError,
    "nuGrid",
  );
  assertThrows(
    () =>
      createOpaCia(
        { ...table, logk: new Float64Array(3) },
        new Float64Array([4300]),
      ),
    TypeError,
    "table.logk",
  );
  const clamped = createOpaCia(table, new Float64Array([4310]), {
    clampTemperature: true,
  });
  assertEquals(clamped.logaciaVector(10)[0], logkAt(0, NU(4320)));
  assertEquals(clamped.logaciaVector(9000)[0], logkAt(19, NU(4320)));
});
