// elementwise.wgsl: the built-in kernels every backend has (src/backend/js/js_backend.ts
// `scale` and `copy`): out = factor * a, and out = a.
// Bindings: 0 params (n, factor), 1 a [n], 2 out [n].

struct Params {
  n: u32,
  factor: f32,
}

@group(0) @binding(0) var<uniform> prm: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn scale(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 256u;
  if (i < prm.n) {
    out[i] = prm.factor * a[i];
  }
}

@compute @workgroup_size(256)
fn copy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 256u;
  if (i < prm.n) {
    out[i] = a[i];
  }
}
