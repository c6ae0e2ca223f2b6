// reduce_rows.wgsl: out[r] = sum_c x[r][c] for a row-major [rows][cols] matrix, one workgroup
// per row (strided partial sums, then a tree in workgroup memory). Implements the sum over
// wavenumbers of the temperature cotangent in `emissionIbased`'s VJP (src/rt/emission_ibased.ts).
// Bindings: 0 params (rows, cols: the first two u32 of the launching kernel's params),
// 1 x [rows][cols], 2 out [rows].

const WG: u32 = 256u;

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> part: array<f32, WG>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let r = wid.x + wid.y * 65535u;
  let cols = prm.cols;
  var acc = 0.0;
  if (r < prm.rows) {
    for (var c = lid.x; c < cols; c += WG) {
      acc += x[r * cols + c];
    }
  }
  part[lid.x] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid.x < s) {
      part[lid.x] += part[lid.x + s];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u && r < prm.rows) {
    out[r] = part[0];
  }
}
