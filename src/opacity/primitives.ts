/**
 * Opacity stages as autodiff primitives: `xsmatrix(T[], P[])` (PreMODIT, or direct forward only) and CIA
 * `logaciaMatrix(T[])`, each with its forward kernel, batched JVP and VJP rule in one place
 * (rules from {@link createPremoditAd} and {@link createCiaAd}, which already return the stage
 * convention `StageJvp`/`StageVjp` of `../ad/first_order.ts`, so the adapters pass them
 * through; first order only).
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
import type { OpaDirect } from "./direct.ts";
import { createPremoditAd } from "./premodit_ad.ts";
import type { OpaCia } from "./cia.ts";
import { createCiaAd } from "./cia_ad.ts";

/**
 * Cross sections as a primitive: inputs `[T [L] (K), P [L] (bar)]`, output σ [L, N] (cm²).
 *
 * With a PreMODIT calculator the primitive has PreMODIT's JVP and VJP rules. With the direct
 * line-by-line calculator (`method: "lpf"`, the slow reference) it is forward only: asking for
 * a derivative throws a TypeError that says so, at the first JVP or VJP through it.
 *
 * @param opa A PreMODIT or direct calculator.
 * @returns The primitive.
 *
 * @example
 * ```ts ignore
 * const prim = xsmatrixPrimitive(opa);
 * ```
 */
export function xsmatrixPrimitive(opa: OpaPremodit | OpaDirect): Primitive {
  const n = opa.nuGrid.length;
  if (opa.method === "lpf") {
    const noRule = (): never => {
      throw new TypeError(
        'xsmatrix: the direct line-by-line opacity (method "lpf") is forward only; ' +
          'use PreMODIT (opacity: "premodit") for derivatives',
      );
    };
    return definePrimitive({
      name: "xsmatrix_lpf",
      outShape: ([t]) => [t![0]!, n],
      forward: ([t, p]) => opa.xsmatrix(t!, p!),
      jvp: noRule,
      withVjp: noRule,
    });
  }
  const rules = createPremoditAd(opa);
  return definePrimitive({
    name: "xsmatrix",
    outShape: ([t]) => [t![0]!, n],
    forward: ([t, p]) => opa.xsmatrix(t!, p!),
    jvp: ([t, p], [tt, tp], k) => {
      if ((tt ?? null) === null && (tp ?? null) === null) {
        // both tangents zero: the rules return K = 0 directions; the primitive needs k
        const out = opa.xsmatrix(t!, p!);
        return { out, dout: new Float64Array(k * out.length) };
      }
      return rules.xsmatrixJvp(t!, p!, tt ?? null, tp ?? null);
    },
    withVjp: ([t, p], needs) =>
      rules.xsmatrixWithVjp(t!, p!, {
        t: needs?.[0] ?? true,
        pBar: needs?.[1] ?? true,
      }),
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
      return rules.logaciaMatrixJvp(t!, tt ?? null);
    },
    withVjp: ([t]) => rules.logaciaMatrixWithVjp(t!),
  });
}
