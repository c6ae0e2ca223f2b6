// Kernel-parity harness (issue 9): every kernel registered on the `js` reference backend, and
// every other CPU backend that registers the same name, gets the same random well-conditioned
// inputs; outputs agree to 1e-12 relative (f64), measured against the largest |value| of the
// js output. It prints and tests the coverage table (kernels per backend). The WebGPU backend's
// kernels are checked in its own test process (tests/webgpu_gpu.ts, f32 tolerances).
import assert from "node:assert";
import { createJsBackend } from "../../src/backend/js/js_backend.ts";
import {
  allocOutput,
  type Backend,
  type KernelParams,
} from "../../src/backend/backend.ts";
import { fftJsKernels } from "../../src/fft/kernels.ts";
import { registerEmissionStages } from "../../src/spectrum/stage_backend.ts";
import { stageCases } from "./_stage_cases.ts";
import { opCases } from "./_op_cases.ts";
import { opKernelNames } from "../../src/ad/op_dispatch.ts";
import { createStageWasmBackend } from "../../src/spectrum/stage_backend.ts";
import { key, split, uniform } from "../../src/random/mod.ts";

/** One parity case: host inputs, output sizes and params for a kernel. */
interface Case {
  label: string;
  inputs: Float64Array[];
  outputs: number[];
  params?: KernelParams;
}

let k = key(20261206);
function rand(n: number): Float64Array {
  const [a, b] = split(k);
  k = a!;
  return uniform(b!, n).map((u) => 2 * u - 1);
}

/** Cases per kernel name; sizes cover odd, prime, power-of-two and SIMD-remainder lengths. */
const CASES: Record<string, () => Case[]> = {
  copy: () =>
    [1, 7, 64].map((n) => ({
      label: `n=${n}`,
      inputs: [rand(n)],
      outputs: [n],
    })),
  scale: () =>
    [1, 7, 64].map((n) => ({
      label: `n=${n}`,
      inputs: [rand(n)],
      outputs: [n],
      params: { factor: -2.5 },
    })),
  rfft: () =>
    [1, 2, 7, 16, 45, 97].flatMap((n) => {
      const h = Math.floor(n / 2) + 1;
      return [
        { label: `n=${n} split`, inputs: [rand(n)], outputs: [h, h] },
        { label: `n=${n} interleaved`, inputs: [rand(n)], outputs: [2 * h] },
        {
          label: `n=${2 * n} padded`,
          inputs: [rand(n)],
          outputs: [n + 1, n + 1],
          params: { n: 2 * n },
        },
      ];
    }),
  irfft: () =>
    [2, 7, 16, 45, 97].flatMap((n) => {
      const h = Math.floor(n / 2) + 1;
      return [
        {
          label: `n=${n} split`,
          inputs: [rand(h), rand(h)],
          outputs: [n],
          params: { n },
        },
        {
          label: `n=${n} interleaved`,
          inputs: [rand(2 * h)],
          outputs: [n],
          params: { n },
        },
        {
          label: `n=${n} truncated`,
          inputs: [rand(h), rand(h)],
          outputs: [Math.max(1, n - 3)],
          params: { n },
        },
      ];
    }),
  fft: () => complexCases(),
  ifft: () => complexCases(),
};

function complexCases(): Case[] {
  return [1, 3, 8, 30, 97].flatMap((n) => [
    { label: `n=${n} split`, inputs: [rand(n), rand(n)], outputs: [n, n] },
    { label: `n=${n} interleaved`, inputs: [rand(2 * n)], outputs: [2 * n] },
  ]);
}

async function runCase(
  be: Backend,
  name: string,
  c: Case,
): Promise<Float64Array[]> {
  const ins = c.inputs.map((x) => {
    const b = be.alloc(x.length, "f64");
    be.write(b, x);
    return b;
  });
  // outputs a kernel writes in full (all but a pullback's gradients, see allocOutput): on the
  // poisoned wasm backend they start as NaN, so a part left unwritten shows
  const outs = c.outputs.map((n) =>
    name.endsWith(".pullback") ? be.alloc(n, "f64") : allocOutput(be, n, "f64")
  );
  be.run(name, ins, outs, c.params ?? {});
  await be.sync();
  const res = await Promise.all(outs.map((b) => be.read(b)));
  for (const b of [...ins, ...outs]) be.free(b);
  return res;
}

const js = createJsBackend(fftJsKernels());
registerEmissionStages(js);
Object.assign(CASES, stageCases(js));
const OP_CASES = opCases();
Object.assign(CASES, OP_CASES);
// the wasm backend of the emission model: AssemblyScript kernels where ported ("asm"), the js
// kernels over linear memory elsewhere ("ts"); both are compared with js on every case
const wasm = await createStageWasmBackend({ poisonUninit: true });
const others: Backend[] = [wasm];

Deno.test("parity: coverage table (kernels per backend), and every kernel has cases", () => {
  const names = [...new Set([js, ...others].flatMap((b) => b.kernels()))]
    .sort();
  const w = Math.max(10, ...names.map((n) => n.length));
  const rows = names.map((n) =>
    `${n.padEnd(w)} ${
      [js, ...others].map((b) =>
        (!b.hasKernel(n)
          ? "·"
          : b === wasm
          ? (wasm.kernelKind(n) === "asm" ? "asm" : "ts")
          : "✓").padEnd(6)
      ).join("")
    }`
  );
  console.log(
    `${"kernel".padEnd(w)} ${
      [js, ...others].map((b) => b.name.padEnd(6)).join("")
    }\n${rows.join("\n")}`,
  );
  // a kernel any backend registers must have parity cases, and js must have it (the reference)
  assert.deepStrictEqual(names.filter((n) => !CASES[n]), []);
  assert.deepStrictEqual(names.filter((n) => !js.hasKernel(n)), []);
  // wasm has every kernel of the model; these are compiled from asm/ (the rest: ts over memory)
  assert.deepStrictEqual(names.filter((n) => !wasm.hasKernel(n)), []);
  assert.deepStrictEqual(
    wasm.kernels().filter((n) => wasm.kernelKind(n) === "asm").sort(),
    [
      "fft",
      "ifft",
      "irfft",
      "opacity.premodit_xsmatrix",
      "opacity.premodit_xsmatrix.vjp",
      "rfft",
      "rt.emission_ibased",
      "rt.emission_ibased.jvp",
      "rt.emission_ibased.pullback",
      "rt.emission_ibased.vjp",
      "rt.opacity_profile_cia",
      "rt.opacity_profile_cia.vjp",
      "rt.opacity_profile_xs",
      "rt.opacity_profile_xs.pullback",
      "rt.opacity_profile_xs.vjp",
      "sop.ipgauss",
      "sop.ipgauss.pullback",
      "sop.ipgauss.vjp",
      "sop.rigid_rotation",
      "sop.rigid_rotation.pullback",
      "sop.rigid_rotation.vjp",
    ],
  );
  // totals per backend (printed; the stages' kernels are js-only until issues 10 and 11)
  console.log(
    [js, ...others].map((b) => `${b.name}: ${b.kernels().length} kernels`)
      .join(", "),
  );
});

Deno.test("parity: every stage case runs on js with the sizes its spec declares, outputs finite", async () => {
  for (const name of Object.keys(CASES).filter((n) => n.includes("."))) {
    for (const c of CASES[name]!()) {
      const outs = await runCase(js, name, c);
      outs.forEach((o, j) =>
        assert.ok(
          o.every(Number.isFinite),
          `${name} ${c.label}: output ${j} has a non-finite value`,
        )
      );
    }
  }
});

for (const name of Object.keys(CASES).sort()) {
  for (const be of others) {
    if (!be.hasKernel(name)) continue;
    Deno.test(`parity: ${name} on ${be.name} equals js to 1e-12 relative`, async () => {
      for (const c of CASES[name]!()) {
        const want = await runCase(js, name, c);
        const got = await runCase(be, name, c);
        const scale = Math.max(
          1e-300,
          ...want.flatMap((w) => Array.from(w, Math.abs)),
        );
        let err = 0;
        want.forEach((w, j) =>
          w.forEach((v, i) => {
            err = Math.max(err, Math.abs(got[j]![i]! - v) / scale);
          })
        );
        assert.ok(err < 1e-12, `${name} ${c.label}: relative error ${err}`);
      }
    });
  }
}

Deno.test("parity: every ad.* kernel is registered on js and has cases; each js kernel returns the host op's result exactly (the launch encoding round-trips, by-value scalars included)", async () => {
  assert.deepStrictEqual(
    opKernelNames().filter((n) => !js.hasKernel(n)),
    [],
  );
  assert.deepStrictEqual(
    opKernelNames().filter((n) => !OP_CASES[n]).sort(),
    [],
  );
  let n = 0;
  for (const [name, cases] of Object.entries(OP_CASES)) {
    for (const c of cases()) {
      const [got] = await runCase(js, name, c);
      assert.deepStrictEqual(
        Array.from(got!),
        Array.from(c.expected),
        `${name} ${c.label}`,
      );
      n++;
    }
  }
  console.log(`${Object.keys(OP_CASES).length} ad.* kernels, ${n} cases`);
});

Deno.test("parity: the js ad.* kernels equal closed forms on a few cases (independent of the host op code)", async () => {
  const a = new Float64Array([1, -2, 3]), b = new Float64Array([0.5]);
  const shapes = { nin: 2, "in0.rank": 1, "in0.d0": 3, "in1.rank": 0 };
  const out = { "out.rank": 1, "out.d0": 3 };
  const [add] = await runCase(js, "ad.add", {
    label: "",
    inputs: [a, b],
    outputs: [3],
    params: { ...shapes, ...out },
  });
  assert.deepStrictEqual(Array.from(add!), [1.5, -1.5, 3.5]);
  const [div] = await runCase(js, "ad.div", {
    label: "",
    inputs: [a, new Float64Array(0)],
    outputs: [3],
    params: { ...shapes, ...out, "in1.const": 4 },
  });
  assert.deepStrictEqual(Array.from(div!), [0.25, -0.5, 0.75]);
  const m = new Float64Array([1, 2, 3, 4, 5, 6]); // [2, 3]
  const [rowSums] = await runCase(js, "ad.sum", {
    label: "",
    inputs: [m],
    outputs: [2],
    params: {
      nin: 1,
      "in0.rank": 2,
      "in0.d0": 2,
      "in0.d1": 3,
      "p.axes.n": 1,
      "p.axes.0": 1,
      "p.keepdims": 0,
      "bool.keepdims": 1,
      "out.rank": 1,
      "out.d0": 2,
    },
  });
  assert.deepStrictEqual(Array.from(rowSums!), [6, 15]);
});

Deno.test("parity: the js fft kernels equal closed forms (DFT by direct summation)", async () => {
  // independent reference: X_k = Σ x_j e^{-2πijk/n}, summed directly
  for (const n of [1, 5, 12]) {
    const re = rand(n), im = rand(n);
    const [gr, gi] = await runCase(js, "fft", {
      label: "",
      inputs: [re, im],
      outputs: [n, n],
    });
    for (let q = 0; q < n; q++) {
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        const a = -2 * Math.PI * j * q / n;
        sr += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
        si += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
      }
      assert.ok(
        Math.abs(gr![q]! - sr) < 1e-12 * n &&
          Math.abs(gi![q]! - si) < 1e-12 * n,
      );
    }
  }
});

Deno.test("parity: teardown", () => {
  wasm.destroy();
  js.destroy();
});
