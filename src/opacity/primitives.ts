/**
 * Opacity stages as autodiff primitives: PreMODIT `xsmatrix(T[], P[])` and CIA
 * `logaciaMatrix(T[])`, each with its forward kernel, batched JVP and VJP rule in one place
 * (rules from {@link createPremoditAd} and {@link createCiaAd}; first order only).
 *
 * @example
 * ```ts ignore
 * import { xsmatrixPrimitive } from "./primitives.ts";
 * import { bind, tensor } from "../ad/mod.ts";
 * const xs = bind(xsmatrixPrimitive(opa), [tensor(tArr), tensor(pArr)], {});
 * ```
 *
 * @module
 */
import type { Primitive } from "../ad/core.ts";
import { definePrimitive } from "../ad/first_order.ts";
import type { OpaPremodit } from "./premodit.ts";
import { createPremoditAd } from "./premodit_ad.ts";
import type { OpaCia } from "./cia.ts";
import { createCiaAd } from "./cia_ad.ts";

/**
 * PreMODIT cross sections as a primitive: inputs `[T [L] (K), P [L] (bar)]`, output σ [L, N] (cm²).
 *
 * @param opa A PreMODIT calculator.
 * @returns The primitive.
 *
 * @example
 * ```ts ignore
 * const prim = xsmatrixPrimitive(opa);
 * ```
 */
export function xsmatrixPrimitive(opa: OpaPremodit): Primitive {
  const rules = createPremoditAd(opa);
  const n = opa.nuGrid.length;
  return definePrimitive({
    name: "xsmatrix",
    outShape: ([t]) => [t![0]!, n],
    forward: ([t, p]) => opa.xsmatrix(t!, p!),
    jvp: ([t, p], [tt, tp]) => {
      const r = rules.xsmatrixJvp(t!, p!, tt ?? null, tp ?? null);
      return { out: r.xs, dout: r.dxs };
    },
    withVjp: ([t, p], needs) => {
      const wantT = needs?.[0] ?? true;
      const wantP = needs?.[1] ?? true;
      const r = rules.xsmatrixWithVjp(t!, p!, { t: wantT, pBar: wantP });
      return {
        out: r.xs,
        pullback: (ct) => {
          const g = r.pullback(ct);
          return [wantT ? g.tBar : null, wantP ? g.pBar : null];
        },
      };
    },
  });
}

/**
 * CIA log10 absorption coefficients as a primitive: input `[T [L] (K)]`, output [L, N]
 * (log10 cm⁵ molecule⁻²).
 *
 * @param opa A CIA calculator.
 * @returns The primitive.
 *
 * @example
 * ```ts ignore
 * const prim = logaciaPrimitive(opaCia);
 * ```
 */
export function logaciaPrimitive(opa: OpaCia): Primitive {
  const rules = createCiaAd(opa);
  const n = opa.nuGrid.length;
  return definePrimitive({
    name: "logaciaMatrix",
    outShape: ([t]) => [t![0]!, n],
    forward: ([t]) => opa.logaciaMatrix(t!),
    jvp: ([t], [tt], k) => {
      if (tt === null) {
        const out = opa.logaciaMatrix(t!);
        return { out, dout: new Float64Array(k * out.length) };
      }
      const r = rules.logaciaMatrixJvp(t!, tt ?? null);
      return { out: r.logacia, dout: r.dlogacia };
    },
    withVjp: ([t]) => {
      const r = rules.logaciaMatrixWithVjp(t!);
      return { out: r.logacia, pullback: (ct) => [r.pullback(ct).tBar] };
    },
  });
}
