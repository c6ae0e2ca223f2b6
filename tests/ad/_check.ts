// Shared gradient checks for AD primitives (tests only).
import { jvp, jvpBatch, type Value, vjp } from "../../src/ad/core.ts";
import { Tensor } from "../../src/ad/tensor.ts";
import { key, normal, split } from "../../src/random/prng.ts";

export function asT(v: Value): Tensor {
  if (!(v instanceof Tensor)) throw new Error("expected a concrete tensor");
  return v;
}

function _dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function _norm(a: Float64Array): number {
  return Math.sqrt(_dot(a, a));
}

export interface CheckOptions {
  /** Relative step for central differences (scaled by the input's magnitude). */
  eps?: number;
  /** Tolerance of J·v against central differences (relative to ‖J·v‖). */
  fdTol?: number;
  /** Tolerance of ⟨w, J v⟩ = ⟨Jᵀ w, v⟩. */
  dotTol?: number;
  /** Seed of the random directions. */
  seed?: number;
  /** Directions per input (null: random normal). */
  directions?: (Float64Array | null)[];
  /** Step along the directions for central differences (overrides `eps`). */
  h?: number;
  /** Report instead of throwing. */
  log?: boolean;
}

/**
 * Checks forward mode against central differences, batched against unbatched forward mode,
 * and reverse mode against forward mode through ⟨w, J v⟩ = ⟨Jᵀ w, v⟩.
 */
export function checkRules(
  name: string,
  f: (...xs: Value[]) => Value,
  xs: Tensor[],
  opts: CheckOptions = {},
): { fdErr: number; dotErr: number } {
  const eps = opts.eps ?? 1e-6;
  const fdTol = opts.fdTol ?? 1e-5;
  const dotTol = opts.dotTol ?? 1e-10;
  const keys = split(key(opts.seed ?? 1), xs.length + 2);
  const vs = xs.map((x, i) => opts.directions?.[i] ?? normal(keys[i]!, x.size));
  const tv = vs.map((v, i) => new Tensor(v, xs[i]!.shape));
  const [y, jv] = jvp(f, xs, tv);
  const Jv = asT(jv).data;
  // central differences along v, step scaled to the inputs (or given directly by opts.h)
  const maxAbs = (a: Float64Array): number => {
    let m = 0;
    for (const v of a) m = Math.max(m, Math.abs(v));
    return m;
  };
  let scale = 1e-300, vmax = 1e-300;
  for (const x of xs) scale = Math.max(scale, maxAbs(x.data));
  for (const v of vs) vmax = Math.max(vmax, maxAbs(v));
  const h = opts.h ?? eps * scale / vmax;
  const shifted = (sgn: number) =>
    asT(
      f(...xs.map((x, i) =>
        new Tensor(
          Float64Array.from(x.data, (a, j) => a + sgn * h * vs[i]![j]!),
          x.shape,
        )
      )),
    )
      .data;
  const yp = shifted(1), ym = shifted(-1);
  const fd = Float64Array.from(yp, (a, j) => (a - ym[j]!) / (2 * h));
  const diff = Float64Array.from(Jv, (a, j) => a - fd[j]!);
  const fdErr = _norm(diff) / Math.max(_norm(Jv), _norm(fd), 1e-300);
  // batched forward mode (K = 2: v and 2v) equals unbatched
  const tb = vs.map((v, i) => {
    const d = new Float64Array(2 * v.length);
    d.set(v, 0);
    d.set(v.map((a) => 2 * a), v.length);
    return new Tensor(d, [2, ...xs[i]!.shape]);
  });
  const [, jb] = jvpBatch(f, xs, tb);
  const JB = asT(jb).data;
  const rms = _norm(Jv) / Math.sqrt(Jv.length);
  for (let j = 0; j < Jv.length; j++) {
    if (
      Math.abs(JB[j]! - Jv[j]!) >
        1e-12 *
          (Math.abs(Jv[j]!) + rms + 1e-300) ||
      Math.abs(JB[Jv.length + j]! - 2 * Jv[j]!) >
        1e-12 *
          (2 * Math.abs(Jv[j]!) + 2 * rms + 1e-300)
    ) {
      throw new Error(
        `${name}: batched JVP differs from unbatched at ${j}: ${JB[j]} vs ${
          Jv[j]
        }`,
      );
    }
  }
  // reverse mode
  const w = normal(keys[xs.length]!, asT(y).size);
  const [, back] = vjp(f, xs);
  const cts = back(new Tensor(w, asT(y).shape)).map(asT);
  const lhs = _dot(w, Jv);
  let rhs = 0;
  for (let i = 0; i < xs.length; i++) rhs += _dot(cts[i]!.data, vs[i]!);
  const dotErr = Math.abs(lhs - rhs) /
    Math.max(Math.abs(lhs), _norm(w) * _norm(Jv), 1e-300);
  if (opts.log) {
    console.log(
      `${name}: fd ${fdErr.toExponential(2)}, <w,Jv> ${
        dotErr.toExponential(2)
      }`,
    );
  }
  if (!(fdErr <= fdTol)) {
    throw new Error(`${name}: JVP vs central differences ${fdErr} > ${fdTol}`);
  }
  if (!(dotErr <= dotTol)) {
    throw new Error(
      `${name}: <w, Jv> = ${lhs} vs <J^T w, v> = ${rhs} (rel ${dotErr} > ${dotTol})`,
    );
  }
  return { fdErr, dotErr };
}
