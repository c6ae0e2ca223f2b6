// emission_ibased.wgsl: f32 twin of `emissionIbased` (src/rt/emission_ibased.ts), the
// intensity-based n-stream emission of a pure-absorption atmosphere:
//   F_nu = sum_mu 2 mu w sum_i piB_nu(T_i) T_mu,i (1 - e^{-dtau_i/mu}),  T_mu,i = prod_{k<i} e^{-dtau_k/mu}.
// Needs rt_common.wgsl. One invocation per wavenumber; layers top first, [nlayer][nnu] row-major.
// Bindings: 0 params, 1 dtau [L][N], 2 temperature [L] (K), 3 nu [N] (cm^-1),
// 4 quad [2 nmu] (mu_0.., w_0..), 5 flux [N] (out).

struct Params {
  nlayer: u32,
  nnu: u32,
  nmu: u32,
}

@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> dtau: array<f32>;
@group(0) @binding(2) var<storage, read> temperature: array<f32>;
@group(0) @binding(3) var<storage, read> nu: array<f32>;
@group(0) @binding(4) var<storage, read> quad: array<f32>;
@group(0) @binding(5) var<storage, read_write> flux: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let nnu = prm.nnu;
  if (j >= nnu) {
    return;
  }
  let nmu = min(prm.nmu, MAX_NMU);
  var tr: array<f32, MAX_NMU>; // e^{-tau_(i-1)/mu}
  var coef: array<f32, MAX_NMU>; // 2 mu w
  var imu: array<f32, MAX_NMU>; // 1/mu
  for (var m = 0u; m < nmu; m++) {
    tr[m] = 1.0;
    coef[m] = 2.0 * quad[m] * quad[nmu + m];
    imu[m] = 1.0 / quad[m];
  }
  let v = nu[j];
  var f = 0.0;
  for (var i = 0u; i < prm.nlayer; i++) {
    let s = planck_pi(v, temperature[i]);
    let dt = dtau[i * nnu + j];
    var sa = 0.0;
    for (var m = 0u; m < nmu; m++) {
      let p = exp_neg_pair(dt * imu[m]);
      sa += coef[m] * tr[m] * p.y;
      tr[m] *= p.x;
    }
    f += s * sa;
  }
  flux[j] = f;
}
