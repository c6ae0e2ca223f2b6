// emission_ibased_jvp.wgsl: f32 forward-mode derivative of `emissionIbased`
// (src/rt/emission_ibased.ts; f64 twin in src/rt/emission_ibased_ad.ts) for K tangent directions
// of (dtau [K][L][N], T [K][L]) in one dispatch. Per layer i, with a_mu = e^{-dtau_i/mu},
// T_mu = transmission above the layer and dtau-tangent sum dT_(i-1) above it:
//   dF += dB_i/dT tT_i sA - B_i dT_(i-1) sC + B_i tDtau_i sB,
//   sA = sum 2mu w T_mu (1 - a_mu), sC = sum 2w T_mu (1 - a_mu), sB = sum 2w T_mu a_mu.
// Needs rt_common.wgsl. Invocation (j, c) handles wavenumber j and directions 8c .. 8c+7
// (chunk c = 0 also writes the primal flux). Bindings: 0 params, 1 dtau [L][N],
// 2 temperature [L], 3 nu [N], 4 quad [2 nmu], 5 tdtau [K][L][N] (ignored if has_tdtau = 0),
// 6 tt [K][L] (ignored if has_tt = 0), 7 flux [N] (out), 8 dflux [K][N] (out).

const KCHUNK: u32 = 8u;

struct Params {
  nlayer: u32,
  nnu: u32,
  nmu: u32,
  nk: u32,
  has_tdtau: u32,
  has_tt: u32,
}

@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> dtau: array<f32>;
@group(0) @binding(2) var<storage, read> temperature: array<f32>;
@group(0) @binding(3) var<storage, read> nu: array<f32>;
@group(0) @binding(4) var<storage, read> quad: array<f32>;
@group(0) @binding(5) var<storage, read> tdtau: array<f32>;
@group(0) @binding(6) var<storage, read> tt: array<f32>;
@group(0) @binding(7) var<storage, read_write> flux: array<f32>;
@group(0) @binding(8) var<storage, read_write> dflux: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let nnu = prm.nnu;
  let nlayer = prm.nlayer;
  let k0 = gid.y * KCHUNK;
  if (j >= nnu || (k0 >= prm.nk && gid.y > 0u)) {
    return;
  }
  let kc = min(KCHUNK, prm.nk - min(k0, prm.nk));
  let nmu = min(prm.nmu, MAX_NMU);
  var tr: array<f32, MAX_NMU>;
  var coef: array<f32, MAX_NMU>;
  var imu: array<f32, MAX_NMU>;
  for (var m = 0u; m < nmu; m++) {
    tr[m] = 1.0;
    coef[m] = 2.0 * quad[m] * quad[nmu + m];
    imu[m] = 1.0 / quad[m];
  }
  var dtacc: array<f32, KCHUNK>; // tangent of tau above the layer, per direction
  var df: array<f32, KCHUNK>;
  for (var kk = 0u; kk < KCHUNK; kk++) {
    dtacc[kk] = 0.0;
    df[kk] = 0.0;
  }
  let v = nu[j];
  var f = 0.0;
  for (var i = 0u; i < nlayer; i++) {
    let sd = planck_pi_dt(v, temperature[i]);
    let s = sd.x;
    let dt = dtau[i * nnu + j];
    var sa = 0.0;
    var sb = 0.0;
    var sc = 0.0;
    for (var m = 0u; m < nmu; m++) {
      let p = exp_neg_pair(dt * imu[m]);
      let a = coef[m] * tr[m] * p.y;
      sa += a;
      sc += a * imu[m];
      tr[m] *= p.x;
      sb += coef[m] * tr[m] * imu[m];
    }
    f += s * sa;
    for (var kk = 0u; kk < kc; kk++) {
      let k = k0 + kk;
      var tdt = 0.0;
      if (prm.has_tdtau != 0u) {
        tdt = tdtau[(k * nlayer + i) * nnu + j];
      }
      var dT = 0.0;
      if (prm.has_tt != 0u) {
        dT = tt[k * nlayer + i];
      }
      df[kk] += sd.y * dT * sa + s * (tdt * sb - dtacc[kk] * sc);
      dtacc[kk] += tdt;
    }
  }
  if (gid.y == 0u) {
    flux[j] = f;
  }
  for (var kk = 0u; kk < kc; kk++) {
    dflux[(k0 + kk) * nnu + j] = df[kk];
  }
}
