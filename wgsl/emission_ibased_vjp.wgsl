// emission_ibased_vjp.wgsl: f32 reverse-mode derivative of `emissionIbased`
// (src/rt/emission_ibased.ts; f64 twin in src/rt/emission_ibased_ad.ts). For a cotangent g [N]:
//   dtauBar_i = g sum_mu (2w) (B_i T_mu,i+1 - R_mu,i),  R_mu,i = sum_{k>i} B_k T_mu,k (1 - a_mu,k),
//   q_i = g dB_i/dT sum_mu 2mu w T_mu,i (1 - a_mu,i)   (tBar_i = sum_nu q_i, see reduce_rows.wgsl).
// Two passes over the layers per wavenumber, no stored transmissions: the first sums
// F_mu = R_mu,-1, the second peels R_mu,i = F_mu - (same partial sums, same order).
// Needs rt_common.wgsl. Bindings: 0 params, 1 dtau [L][N], 2 temperature [L], 3 nu [N],
// 4 quad [2 nmu], 5 ct [N], 6 dtau_bar [L][N] (out), 7 q [L][N] (scratch, out).

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
@group(0) @binding(5) var<storage, read> ct: array<f32>;
@group(0) @binding(6) var<storage, read_write> dtau_bar: array<f32>;
@group(0) @binding(7) var<storage, read_write> q: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let nnu = prm.nnu;
  let nlayer = prm.nlayer;
  if (j >= nnu) {
    return;
  }
  let nmu = min(prm.nmu, MAX_NMU);
  var tr: array<f32, MAX_NMU>;
  var coef: array<f32, MAX_NMU>;
  var imu: array<f32, MAX_NMU>;
  var rem: array<f32, MAX_NMU>; // R_mu: emission of the layers below
  for (var m = 0u; m < nmu; m++) {
    tr[m] = 1.0;
    coef[m] = 2.0 * quad[m] * quad[nmu + m];
    imu[m] = 1.0 / quad[m];
    rem[m] = 0.0;
  }
  let v = nu[j];
  for (var i = 0u; i < nlayer; i++) {
    let s = planck_pi(v, temperature[i]);
    let dt = dtau[i * nnu + j];
    for (var m = 0u; m < nmu; m++) {
      let p = exp_neg_pair(dt * imu[m]);
      rem[m] += s * (tr[m] * p.y);
      tr[m] *= p.x;
    }
  }
  let g = ct[j];
  for (var m = 0u; m < nmu; m++) {
    tr[m] = 1.0;
  }
  for (var i = 0u; i < nlayer; i++) {
    let sd = planck_pi_dt(v, temperature[i]);
    let s = sd.x;
    let dt = dtau[i * nnu + j];
    var acc = 0.0;
    var sa = 0.0;
    for (var m = 0u; m < nmu; m++) {
      let p = exp_neg_pair(dt * imu[m]);
      let e = tr[m] * p.y;
      rem[m] -= s * e;
      sa += coef[m] * e;
      tr[m] *= p.x;
      acc += coef[m] * imu[m] * (s * tr[m] - rem[m]);
    }
    dtau_bar[i * nnu + j] = g * acc;
    q[i * nnu + j] = g * sd.y * sa;
  }
}
