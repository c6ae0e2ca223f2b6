/**
 * Atmosphere and emission stages as autodiff primitives (forward kernel + batched JVP + VJP in
 * one place; rules from the `*_ad.ts` modules beside each stage; first order only):
 * the clipped power-law temperature, the line and CIA optical-depth profiles, and the emission
 * solvers.
 *
 * @example
 * ```ts
 * import { powerlawTemperaturePrimitive } from "./primitives.ts";
 * import { bind, grad, scalar, sum, type Tensor } from "../ad/mod.ts";
 * const prim = powerlawTemperaturePrimitive(new Float64Array([0.1, 1, 10]), [500, 1500]);
 * const g = grad((t0) => sum(bind(prim, [t0, scalar(0.1)], {})))(scalar(1200)) as Tensor;
 * console.log(g.item() > 0); // true
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

const _num = (
  x: number | Float64Array,
): Float64Array => (typeof x === "number" ? new Float64Array([x]) : x);
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
 * import { powerlawTemperaturePrimitive } from "./primitives.ts";
 * console.log(powerlawTemperaturePrimitive(new Float64Array([1]), [500, 1500]).name); // powerlawTemperature
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
    jvp: ([t0, a], [tt0, ta], k) => {
      const r = powerlawTemperatureJvp(pressure, t0![0]!, a![0]!, range, {
        k,
        t0: tt0 ?? null,
        alpha: ta ?? null,
      });
      return { out: r.out, dout: r.tangents };
    },
    withVjp: ([t0, a]) => {
      const r = powerlawTemperatureWithVjp(pressure, t0![0]!, a![0]!, range);
      return {
        out: r.out,
        pullback: (ct) => {
          const g = r.pullback(ct);
          return [new Float64Array([g.t0]), new Float64Array([g.alpha])];
        },
      };
    },
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
 * import { opacityProfileXsPrimitive } from "./primitives.ts";
 * console.log(opacityProfileXsPrimitive(28, new Float64Array([1]), 2).name); // opacityProfileXs
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
    jvp: ([xs, mmr, g], [txs, tm, tg], k) => {
      const r = opacityProfileXsJvp(
        xs!,
        _sc(mmr!),
        molmass,
        _sc(g!),
        dParr,
        nnu,
        {
          k,
          xsmatrix: txs ?? null,
          mmr: tm ?? null,
          gravity: tg ?? null,
        },
      );
      return { out: r.out, dout: r.tangents };
    },
    withVjp: ([xs, mmr, g]) => {
      const r = opacityProfileXsWithVjp(
        xs!,
        _sc(mmr!),
        molmass,
        _sc(g!),
        dParr,
        nnu,
      );
      return {
        out: r.out,
        pullback: (ct) => {
          const c = r.pullback(ct);
          return [c.xsmatrix, _num(c.mmr), _num(c.gravity)];
        },
      };
    },
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
 * import { opacityProfileCiaPrimitive } from "./primitives.ts";
 * const p = opacityProfileCiaPrimitive(new Float64Array([1]), new Float64Array([0.1]), 0.855, 0.855, 2.33);
 * console.log(p.name); // opacityProfileCia
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
    jvp: ([la, t, g], [tla, tt, tg], k) => {
      const r = opacityProfileCiaJvp(
        la!,
        t!,
        pressure,
        dParr,
        vmr1,
        vmr2,
        mmw,
        g![0]!,
        {
          k,
          logacia: tla ?? null,
          temperature: tt ?? null,
          gravity: tg ?? null,
        },
      );
      return { out: r.out, dout: r.tangents };
    },
    withVjp: ([la, t, g]) => {
      const r = opacityProfileCiaWithVjp(
        la!,
        t!,
        pressure,
        dParr,
        vmr1,
        vmr2,
        mmw,
        g![0]!,
      );
      return {
        out: r.out,
        pullback: (ct) => {
          const c = r.pullback(ct);
          return [c.logacia, c.temperature, _num(c.gravity)];
        },
      };
    },
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
 * import { emissionPrimitive } from "./primitives.ts";
 * console.log(emissionPrimitive(new Float64Array([4300]), { solver: "ibased" }).name); // emission_ibased
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
      jvp: ([d, t], [td, tt], k) => {
        const r = emissionIbasedJvp(d!, t!, nu, ns, {
          k,
          dtau: td ?? null,
          temperature: tt ?? null,
        });
        return { out: r.out, dout: r.tangents };
      },
      withVjp: ([d, t]) => {
        const r = emissionIbasedWithVjp(d!, t!, nu, ns);
        return {
          out: r.out,
          pullback: (ct) => {
            const c = r.pullback(ct);
            return [c.dtau, c.temperature];
          },
        };
      },
    });
  }
  if (solver !== "fbased2st") {
    throw new RangeError(`emissionPrimitive(): unknown solver "${solver}"`);
  }
  return definePrimitive({
    name: "emission_fbased2st",
    outShape: () => [n],
    forward: ([d, t]) => emissionFbased2st(d!, t!, nu),
    jvp: ([d, t], [td, tt], k) => {
      const r = emissionFbased2stJvp(d!, t!, nu, {
        k,
        dtau: td ?? null,
        temperature: tt ?? null,
      });
      return { out: r.out, dout: r.tangents };
    },
    withVjp: ([d, t]) => {
      const r = emissionFbased2stWithVjp(d!, t!, nu);
      return {
        out: r.out,
        pullback: (ct) => {
          const c = r.pullback(ct);
          return [c.dtau, c.temperature];
        },
      };
    },
  });
}
