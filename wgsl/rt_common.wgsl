// rt_common.wgsl: f32 helpers shared by the emission kernels (prepended to them by the
// webgpu backend). Implements `_planckPiRow` (src/rt/planck.ts) and the stable
// e^{-x}, 1 - e^{-x} pair behind `emissionIbased` (src/rt/emission_ibased.ts).

const C2: f32 = 1.4387773538277202; // second radiation constant hc/k [cm K]
const PLANCK_PI_CONST: f32 = 3.741771790075259e-5; // 2hc^2 pi [erg/s/cm^2/cm^-1 per cm^-3]
const MAX_NMU: u32 = 32u; // nstream <= 64
const X_CLAMP: f32 = 87.0; // e^{-87} ~ 1.6e-38: keeps exp() and +Infinity inputs finite

// (e^{-x}, 1 - e^{-x}) for x >= 0, both with f32 relative accuracy: a Taylor series of
// 1 - e^{-x} below 0.3 (truncation < x^9/9! ~ 5e-11 relative), exp() above.
fn exp_neg_pair(x_in: f32) -> vec2<f32> {
  let x = min(x_in, X_CLAMP);
  if (x < 0.3) {
    let om = x * (1.0 - x * (0.5 - x * (0.16666667 - x * (0.041666668 - x * (0.008333334
      - x * (0.0013888889 - x * (0.0001984127 - x * 0.0000248015873)))))));
    return vec2<f32>(1.0 - om, om);
  }
  let e = exp(-x);
  return vec2<f32>(e, 1.0 - e);
}

// (piB_nu(T), d piB_nu/dT) [erg/s/cm^2/cm^-1, per K]: piB = P nu^3 e^{-x} / (1 - e^{-x}),
// x = c2 nu / T; dpiB/dT = piB x / (T (1 - e^{-x})).
fn planck_pi_dt(nu: f32, t: f32) -> vec2<f32> {
  let x = C2 * nu / t;
  let p = exp_neg_pair(x);
  let s = PLANCK_PI_CONST * nu * nu * nu * (p.x / p.y);
  return vec2<f32>(s, s * x / (t * p.y));
}

// piB_nu(T) only.
fn planck_pi(nu: f32, t: f32) -> f32 {
  let x = C2 * nu / t;
  let p = exp_neg_pair(x);
  return PLANCK_PI_CONST * nu * nu * nu * (p.x / p.y);
}
