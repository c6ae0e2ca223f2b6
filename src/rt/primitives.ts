/**
 * Atmosphere and emission stages as autodiff primitives (forward kernel + batched JVP + VJP in
 * one place; rules from the `*_ad.ts` modules beside each stage, which already return the stage
 * convention `StageJvp`/`StageVjp` of src/ad/first_order.ts and are passed straight through;
 * first order only):
 * the clipped power-law temperature, the line and CIA optical-depth profiles, and the emission
 * solvers.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperaturePrimitive } from "./primitives.ts";
 * import { bind, grad, scalar, sum, type Tensor } from "../ad/mod.ts";
 * const prim = powerlawTemperaturePrimitive(new Float64Array([0.1, 1, 10]), [500, 1500]);
 * const g = grad((t0) => sum(bind(prim, [t0, scalar(0.1)], {})))(scalar(1200)) as Tensor;
 * // T = 1200 · P^0.1 = 953, 1200, 1511 → clipped to 1500 K, so d ΣT/dT0 = 0.1^0.1 + 1 + 0
 * assert.ok(Math.abs(g.item() - (Math.pow(10, -0.1) + 1)) < 1e-15);
 * ```
 *
 * @module
 */
import type { Primitive } from "../ad/core.ts";
import { definePrimitive } from "../ad/first_order.ts";
import { powerlawTemperature } from "./temperature.ts";
import {
  powerlawTemperatureJvp,
  powerlawTemperatureWithVjp,
} from "./temperature_ad.ts";
import { opacityProfileCia, opacityProfileXs } from "./opacity_profile.ts";
import {
  opacityProfileCiaJvp,
  opacityProfileCiaWithVjp,
  opacityProfileXsJvp,
  opacityProfileXsWithVjp,
} from "./opacity_profile_ad.ts";
import { emissionIbased } from "./emission_ibased.ts";
import {
  emissionIbasedJvp,
  emissionIbasedWithVjp,
} from "./emission_ibased_ad.ts";
import { emissionFbased2st } from "./emission_fbased2st.ts";
import {
  emissionFbased2stJvp,
  emissionFbased2stWithVjp,
} from "./emission_fbased2st_ad.ts";

/** A length-1 array as a scalar, otherwise the array (per-layer values). */
const _sc = (
  x: Float64Array,
): number | Float64Array => (x.length === 1 ? x[0]! : x);

/**
 * T = clip(T0·P^α, range) as a primitive: inputs `[t0 [] (K), alpha []]`, output T [L] (K).
 * Subgradient: zero strictly outside the range; at a bound, the derivative from inside.
 *
 * @param pressure Layer pressures [bar].
 * @param range [Tlow, Thigh] [K].
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { powerlawTemperaturePrimitive } from "./primitives.ts";
 * import { bind, scalar, type Tensor } from "../ad/mod.ts";
 * const prim = powerlawTemperaturePrimitive(new Float64Array([0.01, 1]), [500, 1500]);
 * assert.strictEqual(prim.name, "powerlawTemperature");
 * const t = bind(prim, [scalar(1300), scalar(0.1)], {}) as Tensor;
 * assert.deepStrictEqual(t.shape, [2]);
 * assert.ok(Math.abs(t.data[0]! / (1300 * Math.pow(10, -0.2)) - 1) < 1e-15); // 1300 · 0.01^0.1
 * assert.strictEqual(t.data[1], 1300);
 * ```
 */
export function powerlawTemperaturePrimitive(
  pressure: Float64Array,
  range: readonly [number, number],
): Primitive {
  const L = pressure.length;
  return definePrimitive({
    name: "powerlawTemperature",
    outShape: () => [L],
    forward: ([t0, a]) =>
      powerlawTemperature(pressure, t0![0]!, a![0]!, [range[0], range[1]]),
    jvp: ([t0, a], [tt0, ta], k) =>
      powerlawTemperatureJvp(pressure, t0![0]!, a![0]!, range, {
        k,
        t0: tt0 ?? null,
        alpha: ta ?? null,
      }),
    withVjp: ([t0, a]) =>
      powerlawTemperatureWithVjp(pressure, t0![0]!, a![0]!, range),
  });
}

/**
 * Line optical depth dτ = F·|σ|·dP·MMR/(M g) as a primitive: inputs
 * `[xs [L, N] (cm²), mmr [] or [L], gravity [] or [L] (cm/s²)]`, output dτ [L, N].
 *
 * @param molmass Molecular mass [u].
 * @param dParr Layer pressure thickness [bar].
 * @param nnu Number of wavenumbers N.
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileXsPrimitive } from "./primitives.ts";
 * import { bind, grad, scalar, sum, tensor, type Tensor } from "../ad/mod.ts";
 * const prim = opacityProfileXsPrimitive(28, new Float64Array([0.1]), 2);
 * assert.strictEqual(prim.name, "opacityProfileXs");
 * const xs = tensor([1e-22, 2e-22], [1, 2]);
 * const dtau = bind(prim, [xs, scalar(0.01), scalar(1e5)], {}) as Tensor;
 * assert.deepStrictEqual(dtau.shape, [1, 2]);
 * // σ dP[dyn/cm²] MMR/(M m_u g) = 1e-22 · 1e5 · 0.01/(28 · 1.66053904e-24 · 1e5)
 * assert.ok(Math.abs(dtau.data[0]! / 0.021507645923389862 - 1) < 1e-14);
 * // dτ is linear in MMR: d Σdτ/dMMR = Σdτ/MMR
 * const g = grad((m) => sum(bind(prim, [xs, m, scalar(1e5)], {})))(scalar(0.01)) as Tensor;
 * assert.ok(Math.abs(g.item() * 0.01 / (dtau.data[0]! + dtau.data[1]!) - 1) < 1e-15);
 * ```
 */
export function opacityProfileXsPrimitive(
  molmass: number,
  dParr: Float64Array,
  nnu: number,
): Primitive {
  return definePrimitive({
    name: "opacityProfileXs",
    outShape: ([xs]) => [...xs!],
    forward: ([xs, mmr, g]) =>
      opacityProfileXs(xs!, _sc(mmr!), molmass, _sc(g!), dParr, nnu),
    jvp: ([xs, mmr, g], [txs, tm, tg], k) =>
      opacityProfileXsJvp(xs!, _sc(mmr!), molmass, _sc(g!), dParr, nnu, {
        k,
        xsmatrix: txs ?? null,
        mmr: tm ?? null,
        gravity: tg ?? null,
      }),
    withVjp: ([xs, mmr, g]) =>
      opacityProfileXsWithVjp(xs!, _sc(mmr!), molmass, _sc(g!), dParr, nnu),
  });
}

/**
 * CIA optical depth as a primitive: inputs `[logacia [L, N], T [L] (K), gravity [] (cm/s²)]`,
 * output dτ [L, N] (ExoJAX's `opacity_profile_cia`).
 *
 * @param pressure Layer pressures [bar].
 * @param dParr Layer thickness [bar].
 * @param vmr1 Volume mixing ratio of the first collision partner.
 * @param vmr2 Volume mixing ratio of the second.
 * @param mmw Mean molecular weight [u].
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { opacityProfileCiaPrimitive } from "./primitives.ts";
 * import { opacityProfileCia } from "./opacity_profile.ts";
 * import { bind, grad, scalar, sum, tensor, type Tensor } from "../ad/mod.ts";
 * const p = opacityProfileCiaPrimitive(new Float64Array([1]), new Float64Array([0.1]), 0.855, 0.855, 2.33);
 * assert.strictEqual(p.name, "opacityProfileCia");
 * const la = tensor([-45, -46], [1, 2]);
 * const t = tensor([1000]);
 * const dtau = bind(p, [la, t, scalar(1e5)], {}) as Tensor;
 * const ref = opacityProfileCia(
 *   la.data, t.data, new Float64Array([1]), new Float64Array([0.1]), 0.855, 0.855, 2.33, 1e5,
 * );
 * assert.deepStrictEqual(dtau.data, ref); // the forward is opacityProfileCia
 * // dτ ∝ 1/g: d Σdτ/dg = −Σdτ/g
 * const g = grad((gr) => sum(bind(p, [la, t, gr], {})))(scalar(1e5)) as Tensor;
 * assert.ok(Math.abs(g.item() * -1e5 / (ref[0]! + ref[1]!) - 1) < 1e-15);
 * ```
 */
export function opacityProfileCiaPrimitive(
  pressure: Float64Array,
  dParr: Float64Array,
  vmr1: number,
  vmr2: number,
  mmw: number,
): Primitive {
  return definePrimitive({
    name: "opacityProfileCia",
    outShape: ([la]) => [...la!],
    forward: ([la, t, g]) =>
      opacityProfileCia(la!, t!, pressure, dParr, vmr1, vmr2, mmw, g![0]!),
    jvp: ([la, t, g], [tla, tt, tg], k) =>
      opacityProfileCiaJvp(la!, t!, pressure, dParr, vmr1, vmr2, mmw, g![0]!, {
        k,
        logacia: tla ?? null,
        temperature: tt ?? null,
        gravity: tg ?? null,
      }),
    withVjp: ([la, t, g]) =>
      opacityProfileCiaWithVjp(
        la!,
        t!,
        pressure,
        dParr,
        vmr1,
        vmr2,
        mmw,
        g![0]!,
      ),
  });
}

/**
 * Emergent flux of a layered atmosphere as a primitive: inputs `[dtau [L, N], T [L] (K)]`,
 * output F [N] (erg/s/cm²/cm⁻¹).
 *
 * @param nu Wavenumber grid [cm⁻¹].
 * @param opts `solver` ("ibased", default, or "fbased2st") and `nstream` (ibased, default 8).
 * @returns The primitive.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { emissionPrimitive } from "./primitives.ts";
 * import { planckPi } from "./planck.ts";
 * import { bind, grad, sum, tensor, type Tensor } from "../ad/mod.ts";
 * const nu = new Float64Array([4300]);
 * const ib = emissionPrimitive(nu, { solver: "ibased" });
 * assert.strictEqual(ib.name, "emission_ibased");
 * assert.strictEqual(emissionPrimitive(nu, { solver: "fbased2st" }).name, "emission_fbased2st");
 * // an opaque isothermal column emits πB(T) …
 * const dtau = tensor([1, 100], [2, 1]);
 * const f = bind(ib, [dtau, tensor([1000, 1000])], {}) as Tensor;
 * assert.ok(Math.abs(f.data[0]! / planckPi(nu, 1000)[0]! - 1) < 1e-12);
 * // … and warming it all by dT raises F by ∂πB/∂T dT, 38.007091464234929 per K at 4300 cm⁻¹,
 * // 1000 K (mpmath, CODATA 2014 h, k)
 * const g = grad((t) => sum(bind(ib, [dtau, t], {})))(tensor([1000, 1000])) as Tensor;
 * assert.ok(Math.abs((g.data[0]! + g.data[1]!) / 38.007091464234929 - 1) < 1e-12);
 * ```
 */
export function emissionPrimitive(
  nu: Float64Array,
  opts: { solver?: "ibased" | "fbased2st"; nstream?: number } = {},
): Primitive {
  const solver = opts.solver ?? "ibased";
  const ns = opts.nstream ?? 8;
  const n = nu.length;
  if (solver === "ibased") {
    return definePrimitive({
      name: "emission_ibased",
      outShape: () => [n],
      forward: ([d, t]) => emissionIbased(d!, t!, nu, ns),
      jvp: ([d, t], [td, tt], k) =>
        emissionIbasedJvp(d!, t!, nu, ns, {
          k,
          dtau: td ?? null,
          temperature: tt ?? null,
        }),
      withVjp: ([d, t]) => emissionIbasedWithVjp(d!, t!, nu, ns),
    });
  }
  if (solver !== "fbased2st") {
    throw new RangeError(`emissionPrimitive(): unknown solver "${solver}"`);
  }
  return definePrimitive({
    name: "emission_fbased2st",
    outShape: () => [n],
    forward: ([d, t]) => emissionFbased2st(d!, t!, nu),
    jvp: ([d, t], [td, tt], k) =>
      emissionFbased2stJvp(d!, t!, nu, {
        k,
        dtau: td ?? null,
        temperature: tt ?? null,
      }),
    withVjp: ([d, t]) => emissionFbased2stWithVjp(d!, t!, nu),
  });
}
