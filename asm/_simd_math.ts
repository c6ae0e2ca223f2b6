// AssemblyScript SIMD math shared by the kernels of asm/ (imported by them; not a build entry of
// scripts/build_wasm.ts, so it exports nothing from the module): a vector e^x on f64x2 lanes.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;

/**
 * e^x for both lanes, −708 ≤ x ≤ 709: x = n ln 2 + r, |r| ≤ ln2/2, e^r by its Taylor series to
 * r^12, times 2^n built in the exponent bits. Below −708 the result is 0 (e^−708 ≈ 3e-308:
 * below any flux contribution).
 */

export function exp2x(x: v128): v128 {
  const lo = f64x2.splat(-708.0);
  const under = f64x2.lt(x, lo);
  const xc = f64x2.max(x, lo);
  const n = f64x2.nearest(f64x2.mul(xc, f64x2.splat(LOG2E)));
  const r = f64x2.sub(
    f64x2.sub(xc, f64x2.mul(n, f64x2.splat(LN2_HI))),
    f64x2.mul(n, f64x2.splat(LN2_LO)),
  );
  // Σ_k r^k/k!, k ≤ 12 (truncation < 2e-16 relative for |r| ≤ ln2/2), Horner, one mul + add
  // per term, the coefficients 1/k! as literals (correctly rounded)
  let p = f64x2.splat(2.08767569878681e-09);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.505210838544172e-08));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.755731922398589e-07));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.7557319223985893e-06));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(2.48015873015873e-05));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.0001984126984126984));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.001388888888888889));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.008333333333333333));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.041666666666666664));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.16666666666666666));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^n: (n + 1023) << 52 in each lane's exponent
  const ni = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n));
  const scale = i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52);
  const y = f64x2.mul(p, scale);
  return v128.bitselect(f64x2.splat(0.0), y, under);
}

/** The scalar twin of {@link exp2x} (the odd last wavenumber). */
export function exp1(x: f64): f64 {
  return f64x2.extract_lane(exp2x(f64x2.splat(x)), 0);
}
