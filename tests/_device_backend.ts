// A device backend for tests: its buffers are opaque handles over a js backend's arrays, so
// tensors on it are device tensors (no `data`), every host↔device transfer goes through
// `write`/`read`/`readSync` and is counted, and live allocations are counted. Its kernels are
// the inner js backend's, so results must be bit-identical to the js path.
import type { Backend, DeviceBuffer, DType } from "../src/backend/backend.ts";
import type { JsBackend } from "../src/backend/js/js_backend.ts";

/** Transfer and allocation counters of a {@link countingDevice}. */
export interface DeviceCounters {
  /** `write` calls (host → device uploads). */
  writes: number;
  /** Numbers uploaded. */
  writtenValues: number;
  /** `read` + `readSync` calls (device → host). */
  reads: number;
  /** Numbers read back. */
  readValues: number;
  /** Kernel launches. */
  launches: number;
  /** Buffers allocated and not yet freed. */
  live: number;
}

interface _Handle {
  inner: DeviceBuffer | null;
}

/**
 * Wraps a js backend (with its kernels) as a device backend named `name`.
 *
 * @param inner The js backend doing the work.
 * @param name The device backend's name.
 * @returns The backend, its counters and a reset function.
 */
export function countingDevice(
  inner: JsBackend,
  name = "device",
): { be: Backend; counters: DeviceCounters; reset(): void } {
  const counters: DeviceCounters = {
    writes: 0,
    writtenValues: 0,
    reads: 0,
    readValues: 0,
    launches: 0,
    live: 0,
  };
  const h = (b: DeviceBuffer): DeviceBuffer => {
    if (b.backend !== name) {
      throw new TypeError(`buffer of "${b.backend}" given to "${name}"`);
    }
    const i = (b.handle as _Handle).inner;
    if (i === null) {
      throw new Error(`${name} backend: buffer used after free()`);
    }
    return i;
  };
  const be: Backend = {
    name,
    defaultDtype: "f64",
    alloc(size: number, dtype: DType = "f64"): DeviceBuffer {
      counters.live++;
      return {
        backend: name,
        size,
        dtype,
        handle: { inner: inner.alloc(size, dtype) } as _Handle,
      };
    },
    write(b, data, off) {
      counters.writes++;
      counters.writtenValues += data.length;
      inner.write(h(b), data, off);
    },
    read(b) {
      counters.reads++;
      counters.readValues += b.size;
      return inner.read(h(b));
    },
    readSync(b) {
      counters.reads++;
      counters.readValues += b.size;
      return inner.readSync(h(b));
    },
    free(b) {
      inner.free(h(b));
      (b.handle as _Handle).inner = null;
      counters.live--;
    },
    hasKernel: (k) => inner.hasKernel(k),
    kernels: () => inner.kernels(),
    run(k, ins, outs, p) {
      counters.launches++;
      inner.run(k, ins.map(h), outs.map(h), p);
    },
    sync: () => Promise.resolve(),
    destroy: () => inner.destroy(),
  };
  return {
    be,
    counters,
    reset() {
      counters.writes = counters.writtenValues = 0;
      counters.reads = counters.readValues = counters.launches = 0;
    },
  };
}
